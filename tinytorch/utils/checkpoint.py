"""`tinytorch.utils.checkpoint`: PyTorch's activation checkpointing calls, run without the saving.

What it does: `checkpoint(function, *args, use_reentrant=..., **kwargs)`
returns `function(*args, **kwargs)`, with its graph recorded as usual, so
gradients are exactly those of calling the function directly;
`checkpoint_sequential(functions, segments, input)` runs the modules (or
functions) of a Sequential or a list one after another.

Assumes: memory is not the constraint. Checkpointing here saves nothing:
every intermediate the backward pass needs stays alive, as without it.
Production does instead: PyTorch's checkpoint keeps only the inputs of the
wrapped function during forward and runs the function again during
backward to rebuild its intermediates (restoring the random state, so
dropout draws the same masks), trading about one extra forward pass for
the activations' memory; checkpoint_sequential does so for all segments
but the last.
"""

from __future__ import annotations

from ..nn import Sequential

__all__ = ["checkpoint", "checkpoint_sequential"]


def _check_flag(name, value, owner):
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"{owner}(): {name} must be True, False or None, got {value!r}")


def checkpoint(function, *args, use_reentrant: bool | None = None, context_fn=None,
               determinism_check: str = "default", debug: bool = False,
               preserve_rng_state: bool = True, **kwargs):
    """Call `function(*args, **kwargs)` and return its result (no recomputation, see above)."""
    if not callable(function):
        raise TypeError(f"checkpoint() expects the function to run first, got "
                        f"{type(function).__name__}")
    _check_flag("use_reentrant", use_reentrant, "checkpoint")
    _check_flag("preserve_rng_state", preserve_rng_state, "checkpoint")
    if use_reentrant and kwargs:
        raise ValueError(f"checkpoint(use_reentrant=True) passes no keyword arguments to the "
                         f"function (as in PyTorch), got {sorted(kwargs)}; use "
                         f"use_reentrant=False")
    if context_fn is not None and not callable(context_fn):
        raise TypeError(f"checkpoint(): context_fn must be a function returning two context "
                        f"managers, got {type(context_fn).__name__}")
    return function(*args, **kwargs)


def checkpoint_sequential(functions, segments: int, input, use_reentrant: bool | None = None,  # noqa: A002
                          **kwargs):
    """Run `functions` (a Sequential, or a list of modules or functions) in order on `input`."""
    if isinstance(functions, Sequential):
        functions = list(functions.children())
    elif not isinstance(functions, (list, tuple)):
        raise TypeError(f"checkpoint_sequential() expects an nn.Sequential or a list of "
                        f"modules, got {type(functions).__name__}")
    if isinstance(segments, bool) or not isinstance(segments, int) or segments < 1:
        raise ValueError(f"checkpoint_sequential(): segments must be a positive int, got "
                         f"{segments!r}")
    _check_flag("use_reentrant", use_reentrant, "checkpoint_sequential")
    for function in functions:
        if not callable(function):
            raise TypeError(f"checkpoint_sequential(): {type(function).__name__} is not "
                            f"callable")
        input = function(input)  # noqa: A001
    return input
