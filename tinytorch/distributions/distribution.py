"""`Distribution`: the interface every probability distribution shares (torch.distributions').

What it does: a distribution has a `batch_shape` (independent distributions
side by side, one per set of parameters) and an `event_shape` (the shape of
one draw: () for a scalar, (k,) for a vector). `sample(sample_shape)`
returns a tensor of shape sample_shape + batch_shape + event_shape without
gradient; `rsample` draws the same way through the reparameterisation
trick (noise from tinytorch's random streams, then a differentiable map of
the parameters), so gradients reach the parameters, where `has_rsample`
says so. `log_prob(value)` has shape value's batch part; `entropy()`,
`mean`, `mode`, `variance`, `stddev`, `cdf`, `icdf` where the distribution
defines them. All are compositions of tinytorch ops, so their gradients
come from autograd on every device.

Validation: with `validate_args` on (the default, as in PyTorch; switch it
for every distribution with `Distribution.set_default_validate_args(False)`
or for one with `validate_args=False`) the constructor checks each parameter
against `arg_constraints` and `log_prob`/`cdf` check that the value has a
compatible shape and lies in `support`; a failure is a ValueError that names
the parameter or value, the constraint and the offending elements.

Assumes: checking reads the parameters back to the host (one sync per
check), which is why switching validation off is the fast path; random draws
come from tinytorch's host streams, so `tinytorch.manual_seed` repeats them
on every device.
Production does instead: torch.distributions has the same interface, with
`enumerate_support` for more families and constraint registries for
transforming to unconstrained space; its validation default is `__debug__`,
so `python -O` switches it off.
"""

from __future__ import annotations

from ..autograd import no_grad
from ..creation import as_tensor
from ..tensor import Tensor
from . import constraints
from .utils import broadcast_all, shape_tuple

__all__ = ["Distribution", "LocationScale"]


