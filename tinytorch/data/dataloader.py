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

Assumes: everything runs in the calling process, one batch at a time.
Production does instead: PyTorch's DataLoader can load batches in worker
processes (`num_workers`), prefetch them, pin host memory for faster GPU
copies, and take its order from pluggable samplers (weighted, distributed).
"""

from __future__ import annotations

from ..backends import host
from ..creation import arange, as_tensor, randperm
from ..ops import take
from .collate import default_collate
from .dataset import TensorDataset

__all__ = ["DataLoader"]


class DataLoader:
    def __init__(self, dataset, batch_size: int = 1, shuffle: bool = False,
                 drop_last: bool = False, collate_fn=None, *, seed: int | None = None):
        if int(batch_size) < 1:
            raise ValueError(f"batch_size should be a positive integer, got {batch_size}")
        self.dataset, self.batch_size = dataset, int(batch_size)
        self.shuffle, self.drop_last, self.collate_fn = bool(shuffle), bool(drop_last), collate_fn
        self._generator = None if seed is None else host.new_generator(seed)

    def __len__(self) -> int:
        """The number of batches in one pass."""
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _order(self) -> list[int] | None:
        """This pass's sample order (None: 0, 1, 2, ... in order)."""
        if not self.shuffle:
            return None
        n = len(self.dataset)
        if self._generator is not None:
            return host.permutation_from(self._generator, n)
        return randperm(n, device="cpu").tolist()

    def _spans(self):
        n = len(self.dataset)
        for start in range(0, n, self.batch_size):
            stop = min(start + self.batch_size, n)
            if self.drop_last and stop - start < self.batch_size:
                return
            yield start, stop

    def __iter__(self):
        order = self._order()
        if isinstance(self.dataset, TensorDataset) and self.collate_fn is None:
            yield from self._tensor_batches(order)
            return
        collate = self.collate_fn or default_collate
        for start, stop in self._spans():
            indices = range(start, stop) if order is None else order[start:stop]
            yield collate([self.dataset[i] for i in indices])

    def _tensor_batches(self, order):
        tensors = self.dataset.tensors
        rows = {}  # the pass's row order as an index tensor, one per device
        for t in tensors:
            if t.device not in rows:
                rows[t.device] = (arange(len(self.dataset), device=t.device) if order is None
                                  else as_tensor(order, dtype="int64", device=t.device))
        for start, stop in self._spans():
            yield tuple(take(t, rows[t.device][start:stop], axis=0) for t in tensors)

    def __repr__(self) -> str:
        return (f"DataLoader({type(self.dataset).__name__} of {len(self.dataset)} samples, "
                f"batch_size={self.batch_size}, shuffle={self.shuffle}, "
                f"drop_last={self.drop_last})")
