"""NCCL transport for tinytorch.distributed: collectives on cuda arrays, GPU to GPU, via CuPy.

UNTESTED: this module was written on a machine without a GPU. It follows
CuPy's documented `cupy.cuda.nccl.NcclCommunicator` API, but no line of it
has run yet; `tests/test_distributed.py` has a cuda test that runs where a
GPU is visible and is skipped (with that reason) everywhere else.

What it does: one NCCL communicator per process, built from a unique id
that rank 0 makes and the other ranks receive through MPI (so a job of
more than one process is started by `mpiexec`; a single process needs no
MPI). Each collective is queued on CuPy's current stream, reading and
writing the arrays' own GPU memory (no host copies); `Pending.wait()`
synchronises that stream.

Assumes:
- One GPU per process (cuda:LOCAL_RANK), CuPy built with NCCL.
- NCCL's dtypes: int8, uint8, int32, uint32, int64, uint64, float16,
  float32 and float64; bool travels as uint8 (max for or, min for and);
  int16 and uint16 have no NCCL type and are refused.

Production does instead: PyTorch's ProcessGroupNCCL runs collectives on
its own CUDA streams with events ordering them against compute streams,
watches for hangs with a watchdog thread, and exchanges the unique id
through a TCP key-value store rather than MPI.
"""

from __future__ import annotations

import cupy
from cupy.cuda import nccl

_DTYPES = {"int8": nccl.NCCL_INT8, "uint8": nccl.NCCL_UINT8, "int32": nccl.NCCL_INT32,
           "uint32": nccl.NCCL_UINT32, "int64": nccl.NCCL_INT64, "uint64": nccl.NCCL_UINT64,
           "float16": nccl.NCCL_FLOAT16, "float32": nccl.NCCL_FLOAT32,
           "float64": nccl.NCCL_FLOAT64, "bool": nccl.NCCL_UINT8}
_OPS = {"sum": nccl.NCCL_SUM, "avg": nccl.NCCL_SUM, "max": nccl.NCCL_MAX,
        "min": nccl.NCCL_MIN, "product": nccl.NCCL_PROD}
_BOOL_OPS = {"sum": nccl.NCCL_MAX, "avg": nccl.NCCL_MAX, "max": nccl.NCCL_MAX,
             "min": nccl.NCCL_MIN, "product": nccl.NCCL_MIN}


class Pending:
    def __init__(self, stream, finish):
        self._stream, self._finish = stream, finish

    def is_completed(self) -> bool:
        return self._stream.done

    def wait(self):
        self._stream.synchronize()
        return self._finish()


def _nccl_dtype(array):
    name = "bool" if array.dtype == cupy.bool_ else array.dtype.name
    found = _DTYPES.get(name)
    if found is None:
        raise TypeError(f"NCCL has no {name} type; cast the tensor (e.g. to int32) before the "
                        f"collective, or use backend='mpi'.")
    return found


def _contiguous(array):
    return array if array.flags.c_contiguous else cupy.ascontiguousarray(array)


class NCCLTransport:
    """Collectives over NCCL on cuda arrays; `control` (an MPITransport or None) shares the id."""

    name = "nccl"

    def __init__(self, rank: int, size: int, control=None):
        if size > 1 and control is None:
            raise RuntimeError(f"backend='nccl' with world size {size} needs mpiexec (and "
                               f"mpi4py) to hand out NCCL's unique id; start the job with "
                               f"`mpiexec -n {size} python train.py`.")
        unique_id = nccl.get_unique_id() if rank == 0 else None
        if control is not None:
            unique_id = control.broadcast_object(unique_id, src=0)
        self.rank, self.size = rank, size
        self.comm = nccl.NcclCommunicator(size, unique_id, rank)

    def _op(self, op, array):
        return (_BOOL_OPS if array.dtype == cupy.bool_ else _OPS)[op]

    def all_reduce(self, array, op: str, backend, native) -> Pending:
        buffer = _contiguous(array)
        stream = cupy.cuda.get_current_stream()
        self.comm.allReduce(buffer.data.ptr, buffer.data.ptr, buffer.size, _nccl_dtype(buffer),
                            self._op(op, buffer), stream.ptr)

        def finish():
            if op == "avg" and buffer.dtype != cupy.bool_:
                buffer[...] = buffer / self.size
            return buffer
        return Pending(stream, finish)

    def broadcast(self, array, src: int, backend, native) -> Pending:
        buffer = _contiguous(array)
        stream = cupy.cuda.get_current_stream()
        self.comm.bcast(buffer.data.ptr, buffer.size, _nccl_dtype(buffer), src, stream.ptr)
        return Pending(stream, lambda: buffer)

    def all_gather(self, outputs, array, backend, native) -> Pending:
        send = _contiguous(array)
        gathered = cupy.empty((self.size, *send.shape), dtype=send.dtype)
        stream = cupy.cuda.get_current_stream()
        self.comm.allGather(send.data.ptr, gathered.data.ptr, send.size, _nccl_dtype(send),
                            stream.ptr)
        return Pending(stream, lambda: [gathered[i].copy() for i in range(self.size)])

    def reduce_scatter(self, output, inputs, op: str, backend, native) -> Pending:
        send = cupy.ascontiguousarray(cupy.stack(inputs))
        received = cupy.empty(send.shape[1:], dtype=send.dtype)
        stream = cupy.cuda.get_current_stream()
        self.comm.reduceScatter(send.data.ptr, received.data.ptr, received.size,
                                _nccl_dtype(send), self._op(op, send), stream.ptr)

        def finish():
            if op == "avg" and received.dtype != cupy.bool_:
                received[...] = received / self.size
            return received
        return Pending(stream, finish)

    def progress(self) -> None:
        """NCCL kernels run on the GPU by themselves; nothing to poke."""

    def close(self) -> None:
        self.comm.destroy()
