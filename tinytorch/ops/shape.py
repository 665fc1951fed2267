"""Shape ops: reshape/view, flatten, permute/transpose, squeeze/unsqueeze, expand/broadcast_to,
cat/concat, stack, split/chunk, repeat/tile and flip.

Each has PyTorch's name and, where the array API standard names it
differently, that name too (concat, permute_dims, expand_dims). `squeeze`
of an axis whose size is not 1 raises a ValueError when the axis is given
the standard's way (`squeeze(x, axis)`) and leaves it with PyTorch's
(`x.squeeze(d)`, `squeeze(x, dim=d)`); docs/array-api.md has the table.
Assumes: `view` is `reshape` (any layout works; NumPy copies when it must).
Production does instead: PyTorch's `view` never copies and raises on
incompatible strides, because its tensors expose strides and storage
directly.
"""

from __future__ import annotations

import math
import operator

from .. import dtypes as _dt
from ..autograd import Function
from ..creation import MAX_DIMS, parse_sizes
from ..errors import TensorIndexError
from .convert import cast
from .plumbing import normalize_dim, tensor_list

__all__ = ["reshape", "view", "flatten", "permute", "permute_dims", "transpose", "swapaxes",
           "swapdims", "select", "t",
           "squeeze", "unsqueeze", "expand_dims", "expand", "broadcast_to", "cat", "concat",
           "concatenate", "stack", "split", "chunk", "tile", "flip", "narrow", "unbind"]




class Reshape(Function):
    view_of_input = True  # NumPy returns a view of the input's buffer

    def forward(self, a, shape):
        self.shape = a.shape
        return self.xp.reshape(a, shape)

    def backward(self, grad):
        return self.xp.reshape(grad, self.shape), None


def reshape(input, shape=None, *sizes, copy=None):  # noqa: A002
    """`reshape(x, 2, 3)` and `x.reshape(2, 3)` (PyTorch), or `reshape(x, shape=(2, 3))`."""
    if shape is None:
        raise TypeError("reshape() needs a shape, e.g. x.reshape(2, 3) or reshape(x, (2, 3))")
    shape = parse_sizes((shape, *sizes), negative_ok=(-1,))
    known = math.prod(s for s in shape if s != -1)
    size = input.numel()
    if shape.count(-1) > 1 or (shape.count(-1) == 0 and known != size) or (
            shape.count(-1) == 1 and (known == 0 or size % known)):
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size} (input "
                           f"shape {input.shape}). The new shape must hold the same number of "
                           f"elements; use -1 for at most one inferred dimension.")
    if shape == input.shape:
        return input
    return Reshape.apply(input, shape)


view = reshape


def flatten(input, start_dim=0, end_dim=-1):  # noqa: A002
    if input.ndim == 0:
        return reshape(input, 1)
    start, end = normalize_dim(start_dim, input.ndim), normalize_dim(end_dim, input.ndim)
    shape = input.shape
    merged = 1  # counted, not -1: -1 is ambiguous when a size is 0
    for n in shape[start:end + 1]:
        merged *= n
    return reshape(input, shape[:start] + (merged,) + shape[end + 1:])


class Permute(Function):
    view_of_input = True  # NumPy returns a view of the input's buffer

    def forward(self, a, axes):
        self.axes = axes
        return self.xp.permute_dims(a, axes)

    def backward(self, grad):
        inverse = [0] * len(self.axes)
        for i, a in enumerate(self.axes):
            inverse[a] = i
        return self.xp.permute_dims(grad, tuple(inverse)), None


def permute(input, *dims):  # noqa: A002
    dims = tuple(normalize_dim(d, input.ndim)
                 for d in parse_sizes(dims, negative_ok=range(-MAX_DIMS, 0)))
    if sorted(dims) != list(range(input.ndim)):
        raise RuntimeError(f"permute(): number of dimensions in the tensor input does not match "
                           f"the length of the desired ordering of dimensions: got dims {dims} "
                           f"for a tensor of shape {input.shape}. Name each axis exactly once.")
    if dims == tuple(range(input.ndim)):
        return input
    return Permute.apply(input, dims)


