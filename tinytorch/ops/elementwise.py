"""Arithmetic: + - * / // % ** and negation, with tinytorch's dtype rules applied first.

Each differentiable op is a Function whose backward sits under its forward.
The front-end functions (`add`, `mul`, ...) first bring both operands to the
promoted dtype (see dtypes.py) and check that their shapes broadcast, so the
backend only ever sees operands of one dtype (or a Python scalar of a kind
the array API allows next to them), and every backend gives the same result
dtype. The helpers that do this (`_promote` and friends) are shared by the
other op modules.

Assumes: bool + bool and bool * bool are logical or/and (as in PyTorch);
integer true division gives the default float dtype; Python integers out of
a tensor's range wrap into it, as PyTorch casts them.
Production does instead: PyTorch fuses dtype promotion into its
TensorIterator kernels (computing in the wider type without materialising
casts) and generates backward formulas from derivatives.yaml.
"""

from __future__ import annotations

import math

from .. import dtypes as _dt
from ..autograd import Function
from ..tensor import Tensor
from .convert import cast

__all__ = [
    "add", "sub", "mul", "div", "floor_divide", "remainder", "pow", "neg", "abs", "subtract",
    "multiply", "divide", "true_divide", "negative",
]

_SCALARS = (int, float, bool)


# ---- dtype plumbing ------------------------------------------------------------------------

def _check_operand(x):
    if not isinstance(x, (Tensor, *_SCALARS)):
        raise TypeError(f"unsupported operand type {type(x).__name__}; expected a Tensor or a "
                        f"Python scalar. Wrap data with tinytorch.tensor(...) first.")


def _check_broadcast(a_shape, b_shape):
    """Raise a RuntimeError naming both shapes unless they broadcast together."""
    for i in range(1, min(len(a_shape), len(b_shape)) + 1):
        m, n = a_shape[-i], b_shape[-i]
        if m != n and m != 1 and n != 1:
            raise RuntimeError(
                f"The size of tensor a ({m}) must match the size of tensor b ({n}) at "
                f"non-singleton dimension {max(len(a_shape), len(b_shape)) - i}: shapes "
                f"{tuple(a_shape)} and {tuple(b_shape)} do not broadcast. Make each axis equal "
                f"or 1, e.g. with unsqueeze() or reshape().")


def _promote(a, b, broadcast=True):
    """Return (a, b) converted to their common dtype, with Python scalars left as scalars.

    Two tensors must also broadcast together (matmul, which does not, passes broadcast=False).
    """
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if broadcast and a._data.shape != b._data.shape:
                _check_broadcast(a._data.shape, b._data.shape)
            if a.dtype is b.dtype:
                return a, b
            common = _dt.promote_types(a.dtype, b.dtype)
            return (a if a.dtype == common else cast(a, common),
                    b if b.dtype == common else cast(b, common))
        _check_operand(b)
        common = _dt.promote_with_scalar(a.dtype, b)
        return (a if a.dtype == common else cast(a, common)), _scalar_for(b, common)
    _check_operand(a)
    _check_operand(b)
    common = _dt.promote_with_scalar(b.dtype, a)
    return _scalar_for(a, common), (b if b.dtype == common else cast(b, common))


def _scalar_for(value, dtype):
    """A Python scalar of the kind the array API allows next to an array of `dtype`."""
    if dtype == "bool":
        return bool(value)
    if _dt.is_integral(dtype):  # wrapped into range, as PyTorch casts it: 300 is 44 in uint8
        bits = _dt._BITS[dtype]
        value = int(value) % (1 << bits)
        return value - (1 << bits) if dtype in _dt.SIGNED and value >> (bits - 1) else value
    try:
        return float(value)
    except OverflowError:
        digits = len(str(value).lstrip("-"))
        raise RuntimeError(f"an integer of {digits} digits cannot be converted to type {dtype} "
                           f"without overflow (float64 holds magnitudes up to 1.8e308)") from None


