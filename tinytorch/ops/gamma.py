"""The gamma family: lgamma (log |Gamma(x)|), digamma (psi = Gamma'/Gamma), polygamma(n, x)
(the n-th derivative of psi) and mvlgamma(x, p) (the multivariate log-gamma), as Functions.

Why here: the array API standard has no gamma function, and neither has
array-api-strict, so each is computed on the front end from arithmetic,
log, sin and cos, in float64 (float32 and float16 inputs are widened first
and the result rounded back, as erf.py does). Classical formulas only:

- lgamma and digamma near 2: the Taylor series lgamma(2 + z) = (1 - gamma)z +
  sum_{k>=2} (-1)^k (zeta(k) - 1) z^k / k and psi(2 + z) = 1 - gamma +
  sum_{k>=1} (-1)^(k+1) (zeta(k+1) - 1) z^k for |z| <= 1/2 (zeta(k) - 1 is
  about 2^-k, so 27 terms reach float64 precision). The zeta values are
  computed at import (Euler-Maclaurin summation, `_hurwitz_float`).
- from 2.5 to 8 the recurrence Gamma(x) = (x - 1) Gamma(x - 1) steps down
  into that window, adding positive terms only (no cancellation); from -0.5
  to 1.5 it steps up (lgamma(x) = lgamma(x + 2) - log|x| - log|x + 1|).
- from 8 up, Stirling's series for lgamma and the asymptotic series for psi
  (Bernoulli numbers, computed at import as exact fractions), 10 terms.
- below -0.5, the reflection formulas lgamma(x) = log(pi / |sin(pi x)|) -
  lgamma(1 - x) and psi(x) = psi(1 - x) - pi cot(pi x), with sin and cos of
  pi * (x - round(x)) so that large |x| loses nothing to the reduction.
- digamma's positive root x0 = 1.4616...: psi(x) = psi(2 + z) - 1/x cancels
  there, so within 0.05 of x0 a Taylor series about the root is used
  (coefficients (-1)^(k+1) zeta(k+1, x0), x0 held as two floats).
- polygamma, n >= 1: psi^(n)(x) = (-1)^(n+1) n! zeta(n+1, x), the Hurwitz
  zeta function, summed directly up to x + N and finished with the
  Euler-Maclaurin tail (N grows with n so the tail's first omitted term is
  below 2^-56 of the result); below 0 the reflection formula
  psi^(n)(x) = (-1)^n psi^(n)(1 - x) - pi^(n+1) P_n(cot(pi x)), where P_n is
  the polynomial with d^n/du^n cot(u) = P_n(cot u).

Accuracy (float64, against a 60-digit reference and SciPy, tests/test_special_functions.py):
for x >= -0.5, relative error below 1e-15 for lgamma (its zeros at 1 and 2 included),
6e-15 for digamma (its root included) and 2e-15 for polygamma. Below -0.5 the reflection
keeps the absolute error near 1e-16 times the size of its terms: on random points 1e-3 or
more from the poles, relative errors stayed below 1.5e-14 (lgamma), 6e-14 (digamma) and
2e-15 (polygamma), and only close to the zeros between the poles is relative accuracy
lost, as in every reflection-based implementation.
float32 results are the float64 ones, correctly rounded.

Special values follow PyTorch: lgamma is +inf at 0, the negative integers and +-inf;
digamma(+-0) = -+inf, digamma is nan at the negative integers and -inf; polygamma(n, x)
at 0 and the negative integers is (-1)^(n+1) inf. Two deliberate differences:
polygamma(n, +inf) is 0 (the limit, as SciPy gives; PyTorch gives nan for n >= 2) and
polygamma(n, -inf) is nan (there is no limit; PyTorch's sign varies with n).

Gradients: lgamma' = digamma, digamma' = polygamma(1, .), polygamma(n)' = polygamma(n+1),
each computed by the same code; mvlgamma is a sum of lgammas.

Assumes: polygamma's order n is at most 100 (n! overflows float64 past 170 anyway, and the
direct sum grows with n); clarity over speed: each call is 60 to 150 array passes.
Production does instead: PyTorch runs Cephes-derived scalar C code (rational
approximations) per element in one fused kernel, on CPU and CUDA.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..autograd import Function
from .plumbing import real_only, to_float
from .reduce import sum as total_along

__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma"]

_EULER_GAMMA = 0.5772156649015329
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_MAX_ORDER = 100


def _bernoulli(count):
    """B_2, B_4, ..., B_(2 count) as exact fractions (the Akiyama-Tanigawa algorithm)."""
    row, found = [], []
    for m in range(2 * count + 1):
        row.append(Fraction(1, m + 1))
        for j in range(m, 0, -1):
            row[j - 1] = j * (row[j - 1] - row[j])
        if m >= 2 and m % 2 == 0:
            found.append(row[0])
    return found


_B = _bernoulli(12)  # B_2 ... B_24


def _hurwitz_float(s, q, head=20):
    """zeta(s, q) = sum_{k>=0} (q + k)^-s for a float s > 1 and q > 0 (Python floats, import
    time only): `head` terms summed smallest first, then the Euler-Maclaurin tail at q + head."""
    a = q + head
    tail = a ** (1 - s) / (s - 1) + 0.5 * a ** -s
    rising = s  # s (s + 1) ... (s + 2j - 2), the j-th tail term's factor
    for j, b in enumerate(_B[:10], start=1):
        tail += float(b) / math.factorial(2 * j) * rising * a ** (-s - 2 * j + 1)
        rising *= (s + 2 * j - 1) * (s + 2 * j)
    return math.fsum([(q + k) ** -s for k in range(head - 1, -1, -1)] + [tail])


# zeta(k) - 1 = zeta(k, 2) for k = 2 .. 29: the Taylor coefficients about 2
_ZETA_M1 = {k: _hurwitz_float(k, 2.0) for k in range(2, 30)}
# lgamma(2 + z) = sum_k _LGAMMA2[k] z^(k+1); psi(2 + z) = sum_k _DIGAMMA2[k] z^k
_LGAMMA2 = [1 - _EULER_GAMMA] + [(-1) ** k * _ZETA_M1[k] / k for k in range(2, 29)]
_DIGAMMA2 = [1 - _EULER_GAMMA] + [(-1) ** (k + 1) * _ZETA_M1[k + 1] for k in range(1, 28)]
# Stirling: lgamma(y) ~ (y - 1/2) log y - y + log(2 pi)/2 + sum_k B_2k / (2k (2k-1) y^(2k-1));
# psi(y) ~ log y - 1/(2y) - sum_k B_2k / (2k y^2k)
_STIRLING = [float(b) / (2 * k * (2 * k - 1)) for k, b in enumerate(_B[:10], start=1)]
_PSI_ASYMPTOTIC = [float(b) / (2 * k) for k, b in enumerate(_B[:10], start=1)]
# digamma's positive root (OEIS A030169), as a float and the float of what it leaves out
_ROOT = 1.4616321449683623
_ROOT_LOW = 9.549995429965697e-17  # x0 - _ROOT, from x0 = 1.46163214496836234126265954232572...
_ROOT_SERIES = [0.0] + [(-1) ** (k + 1) * _hurwitz_float(k + 1, _ROOT) for k in range(1, 13)]
_ROOT_WINDOW = 0.05


def _horner(xp, coefficients, z):
    """sum_k coefficients[k] z^k."""
    acc = xp.full_like(z, coefficients[-1])
    for c in coefficients[-2::-1]:
        acc = acc * z + c
    return acc


def _wide(xp, x):
    return x if x.dtype == xp.float64 else xp.astype(x, xp.float64)


def _narrow(xp, out, like):
    return out if like.dtype == xp.float64 else xp.astype(out, like.dtype)


def _sin_cos_pi(xp, x):
    """sin(pi r) and cos(pi r) with r = x - round(x) in [-1/2, 1/2]: |sin(pi x)| and
    cot(pi x) without the rounding error of pi * x for large x (the sign of sin may differ
    from sin(pi x), which the callers do not need)."""
    r = x - xp.round(x)
    # cos(pi r) as sin(pi (1/2 - |r|)): near r = +-1/2 (half-integer x) cos would lose its
    # relative precision to the rounding of pi * r, and cot(pi x) is then small
    return xp.sin(math.pi * r), xp.sin(math.pi * (0.5 - xp.abs(r)))


def _steps(xp, y):
    """For -1/2 < y < 8: m in -2..6 with y - m in [1.5, 2.5), and z = y - 2 - m."""
    m = xp.clip(xp.floor(y - 1.5), -2.0, 6.0)
    return m, y - 2.0 - m


def _nonzero(xp, x):
    """x with zeros replaced by 1: a denominator or log argument for a branch that `where`
    discards there anyway (so no division by zero is ever evaluated)."""
    return xp.where(x == 0.0, 1.0, x)


def _lgamma_core(xp, y):
    """lgamma(y) for float64 y > -1/2: the series about 2 below 8, Stirling's series above."""
    small = xp.clip(y, -0.5, 8.0)
    m, z = _steps(xp, small)
    series = z * _horner(xp, _LGAMMA2, z)
    # stepping down: + log((y-1)(y-2)...(y-m)); the product stays below 6! * 7 = 5040
    product = xp.ones_like(small)
    for j in range(1, 7):
        product = product * xp.where(m >= j, small - j, 1.0)
    # stepping up: lgamma(y) = lgamma(y + 1) - log y (m = -1), and also - log|y + 1| (m = -2)
    up = xp.log(xp.abs(_nonzero(xp, small)))
    up = up + xp.where(m == -2, xp.log1p(xp.where(m == -2, small, 0.0)), 0.0)
    below = series + xp.log(product) - xp.where(m < 0, up, 0.0)
    big = xp.maximum(y, 8.0)
    inv = 1.0 / big
    # (big - 1/2) log(big) - big, written so that it cannot overflow before the result does
    stirling = big * (xp.log(big) - 1.0) - 0.5 * xp.log(big) + _HALF_LOG_2PI + inv * _horner(
        xp, _STIRLING, inv * inv)
    return xp.where(y < 8.0, below, stirling)


