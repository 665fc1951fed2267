"""Random numbers, drawn on the host with NumPy's PCG64 and copied to the device.

Assumes: one seed gives the same values on every device, because every draw happens here.
Production does instead: PyTorch has one generator per device and draws on the GPU itself
(Philox), so CPU and CUDA draws differ for the same seed.
"""

from __future__ import annotations

import numpy as np

_generators: dict[str, np.random.Generator] = {}
_seed = None


def manual_seed(seed: int) -> None:
    global _seed
    _seed = int(seed)
    _generators.clear()


def generator(device: str) -> np.random.Generator:
    """One generator per device, each restarted from the same seed by `manual_seed`."""
    gen = _generators.get(device)
    if gen is None:
        gen = np.random.default_rng(_seed)
        _generators[device] = gen
    return gen


def uniform(device, shape):
    return generator(device).random(shape)


def normal(device, shape):
    return generator(device).standard_normal(shape)


def integers(device, low, high, shape):
    return generator(device).integers(low, high, size=shape)


def permutation(device, n):
    return generator(device).permutation(n)


def new_generator(seed: int) -> np.random.Generator:
    """A random stream of its own, apart from `manual_seed`'s (a DataLoader's `seed`)."""
    return np.random.default_rng(seed)


def permutation_from(gen: np.random.Generator, n: int) -> list[int]:
    """A shuffled list of range(n), drawn from a generator made by `new_generator`."""
    return gen.permutation(n).tolist()
