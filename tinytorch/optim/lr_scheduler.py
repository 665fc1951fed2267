"""Learning-rate schedules: PyTorch's schedulers, with its step-by-step values.

What it does: a scheduler remembers each parameter group's starting lr
(`base_lrs`, also stored in the group as "initial_lr") and a counter
`last_epoch`. Creating it runs a first step for epoch 0; each `step()` (call
it after `optimizer.step()`, once per epoch or per batch, as you choose)
advances the counter and writes the lr of the new epoch into every group's
"lr". `get_last_lr()` returns the lrs it last wrote.

Most schedules update the lr recursively, from the lr the group holds now,
as PyTorch does: StepLR multiplies it by gamma every step_size epochs,
CosineAnnealingLR moves it along the cosine by the ratio of two successive
cosine values, and so on. That is what lets two schedulers share one
optimizer: ChainedScheduler steps several at once (their factors
multiply) and SequentialLR hands over from one to the next at milestones.
On an lr nobody else touches, the values equal the closed forms,

    StepLR:            base_lr * gamma ** (epoch // step_size)
    CosineAnnealingLR: eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2
    LinearLR:          base_lr * (start_factor + (end_factor - start_factor)
                                  * min(epoch, total_iters) / total_iters)

which `step(epoch)` (deprecated, as in PyTorch) jumps to directly. CyclicLR,
OneCycleLR, CosineAnnealingWarmRestarts and LambdaLR compute from the epoch
alone; ReduceLROnPlateau watches a metric instead of the epoch count.

Assumes: lrs are Python numbers; state_dict() holds plain values (a
function passed as lr_lambda or scale_fn is not saved, as in PyTorch; a
callable object's attributes are).
Production does instead: PyTorch also accepts tensor lrs (for compiled
optimizer steps), and wraps `optimizer.step` to warn when the scheduler is
stepped before the optimizer.
"""

from __future__ import annotations

import bisect
import copy
import math
import types
import warnings
from collections import Counter

from .optimizer import Optimizer

__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR",
           "LinearLR", "ExponentialLR", "PolynomialLR", "CosineAnnealingLR",
           "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "ReduceLROnPlateau",
           "SequentialLR", "ChainedScheduler"]


def _check_optimizer(optimizer) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{type(optimizer).__name__} is not an Optimizer; pass the optimizer "
                        f"whose lrs to schedule, e.g. StepLR(optimizer, step_size=10)")


def _per_group(name: str, optimizer, value) -> list:
    """One value per param group: a list or tuple of that length, or one value for all."""
    groups = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != groups:
            raise ValueError(f"{name} must have one value per param group: the optimizer has "
                             f"{groups} groups, {name} has {len(value)} values")
        return list(value)
    return [value] * groups


def _number(name: str, value, *, low=None, integer=False):
    """A real number (an int when `integer`) at least `low`, or the error naming it."""
    kinds = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise TypeError(f"{name} must be {'an int' if integer else 'a number'}, got {value!r}")
    if low is not None and not value >= low:
        raise ValueError(f"{name} must be at least {low}, got {value}")
    return value


def _saved_functions(functions) -> list:
    """What state_dict keeps of user functions: nothing for a plain function (code is not
    state), the attributes of a callable object (they may hold a schedule's state)."""
    return [None if isinstance(fn, types.FunctionType) or not hasattr(fn, "__dict__")
            else dict(vars(fn)) for fn in functions]


def _copied(value):
    """Lists and dicts copied, so a saved state does not change as training goes on."""
    return copy.copy(value) if isinstance(value, (list, dict)) else value