def lgamma_array(xp, x):
    """log |Gamma(x)| of a floating array (see the module notes)."""
    a = _wide(xp, x)
    reflect = a <= -0.5
    core = _lgamma_core(xp, xp.where(reflect, 1.0 - a, a))
    sin, _ = _sin_cos_pi(xp, a)
    reflected = math.log(math.pi) - xp.log(xp.abs(_nonzero(xp, sin))) - core
    out = xp.where(reflect, reflected, core)
    pole = (a <= 0) & (xp.floor(a) == a)   # 0, the negative integers and -inf
    out = xp.where(pole | xp.isinf(a), math.inf, out)
    return _narrow(xp, out, x)


def _digamma_core(xp, y):
    """psi(y) for float64 y > -1/2 (y not 0)."""
    small = xp.clip(y, -0.5, 8.0)
    m, z = _steps(xp, small)
    out = _horner(xp, _DIGAMMA2, z)
    for j in range(1, 7):                          # stepping down: + 1/(y-1) + ... + 1/(y-m)
        out = out + xp.where(m >= j, 1.0 / xp.where(m >= j, small - j, 1.0), 0.0)
    safe = _nonzero(xp, small)                    # stepping up: - 1/y, and - 1/(y + 1)
    out = out - xp.where(m < 0, 1.0 / safe, 0.0) - xp.where(m == -2, 1.0 / (safe + 1.0), 0.0)
    d = (small - _ROOT) - _ROOT_LOW
    out = xp.where(xp.abs(d) < _ROOT_WINDOW, _horner(xp, _ROOT_SERIES, d), out)
    big = xp.maximum(y, 8.0)
    inv2 = 1.0 / (big * big)
    asymptotic = xp.log(big) - 0.5 / big - inv2 * _horner(xp, _PSI_ASYMPTOTIC, inv2)
    return xp.where(y < 8.0, out, asymptotic)


