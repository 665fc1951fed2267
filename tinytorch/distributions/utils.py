"""Helpers the distributions share: parameters as tensors of one shape, probabilities and
logits, a cached property, and sums over the rightmost dimensions.

What it does: `broadcast_all(*values)` turns numbers and tensors into
floating tensors of one dtype, device and broadcast shape (the parameters of
a distribution); `probs_to_logits` / `logits_to_probs` convert between the
two ways of giving a Bernoulli or Categorical; `clamp_probs` keeps
probabilities inside (0, 1) by the dtype's eps, so their logits stay finite;
`softplus` is log(1 + exp(x)) through logaddexp, so that it neither overflows
nor loses precision; `lazy_property` computes an attribute on first use and
keeps it (Bernoulli's `logits` when it was given `probs`, and so on).

Assumes: parameters are Python numbers or real floating tensors (integer
tensors become the default float dtype); every op used here records its
gradient, so anything built from these helpers differentiates.
Production does instead: torch.distributions.utils has the same helpers
and keeps integer-valued parameters as they are until an op promotes them.
"""

from __future__ import annotations

import numbers

from .. import dtypes as _dt
from ..autograd import enable_grad
from ..creation import full
from ..device import get_default_device
from ..ops import broadcast_shapes, clamp, log, log1p, logaddexp, logsumexp, sigmoid, softmax
from ..tensor import Tensor

__all__ = ["as_parameters", "broadcast_all", "probs_to_logits", "logits_to_probs",
           "normalize_logits", "clamp_probs", "softplus", "lazy_property", "sum_rightmost",
           "shape_tuple"]


def as_parameters(*values, names=None):
    """Each value as a tensor, all of one floating dtype and one device (shapes unchanged).

    Numbers take the dtype and device of the tensors among `values` (the default ones when
    there are none); `names` label the values in error messages.
    """
    names = names or [f"argument {i}" for i in range(len(values))]
    tensors = []
    for name, value in zip(names, values):
        if isinstance(value, Tensor):
            if not (_dt.is_floating_point(value.dtype) or _dt.is_integral(value.dtype)
                    or value.dtype == "bool"):
                raise TypeError(f"{name} must be a real tensor or a number, got a "
                                f"{value.dtype} tensor")
            tensors.append(value)
        elif isinstance(value, complex) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a Tensor or a number, got "
                            f"{type(value).__name__} ({value!r:.60})")
    floats = [t.dtype for t in tensors if _dt.is_floating_point(t.dtype)]
    dtype = _dt.result_type(*floats) if floats else _dt.get_default_dtype()
    devices = sorted({str(t.device) for t in tensors})
    if len(devices) > 1:
        raise RuntimeError(f"Expected all tensors to be on the same device, but found at least "
                           f"two devices, {devices[0]} and {devices[1]}, among "
                           f"{', '.join(names)}. Move one explicitly, e.g. "
                           f"tensor.to('{devices[0]}').")
    device = tensors[0].device if tensors else get_default_device()
    return [value.to(dtype=dtype) if isinstance(value, Tensor)
            else full((), float(value), dtype=dtype, device=device) for value in values]


def broadcast_all(*values, names=None):
    """as_parameters(...), then all broadcast to one shape (a ValueError if they can't)."""
    names = names or [f"argument {i}" for i in range(len(values))]
    out = as_parameters(*values, names=names)
    try:
        shape = broadcast_shapes(*(t.shape for t in out))
    except (RuntimeError, ValueError):
        raise ValueError(f"the shapes of {', '.join(names)} "
                         f"({', '.join(str(tuple(t.shape)) for t in out)}) do not broadcast "
                         f"together; make each axis equal or 1") from None
    return [t if t.shape == shape else t.expand(shape) for t in out]


def shape_tuple(shape, name: str = "sample_shape") -> tuple:
    """`shape` (a tuple, list or Size of ints) as a tuple of non-negative ints."""
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"{name} must be a tuple of ints, e.g. ({shape!r:.20},) or (), got "
                        f"{type(shape).__name__}")
    out = []
    for n in shape:
        if isinstance(n, bool) or not hasattr(n, "__index__"):
            raise TypeError(f"{name} must hold ints, got {shape!r:.60}")
        if n.__index__() < 0:
            raise ValueError(f"{name} must hold non-negative sizes, got {tuple(shape)}")
        out.append(n.__index__())
    return tuple(out)


def clamp_probs(probs):
    """Probabilities moved inside [eps, 1 - eps], eps the dtype's machine epsilon."""
    eps = _dt.finfo(probs.dtype).eps
    return clamp(probs, min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary: bool = False):
    """Logits of probabilities: log(p) - log(1 - p) for a binary variable, else log(p)
    (a row of categories then sums to 0 in log space only up to its normalising constant)."""
    p = clamp_probs(probs)
    return log(p) - log1p(-p) if is_binary else log(p)


def logits_to_probs(logits, is_binary: bool = False):
    """Probabilities of logits: sigmoid for a binary variable, else softmax over the last dim."""
    return sigmoid(logits) if is_binary else softmax(logits, dim=-1)


def normalize_logits(logits):
    """Logits shifted so that exp of each row sums to 1 (log-probabilities)."""
    return logits - logsumexp(logits, dim=-1, keepdim=True)


def softplus(x):
    """log(1 + exp(x)) as logaddexp(x, 0): no overflow for large x, accurate for very negative
    x, and the gradient sigmoid(x) everywhere (also at 0, where max(x, 0) + log1p(exp(-|x|))
    would give two kinks' one-sided derivatives)."""
    return logaddexp(x, 0.0)


def sum_rightmost(value, n: int):
    """`value` summed over its last `n` dimensions (unchanged for n == 0)."""
    return value if n == 0 else value.sum(tuple(range(-n, 0)))


class lazy_property:  # noqa: N801 - used like @property
    """A property computed on first access and then stored on the instance, so it is computed
    once; an instance given the value directly (in its __dict__) never calls the function."""

    def __init__(self, function):
        self.function = function
        self.__doc__ = function.__doc__
        self.__name__ = function.__name__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        with enable_grad():  # cached for later use, so keep its graph even if made in no_grad
            value = self.function(instance)
        instance.__dict__[self.__name__] = value
        return value
