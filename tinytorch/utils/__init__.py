"""`tinytorch.utils`: PyTorch's `torch.utils` names, so `torch.utils.data.DataLoader` and
`torch.utils.checkpoint.checkpoint` code runs.

Assumes: only `utils.data` (which is `tinytorch.data` itself) and `utils.checkpoint` (which
runs the function without saving memory, see checkpoint.py) are needed.
Production does instead: torch.utils also holds tensorboard, benchmarking and C++ extension
helpers.
"""

from . import checkpoint, data

__all__ = ["checkpoint", "data"]
