"""The error function erf(x) = 2/sqrt(pi) * integral from 0 to x of exp(-t^2) dt, and
erfc(x) = 1 - erf(x), as Functions (`tinytorch.erf`, `tinytorch.erfc`, `F.erf`).

Why here: exact GELU needs erf, and neither the array API standard nor
NumPy provides it, so it is computed from two classical expansions:

- |x| < 2: the series erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_k 2^k x^(2k+1) / (1*3*...*(2k+1)).
  Every term is positive, so there is no cancellation; it is evaluated by
  Horner's rule as a polynomial in x^2 whose coefficients are computed at
  import from that formula.
- |x| >= 2: Laplace's continued fraction erfc(x) = exp(-x^2)/sqrt(pi) /
  (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated bottom-up with
  a fixed number of levels, and erf = 1 - erfc.

Accuracy: for float64 inputs, 30 series terms and 40 fraction levels give a
largest absolute error of about 1e-15 against Python's math.erf (measured
over [-7, 7]); both branches are computed for every element and the right
one selected, about 140 array operations. float32 and float16 inputs need
far less: a published 10-coefficient Chebyshev fit of erfc (relative error
below 1.2e-7, evaluated in float64; largest absolute error 9e-8 after
rounding to float32) costs about 25.

Exact GELU in float32 asks for the normal CDF Phi(x) = erfc(-x/sqrt 2)/2
and the Gaussian exp(-x^2/2) of its derivative, so it has its own fit
(`normal_cdf_and_gaussian`): the tail Phi(-a) = exp(-a^2/2) * t * S(t), t =
1/(1 + a/4), S a degree-6 polynomial fitted by docs/scripts/fit_gelu_tail.py
to the error GELU cares about; the exp is shared with backward.

The derivative is exact: d erf(x)/dx = 2/sqrt(pi) * exp(-x^2) = -d erfc(x)/dx.

erfinv (the inverse, on [-1, 1]) starts from Winitzki's closed-form
approximation (relative error about 2e-3) and takes two Halley steps on
erf(y) = x, each cubing the error; near |x| = 1 the step solves
erfc(y) = 1 - |x| instead (1 - |x| is exact there, and erf(y) - x would
cancel). It is computed in float64 for every input dtype (about 600 array
passes: the expensive op here). Measured against SciPy over [-1, 1]
(including 1 - 1e-16 and 1e-300): relative error below 2e-14, median 1.3e-16
(tests/test_special_functions.py); the worst cases are near |erfinv(x)| = 2, where
erf's own absolute error (1e-15) meets erf's small slope there (0.02). Its derivative is
sqrt(pi)/2 * exp(erfinv(x)^2), from the saved output.

erfc is not computed as 1 - erf where that cancels (large x, where erfc is
tiny): there the continued fraction (float64) or the Chebyshev erfc fit
(float32, evaluated in float64) gives it directly, so its relative precision
holds far into the tail.

Assumes: speed matters less than clarity and accuracy here; the expansions
cost tens of array passes, which is why the transformer milestone uses the
tanh form of GELU.

Production does instead: PyTorch calls a vectorised C erf (a rational
approximation accurate to about 1 ulp, from the C math library or
Sleef/CUDA's libdevice) in a fused kernel.
"""

from __future__ import annotations

import math

from ..autograd import Function
from .plumbing import real_only, to_float

__all__ = ["erf", "erfc", "erfinv"]  # public ops; erf_array and normal_cdf_and_gaussian serve GELU

_TWO_OVER_SQRT_PI = 1.1283791670955126

_SPLIT = 2.0
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_PI = math.sqrt(math.pi)
_INV_SQRT2 = 1.0 / math.sqrt(2.0)


def _series_coefficients(count: int) -> tuple:
    """c_k = 2/sqrt(pi) * 2^k / (1*3*...*(2k+1)), so erf(x) = x exp(-x^2) sum_k c_k x^(2k)."""
    coefficients, c = [], _TWO_OVER_SQRT_PI
    for k in range(count):
        coefficients.append(c)
        c *= 2.0 / (2 * k + 3)
    return tuple(coefficients)


_SERIES = _series_coefficients(30)
_FRACTION_LEVELS = 40

# A Chebyshev fit in t = 1 / (1 + z/2), published with the routine erfcc in Numerical Recipes:
# erfc(z) ~= t * exp(-z^2 + sum_k c_k t^k), with a relative error below 1.2e-7 for every z >= 0.
# That is float32's own precision, for a fifth of the cost of the float64 path.
_ERFC_FIT = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807,
             -1.13520398, 1.48851587, -0.82215223, 0.17087277)


