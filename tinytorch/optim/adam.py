"""Adam and AdamW: per-coordinate step sizes from moving averages of the gradient and its square.

What it does, per parameter p with gradient g at step t = 1, 2, ... (PyTorch's formulas):

    Adam:  g = g + weight_decay * p           (L2 penalty folded into the gradient)
    AdamW: p = p * (1 - lr * weight_decay)    (decoupled decay: shrink p, leave g alone)
    m = beta1 * m + (1 - beta1) * g           ("exp_avg", computed as m += (1-beta1)(g-m))
    v = beta2 * v + (1 - beta2) * g * g       ("exp_avg_sq")
    p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

m and v start at zero, so early on they underestimate the true averages;
dividing by (1 - beta**t) ("bias correction") undoes that. Dividing by
sqrt(v) gives every coordinate a step of about `lr` whatever the scale of
its gradient. AdamW (Loshchilov & Hutter) decays the weights directly
instead of through the gradient, where Adam's division by sqrt(v) would
weaken the decay for parameters with large gradients.

Assumes: the step count is a Python int in the state ("step"); the
arithmetic runs in place on the backend arrays. No amsgrad variant.
Production does instead: PyTorch keeps "step" as a tensor (so a step can
be captured in a CUDA graph), offers amsgrad, and on GPUs by default
updates a whole group at once with multi-tensor (`foreach`) or `fused`
kernels.
"""

from __future__ import annotations

import math

from ..creation import zeros_like
from .optimizer import Optimizer

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    decoupled_weight_decay = False  # AdamW sets this

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, *, maximize: bool = False):
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if eps < 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not (0.0 <= betas[0] < 1.0 and 0.0 <= betas[1] < 1.0):
            raise ValueError(f"Invalid beta parameters: {betas}; each must be in [0, 1)")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps,
                                      weight_decay=weight_decay, maximize=maximize))

    def _update(self, param, grad, state, group):
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        weight_decay = group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = zeros_like(param)
            state["exp_avg_sq"] = zeros_like(param)
        step = state["step"] = int(state["step"]) + 1
        p, g = param._data, grad._data
        m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
        if group["maximize"]:
            g = -g
        if weight_decay != 0:
            if self.decoupled_weight_decay:
                p *= 1 - lr * weight_decay
            else:
                g = g + weight_decay * p

        m += (1 - beta1) * (g - m)
        v *= beta2
        v += (1 - beta2) * (g * g)

        step_size = lr / (1 - beta1 ** step)
        denom = param.device.xp.sqrt(v)
        denom /= math.sqrt(1 - beta2 ** step)
        denom += eps
        update = m / denom
        update *= step_size
        p -= update


class AdamW(Adam):
    """Adam with decoupled weight decay (default 1e-2), as in PyTorch's AdamW."""

    decoupled_weight_decay = True

    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, *, maximize: bool = False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         maximize=maximize)
