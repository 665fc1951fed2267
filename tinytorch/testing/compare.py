"""assert_close and the list of devices available on this machine.

Assumes: comparing on the host is fine (a device tensor is copied first).
Production does instead: torch.testing.assert_close also compares on the
device, checks strides, layouts and quantisation, and matches complex and
sparse tensors element by element.
"""

from __future__ import annotations

from .. import backends
from ..tensor import Tensor

__all__ = ["assert_close", "available_devices", "assert_on_device", "placement_problem",
           "to_numpy"]

_TOLERANCES = {"float16": (1e-3, 1e-5), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7)}


def to_numpy(t: Tensor):
    """The values of tensor `t`, from any device and detached, as a NumPy array (for tests)."""
    return t.detach().cpu().numpy()


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


def placement_problem(t, device=None) -> str | None:
    """None if `t` really lives on `device` (default: its own `t.device`), else what is wrong.

    Checks that `t.device` is `device`, that the backing array `t._data` is
    exactly the backend's array type (not, say, a NumPy array that leaked
    onto the strict or cuda device), that the array reports the device's
    native device, and that its dtype is the one `t.dtype` names. The same
    holds for `t.grad` when it is set.
    """
    from ..device import device as as_device
    if not isinstance(t, Tensor):
        return f"expected a tinytorch Tensor, got {type(t).__module__}.{type(t).__name__}"
    want = t.device if device is None else as_device(device)
    if t.device is not want:
        return f"tensor is on {t.device}, expected {want}"
    backend = want.backend
    data = t._data
    if type(data) is not backend.array_type:
        return (f"tensor on {want} is backed by a {type(data).__module__}."
                f"{type(data).__qualname__}, not the {backend.name!r} backend's "
                f"{backend.array_type.__module__}.{backend.array_type.__qualname__}")
    native = getattr(data, "device", None)
    if native is not None and native != want.native:
        return f"tensor on {want} has its array on native device {native!r}, not {want.native!r}"
    if backend.dtype_names.get(data.dtype) != t.dtype:
        return f"tensor says dtype {t.dtype} but its array has dtype {data.dtype}"
    if t.grad is not None:
        problem = placement_problem(t.grad, want)
        if problem:
            return f".grad: {problem}"
    return None


def assert_on_device(t, device=None) -> None:
    """Raise AssertionError unless `t` (and its .grad) is backed by `device`'s own arrays."""
    problem = placement_problem(t, device)
    if problem:
        raise AssertionError(problem)
