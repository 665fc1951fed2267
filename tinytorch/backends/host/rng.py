"""Random numbers, drawn on the host with NumPy's PCG64 and copied to the device.

Assumes: one seed gives the same values on every device, because every draw happens here.
Production does instead: PyTorch has one generator per device and draws on the GPU itself
(Philox), so CPU and CUDA draws differ for the same seed.
"""

from __future__ import annotations

import json

import numpy as np

_generators: dict[str, np.random.Generator] = {}
_seed = None
_type_seeds: dict[str, int] = {}  # seeds given to one device type (tinytorch.cuda.manual_seed)


def manual_seed(seed: int) -> None:
    global _seed
    _seed = int(seed)
    _generators.clear()
    _type_seeds.clear()


def seed_device_type(device_type: str, seed: int) -> None:
    """Restart the streams of every device of one type (e.g. "cuda") from `seed`."""
    _type_seeds[device_type] = int(seed)
    for name in [d for d in _generators if d.partition(":")[0] == device_type]:
        del _generators[name]


def generator(device: str) -> np.random.Generator:
    """One generator per device, each restarted from the same seed by `manual_seed`."""
    gen = _generators.get(device)
    if gen is None:
        gen = np.random.default_rng(_type_seeds.get(device.partition(":")[0], initial_seed()))
        _generators[device] = gen
    return gen


def uniform(stream: np.random.Generator, shape):
    return stream.random(shape)


def normal(stream: np.random.Generator, shape):
    return stream.standard_normal(shape)


def integers(stream: np.random.Generator, low, high, shape):
    return stream.integers(low, high, size=shape)


def categorical(gen: np.random.Generator, probs, num_samples: int, replacement: bool):
    """`num_samples` category indices per row of `probs` (rows of non-negative weights)."""
    probs = np.asarray(probs, dtype=np.float64)
    rows = probs / probs.sum(axis=-1, keepdims=True)
    if replacement:  # inverse CDF: one uniform draw per sample
        cdf = np.cumsum(rows, axis=-1)
        u = gen.random((rows.shape[0], num_samples)) * cdf[:, -1:]
        picks = [np.searchsorted(c, v, side="right") for c, v in zip(cdf, u)]
        return np.minimum(np.stack(picks), rows.shape[-1] - 1)
    # Without replacement: the k largest keys u ** (1 / p) are a weighted sample
    # (Efraimidis and Spirakis); log(u) / p orders the same way.
    with np.errstate(divide="ignore"):
        keys = np.log(gen.random(rows.shape)) / rows
    return np.argsort(-keys, axis=-1, kind="stable")[:, :num_samples]


def new_generator(seed: int) -> np.random.Generator:
    """A random stream of its own, apart from `manual_seed`'s (a DataLoader's `seed`)."""
    return np.random.default_rng(seed)


def permutation_from(gen: np.random.Generator, n: int) -> list[int]:
    """A shuffled list of range(n), drawn from a generator made by `new_generator`."""
    return gen.permutation(n).tolist()


def integers_from(gen: np.random.Generator, high: int, count: int) -> list[int]:
    """`count` integers drawn uniformly from [0, high)."""
    return gen.integers(0, high, size=count).tolist()


def fresh_seed() -> int:
    """A seed from the operating system's entropy (for unseeded generators)."""
    return int(np.random.SeedSequence().entropy % (1 << 63))


def stream_for(gen, device: str) -> np.random.Generator:
    """The NumPy stream behind a tinytorch Generator (`generator=`), or the device's global one.

    Every sampling function turns its `generator=` into a stream here, so a wrong argument
    fails the same way everywhere."""
    if gen is None:
        return generator(device)
    stream = getattr(gen, "_stream", None)
    if not isinstance(stream, np.random.Generator):
        raise TypeError(f"generator= must be a tinytorch.Generator (e.g. "
                        f"tinytorch.Generator().manual_seed(0)) or None, got "
                        f"{type(gen).__name__}")
    return stream


def stream_state(stream: np.random.Generator) -> bytes:
    """One stream's PCG64 state as JSON bytes, for `set_stream_state`."""
    return json.dumps(stream.bit_generator.state).encode()


def set_stream_state(stream: np.random.Generator, data: bytes) -> None:
    """Restore a state from `stream_state`: the stream repeats the draws that followed it."""
    try:
        stream.bit_generator.state = json.loads(bytes(data).decode())
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RuntimeError(f"Generator.set_state: not a state from Generator.get_state() "
                           f"({type(exc).__name__})") from None


def initial_seed() -> int:
    """The seed the streams started from: manual_seed's, or one drawn once from entropy."""
    global _seed
    if _seed is None:  # unseeded: pick one now, so that it can be reported and reused
        _seed = fresh_seed()
    return _seed


def get_state() -> bytes:
    """Everything the global streams depend on, as bytes (JSON: the seeds, and each started
    device stream's PCG64 state), for `set_state` to restore."""
    state = {"seed": initial_seed(), "type_seeds": _type_seeds,
             "streams": {name: gen.bit_generator.state for name, gen in _generators.items()}}
    return json.dumps(state).encode()


def set_state(data: bytes) -> None:
    """Restore what `get_state` returned: later draws repeat the ones that followed it."""
    global _seed
    try:
        state = json.loads(bytes(data).decode())
        streams = {}
        for name, saved in state["streams"].items():
            gen = np.random.default_rng()
            gen.bit_generator.state = saved
            streams[str(name)] = gen
        seed, type_seeds = int(state["seed"]), {str(k): int(v) for k, v in
                                                state["type_seeds"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RuntimeError(f"set_rng_state: not a state from tinytorch.get_rng_state() "
                           f"({type(exc).__name__})") from None
    _seed = seed
    _type_seeds.clear()
    _type_seeds.update(type_seeds)
    _generators.clear()
    _generators.update(streams)