class LRScheduler:
    """Base class: subclasses define `get_lr()` (and `_get_closed_form_lr()` where one exists).

    `get_lr()` runs inside `step()`, after `last_epoch` has advanced, and returns the new
    lr of every group; while the first step runs (at creation), `_is_initial` is True.
    """

    _is_initial = False

    def __init__(self, optimizer, last_epoch: int = -1):
        _check_optimizer(optimizer)
        self.optimizer = optimizer
        _number("last_epoch", last_epoch, low=-1, integer=True)
        for i, group in enumerate(optimizer.param_groups):
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise ValueError(f"param_groups[{i}] has no 'initial_lr', which resuming with "
                                 f"last_epoch={last_epoch} needs: load the optimizer's "
                                 f"state_dict first, or leave last_epoch at -1 for a new run")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """Set the lrs of the first epoch (also used by SequentialLR to restart a scheduler)."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self) -> list:
        """The lrs for epoch `last_epoch`, usually computed from the groups' current lrs."""
        raise NotImplementedError

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and set every group's lr for it (call after optimizer.step())."""
        self._step_count += 1
        if epoch is not None:
            warnings.warn("step(epoch) is deprecated (as in PyTorch): it jumps to that epoch's "
                          "closed-form lr. Call step() without an argument once per epoch.",
                          UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch=None) -> None:
        if epoch is None:
            self.last_epoch += 1
            lrs = self.get_lr()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            lrs = closed_form() if closed_form is not None else self.get_lr()
        self._set_lrs(lrs)

    def _set_lrs(self, lrs) -> None:
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _current(self) -> list:
        return [group["lr"] for group in self.optimizer.param_groups]

    def _scaled(self, factor) -> list:
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list:
        """The lr of each group as this scheduler last set it."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        """Everything but the optimizer (which has its own state_dict)."""
        return {k: _copied(v) for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        self.__dict__.update({k: _copied(v) for k, v in state_dict.items()})


class _LambdaScheduler(LRScheduler):
    """Shared by LambdaLR and MultiplicativeLR: one function of the epoch per group."""

    def __init__(self, optimizer, lr_lambda, last_epoch: int = -1):
        _check_optimizer(optimizer)
        self.lr_lambdas = _per_group("lr_lambda", optimizer, lr_lambda)
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"lr_lambda should be a function of the epoch, got "
                                f"{type(fn).__name__}")
        super().__init__(optimizer, last_epoch)

    def state_dict(self) -> dict:
        state = {k: _copied(v) for k, v in self.__dict__.items()
                 if k not in ("optimizer", "lr_lambdas")}
        state["lr_lambdas"] = _saved_functions(self.lr_lambdas)
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        saved = state_dict.get("lr_lambdas", [None] * len(self.lr_lambdas))
        super().load_state_dict({k: v for k, v in state_dict.items() if k != "lr_lambdas"})
        for fn, attributes in zip(self.lr_lambdas, saved):
            if attributes is not None:
                vars(fn).update(attributes)


class LambdaLR(_LambdaScheduler):
    """lr = base_lr * lr_lambda(epoch): any schedule written as a function of the epoch."""

    def get_lr(self):
        return [base_lr * fn(self.last_epoch)
                for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaScheduler):
    """Multiply the lr by lr_lambda(epoch) at every step after the first."""

    def get_lr(self):
        if self._is_initial:
            return self._current()
        return [group["lr"] * fn(self.last_epoch)
                for fn, group in zip(self.lr_lambdas, self.optimizer.param_groups)]


class StepLR(LRScheduler):
    """Multiply the lr by `gamma` every `step_size` epochs."""

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        self.step_size = _number("step_size", step_size, low=1, integer=True)
        self.gamma = _number("gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current()
        return self._scaled(self.gamma)

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** (self.last_epoch // self.step_size)
                for base_lr in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the lr by `gamma` at each milestone epoch (twice if it is listed twice)."""

    def __init__(self, optimizer, milestones, gamma: float = 0.1, last_epoch: int = -1):
        try:
            milestones = list(milestones)
        except TypeError:
            raise TypeError(f"milestones must be a list of epochs, got "
                            f"{type(milestones).__name__}") from None
        self.milestones = Counter(_number("a milestone", m, integer=True) for m in milestones)
        self.gamma = _number("gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return self._current()
        return self._scaled(self.gamma ** self.milestones[self.last_epoch])

    def _get_closed_form_lr(self):
        passed = sum(n for m, n in self.milestones.items() if m <= self.last_epoch)
        return [base_lr * self.gamma ** passed for base_lr in self.base_lrs]


class ConstantLR(LRScheduler):
    """Scale the lr by `factor` until epoch `total_iters`, then restore it."""

    def __init__(self, optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1):
        if not 0 <= _number("factor", factor) <= 1:
            raise ValueError(f"Constant multiplicative factor expected to be between 0 and 1, "
                             f"got factor={factor}")
        self.factor = factor
        self.total_iters = _number("total_iters", total_iters, low=0, integer=True)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0:
            return self._scaled(self.factor)
        if self.last_epoch != self.total_iters:
            return self._current()
        if self.factor == 0:  # a zero lr cannot be divided back up: restore the base lrs
            return list(self.base_lrs)
        return self._scaled(1.0 / self.factor)

    def _get_closed_form_lr(self):
        done = self.last_epoch >= self.total_iters
        return [base_lr * (self.factor + done * (1 - self.factor)) for base_lr in self.base_lrs]


class LinearLR(LRScheduler):
    """Scale the lr by a factor going linearly from start_factor to end_factor, then hold it.

    The usual warm-up: LinearLR(opt, start_factor=0.01, total_iters=100)
    ramps the lr from 1% to 100% of its base value over 100 steps.
    """

    def __init__(self, optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1):
        if not 0 < _number("start_factor", start_factor) <= 1:
            raise ValueError(f"start_factor must be in (0, 1], got {start_factor}")
        if not 0 <= _number("end_factor", end_factor) <= 1:
            raise ValueError(f"end_factor must be in [0, 1], got {end_factor}")
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = _number("total_iters", total_iters, low=1, integer=True)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0:
            return self._scaled(self.start_factor)
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current()
        # factor(e) / factor(e - 1), written so that it needs no division by factor(e - 1)
        change = self.end_factor - self.start_factor
        previous = self.total_iters * self.start_factor + (self.last_epoch - 1) * change
        return self._scaled(1.0 + change / previous)

    def _get_closed_form_lr(self):
        progress = min(self.last_epoch, self.total_iters) / self.total_iters
        return [base_lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)
                for base_lr in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the lr by `gamma` every epoch."""

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1):
        self.gamma = _number("gamma", gamma)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return self._current() if self._is_initial else self._scaled(self.gamma)

    def _get_closed_form_lr(self):
        return [base_lr * self.gamma ** self.last_epoch for base_lr in self.base_lrs]


class PolynomialLR(LRScheduler):
    """Decay the lr as base_lr * (1 - epoch / total_iters) ** power, reaching 0 at total_iters."""

    def __init__(self, optimizer, total_iters: int = 5, power: float = 1.0, last_epoch: int = -1):
        self.total_iters = _number("total_iters", total_iters, low=1, integer=True)
        self.power = _number("power", power)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current()
        now = 1.0 - self.last_epoch / self.total_iters
        before = 1.0 - (self.last_epoch - 1) / self.total_iters
        return self._scaled((now / before) ** self.power)

    def _get_closed_form_lr(self):
        remaining = 1.0 - min(self.total_iters, self.last_epoch) / self.total_iters
        return [base_lr * remaining ** self.power for base_lr in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from the base lr down to `eta_min` over `T_max` epochs.

    Past T_max the cosine carries on and the lr rises again, as in PyTorch.
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0,  # noqa: N803 - PyTorch's
                 last_epoch: int = -1):
        self.T_max = _number("T_max", T_max, low=1, integer=True)
        self.eta_min = _number("eta_min", eta_min)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        epoch, t_max, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current()
        if self._step_count == 1 and epoch > 0:  # resumed at a later epoch: start on the curve
            return self._get_closed_form_lr()
        if (epoch - 1 - t_max) % (2 * t_max) == 0:
            # leaving the bottom of the cosine, where the ratio below would divide by zero
            rise = (1 - math.cos(math.pi / t_max)) / 2
            return [group["lr"] + (base_lr - eta_min) * rise
                    for base_lr, group in zip(self.base_lrs, self.optimizer.param_groups)]
        ratio = ((1 + math.cos(math.pi * epoch / t_max))
                 / (1 + math.cos(math.pi * (epoch - 1) / t_max)))
        return [ratio * (group["lr"] - eta_min) + eta_min for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        cosine = (1 + math.cos(math.pi * self.last_epoch / self.T_max)) / 2
        return [self.eta_min + (base_lr - self.eta_min) * cosine for base_lr in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """Cosine annealing that restarts from the base lr every T_i epochs (SGDR).

    The first period is T_0 epochs, each next one T_mult times longer. step()
    also takes a fractional epoch (step(epoch + i / iters_per_epoch)) to anneal
    within an epoch, as in PyTorch.
    """

    def __init__(self, optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,  # noqa: N803
                 last_epoch: int = -1):
        self.T_0 = self.T_i = _number("T_0", T_0, low=1, integer=True)
        self.T_mult = _number("T_mult", T_mult, low=1, integer=True)
        self.eta_min = _number("eta_min", eta_min)
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        cosine = (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        return [self.eta_min + (base_lr - self.eta_min) * cosine for base_lr in self.base_lrs]

    def step(self, epoch=None) -> None:
        """Advance one epoch, or go to `epoch` (a number, possibly fractional)."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:  # a restart: the next period is T_mult times longer
                self.T_cur -= self.T_i
                self.T_i *= self.T_mult
        else:
            self._jump_to(_number("epoch", epoch, low=0))
        self.last_epoch = math.floor(epoch)
        self._set_lrs(self.get_lr())

    def _jump_to(self, epoch) -> None:
        """Find the period `epoch` falls in and how far into it."""
        if epoch < self.T_0:
            self.T_i, self.T_cur = self.T_0, epoch
        elif self.T_mult == 1:
            self.T_cur = epoch % self.T_0
        else:  # periods T_0 * T_mult**k end at T_0 * (T_mult**(n) - 1) / (T_mult - 1)
            n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
            self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
            self.T_i = self.T_0 * self.T_mult ** n


def _momentum_key(optimizer) -> str:
    """Which hyperparameter cycle_momentum cycles: SGD's momentum or Adam's beta1."""
    if "betas" in optimizer.defaults:
        return "betas"
    if "momentum" in optimizer.defaults:
        return "momentum"
    raise ValueError(f"{type(optimizer).__name__} has neither momentum nor betas, which "
                     f"cycle_momentum=True cycles; pass cycle_momentum=False")


def _set_momentum(group: dict, key: str, value) -> None:
    if key == "betas":
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value


def _start_momentum_cycle(scheduler, optimizer, base_momentum, max_momentum, last_epoch):
    """Record the momentum range in the scheduler and the groups; a new run starts at max."""
    scheduler.use_beta1 = _momentum_key(optimizer) == "betas"
    scheduler.base_momentums = _per_group("base_momentum", optimizer, base_momentum)
    scheduler.max_momentums = _per_group("max_momentum", optimizer, max_momentum)
    if last_epoch == -1:
        for group, low, high in zip(optimizer.param_groups, scheduler.base_momentums,
                                    scheduler.max_momentums):
            _set_momentum(group, "betas" if scheduler.use_beta1 else "momentum", high)
            group["max_momentum"], group["base_momentum"] = high, low


class CyclicLR(LRScheduler):
    """Cycle the lr between base_lr and max_lr (Smith's cyclical learning rates), per batch.

    Each cycle rises for step_size_up steps and falls for step_size_down;
    "triangular" keeps the amplitude, "triangular2" halves it every cycle,
    "exp_range" scales it by gamma**step; `scale_fn` replaces the mode. With
    cycle_momentum the momentum (or Adam's beta1) moves the opposite way.
    """

    def __init__(self, optimizer, base_lr, max_lr, step_size_up: int = 2000,
                 step_size_down: int | None = None, mode: str = "triangular",
                 gamma: float = 1.0, scale_fn=None, scale_mode: str = "cycle",
                 cycle_momentum: bool = True, base_momentum: float = 0.8,
                 max_momentum: float = 0.9, last_epoch: int = -1):
        _check_optimizer(optimizer)
        base_lrs = _per_group("base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = _per_group("max_lr", optimizer, max_lr)
        up = float(_number("step_size_up", step_size_up, low=1))
        down = up if step_size_down is None else float(
            _number("step_size_down", step_size_down, low=0))
        self.total_size, self.step_ratio = up + down, up / (up + down)
        if scale_fn is None and mode not in ("triangular", "triangular2", "exp_range"):
            raise ValueError(f"mode must be 'triangular', 'triangular2' or 'exp_range' (or pass "
                             f"scale_fn), got {mode!r}")
        if scale_fn is not None and not callable(scale_fn):
            raise TypeError(f"scale_fn must be a function, got {type(scale_fn).__name__}")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"scale_mode must be 'cycle' or 'iterations', got {scale_mode!r}")
        self.mode, self.gamma, self._scale_fn_custom = mode, gamma, scale_fn
        # the built-in modes fix what their scale is a function of
        self.scale_mode = scale_mode if scale_fn is not None else (
            "iterations" if mode == "exp_range" else "cycle")
        self.cycle_momentum = bool(cycle_momentum)
        if self.cycle_momentum:
            _start_momentum_cycle(self, optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x) -> float:
        """The amplitude's scale at cycle (or step) x."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular2":
            return 1 / 2.0 ** (x - 1)
        if self.mode == "exp_range":
            return self.gamma ** x
        return 1.0

    def get_lr(self):
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle  # how far into this cycle
        if x <= self.step_ratio:
            height = x / self.step_ratio
        else:
            height = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base_lr + (max_lr - base_lr) * height * scale
               for base_lr, max_lr in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            key = "betas" if self.use_beta1 else "momentum"
            for group, low, high in zip(self.optimizer.param_groups, self.base_momentums,
                                        self.max_momentums):
                _set_momentum(group, key, high - (high - low) * height * scale)
        return lrs

    def state_dict(self) -> dict:
        state = super().state_dict()
        fn = state.pop("_scale_fn_custom")
        state["_scale_fn_custom"] = None if fn is None else _saved_functions([fn])[0]
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        state = dict(state_dict)
        saved = state.pop("_scale_fn_custom", None)
        super().load_state_dict(state)
        if saved is not None and self._scale_fn_custom is not None:
            vars(self._scale_fn_custom).update(saved)


def _anneal(strategy: str, start, end, pct):
    """From start (pct 0) to end (pct 1), along half a cosine or a line."""
    if strategy == "cos":
        return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
    return (end - start) * pct + start


class OneCycleLR(LRScheduler):
    """Smith's 1cycle policy, per batch: warm up from max_lr / div_factor to max_lr over
    pct_start of the steps, then anneal to initial_lr / final_div_factor; with
    three_phase, come back down to the initial lr first, then anneal. Momentum (or
    Adam's beta1) moves the opposite way between max_momentum and base_momentum."""

    def __init__(self, optimizer, max_lr, total_steps: int | None = None,
                 epochs: int | None = None, steps_per_epoch: int | None = None,
                 pct_start: float = 0.3, anneal_strategy: str = "cos",
                 cycle_momentum: bool = True, base_momentum: float = 0.85,
                 max_momentum: float = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1):
        _check_optimizer(optimizer)
        self.total_steps = self._total(total_steps, epochs, steps_per_epoch)
        if not 0 <= _number("pct_start", pct_start) <= 1:
            raise ValueError(f"pct_start must be between 0 and 1, got {pct_start}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy!r}")
        self._anneal_func_type = anneal_strategy
        self._schedule_phases = self._phases(pct_start, bool(three_phase))
        max_lrs = _per_group("max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, top in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = top / div_factor
                group["max_lr"] = top
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = bool(cycle_momentum)
        if self.cycle_momentum:
            _start_momentum_cycle(self, optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _total(total_steps, epochs, steps_per_epoch) -> int:
        if total_steps is not None:
            return _number("total_steps", total_steps, low=1, integer=True)
        if epochs is None or steps_per_epoch is None:
            raise ValueError("You must define either total_steps OR (epochs AND "
                             "steps_per_epoch)")
        return (_number("epochs", epochs, low=1, integer=True)
                * _number("steps_per_epoch", steps_per_epoch, low=1, integer=True))

    def _phases(self, pct_start, three_phase) -> list[dict]:
        """Each phase: the step it ends at and the group keys its lr and momentum go between."""
        warmup_end = float(pct_start * self.total_steps) - 1
        last = self.total_steps - 1
        if three_phase:
            return [dict(end_step=warmup_end, start_lr="initial_lr", end_lr="max_lr",
                         start_momentum="max_momentum", end_momentum="base_momentum"),
                    dict(end_step=float(2 * pct_start * self.total_steps) - 2,
                         start_lr="max_lr", end_lr="initial_lr",
                         start_momentum="base_momentum", end_momentum="max_momentum"),
                    dict(end_step=last, start_lr="initial_lr", end_lr="min_lr",
                         start_momentum="max_momentum", end_momentum="max_momentum")]
        return [dict(end_step=warmup_end, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=last, start_lr="max_lr", end_lr="min_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum")]

    def get_lr(self):
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"Tried to step {step} times. The specified number of total steps "
                             f"is {self.total_steps}: create the scheduler with the number of "
                             f"optimizer steps you will take (epochs * steps_per_epoch)")
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, phase in enumerate(self._schedule_phases):
                if step <= phase["end_step"] or i == len(self._schedule_phases) - 1:
                    break
                start = phase["end_step"]
            span = phase["end_step"] - start
            pct = (step - start) / span if span else 1.0  # a phase of no steps is over at once
            strategy = self._anneal_func_type
            lrs.append(_anneal(strategy, group[phase["start_lr"]], group[phase["end_lr"]], pct))
            if self.cycle_momentum:
                momentum = _anneal(strategy, group[phase["start_momentum"]],
                                   group[phase["end_momentum"]], pct)
                _set_momentum(group, "betas" if self.use_beta1 else "momentum", momentum)
        return lrs


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by `factor` when a metric has stopped improving for `patience` epochs.

    Call `step(metric)` once per epoch with the validation loss (mode="min") or
    accuracy (mode="max"). An epoch improves on the best so far when it beats it
    by more than `threshold` (relative, or absolute with threshold_mode="abs");
    after a reduction, `cooldown` epochs pass before bad epochs count again; lrs
    never go below `min_lr`, and a change smaller than `eps` is skipped.
    """

    def __init__(self, optimizer, mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr=0, eps: float = 1e-8):
        _check_optimizer(optimizer)
        if not _number("factor", factor) < 1.0:
            raise ValueError(f"Factor should be < 1.0, got {factor}")
        if mode not in ("min", "max"):
            raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"threshold_mode must be 'rel' or 'abs', got {threshold_mode!r}")
        self.optimizer, self.factor = optimizer, factor
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.min_lrs = _per_group("min_lr", optimizer, min_lr)
        self.patience = _number("patience", patience, low=0, integer=True)
        self.cooldown = _number("cooldown", cooldown, low=0, integer=True)
        self.mode, self.threshold, self.threshold_mode = mode, threshold, threshold_mode
        self.eps = eps
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.last_epoch = 0
        self._last_lr = self._current()
        self._reset()

    def _reset(self) -> None:
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def is_better(self, a: float, best: float) -> bool:
        """Whether metric `a` beats `best` by more than the threshold."""
        if self.threshold_mode == "rel":
            margin = 1.0 - self.threshold if self.mode == "min" else 1.0 + self.threshold
            return a < best * margin if self.mode == "min" else a > best * margin
        return a < best - self.threshold if self.mode == "min" else a > best + self.threshold

    def step(self, metrics, epoch=None) -> None:
        """Record this epoch's metric; reduce the lrs after `patience` epochs without progress."""
        try:
            current = float(metrics)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"ReduceLROnPlateau.step() needs the metric as a number (or a "
                            f"one-element tensor), got {type(metrics).__name__}") from None
        if epoch is not None:
            warnings.warn("step(metrics, epoch) is deprecated (as in PyTorch); leave the epoch "
                          "out", UserWarning, stacklevel=2)
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        if self.is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:  # bad epochs right after a reduction do not count
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = self._current()

    def _reduce_lr(self) -> None:
        groups = self.optimizer.param_groups
        if len(self.min_lrs) != len(groups):  # a param group was added since
            if self.default_min_lr is None:
                raise RuntimeError(f"the optimizer has {len(groups)} param groups but min_lrs "
                                   f"has {len(self.min_lrs)} values (a group was added after "
                                   f"the scheduler was created); set scheduler.min_lrs to one "
                                   f"value per group")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old = float(group["lr"])
            new = max(old * self.factor, min_lr)
            if old - new > self.eps:
                group["lr"] = new


def _check_schedulers(owner: str, schedulers, optimizer) -> list:
    schedulers = list(schedulers)
    if not schedulers:
        raise ValueError(f"{owner} expects at least one scheduler, got none")
    for i, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{owner}: the scheduler at index {i} ({type(scheduler).__name__}) "
                            f"has no optimizer; pass lr schedulers")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(f"{owner} does not support ReduceLROnPlateau (index {i}): its "
                             f"step() needs the metric; step it yourself")
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"{owner} expects all schedulers to belong to the same optimizer, "
                             f"but the {type(scheduler).__name__} at index {i} has another one")
    return schedulers


