"""Unfold and Fold: the sliding blocks of an image as columns (im2col), and back (col2im).

Unfold(kernel_size, dilation=1, padding=0, stride=1) takes (N, C, H, W) to
(N, C*kh*kw, L); Fold(output_size, kernel_size, ...) adds such columns back
into (N, C, *output_size), summing where blocks overlap. A convolution is
Unfold, a matrix product with the weight, and a reshape. No parameters; the
computation is in nn/functional.py and nn/ops/fold.py.
Assumes: zero padding, 4-D (or unbatched 3-D) images for Unfold.
Production does instead: the same modules over PyTorch's Im2Col/Col2Im
C++/CUDA kernels.
"""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = ["Unfold", "Fold"]


class Unfold(Module):
    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, x):
        return F.unfold(x, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Unfold):
    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__(kernel_size, dilation, padding, stride)
        self.output_size = output_size

    def forward(self, x):
        return F.fold(x, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}, {super().extra_repr()}"
