"""SGD: stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay.

What it does, per parameter p with gradient g (PyTorch's rules exactly):

    g = g + weight_decay * p                  (if weight_decay != 0; an L2 penalty)
    if momentum != 0:
        b = g                                 (first step: the buffer starts as g)
        b = momentum * b + (1 - dampening) * g      (later steps)
        g = g + momentum * b   if nesterov   else   g = b
    p = p - lr * g

Momentum keeps a running direction `b` ("momentum_buffer" in the state),
so steps build up speed along directions the gradient keeps pointing to
and cancel out where it oscillates. Nesterov's variant looks one step
ahead along `b`. `maximize=True` climbs the objective instead.

Assumes: the arithmetic runs on the backend arrays with in-place
operators; the gradient itself is never modified.
Production does instead: PyTorch runs the same formulas, on GPUs by
default over all the parameters of a group at once (`foreach` kernels) or
in one fused kernel (`fused=True`).
"""

from __future__ import annotations

from ..creation import zeros_like
from .optimizer import Optimizer, check_hyperparameter, implementation_flags

__all__ = ["SGD"]


class SGD(Optimizer):
    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False,
                 fused: bool | None = None):
        check_hyperparameter("learning rate", lr)
        check_hyperparameter("momentum value", momentum)
        check_hyperparameter("weight_decay value", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        flags = implementation_flags("SGD", foreach=foreach, differentiable=differentiable,
                                     fused=fused)
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize, **flags))

    def _update(self, param, grad, state, group):
        lr, momentum = group["lr"], group["momentum"]
        p, g = param._data, self._penalised_grad(param, grad, group)
        if momentum != 0:
            buffer = state.get("momentum_buffer")
            if buffer is None:
                buffer = state["momentum_buffer"] = zeros_like(param)
                buffer._data[...] = g
            else:
                b = buffer._data
                b *= momentum
                b += (1 - group["dampening"]) * g
            g = g + momentum * buffer._data if group["nesterov"] else buffer._data
        p -= lr * g
