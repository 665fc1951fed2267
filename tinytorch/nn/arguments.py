"""The checks layer constructors share: sizes, probabilities, numbers and shapes.

What it does: `size("Linear", "in_features", x)` returns x if it is an int of at
least `minimum` and raises otherwise, naming the layer, the argument and the value,
so `nn.Dropout(None)` or `nn.LSTMCell(4, "8")` fail with a sentence instead of
Python's "'<=' not supported between ..." from deep inside the constructor.

Assumes: a layer's hyperparameters are plain Python numbers (bools are not sizes).
Production does instead: PyTorch's constructors check some arguments in Python and
leave the rest to the C++ kernels, whose errors appear at the first forward.
"""

from __future__ import annotations

import operator

__all__ = ["size", "probability", "number", "shape", "module"]


def size(owner: str, name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"{owner}(): {name} must be an int, got {value!r}")
    value = operator.index(value)
    if value < minimum:
        raise ValueError(f"{owner}(): {name} must be at least {minimum}, got {value}")
    return value


def number(owner: str, name: str, value) -> float:
    """A real number that fits a float (nan refused; inf allowed where the caller allows)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise TypeError(f"{owner}(): {name} must be a number, got {value!r}")
    if isinstance(value, int) and abs(value) > 2**1023:
        raise ValueError(f"{owner}(): {name} = {value} is too large for a float")
    return value


def probability(owner: str, name: str, value) -> float:
    if not 0.0 <= number(owner, name, value) <= 1.0:
        raise ValueError(f"{owner}(): {name} is a probability and has to be between 0 and 1, "
                         f"but got {value}")
    return value


def shape(owner: str, name: str, value, minimum: int = 0) -> tuple:
    """An int or a sequence of ints, as a tuple."""
    items = (value,) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(items, (tuple, list)) or not items and minimum > 0:
        raise TypeError(f"{owner}(): {name} must be an int or a sequence of ints, got {value!r}")
    return tuple(size(owner, name, n, minimum) for n in items)


def module(owner: str, name: str, value):
    from .module import Module
    if not isinstance(value, Module):
        raise TypeError(f"{owner}(): {name} must be a Module (a layer to copy), got "
                        f"{type(value).__name__}")
    return value
