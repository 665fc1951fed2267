"""`TransformedDistribution(base, transforms)`: the distribution of y = t_n(...t_1(x)) for x
drawn from `base`, with the change-of-variables density.

What it does: sample and rsample push the base's draw through the
transforms (rsample keeps the gradient when the base has one); log_prob(y)
inverts the transforms one by one and subtracts each log|dy/dx|, summed
over the event dimensions; cdf and icdf go through monotone transforms,
turning the cdf around where the product of their signs is -1.

Assumes: the transforms act elementwise (transforms.py), so batch and event
shapes are the base's; moments (mean, variance, entropy) are left to
subclasses such as LogNormal that know them in closed form.
Production does instead: PyTorch's TransformedDistribution also handles
transforms that change the event shape, tracking how each one moves
dimensions between batch and event.
"""

from __future__ import annotations

from ..autograd import no_grad
from .distribution import Distribution
from .transforms import Transform
from .utils import shape_tuple, sum_rightmost

__all__ = ["TransformedDistribution"]


class TransformedDistribution(Distribution):
    arg_constraints: dict = {}

    def __init__(self, base_distribution, transforms, validate_args=None):
        if not isinstance(base_distribution, Distribution):
            raise TypeError(f"TransformedDistribution needs a Distribution as its base, got "
                            f"{type(base_distribution).__name__}")
        transforms = [transforms] if isinstance(transforms, Transform) else transforms
        if not isinstance(transforms, (list, tuple)) or not all(
                isinstance(t, Transform) for t in transforms):
            raise TypeError(f"TransformedDistribution takes a Transform or a list of them, got "
                            f"{transforms!r:.80}")
        self.base_dist, self.transforms = base_distribution, list(transforms)
        super().__init__(base_distribution.batch_shape, base_distribution.event_shape,
                         validate_args=validate_args)

    @property
    def has_rsample(self):
        return self.base_dist.has_rsample

    @property
    def support(self):
        return self.transforms[-1].codomain if self.transforms else self.base_dist.support

    def expand(self, batch_shape, _instance=None):
        batch_shape = shape_tuple(batch_shape, "batch_shape")
        new = type(self).__new__(type(self))
        new.base_dist = self.base_dist.expand(batch_shape)
        new.transforms = self.transforms
        Distribution.__init__(new, new.base_dist.batch_shape, self._event_shape,
                              validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=()):
        with no_grad():
            x = self.base_dist.sample(sample_shape)
            for transform in self.transforms:
                x = transform(x)
            return x

    def rsample(self, sample_shape=()):
        x = self.base_dist.rsample(sample_shape)
        for transform in self.transforms:
            x = transform(x)
        return x

    def log_prob(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        event_dims = len(self._event_shape)
        y, total = value, 0.0
        for transform in reversed(self.transforms):
            x = transform.inv(y)
            total = total - sum_rightmost(transform.log_abs_det_jacobian(x, y), event_dims)
            y = x
        return total + self.base_dist.log_prob(y)

    def _monotone_sign(self):
        sign = 1
        for transform in self.transforms:
            sign = sign * transform.sign
        return sign

    def cdf(self, value):
        y = self._value(value)
        if self._validate_args:
            self._validate_sample(y)
        for transform in reversed(self.transforms):
            y = transform.inv(y)
        sign = self._monotone_sign()
        return sign * (self.base_dist.cdf(y) - 0.5) + 0.5

    def icdf(self, value):
        value = self._value(value)
        sign = self._monotone_sign()
        x = self.base_dist.icdf(sign * (value - 0.5) + 0.5)
        for transform in self.transforms:
            x = transform(x)
        return x

    def __repr__(self):
        return f"TransformedDistribution({self.base_dist!r}, {self.transforms!r})"
