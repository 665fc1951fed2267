"""Shared timing helper for the benchmark scripts: best-of-N per-call time, in microseconds.

The best of several repeats is the least noisy estimate of what a call costs
on a shared machine (slower repeats measure interference, not the code).
"""

from __future__ import annotations

import os
import platform
import timeit


def pin_threads(argv) -> int:
    """Set the BLAS/OpenMP thread counts from `--threads N` (default 1; 0 leaves them alone).

    Call it before NumPy is imported: the libraries read these variables once, at load.
    """
    threads = 1
    if "--threads" in argv:
        threads = int(argv[argv.index("--threads") + 1])
    if threads:
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[name] = str(threads)
    return threads


def per_call_us(fn, number: int, repeat: int = 7) -> float:
    fn()  # warm up caches and lazy imports
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, " \
           f"Python {platform.python_version()}"


def optional_torch():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch
