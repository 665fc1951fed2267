"""The rest of the array API's elementwise functions: inverse and hyperbolic trigonometry,
expm1, log2, log10, ceil, trunc, signbit, copysign, nextafter, hypot, logaddexp, atan2,
the complex parts (real, imag, conj) and the bitwise shifts.

Each differentiable one is `Elementwise` (or `Elementwise2`) with its
derivative written as one line in a table, so adding a function is adding a
row. For complex inputs the backward multiplies by the conjugate derivative,
PyTorch's convention: the gradient of a real loss L with respect to z is
dL/dx + i dL/dy, the conjugate Wirtinger derivative times two.

Complex expm1 sets the standard's values at infinite and nan parts after
the backend's expm1, which gets several of them wrong (NumPy's does).

Assumes: float-only functions turn integer and bool inputs into the default
float dtype first (as PyTorch does); ceil, trunc and signbit have zero (or
no) gradient, as floor does; the derivative table is used for real and
complex inputs alike, which holds for these holomorphic functions away from
their branch cuts.
Production does instead: PyTorch generates each backward from a formula in
derivatives.yaml and vectorises the forward with SLEEF or its own kernels.
"""

from __future__ import annotations

from .. import dtypes as _dt
from ..autograd import Function
from ..tensor import Tensor
from .plumbing import conj as conj_of
from .plumbing import float_pair, no_bool, nondifferentiable, promote, real_only, to_float
from .unary import ZeroGrad, set_special_values

__all__ = [
    "acos", "acosh", "asin", "asinh", "atan", "atanh", "cosh", "sinh", "tan", "expm1", "log2",
    "log10", "ceil", "trunc", "signbit", "copysign", "nextafter", "hypot", "logaddexp", "atan2",
    "positive", "conj", "real", "imag", "bitwise_left_shift", "bitwise_right_shift",
    "bitwise_invert", "arccos", "arcsin", "arctan", "arctan2", "arccosh", "arcsinh", "arctanh",
    "fix", "conj_physical", "angle", "is_complex", "isreal",
]


class Elementwise(Function):
    """f(a) with its derivative from `DERIVATIVES[name](xp, a, out)`."""

    def forward(self, a, name):
        self.name_ = name
        out = getattr(self.xp, name)(a)
        if name in SPECIAL_VALUES and self.device._backend.dtype_names[a.dtype] in _dt.COMPLEX:
            out = SPECIAL_VALUES[name](self.xp, a, out)
        self.save_for_backward(a, out)
        return out

    def backward(self, grad):
        a, out = self.saved
        return grad * conj_of(self, DERIVATIVES[self.name_](self.xp, a, out)), None

    @property
    def name(self) -> str:  # AsinBackward, as PyTorch names them
        return self.name_.capitalize() + "Backward"


def _expm1_special_values(xp, a, out):
    """Complex expm1 with the array API's results at zero, infinite and nan parts, where
    NumPy's goes wrong (expm1(inf + 0j) is inf + nan j there, expm1(-0 + 0j) is -0 + 0j, and in
    complex64 expm1(-inf + 2j) is -0.99999988): each case is a constant whose imaginary zero
    takes its sign from b (from sin(b) for -inf + bj), so that expm1(conj(z)) is
    conj(expm1(z)), as the standard asks."""
    re, im = xp.real(a), xp.imag(a)
    inf, nan = float("inf"), float("nan")
    finite_im = xp.isfinite(im)
    # the sign of the imaginary zero: b's, or for -inf + bj with b finite, that of +0 * sin(b)
    sine = xp.sin(xp.where(finite_im, im, xp.zeros_like(im)))
    negative = xp.where(finite_im & (re == -inf), xp.signbit(sine), xp.signbit(im))
    return set_special_values(xp, out, [
        ((re == 0) & (im == 0), 0.0, 0.0, None, negative),         # +-0 + 0j -> +0 + 0j
        ((re == inf) & (im == 0), inf, 0.0, None, negative),       # +inf + 0j -> +inf + 0j
        (re == -inf, -1.0, 0.0, None, negative),                   # -inf + bj -> -1 + 0j
        ((re == inf) & ~finite_im, inf, nan, None, None),          # +inf + (inf or nan) j
        (xp.isnan(re) & (im == 0), nan, 0.0, None, negative)])     # nan + 0j -> nan + 0j


