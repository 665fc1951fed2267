"""Dropout: during training, zero each element with probability p and scale the rest by 1/(1-p).

In eval mode (`model.eval()`) it returns its input unchanged. The random
mask comes from tinytorch.rand, so `tinytorch.manual_seed(s)` reproduces it.
Assumes: elementwise dropout only.
Production does instead: PyTorch also has Dropout1d/2d/3d (whole channels)
and AlphaDropout, and draws masks on the device.
"""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        if not 0.0 <= F._number("Dropout", "p", p) <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
