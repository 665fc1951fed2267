"""Datasets: anything with `len(ds)` and `ds[i]`, and TensorDataset for tensors already in memory.

What it does: `Dataset` is the protocol a DataLoader reads: `__len__` says
how many samples there are and `__getitem__(i)` returns sample i (a
tensor, a tuple such as (image, label), a dict, ...). `TensorDataset(x, y)`
serves row i of every tensor, `(x[i], y[i])`, and lets the DataLoader take
a whole batch of rows at once. `Subset(ds, indices)` is a view of some of
a dataset's samples.

Assumes: map-style datasets (random access by index), all in memory or
cheap to read on demand.
Production does instead: PyTorch also has IterableDataset for streams that
can't be indexed, and its DataLoader reads samples in worker processes so
that slow loading (files, decoding, augmentation) overlaps with training.
"""

from __future__ import annotations

from ..tensor import Tensor

__all__ = ["Dataset", "TensorDataset", "Subset"]


class Dataset:
    """Base class for map-style datasets: define `__len__` and `__getitem__`."""

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__")


class TensorDataset(Dataset):
    """Samples are rows: `ds[i] == (t[i] for t in tensors)`; all tensors share their first size."""

    def __init__(self, *tensors: Tensor):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        for t in tensors:
            if not isinstance(t, Tensor) or t.ndim == 0:
                raise TypeError("TensorDataset takes tensors with at least one dimension, got "
                                + ("a 0-d tensor" if isinstance(t, Tensor)
                                   else type(t).__name__))
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) != 1:
            raise ValueError(f"Size mismatch between tensors: first dimensions are {sizes}; "
                             f"every tensor needs one row per sample")
        self.tensors = tuple(tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)


class Subset(Dataset):
    """The samples of `dataset` at `indices`, in that order."""

    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, [int(i) for i in indices]

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, index):
        return self.dataset[self.indices[index]]
