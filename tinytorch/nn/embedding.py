"""Embedding and EmbeddingBag: lookup tables mapping integer ids to learned vectors (rows of
`weight`); EmbeddingBag also sums, averages or takes the maximum over each bag of ids.

Parameter, as in PyTorch: weight (num_embeddings, embedding_dim) drawn from
N(0, 1); with padding_idx, that row starts at zero and never receives a
gradient (so padding tokens stay zero vectors; in a bag they count as absent).
Assumes: dense gradients; no max_norm renormalisation. EmbeddingBag lays its
bags out as a padded (bags, longest bag) table, so one very long bag costs
as much as if every bag were that long.
Production does instead: torch.nn.Embedding also supports max_norm,
scale_grad_by_freq and sparse gradients, and EmbeddingBag runs fused
kernels over the flat index list without building the padded table.
"""

from __future__ import annotations

from ..autograd import no_grad
from ..creation import empty
from . import functional as F
from . import init
from .arguments import size
from .module import Module
from .parameter import Parameter

__all__ = ["Embedding", "EmbeddingBag"]


class Embedding(Module):
    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm=None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                 sparse: bool = False, _weight=None, _freeze: bool = False, device=None,
                 dtype=None):
        super().__init__()
        _table(self, num_embeddings, embedding_dim, padding_idx, max_norm, scale_grad_by_freq,
               sparse, _weight, _freeze, device, dtype)

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


def _table(module, num_embeddings, embedding_dim, padding_idx, max_norm, scale_grad_by_freq,
           sparse, _weight, _freeze, device, dtype):
    """Check the options shared by Embedding and EmbeddingBag and create `module.weight`."""
    name = type(module).__name__
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError(f"{name}: max_norm, scale_grad_by_freq and sparse are not "
                                  f"supported in tinytorch")
    num_embeddings = size(name, "num_embeddings", num_embeddings, minimum=0)
    embedding_dim = size(name, "embedding_dim", embedding_dim, minimum=0)
    if padding_idx is not None:
        padding_idx = size(name, "padding_idx", padding_idx, minimum=-num_embeddings)
        if not -num_embeddings <= padding_idx < num_embeddings:
            raise ValueError(f"padding_idx must be within num_embeddings "
                             f"({num_embeddings}), got {padding_idx}")
        padding_idx %= num_embeddings
    module.num_embeddings, module.embedding_dim = num_embeddings, embedding_dim
    module.padding_idx = padding_idx
    if _weight is None:
        module.weight = Parameter(empty(num_embeddings, embedding_dim, device=device,
                                        dtype=dtype), requires_grad=not _freeze)
        module.reset_parameters()
    else:
        if tuple(_weight.shape) != (num_embeddings, embedding_dim):
            raise ValueError(f"_weight has shape {_weight.shape}, expected "
                             f"({num_embeddings}, {embedding_dim})")
        module.weight = Parameter(_weight, requires_grad=not _freeze)


class EmbeddingBag(Module):
    """Embeds bags of ids and reduces each bag (mode "sum", "mean" or "max") to one vector:
    forward(input, offsets=None, per_sample_weights=None), as F.embedding_bag."""

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm=None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight=None, include_last_offset: bool = False,
                 padding_idx: int | None = None, device=None, dtype=None):
        super().__init__()
        if mode not in ("sum", "mean", "max"):
            raise ValueError(f"EmbeddingBag: mode must be 'sum', 'mean' or 'max', got {mode!r}")
        self.mode, self.include_last_offset = mode, include_last_offset
        _table(self, num_embeddings, embedding_dim, padding_idx, max_norm, scale_grad_by_freq,
               sparse, _weight, False, device, dtype)

    reset_parameters = Embedding.reset_parameters

    @classmethod
    def from_pretrained(cls, embeddings, freeze: bool = True, max_norm=None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        mode: str = "mean", sparse: bool = False,
                        include_last_offset: bool = False, padding_idx=None):
        """An EmbeddingBag whose weight is `embeddings` (2-D); frozen unless freeze=False."""
        if embeddings.ndim != 2:
            raise ValueError(f"embeddings must be 2-D, got shape {embeddings.shape}")
        rows, dim = embeddings.shape
        bag = cls(rows, dim, max_norm, norm_type, scale_grad_by_freq, mode, sparse, embeddings,
                  include_last_offset, padding_idx)
        bag.weight.requires_grad_(not freeze)
        return bag

    def forward(self, input, offsets=None, per_sample_weights=None):  # noqa: A002
        return F.embedding_bag(input, self.weight, offsets, mode=self.mode,
                               per_sample_weights=per_sample_weights,
                               include_last_offset=self.include_last_offset,
                               padding_idx=self.padding_idx)

    def extra_repr(self) -> str:
        text = f"{self.num_embeddings}, {self.embedding_dim}, mode={self.mode!r}"
        return text + (f", padding_idx={self.padding_idx}" if self.padding_idx is not None
                       else "")
