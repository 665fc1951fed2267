"""Index-driven reads and writes along a dimension: PyTorch's index_select, masked_select,
take_along_dim, index_add, index_copy, index_fill, scatter, scatter_add and scatter_reduce.

What it does: each is a few lines over the indexing ops. Reads are `take`
and boolean indexing; writes are one `IndexAdd` node (a backend
scatter-add, whose backward is a `take`) or a `setitem` into a copy.
`scatter`, `scatter_add` and `scatter_reduce` turn their (index, dim) pairs
into flat positions of the input, so all reduce to the one-dimensional case.
scatter_reduce's "sum" and "mean" are scatter-adds (of the values, and of
ones for the counts); "prod", "amax" and "amin" sort the values by the
position they land at and combine each run of equal positions with a
segmented scan by doubling (log2(n) rounds of `where` over shifted copies),
whose last entry per run is that position's result. prod's gradient comes
from the scan's multiplications (exact with zeros); amax and amin scan
without a graph and add a term that is 0 in value but gives PyTorch's
gradient: shared evenly by every value equal to the result.

Assumes: indices are checked against the sizes they index (one host sync
per call, as PyTorch's CPU kernels check too); scatter with repeated
positions keeps the last value written (PyTorch leaves the winner
unspecified); scatter_reduce's prod sums in a different order from
PyTorch's (results differ in the last bits), and an infinite amax/amin
result passes no gradient; the inputs are copied, never written through: the in-place
methods (`index_add_`, `scatter_`, ...) swap the result in afterwards.
Production does instead: PyTorch has dedicated gather/scatter kernels
(atomic adds on GPUs) that write into the tensor's storage in place.
"""

from __future__ import annotations

import math

from .. import dtypes as _dt
from ..autograd import Function
from ..errors import TensorIndexError
from ..tensor import Tensor
from .convert import cast, clone
from .elementwise import add, div, floor_divide, mul, sub
from .index import getitem, setitem, take
from .logic import eq, isfinite, logical_not, ne
from .manipulation import broadcast_arrays, cumsum, take_along_axis
from .plumbing import check_same_device, normalize_dim, real_only
from .select import masked_fill, maximum, minimum, where
from .shape import broadcast_to, cat, reshape
from .sorting import argsort

__all__ = ["index_select", "masked_select", "take_along_dim", "index_add", "index_copy",
           "index_fill", "scatter", "scatter_add", "scatter_reduce", "index_put",
           "masked_scatter"]


def _tensor(name, argument, value):
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument '{argument}' must be a Tensor, not "
                        f"{type(value).__name__}. Wrap data with tinytorch.tensor(...) first.")
    return value


def _vector_index(name, index, size):
    """A 0-d or 1-d integer index as a 1-d int64 tensor, every entry checked to be in [-size,
    size) and negative ones wrapped (PyTorch's index_* ops take 0-d and 1-d indices)."""
    if index.ndim > 1 or not _dt.is_integral(index.dtype) or index.dtype == "bool":
        raise TensorIndexError(f"{name}(): index must be a 0-d or 1-d integer (int64) tensor, "
                               f"got shape {list(index.shape)} and dtype {index.dtype}")
    return _in_range(name, reshape(index, (-1,)), size, negative=True)


def _in_range(name, index, size, negative):
    xp, data = index.device.xp, index._data
    low = -size if negative else 0
    if 0 not in data.shape and (bool(xp.any(data >= size)) or bool(xp.any(data < low))):
        bad = int(xp.max(data)) if bool(xp.any(data >= size)) else int(xp.min(data))
        raise TensorIndexError(f"{name}(): index {bad} is out of bounds for dimension with size "
                               f"{size} (valid: {low} to {size - 1})")
    data = xp.where(data < 0, data + size, data) if negative else data
    return Tensor._wrap(xp.astype(data, index.device._backend.dtype("int64")), index.device)


