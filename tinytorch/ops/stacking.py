"""Joining, splitting and turning tensors, PyTorch's NumPy-style helpers: hstack, vstack,
dstack, column_stack, atleast_1d/2d/3d, tensor_split, unflatten, cartesian_prod, rot90,
fliplr and flipud.

What it does: each is reshape, cat, narrow, flip or transpose arranged the
way NumPy's function of the same name is (hstack joins 1-d tensors end to
end and the rest along dim 1; atleast_3d puts a 1-d tensor in the middle),
so gradients come from those ops.

Assumes: the inputs of one call share a device; their dtypes are promoted
as `cat` promotes them.
Production does instead: PyTorch implements these in C++ the same way (as
compositions of cat, view and flip), returning views where it can.
"""

from __future__ import annotations

import operator

from ..creation import arange
from ..tensor import Tensor
from .index import take
from .manipulation import meshgrid, movedim
from .plumbing import int_tuple, normalize_dim, tensor_list
from .shape import cat, flatten, flip, narrow, reshape, stack, transpose

__all__ = ["atleast_1d", "atleast_2d", "atleast_3d", "hstack", "vstack", "row_stack", "dstack",
           "column_stack", "tensor_split", "unflatten", "cartesian_prod", "rot90", "fliplr",
           "flipud", "combinations"]


def _at_least(name, tensors, shape_of):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_at_least(name, tuple(tensors[0]), shape_of))
    tensors = tensor_list(name, tensors)
    out = [t if shape_of(t) == t.shape else reshape(t, shape_of(t)) for t in tensors]
    return out[0] if len(out) == 1 else tuple(out)


def _3d(t):
    return {0: (1, 1, 1), 1: (1,) + t.shape + (1,), 2: t.shape + (1,)}.get(t.ndim, t.shape)


def atleast_1d(*tensors):
    """Each tensor with at least one dimension (0-d becomes shape (1,))."""
    return _at_least("atleast_1d", tensors, lambda t: t.shape or (1,))


def atleast_2d(*tensors):
    """Each tensor with at least two dimensions (a 1-d one becomes one row)."""
    return _at_least("atleast_2d", tensors, lambda t: (1,) * max(0, 2 - t.ndim) + t.shape)


