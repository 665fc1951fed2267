"""The modified Bessel functions of the first kind I0 (`tinytorch.i0`, `Tensor.i0`) and I1
(`bessel.i1`, the derivative of I0, for torch.special), as Functions.

Why here: the array API standard has no Bessel functions, so they are computed on the front
end from two classical expansions, in float64 (other float dtypes are widened first and
rounded back, as erf.py does):

- |x| < 20: the power series I_nu(x) = (x/2)^nu sum_k (x^2/4)^k / (k! (k + nu)!), nu = 0, 1.
  Every term is positive, so nothing cancels; Horner's rule in x^2/4, with enough terms
  (chosen at import) that the first one left out is below 2^-56 of the sum at |x| = 20.
- |x| >= 20: the asymptotic expansion I_nu(x) ~ e^x / sqrt(2 pi x) sum_k (-1)^k a_k(nu) / x^k,
  a_k(nu) = (4nu^2 - 1)(4nu^2 - 9)...(4nu^2 - (2k-1)^2) / (k! 8^k). Its smallest term at
  x = 20 is about e^-40, far below float64's rounding. e^x is applied as two factors
  e^(x/2), so I0 stays finite up to x = 713.98 (where e^x alone overflows at 709.78).

Accuracy (float64, against SciPy over [-700, 700], tests/test_special_functions.py):
relative error below about 1e-15. I0 is even, I1 odd.

Special values: I0(+-inf) = +inf and I1(+-inf) = +-inf, the limits. This differs from
PyTorch, NumPy and SciPy, whose Chebyshev form evaluates inf * 0 there and returns nan.

Gradients: I0' = I1 and I1' = I0 - I1 / x (1/2 at 0).

Assumes: clarity over speed (about 150 array passes per call).
Production does instead: PyTorch evaluates Cephes-style Chebyshev expansions per element
in a fused kernel.
"""

from __future__ import annotations

import math

from ..autograd import Function
from .plumbing import real_only, to_float

__all__ = ["i0"]  # i1 is torch.special's, not a top-level PyTorch op: import it from here

_SPLIT = 20.0


def _series_terms(nu):
    """Power-series coefficients 1 / (k! (k + nu)!), until the term at x^2/4 = 100 (|x| = 20,
    where the series has the most terms to sum) falls below 2^-56 of the sum so far."""
    coefficients, total, k = [], 0.0, 0
    while True:
        c = 1.0 / (math.factorial(k) * math.factorial(k + nu))
        coefficients.append(c)
        total += c * 100.0 ** k
        if c * 100.0 ** k < 2.0 ** -56 * total:
            return tuple(coefficients)
        k += 1


def _asymptotic_terms(nu):
    """(-1)^k a_k(nu) of the asymptotic expansion, until |a_k| / 20^k is below 2^-56."""
    coefficients, a, k = [1.0], 1.0, 0
    while abs(a) / _SPLIT ** k >= 2.0 ** -56:
        k += 1
        a *= -(4 * nu * nu - (2 * k - 1) ** 2) / (k * 8)
        coefficients.append(a)
    return tuple(coefficients)


_SERIES = {nu: _series_terms(nu) for nu in (0, 1)}
_ASYMPTOTIC = {nu: _asymptotic_terms(nu) for nu in (0, 1)}


def _horner(xp, coefficients, z):
    acc = xp.full_like(z, coefficients[-1])
    for c in coefficients[-2::-1]:
        acc = acc * z + c
    return acc


def _bessel_i(xp, nu, x):
    """I_nu(|x|) for nu in (0, 1) and a float64 array x."""
    a = xp.abs(x)
    small = xp.minimum(a, _SPLIT)
    t = 0.25 * small * small
    series = _horner(xp, _SERIES[nu], t)
    if nu:
        series = series * (0.5 * small)
    big = xp.where(xp.isinf(a), _SPLIT, xp.maximum(a, _SPLIT))  # inf gets its value below
    half = xp.exp(0.5 * big)
    tail = half * (half / xp.sqrt(2 * math.pi * big) * _horner(xp, _ASYMPTOTIC[nu], 1.0 / big))
    out = xp.where(a < _SPLIT, series, tail)
    return xp.where(xp.isinf(a), math.inf, out)


def _wide(xp, x):
    return x if x.dtype == xp.float64 else xp.astype(x, xp.float64)


def i0_array(xp, x):
    out = _bessel_i(xp, 0, _wide(xp, x))
    return out if x.dtype == xp.float64 else xp.astype(out, x.dtype)


def i1_array(xp, x):
    wide = _wide(xp, x)
    out = _bessel_i(xp, 1, wide)
    out = xp.where(xp.signbit(wide), -out, out)   # I1 is odd: I1(-0.0) = -0.0 too
    return out if x.dtype == xp.float64 else xp.astype(out, x.dtype)


class I0(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return i0_array(self.xp, a)

    def backward(self, grad):
        (a,) = self.saved
        return grad * i1_array(self.xp, a)


class I1(Function):
    def forward(self, a):
        out = i1_array(self.xp, a)
        self.save_for_backward(a, out)
        return out

    def backward(self, grad):
        xp = self.xp
        a, out = self.saved
        safe = xp.where(a == 0, 1.0, a)
        # I1'(x) = I0(x) - I1(x)/x, whose limit at 0 is 1/2
        return grad * xp.where(a == 0, 0.5, i0_array(xp, a) - out / safe)


def i0(input):  # noqa: A002
    """The modified Bessel function of the first kind, order 0; integers give float32."""
    real_only("i0", input)
    return I0.apply(to_float(input))


def i1(input):  # noqa: A002
    """The modified Bessel function of the first kind, order 1 (torch.special.i1)."""
    real_only("i1", input)
    return I1.apply(to_float(input))