def _same_dtype(name, input, other, argument):  # noqa: A002
    check_same_device(name, input.device, other.device)
    if other.dtype != input.dtype:
        raise RuntimeError(f"{name}(): self ({input.dtype}) and {argument} ({other.dtype}) must "
                           f"have the same dtype. Cast first, e.g. {argument}.to({input.dtype!r}).")


# ---- reads -----------------------------------------------------------------------------------

def index_select(input, dim, index):  # noqa: A002
    """The entries of `input` at the 1-d `index` along `dim` (a `take`)."""
    x = reshape(input, (1,)) if input.ndim == 0 else input
    dim = normalize_dim(dim, x.ndim)
    out = take(x, _vector_index("index_select", index, x.shape[dim]), dim)
    return reshape(out, ()) if input.ndim == 0 and index.ndim == 0 else out


def masked_select(input, mask):  # noqa: A002
    """The 1-d tensor of input's entries where the bool `mask` holds (they broadcast)."""
    if mask.dtype != "bool":
        raise TypeError(f"masked_select(): mask must be a bool tensor, got {mask.dtype}. Build "
                        f"it with a comparison, e.g. x > 0.")
    x, m = broadcast_arrays(input, mask)
    return getitem(reshape(x, (-1,)), reshape(m, (-1,)))


def take_along_dim(input, indices, dim=None):  # noqa: A002
    """Values at `indices` along `dim` (both flattened when dim is None), as PyTorch's."""
    _tensor("take_along_dim", "indices", indices)
    if dim is None:
        return take(reshape(input, (-1,)), reshape(indices, (-1,)))
    return take_along_axis(input, indices, axis=dim)


# ---- writes along one dimension --------------------------------------------------------------

class IndexAdd(Function):
    """input with `source` added at `index` along `axis`; repeated indices accumulate."""

    def forward(self, a, source, index, axis):
        self.axis = axis
        self.save_for_backward(index)
        zeros = self.xp.zeros(a.shape, dtype=a.dtype, device=a.device)
        return a + self.device._backend.scatter_add(self.xp, zeros, axis, index, source)

    def backward(self, grad):
        (index,) = self.saved  # each source entry landed at one position: read it back
        return grad, self.xp.take(grad, index, axis=self.axis), None, None


def _along(name, input, dim, index, source):  # noqa: A002
    """Checked (input as >= 1-d, dim, 1-d index, source) of index_add and index_copy."""
    _tensor(name, "source", source)
    x = reshape(input, (1,)) if input.ndim == 0 else input
    src = reshape(source, (1,)) if source.ndim == 0 else source
    dim = normalize_dim(dim, x.ndim)
    index = _vector_index(name, index, x.shape[dim])
    _same_dtype(name, x, src, "source")
    want = x.shape[:dim] + (index.shape[0],) + x.shape[dim + 1:]
    if src.shape != want:
        raise RuntimeError(f"{name}(): source must have shape {list(want)} (input's shape with "
                           f"len(index) = {index.shape[0]} at dim {dim}), got "
                           f"{list(source.shape)}")
    return x, dim, index, src


def index_add(input, dim, index, source, *, alpha=1):  # noqa: A002
    """input with alpha * source added at `index` along `dim` (repeats add up)."""
    x, dim, index, src = _along("index_add", input, dim, index, source)
    if x.dtype == "bool":
        raise TypeError("index_add is not supported for bool tensors; cast first, e.g. "
                        "x.to('int64')")
    if alpha != 1:
        src = mul(src, alpha)
        src = src if src.dtype == x.dtype else cast(src, x.dtype)
    return reshape(IndexAdd.apply(x, src, index._data, dim), input.shape)



# ---- writes by index, out of place (the Tensor methods ending in _ write in place) -----------

