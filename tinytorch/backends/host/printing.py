"""Printing: NumPy's array2string lays out a tensor's values for repr().

Assumes: printing copies the values to the host first.
Production does instead: PyTorch formats tensors with its own _tensor_str module.
"""

from __future__ import annotations

import numpy as np


def format_array(host, prefix="") -> str:
    """NumPy's printout of `host`, indented to follow `prefix`."""
    return np.array2string(np.asarray(host), separator=", ", prefix=prefix)