def _erfc_fraction(xp, b):
    """erfc(b) for float64 b >= 2 from Laplace's continued fraction, evaluated bottom-up."""
    t = b
    for k in range(_FRACTION_LEVELS, 0, -1):
        t = b + (k / 2) / t
    return xp.exp(-b * b) / (_SQRT_PI * t)


def erf_array(xp, x):
    """erf of a floating array: exact to float64 precision for float64, float32's otherwise."""
    if x.dtype != xp.float64:
        return xp.astype(_erf_fit(xp, xp.astype(x, xp.float64)), x.dtype)
    a = xp.abs(x)

    s = xp.minimum(a, _SPLIT)          # series branch, clipped to its own range
    s2 = s * s
    acc = xp.full_like(s, _SERIES[-1])
    for c in _SERIES[-2::-1]:
        acc = acc * s2 + c
    small = s * xp.exp(-s2) * acc

    b = xp.maximum(a, _SPLIT)          # continued-fraction branch, clipped likewise
    large = 1.0 - _erfc_fraction(xp, b)

    return xp.where(a < _SPLIT, small, large) * xp.sign(x)


def _erfc_fit(xp, z):
    """erfc(z) for float64 z >= 0 from the Chebyshev fit (relative error below 1.2e-7)."""
    t = 1.0 / (1.0 + 0.5 * z)
    acc = _ERFC_FIT[-1] * t
    acc += _ERFC_FIT[-2]
    for c in _ERFC_FIT[-3::-1]:  # Horner's rule, in place: no new array per coefficient
        acc *= t
        acc += c
    acc -= z * z
    erfc = xp.exp(acc)
    erfc *= t
    return erfc


def _erf_fit(xp, x):
    # Beyond |x| = 6, erfc(x) < 3e-17, so erf is +-1 to float32 and float16 precision; clipping
    # there keeps exp() out of its slow underflow path (about 15x slower in float64).
    z = xp.minimum(xp.abs(x), 6.0)
    erfc = _erfc_fit(xp, z)
    # 1 - erfc cancels near 0, losing the relative precision a small erf needs; there the
    # Maclaurin series (terms to x**9, relative error < 1e-9 for |x| < 0.25) is exact enough.
    x2 = x * x
    series = x * (_TWO_OVER_SQRT_PI + x2 * (-_TWO_OVER_SQRT_PI / 3 + x2 * (
        _TWO_OVER_SQRT_PI / 10 + x2 * (-_TWO_OVER_SQRT_PI / 42 + x2 * _TWO_OVER_SQRT_PI / 216))))
    return xp.where(z < 0.25, series, (1.0 - erfc) * xp.sign(x))


# Float32 GELU's normal tail: Phi(-a) = exp(-a^2/2) * t * S(t) with t = 1 / (1 + a/4), a >= 0,
# S of degree 6 fitted by docs/scripts/fit_gelu_tail.py. It is evaluated in u = 1 / (4 + a) = t/4
# (one array pass fewer), so these are S's coefficients times 4^(k+1), lowest power first:
# Phi(-a) = exp(-a^2/2) * sum_k _TAIL_FIT[k] * u^(k+1). The fit adds at most 3e-9 to GELU's
# error: float32 rounding, not the fit, sets its accuracy.
_TAIL_FIT = (0.39961708622503433, 1.66943168413379, 3.0915852871204486, 62.44797786672406,
             -239.64347391694633, 1335.8120713629876, -1451.3987944373168)


def normal_cdf_and_gaussian(xp, x):
    """(Phi(x), exp(-x^2 / 2)) for a float32 array x: the normal CDF and its unscaled density.

    For exact GELU in float32, which needs both: Phi for the value x * Phi(x), the Gaussian
    for the derivative Phi(x) + x * phi(x), so backward reuses it instead of another exp.
    The tail q = Phi(-|x|) comes from the fit above (about 25 array passes, most in place);
    then Phi is q for x < 0 and 1 - q for x >= 0, rounded once, so the negative tail is not
    lost to cancellation (relative error 8e-7 down to x = -3, 5e-4 at x = -9; the fit aims
    at absolute errors). Largest error of x * Phi(x) against float64: 3.8e-7 (PyTorch's own
    float32 GELU: 1e-6). At x = -inf, q is exactly 0, so GELU is nan there, as in PyTorch.
    """
    a = xp.abs(x)
    gaussian = a * a
    gaussian *= -0.5
    gaussian = xp.exp(gaussian)
    a += 4.0
    u = 1.0 / a                 # in (0, 1/4]: 0 for infinite x, so nothing needs clipping
    q = _TAIL_FIT[-1] * u
    q += _TAIL_FIT[-2]
    for c in _TAIL_FIT[-3::-1]:  # Horner's rule, in place: no new array per coefficient
        q *= u
        q += c
    q *= u
    q *= gaussian
    # Phi = q + upper * (1 - 2q), upper = [x >= 0]: arithmetic rather than where(), which is
    # several times slower on a mask with no pattern. Each step but the last is exact.
    upper = xp.astype(x >= 0, x.dtype)
    cdf = upper * -2.0
    cdf += 1.0
    cdf *= q
    cdf += upper
    return cdf, gaussian


