"""What every op shares: operand checks, dtype promotion, dimension normalising, the device check.

What it does: the front-end function of an op (`add`, `sum`, `transpose`,
`F.softmax`, ...) calls these before its Function runs, so each kind of
mistake raises one message, worded once, whichever op it came through:
- `promote(a, b)`: both operands at their common dtype (dtypes.py's
  table), Python scalars kept as scalars of the matching kind, shapes
  checked to broadcast;
- `normalize_dim(d, ndim)` and `normalize_axes(ndim, dim, axis)`: a dimension (or several)
  checked and made non-negative, with the one "Dimension out of range" text;
- `check_same_device(op, a, b)` (defined in device.py, so that
  Function.apply below the ops can use it too): the one "Expected all
  tensors to be on the same device" error;
- `nondifferentiable(op, a, b)`: run an array function on tensors that
  records no graph (comparisons, floor division, bool logic).
Element counts are `math.prod(shape)` everywhere; integer ranges come from
`dtypes.int_range`, the one table of them.

Assumes: operands are Tensors or Python scalars (bool, int, float); a
0-d tensor accepts dim 0 and -1, as in PyTorch.
Production does instead: PyTorch's TensorIterator computes the common dtype
and broadcast shape in C++ once per kernel call, and `maybe_wrap_dim` is its
one dimension normaliser.
"""

from __future__ import annotations

import operator

from .. import dtypes as _dt
from ..backends import host
from ..device import check_same_device
from ..errors import TensorIndexError
from ..tensor import Tensor
from .convert import cast

__all__ = ["SCALARS", "as_operand", "check_broadcast", "int_tuple", "tensor_list", "promote",
           "scalar_for", "to_float",
           "float_pair", "bool_pair", "no_bool", "real_only", "nondifferentiable", "normalize_dim",
           "normalize_axes", "check_same_device", "conj"]

SCALARS = (int, float, bool, complex)


# ---- operands and dtypes -------------------------------------------------------------------

def as_operand(x):
    """A Tensor or Python scalar as it is; a NumPy scalar (np.float32(2.5)) as the Python number
    it holds, since PyTorch takes those as Python scalars; anything else is a TypeError."""
    if isinstance(x, (Tensor, *SCALARS)):
        return x
    number = host.python_scalar(x)
    if number is None:
        raise TypeError(f"unsupported operand type {type(x).__name__}; expected a Tensor or a "
                        f"Python scalar. Wrap data with tinytorch.tensor(...) first.")
    return number


def check_broadcast(a_shape, b_shape):
    """Raise a RuntimeError naming both shapes unless they broadcast together."""
    for i in range(1, min(len(a_shape), len(b_shape)) + 1):
        m, n = a_shape[-i], b_shape[-i]
        if m != n and m != 1 and n != 1:
            raise RuntimeError(
                f"The size of tensor a ({m}) must match the size of tensor b ({n}) at "
                f"non-singleton dimension {max(len(a_shape), len(b_shape)) - i}: shapes "
                f"{tuple(a_shape)} and {tuple(b_shape)} do not broadcast. Make each axis equal "
                f"or 1, e.g. with unsqueeze() or reshape().")


def int_tuple(name, argument, value):
    """An int or a sequence of ints as a tuple of ints; a TypeError naming `argument` else."""
    items = (value,) if not isinstance(value, (tuple, list)) else value
    try:
        return tuple(operator.index(v) for v in items)
    except TypeError:
        raise TypeError(f"{name}(): {argument} must be an int or a tuple of ints, got "
                        f"{value!r}") from None


def tensor_list(name, tensors):
    """`tensors` as a list, after checking it is a list or tuple of Tensors only."""
    if not isinstance(tensors, (list, tuple)) or not all(isinstance(t, Tensor) for t in tensors):
        got = type(tensors).__name__ if not isinstance(tensors, (list, tuple)) else (
            "a sequence holding " + ", ".join(sorted({type(t).__name__ for t in tensors})))
        raise TypeError(f"{name}() expects a list or tuple of Tensors, got {got}")
    return list(tensors)


def promote(a, b, broadcast=True):
    """Return (a, b) converted to their common dtype, with Python scalars left as scalars.

    Two tensors must also broadcast together (matmul, which does not, passes broadcast=False).
    """
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if broadcast and a._data.shape != b._data.shape:
                check_broadcast(a._data.shape, b._data.shape)
            if a.dtype is b.dtype:
                return a, b
            common = _dt.promote_types(a.dtype, b.dtype)
            return (a if a.dtype == common else cast(a, common),
                    b if b.dtype == common else cast(b, common))
        b = as_operand(b)
        common = _dt.promote_with_scalar(a.dtype, b)
        return (a if a.dtype == common else cast(a, common)), scalar_for(b, common)
    a, b = as_operand(a), as_operand(b)
    common = _dt.promote_with_scalar(b.dtype, a)
    return scalar_for(a, common), (b if b.dtype == common else cast(b, common))


