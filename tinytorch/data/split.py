"""train_test_split: a fixed, seeded split of tensors (or a dataset) into training and test parts.

What it does: draws one permutation of the rows from its own seeded random
stream (independent of `manual_seed`, so the split never changes when the
rest of a program draws more or fewer random numbers), puts the first
`test_fraction` of it in the test part and the rest in the training part,
and applies it to every tensor, so rows stay paired (image i keeps label i).

Assumes: a plain random split; classes are not balanced between the parts
(with 1,797 digits each class still lands close to its share).
Production does instead: PyTorch has `torch.utils.data.random_split` over
datasets; scikit-learn's `train_test_split` can also stratify by class.
"""

from __future__ import annotations

from ..backends import host
from ..creation import as_tensor
from ..ops import take
from ..tensor import Tensor
from .dataset import Subset

__all__ = ["train_test_split", "random_split"]


def _permutation(n: int, seed: int) -> list[int]:
    return host.permutation_from(host.new_generator(seed), n)


def _test_count(n: int, test_fraction: float) -> int:
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    return max(1, min(n - 1, round(n * test_fraction)))


def train_test_split(*tensors: Tensor, test_fraction: float = 0.2, seed: int = 0):
    """`(train, test)`, each a tuple with one tensor per input, rows split at random.

    Example: (x_train, y_train), (x_test, y_test) = train_test_split(x, y)
    """
    if not tensors:
        raise ValueError("train_test_split needs at least one tensor")
    n = tensors[0].shape[0]
    if any(t.shape[0] != n for t in tensors):
        raise ValueError(f"all tensors need the same number of rows, got "
                         f"{[t.shape[0] for t in tensors]}")
    order = _permutation(n, seed)
    n_test = _test_count(n, test_fraction)
    test_rows, train_rows = order[:n_test], order[n_test:]
    parts = []
    for rows in (train_rows, test_rows):
        parts.append(tuple(take(t, as_tensor(rows, dtype="int64", device=t.device), axis=0)
                           for t in tensors))
    return tuple(parts)


def random_split(dataset, lengths, generator=None, *, seed: int = 0) -> list[Subset]:
    """Split a dataset into non-overlapping Subsets of the given lengths, at random.

    `lengths` are sample counts, or fractions summing to 1 (PyTorch's rule:
    floor each share, then hand the remainder out one by one from the first
    part). The order comes from `generator` (a tinytorch.Generator) if given,
    else from a stream seeded with `seed`, so the split is the same every run.
    """
    n = len(dataset)
    if lengths and all(isinstance(x, float) and 0 <= x <= 1 for x in lengths):
        if abs(sum(lengths) - 1) > 1e-6:
            raise ValueError(f"fractions in lengths must sum to 1, got {lengths} "
                             f"(sum {sum(lengths)})")
        counts = [int(x * n) for x in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    lengths = [int(x) for x in lengths]
    if sum(lengths) != n:
        raise ValueError(f"the lengths {lengths} sum to {sum(lengths)}, but the dataset has "
                         f"{n} samples")
    order = (_permutation(n, seed) if generator is None
             else host.permutation_from(host.stream_for(generator, "cpu"), n))
    parts, start = [], 0
    for n in lengths:
        parts.append(Subset(dataset, order[start:start + n]))
        start += n
    return parts
