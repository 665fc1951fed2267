"""assert_close and the list of devices available on this machine."""

from __future__ import annotations

from .. import backends
from ..tensor import Tensor

__all__ = ["assert_close", "available_devices"]

_TOLERANCES = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def assert_close(actual, expected, *, rtol=None, atol=None, check_dtype=True,
                 equal_nan=True) -> None:
    """Raise AssertionError unless `actual` and `expected` agree elementwise.

    Either may be a Tensor (on any device), a NumPy array or nested lists;
    values are compared on the host. Default tolerances depend on the dtype,
    as in torch.testing.assert_close.
    """
    from ..backends import host
    a_dtype = actual.dtype if isinstance(actual, Tensor) else None
    e_dtype = expected.dtype if isinstance(expected, Tensor) else None
    if check_dtype and a_dtype and e_dtype and a_dtype != e_dtype:
        raise AssertionError(f"dtypes differ: {a_dtype} vs {e_dtype}")
    dtype = a_dtype or e_dtype or "float64"
    default_rtol, default_atol = _TOLERANCES.get(dtype, (0.0, 0.0))
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    a = actual._host() if isinstance(actual, Tensor) else actual
    e = expected._host() if isinstance(expected, Tensor) else expected
    problem = host.compare(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if problem:
        raise AssertionError(problem)


def available_devices() -> list[str]:
    """One device string per usable device of every registered device type."""
    found = []
    for name in backends.registered_types():
        backend = backends.get(name)
        try:
            count = backend.device_count()
            if count:
                backend.check_available()
        except Exception:  # noqa: BLE001 - an unusable backend simply has no devices here
            continue
        found += ["cpu"] if name == "cpu" else [f"{name}:{i}" for i in range(count)]
    return found
