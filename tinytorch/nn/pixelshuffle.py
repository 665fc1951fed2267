"""PixelShuffle, PixelUnshuffle and ChannelShuffle: rearrange channels, no parameters.

PixelShuffle(r) turns (N, C * r**2, H, W) into (N, C, H * r, W * r): each
group of r**2 channels becomes an r x r block of output pixels (the
sub-pixel convolution of super-resolution networks); PixelUnshuffle(r) is
its inverse. ChannelShuffle(g) interleaves the channels of g groups so that
the next grouped convolution sees every group (ShuffleNet).

Assumes: the channel axis is -3 for the pixel shuffles (any leading axes are
batch axes) and 1 for ChannelShuffle, as in PyTorch.
Production does instead: PyTorch does each as one strided copy; here each
is reshape, permute, reshape, whose gradients are those ops'.
"""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = ["PixelShuffle", "PixelUnshuffle", "ChannelShuffle"]


class PixelShuffle(Module):
    """(*, C * r**2, H, W) -> (*, C, H * r, W * r) for r = upscale_factor."""

    def __init__(self, upscale_factor: int):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, x):
        return F.pixel_shuffle(x, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H * r, W * r) -> (*, C * r**2, H, W) for r = downscale_factor."""

    def __init__(self, downscale_factor: int):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, x):
        return F.pixel_unshuffle(x, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class ChannelShuffle(Module):
    """Interleave the channels (axis 1) of `groups` equal groups."""

    def __init__(self, groups: int):
        super().__init__()
        self.groups = groups

    def forward(self, x):
        return F.channel_shuffle(x, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"
