"""Math functions of one tensor: exp, log, log1p, sqrt, sin, cos, tanh, sigmoid, relu, sign,
floor, round, and the composites square, reciprocal and rsqrt.

Float-only functions turn integer and bool inputs into the default float
dtype first, as PyTorch does. Complex tanh sets the array API's values at
tanh(+-inf + bj) after the backend's tanh, which signs the zero otherwise.
Assumes: gradients at non-smooth points follow PyTorch: relu'(0) = 0, and
floor, round and sign have zero gradient everywhere.
Production does instead: PyTorch vectorises these with SLEEF or its own
SIMD kernels on CPU and fuses chains of them on GPU (torch.compile).
"""

from __future__ import annotations

from .. import dtypes as _dt
from ..autograd import Function
from ..tensor import Tensor
from .convert import cast
from .elementwise import div, mul
from .plumbing import conj, no_bool, real_only, to_float

__all__ = [
    "exp", "log", "log1p", "sqrt", "sin", "cos", "tanh", "sigmoid", "square", "reciprocal",
    "rsqrt", "relu", "sign", "floor", "round",
]


# ---- math functions ------------------------------------------------------------------------

def _pointwise(name, forward, backward, *, saves_output=False, complex_fixup=None):
    """A Function for y = forward(xp, x) whose backward is backward(fn, grad, saved), where
    `saved` is x, or y when `saves_output` (cheaper where the derivative is a function of y);
    `fn.xp` is the namespace, and `conj(fn, d)` conjugates a derivative for complex inputs.
    `complex_fixup(xp, x, y)`, if given, corrects y for complex x (the standard's special
    values where backends differ); real inputs pay one dict lookup for it."""

    def fwd(self, a):
        out = forward(self.xp, a)
        if complex_fixup is not None and self.device._backend.dtype_names.get(
                a.dtype, "")[:1] == "c":
            out = complex_fixup(self.xp, a, out)
        self.save_for_backward(out if saves_output else a)
        return out

    def bwd(self, grad):
        return backward(self, grad, self.saved[0])

    return type(name, (Function,), {"forward": fwd, "backward": bwd, "__module__": __name__,
                                    "__qualname__": name, "__doc__": _pointwise.__doc__})


def set_special_values(xp, out, cases):
    """`out` with the array API's values where the backend's complex function gets them wrong.

    `cases` holds (where, real, imag, negative_real, negative_imag): at `where`, the result is
    real + imag j with each part negated where its mask (or None for never) says, so that a
    signed zero or infinity can follow the input's signs. Constants only: an element-wise
    real + imag * 1j would turn inf * 1j into nan.
    """
    for where, real, imag, negative_real, negative_imag in cases:
        out = xp.where(where, _signed_constant(xp, out, real, imag, negative_real,
                                               negative_imag), out)
    return out


def _signed_constant(xp, like, real, imag, negative_real, negative_imag):
    def pick(mask, flipped, kept):
        return kept if mask is None else xp.where(mask, flipped, kept)

    def row(sign):
        return pick(negative_imag, xp.full_like(like, complex(sign * real, -imag)),
                    xp.full_like(like, complex(sign * real, imag)))

    return row(1.0) if negative_real is None else pick(negative_real, row(-1.0), row(1.0))


def _tanh_special_values(xp, a, out):
    """Complex tanh with the standard's tanh(+-inf + bj) = +-1 + 0j for finite b, the zero
    signed as b (C99 and NumPy sign it as sin(2b), so tanh(inf + 2j) is 1 - 0j there)."""
    re, im = xp.real(a), xp.imag(a)
    return set_special_values(xp, out, [
        (xp.isinf(re) & xp.isfinite(im), 1.0, 0.0, xp.signbit(re), xp.signbit(im))])


# name, forward, backward from (grad, saved): each derivative, written once
Exp = _pointwise("Exp", lambda xp, a: xp.exp(a), lambda f, g, y: g * conj(f, y),
                 saves_output=True)
Log = _pointwise("Log", lambda xp, a: xp.log(a), lambda f, g, a: g / conj(f, a))
Log1p = _pointwise("Log1p", lambda xp, a: xp.log1p(a), lambda f, g, a: g / conj(f, 1 + a))
Sqrt = _pointwise("Sqrt", lambda xp, a: xp.sqrt(a), lambda f, g, y: g / conj(f, 2 * y),
                  saves_output=True)
