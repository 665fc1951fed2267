"""`MultivariateNormal(loc, covariance_matrix=... | precision_matrix=... | scale_tril=...)`:
the Gaussian over vectors of length n, held as its lower Cholesky factor L (cov = L L^T).

What it does: give exactly one of the three matrices; a covariance becomes
L by `tinytorch.linalg.cholesky`, a precision by the Cholesky factor of its
inverse. rsample is loc + L eps with eps from `tinytorch.randn`;
log_prob(x) = -(n log 2 pi + |L^-1 (x - loc)|^2) / 2 - sum log diag L, the
solve done by `tinytorch.linalg.solve`; entropy is n (1 + log 2 pi) / 2 +
sum log diag L. All of it records gradients to loc and to the matrix given
(cholesky and solve have backward formulas in linalg.py). Batch dimensions
of loc and the matrix broadcast.

Assumes: tinytorch.linalg has no triangular solve, so L^-1 (x - loc) goes
through the general `solve` (LU, about twice the work of substitution, same
result for a non-singular L); matrices are validated as symmetric positive
definite (eigvalsh) or lower triangular with a positive diagonal.
Production does instead: PyTorch solves with `torch.linalg.solve_triangular`
and turns a precision matrix into L through the Cholesky factor of the
flipped precision matrix and a triangular solve, rather than inverting it
first; it also offers LowRankMultivariateNormal.
"""

from __future__ import annotations

import math

from ..creation import randn
from ..linalg import cholesky, inv, solve
from ..ops import broadcast_shapes
from . import constraints
from .distribution import Distribution
from .utils import as_parameters, lazy_property

__all__ = ["MultivariateNormal"]

_MATRICES = ("covariance_matrix", "precision_matrix", "scale_tril")


class MultivariateNormal(Distribution):
    arg_constraints = {"loc": constraints.real_vector,
                       "covariance_matrix": constraints.positive_definite,
                       "precision_matrix": constraints.positive_definite,
                       "scale_tril": constraints.lower_cholesky}
    support = constraints.real_vector
    has_rsample = True

    def __init__(self, loc, covariance_matrix=None, precision_matrix=None, scale_tril=None,
                 validate_args=None):
        given = {name: value for name, value in zip(
            _MATRICES, (covariance_matrix, precision_matrix, scale_tril)) if value is not None}
        if len(given) != 1:
            raise ValueError(f"MultivariateNormal takes exactly one of covariance_matrix, "
                             f"precision_matrix or scale_tril, got "
                             f"{', '.join(given) or 'none'}")
        (name, matrix), = given.items()
        loc, matrix = as_parameters(loc, matrix, names=("loc", name))
        if loc.ndim < 1:
            raise ValueError("MultivariateNormal: loc must have at least one dimension (the "
                             "vector, last), got a 0-d tensor")
        n = loc.shape[-1]
        if matrix.ndim < 2 or matrix.shape[-2:] != (n, n):
            raise ValueError(f"MultivariateNormal: {name} must end in shape ({n}, {n}) to match "
                             f"loc's last dimension {n}, got shape {tuple(matrix.shape)}")
        try:
            batch = broadcast_shapes(loc.shape[:-1], matrix.shape[:-2])
        except (RuntimeError, ValueError):
            raise ValueError(f"MultivariateNormal: the batch shapes of loc {tuple(loc.shape)} "
                             f"and {name} {tuple(matrix.shape)} do not broadcast") from None
        self.loc = loc.expand(batch + (n,))
        self.__dict__[name] = matrix.expand(batch + (n, n))
        self._given = name
        super().__init__(batch, (n,), validate_args=validate_args)
        # after validation, so that a matrix that is not positive definite gets its ValueError
        if name == "scale_tril":  # tril(): only the lower triangle is read, or differentiated
            self._unbroadcasted_scale_tril = matrix.tril()
        elif name == "covariance_matrix":
            self._unbroadcasted_scale_tril = cholesky(matrix)
        else:
            self._unbroadcasted_scale_tril = cholesky(inv(matrix))

    def expand(self, batch_shape, _instance=None):
        matrix = self.__dict__[self._given]
        new = self._expanded_copy(batch_shape, {"loc": (self.loc, 1), self._given: (matrix, 2)})
        new._given = self._given
        new._unbroadcasted_scale_tril = self._unbroadcasted_scale_tril
        return new

    @lazy_property
    def scale_tril(self):
        return self._unbroadcasted_scale_tril.expand(self._batch_shape + self._event_shape * 2)

    @lazy_property
    def covariance_matrix(self):
        scale = self._unbroadcasted_scale_tril
        return (scale @ scale.mT).expand(self._batch_shape + self._event_shape * 2)

    @lazy_property
    def precision_matrix(self):
        return inv(self.covariance_matrix)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @property
    def variance(self):
        diagonal = self._unbroadcasted_scale_tril.square().sum(-1)
        return diagonal.expand(self._batch_shape + self._event_shape)

    def _half_log_det(self):
        return self._unbroadcasted_scale_tril.diagonal(dim1=-2, dim2=-1).log().sum(-1)

    def rsample(self, sample_shape=()):
        eps = randn(self._extended_shape(sample_shape), dtype=self.loc.dtype,
                    device=self.loc.device)
        return self.loc + (self._unbroadcasted_scale_tril @ eps.unsqueeze(-1)).squeeze(-1)

    def log_prob(self, value):
        value = self._value(value)
        if self._validate_args:
            self._validate_sample(value)
        diff = (value - self.loc).unsqueeze(-1)
        whitened = solve(self._unbroadcasted_scale_tril, diff).squeeze(-1)
        n = self._event_shape[0]
        return (-0.5 * (n * math.log(2 * math.pi) + whitened.square().sum(-1))
                - self._half_log_det())

    def entropy(self):
        n = self._event_shape[0]
        out = 0.5 * n * (1.0 + math.log(2 * math.pi)) + self._half_log_det()
        return out.expand(self._batch_shape)
