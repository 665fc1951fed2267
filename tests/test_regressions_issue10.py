"""Regression tests for the array API gaps the official suite (data-apis/array-api-tests) found
(issue 10), and for the PyTorch behaviour kept next to each fix.

Each expected value is the standard's or PyTorch's, written out by hand or from the formula the
comment gives (Python's cmath for complex values), never computed by the code under test. The
conflicts between the two are decided in the table of docs/array-api.md.
"""

from __future__ import annotations

import cmath
import inspect
import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.testing import gradcheck

DEVICES = ["cpu", "strict:1"]
INF, NAN = float("inf"), float("nan")


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


# ---- 0-d boolean masks ----------------------------------------------------------------------

@pytest.mark.parametrize("device", DEVICES)
def test_0d_boolean_masks_add_an_axis_of_size_one_or_zero(device):
    # the standard: A[B] for a 0-d B has shape (1, *A.shape) if B is True, (0, *A.shape) if not
    x = tt.arange(6.0, device=device).reshape(2, 3)
    for true, false in ((True, False),
                        (tt.asarray(True, device=device), tt.asarray(False, device=device))):
        assert x[true].shape == (1, 2, 3)
        assert x[true].tolist() == [[[0, 1, 2], [3, 4, 5]]]
        assert x[false].shape == (0, 2, 3)
        assert x[:, true].shape == (2, 1, 3) and x[..., false].shape == (2, 3, 0)
    scalar = tt.tensor(5.0, device=device)
    assert scalar[tt.asarray(True, device=device)].tolist() == [5.0]
    assert scalar[False].shape == (0,)


def test_0d_masks_next_to_integer_tensors_broadcast_as_in_pytorch_and_numpy():
    x = tt.zeros(2, 3)
    # torch.zeros(2, 3)[[0, 1], True].shape and NumPy's: (2, 3)
    assert x[[0, 1], True].shape == (2, 3)
    assert x[True, [0, 1]].shape == (2, 3)
    assert x[0, True, [0, 2]].shape == (2,)
    with pytest.raises(IndexError, match="broadcast"):
        x[[0, 1], False]  # shapes (2,) and (0,), as NumPy and PyTorch say


@pytest.mark.parametrize("device", DEVICES)
def test_setitem_with_a_0d_mask_writes_everything_or_nothing(device):
    x = tt.tensor(5.0, device=device)
    x[tt.asarray(True, device=device)] = 3.0
    assert x.item() == 3.0
    x[tt.asarray(False, device=device)] = 7.0
    assert x.item() == 3.0
    m = tt.zeros(2, 3, device=device)
    m[True] = tt.tensor([1.0, 2.0, 3.0], device=device)
    assert m.tolist() == [[1, 2, 3], [1, 2, 3]]
    m[False] = 9.0
    assert m.tolist() == [[1, 2, 3], [1, 2, 3]]


@pytest.mark.parametrize("device", DEVICES)
def test_setitem_takes_python_complex_scalars(device):
    z = tt.zeros(3, dtype="complex64", device=device)
    z[tt.tensor([True, False, True], device=device)] = 1 + 2j
    z[1] = 3j
    assert z.tolist() == [1 + 2j, 3j, 1 + 2j]
    y = tt.zeros(2, device=device)
    y[0] = 1 + 0j  # a real value in complex form, as torch.zeros(2)[0] = 1 + 0j
    assert y.tolist() == [1.0, 0.0]
    with pytest.raises(RuntimeError, match="imaginary part"):
        y[0] = 1j  # PyTorch: "value cannot be converted to type float"


def test_gradient_through_a_0d_mask():
    x = tt.ones(2, 3, requires_grad=True)
    (x[True] * 2).sum().backward()
    assert x.grad.tolist() == [[2, 2, 2], [2, 2, 2]]
    y = tt.ones(2, 3, requires_grad=True)
    (y[False] * 2).sum().backward()
    assert y.grad.tolist() == [[0, 0, 0], [0, 0, 0]]