class _Composite(LRScheduler):
    """Shared by SequentialLR and ChainedScheduler: the state of each wrapped scheduler is
    saved inside this one's."""

    def state_dict(self) -> dict:
        state = {k: _copied(v) for k, v in self.__dict__.items()
                 if k not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict: dict) -> None:
        super().load_state_dict({k: v for k, v in state_dict.items() if k != "_schedulers"})
        for scheduler, saved in zip(self._schedulers, state_dict["_schedulers"]):
            scheduler.load_state_dict(saved)


class SequentialLR(_Composite):
    """Run `schedulers` one after another, switching at the epochs in `milestones`.

    The usual use: a LinearLR warm-up, then CosineAnnealingLR from milestone
    epoch on. Each scheduler starts from the base lrs (epoch 0 of its own).
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch: int = -1):
        _check_optimizer(optimizer)
        self._schedulers = _check_schedulers("SequentialLR", schedulers, optimizer)
        self._milestones = [_number("a milestone", m, integer=True) for m in milestones]
        if len(self._milestones) != len(self._schedulers) - 1:
            raise ValueError(f"SequentialLR expects one milestone fewer than schedulers, got "
                             f"{len(self._schedulers)} schedulers and "
                             f"{len(self._milestones)} milestones")
        self.optimizer = optimizer
        self.last_epoch = last_epoch + 1
        # Creating the schedulers already stepped each of them once: undo that, then start
        # the first one afresh from the base lrs.
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        _undo_first_steps(self._schedulers)
        first = self._schedulers[bisect.bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def step(self) -> None:
        self.last_epoch += 1
        index = bisect.bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)  # a handover: the next scheduler starts at its epoch 0
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


def _undo_first_steps(schedulers) -> None:
    for scheduler in schedulers:
        if hasattr(scheduler, "_schedulers"):
            _undo_first_steps(scheduler._schedulers)
        else:
            scheduler.last_epoch -= 1


class ChainedScheduler(_Composite):
    """Step several schedulers together on one optimizer: their changes to the lr compose
    (e.g. a ConstantLR warm-up times an ExponentialLR decay)."""

    def __init__(self, schedulers, optimizer=None):
        schedulers = list(schedulers)
        if optimizer is None and schedulers:
            optimizer = getattr(schedulers[0], "optimizer", None)
        self._schedulers = _check_schedulers("ChainedScheduler", schedulers, optimizer)
        self.optimizer = optimizer
        self._last_lr = self._current()

    def step(self) -> None:
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = self._current()
