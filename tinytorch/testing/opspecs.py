"""One table of tinytorch's ops, for tests: how to call each op, what to compare it with, and
which inputs keep it differentiable.

The conformance suite (conformance/) reads `OPS`: values against the NumPy
reference, gradients, device placement and cross-device agreement, on
every device. `uncovered_functions()` lists every `Function` subclass of
tinytorch.ops and tinytorch.nn that no entry exercises, so a new op
without an entry fails the coverage check. Function classes are named
after the op in CamelCase (`Exp`, `Matmul`, `Conv2d`, `NllLoss`), so a
grad_fn prints as `Conv2dBackward`.

Fields of an `OpSpec`:

- `fn` takes `arity` tinytorch tensors (all on one device) and returns a
  tensor or a tuple of tensors (split, chunk, max(dim=...)). Parameters that
  depend on the input (dims, index tensors, masks, shapes) are derived from
  the tensors inside `fn`, and index tensors are built on the input's device.
- `reference` takes the same arguments as NumPy arrays and returns a NumPy
  array (or a tuple, matching `fn`). It runs in the tests only. It computes
  the values; result dtypes follow NumPy, so compare values, not dtypes.
- `dtypes`: the dtypes the op is meant for (every argument has the same one).
- `low`/`high`: the range values are drawn from (integers are clipped to
  their dtype's range too).
- `shapes`: how the argument shapes relate:
  "single" (one argument, any shape), "same" (equal shapes), "broadcast"
  (mutually broadcastable), "matmul" ((..., n, k) and (..., k, m), batch
  axes broadcast), "matvec" ((..., n, k) and (k,)), "vecmat" ((k,) and
  (..., k, m)), "mm" ((n, k) and (k, m)), "bmm" ((b, n, k) and (b, k, m)),
  "dot" ((k,) and (k,)), "image" ((N, C, H, W) with H, W of 5
  or 6, and a (OC, C, 3, 3) weight as the second argument).
- `differentiable`: False for ops that record no graph (comparisons, logic,
  argmax, floor_divide, integer casts); their outputs have no grad_fn.
- `functions`: the `Function` subclasses the entry exercises.
- `min_dims`: the fewest dimensions each argument may have.
- `extra` (all optional):
    "min_side": int   - the smallest size of every dimension (1: no empty
                        dimensions, e.g. max; 2: var with correction=1).
    "kinks": tuple    - points where the op is not differentiable (or is
                        discontinuous, or loses precision); every drawn
                        value stays at least `margin` away from each of
                        them (exact zeros excepted when "zeros" is set).
    "margin": float   - that distance (default MARGIN).
    "distinct": True  - all float values of all arguments are pairwise at
                        least `margin` apart (no ties for max/min/clamp).
    "zeros": True     - draw exact zeros often (prod's zero handling).
    "valid": callable - takes the NumPy arguments and says whether they are
                        usable (e.g. remainder: a / b away from integers).
    "gradcheck": dict - keyword arguments for gradcheck (e.g. a larger eps
                        for ops that round, like a cast to float32).

`admissible(spec, *arrays)` checks the value constraints ("kinks",
"distinct", "valid") on NumPy arguments, for tests that draw values their
own way and filter with hypothesis' `assume`. `arguments(spec, dtype)` is a
hypothesis strategy that draws NumPy arguments satisfying all of the above.

Production does instead: PyTorch's OpInfo database
(torch/testing/_internal/common_methods_invocations.py) plays this role,
with sample-input generators, reference functions and per-dtype skips for
every operator.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import dtypes as _dt

__all__ = ["OpSpec", "OPS", "uncovered_functions", "by_name", "admissible", "arguments",
           "MARGIN", "FLOATS", "NUMERIC", "INTEGERS"]

FLOATS = ("float32", "float64")
NUMERIC = ("int8", "int16", "int32", "int64", "uint8", "float32", "float64")
SIGNED = ("int8", "int16", "int32", "int64", "float32", "float64")
INTEGERS = ("bool", "int8", "int16", "int32", "int64", "uint8")
MARGIN = 1e-3


@dataclass(frozen=True)
class OpSpec:
    name: str
    fn: Callable[..., Any]
    reference: Callable[..., Any] | None
    arity: int = 1
    dtypes: tuple = FLOATS
    low: float = -3.0
    high: float = 3.0
    shapes: str = "broadcast"
    differentiable: bool = True
    functions: tuple = ()          # names of the Function subclasses this entry exercises
    min_dims: int = 0
    extra: dict = field(default_factory=dict)


def _np():
    import numpy  # tests only: this module is never imported by tinytorch itself
    return numpy


def _tt():
    import tinytorch
    return tinytorch


def _F():  # noqa: N802 - PyTorch's name for nn.functional
    import tinytorch.nn.functional
    return tinytorch.nn.functional


# ---- helpers that fn entries use to derive parameters from their inputs ---------------------

def _index(values, like):
    """An int64 index tensor on `like`'s device."""
    return _tt().tensor(list(values), dtype="int64", device=like.device)


def _repeated(n):
    """Indices into a dimension of size n >= 1, with repeats and a negative index."""
    return [0, n - 1, 0, -1]


def _round_trip(a):
    """a moved to another device type and back (cpu -> strict:0 -> cpu, strict:i -> cpu ->)."""
    tt = _tt()
    hop = "strict:0" if a.device.type != "strict" else "cpu"
    return tt.to_device(tt.to_device(a, hop), a.device)


def _strict_hop(a):
    """a moved strict:0 -> strict:1 -> back (or cpu -> strict:0 -> strict:1 -> cpu)."""
    tt = _tt()
    first = a if a.device.type == "strict" else tt.to_device(a, "strict:0")
    other = "strict:1" if first.device.index == 0 else "strict:0"
    return tt.to_device(tt.to_device(first, other), a.device)


def _set(a, key, value):
    """A copy of `a` with out[key] = value (setitem as a function, differentiable in both)."""
    out = a.clone()
    out[key] = value
    return out


def _gather_index(a):
    """An index for gather along the last axis: same shape as a, repeated positions."""
    tt = _tt()
    n = a.shape[-1]
    row = (tt.arange(n, device=a.device) * 2 + 1) % max(n, 1)
    return tt.broadcast_to(row, a.shape)


def _gather_index_np(a):
    np = _np()
    n = a.shape[-1]
    return np.broadcast_to((np.arange(n) * 2 + 1) % max(n, 1), a.shape)


def _lse(a, axis=None, keepdims=False):
    np = _np()
    if axis is None:
        axis = tuple(range(a.ndim))
    m = np.max(a, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(a - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def _not_near_integer_ratio(a, b):
    np = _np()
    ratio = np.asarray(a, dtype="float64") / np.asarray(b, dtype="float64")
    return bool(np.all(np.abs(ratio - np.round(ratio)) > 1e-3))


def _not_near_integer(a):
    return _not_near_integer_ratio(a, 1.5)


def _rmod_valid(a):
    return _not_near_integer_ratio(2.5, a)


def _first_two_reversed(n):
    return [n - 1, 0] if n > 1 else [0]


def _as_tuple(result):
    """A namedtuple result (unique_all's) as a plain tuple; a single tensor as it is."""
    return tuple(result) if isinstance(result, tuple) else result


def _floor_divide(a, b):
    """NumPy's floor division, except floor(a / b) where an operand is infinite (PyTorch and
    the array API standard: -1.0 // inf is -0.0 and inf // 2.0 is inf, where NumPy gives -1.0
    and nan)."""
    np = _np()
    with np.errstate(all="ignore"):
        out = np.floor_divide(a, b)
        if np.asarray(out).dtype.kind != "f":
            return out
        return np.where(np.isinf(a) | np.isinf(b), np.floor(np.true_divide(a, b)), out)


def _np_unique(a, parts):
    """Sorted unique values (each NaN distinct, as the standard says), first indices, inverse
    indices in a's shape and counts; `parts` picks which (an int: that one alone)."""
    values, first, inverse, counts = _np().unique(a, return_index=True, return_inverse=True,
                                                  return_counts=True, equal_nan=False)
    found = (values, first, inverse.reshape(a.shape), counts)
    return found[parts] if isinstance(parts, int) else tuple(found[i] for i in parts)


def _spd(a):
    """A well-conditioned symmetric positive definite matrix from a's last two axes."""
    tt = _tt()
    return a @ a.mT + 3 * tt.eye(a.shape[-2], dtype=a.dtype, device=a.device)


def _spd_np(a):
    np = _np()
    return a @ np.swapaxes(a, -1, -2) + 3 * np.eye(a.shape[-2], dtype=a.dtype)


def _general(a):
    """A well-conditioned square matrix that is not symmetric: a's SPD matrix (_spd) plus an
    antisymmetric K (from W = a a^T), so x^T M x = x^T S x > 0 for every x (never singular)."""
    tt = _tt()
    w = a @ a.mT
    return _spd(a) + tt.triu(w, 1) - tt.tril(w, -1)


def _general_np(a):
    np = _np()
    w = a @ np.swapaxes(a, -1, -2)
    return _spd_np(a) + np.triu(w, 1) - np.tril(w, -1)


def _separated(a):
    """A square matrix whose eigenvalues are distinct and real (so eig's gradient exists and
    their order is stable): 7, 14, ... on the diagonal plus a's square block / 10, whose
    Gershgorin discs (radius <= 0.3 (n-1)) stay apart."""
    tt = _tt()
    a = _square_part(a)
    n = a.shape[-1]
    return tt.diag_embed(tt.arange(1, n + 1, dtype=a.dtype, device=a.device) * 7.0) + a / 10


def _separated_np(a):
    np = _np()
    a = _square_part(a)
    n = a.shape[-1]
    return np.eye(n, dtype=a.dtype) * (np.arange(1, n + 1) * 7.0).astype(a.dtype) + a / 10


def _sorted_eigvals(a):
    """The (real) eigenvalues of _separated(a), sorted: LAPACK's order can change under a
    perturbation as small as gradcheck's, for triangular matrices."""
    tt = _tt()
    values = tt.linalg.eigvals(_separated(a))
    real = tt.real(values)
    return tt.take_along_axis(real, tt.argsort(real.detach(), axis=-1), axis=-1), tt.imag(values)


def _sorted_eigvals_np(a):
    np = _np()
    values = np.linalg.eigvals(_separated_np(a))
    return np.sort(values.real, axis=-1), values.imag


def _canonical_eigenvectors(a):
    """eig's eigenvectors of _separated(a), which are real and determined up to sign and order
    (each LAPACK picks its own): columns sorted by eigenvalue, each signed so that its dominant
    entry, the one on the diagonal for these matrices, is positive."""
    tt = _tt()
    values, vectors = tt.linalg.eig(_separated(a).detach())
    v = tt.real(vectors)
    order = tt.argsort(tt.real(values), axis=-1)
    v = tt.take_along_axis(v, tt.broadcast_to(order[..., None, :], v.shape), axis=-1)
    return v * tt.sign(tt.diagonal(v, dim1=-2, dim2=-1))[..., None, :]


def _canonical_eigenvectors_np(a):
    np = _np()
    values, vectors = np.linalg.eig(_separated_np(a))
    v = vectors.real
    order = np.argsort(values.real, axis=-1)
    v = np.take_along_axis(v, np.broadcast_to(order[..., None, :], v.shape), axis=-1)
    return v * np.sign(np.diagonal(v, axis1=-2, axis2=-1))[..., None, :]


def _square_part(a):
    """The leading square block of a's last two axes."""
    k = min(a.shape[-2:])
    return a[..., :k, :k]


def _per_matrix(fn, *arrays):
    """fn on each matrix of the stacks (batch axes first), results stacked back."""
    np = _np()
    batch = arrays[0].shape[:-2]
    if not batch:
        return fn(*arrays)
    count = math.prod(batch)
    flat = [a.reshape((count,) + a.shape[-2:]) for a in arrays]
    if count == 0:  # an empty batch: the shapes of one result, zero times
        sample = fn(*[np.zeros(a.shape[-2:], a.dtype) for a in arrays])
        sample = sample if isinstance(sample, tuple) else (sample,)
        out = tuple(np.zeros(batch + r.shape, r.dtype) for r in sample)
        return out if len(out) > 1 else out[0]
    results = [fn(*[a[i] for a in flat]) for i in range(count)]
    if isinstance(results[0], tuple):
        return tuple(np.stack([r[j] for r in results]).reshape(batch + results[0][j].shape)
                     for j in range(len(results[0])))
    return np.stack(results).reshape(batch + results[0].shape)


def _np_lu_factor(a):
    import scipy.linalg  # tests only
    np = _np()

    def one(m):
        if 0 in m.shape:
            return m.copy(), np.zeros(0, dtype="int32")
        packed, pivots = scipy.linalg.lu_factor(m)
        return packed.astype(m.dtype), (pivots + 1).astype("int32")
    return _per_matrix(one, a)


def _np_lu(a):
    import scipy.linalg  # tests only
    np = _np()

    def one(m):
        k = min(m.shape)
        if k == 0:
            return np.eye(m.shape[0], dtype=m.dtype), np.zeros((m.shape[0], 0), m.dtype), \
                np.zeros((0, m.shape[1]), m.dtype)
        return tuple(r.astype(m.dtype) for r in scipy.linalg.lu(m))
    return _per_matrix(one, a)


def _np_lstsq(a, b):
    return _per_matrix(lambda m, v: _np().linalg.lstsq(m, v, rcond=None)[0], a, b)


def _tall(a):
    """(2n, n) with full column rank: a's SPD matrix over a a^T."""
    return _tt().cat([_spd(a), a @ a.mT], -2)


def _tall_np(a):
    np = _np()
    return np.concatenate([_spd_np(a), a @ np.swapaxes(a, -1, -2)], -2)


def _wide(a):
    """(n, 2n) with full row rank."""
    return _tt().cat([_spd(a), a @ a.mT], -1)


def _wide_np(a):
    np = _np()
    return np.concatenate([_spd_np(a), a @ np.swapaxes(a, -1, -2)], -1)


def _np_cholesky_solve(a, b):
    """solve(S, b) for S = _spd_np(a), refusing what NumPy's cholesky refuses (nan)."""
    np = _np()
    s = _spd_np(a)
    np.linalg.cholesky(s)
    return np.linalg.solve(s, b)


def _np_logdet(a):
    np = _np()
    sign, logabsdet = np.linalg.slogdet(a)
    return np.where(sign < 0, np.nan, logabsdet)


def _np_svdvals(a):
    """Singular values, and nan for a matrix holding nan or inf (tinytorch's rule: LAPACK
    refuses such a matrix or not, depending on the matrix and on compute_uv)."""
    np = _np()
    bad = ~np.isfinite(a).all(axis=(-2, -1))
    values = np.linalg.svd(np.where(bad[..., None, None], 0, a), compute_uv=False)
    return np.where(bad[..., None], np.nan, values).astype(a.dtype)


def _parts(z):
    """(real, imag) of a complex result, so the suite compares floats with tolerances."""
    tt = _tt()
    if isinstance(z, tt.Tensor):
        return tt.real(z), tt.imag(z)
    return z.real, z.imag


def _as_2d(a):
    """NumPy's a.flatten(1) for 3 or more dims (t() takes at most 2)."""
    if a.ndim <= 2:
        return a
    rest = 1
    for n in a.shape[1:]:
        rest *= n
    return a.reshape(a.shape[0], rest)


def _np_set(a, key, value):
    out = a.copy()
    out[key] = value
    return out


# ---- helpers for the nn entries: parameters derived from the input, and NumPy references -----

def _F():
    import tinytorch.nn.functional as F
    return F


def _np_windows(x, k, stride, pad_value=0.0, padding=0):
    """(N, C, OH, OW, k, k) windows of an (N, C, H, W) array (a loop: tests only)."""
    np = _np()
    x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)),
               constant_values=pad_value)
    oh, ow = (x.shape[2] - k) // stride + 1, (x.shape[3] - k) // stride + 1
    out = np.empty(x.shape[:2] + (oh, ow, k, k), dtype=x.dtype)
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + k, j * stride:j * stride + k]
    return out


def _np_conv2d(x, w):
    """conv2d with stride 2, padding 1 and bias w.sum((1, 2, 3)), as _conv2d computes."""
    np = _np()
    windows = _np_windows(x, 3, 2, padding=1)                     # (N, C, OH, OW, 3, 3)
    out = np.einsum("ncijhw,ochw->noij", windows, w)
    return out + w.sum(axis=(1, 2, 3))[None, :, None, None]


def _conv2d(x, w):
    return _F().conv2d(x, w, w.sum((1, 2, 3)), stride=2, padding=1)


# The 1-D nn ops read an image (N, C, H, W) as signals (N, C, H*W), and take a (OC, C, 3) weight
# from the (OC, C, 3, 3) one; the transposed convolutions read it as (C, OC, ...).

def _signals(x):
    return x.reshape(x.shape[0], x.shape[1], -1)


def _np_conv1d(x, w):
    """conv1d with stride 2, padding 1, dilation 2 and bias w.sum((1, 2, 3)), as _conv1d."""
    np = _np()
    x, k = np.pad(_signals(x), ((0, 0), (0, 0), (1, 1))), w[..., 1]
    count = (x.shape[2] - 5) // 2 + 1
    out = np.stack([np.einsum("nct,oct->no", x[:, :, 2 * i:2 * i + 5:2], k)
                    for i in range(count)], axis=-1)
    return out + w.sum(axis=(1, 2, 3))[None, :, None]


def _conv1d(x, w):
    return _F().conv1d(_signals(x), w[..., 1], w.sum((1, 2, 3)), stride=2, padding=1,
                       dilation=2)


def _np_conv_transpose2d(x, w):
    """conv_transpose2d, stride 2, padding 1, output_padding 1, bias w.sum((1, 2, 3)): each
    input pixel adds its channels times the 3x3 kernels at 2x its position, then the frame
    of width 1 is cut off."""
    np = _np()
    n, _, h, wd = x.shape
    full = np.zeros((n, w.shape[0], 2 * h + 2, 2 * wd + 2))
    for i in range(h):
        for j in range(wd):
            full[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3] += np.einsum("nc,ocij->noij",
                                                                     x[:, :, i, j], w)
    return full[:, :, 1:2 * h + 1, 1:2 * wd + 1] + w.sum(axis=(1, 2, 3))[None, :, None, None]


def _conv_transpose2d(x, w):
    return _F().conv_transpose2d(x, w.transpose(0, 1), w.sum((1, 2, 3)), stride=2, padding=1,
                                 output_padding=1)


def _np_conv_transpose1d(x, w):
    """conv_transpose1d, stride 3, padding 2, output_padding 1, dilation 2, no bias."""
    np = _np()
    x, k = _signals(x), w[..., 1]
    length = x.shape[2]
    full = np.zeros((x.shape[0], k.shape[0], 3 * length + 3))
    for i in range(length):
        for t in range(3):
            full[:, :, 3 * i + 2 * t] += np.einsum("nc,oc->no", x[:, :, i], k[:, :, t])
    return full[:, :, 2:3 * length + 1]


def _conv_transpose1d(x, w):
    return _F().conv_transpose1d(_signals(x), w[..., 1].transpose(0, 1), stride=3, padding=2,
                                 output_padding=1, dilation=2)


def _np_pool1d(x, reduce, pad_value):
    """Windows of 3, stride 2, padding 1 over the signals, reduced by `reduce`."""
    np = _np()
    x = np.pad(_signals(x), ((0, 0), (0, 0), (1, 1)), constant_values=pad_value)
    count = (x.shape[2] - 3) // 2 + 1
    return np.stack([reduce(x[:, :, 2 * i:2 * i + 3]) for i in range(count)], axis=-1)


def _np_avg_pool1d_excluding_pad(x):
    """avg_pool1d(3, 2, padding=1, count_include_pad=False): the padding is not counted."""
    np = _np()
    counts = _np_pool1d(np.ones_like(x), lambda w: w.sum(axis=-1), 0.0)
    return _np_pool1d(x, lambda w: w.sum(axis=-1), 0.0) / counts


def _adaptive_bounds(size, n):
    return [(math.floor(i * size / n), math.ceil((i + 1) * size / n)) for i in range(n)]


def _np_adaptive(x, out, reduce):
    """Adaptive pooling of the last two axes to `out`, window by window."""
    np = _np()
    rows, cols = _adaptive_bounds(x.shape[-2], out[0]), _adaptive_bounds(x.shape[-1], out[1])
    result = np.empty(x.shape[:-2] + out, dtype=x.dtype)
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            result[..., i, j] = reduce(x[..., r0:r1, c0:c1], axis=(-2, -1))
    return result


