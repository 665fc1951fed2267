"""Anomaly mode switches: `set_detect_anomaly`, `detect_anomaly`, `is_anomaly_enabled`.

What it does: PyTorch programs turn anomaly detection on while debugging
(`torch.autograd.set_detect_anomaly(True)`, or `with
torch.autograd.detect_anomaly():`). While it is on, every recorded op keeps
the Python stack that created it (autograd.py), and backward (engine.py)
checks each node's gradients for nan when `check_nan` is set, raising a
RuntimeError that names the node and shows where its forward ran; an error
raised inside a node's backward gets the same forward stack as a note.
The switch is per thread, like grad mode; the context managers restore the
previous setting on exit.

Assumes: the check costs a reduction per gradient and a stack capture per
op, so it is for debugging, as in PyTorch.
Production does instead: PyTorch does the same (its message says "Function
'XBackward0' returned nan values in its 0th output"), keeping the stack in
each node's metadata and printing it as a warning before the error.
"""

from __future__ import annotations

import functools
import os
import traceback

from .engine import anomaly_mode

__all__ = ["set_detect_anomaly", "detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled", "forward_stack"]


_mode = anomaly_mode
_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def is_anomaly_enabled() -> bool:
    return _mode.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _mode.check_nan


def _set(mode, check_nan, owner: str) -> None:
    for name, value in (("mode", mode), ("check_nan", check_nan)):
        if not isinstance(value, bool):
            raise TypeError(f"{owner}(): {name} must be True or False, got {value!r}")
    _mode.enabled, _mode.check_nan = mode, check_nan


def forward_stack() -> str | None:
    """Where the op being recorded was called from, while anomaly mode is on (else None)."""
    if not _mode.enabled:
        return None
    frames = [f for f in traceback.extract_stack()[:-1]
              if not f.filename.startswith(_PACKAGE)]  # the user's frames, not tinytorch's
    return "".join(traceback.format_list(frames[-8:]))


class set_detect_anomaly:  # noqa: N801 - PyTorch's name
    """Turn anomaly mode on or off now; as a context manager, restore the old setting on exit."""

    def __init__(self, mode: bool, check_nan: bool = True):
        self._previous = (_mode.enabled, _mode.check_nan)
        _set(mode, check_nan, "set_detect_anomaly")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _mode.enabled, _mode.check_nan = self._previous


class detect_anomaly:  # noqa: N801 - PyTorch's name
    """Anomaly mode inside a `with` block or a decorated function."""

    def __init__(self, check_nan: bool = True):
        if not isinstance(check_nan, bool):
            raise TypeError(f"detect_anomaly(): check_nan must be True or False, got "
                            f"{check_nan!r}")
        self.check_nan = check_nan

    def __enter__(self):
        self._previous = (_mode.enabled, _mode.check_nan)
        _set(True, self.check_nan, "detect_anomaly")
        return self

    def __exit__(self, *exc):
        _mode.enabled, _mode.check_nan = self._previous

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return func(*args, **kwargs)
        return wrapper
