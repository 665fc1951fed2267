"""The rank-side half of tests/test_distributed.py: run under `mpiexec -n 2`, record each check.

Every rank runs every check (collectives must be called by all ranks in the same order) and
writes {check name: "ok" or the error} as JSON to `<out_dir>/rank<r>.json`. A failing check is
recorded, not raised, so one wrong result does not hide the others; expected values are
written out from the ranks' inputs, never computed by tinytorch.distributed.
"""

from __future__ import annotations

import json
import sys
import traceback

import tinytorch as tt
import tinytorch.distributed as dist
from tinytorch import nn
from tinytorch.nn.parallel import DistributedDataParallel as DDP

DEVICES = ("cpu", "strict:0", "strict:1")
DTYPES = ("float32", "float64", "float16", "int64", "int32", "uint8", "bool")
CHECKS = {}       # run by `mpiexec -n 2 python _distributed_worker.py OUT`
NCCL_CHECKS = {}  # run on one GPU by `python _distributed_worker.py OUT nccl`


def check(name, registry=CHECKS):
    def register(fn):
        registry[name] = fn
        return fn
    return register


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def values(rank, dtype, device, base=(1, 2, 3)):
    """Rank r holds base * (r + 1); for bool, [r == 0, r == 1, False]."""
    if dtype == "bool":
        return tt.tensor([rank == 0, rank == 1, False], device=device)
    return tt.tensor([b * (rank + 1) for b in base], dtype=dtype, device=device)


def _collectives(device, dtype):
    rank, world = dist.get_rank(), dist.get_world_size()
    triangle = world * (world + 1) // 2
    is_bool = dtype == "bool"
    ops = {"sum": [True, True, False] if is_bool else [triangle * b for b in (1, 2, 3)],
           "max": [True, True, False] if is_bool else [world * b for b in (1, 2, 3)],
           "min": [False, False, False] if is_bool else [1, 2, 3]}
    if dtype.startswith("float"):
        ops["avg"] = [(world + 1) / 2 * b for b in (1, 2, 3)]
    for op, expected in ops.items():
        x = values(rank, dtype, device)
        before = x._data
        dist.all_reduce(x, op=op)
        expect(x.tolist() == expected, f"all_reduce {op}: {x.tolist()} != {expected}")
        expect(x.dtype == dtype and x.device == device, f"all_reduce {op} changed dtype/device")
        if device == "cpu":
            expect(x._data is before, "all_reduce on cpu did not write into the tensor's memory")

    x = values(rank, dtype, device)
    work = dist.all_reduce(x, op="sum", async_op=True)
    expect(isinstance(work, dist.Work), f"async_op=True returned {work!r}")
    work.wait()
    expect(x.tolist() == ops["sum"], f"async all_reduce: {x.tolist()}")

    x = values(rank, dtype, device)
    dist.broadcast(x, src=world - 1)
    expected = values(world - 1, dtype, "cpu").tolist()
    expect(x.tolist() == expected, f"broadcast: {x.tolist()} != {expected}")

    outputs = [tt.zeros(3, dtype=dtype, device=device) for _ in range(world)]
    dist.all_gather(outputs, values(rank, dtype, device))
    for i, out in enumerate(outputs):
        expect(out.tolist() == values(i, dtype, "cpu").tolist(),
               f"all_gather[{i}]: {out.tolist()}")

    if not is_bool:  # rank r sends (i + 1) * (r + 1) to rank i
        inputs = [tt.full((2,), (i + 1) * (rank + 1), dtype=dtype, device=device)
                  for i in range(world)]
        output = tt.zeros(2, dtype=dtype, device=device)
        dist.reduce_scatter(output, inputs, op="sum")
        expected = [(rank + 1) * triangle] * 2
        expect(output.tolist() == expected, f"reduce_scatter: {output.tolist()} != {expected}")


for _device in DEVICES:
    for _dtype in DTYPES:
        if _device.startswith("strict") and _dtype == "float16":
            continue  # array-api-strict has no float16
        check(f"collectives-{_device}-{_dtype}")(
            lambda device=_device, dtype=_dtype: _collectives(device, dtype))


for _dtype in DTYPES:
    check(f"nccl-collectives-cuda-{_dtype}", NCCL_CHECKS)(
        lambda dtype=_dtype: _collectives("cuda:0", dtype))


