"""MPI transport for tinytorch.distributed: collectives on host copies of any backend's arrays.

What it does: wraps one MPI communicator (a duplicate of MPI.COMM_WORLD, so
user code on COMM_WORLD never interleaves with ours) and runs the
collectives tinytorch.distributed needs, non-blocking: each call starts an
MPI request and returns a `Pending` whose `wait()` finishes it and returns
the result as an array of the caller's backend. A cpu (NumPy) array that is
contiguous and writable is reduced in place in its own memory; any other
array (strict, cuda, a non-contiguous view) goes through a host copy and
comes back through the backend's `from_host`.

Assumes:
- mpi4py and an MPI library (the `mpich` wheel) are installed; importing
  this module initialises MPI (`MPI_Init_thread`), once per process.
- Every dtype travels as its NumPy buffer format, which mpi4py maps to an
  MPI datatype (MPICH also reduces float16). Booleans reduce with logical
  or (sum, max) and logical and (min, product), as MPI has no sum of bools.
- Nothing overlaps in the background unless MPI is called: `progress()`
  lets the caller poke outstanding requests between pieces of work.

Production does instead: PyTorch's c10d has one C++ ProcessGroup per
backend (Gloo over TCP, NCCL on GPUs, MPI), runs collectives on dedicated
threads or CUDA streams so they truly proceed while Python computes, and
registers GPU memory with CUDA-aware MPI instead of copying through the host.
"""

from __future__ import annotations

import numpy as np
from mpi4py import MPI

_OPS = {"sum": MPI.SUM, "avg": MPI.SUM, "max": MPI.MAX, "min": MPI.MIN, "product": MPI.PROD}
_BOOL_OPS = {"sum": MPI.LOR, "avg": MPI.LOR, "max": MPI.LOR, "min": MPI.LAND,
             "product": MPI.LAND}


class Pending:
    """A started collective: `wait()` blocks until it is done and returns its result."""

    def __init__(self, requests, finish):
        self._requests, self._finish = requests, finish

    def is_completed(self) -> bool:
        return MPI.Request.Testall(self._requests)

    def wait(self):
        MPI.Request.Waitall(self._requests)
        return self._finish()


def _mpi_op(op: str, host):
    return (_BOOL_OPS if host.dtype == np.bool_ else _OPS)[op]


def _host_buffer(backend, array):
    """(host buffer, whether it is `array`'s own memory): reduce into it, then give it back."""
    if isinstance(array, np.ndarray) and array.flags.c_contiguous and array.flags.writeable:
        return array, True
    return np.array(backend.to_host(array), order="C", copy=True), False


def _to_backend(backend, native, host, like=None):
    """`host`'s values as a backend array, written into `like` when that is host memory."""
    if like is not None and isinstance(like, np.ndarray) and like.flags.writeable \
            and like.shape == host.shape and like.dtype == host.dtype:
        np.copyto(like, host)
        return like
    return backend.from_host(host, native)


class MPITransport:
    """Collectives over MPI; arrays of any backend, always through host memory."""

    name = "mpi"

    def __init__(self):
        self.comm = MPI.COMM_WORLD.Dup()
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        node = self.comm.Split_type(MPI.COMM_TYPE_SHARED)
        self.local_rank = node.Get_rank()
        node.Free()

    def all_reduce(self, array, op: str, backend, native) -> Pending:
        host, own = _host_buffer(backend, array)
        request = self.comm.Iallreduce(MPI.IN_PLACE, host, op=_mpi_op(op, host))

        def finish():
            if op == "avg" and host.dtype != np.bool_:
                np.divide(host, self.size, out=host, casting="unsafe")
            return array if own else backend.from_host(host, native)
        return Pending([request], finish)

    def broadcast(self, array, src: int, backend, native) -> Pending:
        host, own = _host_buffer(backend, array)
        request = self.comm.Ibcast(host, root=src)
        return Pending([request], lambda: array if own else backend.from_host(host, native))

    def all_gather(self, outputs, array, backend, native) -> Pending:
        """`outputs[i]` gets rank i's `array`; returns the list of result arrays."""
        send, _ = _host_buffer(backend, array)
        gathered = np.empty((self.size, *send.shape), dtype=send.dtype)
        request = self.comm.Iallgather(send, gathered)
        return Pending([request], lambda: [_to_backend(backend, native, gathered[i], out)
                                           for i, out in enumerate(outputs)])

    def reduce_scatter(self, output, inputs, op: str, backend, native) -> Pending:
        """Rank i gets the reduction over ranks of `inputs[i]`."""
        send = np.stack([_host_buffer(backend, a)[0] for a in inputs])
        received = np.empty(send.shape[1:], dtype=send.dtype)
        request = self.comm.Ireduce_scatter_block(send, received, op=_mpi_op(op, send))

        def finish():
            if op == "avg" and received.dtype != np.bool_:
                np.divide(received, self.size, out=received, casting="unsafe")
            return _to_backend(backend, native, received, output)
        return Pending([request], finish)

    def barrier(self) -> None:
        self.comm.Barrier()

    def all_gather_ints(self, values: list[int]) -> list[list[int]]:
        """Every rank's list of small ints (equal lengths): the cheap metadata exchange."""
        mine = np.asarray(values, dtype=np.int64)
        every = np.empty((self.size, mine.size), dtype=np.int64)
        self.comm.Allgather(mine, every)
        return every.tolist()

    def broadcast_object(self, obj, src: int = 0):
        return self.comm.bcast(obj, root=src)

    def progress(self) -> None:
        """Let MPI move outstanding non-blocking requests along (MPI progresses only in calls)."""
        MPI.Request.Testall([])
        self.comm.Iprobe()

    def abort(self, code: int = 1) -> None:
        MPI.COMM_WORLD.Abort(code)

    def close(self) -> None:
        self.comm.Free()
