"""`kl_divergence(p, q)`: KL(p || q) = E_p[log p(x) - log q(x)] in closed form, looked up by
the types of p and q in a registry that `register_kl` fills.

What it does: `@register_kl(P, Q)` registers a function for distributions of
types P and Q (or subclasses); kl_divergence picks the most specific
registered pair along both classes' method resolution orders and caches the
choice; a pair with no rule raises NotImplementedError naming both types.
Rules here: Normal-Normal, Uniform-Uniform, Exponential-Exponential,
Laplace-Laplace, Bernoulli-Bernoulli, Categorical-Categorical,
OneHotCategorical-OneHotCategorical, LogNormal-LogNormal (the KL of their
Normals: exp is a bijection), Independent-Independent (the base KL summed
over the reinterpreted dimensions) and MultivariateNormal-MultivariateNormal.
Each is composed of tinytorch ops, so it differentiates in both arguments
(the KL term of a VAE's loss).

Assumes: where p puts mass on a point q gives none the result is inf (a
category, a Bernoulli outcome, a Uniform whose support q does not cover),
and a category p gives no mass adds 0. Between two registered pairs equally
specific, the one whose p-type is more specific wins.
Production does instead: PyTorch's registry works the same way and has
rules for many more pairs (and warns when two rules are equally specific).
"""

from __future__ import annotations

import math

from ..linalg import solve
from ..ops import where
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exponential import Exponential
from .independent import Independent
from .laplace import Laplace
from .log_normal import LogNormal
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical
from .uniform import Uniform
from .utils import softplus, sum_rightmost

__all__ = ["kl_divergence", "register_kl"]

_REGISTRY: dict = {}
_CHOSEN: dict = {}


def register_kl(type_p, type_q):
    """Decorator: `@register_kl(Normal, Normal)` over a function (p, q) -> KL(p || q)."""
    for name, value in (("type_p", type_p), ("type_q", type_q)):
        if not (isinstance(value, type) and issubclass(value, Distribution)):
            raise TypeError(f"register_kl(): {name} must be a Distribution subclass, got "
                            f"{value!r}")

    def decorator(function):
        _REGISTRY[type_p, type_q] = function
        _CHOSEN.clear()
        return function
    return decorator


def _lookup(type_p, type_q):
    if (type_p, type_q) not in _CHOSEN:
        mro_p, mro_q = type_p.__mro__, type_q.__mro__
        matches = [(mro_p.index(p) + mro_q.index(q), mro_p.index(p), (p, q))
                   for p, q in _REGISTRY if issubclass(type_p, p) and issubclass(type_q, q)]
        _CHOSEN[type_p, type_q] = _REGISTRY[min(matches)[2]] if matches else None
    return _CHOSEN[type_p, type_q]


def kl_divergence(p, q):
    """KL(p || q), with batch shape the broadcast of p's and q's."""
    for name, value in (("p", p), ("q", q)):
        if not isinstance(value, Distribution):
            raise TypeError(f"kl_divergence(): {name} must be a Distribution, got "
                            f"{type(value).__name__}")
    function = _lookup(type(p), type(q))
    if function is None:
        raise NotImplementedError(f"No KL(p || q) is implemented for p of type "
                                  f"{type(p).__name__} and q of type {type(q).__name__}; "
                                  f"register one with @register_kl({type(p).__name__}, "
                                  f"{type(q).__name__})")
    return function(p, q)


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    ratio = (p.scale / q.scale).square()
    gap = ((p.loc - q.loc) / q.scale).square()
    return 0.5 * (ratio + gap - 1 - ratio.log())


@register_kl(LogNormal, LogNormal)
def _kl_lognormal_lognormal(p, q):
    return _kl_normal_normal(p.base_dist, q.base_dist)


@register_kl(Uniform, Uniform)
def _kl_uniform_uniform(p, q):
    covered = (q.low <= p.low) & (p.high <= q.high)
    return where(covered, ((q.high - q.low) / (p.high - p.low)).log(), math.inf)


@register_kl(Exponential, Exponential)
def _kl_exponential_exponential(p, q):
    ratio = q.rate / p.rate
    return ratio - ratio.log() - 1


@register_kl(Laplace, Laplace)
def _kl_laplace_laplace(p, q):
    ratio = p.scale / q.scale
    gap = (p.loc - q.loc).abs() / q.scale
    return -ratio.log() + gap + ratio * (-gap / ratio).exp() - 1


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    # log p1 = -softplus(-logit), log(1 - p1) = -softplus(logit): finite for any logit
    ones = p.probs * (softplus(-q.logits) - softplus(-p.logits))
    zeros = (1 - p.probs) * (softplus(q.logits) - softplus(p.logits))
    ones = where(p.probs == 0, 0.0, where(q.probs == 0, math.inf, ones))
    zeros = where(p.probs == 1, 0.0, where(q.probs == 1, math.inf, zeros))
    return ones + zeros


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    terms = p.probs * (p.logits - q.logits)
    terms = where(q.probs == 0, math.inf, terms)
    return where(p.probs == 0, 0.0, terms).sum(-1)


@register_kl(OneHotCategorical, OneHotCategorical)
def _kl_onehot_onehot(p, q):
    return _kl_categorical_categorical(p._categorical, q._categorical)


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotImplementedError(f"KL between Independent distributions reinterpreting "
                                  f"{p.reinterpreted_batch_ndims} and "
                                  f"{q.reinterpreted_batch_ndims} batch dimensions is not "
                                  f"implemented; wrap both with the same number")
    return sum_rightmost(kl_divergence(p.base_dist, q.base_dist), p.reinterpreted_batch_ndims)


@register_kl(MultivariateNormal, MultivariateNormal)
def _kl_mvn_mvn(p, q):
    if p.event_shape != q.event_shape:
        raise ValueError(f"KL between MultivariateNormals needs one event shape, got "
                         f"{p.event_shape} and {q.event_shape}")
    n = p.event_shape[0]
    lp, lq = p._unbroadcasted_scale_tril, q._unbroadcasted_scale_tril
    # tr(Sq^-1 Sp) = |Lq^-1 Lp|_F^2 and the Mahalanobis term |Lq^-1 (mu_q - mu_p)|^2
    trace = solve(lq, lp).square().sum((-2, -1))
    gap = solve(lq, (q.loc - p.loc).unsqueeze(-1)).squeeze(-1).square().sum(-1)
    log_det = q._half_log_det() - p._half_log_det()
    return 0.5 * (trace + gap - n) + log_det
