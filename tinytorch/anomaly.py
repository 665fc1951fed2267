"""Anomaly mode switches: `set_detect_anomaly`, `detect_anomaly`, `is_anomaly_enabled`.

What it does: PyTorch programs turn anomaly detection on while debugging
(`torch.autograd.set_detect_anomaly(True)`, or `with
torch.autograd.detect_anomaly():`). tinytorch keeps the switch and its
check_nan setting, both readable back (per thread, like grad mode), and the
context managers restore the previous values on exit; the first time it is
turned on it warns once that nothing is checked.

Assumes: anomaly mode checks nothing: backward does not test each node's
gradients for nan, and ops keep no forward tracebacks. tinytorch's backward
errors already name the op and the tensors involved (and the version
counter catches in-place changes to saved tensors in any mode).
Production does instead: in anomaly mode PyTorch records the Python stack
of every op in forward, checks each backward function's outputs for nan
(raising "Function 'XBackward' returned nan values in its 0th output"),
and prints the forward stack of the op whose backward failed.
"""

from __future__ import annotations

import functools
import threading
import warnings

__all__ = ["set_detect_anomaly", "detect_anomaly", "is_anomaly_enabled",
           "is_anomaly_check_nan_enabled"]


class _AnomalyMode(threading.local):
    enabled = False
    check_nan = True


_mode = _AnomalyMode()
_warned = [False]


def is_anomaly_enabled() -> bool:
    return _mode.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _mode.check_nan


def _set(mode, check_nan, owner: str) -> None:
    for name, value in (("mode", mode), ("check_nan", check_nan)):
        if not isinstance(value, bool):
            raise TypeError(f"{owner}(): {name} must be True or False, got {value!r}")
    if mode and not _warned[0]:
        _warned[0] = True
        warnings.warn("anomaly detection is on, but tinytorch checks nothing in this mode: "
                      "backward does not test gradients for nan or keep forward tracebacks "
                      "(see tinytorch/anomaly.py)", UserWarning, stacklevel=3)
    _mode.enabled, _mode.check_nan = mode, check_nan


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