def test_a_mask_without_elements_selects_nothing():
    # a mask whose sizes are the indexed axes' or 0 (the official suite's rule, and NumPy's)
    x = tt.zeros(2, 3)
    assert x[tt.zeros((0, 3), dtype="bool")].shape == (0,)
    assert x[tt.zeros((2, 0), dtype="bool")].shape == (0,)
    assert tt.zeros(0, 1)[tt.zeros((0, 0), dtype="bool")].shape == (0,)
    with pytest.raises(IndexError, match=r"mask \[0, 5\]"):
        x[tt.zeros((0, 5), dtype="bool")]


# ---- squeeze --------------------------------------------------------------------------------

def test_squeeze_with_the_standards_axis_refuses_an_axis_whose_size_is_not_1():
    x = tt.ones(2, 1, 3)
    for call in (lambda: tt.squeeze(x, 0), lambda: tt.squeeze(x, axis=0),
                 lambda: tt.squeeze(x, (0, 1))):
        with pytest.raises(ValueError, match=r"axis 0 has size 2") as info:
            call()
        assert "x.squeeze(" in str(info.value) and "dim=" in str(info.value)
    assert tt.squeeze(x, 1).shape == (2, 3)
    assert tt.squeeze(x, axis=-2).shape == (2, 3)


def test_squeeze_with_pytorchs_dim_or_the_method_leaves_such_an_axis():
    x = tt.ones(2, 1, 3)
    assert x.squeeze(0).shape == (2, 1, 3)  # torch.ones(2, 1, 3).squeeze(0).shape
    assert tt.squeeze(x, dim=0).shape == (2, 1, 3)
    assert x.squeeze(1).shape == (2, 3)
    assert tt.squeeze(x).shape == (2, 3)  # no axis: every size-1 axis, as PyTorch
    with pytest.raises(TypeError, match="once"):
        tt.squeeze(x, 1, dim=1)


# ---- linalg.solve broadcasting (2024.12) ----------------------------------------------------

@pytest.mark.parametrize("device", DEVICES)
def test_solve_broadcasts_a_vector_against_a_stack_of_matrices(device):
    # A = diag(1, 2, 4) in every matrix of a (2, 1) stack: x = b / (1, 2, 4)
    a = tt.broadcast_to(tt.tensor([[1.0, 0, 0], [0, 2, 0], [0, 0, 4]], dtype="float64",
                                  device=device), (2, 1, 3, 3))
    b = tt.tensor([1.0, 1.0, 2.0], dtype="float64", device=device)
    out = tt.linalg.solve(a, b)
    assert out.shape == (2, 1, 3)  # shape(x1)[:-2] + shape(x2)[-1:]
    assert np.allclose(np.asarray(out.tolist()), [[[1.0, 0.5, 0.5]]] * 2)


@pytest.mark.parametrize("device", DEVICES)
def test_solve_broadcasts_the_batch_axes_of_matrices(device):
    a = tt.tensor([[[1.0, 0], [0, 2]]], dtype="float64", device=device)  # (1, 2, 2)
    b = tt.tensor([[[2.0], [4.0]], [[1.0], [2.0]], [[0.0], [8.0]]], dtype="float64",
                  device=device)  # (3, 2, 1)
    out = tt.linalg.solve(a, b)
    assert out.shape == (3, 2, 1)
    assert np.allclose(np.asarray(out.tolist()), [[[2], [2]], [[1], [1]], [[0], [4]]])
    assert tt.linalg.solve(tt.zeros(0, 0, 0, device=device), tt.zeros(0, device=device)).shape \
        == (0, 0)


def test_solve_gradients_reach_broadcast_inputs():
    a = (tt.eye(2, dtype="float64") * 2).reshape(1, 2, 2).requires_grad_()
    b = tt.ones(3, 2, 1, dtype="float64", requires_grad=True)
    tt.linalg.solve(a, b).sum().backward()
    # x = A^-1 b; dL/db = A^-T 1 = 0.5 each; dL/dA = -sum over the 3 copies of A^-T 1 x^T
    assert np.allclose(np.asarray(b.grad.tolist()), 0.5)
    assert np.allclose(np.asarray(a.grad.tolist()), [[[-0.75, -0.75], [-0.75, -0.75]]])
    assert gradcheck(lambda m, v: tt.linalg.solve(m, v),
                     (tt.tensor([[[3.0, 1], [0.5, 2]]], dtype="float64", requires_grad=True),
                      tt.tensor([1.0, -2], dtype="float64", requires_grad=True)))


