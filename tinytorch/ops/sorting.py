"""Sorting, searching and sets: sort, argsort, searchsorted, the unique_* family, unique,
unique_consecutive, isin.

`sort` is differentiable (its values are a gather of the input at the sorted
positions, so the gradient flows back to where each value came from);
argsort, searchsorted, unique and isin return indices, counts or masks and
record no graph.

The array API and PyTorch disagree on `sort`: the standard's returns the
sorted array, PyTorch's a (values, indices) pair. `tinytorch.sort(x)` and
`tinytorch.sort(x, axis=...)` are the standard's; `x.sort()` and
`tinytorch.sort(x, dim=...)` are PyTorch's (docs/array-api.md has the table).

Assumes: sorting and the set functions run on the backend's own sort
(stable where asked); NaNs sort to the end and, in the unique functions,
each NaN is distinct from every other, as the standard says. PyTorch's
`unique(x, dim=d)` orders the slices along d with one stable argsort per
element of a slice (a radix sort by columns), so it suits slices of modest
size. searchsorted runs its own vectorised binary search (log2 of the row length steps over
every row at once), so a batch of sorted rows works on every backend; nan counts as the
largest value, where sort puts it (NumPy's rule: PyTorch's search compares without that
rule, so its answer for a sequence holding nan depends on the search's path).
Production does instead: PyTorch sorts with radix sort on GPUs and keeps
sorted-ness flags to skip work; its unique runs on the device without a
host round trip.
"""

from __future__ import annotations

import math
from collections import namedtuple

from .. import dtypes as _dt
from ..errors import TensorIndexError
from ..tensor import Tensor
from .convert import cast
from .index import gather
from .plumbing import check_same_device, real_only

__all__ = ["sort", "argsort", "searchsorted", "bucketize", "unique_all", "unique_counts",
           "unique_inverse", "unique_values", "unique", "unique_consecutive", "isin", "msort"]

values_indices = namedtuple("values_indices", ["values", "indices"])
UniqueAll = namedtuple("UniqueAll", ["values", "indices", "inverse_indices", "counts"])
UniqueCounts = namedtuple("UniqueCounts", ["values", "counts"])
UniqueInverse = namedtuple("UniqueInverse", ["values", "inverse_indices"])


def _axis(x, axis, name):
    span = max(x.ndim, 1)
    if not isinstance(axis, int) or not -span <= axis < span:
        raise TensorIndexError(f"{name}: axis {axis!r} is out of range for a {x.ndim}-d tensor "
                               f"(expected an int in [{-span}, {span - 1}])")
    return axis % span


def _wrap(x, array):
    return Tensor._wrap(array, x.device)


def argsort(x, /, *, axis=-1, descending=False, stable=True, dim=None):
    """Indices that sort `x` along `axis` (int64); ties keep their order when stable."""
    if dim is not None:
        axis = dim
    real_only("argsort", x)
    if x.ndim == 0:
        return _wrap(x, x.device.xp.zeros((), dtype=x.device._backend.dtype("int64"),
                                          device=x._data.device))
    axis = _axis(x, axis, "argsort")
    xp = x.device.xp
    order = xp.argsort(x._data, axis=axis, descending=descending, stable=stable)
    return cast(_wrap(x, order), "int64")


def sort(x, /, *, axis=-1, descending=False, stable=True, dim=None):
    """The array API's sort (the sorted tensor); with `dim=` PyTorch's (values, indices) pair.

    Differentiable: the values are `x` gathered at the sorted positions.
    """
    pytorch_style = dim is not None
    order = argsort(x, axis=dim if pytorch_style else axis, descending=descending,
                    stable=stable)
    values = x if x.ndim == 0 else gather(x, _axis(x, order.ndim and (
        dim if pytorch_style else axis), "sort"), order)
    return values_indices(values, order) if pytorch_style else values


def msort(input):  # noqa: A002
    return sort(input, axis=0)




def binary_search(xp, seq, values, right):
    """Where each row of `values` (P, K) goes in the matching sorted row of `seq` (P, M): a
    vectorised binary search over the backend's arrays, ceil(log2(M + 1)) steps, each a
    take_along_axis and a comparison. nan counts as larger than every number, where sort puts
    it (NumPy's rule), so a nan value goes after the numbers (left) or after everything
    (right)."""
    m = seq.shape[1]
    low = xp.zeros(values.shape, dtype=xp.int64, device=values.device)
    if m == 0:
        return low
    high = xp.full(values.shape, m, dtype=xp.int64, device=values.device)
    floating = xp.isdtype(seq.dtype, "real floating")
    value_nan = xp.isnan(values) if floating else None
    for _ in range(m.bit_length()):
        active = low < high
        mid = (low + high) // 2
        at = xp.take_along_axis(seq, xp.minimum(mid, m - 1), axis=1)
        before = (at <= values) if right else (at < values)  # `at` belongs before the value
        if floating:
            before = before | (value_nan if right else (value_nan & ~xp.isnan(at)))
        low = xp.where(active & before, mid + 1, low)
        high = xp.where(active & ~before, mid, high)
    return low