class Erf(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return erf_array(self.xp, a)

    def backward(self, grad):
        (a,) = self.saved
        return grad * (_TWO_OVER_SQRT_PI * self.xp.exp(-a * a))


def erfc_array(xp, x):
    """erfc of a floating array, with relative precision in the tail (see the module notes)."""
    if x.dtype != xp.float64:  # the fit, in float64; past 11, erfc is 0 in float32
        wide = xp.astype(x, xp.float64)
        upper = _erfc_fit(xp, xp.minimum(xp.abs(wide), 11.0))
        return xp.astype(xp.where(wide >= 0, upper, 2.0 - upper), x.dtype)
    b = xp.maximum(x, _SPLIT)  # the continued fraction for x >= 2, as in erf_array
    tail = _erfc_fraction(xp, b)
    return xp.where(x >= _SPLIT, tail, 1.0 - erf_array(xp, x))  # below 2, erfc > 0.004: exact


class Erfc(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return erfc_array(self.xp, a)

    def backward(self, grad):
        (a,) = self.saved
        return grad * (-_TWO_OVER_SQRT_PI * self.xp.exp(-a * a))


def erf(input):  # noqa: A002
    """The error function; integer inputs give the default float dtype, as in PyTorch."""
    real_only("erf", input)
    return Erf.apply(to_float(input))


def erfc(input):  # noqa: A002
    """1 - erf(x), accurate where erf(x) is close to 1."""
    real_only("erfc", input)
    return Erfc.apply(to_float(input))


# Winitzki's closed form erfinv(x) ~= sgn(x) sqrt(sqrt(t^2 - L/a) - t), t = 2/(pi a) + L/2,
# L = log(1 - x^2), a = 0.147: relative error about 2e-3 everywhere, which two Halley steps
# (each cubing the error) take below float64's rounding.
_WINITZKI = 0.147
_HALLEY_STEPS = 2


def _erfinv_guess(xp, u, q):
    """Winitzki's approximation of erfinv(u) for 0 <= u < 1, q = 1 - u (exact for u >= 1/2)."""
    # log(1 - u^2): log1p for small u (where 1 - u^2 rounds), log(q) + log1p(u) near 1
    # (where q is exact and tiny)
    log_term = xp.where(u < 0.5, xp.log1p(-u * u), xp.log(xp.maximum(q, 1e-300)) + xp.log1p(u))
    t = 2.0 / (math.pi * _WINITZKI) + 0.5 * log_term
    return xp.sqrt(xp.maximum(xp.sqrt(t * t - log_term / _WINITZKI) - t, 0.0))


def erfinv_array(xp, x):
    """The inverse of erf on a floating array: computed in float64 (see erfinv)."""
    wide = x if x.dtype == xp.float64 else xp.astype(x, xp.float64)
    u = xp.abs(wide)
    inside = u < 1.0
    u = xp.where(inside, u, 0.5)       # the edges get their values at the end
    q = 1.0 - u
    y = _erfinv_guess(xp, u, q)
    for _ in range(_HALLEY_STEPS):
        # f(y) = erf(y) - u, written as q - erfc(y) for u >= 1/2, where erf(y) is close to 1
        # and erf(y) - u would cancel; f' = 2/sqrt(pi) exp(-y^2), f'' = -2 y f'
        f = xp.where(u < 0.5, erf_array(xp, y) - u, q - erfc_array(xp, y))
        slope = _TWO_OVER_SQRT_PI * xp.exp(-y * y)
        y = y - f / (slope + y * f)    # Halley's step: y - 2 f f' / (2 f'^2 - f f'')
    edge = xp.where(xp.abs(wide) == 1.0, xp.full_like(y, math.inf), math.nan)
    out = xp.where(inside, y, edge)
    out = xp.where(wide == 0.0, wide, xp.where(wide < 0, -out, out))   # keeps -0.0
    return out if x.dtype == xp.float64 else xp.astype(out, x.dtype)


class Erfinv(Function):
    def forward(self, a):
        out = erfinv_array(self.xp, a)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        return grad * ((_SQRT_PI / 2) * self.xp.exp(out * out))


def erfinv(input):  # noqa: A002
    """The inverse error function on [-1, 1]: erfinv(erf(y)) = y; +-inf at +-1, nan beyond."""
    real_only("erfinv", input)
    return Erfinv.apply(to_float(input))