# Forward fix-ups for complex inputs, applied after the backend's own function.
SPECIAL_VALUES = {"expm1": _expm1_special_values}

DERIVATIVES = {
    "acos": lambda xp, a, out: -1 / xp.sqrt(1 - a * a),
    "asin": lambda xp, a, out: 1 / xp.sqrt(1 - a * a),
    "atan": lambda xp, a, out: 1 / (1 + a * a),
    "acosh": lambda xp, a, out: 1 / (xp.sqrt(a - 1) * xp.sqrt(a + 1)),
    "asinh": lambda xp, a, out: 1 / xp.sqrt(a * a + 1),
    "atanh": lambda xp, a, out: 1 / (1 - a * a),
    "cosh": lambda xp, a, out: xp.sinh(a),
    "sinh": lambda xp, a, out: xp.cosh(a),
    "tan": lambda xp, a, out: 1 + out * out,
    "expm1": lambda xp, a, out: out + 1,
    "log2": lambda xp, a, out: 1 / (a * 0.6931471805599453),
    "log10": lambda xp, a, out: 1 / (a * 2.302585092994046),
}


def _unary(name):
    def op(input):  # noqa: A002
        return Elementwise.apply(to_float(input), name)
    op.__name__ = name
    op.__doc__ = f"Elementwise {name}; integer inputs become the default float dtype."
    return op


acos, asin, atan, acosh, asinh, atanh = map(_unary, ("acos", "asin", "atan", "acosh", "asinh",
                                                     "atanh"))
cosh, sinh, tan, expm1, log2, log10 = map(_unary, ("cosh", "sinh", "tan", "expm1", "log2",
                                                   "log10"))
arccos, arcsin, arctan, arccosh, arcsinh, arctanh = acos, asin, atan, acosh, asinh, atanh


def _rounding(name):
    def op(input):  # noqa: A002
        real_only(name, input)
        if not _dt.is_floating_point(input.dtype):
            return input  # integers are already whole, as the standard says
        return ZeroGrad.apply(input, getattr(input.device.xp, name))
    op.__name__ = name
    return op


ceil, trunc = _rounding("ceil"), _rounding("trunc")
fix = trunc


def signbit(input):  # noqa: A002
    """Whether the sign bit is set (True for -0.0 and -nan too); no gradient."""
    real_only("signbit", input)
    return nondifferentiable(input.device.xp.signbit, to_float(input))


def positive(input):  # noqa: A002
    no_bool("positive", input)
    return input


# ---- two operands ----------------------------------------------------------------------------

class Elementwise2(Function):
    """f(a, b) with its two partial derivatives from `PARTIALS[name](xp, a, b, out)`."""

    def forward(self, a, b, name):
        self.name_ = name
        out = getattr(self.xp, name)(a, b)
        self.save_for_backward(a, b, out)
        return out

    def backward(self, grad):
        a, b, out = self.saved
        da, db = PARTIALS[self.name_](self.xp, a, b, out)
        return (grad * conj_of(self, da) if self.needs_grad(0) else None,
                grad * conj_of(self, db) if self.needs_grad(1) else None, None)

    @property
    def name(self) -> str:
        return self.name_.capitalize() + "Backward"


def _copysign_partials(xp, a, b, out):
    # |a| carries a's magnitude with b's sign: d/da = sign(a) * sign(b), zero at a = 0
    return xp.sign(a) * (1 - 2 * xp.astype(xp.signbit(b), a.dtype)), xp.zeros_like(b)


PARTIALS = {
    "atan2": lambda xp, a, b, out: (b / (a * a + b * b), -a / (a * a + b * b)),
    "hypot": lambda xp, a, b, out: (a / out, b / out),
    "logaddexp": lambda xp, a, b, out: (xp.exp(a - out), xp.exp(b - out)),
    "copysign": _copysign_partials,
}


