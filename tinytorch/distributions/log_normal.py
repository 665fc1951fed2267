"""`LogNormal(loc, scale)`: exp of a Normal(loc, scale) draw, built as
TransformedDistribution(Normal(loc, scale), ExpTransform()).

What it does: sample, rsample, log_prob and cdf come from the transform
(log_prob(y) = Normal.log_prob(log y) - log y); mean exp(loc + scale^2/2),
mode exp(loc - scale^2), variance (exp(scale^2) - 1) exp(2 loc + scale^2)
and entropy (the Normal's plus loc) are closed forms.

Assumes: scale > 0 (the Normal validates it); values are positive
(validated against the support).
Production does instead: PyTorch's LogNormal is the same transformed Normal.
"""

from __future__ import annotations

from . import constraints
from .normal import Normal
from .transformed_distribution import TransformedDistribution
from .transforms import ExpTransform

__all__ = ["LogNormal"]


class LogNormal(TransformedDistribution):
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.positive
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        super().__init__(Normal(loc, scale, validate_args=validate_args), ExpTransform(),
                         validate_args=validate_args)

    @property
    def loc(self):
        return self.base_dist.loc

    @property
    def scale(self):
        return self.base_dist.scale

    @property
    def mean(self):
        return (self.loc + self.scale.square() / 2).exp()

    @property
    def mode(self):
        return (self.loc - self.scale.square()).exp()

    @property
    def variance(self):
        s2 = self.scale.square()
        return s2.expm1() * (2 * self.loc + s2).exp()

    def entropy(self):
        return self.base_dist.entropy() + self.loc
