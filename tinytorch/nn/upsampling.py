"""Upsample (and PyTorch's two fixed-mode shorthands): resize images or signals, no parameters.

Upsample(size=None, scale_factor=None, mode="nearest", align_corners=None,
recompute_scale_factor=None) calls nn.functional.interpolate with its
settings; UpsamplingNearest2d is mode "nearest", UpsamplingBilinear2d is
mode "bilinear" with align_corners=True (what PyTorch's does).
Assumes: the modes interpolate supports (nearest, nearest-exact, linear,
bilinear, trilinear, area).
Production does instead: torch.nn.Upsample over dedicated C++/CUDA kernels,
with bicubic mode and antialiasing as well.
"""

from __future__ import annotations

from . import functional as F
from .arguments import number
from .module import Module

__all__ = ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"]


class Upsample(Module):
    def __init__(self, size=None, scale_factor=None, mode="nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        # stored as floats, as PyTorch does, so the repr reads the same
        if isinstance(scale_factor, (tuple, list)):
            scale_factor = tuple(float(number(self.name, "scale_factor", f))
                                 for f in scale_factor)
        elif scale_factor is not None:
            scale_factor = float(number(self.name, "scale_factor", scale_factor))
        self.scale_factor, self.mode = scale_factor, mode
        self.align_corners, self.recompute_scale_factor = align_corners, recompute_scale_factor

    def forward(self, x):
        return F.interpolate(x, self.size, self.scale_factor, self.mode, self.align_corners,
                             recompute_scale_factor=self.recompute_scale_factor)

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            return f"scale_factor={self.scale_factor!r}, mode={self.mode!r}"
        return f"size={self.size!r}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
