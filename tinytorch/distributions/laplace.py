"""`Laplace(loc, scale)`: the double exponential, density exp(-|x - loc| / scale) / (2 scale).

What it does: rsample maps u, uniform on (-1, 1), to loc - scale * sign(u) *
log(1 - |u|) (the inverse cdf), so gradients reach loc and scale; log_prob,
cdf, icdf, entropy (1 + log(2 scale)), mean = mode = loc, variance 2 scale^2.

Assumes: scale > 0 (validated); u is drawn from [eps - 1, 1) with eps the
dtype's epsilon, so log(1 - |u|) stays finite.
Production does instead: PyTorch draws u the same way, from its own uniform
kernel on the device.
"""

from __future__ import annotations

import math

from .. import dtypes as _dt
from ..creation import rand
from .distribution import LocationScale

__all__ = ["Laplace"]


class Laplace(LocationScale):
    """The Laplace distribution with location `loc` and scale `scale` (broadcast)."""

    @property
    def stddev(self):
        return math.sqrt(2) * self.scale

    @property
    def variance(self):
        return 2 * self.scale.square()

    def rsample(self, sample_shape=()):
        eps = _dt.finfo(self.loc.dtype).eps
        u = rand(self._extended_shape(sample_shape), dtype=self.loc.dtype,
                 device=self.loc.device)
        u = (eps - 1) + u * (2 - eps)
        return self.loc - self.scale * u.sign() * (-u.abs()).log1p()

    def log_prob(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        return -(2 * self.scale).log() - (value - self.loc).abs() / self.scale

    def cdf(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        return 0.5 - 0.5 * z.sign() * (-z.abs()).expm1()

    def icdf(self, value):
        value = self._value(value)
        centered = value - 0.5
        return self.loc - self.scale * centered.sign() * (-2 * centered.abs()).log1p()

    def entropy(self):
        return 1 + (2 * self.scale).log()
