"""`tinytorch.accelerator`: PyTorch's device-agnostic questions ("is there a GPU? which?").

Assumes: the only accelerator tinytorch can drive is "cuda" (CuPy); answers
come from CuPy and are False/None/0 on a machine without it, never an error.
Production does instead: torch.accelerator covers CUDA, ROCm, MPS, XPU
and other backends through one interface, with streams and memory stats.
"""

from __future__ import annotations

from . import cuda

__all__ = ["is_available", "current_accelerator", "device_count", "current_device_index",
           "set_device_index", "synchronize"]


def is_available() -> bool:
    return cuda.is_available()


def current_accelerator(check_available: bool = False):
    """The accelerator's device type ("cuda") as a device, or None when there is none."""
    from .device import device
    return device("cuda") if cuda.is_available() else None


def device_count() -> int:
    return cuda.device_count()


def current_device_index() -> int:
    return cuda.current_device()


def set_device_index(index: int) -> None:
    cuda.set_device(index)


def synchronize(device=None) -> None:
    cuda.synchronize(device)
