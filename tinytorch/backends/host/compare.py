"""Comparing arrays within tolerances, for tinytorch.testing.assert_close.

Assumes: comparison happens on the host in float64 (integers and bools exactly).
Production does instead: torch.testing.assert_close compares on the device.
"""

from __future__ import annotations

import numpy as np


def compare(actual, expected, *, rtol, atol, equal_nan=True) -> str | None:
    """None if the arrays agree within tolerance, else a description of the worst mismatch."""
    a, e = np.asarray(actual), np.asarray(expected)
    if a.shape != e.shape:
        return f"shapes differ: {a.shape} vs {e.shape}"
    if a.dtype == bool or e.dtype == bool or a.dtype.kind in "iu" and e.dtype.kind in "iu":
        bad = a != e
    else:
        a64, e64 = a.astype(np.float64), e.astype(np.float64)
        bad = ~np.isclose(a64, e64, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if not bad.any():
        return None
    where = tuple(int(i) for i in np.argwhere(bad)[0])
    return (f"{int(bad.sum())} of {a.size} elements differ (rtol={rtol}, atol={atol}); first at "
            f"index {where}: actual {a[where]!r}, expected {e[where]!r}")