def permute_dims(x, /, axes):
    return permute(x, axes)


def transpose(input, dim0, dim1):  # noqa: A002
    dims = list(range(input.ndim))
    d0, d1 = normalize_dim(dim0, input.ndim, "dim0"), normalize_dim(dim1, input.ndim, "dim1")
    if not dims:  # a 0-d tensor accepts dims 0 and -1 and stays as it is, as in PyTorch
        return input
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return permute(input, dims)


swapaxes = swapdims = transpose


def select(input, dim, index):  # noqa: A002
    """The slice at `index` along `dim`, with that dimension removed (x.select(1, 0) is
    x[:, 0])."""
    if input.ndim == 0:
        raise TensorIndexError("select() cannot be applied to a 0-dim tensor: it has no "
                               "dimension to pick from; use the tensor itself")
    d = normalize_dim(dim, input.ndim)
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError(f"select(): index must be an int, got {type(index).__name__}")
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {dim}")
    return input[(slice(None),) * d + (index,)]


select.scalar_parameters = ("index",)  # an int here (errors.tensor_arguments)


def t(input):  # noqa: A002
    """Transpose a 2-D tensor; 0-D and 1-D tensors come back as they are (PyTorch's t())."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but it has {input.ndim} "
                           f"(shape {list(input.shape)}). Use transpose(dim0, dim1) or mT.")
    return transpose(input, 0, 1) if input.ndim == 2 else input


def squeeze(input, axis=None, *, dim=None):  # noqa: A002 - the standard's axis, PyTorch's dim
    """Remove size-1 axes: all of them (no axis given), or the ones named.

    The spelling decides what an axis whose size is not 1 does (docs/array-api.md): the array
    API's `squeeze(x, axis)` raises a ValueError, PyTorch's `dim=` (and the method
    `x.squeeze(d)`) leaves it as it is.
    """
    if axis is not None and dim is not None:
        raise TypeError(f"squeeze(): give the axes once, as axis (array API) or dim= (PyTorch), "
                        f"got axis={axis!r} and dim={dim!r}")
    chosen = axis if axis is not None else dim
    if chosen is None:
        return reshape(input, tuple(n for n in input.shape if n != 1))
    dims = {normalize_dim(d, input.ndim)
            for d in (chosen if isinstance(chosen, (tuple, list)) else (chosen,))}
    if axis is not None:
        kept = sorted(d for d in dims if d < input.ndim and input.shape[d] != 1)
        if kept:
            sizes = ", ".join(f"axis {d} has size {input.shape[d]}" for d in kept)
            raise ValueError(f"squeeze(x, axis={axis!r}) follows the array API, where only "
                             f"axes of size 1 can be removed: {sizes} (shape "
                             f"{tuple(input.shape)}). PyTorch's squeeze leaves such an axis as "
                             f"it is: for that, call x.squeeze({axis!r}) or "
                             f"tinytorch.squeeze(x, dim={axis!r}).")
    return reshape(input, tuple(n for i, n in enumerate(input.shape)
                                if not (i in dims and n == 1)))


def unsqueeze(input, dim):  # noqa: A002
    dim = normalize_dim(dim, input.ndim + 1)
    shape = input.shape
    return reshape(input, shape[:dim] + (1,) + shape[dim:])


def expand_dims(x, /, axis=0):
    return unsqueeze(x, axis)


class BroadcastTo(Function):
    view_of_input = True  # NumPy returns a view of the input's buffer

    def forward(self, a, shape):
        return self.xp.broadcast_to(a, shape)

    def backward(self, grad):
        return grad, None  # the engine sums the gradient back to the input's shape


def broadcast_to(input, shape):  # noqa: A002
    shape = parse_sizes((shape,), negative_ok=())
    if shape == input.shape:
        return input
    if len(shape) < input.ndim or any(
            n != 1 and n != s for n, s in zip(input.shape[::-1], shape[::-1])):
        raise RuntimeError(f"The expanded size of the tensor {list(shape)} must match the "
                           f"existing size {list(input.shape)} at each non-singleton dimension. "
                           f"Only size-1 dimensions can be expanded.")
    return BroadcastTo.apply(input, shape)


def expand(input, *sizes):  # noqa: A002
    sizes = parse_sizes(sizes, negative_ok=(-1,))
    offset = len(sizes) - input.ndim
    if offset < 0:
        raise RuntimeError(f"expand({list(sizes)}): the number of sizes ({len(sizes)}) must be at "
                           f"least the tensor's number of dimensions ({input.ndim}).")
    if -1 in sizes[:offset]:
        raise RuntimeError(f"expand({list(sizes)}): -1 is not allowed in a new leading "
                           f"dimension (there is no existing size to keep); give its size.")
    shape = tuple(input.shape[i - offset] if s == -1 and i >= offset else s
                  for i, s in enumerate(sizes))
    return broadcast_to(input, shape)


class Concat(Function):
    def forward(self, *arrays, axis):
        self.sizes, self.axis = [a.shape[axis] for a in arrays], axis
        return self.xp.concat(arrays, axis=axis)

    def backward(self, grad):
        pieces, start = [], 0
        for size in self.sizes:
            index = (slice(None),) * self.axis + (slice(start, start + size), ...)
            pieces.append(grad[index])
            start += size
        return tuple(pieces)


def cat(tensors, dim=0):
    tensors = tensor_list("cat", tensors)
    if not tensors:
        raise ValueError("cat() expected a non-empty list of Tensors")
    dtype = _dt.result_type(*tensors)
    tensors = [t if t.dtype == dtype else cast(t, dtype) for t in tensors]
    ref = tensors[0]
    axis = normalize_dim(dim, ref.ndim)
    for i, t in enumerate(tensors):
        if t.ndim != ref.ndim or any(a != b for j, (a, b) in enumerate(zip(t.shape, ref.shape))
                                     if j != axis):
            raise RuntimeError(f"Sizes of tensors must match except in dimension {axis}. "
                               f"Expected size {ref.shape} but got size {t.shape} for tensor "
                               f"number {i} in the list.")
    if len(tensors) == 1:
        return tensors[0]
    return Concat.apply(*tensors, axis=axis)


def concat(arrays, /, *, axis=0):
    if axis is None:  # the standard's: flatten each first
        return cat([reshape(a, (-1,)) for a in arrays], 0)
    return cat(arrays, axis)


concatenate = concat


def stack(tensors, dim=0, *, axis=None):
    tensors = tensor_list("stack", tensors)
    if not tensors:
        raise ValueError("stack expects a non-empty list of tensors")
    dim = axis if axis is not None else dim
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{tensors[0].shape} at entry 0 and {t.shape} at entry {i}")
    return cat([unsqueeze(t, dim) for t in tensors], dim)


def narrow(input, dim, start, length):  # noqa: A002
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    dim = normalize_dim(dim, input.ndim)
    start, length, size = _int(start, "start"), _int(length, "length"), input.shape[dim]
    if not -size <= start <= size:
        raise TensorIndexError(f"narrow(): start {start} is out of range for dimension {dim} of "
                               f"size {size} (expected a value in [{-size}, {size}]).")
    start %= size if size else 1  # a negative start counts from the end, as in PyTorch
    if length < 0 or start + length > size:
        raise RuntimeError(f"narrow(): start ({start}) + length ({length}) must lie within "
                           f"dimension {dim} of size {size}, with length >= 0.")
    return input[(slice(None),) * dim + (slice(start, start + length),)]


def _int(value, name):
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} ({value!r})")
    return operator.index(value)


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of `tensor` along `dim`: equal pieces of a given size, or the listed sizes."""
    if tensor.ndim == 0:
        raise RuntimeError("split() expects at least a 1-dimensional tensor; reshape(1) first.")
    dim = normalize_dim(dim, tensor.ndim)
    total = tensor.shape[dim]
    if isinstance(split_size_or_sections, int) and not isinstance(split_size_or_sections, bool):
        step = split_size_or_sections
        if step <= 0:
            raise ValueError(f"split_size must be positive, got {step}")
        sizes = [min(step, total - s) for s in range(0, total, step)] or [0]
    else:
        if not isinstance(split_size_or_sections, (list, tuple)):
            raise TypeError(f"split_size_or_sections must be an int or a list of ints, got "
                            f"{type(split_size_or_sections).__name__}")
        sizes = [_int(n, "each split size") for n in split_size_or_sections]
        if any(n < 0 for n in sizes):
            raise ValueError(f"split sizes must be non-negative, got {sizes}")
        if sum(sizes) != total:
            raise ValueError(f"split sizes {sizes} add up to {sum(sizes)}, but dimension {dim} "
                             f"has size {total}. Make them sum to {total}.")
    pieces, start = [], 0
    for size in sizes:
        pieces.append(narrow(tensor, dim, start, size))
        start += size
    return tuple(pieces)


