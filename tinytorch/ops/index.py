"""Indexing: `x[key]` and `x[key] = value` with ints, slices, None, Ellipsis, integer tensors
and boolean masks, plus `take` and `gather`.

How it works: a key is first normalised (lists become integer tensors,
boolean masks become the integer tensors of their `nonzero()` positions, a
0-d mask such as `x[True]` a new axis of size 1, or 0 for False, as the
array API says, a trailing Ellipsis is added). The basic part (ints, slices, None) is one
`BasicIndex` node. Integer tensors are then applied with `take`: one
tensor selects along its axis; several are folded into one linear index
over their axes. Repeated indices accumulate their gradients.

Assumes: PyTorch's rules for where the indexed dimensions go: in place if
the integer tensors are adjacent once the Python ints are applied (an int
between them does not separate them), first otherwise. Writes with repeated
indices keep the last value written.
Production does instead: PyTorch implements advanced indexing in C++
(`index`, `index_put_`) with dedicated scatter/gather kernels, and writes
through views so `x[0][1] = 5` changes `x`.
"""

from __future__ import annotations

import math

from .. import dtypes as _dt
from ..autograd import Function, is_grad_enabled
from ..creation import as_tensor, tensor
from ..engine import SliceGradient
from ..errors import TensorIndexError
from ..tensor import Tensor
from .convert import cast
from .plumbing import check_same_device, normalize_dim
from .shape import broadcast_to, permute, reshape, stack

__all__ = ["getitem", "setitem", "take", "gather", "nonzero"]


class BasicIndex(Function):
    view_of_input = True  # NumPy returns a view of the input's buffer

    def forward(self, a, key):
        self.key = key
        return a[key]

    def backward(self, grad):
        # None only added size-1 axes: drop them from grad and key (the standard's setitem
        # does not take None). The gradient is grad at the positions the key selected and zero
        # elsewhere; the engine writes it into the input-shaped total (see SliceGradient).
        new_axes = [k for k in self.key if not isinstance(k, int)]
        added = tuple(i for i, k in enumerate(new_axes) if k is None)
        if added:
            grad = self.xp.squeeze(grad, axis=added)
        return SliceGradient(tuple(k for k in self.key if k is not None), grad), None


class Take(Function):
    def forward(self, a, index, axis):
        self.shape, self.axis = a.shape, axis
        self.save_for_backward(index)
        return self.xp.take(a, index, axis=axis)

    def backward(self, grad):
        (index,) = self.saved
        zeros = self.xp.zeros(self.shape, dtype=grad.dtype, device=grad.device)
        return self.device._backend.scatter_add(self.xp, zeros, self.axis, index, grad), None, None


def take(input, index, axis=None):  # noqa: A002
    """Elements of `input` at integer `index` along `axis` (flattened input if axis is None)."""
    if not isinstance(index, Tensor):
        raise TypeError(f"take(): index must be an integer Tensor, got {type(index).__name__}")
    if axis is None:
        input, axis = reshape(input, -1), 0
    if input.ndim == 0:
        input = reshape(input, 1)
    flat = reshape(index, -1)
    axis = normalize_dim(axis, input.ndim, "axis")
    picked = Take.apply(input, _wrap_negative(flat, input.shape[axis]), axis)
    return reshape(picked, input.shape[:axis] + index.shape + input.shape[axis + 1:])


def _wrap_negative(index, size):
    xp = index.device.xp
    data = index._data
    if not _dt.is_integral(index.dtype):
        raise TensorIndexError(f"tensors used as indices must be long, int or bool tensors, got "
                               f"{index.dtype}")
    if 0 not in data.shape and (bool(xp.any(data >= size)) or bool(xp.any(data < -size))):
        bad = int(xp.max(data)) if bool(xp.any(data >= size)) else int(xp.min(data))
        raise TensorIndexError(f"index {bad} is out of bounds for dimension with size {size}")
    data = xp.where(data < 0, data + size, data)
    return Tensor._wrap(xp.astype(data, index.device._backend.dtype("int64")), index.device)


