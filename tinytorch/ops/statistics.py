"""Statistics and distances PyTorch has at the top level: cummax, cummin, logcumsumexp,
nansum, nanmean, median, nanmedian, quantile, nanquantile, kthvalue, mode, bincount, histc,
histogram, histogramdd, std_mean, var_mean, cov, corrcoef, norm, dist, cdist,
cosine_similarity, pairwise_distance, and the trapezoid rule (trapezoid,
cumulative_trapezoid).

What it does: the order statistics (median, quantile, kthvalue, mode, cummax)
first find *indices* without a graph (a sort, or a scan), then `gather` the
values, so the gradient reaches exactly the chosen entries, as PyTorch's does.
mode counts each sorted entry's run of equal neighbours. The running maximum
is a Hillis-Steele scan: log2(n) steps, each comparing every entry with the
one 1, 2, 4, ... places back; logcumsumexp runs the same scan with logaddexp.
The p-norms guard the point 0, where the p-th root's derivative is infinite:
there the gradient is 0 (PyTorch's subgradient) instead of nan. cov and
corrcoef are compositions (a weighted mean, a matmul), so they differentiate.
histogram finds each value's bin by a binary search of the edges, then adds
the weights with one scatter-add.

Assumes: cummax/cummin return the last index among equal maxima and treat
nan as the largest value (it propagates), as PyTorch's CPU kernel does;
median returns the lower of the two middle values; among equal values
kthvalue returns the stable sort's index and mode the last occurrence
(PyTorch leaves both unspecified; its CPU mode gives the last for short
rows); bincount, histc and histogram count without a graph (PyTorch has no
gradient for them either).
Production does instead: PyTorch has native scan kernels (a sequential
loop on CPU, a parallel scan on GPU) and a selection algorithm rather than
a full sort for median, quantile and kthvalue.
"""

from __future__ import annotations

import builtins
import math
import warnings
from collections import namedtuple

from .. import dtypes as _dt
from ..autograd import no_grad
from ..errors import TensorIndexError
from ..tensor import Tensor
from .convert import cast
from .elementwise import abs, add, div, mul, pow, sub
from .index import gather
from .logic import eq, isnan, logical_not, lt, ne
from .manipulation import cumsum
from .math import logaddexp
from .matrix_norm import matrix_norm_of
from .plumbing import check_same_device, normalize_axes, normalize_dim, real_only
from .reduce import amax, amin, any, mean, std, sum, var
from .select import clamp, where
from .shape import cat, narrow, reshape, squeeze, stack, unsqueeze
from .sorting import binary_search
from .unary import sqrt

__all__ = ["cummax", "cummin", "logcumsumexp", "nansum", "nanmean", "median", "nanmedian",
           "quantile", "nanquantile", "bincount", "histc", "std_mean", "var_mean", "norm",
           "dist", "cdist", "cosine_similarity", "pairwise_distance", "trapezoid", "trapz",
           "cumulative_trapezoid", "kthvalue", "mode", "cov", "corrcoef", "histogram",
           "histogramdd"]

builtins_range = builtins.range  # `range` is histogram's parameter (PyTorch's name)
values_indices = namedtuple("values_indices", ["values", "indices"])
histogram_result = namedtuple("histogram", ["hist", "bin_edges"])
histogramdd_result = namedtuple("histogramdd", ["hist", "bin_edges"])


# ---- scans -----------------------------------------------------------------------------------

def _shifted(array, xp, axis, step, fill):
    """`array` moved `step` places forward along `axis`, the first `step` entries `fill`."""
    n = array.shape[axis]
    head = xp.full(array.shape[:axis] + (step,) + array.shape[axis + 1:], fill, dtype=array.dtype,
                   device=array.device)
    body = xp.take(array, xp.arange(n - step, device=array.device), axis=axis)
    return xp.concat([head, body], axis=axis)


def _running(name, input, dim, largest):  # noqa: A002
    real_only(name, input)
    x = reshape(input, (1,)) if input.ndim == 0 else input
    axis = normalize_dim(dim, x.ndim)
    xp, n = x.device.xp, x.shape[axis]
    values = x._data if x.dtype != "bool" else xp.astype(x._data, xp.int8)
    shape = (1,) * axis + (n,) + (1,) * (x.ndim - axis - 1)
    index = xp.broadcast_to(xp.reshape(xp.arange(n, device=values.device), shape), values.shape)
    index = xp.astype(index, x.device._backend.dtype("int64"))
    nan = xp.isnan(values) if _dt.is_floating_point(x.dtype) else xp.zeros(
        values.shape, dtype=xp.bool, device=values.device)
    step = 1
    while step < n:  # each entry takes the winner of itself and the entry `step` back
        prev_v = _shifted(values, xp, axis, step, 0)
        prev_i = _shifted(index, xp, axis, step, -1)
        prev_nan = _shifted(nan, xp, axis, step, False)
        better = prev_v > values if largest else prev_v < values
        # the earlier one wins only if strictly better (ties: the later index), nan beats all
        earlier = (prev_i >= 0) & ((prev_nan & ~nan) | (~prev_nan & ~nan & better))
        values = xp.where(earlier, prev_v, values)
        index = xp.where(earlier, prev_i, index)
        nan = nan | (earlier & prev_nan)
        step *= 2
    indices = Tensor._wrap(index, x.device)
    out = gather(x, axis, indices) if x.dtype != "bool" else Tensor._wrap(
        xp.astype(values, xp.bool), x.device)
    if input.ndim == 0:
        out, indices = reshape(out, ()), reshape(indices, ())
    return values_indices(out, indices)


