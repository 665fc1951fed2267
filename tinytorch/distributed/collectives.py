"""The process group and the collectives: all_reduce, broadcast, all_gather, reduce_scatter.

What it does: `init_process_group` joins this process to the job (rank and
world size come from MPI when launched with `mpiexec`), picks a transport
(MPI for tensors of any device, NCCL for cuda tensors) and installs an
exception hook so that a rank that fails takes the whole job down with a
message naming it, instead of leaving the others waiting in a collective.
Each collective checks its arguments on this rank, then checks with one
tiny all-gather that every rank called the same collective with the same
shape and dtype, then hands the arrays to the transport and writes the
result into the caller's tensors, in place, as PyTorch does.

Assumes:
- One default group (COMM_WORLD); `group=` arguments must be None.
- The agreement check costs one extra all-gather of 12 integers per call
  (a few microseconds between processes of one machine, a network round
  trip between machines). DDP calls the transport directly for its
  gradient buckets and checks parameter shapes once, when it is built.
- A tensor updated in place gets a new version (so a graph that saved it
  refuses to backward through stale values); on cpu the values are
  written into its own memory, elsewhere its buffer is replaced.

Production does instead: torch.distributed runs collectives in C++ on
background threads or CUDA streams, supports subgroups (`new_group`),
object collectives, point-to-point send/recv and a key-value store for
rendezvous, and checks shapes across ranks only under
`TORCH_DISTRIBUTED_DEBUG=DETAIL`; a watchdog times out hung collectives.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

from .. import dtypes as _dtypes
from ..tensor import Tensor

__all__ = ["ReduceOp", "Work", "init_process_group", "destroy_process_group", "is_initialized",
           "is_available", "is_mpi_available", "is_nccl_available", "get_rank",
           "get_world_size", "get_backend", "barrier", "all_reduce", "broadcast", "all_gather",
           "reduce_scatter"]

INSTALL_MPI = 'pip install "tinytorch[mpi]"   (that is: pip install mpi4py mpich)'


class ReduceOp:
    """How all_reduce and reduce_scatter combine the ranks' values (PyTorch's names)."""

    SUM = "sum"
    AVG = "avg"
    MAX = "max"
    MIN = "min"
    PRODUCT = "product"


_OPS = (ReduceOp.SUM, ReduceOp.AVG, ReduceOp.MAX, ReduceOp.MIN, ReduceOp.PRODUCT)
_KINDS = ("all_reduce", "broadcast", "all_gather", "reduce_scatter")
_SHOWN_DIMS = 8  # dimensions sent in the agreement check; more are folded into the last one


class _Group:
    def __init__(self, backend, transport, control, rank, size, local_rank):
        self.backend, self.transport, self.control = backend, transport, control
        self.rank, self.size, self.local_rank = rank, size, local_rank
        self.previous_excepthook = None


_group: _Group | None = None


def is_available() -> bool:
    return True


def is_mpi_available() -> bool:
    return importlib.util.find_spec("mpi4py") is not None


def is_nccl_available() -> bool:
    return importlib.util.find_spec("cupy") is not None


def _mpi_transport():
    try:
        module = importlib.import_module("tinytorch.backends.mpi")
    except ImportError as exc:
        raise RuntimeError(
            f"backend='mpi' needs mpi4py and an MPI library, which are not installed ({exc}). "
            f"Install them with: {INSTALL_MPI}; then start the job with `mpiexec -n 2 python "
            f"train.py`.") from exc
    return module.MPITransport()


def _env_int(name: str):
    value = os.environ.get(name)
    return None if value in (None, "") else int(value)


def init_process_group(backend: str | None = None, init_method=None, timeout=None,
                       world_size: int = -1, rank: int = -1, store=None, group_name: str = "",
                       device_id=None) -> None:
    """Join this process to the job: afterwards get_rank() and get_world_size() answer.

    `backend` is "mpi" (default; tensors on any device, through host memory) or "nccl"
    (cuda tensors, GPU to GPU). Rank and world size come from MPI when the job was started
    with `mpiexec` (or `python -m tinytorch.distributed.run`); `rank`/`world_size`
    arguments and the RANK/WORLD_SIZE environment variables, when given, must agree with
    them. `init_method`, `timeout`, `store` and `group_name` are accepted for PyTorch
    compatibility and ignored: MPI's launcher already did the rendezvous.
    """
    global _group
    if _group is not None:
        raise RuntimeError("trying to initialize the default process group twice! Call "
                           "destroy_process_group() first.")
    backend = (backend or "mpi").lower()
    if backend not in ("mpi", "nccl"):
        raise ValueError(f"unknown backend {backend!r}; tinytorch.distributed has 'mpi' (any "
                         f"device, through host memory) and 'nccl' (cuda tensors).")
    nccl = None
    if backend == "nccl":  # before MPI starts, so that a missing CuPy leaves nothing behind
        try:
            nccl = importlib.import_module("tinytorch.backends.nccl")
        except ImportError as exc:
            raise RuntimeError(f"backend='nccl' needs CuPy with NCCL ({exc}); install it with "
                               f'pip install "tinytorch[cuda]", or use backend="mpi".') from exc
    control = None
    if backend == "mpi" or is_mpi_available():
        control = _mpi_transport()
        found_rank, found_size, local_rank = control.rank, control.size, control.local_rank
    else:  # nccl without MPI: a single process, or whatever the environment says
        found_rank, found_size = _env_int("RANK") or 0, _env_int("WORLD_SIZE") or 1
        local_rank = _env_int("LOCAL_RANK") or 0
    for name, given, found in (("rank", rank, found_rank), ("world_size", world_size, found_size),
                               ("RANK", _env_int("RANK"), found_rank),
                               ("WORLD_SIZE", _env_int("WORLD_SIZE"), found_size)):
        if given is not None and given >= 0 and given != found:
            raise ValueError(
                f"{name}={given} disagrees with the launcher, which made this process rank "
                f"{found_rank} of {found_size}. Start the job with `mpiexec -n N` (or python -m "
                f"tinytorch.distributed.run --nproc N) and leave rank/world_size unset.")
    transport = control if nccl is None else nccl.NCCLTransport(found_rank, found_size, control)
    _group = _Group(backend, transport, control, found_rank, found_size, local_rank)
    for name, value in (("RANK", found_rank), ("WORLD_SIZE", found_size),
                        ("LOCAL_RANK", local_rank)):
        os.environ.setdefault(name, str(value))  # scripts written for torchrun read these
    if found_size > 1 and control is not None:
        _install_failure_hook(_group)


def _install_failure_hook(group: _Group) -> None:
    """An uncaught exception on any rank ends the whole job, naming the rank that failed."""
    previous = sys.excepthook

    def end_the_job(kind, value, traceback):
        sys.stderr.write(f"tinytorch.distributed: rank {group.rank} of {group.size} failed "
                         f"with {kind.__name__}: {value}\n")
        previous(kind, value, traceback)
        sys.stderr.write(f"tinytorch.distributed: aborting all {group.size} ranks because "
                         f"rank {group.rank} failed\n")
        sys.stderr.flush()
        sys.stdout.flush()
        group.control.abort(1)

    group.previous_excepthook = previous
    sys.excepthook = end_the_job


def destroy_process_group(group=None) -> None:
    """Leave the job: free the communicators and restore the exception hook."""
    global _group
    current = _require_group()
    if current.previous_excepthook is not None:
        sys.excepthook = current.previous_excepthook
    if current.transport is not current.control:
        current.transport.close()
    if current.control is not None:
        current.control.close()
    _group = None


def is_initialized() -> bool:
    return _group is not None


def _require_group(group=None) -> _Group:
    if group is not None:
        raise ValueError("tinytorch.distributed has only the default group; pass group=None.")
    if _group is None:
        raise ValueError("Default process group has not been initialized, please make sure to "
                         "call init_process_group.")
    return _group


def get_rank(group=None) -> int:
    return _require_group(group).rank


def get_world_size(group=None) -> int:
    return _require_group(group).size


def get_backend(group=None) -> str:
    return _require_group(group).backend


def barrier(group=None, async_op: bool = False, device_ids=None) -> None:
    current = _require_group(group)
    if current.control is not None:
        current.control.barrier()


class Work:
    """A collective started with `async_op=True`: `wait()` finishes it and fills the tensors."""

    def __init__(self, pending, store):
        self._pending, self._store, self._done = pending, store, False

    def is_completed(self) -> bool:
        return self._done or self._pending.is_completed()

    def wait(self, timeout=None) -> bool:
        if not self._done:
            self._store(self._pending.wait())
            self._done = True
        return True


def _finish(pending, store, async_op):
    work = Work(pending, store)
    if async_op:
        return work
    work.wait()
    return None


def _store_into(tensor: Tensor):
    def store(array):
        if array is not tensor._data:
            tensor._data = array
        tensor._version += 1
    return store


def _check_tensor(tensor, what: str) -> None:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{what} must be a tinytorch Tensor, got {type(tensor).__name__}")


def _check_same_device(kind: str, tensors) -> None:
    devices = {t.device for t in tensors}
    if len(devices) > 1:
        raise RuntimeError(f"{kind}: all tensors must be on one device, but found "
                           f"{', '.join(sorted(devices))}. Move them with .to(device) first.")


def _check_op(kind: str, op, dtype: str) -> str:
    if op not in _OPS:
        raise ValueError(f"{kind}: unknown op {op!r}; use ReduceOp.SUM, AVG, MAX, MIN or "
                         f"PRODUCT.")
    if op == ReduceOp.AVG and not (_dtypes.is_floating_point(dtype) or "complex" in dtype):
        raise TypeError(f"{kind}: ReduceOp.AVG needs a floating dtype, got {dtype}. Use "
                        f"ReduceOp.SUM and divide, or cast to float32 first.")
    if op in (ReduceOp.MAX, ReduceOp.MIN) and "complex" in dtype:
        raise TypeError(f"{kind}: complex numbers have no order, so ReduceOp.{op.upper()} is "
                        f"undefined for {dtype}; reduce the real and imaginary parts apart.")
    return op


def _check_transport_device(current: _Group, kind: str, tensor: Tensor) -> None:
    if current.backend == "nccl" and tensor.device.type != "cuda":
        raise RuntimeError(f"{kind}: backend 'nccl' works on cuda tensors only, got one on "
                           f"{tensor.device}. Move it with .to('cuda') or use backend='mpi'.")


def _describe(row) -> str:
    kind, dtype, ndim = _KINDS[row[0]], _dtypes.DTYPES[row[1]], row[2]
    dims = row[3:3 + min(ndim, _SHOWN_DIMS)]
    shape = "(" + ", ".join(map(str, dims)) + ("," if ndim == 1 else "") + ")"
    extra = row[-1]
    if extra < 0:
        return f"{kind} of {dtype} {shape}"
    return f"{kind} of {dtype} {shape}, " + (f"src={extra}" if kind == "broadcast"
                                              else f"op={_OPS[extra]}")


def _check_agreement(current: _Group, kind: str, tensor: Tensor, extra: int = -1) -> None:
    """Raise on every rank, instead of hanging, unless all ranks make the same call.

    One all-gather of 12 integers: the collective, the dtype, the shape and an `extra`
    (the source rank of a broadcast, the op of a reduction).
    """
    if current.size == 1 or current.control is None:
        return
    shape = list(tensor.shape)
    if len(shape) > _SHOWN_DIMS:
        tail = 1
        for n in shape[_SHOWN_DIMS - 1:]:
            tail *= n
        shape = shape[:_SHOWN_DIMS - 1] + [tail]
    row = [_KINDS.index(kind), _dtypes.DTYPES.index(tensor.dtype), tensor.ndim,
           *shape, *[-1] * (_SHOWN_DIMS - len(shape)), extra]
    rows = current.control.all_gather_ints(row)
    if any(other != row for other in rows):
        calls = "; ".join(f"rank {i}: {_describe(r)}" for i, r in enumerate(rows))
        raise RuntimeError(
            f"{kind} on rank {current.rank}: the ranks disagree ({calls}). Every rank must "
            f"call the same collectives in the same order, with tensors of the same shape and "
            f"dtype (and the same op or source rank).")


def _native(tensor: Tensor):
    return tensor.device.native


def all_reduce(tensor: Tensor, op=ReduceOp.SUM, group=None, async_op: bool = False):
    """Replace `tensor`, on every rank, with its reduction over ranks (sum, avg, max, min, ...)."""
    current = _require_group(group)
    _check_tensor(tensor, "all_reduce's tensor")
    _check_op("all_reduce", op, tensor.dtype)
    _check_transport_device(current, "all_reduce", tensor)
    _check_agreement(current, "all_reduce", tensor, _OPS.index(op))
    pending = current.transport.all_reduce(tensor._data, op, tensor.device.backend,
                                           _native(tensor))
    return _finish(pending, _store_into(tensor), async_op)


def broadcast(tensor: Tensor, src: int = 0, group=None, async_op: bool = False):
    """Copy rank `src`'s `tensor` into `tensor` on every other rank."""
    current = _require_group(group)
    _check_tensor(tensor, "broadcast's tensor")
    if not 0 <= int(src) < current.size:
        raise ValueError(f"broadcast: src={src} is not a rank; ranks are 0 to "
                         f"{current.size - 1}.")
    _check_transport_device(current, "broadcast", tensor)
    _check_agreement(current, "broadcast", tensor, int(src))
    pending = current.transport.broadcast(tensor._data, int(src), tensor.device.backend,
                                          _native(tensor))
    return _finish(pending, _store_into(tensor), async_op)