class Gather(Function):
    def forward(self, a, index, axis):
        self.size, self.axis = a.shape[axis], axis
        self.save_for_backward(index)
        return self.xp.take_along_axis(a, index, axis=axis)

    def backward(self, grad):
        xp = self.xp
        (index,) = self.saved
        positions = xp.arange(self.size, dtype=index.dtype, device=index.device)
        # where, not a product with the one-hot: 0 * inf would put nan at every other position
        picked = xp.where(index[..., None] == positions, grad[..., None], xp.zeros_like(grad)[
            ..., None])
        spread = xp.sum(picked, axis=self.axis, keepdims=True)
        return xp.moveaxis(xp.squeeze(spread, axis=self.axis), -1, self.axis), None, None


def gather(input, dim, index):  # noqa: A002
    """out[i][j] = input[i][index[i][j]] for dim=1 (PyTorch's gather, NumPy's take_along_axis)."""
    if not isinstance(index, Tensor):
        raise TypeError(f"gather(): index must be an integer Tensor, got {type(index).__name__}")
    if index.ndim != input.ndim:
        raise RuntimeError(f"Index tensor must have the same number of dimensions as input "
                           f"tensor: got {index.ndim} and {input.ndim}")
    axis = normalize_dim(dim, input.ndim)
    if input.ndim == 0:  # a 0-d input takes dim 0 or -1 and index 0, as in PyTorch
        return reshape(gather(reshape(input, 1), 0, reshape(index, 1)), ())
    return Gather.apply(input, _wrap_negative(index, input.shape[axis]), axis)


class _IndexTuple(tuple):
    """nonzero()'s tuple of index tensors (the array API's), with errors that point a PyTorch
    user who expected torch.nonzero's (n, ndim) tensor to the spelling that gives it."""

    def __getitem__(self, key):
        if isinstance(key, tuple):
            raise TypeError(_PYTORCH_NONZERO)
        return tuple.__getitem__(self, key)

    def __getattr__(self, name):
        raise AttributeError(f"'tuple' object has no attribute {name!r}. {_PYTORCH_NONZERO}")


_PYTORCH_NONZERO = ("tinytorch.nonzero(x) returns the array API's tuple of index tensors, one "
                    "per axis; for PyTorch's (n, ndim) tensor call x.nonzero() or "
                    "tinytorch.nonzero(x, as_tuple=False).")


def nonzero(input, *, as_tuple=None):  # noqa: A002
    """Indices of the non-zero elements: one int64 tensor per axis (the array API's, and
    PyTorch's as_tuple=True), or with as_tuple=False PyTorch's (n, ndim) tensor, which the
    method x.nonzero() gives by default (docs/array-api.md)."""
    xp = input.device.xp
    if input.ndim == 0:
        raise ValueError("nonzero of a 0-d tensor is not defined by the array API; reshape it "
                         "to 1-d first, e.g. x.reshape(1)")
    data = input._data if input.dtype == "bool" else input._data != 0
    parts = [Tensor._wrap(p, input.device) for p in xp.nonzero(data)]
    if as_tuple or as_tuple is None:
        return _IndexTuple(parts)
    return stack(parts, dim=1) if parts else reshape(parts, (0, 0))


class _MaskAxis:
    """In a normalised key, where a 0-d mask stood: a new axis of size 1 (True) or 0 (False)."""

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return f"<0-d mask {self.value}>"


_FULL, _EMPTY = _MaskAxis(True), _MaskAxis(False)


def _new_axis(k):
    return k is None or isinstance(k, _MaskAxis)