def test_solve_names_pytorchs_batch_of_vectors_spelling():
    a = tt.broadcast_to(tt.eye(3), (2, 3, 3))
    with pytest.raises(RuntimeError, match=r"B\[\.\.\., None\]\)\[\.\.\., 0\]"):
        tt.linalg.solve(a, tt.ones(2, 3))
    assert tt.linalg.solve(a, tt.ones(2, 3)[..., None])[..., 0].shape == (2, 3)


def test_solve_left_false_solves_x_a_equals_b():
    a = tt.tensor([[2.0, 0], [1, 1]], dtype="float64")
    b = tt.tensor([[4.0, 1]], dtype="float64")
    # x A = b: x = (x1, x2) with 2 x1 + x2 = 4 and x2 = 1, so x = (1.5, 1)
    assert np.allclose(np.asarray(tt.linalg.solve(a, b, left=False).tolist()), [[1.5, 1.0]])


# ---- sums of unsigned integers --------------------------------------------------------------

@pytest.mark.parametrize("device", DEVICES)
def test_the_standards_sums_keep_unsigned_integers_unsigned(device):
    x = tt.tensor([200, 100], dtype="uint8", device=device)
    for out, value in ((tt.sum(x), 300), (tt.prod(x), 20000)):
        assert out.dtype == "uint64" and out.item() == value
    assert tt.cumulative_sum(x).dtype == "uint64"
    assert tt.cumulative_sum(x).tolist() == [200, 300]
    assert tt.cumulative_prod(x).tolist() == [200, 20000]
    assert tt.sum(x, dtype="int16").dtype == "int16"
    # an explicit dtype is the result's, however narrow (the backend would widen it)
    assert tt.cumulative_sum(x, dtype="uint8").dtype == "uint8"
    assert tt.cumulative_sum(x, dtype="uint8").tolist() == [200, 44]  # 300 wraps to 44
    assert tt.cumulative_prod(x, dtype="int16", include_initial=True).dtype == "int16"
    assert tt.cumsum(tt.ones(2, dtype="int8", device=device), 0, dtype="int8").dtype == "int8"
    big = tt.tensor([2**63, 1], dtype="uint64", device=device)  # beyond int64
    assert tt.sum(big).item() == 2**63 + 1


def test_pytorchs_sums_of_unsigned_integers_stay_int64():
    x = tt.tensor([200, 100], dtype="uint8")
    assert x.sum().dtype == "int64" and x.sum().item() == 300  # torch.uint8 sum: int64
    assert x.prod().dtype == "int64"
    assert tt.cumsum(x, 0).dtype == "int64" and x.cumprod(0).dtype == "int64"
    assert (x.sum() - tt.tensor(1)).item() == 299  # mixes with int64 as in PyTorch
    with pytest.raises(TypeError, match="int64"):
        tt.sum(x) - tt.tensor(1)  # uint64 and int64 have no common dtype


# ---- complex expm1 at infinities and nan ----------------------------------------------------

# the array API standard's special cases for expm1(a + bj); `None` marks a sign it leaves open
EXPM1_CASES = [
    (complex(0.0, 0.0), (0.0, 0.0)),
    (complex(-0.0, 0.0), (0.0, 0.0)),           # "+0 or -0, and b +0: 0 + 0j"
    (complex(-0.0, -0.0), (0.0, -0.0)),
    (complex(INF, 0.0), (INF, 0.0)),
    (complex(INF, -0.0), (INF, -0.0)),         # expm1(conj(z)) == conj(expm1(z))
    (complex(-INF, INF), (-1.0, None)),
    (complex(INF, INF), (None, NAN)),           # real part: +-inf
    (complex(-INF, NAN), (-1.0, None)),
    (complex(INF, NAN), (None, NAN)),
    (complex(NAN, 0.0), (NAN, 0.0)),
    (complex(NAN, -0.0), (NAN, -0.0)),
    (complex(NAN, 1.0), (NAN, NAN)),
    (complex(1.0, INF), (NAN, NAN)),
    (complex(-INF, 2.0), (-1.0, 0.0)),          # +0 * cis(2) - 1, sin(2) > 0
    (complex(-INF, 4.0), (-1.0, -0.0)),         # sin(4) < 0
    (complex(INF, 2.0), (-INF, INF)),           # inf * cis(2) - 1: cos(2) < 0 < sin(2)
]


