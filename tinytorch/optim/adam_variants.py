"""Adamax, NAdam and RAdam: three variations on Adam's moving averages (see adam.py first).

What they do, per parameter p with gradient g at step t = 1, 2, ..., with m
the moving average of g ("exp_avg", m += (1 - beta1)(g - m)) as in Adam:

    Adamax (Kingma & Ba, section 7): the second moment becomes an infinity norm,
        u = max(beta2 * u, |g| + eps)                      ("exp_inf")
        p = p - lr / (1 - beta1**t) * m / u
    NAdam (Dozat 2016): Adam with Nesterov momentum, which looks one step
    ahead; the momentum coefficient warms up as
        mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    and with mu_product = mu_1 * ... * mu_t ("mu_product"),
        d = sqrt(v / (1 - beta2**t)) + eps
        p = p - lr * (1 - mu_t) / (1 - mu_product) * g / d
              - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / d
    RAdam (Liu et al. 2019): Adam whose adaptive step is switched on only once
    the variance of v's estimate is tractable, and rectified by r_t:
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
        if rho_t > 5: p = p - lr * m / (1 - beta1**t) * r_t * sqrt(1 - beta2**t) / (sqrt(v) + eps)
        else:         p = p - lr * m / (1 - beta1**t)      (plain momentum SGD)
    with r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)).

weight_decay adds weight_decay * p to g (an L2 penalty); NAdam and RAdam's
decoupled_weight_decay=True shrinks p by (1 - lr * weight_decay) instead,
as AdamW does. Defaults and state names are PyTorch's.

Assumes: "step" and NAdam's "mu_product" are Python numbers in the state
(mu_product a float64 number).
Production does instead: PyTorch keeps both as tensors (float32 unless the
default dtype is float64, so its mu_product rounds a little differently),
which lets a step run in a CUDA graph, and offers foreach kernels.
"""

from __future__ import annotations

import math

from ..creation import zeros_like
from .optimizer import Optimizer, check_betas, check_hyperparameter, implementation_flags

__all__ = ["Adamax", "NAdam", "RAdam"]


def _adam_like_defaults(owner, lr, betas, eps, weight_decay, maximize, **flags) -> dict:
    check_hyperparameter("learning rate", lr)
    check_hyperparameter("epsilon value", eps)
    check_hyperparameter("weight_decay value", weight_decay)
    return dict(lr=lr, betas=check_betas(betas), eps=eps, weight_decay=weight_decay,
                maximize=maximize, **implementation_flags(owner, **flags))


def _decayed_grad(param, grad, group):
    """The gradient to follow, after maximize and weight decay: decoupled decay shrinks the
    parameter in place and leaves the gradient alone; coupled decay adds to the gradient."""
    g = -grad._data if group["maximize"] else grad._data
    decay = group["weight_decay"]
    if decay != 0:
        if group.get("decoupled_weight_decay", False):
            param._data *= 1 - group["lr"] * decay
        else:
            g = g + decay * param._data
    return g


def _moments(param, state, g, beta1, beta2=None):
    """Start the state at the first step, count the step, update m (and v when beta2 is given)."""
    if "step" not in state:
        state["step"] = 0
        state["exp_avg"] = zeros_like(param)
        if beta2 is not None:
            state["exp_avg_sq"] = zeros_like(param)
    state["step"] = int(state["step"]) + 1
    m = state["exp_avg"]._data
    m += (1 - beta1) * (g - m)
    if beta2 is not None:
        v = state["exp_avg_sq"]._data
        v *= beta2
        v += (1 - beta2) * (g * g)


class Adamax(Optimizer):
    def __init__(self, params, lr: float = 2e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, capturable: bool = False):
        super().__init__(params, _adam_like_defaults(
            "Adamax", lr, betas, eps, weight_decay, maximize, foreach=foreach,
            differentiable=differentiable, capturable=capturable))

    def _update(self, param, grad, state, group):
        (beta1, beta2), xp = group["betas"], param.device.xp
        g = _decayed_grad(param, grad, group)
        if not state:
            state["exp_inf"] = zeros_like(param)
        _moments(param, state, g, beta1)
        u = state["exp_inf"]._data
        u *= beta2
        u[...] = xp.maximum(u, xp.abs(g) + group["eps"])
        step_size = group["lr"] / (1 - beta1 ** state["step"])
        param._data -= step_size * (state["exp_avg"]._data / u)


class NAdam(Optimizer):
    def __init__(self, params, lr: float = 2e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False):
        check_hyperparameter("momentum_decay value", momentum_decay)
        defaults = _adam_like_defaults("NAdam", lr, betas, eps, weight_decay, maximize,
                                       foreach=foreach, capturable=capturable,
                                       differentiable=differentiable)
        super().__init__(params, dict(defaults, momentum_decay=momentum_decay,
                                      decoupled_weight_decay=bool(decoupled_weight_decay)))

    def _update(self, param, grad, state, group):
        (beta1, beta2), lr = group["betas"], group["lr"]
        g = _decayed_grad(param, grad, group)
        if not state:
            state["mu_product"] = 1.0
        _moments(param, state, g, beta1, beta2)
        t = state["step"]
        mu, mu_next = (beta1 * (1 - 0.5 * 0.96 ** (k * group["momentum_decay"]))
                       for k in (t, t + 1))
        mu_product = state["mu_product"] = float(state["mu_product"]) * mu
        denom = param.device.xp.sqrt(state["exp_avg_sq"]._data / (1 - beta2 ** t))
        denom += group["eps"]
        p = param._data
        p -= lr * (1 - mu) / (1 - mu_product) * (g / denom)
        p -= lr * mu_next / (1 - mu_product * mu_next) * (state["exp_avg"]._data / denom)


class RAdam(Optimizer):
    def __init__(self, params, lr: float = 1e-3, betas: tuple = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False):
        defaults = _adam_like_defaults("RAdam", lr, betas, eps, weight_decay, maximize,
                                       foreach=foreach, capturable=capturable,
                                       differentiable=differentiable)
        super().__init__(params, dict(defaults,
                                      decoupled_weight_decay=bool(decoupled_weight_decay)))

    def _update(self, param, grad, state, group):
        (beta1, beta2), lr = group["betas"], group["lr"]
        g = _decayed_grad(param, grad, group)
        _moments(param, state, g, beta1, beta2)
        t = state["step"]
        corrected_m = state["exp_avg"]._data / (1 - beta1 ** t)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2 ** t / (1 - beta2 ** t)
        if rho_t > 5:  # v's estimate is trustworthy: take Adam's step, rectified
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                             / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            root_v = param.device.xp.sqrt(state["exp_avg_sq"]._data)
            root_v += group["eps"]
            param._data -= corrected_m * lr * (math.sqrt(1 - beta2 ** t) / root_v) * rect
        else:  # too few steps to trust v: plain momentum
            param._data -= corrected_m * lr