def cummax(input, dim):  # noqa: A002
    """The running maximum along `dim` and the index where each was reached."""
    return _running("cummax", input, dim, largest=True)


def cummin(input, dim):  # noqa: A002
    """The running minimum along `dim` and the index where each was reached."""
    return _running("cummin", input, dim, largest=False)


def logcumsumexp(input, dim):  # noqa: A002
    """log(cumsum(exp(x))) along `dim`, without overflow: a scan of logaddexp."""
    if not _dt.is_inexact(input.dtype):
        raise TypeError(f"logcumsumexp() needs a floating point tensor, got {input.dtype}")
    real_only("logcumsumexp", input)
    x = reshape(input, (1,)) if input.ndim == 0 else input
    axis = normalize_dim(dim, x.ndim)
    n, step, out = x.shape[axis], 1, x
    from ..creation import full
    while step < n:
        pad = full(x.shape[:axis] + (step,) + x.shape[axis + 1:], -math.inf, dtype=x.dtype,
                   device=x.device)
        out = logaddexp(out, cat([pad, narrow(out, axis, 0, n - step)], axis))
        step *= 2
    return reshape(out, input.shape)


# ---- nan-aware reductions --------------------------------------------------------------------

def nansum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The sum, counting nan as 0."""
    x = where(isnan(input), 0, input) if _dt.is_floating_point(input.dtype) else input
    return sum(x, dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A002
    """The mean of the entries that are not nan (nan where there are none)."""
    if not _dt.is_floating_point(input.dtype if dtype is None else dtype):
        raise TypeError(f"nanmean() needs a floating point tensor, got {input.dtype}; convert "
                        f"first, e.g. x.float()")
    x = input if dtype is None else cast(input, dtype)
    kept = logical_not(isnan(x))
    total = sum(where(kept, x, 0), dim, keepdim)
    return div(total, sum(kept, dim, keepdim))


# ---- order statistics ------------------------------------------------------------------------

def _sorted_order(x, axis):
    """Indices that sort x along axis (nan last), as a tensor without a graph."""
    xp = x.device.xp
    return Tensor._wrap(xp.astype(xp.argsort(x._data, axis=axis, stable=True),
                                  x.device._backend.dtype("int64")), x.device)


def _median(name, input, dim, keepdim, skip_nan):  # noqa: A002
    real_only(name, input)
    if dim is None:
        x, axis = reshape(input, (-1,)), 0
    else:
        x = reshape(input, (1,)) if input.ndim == 0 else input
        axis = normalize_dim(dim, x.ndim)
    if x.shape[axis] == 0:
        raise IndexError(f"{name}(): cannot compute the median of an empty dimension "
                         f"(shape {list(input.shape)}, dim {dim})")
    n = x.shape[axis]
    with no_grad():
        order = _sorted_order(x, axis)  # nan sorts last
        if _dt.is_floating_point(x.dtype):
            real = sum(logical_not(isnan(x)), axis, keepdim=True)  # how many are not nan
        else:
            real = _full_index(x, n).expand(*x.shape[:axis], 1, *x.shape[axis + 1:])
        if skip_nan:  # the middle of the real values (position 0 when all are nan)
            at = clamp((real - 1) // 2, min=0)
        else:  # the middle, or the first nan (at position `real`) if there is one
            at = where(lt(real, n), real, (n - 1) // 2)
        index = gather(order, axis, at)
    values = gather(x, axis, index)
    if dim is None:
        return reshape(values, ())
    if not keepdim:
        values, index = squeeze(values, dim=axis), squeeze(index, dim=axis)
    if input.ndim == 0:
        values, index = reshape(values, ()), reshape(index, ())
    return values_indices(values, index)


def _full_index(x, value):
    from ..creation import full
    return full((), value, dtype="int64", device=x.device)


def median(input, dim=None, keepdim=False):  # noqa: A002
    """The lower median (of everything, or (values, indices) along `dim`); nan if any is nan."""
    return _median("median", input, dim, keepdim, skip_nan=False)


def nanmedian(input, dim=None, keepdim=False):  # noqa: A002
    """median ignoring nan (nan only where every entry is nan)."""
    return _median("nanmedian", input, dim, keepdim, skip_nan=True)


_INTERPOLATIONS = ("linear", "lower", "higher", "nearest", "midpoint")


def _quantile(name, input, q, dim, keepdim, interpolation, skip_nan):  # noqa: A002
    if not _dt.is_floating_point(input.dtype):
        raise TypeError(f"{name}() needs a floating point input, got {input.dtype}")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"{name}(): interpolation must be one of {_INTERPOLATIONS}, got "
                         f"{interpolation!r}")
    scalar_q = not isinstance(q, Tensor)
    if scalar_q:
        if isinstance(q, bool) or not isinstance(q, (int, float)):
            raise TypeError(f"{name}(): q must be a number or a 1-d tensor, got "
                            f"{type(q).__name__}")
        qs = [float(q) if not isinstance(q, int) or -1 <= q <= 1 else 2.0]  # 2.0: refused below
    else:
        if q.ndim > 1 or not _dt.is_floating_point(q.dtype):
            raise RuntimeError(f"{name}(): q must be a 0-d or 1-d floating tensor, got shape "
                               f"{list(q.shape)} and {q.dtype}")
        scalar_q = q.ndim == 0
        qs = [float(v) for v in reshape(q, (-1,)).tolist()]
    if not all(0.0 <= v <= 1.0 for v in qs):
        raise RuntimeError(f"{name}(): q values must be in the range [0, 1], got {qs}")
    if dim is None:
        x, axis = reshape(input, (-1,)), 0
    else:
        x = reshape(input, (1,)) if input.ndim == 0 else input
        axis = normalize_dim(dim, x.ndim)
    n = x.shape[axis]
    if n == 0:
        raise RuntimeError(f"{name}(): the input must not be empty along the reduced dimension")
    with no_grad():
        order = _sorted_order(x, axis)
        missing = isnan(x)
        count = sum(missing == False, axis, keepdim=True) if skip_nan else None  # noqa: E712
        has_nan = any(missing, axis, keepdim=True)
    sorted_x = gather(x, axis, order)
    results = []
    for v in qs:
        last = sub(count, 1) if skip_nan else n - 1
        pos = mul(cast(last, x.dtype), v) if skip_nan else _position(x, (n - 1) * v)
        with no_grad():
            low = clamp(pos.floor(), min=0)
            high = clamp(pos.ceil(), min=0)
            if interpolation == "lower":
                high = low
            elif interpolation == "higher":
                low = high
            elif interpolation == "nearest":
                low = high = pos.round()
            frac = sub(pos, low) if interpolation == "linear" else mul(pos, 0) + (
                0.5 if interpolation == "midpoint" else 0.0)
            low_i, high_i = _index_like(low, x, axis), _index_like(high, x, axis)
        a, b = gather(sorted_x, axis, low_i), gather(sorted_x, axis, high_i)
        # a (1 - f) + b f, not a + f (b - a): an infinite end then stays infinite, as NumPy's;
        # f = 0 and f = 1 take one end alone (inf * 0 would be nan)
        out = where(eq(frac, 0), a, where(eq(frac, 1), b, add(mul(a, sub(1, frac)),
                                                              mul(b, frac))))
        if not skip_nan:
            out = where(has_nan, math.nan, out)
        else:
            out = where(eq(count, 0), math.nan, out)
        results.append(out)
    out = stack(results, 0)  # (len(q), *input's shape with `axis` kept as 1)
    if dim is None:
        out = reshape(out, (len(qs),) + ((1,) * input.ndim if keepdim else ()))
    elif input.ndim == 0:
        out = reshape(out, (len(qs),))
    elif not keepdim:
        out = squeeze(out, dim=axis + 1)
    return reshape(out, out.shape[1:]) if scalar_q else out


def _position(x, value):
    from ..creation import full
    return full((1,) * x.ndim, value, dtype=x.dtype, device=x.device)


def _index_like(position, x, axis):
    index = cast(position, "int64")
    shape = list(x.shape)
    shape[axis] = 1
    return index.expand(*shape) if index.shape != tuple(shape) else index


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):  # noqa: A002
    """The q-th quantiles (q a number or 1-d tensor in [0, 1]); nan if any entry is nan."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, skip_nan=False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):  # noqa: A002
    """quantile ignoring nan."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, skip_nan=True)


def _ordered(name, input, dim):  # noqa: A002
    """input as >= 1-d, and dim as an axis of it; complex and bool refused (no order to use)."""
    real_only(name, input)
    if input.dtype == "bool":
        raise TypeError(f"{name}() is not implemented for bool tensors; convert first, e.g. "
                        f"x.to('int64')")
    x = reshape(input, (1,)) if input.ndim == 0 else input
    return x, normalize_dim(dim, x.ndim)


def _picked(values, index, axis, keepdim, zero_d):
    if zero_d:
        return values_indices(reshape(values, ()), reshape(index, ()))
    if not keepdim:
        values, index = squeeze(values, dim=axis), squeeze(index, dim=axis)
    return values_indices(values, index)


def kthvalue(input, k, dim=-1, keepdim=False):  # noqa: A002
    """The k-th smallest value along `dim` (k counts from 1) and its index; nan counts as the
    largest value. Among equal values the index is the stable sort's (PyTorch leaves it
    unspecified)."""
    x, axis = _ordered("kthvalue", input, dim)
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"kthvalue(): k must be an int, got {type(k).__name__}")
    n = x.shape[axis]
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k={k} is out of range for dimension "
                           f"{dim} of size {n}; k counts from 1 to the dimension's size")
    with no_grad():
        index = narrow(_sorted_order(x, axis), axis, k - 1, 1)
    return _picked(gather(x, axis, index), index, axis, keepdim, input.ndim == 0)


def mode(input, dim=-1, keepdim=False):  # noqa: A002
    """The most frequent value along `dim` (the smallest of those tied) and an index where it
    occurs: the last one, as PyTorch's CPU kernel returns for short rows (for long rows
    PyTorch's choice among the occurrences varies). Each nan is a value of its own."""
    real_only("mode", input)
    x = reshape(input, (1,)) if input.ndim == 0 else input
    axis = normalize_dim(dim, x.ndim)
    n = x.shape[axis]
    if n == 0:
        raise TensorIndexError(f"mode(): dimension {dim} of a tensor of shape "
                               f"{list(input.shape)} is empty, so it has no most frequent value")
    xp, int64 = x.device.xp, x.device._backend.dtype("int64")
    data = xp.moveaxis(x._data, axis, -1)
    lead = data.shape[:-1]
    rows = xp.reshape(data, (math.prod(lead), n))
    if x.dtype == "bool":
        rows = xp.astype(rows, xp.int8)
    order = xp.argsort(rows, axis=1, stable=True)
    ordered = xp.take_along_axis(rows, order, axis=1)
    # how often each sorted entry occurs: the length of its run of equal neighbours, found on
    # the rows laid end to end, each row starting a run (nan != nan: each nan is a run of one)
    flat = xp.reshape(ordered, (-1,))
    starts = xp.concat([xp.ones((1,), dtype=xp.bool, device=flat.device),
                        flat[1:] != flat[:-1]])
    starts = starts | (xp.arange(flat.shape[0], device=flat.device) % n == 0)
    run = xp.cumulative_sum(xp.astype(starts, int64)) - 1
    begin = xp.nonzero(starts)[0]
    end = xp.concat([begin[1:], xp.asarray([flat.shape[0]], dtype=begin.dtype,
                                           device=flat.device)])
    count = xp.reshape(xp.take(xp.astype(end - begin, int64), run), ordered.shape)
    best = xp.max(count, axis=1, keepdims=True)
    first = xp.argmax(xp.astype(count == best, xp.int8), axis=1, keepdims=True)  # smallest
    last = xp.astype(first, int64) + best - 1  # the last of its run: the largest index
    index = xp.take_along_axis(xp.astype(order, int64), last, axis=1)
    index = xp.moveaxis(xp.reshape(index, lead + (1,)), -1, axis)
    index = Tensor._wrap(index, x.device)
    return _picked(gather(x, axis, index), index, axis, keepdim, input.ndim == 0)


