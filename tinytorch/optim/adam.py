"""Adam and AdamW: per-coordinate step sizes from moving averages of the gradient and its square.

What it does, per parameter p with gradient g at step t = 1, 2, ... (PyTorch's formulas):

    Adam:  g = g + weight_decay * p           (L2 penalty folded into the gradient)
    AdamW: p = p * (1 - lr * weight_decay)    (decoupled decay: shrink p, leave g alone)
    m = beta1 * m + (1 - beta1) * g           ("exp_avg", computed as m += (1-beta1)(g-m))
    v = beta2 * v + (1 - beta2) * g * g       ("exp_avg_sq")
    p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

With amsgrad=True the denominator uses the largest v seen so far
("max_exp_avg_sq"), so a coordinate's step size never grows again
(Reddi et al.).

m and v start at zero, so early on they underestimate the true averages;
dividing by (1 - beta**t) ("bias correction") undoes that. Dividing by
sqrt(v) gives every coordinate a step of about `lr` whatever the scale of
its gradient. AdamW (Loshchilov & Hutter) decays the weights directly
instead of through the gradient, where Adam's division by sqrt(v) would
weaken the decay for parameters with large gradients.

Assumes: the step count is a Python int in the state ("step"); the
arithmetic runs in place on the backend arrays.
Production does instead: PyTorch keeps "step" as a tensor (so a step can
be captured in a CUDA graph), and on GPUs by default updates a whole
group at once with multi-tensor (`foreach`) or `fused` kernels.
"""

from __future__ import annotations

import math

from ..creation import zeros_like
from .optimizer import Optimizer, check_betas, check_hyperparameter, implementation_flags

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False):
        check_hyperparameter("learning rate", lr)
        check_hyperparameter("epsilon value", eps)
        check_hyperparameter("weight_decay value", weight_decay)
        flags = implementation_flags(type(self).__name__, foreach=foreach, capturable=capturable,
                                     differentiable=differentiable, fused=fused)
        super().__init__(params, dict(lr=lr, betas=check_betas(betas), eps=eps,
                                      weight_decay=weight_decay, amsgrad=bool(amsgrad),
                                      maximize=maximize,
                                      decoupled_weight_decay=bool(decoupled_weight_decay),
                                      **flags))

    def _update(self, param, grad, state, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        weight_decay = group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = zeros_like(param)
            state["exp_avg_sq"] = zeros_like(param)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_like(param)
        step = state["step"] = int(state["step"]) + 1
        p, g = param._data, grad._data
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        if group["maximize"]:
            g = -g
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                p *= 1 - lr * weight_decay
            else:
                g = g + weight_decay * p

        m += (1 - beta1) * (g - m)
        v *= beta2
        v += (1 - beta2) * (g * g)
        if group["amsgrad"]:  # divide by the largest second moment so far
            largest = state["max_exp_avg_sq"]._data
            largest[...] = param.device.xp.maximum(largest, v)
            v = largest

        step_size = lr / (1 - beta1 ** step)
        denom = param.device.xp.sqrt(v)
        denom /= math.sqrt(1 - beta2 ** step)
        denom += eps
        update = m / denom
        update *= step_size
        p -= update


class AdamW(Adam):
    """Adam with decoupled weight decay (default 1e-2), as in PyTorch's AdamW."""

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)
