"""DistributedDataParallel: every rank trains the same model on its own share of each batch.

What it does: at construction, copies rank 0's parameters and buffers to
every rank (so all replicas start equal) and groups the parameters into
buckets of about `bucket_cap_mb`, in reverse registration order (the order
backward produces their gradients). During backward, a hook on each
parameter fires when its `.grad` is complete; when every gradient of a
bucket is in, the bucket is flattened into one array and its all-reduce
(average over ranks) starts, non-blocking, while backward goes on with the
earlier layers. Buckets start in index order on every rank, so all ranks
issue the same collectives in the same order. When the last bucket has
started, DDP waits for all of them and writes the averaged gradients back
into each `.grad`. So after `loss.backward()` every rank holds the same
gradient, the one a single process would get on the whole batch, and the
same optimizer step keeps the replicas equal.

`no_sync()` skips the all-reduce for the backward passes of forwards run
inside it (gradient accumulation: the sum is reduced once, on the first
backward outside). `ddp.module` is the plain model: `ddp.module.state_dict()`
loads into a model that was never wrapped.

Assumes:
- Every rank runs the same forward graph, so each parameter's hook fires
  once per backward on every rank; a parameter that takes no part in the
  loss needs `find_unused_parameters=True` (DDP then walks the graph after
  forward and counts those parameters ready at once, with zero gradients).
- Averaging costs one division per bucket after the sum.
- Communication goes through the process group's transport: MPI copies
  through host memory (unless the arrays are NumPy arrays already), and
  MPI moves a started all-reduce along only inside MPI calls, so each
  gradient hook also polls the buckets in flight. `overlap=False` (a
  tinytorch switch, for measuring) starts every bucket after backward.

Production does instead: PyTorch's Reducer (C++) keeps gradients as views
into the flat buckets (`gradient_as_bucket_view`) to avoid the copies,
rebuilds buckets after the first iteration in the order gradients really
arrived, runs NCCL on its own CUDA stream, and offers communication hooks
(fp16/bf16 compression, PowerSGD); ZeRO and FSDP also shard the optimizer
state, gradients and parameters across ranks instead of replicating them.
"""

from __future__ import annotations

from contextlib import contextmanager

from ... import distributed as dist
from ...autograd import is_grad_enabled, no_grad
from ...distributed import collectives as _collectives
from ...tensor import Tensor
from ..module import Module

__all__ = ["DistributedDataParallel"]

_MB = 1024 * 1024


class _Bucket:
    def __init__(self, params):
        self.params = params
        self.ready = set()       # ids of parameters whose gradients are in
        self.pending = None      # the all-reduce in flight

    @property
    def device(self):
        return self.params[0].device