# ---- counting ------------------------------------------------------------------------------

def bincount(input, weights=None, minlength=0):  # noqa: A002
    """How often each value 0, 1, ... occurs in a 1-d non-negative integer tensor (or the sum
    of `weights` at those entries)."""
    if input.ndim != 1 or not _dt.is_integral(input.dtype) or input.dtype == "bool":
        raise RuntimeError(f"bincount() needs a 1-d integer tensor, got shape "
                           f"{list(input.shape)} and dtype {input.dtype}")
    if isinstance(minlength, bool) or not isinstance(minlength, int) or minlength < 0:
        raise RuntimeError(f"bincount(): minlength must be a non-negative int, got "
                           f"{minlength!r}")
    xp, data = input.device.xp, input._data
    if data.shape[0] and bool(xp.any(data < 0)):
        raise RuntimeError("bincount() only supports non-negative values")
    size = max(minlength, int(xp.max(data)) + 1 if data.shape[0] else 0)
    if weights is None:
        dtype, values = "int64", xp.ones(data.shape, dtype=input.device._backend.dtype("int64"),
                                         device=data.device)
    else:
        if not isinstance(weights, Tensor) or weights.shape != input.shape:
            raise RuntimeError(f"bincount(): weights must be a tensor of input's shape "
                               f"{list(input.shape)}")
        check_same_device("bincount", input.device, weights.device)
        dtype = weights.dtype if _dt.is_floating_point(weights.dtype) else "float64"
        values = cast(weights.detach(), dtype)._data
    zeros = xp.zeros((size,), dtype=input.device._backend.dtype(dtype), device=data.device)
    index = xp.astype(data, input.device._backend.dtype("int64"))
    return Tensor._wrap(input.device._backend.scatter_add(xp, zeros, 0, index, values),
                        input.device)


