"""The array API's remaining manipulation, utility and linear-algebra functions, built from
tinytorch's own differentiable ops: take_along_axis, meshgrid, broadcast_arrays,
broadcast_shapes, unstack, cumulative_sum, cumulative_prod, diff, count_nonzero,
vecdot, tensordot, matrix_transpose, astype, and the standard's `repeat`.

Most are compositions (slicing, reshape, broadcast, matmul), so their
gradients come for free; cumulative_sum and cumulative_prod are Functions
of their own because a scan is one backend call.

`repeat` is the array API's (each element repeated, as PyTorch's
`repeat_interleave`); PyTorch's `Tensor.repeat(*sizes)` tiles, and stays
the method of that name (docs/array-api.md has the table of such conflicts).

Assumes: cumulative_prod's gradient divides by the input, so it is exact
only where the input has no zeros (documented; PyTorch has a slower exact
path for zeros).
Production does instead: PyTorch implements these as native kernels with
their own backward formulas, and tensordot by reshaping to one GEMM as here.
"""

from __future__ import annotations

from .. import dtypes as _dt
from ..autograd import Function
from ..errors import TensorIndexError
from ..tensor import Tensor
from .convert import cast
from .elementwise import mul, sub
from .index import gather, getitem
from .linalg import matmul
from .plumbing import check_same_device, int_tuple, promote, tensor_list
from .plumbing import conj as conj_of
from .reduce import integer_accumulator
from .reduce import sum as _sum
from .shape import broadcast_to, permute, reshape, transpose, unbind

__all__ = ["take_along_axis", "meshgrid", "broadcast_arrays", "broadcast_shapes", "unstack",
           "cumulative_sum", "cumulative_prod", "cumsum", "cumprod", "diff", "count_nonzero",
           "vecdot", "tensordot", "matrix_transpose", "astype", "repeat",
           "repeat_interleave", "moveaxis", "movedim"]


def _axis(ndim, axis, name):
    span = max(ndim, 1)
    if not isinstance(axis, int) or not -span <= axis < span:
        raise TensorIndexError(f"{name}: axis {axis!r} is out of range for a {ndim}-d tensor "
                               f"(expected an int in [{-span}, {span - 1}])")
    return axis % span


def broadcast_shapes(*shapes) -> tuple:
    """The shape all `shapes` broadcast to; a ValueError naming them if they don't."""
    shapes = [int_tuple("broadcast_shapes", "each shape", s) for s in shapes]
    if any(n < 0 for s in shapes for n in s):
        raise ValueError(f"broadcast_shapes(): sizes must be non-negative, got "
                         f"{', '.join(map(str, shapes))}")
    ndim = max((len(s) for s in shapes), default=0)
    out = [1] * ndim
    for shape in shapes:
        for i, n in enumerate(shape, ndim - len(shape)):
            if n != out[i] and out[i] != 1 and n != 1:
                raise ValueError(f"shapes {', '.join(map(str, map(tuple, shapes)))} do not "
                                 f"broadcast: axis {i - ndim} has sizes {out[i]} and {n}.")
            out[i] = n if out[i] == 1 else out[i]
    return tuple(out)


def broadcast_arrays(*arrays):
    """Each tensor broadcast to their common shape (differentiable views)."""
    if len(arrays) == 1 and isinstance(arrays[0], (list, tuple)):
        arrays = arrays[0]
    arrays = tensor_list("broadcast_arrays", arrays)
    for a in arrays[1:]:
        check_same_device("broadcast_arrays", arrays[0].device, a.device)
    shape = broadcast_shapes(*(a.shape for a in arrays))
    return [a if a.shape == shape else broadcast_to(a, shape) for a in arrays]


def meshgrid(*arrays, indexing="xy"):
    """Coordinate grids from 1-D tensors; "xy" (Cartesian, the standard's default) or "ij"."""
    if len(arrays) == 1 and isinstance(arrays[0], (list, tuple)):
        arrays = arrays[0]
    arrays = tensor_list("meshgrid", arrays)
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid indexing must be 'xy' or 'ij', got {indexing!r}")
    if any(a.ndim != 1 for a in arrays):
        raise ValueError(f"meshgrid needs 1-D tensors, got shapes {[a.shape for a in arrays]}")
    for a in arrays[1:]:
        check_same_device("meshgrid", arrays[0].device, a.device)
    sizes = [a.shape[0] for a in arrays]
    if indexing == "xy" and len(arrays) > 1:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    grids = []
    for i, a in enumerate(arrays):
        axis = (1 - i if i < 2 else i) if indexing == "xy" and len(arrays) > 1 else i
        shape = [1] * len(arrays)
        shape[axis] = a.shape[0]
        grids.append(broadcast_to(reshape(a, tuple(shape)), tuple(sizes)))
    return grids