@check("mismatched-shapes-raise-on-every-rank")
def _():
    rank = dist.get_rank()
    x = tt.ones(3 + rank)
    try:
        dist.all_reduce(x)
    except RuntimeError as exc:
        text = str(exc)
        expect("rank 0: all_reduce of float32 (3,)" in text and
               "rank 1: all_reduce of float32 (4,)" in text, f"unclear message: {text}")
    else:
        raise AssertionError("all_reduce of shapes (3,) and (4,) did not raise")
    y = tt.ones(2, dtype="float32" if rank == 0 else "float64")
    try:
        dist.broadcast(y, src=0)
    except RuntimeError as exc:
        expect("float64" in str(exc) and "float32" in str(exc), str(exc))
    else:
        raise AssertionError("broadcast of float32 vs float64 did not raise")


@check("mixed-devices-and-bad-arguments-raise")
def _():
    outputs = [tt.zeros(3, device="strict:1") for _ in range(dist.get_world_size())]
    for call, error in ((lambda: dist.all_gather(outputs, tt.ones(3)), RuntimeError),
                        (lambda: dist.all_reduce(tt.ones(3, dtype="int64"), op="avg"), TypeError),
                        (lambda: dist.broadcast(tt.ones(3), src=7), ValueError),
                        (lambda: dist.init_process_group("mpi"), RuntimeError)):
        try:
            call()
        except error:
            continue
        raise AssertionError(f"expected {error.__name__}")


def _mlp(device, dtype="float32"):
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(),
                         nn.Linear(16, 3)).to(device=device, dtype=dtype)


def _batch(device, dtype="float32"):
    tt.manual_seed(123)  # the same data on every rank
    x = tt.randn(8, 6, device=device).to(dtype)
    y = tt.randint(0, 3, (8,), device=device)
    return x, y