def searchsorted(x1, x2, /, *, side=None, sorter=None, right=None, out_int32=False):
    """Where each of `x2` would go in sorted `x1` to keep it sorted (int64 indices).

    `x1` is 1-D, or N-D with x2's leading dimensions: then each row of x2 is searched in the
    matching row of x1 (PyTorch's batched form). `right=True` is PyTorch's spelling of
    `side="right"`; `sorter` holds the indices that sort x1 along its last dimension.
    """
    if side is None:
        side = "right" if right else "left"
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted side must be 'left' or 'right', got {side!r}")
    if right is not None and bool(right) != (side == "right"):
        raise RuntimeError(f"searchsorted(): side and right can't be set to opposites, got "
                           f"side={side!r} and right={right!r}")
    if not isinstance(x1, Tensor):
        raise TypeError(f"searchsorted(): the sorted sequence must be a Tensor, got "
                        f"{type(x1).__name__}")
    scalar = not isinstance(x2, Tensor)
    if scalar:
        if isinstance(x2, bool) or not isinstance(x2, (int, float)):
            raise TypeError(f"searchsorted(): values must be a Tensor or a real number, got "
                            f"{type(x2).__name__}")
        from ..creation import full
        x2 = full((), x2, dtype=_dt.result_type(x1.dtype, x2), device=x1.device)
    if x1.device is not x2.device:
        raise RuntimeError(f"searchsorted: sorted sequence is on {x1.device} but values are on "
                           f"{x2.device}; move one with .to(...).")
    if x1.ndim == 0:
        raise RuntimeError("searchsorted(): the sorted sequence must have at least one "
                           "dimension, got a 0-d tensor; reshape it, e.g. x.reshape(1)")
    if x1.ndim > 1 and (x2.ndim != x1.ndim or x2.shape[:-1] != x1.shape[:-1]):
        raise RuntimeError(f"searchsorted(): the sorted sequence must be 1-D, or share all "
                           f"but its last dimension with the values, got shapes "
                           f"{list(x1.shape)} and {list(x2.shape)}")
    common = _dt.promote_types(x1.dtype, x2.dtype)
    real_only("searchsorted", x1, x2)
    a, b = cast(x1, common)._data, cast(x2, common)._data
    xp = x1.device.xp
    if sorter is not None:
        if not isinstance(sorter, Tensor) or sorter.shape != x1.shape or \
                not _dt.is_integral(sorter.dtype) or sorter.dtype == "bool":
            raise RuntimeError(f"searchsorted(): sorter must be an integer tensor of the sorted "
                               f"sequence's shape {list(x1.shape)}, got "
                               f"{_describe(sorter)}")
        check_same_device("searchsorted", x1.device, sorter.device)
        order = sorter._data
        size = x1.shape[-1]
        if sorter.numel() and (bool(xp.any(order < 0)) or bool(xp.any(order >= size))):
            raise RuntimeError(f"searchsorted(): sorter holds an index out of range for a last "
                               f"dimension of size {size}")
        a = xp.take_along_axis(a, xp.astype(order, x1.device._backend.dtype("int64")), axis=-1)
    rows = 1
    for n in x1.shape[:-1]:
        rows *= n
    width = x2.shape[-1] if x1.ndim > 1 else x2.numel()
    found = binary_search(xp, xp.reshape(a, (rows, x1.shape[-1])), xp.reshape(b, (rows, width)),
                          side == "right")
    found = _wrap(x1, xp.reshape(found, x2.shape))
    return cast(found, "int32") if out_int32 else found


searchsorted.scalar_parameters = ("x2",)  # PyTorch takes a number for the values too


def _describe(value):
    if isinstance(value, Tensor):
        return f"a {value.dtype} tensor of shape {list(value.shape)}"
    return type(value).__name__


