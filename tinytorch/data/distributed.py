"""DistributedSampler: each rank of a data-parallel job reads its own share of the dataset.

What it does: every epoch, all ranks compute the same order of the
dataset's indices (shuffled from `seed + epoch` when `shuffle=True`, so call
`set_epoch(epoch)` before each epoch to get a new order), make its length a
multiple of the number of ranks (by repeating indices from the start, or
by dropping the tail with `drop_last=True`), and rank r takes every
num_replicas-th index starting at r. The shares are disjoint and equally
long, so every rank runs the same number of steps.

    sampler = DistributedSampler(dataset, num_replicas=2, rank=0, seed=0)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        for i in sampler: ...            # or DataLoader(dataset, sampler=sampler, ...)

Assumes: `num_replicas` and `rank` default to the process group's; the
permutation comes from NumPy's generator, so it differs from PyTorch's for
the same seed (the partitioning rules are PyTorch's).
Production does instead: torch.utils.data.distributed.DistributedSampler
is the same idea; large jobs shard files rather than indices (WebDataset,
streaming datasets), so no rank has to see the whole index list.
"""

from __future__ import annotations

from ..backends import host

__all__ = ["DistributedSampler"]


class DistributedSampler:
    """Indices of `dataset` for one rank: disjoint, equal-length shares, reshuffled per epoch."""

    def __init__(self, dataset, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False):
        if num_replicas is None or rank is None:
            from .. import distributed as dist
            if not dist.is_initialized():
                raise RuntimeError("DistributedSampler needs num_replicas and rank, or an "
                                   "initialized process group (init_process_group) to ask.")
            num_replicas = dist.get_world_size() if num_replicas is None else num_replicas
            rank = dist.get_rank() if rank is None else rank
        if int(num_replicas) < 1:
            raise ValueError(f"num_replicas must be at least 1, got {num_replicas}")
        if not 0 <= int(rank) < int(num_replicas):
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval "
                             f"[0, {int(num_replicas) - 1}]")
        self.dataset, self.num_replicas, self.rank = dataset, int(num_replicas), int(rank)
        self.shuffle, self.seed, self.drop_last = bool(shuffle), int(seed), bool(drop_last)
        self.epoch = 0
        n = len(dataset)
        if self.drop_last:
            self.num_samples = n // self.num_replicas
        else:
            self.num_samples = -(-n // self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas

    def set_epoch(self, epoch: int) -> None:
        """Make the next pass use the order of `epoch` (the same on every rank)."""
        self.epoch = int(epoch)

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            order = host.permutation_from(host.new_generator(self.seed + self.epoch), n)
        else:
            order = list(range(n))
        if self.drop_last:
            order = order[:self.total_size]
        else:
            while len(order) < self.total_size:  # repeat from the start, as often as needed
                order += order[:self.total_size - len(order)]
        return iter(order[self.rank:self.total_size:self.num_replicas])

    def __len__(self) -> int:
        return self.num_samples

    def __repr__(self) -> str:
        return (f"DistributedSampler(rank {self.rank} of {self.num_replicas}, "
                f"{self.num_samples} samples, shuffle={self.shuffle}, seed={self.seed}, "
                f"drop_last={self.drop_last})")
