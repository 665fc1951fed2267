"""DataLoader: iterate over a dataset in batches, optionally shuffled, reproducibly.

What it does: each pass (`for batch in loader`) visits every sample once,
in order or in a fresh random order (`shuffle=True`), `batch_size`
samples at a time; the last, smaller batch is dropped with
`drop_last=True`. A batch is `collate_fn(list_of_samples)`, by default
`default_collate`, which stacks tensors and keeps tuples and dicts.

The shuffled order comes from tinytorch's random stream, so
`tinytorch.manual_seed(s)` before creating the loader's passes makes them
repeat; `seed=s` gives the loader a stream of its own instead (the same
seed gives the same sequence of epochs, whatever else draws random numbers).

For a TensorDataset with the default collate, a batch is taken from each
tensor with one indexing op (`take` of the batch's row numbers) instead of
indexing row by row and stacking, which is much faster. The batch is a
copy either way, so changing it in place never changes the dataset.

PyTorch's arguments work as in PyTorch: `sampler=` or `batch_sampler=`
replace the order and grouping (see sampler.py), `generator=` gives the
shuffle a stream of its own, `batch_size=None` yields single samples, and
`num_workers=n` loads batches in n worker processes (see worker.py), each
seeded from the loader's stream and set up by `worker_init_fn`.

Assumes: map-style datasets; `pin_memory` is accepted and does nothing
(tensors on cpu are already where they are used; a cuda copy is made when
the batch is moved); workers are started fresh for each pass, so
`persistent_workers` only changes nothing but speed.
Production does instead: PyTorch's DataLoader also reads IterableDatasets,
pins host memory in a background thread for asynchronous GPU copies, and
keeps persistent workers alive between epochs.
"""

from __future__ import annotations

from ..backends import host
from ..creation import arange, as_tensor
from ..ops import take
from .collate import default_collate
from .dataset import TensorDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler
from .worker import WorkerPool

__all__ = ["DataLoader"]


class DataLoader:
    def __init__(self, dataset, batch_size: int | None = 1, shuffle: bool | None = None,
                 sampler=None, batch_sampler=None, num_workers: int = 0, collate_fn=None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True, seed: int | None = None):
        if batch_size is not None and (isinstance(batch_size, bool) or int(batch_size) < 1):
            raise ValueError(f"batch_size should be a positive integer, got {batch_size}")
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError(f"num_workers option should be a non-negative integer, got "
                             f"{num_workers!r}; use num_workers=0 to load in this process")
        if timeout < 0:
            raise ValueError(f"timeout option should be non-negative, got {timeout}")
        if prefetch_factor is not None and num_workers == 0:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             " Let num_workers > 0 to enable multiprocessing, or drop "
                             "prefetch_factor.")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle: the sampler "
                             "decides the order. Drop shuffle=True, or use a RandomSampler.")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None
                                          or drop_last):
            raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                             "shuffle, sampler, and drop_last: the batch sampler decides all four")
        if seed is not None:  # tinytorch's older spelling of generator=Generator().manual_seed(s)
            from ..generator import Generator
            generator = Generator().manual_seed(seed)
        self.dataset, self.num_workers, self.generator = dataset, num_workers, generator
        self.collate_fn, self.pin_memory, self.timeout = collate_fn, bool(pin_memory), timeout
        self.worker_init_fn, self.multiprocessing_context = worker_init_fn, multiprocessing_context
        self.prefetch_factor = 2 if prefetch_factor is None else int(prefetch_factor)
        self.persistent_workers = persistent_workers
        self._own_sampler = sampler is None and batch_sampler is None
        if sampler is None:
            sampler = (RandomSampler(dataset, generator=generator) if shuffle
                       else SequentialSampler(dataset))
        self.batch_size = None  # as in PyTorch: None when batch_sampler is given
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, int(batch_size), drop_last)
            self.batch_size = int(batch_size)
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self.shuffle, self.drop_last = bool(shuffle), bool(drop_last)

    def __len__(self) -> int:
        """The number of batches in one pass (of samples, with batch_size=None)."""
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)

    def _fetcher(self):
        batched = self.batch_sampler is not None
        fast = (batched and self.collate_fn is None and isinstance(self.dataset, TensorDataset))
        return _Fetch(self.dataset, self.collate_fn or default_collate, batched, fast)

    def __iter__(self):
        if self.num_workers > 0:
            yield from self._worker_batches()
            return
        fetch = self._fetcher()
        if fetch.fast and self._own_sampler:
            yield from self._tensor_batches()
            return
        for indices in (self.batch_sampler if fetch.batched else self.sampler):
            yield fetch(indices)

    def _tensor_batches(self):
        """Default batching of a TensorDataset: one index tensor per pass, one `take` per batch."""
        order = None if isinstance(self.sampler, SequentialSampler) else list(self.sampler)
        n = len(self.dataset) if order is None else len(order)
        tensors = self.dataset.tensors
        rows = {}  # the pass's row order as an index tensor, one per device
        for t in tensors:
            if t.device not in rows:
                rows[t.device] = (arange(n, device=t.device) if order is None
                                  else as_tensor(order, dtype="int64", device=t.device))
        size = self.batch_sampler.batch_size
        for start in range(0, n, size):
            stop = min(start + size, n)
            if self.drop_last and stop - start < size:
                return
            yield tuple(take(t, rows[t.device][start:stop], axis=0) for t in tensors)

    def _worker_batches(self):
        tasks = iter(self.batch_sampler if self.batch_sampler is not None else self.sampler)
        # One draw from the loader's stream per pass, as PyTorch does, so manual_seed (or the
        # generator) makes worker seeds, and so any randomness in workers, repeat.
        stream = host.stream_for(self.generator, "cpu")
        base_seed = host.integers_from(stream, 1 << 62, 1)[0]
        pool = WorkerPool(self._fetcher(), self.num_workers, base_seed, self.worker_init_fn,
                          self.multiprocessing_context, self.timeout)
        try:
            sent = received = 0
            arrived = {}
            for indices in tasks:  # fill the pipeline
                pool.send(sent, indices)
                sent += 1
                if sent == self.prefetch_factor * self.num_workers:
                    break
            while received < sent:
                while received not in arrived:
                    number, batch = pool.receive()
                    arrived[number] = batch
                batch = arrived.pop(received)
                received += 1
                indices = next(tasks, None)
                if indices is not None:
                    pool.send(sent, indices)
                    sent += 1
                yield batch
        finally:
            pool.shutdown()

    def __repr__(self) -> str:
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)} samples, "
                f"batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"drop_last={self.drop_last}, num_workers={self.num_workers})")


class _Fetch:
    """Turns indices into a batch (or one index into a sample); picklable, for workers."""

    def __init__(self, dataset, collate, batched: bool, fast: bool):
        self.dataset, self.collate, self.batched, self.fast = dataset, collate, batched, fast

    def __call__(self, indices):
        if not self.batched:
            return self.dataset[indices]
        if self.fast:
            return tuple(take(t, as_tensor(indices, dtype="int64", device=t.device), axis=0)
                         for t in self.dataset.tensors)
        return self.collate([self.dataset[i] for i in indices])
