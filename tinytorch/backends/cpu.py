"""The "cpu" backend: NumPy through array-api-compat.

Assumes: one CPU device ("cpu"). NumPy returns scalars rather than 0-d
arrays from some operations; tinytorch keeps 0-d arrays, so `from_host`
and the front end's wrap step turn those scalars back into arrays.
Production does instead: PyTorch's CPU kernels are its own C++ (ATen, with
oneDNN/MKL for matmul and convolution) rather than a host array library.
"""

import array_api_compat.numpy as xp
import numpy as np

from . import Backend


def _index_add(xp_, zeros, axis, index, values):
    out = np.array(zeros, copy=True)
    np.add.at(out, (slice(None),) * axis + (index,), values)
    return out


def _index_put(xp_, flat, index, values):
    out = flat.copy()
    out[index] = values
    return out


BACKEND = Backend(
    name="cpu",
    load=lambda: xp,
    device_count=lambda: 1,
    native_device=lambda index: "cpu",
    from_host=lambda host, device: np.asarray(host),
    to_host=lambda array: np.asarray(array),
    index_add=_index_add,
    index_put=_index_put,
    to_array=np.asarray,
    array_type=np.ndarray,
)