def index_put(input, indices, values, accumulate=False):  # noqa: A002
    """A copy of input with input[indices] = values (indices: a tuple of index tensors, as
    in advanced indexing); accumulate=True adds instead, summing repeated positions."""
    from ..creation import arange
    if not isinstance(indices, (tuple, list)) or not all(isinstance(i, Tensor) for i in indices):
        raise TypeError(f"index_put(): indices must be a tuple of tensors, got "
                        f"{type(indices).__name__}")
    key = tuple(indices)
    if not accumulate:
        out = input.clone()
        setitem(out, key, values)
        return out
    # the flat position of every indexed element (trailing dimensions taken whole), so that
    # index_add can sum the values that land on the same place
    positions = reshape(arange(input.numel(), device=input.device), input.shape)[key]
    values = values if isinstance(values, Tensor) else _scalar_like(values, input)
    flat = index_add(reshape(input, (-1,)), 0, reshape(positions, (-1,)),
                     reshape(broadcast_to(values.to(dtype=input.dtype), positions.shape), (-1,)))
    return reshape(flat, input.shape)


def masked_scatter(input, mask, source):  # noqa: A002
    """A copy of input whose positions where `mask` is True take source's elements in order
    (row-major): the k-th True position gets source.reshape(-1)[k]."""
    if not isinstance(mask, Tensor) or mask.dtype != "bool":
        raise TypeError(f"masked_scatter(): mask must be a bool tensor, got "
                        f"{getattr(mask, 'dtype', type(mask).__name__)}")
    mask = broadcast_to(mask, input.shape)
    flat_source = reshape(source, (-1,))
    count = int(mask.sum().item())
    if count > flat_source.shape[0]:
        raise RuntimeError(f"masked_scatter(): the mask selects {count} elements but source has "
                           f"only {flat_source.shape[0]}")
    order = cumsum(reshape(mask, (-1,)), 0) - 1  # the source element each True position takes
    picked = take(flat_source, order.clamp(min=0))
    return where(mask, reshape(picked, input.shape).to(dtype=input.dtype), input)


def _scalar_like(value, like):
    from ..creation import full
    return full((), value, dtype=like.dtype, device=like.device)


def index_copy(input, dim, index, source):  # noqa: A002
    """input with the slices of `source` written at `index` along `dim` (last write wins)."""
    x, dim, index, src = _along("index_copy", input, dim, index, source)
    out = clone(x)
    setitem(out, (slice(None),) * dim + (index,), src)
    return reshape(out, input.shape)


def index_fill(input, dim, index, value):  # noqa: A002
    """input with `value` (a number or 0-d tensor) at `index` along `dim`."""
    x = reshape(input, (1,)) if input.ndim == 0 else input
    dim = normalize_dim(dim, x.ndim)
    index = _vector_index("index_fill", index, x.shape[dim])
    xp, n = x.device.xp, x.shape[dim]
    positions = xp.arange(n, dtype=index._data.dtype, device=x.device.native)
    hit = xp.any(positions[:, None] == index._data[None, :], axis=1) if index.shape[0] else \
        positions < 0
    shape = (1,) * dim + (n,) + (1,) * (x.ndim - dim - 1)
    mask = Tensor._wrap(xp.reshape(hit, shape), x.device)
    return reshape(masked_fill(x, mask, value), input.shape)


# ---- scatter: writes at an index per element -------------------------------------------------