def _normalise(x, key):
    """The key as a tuple with lists turned into tensors, masks into their nonzero() indices
    and any Ellipsis expanded into slices.

    A 0-d mask (`True`, `False` or a 0-d bool tensor) adds an axis, as the array API says:
    of size 1 for True (`_FULL`) and of size 0 for False (`_EMPTY`).
    """
    if not isinstance(key, tuple):
        key = (key,)
    items, masks = [], []
    for k in key:
        if isinstance(k, Tensor) and k.dtype == "bool" and k.ndim == 0:
            check_same_device("indexing, tensor and indices", x.device, k.device)
            k = bool(k.item())
        if isinstance(k, bool):
            items.append(_FULL if k else _EMPTY)
            continue
        if isinstance(k, (list, range)):
            k = list(k)  # an empty list is an empty int64 index, as in PyTorch (not float32)
            k = tensor(k, device=x.device) if k else tensor(k, dtype="int64", device=x.device)
        if isinstance(k, Tensor):
            check_same_device("indexing, tensor and indices", x.device, k.device)
            if k.dtype == "bool":
                parts = nonzero(k, as_tuple=True)
                masks.append((parts[0], k.shape))
                items.extend(parts)
                continue
            if k.ndim == 0:
                k = int(k.item())
        elif hasattr(k, "__index__") and not isinstance(k, (bool, slice)):
            k = int(k)
            axis = sum(1 for j in items if not _new_axis(j) and j is not Ellipsis)
            if Ellipsis not in items and axis < x.ndim and not -x.shape[axis] <= k < x.shape[axis]:
                raise TensorIndexError(f"index {k} is out of bounds for dimension {axis} with "
                                       f"size {x.shape[axis]}")
        elif not (_new_axis(k) or k is Ellipsis or isinstance(k, slice)):
            raise TensorIndexError(f"only integers, slices (`:`), ellipsis (`...`), None and "
                                   f"long or bool tensors are valid indices, got "
                                   f"{type(k).__name__}")
        items.append(k)
    consumed = sum(1 for k in items if not _new_axis(k) and k is not Ellipsis)
    if consumed > x.ndim:
        raise TensorIndexError(f"too many indices for tensor of dimension {x.ndim}")
    ellipses = [i for i, k in enumerate(items) if k is Ellipsis]  # `is`: == would compare tensors
    if len(ellipses) > 1:
        raise TensorIndexError("an index can only have a single ellipsis ('...')")
    if ellipses:
        at = ellipses[0]
        items[at:at + 1] = [slice(None)] * (x.ndim - consumed)
    else:
        items += [slice(None)] * (x.ndim - consumed)
    axis = 0
    for i, k in enumerate(items):  # clip slice bounds to each axis, as Python lists do
        if isinstance(k, slice) and k != slice(None):
            items[i] = _in_bounds(k, x.shape[axis])
        axis += not _new_axis(k)
    for first, shape in masks:  # a mask must match the axes it covers, as in PyTorch
        at = next(i for i, k in enumerate(items) if k is first)
        axis = sum(1 for k in items[:at] if not _new_axis(k))
        covered = x.shape[axis:axis + len(shape)]
        # a mask with no elements selects nothing whatever the sizes of the axes it covers
        # (NumPy's rule, and the official suite's): its sizes may be those axes' or 0
        empty = 0 in shape and len(covered) == len(shape) and all(
            m in (n, 0) for m, n in zip(shape, covered))
        if covered != shape and not empty:
            indexed = list(x.shape[axis:axis + len(shape)])
            raise TensorIndexError(f"The shape of the mask {list(shape)} does not match the "
                                   f"shape {indexed} of the axes it indexes (from axis {axis} of "
                                   f"a tensor of shape {list(x.shape)}). Give a mask of that "
                                   f"shape.")
    return items


def _in_bounds(k, size):
    """The slice `k` with start and stop inside an axis of `size` (the array API need not clip)."""
    start, stop, step = k.indices(size)
    if not len(range(start, stop, step)):
        return slice(0, 0, 1)
    return slice(start, stop if stop >= 0 else None, step)


