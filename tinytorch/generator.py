"""`Generator`: a random stream of its own, for code that passes `generator=` (PyTorch's habit).

What it does: `tinytorch.Generator().manual_seed(42)` is a seeded stream
that samplers, `random_split`, `randperm` and `multinomial` draw from
instead of the global one, so a data split or shuffle order stays the same
however many other random numbers the program draws.

Assumes: the stream lives on the host (NumPy's PCG64, see backends/host.py)
whatever the `device` argument says; results are copied to the device.
Production does instead: a torch.Generator is a per-device engine (CPU
Mersenne Twister, CUDA Philox) whose state can be saved and restored.
"""

from __future__ import annotations

from .backends import host

__all__ = ["Generator"]


class Generator:
    def __init__(self, device="cpu"):
        self.device = device
        self._initial = host.fresh_seed()
        self._stream = host.new_generator(self._initial)

    def manual_seed(self, seed: int) -> Generator:
        """Restart this stream from `seed`; returns self, so `Generator().manual_seed(0)` works."""
        seed = int(seed)
        if seed < 0:
            raise RuntimeError(f"a seed must be a non-negative integer, got {seed}")
        self._initial = seed
        self._stream = host.new_generator(seed)
        return self

    def initial_seed(self) -> int:
        return self._initial

    def seed(self) -> int:
        """Reseed from fresh entropy and return the new seed."""
        return self.manual_seed(host.fresh_seed()).initial_seed()

    def _permutation(self, n: int) -> list[int]:
        return host.permutation_from(self._stream, n)

    def __repr__(self) -> str:
        return f"<tinytorch.Generator seed={self._initial}>"