def moveaxis(x, source, destination, /):
    """Move axes `source` (an int or a tuple) to positions `destination`, keeping the rest."""
    many = isinstance(source, (tuple, list))
    sources = [_axis(x.ndim, d, "moveaxis") for d in (source if many else (source,))]
    targets = [_axis(x.ndim, d, "moveaxis") for d in (destination if isinstance(
        destination, (tuple, list)) else (destination,))]
    if len(sources) != len(targets) or len(set(sources)) != len(sources):
        raise ValueError(f"moveaxis needs as many distinct source axes as destinations, got "
                         f"{source} and {destination}")
    order = [d for d in range(x.ndim) if d not in sources]
    for target, src in sorted(zip(targets, sources)):
        order.insert(target, src)
    return permute(x, order)


movedim = moveaxis


def unstack(x, /, *, axis=0):
    if x.ndim == 0:
        raise ValueError("unstack needs a tensor with at least one axis, got a 0-d tensor")
    axis = _axis(x.ndim, axis, "unstack")
    return () if x.shape[axis] == 0 else unbind(x, axis)


def take_along_axis(x, indices, /, *, axis=-1):
    """Values of `x` at `indices` along `axis` (PyTorch's gather, with broadcasting)."""
    x, indices = tensor_list("take_along_axis", (x, indices))
    if x.ndim == 0:
        raise ValueError("take_along_axis needs x with at least one axis, got a 0-d tensor; "
                         "reshape it first, e.g. x.reshape(1).")
    axis = _axis(x.ndim, axis, "take_along_axis")
    if indices.ndim != x.ndim:
        raise ValueError(f"take_along_axis needs indices with x's number of axes ({x.ndim}), "
                         f"got shape {indices.shape}")
    x_shape = list(broadcast_shapes(x.shape[:axis] + (1,) + x.shape[axis + 1:],
                                    indices.shape[:axis] + (1,) + indices.shape[axis + 1:]))
    i_shape = list(x_shape)
    x_shape[axis], i_shape[axis] = x.shape[axis], indices.shape[axis]
    x = x if x.shape == tuple(x_shape) else broadcast_to(x, tuple(x_shape))
    indices = indices if indices.shape == tuple(i_shape) else broadcast_to(indices,
                                                                          tuple(i_shape))
    return gather(x, axis, indices)


# ---- scans ---------------------------------------------------------------------------------

class CumulativeSum(Function):
    def forward(self, a, axis):
        self.axis = axis
        # dtype=: NumPy would widen small integers; the front end already chose the dtype
        return self.xp.cumulative_sum(a, axis=axis, dtype=a.dtype)

    def backward(self, grad):  # each input feeds every later output: a reversed scan
        xp = self.xp
        flipped = xp.flip(grad, axis=self.axis)
        return xp.flip(xp.cumulative_sum(flipped, axis=self.axis), axis=self.axis), None


class CumulativeProd(Function):
    def forward(self, a, axis):
        self.axis = axis
        out = self.xp.cumulative_prod(a, axis=axis, dtype=a.dtype)
        self.save_for_backward(a, out)
        return out

    def backward(self, grad):  # d out_j / d a_i = out_j / a_i for j >= i (inputs without zeros)
        xp = self.xp
        a, out = self.saved
        scanned = xp.flip(xp.cumulative_sum(xp.flip(grad * conj_of(self, out), axis=self.axis),
                                            axis=self.axis), axis=self.axis)
        return scanned / conj_of(self, a), None


