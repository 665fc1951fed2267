"""Weight averaging: AveragedModel (SWA and EMA), the SWALR schedule, and update_bn.

What it does: `AveragedModel(model)` keeps a deep copy of `model` whose
parameters are an average of the model's parameters over the calls to
`update_parameters(model)`. The first call copies them; later ones apply
`avg_fn(averaged, current, n_averaged)` (a new tensor per parameter) or
`multi_avg_fn(averaged_list, current_list, n_averaged)` (in place, on all
of them at once). The default is the running mean of stochastic weight
averaging (Izmailov et al. 2018), averaged + (current - averaged) / (n + 1);
`get_ema_multi_avg_fn(decay)` gives an exponential moving average instead
(the "EMA model" of many training scripts). Buffers (BatchNorm's running
statistics) are copied from the model unless `use_buffers=True`, which
averages them with the parameters.

SWA's averaged weights never saw the batches with their own BatchNorm
statistics, so `update_bn(loader, model)` recomputes them: it resets every
BatchNorm's running statistics and runs the loader once in training mode
with momentum=None (an equal-weight cumulative average).

`SWALR` anneals each group's lr from its value when SWA starts to `swa_lr`
over `anneal_epochs` epochs (along a cosine or a line) and then holds it.

Assumes: the averaging runs one parameter at a time; `n_averaged` is an
int64 buffer, as in PyTorch, and is handed to avg_fn/multi_avg_fn as that
tensor.
Production does instead: PyTorch groups the tensors by device and dtype and
averages each group with one multi-tensor (foreach) kernel.
"""

from __future__ import annotations

import copy
import itertools
import math

from ..autograd import no_grad
from ..creation import tensor
from ..dtypes import is_floating_point
from ..nn.module import Module
from ..nn.normalization import _BatchNorm
from ..tensor import Tensor
from .lr_scheduler import LRScheduler, _check_optimizer, _number, _per_group

__all__ = ["AveragedModel", "SWALR", "update_bn", "get_ema_multi_avg_fn",
           "get_swa_multi_avg_fn", "get_ema_avg_fn", "get_swa_avg_fn"]


def _check_decay(decay):
    if isinstance(decay, bool) or not isinstance(decay, (int, float)):
        raise TypeError(f"decay must be a number in [0, 1], got {decay!r}")
    if not 0.0 <= decay <= 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in "
                         f"[0,1] range.")


def get_ema_multi_avg_fn(decay: float = 0.999):
    """An in-place exponential moving average for AveragedModel(multi_avg_fn=...):
    averaged = decay * averaged + (1 - decay) * current."""
    _check_decay(decay)

    def ema_update(averaged_list, current_list, num_averaged) -> None:
        with no_grad():
            for averaged, current in zip(averaged_list, current_list):
                if is_floating_point(averaged.dtype):
                    averaged.lerp_(current, 1 - decay)
                else:  # integer buffers: lerp needs floats, PyTorch rounds the same way
                    averaged.copy_(averaged * decay + current * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn():
    """The in-place running mean: averaged += (current - averaged) / (n_averaged + 1)."""
    def swa_update(averaged_list, current_list, num_averaged) -> None:
        weight = 1.0 / (float(num_averaged) + 1)
        with no_grad():
            for averaged, current in zip(averaged_list, current_list):
                if is_floating_point(averaged.dtype):
                    averaged.lerp_(current, weight)
                else:
                    averaged.copy_(averaged + (current - averaged) * weight)
    return swa_update


def get_ema_avg_fn(decay: float = 0.999):
    """An exponential moving average for AveragedModel(avg_fn=...), one tensor at a time."""
    _check_decay(decay)

    def ema_update(averaged, current, num_averaged):
        with no_grad():
            return decay * averaged + (1 - decay) * current
    return ema_update


def get_swa_avg_fn():
    """The running mean for AveragedModel(avg_fn=...), one tensor at a time."""
    def swa_update(averaged, current, num_averaged):
        with no_grad():
            return averaged + (current - averaged) / (num_averaged + 1)
    return swa_update


class AveragedModel(Module):
    """A copy of `model` holding the average of its weights over update_parameters() calls.

    Call it like the model (`swa_model(x)`); `swa_model.module` is the copy.
    """

    def __init__(self, model: Module, device=None, avg_fn=None, multi_avg_fn=None,
                 use_buffers: bool = False):
        super().__init__()
        if not isinstance(model, Module):
            raise TypeError(f"AveragedModel wraps an nn.Module, got {type(model).__name__}")
        if avg_fn is not None and multi_avg_fn is not None:
            raise ValueError("Only one of avg_fn and multi_avg_fn should be provided: avg_fn "
                             "returns each new average, multi_avg_fn updates them all in place")
        for name, fn in (("avg_fn", avg_fn), ("multi_avg_fn", multi_avg_fn)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{name} must be a function, got {type(fn).__name__}")
        self.module = copy.deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        self.register_buffer("n_averaged", tensor(0, dtype="int64", device=device))
        self.avg_fn, self.multi_avg_fn = avg_fn, multi_avg_fn
        self.use_buffers = bool(use_buffers)

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def _averaged_tensors(self, model: Module) -> tuple[list, list]:
        """(ours, theirs): the tensors to average, theirs detached and moved to our devices."""
        if self.use_buffers:
            ours = itertools.chain(self.module.parameters(), self.module.buffers())
            theirs = itertools.chain(model.parameters(), model.buffers())
        else:
            ours, theirs = self.module.parameters(), model.parameters()
        pairs = [(a.detach(), b.detach().to(a.device)) for a, b in zip(ours, theirs)]
        return [a for a, _ in pairs], [b for _, b in pairs]

    def update_parameters(self, model: Module) -> None:
        """Fold `model`'s current weights into the average (the first call copies them)."""
        if not isinstance(model, Module):
            raise TypeError(f"update_parameters() takes the model being trained, got "
                            f"{type(model).__name__}")
        ours, theirs = self._averaged_tensors(model)
        n = self.n_averaged
        with no_grad():
            if int(n.item()) == 0:
                for averaged, current in zip(ours, theirs):
                    averaged.copy_(current)
            elif self.multi_avg_fn is not None:
                self.multi_avg_fn(ours, theirs, n)
            elif self.avg_fn is not None:
                for averaged, current in zip(ours, theirs):
                    averaged.copy_(self.avg_fn(averaged, current, n))
            else:
                get_swa_multi_avg_fn()(ours, theirs, int(n.item()))
            if not self.use_buffers:  # buffers follow the model instead of being averaged
                for mine, current in zip(self.module.buffers(), model.buffers()):
                    mine.copy_(current.detach().to(mine.device))
            self.n_averaged.add_(1)


def update_bn(loader, model: Module, device=None) -> None:
    """Recompute every BatchNorm's running statistics with one pass over `loader`.

    Each batch may be a tensor or a (input, ...) list or tuple; only the input
    is used. The model's training mode and each layer's momentum are restored.
    """
    momenta = {m: m.momentum for m in model.modules() if isinstance(m, _BatchNorm)}
    if not momenta:
        return
    for layer in momenta:
        layer.reset_running_stats()
        layer.momentum = None  # an equal-weight average over the whole pass
    was_training = model.training
    model.train()
    try:
        with no_grad():
            for batch in loader:
                if isinstance(batch, (list, tuple)):
                    batch = batch[0]
                if not isinstance(batch, Tensor):
                    raise TypeError(f"update_bn() expects batches that are tensors or lists "
                                    f"and tuples starting with one, got "
                                    f"{type(batch).__name__}")
                model(batch if device is None else batch.to(device))
    finally:
        for layer, momentum in momenta.items():
            layer.momentum = momentum
        model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr to `swa_lr` over `anneal_epochs` epochs, then hold it there."""

    def __init__(self, optimizer, swa_lr, anneal_epochs: int = 10,
                 anneal_strategy: str = "cos", last_epoch: int = -1):
        _check_optimizer(optimizer)
        for lr, group in zip(_per_group("swa_lr", optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got "
                             f"{anneal_strategy!r}")
        self._anneal_strategy = anneal_strategy
        self.anneal_epochs = _number("anneal_epochs", anneal_epochs, low=0, integer=True)
        super().__init__(optimizer, last_epoch)

    def anneal_func(self, t: float) -> float:
        """How far along (0 to 1) the lr is from its start to swa_lr at fraction t."""
        if self._anneal_strategy == "linear":
            return t
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _start_lr(lr, swa_lr, alpha):
        """The lr annealing started from, recovered from the lr at progress alpha."""
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self):
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        span = max(1, self.anneal_epochs)
        before = self.anneal_func(max(0, min(1, (step - 1) / span)))
        now = self.anneal_func(max(0, min(1, step / span)))
        groups = self.optimizer.param_groups
        starts = [self._start_lr(group["lr"], group["swa_lr"], before) for group in groups]
        return [group["swa_lr"] * now + start * (1 - now) for group, start in zip(groups, starts)]