def _same(got, want):
    if want is None:
        return True
    if math.isnan(want):
        return math.isnan(got)
    return got == want and math.copysign(1, got) == math.copysign(1, want)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_expm1_special_values_follow_the_standard(device, dtype):
    z = tt.tensor([c for c, _ in EXPM1_CASES], dtype=dtype, device=device)
    with np.errstate(all="ignore"):
        got = tt.expm1(z).tolist()
    for (arg, (re, im)), out in zip(EXPM1_CASES, got):
        assert _same(out.real, re) and _same(out.imag, im), (arg, out)
    assert abs(got[4].real) == INF and abs(got[6].real) == INF


# the standard's tanh(a + bj) for a = +-inf and finite b: +-1 + 0j, the zero signed as b
# (tanh(conj(z)) == conj(tanh(z)) and tanh is odd); C99 and NumPy sign it as sin(2b)
TANH_CASES = [
    (complex(INF, 2.0), (1.0, 0.0)),            # sin(4) < 0: NumPy gives 1 - 0j
    (complex(INF, 4.0), (1.0, 0.0)),
    (complex(INF, -2.0), (1.0, -0.0)),
    (complex(-INF, 2.0), (-1.0, 0.0)),
    (complex(INF, 0.0), (1.0, 0.0)),
    (complex(INF, INF), (1.0, None)),
    (complex(INF, NAN), (1.0, None)),
    (complex(0.0, 0.0), (0.0, 0.0)),
    (complex(2.0, INF), (NAN, NAN)),
    (complex(NAN, 0.0), (NAN, 0.0)),
    (complex(NAN, 2.0), (NAN, NAN)),
]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_complex_tanh_special_values_follow_the_standard(device, dtype):
    z = tt.tensor([c for c, _ in TANH_CASES], dtype=dtype, device=device)
    with np.errstate(all="ignore"):
        got = tt.tanh(z).tolist()
    for (arg, (re, im)), out in zip(TANH_CASES, got):
        assert _same(out.real, re) and _same(out.imag, im), (arg, out)
    w = complex(0.5, 1.0)
    assert cmath.isclose(tt.tanh(tt.tensor([w], dtype=dtype)).tolist()[0], cmath.tanh(w),
                         rel_tol=1e-6)


def test_complex_expm1_values_and_gradient_at_finite_points():
    points = [0.5 + 1j, -2 + 0.3j, 1e-8 - 1e-8j]
    z = tt.tensor(points, dtype="complex128", requires_grad=True)
    out = tt.expm1(z)
    for got, p in zip(out.tolist(), points):
        # expm1(x + iy) = expm1(x) cos y - 2 sin^2(y / 2) + i e^x sin y, exact near 0
        x, y = p.real, p.imag
        want = complex(math.expm1(x) * math.cos(y) - 2 * math.sin(y / 2) ** 2,
                       math.exp(x) * math.sin(y))
        assert cmath.isclose(got, want, rel_tol=1e-12)
    tt.real(out).sum().backward()
    # d Re(f) / dx + i d Re(f) / dy = conj(f'(z)) for holomorphic f; f' = exp
    for got, p in zip(z.grad.tolist(), points):
        assert cmath.isclose(got, cmath.exp(p).conjugate(), rel_tol=1e-12)


# ---- complex sigmoid ------------------------------------------------------------------------

SIGMOID_POINTS = [0.5 + 1j, -2 + 0.3j, 3 - 2j, -30 + 1j, 30 - 0.5j, 0j]


def _sigmoid(z):
    return 1 / (1 + cmath.exp(-z))