def _one_per_rank(current, op, list_name, role, tensors, like):
    """`tensors` as a list after checking it holds one tensor per rank, each shaped as `like`."""
    tensors = list(tensors)
    if len(tensors) != current.size:
        raise ValueError(f"{op}: {list_name} has {len(tensors)} tensors but the world size is "
                         f"{current.size}; pass one {role} tensor per rank.")
    for t in tensors:
        _check_tensor(t, f"each of {op}'s {role}s")
        if t.shape != like.shape or t.dtype != like.dtype:
            raise ValueError(f"{op}: every {role} must match {like.dtype} {like.shape}, got "
                             f"{t.dtype} {t.shape}.")
    return tensors


def all_gather(tensor_list: list, tensor: Tensor, group=None, async_op: bool = False):
    """Fill `tensor_list[i]`, on every rank, with rank i's `tensor`."""
    current = _require_group(group)
    _check_tensor(tensor, "all_gather's tensor")
    outputs = _one_per_rank(current, "all_gather", "tensor_list", "output", tensor_list, tensor)
    _check_same_device("all_gather", [tensor, *outputs])
    _check_transport_device(current, "all_gather", tensor)
    _check_agreement(current, "all_gather", tensor)
    pending = current.transport.all_gather([t._data for t in outputs], tensor._data,
                                           tensor.device.backend, _native(tensor))

    def store(arrays):
        for out, array in zip(outputs, arrays):
            _store_into(out)(array)
    return _finish(pending, store, async_op)


def reduce_scatter(output: Tensor, input_list: list, op=ReduceOp.SUM, group=None,
                   async_op: bool = False):
    """Rank i's `output` becomes the reduction over ranks of their `input_list[i]`."""
    current = _require_group(group)
    _check_tensor(output, "reduce_scatter's output")
    inputs = _one_per_rank(current, "reduce_scatter", "input_list", "input", input_list, output)
    _check_op("reduce_scatter", op, output.dtype)
    _check_same_device("reduce_scatter", [output, *inputs])
    _check_transport_device(current, "reduce_scatter", output)
    _check_agreement(current, "reduce_scatter", output, _OPS.index(op))
    pending = current.transport.reduce_scatter(output._data, [t._data for t in inputs], op,
                                               output.device.backend, _native(output))
    return _finish(pending, _store_into(output), async_op)


def _transport():
    """The running group's transport (for DDP, which manages its own buckets)."""
    return _require_group().transport
