"""`Bernoulli(probs=... | logits=...)`: a coin that shows 1 with probability p.

What it does: give exactly one of `probs` (in [0, 1]) or `logits` (log-odds,
any real); the other is computed on first use. log_prob(x) = x * logits -
softplus(logits), which is exact for any logit (no log of 0), and entropy is
the same cross-entropy at x = p; sample compares `tinytorch.rand` with p
(no rsample: a discrete draw has no reparameterisation, so policy-gradient
code uses log_prob(sample) * advantage). enumerate_support lists 0 and 1.

Assumes: a 0/1 value of any dtype (bool included) may be scored; probs
turned into logits are clamped to [eps, 1 - eps] first, so logits stay
finite; mode is nan where p = 0.5, as in PyTorch.
Production does instead: PyTorch scores with its fused
binary_cross_entropy_with_logits kernel, the same formula.
"""

from __future__ import annotations

import math

from ..autograd import no_grad
from ..creation import arange, rand
from ..ops import where
from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, lazy_property, logits_to_probs, probs_to_logits, softplus

__all__ = ["Bernoulli"]


def exactly_one(name, probs, logits):
    if (probs is None) == (logits is None):
        raise ValueError(f"{name} takes exactly one of probs or logits, got "
                         f"{'both' if probs is not None else 'neither'}")


class Bernoulli(Distribution):
    arg_constraints = {"probs": constraints.unit_interval, "logits": constraints.real}
    support = constraints.boolean
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        exactly_one("Bernoulli", probs, logits)
        if probs is not None:
            (self.probs,) = broadcast_all(probs, names=("probs",))
            shape = self.probs.shape
        else:
            (self.logits,) = broadcast_all(logits, names=("logits",))
            shape = self.logits.shape
        self._given = "probs" if probs is not None else "logits"
        super().__init__(shape, (), validate_args=validate_args)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @property
    def _param(self):
        return self.__dict__[self._given]

    def expand(self, batch_shape, _instance=None):
        new = self._expanded_copy(batch_shape, {self._given: (self._param, 0)})
        new._given = self._given
        return new

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        mode = (self.probs >= 0.5).to(dtype=self.probs.dtype)
        return where(self.probs == 0.5, math.nan, mode)

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        with no_grad():
            probs = self.probs.detach().expand(shape)
            u = rand(shape, dtype=probs.dtype, device=probs.device)
            return (u < probs).to(dtype=probs.dtype)

    def log_prob(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        value = value.to(dtype=self._param.dtype)
        return value * self.logits - softplus(self.logits)

    def entropy(self):
        return softplus(self.logits) - self.probs * self.logits

    def enumerate_support(self, expand=True):
        values = arange(2, dtype=self._param.dtype, device=self._param.device)
        values = values.reshape((2,) + (1,) * len(self._batch_shape))
        return values.expand((2,) + self._batch_shape) if expand else values
