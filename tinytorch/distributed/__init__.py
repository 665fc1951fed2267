"""tinytorch.distributed: several processes train one model, talking through MPI (or NCCL).

    # train.py, started with: mpiexec -n 2 python train.py
    import tinytorch.distributed as dist
    dist.init_process_group("mpi")
    x = tinytorch.tensor([float(dist.get_rank())])
    dist.all_reduce(x)            # now x is 0 + 1 = 1 on both ranks

What it does: PyTorch's names and semantics for a process group
(`init_process_group`, `get_rank`, `get_world_size`, `barrier`,
`destroy_process_group`) and the collectives (`all_reduce`, `broadcast`,
`all_gather`, `reduce_scatter`), which update tensors in place on every
rank. `python -m tinytorch.distributed.run --nproc 4 train.py` starts a job
the way torchrun does (it calls `mpiexec`). `nn.parallel.DistributedDataParallel`
builds data-parallel training on top; docs/distributed.md explains it.

Assumes: the job is started by an MPI launcher (`mpiexec`), which decides
ranks and connects the processes; mpi4py and an MPI library are an optional
extra (`pip install "tinytorch[mpi]"`): `import tinytorch` works without them.
Production does instead: torch.distributed rendezvouses through a
key-value store (TCP, file or etcd) so that torchrun can restart failed
workers (elastic training), and its collectives run in C++ (Gloo, NCCL, MPI).
"""

from .collectives import (
    ReduceOp,
    Work,
    all_gather,
    all_reduce,
    barrier,
    broadcast,
    destroy_process_group,
    get_backend,
    get_rank,
    get_world_size,
    init_process_group,
    is_available,
    is_initialized,
    is_mpi_available,
    is_nccl_available,
    reduce_scatter,
)

__all__ = ["ReduceOp", "Work", "init_process_group", "destroy_process_group", "is_initialized",
           "is_available", "is_mpi_available", "is_nccl_available", "get_rank",
           "get_world_size", "get_backend", "barrier", "all_reduce", "broadcast", "all_gather",
           "reduce_scatter"]
