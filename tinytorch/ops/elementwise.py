"""Arithmetic: + - * / // % ** and negation, with tinytorch's dtype rules applied first.

Each differentiable op is a Function whose backward sits under its forward.
The front-end functions (`add`, `mul`, ...) first bring both operands to the
promoted dtype (see dtypes.py) and check that their shapes broadcast, so the
backend only ever sees operands of one dtype (or a Python scalar of a kind
the array API allows next to them), and every backend gives the same result
dtype. The helpers that do this live in plumbing.py, shared by every op module.

Assumes: bool + bool and bool * bool are logical or/and (as in PyTorch);
integer true division gives the default float dtype; Python integers out of
a tensor's range wrap into it, as PyTorch casts them.
Production does instead: PyTorch fuses dtype promotion into its
TensorIterator kernels (computing in the wider type without materialising
casts) and generates backward formulas from derivatives.yaml.
"""

from __future__ import annotations

import cmath
import math

from .. import dtypes as _dt
from ..autograd import Function
from ..tensor import Tensor
from .plumbing import (
    SCALARS,
    bool_pair,
    conj,
    float_pair,
    no_bool,
    nondifferentiable,
    promote,
    real_only,
)

__all__ = [
    "add", "sub", "mul", "div", "floor_divide", "remainder", "pow", "neg", "abs", "subtract",
    "multiply", "divide", "true_divide", "negative",
]

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
        return grad, (-grad if self.needs_grad(1) else None)


class Mul(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b

    def backward(self, grad):
        a, b = self.saved
        # only what is asked for: with a constant factor (att * scale) the other product would
        # be a full-size array computed for nothing
        return (grad * conj(self, b) if self.needs_grad(0) else None,
                grad * conj(self, a) if self.needs_grad(1) else None)


class Div(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a / b

    def backward(self, grad):
        a, b = conj(self, self.saved[0]), conj(self, self.saved[1])
        return (grad / b if self.needs_grad(0) else None,
                -grad * a / (b * b) if self.needs_grad(1) else None)


class Pow(Function):
    def forward(self, a, b):
        out = a ** b
        self.save_for_backward(a, b, out)
        return out

    def backward(self, grad):
        # PyTorch's conventions where the formulas give 0 * inf: d(x**0)/dx = 0 (also at x = 0),
        # and d(0**e)/de = 0 for e >= 0 (the limit from above, where 0**e is flat).
        xp = self.xp
        a, b, out = (conj(self, v) for v in self.saved)
        grad_a = grad_b = None
        if self.needs_grad(0):
            grad_a = grad * b * a ** (b - 1)
            if not isinstance(b, SCALARS):
                grad_a = xp.where(b == 0, xp.zeros_like(grad_a), grad_a)
            elif b == 0:
                grad_a = xp.zeros_like(grad_a)
        if self.needs_grad(1):
            complex_ = xp.isdtype(grad.dtype, "complex floating")
            if isinstance(a, SCALARS):  # math.log raises for 0 and negatives; xp.log doesn't
                log_a = (cmath.log(a) if complex_ and a != 0 else math.log(a) if a > 0
                         else -math.inf if a == 0 else math.nan)
            elif complex_:  # the principal branch: defined for negative bases too
                log_a = xp.log(a)
            else:
                log_a = xp.log(xp.where(a > 0, a, xp.ones_like(a)))
                log_a = xp.where(a == 0, xp.full_like(a, -math.inf),
                                 xp.where(a < 0, xp.full_like(a, math.nan), log_a))
            grad_b = grad * out * log_a
            if not complex_:
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
    if not isinstance(alpha, SCALARS):
        raise TypeError(f"alpha must be a Python number, got {type(alpha).__name__}")
    if alpha == 1:
        return other
    return other * alpha if isinstance(other, SCALARS) else mul(other, alpha)


def add(input, other, *, alpha=1):  # noqa: A002 - PyTorch's parameter name
    other = _scaled(other, alpha)
    a, b = promote(input, other)
    if bool_pair(a, b):
        return nondifferentiable(lambda x, y: x | y, a, b)  # bool + bool is logical or
    return Add.apply(a, b)


def sub(input, other, *, alpha=1):  # noqa: A002
    other = _scaled(other, alpha)
    a, b = promote(input, other)
    no_bool("Subtraction, the `-` operator,", a, b)
    return Sub.apply(a, b)


def mul(input, other):  # noqa: A002
    a, b = promote(input, other)
    if bool_pair(a, b):
        return nondifferentiable(lambda x, y: x & y, a, b)  # bool * bool is logical and
    return Mul.apply(a, b)


def div(input, other, *, rounding_mode=None):  # noqa: A002
    """True division; integer inputs give the default float dtype, as in PyTorch."""
    if rounding_mode == "floor":
        return floor_divide(input, other)
    if rounding_mode is not None:
        raise ValueError(f"div expected rounding_mode to be None or 'floor', got "
                         f"{rounding_mode!r}")
    a, b = float_pair(input, other)
    return Div.apply(a, b)


def floor_divide(input, other):  # noqa: A002
    """Floor division; its gradient is zero almost everywhere, so it records none."""
    a, b = promote(input, other)
    no_bool("floor_divide", a, b)
    real_only("floor_divide", a, b)
    _check_integer_divisor("floor division", a, b)
    if not _dt.is_floating_point((a if isinstance(a, Tensor) else b).dtype):
        return nondifferentiable(lambda x, y: x // y, a, b)
    return nondifferentiable(_float_floor_divide(a if isinstance(a, Tensor) else b), a, b)


def _float_floor_divide(ref):
    # NumPy follows Python (-1.0 // inf is -1.0, inf // 2.0 is nan); PyTorch and the array API
    # standard take floor(a / b) there (-0.0 and inf). Where an operand is infinite, use that.
    xp = ref.device.xp

    def divide(x, y):
        out = x // y
        if isinstance(x, SCALARS):  # a Python scalar as a 0-d array, for isinf
            x = xp.asarray(x, dtype=y.dtype, device=y.device)
        if isinstance(y, SCALARS):
            y = xp.asarray(y, dtype=x.dtype, device=x.device)
        infinite = xp.isinf(x) | xp.isinf(y)
        return xp.where(infinite, xp.floor(x / y), out)
    return divide


def remainder(input, other):  # noqa: A002
    """Python-style modulo (the result has the sign of the divisor); d/da = 1."""
    a, b = promote(input, other)
    no_bool("remainder", a, b)
    real_only("remainder", a, b)
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
    a, b = promote(input, exponent)
    no_bool("pow", a, b)
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