def _to_float(x):
    """Integer and bool inputs of float-only math become the default float dtype (as PyTorch)."""
    return x if _dt.is_floating_point(x.dtype) else cast(x, _dt.get_default_dtype())


def _float_pair(a, b):
    promoted_a, promoted_b = _promote(a, b)
    dtype = (promoted_a if isinstance(promoted_a, Tensor) else promoted_b).dtype
    if _dt.is_floating_point(dtype):
        return promoted_a, promoted_b
    # Cast the original operands, not the promoted ones: promotion wraps a Python int into the
    # integer dtype (int8 tensor / 200 would divide by -56), but true division is exact math.
    target = _dt.get_default_dtype()
    return (cast(a, target) if isinstance(a, Tensor) else float(a),
            cast(b, target) if isinstance(b, Tensor) else float(b))


def _bool_pair(a, b):
    """Whether promoted operands (a tensor and a tensor or scalar) are both bool."""
    return (a if isinstance(a, Tensor) else b).dtype == "bool"


def _no_bool(name, *operands):
    for x in operands:
        if isinstance(x, Tensor) and x.dtype == "bool":
            raise TypeError(f"{name} is not supported for bool tensors. Cast first, e.g. "
                            f"x.to('int64') or x.float().")

def _check_integer_divisor(name, a, b):
    """Integer division by zero has no answer: raise as PyTorch does, instead of NumPy's 0."""
    dtype = (a if isinstance(a, Tensor) else b).dtype
    if not _dt.is_integral(dtype):
        return
    zero = b == 0 if not isinstance(b, Tensor) else (
        b.numel() and bool(b.device.xp.any(b._data == 0)))
    if zero:
        raise RuntimeError(f"ZeroDivisionError: integer {name} by zero ({dtype} operands). Use "
                           f"float operands (x.float()) to get inf/nan, or mask the zeros.")


def _nondifferentiable(op, a, b=None):
    """Apply `op` to arrays of tensors (and scalars) that share a device; record no graph."""
    device = a.device if isinstance(a, Tensor) else b.device
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a.device is not b.device:
        from ..autograd import _raise_device_mismatch
        _raise_device_mismatch(type("comparison", (), {}), a.device, b.device)
    arrays = [x._data if isinstance(x, Tensor) else x for x in (a, b)]
    return Tensor._wrap(op(*arrays) if b is not None else op(arrays[0]), device)


# ---- arithmetic ----------------------------------------------------------------------------

class Add(Function):
    def forward(self, a, b):
        return a + b

    def backward(self, grad):
        return grad, grad


class Sub(Function):
    def forward(self, a, b):
        return a - b

    def backward(self, grad):
        return grad, -grad


