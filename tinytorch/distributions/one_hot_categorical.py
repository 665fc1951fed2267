"""`OneHotCategorical`: a Categorical whose draws are one-hot vectors of length K (event
shape (K,)), and `OneHotCategoricalStraightThrough`, which adds a straight-through rsample.

What it does: both wrap a Categorical; sample one-hot encodes its indices
(in the parameters' float dtype), log_prob reads the index of the 1 in each
row, entropy is the Categorical's. The straight-through variant's rsample
is sample + probs - probs.detach(): the forward value is the one-hot draw,
the gradient flows as if it were the probabilities (the estimator of
Bengio et al. 2013, used by discrete-latent VAEs and world models).

Assumes: a value passed to log_prob is one-hot (validated); mean is probs,
variance probs * (1 - probs), mode the one-hot of the most likely category.
Production does instead: PyTorch's classes are the same two, and its
straight-through rsample is the same expression.
"""

from __future__ import annotations

from ..creation import arange, eye
from ..tensor import Tensor
from . import constraints
from .categorical import Categorical
from .distribution import Distribution
from .utils import shape_tuple

__all__ = ["OneHotCategorical", "OneHotCategoricalStraightThrough"]


def _one_hot(index, num_classes, like: Tensor):
    classes = arange(num_classes, dtype="int64", device=like.device)
    return (index.unsqueeze(-1) == classes).to(dtype=like.dtype)


class OneHotCategorical(Distribution):
    arg_constraints = {"probs": constraints.simplex, "logits": constraints.real_vector}
    support = constraints.one_hot
    has_enumerate_support = True

    def __init__(self, probs=None, logits=None, validate_args=None):
        self._categorical = Categorical(probs, logits, validate_args=validate_args)
        super().__init__(self._categorical.batch_shape, (self._categorical._num_events,),
                         validate_args=validate_args)

    @property
    def probs(self):
        return self._categorical.probs

    @property
    def logits(self):
        return self._categorical.logits

    @property
    def param_shape(self):
        return self._categorical.param_shape

    def expand(self, batch_shape, _instance=None):
        batch_shape = shape_tuple(batch_shape, "batch_shape")
        new = type(self).__new__(type(self))
        new._categorical = self._categorical.expand(batch_shape)
        Distribution.__init__(new, new._categorical.batch_shape, self._event_shape,
                              validate_args=False)
        new._validate_args = self._validate_args
        return new

    @property
    def mean(self):
        return self.probs

    @property
    def mode(self):
        return _one_hot(self.probs.argmax(-1), self._event_shape[0], self.probs)

    @property
    def variance(self):
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape=()):
        index = self._categorical.sample(sample_shape)
        return _one_hot(index, self._event_shape[0], self._categorical._param.detach())

    def log_prob(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        return self._categorical.log_prob(value.argmax(-1))

    def entropy(self):
        return self._categorical.entropy()

    def enumerate_support(self, expand=True):
        k = self._event_shape[0]
        values = eye(k, dtype=self.probs.dtype, device=self.probs.device)
        values = values.reshape((k,) + (1,) * len(self._batch_shape) + (k,))
        return values.expand((k,) + self._batch_shape + (k,)) if expand else values


class OneHotCategoricalStraightThrough(OneHotCategorical):
    has_rsample = True

    def rsample(self, sample_shape=()):
        draw = self.sample(sample_shape)
        probs = self.probs
        return draw + (probs - probs.detach())
