"""Milestone 6 (2017-2020): the digits CNN trained data-parallel, each rank on a share of a batch.

Goyal et al. trained ImageNet in an hour by splitting each batch over 256
GPUs and averaging gradients; PyTorch's DistributedDataParallel (Li et al.,
2020) made that the everyday way to train on several devices. Here the CNN
of milestone 4 trains on 2 (or N) processes: each holds a full copy of the
model, reads its own half of every batch of 64 (DistributedSampler), and
after each backward the gradients are averaged over the processes
(all-reduce), so every copy takes the same step a single process would take
on the whole batch. It should reach milestone 4's 97% test accuracy.

Run:
    mpiexec -n 2 python examples/milestones/06_ddp_digits.py [--epochs 15] [--seed 0]
    python -m tinytorch.distributed.run --nproc 2 examples/milestones/06_ddp_digits.py
"""

from __future__ import annotations

import importlib
import sys

from _common import parse_args, progress, save_curves

import tinytorch as tt
import tinytorch.distributed as dist
from tinytorch import nn
from tinytorch.data import DataLoader, DistributedSampler, TensorDataset
from tinytorch.nn.parallel import DistributedDataParallel

mlp = importlib.import_module("03_mlp_digits")
cnn = importlib.import_module("04_cnn_digits")

BATCH = 64  # the total batch, as in milestone 4; each of N ranks takes BATCH // N of it


def sharded_accuracy(model, images, labels, rank: int, world: int) -> float:
    """Each rank scores every world-th test image; one all-reduce adds up the counts."""
    mine = slice(rank, None, world)
    model.eval()
    with tt.no_grad():
        correct = (model(images[mine]).argmax(dim=1) == labels[mine]).sum().float()
    model.train()
    counts = tt.stack([correct, tt.tensor(float(labels[mine].shape[0]))])
    dist.all_reduce(counts)
    return (counts[0] / counts[1]).item()


def main(argv=None) -> dict:
    args = parse_args(argv, "the digits CNN, data-parallel over the ranks of an MPI job "
                      "(start it with mpiexec -n 2)", epochs=15,
                      epoch_means="one pass over the 1,438 training digits, each batch of 64 "
                                  "split over the ranks")
    started_here = not dist.is_initialized()
    if started_here:
        dist.init_process_group("mpi")
    rank, world = dist.get_rank(), dist.get_world_size()
    if BATCH % world:
        raise ValueError(f"a batch of {BATCH} does not split evenly over {world} ranks; use "
                         f"1, 2, 4, 8, ... ranks.")
    args.quiet = args.quiet or rank != 0  # one progress bar, rank 0's
    with tt.device(args.device):
        (train_x, train_y), (test_x, test_y) = mlp.digits_split(args.device)
        model = DistributedDataParallel(cnn.make_cnn())  # rank 0's weights for every rank
        optimizer = tt.optim.Adam(model.parameters(), lr=3e-3)
        loss_fn = nn.CrossEntropyLoss()
        sampler = DistributedSampler(TensorDataset(train_x, train_y), seed=args.seed)
        losses, scores = [], []
        steps_per_epoch = -(-len(sampler) // (BATCH // world))
        with progress(args.epochs * steps_per_epoch, args, unit="batch") as bar:
            for epoch in range(1, args.epochs + 1):
                sampler.set_epoch(epoch)  # a new shuffle each epoch, the same on every rank
                mine = tt.tensor(list(sampler))
                loader = DataLoader(TensorDataset(train_x[mine], train_y[mine]),
                                    batch_size=BATCH // world)
                for inputs, targets in loader:
                    loss = loss_fn(model(inputs), targets)
                    optimizer.zero_grad()
                    loss.backward()  # averages the gradients over the ranks before returning
                    optimizer.step()
                    losses.append(loss.item())
                    bar.set_postfix(epoch=epoch, loss=f"{losses[-1]:.3f}", refresh=False)
                    bar.update(1)
                scores.append((len(losses),
                               sharded_accuracy(model, test_x, test_y, rank, world)))
                bar.set_postfix(epoch=epoch, loss=f"{losses[-1]:.3f}",
                                test_acc=f"{scores[-1][1]:.1%}")
    curve = tt.tensor(losses)  # each rank's losses on its shares; averaged: the batch losses
    dist.all_reduce(curve, op=dist.ReduceOp.AVG)
    test_accuracy = scores[-1][1] if scores else sharded_accuracy(model, test_x, test_y, rank,
                                                                  world)
    if rank == 0:
        ranks = f"{world} rank" + "s" * (world > 1)
        print(f"CNN test accuracy on {ranks}: {test_accuracy:.1%} (target >= 97%, the "
              f"single-process milestone's)")
        save_curves(args, "06_ddp_digits", f"CNN on digits, {world} ranks",
                    {"cross-entropy (mean over ranks)": curve.tolist()}, {"test": scores})
    if started_here:
        dist.destroy_process_group()
    return {"accuracy": test_accuracy, "losses": curve.tolist(), "world_size": world,
            "rank": rank, "state_dict": model.module.state_dict()}


if __name__ == "__main__":
    main(sys.argv[1:])
