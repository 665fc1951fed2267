"""Embedding lookup as a Function: rows of a weight matrix picked by integer indices.

Forward takes rows (one `take` along axis 0); backward adds each output
row's gradient into the row it came from (a scatter-add, so an index used
twice gets both contributions), then zeroes the padding row, which by
definition receives no gradient.

Assumes: indices are non-negative (forward checks the range and raises otherwise).
Production does instead: PyTorch's embedding_backward can produce a sparse
gradient (sparse=True) and uses sorting-based CUDA kernels to add
duplicated indices deterministically.
"""

from __future__ import annotations

from ...autograd import Function
from ...errors import TensorIndexError

__all__ = ["Embedding"]


class Embedding(Function):
    def forward(self, weight, indices, *, padding_idx):
        xp = self.xp
        flat = xp.reshape(indices, (-1,))
        rows = weight.shape[0]
        if flat.shape[0] and bool(xp.any((flat < 0) | (flat >= rows))):
            raise TensorIndexError(
                f"index out of range in embedding: indices must lie in [0, {rows - 1}] "
                f"(num_embeddings={rows}), but they range from {int(xp.min(flat))} to "
                f"{int(xp.max(flat))}. Make the vocabulary larger or map unknown tokens to a "
                f"valid index.")
        self.save_for_backward(flat)
        self.weight_shape, self.padding_idx = weight.shape, padding_idx
        rows = xp.take(weight, flat, axis=0)
        return xp.reshape(rows, (*indices.shape, weight.shape[1]))

    def backward(self, grad):
        xp = self.xp
        (flat,) = self.saved
        rows = xp.reshape(grad, (-1, self.weight_shape[1]))
        zeros = xp.zeros(self.weight_shape, dtype=grad.dtype, device=grad.device)
        grad_w = self.device._backend.scatter_add(xp, zeros, 0, flat, rows)
        if self.padding_idx is not None:
            grad_w[self.padding_idx, ...] = 0
        return grad_w, None
