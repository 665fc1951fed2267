"""default_collate: turn a list of samples into one batch, keeping the samples' structure.

What it does, by the type of the first sample:
- tensors are stacked along a new first dimension (all must share shape,
  dtype and device);
- Python ints become an int64 tensor, floats a float64 tensor and bools a
  bool tensor (PyTorch's choices);
- tuples (named ones too) and lists are collated position by position (a
  list of (x, y) pairs becomes (stacked x, stacked y)); dicts key by key;
- strings and anything else come back as a plain list.

Assumes: samples in one batch have the same structure.
Production does instead: PyTorch's default_collate also handles NumPy
arrays and custom types registered in a table, and can
write stacked tensors straight into shared memory for worker processes.
"""

from __future__ import annotations

from ..creation import tensor
from ..ops import stack
from ..tensor import Tensor

__all__ = ["default_collate"]


def default_collate(batch: list):
    """One batch from a list of samples (see the module docstring for the rules)."""
    if not batch:
        raise ValueError("can't collate an empty batch")
    first = batch[0]
    if isinstance(first, Tensor):
        return stack(batch)
    if isinstance(first, bool):
        return tensor(batch, dtype="bool")
    if isinstance(first, int):
        return tensor(batch, dtype="int64")
    if isinstance(first, float):
        return tensor(batch, dtype="float64")
    if isinstance(first, dict):
        return {key: default_collate([sample[key] for sample in batch]) for key in first}
    if isinstance(first, (tuple, list)):
        if any(len(sample) != len(first) for sample in batch):
            raise RuntimeError("each sample in a batch must have the same number of fields")
        columns = [default_collate(list(column)) for column in zip(*batch)]
        if isinstance(first, list):
            return columns
        return type(first)(*columns) if hasattr(first, "_fields") else tuple(columns)
    return list(batch)