def getitem(x, key):
    items = _normalise(x, key)
    if any(isinstance(k, _MaskAxis) for k in items) and any(isinstance(k, Tensor) for k in items):
        return getitem(*_masks_as_indices(x, items))
    basic, tensor_axes, tensors, empties, out_axis = [], [], [], [], 0
    for k in items:
        if isinstance(k, _MaskAxis):  # a new axis (None), emptied afterwards for False
            basic.append(None)
            if k is _EMPTY:
                empties.append(out_axis)
            out_axis += 1
        elif isinstance(k, Tensor):
            basic.append(slice(None))
            tensor_axes.append(out_axis)
            tensors.append(k)
            out_axis += 1
        elif isinstance(k, int):
            size = x.shape[len([b for b in basic if b is not None])]
            if not -size <= k < size:
                raise TensorIndexError(f"index {k} is out of bounds for dimension with size {size}")
            basic.append(k)
        else:
            basic.append(k)
            out_axis += 1
    basic = tuple(basic)
    y = x if all(k == slice(None) for k in basic) else BasicIndex.apply(x, basic)
    if empties:
        y = BasicIndex.apply(y, tuple(slice(0, 0) if i in empties else slice(None)
                                      for i in range(y.ndim)))
    if not tensors:
        return y
    if len(tensors) == 1:
        return take(y, tensors[0], tensor_axes[0])
    return _take_many(y, tensors, tensor_axes, items)


def _masks_as_indices(x, items):
    """x with a size-1 axis where each 0-d mask stands, and the key with the masks as integer
    indices into it ([0] for True, [] for False): NumPy's and PyTorch's reading of a 0-d mask
    next to integer tensors, whose shapes it then broadcasts with."""
    shape, key, axis = [], [], 0
    for k in items:
        if isinstance(k, _MaskAxis):
            shape.append(1)
            key.append(tensor([0] if k.value else [], dtype="int64", device=x.device))
        elif k is None:
            key.append(k)
        else:
            shape.append(x.shape[axis])
            key.append(k)
            axis += 1
    return reshape(x, tuple(shape)), tuple(key)


def _take_many(y, tensors, axes, items):
    """Index several axes of `y` with integer tensors at once, as NumPy does."""
    shape = _broadcast_shapes([t.shape for t in tensors])
    rest = [a for a in range(y.ndim) if a not in axes]
    moved = permute(y, axes + rest)
    sizes = [y.shape[a] for a in axes]
    count = math.prod(sizes)
    flat = reshape(moved, (count,) + tuple(y.shape[a] for a in rest))  # no -1: rest may be empty
    linear = None
    for t, size in zip(tensors, sizes):
        t = _wrap_negative(broadcast_to(t, shape), size)
        linear = t if linear is None else linear * size + t
    out = take(flat, linear, 0)
    # Adjacent after the ints are applied, as in PyTorch: x[:, i, 0, j] keeps the result in place.
    adjacent = axes == list(range(axes[0], axes[0] + len(axes)))
    if adjacent and axes[0] > 0:
        n = len(shape)
        order = list(range(n, n + axes[0])) + list(range(n)) + list(range(n + axes[0], out.ndim))
        out = permute(out, order)
    return out


def _broadcast_shapes(shapes):
    ndim = max(len(s) for s in shapes)
    result = []
    for i in range(ndim):
        sizes = {s[len(s) - ndim + i] for s in shapes if len(s) - ndim + i >= 0} - {1}
        if len(sizes) > 1:
            raise TensorIndexError(f"shape mismatch: indexing tensors could not be broadcast "
                                   f"together with shapes {[list(s) for s in shapes]}")
        result.append(sizes.pop() if sizes else 1)
    return tuple(result)


