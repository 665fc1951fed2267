"""`tinytorch.cuda`: ask whether a GPU is usable, without raising.

Assumes: the "cuda" device type is CuPy (see backends/cuda.py).
Production does instead: torch.cuda talks to the CUDA runtime directly and
also manages streams, events, memory statistics and the caching allocator.
"""

from . import backends

__all__ = ["is_available", "device_count"]


def device_count() -> int:
    """How many GPUs CuPy can see (0 when CuPy, the driver or a GPU is missing)."""
    return backends.get("cuda").device_count()


def is_available() -> bool:
    return device_count() > 0