def _scan(fn, name, standard=True):
    def scan(x, /, *, axis=None, dtype=None, include_initial=False, dim=None):
        if dim is not None:
            axis = dim
        if dtype is not None:
            x = cast(x, dtype)
        elif _dt.is_integral(x.dtype) or x.dtype == "bool":
            # as sum does: int64, or uint64 for unsigned input under the array API's rule
            x = cast(x, integer_accumulator(x, standard))
        if axis is None:
            if x.ndim > 1:
                raise ValueError(f"{name} needs axis= for a {x.ndim}-d tensor (the standard "
                                 f"leaves it optional only for 1-d input)")
            x = reshape(x, (-1,))
            axis = 0
        axis = _axis(x.ndim, axis, name)
        out = fn.apply(x, axis)
        if include_initial:
            from ..creation import full
            from .shape import cat
            shape = list(x.shape)
            shape[axis] = 1
            first = full(tuple(shape), 0 if fn is CumulativeSum else 1, dtype=out.dtype,
                         device=out.device)
            out = cat([first, out], dim=axis)
        return out
    scan.__name__ = name
    return scan


cumulative_sum = _scan(CumulativeSum, "cumulative_sum")
cumulative_prod = _scan(CumulativeProd, "cumulative_prod")
_torch_cumsum = _scan(CumulativeSum, "cumsum", standard=False)
_torch_cumprod = _scan(CumulativeProd, "cumprod", standard=False)


def cumsum(input, dim, *, dtype=None):  # noqa: A002 - PyTorch's spelling, and integer dtypes
    return _torch_cumsum(input, axis=dim, dtype=dtype)


def cumprod(input, dim, *, dtype=None):  # noqa: A002
    return _torch_cumprod(input, axis=dim, dtype=dtype)


def diff(x, /, *, axis=-1, n=1, prepend=None, append=None, dim=None):
    """The n-th forward difference along `axis`: x[1:] - x[:-1], n times (differentiable)."""
    from .shape import cat
    if dim is not None:
        axis = dim
    if x.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional, got a 0-d tensor. "
                           "Reshape it first, e.g. x.reshape(1).")
    axis = _axis(x.ndim, axis, "diff")
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"diff order n must be a non-negative int, got {n!r}")
    parts = [p for p in (prepend, x, append) if p is not None]
    if len(parts) > 1:
        x = cat(parts, dim=axis)
    lead = (slice(None),) * axis
    for _ in range(min(n, x.shape[axis])):  # each pass shortens the axis by one; once it is
        # empty, more passes change nothing (and n may be huge)
        x = sub(getitem(x, lead + (slice(1, None),)), getitem(x, lead + (slice(None, -1),)))
    return x


def count_nonzero(x, /, *, axis=None, keepdims=False, dim=None):
    """The number of non-zero elements (int64), over all axes or `axis`."""
    from .logic import ne
    return _sum(cast(ne(x, 0), "int64"), dim if dim is not None else axis, keepdims)


# ---- products ------------------------------------------------------------------------------

def matrix_transpose(x, /):
    if x.ndim < 2:
        raise ValueError(f"matrix_transpose needs at least 2 axes, got shape {x.shape}")
    return transpose(x, -2, -1)


def vecdot(x1, x2, /, *, axis=-1, dim=None):
    """sum(conj(x1) * x2) along `axis`, after broadcasting (the standard's vecdot)."""
    from .math import conj
    if dim is not None:
        axis = dim
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise TypeError(f"vecdot(): axis must be an int, got {type(axis).__name__} ({axis!r})")
    a, b = promote(x1, x2)
    ndim = max(a.ndim, b.ndim)
    if not -ndim <= axis < 0 and not 0 <= axis < ndim:
        raise ValueError(f"vecdot axis {axis} is out of range for shapes {a.shape}, {b.shape}")
    if axis >= 0:
        axis -= ndim
    fewest = min(a.ndim, b.ndim)
    if -axis > fewest:  # the standard: the contracted axis is never broadcast
        allowed = f"axis must lie in [-{fewest}, -1]" if fewest else "a 0-d input has none"
        raise ValueError(f"vecdot axis {axis} is not an axis of both inputs (shapes {a.shape} "
                         f"and {b.shape}): the contracted axis is not broadcast, so each input "
                         f"needs it ({allowed}). To broadcast it as PyTorch's vecdot does, "
                         f"write (x1.conj() * x2).sum({axis}).")
    if a.shape[axis] != b.shape[axis]:
        raise ValueError(f"vecdot needs equal sizes along axis {axis}, got shapes {a.shape} and "
                         f"{b.shape}")
    out = _sum(mul(conj(a), b), axis)
    return out if out.dtype == a.dtype else cast(out, a.dtype)  # the standard keeps the dtype


