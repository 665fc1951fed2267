"""Embedding: a lookup table mapping integer ids to learned vectors (rows of `weight`).

Parameter, as in PyTorch: weight (num_embeddings, embedding_dim) drawn from
N(0, 1); with padding_idx, that row starts at zero and never receives a
gradient (so padding tokens stay zero vectors).
Assumes: dense gradients; no max_norm renormalisation.
Production does instead: torch.nn.Embedding also supports max_norm,
scale_grad_by_freq and sparse gradients.
"""

from __future__ import annotations

from ..autograd import no_grad
from ..creation import empty
from . import functional as F
from . import init
from .arguments import size
from .module import Module
from .parameter import Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm=None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight=None, _freeze: bool = False, device=None,
                 dtype=None):
        super().__init__()
        if max_norm is not None or scale_grad_by_freq or sparse:
            raise NotImplementedError("Embedding: max_norm, scale_grad_by_freq and sparse are "
                                      "not supported in tinytorch")
        num_embeddings = size("Embedding", "num_embeddings", num_embeddings, minimum=0)
        embedding_dim = size("Embedding", "embedding_dim", embedding_dim, minimum=0)
        if padding_idx is not None:
            padding_idx = size("Embedding", "padding_idx", padding_idx, minimum=-num_embeddings)
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"padding_idx must be within num_embeddings "
                                 f"({num_embeddings}), got {padding_idx}")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = Parameter(empty(num_embeddings, embedding_dim, device=device,
                                          dtype=dtype), requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise ValueError(f"_weight has shape {_weight.shape}, expected "
                                 f"({num_embeddings}, {embedding_dim})")
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            with no_grad():
                self.weight[self.padding_idx] = 0.0

    @classmethod
    def from_pretrained(cls, embeddings, freeze: bool = True, padding_idx=None):
        """An Embedding whose weight is `embeddings` (2-D); frozen unless freeze=False."""
        if embeddings.ndim != 2:
            raise ValueError(f"embeddings must be 2-D, got shape {embeddings.shape}")
        rows, dim = embeddings.shape
        return cls(rows, dim, padding_idx=padding_idx, _weight=embeddings, _freeze=freeze)

    def forward(self, indices):
        return F.embedding(indices, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}"
        return text + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None
                       else "")