def chunk(input, chunks, dim=0):  # noqa: A002
    chunks = _int(chunks, "chunks")
    if chunks <= 0:
        raise ValueError(f"chunk expects `chunks` to be greater than 0, got {chunks}")
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor; reshape(1) first.")
    total = input.shape[normalize_dim(dim, input.ndim)]
    return split(input, max(1, -(-total // chunks)), dim)


def unbind(input, dim=0):  # noqa: A002
    if input.ndim == 0:
        raise TensorIndexError("unbind(): dimension specified as 0 but the tensor has no "
                               "dimensions; a 0-d tensor cannot be split into pieces.")
    if input.shape[normalize_dim(dim, input.ndim)] == 0:
        return ()
    return tuple(squeeze(p, dim=dim) for p in split(input, 1, dim))


class Tile(Function):
    def forward(self, a, reps):
        self.shape, self.reps = a.shape, reps
        return self.xp.tile(a, reps)

    def backward(self, grad):
        # Split each axis into (repeat, size) and sum over the repeats.
        split_shape, repeat_axes = [], []
        for i, (r, n) in enumerate(zip(self.reps, self.shape)):
            split_shape += [r, n]
            repeat_axes.append(2 * i)
        grad = self.xp.reshape(grad, tuple(split_shape))
        return self.xp.sum(grad, axis=tuple(repeat_axes)), None


def repeat(input, *sizes):  # noqa: A002
    """Tile the tensor `sizes[i]` times along each axis (PyTorch's Tensor.repeat)."""
    sizes = parse_sizes(sizes, negative_ok=())
    if len(sizes) < input.ndim:
        raise RuntimeError(f"Number of dimensions of repeat dims ({len(sizes)}) can not be "
                           f"smaller than number of dimensions of tensor ({input.ndim})")
    x = reshape(input, (1,) * (len(sizes) - input.ndim) + input.shape)
    return Tile.apply(x, sizes)


def tile(x, /, repetitions):
    repetitions = parse_sizes((repetitions,))
    if len(repetitions) < x.ndim:
        repetitions = (1,) * (x.ndim - len(repetitions)) + repetitions
    return repeat(x, repetitions)


class Flip(Function):
    def forward(self, a, axes):
        self.axes = axes
        return self.xp.flip(a, axis=axes)

    def backward(self, grad):
        return self.xp.flip(grad, axis=self.axes), None


def flip(input, dims=None, *, axis=None):  # noqa: A002
    chosen = dims if dims is not None else axis
    if chosen is None:
        axes = tuple(range(input.ndim))
    else:
        axes = tuple(normalize_dim(d, input.ndim)
                     for d in (chosen if isinstance(chosen, (tuple, list)) else (chosen,)))
        if len(set(axes)) != len(axes):
            raise RuntimeError(f"flip(): dim {list(chosen)} names an axis more than once; name "
                               f"each axis once.")
    if input.ndim == 0:  # dims 0 and -1 name the one (virtual) axis: nothing to reverse
        return input
    return Flip.apply(input, axes)

