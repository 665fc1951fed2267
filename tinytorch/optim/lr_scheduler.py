"""Learning-rate schedules: StepLR, CosineAnnealingLR and LinearLR (a linear warm-up).

What it does: a scheduler remembers each parameter group's starting lr
(`base_lrs`, also stored in the group as "initial_lr") and a counter
`last_epoch`. Creating it sets the lr for epoch 0; each `step()` (call it
after `optimizer.step()`, once per epoch or per batch, as you choose)
advances the counter and writes `lr_at(base_lr, last_epoch)` into every
group's "lr". `get_last_lr()` returns the lrs it last wrote. The formulas
are PyTorch's documented closed forms:

    StepLR:            base_lr * gamma ** (epoch // step_size)
    CosineAnnealingLR: eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2
    LinearLR:          base_lr * (start_factor + (end_factor - start_factor)
                                  * min(epoch, total_iters) / total_iters)

Assumes: one scheduler owns a group's lr; each step recomputes it from
`base_lr`, so two schedulers on one optimizer overwrite each other.
Production does instead: PyTorch's `step()` updates the current lr
recursively (lr_t from lr_{t-1}), which lets schedulers be chained or run
one after another (ChainedScheduler, SequentialLR) and respects lrs changed
by hand; on an unchanged lr its values equal the closed forms up to
rounding. It also offers many more schedules (OneCycleLR,
ReduceLROnPlateau, ...).
"""

from __future__ import annotations

import math

__all__ = ["LRScheduler", "StepLR", "CosineAnnealingLR", "LinearLR"]


class LRScheduler:
    """Base class: subclasses define `lr_at(base_lr, epoch)`."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self.step()

    def lr_at(self, base_lr: float, epoch: int) -> float:
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set every group's lr for it."""
        self.last_epoch += 1
        for group, base_lr in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = self.lr_at(base_lr, self.last_epoch)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The lr of each group as this scheduler last set it."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        """Everything but the optimizer (which has its own state_dict)."""
        return {k: (list(v) if isinstance(v, list) else v)
                for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        self.__dict__.update({k: (list(v) if isinstance(v, list) else v)
                              for k, v in state_dict.items()})


class StepLR(LRScheduler):
    """Multiply the lr by `gamma` every `step_size` epochs."""

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1):
        if step_size < 1:
            raise ValueError(f"step_size must be a positive integer, got {step_size}")
        self.step_size, self.gamma = int(step_size), gamma
        super().__init__(optimizer)

    def lr_at(self, base_lr, epoch):
        return base_lr * self.gamma ** (epoch // self.step_size)


class CosineAnnealingLR(LRScheduler):
    """Follow half a cosine from the base lr down to `eta_min` over `T_max` epochs.

    Past T_max the cosine carries on and the lr rises again, as in PyTorch.
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0):  # noqa: N803 - PyTorch's name
        if T_max < 1:
            raise ValueError(f"T_max must be a positive integer, got {T_max}")
        self.T_max, self.eta_min = int(T_max), eta_min
        super().__init__(optimizer)

    def lr_at(self, base_lr, epoch):
        cosine = (1 + math.cos(math.pi * epoch / self.T_max)) / 2
        return self.eta_min + (base_lr - self.eta_min) * cosine


class LinearLR(LRScheduler):
    """Scale the lr by a factor going linearly from start_factor to end_factor, then hold it.

    The usual warm-up: LinearLR(opt, start_factor=0.01, total_iters=100)
    ramps the lr from 1% to 100% of its base value over 100 steps.
    """

    def __init__(self, optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5):
        if not 0 < start_factor <= 1:
            raise ValueError(f"start_factor must be in (0, 1], got {start_factor}")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"end_factor must be in [0, 1], got {end_factor}")
        if total_iters < 1:
            raise ValueError(f"total_iters must be a positive integer, got {total_iters}")
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = int(total_iters)
        super().__init__(optimizer)

    def lr_at(self, base_lr, epoch):
        progress = min(epoch, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)