def _binary(name):
    def op(input, other):  # noqa: A002
        a, b = float_pair(input, other)
        dtype = (a if isinstance(a, Tensor) else b).dtype
        if _dt.is_complex(dtype):  # the standard defines these four for real values only
            raise TypeError(f"{name}() is defined for real floating dtypes, got {dtype}; take "
                            f"the real part (x.real) or abs() first.")
        if not isinstance(a, Tensor):  # the backend wants arrays on both sides
            a = _full_like(b, a)
        if not isinstance(b, Tensor):
            b = _full_like(a, b)
        return Elementwise2.apply(a, b, name)
    op.__name__ = name
    return op


def _full_like(ref, value):
    from ..creation import full
    return full((), value, dtype=ref.dtype, device=ref.device)


atan2, hypot, logaddexp, copysign = map(_binary, ("atan2", "hypot", "logaddexp", "copysign"))
arctan2 = atan2


def nextafter(input, other):  # noqa: A002
    """The next representable float after `input` towards `other`; no gradient."""
    a, b = float_pair(input, other)
    real_only("nextafter", a, b)
    return nondifferentiable(input.device.xp.nextafter if isinstance(input, Tensor)
                              else other.device.xp.nextafter, a, b)


# ---- complex parts -------------------------------------------------------------------------

class Conj(Function):
    def forward(self, a):
        return self.xp.conj(a)

    def backward(self, grad):
        return self.xp.conj(grad)


class Real(Function):
    def forward(self, a):
        return self.xp.real(a)

    def backward(self, grad):  # the real gradient becomes the real part of a complex one
        return grad


class Imag(Function):
    def forward(self, a):
        self.complex_dtype = a.dtype
        return self.xp.imag(a)

    def backward(self, grad):  # d/dy of the loss lands on the imaginary part: i * grad
        xp = self.xp
        return xp.astype(grad, self.complex_dtype) * xp.asarray(1j, dtype=self.complex_dtype,
                                                                device=grad.device)


def is_complex(input) -> bool:  # noqa: A002
    return _dt.is_complex(input.dtype)


def conj(input):  # noqa: A002
    """Complex conjugate; real tensors are returned as they are (as PyTorch does)."""
    return Conj.apply(input) if _dt.is_complex(input.dtype) else input


conj_physical = conj


def real(input):  # noqa: A002
    return Real.apply(input) if _dt.is_complex(input.dtype) else input


def imag(input):  # noqa: A002
    if not _dt.is_complex(input.dtype):
        raise RuntimeError(f"imag is not implemented for tensors with non-complex dtypes "
                           f"({input.dtype}). Real tensors have no imaginary part; use "
                           f"zeros_like(x) if you need one.")
    return Imag.apply(input)


def angle(input):  # noqa: A002
    """The argument of each complex number (0 or pi for reals), differentiable via atan2."""
    if _dt.is_complex(input.dtype):
        return atan2(imag(input), real(input))
    x = to_float(input)
    return atan2(_full_like(x, 0.0) * x, x)


def isreal(input):  # noqa: A002
    from .logic import eq
    return eq(imag(input), 0) if _dt.is_complex(input.dtype) else nondifferentiable(
        lambda a: input.device.xp.ones(a.shape, dtype=input.device.xp.bool, device=a.device),
        input)


# ---- shifts --------------------------------------------------------------------------------

def _shift(name, op):
    def shift(input, other):  # noqa: A002
        a, b = promote(input, other)
        dtype = a.dtype if isinstance(a, Tensor) else b.dtype
        if not _dt.is_integral(dtype):
            raise TypeError(f"{name} is only supported for integer tensors, got {dtype}. Cast "
                            f"first, e.g. x.to('int64').")
        return nondifferentiable(op, a, b)
    shift.__name__ = name
    return shift


bitwise_left_shift = _shift("bitwise_left_shift", lambda a, b: a << b)
bitwise_right_shift = _shift("bitwise_right_shift", lambda a, b: a >> b)


def bitwise_invert(x, /):
    from .logic import bitwise_not
    return bitwise_not(x)
