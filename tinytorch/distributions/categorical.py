"""`Categorical(probs=... | logits=...)`: one of K categories, drawn with weights along the
last dimension (the action distribution of a discrete policy, a language model's next token).

What it does: the parameter has shape batch_shape + (K,); `probs` are divided
by their sum and `logits` shifted by their logsumexp, so either may be
unnormalised. sample draws int64 indices with `tinytorch.multinomial`
(with replacement, one row per batch entry), so tinytorch.manual_seed
repeats them; log_prob(index) gathers the normalised logits at an integer
index tensor that broadcasts with the batch; entropy is -sum p log p, with
log 0 taken as the dtype's most negative number so that a zero probability
adds 0, not nan. enumerate_support lists 0..K-1 along a new first axis.

Assumes: indices are given as integers (floats holding whole numbers are
accepted and cast); mean and variance are nan, as in PyTorch, since category
labels have no order.
Production does instead: PyTorch samples on the device with its
multinomial kernel; here the draw is made on the host and copied.
"""

from __future__ import annotations

import math

from .. import dtypes as _dt
from ..autograd import no_grad
from ..creation import arange, full, multinomial, zeros
from ..ops import broadcast_shapes
from . import constraints
from .bernoulli import exactly_one
from .distribution import Distribution
from .utils import broadcast_all, lazy_property, logits_to_probs, normalize_logits, probs_to_logits

__all__ = ["Categorical"]


class Categorical(Distribution):
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        exactly_one(type(self).__name__, probs, logits)
        name, value = ("probs", probs) if probs is not None else ("logits", logits)
        (value,) = broadcast_all(value, names=(name,))
        if value.ndim < 1:
            raise ValueError(f"{type(self).__name__}: {name} must have at least one dimension "
                             f"(the categories, last), got a 0-d tensor")
        if value.shape[-1] == 0:
            raise ValueError(f"{type(self).__name__}: {name} needs at least one category, got "
                             f"shape {tuple(value.shape)}")
        if name == "probs":
            self.probs = value / value.sum(-1, keepdim=True)
        else:
            self.logits = normalize_logits(value)
        self._given = name
        self._num_events = value.shape[-1]
        super().__init__(value.shape[:-1], (), validate_args=validate_args)

    @property
    def _param(self):
        return self.__dict__[self._given]

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs)  # clamped to [eps, 1 - eps], as PyTorch's

    @property
    def support(self):
        return constraints.integer_interval(0, self._num_events - 1)

    @property
    def param_shape(self):
        return tuple(self._param.shape)

    def expand(self, batch_shape, _instance=None):
        new = self._expanded_copy(batch_shape, {self._given: (self._param, 1)})
        new._given, new._num_events = self._given, self._num_events
        return new

    @property
    def mean(self):
        return full(self._batch_shape, math.nan, dtype=self._param.dtype,
                    device=self._param.device)

    @property
    def variance(self):
        return self.mean

    @property
    def mode(self):
        return self.probs.argmax(-1)

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        draws = math.prod(shape[:len(shape) - len(self._batch_shape)])
        device = self._param.device
        if draws == 0 or math.prod(self._batch_shape) == 0:
            return zeros(shape, dtype="int64", device=device)
        with no_grad():
            rows = self.probs.detach().reshape(-1, self._num_events)
            picks = multinomial(rows, draws, replacement=True)  # (batch entries, draws)
            return picks.mT.reshape(shape)

    def log_prob(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        index = value.to(dtype="int64").unsqueeze(-1)
        batch = broadcast_shapes(index.shape[:-1], self.logits.shape[:-1])
        logits = self.logits.expand(batch + (self._num_events,))
        return logits.gather(-1, index.expand(batch + (1,))).squeeze(-1)

    def entropy(self):
        logits = self.logits.clamp(min=_dt.finfo(self.logits.dtype).min)
        return -(logits * self.probs).sum(-1)

    def enumerate_support(self, expand=True):
        values = arange(self._num_events, dtype="int64", device=self._param.device)
        values = values.reshape((-1,) + (1,) * len(self._batch_shape))
        return values.expand((self._num_events,) + self._batch_shape) if expand else values
