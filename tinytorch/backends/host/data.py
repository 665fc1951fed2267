"""Python data and NumPy arrays on the host: conversion, dtype names, copies.

Assumes: nested lists become arrays through np.asarray; the front end checks ranges and dtypes.
Production does instead: torch.tensor parses Python sequences in C++ without NumPy.
"""

from __future__ import annotations

import numpy as np


def is_host_array(obj) -> bool:
    return isinstance(obj, (np.ndarray, np.generic))


def python_scalar(obj):
    """The Python number a NumPy scalar holds (np.float32(2.5) -> 2.5); None for anything else."""
    return obj.item() if isinstance(obj, np.generic) and obj.dtype.kind in "biufc" else None


def from_dlpack(producer):
    """A NumPy array sharing a host DLPack producer's memory (for devices without DLPack import)."""
    return np.from_dlpack(producer)


def to_host(data):
    """A NumPy array from nested Python lists, scalars or anything NumPy accepts."""
    return np.asarray(data)


def int_extremes(host) -> tuple:
    """(min, max) of a non-empty integer array as Python ints; () for anything else."""
    if host.dtype.kind not in "iu" or host.size == 0:
        return ()
    return int(host.min()), int(host.max())


def host_dtype_name(host) -> str:
    return host.dtype.name


def astype(host, dtype_name: str):
    return host.astype(dtype_name, copy=False)


def copy(host):
    """A fresh host array with the values of `host` (so a tensor never aliases the caller's)."""
    return np.array(host, copy=True)
