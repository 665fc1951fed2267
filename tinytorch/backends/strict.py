"""The "strict" backend: array-api-strict, the standard and nothing more, on two devices.

It exists to keep the front end honest on a machine without a GPU: any
NumPy-only habit (an ndarray method, a NumPy scalar, mixed-kind promotion,
flat indexing) fails loudly here, and "strict:0" / "strict:1" are two
devices whose arrays refuse to mix, like two GPUs.
Assumes: array-api-strict's CPU_DEVICE is strict:0 and device1 is strict:1.
Production does instead: PyTorch tests device semantics with real
accelerators and its "meta" device; there is no standard-only reference.
"""

import array_api_strict as xp
import numpy as np

from . import Backend, BackendUnavailableError

_DEVICES = (xp.Device("CPU_DEVICE"), xp.Device("device1"))


def _check_available():
    if not hasattr(xp, "Device"):
        raise BackendUnavailableError(
            "array-api-strict is too old to have devices; pip install -U array-api-strict")


BACKEND = Backend(
    name="strict",
    load=lambda: xp,
    device_count=lambda: len(_DEVICES),
    native_device=lambda index: _DEVICES[index],
    from_host=lambda host, device: xp.asarray(np.asarray(host), device=device),
    to_host=lambda array: np.asarray(xp.asarray(array, device=_DEVICES[0])),
    check_available=_check_available,
    array_type=xp._array_object.Array,
)