class SetFlat(Function):
    """`a` with `values` written at flat positions `linear` (the last write wins)."""

    def forward(self, a, values, linear):
        xp = self.xp
        self.shape, self.values_shape = a.shape, values.shape
        linear = xp.reshape(linear, (-1,))  # index_put and take want a 1-D index
        self.save_for_backward(linear)
        flat = self.device._backend.index_put(xp, xp.reshape(a, (-1,)), linear,
                                              xp.reshape(values, (-1,)))
        return xp.reshape(flat, a.shape)

    def backward(self, grad):
        xp = self.xp
        (linear,) = self.saved
        flat = xp.reshape(grad, (-1,))
        picked = xp.take(flat, linear, axis=0)
        cleared = self.device._backend.index_put(xp, flat, linear, xp.zeros_like(picked))
        return xp.reshape(cleared, self.shape), xp.reshape(picked, self.values_shape), None


class SetBasic(Function):
    def forward(self, a, values, key):
        self.key = key
        out = self.xp.asarray(a, copy=True)
        out[key] = values
        return out

    def backward(self, grad):
        picked = grad[self.key]
        cleared = self.xp.asarray(grad, copy=True)
        cleared[self.key] = 0
        return cleared, picked, None


def setitem(x, key, value):
    """x[key] = value; differentiable with respect to both x and value when recorded."""
    if isinstance(value, Tensor):
        check_same_device("setitem, tensor and value", x.device, value.device)
        value = value if value.dtype == x.dtype else cast(value, x.dtype)
    elif isinstance(value, (bool, int, float, complex, list, tuple)):
        if isinstance(value, complex) and not _dt.is_complex(x.dtype):
            if value.imag:  # PyTorch refuses too; a cast would drop the imaginary part
                raise RuntimeError(f"can't assign the complex value {value!r} to a {x.dtype} "
                                   f"tensor without losing its imaginary part; assign "
                                   f"{value.real!r} (value.real), or make the tensor complex "
                                   f"first, e.g. x = x.to('complex64').")
            value = value.real
        value = as_tensor(value, dtype=x.dtype, device=x.device)
    else:
        raise TypeError(f"can't assign a {type(value).__name__} to a {x.dtype} tensor; assign a "
                        f"number or a Tensor (e.g. tinytorch.tensor(values)).")
    items = tuple(_normalise(x, key))
    advanced = any(isinstance(k, Tensor) for k in items)
    if not advanced and any(isinstance(k, _MaskAxis) for k in items):
        if _EMPTY in items:  # a False 0-d mask selects nothing: nothing to write
            _fit_value(value, getitem(x, items).shape)
            return
        items = tuple(None if k is _FULL else k for k in items)  # True: a new size-1 axis
    recording = is_grad_enabled() and (x.requires_grad or value.requires_grad)
    linear = getitem(reshape(_arange_like(x), x.shape), items) if advanced else None
    target = linear.shape if advanced else x._data[items].shape
    value = _fit_value(value, target)
    if not advanced and None in items:  # array-API writes take no None: write without them
        items = tuple(k for k in items if k is not None)
        value = reshape(broadcast_to(value, target), x._data[items].shape)
    if not advanced and not recording:
        x._data[items] = value._data
        x._version += 1
        return
    if advanced:
        result = SetFlat.apply(x, broadcast_to(value, linear.shape), linear._data)
    else:
        result = SetBasic.apply(x, value, items)
    x._inplace(result)


def _fit_value(value, target):
    """`value` without the leading size-1 axes that `target` lacks; raise unless it broadcasts."""
    shape = value.shape
    while len(shape) > len(target) and shape[0] == 1:
        shape = shape[1:]
    if len(shape) > len(target) or any(v != 1 and v != t
                                       for v, t in zip(shape[::-1], tuple(target)[::-1])):
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(value.shape)} cannot be "
                           f"broadcast to indexing result of shape {list(target)}. Give a value "
                           f"of that shape, or one that broadcasts to it.")
    return value if shape == value.shape else reshape(value, shape)


def _arange_like(x):
    xp = x.device.xp
    return Tensor._wrap(xp.arange(x.numel(), dtype=x.device._backend.dtype("int64"),
                                  device=x.device.native), x.device)