def histc(input, bins=100, min=0, max=0):  # noqa: A001,A002
    """Counts of the values in `bins` equal-width bins over [min, max] (the data's own range
    when min == max); values outside are ignored."""
    if not _dt.is_floating_point(input.dtype):
        raise RuntimeError(f"histc() needs a floating point tensor, got {input.dtype}")
    if isinstance(bins, bool) or not isinstance(bins, int) or bins <= 0:
        raise RuntimeError(f"histc(): bins must be a positive int, got {bins!r}")
    if bins > 2**31 - 1:  # PyTorch's bound too: each bin is a counter in memory
        raise RuntimeError(f"histc(): bins must be below 2**31, got {bins}")
    for label, value in (("min", min), ("max", max)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                not -2**1023 < value < 2**1023 or not math.isfinite(value):
            raise RuntimeError(f"histc(): {label} must be a finite number, got {value!r}")
    x = reshape(input.detach(), (-1,))
    low, high = float(min), float(max)
    if low == high and x.numel():
        low, high = float(amin(x).item()), float(amax(x).item())
    if low == high:  # one value: a range around it (of one ulp at least, for huge values)
        spread = builtins.max(1.0, builtins.abs(low) * 2**-52)
        low, high = low - spread, high + spread
    if low > high:
        raise RuntimeError(f"histc(): max must be larger than min, got min={min}, max={max}")
    inside = (x >= low) & (x <= high)
    position = clamp(((x - low) * (bins / (high - low))).floor(), 0, bins - 1)
    index = cast(where(inside, position, 0), "int64")
    counts = bincount(index, weights=cast(inside, x.dtype), minlength=bins)
    return cast(counts, input.dtype)


def _edges(name, column, bins, span, d):
    """The bin edges of dimension d: the given 1-d tensor, or bins + 1 even steps over `span`
    (the column's own min and max when span is None)."""
    from ..creation import linspace
    if isinstance(bins, Tensor):
        if span is not None:
            raise TypeError(f"{name}(): range cannot be given with bin edges (a tensor of "
                            f"bins); give an int number of bins, or leave range out")
        if bins.ndim != 1 or bins.shape[0] < 2:
            raise RuntimeError(f"{name}(): bin edges for dimension {d} must be a 1-d tensor "
                               f"of at least two edges (one bin), got shape "
                               f"{list(bins.shape)}")
        if bins.dtype != column.dtype:
            raise RuntimeError(f"{name}(): input and bin edges should have the same dtype, got "
                               f"input {column.dtype} and bins for dimension {d} "
                               f"{bins.dtype}")
        check_same_device(name, column.device, bins.device)
        return bins.detach()
    if isinstance(bins, bool) or not isinstance(bins, int):
        raise TypeError(f"{name}(): bins must be an int or a 1-d tensor of edges, got "
                        f"{type(bins).__name__}")
    if bins <= 0 or bins > 2**31 - 1:
        raise RuntimeError(f"{name}(): bins must be a positive int below 2**31, got {bins} for "
                           f"dimension {d}")
    if span is None:
        low, high = ((float(amin(column).item()), float(amax(column).item()))
                     if column.numel() else (0.0, 1.0))
    else:
        low, high = span
    if not (math.isfinite(low) and math.isfinite(high)):
        raise RuntimeError(f"{name}(): dimension {d}'s range [{low}, {high}] is not finite; "
                           f"give a finite range=, or drop the nan and inf entries")
    if low > high:
        raise RuntimeError(f"{name}(): min should not exceed max, got min {low} and max {high} "
                           f"for dimension {d}")
    if low == high:
        low, high = low - 0.5, high + 0.5
    return linspace(low, high, bins + 1, dtype=column.dtype, device=column.device)


def _span(name, range, dims):  # noqa: A002
    """range= as one (low, high) pair of floats per dimension, or Nones."""
    if range is None:
        return [None] * dims
    values = list(range) if isinstance(range, (tuple, list)) else None
    if values is None or len(values) != 2 * dims or builtins.any(
            isinstance(v, bool) or not isinstance(v, (int, float)) for v in values):
        raise TypeError(f"{name}(): range must be a sequence of {2 * dims} numbers (min and max "
                        f"of each dimension), got {range!r}")
    for v in values:
        if isinstance(v, int) and not -2**1023 < v < 2**1023:
            raise RuntimeError(f"{name}(): range value {v} is out of float range")
    return [(float(values[2 * i]), float(values[2 * i + 1])) for i in builtins_range(dims)]


def _histogram(name, points, bins, range, weight, density):  # noqa: A002
    """(hist, edges) of the rows of `points` (N, D): each dimension's bin from a binary search
    of its edges (the last bin closed on the right), then one scatter-add of the weights."""
    if not _dt.is_floating_point(points.dtype):
        raise TypeError(f"{name}() needs a floating point input, got {points.dtype}; convert "
                        f"first, e.g. x.double()")
    n, dims = points.shape
    spans = _span(name, range, dims)
    if isinstance(bins, (tuple, list)):
        if len(bins) != dims:
            raise RuntimeError(f"{name}(): expected {dims} sequences of bin edges or counts "
                               f"(one per dimension), got {len(bins)}")
        per_dim = list(bins)
    else:
        per_dim = [bins] * dims
    if weight is not None:
        if not isinstance(weight, Tensor):
            raise TypeError(f"{name}(): weight must be a Tensor, got {type(weight).__name__}")
        check_same_device(name, points.device, weight.device)
        if weight.dtype != points.dtype:
            raise RuntimeError(f"{name}(): weight must have input's dtype {points.dtype}, got "
                               f"{weight.dtype}; convert it, e.g. weight.to(input.dtype)")
    xp, data = points.device.xp, points.detach()
    int64 = points.device._backend.dtype("int64")
    edges, flat, inside = [], xp.zeros((n,), dtype=int64, device=data._data.device), None
    for d in builtins_range(dims):
        column = data[:, d]
        e = _edges(name, column, per_dim[d], spans[d], d)
        edges.append(e)
        count = e.shape[0] - 1
        values, ends = column._data, e._data
        # bin i holds edges[i] <= v < edges[i + 1]; the last edge belongs to the last bin
        position = binary_search(xp, xp.reshape(ends, (1, -1)), xp.reshape(values, (1, -1)),
                                 True)[0, :] - 1
        position = xp.where(values == ends[-1], xp.asarray(count - 1, dtype=int64,
                                                            device=values.device), position)
        ok = (values >= ends[0]) & (values <= ends[-1])
        inside = ok if inside is None else inside & ok
        flat = flat * max(count, 1) + xp.clip(position, 0, max(count - 1, 0))
    sizes = tuple(e.shape[0] - 1 for e in edges)
    dtype = points.device._backend.dtype(points.dtype)
    if weight is None:
        w = xp.ones((n,), dtype=dtype, device=flat.device)
    else:
        w = weight.detach()._data
    w = xp.where(inside, w, xp.zeros_like(w))
    flat = xp.where(inside, flat, xp.zeros_like(flat))
    zeros = xp.zeros((math.prod(sizes),), dtype=dtype, device=flat.device)
    counts = points.device._backend.scatter_add(xp, zeros, 0, flat, w) if math.prod(sizes) \
        else zeros
    hist = reshape(Tensor._wrap(counts, points.device), sizes)
    if density:
        total = sum(hist)
        hist = div(hist, total)
        for d, e in enumerate(edges):
            width = sub(narrow(e, 0, 1, sizes[d]), narrow(e, 0, 0, sizes[d]))
            hist = div(hist, reshape(width, (1,) * d + (sizes[d],) + (1,) * (dims - d - 1)))
    return hist, edges


def histogram(input, bins=100, *, range=None, weight=None, density=False):  # noqa: A002
    """A histogram of the values of `input`: `bins` equal bins over `range` (the data's min
    and max when None) or between the edges of a 1-d tensor; (hist, bin_edges), both of
    input's dtype. Values outside the edges (and nan) are not counted; `weight` (input's
    shape) weighs each value; density=True divides by the total and the bin widths."""
    if weight is not None and isinstance(weight, Tensor) and weight.shape != input.shape:
        raise RuntimeError(f"histogram(): weight must have input's shape {list(input.shape)}, "
                           f"got {list(weight.shape)}")
    if isinstance(bins, (tuple, list)):
        raise TypeError("histogram(): bins must be an int or a 1-d tensor of edges; use "
                        "histogramdd for one bins entry per dimension")
    hist, edges = _histogram("histogram", reshape(input, (-1, 1)), bins, range,
                             None if weight is None else reshape(weight, (-1,)) if isinstance(
                                 weight, Tensor) else weight, density)
    return histogram_result(hist, edges[0])


def histogramdd(input, bins, *, range=None, weight=None, density=False):  # noqa: A002
    """A D-dimensional histogram of the points in the last dimension of `input` (..., D):
    bins is an int, one int per dimension, or one 1-d tensor of edges per dimension; range is
    (min0, max0, min1, max1, ...). Returns (hist, bin_edges), bin_edges a tuple of D
    tensors."""
    if input.ndim < 2:
        raise RuntimeError(f"histogramdd(): input should have at least 2 dimensions (points "
                           f"along the last), got shape {list(input.shape)}")
    if weight is not None and isinstance(weight, Tensor) and \
            weight.shape != input.shape[:-1]:
        raise RuntimeError(f"histogramdd(): weight must have input's shape without its last "
                           f"dimension, {list(input.shape[:-1])}, got {list(weight.shape)}")
    dims = input.shape[-1]
    points = reshape(input, (math.prod(input.shape[:-1]), dims))
    hist, edges = _histogram("histogramdd", points, bins, range, None if weight is None else
                             reshape(weight, (-1,)) if isinstance(weight, Tensor) else weight,
                             density)
    return histogramdd_result(hist, tuple(edges))


# ---- moments -------------------------------------------------------------------------------

def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """(std, mean) over `dim`, in one call."""
    return (std(input, dim, unbiased, keepdim, correction=correction),
            mean(input, _dims(dim), keepdim))


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """(var, mean) over `dim`, in one call."""
    return (var(input, dim, unbiased, keepdim, correction=correction),
            mean(input, _dims(dim), keepdim))


def _dims(dim):
    return None if isinstance(dim, bool) else dim


def _weights(name, w, n, integral):
    """Checked fweights (integral) or aweights (floating): a 1-d tensor of n non-negative
    entries."""
    label = "fweights" if integral else "aweights"
    if not isinstance(w, Tensor):
        raise TypeError(f"cov(): {label} must be a Tensor, got {type(w).__name__}")
    if w.ndim > 1 or w.numel() != n:
        raise RuntimeError(f"cov(): {label} must be a 0-d or 1-d tensor of {n} entries (one "
                           f"per observation), got shape {list(w.shape)}")
    kind_ok = (_dt.is_integral(w.dtype) and w.dtype != "bool") if integral else \
        _dt.is_floating_point(w.dtype)
    if not kind_ok:
        raise RuntimeError(f"cov(): expected {label} to have "
                           f"{'an integer' if integral else 'a floating point'} dtype, got "
                           f"{w.dtype}")
    if n and bool(w.device.xp.any(w._data < 0)):
        raise RuntimeError(f"cov(): {label} cannot be negative")
    return reshape(w, (n,))


def cov(input, *, correction=1, fweights=None, aweights=None):  # noqa: A002
    """The covariance matrix of the variables in the rows of `input` (observations in the
    columns; a 1-d input is one variable), with frequency and reliability weights; a 0-d
    result for one variable. Degrees of freedom below 1 give inf or nan, with a warning."""
    if input.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions, got shape "
                           f"{list(input.shape)}")
    if isinstance(correction, bool) or not isinstance(correction, (int, float)):
        raise TypeError(f"cov(): correction must be a number, got {type(correction).__name__}")
    x = reshape(input, (1, -1)) if input.ndim < 2 else input
    if not _dt.is_inexact(x.dtype):
        x = cast(x, _dt.get_default_dtype())
    n = x.shape[1]
    real_dtype = "float64" if x.dtype in ("float64", "complex128") else \
        "float32" if x.dtype == "complex64" else x.dtype
    w = None
    for given, integral in ((fweights, True), (aweights, False)):
        if given is not None:
            checked = cast(_weights("cov", given, n, integral), real_dtype)
            w = checked if w is None else mul(w, checked)
    if w is None:
        w_sum, avg = n, mean(x, 1, keepdim=True)
    else:
        check_same_device("cov", x.device, w.device)
        w_sum = sum(w)
        avg = div(sum(mul(x, w), 1, keepdim=True), w_sum)
    if w is None:
        factor = n - correction
    elif correction == 0:
        factor = w_sum
    elif aweights is None:
        factor = sub(w_sum, correction)
    else:
        aw = cast(reshape(aweights, (n,)), real_dtype)
        factor = sub(w_sum, div(mul(sum(mul(w, aw)), correction), w_sum))
    if (factor if isinstance(factor, (int, float)) else float(factor.detach().item())) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0 (correction should be below the "
                      "number of observations); the result is inf or nan", UserWarning,
                      stacklevel=2)
        factor = 0.0 if isinstance(factor, (int, float)) else clamp(factor, min=0)
    centred = sub(x, avg)
    weighted = centred if w is None else mul(centred, w)
    from .linalg import matmul
    from .math import conj
    out = div(matmul(weighted, conj(centred).mT), factor)
    return squeeze(out)


