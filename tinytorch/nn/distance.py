"""CosineSimilarity and PairwiseDistance: the distance functions as layers, no parameters.

CosineSimilarity(dim=1, eps=1e-8) computes sum(x1 * x2) / (max(|x1|, eps) *
max(|x2|, eps)) along `dim`; PairwiseDistance(p=2, eps=1e-6, keepdim=False)
the p-norm of x1 - x2 + eps along the last axis. Both call the ops of
tinytorch.ops.statistics (also F.cosine_similarity, F.pairwise_distance).

Assumes: x1 and x2 broadcast against each other, as in PyTorch.
Production does instead: the same layers over fused kernels.
"""

from __future__ import annotations

from . import functional as F
from .module import Module

__all__ = ["CosineSimilarity", "PairwiseDistance"]


class CosineSimilarity(Module):
    """Cosine of the angle between x1 and x2 along `dim`."""

    def __init__(self, dim: int = 1, eps: float = 1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return F.cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """p-norm distance between the rows (last axis) of x1 and x2."""

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return F.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