def digamma_array(xp, x):
    """psi(x) = d/dx lgamma(x) of a floating array (see the module notes)."""
    a = _wide(xp, x)
    reflect = a <= -0.5
    core = _digamma_core(xp, xp.where(reflect, 1.0 - a, a))
    sin, cos = _sin_cos_pi(xp, a)
    reflected = core - math.pi * cos / _nonzero(xp, sin)
    out = xp.where(reflect, reflected, core)
    out = xp.where(a == 0.0, xp.where(xp.signbit(a), xp.full_like(a, math.inf), -math.inf), out)
    pole = ((a < 0) & (xp.floor(a) == a)) | (a == -math.inf)
    out = xp.where(pole, math.nan, xp.where(a == math.inf, math.inf, out))
    return _narrow(xp, out, x)


def _cot_derivative(n):
    """Integer coefficients (lowest power first) of P_n with d^n/du^n cot(u) = P_n(cot u):
    P_0 = c and P_(k+1) = -(1 + c^2) P_k'(c)."""
    p = [0, 1]
    for _ in range(n):
        dp = [i * p[i] for i in range(1, len(p))] + [0, 0]
        p = [-(dp[i] + (dp[i - 2] if i >= 2 else 0)) for i in range(len(dp))]
    return p


def _zeta_shift(s):
    """The smallest a at which the Euler-Maclaurin tail of zeta(s, a) with 10 correction
    terms has its first omitted term below 2^-56 of the tail's leading term."""
    b = abs(float(_B[10])) / math.factorial(22)
    rising = math.prod(range(s, s + 21))   # s (s + 1) ... (s + 20)
    a = 10
    while b * rising * (s - 1) / a ** 22 > 2.0 ** -56:
        a += 1
    return a


