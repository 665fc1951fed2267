"""`Independent(base, n)`: read the last n batch dimensions of `base` as event dimensions,
so log_prob sums over them (a diagonal Gaussian over a vector is Independent(Normal(mu,
sigma), 1): one log-density per vector instead of one per coordinate).

What it does: batch_shape loses its last n entries and event_shape gains
them; sample, rsample, mean, mode and variance are the base's; log_prob and
entropy are the base's summed over the reinterpreted dimensions;
has_rsample and support follow the base.

Assumes: 0 <= n <= len(base.batch_shape) (checked); the base's own
validation checks values, with the support widened over the n dimensions.
Production does instead: PyTorch's Independent is the same wrapper, and
also forwards enumerate_support when the base has one and n is 0.
"""

from __future__ import annotations

import operator

from . import constraints
from .distribution import Distribution
from .utils import shape_tuple, sum_rightmost

__all__ = ["Independent"]


class Independent(Distribution):
    arg_constraints: dict = {}

    def __init__(self, base_distribution, reinterpreted_batch_ndims, validate_args=None):
        if not isinstance(base_distribution, Distribution):
            raise TypeError(f"Independent() needs a Distribution to wrap, got "
                            f"{type(base_distribution).__name__}")
        try:
            n = operator.index(reinterpreted_batch_ndims)
        except TypeError:
            raise TypeError(f"Independent(): reinterpreted_batch_ndims must be an int, got "
                            f"{reinterpreted_batch_ndims!r}") from None
        batch = base_distribution.batch_shape
        if not 0 <= n <= len(batch):
            raise ValueError(f"Independent(): reinterpreted_batch_ndims must be between 0 and "
                             f"the base's {len(batch)} batch dimensions {batch}, got {n}")
        self.base_dist, self.reinterpreted_batch_ndims = base_distribution, n
        split = len(batch) - n
        super().__init__(batch[:split], batch[split:] + base_distribution.event_shape,
                         validate_args=validate_args)

    @property
    def has_rsample(self):
        return self.base_dist.has_rsample

    @property
    def support(self):
        base = self.base_dist.support
        return constraints.independent(base, self.reinterpreted_batch_ndims) if base else None

    def expand(self, batch_shape, _instance=None):
        batch_shape = shape_tuple(batch_shape, "batch_shape")
        new = type(self).__new__(type(self))
        tail = self._event_shape[:self.reinterpreted_batch_ndims]
        new.base_dist = self.base_dist.expand(tuple(batch_shape) + tail)
        new.reinterpreted_batch_ndims = self.reinterpreted_batch_ndims
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.base_dist.mean

    @property
    def mode(self):
        return self.base_dist.mode

    @property
    def variance(self):
        return self.base_dist.variance

    def sample(self, sample_shape=()):
        return self.base_dist.sample(sample_shape)

    def rsample(self, sample_shape=()):
        return self.base_dist.rsample(sample_shape)

    def log_prob(self, value):
        return sum_rightmost(self.base_dist.log_prob(value), self.reinterpreted_batch_ndims)

    def entropy(self):
        return sum_rightmost(self.base_dist.entropy(), self.reinterpreted_batch_ndims)

    def __repr__(self):
        return f"Independent({self.base_dist!r}, {self.reinterpreted_batch_ndims})"
