"""`Normal(loc, scale)`: the Gaussian, with the reparameterised sample loc + scale * eps.

What it does: rsample draws eps from `tinytorch.randn` and returns
loc + scale * eps, so gradients reach loc and scale; log_prob, entropy, cdf
(through erfc) and icdf are formulas in tinytorch ops. icdf needs the
standard normal quantile; sqrt(2) * erfinv(2p - 1) would lose the lower
tail (2p - 1 rounds to -1 below p = 1e-16), so it starts from Acklam's
rational approximation (relative error about 1e-9, three branches: the two
tails and the centre), computed without
gradient, then takes one Newton step p -> z + (p - Phi(z)) / phi(z) in
tinytorch ops. The step makes the value accurate to the dtype's precision and
gives the exact gradient dz/dp = 1 / phi(z) at the computed point.

Assumes: scale > 0 (validated); the tail residual is computed from the side
of 0.5 that p lies on (1 - p is exact there), so icdf stays accurate at
p = 1e-300 and at 1 - 1e-15; icdf(0) = -inf and icdf(1) = inf.
Production does instead: PyTorch's icdf is loc + scale * sqrt(2) *
erfinv(2p - 1), with an erfinv kernel of its own (and its derivative).
"""

from __future__ import annotations

import math

from .. import dtypes as _dt
from ..autograd import no_grad
from ..creation import randn
from ..ops import erfc, log, sqrt, where
from .distribution import LocationScale

__all__ = ["Normal"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)

# Acklam's approximation of the standard normal quantile: the central branch is a ratio of
# polynomials in r = (p - 1/2)^2 (times p - 1/2), the tails a ratio in q = sqrt(-2 log p).
_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01, 1.0)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
      3.754408661907416e+00, 1.0)
_P_LOW = 0.02425  # below it (and above 1 - it) the tail branch


def _horner(coefficients, x):
    out = coefficients[0]
    for c in coefficients[1:]:
        out = out * x + c
    return out


def _standard_normal_cdf(z):
    return 0.5 * erfc(-z / math.sqrt(2))


def standard_normal_icdf(p):
    """z with Phi(z) = p, elementwise, differentiable in p (see the module docstring)."""
    tiny = _dt.finfo(p.dtype).tiny
    with no_grad():
        q = p.detach()
        lower = q < 0.5
        tail = where(lower, q, 1 - q).clamp(min=tiny)  # the smaller of p and 1 - p
        centered = q - 0.5
        r = centered * centered
        central = _horner(_A, r) * centered / _horner(_B, r)
        s = sqrt(-2 * log(tail))
        tails = _horner(_C, s) / _horner(_D, s)
        z0 = where(tail < _P_LOW, where(lower, tails, -tails), central)
    # one Newton step with z0 as a constant: its residual from the side p lies on
    residual = where(lower, p - _standard_normal_cdf(z0), _standard_normal_cdf(-z0) - (1 - p))
    density = (-0.5 * z0 * z0).exp() / math.sqrt(2 * math.pi)
    z = z0 + residual / density
    return where(p == 0, -math.inf, where(p == 1, math.inf, z))


class Normal(LocationScale):
    """The normal distribution with mean `loc` and standard deviation `scale` (broadcast)."""

    @property
    def stddev(self):
        return self.scale

    @property
    def variance(self):
        return self.scale.square()

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        eps = randn(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.loc + eps * self.scale

    def log_prob(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        return -(value - self.loc).square() / (2 * self.scale.square()) - self.scale.log() \
            - _LOG_SQRT_2PI

    def cdf(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        return _standard_normal_cdf((value - self.loc) / self.scale)

    def icdf(self, value):
        value = self._value(value)
        return self.loc + self.scale * standard_normal_icdf(value)

    def entropy(self):
        return 0.5 + _LOG_SQRT_2PI + self.scale.log()
