"""Padding layers: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad and CircularPad, 1d to 3d.

Each holds `padding` as PyTorch does: an int pads every side of the last 1, 2
or 3 axes by that much, a tuple gives (left, right[, top, bottom[, front,
back]]) from the last axis backwards, and forward calls F.pad with the
layer's mode. ReflectionPad2d(1) turns a 3x3 image into 5x5 by mirroring it
at its edges without repeating the edge pixel; ReplicationPad repeats the
edge pixel; CircularPad wraps around (periodic boundaries); Constant and Zero
pads fill with a value. No parameters or buffers.

Assumes: the padded axes are the trailing ones; the non-constant modes take
inputs with one or two axes before them (unbatched or batched), as in PyTorch.
Production does instead: PyTorch pads with dedicated kernels per mode and
rank; here each padded axis is one index_select (or one concatenation for
constant padding), so the gradient is the indexing's.
"""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d"]


def _sides(name, padding, dims):
    """padding as 2 * dims ints: an int for every side, or a tuple of them."""
    if isinstance(padding, int) and not isinstance(padding, bool):
        return (padding,) * (2 * dims)
    if isinstance(padding, (tuple, list)) and len(padding) == 2 * dims and all(
            isinstance(p, int) and not isinstance(p, bool) for p in padding):
        return tuple(padding)
    raise TypeError(f"{name}: padding must be an int or a tuple of {2 * dims} ints "
                    f"(left, right{', top, bottom' if dims > 1 else ''}"
                    f"{', front, back' if dims > 2 else ''}), got {padding!r}")


class _PadNd(Module):
    mode = "constant"
    dims = 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _sides(type(self).__name__, padding, self.dims)

    def forward(self, x):
        return F.pad(x, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value: float):
        super().__init__(padding)
        self.value = value

    def forward(self, x):
        return F.pad(x, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last axis with `value`."""


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two axes with `value`."""

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last three axes with `value`."""

    dims = 3


class ZeroPad1d(ConstantPad1d):
    """Pad the last axis with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pad the last two axes with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pad the last three axes with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ReflectionPadNd(_PadNd):
    mode = "reflect"


class _ReplicationPadNd(_PadNd):
    mode = "replicate"


class _CircularPadNd(_PadNd):
    mode = "circular"


class ReflectionPad1d(_ReflectionPadNd):
    """Mirror the last axis at its ends, without repeating the edge (pads < the axis' size)."""


class ReflectionPad2d(_ReflectionPadNd):
    """Mirror the last two axes at their ends, without repeating the edge."""

    dims = 2


class ReflectionPad3d(_ReflectionPadNd):
    """Mirror the last three axes at their ends, without repeating the edge."""

    dims = 3


class ReplicationPad1d(_ReplicationPadNd):
    """Repeat the edge values of the last axis."""


class ReplicationPad2d(_ReplicationPadNd):
    """Repeat the edge values of the last two axes."""

    dims = 2


class ReplicationPad3d(_ReplicationPadNd):
    """Repeat the edge values of the last three axes."""

    dims = 3


class CircularPad1d(_CircularPadNd):
    """Wrap the last axis around: the left pad copies its end, the right pad its start."""


class CircularPad2d(_CircularPadNd):
    """Wrap the last two axes around (periodic boundaries)."""

    dims = 2


class CircularPad3d(_CircularPadNd):
    """Wrap the last three axes around (periodic boundaries)."""

    dims = 3