class Distribution:
    """Base class: subclasses set `arg_constraints`, `support`, and call `super().__init__`
    with their batch and event shapes after storing their parameters."""

    has_rsample = False
    has_enumerate_support = False
    arg_constraints: dict = {}
    support = None
    _validate_args = True  # PyTorch's default; see set_default_validate_args

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for every distribution made afterwards."""
        if value not in (True, False):
            raise ValueError(f"set_default_validate_args() takes True or False, got {value!r}")
        Distribution._validate_args = value

    def __init__(self, batch_shape=(), event_shape=(), validate_args=None):
        self._batch_shape = shape_tuple(batch_shape, "batch_shape")
        self._event_shape = shape_tuple(event_shape, "event_shape")
        if validate_args is not None:
            if validate_args not in (True, False):
                raise TypeError(f"validate_args must be True, False or None, got "
                                f"{validate_args!r}")
            self._validate_args = validate_args
        if self._validate_args:
            for name, constraint in self.arg_constraints.items():
                if constraint is constraints.dependent or name not in self.__dict__:
                    continue  # checked by the subclass, or a parameter given the other way
                self._check(constraint, self.__dict__[name], f"parameter {name}")

    # ---- shapes ------------------------------------------------------------------------------

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    @property
    def event_shape(self) -> tuple:
        return self._event_shape

    def _extended_shape(self, sample_shape=()) -> tuple:
        return shape_tuple(sample_shape) + self._batch_shape + self._event_shape

    def expand(self, batch_shape, _instance=None):
        """This distribution repeated to `batch_shape` (its parameters broadcast, not copied)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement expand(); build "
                                  f"it from parameters of the batch shape you need")

    def _expanded_copy(self, batch_shape, params: dict):
        """A new instance of this class whose attributes are `params` (name: (tensor, event
        dims)) broadcast to `batch_shape` + their event dims, without re-validating them."""
        batch_shape = shape_tuple(batch_shape, "batch_shape")
        fits = len(batch_shape) >= len(self._batch_shape) and all(
            old in (1, new) for old, new in zip(reversed(self._batch_shape), reversed(batch_shape)))
        if not fits:
            raise ValueError(f"{type(self).__name__}.expand(): batch shape "
                             f"{self._batch_shape} can't be expanded to {batch_shape}; each "
                             f"existing axis must be 1 or equal to the new one")
        new = type(self).__new__(type(self))
        for name, (value, event_dims) in params.items():
            tail = value.shape[value.ndim - event_dims:] if event_dims else ()
            new.__dict__[name] = value.expand(batch_shape + tuple(tail))
        Distribution.__init__(new, batch_shape, self._event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    # ---- sampling ----------------------------------------------------------------------------

    def sample(self, sample_shape=()):
        """A draw of shape sample_shape + batch_shape + event_shape, without gradient."""
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=()):
        raise NotImplementedError(f"{type(self).__name__} has no reparameterised sample "
                                  f"(has_rsample is False): use sample(), and a score-function "
                                  f"estimator (log_prob(sample) * reward) for gradients")

    # ---- densities and moments ---------------------------------------------------------------

    def log_prob(self, value):
        raise NotImplementedError(f"{type(self).__name__} does not implement log_prob()")

    def cdf(self, value):
        raise NotImplementedError(f"{type(self).__name__} does not implement cdf()")

    def icdf(self, value):
        raise NotImplementedError(f"{type(self).__name__} does not implement icdf()")

    def entropy(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement entropy()")

    def perplexity(self):
        return self.entropy().exp()

    def enumerate_support(self, expand=True):
        raise NotImplementedError(f"{type(self).__name__} has no finite support to enumerate")

    @property
    def mean(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement mean")

    @property
    def mode(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement mode")

    @property
    def variance(self):
        raise NotImplementedError(f"{type(self).__name__} does not implement variance")

    @property
    def stddev(self):
        return self.variance.sqrt()

    # ---- validation --------------------------------------------------------------------------

    def _reference(self):
        """A parameter tensor (of a wrapped distribution, if need be): its dtype and device."""
        for value in self.__dict__.values():
            if isinstance(value, Tensor):
                return value
            if isinstance(value, Distribution):
                return value._reference()
        return None

    def _value(self, value, like=None):
        """`value` as a tensor; a number takes the parameters' dtype and device."""
        if isinstance(value, Tensor):
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{type(self).__name__}: the value must be a Tensor or a number, "
                            f"got {type(value).__name__}")
        like = self._reference() if like is None else like
        if like is None:
            return as_tensor(value)
        return as_tensor(value, dtype=like.dtype, device=like.device)

    def _validate_sample(self, value):
        """Check that `value` could be a draw: its event dims, a batch shape that broadcasts
        with ours, and every element inside `support`."""
        event = self._event_shape
        if value.ndim < len(event) or tuple(value.shape[value.ndim - len(event):]) != event:
            raise ValueError(f"{type(self).__name__}: the value's shape {tuple(value.shape)} must "
                             f"end in the event shape {event}")
        expected = self._batch_shape + event
        for got, want in zip(reversed(value.shape), reversed(expected)):
            if got != 1 and want != 1 and got != want:
                raise ValueError(f"{type(self).__name__}: the value's shape "
                                 f"{tuple(value.shape)} does not broadcast with the "
                                 f"distribution's batch + event shape {expected}")
        if self.support is not None:
            self._check(self.support, value, "value")

    def _check(self, constraint, value, what):
        valid = constraint.check(value)
        if bool(valid.all()):
            return
        rows = valid.numel()
        event_dim = constraint.event_dim
        tail = tuple(value.shape[value.ndim - event_dim:]) if event_dim else ()
        if tuple(value.shape) != tuple(valid.shape) + tail:  # bounds broadcast the value
            value = value.expand(tuple(valid.shape) + tail)
        flat_ok = valid.reshape(-1).tolist()
        flat = value.detach().reshape(rows, -1).tolist() if rows else []
        bad = [row if len(row) != 1 else row[0] for row, ok in zip(flat, flat_ok) if not ok]
        shown = ", ".join(str(b) for b in bad[:5]) + (", ..." if len(bad) > 5 else "")
        raise ValueError(f"{type(self).__name__}: {what} (shape {tuple(value.shape)}) must "
                         f"satisfy {constraint!r}, but {len(bad)} of {rows} entries do not: "
                         f"{shown}. Pass valid values, or validate_args=False to skip the check")

    def __repr__(self):
        shown = []
        for name in self.arg_constraints:
            value = self.__dict__.get(name)
            if isinstance(value, Tensor):
                about = value.item() if value.numel() == 1 else f"shape {tuple(value.shape)}"
                shown.append(f"{name}: {about}")
        return f"{type(self).__name__}({', '.join(shown)})"


class LocationScale(Distribution):
    """A family over the reals whose draws are loc + scale * z for a fixed z (Normal, Laplace):
    the parameters and their checks, broadcasting, expand, and mean = mode = loc live here;
    each family adds its own z (rsample), density, cdf and moments."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale, names=("loc", "scale"))
        super().__init__(self.loc.shape, (), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        return self._expanded_copy(batch_shape, {"loc": (self.loc, 0), "scale": (self.scale, 0)})

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc
