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

DEVICES = ("cpu", "strict:0", "strict:1")
DTYPES = ("float32", "float64", "float16", "int64", "int32", "uint8", "bool")
CHECKS = {}


def check(name):
    def register(fn):
        CHECKS[name] = fn
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


def main(out_dir: str) -> None:
    dist.init_process_group("mpi")
    rank = dist.get_rank()
    results = {}
    for name, fn in CHECKS.items():
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
    main(sys.argv[1])
