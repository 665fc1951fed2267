"""`tinytorch.cuda`: ask whether a GPU is usable, without raising, and PyTorch's cuda helpers.

Every answer is truthful on every machine: without CuPy or a GPU,
`is_available()` is False and `device_count()` 0. `manual_seed_all(s)`
restarts the random streams of the cuda devices only (tinytorch.manual_seed
restarts every device's). `tinytorch.cuda.amp` is `tinytorch.amp` (PyTorch's older
spelling; tinytorch/__init__.py attaches it, since amp lives in a layer above this one).

Assumes: the "cuda" device type is CuPy (see backends/cuda.py); one GPU is
used per process in practice.
Production does instead: torch.cuda talks to the CUDA runtime directly and
also manages streams, events, memory statistics and the caching allocator.
"""

from . import backends

__all__ = ["is_available", "device_count", "manual_seed", "manual_seed_all", "current_device",
           "set_device", "synchronize", "get_device_name", "is_bf16_supported", "empty_cache"]


def device_count() -> int:
    """How many GPUs CuPy can see (0 when CuPy, the driver or a GPU is missing)."""
    return backends.get("cuda").device_count()


def is_available() -> bool:
    return device_count() > 0


def manual_seed(seed: int) -> None:
    """Restart the random streams of the cuda devices from `seed` (a no-op without a GPU)."""
    from .backends import host
    host.seed_device_type("cuda", seed)


manual_seed_all = manual_seed  # tinytorch seeds every cuda device the same way anyway


def _gpu():
    from .backends import cuda
    return cuda


def _require_gpu(what: str) -> None:
    if not is_available():
        raise RuntimeError(f"torch.cuda.{what}() needs a GPU, and none is available here "
                           f"(tinytorch.cuda.is_available() is False). Guard the call with "
                           f"`if tinytorch.cuda.is_available():`.")


def current_device() -> int:
    _require_gpu("current_device")
    return _gpu().current_device()


def set_device(index) -> None:
    _require_gpu("set_device")
    _gpu().set_device(int(str(index).rpartition(":")[2] or 0))


def synchronize(device=None) -> None:
    """Wait for the GPU's queued work to finish (nothing to wait for without a GPU)."""
    if is_available():
        _gpu().synchronize()


def get_device_name(device=None) -> str:
    _require_gpu("get_device_name")
    index = 0 if device is None else int(str(device).rpartition(":")[2] or 0)
    return _gpu().device_name(index)


def is_bf16_supported() -> bool:
    return False  # no backend here has a bfloat16 dtype


def empty_cache() -> None:
    """Return CuPy's cached, unused GPU memory to the driver."""
    if is_available():
        _gpu().free_cached_memory()