Sin = _pointwise("Sin", lambda xp, a: xp.sin(a), lambda f, g, a: g * conj(f, f.xp.cos(a)))
Cos = _pointwise("Cos", lambda xp, a: xp.cos(a), lambda f, g, a: -g * conj(f, f.xp.sin(a)))
Tanh = _pointwise("Tanh", lambda xp, a: xp.tanh(a), lambda f, g, y: g * conj(f, 1 - y * y),
                  saves_output=True, complex_fixup=_tanh_special_values)


class Sigmoid(Function):
    def forward(self, a):
        # exp of an argument with real part <= 0 only, so large |a| never overflows:
        # 1 / (1 + exp(-a)) where re(a) >= 0, exp(a) / (1 + exp(a)) elsewhere
        xp = self.xp
        if xp.isdtype(a.dtype, "complex floating"):  # -|a| would lose the imaginary part
            positive = xp.real(a) >= 0
            e = xp.exp(xp.where(positive, -a, a))
        else:
            positive = a >= 0
            e = xp.exp(-xp.abs(a))
        out = xp.where(positive, 1 / (1 + e), e / (1 + e))
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        return grad * conj(self, out * (1 - out))


class Relu(Function):
    def forward(self, a):
        self.save_for_backward(a)
        # maximum, not where: NumPy's where branches per element and is ~6x slower on random
        # signs; a 0-d zero of a's own dtype keeps integer dtypes and propagates nan as PyTorch
        return self.xp.maximum(a, self.xp.zeros((), dtype=a.dtype, device=a.device))

    def backward(self, grad):
        (a,) = self.saved
        return grad * self.xp.astype(a > 0, grad.dtype)


class ZeroGrad(Function):
    """Piecewise-constant functions (floor, round, sign): the gradient is zero."""

    def forward(self, a, op):
        return op(a)

    def backward(self, grad):
        return self.xp.zeros_like(grad), None


def exp(input): return Exp.apply(to_float(input))  # noqa: A002,E704
def log(input): return Log.apply(to_float(input))  # noqa: A002,E704
def log1p(input): return Log1p.apply(to_float(input))  # noqa: A002,E704
def sqrt(input): return Sqrt.apply(to_float(input))  # noqa: A002,E704
def sin(input): return Sin.apply(to_float(input))  # noqa: A002,E704
def cos(input): return Cos.apply(to_float(input))  # noqa: A002,E704
def tanh(input): return Tanh.apply(to_float(input))  # noqa: A002,E704
def sigmoid(input): return Sigmoid.apply(to_float(input))  # noqa: A002,E704
def reciprocal(input): return div(1, input)  # noqa: A002,E704
def rsqrt(input): return div(1, sqrt(input))  # noqa: A002,E704


def square(input):  # noqa: A002
    """x * x; bool squares to int64, as in PyTorch (bool * bool alone would be logical and)."""
    if isinstance(input, Tensor) and input.dtype == "bool":
        input = cast(input, "int64")  # noqa: A001
    return mul(input, input)


def relu(input):  # noqa: A002
    no_bool("relu", input)
    real_only("relu", input)
    return Relu.apply(input)


def sign(input):  # noqa: A002
    no_bool("sign", input)
    return ZeroGrad.apply(input, input.device.xp.sign)


def floor(input):  # noqa: A002
    real_only("floor", input)
    if not _dt.is_floating_point(input.dtype):
        return input
    return ZeroGrad.apply(input, input.device.xp.floor)


def round(input, decimals=0):  # noqa: A001,A002
    """Round half to even, as PyTorch and NumPy do."""
    if isinstance(decimals, bool) or not isinstance(decimals, int):
        raise TypeError(f"round(): decimals must be an int, got {type(decimals).__name__} "
                        f"({decimals!r})")
    if abs(decimals) > 300:  # 10 ** decimals would leave float64's range
        raise ValueError(f"round(): decimals must lie in [-300, 300], got {decimals}")
    if not _dt.is_floating_point(input.dtype):
        return input
    if decimals:
        scale = 10.0 ** decimals
        return div(round(mul(input, scale)), scale)
    return ZeroGrad.apply(input, input.device.xp.round)