def corrcoef(input):  # noqa: A002
    """Pearson's correlation coefficients of the rows of `input` (cov normalised by the
    standard deviations), clipped to [-1, 1] (real and imaginary parts for complex)."""
    c = cov(input)
    if c.ndim == 0:
        return div(c, c)
    from .complexes import complex as _complex
    from .math import imag, real
    from .matrix import diagonal
    spread = sqrt(real(diagonal(c)))
    c = div(div(c, unsqueeze(spread, 1)), unsqueeze(spread, 0))
    if _dt.is_complex(c.dtype):
        return _complex(clamp(real(c), -1, 1), clamp(imag(c), -1, 1))
    return clamp(c, -1, 1)


# ---- norms and distances -------------------------------------------------------------------

def _pnorm(x, p, axes, keepdim):
    """The p-norm over `axes`, with gradient 0 (not nan) where the norm is 0."""
    a = abs(x)
    if p == math.inf:  # the largest of no entries is 0 here (a norm), as PyTorch's
        return amax(a, axes, keepdim) if math.prod(x.shape[i] for i in axes) else \
            sum(a, axes, keepdim)
    if p == -math.inf:
        return amin(a, axes, keepdim)
    if p == 0:
        return sum(cast(ne(a, 0), a.dtype), axes, keepdim)
    total = sum(mul(a, a) if p == 2 else pow(a, p), axes, keepdim)
    zero = eq(total, 0)
    safe = where(zero, 1.0, total)
    root = sqrt(safe) if p == 2 else pow(safe, 1.0 / p)
    return where(zero, 0.0, root)