@pytest.mark.parametrize("device", DEVICES)
def test_complex_sigmoid_values_and_gradient(device):
    z = tt.tensor(SIGMOID_POINTS, dtype="complex128", device=device, requires_grad=True)
    out = tt.sigmoid(z)
    assert out.dtype == "complex128"
    for got, p in zip(out.tolist(), SIGMOID_POINTS):
        assert cmath.isclose(got, _sigmoid(p), rel_tol=1e-12, abs_tol=1e-14)
    w = [1 + 2j, -1j, 0.5, 2, 1, 3j]
    tt.real(out * tt.tensor(w, device=device)).sum().backward()
    # L = Re(sum w f(z)): dL/dx + i dL/dy = conj(w f'(z)), f' = s (1 - s)
    for got, p, c in zip(z.grad.tolist(), SIGMOID_POINTS, w):
        s = _sigmoid(p)
        assert cmath.isclose(got, (c * s * (1 - s)).conjugate(), rel_tol=1e-10, abs_tol=1e-14)


def test_complex_sigmoid_passes_gradcheck_and_does_not_overflow():
    z = tt.tensor([0.3 - 0.2j, -1.1 + 0.5j], dtype="complex128", requires_grad=True)
    assert gradcheck(tt.sigmoid, (z,))
    far = tt.sigmoid(tt.tensor([-800 + 1j, 800 - 0.5j], dtype="complex128")).tolist()
    assert far == [0j, 1 + 0j]  # the limits, where 1 / (1 + exp(800 - 1j)) would overflow


def test_complex_sigmoid_matches_torch():
    torch = pytest.importorskip("torch")
    ref = torch.tensor(SIGMOID_POINTS, dtype=torch.complex128, requires_grad=True)
    z = tt.tensor(SIGMOID_POINTS, dtype="complex128", requires_grad=True)
    w = [1 + 2j, -1j, 0.5, 2, 1, 3j]
    (torch.sigmoid(ref) * torch.tensor(w)).real.sum().backward()
    mine = tt.sigmoid(z)
    tt.real(mine * tt.tensor(w)).sum().backward()
    assert np.allclose(np.asarray(mine.tolist()), torch.sigmoid(ref).detach().numpy())
    assert np.allclose(np.asarray(z.grad.tolist()), ref.grad.numpy())


# ---- unique(dim=) ---------------------------------------------------------------------------

@pytest.mark.parametrize("device", DEVICES)
def test_unique_with_dim_gives_pytorchs_sorted_slices(device):
    x = tt.tensor([[1, 2], [1, 2], [0, 1]], device=device)
    values, inverse, counts = tt.unique(x, dim=0, return_inverse=True, return_counts=True)
    # torch.unique(torch.tensor([[1, 2], [1, 2], [0, 1]]), dim=0, ...)
    assert values.tolist() == [[0, 1], [1, 2]]
    assert inverse.tolist() == [1, 1, 0] and counts.tolist() == [1, 2]
    values, inverse = x.T.unique(dim=1, return_inverse=True)
    assert values.tolist() == [[0, 1], [1, 2]] and inverse.tolist() == [1, 1, 0]
    rows = tt.tensor([[3, 1], [1, 2], [3, 1], [1, 0]], device=device)
    assert tt.unique(rows, dim=0).tolist() == [[1, 0], [1, 2], [3, 1]]
    assert tt.unique(tt.zeros(0, 3, device=device), dim=0).shape == (0, 3)


def test_unique_with_dim_keeps_nan_rows_apart_and_names_bad_dims():
    x = tt.tensor([[NAN, 1.0], [NAN, 1.0]])
    assert tt.unique(x, dim=0, return_counts=True)[1].tolist() == [1, 1]  # as torch.unique
    with pytest.raises(IndexError, match="0-d"):
        tt.unique(tt.tensor(2.0), dim=0)
    with pytest.raises(RuntimeError, match="empty"):
        tt.unique(tt.zeros(3, 0), dim=0)


def test_unique_with_dim_matches_torch():
    torch = pytest.importorskip("torch")
    data = np.random.default_rng(0).integers(0, 3, size=(6, 2, 3))
    for dim in (0, 1, 2, -1):
        ref = torch.unique(torch.tensor(data), dim=dim, return_inverse=True, return_counts=True)
        mine = tt.unique(tt.tensor(data), dim=dim, return_inverse=True, return_counts=True)
        for a, b in zip(mine, ref):
            assert a.tolist() == b.tolist()
