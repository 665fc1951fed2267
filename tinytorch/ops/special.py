"""Elementwise functions PyTorch adds to the array API's: lerp, logit, xlogy, sinc, deg2rad,
rad2deg, frac, fmod, exp2, logaddexp2, sgn, heaviside, nan_to_num, isneginf, isposinf,
clamp_min, clamp_max, addcmul and addcdiv.

What it does: each is one line of arithmetic over existing ops, so each
gets its gradient from them. Where the formula has a removable singularity
(sinc at 0, xlogy where x is 0) the input is first replaced by a safe value
with `where`, so that neither the value nor the gradient becomes nan: the
gradient is then PyTorch's (0 for sinc at 0; 0 for xlogy's x where x is 0).

Assumes: fmod is built on the floored `remainder` (exact in NumPy),
corrected where the signs differ; its gradient with respect to the divisor
is -trunc(a / b), as PyTorch's. heaviside records no gradient (PyTorch has
none). Integer inputs of float functions become the default float dtype.
Production does instead: PyTorch has a fused kernel (with its own
derivative formula in derivatives.yaml) for each of these.
"""

from __future__ import annotations

import math

from .. import dtypes as _dt
from ..tensor import Tensor
from .convert import cast
from .elementwise import abs, add, div, mul, pow, remainder, sub
from .logic import bitwise_and, bitwise_or, eq, gt, isinf, isnan, le, logical_not, lt, ne
from .math import logaddexp, trunc
from .plumbing import float_pair, no_bool, promote, real_only, to_float
from .select import clamp, where
from .unary import log, sign, sin

__all__ = ["lerp", "logit", "xlogy", "sinc", "deg2rad", "rad2deg", "frac", "fmod", "exp2",
           "logaddexp2", "sgn", "heaviside", "nan_to_num", "isneginf", "isposinf", "clamp_min",
           "clamp_max", "addcmul", "addcdiv"]

_LN2 = math.log(2.0)


def _number(name, argument, value, complex_ok=False):
    kinds = (int, float, complex) if complex_ok else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise TypeError(f"{name}(): {argument} must be a number, got {type(value).__name__} "
                        f"({value!r})")
    return value


def lerp(input, end, weight):  # noqa: A002
    """input + weight * (end - input); weight is a number or a tensor."""
    if not isinstance(end, Tensor):
        raise TypeError(f"lerp(): argument 'end' must be a Tensor, not {type(end).__name__}")
    if not isinstance(weight, Tensor):
        _number("lerp", "weight", weight, complex_ok=True)
    start, stop = promote(input, end)
    if not _dt.is_inexact(start.dtype):
        raise TypeError(f"lerp() needs floating point tensors, got {start.dtype}; convert "
                        f"first, e.g. x.float()")
    return add(start, mul(weight, sub(stop, start)))


lerp.scalar_parameters = ("weight",)  # a number or a tensor (errors.tensor_arguments)


def logit(input, eps=None):  # noqa: A002
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given."""
    real_only("logit", input)
    p = to_float(input)
    if eps is not None:
        p = clamp(p, _number("logit", "eps", eps), 1 - eps)
    return sub(log(p), log(sub(1, p)))


def xlogy(input, other):  # noqa: A002
    """input * log(other), and 0 where input is 0 (unless other is nan)."""
    x, y = float_pair(input, other)
    real_only("xlogy", x, y)
    ref = x if isinstance(x, Tensor) else y
    x = x if isinstance(x, Tensor) else _full(ref, x)
    y = y if isinstance(y, Tensor) else _full(ref, y)
    # where x is 0 the result is 0: log(y) is replaced by log(1) = 0 where it is not finite
    # (y <= 0 or inf), so that 0 * -inf makes no nan; elsewhere the gradient for x stays
    # log(y), as PyTorch's
    bad = bitwise_and(bitwise_and(eq(x, 0), logical_not(isnan(y))),
                      bitwise_or(le(y, 0), isinf(y)))
    return mul(x, log(where(bad, 1.0, y)))


def _full(ref, value):
    from ..creation import full
    return full((), value, dtype=ref.dtype, device=ref.device)


def sinc(input):  # noqa: A002
    """sin(pi x) / (pi x), and 1 at 0."""
    real_only("sinc", input)
    x = to_float(input)
    at_zero = eq(x, 0)
    scaled = mul(where(at_zero, 1.0, x), math.pi)
    return where(at_zero, 1.0, div(sin(scaled), scaled))


def deg2rad(input):  # noqa: A002
    real_only("deg2rad", input)
    return mul(to_float(input), math.pi / 180.0)


def rad2deg(input):  # noqa: A002
    real_only("rad2deg", input)
    return mul(to_float(input), 180.0 / math.pi)


def frac(input):  # noqa: A002
    """The fractional part, x - trunc(x), with x's sign."""
    if not _dt.is_floating_point(input.dtype):
        raise TypeError(f"frac() needs a floating point tensor, got {input.dtype}")
    return sub(input, trunc(input))