def _p(name, p):
    if isinstance(p, bool) or not isinstance(p, (int, float)) or p != p or (
            isinstance(p, int) and not -2**53 <= p <= 2**53):
        raise TypeError(f"{name}(): p must be a number (or 'fro') of float range, got {p!r}")
    if p < 0 and p != -math.inf:
        raise RuntimeError(f"{name}(): p must be >= 0 (or -inf), got {p}")
    return float(p)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):  # noqa: A002
    """The p-norm of all entries, or over `dim`: 'fro' and 2 are the Euclidean norm; 1, inf,
    -inf, 0 and any p > 0 are vector p-norms; 'nuc' is the nuclear norm of a 2-d input (or
    of the two dims in `dim`), the sum of its singular values (PyTorch's torch.norm)."""
    if dtype is not None:
        input = cast(input, dtype)  # noqa: A001
    if not _dt.is_inexact(input.dtype):
        raise TypeError(f"norm(): input dtype should be floating point or complex, got "
                        f"{input.dtype}; convert first, e.g. x.float()")
    if isinstance(p, str) and p == "nuc":  # the sum of singular values of a 2-d input or dim
        dims = tuple(range(input.ndim)) if dim is None else dim
        return matrix_norm_of("norm", input, "nuc", dims, bool(keepdim))
    p = 2.0 if p == "fro" or p is None else _p("norm", p)
    axes = normalize_axes(input.ndim, dim)
    return _pnorm(input, p, axes, bool(keepdim))


