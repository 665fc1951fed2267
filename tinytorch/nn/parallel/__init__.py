"""tinytorch.nn.parallel: training one model on several processes (DistributedDataParallel).

Assumes: a process group from tinytorch.distributed.init_process_group.
Production does instead: torch.nn.parallel also has the single-process,
multi-GPU DataParallel (deprecated in favour of DDP) and scatter/gather helpers.
"""

from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