def _flat_positions(name, input, dim, index, src):  # noqa: A002
    """The flat positions in `input` that scatter writes (index's shape, C order), and the part
    of `src` (a tensor) that is written, flattened."""
    if not _dt.is_integral(index.dtype) or index.dtype == "bool":
        raise TensorIndexError(f"{name}(): index must be an integer (int64) tensor, got "
                               f"{index.dtype}")
    ndim = max(input.ndim, 1)
    if index.ndim != input.ndim and not (index.ndim <= 1 and input.ndim <= 1):
        raise RuntimeError(f"{name}(): index must have as many dimensions as input ({input.ndim})"
                           f", got {index.ndim}")
    shape_in = input.shape or (1,)
    shape_ix = index.shape or (1,)
    dim = normalize_dim(dim, ndim)
    for d in range(ndim):
        if d != dim and shape_ix[d] > shape_in[d]:
            raise RuntimeError(f"{name}(): index {list(index.shape)} is larger than input "
                               f"{list(input.shape)} at dimension {d}; it may only be larger "
                               f"at dim {dim}")
    if src is not None:
        shape_src = src.shape or (1,)
        if len(shape_src) != ndim or any(i > s for i, s in zip(shape_ix, shape_src)):
            raise RuntimeError(f"{name}(): index {list(index.shape)} must not be larger than "
                               f"src {list(src.shape)} at any dimension")
        src = getitem(reshape(src, shape_src), tuple(slice(0, n) for n in shape_ix))
        src = reshape(src, (-1,))
    index = _in_range(name, reshape(index, shape_ix), shape_in[dim], negative=False)
    xp, native = input.device.xp, input.device.native
    linear = None
    strides = [math.prod(shape_in[d + 1:]) for d in range(ndim)]
    for d in range(ndim):
        if d == dim:
            coord = index._data
        else:
            coord = xp.reshape(xp.arange(shape_ix[d], dtype=index._data.dtype, device=native),
                               (1,) * d + (shape_ix[d],) + (1,) * (ndim - d - 1))
        term = coord * strides[d]
        linear = term if linear is None else linear + term
    linear = xp.reshape(xp.broadcast_to(linear, shape_ix), (-1,))
    return Tensor._wrap(linear, input.device), src


def scatter_add(input, dim, index, src):  # noqa: A002
    """out[index[i][j]][j] += src[i][j] for dim=0 (likewise for other dims); repeats add up."""
    _tensor("scatter_add", "src", src)
    _same_dtype("scatter_add", input, src, "src")
    linear, values = _flat_positions("scatter_add", input, dim, index, src)
    return reshape(index_add(reshape(input, (-1,)), 0, linear, values), input.shape)


def scatter(input, dim, index, src=None, value=None, *, reduce=None):  # noqa: A002
    """out[index[i][j]][j] = src[i][j] for dim=0 (likewise for other dims); `src` may be a
    number (or pass value=); reduce='add' is scatter_add, reduce='multiply' multiplies the
    values into input (PyTorch's older spellings of scatter_reduce's "sum" and "prod")."""
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() needs src (a tensor or a number) or value=")
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise ValueError(f"scatter(): reduce must be 'add' or 'multiply', got {reduce!r}; "
                             f"for 'mean', 'amax' or 'amin' use scatter_reduce")
        if not isinstance(src, Tensor):
            src = _filled(input, index, src)
        if reduce == "multiply":
            return scatter_reduce(input, dim, index, src, "prod")
        return scatter_add(input, dim, index, src)
    if isinstance(src, Tensor):
        _same_dtype("scatter", input, src, "src")
        linear, values = _flat_positions("scatter", input, dim, index, src)
    else:
        linear, _ = _flat_positions("scatter", input, dim, index, None)
        values = _filled(input, linear, src)
    out = clone(reshape(input, (-1,)))
    setitem(out, linear, values)
    return reshape(out, input.shape)


def _filled(input, like, value):  # noqa: A002
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"scatter(): src must be a Tensor or a number, got "
                        f"{type(value).__name__}")
    from ..creation import full
    return full(like.shape, value, dtype=input.dtype, device=input.device)


# ---- scatter_reduce: every value landing at a position, combined ------------------------------