def dist(input, other, p=2):  # noqa: A002
    """The p-norm of input - other (they broadcast)."""
    return norm(sub(input, other), _p("dist", p))


def cdist(x1, x2, p=2.0, compute_mode=None):
    """Distances between every row of x1 (..., P, M) and every row of x2 (..., R, M)."""
    if x1.ndim < 2 or x2.ndim < 2 or x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"cdist needs x1 (..., P, M) and x2 (..., R, M) with the same M, got "
                           f"shapes {list(x1.shape)} and {list(x2.shape)}")
    if not (_dt.is_floating_point(x1.dtype) and _dt.is_floating_point(x2.dtype)):
        raise TypeError(f"cdist only supports floating point dtypes, got {x1.dtype} and "
                        f"{x2.dtype}")
    diff = sub(unsqueeze(x1, -2), unsqueeze(x2, -3))
    return _pnorm(diff, _p("cdist", p), (diff.ndim - 1,), False)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 * x2) / (max(|x1|, eps) * max(|x2|, eps)) along `dim` (they broadcast)."""
    a, b = x1, x2
    if not (_dt.is_floating_point(a.dtype) and _dt.is_floating_point(b.dtype)):
        raise TypeError(f"cosine_similarity needs floating point tensors, got {a.dtype} and "
                        f"{b.dtype}")
    ndim = max(a.ndim, b.ndim)
    axis = normalize_dim(dim, ndim)
    a = reshape(a, (1,) * (ndim - a.ndim) + a.shape)
    b = reshape(b, (1,) * (ndim - b.ndim) + b.shape)
    dot = sum(mul(a, b), axis) if ndim else mul(a, b)
    na = clamp(_pnorm(a, 2.0, (axis,) if ndim else (), False), min=eps)
    nb = clamp(_pnorm(b, 2.0, (axis,) if ndim else (), False), min=eps)
    return div(dot, mul(na, nb))


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """The p-norm of x1 - x2 + eps along the last dimension (rows of two batches)."""
    diff = add(sub(x1, x2), eps)
    if diff.ndim == 0:
        return abs(diff)
    return _pnorm(diff, _p("pairwise_distance", p), (diff.ndim - 1,), bool(keepdim))



# ---- the trapezoid rule ----------------------------------------------------------------------

def _trapezoids(name, y, x, dx, dim):
    """The area of each trapezoid between neighbouring samples of `y` along `dim`."""
    if not isinstance(y, Tensor):
        raise TypeError(f"{name}() expects y to be a tensor, got {type(y).__name__}")
    if y.ndim == 0:
        raise RuntimeError(f"{name}(): y must have at least one dimension of samples, got a 0-d "
                           f"tensor")
    d = normalize_dim(dim, y.ndim)
    n = y.shape[d]
    if n == 0:
        raise RuntimeError(f"{name}(): y has no samples along dim {dim}")
    pairs = add(narrow(y, d, 1, n - 1), narrow(y, d, 0, n - 1))
    if x is None:
        step = 1 if dx is None else dx
        if isinstance(step, bool) or not isinstance(step, (int, float)):
            raise TypeError(f"{name}(): dx must be a number, got {type(step).__name__}")
        return mul(pairs, step / 2), d
    if dx is not None:
        raise TypeError(f"{name}(): pass the sample points x or the spacing dx, not both")
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): x must be a tensor of sample points, got "
                        f"{type(x).__name__}")
    if x.ndim == 1:
        if x.shape[0] != n:
            raise RuntimeError(f"{name}(): x has {x.shape[0]} points but y has {n} samples "
                               f"along dim {dim}")
        x = reshape(x, (n,) + (1,) * (y.ndim - 1 - d))
        xd = 0
    else:
        xd = normalize_dim(dim, x.ndim)
    widths = sub(narrow(x, xd, 1, n - 1), narrow(x, xd, 0, n - 1))
    return div(mul(pairs, widths), 2), d


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The integral of samples `y` along `dim` by the trapezoid rule, at points `x` (a 1-D
    tensor, or one shaped like y) or spaced `dx` apart (default 1)."""
    areas, d = _trapezoids("trapezoid", y, x, dx, dim)
    return sum(areas, d)


def trapz(y, x=None, *, dx=None, dim=-1):
    """PyTorch's older name for trapezoid."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoid-rule integral along `dim` (one entry fewer than y)."""
    areas, d = _trapezoids("cumulative_trapezoid", y, x, dx, dim)
    return cumsum(areas, d)
