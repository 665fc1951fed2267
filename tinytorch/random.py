"""`tinytorch.random`: PyTorch's `torch.random` module, the global random state in one place.

What it does: `manual_seed`, `seed`, `initial_seed`, `get_rng_state`,
`set_rng_state` and `default_generator` (the same objects as at the top
level), and `fork_rng()`, a `with` block whose draws leave the global
streams as they were before it, so code inside can sample freely without
changing what the rest of the program draws.

Assumes: the global state covers every device at once (backends/host/rng.py),
so fork_rng saves and restores all of them whatever `devices` says.
Production does instead: torch.random.fork_rng saves the CPU state and the
state of each listed CUDA device, and warns when many devices are present.
"""

from __future__ import annotations

import contextlib

from .generator import default_generator, manual_seed
from .toplevel import get_rng_state, initial_seed, seed, set_rng_state

__all__ = ["manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state",
           "default_generator", "fork_rng"]


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, device_type="cuda"):
    """Restore the global random state on leaving the block (enabled=False: do nothing).
    `devices` and `device_type` are accepted for PyTorch's signature; every device is saved."""
    if not enabled:
        yield
        return
    saved = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(saved)
