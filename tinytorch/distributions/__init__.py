"""tinytorch.distributions: probability distributions with sampling, log-densities and
gradients, as `torch.distributions` (policy gradients, VAEs, Bayesian toy models).

What it does: gathers the package's classes and functions under PyTorch's
names (`tinytorch.distributions.Normal`, `Categorical`, `kl_divergence`,
`constraints`, `transforms`, ...); each lives in a module of its own,
built from tinytorch ops, so every log_prob, entropy, rsample and KL is
differentiable on every device. Start with distribution.py.

Assumes: no Beta, Gamma, Dirichlet, Poisson, Binomial, StudentT or
Chi2: their densities need lgamma / digamma, which tinytorch does not
have yet; the rest of PyTorch's families (Cauchy, Gumbel, Geometric,
LowRankMultivariateNormal, mixtures, relaxed distributions) are left out
for size.
Production does instead: torch.distributions has about forty families,
MixtureSameFamily, and constraint-to-transform registries.
"""

from . import constraints, transforms
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exponential import Exponential
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .log_normal import LogNormal
from .multivariate_normal import MultivariateNormal
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .transformed_distribution import TransformedDistribution
from .transforms import AffineTransform, ExpTransform, SigmoidTransform, TanhTransform, Transform
from .uniform import Uniform

__all__ = ["Distribution", "Normal", "Uniform", "Bernoulli", "Categorical", "OneHotCategorical",
           "OneHotCategoricalStraightThrough", "Exponential", "Laplace", "LogNormal",
           "Independent", "MultivariateNormal", "TransformedDistribution", "Transform",
           "ExpTransform", "AffineTransform", "SigmoidTransform", "TanhTransform",
           "kl_divergence", "register_kl", "constraints", "transforms"]