def _hurwitz(xp, s, x):
    """zeta(s, x) for an integer s >= 2 and a float64 array x > 0: direct terms up to
    x + N, then the Euler-Maclaurin tail (see _zeta_shift)."""
    n_shift = _zeta_shift(s)
    shifted = x < n_shift
    head = xp.zeros_like(x)
    for k in range(n_shift - 1, -1, -1):   # smallest terms first
        head = head + (x + k) ** -s
    a = xp.where(shifted, x + n_shift, x)
    inv2 = 1.0 / (a * a)
    coefficients, rising = [], s
    for j, b in enumerate(_B[:10], start=1):    # B_2j / (2j)! * s (s + 1) ... (s + 2j - 2)
        coefficients.append(float(b) / math.factorial(2 * j) * rising)
        rising *= (s + 2 * j - 1) * (s + 2 * j)
    # a^(1-s) (1/(s-1) + 1/(2a) + sum_j c_j a^-2j): a^(1-s) first, so large a cannot underflow
    tail = a ** (1 - s) * (1.0 / (s - 1) + 0.5 / a + inv2 * _horner(xp, coefficients, inv2))
    return xp.where(shifted, head, 0.0) + tail


def polygamma_array(xp, n, x):
    """psi^(n)(x) of a floating array, n >= 0 (see the module notes)."""
    if n == 0:
        return digamma_array(xp, x)
    a = _wide(xp, x)
    reflect = a < 0
    positive = xp.where(reflect, 1.0 - a, a)
    # poles, nan and inf get their values below; 1 keeps the sums finite meanwhile
    positive = xp.where(xp.isnan(positive) | xp.isinf(positive) | (positive == 0.0), 1.0,
                        positive)
    core = (-1) ** (n + 1) * math.factorial(n) * _hurwitz(xp, n + 1, positive)
    sin, cos = _sin_cos_pi(xp, xp.where(reflect, a, 0.5))
    cot = cos / _nonzero(xp, sin)
    reflected = (-1) ** n * core - math.pi ** (n + 1) * _horner(xp, _cot_derivative(n), cot)
    out = xp.where(reflect, reflected, core)
    pole = (a <= 0) & (xp.floor(a) == a)
    out = xp.where(pole, (-1) ** (n + 1) * math.inf, out)
    out = xp.where(a == math.inf, (-1) ** (n + 1) * 0.0, out)
    out = xp.where(xp.isnan(a) | (a == -math.inf), math.nan, out)
    return _narrow(xp, out, x)


