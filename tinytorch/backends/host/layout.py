"""Byte layout for writers that read raw memory (safetensors): C-ordered arrays.

Assumes: a C-contiguous array's bytes are its values in order, which is what safetensors stores.
Production does instead: PyTorch's serialization writes storages with their strides.
"""

from __future__ import annotations

import numpy as np


def c_contiguous(host):
    """`host` itself if its bytes are in C order, else a C-ordered copy (keeps 0-d arrays 0-d).

    Byte-level writers such as safetensors read an array's raw memory, which
    is only its values in order when the array is C-contiguous.
    """
    return host if host.flags.c_contiguous else np.array(host, order="C", copy=True)
