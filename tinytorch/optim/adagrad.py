"""Adagrad: each coordinate's step shrinks with the sum of all its squared gradients so far.

What it does, per parameter p with gradient g at step t = 1, 2, ... (Duchi et al. 2011,
with PyTorch's options and state names):

    g = g + weight_decay * p                  (if weight_decay != 0)
    sum = sum + g * g                         ("sum", starts at initial_accumulator_value)
    p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)

Coordinates that keep getting large gradients slow down for good, rare
ones keep large steps: the reason Adagrad suits sparse features, and why
its steps eventually become too small for long training (the problem
RMSprop and Adam fix with moving averages instead of a sum).

Assumes: the accumulator is created at a parameter's first step.
Production does instead: PyTorch creates every parameter's "sum" when the
optimizer is built (so a state_dict taken before the first step already
holds it), accepts sparse gradients, and has foreach and fused kernels.
"""

from __future__ import annotations

from ..creation import full_like
from .optimizer import Optimizer, check_hyperparameter, implementation_flags

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None):
        for name, value in (("learning rate", lr), ("lr_decay value", lr_decay),
                            ("weight_decay value", weight_decay),
                            ("initial_accumulator_value value", initial_accumulator_value),
                            ("epsilon value", eps)):
            check_hyperparameter(name, value)
        flags = implementation_flags("Adagrad", foreach=foreach, differentiable=differentiable,
                                     fused=fused)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, maximize=maximize, **flags))

    def _update(self, param, grad, state, group):
        if not state:
            state["step"] = 0
            state["sum"] = full_like(param, group["initial_accumulator_value"])
        step = state["step"] = int(state["step"]) + 1
        p, g = param._data, self._penalised_grad(param, grad, group)
        total = state["sum"]._data
        total += g * g
        std = param.device.xp.sqrt(total)
        std += group["eps"]
        p -= group["lr"] / (1 + (step - 1) * group["lr_decay"]) * (g / std)
