"""Ops that pick elements by their position: tril, triu, roll and topk.

What it does: each is composed of ops that already have a backward, so
none needs a gradient of its own. `tril`/`triu` keep one triangle of the
last two dimensions (the causal mask of a GPT is `tril(ones(T, T))`);
`roll` shifts elements around a dimension, wrapping at the end; `topk`
returns the k largest (or smallest) values along a dimension with their
indices, as PyTorch's (values, indices) named tuple. Both spellings are
taken: `tril(x, diagonal)` and the array API's `tril(x, k=)`, `roll(x,
shifts, dims)` and the array API's `roll(x, shift, axis=)`.

Assumes: `topk` finds its indices with the backend's stable argsort, so
among equal values the lower index comes first; its values are a `gather`
of the input, so the gradient flows to the chosen positions only.
Production does instead: PyTorch has fused kernels for each (a partial
selection for topk rather than a full sort) and its own backward formulas.
"""

from __future__ import annotations

import operator
from collections import namedtuple

from ..errors import TensorIndexError
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


def _offset(name, diagonal, k):
    """The diagonal offset, given as PyTorch's `diagonal` or the array API's `k` (not both)."""
    if k is not None and diagonal != 0:
        raise TypeError(f"{name}(): give the diagonal offset once, as diagonal= (PyTorch) or k= "
                        f"(array API), got diagonal={diagonal!r} and k={k!r}")
    offset = diagonal if k is None else k
    try:
        return operator.index(offset)
    except TypeError:
        raise TypeError(f"{name}(): the diagonal offset must be an int, got "
                        f"{type(offset).__name__} ({offset!r})") from None


def tril(input, diagonal: int = 0, *, k: int | None = None):  # noqa: A002 - PyTorch's name
    """The lower triangle (on and below the diagonal offset by `diagonal`, the array API's `k`)
    of the last two dims; the rest is 0."""
    return where(_triangle_mask(input, _offset("tril", diagonal, k), lower=True), input, 0)


def triu(input, diagonal: int = 0, *, k: int | None = None):  # noqa: A002
    """The upper triangle (on and above the diagonal offset by `diagonal`, the array API's `k`)
    of the last two dims; the rest is 0."""
    return where(_triangle_mask(input, _offset("triu", diagonal, k), lower=False), input, 0)


def roll(input, shift=None, dims=None, *, axis=None, shifts=None):  # noqa: A002
    """Shift elements by `shift` along `dims` (all elements, flattened, when dims is None).

    Both spellings: the array API's `roll(x, shift, axis=None)` and PyTorch's
    `roll(input, shifts, dims=None)`, so `shifts=` and `axis=` are accepted too.
    """
    if shifts is not None:
        if shift is not None:
            raise TypeError(f"roll(): give the shift once, as shift (array API) or shifts= "
                            f"(PyTorch), got shift={shift!r} and shifts={shifts!r}")
        shift = shifts
    if shift is None:
        raise TypeError("roll() missing its shift: call roll(x, shift, axis=None) (array API) or "
                        "roll(x, shifts, dims=None) (PyTorch)")
    if axis is not None:
        if dims is not None:
            raise TypeError(f"roll(): give the axes once, as axis= (array API) or dims= "
                            f"(PyTorch), got dims={dims!r} and axis={axis!r}")
        dims = axis
    shifts = int_tuple("roll", "shifts", shift)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"roll: without dims, shifts must be one int, got {shifts}")
        return reshape(roll(flatten(input), shifts, 0), input.shape)
    dims = int_tuple("roll", "dims", dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"roll: shifts and dims must have the same length, got {shifts} and "
                           f"{dims}")
    if input.ndim == 0 and dims:
        raise TensorIndexError(f"roll(): dims={dims if len(dims) > 1 else dims[0]} is out of "
                               f"range for a 0-d tensor, which has no dimension to roll along. "
                               f"Leave dims (axis) out to roll the flattened tensor, or reshape "
                               f"it to 1-d first, e.g. x.reshape(1).")
    out = input
    for step, dim in zip(shifts, dims):
        dim = normalize_dim(dim, input.ndim)
        n = input.shape[dim]
        if n == 0 or step % n == 0:
            continue
        step %= n
        out = cat([narrow(out, dim, n - step, step), narrow(out, dim, 0, n - step)], dim)
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
