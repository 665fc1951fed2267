"""PyTorch's speed switches that tinytorch accepts honestly: `compile` and the float32 matmul
precision (the memory formats are in memory_format.py, anomaly mode in anomaly.py).

What it does: `compile(model_or_fn, ...)` returns its argument unchanged,
and works as a decorator with or without arguments (`@tinytorch.compile`,
`@tinytorch.compile(mode="max-autotune")`): tinytorch has no compiler, and
an uncompiled function computes the same values, only slower.
`set_float32_matmul_precision("highest" | "high" | "medium")` stores the
choice that `get_float32_matmul_precision()` returns; matmuls always run in
full float32 (what "highest" asks for) whatever it says.

Assumes: these calls only trade speed for accuracy, so ignoring them keeps
every result at least as accurate as PyTorch's.
Production does instead: torch.compile traces the function with TorchDynamo
and generates fused kernels (Inductor); "high" and "medium" let float32
matmuls use TF32 or bfloat16 tensor cores, with fewer mantissa bits.
"""

from __future__ import annotations

__all__ = ["compile", "set_float32_matmul_precision", "get_float32_matmul_precision"]

_MODES = (None, "default", "reduce-overhead", "max-autotune", "max-autotune-no-cudagraphs")
_PRECISIONS = ("highest", "high", "medium")
_precision = ["highest"]


def compile(model=None, *, fullgraph: bool = False, dynamic=None, backend="inductor",  # noqa: A001
            mode=None, options=None, disable: bool = False, **kwargs):
    """Return `model` unchanged (tinytorch has no compiler); without a model, a decorator."""
    if mode is not None and not isinstance(mode, str) or mode not in _MODES:
        raise ValueError(f"compile(): unrecognized mode={mode!r}; use one of "
                         f"{', '.join(repr(m) for m in _MODES[1:])}")
    if mode is not None and options is not None:
        raise RuntimeError("compile(): either mode or options can be specified, but both can't "
                           "be specified at the same time")
    if model is None:
        return _identity
    return _identity(model)


def _identity(model):
    if not callable(model):
        raise TypeError(f"compile() expects a callable (an nn.Module or a function), got "
                        f"{type(model).__name__}")
    return model


def set_float32_matmul_precision(precision: str) -> None:
    """Record the requested float32 matmul precision; tinytorch always computes in full
    float32, which is what "highest" asks for."""
    if not isinstance(precision, str) or precision not in _PRECISIONS:
        raise ValueError(f"set_float32_matmul_precision(): precision must be 'highest', 'high' "
                         f"or 'medium', got {precision!r}")
    _precision[0] = precision


def get_float32_matmul_precision() -> str:
    return _precision[0]