def _ddp_matches_one_process(device, overlap, dtype="float32"):
    rank, world = dist.get_rank(), dist.get_world_size()
    tt.manual_seed(0)
    reference = _mlp(device, dtype)
    tt.manual_seed(0 if rank == 0 else 100 + rank)  # DDP must copy rank 0's weights to all
    model = _mlp(device, dtype)
    ddp = DDP(model, bucket_cap_mb=0.0005, overlap=overlap)  # ~500 bytes: several buckets
    expect(ddp.bucket_count >= 3, f"expected several buckets, got {ddp.bucket_count}")
    present_at_launch = []
    transport, original = ddp._transport, ddp._transport.all_reduce

    def recording(*args):
        present_at_launch.append(sum(p.grad is not None for p in model.parameters()))
        return original(*args)
    transport.all_reduce = recording
    loss_fn = nn.CrossEntropyLoss()
    ref_opt = tt.optim.SGD(reference.parameters(), lr=0.1, momentum=0.9)
    opt = tt.optim.SGD(ddp.parameters(), lr=0.1, momentum=0.9)
    x, y = _batch(device, dtype)
    share = slice(rank * 8 // world, (rank + 1) * 8 // world)
    try:
        for _ in range(4):
            ref_opt.zero_grad()
            loss_fn(reference(x), y).backward()
            ref_opt.step()
            opt.zero_grad()
            loss_fn(ddp(x[share]), y[share]).backward()
            opt.step()
    finally:
        del transport.all_reduce
    tolerance = {"float32": 2e-5, "float64": 1e-12}[dtype]
    for (name, p), q in zip(model.named_parameters(), reference.parameters()):
        error = (p - q).abs().max().item()
        expect(error <= tolerance, f"{name} differs from one process by {error}")
    count = len(model.state_dict())  # 6 tensors; all present only when the last bucket starts
    if overlap:
        expect(min(present_at_launch) < count,
               f"overlap: every bucket started only after backward: {present_at_launch}")
    else:
        expect(min(present_at_launch) == count, f"overlap off started early: {present_at_launch}")


check("ddp-matches-one-process-cpu-overlap")(lambda: _ddp_matches_one_process("cpu", True))
check("ddp-matches-one-process-cpu-no-overlap")(lambda: _ddp_matches_one_process("cpu", False))
check("ddp-matches-one-process-float64")(
    lambda: _ddp_matches_one_process("cpu", True, "float64"))
check("ddp-matches-one-process-strict1")(lambda: _ddp_matches_one_process("strict:1", True))
check("nccl-ddp-matches-one-process-cuda", NCCL_CHECKS)(
    lambda: _ddp_matches_one_process("cuda:0", True))


@check("ddp-no-sync-accumulates-then-averages")
def _():
    rank, world = dist.get_rank(), dist.get_world_size()
    tt.manual_seed(0)
    reference = _mlp("cpu")
    tt.manual_seed(0)
    model = DDP(_mlp("cpu"))
    x, y = _batch("cpu")
    loss_fn = nn.CrossEntropyLoss()
    halves = (slice(0, 4), slice(4, 8))  # two micro-batches; each rank takes half of each
    for half in halves:
        loss_fn(reference(x[half]), y[half]).backward()
    for step, half in enumerate(halves):
        rows = x[half][rank * 4 // world:(rank + 1) * 4 // world]
        labels = y[half][rank * 4 // world:(rank + 1) * 4 // world]
        if step == 0:
            with model.no_sync():
                loss_fn(model(rows), labels).backward()
            mine = model.module[0].bias.grad.clone()
            gathered = [tt.zeros_like(mine) for _ in range(world)]
            dist.all_gather(gathered, mine)
            expect((gathered[0] - gathered[1]).abs().max().item() > 1e-6,
                   "no_sync: gradients were averaged anyway")
        else:
            loss_fn(model(rows), labels).backward()
    for p, q in zip(model.parameters(), reference.parameters()):
        error = (p.grad - q.grad).abs().max().item()
        expect(error <= 2e-5, f"accumulated gradient differs by {error}")


@check("ddp-state-dict-loads-into-a-plain-module")
def _():
    model = DDP(_mlp("cpu"))
    expect(all(k.startswith("module.") for k in model.state_dict()), "keys lack 'module.'")
    plain = _mlp("cpu")
    plain.load_state_dict(model.module.state_dict())
    x, _ = _batch("cpu")
    expect(plain(x).tolist() == model(x).tolist(), "plain module gives other outputs")


@check("ddp-unused-parameters")
def _():
    class TwoHeads(nn.Module):
        def __init__(self):
            super().__init__()
            self.used, self.unused = nn.Linear(6, 3), nn.Linear(6, 3)

        def forward(self, x):
            return self.used(x)
    x, y = _batch("cpu")
    strict = DDP(TwoHeads())
    nn.CrossEntropyLoss()(strict(x), y).backward()
    try:
        strict(x)
    except RuntimeError as exc:
        expect("find_unused_parameters=True" in str(exc) and "unused.weight" in str(exc),
               str(exc))
    else:
        raise AssertionError("a parameter without gradient went unnoticed")
    tolerant = DDP(TwoHeads(), find_unused_parameters=True)
    for _ in range(2):
        nn.CrossEntropyLoss()(tolerant(x), y).backward()
    expect(tolerant.module.used.weight.grad is not None, "used parameter got no gradient")


@check("distributed-sampler-shares-are-disjoint")
def _():
    rank, world = dist.get_rank(), dist.get_world_size()
    sampler = tt.data.DistributedSampler(range(11), seed=3)
    expect((sampler.rank, sampler.num_replicas) == (rank, world), repr(sampler))
    sampler.set_epoch(1)
    mine = tt.tensor(list(sampler))
    gathered = [tt.zeros_like(mine) for _ in range(world)]
    dist.all_gather(gathered, mine)
    every = sorted(sum((g.tolist() for g in gathered), []))
    expect(len(every) == 12 and set(every) == set(range(11)), f"shares: {every}")


def main(out_dir: str, backend: str = "mpi") -> None:
    dist.init_process_group(backend)
    rank = dist.get_rank()
    results = {}
    for name, fn in (NCCL_CHECKS if backend == "nccl" else CHECKS).items():
        try:
            fn()
            results[name] = "ok"
        except Exception:  # noqa: BLE001 - recorded for the test to report
            results[name] = traceback.format_exc(limit=4)
    with open(f"{out_dir}/rank{rank}.json", "w") as f:
        json.dump(results, f)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main(*sys.argv[1:])
