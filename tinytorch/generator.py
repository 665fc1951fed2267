"""`Generator`: a random stream of its own, for code that passes `generator=` (PyTorch's habit).

What it does: `tinytorch.Generator().manual_seed(42)` is a seeded stream
that every sampling function draws from instead of the global one when
passed as `generator=` (rand, randn, randint, randperm, normal, bernoulli,
multinomial, the in-place fills `uniform_`/`normal_`/..., nn.init, the
samplers, `random_split`, DataLoader), so a data split, a shuffle order or
a bigram model's samples stay the same however many other random numbers
the program draws. `default_generator` is the global stream in the same
clothes: `tinytorch.manual_seed(s)` returns it, as PyTorch's does.
`manual_seed` lives here too. The sampling functions (creation.py and up)
turn `generator=` into a host stream with `backends.host.stream_for`.

Assumes: every stream lives on the host (NumPy's PCG64, see
backends/host/rng.py) whatever the `device` argument says; draws are copied
to the device, so a seed gives the same values on every device. A state
from `get_state` is PCG64's, as JSON bytes in a uint8 tensor.
Production does instead: a torch.Generator is a per-device engine (CPU
Mersenne Twister, CUDA Philox) that draws where the tensor lives; a CUDA
generator refuses to fill a CPU tensor, and its state is the engine's raw
bytes.
"""

from __future__ import annotations

import operator

from .backends import host
from .creation import tensor

__all__ = ["Generator", "default_generator", "manual_seed"]


def checked_seed(seed, name: str = "manual_seed") -> int:
    """`seed` as PyTorch reads one: any integer in [-2**63, 2**64), negatives modulo 2**64."""
    if isinstance(seed, bool) or not hasattr(seed, "__index__"):
        raise TypeError(f"{name}() takes an int, got {type(seed).__name__} ({seed!r})")
    seed = operator.index(seed)
    if not -2**63 <= seed < 2**64:
        raise RuntimeError(f"Overflow when unpacking long: seed {seed} must be within "
                           f"[-2**63, 2**64).")
    return seed % 2**64


class Generator:
    def __init__(self, device="cpu"):
        self.device = device
        self._initial = host.fresh_seed()
        self._stream = host.new_generator(self._initial)

    def manual_seed(self, seed: int) -> Generator:
        """Restart this stream from `seed`; returns self, so `Generator().manual_seed(0)` works."""
        self._initial = checked_seed(seed, "Generator.manual_seed")
        self._stream = host.new_generator(self._initial)
        return self

    def initial_seed(self) -> int:
        return self._initial

    def seed(self) -> int:
        """Reseed from fresh entropy and return the new seed."""
        return self.manual_seed(host.fresh_seed()).initial_seed()

    def get_state(self):
        """This stream's state as a uint8 tensor; `set_state` of it repeats the draws after it."""
        return tensor(list(host.stream_state(self._stream)), dtype="uint8", device="cpu")

    def set_state(self, new_state) -> Generator:
        host.set_stream_state(self._stream, _state_bytes(new_state, "Generator.set_state"))
        return self

    def __repr__(self) -> str:
        return f"<tinytorch.Generator seed={self._initial}>"


class _DefaultGenerator(Generator):
    """The global streams (one per device, all restarted by tinytorch.manual_seed) as a
    Generator. As a `generator=` argument it draws from the cpu stream, like passing none on
    cpu; its manual_seed reseeds every device, as tinytorch.manual_seed does."""

    def __init__(self):
        self.device = "cpu"

    @property
    def _stream(self):
        return host.generator("cpu")

    def manual_seed(self, seed: int) -> Generator:
        host.manual_seed(checked_seed(seed))
        return self

    def initial_seed(self) -> int:
        return host.initial_seed()

    def get_state(self):
        return tensor(list(host.get_state()), dtype="uint8", device="cpu")

    def set_state(self, new_state) -> Generator:
        host.set_state(_state_bytes(new_state, "set_rng_state"))
        return self

    def __repr__(self) -> str:
        return f"<tinytorch.default_generator seed={host.initial_seed()}>"


default_generator = _DefaultGenerator()


def _state_bytes(state, name: str) -> bytes:
    dtype, ndim = getattr(state, "dtype", None), getattr(state, "ndim", None)
    if dtype != "uint8" or ndim != 1 or not hasattr(state, "tolist"):
        got = (f"a {dtype} tensor of {ndim} dimension(s)" if dtype is not None
               else type(state).__name__)
        raise TypeError(f"{name}() expects the 1-d uint8 tensor get_state() (or "
                        f"get_rng_state()) returned, got {got}")
    return bytes(state.tolist())


def manual_seed(seed: int) -> Generator:
    """Restart every device's random stream from `seed`; the same seed gives the same draws.

    As in PyTorch, any integer in [-2**63, 2**64) is a seed; negative ones count modulo 2**64.
    Returns `tinytorch.default_generator`, the global streams as a Generator.
    """
    return default_generator.manual_seed(seed)
