"""Flatten and Unflatten: reshape layers, for use inside Sequential.

`Flatten()` turns (N, C, H, W) into (N, C*H*W) (axes start_dim..end_dim
merged, from axis 1 by default, keeping the batch axis); `Unflatten(dim,
sizes)` splits one axis into several.
Assumes: reshape may copy when the layout requires it (tinytorch has no views).
Production does instead: PyTorch returns a view whenever the strides allow.
"""

from __future__ import annotations

from .arguments import shape, size
from .module import Module

__all__ = ["Flatten", "Unflatten"]


class Flatten(Module):
    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    def __init__(self, dim: int, unflattened_size):
        super().__init__()
        dim = size("Unflatten", "dim", dim, minimum=-2**31)
        self.dim, self.unflattened_size = dim, shape("Unflatten", "unflattened_size",
                                                     unflattened_size, minimum=-1)

    def forward(self, x):
        dim = self.dim % x.ndim
        return x.reshape(x.shape[:dim] + self.unflattened_size + x.shape[dim + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
