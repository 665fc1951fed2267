"""`tinytorch.utils`: PyTorch's `torch.utils` names, so `torch.utils.data.DataLoader` code runs.

Assumes: only `utils.data` is needed; it is `tinytorch.data` itself.
Production does instead: torch.utils also holds checkpointing, tensorboard,
benchmarking and C++ extension helpers.
"""

from . import data

__all__ = ["data"]