def bucketize(input, boundaries, *, out_int32=False, right=False):  # noqa: A002
    """The bucket of each value of `input` between the sorted 1-D `boundaries`: index i with
    boundaries[i-1] < v <= boundaries[i] (right=True: boundaries[i-1] <= v < boundaries[i]).
    It is searchsorted with the arguments swapped, and `right` meaning side="right"."""
    if not isinstance(boundaries, Tensor) or boundaries.ndim != 1:
        shape = list(boundaries.shape) if isinstance(boundaries, Tensor) else None
        raise ValueError(f"bucketize: boundaries must be a 1-D tensor, got "
                         f"{shape if shape is not None else type(boundaries).__name__}")
    out = searchsorted(boundaries, input, side="right" if right else "left")
    return cast(out, "int32") if out_int32 else out


def _unique_parts(x):
    """Sorted unique values, first indices, inverse indices and counts, on x's device.

    Computed from a stable sort, so the first index of each value is the
    smallest, and NaNs (which compare unequal to themselves) each stay unique.
    """
    xp = x.device.xp
    flat = xp.reshape(x._data, (-1,))
    n = flat.shape[0]
    int64 = x.device._backend.dtype("int64")
    order = xp.argsort(flat, stable=True)
    ordered = xp.take(flat, order)
    if n == 0:
        empty = xp.zeros((0,), dtype=int64, device=flat.device)
        return ordered, empty, xp.reshape(empty, x._data.shape), empty
    # A new group starts wherever a value differs from the one before it (NaN != NaN).
    starts = xp.concat([xp.ones((1,), dtype=xp.bool, device=flat.device),
                        ordered[1:] != ordered[:-1]])
    group = xp.cumulative_sum(xp.astype(starts, int64)) - 1
    start_positions = xp.nonzero(starts)[0]
    values = xp.take(ordered, start_positions)
    first = xp.astype(xp.take(order, start_positions), int64)
    ends = xp.concat([start_positions[1:], xp.asarray([n], dtype=start_positions.dtype,
                                                      device=flat.device)])
    counts = xp.astype(ends - start_positions, int64)
    inverse = xp.zeros((n,), dtype=int64, device=flat.device)
    inverse = x.device._backend.index_put(xp, inverse, xp.astype(order, int64), group)
    return values, first, xp.reshape(inverse, x._data.shape), counts


def unique_all(x, /):
    values, first, inverse, counts = _unique_parts(x)
    return UniqueAll(*(_wrap(x, a) for a in (values, first, inverse, counts)))


def unique_counts(x, /):
    values, _, _, counts = _unique_parts(x)
    return UniqueCounts(_wrap(x, values), _wrap(x, counts))


def unique_inverse(x, /):
    values, _, inverse, _ = _unique_parts(x)
    return UniqueInverse(_wrap(x, values), _wrap(x, inverse))


def unique_values(x, /):
    return _wrap(x, _unique_parts(x)[0])


def _slices_as_rows(name, x, dim):
    """x's slices along `dim`, one flattened per row of a 2-d array, and dim normalised."""
    if x.ndim == 0:
        raise TensorIndexError(f"{name}(): dim={dim!r} is out of range for a 0-d tensor, which "
                               f"has no dimension; leave dim out")
    dim = _axis(x, dim, name)
    moved = x.device.xp.moveaxis(x._data, dim, 0)
    n, width = moved.shape[0], math.prod(moved.shape[1:])
    if width == 0 and n:
        raise RuntimeError(f"{name}(): the slices along dim {dim} of a tensor of shape "
                           f"{list(x.shape)} are empty, so there is nothing to compare; pick "
                           f"a dim whose slices hold elements")
    return x.device.xp.reshape(moved, (n, width)), dim