def _np_linear_along(x, axis, n, align_corners, scale=None):
    """Linear interpolation of one axis to n samples: output i blends the two input samples
    around its position x_i (align_corners: i*(size-1)/(n-1); else (i+0.5)*scale - 0.5)."""
    np = _np()
    size = x.shape[axis]
    outputs = []
    for i in range(n):
        if align_corners:
            position = i * (size - 1) / (n - 1) if n > 1 else 0.0
        else:
            position = max((i + 0.5) * (scale or size / n) - 0.5, 0.0)
        left = min(int(np.floor(position)), size - 1)
        t = min(position - left, 1.0)
        outputs.append(np.take(x, left, axis) * (1 - t)
                       + np.take(x, min(left + 1, size - 1), axis) * t)
    return np.stack(outputs, axis=axis)


def _np_resize(x, sizes, align_corners, scales=(None, None)):
    """Bilinear resize of the last two axes, one axis after the other."""
    x = _np_linear_along(x, x.ndim - 2, sizes[0], align_corners, scales[0])
    return _np_linear_along(x, x.ndim - 1, sizes[1], align_corners, scales[1])


def _np_nearest(x, factor):
    """nearest with scale_factor: output i takes input floor(i * float32(1/factor))."""
    np = _np()
    for axis in (-2, -1):
        size = x.shape[axis]
        positions = np.arange(math.floor(size * factor), dtype=np.float32)
        index = np.minimum(np.floor(positions * np.float32(1 / factor)), size - 1)
        x = np.take(x, index.astype(np.int64), axis=axis)
    return x


def _np_unfold(x):
    """unfold with kernel (2, 3), dilation (1, 2), padding 1, stride 2: columns (N, C*6, L)."""
    np = _np()
    x = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    n, c, h, w = x.shape
    blocks = [x[:, :, i:i + 2, j:j + 5:2].reshape(n, c * 6)
              for i in range(0, h - 1, 2) for j in range(0, w - 4, 2)]
    return np.stack(blocks, axis=-1)


def _unfold(x):
    return _F().unfold(x, (2, 3), dilation=(1, 2), padding=1, stride=2)


def _np_fold(x):
    """The image's columns x[:, :, :, l] (C*H values, kernel (1, H)) added back along a row
    of 2*W + H - 4 (stride 2, padding 1): a 1-D overlap-add."""
    np = _np()
    n, c, h, w = x.shape
    full = np.zeros((n, c, 1, 2 * w + h - 2))
    for block in range(w):
        full[:, :, 0, 2 * block:2 * block + h] += x[:, :, :, block]
    return full[:, :, :, 1:-1]


def _fold(x):
    n, c, h, w = x.shape
    return _F().fold(x.reshape(n, c * h, w), (1, 2 * w + h - 4), (1, h), padding=(0, 1),
                     stride=(1, 2))


def _unfold_size(a):
    return min(2, a.shape[-1])


def _np_tensor_unfold(a):
    np = _np()
    return np.lib.stride_tricks.sliding_window_view(a, _unfold_size(a), axis=-1)


def _class_targets(logits):
    """Class indices (N,) for (N, C) logits, on their device: every class, in a fixed pattern."""
    n, c = logits.shape
    return _index([(2 * i + 1) % c for i in range(n)], logits)


def _np_log_softmax(a, axis=-1):
    return a - _lse(a, axis=axis, keepdims=True)


def _np_nll(logp):
    np = _np()
    n, c = logp.shape
    return -np.mean(logp[np.arange(n), [(2 * i + 1) % c for i in range(n)]])


def _rows(a):
    return a.reshape(a.shape[0], -1)


def _np_erf(a):
    np = _np()
    return np.vectorize(math.erf, otypes=[a.dtype])(a)


def _np_erfc(a):
    np = _np()
    return np.vectorize(math.erfc, otypes=[a.dtype])(a)


def _np_lgamma(a):
    """math.lgamma, elementwise, with PyTorch's +inf at the poles (math raises there)."""
    np = _np()

    def one(v):
        pole = math.isinf(v) or (v <= 0 and v == math.floor(v))
        return math.inf if pole else math.lgamma(v)
    return np.vectorize(one, otypes=[a.dtype])(a)


def _sp():
    import scipy.special  # tests only, as NumPy: the reference for the gamma family
    return scipy.special


def _sp_linalg():
    import scipy.linalg  # tests only: expm, lu and lu_factor
    return scipy.linalg


def _np_polygamma(n, a):
    """SciPy's polygamma, except nan at -inf (no limit there; SciPy gives +-inf)."""
    np = _np()
    return np.where(a == -np.inf, np.nan, _sp().polygamma(n, a)).astype(a.dtype)


def _np_i0(a):
    """NumPy's i0 with the limit +inf at +-inf (NumPy, SciPy and PyTorch give nan there)."""
    np = _np()
    return np.where(np.isinf(a), np.inf, np.i0(a)).astype(a.dtype)


def _np_i1(a):
    """SciPy's i1 with the limits +-inf at +-inf (SciPy gives nan there)."""
    np = _np()
    return np.where(np.isinf(a), a, _sp().i1(a)).astype(a.dtype)


def _np_mvlgamma(a, p):
    np = _np()
    if not np.all(a > (p - 1) / 2):
        raise ValueError(f"mvlgamma needs every element above {(p - 1) / 2}")
    total = sum(_np_lgamma(a - j / 2) for j in range(p))
    return (total + p * (p - 1) / 4 * math.log(math.pi)).astype(a.dtype)


_GAMMA_POLES = {"kinks": (0.0, -1.0, -2.0, -3.0), "margin": 0.05}


def _np_normalize(a, axes, eps=1e-5):
    np = _np()
    mean = a.mean(axis=axes, keepdims=True)
    return (a - mean) / np.sqrt(a.var(axis=axes, keepdims=True) + eps)


def _spread(a):
    return a + _tt().arange(a.shape[-1], dtype=a.dtype, device=a.device) * 7.0


def _np_linear(a):
    w = a.reshape(-1, a.shape[-1])[:2]
    return a @ w.T + w.sum(axis=-1)


def _linear(a):
    w = a.reshape(-1, a.shape[-1])[:2]
    return _F().linear(a, w, w.sum(-1))


def _dropout(a):
    _tt().manual_seed(0)  # the same mask every call, so values and gradients are comparable
    return _F().dropout(a, 0.5, training=True)


def _np_dropout(a):
    tt = _tt()
    kept = _dropout(tt.ones(a.shape, dtype=str(a.dtype))).numpy() != 0  # the mask, on cpu
    return a * 2.0 * kept


def _np_sigmoid(a):
    np = _np()
    return 1 / (1 + np.exp(-a))


def _np_bce(p, y):
    np = _np()
    return -np.mean(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log1p(-p), -100))


# ---- helpers for nn's composed activations and losses: options fixed, NumPy references ------

_SELU = (1.6732632423543772848170429916717, 1.0507009873554804934193349852946)


def _np_elu(a, alpha):
    np = _np()
    return np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0)))


def _np_softplus(a, beta=1.0, threshold=math.inf):
    np = _np()
    return np.where(a * beta > threshold, a, np.logaddexp(0, a * beta) / beta)


def _np_hardsigmoid(a):
    return _np().clip(a / 6 + 0.5, 0, 1)


def _channels(a):
    return a.shape[1] if a.ndim >= 2 else 1


def _prelu_slopes(a):
    """One slope per channel (axis 1), taken from the input so gradients reach them too."""
    return a.reshape(-1)[:_channels(a)] * 0.1 + 0.25


def _np_prelu(a):
    np = _np()
    slopes = _prelu_slopes(a).reshape((-1,) + (1,) * max(a.ndim - 2, 0)) if a.ndim >= 2 else \
        _prelu_slopes(a).reshape(())
    return np.where(a > 0, a, a * slopes)


def _signs(a):
    """+1, -1, +1, ... in a's shape, on a's device (targets of the margin losses)."""
    tt = _tt()
    positions = tt.arange(a.numel(), device=a.device).reshape(a.shape)
    return (1 - 2 * (positions % 2)).to(a.dtype)


def _np_signs(a):
    np = _np()
    return (1 - 2 * (np.arange(a.size).reshape(a.shape) % 2)).astype(a.dtype)


def _np_xlogx(s):
    np = _np()
    return np.where(s == 0, 0.0, s * np.log(np.where(s == 0, 1.0, s)))


def _np_cosine_embedding(a, b, margin=0.1):
    np = _np()
    a, b = a.reshape(a.shape[0], -1), b.reshape(b.shape[0], -1)
    cos = (a * b).sum(-1) / np.sqrt(((a * a).sum(-1) + 1e-12) * ((b * b).sum(-1) + 1e-12))
    t = _np_signs(cos)
    return np.where(t == 1, 1 - cos, np.maximum(cos - margin, 0)), cos - margin


def _np_triplet(a, p, n, margin=1.0):
    np = _np()
    a, p, n = (x.reshape(x.shape[0], -1) for x in (a, p, n))
    inner = margin + np.linalg.norm(a - p + 1e-6, axis=-1) - np.linalg.norm(a - n + 1e-6, axis=-1)
    return np.maximum(inner, 0), inner


def _np_poisson_full(a, t):
    np = _np()
    counts = np.maximum(t, 1.0)
    stirling = counts * np.log(counts) - counts + 0.5 * np.log(2 * math.pi * counts)
    return np.exp(a) - t * a + np.where(t > 1, stirling, 0.0)


def _bag_ids(n):
    """Ids for embedding_bag over n rows: 6 ids, with repeats once n is small."""
    return [(3 * i + 1) % n for i in range(6)]


def _embedding_bag_mean(a):
    """Bags ids[0:2], (empty), ids[2:6] of the rows of a, averaged; the last row is padding."""
    weight = _rows(a)
    n = weight.shape[0]
    return _F().embedding_bag(_index(_bag_ids(n), a), weight, _index([0, 2, 2], a),
                              mode="mean", padding_idx=n - 1)


def _np_embedding_bag_mean(a):
    np = _np()
    weight = a.reshape(a.shape[0], -1)
    ids, n = _bag_ids(weight.shape[0]), weight.shape[0]
    out = []
    for bag in (ids[0:2], [], ids[2:6]):
        kept = [i for i in bag if i != n - 1]
        out.append(weight[kept].mean(0) if kept else np.zeros(weight.shape[1], a.dtype))
    return np.stack(out)


def _embedding_bag_max(a):
    """Two bags of three ids each (a 2-D input), reduced by their maximum."""
    weight = _rows(a)
    ids = _bag_ids(weight.shape[0])
    return _F().embedding_bag(_index(ids, a).reshape(2, 3), weight, mode="max")


def _np_embedding_bag_max(a):
    weight = a.reshape(a.shape[0], -1)
    ids = _bag_ids(weight.shape[0])
    return _np().stack([weight[ids[0:3]].max(0), weight[ids[3:6]].max(0)])


# prod's gradient divides its result by each input: tiny inputs lose float32 precision
_AWAY_FROM_ZERO = {"kinks": (0.0,), "margin": 0.05}
_I = tuple(range(-3, 4))                        # integers: floor's jumps
_HALF = (-2.5, -1.5, -0.5, 0.5, 1.5, 2.5)       # round's jumps
_N = NUMERIC


def _spec(name, fn, reference, **kw):
    return OpSpec(name, fn, reference, **kw)


