"""Statistics and distances PyTorch has at the top level: cummax, cummin, logcumsumexp,
nansum, nanmean, median, nanmedian, quantile, nanquantile, bincount, histc, std_mean,
var_mean, norm, dist, cdist, cosine_similarity, pairwise_distance, and the trapezoid
rule (trapezoid, cumulative_trapezoid).

What it does: the order statistics (median, quantile, cummax) first find
*indices* without a graph (a sort, or a scan), then `gather` the values, so
the gradient reaches exactly the chosen entries, as PyTorch's does. The
running maximum is a Hillis-Steele scan: log2(n) steps, each comparing every
entry with the one 1, 2, 4, ... places back; logcumsumexp runs the same scan
with logaddexp. The p-norms guard the point 0, where the p-th root's
derivative is infinite: there the gradient is 0 (PyTorch's subgradient)
instead of nan.

Assumes: cummax/cummin return the last index among equal maxima and treat
nan as the largest value (it propagates), as PyTorch's CPU kernel does;
median returns the lower of the two middle values; bincount and histc
count without a graph (PyTorch has no gradient for them either).
Production does instead: PyTorch has native scan kernels (a sequential
loop on CPU, a parallel scan on GPU) and a selection algorithm rather than
a full sort for median and quantile.
"""

from __future__ import annotations

import math
from collections import namedtuple

from .. import dtypes as _dt
from ..autograd import no_grad
from ..tensor import Tensor
from .convert import cast
from .elementwise import abs, add, div, mul, pow, sub
from .index import gather
from .logic import eq, isnan, logical_not, lt, ne
from .manipulation import cumsum
from .math import logaddexp
from .matrix_norm import matrix_norm_of
from .plumbing import normalize_axes, normalize_dim, real_only
from .reduce import amax, amin, any, mean, std, sum, var
from .select import clamp, where
from .shape import cat, narrow, reshape, squeeze, stack, unsqueeze
from .unary import sqrt

__all__ = ["cummax", "cummin", "logcumsumexp", "nansum", "nanmean", "median", "nanmedian",
           "quantile", "nanquantile", "bincount", "histc", "std_mean", "var_mean", "norm",
           "dist", "cdist", "cosine_similarity", "pairwise_distance", "trapezoid", "trapz",
           "cumulative_trapezoid"]

values_indices = namedtuple("values_indices", ["values", "indices"])


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
    if low == high:
        low, high = low - 1, high + 1
    if low > high:
        raise RuntimeError(f"histc(): max must be larger than min, got min={min}, max={max}")
    inside = (x >= low) & (x <= high)
    position = clamp(((x - low) * (bins / (high - low))).floor(), 0, bins - 1)
    index = cast(where(inside, position, 0), "int64")
    counts = bincount(index, weights=cast(inside, x.dtype), minlength=bins)
    return cast(counts, input.dtype)


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
