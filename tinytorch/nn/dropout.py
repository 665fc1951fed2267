"""Dropout: during training, zero each element with probability p and scale the rest by 1/(1-p).

In eval mode (`model.eval()`) it returns its input unchanged. The random
mask comes from tinytorch.rand, so `tinytorch.manual_seed(s)` reproduces it.
Assumes: elementwise dropout only.
Production does instead: PyTorch also has Dropout1d/2d/3d (whole channels)
and AlphaDropout, and draws masks on the device.
"""

from __future__ import annotations

from . import functional as F
from .arguments import probability
from .module import Module

__all__ = ["Dropout"]


class Dropout(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        probability(type(self).__name__, "p", p)
        self.p, self.inplace = p, inplace

    def forward(self, x):
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