OPS: list[OpSpec] = [
    # ---- arithmetic ---------------------------------------------------------------------------
    OpSpec("add", lambda a, b: a + b, lambda a, b: a + b, arity=2, dtypes=NUMERIC,
           functions=("Add",)),
    OpSpec("mul", lambda a, b: a * b, lambda a, b: a * b, arity=2, dtypes=NUMERIC,
           functions=("Mul",)),
    OpSpec("exp", lambda a: a.exp(), lambda a: _np().exp(a), functions=("Exp",)),
    OpSpec("matmul", lambda a, b: a @ b, lambda a, b: a @ b, arity=2, shapes="matmul",
           dtypes=NUMERIC, functions=("Matmul",)),
    _spec("sub", lambda a, b: a - b, lambda a, b: a - b, arity=2, dtypes=SIGNED,
          functions=("Sub",)),
    _spec("add_alpha", lambda a, b: _tt().add(a, b, alpha=2), lambda a, b: a + 2 * b, arity=2,
          dtypes=SIGNED, functions=("Add", "Mul")),
    _spec("div", lambda a, b: a / b, lambda a, b: a / b, arity=2,
          extra={"kinks": (0.0,), "margin": 0.25}, functions=("Div",)),
    _spec("radd", lambda a: 2 + a, lambda a: 2 + a, shapes="single", dtypes=_N,
          functions=("Add",)),
    _spec("rsub", lambda a: 2 - a, lambda a: 2 - a, shapes="single", dtypes=SIGNED,
          functions=("Sub",)),
    _spec("rmul", lambda a: 3 * a, lambda a: 3 * a, shapes="single", dtypes=_N,
          functions=("Mul",)),
    _spec("rtruediv", lambda a: 2.0 / a, lambda a: 2.0 / a, shapes="single",
          extra={"kinks": (0.0,), "margin": 0.25}, functions=("Div",)),
    _spec("add_scalar", lambda a: a + 1.5, lambda a: a + 1.5, shapes="single",
          functions=("Add",)),
    _spec("sub_scalar", lambda a: a - 0.5, lambda a: a - 0.5, shapes="single",
          functions=("Sub",)),
    _spec("div_scalar", lambda a: a / 4.0, lambda a: a / 4.0, shapes="single",
          functions=("Div",)),
    _spec("pow", lambda a, b: a ** b, lambda a, b: a ** b, arity=2, low=0.5, high=2.0,
          functions=("Pow",)),
    _spec("pow_int_exponent", lambda a: a ** 3, lambda a: a ** 3, shapes="single",
          dtypes=SIGNED, low=-2.0, high=2.0, functions=("Pow",)),
    _spec("pow_float_exponent", lambda a: a ** 2.5, lambda a: a ** 2.5, shapes="single",
          low=0.2, high=3.0, functions=("Pow",)),
    _spec("rpow", lambda a: 2.0 ** a, lambda a: 2.0 ** a, shapes="single", functions=("Pow",)),
    _spec("remainder", lambda a, b: a % b, lambda a, b: _np().remainder(a, b), arity=2,
          low=0.5, high=3.0, extra={"valid": _not_near_integer_ratio},
          functions=("Remainder",)),
    _spec("remainder_scalar", lambda a: _tt().remainder(a, 1.5),
          lambda a: _np().remainder(a, 1.5), shapes="single",
          extra={"valid": _not_near_integer}, functions=("Remainder",)),
    _spec("rremainder", lambda a: 2.5 % a, lambda a: _np().remainder(2.5, a),
          shapes="single", low=0.5, high=3.0, extra={"valid": _rmod_valid},
          functions=("Remainder",)),
    _spec("floor_divide", lambda a, b: a // b, lambda a, b: _floor_divide(a, b), arity=2,
          dtypes=_N, low=1.0, high=7.0, differentiable=False),
    _spec("rfloor_divide", lambda a: 7 // a, lambda a: _floor_divide(7, a),
          shapes="single", dtypes=_N, low=1.0, high=7.0, differentiable=False),
    _spec("neg", lambda a: -a, lambda a: -a, shapes="single", dtypes=SIGNED,
          functions=("Neg",)),
    _spec("abs", lambda a: a.abs(), lambda a: _np().abs(a), shapes="single", dtypes=SIGNED,
          extra={"kinks": (0.0,)}, functions=("Abs",)),

    # ---- math functions -----------------------------------------------------------------------
    _spec("log", lambda a: a.log(), lambda a: _np().log(a), shapes="single", low=0.1,
          functions=("Log",)),
    _spec("log1p", lambda a: a.log1p(), lambda a: _np().log1p(a), shapes="single", low=-0.9,
          functions=("Log1p",)),
    _spec("sqrt", lambda a: a.sqrt(), lambda a: _np().sqrt(a), shapes="single", low=0.1,
          functions=("Sqrt",)),
    _spec("rsqrt", lambda a: a.rsqrt(), lambda a: 1 / _np().sqrt(a), shapes="single",
          low=0.25, functions=("Sqrt", "Div")),
    _spec("sin", lambda a: a.sin(), lambda a: _np().sin(a), shapes="single",
          functions=("Sin",)),
    _spec("cos", lambda a: a.cos(), lambda a: _np().cos(a), shapes="single",
          functions=("Cos",)),
    _spec("tanh", lambda a: a.tanh(), lambda a: _np().tanh(a), shapes="single",
          functions=("Tanh",)),
    _spec("sigmoid", lambda a: a.sigmoid(), lambda a: 1 / (1 + _np().exp(-a)),
          shapes="single", low=-6.0, high=6.0, functions=("Sigmoid",)),
    _spec("relu", lambda a: a.relu(), lambda a: _np().maximum(a, 0), shapes="single",
          dtypes=SIGNED, extra={"kinks": (0.0,)}, functions=("Relu",)),
    _spec("sign", lambda a: a.sign(), lambda a: _np().sign(a), shapes="single", dtypes=SIGNED,
          extra={"kinks": (0.0,)}, functions=("ZeroGrad",)),
    _spec("floor", lambda a: a.floor(), lambda a: _np().floor(a), shapes="single",
          extra={"kinks": _I}, functions=("ZeroGrad",)),
    _spec("round", lambda a: a.round(), lambda a: _np().round(a), shapes="single",
          extra={"kinks": _HALF}, functions=("ZeroGrad",)),
    _spec("round_decimals", lambda a: a.round(1), lambda a: _np().round(a, 1),
          shapes="single", extra={"valid": lambda a: _not_near_integer_ratio(a - 0.05, 0.1)},
          functions=("ZeroGrad", "Mul", "Div")),
    _spec("square", lambda a: a.square(), lambda a: a * a, shapes="single", dtypes=SIGNED,
          functions=("Mul",)),
    _spec("reciprocal", lambda a: a.reciprocal(), lambda a: 1 / a, shapes="single",
          extra={"kinks": (0.0,), "margin": 0.25}, functions=("Div",)),

    # ---- maximum, minimum, clamp, where -------------------------------------------------------
    _spec("maximum", lambda a, b: _tt().maximum(a, b), lambda a, b: _np().maximum(a, b),
          arity=2, extra={"distinct": True}, functions=("Maximum",)),
    _spec("minimum", lambda a, b: _tt().minimum(a, b), lambda a, b: _np().minimum(a, b),
          arity=2, extra={"distinct": True}, functions=("Maximum", "Neg")),
    _spec("maximum_scalar", lambda a: _tt().maximum(a, 0.5), lambda a: _np().maximum(a, 0.5),
          shapes="single", extra={"kinks": (0.5,)}, functions=("Clamp",)),
    _spec("clamp", lambda a: a.clamp(-1.0, 1.0), lambda a: _np().clip(a, -1.0, 1.0),
          shapes="single", extra={"kinks": (-1.0, 1.0)}, functions=("Clamp",)),
    _spec("clamp_min", lambda a: a.clamp(min=0.5), lambda a: _np().maximum(a, 0.5),
          shapes="single", extra={"kinks": (0.5,)}, functions=("Clamp",)),
    _spec("clamp_max", lambda a: _tt().clamp(a, max=-0.5), lambda a: _np().minimum(a, -0.5),
          shapes="single", extra={"kinks": (-0.5,)}, functions=("Clamp",)),
    _spec("clamp_tensor", lambda a, lo, hi: _tt().clamp(a, lo, hi),
          lambda a, lo, hi: _np().minimum(_np().maximum(a, lo), hi), arity=3,
          extra={"distinct": True}, functions=("Maximum", "Neg")),
    _spec("clamp_tensor_min", lambda a, lo: a.clamp(min=lo), lambda a, lo: _np().maximum(a, lo),
          arity=2, extra={"distinct": True}, functions=("Maximum",)),
    _spec("clip", lambda a: _tt().clip(a, -1.0, 2.0), lambda a: _np().clip(a, -1.0, 2.0),
          shapes="single", extra={"kinks": (-1.0, 2.0)}, functions=("Clamp",)),
    _spec("where", lambda c, a, b: _tt().where(c > 0, a, b),
          lambda c, a, b: _np().where(c > 0, a, b), arity=3, extra={"kinks": (0.0,)},
          functions=("Where",)),
    _spec("masked_fill", lambda a: a.masked_fill(a > 0, 0.5),
          lambda a: _np().where(a > 0, 0.5, a), shapes="single", extra={"kinks": (0.0,)},
          functions=("Where",)),
    _spec("where_scalar", lambda a: _tt().where(a > 0, a, 0.5),
          lambda a: _np().where(a > 0, a, 0.5), shapes="single", extra={"kinks": (0.0,)},
          functions=("Where",)),

    # ---- comparisons and logic (no gradients) -------------------------------------------------
    *[_spec(name, op, ref, arity=2, dtypes=_N, differentiable=False)
      for name, op, ref in [
          ("eq", lambda a, b: a == b, lambda a, b: a == b),
          ("ne", lambda a, b: a != b, lambda a, b: a != b),
          ("lt", lambda a, b: a < b, lambda a, b: a < b),
          ("le", lambda a, b: a <= b, lambda a, b: a <= b),
          ("gt", lambda a, b: a > b, lambda a, b: a > b),
          ("ge", lambda a, b: _tt().greater_equal(a, b), lambda a, b: a >= b)]],
    _spec("gt_scalar", lambda a: a > 0.5, lambda a: a > 0.5, shapes="single", dtypes=_N,
          differentiable=False),
    _spec("eq_scalar", lambda a: a == 1, lambda a: a == 1, shapes="single", dtypes=_N,
          differentiable=False),
    *[_spec(name, op, ref, arity=2, dtypes=INTEGERS, differentiable=False)
      for name, op, ref in [
          ("bitwise_and", lambda a, b: a & b, lambda a, b: a & b),
          ("bitwise_or", lambda a, b: a | b, lambda a, b: a | b),
          ("bitwise_xor", lambda a, b: _tt().bitwise_xor(a, b), lambda a, b: a ^ b)]],
    _spec("bitwise_not", lambda a: ~a, lambda a: ~a, shapes="single", dtypes=INTEGERS,
          differentiable=False),
    *[_spec(name, op, ref, arity=2, dtypes=("bool",) + _N, differentiable=False)
      for name, op, ref in [
          ("logical_and", lambda a, b: _tt().logical_and(a, b),
           lambda a, b: _np().logical_and(a, b)),
          ("logical_or", lambda a, b: _tt().logical_or(a, b),
           lambda a, b: _np().logical_or(a, b)),
          ("logical_xor", lambda a, b: _tt().logical_xor(a, b),
           lambda a, b: _np().logical_xor(a, b))]],
    _spec("logical_not", lambda a: _tt().logical_not(a), lambda a: _np().logical_not(a),
          shapes="single", dtypes=("bool",) + _N, differentiable=False),
    _spec("isnan", lambda a: _tt().isnan(a), lambda a: _np().isnan(a), shapes="single",
          differentiable=False),
    _spec("isinf", lambda a: _tt().isinf(a), lambda a: _np().isinf(a), shapes="single",
          differentiable=False),
    _spec("isfinite", lambda a: _tt().isfinite(a), lambda a: _np().isfinite(a),
          shapes="single", differentiable=False),

    # ---- reductions ---------------------------------------------------------------------------
    _spec("sum", lambda a: a.sum(), lambda a: _np().sum(a), shapes="single", dtypes=_N,
          functions=("Sum",)),
    _spec("sum_dim", lambda a: a.sum(dim=-1), lambda a: _np().sum(a, axis=-1),
          shapes="single", dtypes=_N, min_dims=1, functions=("Sum",)),
    _spec("sum_dims_keepdim", lambda a: a.sum(dim=(0, -1), keepdim=True),
          lambda a: _np().sum(a, axis=(0, -1), keepdims=True), shapes="single", min_dims=2,
          functions=("Sum",)),
    _spec("sum_axis_keepdims", lambda a: _tt().sum(a, axis=0, keepdims=True),
          lambda a: _np().sum(a, axis=0, keepdims=True), shapes="single", min_dims=1,
          functions=("Sum",)),
    _spec("mean", lambda a: a.mean(), lambda a: _np().mean(a), shapes="single",
          extra={"min_side": 1}, functions=("Sum", "Div")),
    _spec("mean_dim", lambda a: a.mean(dim=0, keepdim=True),
          lambda a: _np().mean(a, axis=0, keepdims=True), shapes="single", min_dims=1,
          extra={"min_side": 1}, functions=("Sum", "Div")),
    _spec("var", lambda a: a.var(), lambda a: _np().var(a, ddof=1), shapes="single",
          min_dims=1, extra={"min_side": 2}, functions=("Var",)),
    _spec("var_dim_correction0", lambda a: a.var(dim=-1, correction=0),
          lambda a: _np().var(a, axis=-1), shapes="single", min_dims=1,
          extra={"min_side": 1}, functions=("Var",)),
    _spec("var_dim_keepdim", lambda a: a.var(0, keepdim=True),
          lambda a: _np().var(a, axis=0, ddof=1, keepdims=True), shapes="single", min_dims=1,
          extra={"min_side": 2}, functions=("Var",)),
    _spec("std", lambda a: a.std(dim=-1), lambda a: _np().std(a, axis=-1, ddof=1),
          shapes="single", min_dims=1, extra={"min_side": 2, "distinct": True},
          functions=("Var", "Sqrt")),
    _spec("std_correction0", lambda a: a.std(correction=0), lambda a: _np().std(a),
          shapes="single", min_dims=1, extra={"min_side": 2, "distinct": True},
          functions=("Var", "Sqrt")),
    _spec("prod", lambda a: a.prod(), lambda a: _np().prod(a), shapes="single", low=-2.0,
          high=2.0, extra=_AWAY_FROM_ZERO,
          functions=("Prod",)),
    _spec("prod_dim", lambda a: a.prod(dim=-1), lambda a: _np().prod(a, axis=-1),
          shapes="single", low=-2.0, high=2.0, min_dims=1, extra=_AWAY_FROM_ZERO,
          functions=("Prod",)),
    _spec("prod_zeros", lambda a: a.prod(dim=0, keepdim=True),
          lambda a: _np().prod(a, axis=0, keepdims=True), shapes="single", low=-2.0, high=2.0,
          min_dims=1, extra={"zeros": True, **_AWAY_FROM_ZERO}, functions=("Prod",)),
    _spec("prod_all_zeros", lambda a: a.prod(), lambda a: _np().prod(a), shapes="single",
          low=-2.0, high=2.0, extra={"zeros": True, **_AWAY_FROM_ZERO}, functions=("Prod",)),
    _spec("max", lambda a: a.max(), lambda a: _np().max(a), shapes="single",
          extra={"min_side": 1, "distinct": True}, functions=("Extreme",)),
    _spec("min", lambda a: a.min(), lambda a: _np().min(a), shapes="single",
          extra={"min_side": 1, "distinct": True}, functions=("Extreme",)),
    _spec("max_dim", lambda a: tuple(a.max(dim=-1)),
          lambda a: (_np().max(a, axis=-1), _np().argmax(a, axis=-1)), shapes="single",
          min_dims=1, extra={"min_side": 1, "distinct": True}, functions=("Gather", "Reshape")),
    _spec("min_dim_keepdim", lambda a: tuple(a.min(dim=0, keepdim=True)),
          lambda a: (_np().min(a, axis=0, keepdims=True),
                     _np().argmin(a, axis=0, keepdims=True)), shapes="single", min_dims=1,
          extra={"min_side": 1, "distinct": True}, functions=("Gather",)),
    _spec("amax", lambda a: a.amax(dim=(0, -1)), lambda a: _np().max(a, axis=(0, -1)),
          shapes="single", min_dims=2, extra={"min_side": 1, "distinct": True},
          functions=("Extreme",)),
    _spec("amin", lambda a: _tt().amin(a, axis=-1, keepdims=True),
          lambda a: _np().min(a, axis=-1, keepdims=True), shapes="single", min_dims=1,
          extra={"min_side": 1, "distinct": True}, functions=("Extreme",)),
    _spec("argmax", lambda a: a.argmax(), lambda a: _np().argmax(a), shapes="single",
          dtypes=_N, differentiable=False, extra={"min_side": 1}),
    _spec("argmax_dim", lambda a: a.argmax(dim=-1, keepdim=True),
          lambda a: _np().argmax(a, axis=-1, keepdims=True), shapes="single", dtypes=_N,
          min_dims=1, differentiable=False, extra={"min_side": 1}),
    _spec("argmin_dim", lambda a: a.argmin(dim=0), lambda a: _np().argmin(a, axis=0),
          shapes="single", dtypes=_N, min_dims=1, differentiable=False, extra={"min_side": 1}),
    _spec("all", lambda a: a.all(), lambda a: _np().all(a), shapes="single",
          dtypes=("bool",) + _N, differentiable=False),
    _spec("any_dim", lambda a: a.any(dim=-1), lambda a: _np().any(a, axis=-1),
          shapes="single", dtypes=("bool",) + _N, min_dims=1, differentiable=False),
    _spec("logsumexp", lambda a: a.logsumexp(), lambda a: _lse(a), shapes="single",
          extra={"min_side": 1}, functions=("LogSumExp",)),
    _spec("logsumexp_dim", lambda a: a.logsumexp(dim=-1, keepdim=True),
          lambda a: _lse(a, -1, True), shapes="single", min_dims=1, extra={"min_side": 1},
          functions=("LogSumExp",)),
    _spec("softmax", lambda a: a.softmax(-1),
          lambda a: _np().exp(a - _lse(a, -1, True)), shapes="single", min_dims=1,
          extra={"min_side": 1}, functions=("LogSumExp", "Sub", "Exp")),
    # nn.functional's softmax is its own Function (nn/ops/activation.py), not the one above
    _spec("nn_softmax", lambda a: _F().softmax(a, -1),
          lambda a: _np().exp(a - _lse(a, -1, True)), shapes="single", min_dims=1,
          extra={"min_side": 1}, functions=("Softmax",)),
    _spec("log_softmax", lambda a: a.log_softmax(0), lambda a: a - _lse(a, 0, True),
          shapes="single", min_dims=1, extra={"min_side": 1}, functions=("LogSumExp", "Sub")),

    # ---- shape ops ----------------------------------------------------------------------------
    _spec("reshape", lambda a: a.reshape(1, -1), lambda a: a.reshape(1, -1), shapes="single",
          dtypes=_N, functions=("Reshape",)),
    _spec("view_reversed", lambda a: a.view(a.shape[::-1]), lambda a: a.reshape(a.shape[::-1]),
          shapes="single", dtypes=_N, functions=("Reshape",)),
    _spec("flatten", lambda a: a.flatten(), lambda a: a.reshape(-1), shapes="single",
          dtypes=_N, functions=("Reshape",)),
    _spec("permute", lambda a: a.permute(*reversed(range(a.ndim))),
          lambda a: _np().transpose(a), shapes="single", dtypes=_N, min_dims=2,
          functions=("Permute",)),
    _spec("transpose", lambda a: a.transpose(0, -1), lambda a: _np().swapaxes(a, 0, -1),
          shapes="single", dtypes=_N, min_dims=1, functions=("Permute",)),
    _spec("t", lambda a: a.flatten(1).t() if a.ndim > 2 else a.t(), lambda a: _as_2d(a).T,
          shapes="single", dtypes=_N, functions=("Permute",)),
    _spec("movedim", lambda a: a.movedim(0, -1), lambda a: _np().moveaxis(a, 0, -1),
          shapes="single", dtypes=_N, min_dims=1, functions=("Permute",)),
    _spec("squeeze", lambda a: a.squeeze(), lambda a: _np().squeeze(a), shapes="single",
          dtypes=_N, functions=("Reshape",)),
    _spec("squeeze_dim", lambda a: a.squeeze(0), lambda a: a[0] if a.shape[0] == 1 else a,
          shapes="single", dtypes=_N, min_dims=1, functions=("Reshape",)),
    _spec("unsqueeze", lambda a: a.unsqueeze(-1), lambda a: _np().expand_dims(a, -1),
          shapes="single", dtypes=_N, functions=("Reshape",)),
    _spec("expand", lambda a: a.expand(2, *[-1] * a.ndim),
          lambda a: _np().broadcast_to(a, (2,) + a.shape), shapes="single", dtypes=_N,
          functions=("BroadcastTo",)),
    _spec("broadcast_to", lambda a: _tt().broadcast_to(a, tuple(3 if n == 1 else n
                                                                for n in a.shape)),
          lambda a: _np().broadcast_to(a, tuple(3 if n == 1 else n for n in a.shape)),
          shapes="single", dtypes=_N, functions=("BroadcastTo",)),
    _spec("cat", lambda a, b: _tt().cat([a, b, a], dim=0),
          lambda a, b: _np().concatenate([a, b, a], axis=0), arity=2, shapes="same",
          dtypes=_N, min_dims=1, functions=("Concat",)),
    _spec("cat_last", lambda a, b: _tt().concat([a, b], axis=-1),
          lambda a, b: _np().concatenate([a, b], axis=-1), arity=2, shapes="same",
          dtypes=_N, min_dims=1, functions=("Concat",)),
    _spec("stack", lambda a, b: _tt().stack([a, b], dim=-1),
          lambda a, b: _np().stack([a, b], axis=-1), arity=2, shapes="same", dtypes=_N,
          functions=("Concat", "Reshape")),
    _spec("split", lambda a: a.split(2, dim=-1),
          lambda a: tuple(_np().split(a, range(2, a.shape[-1], 2), axis=-1)),
          shapes="single", dtypes=_N, min_dims=1, extra={"min_side": 1},
          functions=("BasicIndex",)),
    _spec("split_sections", lambda a: _tt().split(a, [1, a.shape[0] - 1], 0),
          lambda a: tuple(_np().split(a, [1], axis=0)), shapes="single", dtypes=_N,
          min_dims=1, extra={"min_side": 1}, functions=("BasicIndex",)),
    _spec("chunk", lambda a: a.chunk(2, 0),
          lambda a: tuple(_np().split(a, range(-(-a.shape[0] // 2), a.shape[0],
                                               -(-a.shape[0] // 2)), axis=0)),
          shapes="single", dtypes=_N, min_dims=1, extra={"min_side": 1},
          functions=("BasicIndex",)),
    _spec("unbind", lambda a: a.unbind(0), lambda a: tuple(a[i] for i in range(a.shape[0])),
          shapes="single", dtypes=_N, min_dims=1, extra={"min_side": 1},
          functions=("BasicIndex", "Reshape")),
    _spec("repeat", lambda a: a.repeat(2, *[1, 2, 1][:a.ndim]),
          lambda a: _np().tile(a, (2, *[1, 2, 1][:a.ndim])), shapes="single", dtypes=_N,
          functions=("Tile",)),
    _spec("tile", lambda a: _tt().tile(a, (2,)), lambda a: _np().tile(a, (2,)),
          shapes="single", dtypes=_N, functions=("Tile",)),
    _spec("flip", lambda a: a.flip(-1), lambda a: _np().flip(a, -1), shapes="single",
          dtypes=_N, min_dims=1, functions=("Flip",)),
    _spec("flip_all", lambda a: _tt().flip(a), lambda a: _np().flip(a), shapes="single",
          dtypes=_N, functions=("Flip",)),
    _spec("tril", lambda a: a.tril(), lambda a: _np().tril(a), shapes="single", dtypes=_N,
          min_dims=2, functions=("Where",)),
    _spec("triu_diagonal", lambda a: _tt().triu(a, 1), lambda a: _np().triu(a, 1),
          shapes="single", dtypes=_N, min_dims=2, functions=("Where",)),
    _spec("roll", lambda a: _tt().roll(a, 1, -1), lambda a: _np().roll(a, 1, -1),
          shapes="single", dtypes=_N, min_dims=1, functions=("BasicIndex",)),
    _spec("roll_flat", lambda a: a.roll(2), lambda a: _np().roll(a, 2), shapes="single",
          dtypes=_N, functions=("Reshape",)),
    # the array API's spellings: tril(x, k=), roll(x, shift, axis=)
    _spec("tril_k", lambda a: _tt().tril(a, k=-1), lambda a: _np().tril(a, -1),
          shapes="single", dtypes=_N, min_dims=2, functions=("Where",)),
    _spec("roll_axis", lambda a: _tt().roll(a, (1, -2), axis=(0, -1)),
          lambda a: _np().roll(a, (1, -2), axis=(0, -1)), shapes="single", dtypes=_N,
          min_dims=1, functions=("BasicIndex",)),
    _spec("topk_values", lambda a: _tt().topk(a, 1).values,
          lambda a: _np().flip(_np().sort(a, axis=-1), -1)[..., :1], shapes="single", min_dims=1,
          extra={"min_side": 1, "distinct": True}, functions=("Gather",)),
    _spec("topk_indices_smallest", lambda a: a.topk(1, largest=False).indices,
          lambda a: _np().argsort(a, axis=-1, kind="stable")[..., :1], shapes="single",
          min_dims=1, extra={"min_side": 1, "distinct": True}, differentiable=False),
    _spec("isclose", lambda a, b: _tt().isclose(a, b), lambda a, b: _np().isclose(a, b),
          arity=2, differentiable=False),
    _spec("allclose", lambda a, b: _tt().tensor(_tt().allclose(a, b), device=a.device),
          lambda a, b: _np().asarray(_np().allclose(a, b)), arity=2, differentiable=False),
    _spec("narrow", lambda a: a.narrow(-1, a.shape[-1] // 2, (a.shape[-1] + 1) // 2),
          lambda a: a[..., a.shape[-1] // 2:], shapes="single", dtypes=_N, min_dims=1,
          functions=("BasicIndex",)),

    # ---- indexing -----------------------------------------------------------------------------
    _spec("getitem_basic", lambda a: a[..., None, ::2], lambda a: a[..., None, ::2],
          shapes="single", dtypes=_N, min_dims=1, functions=("BasicIndex",)),
    _spec("getitem_int", lambda a: a[0], lambda a: a[0], shapes="single", dtypes=_N,
          min_dims=1, extra={"min_side": 1}, functions=("BasicIndex",)),
    # 0-d masks: a new axis of size 1 (True) or 0 (False), as the array API says
    _spec("getitem_0d_mask", lambda a: (a[True], a[..., False]),
          lambda a: (a[True], a[..., False]), shapes="single", dtypes=_N,
          functions=("BasicIndex",)),
    _spec("getitem_mixed", lambda a: a[-1, 1:, None], lambda a: a[-1, 1:, None],
          shapes="single", dtypes=_N, min_dims=2, extra={"min_side": 1},
          functions=("BasicIndex",)),
    _spec("getitem_negative_step", lambda a: a[::-1, ::2], lambda a: a[::-1, ::2],
          shapes="single", dtypes=_N, min_dims=2, functions=("BasicIndex",)),
    _spec("getitem_repeated", lambda a: a[_index(_repeated(a.shape[0]), a)],
          lambda a: a[_np().asarray(_repeated(a.shape[0]))], shapes="single", dtypes=_N,
          min_dims=1, extra={"min_side": 1}, functions=("Take",)),
    _spec("getitem_tensor_after_slice",
          lambda a: a[1:, _index(_repeated(a.shape[1]), a)],
          lambda a: a[1:, _np().asarray(_repeated(a.shape[1]))], shapes="single", dtypes=_N,
          min_dims=2, extra={"min_side": 1}, functions=("BasicIndex", "Take")),
    _spec("getitem_mask", lambda a: a[a > 0], lambda a: a[a > 0], shapes="single",
          min_dims=1, extra={"kinks": (0.0,)}, functions=("Take", "Permute", "Reshape")),
    _spec("getitem_two_tensors",
          lambda a: a[_index(_repeated(a.shape[0]), a), _index([0, 0, -1, 0], a)],
          lambda a: a[_np().asarray(_repeated(a.shape[0])), _np().asarray([0, 0, -1, 0])],
          shapes="single", dtypes=_N, min_dims=2, extra={"min_side": 1},
          functions=("Take", "Reshape")),
    _spec("getitem_split_tensors",
          lambda a: a[_index([0, -1], a), :, _index([-1, 0], a)],
          lambda a: a[_np().asarray([0, -1]), :, _np().asarray([-1, 0])], shapes="single",
          dtypes=_N, min_dims=3, extra={"min_side": 1}, functions=("Take", "Permute")),
    _spec("setitem_int", lambda a, v: _set(a, 0, v[0]), lambda a, v: _np_set(a, 0, v[0]),
          arity=2, shapes="same", min_dims=1, extra={"min_side": 1},
          functions=("Clone", "SetBasic", "BasicIndex")),
    _spec("setitem_slice_broadcast", lambda a, v: _set(a, (..., slice(None, None, 2)), v.sum()),
          lambda a, v: _np_set(a, (..., slice(None, None, 2)), v.sum()), arity=2,
          shapes="same", min_dims=1, functions=("Clone", "SetBasic", "Sum")),
    _spec("setitem_index",
          lambda a, v: _set(a, _index(_first_two_reversed(a.shape[0]), a),
                            v[:len(_first_two_reversed(a.shape[0]))]),
          lambda a, v: _np_set(a, _np().asarray(_first_two_reversed(a.shape[0])),
                               v[:len(_first_two_reversed(a.shape[0]))]),
          arity=2, shapes="same", min_dims=1, extra={"min_side": 1},
          functions=("Clone", "SetFlat")),
    _spec("setitem_mask", lambda a, v: _set(a, a > 0, v[a > 0]),
          lambda a, v: _np_set(a, a > 0, v[a > 0]), arity=2, shapes="same", min_dims=1,
          extra={"kinks": (0.0,)}, functions=("Clone", "SetFlat", "Take")),
    _spec("setitem_scalar", lambda a: _set(a, (..., 0), 5.0),
          lambda a: _np_set(a, (..., 0), 5.0), shapes="single", min_dims=1,
          extra={"min_side": 1}, functions=("Clone", "SetBasic")),
    _spec("gather", lambda a: a.gather(-1, _gather_index(a)),
          lambda a: _np().take_along_axis(a, _gather_index_np(a), axis=-1), shapes="single",
          dtypes=_N, min_dims=1, extra={"min_side": 1}, functions=("Gather",)),
    _spec("take", lambda a: _tt().take(a, _index(_repeated(a.numel()), a)),
          lambda a: _np().take(a, _repeated(a.size)), shapes="single", dtypes=_N,
          extra={"min_side": 1}, functions=("Take", "Reshape")),
    _spec("nonzero", lambda a: a.nonzero(), lambda a: _np().argwhere(a), shapes="single",
          dtypes=_N, min_dims=1, differentiable=False),

    # ---- matmul -------------------------------------------------------------------------------
    _spec("matvec", lambda a, b: a @ b, lambda a, b: a @ b, arity=2, shapes="matvec",
          functions=("Matmul", "Reshape")),
    _spec("vecmat", lambda a, b: _tt().matmul(a, b), lambda a, b: a @ b, arity=2,
          shapes="vecmat", functions=("Matmul", "Reshape")),
    _spec("mm", lambda a, b: _tt().mm(a, b), lambda a, b: a @ b, arity=2, shapes="mm",
          functions=("Matmul",)),
    _spec("bmm", lambda a, b: _tt().bmm(a, b), lambda a, b: a @ b, arity=2, shapes="bmm",
          functions=("Matmul",)),
    _spec("dot", lambda a, b: _tt().dot(a, b), lambda a, b: _np().dot(a, b), arity=2,
          shapes="dot", functions=("Matmul", "Reshape")),
    _spec("outer", lambda a, b: _tt().outer(a.reshape(-1), b.reshape(-1)),
          lambda a, b: _np().outer(a, b), arity=2, functions=("Mul", "Reshape")),

    # ---- casts, devices, clone ----------------------------------------------------------------
    _spec("to_float32", lambda a: a.to("float32"), lambda a: a.astype("float32"),
          shapes="single", dtypes=("float64",), extra={"gradcheck": {"eps": 1e-2}},
          functions=("Cast",)),
    _spec("astype_float64", lambda a: a.astype("float64"), lambda a: a.astype("float64"),
          shapes="single", dtypes=("float32",), extra={"gradcheck": {"eps": 1e-2}},
          functions=("Cast",)),
    _spec("cast_roundtrip", lambda a: _tt().cast(_tt().cast(a, "float32"), "float64") * a,
          lambda a: a.astype("float32").astype("float64") * a, shapes="single",
          extra={"gradcheck": {"eps": 1e-2, "rtol": 1e-3, "atol": 1e-4}},
          functions=("Cast", "Mul")),
    _spec("to_int64", lambda a: a.to("int64"), lambda a: a.astype("int64"), shapes="single",
          dtypes=_N, differentiable=False),
    _spec("to_device", lambda a: _round_trip(a) * 2, lambda a: a * 2, shapes="single",
          dtypes=_N, functions=("ToDevice", "Mul")),
    _spec("to_device_strict", _strict_hop, lambda a: a, shapes="single", dtypes=_N,
          functions=("ToDevice",)),
    _spec("clone", lambda a: a.clone(), lambda a: a.copy(), shapes="single", dtypes=_N,
          functions=("Clone",)),
    # ---- nn: fused Functions of tinytorch.nn (each docstring names its composition) -----------
    _spec("softmax_fused", lambda a: _F().softmax(a, -1),
          lambda a: _np().exp(_np_log_softmax(a)), shapes="single", min_dims=1,
          extra={"min_side": 1}, functions=("Softmax",)),
    _spec("log_softmax_fused", lambda a: a.log_softmax(-1), _np_log_softmax, shapes="single",
          min_dims=1, extra={"min_side": 1}, functions=("LogSoftmax",)),
    _spec("gelu", lambda a: _F().gelu(a), lambda a: a * 0.5 * (1 + _np_erf(a / math.sqrt(2))),
          shapes="single", functions=("Gelu",)),
    _spec("gelu_tanh", lambda a: _F().gelu(a, approximate="tanh"),
          lambda a: 0.5 * a * (1 + _np().tanh(math.sqrt(2 / math.pi) * (a + 0.044715 * a**3))),
          shapes="single", functions=("GeluTanh",)),
    _spec("erf", lambda a: _F().erf(a), _np_erf, shapes="single", functions=("Erf",)),
    _spec("erfc", lambda a: _tt().erfc(a), _np_erfc, shapes="single", functions=("Erfc",)),
    # the gamma family (ops/gamma.py), erfinv and i0: SciPy, NumPy and math as references
    _spec("lgamma", lambda a: a.lgamma(), _np_lgamma, shapes="single", extra=_GAMMA_POLES,
          functions=("Lgamma",)),
    _spec("digamma", lambda a: _tt().digamma(a), lambda a: _sp().digamma(a).astype(a.dtype),
          shapes="single", extra=_GAMMA_POLES, functions=("Digamma",)),
    _spec("polygamma_1", lambda a: _tt().polygamma(1, a), lambda a: _np_polygamma(1, a),
          shapes="single", extra={**_GAMMA_POLES, "margin": 0.1}, functions=("Polygamma",)),
    _spec("polygamma_3", lambda a: a.polygamma(3), lambda a: _np_polygamma(3, a),
          shapes="single", low=0.5, high=6.0, functions=("Polygamma",)),
    _spec("mvlgamma", lambda a: _tt().mvlgamma(a, 3), lambda a: _np_mvlgamma(a, 3),
          shapes="single", low=1.05, high=6.0, functions=("Lgamma", "Add")),
    _spec("erfinv", lambda a: a.erfinv(), lambda a: _sp().erfinv(a).astype(a.dtype),
          shapes="single", low=-0.95, high=0.95, functions=("Erfinv",)),
    _spec("i0", lambda a: _tt().i0(a), _np_i0, shapes="single", low=-8.0, high=8.0,
          functions=("I0",)),
    _spec("i1", lambda a: _tt().ops.bessel.i1(a), _np_i1,
          shapes="single", low=-8.0, high=8.0, functions=("I1",)),
    _spec("linear", _linear, _np_linear, shapes="single", min_dims=2, extra={"min_side": 1},
          functions=("Linear",)),
    _spec("conv2d_stride2", _conv2d, _np_conv2d, arity=2, shapes="image",
          extra={"gradcheck": {"rtol": 1e-3, "atol": 1e-4}}, functions=("Conv2d",)),
    _spec("max_pool2d_overlapping", lambda a: _F().max_pool2d(a, 3, stride=2),
          lambda a: _np_windows(a, 3, 2).max(axis=(4, 5)), shapes="image",
          extra={"distinct": True}, functions=("MaxPool2d",)),
    _spec("avg_pool2d_overlapping", lambda a: _F().avg_pool2d(a, 3, stride=2, padding=1),
          lambda a: _np_windows(a, 3, 2, padding=1).mean(axis=(4, 5)), shapes="image",
          functions=("AvgPool2d",)),
    _spec("conv1d", _conv1d, _np_conv1d, arity=2, shapes="image",
          extra={"gradcheck": {"rtol": 1e-3, "atol": 1e-4}},
          functions=("Conv2d", "Reshape", "BasicIndex")),
    _spec("conv_transpose2d", _conv_transpose2d, _np_conv_transpose2d, arity=2, shapes="image",
          extra={"gradcheck": {"rtol": 1e-3, "atol": 1e-4}},
          functions=("Fold", "Matmul", "Reshape", "Permute")),
    _spec("conv_transpose1d", _conv_transpose1d, _np_conv_transpose1d, arity=2,
          shapes="image", extra={"gradcheck": {"rtol": 1e-3, "atol": 1e-4}},
          functions=("Fold", "Matmul", "Reshape")),
    _spec("max_pool1d", lambda a: _F().max_pool1d(_signals(a), 3, 2, 1),
          lambda a: _np_pool1d(a, lambda w: w.max(axis=-1), -math.inf), shapes="image",
          extra={"distinct": True}, functions=("MaxPool2d",)),
    _spec("avg_pool1d", lambda a: _F().avg_pool1d(_signals(a), 3, 2, 1, count_include_pad=False),
          _np_avg_pool1d_excluding_pad, shapes="image", functions=("AvgPool2d",)),
    _spec("adaptive_avg_pool2d", lambda a: _F().adaptive_avg_pool2d(a, (4, 3)),
          lambda a: _np_adaptive(a, (4, 3), _np().mean), shapes="image",
          functions=("Take", "Where", "Sum", "Div")),
    _spec("adaptive_max_pool2d", lambda a: _F().adaptive_max_pool2d(a, (4, 3)),
          lambda a: _np_adaptive(a, (4, 3), _np().max), shapes="image",
          extra={"distinct": True}, functions=("Take", "Gather")),
    _spec("adaptive_avg_pool1d", lambda a: _F().adaptive_avg_pool1d(_signals(a), 7),
          lambda a: _np_adaptive(_signals(a)[:, :, None], (1, 7), _np().mean)[:, :, 0],
          shapes="image", functions=("Take", "Where", "Sum")),
    _spec("adaptive_max_pool1d", lambda a: _F().adaptive_max_pool1d(_signals(a), 7),
          lambda a: _np_adaptive(_signals(a)[:, :, None], (1, 7), _np().max)[:, :, 0],
          shapes="image", extra={"distinct": True}, functions=("Take", "Gather")),
    _spec("interpolate_nearest", lambda a: _F().interpolate(a, scale_factor=1.5),
          lambda a: _np_nearest(a, 1.5), shapes="image", functions=("Take",)),
    _spec("interpolate_bilinear", lambda a: _F().interpolate(a, (7, 4), mode="bilinear"),
          lambda a: _np_resize(a, (7, 4), False), shapes="image", functions=("Take", "Mul")),
    _spec("interpolate_bilinear_align_corners",
          lambda a: _F().interpolate(a, scale_factor=(1.5, 0.6), mode="bilinear",
                                     align_corners=True),
          lambda a: _np_resize(a, (math.floor(a.shape[2] * 1.5), math.floor(a.shape[3] * 0.6)),
                               True), shapes="image", functions=("Take", "Mul")),
    _spec("interpolate_linear",
          lambda a: _F().interpolate(_signals(a), scale_factor=0.7, mode="linear"),
          lambda a: _np_linear_along(_signals(a), 2, math.floor(a.shape[2] * a.shape[3] * 0.7),
                                     False, 1 / 0.7),
          shapes="image", functions=("Take", "Mul")),
    _spec("unfold", _unfold, _np_unfold, shapes="image", functions=("Unfold",)),
    _spec("fold", _fold, _np_fold, shapes="image", functions=("Fold", "Reshape")),
    _spec("tensor_unfold", lambda a: a.unfold(-1, _unfold_size(a), 1), _np_tensor_unfold,
          shapes="single", min_dims=1, extra={"min_side": 1}, functions=("Take",)),
    _spec("batch_norm", lambda a: _F().batch_norm(a, None, None, training=True),
          lambda a: _np_normalize(a, (0, 2, 3)), shapes="image", functions=("Normalize",)),
    # spread by 7 per position along the normalised axis: two nearly equal values would make
    # the variance tiny and float32 gradients meaninglessly ill-conditioned
    _spec("layer_norm", lambda a: _F().layer_norm(_spread(a), a.shape[-1:]),
          lambda a: _np_normalize(a + 7.0 * _np().arange(a.shape[-1]), -1), shapes="single",
          min_dims=1,
          extra={"min_side": 2}, functions=("Normalize",)),
    _spec("cross_entropy", lambda a: _F().cross_entropy(_rows(a), _class_targets(_rows(a))),
          lambda a: _np_nll(_np_log_softmax(_rows(a))), shapes="single", min_dims=2,
          extra={"min_side": 1}, functions=("NllLoss", "Reshape")),
    _spec("nll_loss", lambda a: _F().nll_loss(_rows(a).log_softmax(-1), _class_targets(_rows(a))),
          lambda a: _np_nll(_np_log_softmax(_rows(a))), shapes="single", min_dims=2,
          extra={"min_side": 1}, functions=("NllLoss", "LogSoftmax", "Reshape")),
    _spec("embedding", lambda a: _F().embedding(_index(_repeated(a.shape[0])[:3], a), _rows(a)),
          lambda a: _rows(a)[_np().asarray(_repeated(a.shape[0])[:3])], shapes="single", min_dims=2,
          extra={"min_side": 1}, functions=("Embedding",)),
    _spec("dropout", _dropout, _np_dropout, shapes="single", functions=("Dropout",)),
    _spec("binary_cross_entropy_with_logits",
          lambda a: _F().binary_cross_entropy_with_logits(a, (a.detach() > 0).to(a.dtype)),
          lambda a: _np_bce(_np_sigmoid(a), (a > 0).astype(a.dtype)), shapes="single",
          extra={"kinks": (0.0,), "min_side": 1}, functions=("BinaryCrossEntropyWithLogits",)),
    _spec("binary_cross_entropy",
          lambda a: _F().binary_cross_entropy(a.sigmoid(), (a.detach() > 0).to(a.dtype)),
          lambda a: _np_bce(_np_sigmoid(a), (a > 0).astype(a.dtype)), shapes="single",
          extra={"kinks": (0.0,), "min_side": 1},
          functions=("BinaryCrossEntropy", "Sigmoid")),
    # ---- nn: activations and losses composed of the ops above (nn/functional.py) -------------
    _spec("threshold", lambda a: _F().threshold(a, 0.5, -2.0),
          lambda a: _np().where(a <= 0.5, -2.0, a), shapes="single", extra={"kinks": (0.5,)},
          functions=("Where",)),
    _spec("hardtanh", lambda a: _F().hardtanh(a), lambda a: _np().clip(a, -1, 1),
          shapes="single", extra={"kinks": (-1.0, 1.0)}, functions=("Where",)),
    _spec("relu6", lambda a: _F().relu6(a), lambda a: _np().clip(a, 0, 6), shapes="single",
          low=-3.0, high=8.0, extra={"kinks": (0.0, 6.0)}, functions=("Where",)),
    _spec("elu", lambda a: _F().elu(a, 1.5), lambda a: _np_elu(a, 1.5), shapes="single",
          extra={"kinks": (0.0,)}, functions=("Where", "Clamp", "Elementwise", "Mul")),
    _spec("selu", lambda a: _F().selu(a), lambda a: _SELU[1] * _np_elu(a, _SELU[0]),
          shapes="single", extra={"kinks": (0.0,)},
          functions=("Where", "Clamp", "Elementwise", "Mul")),
    _spec("celu", lambda a: _F().celu(a, 2.0), lambda a: _np_elu(a / 2.0, 1.0) * 2.0,
          shapes="single", functions=("Where", "Clamp", "Div", "Elementwise", "Mul")),
    _spec("softplus", lambda a: _F().softplus(a, 2.0, 3.0), lambda a: _np_softplus(a, 2.0, 3.0),
          shapes="single", extra={"kinks": (1.5,)},
          functions=("Where", "Clamp", "Elementwise2", "Mul", "Div")),
    _spec("logsigmoid", lambda a: _F().logsigmoid(a), lambda a: -_np().logaddexp(0, -a),
          shapes="single", functions=("Elementwise2", "Neg")),
    _spec("hardsigmoid", lambda a: _F().hardsigmoid(a), _np_hardsigmoid, shapes="single",
          low=-5.0, high=5.0, extra={"kinks": (-3.0, 3.0)}, functions=("Where", "Add", "Div")),
    _spec("hardswish", lambda a: _F().hardswish(a), lambda a: a * _np_hardsigmoid(a),
          shapes="single", low=-5.0, high=5.0, extra={"kinks": (-3.0, 3.0)},
          functions=("Where", "Add", "Div", "Mul")),
    _spec("mish", lambda a: _F().mish(a), lambda a: a * _np().tanh(_np_softplus(a)),
          shapes="single", functions=("Where", "Elementwise2", "Tanh", "Mul")),
    _spec("softsign", lambda a: _F().softsign(a), lambda a: a / (1 + _np().abs(a)),
          shapes="single", functions=("Abs", "Add", "Div")),
    _spec("tanhshrink", lambda a: _F().tanhshrink(a), lambda a: a - _np().tanh(a),
          shapes="single", functions=("Sub", "Tanh")),
    _spec("softshrink", lambda a: _F().softshrink(a),
          lambda a: _np().where(a > 0.5, a - 0.5, _np().where(a < -0.5, a + 0.5, a * 0)),
          shapes="single", extra={"kinks": (-0.5, 0.5)},
          functions=("Where", "Add", "Sub", "Mul")),
    _spec("hardshrink", lambda a: _F().hardshrink(a),
          lambda a: _np().where(_np().abs(a) > 0.5, a, a * 0), shapes="single",
          extra={"kinks": (-0.5, 0.5)}, functions=("Where", "Mul")),
    _spec("glu", lambda a: _F().glu(_tt().cat([a, a * 2.0], -1)),
          lambda a: a * _np_sigmoid(2.0 * a), shapes="single", min_dims=1,
          extra={"min_side": 1}, functions=("Concat", "BasicIndex", "Sigmoid", "Mul")),
    _spec("softmin", lambda a: _F().softmin(a, -1), lambda a: _np().exp(-a - _lse(-a, -1, True)),
          shapes="single", min_dims=1, extra={"min_side": 1}, functions=("Neg", "Softmax")),
    _spec("prelu", lambda a: _F().prelu(a, _prelu_slopes(a)), _np_prelu, shapes="single",
          extra={"kinks": (0.0,), "min_side": 1},
          functions=("Where", "Mul", "Add", "Reshape", "BasicIndex")),
    # the losses with reduction="none", so every element is compared (reductions: unit tests)
    _spec("kl_div", lambda a, b: _F().kl_div(a, b.sigmoid(), reduction="none"),
          lambda a, b: _np_xlogx(_np_sigmoid(b)) - _np_sigmoid(b) * a, arity=2, shapes="same",
          functions=("Sigmoid", "Log", "Where", "Mul", "Sub")),
    _spec("kl_div_log_target",
          lambda a, b: _F().kl_div(a, b, reduction="none", log_target=True),
          lambda a, b: _np().exp(b) * (b - a), arity=2, shapes="same",
          functions=("Exp", "Sub", "Mul")),
    _spec("smooth_l1_loss", lambda a, b: _F().smooth_l1_loss(a, b, reduction="none", beta=0.5),
          lambda a, b: _np().where(_np().abs(a - b) < 0.5, (a - b) ** 2, _np().abs(a - b) - 0.25),
          arity=2, shapes="same", functions=("Abs", "Sub", "Mul", "Div", "Where")),
    _spec("huber_loss", lambda a, b: _F().huber_loss(a, b, "none", 0.5),
          lambda a, b: _np().where(_np().abs(a - b) < 0.5, 0.5 * (a - b) ** 2,
                                   0.5 * (_np().abs(a - b) - 0.25)),
          arity=2, shapes="same", functions=("Abs", "Sub", "Mul", "Where")),
    _spec("soft_margin_loss", lambda a, b: _F().soft_margin_loss(a, b, reduction="none"),
          lambda a, b: _np().logaddexp(0, -b * a), arity=2, shapes="same",
          functions=("Neg", "Mul", "Elementwise2")),
    _spec("margin_ranking_loss",
          lambda a, b: _F().margin_ranking_loss(a, b, _signs(a), 0.2, reduction="none"),
          lambda a, b: _np().maximum(0.2 - _np_signs(a) * (a - b), 0), arity=2, shapes="same",
          extra={"valid": lambda a, b: bool(_np().all(
              _np().abs(0.2 - _np_signs(a) * (a - b)) > MARGIN))},
          functions=("Sub", "Mul", "Clamp")),
    _spec("hinge_embedding_loss",
          lambda a: _F().hinge_embedding_loss(a, _signs(a), 1.0, reduction="none"),
          lambda a: _np().where(_np_signs(a) == 1, a, _np().maximum(1.0 - a, 0)),
          shapes="single", extra={"kinks": (1.0,)}, functions=("Sub", "Clamp", "Where", "Add")),
    _spec("cosine_embedding_loss",
          lambda a, b: _F().cosine_embedding_loss(_rows(a), _rows(b), _signs(_rows(a)[:, 0]), 0.1,
                                                  reduction="none"),
          lambda a, b: _np_cosine_embedding(a, b)[0], arity=2, shapes="same", min_dims=2,
          extra={"min_side": 1, "kinks": (0.0,), "margin": 0.1,
                 "valid": lambda a, b: bool(_np().all(
                     _np().abs(_np_cosine_embedding(a, b)[1]) > MARGIN))},
          functions=("Mul", "Sum", "Add", "Sqrt", "Div", "Sub", "Clamp", "Where")),
    _spec("triplet_margin_loss",
          lambda a, p, n: _F().triplet_margin_loss(_rows(a), _rows(p), _rows(n),
                                                   reduction="none"),
          lambda a, p, n: _np_triplet(a, p, n)[0], arity=3, shapes="same", min_dims=2,
          extra={"min_side": 1, "distinct": True,
                 "valid": lambda a, p, n: bool(_np().all(_np().abs(_np_triplet(a, p, n)[1])
                                                         > MARGIN))},
          functions=("Sub", "Add", "Sum", "Sqrt", "Clamp")),
    _spec("multilabel_soft_margin_loss",
          lambda a, b: _F().multilabel_soft_margin_loss(a, b.sigmoid(), reduction="none"),
          lambda a, b: (_np_sigmoid(b) * _np().logaddexp(0, -a) + (1 - _np_sigmoid(b))
                        * _np().logaddexp(0, a)).mean(-1),
          arity=2, shapes="same", min_dims=1, extra={"min_side": 1},
          functions=("Sigmoid", "Neg", "Elementwise2", "Mul", "Add", "Sum", "Div")),
    _spec("poisson_nll_loss",
          lambda a, b: _F().poisson_nll_loss(a, b * b * 2.0, full=True, reduction="none"),
          lambda a, b: _np_poisson_full(a, b * b * 2.0), arity=2, shapes="same",
          extra={"kinks": (-0.5 ** 0.5, 0.5 ** 0.5)},
          functions=("Exp", "Mul", "Sub", "Clamp", "Log", "Add", "Where")),
    _spec("gaussian_nll_loss",
          lambda a, b: _F().gaussian_nll_loss(a, b, b * b + 0.1, full=True, reduction="none"),
          lambda a, b: 0.5 * (_np().log(b * b + 0.1) + (a - b) ** 2 / (b * b + 0.1)
                              + math.log(2 * math.pi)),
          arity=2, shapes="same", functions=("Mul", "Add", "Log", "Sub", "Pow", "Div")),
    _spec("embedding_bag_mean", _embedding_bag_mean, _np_embedding_bag_mean, shapes="single",
          min_dims=2, extra={"min_side": 1},
          functions=("Embedding", "Where", "Sum", "Div", "Reshape")),
    _spec("embedding_bag_max", _embedding_bag_max, _np_embedding_bag_max, shapes="single",
          min_dims=2, extra={"min_side": 1, "distinct": True},
          functions=("Embedding", "Where", "Gather", "Reshape")),

    # ---- the rest of the array API's elementwise functions (ops/math.py) ----------------------
    *[_spec(name, (lambda n: lambda a: getattr(_tt(), n)(a))(name),
            (lambda r: lambda a: getattr(_np(), r)(a))(ref), shapes="single", low=low,
            high=high, functions=("Elementwise",))
      for name, ref, low, high in [
          ("asin", "arcsin", -0.9, 0.9), ("acos", "arccos", -0.9, 0.9),
          ("atan", "arctan", -3.0, 3.0), ("asinh", "arcsinh", -3.0, 3.0),
          ("acosh", "arccosh", 1.1, 3.0), ("atanh", "arctanh", -0.9, 0.9),
          ("sinh", "sinh", -3.0, 3.0), ("cosh", "cosh", -3.0, 3.0), ("tan", "tan", -1.2, 1.2),
          ("expm1", "expm1", -3.0, 3.0), ("log2", "log2", 0.1, 3.0),
          ("log10", "log10", 0.1, 3.0)]],
    _spec("ceil", lambda a: _tt().ceil(a), lambda a: _np().ceil(a), shapes="single",
          extra={"kinks": _I}, functions=("ZeroGrad",)),
    _spec("trunc", lambda a: _tt().trunc(a), lambda a: _np().trunc(a), shapes="single",
          extra={"kinks": _I}, functions=("ZeroGrad",)),
    _spec("signbit", lambda a: _tt().signbit(a), lambda a: _np().signbit(a), shapes="single",
          differentiable=False),
    _spec("positive", lambda a: _tt().positive(a), lambda a: +a, shapes="single", dtypes=SIGNED),
    *[_spec(name, (lambda n: lambda a, b: getattr(_tt(), n)(a, b))(name),
            (lambda r: lambda a, b: getattr(_np(), r)(a, b))(ref), arity=2,
            extra={"kinks": (0.0,), "margin": 0.05}, functions=("Elementwise2",))
      for name, ref in [("atan2", "arctan2"), ("hypot", "hypot"), ("logaddexp", "logaddexp"),
                        ("copysign", "copysign")]],
    _spec("nextafter", lambda a, b: _tt().nextafter(a, b), lambda a, b: _np().nextafter(a, b),
          arity=2, differentiable=False),
    *[_spec(name, (lambda n: lambda a, b: getattr(_tt(), n)(a, b))(name),
            (lambda r: lambda a, b: getattr(_np(), r)(a, b))(ref), arity=2,
            dtypes=("int8", "int16", "int32", "int64", "uint8"), low=0.0, high=7.0,
            differentiable=False)
      for name, ref in [("bitwise_left_shift", "left_shift"),
                        ("bitwise_right_shift", "right_shift")]],
    # complex parts, on complex tensors built from real ones (so gradients cross Cast too)
    _spec("real", lambda a: _tt().real(a * (1 + 2j)), lambda a: (a * (1 + 2j)).real,
          shapes="single",
          functions=("Real", "Mul", "Cast")),
    _spec("imag", lambda a: _tt().imag(a * (1 + 2j)), lambda a: (a * (1 + 2j)).imag,
          shapes="single",
          functions=("Imag", "Mul", "Cast")),
    _spec("conj", lambda a: _tt().imag(_tt().conj(a * (1 + 2j)) * a),
          lambda a: (_np().conj(a * (1 + 2j)) * a).imag, shapes="single",
          functions=("Conj", "Imag", "Mul")),
    _spec("angle", lambda a, b: _tt().angle(a + b * 1j), lambda a, b: _np().angle(a + b * 1j),
          arity=2, extra={"kinks": (0.0,), "margin": 0.05},
          functions=("Real", "Imag", "Elementwise2")),
    _spec("isreal", lambda a: _tt().isreal(a), lambda a: _np().isreal(a), shapes="single",
          dtypes=_N, differentiable=False),

    # ---- sorting, searching, sets (ops/sorting.py) --------------------------------------------
    _spec("sort", lambda a: _tt().sort(a), lambda a: _np().sort(a, axis=-1), shapes="single",
          min_dims=1, extra={"distinct": True}, functions=("Gather",)),
    # descending puts NaN first, as PyTorch does (NaN counts as the largest value)
    _spec("sort_descending_dim", lambda a: _tt().sort(a, dim=0, descending=True).values,
          lambda a: _np().flip(_np().sort(a, axis=0), axis=0),
          shapes="single", min_dims=1, extra={"distinct": True}, functions=("Gather",)),
    _spec("argsort", lambda a: _tt().argsort(a, axis=0, stable=True),
          lambda a: _np().argsort(a, axis=0, kind="stable"), shapes="single", dtypes=_N,
          min_dims=1, differentiable=False),
    _spec("searchsorted", lambda a, b: _tt().searchsorted(_tt().sort(a.reshape(-1)), b),
          lambda a, b: _np().searchsorted(_np().sort(a.reshape(-1)), b), arity=2,
          dtypes=_N, differentiable=False),
    *[_spec(name, (lambda n: lambda a: _as_tuple(getattr(_tt(), n)(a)))(name),
            (lambda p: lambda a: _np_unique(a, p))(parts), shapes="single", dtypes=_N,
            differentiable=False)
      for name, parts in [("unique_all", (0, 1, 2, 3)), ("unique_counts", (0, 3)),
                          ("unique_inverse", (0, 2)), ("unique_values", 0)]],
    _spec("unique", lambda a: _tt().unique(a, return_inverse=True, return_counts=True),
          lambda a: _np_unique(a, (0, 2, 3)), shapes="single", dtypes=_N,
          differentiable=False),
    _spec("isin", lambda a, b: _tt().isin(a, b), lambda a, b: _np().isin(a, b), arity=2,
          dtypes=_N, low=-3.0, high=3.0, differentiable=False),

    # ---- manipulation, scans and products (ops/manipulation.py) -------------------------------
    _spec("take_along_axis", lambda a: _tt().take_along_axis(a, _gather_index(a), axis=-1),
          lambda a: _np().take_along_axis(a, _gather_index_np(a), axis=-1), shapes="single",
          dtypes=_N, min_dims=1, extra={"min_side": 1}, functions=("Gather",)),
    _spec("meshgrid", lambda a, b: tuple(_tt().meshgrid(a.reshape(-1), b.reshape(-1))),
          lambda a, b: tuple(_np().meshgrid(a.reshape(-1), b.reshape(-1))), arity=2,
          dtypes=_N, functions=("Reshape", "BroadcastTo")),
    _spec("broadcast_arrays", lambda a, b: tuple(_tt().broadcast_arrays(a, b)),
          lambda a, b: tuple(_np().broadcast_arrays(a, b)), arity=2, dtypes=_N,
          functions=("BroadcastTo",)),
    _spec("unstack", lambda a: _tt().unstack(a, axis=-1),
          lambda a: tuple(_np().moveaxis(a, -1, 0)), shapes="single", dtypes=_N, min_dims=1,
          extra={"min_side": 1}, functions=("BasicIndex", "Reshape")),
    _spec("cumulative_sum", lambda a: _tt().cumulative_sum(a, axis=-1),
          lambda a: _np().cumsum(a, axis=-1), shapes="single", dtypes=SIGNED, min_dims=1,
          functions=("CumulativeSum",)),
    _spec("cumulative_prod", lambda a: _tt().cumulative_prod(a, axis=0, include_initial=True),
          lambda a: _np().concatenate([_np().ones((1, *a.shape[1:]), a.dtype),
                                       _np().cumprod(a, axis=0)]),
          shapes="single", min_dims=1, low=-2.0, high=2.0, extra=_AWAY_FROM_ZERO,
          functions=("CumulativeProd", "Concat")),
    _spec("diff", lambda a: _tt().diff(a, axis=-1, n=2), lambda a: _np().diff(a, n=2, axis=-1),
          shapes="single", dtypes=SIGNED, min_dims=1, functions=("BasicIndex", "Sub")),
    _spec("count_nonzero", lambda a: _tt().count_nonzero(a, axis=-1),
          lambda a: _np().count_nonzero(a, axis=-1), shapes="single", dtypes=_N, min_dims=1,
          differentiable=False),
    _spec("vecdot", lambda a, b: _tt().vecdot(a, b), lambda a, b: (a * b).sum(-1), arity=2,
          shapes="same", min_dims=1, functions=("Mul", "Sum")),
    _spec("tensordot", lambda a, b: _tt().tensordot(a, b, axes=1),
          lambda a, b: _np().tensordot(a, b, axes=1), arity=2, shapes="dot",
          functions=("Matmul", "Reshape")),
    _spec("matrix_transpose", lambda a: _tt().matrix_transpose(a),
          lambda a: _np().swapaxes(a, -1, -2), shapes="single", dtypes=_N, min_dims=2,
          functions=("Permute",)),
    _spec("repeat_elements", lambda a: _tt().repeat(a, 2, axis=0),
          lambda a: _np().repeat(a, 2, axis=0), shapes="single", dtypes=_N, min_dims=1,
          functions=("Take", "Reshape")),
    _spec("moveaxis", lambda a: _tt().moveaxis(a, (0, -1), (-1, 0)),
          lambda a: _np().moveaxis(a, (0, -1), (-1, 0)), shapes="single", dtypes=_N,
          min_dims=2, functions=("Permute",)),

    # ---- tinytorch.linalg and tinytorch.fft, on matrices made square and well conditioned ---
    _spec("linalg_inv", lambda a: _tt().linalg.inv(_spd(a)),
          lambda a: _np().linalg.inv(_spd_np(a)), min_dims=2, shapes="single",
          functions=("Inv", "Matmul")),
    _spec("linalg_det", lambda a: _tt().linalg.det(_spd(a)),
          lambda a: _np().linalg.det(_spd_np(a)), min_dims=2, shapes="single",
          functions=("Det", "Matmul")),
    _spec("linalg_slogdet", lambda a: _tt().linalg.slogdet(_spd(a)).logabsdet,
          lambda a: _np().linalg.slogdet(_spd_np(a))[1], min_dims=2, shapes="single",
          functions=("LogAbsDet", "ForwardOnly")),
    _spec("linalg_solve", lambda a, b: _tt().linalg.solve(_spd(a), b),
          lambda a, b: _np().linalg.solve(_spd_np(a), b), arity=2, shapes="same", min_dims=2,
          functions=("Solve",)),
    # a 1-D B against a stack of matrices: the standard's broadcasting (2024.12)
    _spec("linalg_solve_vector",
          lambda a, b: _tt().linalg.solve(_spd(a), b.reshape(-1)[:a.shape[-2]]),
          lambda a, b: _np().linalg.solve(_spd_np(a), b.reshape(-1)[:a.shape[-2]]), arity=2,
          shapes="same", min_dims=2, extra={"min_side": 1},
          functions=("Solve", "BroadcastTo", "Reshape")),
    _spec("linalg_cholesky", lambda a: _tt().linalg.cholesky(_spd(a)),
          lambda a: _np().linalg.cholesky(_spd_np(a)), min_dims=2, shapes="single",
          functions=("Cholesky",)),
    _spec("linalg_eigvalsh", lambda a: _tt().linalg.eigvalsh(_spd(a)),
          lambda a: _np().linalg.eigvalsh(_spd_np(a)), min_dims=2, shapes="single",
          functions=("Eigh",)),
    # beyond the standard (linalg.py's second half): references from NumPy and SciPy
    _spec("linalg_solve_triangular",
          lambda a, b: _tt().linalg.solve_triangular(_spd(a), b, upper=True),
          lambda a, b: _np().linalg.solve(_np().triu(_spd_np(a)), b), arity=2, shapes="same",
          min_dims=2, functions=("Solve", "Where", "BroadcastTo")),
    _spec("linalg_solve_triangular_right_unit",
          lambda a, b: _tt().linalg.solve_triangular(_spd(a) / 9, b.mT, upper=False,
                                                     left=False, unitriangular=True),
          lambda a, b: _np().swapaxes(_np().linalg.solve(_np().swapaxes(
              _np().tril(_spd_np(a) / 9, -1) + _np().eye(a.shape[-2], dtype=a.dtype), -1, -2),
              b), -1, -2),
          arity=2, shapes="same", min_dims=2,
          functions=("Solve", "Where", "Add", "Permute")),
    _spec("linalg_lu_factor", lambda a: tuple(_tt().linalg.lu_factor(_general(a))),
          lambda a: _np_lu_factor(_general_np(a)), min_dims=2, shapes="single",
          functions=("LuFactor", "Matmul")),
    _spec("linalg_lu_rectangular", lambda a: tuple(_tt().linalg.lu(a.detach())),
          lambda a: _np_lu(a), min_dims=2, shapes="single", differentiable=False,
          functions=("LuFactor",)),
    _spec("linalg_lu", lambda a: tuple(_tt().linalg.lu(_general(a))),
          lambda a: _np_lu(_general_np(a)), min_dims=2, shapes="single",
          functions=("LuFactor", "Where", "BasicIndex", "Add")),
    _spec("linalg_lu_solve",
          lambda a, b: _tt().linalg.lu_solve(*_tt().linalg.lu_factor(_general(a)), b),
          lambda a, b: _np().linalg.solve(_general_np(a), b), arity=2, shapes="same",
          min_dims=2, functions=("LuFactor", "Solve", "Gather")),
    _spec("linalg_lu_solve_adjoint",
          lambda a, b: _tt().linalg.lu_solve(*_tt().linalg.lu_factor(_general(a)), b.mT,
                                             adjoint=True, left=False),
          lambda a, b: _np().swapaxes(_np().linalg.solve(_general_np(a), b), -1, -2),
          arity=2, shapes="same", min_dims=2, functions=("LuFactor", "Solve", "Gather",
                                                         "Permute")),
    _spec("linalg_lstsq_tall",
          lambda a, b: _tt().linalg.lstsq(_tall(a), _tt().cat([b, 2 * b], -2)).solution,
          lambda a, b: _np_lstsq(_tall_np(a), _np().concatenate([b, 2 * b], -2)), arity=2,
          shapes="same", min_dims=2, functions=("Lstsq", "Concat")),
    _spec("linalg_lstsq_wide",
          lambda a, b: _tt().linalg.lstsq(_wide(a), b).solution,
          lambda a, b: _np_lstsq(_wide_np(a), b), arity=2, shapes="same", min_dims=2,
          functions=("Lstsq", "Concat")),
    _spec("linalg_eigvals", _sorted_eigvals, _sorted_eigvals_np, min_dims=2,
          shapes="single", functions=("EigValues", "Real", "Imag", "Gather")),
    _spec("linalg_eig_vectors", _canonical_eigenvectors, _canonical_eigenvectors_np,
          min_dims=2, shapes="single", differentiable=False, functions=("EigVectors",)),
    _spec("linalg_matrix_exp", lambda a: _tt().linalg.matrix_exp(_square_part(a)),
          lambda a: _sp_linalg().expm(_square_part(a)), min_dims=2, shapes="single",
          low=-2.0, high=2.0, functions=("Matmul", "Solve", "Mul", "Add", "Sub")),
    _spec("linalg_multi_dot", lambda a, b: _tt().linalg.multi_dot([a, b, b.mT, a.mT]),
          lambda a, b: _np().linalg.multi_dot([a, b, b.T, a.T]), arity=2, shapes="mm",
          functions=("Matmul",)),
    _spec("chain_matmul", lambda a, b: _tt().chain_matmul(a, b, b.mT),
          lambda a, b: _np().linalg.multi_dot([a, b, b.T]), arity=2, shapes="mm",
          functions=("Matmul",)),
    _spec("cholesky_solve",
          lambda a, b: _tt().cholesky_solve(b, _tt().linalg.cholesky(_spd(a))),
          _np_cholesky_solve, arity=2, shapes="same", min_dims=2,
          functions=("CholeskySolve", "Cholesky")),
    _spec("cholesky_solve_upper",
          lambda a, b: b.cholesky_solve(_tt().linalg.cholesky(_spd(a), upper=True), True),
          _np_cholesky_solve, arity=2, shapes="same", min_dims=2,
          functions=("CholeskySolve", "Cholesky")),
    _spec("logdet", lambda a: _tt().logdet(_spd(a)),
          lambda a: _np().linalg.slogdet(_spd_np(a))[1], min_dims=2, shapes="single",
          functions=("LogAbsDet", "ForwardOnly", "Where")),
    _spec("logdet_any_sign", lambda a: _square_part(a).detach().logdet(),
          lambda a: _np_logdet(_square_part(a)), min_dims=2,
          shapes="single", differentiable=False, functions=("LogAbsDet",)),
    # a single singular value's gradient needs it distinct, which drawn matrices need not be:
    # values only here; the nuclear norm (its gradient U V^H is unique) checks SvdVals' backward
    _spec("linalg_svdvals", lambda a: _tt().linalg.svdvals(a.detach()),
          _np_svdvals, min_dims=2, shapes="single", differentiable=False,
          functions=("SvdVals",)),
    _spec("linalg_matrix_norm_nuc", lambda a: _tt().linalg.matrix_norm(_spd(a), "nuc"),
          lambda a: _np_svdvals(_spd_np(a)).sum(-1), min_dims=2,
          shapes="single", extra={"min_side": 1}, functions=("SvdVals", "Sum", "Matmul")),
    _spec("linalg_matrix_norm_fro_dims",
          lambda a: _tt().linalg.matrix_norm(a, "fro", (0, -1), keepdim=True),
          lambda a: _np().sqrt((a * a).sum(axis=(0, -1), keepdims=True)), min_dims=2,
          shapes="single", extra={"kinks": (0.0,), "min_side": 1},
          functions=("Permute", "Abs", "Mul", "Sum", "Sqrt")),
    _spec("linalg_matrix_norm_1", lambda a: _tt().linalg.matrix_norm(a.detach(), 1),
          lambda a: _np().linalg.norm(a, 1, axis=(-2, -1)), min_dims=2, shapes="single",
          differentiable=False, extra={"min_side": 1}, functions=("Abs", "Sum", "Extreme")),
    _spec("linalg_matrix_norm_2", lambda a: _tt().linalg.matrix_norm(a.detach(), -2, (-1, -2)),
          lambda a: _np_svdvals(_np().swapaxes(a, -1, -2)).min(-1),
          min_dims=2, shapes="single", differentiable=False, extra={"min_side": 1},
          functions=("SvdVals", "Extreme")),
    # forward-only ops (their backward raises): values only, on detached inputs
    _spec("fft_fft", lambda a: _parts(_tt().fft.fft(a)), lambda a: _parts(_np().fft.fft(a)),
          shapes="single", min_dims=1, extra={"min_side": 1},
          functions=("Transform", "Real", "Imag", "Cast")),
    _spec("fft_ifftn", lambda a: _parts(_tt().fft.ifftn(a, norm="ortho")),
          lambda a: _parts(_np().fft.ifftn(a, norm="ortho")), shapes="single", min_dims=1,
          extra={"min_side": 1}, functions=("Transform", "Real", "Imag", "Cast")),
    _spec("fft_rfft", lambda a: _parts(_tt().fft.rfft(a.detach())),
          lambda a: _parts(_np().fft.rfft(a)),
          shapes="single", min_dims=1, extra={"min_side": 1}, differentiable=False,
          functions=("RealTransform",)),
]



# ---- PyTorch's top-level ops beyond the array API (ops/scatter, matrix, stacking, special,
# statistics): parameters derived from the inputs' shapes, NumPy references below ---------------

def _odd_positions(n):
    """n indices into a dimension of size n, with repeats when n > 2: (2i + 1) mod n."""
    return [(2 * i + 1) % n for i in range(n)]


def _reversed_along(a, axis=0):
    """An int64 index of a's shape holding n-1-i at position i along `axis` (a permutation)."""
    tt = _tt()
    n = a.shape[axis]
    shape = [1] * a.ndim
    shape[axis] = n
    return tt.broadcast_to(tt.arange(n - 1, -1, -1, device=a.device).reshape(shape), a.shape)


def _spread_along(a, axis=0):
    """An int64 index of a's shape holding (2i + 1) mod n at position i along `axis`."""
    tt = _tt()
    n = a.shape[axis]
    shape = [1] * a.ndim
    shape[axis] = n
    index = tt.tensor(_odd_positions(n), dtype="int64", device=a.device)
    return tt.broadcast_to(index.reshape(shape), a.shape)


def _np_along(a, values, axis=0):
    np = _np()
    shape = [1] * a.ndim
    shape[axis] = a.shape[axis]
    return np.broadcast_to(np.asarray(values, dtype=np.int64).reshape(shape), a.shape)


def _np_scatter_add(a, index, b, axis=0):
    np = _np()
    out = np.array(a, copy=True)
    for pos in np.ndindex(index.shape):
        target = list(pos)
        target[axis] = index[pos]
        out[tuple(target)] += b[pos]
    return out


def _np_masked_scatter(a, mask, b):
    out = _np().array(a, copy=True)
    out[mask] = b.reshape(-1)[:int(mask.sum())]
    return out


def _np_scatter_reduce(a, b, reduce, include_self):
    """scatter_reduce along axis 0 with _spread_along's index, position by position."""
    np = _np()
    index = _np_along(a, _odd_positions(a.shape[0]))
    lists = {pos: [a[pos]] if include_self else [] for pos in np.ndindex(a.shape)}
    for pos in np.ndindex(a.shape):
        lists[(index[pos],) + pos[1:]].append(b[pos])
    out = np.array(a, copy=True)
    for pos, values in lists.items():
        if values:
            values = np.array(values, dtype=a.dtype)
            out[pos] = {"sum": np.sum, "prod": np.prod, "amax": np.max, "amin": np.min,
                        "mean": np.mean}[reduce](values)
    return out


def _np_index_add(a, index, b, alpha=1):
    out = _np().array(a, copy=True)
    for i, j in enumerate(index):
        out[j] += alpha * b[i]
    return out


def _np_diag_embed(a, offset):
    np = _np()
    n, k = a.shape[-1], abs(offset)
    out = np.zeros(a.shape[:-1] + (n + k, n + k), dtype=a.dtype)
    for i in range(n):
        out[..., i + max(-offset, 0), i + max(offset, 0)] = a[..., i]
    return out


def _np_block_diag(*blocks):
    np = _np()
    blocks = [np.atleast_2d(b) for b in blocks]
    out = np.zeros((sum(b.shape[0] for b in blocks), sum(b.shape[1] for b in blocks)),
                   dtype=np.result_type(*blocks))
    r = c = 0
    for b in blocks:
        out[r:r + b.shape[0], c:c + b.shape[1]] = b
        r, c = r + b.shape[0], c + b.shape[1]
    return out


def _np_running(a, largest):
    """cummax/cummin along the last axis: (values, indices), the later index on ties."""
    np = _np()
    values, indices = np.array(a, copy=True), np.zeros(a.shape, dtype=np.int64)
    for pos in np.ndindex(a.shape[:-1]):
        best = 0
        for i in range(a.shape[-1]):
            x, y = a[pos + (i,)], a[pos + (best,)]
            if x != x or (y == y and ((x >= y) if largest else (x <= y))):  # nan wins
                best = i
            values[pos + (i,)], indices[pos + (i,)] = a[pos + (best,)], best
    return values, indices


def _np_lower_median(a, axis=-1, skip_nan=False):
    """PyTorch's median: the lower middle value and its index; with a nan, that nan (median)
    or the middle of the other values (nanmedian)."""
    np = _np()
    order = np.argsort(a, axis=axis, kind="stable")  # nan sorts last
    real = np.sum(~np.isnan(a), axis=axis, keepdims=True) if a.dtype.kind == "f" else \
        np.full(np.take(a, [0], axis=axis).shape, a.shape[axis])
    n = a.shape[axis]
    at = np.maximum((real - 1) // 2, 0) if skip_nan else np.where(real < n, real, (n - 1) // 2)
    at = np.take_along_axis(order, at, axis=axis)
    return (np.squeeze(np.take_along_axis(a, at, axis=axis), axis), np.squeeze(at, axis))


def _np_xlogy(a, b):
    np = _np()
    with np.errstate(all="ignore"):
        return np.where((a == 0) & ~np.isnan(b), 0.0, a * np.log(b)).astype(a.dtype)


def _np_xlog1py(a, b):
    np = _np()
    with np.errstate(all="ignore"):
        return np.where((a == 0) & ~np.isnan(b), 0.0, a * np.log1p(b)).astype(a.dtype)


def _np_entr(a):
    np = _np()
    with np.errstate(all="ignore"):
        inner = np.where(a > 0, -a * np.log(a), np.where(a == 0, 0.0, -np.inf))
    return np.where(np.isnan(a), np.nan, inner).astype(a.dtype)


def _np_norm(a, p, axis=None, keepdims=False):
    np = _np()
    x = np.abs(a)
    if p == math.inf:
        return np.max(x, axis=axis, keepdims=keepdims, initial=0.0)
    return np.sum(x ** p, axis=axis, keepdims=keepdims) ** (1.0 / p)


def _np_cdist(a, b):
    np = _np()
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1))


def _np_cosine(a, b, eps=1e-8):
    np = _np()
    na = np.maximum(np.sqrt((a * a).sum(-1)), eps)
    nb = np.maximum(np.sqrt((b * b).sum(-1)), eps)
    return (a * b).sum(-1) / (na * nb)


_INTS = ("int8", "int16", "int32", "int64", "uint8")
_WHOLE = {"min_side": 1}

OPS += [
    # index and scatter (ops/scatter.py)
    _spec("index_select", lambda a: _tt().index_select(a, -1, _index(_repeated(a.shape[-1]), a)),
          lambda a: _np().take(a, _repeated(a.shape[-1]), axis=-1), shapes="single", dtypes=_N,
          min_dims=1, extra=_WHOLE, functions=("Take",)),
    _spec("masked_select", lambda a: a.masked_select(a > 0), lambda a: a[a > 0],
          shapes="single", dtypes=_N, extra={"kinks": (0.0,)}, functions=("Take",)),
    _spec("take_along_dim", lambda a: _tt().take_along_dim(a, _gather_index(a), -1),
          lambda a: _np().take_along_axis(a, _gather_index_np(a), axis=-1), shapes="single",
          dtypes=_N, min_dims=1, extra=_WHOLE, functions=("Gather",)),
    _spec("take_along_dim_flat",
          lambda a: _tt().take_along_dim(a, _index(_repeated(a.numel()), a)),
          lambda a: a.reshape(-1)[_repeated(a.size)], shapes="single", dtypes=_N,
          extra=_WHOLE, functions=("Take",)),
    _spec("index_add",
          lambda a, b: a.index_add(0, _index(_odd_positions(a.shape[0]), a), b, alpha=2),
          lambda a, b: _np_index_add(a, _odd_positions(a.shape[0]), b, 2), arity=2,
          shapes="same",
          dtypes=SIGNED, low=-2.0, high=2.0, min_dims=1, extra=_WHOLE,
          functions=("IndexAdd", "Mul")),
    # index_put with accumulate: repeated rows add up (the positions come from _odd_positions)
    _spec("index_put",
          lambda a, b: a.index_put((_index(_odd_positions(a.shape[0]), a),), b, accumulate=True),
          lambda a, b: _np_index_add(a, _odd_positions(a.shape[0]), b), arity=2, shapes="same",
          dtypes=SIGNED, low=-2.0, high=2.0, min_dims=1, extra=_WHOLE,
          functions=("IndexAdd", "Reshape")),
    _spec("masked_scatter", lambda a, b: a.masked_scatter(a > 0, b),
          lambda a, b: _np_masked_scatter(a, a > 0, b), arity=2, shapes="same",
          extra={"kinks": (0.0,)}, functions=("Take", "Where")),
    _spec("select", lambda a: a.select(-1, -1), lambda a: a[..., -1], shapes="single",
          dtypes=_N, min_dims=1, extra=_WHOLE, functions=("BasicIndex",)),
    _spec("index_copy",
          lambda a, b: a.index_copy(0, _index(range(a.shape[0] - 1, -1, -1), a), b),
          lambda a, b: _np_set(a, slice(None), b[::-1]), arity=2, shapes="same", dtypes=_N,
          min_dims=1, extra=_WHOLE, functions=("SetFlat",)),
    _spec("index_fill", lambda a: a.index_fill(-1, _index(_repeated(a.shape[-1]), a), 0.5),
          lambda a: _np_set(a, (Ellipsis, _repeated(a.shape[-1])), 0.5), shapes="single",
          min_dims=1, extra=_WHOLE, functions=("Where",)),
    _spec("scatter", lambda a, b: a.scatter(0, _reversed_along(a), b),
          lambda a, b: b[::-1], arity=2, shapes="same", dtypes=_N, min_dims=1,
          functions=("SetFlat",)),
    _spec("scatter_value", lambda a: _tt().scatter(a, -1, _spread_along(a, a.ndim - 1)[..., :1],
                                                   1.5),
          lambda a: _np_set(a, (Ellipsis, slice(1, 2) if a.shape[-1] > 1 else slice(0, 1)),
                            1.5), shapes="single", min_dims=1, extra=_WHOLE,
          functions=("SetFlat",)),
    _spec("scatter_add", lambda a, b: a.scatter_add(0, _spread_along(a), b),
          lambda a, b: _np_scatter_add(a, _np_along(a, _odd_positions(a.shape[0])), b), arity=2,
          shapes="same", dtypes=SIGNED, low=-2.0, high=2.0, min_dims=1,
          functions=("IndexAdd",)),
    # (2i + 1) mod n along dim 0 sends two rows to one position when n > 2: a real reduction
    _spec("scatter_reduce_sum",
          lambda a, b: a.scatter_reduce(0, _spread_along(a), b, "sum", include_self=False),
          lambda a, b: _np_scatter_reduce(a, b, "sum", False), arity=2, shapes="same",
          dtypes=SIGNED, low=-2.0, high=2.0, min_dims=1, functions=("IndexAdd", "Where")),
    _spec("scatter_reduce_mean", lambda a, b: a.scatter_reduce(0, _spread_along(a), b, "mean"),
          lambda a, b: _np_scatter_reduce(a, b, "mean", True), arity=2, shapes="same",
          min_dims=1, functions=("IndexAdd", "Div", "Where")),
    _spec("scatter_reduce_prod", lambda a, b: a.scatter_reduce(0, _spread_along(a), b, "prod"),
          lambda a, b: _np_scatter_reduce(a, b, "prod", True), arity=2, shapes="same",
          dtypes=SIGNED, low=-2.0, high=2.0, min_dims=1,
          functions=("Take", "Mul", "Where", "Concat", "SetFlat")),
    _spec("scatter_reduce_amax",
          lambda a, b: a.scatter_reduce(0, _spread_along(a), b, "amax", include_self=False),
          lambda a, b: _np_scatter_reduce(a, b, "amax", False), arity=2, shapes="same",
          min_dims=1, extra={"distinct": True}, functions=("IndexAdd", "Div", "Where")),
    _spec("scatter_reduce_amin", lambda a, b: a.scatter_reduce(0, _spread_along(a), b, "amin"),
          lambda a, b: _np_scatter_reduce(a, b, "amin", True), arity=2, shapes="same",
          dtypes=SIGNED, min_dims=1, extra={"distinct": True},
          functions=("IndexAdd", "Div", "Where")),
    _spec("scatter_multiply", lambda a, b: a.scatter(0, _spread_along(a), b, reduce="multiply"),
          lambda a, b: _np_scatter_reduce(a, b, "prod", True), arity=2, shapes="same",
          min_dims=1, functions=("Take", "Mul", "Where")),

    # matrices and einsum (ops/matrix.py)
    _spec("diagonal", lambda a: a.diagonal(1, 0, -1), lambda a: _np().diagonal(a, 1, 0, -1),
          shapes="single", dtypes=_N, min_dims=2, functions=("Take", "Permute")),
    _spec("diag", lambda a: _tt().diag(a.reshape(-1), -1),
          lambda a: _np().diag(a.reshape(-1), -1), shapes="single", dtypes=_N,
          functions=("Where", "Concat")),
    _spec("diag_matrix", lambda a: a.flatten(1).diag(1),
          lambda a: _np().diag(a.reshape(a.shape[0], -1), 1), shapes="single", dtypes=_N,
          min_dims=2, extra=_WHOLE, functions=("Take",)),
    _spec("diag_embed", lambda a: a.diag_embed(-1), lambda a: _np_diag_embed(a, -1),
          shapes="single", dtypes=_N, min_dims=1, functions=("Where", "Concat")),
    _spec("trace", lambda a: a.flatten(1).trace(),
          lambda a: _np().trace(a.reshape(a.shape[0], -1)), shapes="single", dtypes=_N,
          min_dims=2, extra=_WHOLE, functions=("Take", "Sum")),
    _spec("inner", lambda a, b: _tt().inner(a, b), lambda a, b: _np().inner(a, b), arity=2,
          shapes="same", functions=("Matmul",)),
    _spec("addmm", lambda a, b: _tt().addmm(b[0], a, b, beta=0.5, alpha=2.0),
          lambda a, b: 0.5 * b[0] + 2.0 * (a @ b), arity=2, shapes="mm", extra=_WHOLE,
          functions=("Matmul", "Add", "Mul")),
    _spec("baddbmm", lambda a, b: _tt().baddbmm(b[:, :1], a, b),
          lambda a, b: b[:, :1] + a @ b, arity=2, shapes="bmm", extra=_WHOLE,
          functions=("Matmul", "Add")),
    _spec("kron", lambda a, b: _tt().kron(a, b), lambda a, b: _np().kron(a, b), arity=2,
          dtypes=SIGNED, functions=("Mul", "Reshape")),
    _spec("block_diag", lambda a, b: _tt().block_diag(a.reshape(-1), b.reshape(1, -1)),
          lambda a, b: _np_block_diag(a.reshape(-1), b.reshape(1, -1)), arity=2,
          shapes="same", dtypes=_N, extra=_WHOLE, functions=("Concat",)),
    _spec("einsum_bmm", lambda a, b: _tt().einsum("bij,bjk->bik", a, b),
          lambda a, b: _np().einsum("bij,bjk->bik", a, b), arity=2, shapes="bmm",
          functions=("Matmul", "Reshape")),
    _spec("einsum_implicit", lambda a, b: _tt().einsum("ij,jk", a, b),
          lambda a, b: _np().einsum("ij,jk", a, b), arity=2, shapes="mm",
          functions=("Matmul", "Reshape")),
    _spec("einsum_contract_all", lambda a, b: _tt().einsum("ij,jk->", [a, b]),
          lambda a, b: _np().einsum("ij,jk->", a, b), arity=2, shapes="mm",
          extra=_WHOLE, functions=("Matmul", "Sum")),  # empty i: NumPy 0, PyTorch nan * 0
    _spec("einsum_outer_batch", lambda a, b: _tt().einsum("...i,...j->...ji", a, b),
          lambda a, b: _np().einsum("...i,...j->...ji", a, b), arity=2, shapes="same",
          min_dims=1, functions=("Matmul", "Permute")),
    _spec("einsum_diagonal", lambda a: _tt().einsum("...ii->...i", a @ a.mT),
          lambda a: _np().einsum("...ii->...i", a @ _np().swapaxes(a, -1, -2)),
          shapes="single", min_dims=2, functions=("Take", "Matmul")),

    # stacking (ops/stacking.py)
    *[_spec(name, (lambda f: lambda a: getattr(_tt(), f)(a))(name),
            (lambda f: lambda a: getattr(_np(), f)(a))(name), shapes="single", dtypes=_N,
            functions=("Reshape",)) for name in ("atleast_1d", "atleast_2d", "atleast_3d")],
    *[_spec(name, (lambda f: lambda a, b: getattr(_tt(), f)([a, b]))(name),
            (lambda f: lambda a, b: getattr(_np(), f)([a, b]))(name), arity=2, shapes="same",
            dtypes=_N, functions=("Concat",))
      for name in ("hstack", "vstack", "dstack", "column_stack")],
    _spec("tensor_split", lambda a: _tt().tensor_split(a, 3, -1),
          lambda a: tuple(_np().array_split(a, 3, axis=-1)), shapes="single", dtypes=_N,
          min_dims=1, functions=("BasicIndex",)),
    _spec("tensor_split_indices", lambda a: a.tensor_split([1, 2], 0),
          lambda a: tuple(_np().split(a, [1, 2], axis=0)), shapes="single", dtypes=_N,
          min_dims=1, functions=("BasicIndex",)),
    _spec("unflatten", lambda a: a.unflatten(-1, (1, -1)),
          lambda a: a.reshape(a.shape[:-1] + (1, a.shape[-1])), shapes="single", dtypes=_N,
          min_dims=1, extra=_WHOLE, functions=("Reshape",)),
    _spec("cartesian_prod", lambda a, b: _tt().cartesian_prod(a.reshape(-1), b.reshape(-1)),
          lambda a, b: _np().stack([g.reshape(-1) for g in _np().meshgrid(
              a.reshape(-1), b.reshape(-1), indexing="ij")], 1), arity=2, dtypes=_N,
          functions=("Reshape", "BroadcastTo")),
    _spec("rot90", lambda a: (a.rot90(1, (0, -1)), a.rot90(-1, (0, 1)), a.rot90(2)),
          lambda a: (_np().rot90(a, 1, (0, -1)), _np().rot90(a, -1, (0, 1)), _np().rot90(a, 2)),
          shapes="single", dtypes=_N, min_dims=2, functions=("Flip", "Permute")),
    _spec("fliplr", lambda a: a.fliplr(), lambda a: _np().fliplr(a), shapes="single",
          dtypes=_N, min_dims=2, functions=("Flip",)),
    _spec("flipud", lambda a: a.flipud(), lambda a: _np().flipud(a), shapes="single",
          dtypes=_N, min_dims=1, functions=("Flip",)),

    _spec("mv", lambda a, b: _tt().mv(a, b.sum(-1)), lambda a, b: a @ b.sum(-1), arity=2,
          shapes="mm", dtypes=SIGNED, functions=("Matmul", "Sum", "Reshape")),
    _spec("addmv", lambda a, b: a.sum(-1).addmv(a, b.sum(-1), beta=0.5, alpha=2),
          lambda a, b: 0.5 * a.sum(-1) + 2 * (a @ b.sum(-1)), arity=2, shapes="mm",
          functions=("Matmul", "Mul", "Add")),
    _spec("addr", lambda a, b: _tt().addr(a @ b, a.sum(-1), b.sum(0), beta=0.5, alpha=-1.5),
          lambda a, b: 0.5 * (a @ b) - 1.5 * _np().outer(a.sum(-1), b.sum(0)), arity=2,
          shapes="mm", functions=("Matmul", "Mul", "Add")),
    # elementwise extras (ops/special.py)
    _spec("lerp", lambda a, b, w: _tt().lerp(a, b, w), lambda a, b, w: a + w * (b - a),
          arity=3, functions=("Add", "Mul", "Sub")),
    _spec("lerp_scalar", lambda a, b: a.lerp(b, 0.25), lambda a, b: a + 0.25 * (b - a),
          arity=2, functions=("Add", "Mul", "Sub")),
    _spec("logit", lambda a: a.logit(), lambda a: _np().log(a / (1 - a)), shapes="single",
          low=0.05, high=0.95, functions=("Log", "Sub")),
    _spec("logit_eps", lambda a: a.logit(0.2), lambda a: _np().log(
        _np().clip(a, 0.2, 0.8) / (1 - _np().clip(a, 0.2, 0.8))), shapes="single", low=0.01,
          high=0.99, extra={"kinks": (0.2, 0.8)}, functions=("Log", "Clamp")),
    _spec("xlogy", lambda a, b: _tt().xlogy(a, b), _np_xlogy, arity=2,
          low=0.1, functions=("Mul", "Log", "Where")),
    _spec("xlogy_zero", lambda a: _tt().xlogy(a.relu(), a.abs() + 0.5),
          lambda a: _np_xlogy(_np().maximum(a, 0), _np().abs(a) + 0.5), shapes="single",
          extra={"kinks": (0.0,)}, functions=("Mul", "Log", "Where")),
    # near 0 the quotient loses the digits a numerical derivative needs (tests/ check sinc(0))
    _spec("sinc", lambda a: a.sinc(), lambda a: _np().sinc(a), shapes="single",
          extra={"kinks": (0.0,), "margin": 0.05}, functions=("Sin", "Div", "Where")),
    # tinytorch.special's own functions (its other names are the ops above)
    _spec("special_xlog1py", lambda a, b: _tt().special.xlog1py(a, b),
          _np_xlog1py, arity=2, low=-0.5,
          functions=("Mul", "Log1p", "Where")),
    _spec("special_entr", lambda a: _tt().special.entr(a), _np_entr,
          shapes="single", low=0.05, functions=("Mul", "Log", "Neg", "Where")),
    _spec("special_ndtr", lambda a: _tt().special.ndtr(a),
          lambda a: 0.5 * _np_erfc(-a / math.sqrt(2)), shapes="single",
          functions=("Erfc", "Mul")),
    _spec("special_spherical_bessel_j0", lambda a: _tt().special.spherical_bessel_j0(a),
          lambda a: _np().sinc(a / math.pi), shapes="single",
          extra={"kinks": (0.0,), "margin": 0.05}, functions=("Sin", "Div", "Where")),
    _spec("deg2rad", lambda a: a.deg2rad(), lambda a: _np().deg2rad(a), shapes="single",
          dtypes=SIGNED, functions=("Mul",)),
    _spec("rad2deg", lambda a: a.rad2deg(), lambda a: _np().rad2deg(a), shapes="single",
          dtypes=SIGNED, functions=("Mul",)),
    _spec("frac", lambda a: a.frac(), lambda a: a - _np().trunc(a), shapes="single",
          extra={"kinks": _I}, functions=("Sub", "ZeroGrad")),
    _spec("fmod", lambda a, b: a.fmod(b), lambda a, b: _np().fmod(a, b), arity=2,
          extra={"kinks": (0.0,), "margin": 0.25, "valid": _not_near_integer_ratio},
          functions=("Remainder", "Where", "Sub")),
    _spec("fmod_int", lambda a: _tt().fmod(a, 3), lambda a: _np().fmod(a, 3),
          shapes="single", dtypes=("int8", "int16", "int32", "int64"), differentiable=False),
    _spec("exp2", lambda a: a.exp2(), lambda a: _np().exp2(a), shapes="single", dtypes=SIGNED,
          functions=("Pow",)),
    _spec("logaddexp2", lambda a, b: a.logaddexp2(b), lambda a, b: _np().logaddexp2(a, b),
          arity=2, functions=("Elementwise2", "Mul", "Div")),
    _spec("sgn", lambda a: a.sgn(), lambda a: _np().sign(a), shapes="single", dtypes=SIGNED,
          extra={"kinks": (0.0,)}, functions=("ZeroGrad",)),
    _spec("heaviside", lambda a, b: a.heaviside(b), lambda a, b: _np().heaviside(a, b),
          arity=2, extra={"zeros": True}, differentiable=False),
    _spec("nan_to_num",
          lambda a: (a / a.abs().clamp(max=1.0).floor()).detach().nan_to_num(1.5, 2.0),
          lambda a: _np().nan_to_num(a / _np().floor(_np().minimum(_np().abs(a), 1.0)),
                                     nan=1.5, posinf=2.0), shapes="single",
          extra={"kinks": (-1.0, 0.0, 1.0), "zeros": True}, differentiable=False),
    _spec("nan_to_num_grad", lambda a: a.nan_to_num(), lambda a: _np().nan_to_num(a),
          shapes="single",
          functions=("Where",)),
    _spec("isneginf", lambda a: (a / a.floor()).isneginf(),
          lambda a: _np().isneginf(a / _np().floor(a)), shapes="single", dtypes=FLOATS,
          extra={"kinks": (0.0,)}, differentiable=False),
    _spec("isposinf", lambda a: _tt().isposinf(a), lambda a: _np().isposinf(a),
          shapes="single", dtypes=_N, differentiable=False),
    _spec("clamp_min_op", lambda a: _tt().clamp_min(a, 0.5), lambda a: _np().maximum(a, 0.5),
          shapes="single", extra={"kinks": (0.5,)}, functions=("Clamp",)),
    _spec("clamp_max_op", lambda a: a.clamp_max(-0.5), lambda a: _np().minimum(a, -0.5),
          shapes="single", extra={"kinks": (-0.5,)}, functions=("Clamp",)),
    _spec("addcmul", lambda a, b, c: a.addcmul(b, c, value=0.5), lambda a, b, c: a + 0.5 * b * c,
          arity=3, functions=("Add", "Mul")),
    _spec("addcdiv", lambda a, b, c: _tt().addcdiv(a, b, c, value=2), lambda a, b, c: a + 2 * b / c,
          arity=3, extra={"kinks": (0.0,), "margin": 0.25}, functions=("Add", "Mul", "Div")),

    # statistics and distances (ops/statistics.py)
    _spec("cummax", lambda a: tuple(a.cummax(-1)), lambda a: _np_running(a, True),
          shapes="single", dtypes=_N, min_dims=1, extra={"distinct": True},
          functions=("Gather",)),
    _spec("cummin", lambda a: tuple(_tt().cummin(a, -1)), lambda a: _np_running(a, False),
          shapes="single", dtypes=_N, min_dims=1, extra={"distinct": True},
          functions=("Gather",)),
    _spec("logcumsumexp", lambda a: a.logcumsumexp(-1),
          lambda a: _np().logaddexp.accumulate(a, axis=-1), shapes="single", min_dims=1,
          functions=("Elementwise2", "Concat")),
    _spec("nansum", lambda a: a.nansum(-1), lambda a: _np().nansum(a, -1), shapes="single",
          dtypes=_N, min_dims=1, functions=("Where", "Sum")),
    _spec("nanmean", lambda a: _tt().nanmean(a), lambda a: _np().nanmean(a), shapes="single",
          extra=_WHOLE, functions=("Where", "Sum", "Div")),
    _spec("median", lambda a: a.median(), lambda a: _np_lower_median(a.reshape(-1), 0)[0],
          shapes="single", dtypes=_N, extra={"distinct": True, "min_side": 1},
          functions=("Gather",)),
    _spec("median_dim", lambda a: tuple(a.median(-1)), lambda a: _np_lower_median(a),
          shapes="single", dtypes=_N, min_dims=1, extra={"distinct": True, "min_side": 1},
          functions=("Gather",)),
    _spec("nanmedian", lambda a: tuple(_tt().nanmedian(a, 0, True)),
          lambda a: tuple(_np().expand_dims(v, 0) for v in _np_lower_median(a, 0, True)),
          shapes="single", min_dims=1, extra={"distinct": True, "min_side": 1},
          functions=("Gather",)),
    _spec("quantile", lambda a: a.quantile(0.3, -1), lambda a: _np().quantile(a, 0.3, axis=-1),
          shapes="single", min_dims=1, extra={"distinct": True, "min_side": 1},
          functions=("Gather", "Add", "Mul")),
    _spec("quantile_q_tensor", lambda a: _tt().quantile(
        a, _tt().tensor([0.0, 0.5, 0.9], dtype=a.dtype, device=a.device), None, True,
        interpolation="midpoint"),
          lambda a: _np().quantile(a, [0.0, 0.5, 0.9], keepdims=True, method="midpoint"),
          shapes="single", extra={"distinct": True, "min_side": 1},
          functions=("Gather", "Concat")),
    _spec("nanquantile", lambda a: a.nanquantile(0.75, 0, interpolation="lower"),
          lambda a: _np().nanquantile(a, 0.75, axis=0, method="lower"), shapes="single",
          min_dims=1, extra={"distinct": True, "min_side": 1}, functions=("Gather",)),
    _spec("bincount", lambda a: a.reshape(-1).bincount(minlength=2),
          lambda a: _np().bincount(a.reshape(-1).astype("int64"), minlength=2), shapes="single",
          dtypes=_INTS, low=0.0, high=6.0, differentiable=False),
    _spec("histc", lambda a: a.histc(4, -2, 2),
          lambda a: _np().histogram(a, 4, (-2, 2))[0], shapes="single",
          extra={"kinks": (-2.0, -1.0, 0.0, 1.0, 2.0)}, differentiable=False),
    _spec("std_mean", lambda a: _tt().std_mean(a, -1), lambda a: (_np().std(a, -1, ddof=1),
                                                                   _np().mean(a, -1)),
          shapes="single", min_dims=1, extra={"min_side": 2, "distinct": True},
          functions=("Var", "Sum", "Div")),
    _spec("var_mean", lambda a: _tt().var_mean(a, correction=0),
          lambda a: (_np().var(a), _np().mean(a)), shapes="single",
          extra={"min_side": 1, "distinct": True},
          functions=("Var", "Sum", "Div")),
    _spec("norm", lambda a: a.norm(), lambda a: _np().sqrt((a * a).sum()), shapes="single",
          extra={"kinks": (0.0,)}, functions=("Mul", "Sum", "Sqrt", "Where")),
    _spec("norm_nuc", lambda a: _tt().norm(_spd(a), "nuc", (-2, -1), True),
          lambda a: _np_svdvals(_spd_np(a)).sum(-1)[..., None, None],
          shapes="single", min_dims=2, extra={"min_side": 1},
          functions=("SvdVals", "Sum", "Reshape")),
    _spec("norm_p", lambda a: _tt().norm(a, 3, -1, True), lambda a: _np_norm(a, 3, -1, True),
          shapes="single", min_dims=1, extra={"kinks": (0.0,)},
          functions=("Abs", "Pow", "Sum", "Where")),
    _spec("norm_inf", lambda a: a.norm(float("inf"), 0), lambda a: _np_norm(a, math.inf, 0),
          shapes="single", min_dims=1, extra={"distinct": True, "kinks": (0.0,)},
          functions=("Abs", "Extreme")),
    _spec("dist", lambda a, b: _tt().dist(a, b, 1), lambda a, b: _np().abs(a - b).sum(),
          arity=2, extra={"distinct": True}, functions=("Abs", "Sub", "Sum")),
    _spec("cdist", lambda a, b: _tt().cdist(a, b.mT), lambda a, b: _np_cdist(a, b.T), arity=2,
          shapes="mm", extra={"distinct": True}, functions=("Sub", "Mul", "Sum", "Sqrt")),
    _spec("cosine_similarity", lambda a, b: _tt().cosine_similarity(a, b, -1),
          lambda a, b: _np_cosine(a, b), arity=2, shapes="same", min_dims=1,
          extra={"min_side": 1, "kinks": (0.0,), "margin": 0.1},
          functions=("Mul", "Sum", "Div", "Clamp")),
    _spec("pairwise_distance", lambda a, b: _tt().pairwise_distance(a, b, keepdim=True),
          lambda a, b: _np().sqrt(((a - b + 1e-6) ** 2).sum(-1, keepdims=True)), arity=2,
          shapes="same", min_dims=1, extra={"distinct": True},
          functions=("Sub", "Add", "Sum", "Sqrt")),
    _spec("trapezoid", lambda a: _tt().trapezoid(a, dx=0.5),
          lambda a: 0.25 * (a[..., 1:] + a[..., :-1]).sum(-1), shapes="single", min_dims=1,
          extra={"min_side": 1}, functions=("BasicIndex", "Add", "Mul", "Sum")),
    _spec("trapezoid_x", lambda a, b: _tt().trapezoid(a, b.cumsum(0), dim=0),
          lambda a, b: _np_trapezoid_x(a, b), arity=2, shapes="same", min_dims=1,
          extra={"min_side": 1}, functions=("BasicIndex", "Sub", "Mul", "Div", "Sum")),
    _spec("cumulative_trapezoid", lambda a: _tt().cumulative_trapezoid(a, dim=0),
          lambda a: _np().cumsum(0.5 * (a[1:] + a[:-1]), axis=0), shapes="single", min_dims=1,
          extra={"min_side": 1}, functions=("BasicIndex", "Add", "CumulativeSum")),
    _spec("vander", lambda a: _tt().vander(a.reshape(-1), N=3),
          lambda a: _np().vander(a.reshape(-1), N=3), shapes="single", dtypes=SIGNED,
          low=-2.0, high=2.0, functions=("Pow", "Reshape")),
    _spec("combinations", lambda a: _tt().combinations(a.reshape(-1), 2),
          lambda a: _np_combinations(a.reshape(-1), 2), shapes="single", dtypes=_N,
          functions=("Take", "Reshape")),
    _spec("bucketize", lambda a, b: _tt().bucketize(a, _tt().sort(b.reshape(-1)), right=True),
          lambda a, b: _np().searchsorted(_np().sort(b.reshape(-1)), a, side="right"), arity=2,
          dtypes=_N, differentiable=False),
]


def _np_trapezoid_x(a, b):
    x = _np().cumsum(b, axis=0)
    return (0.5 * (a[1:] + a[:-1]) * (x[1:] - x[:-1])).sum(0)


def _np_combinations(a, r):
    import itertools
    rows = list(itertools.combinations(range(a.shape[0]), r))
    return a[_np().array(rows, dtype="int64").reshape(-1, r)] if rows else a[:0].reshape(0, r)
# ---- nn: norms, padding modes, shuffles and bilinear (composed of the ops above; parameters
# derived from the input's shape, NumPy references written out) -------------------------------

def _channels4(a):
    """(N, 4, C, W) from an "image" (N, C, H, W) with H >= 5: four channels, for groups of 2."""
    return a[:, :, :4].permute(0, 2, 1, 3)


def _np_channels4(a):
    return a[:, :, :4].transpose(0, 2, 1, 3)


def _affine4(a):
    """Fixed per-channel weight and bias for four channels, on a's device and dtype."""
    tt = _tt()
    return (tt.tensor([1.0, -0.5, 2.0, 0.25], dtype=a.dtype, device=a.device),
            tt.tensor([0.0, 1.0, -1.0, 0.5], dtype=a.dtype, device=a.device))


def _np_group_norm4(a):
    np = _np()
    x = _np_channels4(a) + 7.0 * np.arange(a.shape[-1])
    out = _np_normalize(x.reshape(x.shape[0], 2, -1), 2).reshape(x.shape)
    return (out * np.array([1.0, -0.5, 2.0, 0.25])[:, None, None]
            + np.array([0.0, 1.0, -1.0, 0.5])[:, None, None])


def _running_stats(a):
    tt, c = _tt(), a.shape[1]
    return (tt.tensor([0.5, -0.25][:c], dtype=a.dtype, device=a.device),
            tt.tensor([1.5, 0.5][:c], dtype=a.dtype, device=a.device))


def _np_running_norm(a):
    np, c = _np(), a.shape[1]
    mean, var = np.array([0.5, -0.25][:c]), np.array([1.5, 0.5][:c])
    return (a - mean[:, None, None]) / np.sqrt(var[:, None, None] + 1e-5)


def _np_rms_norm(a):
    np = _np()
    x = a + 7.0 * np.arange(a.shape[-1])
    return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + np.finfo(a.dtype).eps)


def _np_lrn(x, size=3, alpha=1.0, beta=0.75, k=2.0):
    np = _np()
    out = np.empty_like(x)
    channels = x.shape[1]
    for c in range(channels):
        lo, hi = max(c - size // 2, 0), min(c + (size - 1) // 2, channels - 1)
        out[:, c] = x[:, c] / (k + alpha / size * (x[:, lo:hi + 1] ** 2).sum(axis=1)) ** beta
    return out


def _np_pad(a, widths, mode, **kw):
    """np.pad over the trailing axes, widths listed from the first padded axis on."""
    return _np().pad(a, [(0, 0)] * (a.ndim - len(widths)) + list(widths), mode=mode, **kw)


def _bilinear_weight(a):
    k = a.shape[-1]
    return (_tt().arange(2 * k * k, dtype=a.dtype, device=a.device).reshape(2, k, k) * 0.1
            + 0.05)


def _np_bilinear(a, b):
    np = _np()
    k = a.shape[-1]
    w = np.arange(2 * k * k, dtype=a.dtype).reshape(2, k, k) * 0.1 + 0.05
    left = np.einsum("...i,oij->...oj", a, w)  # input1's side first, as nn.functional does
    return (left * b[..., None, :]).sum(-1) + np.array([0.5, -0.5])


OPS += [
    _spec("group_norm", lambda a: _F().group_norm(_spread(_channels4(a)), 2, *_affine4(a)),
          _np_group_norm4, shapes="image",
          functions=("Normalize", "Reshape", "Permute", "BasicIndex", "Mul", "Add")),
    _spec("instance_norm", lambda a: _F().instance_norm(_spread(a)),
          lambda a: _np_normalize(a + 7.0 * _np().arange(a.shape[-1]), (2, 3)), shapes="image",
          functions=("Normalize", "Add")),
    _spec("instance_norm_running_stats",
          lambda a: _F().instance_norm(a, *_running_stats(a), use_input_stats=False),
          _np_running_norm, shapes="image", functions=("Normalize",)),
    # spread as layer_norm's: a row of nearly equal values would make float32 gradients
    # meaninglessly ill-conditioned (eps is float32's machine epsilon here)
    _spec("rms_norm", lambda a: _F().rms_norm(_spread(a), a.shape[-1:]), _np_rms_norm,
          shapes="single", min_dims=1, extra={"min_side": 2},
          functions=("Mul", "Sum", "Div", "Add", "Sqrt")),
    _spec("local_response_norm",
          lambda a: _F().local_response_norm(a.permute(0, 2, 1, 3), 3, 1.0, 0.75, 2.0),
          lambda a: _np_lrn(a.transpose(0, 2, 1, 3)), shapes="image",
          functions=("Permute", "Mul", "Concat", "BasicIndex", "Add", "Pow", "Div")),
    _spec("pad_reflect", lambda a: _F().pad(a, (2, 1, 1, 3), "reflect"),
          lambda a: _np_pad(a, [(1, 3), (2, 1)], "reflect"), shapes="image", dtypes=_N,
          functions=("Take",)),
    _spec("pad_replicate", lambda a: _F().pad(a[0], (3, 1), "replicate"),
          lambda a: _np_pad(a[0], [(3, 1)], "edge"), shapes="image", dtypes=_N,
          functions=("Take", "BasicIndex")),
    _spec("pad_replicate_3d", lambda a: _F().pad(a, (1, 0, 2, 1, 1, 1), "replicate"),
          lambda a: _np_pad(a, [(1, 1), (2, 1), (1, 0)], "edge"), shapes="image", dtypes=_N,
          functions=("Take",)),
    _spec("pad_circular_cropped", lambda a: _F().pad(a, (2, 3, -1, 2), "circular"),
          lambda a: _np_pad(a[:, :, 1:], [(0, 2), (2, 3)], "wrap"), shapes="image",
          dtypes=_N, functions=("Take",)),
    _spec("pad_constant_cropped", lambda a: _F().pad(a, (1, -2, 0, 2), value=2),
          lambda a: _np_pad(a[..., :-2], [(0, 2), (1, 0)], "constant", constant_values=2),
          shapes="image", dtypes=_N, functions=("BasicIndex", "Concat")),
    _spec("pixel_shuffle", lambda a: _F().pixel_shuffle(_channels4(a[..., :4]), 2),
          lambda a: _np_channels4(a[..., :4]).reshape(a.shape[0], 1, 2, 2, a.shape[1], 4)
          .transpose(0, 1, 4, 2, 5, 3).reshape(a.shape[0], 1, 2 * a.shape[1], 8),
          shapes="image", dtypes=_N, functions=("Reshape", "Permute", "BasicIndex")),
    _spec("pixel_unshuffle", lambda a: _F().pixel_unshuffle(a[:, :, :4, :4], 2),
          lambda a: a[:, :, :4, :4].reshape(a.shape[0], a.shape[1], 2, 2, 2, 2)
          .transpose(0, 1, 3, 5, 2, 4).reshape(a.shape[0], 4 * a.shape[1], 2, 2),
          shapes="image", dtypes=_N, functions=("Reshape", "Permute", "BasicIndex")),
    _spec("channel_shuffle", lambda a: _F().channel_shuffle(_channels4(a), 2),
          lambda a: _np_channels4(a).reshape(a.shape[0], 2, 2, *a.shape[1:2], a.shape[3])
          .swapaxes(1, 2).reshape(a.shape[0], 4, a.shape[1], a.shape[3]),
          shapes="image", dtypes=_N, functions=("Reshape", "Permute", "BasicIndex")),
    _spec("bilinear",
          lambda a, b: _F().bilinear(a, b, _bilinear_weight(a),
                                     _tt().tensor([0.5, -0.5], dtype=a.dtype, device=a.device)),
          _np_bilinear, arity=2, shapes="same", min_dims=1, extra={"min_side": 1},
          functions=("Matmul", "Reshape", "Mul", "Sum", "Add")),
]


def by_name(name: str) -> OpSpec:
    for spec in OPS:
        if spec.name == name:
            return spec
    raise KeyError(f"no op spec named {name!r}")


def uncovered_functions() -> list[str]:
    """Names of Function subclasses in tinytorch.ops, .nn, .linalg and .fft that no OpSpec
    lists."""
    import tinytorch.fft  # noqa: F401
    import tinytorch.linalg  # noqa: F401
    import tinytorch.nn.functional  # noqa: F401 - with tinytorch.ops, defines every Function
    import tinytorch.ops  # noqa: F401

    from ..autograd import Function

    found, stack = set(), list(Function.__subclasses__())
    while stack:
        cls = stack.pop()
        # a shared base that defines no forward of its own (nn's _BinaryLoss) is not an op
        if "forward" in vars(cls) and cls.__module__.startswith(
                ("tinytorch.ops", "tinytorch.nn", "tinytorch.linalg", "tinytorch.fft")):
            found.add(cls.__name__)
        stack.extend(cls.__subclasses__())
    covered = {name for spec in OPS for name in spec.functions}
    return sorted(found - covered)


# ---- value constraints and a hypothesis strategy for arguments ------------------------------

def admissible(spec: OpSpec, *arrays) -> bool:
    """Whether NumPy arguments satisfy the spec's "kinks", "distinct" and "valid" constraints."""
    np = _np()
    margin = spec.extra.get("margin", MARGIN)
    floats = [np.asarray(a, dtype="float64").reshape(-1) for a in arrays
              if np.asarray(a).dtype.kind == "f"]
    values = np.concatenate(floats) if floats else np.zeros(0)
    near = values[values != 0] if spec.extra.get("zeros") else values
    for kink in spec.extra.get("kinks", ()):
        if np.any(np.abs(near - kink) < margin):
            return False
    if spec.extra.get("distinct") and values.size > 1:
        ordered = np.sort(values)
        if np.any(np.diff(ordered) < margin):
            return False
    valid = spec.extra.get("valid")
    return valid is None or bool(valid(*arrays))


def arguments(spec: OpSpec, dtype: str = "float64", *, max_dims: int = 3, max_side: int = 3,
              allow_empty: bool = True):
    """A hypothesis strategy for a tuple of `spec.arity` NumPy arrays of `dtype`.

    Shapes follow `spec.shapes`, `min_dims` and `extra["min_side"]` (dimensions
    of size 0 appear only when `allow_empty`); values satisfy `admissible`.
    """
    from hypothesis import strategies as st

    # built once here, not per draw: each @st.composite definition costs hypothesis a source
    # lookup (inspect.getsource), which was a third of the conformance suite's run time
    shape_strategy = _shapes(spec, max_dims, max_side, allow_empty)

    @st.composite
    def draw_arguments(draw):
        shapes = draw(shape_strategy)
        counts = [math.prod(s) for s in shapes]
        flat = draw(_values(spec, dtype, sum(counts)))
        np = _np()
        out, start = [], 0
        for shape, count in zip(shapes, counts):
            out.append(np.asarray(flat[start:start + count], dtype=dtype).reshape(shape))
            start += count
        return tuple(out)

    valid = spec.extra.get("valid")
    strategy = draw_arguments()
    return strategy.filter(lambda arrays: bool(valid(*arrays))) if valid else strategy


def _shapes(spec, max_dims, max_side, allow_empty):
    from hypothesis import strategies as st

    low_side = max(spec.extra.get("min_side", 0), 0 if allow_empty else 1)
    side = st.integers(low_side, max(low_side, max_side))
    min_dims = spec.min_dims
    top = max(max_dims, min_dims)

    @st.composite
    def draw_shapes(draw):
        kind = spec.shapes
        if kind in ("single", "same", "broadcast"):
            full = tuple(draw(st.lists(side, min_size=min_dims, max_size=top)))
            if kind != "broadcast":
                return (full,) * spec.arity
            # each argument: a trailing part of `full`, some axes squashed to 1 (unless
            # min_side forbids it); one argument keeps every axis, so `full` is the result
            shapes = [full]
            for _ in range(spec.arity - 1):
                ndim = draw(st.integers(min_dims, len(full)))
                shapes.append(tuple(1 if low_side <= 1 and draw(st.booleans()) else n
                                    for n in full[len(full) - ndim:]))
            return tuple(draw(st.permutations(shapes)))
        if kind == "image":  # (N, C, H, W), big enough that 3x3 windows at stride 2 overlap,
            # and for arity 2 a (OC, C, 3, 3) weight
            n, c, oc = draw(st.integers(1, 2)), draw(st.integers(1, 2)), draw(st.integers(1, 2))
            h, w = draw(st.integers(5, 6)), draw(st.integers(5, 6))
            return ((n, c, h, w), (oc, c, 3, 3))[:spec.arity]
        n, k, m = draw(side), draw(side), draw(side)
        if kind == "dot":
            return (k,), (k,)
        if kind == "mm":
            return (n, k), (k, m)
        if kind == "bmm":
            b = draw(side)
            return (b, n, k), (b, k, m)
        batch = tuple(draw(st.lists(side, max_size=max(top - 2, 0))))
        other = tuple(1 if draw(st.booleans()) else n
                      for n in batch[len(batch) - draw(st.integers(0, len(batch))):])
        if kind == "matmul":
            first, second = draw(st.permutations([batch, other]))
            return first + (n, k), second + (k, m)
        if kind == "matvec":
            return batch + (n, k), (k,)
        if kind == "vecmat":
            return (k,), batch + (k, m)
        raise ValueError(f"unknown shapes kind {kind!r} in op spec {spec.name!r}")

    return draw_shapes()


def _values(spec, dtype, count):
    """A strategy for a list of `count` Python numbers for `spec`'s arguments."""
    from hypothesis import strategies as st

    if dtype == "bool":
        return st.lists(st.booleans(), min_size=count, max_size=count)
    if _dt.is_integral(dtype):
        lo, hi = _dt.int_range(dtype)
        lo, hi = max(lo, math.ceil(spec.low)), min(hi, math.floor(spec.high))
        return st.lists(st.integers(lo, hi), min_size=count, max_size=count)
    margin = spec.extra.get("margin", MARGIN)
    kinks = spec.extra.get("kinks", ())
    width = 32 if dtype == "float32" else 64
    if spec.extra.get("distinct"):
        # distinct slots of a grid, each jittered inside its slot: neighbours stay >= margin apart
        slots = max(64, count)
        step = (spec.high - spec.low) / slots
        jitter = st.floats(0.25, 0.75)
        return st.tuples(
            st.lists(st.integers(0, slots - 1), unique=True, min_size=count, max_size=count),
            st.lists(jitter, min_size=count, max_size=count),
        ).map(lambda kj: [_fit(spec.low + (k + j) * step, width) for k, j in zip(*kj)]).filter(
            lambda values: all(abs(v - c) >= margin for v in values for c in kinks))
    low, high = spec.low, spec.high
    if width == 32:  # hypothesis wants bounds that float32 represents exactly
        np = _np()
        low32, high32 = np.float32(low), np.float32(high)
        low = float(low32 if low32 >= low else np.nextafter(low32, np.float32(np.inf)))
        high = float(high32 if high32 <= high else np.nextafter(high32, np.float32(-np.inf)))
    element = st.floats(low, high, allow_nan=False, allow_infinity=False, width=width,
                        allow_subnormal=False)
    if kinks:
        element = element.filter(lambda v: all(abs(v - c) >= margin for c in kinks))
    if spec.extra.get("zeros"):
        element = st.one_of(st.just(0.0), element)
    return st.lists(element, min_size=count, max_size=count)


def _fit(value, width):
    if width == 32:
        import struct
        return struct.unpack("f", struct.pack("f", value))[0]
    return value


# ---- kthvalue, mode, cov, corrcoef, histograms (ops/statistics.py), unique_consecutive and
# batched searchsorted (ops/sorting.py), complex numbers from parts (ops/complexes.py), and the
# short-time Fourier transform (tinytorch/spectral.py) -------------------------------------------

def _rows(a):
    """a as (variables, observations) for cov: 0-d and 1-d as one variable, more dims folded."""
    if a.ndim < 2:
        return a.reshape(1, -1)
    return a.reshape(a.shape[0], -1)


def _cov_weights(m, like):
    """Integer frequency weights 1, 2, 3, 1, ... and reliability weights 0.5, 0.75, 1, ... for
    m observations, on like's device (tinytorch) or as NumPy arrays (like=None)."""
    fw, aw = [i % 3 + 1 for i in range(m)], [0.5 + 0.25 * i for i in range(m)]
    if like is None:
        return _np().asarray(fw), _np().asarray(aw)
    tt = _tt()
    return (tt.tensor(fw, device=like.device),
            tt.tensor(aw, dtype=like.dtype, device=like.device))


def _np_kth(a, k):
    np = _np()
    return (np.take(np.sort(a, axis=-1), k - 1, axis=-1),
            np.take(np.argsort(a, axis=-1, kind="stable"), k - 1, axis=-1))


def _np_mode(a):
    """The most frequent value of each row (the smallest of those tied) and its last index (a
    nan, found only when all are nan, at its first)."""
    np = _np()
    rows = a.reshape(-1, a.shape[-1])
    values, indices = [], []
    for row in rows:  # each nan is a value of its own (found once), sorted after the numbers
        keys, counts = np.unique(row, return_counts=True, equal_nan=False)
        best = keys[np.argmax(counts)]
        values.append(best)
        indices.append(np.nonzero(row == best)[0][-1] if best == best else
                       np.nonzero(row != row)[0][0])
    shape = a.shape[:-1]
    return (np.asarray(values, dtype=a.dtype).reshape(shape),
            np.asarray(indices, dtype="int64").reshape(shape))


def _np_runs(a):
    """unique_consecutive of the flattened a: run values, each element's run, run lengths."""
    import itertools
    np = _np()
    flat = a.reshape(-1)
    groups = [(key, len(list(g))) for key, g in itertools.groupby(flat.tolist())]
    inverse = np.repeat(np.arange(len(groups)), [n for _, n in groups]).reshape(a.shape)
    return (np.asarray([k for k, _ in groups], dtype=a.dtype), inverse,
            np.asarray([n for _, n in groups], dtype="int64"))


def _np_searchsorted_rows(a, b, side):
    np = _np()
    seq = np.sort(a, axis=-1)
    if seq.ndim == 1:
        return np.searchsorted(seq, b, side=side)
    count = math.prod(seq.shape[:-1])
    rows, probes = seq.reshape(count, seq.shape[-1]), b.reshape(count, b.shape[-1])
    out = np.zeros((count, b.shape[-1]), dtype="int64")
    for i in range(count):
        out[i] = np.searchsorted(rows[i], probes[i], side=side)
    return out.reshape(b.shape)


def _hist_range(dims):
    return [v for _ in range(dims) for v in (-2.0, 2.0)]


def _np_stft(a, n_fft, hop):
    """stft of the flattened a with a periodic Hann window, constant padding, centred, by
    hand: (real, imaginary) of the one-sided spectrum (frequencies, frames)."""
    np = _np()
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)
    x = np.pad(a.reshape(-1), n_fft // 2)
    count = 1 + (len(x) - n_fft) // hop
    frames = np.stack([x[t * hop:t * hop + n_fft] * window for t in range(count)])
    spectrum = np.fft.fft(frames, axis=-1)[:, :n_fft // 2 + 1].T
    return np.stack([spectrum.real, spectrum.imag], -1)


def _tt_stft(a, n_fft, hop):
    tt = _tt()
    window = tt.hann_window(n_fft, dtype=a.dtype, device=a.device)
    return tt.stft(a.reshape(-1), n_fft, hop, window=window, pad_mode="constant",
                   return_complex=False)


def _tt_round_trip(a):
    """stft of the flattened x (Hann window, n_fft 4, hop 1, constant padding) as (real,
    imaginary) pairs, and istft of it: x again."""
    tt = _tt()
    x = a.reshape(-1)
    window = tt.hann_window(4, dtype=a.dtype, device=a.device)
    spectrum = tt.stft(x, 4, 1, window=window, pad_mode="constant", return_complex=True)
    return (tt.view_as_real(spectrum),
            tt.istft(spectrum, 4, 1, window=window, length=x.shape[0]))


def _np_round_trip(a):
    """_tt_round_trip by hand: frames, FFT, inverse real FFT, window, overlap-add, division
    by the overlap-added squared window."""
    np = _np()
    n, x = 4, a.reshape(-1)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
    spectrum = np.moveaxis(_np_stft(x, n, 1), 1, 0)  # (frames, frequencies, 2)
    frames = np.fft.irfft(spectrum[..., 0] + 1j * spectrum[..., 1], n, axis=-1) * window
    total = n + frames.shape[0] - 1
    summed, envelope = np.zeros(total, dtype=frames.dtype), np.zeros(total)
    for t, frame in enumerate(frames):
        summed[t:t + n] += frame
        envelope[t:t + n] += window ** 2
    keep = slice(n // 2, n // 2 + x.shape[0])
    return np.moveaxis(spectrum, 0, 1), summed[keep] / envelope[keep]


def _np_complex(a, b):
    """a + ib built from its parts (NumPy's a + 1j * b turns an infinite or nan b into a nan
    real part, through inf * 0)."""
    np = _np()
    a, b = np.broadcast_arrays(a, b)
    out = np.empty(a.shape, dtype=np.result_type(a.dtype, np.complex64))
    out.real, out.imag = a, b
    return out


OPS += [
    _spec("kthvalue", lambda a: tuple(a.kthvalue(1 + a.shape[-1] // 2)),
          lambda a: _np_kth(a, 1 + a.shape[-1] // 2), shapes="single",
          dtypes=("int8", "int16", "int32", "int64", "uint8", "float32", "float64"),
          min_dims=1, extra={"distinct": True, "min_side": 1}, functions=("Gather",)),
    _spec("mode", lambda a: tuple(_tt().mode(a)), _np_mode, shapes="single", dtypes=_N,
          min_dims=1, extra={"distinct": True, "min_side": 1}, functions=("Gather",)),
    _spec("float_power", lambda a, b: _tt().float_power(a.abs() + 0.5, b),
          lambda a, b: _np().float_power(_np().abs(a) + 0.5, b), arity=2,
          extra={"kinks": (0.0,)}, functions=("Pow", "Cast", "Abs", "Add")),
    _spec("cov", lambda a: _tt().cov(_rows(a)), lambda a: _np().cov(_rows(a)),
          shapes="single", extra={"min_side": 2}, functions=("Sum", "Sub", "Matmul", "Div")),
    _spec("cov_weights", lambda a: _tt().cov(_rows(a), correction=0, fweights=_cov_weights(
        _rows(a).shape[1], a)[0], aweights=_cov_weights(_rows(a).shape[1], a)[1]),
          lambda a: _np().cov(_rows(a), ddof=0, fweights=_cov_weights(_rows(a).shape[1],
                                                                      None)[0],
                              aweights=_cov_weights(_rows(a).shape[1], None)[1]),
          shapes="single", extra={"min_side": 2},
          functions=("Mul", "Sum", "Sub", "Matmul", "Div", "Cast")),
    _spec("corrcoef", lambda a: _tt().corrcoef(_rows(a)), lambda a: _np().corrcoef(_rows(a)),
          shapes="single", extra={"min_side": 2, "distinct": True},
          functions=("Sqrt", "Div", "Clamp", "Matmul")),
    _spec("histogram", lambda a: tuple(a.histogram(4, range=(-2.0, 2.0))),
          lambda a: _np().histogram(a, 4, (-2, 2)), shapes="single",
          extra={"kinks": (-2.0, -1.0, 0.0, 1.0, 2.0)}, differentiable=False),
    _spec("histogramdd", lambda a: (lambda h: (h.hist, *h.bin_edges))(_tt().histogramdd(
        a, 3, range=_hist_range(a.shape[-1]))),
          lambda a: (lambda h: (h[0], *h[1]))(_np().histogramdd(
              a.reshape(-1, a.shape[-1]), 3, range=[(-2.0, 2.0)] * a.shape[-1])),
          shapes="single", min_dims=2, extra={"kinks": (-2.0, -2 / 3, 2 / 3, 2.0),
                                              "min_side": 1},
          differentiable=False),
    _spec("unique_consecutive",
          lambda a: _tt().unique_consecutive(a, return_inverse=True, return_counts=True),
          _np_runs, shapes="single", dtypes=("int8", "int16", "int32", "int64", "uint8"),
          low=0.0, high=2.0, differentiable=False),
    *[_spec(f"searchsorted_rows_{side}",
            (lambda s: lambda a, b: _tt().searchsorted(_tt().sort(a, dim=-1).values, b,
                                                       side=s))(side),
            (lambda s: lambda a, b: _np_searchsorted_rows(a, b, s))(side), arity=2,
            shapes="same", dtypes=_N, min_dims=1, differentiable=False)
      for side in ("left", "right")],
    _spec("complex", lambda a, b: _parts(_tt().complex(a, b)),
          lambda a, b: _parts(_np_complex(a, b)), arity=2,
          functions=("Complex", "Real", "Imag", "BroadcastTo")),
    _spec("polar", lambda a, b: _parts(_tt().polar(a, b)),
          lambda a, b: _parts(_np_complex(a * _np().cos(b), a * _np().sin(b))), arity=2,
          functions=("Complex", "Mul", "Cos", "Sin")),
    _spec("view_as_real", lambda a, b: _tt().view_as_real(_tt().complex(a, b)),
          lambda a, b: _np().stack(_np().broadcast_arrays(a, b), -1), arity=2,
          functions=("Complex", "Real", "Imag", "Concat", "Reshape")),
    _spec("view_as_complex",
          lambda a, b: _parts(_tt().view_as_complex(_tt().stack([a, b], -1))),
          lambda a, b: _parts(_np_complex(a, b)), arity=2, shapes="same",
          functions=("Complex", "BasicIndex", "Concat")),
    _spec("stft", lambda a: _tt_stft(a, 4, 1), lambda a: _np_stft(a, 4, 1), shapes="single",
          extra={"min_side": 1},
          functions=("Transform", "Concat", "Mul", "Real", "Imag", "BasicIndex", "Permute")),
    _spec("stft_hop", lambda a: _tt_stft(a, 3, 2), lambda a: _np_stft(a, 3, 2),
          shapes="single", extra={"min_side": 1},
          functions=("Transform", "Concat", "Mul", "Real", "Imag", "BasicIndex", "Permute")),
    _spec("istft", _tt_round_trip, _np_round_trip, shapes="single",
          extra={"min_side": 1},
          functions=("Transform", "Real", "Conj", "Flip", "Concat", "Mul", "Add", "Div")),
]