class Lgamma(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return lgamma_array(self.xp, a)

    def backward(self, grad):
        (a,) = self.saved
        return grad * digamma_array(self.xp, a)


class Digamma(Function):
    def forward(self, a):
        self.save_for_backward(a)
        return digamma_array(self.xp, a)

    def backward(self, grad):
        (a,) = self.saved
        return grad * polygamma_array(self.xp, 1, a)


class Polygamma(Function):
    def forward(self, a, n):
        self.n = n
        self.save_for_backward(a)
        return polygamma_array(self.xp, n, a)

    def backward(self, grad):
        (a,) = self.saved
        return grad * polygamma_array(self.xp, self.n + 1, a), None


def _real_float(name, input):  # noqa: A002
    real_only(name, input)
    return to_float(input)


def lgamma(input):  # noqa: A002
    """log |Gamma(x)|; integer inputs give the default float dtype, as in PyTorch."""
    return Lgamma.apply(_real_float("lgamma", input))


def digamma(input):  # noqa: A002
    """psi(x), the derivative of lgamma: -inf at +0, +inf at -0, nan at negative integers."""
    return Digamma.apply(_real_float("digamma", input))


def _order(name, argument, value, low):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}(): {argument} must be an int, got {type(value).__name__} "
                        f"({value!r})")
    if value < low:
        raise RuntimeError(f"{name}(): {argument} must be at least {low}, got {value}")
    return value


def polygamma(n, input):  # noqa: A002
    """The n-th derivative of digamma (polygamma(0, x) is digamma(x))."""
    _order("polygamma", "n", n, 0)
    if n > _MAX_ORDER:
        raise ValueError(f"polygamma(): n = {n} is above the largest order tinytorch computes, "
                         f"{_MAX_ORDER} (n! alone overflows float64 past n = 170); use a "
                         f"smaller n")
    x = _real_float("polygamma", input)
    return Digamma.apply(x) if n == 0 else Polygamma.apply(x, n)


def mvlgamma(input, p):  # noqa: A002
    """The multivariate log-gamma of dimension p: p(p-1)/4 log(pi) + sum_j lgamma(x - j/2),
    j = 0 .. p-1; every element must be above (p - 1) / 2."""
    _order("mvlgamma", "p", p, 1)
    x = _real_float("mvlgamma", input)
    if x.numel() and not bool((x.detach() > (p - 1) / 2).all()):  # one sync: PyTorch checks too
        raise RuntimeError(f"mvlgamma(): all elements must be greater than (p-1)/2 = "
                           f"{(p - 1) / 2} for p = {p}; the smallest is {x.min().item()!r}")
    # all p terms at once along a new last axis (a loop over p would run as long as p is large;
    # this way a p past memory is refused by arange's allocation check)
    from ..creation import arange
    halves = arange(p, dtype=x.dtype, device=x.device) / 2
    total = total_along(lgamma(x[..., None] - halves), -1)
    return total + p * (p - 1) / 4 * math.log(math.pi)