class DistributedDataParallel(Module):
    """Wrap `module` so that backward averages its gradients over all ranks."""

    def __init__(self, module: Module, device_ids=None, output_device=None, dim: int = 0,
                 broadcast_buffers: bool = True, process_group=None, bucket_cap_mb: float = 25.0,
                 find_unused_parameters: bool = False, gradient_as_bucket_view: bool = False,
                 static_graph: bool = False, *, overlap: bool = True):
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"DistributedDataParallel wraps an nn.Module, got "
                            f"{type(module).__name__}")
        if not dist.is_initialized():
            raise RuntimeError("DistributedDataParallel needs a process group: call "
                               "tinytorch.distributed.init_process_group('mpi') first.")
        if float(bucket_cap_mb) <= 0:
            raise ValueError(f"bucket_cap_mb must be positive, got {bucket_cap_mb}")
        self.module = module
        self.broadcast_buffers = bool(broadcast_buffers)
        self.find_unused_parameters = bool(find_unused_parameters)
        self.overlap = bool(overlap)
        self.world_size = dist.get_world_size(process_group)
        self._transport = _collectives._transport()
        self._params = [p for p in module.parameters() if p.requires_grad]
        devices = {p.device for p in self._params}
        if len(devices) > 1:
            raise RuntimeError(f"DistributedDataParallel expects the module on one device, "
                               f"found parameters on {', '.join(sorted(devices))}.")
        with no_grad():  # one agreement check per tensor: catches different models at once
            for tensor in [*self._params, *module.buffers()]:
                dist.broadcast(tensor, src=0)
        self._buckets = self._make_buckets(float(bucket_cap_mb) * _MB)
        self._bucket_of = {id(p): b for b in self._buckets for p in b.params}
        self._sync_enabled = True
        self._expect_sync = False
        self._next_launch = 0
        for param in self._params:
            param.register_post_accumulate_grad_hook(self._gradient_ready)

    def _make_buckets(self, cap_bytes: float) -> list[_Bucket]:
        """Consecutive parameters, last layer first, up to `cap_bytes` and one dtype per bucket."""
        buckets, current, size = [], [], 0
        for param in reversed(self._params):
            nbytes = param.numel() * _itemsize(param.dtype)
            if current and (size + nbytes > cap_bytes or param.dtype != current[0].dtype):
                buckets.append(_Bucket(current))
                current, size = [], 0
            current.append(param)
            size += nbytes
        if current:
            buckets.append(_Bucket(current))
        return buckets

    @property
    def bucket_count(self) -> int:
        return len(self._buckets)

    # ---- forward: start an iteration ------------------------------------------------------
    def forward(self, *inputs, **kwargs):
        if self._expect_sync and any(bucket.ready for bucket in self._buckets):
            missing = [n for n, p in self.module.named_parameters()
                       if p.requires_grad and id(p) not in self._bucket_of[id(p)].ready]
            raise RuntimeError(
                f"Expected to have finished reduction in the prior iteration before starting "
                f"a new one: these parameters got no gradient in the last backward: "
                f"{', '.join(missing[:8])}. If some parameters are not used in the loss, "
                f"pass find_unused_parameters=True to DistributedDataParallel.")
        for bucket in self._buckets:
            bucket.ready.clear()
            bucket.pending = None
        self._next_launch = 0
        if self.broadcast_buffers and self.world_size > 1:
            self._sync_buffers()
        output = self.module(*inputs, **kwargs)
        self._expect_sync = is_grad_enabled() and self._sync_enabled
        if self._expect_sync and self.find_unused_parameters:
            self._mark_unused(output)
        return output

    def _sync_buffers(self):
        for buffer in self.module.buffers():
            pending = self._transport.broadcast(buffer._data, 0, buffer.device.backend,
                                                buffer.device.native)
            buffer._data = pending.wait()

    def _mark_unused(self, output):
        """Count parameters that the output does not depend on as ready now."""
        reached, stack, seen = set(), [], set()
        for tensor in _tensors_in(output):
            if tensor.grad_fn is not None:
                stack.append(tensor.grad_fn)
            elif tensor.requires_grad:
                reached.add(id(tensor))
        while stack:
            fn = stack.pop()
            if fn in seen:
                continue
            seen.add(fn)
            for edge in fn.edges:
                if edge is None:
                    continue
                if isinstance(edge[0], Tensor):  # a leaf; anything else is a recorded op
                    reached.add(id(edge[0]))
                else:
                    stack.append(edge[0])
        for param in self._params:
            if id(param) not in reached:
                self._gradient_ready(param)

    @contextmanager
    def no_sync(self):
        """Backward passes of forwards run inside accumulate gradients locally, unreduced."""
        previous, self._sync_enabled = self._sync_enabled, False
        try:
            yield
        finally:
            self._sync_enabled = previous

    # ---- backward: the hooks ----------------------------------------------------------------
    def _gradient_ready(self, param: Tensor) -> None:
        if not self._expect_sync:
            return
        bucket = self._bucket_of[id(param)]
        if id(param) in bucket.ready:
            raise RuntimeError(
                "Expected to mark a variable ready only once: a parameter got a second "
                "gradient in one iteration (a second backward through the same forward?). "
                "Run the extra backward passes inside ddp.no_sync(), or run a forward first.")
        bucket.ready.add(id(param))
        for started in self._buckets[:self._next_launch]:
            if started.pending is not None:
                started.pending.is_completed()  # lets MPI move the transfer along
        if self.overlap:
            while self._next_launch < len(self._buckets) and self._is_full(self._next_launch):
                self._launch(self._buckets[self._next_launch])
        elif all(self._is_full(i) for i in range(len(self._buckets))):
            for bucket in self._buckets:
                self._launch(bucket)
        if self._next_launch == len(self._buckets):
            self._finish()

    def _is_full(self, index: int) -> bool:
        bucket = self._buckets[index]
        return len(bucket.ready) == len(bucket.params)

    def _launch(self, bucket: _Bucket) -> None:
        device = bucket.device
        xp = device.xp
        flat = xp.concat([xp.reshape(_grad_array(p), (-1,)) for p in bucket.params])
        bucket.pending = self._transport.all_reduce(flat, "avg", device.backend, device.native)
        self._next_launch += 1

    def _finish(self) -> None:
        """Wait for every bucket and put the averaged gradients back into `.grad`."""
        for bucket in self._buckets:
            flat = bucket.pending.wait()
            bucket.pending = None
            xp = bucket.device.xp
            offset = 0
            for param in bucket.params:
                n = param.numel()
                averaged = xp.reshape(flat[offset:offset + n], param._data.shape)
                offset += n
                if param.grad is None:
                    param.grad = Tensor._wrap(averaged, param.device)
                else:
                    param.grad._data = averaged
                    param.grad._version += 1
        self._expect_sync = False

    def extra_repr(self) -> str:
        return (f"world_size={self.world_size}, buckets={len(self._buckets)}, "
                f"overlap={self.overlap}")


def _itemsize(dtype: str) -> int:
    bits = "".join(c for c in dtype if c.isdigit())
    return int(bits) // 8 if bits else 1


def _grad_array(param: Tensor):
    if param.grad is not None:
        return param.grad._data
    xp = param.device.xp
    return xp.zeros(param._data.shape, dtype=param._data.dtype, device=param._data.device)


def _tensors_in(output):
    if isinstance(output, Tensor):
        yield output
    elif isinstance(output, (list, tuple)):
        for item in output:
            yield from _tensors_in(item)
    elif isinstance(output, dict):
        for item in output.values():
            yield from _tensors_in(item)
