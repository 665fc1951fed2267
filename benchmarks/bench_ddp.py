"""One DDP training step on 2 ranks against one process on the same total batch, side by side.

For an MLP (default 256-1024-1024-10, 1.3 M parameters, 5 MB of float32
gradients) and a total batch of 256, it times one step (forward, backward,
SGD step) of:
- one process on the whole batch (no communication);
- each of 2 ranks on half the batch, inside `no_sync()` (computation only);
- 2 ranks with DistributedDataParallel, buckets all-reduced during backward
  (overlap on) and after backward (overlap off);
and it times the bucketed all-reduce alone, to show what share of a step it is,
and how long the step still waits for communication after backward (exposed).

Run: python benchmarks/bench_ddp.py [--steps 30] [--hidden 1024] [--batch 256]
(it starts the 2-rank part itself with mpiexec). Every process is single-threaded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # before NumPy loads: on a small machine pools measure contention

from _timing import machine, optional_torch  # noqa: E402

import tinytorch as tt  # noqa: E402
from tinytorch import nn  # noqa: E402

HERE = Path(__file__).resolve().parent


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--hidden", type=int, default=1024)
    parser.add_argument("--batch", type=int, default=256, help="total batch, over all ranks")
    parser.add_argument("--bucket-mb", type=float, default=1.0)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def make_model(hidden: int) -> nn.Module:
    tt.manual_seed(0)
    return nn.Sequential(nn.Linear(256, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, 10))


def make_batch(n: int):
    tt.manual_seed(1)
    return tt.randn(n, 256), tt.randint(0, 10, (n,))


def median_ms(step, steps: int, before=None) -> float:
    times = []
    for i in range(steps + 3):
        if before:
            before()
        start = time.perf_counter()
        step()
        if i >= 3:  # the first steps warm caches and allocate momentum buffers
            times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def training_step(model, optimizer, x, y):
    loss_fn = nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
    return step


def single_process(args) -> float:
    model = make_model(args.hidden)
    x, y = make_batch(args.batch)
    return median_ms(training_step(model, tt.optim.SGD(model.parameters(), lr=0.01), x, y),
                     args.steps)


def torch_model_and_batch(torch, args, share=slice(None)):
    """PyTorch's copy of the model (same weights) and of the batch (or this rank's share)."""
    model = make_model(args.hidden)
    tnn = torch.nn
    twin = tnn.Sequential(tnn.Linear(256, args.hidden), tnn.ReLU(),
                          tnn.Linear(args.hidden, args.hidden), tnn.ReLU(),
                          tnn.Linear(args.hidden, 10))
    twin.load_state_dict({k: torch.from_numpy(v.numpy().copy())
                          for k, v in model.state_dict().items()})
    x, y = make_batch(args.batch)
    return twin, torch.from_numpy(x[share].numpy().copy()), torch.from_numpy(y[share].numpy())


def torch_step(torch, model, x, y):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step():
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
    return step


def torch_single_process(args):
    torch = optional_torch()
    if torch is None:
        return None
    model, x, y = torch_model_and_batch(torch, args)
    return median_ms(torch_step(torch, model, x, y), args.steps)


def torch_ranks(args, rank, world, control):
    """PyTorch DDP (gloo) on the same ranks: its step and its compute-only (no_sync) step."""
    torch = optional_torch()
    if torch is None:
        return {}
    import socket

    import torch.distributed as tdist
    port = None
    if rank == 0:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    port = control.broadcast_object(port, src=0)
    tdist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                             world_size=world)
    share = slice(rank * args.batch // world, (rank + 1) * args.batch // world)
    model, x, y = torch_model_and_batch(torch, args, share)
    ddp = torch.nn.parallel.DistributedDataParallel(model, bucket_cap_mb=args.bucket_mb)
    step = torch_step(torch, ddp, x, y)
    found = {"torch_ddp": median_ms(step, args.steps, before=tdist.barrier)}
    with ddp.no_sync():
        found["torch_compute"] = median_ms(step, args.steps, before=tdist.barrier)
    tdist.destroy_process_group()
    return found


def worker(args) -> None:
    import tinytorch.distributed as dist
    from tinytorch.nn.parallel import DistributedDataParallel
    dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    x, y = make_batch(args.batch)
    share = slice(rank * args.batch // world, (rank + 1) * args.batch // world)
    x, y = x[share], y[share]
    results = {}
    for overlap in (True, False):
        ddp = DistributedDataParallel(make_model(args.hidden), bucket_cap_mb=args.bucket_mb,
                                      overlap=overlap)
        exposed = []
        finish = ddp._finish

        def timed_finish(finish=finish, exposed=exposed):
            start = time.perf_counter()
            finish()
            exposed.append(time.perf_counter() - start)
        ddp._finish = timed_finish
        step = training_step(ddp, tt.optim.SGD(ddp.parameters(), lr=0.01), x, y)
        key = "on" if overlap else "off"
        results[f"ddp_{key}"] = median_ms(step, args.steps, before=dist.barrier)
        results[f"exposed_{key}"] = statistics.median(exposed[3:]) * 1e3
        results["buckets"] = ddp.bucket_count
        with ddp.no_sync():
            results["compute"] = median_ms(step, args.steps, before=dist.barrier)
    flats = [tt.cat([p.grad.reshape(-1) for p in bucket.params]) for bucket in ddp._buckets]

    transport = ddp._transport

    def all_reduce_alone():  # what DDP does for its buckets, without the computation around it
        for pending in [transport.all_reduce(f._data, "avg", f.device.backend, "cpu")
                        for f in flats]:
            pending.wait()
    results["all_reduce"] = median_ms(all_reduce_alone, args.steps, before=dist.barrier)
    one = tt.ones(1)
    checked = median_ms(lambda: dist.all_reduce(one), 200, before=dist.barrier)
    unchecked = median_ms(lambda: transport.all_reduce(one._data, "sum", one.device.backend,
                                                       "cpu").wait(), 200, before=dist.barrier)
    results["check_us"] = (checked - unchecked) * 1e3
    results["tiny_us"] = unchecked * 1e3
    results["parameters"] = sum(p.numel() for p in ddp.parameters())
    results.update(torch_ranks(args, rank, world, transport))
    if rank == 0:
        print("RESULTS " + json.dumps(results), flush=True)
    dist.destroy_process_group()


def main(argv=None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.worker:
        worker(args)
        return
    mpiexec = shutil.which("mpiexec") or str(Path(sys.executable).parent / "mpiexec")
    command = [mpiexec, "-n", "2", sys.executable, str(HERE / "bench_ddp.py"), "--worker",
               "--steps", str(args.steps), "--hidden", str(args.hidden), "--batch",
               str(args.batch), "--bucket-mb", str(args.bucket_mb)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))}
    job = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    line = next((ln for ln in job.stdout.splitlines() if ln.startswith("RESULTS ")), None)
    if line is None:
        sys.exit(f"the 2-rank run failed:\n{job.stdout}\n{job.stderr}")
    ranks = json.loads(line[len("RESULTS "):])
    one, torch_one = single_process(args), torch_single_process(args)
    print(f"{machine()}; MLP 256-{args.hidden}-{args.hidden}-10 ({ranks['parameters']:,} "
          f"parameters, {ranks['parameters'] * 4 / 2**20:.1f} MB of gradients, "
          f"{ranks['buckets']} buckets of <= {args.bucket_mb} MB); total batch {args.batch}; "
          f"median ms per step of {args.steps}; PyTorch DDP on gloo")
    rows = [
        ("1 process, whole batch", one, torch_one, ""),
        ("2 ranks, half batch each, no_sync (compute only)", ranks["compute"],
         ranks.get("torch_compute"), ""),
        ("2 ranks DDP, overlap on", ranks["ddp_on"], ranks.get("torch_ddp"),
         f"waits {ranks['exposed_on']:.2f} ms after backward"),
        ("2 ranks DDP, overlap off", ranks["ddp_off"], None,
         f"waits {ranks['exposed_off']:.2f} ms after backward"),
        ("all-reduce of every bucket, alone", ranks["all_reduce"], None,
         f"{ranks['all_reduce'] / ranks['ddp_on']:.0%} of a DDP step (overlap on)"),
    ]
    print(f"{'':50s} {'tinytorch':>9s} {'vs 1 proc':>9s} {'PyTorch':>8s} {'vs 1 proc':>9s}")
    for name, ms, torch_ms, note in rows:
        theirs = (f"{torch_ms:8.2f} {torch_ms / torch_one:8.2f}x" if torch_ms is not None
                  else f"{'':8s} {'':9s}")
        print(f"{name:50s} {ms:9.2f} {ms / one:8.2f}x {theirs}  {note}")
    print(f"a 1-element all_reduce takes {ranks['tiny_us']:.0f} us; the cross-rank agreement "
          f"check that tinytorch.distributed adds to every call costs {ranks['check_us']:.0f} us")


if __name__ == "__main__":
    main()
