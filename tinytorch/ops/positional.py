"""Ops that pick elements by their position: tril, triu, roll and topk.

What it does: each is composed of ops that already have a backward, so
none needs a gradient of its own. `tril`/`triu` keep one triangle of the
last two dimensions (the causal mask of a GPT is `tril(ones(T, T))`);
`roll` shifts elements around a dimension, wrapping at the end; `topk`
returns the k largest (or smallest) values along a dimension with their
indices, as PyTorch's (values, indices) named tuple.

Assumes: `topk` finds its indices with the backend's stable argsort, so
among equal values the lower index comes first; its values are a `gather`
of the input, so the gradient flows to the chosen positions only.
Production does instead: PyTorch has fused kernels for each (a partial
selection for topk rather than a full sort) and its own backward formulas.
"""

from __future__ import annotations

from collections import namedtuple

from .index import gather
from .logic import ge, le
from .plumbing import int_tuple, normalize_dim
from .select import where
from .shape import cat, flatten, narrow, reshape

__all__ = ["tril", "triu", "roll", "topk"]

topk_result = namedtuple("topk", ["values", "indices"])


def _triangle_mask(x, diagonal: int, lower: bool):
    if x.ndim < 2:
        raise RuntimeError(f"{'tril' if lower else 'triu'} needs a tensor with at least 2 "
                           f"dimensions, got shape {list(x.shape)}")
    from ..creation import arange
    rows, cols = x.shape[-2:]
    r = arange(rows, device=x.device).reshape(rows, 1) + int(diagonal)
    c = arange(cols, device=x.device).reshape(1, cols)
    return ge(r, c) if lower else le(r, c)


def tril(input, diagonal: int = 0):  # noqa: A002 - PyTorch's parameter name
    """The lower triangle (on and below `diagonal`) of the last two dims; the rest is 0."""
    return where(_triangle_mask(input, diagonal, lower=True), input, 0)


def triu(input, diagonal: int = 0):  # noqa: A002
    """The upper triangle (on and above `diagonal`) of the last two dims; the rest is 0."""
    return where(_triangle_mask(input, diagonal, lower=False), input, 0)


def roll(input, shifts, dims=None):  # noqa: A002
    """Shift elements by `shifts` along `dims` (all elements, flattened, when dims is None)."""
    shifts = int_tuple("roll", "shifts", shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: without dims, shifts must be one int, got {shifts}")
        return reshape(roll(flatten(input), shifts, 0), input.shape)
    dims = int_tuple("roll", "dims", dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts and dims must have the same length, got {shifts} and "
                           f"{dims}")
    out = input
    for shift, dim in zip(shifts, dims):
        dim = normalize_dim(dim, input.ndim)
        n = input.shape[dim]
        if n == 0 or shift % n == 0:
            continue
        shift %= n
        out = cat([narrow(out, dim, n - shift, shift), narrow(out, dim, 0, n - shift)], dim)
    return out


def topk(input, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):  # noqa: A002
    """The `k` largest (smallest with largest=False) values along `dim` and their indices."""
    if input.ndim == 0:
        input = reshape(input, (1,))  # noqa: A001
    dim = normalize_dim(dim, input.ndim)
    n = input.shape[dim]
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"topk(): k must be an int, got {type(k).__name__} ({k!r})")
    if not 0 <= k <= n:
        raise RuntimeError(f"topk: k={k} is out of range for dimension {dim} of size {n}; "
                           f"pick 0 <= k <= {n}")
    from ..tensor import Tensor
    xp = input.device.xp
    order = xp.argsort(input._data, axis=dim, descending=bool(largest), stable=True)
    index = Tensor._wrap(xp.astype(order, xp.int64), input.device)
    index = narrow(index, dim, 0, k)
    return topk_result(gather(input, dim, index), index)
