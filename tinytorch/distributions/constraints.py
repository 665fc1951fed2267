"""Constraints: which values a parameter or a sample may take (`Distribution.arg_constraints`
and `Distribution.support`), each able to check a tensor.

What it does: a constraint's `check(value)` returns a bool tensor, True where
`value` satisfies it; a constraint with `event_dim = k` judges the last k
dimensions together (a simplex judges rows), so the result has k fewer
dimensions. The names are PyTorch's: `real`, `positive`, `nonnegative`,
`unit_interval`, `interval(lo, hi)`, `half_open_interval(lo, hi)`,
`greater_than(lb)`, `boolean`, `integer_interval(lo, hi)`, `simplex`,
`one_hot`, `real_vector`, `independent(c, n)`, `lower_cholesky`,
`positive_definite`, and `dependent` (checked by the distribution itself,
such as Uniform's low < high).

Assumes: a simplex sums to 1 within 1e-6 (in the value's dtype, so a float16
row may need normalising first); `positive_definite` means symmetric within
1e-6 and with positive eigenvalues (tinytorch.linalg.eigvalsh).
Production does instead: torch.distributions.constraints also has the
registry `biject_to` / `transform_to` that maps each constraint to a
transform from unconstrained space (what Pyro's inference uses); not here.
"""

from __future__ import annotations

from ..linalg import eigvalsh
from ..ops import logical_and

__all__ = ["Constraint", "real", "positive", "nonnegative", "unit_interval", "interval",
           "half_open_interval", "greater_than", "greater_than_eq", "boolean",
           "integer_interval", "nonnegative_integer", "simplex", "one_hot", "real_vector",
           "independent", "lower_cholesky", "positive_definite", "dependent"]


class Constraint:
    """A set of allowed values; `check(value)` is True where `value` lies in it."""

    event_dim = 0
    is_discrete = False

    def check(self, value):
        raise NotImplementedError(f"{type(self).__name__} does not define check()")

    def __repr__(self):
        return type(self).__name__.lstrip("_") + "()"


class _Dependent(Constraint):
    """Bounds that depend on other parameters; the distribution checks them itself."""

    def check(self, value):
        raise ValueError("a dependent constraint can't be checked on its own: the distribution "
                         "that holds it checks the parameters together")


class _Real(Constraint):
    def check(self, value):
        return value == value  # false only for nan


class _GreaterThan(Constraint):
    def __init__(self, lower_bound, strict=True):
        self.lower_bound, self.strict = lower_bound, strict

    def check(self, value):
        return value > self.lower_bound if self.strict else value >= self.lower_bound

    def __repr__(self):
        return f"greater_than{'' if self.strict else '_eq'}(lower_bound={self.lower_bound})"


class _Interval(Constraint):
    def __init__(self, lower_bound, upper_bound, half_open=False):
        self.lower_bound, self.upper_bound, self.half_open = lower_bound, upper_bound, half_open

    def check(self, value):
        above = value >= self.lower_bound
        below = value < self.upper_bound if self.half_open else value <= self.upper_bound
        return logical_and(above, below)

    def __repr__(self):
        kind = "half_open_interval" if self.half_open else "interval"
        return f"{kind}(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _IntegerInterval(Constraint):
    is_discrete = True

    def __init__(self, lower_bound, upper_bound=None):
        self.lower_bound, self.upper_bound = lower_bound, upper_bound

    def check(self, value):
        ok = logical_and(value % 1 == 0, value >= self.lower_bound)
        return ok if self.upper_bound is None else logical_and(ok, value <= self.upper_bound)

    def __repr__(self):
        return f"integer_interval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _Boolean(_IntegerInterval):
    def __init__(self):
        super().__init__(0, 1)

    def __repr__(self):
        return "boolean (0 or 1)"


class _Independent(Constraint):
    """`base` for every element, judged together over the last `reinterpreted` dimensions."""

    def __init__(self, base, reinterpreted):
        self.base, self.reinterpreted = base, reinterpreted
        self.event_dim = base.event_dim + reinterpreted
        self.is_discrete = base.is_discrete

    def check(self, value):
        ok = self.base.check(value)
        return ok.all(tuple(range(-self.reinterpreted, 0))) if self.reinterpreted else ok

    def __repr__(self):
        return f"independent({self.base!r}, {self.reinterpreted})"


class _Simplex(Constraint):
    event_dim = 1

    def check(self, value):
        return logical_and((value >= 0).all(-1), (value.sum(-1) - 1).abs() < 1e-6)

    def __repr__(self):
        return "simplex (non-negative, each row summing to 1)"


class _OneHot(Constraint):
    event_dim = 1
    is_discrete = True

    def check(self, value):
        return logical_and(((value == 0) | (value == 1)).all(-1), value.sum(-1) == 1)

    def __repr__(self):
        return "one_hot (0s and a single 1 in each row)"


class _LowerCholesky(Constraint):
    event_dim = 2

    def check(self, value):
        lower = (value.tril() == value).all((-2, -1))
        return logical_and(lower, (value.diagonal(dim1=-2, dim2=-1) > 0).all(-1))

    def __repr__(self):
        return "lower_cholesky (lower triangular with a positive diagonal)"


class _PositiveDefinite(Constraint):
    event_dim = 2

    def check(self, value):
        symmetric = ((value - value.mT).abs() <= 1e-6).all((-2, -1))
        if not bool(symmetric.all()):  # eigvalsh reads one triangle: asymmetric is enough
            return symmetric
        return (eigvalsh(value) > 0).all(-1)

    def __repr__(self):
        return "positive_definite (symmetric with positive eigenvalues)"


dependent = _Dependent()
real = _Real()
positive = _GreaterThan(0.0)
nonnegative = _GreaterThan(0.0, strict=False)
unit_interval = _Interval(0.0, 1.0)
boolean = _Boolean()
nonnegative_integer = _IntegerInterval(0)
simplex = _Simplex()
one_hot = _OneHot()
real_vector = _Independent(real, 1)
lower_cholesky = _LowerCholesky()
positive_definite = _PositiveDefinite()


def interval(lower_bound, upper_bound):
    return _Interval(lower_bound, upper_bound)


def half_open_interval(lower_bound, upper_bound):
    return _Interval(lower_bound, upper_bound, half_open=True)


def greater_than(lower_bound):
    return _GreaterThan(lower_bound)


def greater_than_eq(lower_bound):
    return _GreaterThan(lower_bound, strict=False)


def integer_interval(lower_bound, upper_bound):
    return _IntegerInterval(lower_bound, upper_bound)


def independent(base_constraint, reinterpreted_batch_ndims):
    return _Independent(base_constraint, reinterpreted_batch_ndims)
