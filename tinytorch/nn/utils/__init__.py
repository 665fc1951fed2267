"""Gradient and parameter utilities: clip_grad_norm_, clip_grad_value_,
parameters_to_vector, vector_to_parameters; `rnn` holds pad_sequence.

clip_grad_norm_ treats the gradients of all given parameters as one long
vector: it computes that vector's p-norm (the p-norm of the per-tensor
norms) and, if it exceeds max_norm, scales every gradient in place by
max_norm / (norm + 1e-6). It returns the total norm from before clipping,
as PyTorch does, so it can be logged. clip_grad_value_ clamps each
gradient element to [-clip_value, clip_value]. parameters_to_vector
flattens parameters into one vector (in order, differentiably);
vector_to_parameters copies such a vector back into them, in place.

Assumes: gradients live on one device or can be compared after moving the
per-tensor norms to the first gradient's device. vector_to_parameters
copies into each parameter (keeping its dtype and identity).
Production does instead: torch.nn.utils uses fused multi-tensor ("foreach")
kernels to compute all norms and scale all gradients in a few launches;
its vector_to_parameters replaces each parameter's data with a view of the
vector.
"""

from __future__ import annotations

import math

from ...autograd import no_grad
from ...creation import tensor
from ...ops import cat, stack
from ...tensor import Tensor
from . import rnn

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector",
           "vector_to_parameters", "rnn"]


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False):
    """Scale gradients in place so their combined norm is at most max_norm; return that norm."""
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not norm_type > 0:  # also nan; the 0-"norm" (a count) is no length to clip to
        raise ValueError(f"clip_grad_norm_: norm_type must be positive (e.g. 2.0 or inf), got "
                         f"{norm_type}")
    if not grads:
        return tensor(0.0)
    device = grads[0].device
    with no_grad():
        if norm_type == math.inf:
            norms = [g.abs().max().to(device) for g in grads]
            total = stack(norms).max()
        else:
            norms = [((g.abs() ** norm_type).sum() ** (1.0 / norm_type)).to(device)
                     for g in grads]
            total = (stack(norms) ** norm_type).sum() ** (1.0 / norm_type)
        if error_if_nonfinite and not bool(total.isfinite()):
            raise RuntimeError(f"The total norm of order {norm_type} for gradients from "
                               f"`parameters` is non-finite, so it cannot be clipped. To disable "
                               f"this error and scale the gradients by the non-finite norm "
                               f"anyway, set `error_if_nonfinite=False`")
        factor = (max_norm / (total + 1e-6)).clamp(max=1.0)
        for g in grads:
            g.mul_(factor.to(g.device).to(g.dtype))
    return total


def clip_grad_value_(parameters, clip_value: float) -> None:
    """Clamp every gradient element to [-clip_value, clip_value], in place."""
    with no_grad():
        for g in _grads(parameters):
            g.clamp_(-clip_value, clip_value)


def _tensor_list(function, parameters):
    if isinstance(parameters, Tensor):
        return [parameters]
    try:
        items = list(parameters)
    except TypeError:
        raise TypeError(f"{function} expects an iterable of tensors (e.g. model.parameters()), "
                        f"got {type(parameters).__name__}") from None
    for item in items:
        if not isinstance(item, Tensor):
            raise TypeError(f"{function} expects tensors, got a {type(item).__name__} among "
                            f"the parameters")
    return items


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened and joined into one 1-D tensor (differentiable)."""
    params = _tensor_list("parameters_to_vector", parameters)
    if not params:
        raise ValueError("parameters_to_vector got no parameters; pass model.parameters() of a "
                         "model that has some")
    return cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy consecutive slices of the 1-D `vec` into the parameters, in place (each keeps its
    shape and dtype): the inverse of parameters_to_vector."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters expects a Tensor as vec, got "
                        f"{type(vec).__name__}")
    if vec.ndim != 1:
        raise ValueError(f"vector_to_parameters expects a 1-D vec, got shape {tuple(vec.shape)}; "
                         f"flatten it with vec.reshape(-1)")
    params = _tensor_list("vector_to_parameters", parameters)
    needed = sum(p.numel() for p in params)
    if vec.shape[0] < needed:
        raise ValueError(f"vector_to_parameters: vec has {vec.shape[0]} elements but the "
                         f"parameters need {needed}")
    start = 0
    with no_grad():
        for p in params:
            p.copy_(vec[start:start + p.numel()].reshape(p.shape))
            start += p.numel()
