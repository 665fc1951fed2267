"""What matmul, linear and conv2d do inside `tinytorch.autocast`: compute in a lower precision.

The autocast context (tinytorch/amp.py) records a dtype per device type in
autocast_state; the three ops check it and, when set, call `run_lowered`,
which casts their floating inputs down, runs the op, and casts the result
back up. The casts are ordinary differentiable ops, so gradients flow back
to the original dtype.
Assumes: results return to the inputs' dtype (see amp.py for why).
Production does instead: PyTorch's dispatcher has an autocast layer that
casts per op from fixed lists, without the op's own code knowing.
"""

from __future__ import annotations

from .. import autocast_state, dtypes
from ..tensor import Tensor
from .convert import cast


def run_lowered(op, dtype: str, *tensors, **kwargs):
    """`op` on the floating tensors cast to `dtype`, with the result cast back (ops call this)."""
    floats = [t for t in tensors if isinstance(t, Tensor) and dtypes.is_floating_point(t.dtype)]
    if not floats:
        return op(*tensors, **kwargs)
    back = floats[0].dtype
    lowered = [cast(t, dtype) if isinstance(t, Tensor) and dtypes.is_floating_point(t.dtype)
               and t.dtype != dtype else t for t in tensors]
    table = autocast_state.state.dtypes
    device_type = floats[0].device.type
    table[device_type] = None  # the op's own inner ops (linear -> matmul) must not lower again
    try:
        out = op(*lowered, **kwargs)
    finally:
        table[device_type] = dtype
    return cast(out, back) if out.dtype != back else out