def fmod(input, other):  # noqa: A002
    """The remainder of truncating division (C's fmod): it has the sign of the dividend."""
    a, b = promote(input, other)
    no_bool("fmod", a, b)
    real_only("fmod", a, b)
    ref = a if isinstance(a, Tensor) else b
    a = a if isinstance(a, Tensor) else _full(ref, a)
    b = b if isinstance(b, Tensor) else _full(ref, b)
    floored = remainder(a, b)
    # the floored remainder has b's sign; where a's sign differs (and it is not 0), step back
    differ = bitwise_and(ne(floored, 0), ne(lt(a, 0), lt(b, 0)))
    out = where(differ, sub(floored, b), floored)
    if not _dt.is_floating_point(out.dtype):
        return out
    # an infinite divisor leaves a finite dividend as it is (floored % would give +-inf)
    return where(bitwise_and(isinf(b), logical_not(isinf(a))), a, out)


def exp2(input):  # noqa: A002
    """2 ** x, for any real input (integers become the default float dtype)."""
    real_only("exp2", input)
    return pow(2.0, to_float(input))


def logaddexp2(input, other):  # noqa: A002
    """log2(2 ** x + 2 ** y), without overflow."""
    x, y = float_pair(input, other)
    ref = x if isinstance(x, Tensor) else y
    x, y = (v if isinstance(v, Tensor) else _full(ref, v) for v in (x, y))
    return div(logaddexp(mul(x, _LN2), mul(y, _LN2)), _LN2)


def sgn(input):  # noqa: A002
    """sign for real tensors; x / |x| (0 at 0) for complex ones."""
    if not _dt.is_complex(input.dtype):
        return sign(input)
    size = abs(input)
    at_zero = eq(size, 0)
    return where(at_zero, 0, div(input, where(at_zero, 1.0, size)))


def heaviside(input, values):  # noqa: A002
    """0 where x < 0, 1 where x > 0, and `values` where x == 0 (no gradient, as PyTorch)."""
    if not isinstance(values, Tensor):
        raise TypeError(f"heaviside(): argument 'values' must be a Tensor, not "
                        f"{type(values).__name__}")
    a, v = promote(input.detach(), values.detach())
    real_only("heaviside", a, v)
    step = where(eq(a, 0), v, cast(gt(a, 0), a.dtype))
    return where(isnan(a), a, step) if _dt.is_floating_point(a.dtype) else step


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):  # noqa: A002
    """nan, +inf and -inf replaced by `nan`, `posinf` and `neginf` (default: the dtype's
    largest and smallest finite values)."""
    for argument, value in (("nan", nan), ("posinf", posinf), ("neginf", neginf)):
        if value is not None:
            _number("nan_to_num", argument, value)
    if not _dt.is_floating_point(input.dtype):
        return input
    info = _dt.finfo(input.dtype)
    high = info.max if posinf is None else posinf
    low = info.min if neginf is None else neginf
    for argument, value in (("nan", nan), ("posinf", high), ("neginf", low)):
        try:
            float(value)
        except OverflowError:
            raise ValueError(f"nan_to_num(): {argument} is an int of {len(str(value).lstrip('-'))} "
                             f"digits, beyond float64's range; pass float('inf') to mean "
                             f"infinity") from None
    # every mask from the input itself: a replacement that overflows the dtype (nan=1e300 in
    # float32 gives inf) is the answer, not a new inf to replace again
    out = where(isposinf(input), float(high), where(isneginf(input), float(low), input))
    return where(isnan(input), float(nan), out)


def isposinf(input):  # noqa: A002
    real_only("isposinf", input)
    return bitwise_and(isinf(input), gt(input, 0)) if _dt.is_floating_point(input.dtype) \
        else ne(input, input)


def isneginf(input):  # noqa: A002
    real_only("isneginf", input)
    return bitwise_and(isinf(input), lt(input, 0)) if _dt.is_floating_point(input.dtype) \
        else ne(input, input)


def clamp_min(input, min):  # noqa: A001,A002
    return clamp(input, min=min)


def clamp_max(input, max):  # noqa: A001,A002
    return clamp(input, max=max)


def _tensors(name, **tensors):
    for argument, value in tensors.items():
        if not isinstance(value, Tensor):
            raise TypeError(f"{name}(): argument '{argument}' must be a Tensor, not "
                            f"{type(value).__name__}")


def addcmul(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """input + value * tensor1 * tensor2."""
    _tensors("addcmul", tensor1=tensor1, tensor2=tensor2)
    return add(input, mul(mul(_number("addcmul", "value", value, True), tensor1), tensor2))


def addcdiv(input, tensor1, tensor2, *, value=1):  # noqa: A002
    """input + value * tensor1 / tensor2 (true division: integer tensors are refused)."""
    _tensors("addcdiv", tensor1=tensor1, tensor2=tensor2)
    if not (_dt.is_inexact(tensor1.dtype) or _dt.is_inexact(tensor2.dtype)):
        raise RuntimeError("addcdiv() with two integer tensors is not supported (PyTorch "
                           "refuses integer division here too); use floating point tensors")
    return add(input, mul(_number("addcdiv", "value", value, True), div(tensor1, tensor2)))