def scalar_for(value, dtype):
    """A Python scalar of the kind the array API allows next to an array of `dtype`."""
    if dtype == "bool":
        return bool(value)
    if _dt.is_integral(dtype):  # wrapped into range, as PyTorch casts it: 300 is 44 in uint8
        low, high = _dt.int_range(dtype)
        return (int(value) - low) % (high - low + 1) + low
    if _dt.is_complex(dtype):
        return complex(value)
    try:
        return float(value)
    except OverflowError:
        digits = len(str(value).lstrip("-"))
        raise RuntimeError(f"an integer of {digits} digits cannot be converted to type {dtype} "
                           f"without overflow (float64 holds magnitudes up to 1.8e308)") from None


def to_float(x):
    """Integer and bool inputs of float-only math become the default float dtype (as PyTorch)."""
    return x if _dt.is_inexact(x.dtype) else cast(x, _dt.get_default_dtype())


def float_pair(a, b):
    """`promote`, then both at the default float dtype if the common dtype is not floating."""
    promoted_a, promoted_b = promote(a, b)
    dtype = (promoted_a if isinstance(promoted_a, Tensor) else promoted_b).dtype
    if _dt.is_inexact(dtype):
        return promoted_a, promoted_b
    # Cast the original operands, not the promoted ones: promotion wraps a Python int into the
    # integer dtype (int8 tensor / 200 would divide by -56), but true division is exact math.
    target = _dt.get_default_dtype()
    return (cast(a, target) if isinstance(a, Tensor) else scalar_for(a, target),
            cast(b, target) if isinstance(b, Tensor) else scalar_for(b, target))


def bool_pair(a, b):
    """Whether promoted operands (a tensor and a tensor or scalar) are both bool."""
    return (a if isinstance(a, Tensor) else b).dtype == "bool"


def no_bool(name, *operands):
    for x in operands:
        if isinstance(x, Tensor) and x.dtype == "bool":
            raise TypeError(f"{name} is not supported for bool tensors. Cast first, e.g. "
                            f"x.to('int64') or x.float().")


def real_only(name, *operands):
    """Refuse complex operands (tensors or Python scalars) for ops that need an order on the
    numbers (comparisons, max/min, clamp, rounding, floor division): complex numbers have none,
    and the array API leaves these ops undefined for them, as PyTorch refuses them."""
    for x in operands:
        if isinstance(x, Tensor) and _dt.is_complex(x.dtype):
            got = f"a {x.dtype} tensor"
        elif isinstance(x, complex):
            got = f"the complex number {x!r}"
        else:
            continue
        raise TypeError(f"{name} is not defined for complex numbers (they have no order), got "
                        f"{got}. Use a real key instead, e.g. x.real or x.abs().")


# ---- graph-free ops ------------------------------------------------------------------------

def nondifferentiable(op, a, b=None):
    """Apply `op` to arrays of tensors (and scalars) that share a device; record no graph."""
    device = a.device if isinstance(a, Tensor) else b.device
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        check_same_device("comparison", a.device, b.device)
    arrays = [x._data if isinstance(x, Tensor) else x for x in (a, b)]
    return Tensor._wrap(op(*arrays) if b is not None else op(arrays[0]), device)


def conj(fn, a):
    """conj(a) for a complex array or scalar, `a` itself otherwise.

    Backward rules multiply the incoming gradient by the conjugate of the
    local derivative: PyTorch's convention for complex inputs. For real
    dtypes this is one dict lookup.
    """
    if isinstance(a, complex):
        return a.conjugate()
    if fn.device._backend.dtype_names.get(getattr(a, "dtype", None), "")[:1] == "c":
        return fn.xp.conj(a)
    return a


# ---- dimensions ----------------------------------------------------------------------------

def normalize_dim(d, ndim, name="dim"):
    """`d` as a non-negative axis of an `ndim`-dimensional tensor (0-d accepts 0 and -1)."""
    span = ndim or 1
    try:
        d = operator.index(d)
    except TypeError:
        raise TypeError(f"{name} must be an int, got {d!r} ({type(d).__name__})") from None
    if not -span <= d < span:
        raise TensorIndexError(f"Dimension out of range (expected to be in range of "
                               f"[{-span}, {span - 1}], but got {d}) for {name}")
    return d % span


def normalize_axes(ndim, dim=None, axis=None):
    """dim (PyTorch) or axis (array API) as a sorted tuple of distinct axes; None means all."""
    if dim is not None and axis is not None:
        raise TypeError("pass either dim (PyTorch) or axis (array API), not both")
    chosen = dim if dim is not None else axis
    if chosen is None:
        return tuple(range(ndim))
    items = tuple(chosen) if isinstance(chosen, (tuple, list)) else (chosen,)
    if [d for d in items if not isinstance(d, int)]:  # (all() here would be the reduction)
        raise TypeError(f"dim must be an int or a tuple of ints, got {chosen!r}")
    out = [normalize_dim(d, ndim) for d in items]
    if len(set(out)) != len(out):
        raise ValueError(f"dim {chosen} names an axis more than once")
    return tuple(sorted(out)) if ndim else ()
