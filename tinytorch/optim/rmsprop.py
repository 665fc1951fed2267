"""RMSprop and Adadelta: per-parameter step sizes from running averages of squared gradients.

RMSprop (Hinton's lecture notes), per parameter p with gradient g:
    square_avg = alpha * square_avg + (1 - alpha) * g**2
    avg = sqrt(square_avg) + eps     (centered: sqrt(square_avg - grad_avg**2) + eps)
    p -= lr * g / avg                (with momentum: buf = momentum * buf + g / avg; p -= lr * buf)

Adadelta (Zeiler 2012) scales each step by the ratio of two running RMS values:
    square_avg = rho * square_avg + (1 - rho) * g**2
    delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g
    acc_delta = rho * acc_delta + (1 - rho) * delta**2
    p -= lr * delta

Hyperparameters, defaults and state names (square_avg, grad_avg,
momentum_buffer, acc_delta, step) are PyTorch's, so the same settings give
the same steps.
Assumes: dense gradients; updates write into the parameters' buffers.
Production does instead: PyTorch also has "foreach" and fused
implementations that update all parameters in a few kernel launches.
"""

from __future__ import annotations

from ..creation import zeros_like
from .optimizer import Optimizer, check_hyperparameter, implementation_flags

__all__ = ["RMSprop", "Adadelta"]


class RMSprop(Optimizer):
    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False,
                 capturable: bool = False, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False):
        for name, value in (("learning rate", lr), ("epsilon value", eps),
                            ("momentum value", momentum), ("weight_decay value", weight_decay),
                            ("alpha value", alpha)):
            check_hyperparameter(name, value)
        flags = implementation_flags("RMSprop", capturable=capturable, foreach=foreach,
                                     differentiable=differentiable)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize,
                                      **flags))

    def _update(self, param, grad, state, group):
        xp = param.device.xp
        alpha, eps, momentum = group["alpha"], group["eps"], group["momentum"]
        if not state:
            state["step"] = 0
            state["square_avg"] = zeros_like(param)
            if momentum > 0:
                state["momentum_buffer"] = zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = zeros_like(param)
        state["step"] = int(state["step"]) + 1
        p, g = param._data, self._penalised_grad(param, grad, group)
        square_avg = state["square_avg"]._data
        square_avg *= alpha
        square_avg += (1 - alpha) * (g * g)
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            grad_avg *= alpha
            grad_avg += (1 - alpha) * g
            avg = xp.sqrt(square_avg - grad_avg * grad_avg) + eps
        else:
            avg = xp.sqrt(square_avg) + eps
        if momentum > 0:
            buffer = state["momentum_buffer"]._data
            buffer *= momentum
            buffer += g / avg
            p -= group["lr"] * buffer
        else:
            p -= group["lr"] * (g / avg)


class Adadelta(Optimizer):
    def __init__(self, params, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0.0, foreach: bool | None = None, *,
                 capturable: bool = False, maximize: bool = False, differentiable: bool = False):
        for name, value in (("learning rate", lr), ("epsilon value", eps),
                            ("weight_decay value", weight_decay)):
            check_hyperparameter(name, value)
        check_hyperparameter("rho value", rho)
        if not rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho} (it must be between 0 and 1)")
        flags = implementation_flags("Adadelta", foreach=foreach, capturable=capturable,
                                     differentiable=differentiable)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                                      maximize=maximize, **flags))

    def _update(self, param, grad, state, group):
        xp = param.device.xp
        rho, eps = group["rho"], group["eps"]
        if not state:
            state["step"] = 0
            state["square_avg"] = zeros_like(param)
            state["acc_delta"] = zeros_like(param)
        state["step"] = int(state["step"]) + 1
        p, g = param._data, self._penalised_grad(param, grad, group)
        square_avg, acc_delta = state["square_avg"]._data, state["acc_delta"]._data
        square_avg *= rho
        square_avg += (1 - rho) * (g * g)
        delta = xp.sqrt(acc_delta + eps) / xp.sqrt(square_avg + eps) * g
        acc_delta *= rho
        acc_delta += (1 - rho) * (delta * delta)
        p -= group["lr"] * delta
