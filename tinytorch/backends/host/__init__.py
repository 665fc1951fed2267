"""Host memory helpers, with NumPy, one module per concern.

The front end never imports NumPy; it hands Python lists, NumPy arrays and
random draws to these helpers, and backends copy the result to a device:
- data.py: Python data and NumPy arrays (conversion, dtype names, copies);
- rng.py: random numbers (one seed, the same values on every device);
- printing.py: the layout of repr();
- compare.py: tolerance comparison for tinytorch.testing;
- layout.py: C-ordered bytes for safetensors.
They are re-exported here, so callers write `host.uniform(...)`.

Assumes: the host is where data enters and leaves; NumPy is always installed.
Production does instead: PyTorch does all of this in C++ (ATen, its RNGs and printing).
"""

from .compare import compare
from .data import (
    astype,
    copy,
    from_dlpack,
    host_dtype_name,
    int_extremes,
    is_host_array,
    python_scalar,
    to_host,
)
from .layout import c_contiguous
from .printing import format_array, print_options
from .rng import (
    categorical,
    fresh_seed,
    generator,
    get_state,
    initial_seed,
    integers,
    integers_from,
    manual_seed,
    new_generator,
    normal,
    permutation_from,
    seed_device_type,
    set_state,
    set_stream_state,
    stream_for,
    stream_state,
    uniform,
)

__all__ = ["compare", "astype", "copy", "from_dlpack", "host_dtype_name", "int_extremes",
           "is_host_array", "python_scalar", "to_host", "c_contiguous", "format_array",
           "categorical",
           "fresh_seed", "generator", "integers", "integers_from", "manual_seed",
           "new_generator", "normal", "permutation_from", "seed_device_type",
           "stream_for", "stream_state", "set_stream_state", "uniform", "initial_seed",
           "get_state", "set_state", "print_options"]