def tensordot(x1, x2, /, *, axes=2, dims=None):
    """Sum of products over `axes` of x1 and x2 (an int n: x1's last n with x2's first n)."""
    if dims is not None:
        axes = dims
    a, b = promote(x1, x2, broadcast=False)
    if not isinstance(axes, (tuple, list)):
        (axes,) = int_tuple("tensordot", "axes", axes)
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise ValueError(f"tensordot axes={axes} must be in [0, {min(a.ndim, b.ndim)}] for "
                             f"x1 of shape {a.shape} and x2 of shape {b.shape}")
        axes_a, axes_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        if len(axes) != 2:
            raise ValueError(f"tensordot axes must be an int or a pair of axis lists, got {axes!r}")
        axes_a, axes_b = (list(int_tuple("tensordot", "axes", part)) for part in axes)
        axes_a = [_axis(a.ndim, d, "tensordot") for d in axes_a]
        axes_b = [_axis(b.ndim, d, "tensordot") for d in axes_b]
    if [a.shape[i] for i in axes_a] != [b.shape[i] for i in axes_b]:
        raise ValueError(f"tensordot: contracted sizes differ: {[a.shape[i] for i in axes_a]} "
                         f"of x1 (shape {a.shape}) and {[b.shape[i] for i in axes_b]} of x2 "
                         f"(shape {b.shape})")
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [i for i in range(b.ndim) if i not in axes_b]
    k = 1
    for i in axes_a:
        k *= a.shape[i]
    left = reshape(permute(a, free_a + axes_a), (-1, k) if a.size else (_prod(
        a.shape[i] for i in free_a), k))
    right = reshape(permute(b, axes_b + free_b), (k, -1) if b.size else (k, _prod(
        b.shape[i] for i in free_b)))
    out = matmul(left, right)
    return reshape(out, tuple(a.shape[i] for i in free_a) + tuple(b.shape[i] for i in free_b))


def _prod(sizes):
    n = 1
    for s in sizes:
        n *= s
    return n


def astype(x, dtype, /, *, copy=True, device=None):
    """The array API's astype: a cast (a copy unless copy=False and nothing changes)."""
    from .convert import clone, to_device
    out = cast(x, dtype)
    if device is not None:
        out = to_device(out, device)
    return clone(out) if copy and out is x else out


def repeat(x, repeats, /, *sizes, axis=None):
    """The array API's repeat: each element `repeats` times along `axis` (flattened if None).

    PyTorch's tiling `Tensor.repeat(*sizes)` is the method `x.repeat(2, 3)` (or `tile`).
    """
    if sizes or isinstance(repeats, (tuple, list)):
        raise TypeError(f"tinytorch.repeat(x, repeats, axis=None) is the array API's repeat "
                        f"(each element repeated, like repeat_interleave), and takes one count "
                        f"or a tensor of counts. For PyTorch's tiling Tensor.repeat(*sizes) "
                        f"call the method x.repeat(...) or tinytorch.tile(x, sizes); got sizes "
                        f"{(repeats, *sizes)}.")
    if axis is None or x.ndim == 0:  # a 0-d tensor repeats as the 1-element vector it holds
        x, axis = reshape(x, (-1,)), 0 if axis is None or axis in (0, -1) else axis
    axis = _axis(x.ndim, axis, "repeat")
    n = x.shape[axis]
    if isinstance(repeats, Tensor):
        if not _dt.is_integral(repeats.dtype):
            raise TypeError(f"repeat(): a tensor of repeats must hold integers, got "
                            f"{repeats.dtype}; convert with repeats.long().")
        counts = [int(r) for r in repeats.tolist()] if repeats.ndim else [int(repeats)] * n
        if len(counts) == 1:  # one count broadcasts over the axis, as the standard allows
            counts = counts * n
    else:
        counts = list(int_tuple("repeat", "repeats", repeats)) * n
    if len(counts) != n or any(c < 0 for c in counts):
        raise ValueError(f"repeat needs one non-negative count per element along axis {axis} "
                         f"({n}), got {counts}")
    from ..creation import _allocating, arange, as_tensor
    xp, index = x.device.xp, arange(n, device=x.device)._data
    # the backend repeats the positions: a Python list of a huge count would exhaust memory
    with _allocating((sum(counts),), "int64"):
        positions = Tensor._wrap(xp.repeat(index, as_tensor(counts, dtype="int64",
                                                            device=x.device)._data), x.device)
    from .index import take
    return take(x, positions, axis)


def repeat_interleave(input, repeats, dim=None):  # noqa: A002
    return repeat(input, repeats, axis=dim)
