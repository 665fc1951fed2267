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

import math

from .. import dtypes as _dt
from ..autograd import Function
from ..tensor import Tensor
from .plumbing import SCALARS, bool_pair, conj, float_pair, no_bool, nondifferentiable, promote

__all__ = [
    "add", "sub", "mul", "div", "floor_divide", "remainder", "pow", "neg", "abs", "subtract",
    "multiply", "divide", "true_divide", "negative",
]

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
        return grad * conj(self, b), grad * conj(self, a)


class Div(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a / b

    def backward(self, grad):
        a, b = conj(self, self.saved[0]), conj(self, self.saved[1])
        return grad / b, -grad * a / (b * b)


class Pow(Function):
    def forward(self, a, b):
        out = a ** b
        self.save_for_backward(a, b, out)
        return out

    def backward(self, grad):
        a, b, out = (conj(self, v) for v in self.saved)
        grad_a = grad * b * a ** (b - 1) if self.needs_grad(0) else None
        grad_b = None
        if self.needs_grad(1):
            log_a = self.xp.log(a) if not isinstance(a, SCALARS) else math.log(a)
            grad_b = grad * out * log_a
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


def add(input, other, *, alpha=1):  # noqa: A002 - PyTorch's parameter name
    if alpha != 1:
        other = mul(other, alpha)
    a, b = promote(input, other)
    if bool_pair(a, b):
        return nondifferentiable(lambda x, y: x | y, a, b)  # bool + bool is logical or
    return Add.apply(a, b)


def sub(input, other, *, alpha=1):  # noqa: A002
    if alpha != 1:
        other = mul(other, alpha)
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
    return Remainder.apply(a, b)


class Remainder(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a % b

    def backward(self, grad):
        a, b = self.saved
        grad_b = -grad * self.xp.floor(a / b) if self.needs_grad(1) else None
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
