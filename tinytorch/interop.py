"""tinytorch as an array-API namespace: `__array_namespace_info__()` and DLPack import.

What it does: answers the standard's inspection questions (capabilities,
default device and dtypes, the devices and the dtypes each holds), and
`from_dlpack` takes any DLPack producer (a NumPy or PyTorch array, a
tinytorch tensor, a CuPy array on a GPU) onto a tinytorch device, sharing
memory where the producer and the device agree.

Assumes: a DLPack capsule is imported by the backend of the target device
(NumPy for cpu, CuPy for cuda); for strict devices, which have no DLPack
import of their own, the data goes through host memory (a copy), as the
standard allows for `copy=None`.
Production does instead: PyTorch's `torch.from_dlpack` wraps the producer's
memory in a C++ `TensorImpl` with a deleter that calls the capsule's own,
for every device type it supports.
"""

from __future__ import annotations

from . import dtypes as _dt
from .device import device as as_device
from .device import get_default_device
from .errors import DLPackError
from .tensor import Tensor

__all__ = ["__array_namespace_info__", "from_dlpack"]

_DLPACK_CPU, _DLPACK_CUDA = 1, 2


class __array_namespace_info__:  # noqa: N801 - the standard's name
    """What this namespace supports, as the array API's inspection functions report it."""

    def capabilities(self) -> dict:
        # Boolean-mask indexing and nonzero/unique give data-dependent shapes; both work.
        return {"boolean indexing": True, "data-dependent shapes": True,
                "max dimensions": None}

    def default_device(self):
        return get_default_device()

    def default_dtypes(self, *, device=None) -> dict:
        default = _dt.get_default_dtype()
        return {"real floating": default, "complex floating": _dt.promote_types(
            default, "complex64"), "integral": _dt.DEFAULT_INT, "indexing": "int64"}

    def devices(self) -> list:
        from .backends import get
        found = []
        for kind in ("cpu", "strict", "cuda"):
            try:
                count = get(kind).device_count()
            except Exception:  # noqa: BLE001 - a backend that can't even load has no devices
                count = 0
            found += [as_device(kind if kind == "cpu" else f"{kind}:{i}") for i in range(count)]
        return found

    def dtypes(self, *, device=None, kind=None) -> dict:
        dev = get_default_device() if device is None else as_device(device)
        dev.xp  # noqa: B018 - builds the backend's dtype table
        # The standard's dtypes only: float16 works on cpu and cuda but is not one of them.
        held = [d for d in _dt.DTYPES if d in dev._backend.dtypes and d != "float16"]
        if kind is not None:
            held = [d for d in held if _dt.isdtype(d, kind)]
        return {d: d for d in held}


def from_dlpack(x, /, *, device=None, copy=None) -> Tensor:
    """A tensor sharing memory with a DLPack producer `x` (NumPy, PyTorch, CuPy, tinytorch).

    With `copy=True` the data is copied; with `copy=False` a copy raises
    instead of happening. `device=None` picks the device the data is on.
    """
    if isinstance(x, Tensor):
        x = x.detach()
    if not hasattr(x, "__dlpack_device__"):
        raise TypeError(f"from_dlpack needs an object that supports DLPack (a NumPy, CuPy, "
                        f"PyTorch or tinytorch array), got {type(x).__name__}. For Python data "
                        f"use tinytorch.tensor(...).")
    kind, index = x.__dlpack_device__()
    if device is None:
        device = "cpu" if int(kind) == _DLPACK_CPU else f"cuda:{index}" if int(
            kind) == _DLPACK_CUDA else None
        if device is None:
            raise DLPackError(f"from_dlpack: the producer's memory is on DLPack device type "
                              f"{int(kind)}, which tinytorch has no backend for (cpu is 1, cuda "
                              f"is 2). Copy it to host memory first.")
    dev = as_device(device)
    xp = dev.xp
    native_import = getattr(xp, "from_dlpack", None)
    if dev.type in ("cpu", "cuda") and native_import is not None:
        try:
            array = native_import(x, copy=copy) if copy is not None else native_import(x)
        except (BufferError, TypeError, ValueError, RuntimeError) as exc:
            raise DLPackError(f"from_dlpack could not import {type(x).__name__} onto {dev} "
                              f"(copy={copy}): {exc}. Pass copy=True to allow a copy, or move "
                              f"the data to that device first.") from exc
        return Tensor._wrap(array, dev)
    if copy is False:
        raise DLPackError(f"from_dlpack cannot share memory with a {dev.type} device (it has "
                          f"no DLPack import); pass copy=None or copy=True to copy.")
    from .backends import host
    return Tensor._wrap(dev._backend.from_host(host.from_dlpack(x), dev.native), dev)
