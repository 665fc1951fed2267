"""Regression tests for the array API gaps the official suite (data-apis/array-api-tests) found
(issue 10), and for the PyTorch behaviour kept next to each fix.

Each expected value is the standard's or PyTorch's, written out by hand or from the formula the
comment gives (Python's cmath for complex values), never computed by the code under test. The
conflicts between the two are decided in the table of docs/array-api.md.
"""

from __future__ import annotations

import inspect

import pytest

import tinytorch as tt

DEVICES = ["cpu", "strict:1"]


# ---- tril, triu, roll: both spellings -------------------------------------------------------

def test_tril_and_triu_take_the_array_apis_k():
    assert "k" in inspect.signature(tt.tril).parameters
    assert "k" in inspect.signature(tt.triu).parameters
    x = tt.ones(3, 3)
    assert tt.tril(x, k=1).tolist() == [[1, 1, 0], [1, 1, 1], [1, 1, 1]]
    assert tt.triu(x, k=-1).tolist() == [[1, 1, 1], [1, 1, 1], [0, 1, 1]]
    assert x.triu(k=1).tolist() == [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
    assert tt.tril(x, 1).tolist() == [[1, 1, 0], [1, 1, 1], [1, 1, 1]]  # PyTorch's diagonal
    assert x.tril(diagonal=-1).tolist() == [[0, 0, 0], [1, 0, 0], [1, 1, 0]]
    with pytest.raises(TypeError, match="diagonal=1 and k=2"):
        tt.tril(x, 1, k=2)


def test_roll_takes_the_array_apis_shift_and_axis_and_pytorchs_shifts_and_dims():
    second = list(inspect.signature(tt.roll).parameters)[1]
    assert second == "shift"  # the standard's name for the positional-or-keyword argument
    x = tt.tensor([0, 1, 2, 3, 4])
    for out in (tt.roll(x, 2), tt.roll(x, shift=2), tt.roll(x, shifts=2), x.roll(2),
                x.roll(shifts=2), x.roll(shift=2), tt.roll(x, 2, axis=0), tt.roll(x, 2, 0),
                tt.roll(x, shifts=2, dims=0)):
        assert out.tolist() == [3, 4, 0, 1, 2]
    m = tt.tensor([[0, 1, 2], [3, 4, 5]])
    assert tt.roll(m, (1, -1), axis=(0, 1)).tolist() == [[4, 5, 3], [1, 2, 0]]
    with pytest.raises(TypeError, match="shift=1 and shifts=2"):
        tt.roll(x, 1, shifts=2)
    with pytest.raises(TypeError, match="dims=0 and axis=0"):
        tt.roll(x, 1, 0, axis=0)
    with pytest.raises(TypeError, match="shift"):
        tt.roll(x)


# ---- arange ---------------------------------------------------------------------------------

@pytest.mark.parametrize("device", DEVICES)
def test_arange_with_a_step_away_from_the_end_is_empty(device):
    # the standard: ceil((stop - start) / step) elements, none when that is <= 0 (PyTorch raises)
    out = tt.arange(1, 0, 1, device=device)
    assert out.shape == (0,) and out.dtype == "int64"
    assert tt.arange(0, 5, -1.5, device=device).shape == (0,)
    assert tt.arange(1, 0, 1, dtype="int8", device=device).dtype == "int8"
    assert tt.arange(5, 0, -2, device=device).tolist() == [5, 3, 1]  # still counts down
