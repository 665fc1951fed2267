"""Samplers: the order in which a DataLoader visits a dataset's samples, and how it groups them.

What it does: a sampler is an iterable of sample indices (`SequentialSampler`
0, 1, 2, ...; `RandomSampler` a fresh permutation each pass, or draws with
replacement; `SubsetRandomSampler` a shuffled given list;
`WeightedRandomSampler` draws by weight). `BatchSampler` groups any
sampler's indices into lists of `batch_size`. A DataLoader builds these
from `shuffle=`/`batch_size=` unless it is given `sampler=` or
`batch_sampler=` (PyTorch's arguments, with PyTorch's exclusivity rules).

Random samplers draw from their `generator` (a `tinytorch.Generator`) if
given, else from tinytorch's global random stream, so `manual_seed`
before a pass makes its order repeat.

Assumes: map-style datasets whose length is known up front.
Production does instead: PyTorch's samplers are the same idea; its
DistributedSampler shards the indices across processes and its
DataLoader can also consume IterableDatasets, which need no sampler.
"""

from __future__ import annotations

from ..backends import host

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]


class Sampler:
    """Base class: define `__iter__` (indices) and, where known, `__len__`."""

    def __init__(self, data_source=None):  # PyTorch accepted (and ignored) data_source
        pass

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __iter__")


def _permutation(n: int, generator) -> list[int]:
    return host.permutation_from(host.stream_for(generator, "cpu"), n)


class SequentialSampler(Sampler):
    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random order of all samples each pass; with `replacement=True`, independent draws."""

    def __init__(self, data_source, replacement: bool = False, num_samples: int | None = None,
                 generator=None):
        self.data_source, self.replacement, self.generator = data_source, replacement, generator
        if num_samples is not None and (not isinstance(num_samples, int) or num_samples <= 0):
            raise ValueError(f"num_samples should be a positive integer, got {num_samples!r}")
        self._num_samples = num_samples

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        if self.replacement:
            stream = host.stream_for(self.generator, "cpu")
            return iter(host.integers_from(stream, n, self.num_samples))
        order = []
        while len(order) < self.num_samples:  # num_samples > n repeats whole permutations
            order += _permutation(n, self.generator)
        return iter(order[:self.num_samples])

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices, in a fresh random order each pass."""

    def __init__(self, indices, generator=None):
        self.indices, self.generator = [int(i) for i in indices], generator

    def __iter__(self):
        return iter([self.indices[i] for i in _permutation(len(self.indices), self.generator)])

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """`num_samples` indices drawn with probability proportional to `weights`."""

    def __init__(self, weights, num_samples: int, replacement: bool = True, generator=None):
        from ..creation import as_tensor
        self.weights = as_tensor(weights, dtype="float64", device="cpu")
        self.num_samples, self.replacement, self.generator = num_samples, replacement, generator

    def __iter__(self):
        from ..creation import multinomial
        return iter(multinomial(self.weights, self.num_samples, self.replacement,
                                generator=self.generator).tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Lists of `batch_size` indices from `sampler`; drop_last drops a smaller last list."""

    def __init__(self, sampler, batch_size: int, drop_last: bool):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
            raise ValueError(f"batch_size should be a positive integer, got {batch_size!r}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, bool(drop_last)

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