def atleast_3d(*tensors):
    """Each tensor with at least three dimensions: (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    return _at_least("atleast_3d", tensors, _3d)


def _sequence(name, tensors):
    tensors = tensor_list(name, tensors)
    if not tensors:
        raise RuntimeError(f"{name}() expects a non-empty list of tensors")
    return tensors


def hstack(tensors):
    """Join along dim 1, or end to end when the tensors are 1-d (as NumPy's hstack)."""
    parts = [atleast_1d(t) for t in _sequence("hstack", tensors)]
    return cat(parts, 0 if parts[0].ndim == 1 else 1)


def vstack(tensors):
    """Join along dim 0, 1-d tensors as rows."""
    return cat([atleast_2d(t) for t in _sequence("vstack", tensors)], 0)


row_stack = vstack


def dstack(tensors):
    """Join along dim 2 (depth), after atleast_3d."""
    return cat([atleast_3d(t) for t in _sequence("dstack", tensors)], 2)


def column_stack(tensors):
    """Join as columns: 0-d and 1-d tensors become (n, 1) columns, the rest join on dim 1."""
    parts = [reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t
             for t in _sequence("column_stack", tensors)]
    return cat(parts, 1)


def tensor_split(input, indices_or_sections, dim=0):  # noqa: A002
    """Split into `n` nearly equal parts (the first ones one longer), or at the given indices."""
    if input.ndim == 0:
        raise RuntimeError("tensor_split expects at least a 1-dimensional tensor, got a 0-d one")
    dim = normalize_dim(dim, input.ndim)
    size = input.shape[dim]
    spec = indices_or_sections
    if isinstance(spec, Tensor):
        if spec.ndim > 1 or spec.dtype not in ("int64", "int32", "int16", "int8", "uint8"):
            raise TypeError(f"tensor_split(): a tensor indices_or_sections must be a 0-d or 1-d "
                            f"integer tensor, got shape {list(spec.shape)} and {spec.dtype}")
        spec = spec.tolist()
    if isinstance(spec, (list, tuple)):
        cuts = [min(max(i if i >= 0 else i + size, 0), size)
                for i in int_tuple("tensor_split", "indices", spec)]
    else:
        try:
            n = operator.index(spec)
        except TypeError:
            raise TypeError(f"tensor_split(): indices_or_sections must be an int, a list of ints "
                            f"or an integer tensor, got {type(spec).__name__}") from None
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        base, extra = divmod(size, n)
        cuts, at = [], 0
        for i in range(n - 1):
            at += base + (i < extra)
            cuts.append(at)
    out, start = [], 0
    for stop in cuts + [size]:
        stop = max(stop, start)
        out.append(narrow(input, dim, start, stop - start))
        start = stop
    return tuple(out)


def unflatten(input, dim, sizes):  # noqa: A002
    """Expand dimension `dim` into `sizes` (one of them may be -1)."""
    sizes = int_tuple("unflatten", "sizes", sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    x = reshape(input, (1,)) if input.ndim == 0 else input
    dim = normalize_dim(dim, x.ndim)
    known = 1
    for s in sizes:
        known *= s if s != -1 else 1
    if sizes.count(-1) > 1 or any(s < -1 for s in sizes) or (
            -1 not in sizes and known != x.shape[dim]) or (
            -1 in sizes and (known == 0 or x.shape[dim] % known)):
        raise RuntimeError(f"unflatten: sizes {list(sizes)} don't multiply up to the size of dim "
                           f"{dim} ({x.shape[dim]}) of input of shape {list(input.shape)}")
    return reshape(x, x.shape[:dim] + sizes + x.shape[dim + 1:])


def method_unfold(input, dimension, size, step):  # noqa: A002
    """Tensor.unfold (a method only, as in PyTorch): the windows of `size` consecutive entries,
    `step` apart, along `dimension`, which becomes the window count, with a new last axis of
    `size`. One `take` of every window's positions, so the gradient adds overlaps back up."""
    x = reshape(input, (1,)) if input.ndim == 0 else input
    dim = normalize_dim(dimension, x.ndim, "dimension")
    size, step = int_tuple("unfold", "size", size), int_tuple("unfold", "step", step)
    if len(size) != 1 or len(step) != 1:
        raise TypeError(f"unfold(): size and step must be ints, got {size} and {step}")
    (size,), (step,) = size, step
    length = x.shape[dim]
    if not 0 <= size <= length:
        raise RuntimeError(f"unfold: maximum size for tensor at dimension {dim} is {length} but "
                           f"size is {size}")
    if step <= 0:
        raise RuntimeError(f"unfold: step is {step} but must be > 0")
    count = (length - size) // step + 1
    device = x.device
    positions = (reshape(arange(count, device=device) * step, (count, 1))
                 + reshape(arange(size, device=device), (1, size)))
    out = movedim(take(x, positions, dim), dim + 1, -1)
    return reshape(out, (size,)) if input.ndim == 0 else out


def cartesian_prod(*tensors):
    """Every combination of one entry from each 1-d tensor, as rows (a 1-d input is returned)."""
    tensors = _sequence("cartesian_prod", tensors)
    for t in tensors:
        if t.ndim != 1:
            raise RuntimeError(f"cartesian_prod expects 1-d tensors, got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([flatten(g) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):  # noqa: A002
    """The r-length combinations of the entries of the 1-d `input`, as rows, in itertools'
    order (with_replacement: entries may repeat). Gradients flow back to the chosen entries."""
    import itertools

    from ..creation import tensor
    from .index import take
    if not isinstance(input, Tensor) or input.ndim != 1:
        shape = list(input.shape) if isinstance(input, Tensor) else type(input).__name__
        raise ValueError(f"combinations: input must be a 1-d tensor, got {shape}")
    if isinstance(r, bool) or not hasattr(r, "__index__") or operator.index(r) < 0:
        raise ValueError(f"combinations: r must be a non-negative int, got {r!r}")
    r = operator.index(r)
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    rows = list(pick(range(input.shape[0]), r)) if r else []
    if not rows:  # r = 0 gives PyTorch's empty 1-d result
        return input[:0] if r == 0 else reshape(input[:0], (0, r))
    index = tensor(rows, dtype="int64", device=input.device)
    return reshape(take(input, reshape(index, (-1,))), (len(rows), r))


def rot90(input, k=1, dims=(0, 1)):  # noqa: A002
    """Rotate by 90 degrees k times, from the first of `dims` towards the second."""
    dims = int_tuple("rot90", "dims", dims)
    if len(dims) != 2:
        raise RuntimeError(f"rot90: dims must name 2 dimensions, got {list(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"rot90 needs a tensor of at least 2 dimensions, got shape "
                           f"{list(input.shape)}")
    a, b = normalize_dim(dims[0], input.ndim), normalize_dim(dims[1], input.ndim)
    if a == b:
        raise RuntimeError(f"rot90: dims must be different, got {list(dims)}")
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"rot90(): k must be an int, got {type(k).__name__} ({k!r})")
    k %= 4
    if k == 1:
        return transpose(flip(input, (b,)), a, b)
    if k == 2:
        return flip(input, (a, b))
    if k == 3:
        return transpose(flip(input, (a,)), a, b)
    return input


def fliplr(input):  # noqa: A002
    """Reverse dim 1 (left to right); needs at least 2 dimensions."""
    if input.ndim < 2:
        raise RuntimeError(f"fliplr needs a tensor of at least 2 dimensions, got shape "
                           f"{list(input.shape)}")
    return flip(input, (1,))


def flipud(input):  # noqa: A002
    """Reverse dim 0 (up to down); needs at least 1 dimension."""
    if input.ndim < 1:
        raise RuntimeError("flipud needs a tensor of at least 1 dimension, got a 0-d one")
    return flip(input, (0,))
