"""`Uniform(low, high)`: every value in [low, high) equally likely; rsample is
low + (high - low) * u with u from `tinytorch.rand`.

What it does: log_prob is -log(high - low) on [low, high) (validation
refuses a value outside [low, high]; without validation it gets -inf),
cdf and icdf are the straight lines between the bounds, entropy is
log(high - low); gradients reach both bounds.

Assumes: low < high elementwise (validated at construction, since each bound
constrains the other); the support is the closed interval, as in PyTorch, so
validation accepts `high` while its density is 0 there (log_prob -inf,
matching the half-open [low, high) that draws come from).
Production does instead: torch.distributions.Uniform is the same family; its
`low`/`high` constraints are "dependent" and its support an interval that
moves with them, as here.
"""

from __future__ import annotations

import math

from ..creation import rand
from ..ops import where
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Uniform"]


class Uniform(Distribution):
    arg_constraints = {"low": constraints.dependent, "high": constraints.dependent}
    has_rsample = True

    def __init__(self, low, high, validate_args=None):
        self.low, self.high = broadcast_all(low, high, names=("low", "high"))
        super().__init__(self.low.shape, (), validate_args=validate_args)
        if self._validate_args and not bool((self.low < self.high).all()):
            bad = [(lo, hi) for lo, hi in zip(self.low.reshape(-1).tolist(),
                                              self.high.reshape(-1).tolist()) if not lo < hi]
            raise ValueError(f"Uniform needs low < high in every entry, but {len(bad)} "
                             f"(low, high) pairs are not: {bad[:5]}")

    @property
    def support(self):
        return constraints.interval(self.low, self.high)

    def expand(self, batch_shape, _instance=None):
        return self._expanded_copy(batch_shape, {"low": (self.low, 0), "high": (self.high, 0)})

    @property
    def mean(self):
        return (self.low + self.high) / 2

    @property
    def mode(self):
        return math.nan * self.high  # every point of the support is a mode

    @property
    def stddev(self):
        return (self.high - self.low) / math.sqrt(12)

    @property
    def variance(self):
        return (self.high - self.low).square() / 12

    def rsample(self, sample_shape=()):
        u = rand(self._extended_shape(sample_shape), dtype=self.low.dtype, device=self.low.device)
        return self.low + u * (self.high - self.low)

    def log_prob(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        inside = (value >= self.low) & (value < self.high)
        return where(inside, -(self.high - self.low).log(), -math.inf)

    def cdf(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        return ((value - self.low) / (self.high - self.low)).clamp(0, 1)

    def icdf(self, value):
        value = self._value(value)
        return self.low + value * (self.high - self.low)

    def entropy(self):
        return (self.high - self.low).log()
