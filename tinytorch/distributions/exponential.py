"""`Exponential(rate)`: waiting times of a memoryless process, density rate * exp(-rate x)
for x >= 0; rsample is -log(1 - u) / rate with u from `tinytorch.rand`.

What it does: log_prob, cdf, icdf, entropy (1 - log rate), mean 1 / rate,
variance 1 / rate^2 and mode 0, all in tinytorch ops, so gradients reach
`rate`.

Assumes: rate > 0 (validated); u lies in [0, 1), so 1 - u is never 0 and
every draw is finite.
Production does instead: PyTorch draws with its in-place `exponential_`
kernel and divides by the rate, the same reparameterisation.
"""

from __future__ import annotations

from ..creation import rand
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["Exponential"]


class Exponential(Distribution):
    arg_constraints = {"rate": constraints.positive}
    support = constraints.nonnegative
    has_rsample = True

    def __init__(self, rate, validate_args=None):
        (self.rate,) = broadcast_all(rate, names=("rate",))
        super().__init__(self.rate.shape, (), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded_copy(batch_shape, {"rate": (self.rate, 0)})

    @property
    def mean(self):
        return self.rate.reciprocal()

    @property
    def mode(self):
        return 0 * self.rate

    @property
    def stddev(self):
        return self.rate.reciprocal()

    @property
    def variance(self):
        return self.rate.square().reciprocal()

    def rsample(self, sample_shape=()):
        u = rand(self._extended_shape(sample_shape), dtype=self.rate.dtype,
                 device=self.rate.device)
        return -(-u).log1p() / self.rate

    def log_prob(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        return self.rate.log() - self.rate * value

    def cdf(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        return 1 - (-self.rate * value).exp()

    def icdf(self, value):
        value = self._value(value)
        return -(-value).log1p() / self.rate

    def entropy(self):
        return 1 - self.rate.log()
