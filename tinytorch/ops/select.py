"""Ops that choose between values: maximum, minimum, clamp (clip) and where.

Assumes: maximum and minimum split the gradient evenly on ties (as
PyTorch does); clamp passes the gradient where min <= x <= max, bounds
included; clamp with tensor bounds is built from maximum and minimum.
Production does instead: PyTorch has dedicated clamp kernels for tensor
bounds and gives the whole gradient to the input at a tie with a bound.
"""

from __future__ import annotations

from .. import dtypes as _dt
from ..autograd import Function
from ..tensor import Tensor
from .convert import cast
from .elementwise import neg
from .plumbing import as_operand, check_broadcast, no_bool, promote, real_only, scalar_for

__all__ = [
    "maximum", "minimum", "clamp", "clip", "where", "masked_fill",
]


# ---- maximum, minimum, clamp, where --------------------------------------------------------

class Maximum(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return self.xp.maximum(a, b)

    def backward(self, grad):
        a, b = self.saved
        xp = self.xp
        # 1 where a wins, 1/2 on ties, 0 where b wins (no bool * float: the array API forbids it)
        share = xp.astype(a > b, grad.dtype) + xp.astype(a == b, grad.dtype) / 2
        return grad * share, grad * (1 - share)


def maximum(input, other):  # noqa: A002
    a, b = promote(input, other)
    no_bool("maximum", a, b)
    real_only("maximum", a, b)
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        return clamp(a, min=b) if isinstance(a, Tensor) else clamp(b, min=a)
    return Maximum.apply(a, b)


def minimum(input, other):  # noqa: A002
    a, b = promote(input, other)
    no_bool("minimum", a, b)
    real_only("minimum", a, b)
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        return clamp(a, max=b) if isinstance(a, Tensor) else clamp(b, max=a)
    if _dt.is_integral(a.dtype):  # negation wraps unsigned integers; integers have no gradient
        return Tensor._wrap(a.device.xp.minimum(a._data, b._data), a.device)
    return neg(Maximum.apply(neg(a), neg(b)))


class Clamp(Function):
    def forward(self, a, low, high):
        self.save_for_backward(a)
        self.low, self.high = low, high
        # one bound at a time: min > max then gives max everywhere, as PyTorch (and NumPy) do,
        # where the array API's clip leaves that case undefined (array-api-strict raises)
        return self.xp.clip(self.xp.clip(a, low, None), None, high)

    def backward(self, grad):
        (a,) = self.saved
        xp = self.xp
        if self.low is not None:
            grad = xp.where(a >= self.low, grad, 0.0)
        if self.high is not None:
            grad = xp.where(a <= self.high, grad, 0.0)
        return grad, None, None


def clamp(input, min=None, max=None):  # noqa: A001,A002
    """Limit values to [min, max]; bounds may be Python scalars or tensors."""
    if min is None and max is None:
        raise ValueError("clamp needs at least one of min and max, e.g. x.clamp(min=0)")
    # bounds are numbers or tensors (a string would otherwise read as a dtype below)
    min, max = (None if v is None else as_operand(v) for v in (min, max))  # noqa: A001
    real_only("clamp", input, min, max)
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        out = input if min is None else maximum(input, min)
        return out if max is None else minimum(out, max)
    dtype = _dt.result_type(input, *(v for v in (min, max) if v is not None))
    x = input if input.dtype == dtype else cast(input, dtype)
    no_bool("clamp", x)  # a bool tensor with an int or float bound is clamped in that dtype
    low = None if min is None else scalar_for(min, dtype)
    high = None if max is None else scalar_for(max, dtype)
    return Clamp.apply(x, low, high)


def clip(x, /, min=None, max=None):  # noqa: A001,A002 - the array API standard's name
    return x if min is None and max is None else clamp(x, min, max)


class Where(Function):
    # through the backend's `where`: the cpu backend has a faster one (see backends/cpu.py)
    def forward(self, condition, a, b):
        self.save_for_backward(condition)
        return self.device._backend.where(self.xp, condition, a, b)

    def backward(self, grad):
        (condition,) = self.saved
        where = self.device._backend.where
        # only what is asked for: masked_fill's value is a constant, whose full-size gradient
        # would be computed only for the engine to sum it away
        return (None, where(self.xp, condition, grad, 0.0) if self.needs_grad(1) else None,
                where(self.xp, condition, 0.0, grad) if self.needs_grad(2) else None)


def where(condition, input, other):  # noqa: A002
    """Elements of `input` where `condition` holds, else of `other` (both may be scalars)."""
    if not isinstance(condition, Tensor) or condition.dtype != "bool":
        got = condition.dtype if isinstance(condition, Tensor) else type(condition).__name__
        raise TypeError(f"where expected condition to be a bool tensor, got {got}. Build it with "
                        f"a comparison, e.g. where(x > 0, x, 0).")
    a, b = promote(input, other)
    for x in (a, b):
        if isinstance(x, Tensor):
            check_broadcast(condition.shape, x.shape)
    ref = a if isinstance(a, Tensor) else b if isinstance(b, Tensor) else None
    if ref is None:
        dtype = _dt.result_type(a, b)
        a = _full_like_shape(condition, a, dtype)
        ref = a
    if not isinstance(a, Tensor):
        a = _full_like_shape(ref, a, ref.dtype, shape=())
    if not isinstance(b, Tensor):
        b = _full_like_shape(ref, b, ref.dtype, shape=())
    return Where.apply(condition, a, b)


def masked_fill(input, mask, value):  # noqa: A002
    """`input` with `value` (a scalar or 0-d tensor) where the bool `mask` holds; keeps input's
    dtype, and the result has the broadcast shape of input and mask, as in PyTorch."""
    if not isinstance(input, Tensor):
        raise TypeError(f"masked_fill(): input must be a Tensor, got {type(input).__name__}")
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(f"masked_fill only supports a 0-dimensional value tensor, but got "
                               f"one of shape {list(value.shape)}. Pass value.item() or a 0-d "
                               f"tensor.")
        value = value if value.dtype == input.dtype else cast(value, input.dtype)
    elif isinstance(value, (int, float, bool)):
        value = _full_like_shape(input, scalar_for(value, input.dtype), input.dtype, shape=())
    else:
        raise TypeError(f"masked_fill(): value must be a number or a 0-d Tensor, got "
                        f"{type(value).__name__}")
    return where(mask, value, input)


def _full_like_shape(ref, value, dtype, shape=None):
    xp = ref.device.xp
    shape = ref.shape if shape is None else shape
    array = xp.full(shape, value, dtype=ref.device._backend.dtype(dtype), device=ref.device.native)
    return Tensor._wrap(array, ref.device)
