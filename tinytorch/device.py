"""Devices are strings: "cpu", "cuda:0", "strict:1", and the default device.

What it does: `device("cuda")` parses and canonicalises a device string to an
interned `device` object, which *is* a str ("cuda:0" == device("cuda")), knows
its backend, and works as a context manager that makes it the default
device for a block. `set_default_device` and the TINYTORCH_DEVICE
environment variable set the default for the whole process.

Assumes: a device is a (type, index) pair; "cpu" has one device and prints
without an index; other types print with one ("cuda" means "cuda:0").
Production does instead: `torch.device` is a C++ object; PyTorch's
`with torch.device(...)` works through a TorchFunctionMode that intercepts
every factory call; here factories simply read `get_default_device()`.
"""

from __future__ import annotations

import functools
import os

from . import backends

__all__ = ["device", "get_default_device", "set_default_device"]

_interned: dict[str, device] = {}


class device(str):  # noqa: N801 - mirrors torch.device
    """A canonical device string ("cpu", "cuda:0", "strict:1") that knows its backend."""

    def __new__(cls, spec="cpu", index: int | None = None):
        if isinstance(spec, device) and index is None:
            return spec
        if not isinstance(spec, str):
            raise TypeError(f"a device is a string like 'cpu' or 'cuda:0', got {spec!r}")
        key = spec if index is None else f"{spec}:{index}"
        found = _interned.get(key)
        if found is not None:
            return found
        dev_type, _, idx = key.partition(":")
        backend = backends.get(dev_type)  # raises for unknown types
        if idx:
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: {key!r}. Write the index as a "
                                   f"non-negative integer, e.g. '{dev_type}:0'.")
            number = int(idx)
        else:
            number = backend.default_index
        name = dev_type if dev_type == "cpu" else f"{dev_type}:{number}"
        if dev_type == "cpu" and number != 0:
            raise RuntimeError(f"there is only one cpu device; use 'cpu', not {key!r}")
        self = _interned.get(name)
        if self is None:
            self = str.__new__(cls, name)
            self.type, self.index, self._backend = dev_type, number, backend
            self._native = None
            self._previous = []
            _interned[name] = self
        _interned[key] = self
        return self

    @property
    def backend(self) -> backends.Backend:
        return self._backend

    @property
    def native(self):
        """The backend's own device object, checked to exist."""
        if self._native is None:
            backend = self._backend
            backend.check_available()
            count = backend.device_count()
            if self.index >= count:
                names = ", ".join(f"{self.type}:{i}" for i in range(count)) or "none"
                raise RuntimeError(f"device {self} does not exist: {self.type} has {count} "
                                   f"device(s) ({names}). Pick one of those.")
            self._native = backend.native_device(self.index)
        return self._native

    @functools.cached_property
    def xp(self):
        """The backend's array-API namespace, after checking that this device exists."""
        self.native  # noqa: B018 - raises a helpful error if the device is missing
        return self._backend.xp

    def __repr__(self) -> str:
        return f"device(type='{self.type}', index={self.index})"

    def __reduce__(self):
        return (device, (str(self),))

    def __enter__(self):
        self._previous.append(get_default_device())
        set_default_device(self)
        return self

    def __exit__(self, *exc):
        set_default_device(self._previous.pop())
        return False


_default: device | None = None


def get_default_device() -> device:
    """The device factories use when none is given.

    set_default_device() wins, then the TINYTORCH_DEVICE environment variable, then "cpu".
    """
    global _default
    if _default is None:
        _default = device(os.environ.get("TINYTORCH_DEVICE", "cpu"))
    return _default


def set_default_device(dev) -> None:
    global _default
    _default = device(dev)


def check_same_device(op_name: str, first: device, second: device) -> None:
    """Raise the one device-mismatch error unless `first` and `second` are the same device.

    Every op that combines tensors calls this (through Function.apply or the op plumbing),
    so a mismatch reads the same whichever op found it.
    """
    if first is not second:
        raise RuntimeError(
            f"Expected all tensors to be on the same device, but found at least two devices, "
            f"{first} and {second} (in {op_name}). Move one explicitly, e.g. "
            f"tensor.to('{first}'); tinytorch never copies between devices implicitly.")


def cuda_device(device=None) -> str:
    """The device `x.cuda(device)` means: "cuda" for None, "cuda:i" for an int i, else as given."""
    if device is None:
        return "cuda"
    return f"cuda:{device}" if isinstance(device, int) else device