def _unique_slices(x, dim):
    """PyTorch's unique(x, dim=dim): the distinct slices along `dim` in lexicographic order,
    the inverse indices (which of them each slice is) and the counts, on x's device.

    The slices become rows; a stable sort by each column, last column first, orders the rows
    lexicographically (as a radix sort does); a new group starts where a row differs from the
    one before it in any column (so rows holding NaN stay distinct, as in PyTorch).
    """
    real_only("unique", x)
    xp, int64 = x.device.xp, x.device._backend.dtype("int64")
    rows, dim = _slices_as_rows("unique", x, dim)
    n, width = rows.shape
    rest = x.shape[:dim] + x.shape[dim + 1:]
    keys = xp.astype(rows, int64) if x.dtype == "bool" else rows
    order = xp.arange(n, dtype=int64, device=rows.device)
    for column in reversed(range(width)):
        step = xp.argsort(xp.take(keys[:, column], order), stable=True)
        order = xp.take(order, step)
    ordered = xp.take(rows, order, axis=0)
    if n == 0:
        empty = xp.zeros((0,), dtype=int64, device=rows.device)
        return _wrap(x, x._data), _wrap(x, empty), _wrap(x, empty)  # no slices: x itself
    starts = xp.concat([xp.ones((1,), dtype=xp.bool, device=rows.device),
                        xp.any(ordered[1:, :] != ordered[:-1, :], axis=1)])
    group = xp.cumulative_sum(xp.astype(starts, int64)) - 1
    start_positions = xp.nonzero(starts)[0]
    values = xp.reshape(xp.take(ordered, start_positions, axis=0),
                        (start_positions.shape[0], *rest))
    ends = xp.concat([start_positions[1:], xp.asarray([n], dtype=start_positions.dtype,
                                                      device=rows.device)])
    inverse = x.device._backend.index_put(xp, xp.zeros((n,), dtype=int64, device=rows.device),
                                          order, group)
    return (_wrap(x, xp.moveaxis(values, 0, dim)), _wrap(x, inverse),
            _wrap(x, xp.astype(ends - start_positions, int64)))


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """PyTorch's unique: sorted unique values (or, with `dim`, unique slices along it), plus
    inverse indices and counts when asked."""
    if dim is not None:
        out = list(_unique_slices(input, dim))
        picked = [out[0]] + [part for part, asked in zip(out[1:], (return_inverse,
                                                                   return_counts)) if asked]
        return picked[0] if len(picked) == 1 else tuple(picked)
    values, _, inverse, counts = _unique_parts(input)
    out = [_wrap(input, values)]
    if return_inverse:
        out.append(_wrap(input, inverse))
    if return_counts:
        out.append(_wrap(input, counts))
    return out[0] if len(out) == 1 else tuple(out)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """Each run of equal consecutive elements (with `dim`: equal consecutive slices along it)
    collapsed to one, plus, when asked, which run each element fell in and each run's length.

    Without `dim` the input is read flattened; nan differs from everything, itself included,
    so each nan is its own run (as in PyTorch). No graph: the values are picked, not computed.
    """
    xp, int64 = input.device.xp, input.device._backend.dtype("int64")
    if dim is None:
        rows = xp.reshape(input._data, (input.numel(), 1))
        inverse_shape = input.shape
    else:
        rows, axis = _slices_as_rows("unique_consecutive", input, dim)
        inverse_shape, rest = (rows.shape[0],), input.shape[:axis] + input.shape[axis + 1:]
    n = rows.shape[0]
    if n == 0:
        empty = xp.zeros((0,), dtype=int64, device=rows.device)
        values, inverse, counts = (xp.reshape(rows, (0,)) if dim is None else input._data,
                                   xp.reshape(empty, inverse_shape), empty)
    else:
        starts = xp.concat([xp.ones((1,), dtype=xp.bool, device=rows.device),
                            xp.any(rows[1:, :] != rows[:-1, :], axis=1)])
        positions = xp.nonzero(starts)[0]
        kept = xp.take(rows, positions, axis=0)
        if dim is None:
            values = xp.reshape(kept, (-1,))
        else:
            values = xp.moveaxis(xp.reshape(kept, (positions.shape[0], *rest)), 0, axis)
        inverse = xp.reshape(xp.cumulative_sum(xp.astype(starts, int64)) - 1, inverse_shape)
        ends = xp.concat([positions[1:], xp.asarray([n], dtype=positions.dtype,
                                                     device=rows.device)])
        counts = xp.astype(ends - positions, int64)
    out = [_wrap(input, values)]
    if return_inverse:
        out.append(_wrap(input, inverse))
    if return_counts:
        out.append(_wrap(input, counts))
    return out[0] if len(out) == 1 else tuple(out)


def isin(x1, x2, /, *, invert=False, assume_unique=False):
    """Whether each element of `x1` occurs in `x2` (a bool tensor of x1's shape)."""
    if not isinstance(x2, Tensor):
        from ..creation import as_tensor
        x2 = as_tensor(x2, device=x1.device)
    if not isinstance(x1, Tensor):
        from ..creation import as_tensor
        x1 = as_tensor(x1, device=x2.device)
    check_same_device("isin", x1.device, x2.device)
    common = _dt.promote_types(x1.dtype, x2.dtype)
    a, b = cast(x1, common)._data, cast(x2, common)._data
    xp = x1.device.xp
    flat = xp.reshape(b, (-1,))
    found = xp.any(xp.reshape(a, (*a.shape, 1)) == flat, axis=-1) if flat.shape[0] else \
        xp.zeros(a.shape, dtype=xp.bool, device=a.device)
    return _wrap(x1, ~found if invert else found)
