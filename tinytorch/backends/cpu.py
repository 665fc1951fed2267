"""The "cpu" backend: NumPy through array-api-compat.

Assumes: one CPU device ("cpu"). NumPy returns scalars rather than 0-d
arrays from some operations; tinytorch keeps 0-d arrays, so `from_host`
and the front end's wrap step turn those scalars back into arrays.
The namespace is a copy of array-api-compat's, except for the array
creation functions: NumPy 2 already implements those as the standard says
(`device=` included), and calling them directly halves their cost on the
small arrays of a backward pass. array-api-compat itself is not modified.

Loading the backend silences NumPy's RuntimeWarnings for tinytorch's own
calls (see `_quiet_float_edge_cases`), and tells glibc's malloc to keep
freed memory (see `_keep_freed_memory`), assuming the process can spare it (at most 64 MiB
above what is in use): every op returns a fresh array, a training step frees
tens of megabytes of them, and by default glibc hands those pages back to
the kernel at once, so the next step page-faults them all in again (15,000
faults a step in benchmarks/bench_gpt.py run alone). Setting glibc's
MALLOC_TRIM_THRESHOLD_ or MALLOC_MMAP_THRESHOLD_ leaves the choice to you.
Production does instead: PyTorch's CPU kernels are its own C++ (ATen, with
oneDNN/MKL for matmul and convolution) rather than a host array library,
and write into preallocated outputs where they can; its performance guide
suggests preloading jemalloc or tcmalloc, allocators that keep freed memory.
"""

import ctypes
import os
import sys
import types
import warnings

import array_api_compat.numpy as compat
import numpy as np

from . import Backend

_NUMPY_CREATION = ("zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
                   "full_like")


def _namespace():
    _keep_freed_memory()
    _quiet_float_edge_cases()
    xp = types.ModuleType("tinytorch.backends.cpu.namespace", compat.__doc__)
    xp.__dict__.update({k: v for k, v in vars(compat).items() if not k.startswith("__")})
    for name in _NUMPY_CREATION:
        setattr(xp, name, getattr(np, name))
    return xp


def _quiet_float_edge_cases():
    """Let tinytorch's own NumPy calls meet log(0), 0/0 and overflow silently, as PyTorch does.

    NumPy warns (RuntimeWarning) where an operation gives inf or nan; PyTorch returns the same
    IEEE values without a word, and a learner should not see NumPy's text for torch.log(0).
    The filter matches warnings raised from tinytorch's modules only, so NumPy code elsewhere
    in the program warns as before.
    """
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"tinytorch(\.|$)")


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameter numbers


def _keep_freed_memory():
    """Make glibc's malloc reuse freed arrays instead of returning their pages to the kernel.

    By default glibc serves blocks over 128 KiB with mmap (fresh pages, faulted in on first
    touch, unmapped on free) and raises that threshold only to the largest block freed so far,
    trimming the heap whenever 2x that is free at its top. Fixing the thresholds at glibc's own
    ceiling for the first (32 MiB) and twice that for the second keeps a step's activations in
    the heap for the next step. Linux with glibc only; elsewhere this does nothing.
    """
    if not sys.platform.startswith("linux") or any(
            name in os.environ for name in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_")):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (or no C library to ask)
        return
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    mallopt(_M_TRIM_THRESHOLD, 64 << 20)


def _index_add(xp_, zeros, axis, index, values):
    out = np.array(zeros, copy=True)
    if axis != 0 or index.ndim != 1 or values.ndim < 2 or index.shape[0] == 0:
        np.add.at(out, (slice(None),) * axis + (index,), values)
        return out
    # Rows (an embedding's backward): sort the indices, sum each run of equal ones with
    # reduceat, then add each sum once. np.add.at is several times slower for whole rows.
    order = np.argsort(index, kind="stable")
    ordered = index[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    out[ordered[starts]] += np.add.reduceat(values[order], starts, axis=0)
    return out


def _where(xp_, condition, a, b):
    # b copied, then a written where the condition holds: the same result as np.where, 2x faster
    # when the condition has a pattern (attention's causal mask: 0.09 ms instead of 0.16 on
    # (16, 4, 64, 64)); for a patternless one both take about the same time
    out = np.empty(np.broadcast_shapes(np.shape(condition), np.shape(a), np.shape(b)),
                   np.result_type(a, b))
    np.copyto(out, b)
    np.copyto(out, a, where=condition)
    return out


def _index_put(xp_, flat, index, values):
    out = flat.copy()
    out[index] = values
    return out


BACKEND = Backend(
    name="cpu",
    load=_namespace,
    device_count=lambda: 1,
    native_device=lambda index: "cpu",
    from_host=lambda host, device: np.asarray(host),
    to_host=lambda array: np.asarray(array),
    index_add=_index_add,
    index_put=_index_put,
    where=_where,
    to_array=np.asarray,
    array_type=np.ndarray,
)
