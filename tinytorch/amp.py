"""Mixed precision: `autocast` runs matmuls in float16, `GradScaler` keeps small gradients alive.

What it does: inside `with tinytorch.amp.autocast("cuda"):` (also spelled
`tinytorch.autocast(...)` and `tinytorch.cuda.amp.autocast()`), `matmul`,
`linear` and `conv2d` cast their floating inputs to the autocast dtype,
compute, and cast the result back to the inputs' dtype; every other op
runs as usual. The casts are differentiable, so gradients reach float32
parameters in float32. `GradScaler` multiplies the loss by a scale factor
before backward (so float16 gradients do not underflow), divides the
gradients by it before the optimizer step, skips the step when any
gradient is inf or nan, and adapts the scale (halve after an overflow,
double after `growth_interval` clean steps).

Which dtype: float16 on cuda (the default there) and wherever it is asked
for explicitly; the cpu default is bfloat16, which no backend here has, so
autocast on cpu without `dtype=float16` is a documented float32 fallback:
it changes nothing.

Assumes: results come back in the inputs' dtype (float32), so the rest of
the model needs no autocast rules of its own; memory is not saved, only
the matmul precision (and speed on GPUs) changes.
Production does instead: PyTorch's autocast keeps float16 outputs flowing
through a list of "lower precision" ops and casts up to float32 only for
ops on its "float32" list (softmax, losses, norms), saving memory and
bandwidth; its GradScaler checks for inf/nan with fused device kernels.
"""

from __future__ import annotations

import functools
import math
import warnings

from . import autocast_state, dtypes
from .autograd import no_grad

__all__ = ["autocast", "GradScaler", "is_autocast_available"]

_DEFAULT_DTYPE = {"cuda": "float16", "cpu": "bfloat16"}


def is_autocast_available(device_type: str) -> bool:
    return device_type in ("cpu", "cuda", "strict")


class autocast:  # noqa: N801 - mirrors torch.autocast
    """Run matmul, linear and conv2d in a lower precision inside the block (see the module doc)."""

    def __init__(self, device_type: str = "cuda", dtype=None, enabled: bool = True,
                 cache_enabled=None):
        self.device_type = str(device_type).partition(":")[0]
        wanted = dtype if dtype is not None else _DEFAULT_DTYPE.get(self.device_type, "float16")
        self.fast_dtype = wanted
        try:
            lowering = dtypes.canonical_dtype(wanted)
        except TypeError:  # bfloat16: no backend has it, so stay in float32 (documented)
            lowering = None
        if lowering is not None and lowering not in dtypes.FLOATS:
            raise ValueError(f"autocast dtype must be a floating dtype such as float16, got "
                             f"{lowering}")
        self._lowering = lowering if enabled and lowering != "float32" else None
        self._previous = []

    def __enter__(self):
        table = autocast_state.state.dtypes
        self._previous.append(table.get(self.device_type))
        table[self.device_type] = self._lowering
        autocast_state.active[0] += 1
        return self

    def __exit__(self, *exc):
        autocast_state.state.dtypes[self.device_type] = self._previous.pop()
        autocast_state.active[0] -= 1
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with autocast(self.device_type, self.fast_dtype, self._lowering is not None):
                return func(*args, **kwargs)
        return wrapper


class GradScaler:
    """Scale the loss up before backward, unscale the gradients, skip steps that overflowed.

        scaler = tinytorch.amp.GradScaler("cuda")
        with tinytorch.autocast("cuda"):
            loss = loss_fn(model(x), y)
        scaler.scale(loss).backward()
        scaler.step(optimizer)      # unscales, then steps unless a gradient is inf/nan
        scaler.update()             # halve the scale after an overflow, grow it slowly otherwise
    """

    def __init__(self, device: str = "cuda", init_scale: float = 2.0 ** 16,
                 growth_factor: float = 2.0, backoff_factor: float = 0.5,
                 growth_interval: int = 2000, enabled: bool = True):
        self.device = str(device).partition(":")[0]
        if enabled and self.device == "cuda":
            from . import cuda
            if not cuda.is_available():
                warnings.warn("GradScaler is enabled, but CUDA is not available. Disabling "
                              "(pass device='cpu' to scale on the cpu).", stacklevel=2)
                enabled = False
        if not growth_factor > 1 or not 0 < backoff_factor < 1:
            raise ValueError(f"GradScaler needs growth_factor > 1 and 0 < backoff_factor < 1, "
                             f"got {growth_factor} and {backoff_factor}")
        self._enabled, self._scale = bool(enabled), float(init_scale)
        self._growth_factor, self._backoff_factor = float(growth_factor), float(backoff_factor)
        self._growth_interval, self._growth_tracker = int(growth_interval), 0
        self._found_inf = {}  # id(optimizer) -> True/False, set by unscale_ for this step

    def is_enabled(self) -> bool:
        return self._enabled

    def get_scale(self) -> float:
        return self._scale if self._enabled else 1.0

    def scale(self, outputs):
        """`outputs` (a tensor, or a list/tuple of them) times the current scale."""
        if not self._enabled:
            return outputs
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        return outputs * self._scale

    def unscale_(self, optimizer) -> None:
        """Divide optimizer's gradients by the scale (in place) and note whether any is inf/nan."""
        if not self._enabled:
            return
        if id(optimizer) in self._found_inf:
            raise RuntimeError("unscale_() has already been called on this optimizer since the "
                               "last update(). Call it once per step, before step().")
        found = False
        inverse = 1.0 / self._scale
        with no_grad():
            for group in optimizer.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    p.grad.mul_(inverse)
                    total = float(p.grad.double().sum().item()) if p.grad.numel() else 0.0
                    found = found or not math.isfinite(total)
        self._found_inf[id(optimizer)] = found

    def step(self, optimizer, *args, **kwargs):
        """Unscale if not done yet, then `optimizer.step()` unless a gradient was inf or nan."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if id(optimizer) not in self._found_inf:
            self.unscale_(optimizer)
        if self._found_inf[id(optimizer)]:
            return None  # skipped: this step's gradients overflowed at this scale
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None) -> None:
        """Adapt the scale after a step: back off after an overflow, grow after a clean streak."""
        if not self._enabled:
            return
        if new_scale is not None:
            self._scale = float(new_scale)
        elif any(self._found_inf.values()):
            self._scale *= self._backoff_factor
            self._growth_tracker = 0
        else:
            self._growth_tracker += 1
            if self._growth_tracker == self._growth_interval:
                self._scale *= self._growth_factor
                self._growth_tracker = 0
        self._found_inf = {}

    def state_dict(self) -> dict:
        if not self._enabled:
            return {}
        return {"scale": self._scale, "growth_factor": self._growth_factor,
                "backoff_factor": self._backoff_factor, "growth_interval": self._growth_interval,
                "_growth_tracker": self._growth_tracker}

    def load_state_dict(self, state: dict) -> None:
        self._scale = float(state["scale"])
        self._growth_factor = float(state["growth_factor"])
        self._backoff_factor = float(state["backoff_factor"])
        self._growth_interval = int(state["growth_interval"])
        self._growth_tracker = int(state["_growth_tracker"])