class Mul(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b

    def backward(self, grad):
        a, b = self.saved
        return grad * b, grad * a


class Div(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a / b

    def backward(self, grad):
        a, b = self.saved
        return grad / b, -grad * a / (b * b)


class Pow(Function):
    def forward(self, a, b):
        out = a ** b
        self.save_for_backward(a, b, out)
        return out

    def backward(self, grad):
        # PyTorch's conventions where the formulas give 0 * inf: d(x**0)/dx = 0 (also at x = 0),
        # and d(0**e)/de = 0 for e >= 0 (the limit from above, where 0**e is flat).
        xp = self.xp
        a, b, out = self.saved
        grad_a = grad_b = None
        if self.needs_grad(0):
            grad_a = grad * b * a ** (b - 1)
            if not isinstance(b, _SCALARS):
                grad_a = xp.where(b == 0, xp.zeros_like(grad_a), grad_a)
            elif b == 0:
                grad_a = xp.zeros_like(grad_a)
        if self.needs_grad(1):
            if isinstance(a, _SCALARS):  # math.log raises for 0 and negatives; xp.log doesn't
                log_a = math.log(a) if a > 0 else -math.inf if a == 0 else math.nan
            else:
                log_a = xp.log(xp.where(a > 0, a, xp.ones_like(a)))
                log_a = xp.where(a == 0, xp.full_like(a, -math.inf),
                                 xp.where(a < 0, xp.full_like(a, math.nan), log_a))
            grad_b = grad * out * log_a
            flat = (a == 0) & (b >= 0)
            grad_b = xp.where(flat, xp.zeros_like(grad_b), grad_b)
        return grad_a, grad_b


class Neg(Function):
    def forward(self, a):
        return -a

    def backward(self, grad):
        return -grad


class Abs(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return self.xp.abs(a)

    def backward(self, grad):
        (a,) = self.saved
        return grad * self.xp.sign(a)


def _scaled(other, alpha):
    """other * alpha for add/sub's `alpha=` (a Python scalar times a scalar stays a scalar)."""
    if not isinstance(alpha, _SCALARS):
        raise TypeError(f"alpha must be a Python number, got {type(alpha).__name__}")
    if alpha == 1:
        return other
    return other * alpha if isinstance(other, _SCALARS) else mul(other, alpha)


def add(input, other, *, alpha=1):  # noqa: A002 - PyTorch's parameter name
    other = _scaled(other, alpha)
    a, b = _promote(input, other)
    if _bool_pair(a, b):
        return _nondifferentiable(lambda x, y: x | y, a, b)  # bool + bool is logical or
    return Add.apply(a, b)


def sub(input, other, *, alpha=1):  # noqa: A002
    other = _scaled(other, alpha)
    a, b = _promote(input, other)
    _no_bool("Subtraction, the `-` operator,", a, b)
    return Sub.apply(a, b)


def mul(input, other):  # noqa: A002
    a, b = _promote(input, other)
    if _bool_pair(a, b):
        return _nondifferentiable(lambda x, y: x & y, a, b)  # bool * bool is logical and
    return Mul.apply(a, b)


def div(input, other, *, rounding_mode=None):  # noqa: A002
    """True division; integer inputs give the default float dtype, as in PyTorch."""
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode is not None:
        raise ValueError(f"div expected rounding_mode to be None or 'floor', got "
                         f"{rounding_mode!r}")
    a, b = _float_pair(input, other)
    return Div.apply(a, b)


def floor_divide(input, other):  # noqa: A002
    """Floor division; its gradient is zero almost everywhere, so it records none."""
    a, b = _promote(input, other)
    _no_bool("floor_divide", a, b)
    _check_integer_divisor("floor division", a, b)
    return _nondifferentiable(lambda x, y: x // y, a, b)


def remainder(input, other):  # noqa: A002
    """Python-style modulo (the result has the sign of the divisor); d/da = 1."""
    a, b = _promote(input, other)
    _no_bool("remainder", a, b)
    _check_integer_divisor("modulo", a, b)
    return Remainder.apply(a, b)


class Remainder(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a % b

    def backward(self, grad):
        a, b = self.saved
        # floor_divide, not floor(a / b): at exact multiples a / b rounds up (1.0 / 0.1 is 10.0)
        # while the remainder used the true quotient 9 (1.0 % 0.1 is 0.0999...), as PyTorch does.
        grad_b = -grad * self.xp.floor_divide(a, b) if self.needs_grad(1) else None
        return grad, grad_b


def pow(input, exponent):  # noqa: A001,A002 - mirrors torch.pow
    a, b = _promote(input, exponent)
    _no_bool("pow", a, b)
    if isinstance(b, int) and b < 0 and _dt.is_integral(a.dtype):
        raise ValueError(f"Integers to negative integer powers are not allowed ({a.dtype} tensor "
                         f"** {b}). Use a float base, e.g. x.float() ** {b}.")
    return Pow.apply(a, b)


def neg(input):  # noqa: A002
    if input.dtype == "bool":
        raise TypeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                        "are trying to invert a mask, use the `~` or `logical_not()` operator "
                        "instead.")
    return Neg.apply(input)


def abs(input):  # noqa: A001,A002
    if input.dtype == "bool":
        return input
    return Abs.apply(input)


subtract, multiply, divide, true_divide, negative = sub, mul, div, div, neg