_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):  # noqa: A002
    """Each position of input combined with every src value scattered to it (as `scatter`
    places them): reduce is 'sum', 'prod', 'mean', 'amax' or 'amin'. With include_self=False
    input's own value is left out where something lands; positions nothing lands on keep it."""
    _tensor("scatter_reduce", "src", src)
    if reduce not in _REDUCTIONS:
        raise ValueError(f"scatter_reduce(): reduce must be one of {', '.join(_REDUCTIONS)}; "
                         f"got {reduce!r}")
    if not isinstance(include_self, bool):
        raise TypeError(f"scatter_reduce(): include_self must be True or False, got "
                        f"{include_self!r}")
    _same_dtype("scatter_reduce", input, src, "src")
    if input.dtype == "bool":
        raise TypeError("scatter_reduce is not supported for bool tensors; cast first, e.g. "
                        "x.to('int64')")
    if reduce in ("amax", "amin"):
        real_only(f"scatter_reduce(reduce={reduce!r})", input)
    linear, values = _flat_positions("scatter_reduce", input, dim, index, src)
    flat = reshape(input, (-1,))
    # how many values land at each position; never differentiated
    counts = index_add(_full_like(flat, 0, "int64"), 0, linear, _full_like(linear, 1, "int64"))
    hit = ne(counts, 0)
    if reduce in ("sum", "mean"):
        out = index_add(flat if include_self else where(hit, 0, flat), 0, linear, values)
        if reduce == "mean":
            out = where(hit, _mean(out, add(counts, int(include_self))), flat)
    elif reduce == "prod":
        out = _combine(flat, linear, values, include_self, mul)
    else:
        out = _extreme(flat, linear, values, include_self, hit,
                       maximum if reduce == "amax" else minimum)
    return reshape(out, input.shape)


def _full_like(like, value, dtype):
    from ..creation import full
    return full(like.shape, value, dtype=dtype, device=like.device)


def _mean(total, n):
    """total / n, with PyTorch's floor division for integer dtypes (n is 0 only where nothing
    landed and self is left out: the caller keeps self there)."""
    n = where(eq(n, 0), 1, n)
    if _dt.is_integral(total.dtype):
        return floor_divide(total, cast(n, total.dtype))
    return div(total, cast(n, total.dtype))


def _combine(flat, linear, values, include_self, combine):
    """flat with each position's values (and its own, with include_self) combined by the
    associative `combine`; positions nothing lands on keep flat's value."""
    from ..creation import arange
    positions, pool = linear, values
    if include_self:
        positions = cat([arange(flat.shape[0], dtype="int64", device=flat.device), linear])
        pool = cat([flat, values])
    n = pool.shape[0]
    if n == 0:
        return flat
    order = argsort(positions, stable=True)
    positions, pool = take(positions, order), take(pool, order)
    # segmented inclusive scan: after the round with shift `step`, entry k holds its run's
    # values from max(run start, k - 2 * step + 1) to k; a run is one target position
    step = 1
    while step < n:
        same = eq(getitem(positions, slice(step, None)), getitem(positions, slice(None, -step)))
        head, tail = getitem(pool, slice(None, step)), getitem(pool, slice(step, None))
        joined = combine(tail, getitem(pool, slice(None, -step)))
        pool = cat([head, where(same, joined, tail)])
        step *= 2
    # the last entry of each run holds the whole run
    last = cat([ne(getitem(positions, slice(1, None)), getitem(positions, slice(None, -1))),
                _full_like(getitem(positions, slice(0, 1)), True, "bool")])
    out = clone(flat)
    setitem(out, getitem(positions, last), getitem(pool, last))
    return out


def _extreme(flat, linear, values, include_self, hit, combine):
    """amax/amin: the values from a scan without a graph, plus a term that is 0 in value and
    passes the gradient evenly to every value equal to the result (PyTorch's rule)."""
    best = _combine(flat.detach(), linear, values.detach(), include_self, combine)
    if not (flat.requires_grad or values.requires_grad):
        return best
    at_src = eq(values.detach(), take(best, linear))
    # self counts where it is included, and where nothing lands (there the result is self)
    at_self = eq(flat.detach(), best) if include_self else logical_not(hit)
    dtype = flat.dtype
    ties = index_add(cast(at_self, dtype), 0, linear, cast(at_src, dtype))
    ties = where(eq(ties, 0), 1, ties)  # a nan result: nothing equals it
    src_share = where(at_src, div(values, take(ties, linear)), 0)
    share = index_add(where(at_self, div(flat, ties), 0), 0, linear, src_share)
    spread = sub(share, share.detach())
    return add(best, where(isfinite(share), spread, 0))
