"""tinytorch.linalg beyond the array API standard (the second half of linalg.py) and the
matrix ops PyTorch has at the top level (cholesky_solve, logdet, mv, addmv, addr,
chain_matmul, matrix_exp): values against NumPy and SciPy on every device, gradients by
gradcheck (float64), errors, and PyTorch as the oracle for conventions (pivots, lstsq's
outputs, eig's dtypes) and gradients.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.linalg import _chain_order
from tinytorch.testing import gradcheck

scipy_linalg = pytest.importorskip("scipy.linalg")


def _rng(seed=7):
    return np.random.default_rng(seed)


def _np(t):
    return np.asarray(t.tolist())


def _t(a, device="cpu", grad=False):
    return tt.tensor(np.asarray(a), device=device, requires_grad=grad)


def _close(t, expected, tol=1e-12):
    got = _np(t)
    assert got.shape == np.shape(expected), (got.shape, np.shape(expected))
    assert np.allclose(got, expected, rtol=tol, atol=tol), np.max(np.abs(got - expected))


# ---- solve_triangular ------------------------------------------------------------------------

@pytest.mark.parametrize("upper", [True, False])
@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("unit", [True, False])
def test_solve_triangular_matches_scipy(device, upper, left, unit):
    rng = _rng()
    a = rng.standard_normal((3, 4, 4)) + 4 * np.eye(4)  # the other triangle is noise: ignored
    b = rng.standard_normal((3, 4, 2) if left else (3, 2, 4))
    got = tt.linalg.solve_triangular(_t(a, device), _t(b, device), upper=upper, left=left,
                                     unitriangular=unit)
    want = []
    for m, r in zip(a, b):
        if left:
            want.append(scipy_linalg.solve_triangular(m, r, lower=not upper,
                                                      unit_diagonal=unit))
        else:  # X A = B is A^T X^T = B^T
            want.append(scipy_linalg.solve_triangular(m, r.T, trans="T", lower=not upper,
                                                      unit_diagonal=unit).T)
    _close(got, np.stack(want))


def test_solve_triangular_broadcasts_batches_and_refuses_what_does_not_fit():
    rng = _rng()
    a, b = rng.standard_normal((1, 3, 3)) + 3 * np.eye(3), rng.standard_normal((2, 3, 1))
    got = tt.linalg.solve_triangular(_t(a), _t(b), upper=False)
    _close(got, np.stack([np.linalg.solve(np.tril(a[0]), r) for r in b]))
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        tt.linalg.solve_triangular(_t(a[0]), _t(b[0, :, 0]), upper=True)
    with pytest.raises(RuntimeError, match="needs 3 rows"):
        tt.linalg.solve_triangular(_t(a), _t(np.ones((2, 2))), upper=True)
    with pytest.raises(TypeError, match="upper must be True or False"):
        tt.linalg.solve_triangular(_t(a), _t(b), upper=None)
    with pytest.raises(RuntimeError, match="zero on its diagonal"):
        tt.linalg.solve_triangular(_t(np.diag([1.0, 0.0, 2.0])), _t(b[0]), upper=True)
    # a zero diagonal is fine when it is taken as ones
    _close(tt.linalg.solve_triangular(_t(np.diag([1.0, 0.0, 2.0])), _t(b[0]), upper=True,
                                      unitriangular=True), b[0])


# ---- LU --------------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(4, 4), (2, 5, 5), (5, 3), (3, 5), (1, 1)])
def test_lu_factor_and_lu_match_scipy(device, shape):
    a = _rng().standard_normal(shape)
    packed, pivots = tt.linalg.lu_factor(_t(a, device))
    P, L, U = tt.linalg.lu(_t(a, device))  # noqa: N806
    assert pivots.dtype == "int32" and packed.shape == a.shape
    for i, m in enumerate(a.reshape((-1,) + a.shape[-2:])):
        want_packed, want_pivots = scipy_linalg.lu_factor(m)
        _close(packed.reshape((-1,) + a.shape[-2:])[i], want_packed)
        assert _np(pivots.reshape(-1, min(m.shape))[i]).tolist() == (want_pivots + 1).tolist()
        want = scipy_linalg.lu(m)
        for got, w in zip((P, L, U), want):
            _close(got.reshape((-1,) + got.shape[-2:])[i], w)
    _close(P @ L @ U, a)


def test_lu_pivots_complex_entries_as_lapack_does():
    """LAPACK picks the pivot by |re| + |im|: 3 + 3j (6) over 4.5 (a larger modulus)."""
    a = np.array([[4.5 + 0j, 1.0], [3 + 3j, 2.0]])
    packed, pivots = tt.linalg.lu_factor(tt.tensor(a))
    want_packed, want_pivots = scipy_linalg.lu_factor(a)
    assert _np(pivots).tolist() == (want_pivots + 1).tolist() == [2, 2]
    assert np.allclose(np.asarray(packed.tolist()), want_packed, rtol=1e-6)


def test_lu_factor_refuses_a_singular_matrix_and_lu_factors_it():
    a = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(RuntimeError, match=r"U\[1,1\] is zero"):
        tt.linalg.lu_factor(_t(a))
    P, L, U = tt.linalg.lu(_t(a))  # noqa: N806
    _close(P @ L @ U, a)
    assert _np(U)[1, 1] == 0.0


@pytest.mark.parametrize("left", [True, False])
@pytest.mark.parametrize("adjoint", [True, False])
def test_lu_solve_matches_numpy(device, left, adjoint):
    rng = _rng()
    a = rng.standard_normal((2, 4, 4)) + 1j * rng.standard_normal((2, 4, 4))
    b = rng.standard_normal((2, 4, 3) if left else (2, 3, 4))
    A = np.conj(np.swapaxes(a, -1, -2)) if adjoint else a  # noqa: N806
    if device.startswith("strict") or device.startswith("cuda"):
        a, A, b = a.real.copy(), A.real.copy(), b  # noqa: N806 - real on every device
    want = np.linalg.solve(A, b) if left else np.swapaxes(
        np.linalg.solve(np.swapaxes(A, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)
    factors = tt.linalg.lu_factor(_t(a, device))
    _close(tt.linalg.lu_solve(*factors, _t(b, device), left=left, adjoint=adjoint), want,
           tol=1e-10)


def test_lu_solve_checks_pivots():
    a = _t(np.eye(3))
    with pytest.raises(RuntimeError, match="pivots must be the integer tensor"):
        tt.linalg.lu_solve(a, tt.ones(3), a)
    with pytest.raises(RuntimeError, match="pivots must be the integer tensor"):
        tt.linalg.lu_solve(a, tt.ones(2, dtype="int32"), a)


# ---- lstsq -----------------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(6, 3), (3, 6), (2, 5, 4)])
def test_lstsq_matches_numpy(device, shape):
    rng = _rng()
    a = rng.standard_normal(shape)
    b = rng.standard_normal(shape[:-1] + (2,))
    result = tt.linalg.lstsq(_t(a, device), _t(b, device))
    flat_a, flat_b = a.reshape((-1,) + shape[-2:]), b.reshape((-1,) + b.shape[-2:])
    want = np.stack([np.linalg.lstsq(m, r, rcond=None)[0] for m, r in zip(flat_a, flat_b)])
    _close(result.solution, want.reshape(shape[:-2] + want.shape[-2:]), tol=1e-10)
    assert result.rank.dtype == "int64" and _np(result.rank).tolist() == (
        np.full(shape[:-2], min(shape[-2:])).tolist())
    assert result.residuals.shape == (0,) and result.singular_values.shape == (0,)


def test_lstsq_rank_deficient_is_minimum_norm_and_vectors_work():
    a = np.ones((4, 3))
    b = np.arange(4.0)
    result = tt.linalg.lstsq(_t(a), _t(b))
    _close(result.solution, np.linalg.lstsq(a, b, rcond=None)[0])
    assert result.rank.item() == 1 and result.solution.shape == (3,)


def test_lstsq_drivers_fill_what_pytorch_fills():
    torch = pytest.importorskip("torch")
    rng = _rng()
    a, b = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    for driver in ("gels", "gelsy", "gelsd", "gelss"):
        mine = tt.linalg.lstsq(_t(a), _t(b), driver=driver)
        theirs = torch.linalg.lstsq(torch.tensor(a), torch.tensor(b), driver=driver)
        for got, want in zip(mine, theirs):
            assert got.shape == tuple(want.shape), (driver, got.shape, want.shape)
            assert got.dtype == str(want.dtype).removeprefix("torch.")
            assert np.allclose(_np(got), want.numpy(), rtol=1e-10, atol=1e-12), driver
    with pytest.raises(RuntimeError, match="driver must be one of"):
        tt.linalg.lstsq(_t(a), _t(b), driver="gelsx")
    with pytest.raises(RuntimeError, match="inf or nan"):
        tt.linalg.lstsq(_t(np.full((2, 2), np.nan)), _t(b[:2]))


# ---- eig -------------------------------------------------------------------------------------

def test_eig_returns_complex_pairs_that_satisfy_av_equals_v_lambda(device):
    a = _rng().standard_normal((2, 4, 4))
    values, vectors = tt.linalg.eig(_t(a, device))
    assert values.dtype == vectors.dtype == "complex128"
    v, w = np.asarray(vectors.tolist()), np.asarray(values.tolist())
    assert np.allclose(a @ v, v * w[..., None, :], atol=1e-12)
    assert np.allclose(np.linalg.norm(v, axis=-2), 1.0)
    want = np.linalg.eigvals(a)
    for got, ref in zip(w, want):
        assert np.allclose(np.sort_complex(got), np.sort_complex(ref))
    assert tt.linalg.eigvals(_t(a.astype(np.float32), device)).dtype == "complex64"
    assert tt.linalg.eigvals(_t(np.diag([1.0, 2.0]), device)).dtype == "complex128"


def test_eig_gradient_of_eigenvalues_and_the_eigenvectors_error():
    torch = pytest.importorskip("torch")
    a = _rng().standard_normal((3, 3))   # complex eigenvalues for this seed, and real ones
    mine, theirs = _t(a, grad=True), torch.tensor(a, requires_grad=True)
    weights = np.array([1.0 + 2.0j, -0.5 + 0.25j, 3.0 - 1.0j])
    m, t = tt.linalg.eigvals(mine), torch.linalg.eigvals(theirs)
    assert np.allclose(np.asarray(m.tolist()), t.detach().numpy())  # same LAPACK order
    (tt.real(m) * _t(weights.real) + tt.imag(m) * _t(weights.imag)).sum().backward()
    (t.real * torch.tensor(weights.real) + t.imag * torch.tensor(weights.imag)).sum().backward()
    _close(mine.grad, theirs.grad.numpy(), tol=1e-10)
    vectors = tt.linalg.eig(_t(a, grad=True)).eigenvectors
    with pytest.raises(RuntimeError, match="eigenvectors is not implemented"):
        tt.real(vectors).sum().backward()
    with pytest.raises(RuntimeError, match="inf or nan"):
        tt.linalg.eig(_t(np.array([[np.nan, 0.0], [0.0, 1.0]])))


# ---- matrix_exp ------------------------------------------------------------------------------

def test_matrix_exp_matches_scipy(device):
    rng = _rng()
    # small and large norms in one batch (one scaling for all), and exactly known cases
    a = np.stack([rng.standard_normal((4, 4)) * 0.01, rng.standard_normal((4, 4)) * 8])
    _close(tt.linalg.matrix_exp(_t(a, device)), scipy_linalg.expm(a), tol=1e-11)
    rotation = np.array([[0.0, 1.0], [-1.0, 0.0]])
    _close(tt.matrix_exp(_t(rotation, device)),
           [[math.cos(1), math.sin(1)], [-math.sin(1), math.cos(1)]], tol=1e-15)
    nilpotent = np.array([[0.0, 2.0], [0.0, 0.0]])
    _close(_t(nilpotent, device).matrix_exp(), [[1.0, 2.0], [0.0, 1.0]], tol=1e-15)


def test_matrix_exp_complex_and_relative_accuracy():
    rng = _rng()
    a = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    got = np.asarray(tt.linalg.matrix_exp(tt.tensor(a * 20)).tolist())
    want = scipy_linalg.expm(a * 20)
    assert np.linalg.norm(got - want) / np.linalg.norm(want) < 1e-12


# ---- multi_dot and chain_matmul --------------------------------------------------------------

def test_multi_dot_matches_numpy_and_picks_the_cheapest_order():
    rng = _rng()
    mats = [rng.standard_normal(s) for s in [(10,), (10, 100), (100, 5), (5, 50), (50,)]]
    _close(tt.linalg.multi_dot([_t(m) for m in mats]), np.linalg.multi_dot(mats), tol=1e-10)
    _close(tt.linalg.multi_dot([_t(m) for m in mats[1:4]]), np.linalg.multi_dot(mats[1:4]),
           tol=1e-10)
    # A 10x100, B 100x5, C 5x50: (AB)C costs 7500 multiplications, A(BC) 75000
    assert _chain_order([10, 100, 5, 50])[0][2] == 1
    assert _chain_order([50, 5, 100, 10])[0][2] == 0       # the mirror image: A(BC)
    with pytest.raises(RuntimeError, match="at least 2 tensors"):
        tt.linalg.multi_dot([_t(mats[1])])
    with pytest.raises(RuntimeError, match="cannot be multiplied"):
        tt.linalg.multi_dot([_t(mats[1]), _t(mats[1])])
    with pytest.raises(RuntimeError, match="tensor 1 has 1 dimensions"):
        tt.linalg.multi_dot([_t(mats[1]), _t(mats[0]), _t(mats[1])])


def test_chain_matmul():
    rng = _rng()
    mats = [rng.standard_normal(s) for s in [(3, 4), (4, 5), (5, 2)]]
    _close(tt.chain_matmul(*[_t(m) for m in mats]), mats[0] @ mats[1] @ mats[2])
    _close(tt.chain_matmul(_t(mats[0])), mats[0])
    with pytest.raises(RuntimeError, match="must be a 2-D tensor, got 1-D"):
        tt.chain_matmul(_t(mats[0]), _t(np.ones(4)))


# ---- cholesky_solve, logdet, mv, addmv, addr -------------------------------------------------

@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_solve_matches_scipy(device, upper):
    rng = _rng()
    m = rng.standard_normal((2, 4, 4))
    spd = m @ np.swapaxes(m, -1, -2) + 4 * np.eye(4)
    b = rng.standard_normal((2, 4, 3))
    factor = np.linalg.cholesky(spd)
    factor = np.swapaxes(factor, -1, -2) if upper else factor
    got = tt.cholesky_solve(_t(b, device), _t(factor, device), upper)
    want = np.stack([scipy_linalg.cho_solve((f, not upper), r) for f, r in zip(factor, b)])
    _close(got, want, tol=1e-10)


def test_cholesky_solve_gradient_is_pytorchs():
    """PyTorch's formula treats L as a full matrix: its upper triangle gets a gradient too."""
    torch = pytest.importorskip("torch")
    rng = _rng()
    m = rng.standard_normal((3, 3))
    factor = np.linalg.cholesky(m @ m.T + 3 * np.eye(3))
    b = rng.standard_normal((3, 2))
    for upper in (False, True):
        f = factor.T.copy() if upper else factor
        mine_l, mine_b = _t(f, grad=True), _t(b, grad=True)
        their_l = torch.tensor(f, requires_grad=True)
        their_b = torch.tensor(b, requires_grad=True)
        (tt.cholesky_solve(mine_b, mine_l, upper) ** 2).sum().backward()
        (torch.cholesky_solve(their_b, their_l, upper) ** 2).sum().backward()
        _close(mine_l.grad, their_l.grad.numpy(), tol=1e-10)
        _close(mine_b.grad, their_b.grad.numpy(), tol=1e-10)


def test_logdet():
    a = np.array([[[2.0, 1.0], [1.0, 3.0]], [[-1.0, 0.0], [0.0, 1.0]], [[1.0, 2.0], [2.0, 4.0]]])
    got = _np(tt.logdet(_t(a)))
    assert got[0] == pytest.approx(math.log(5.0), rel=1e-15)
    assert math.isnan(got[1]) and got[2] == -math.inf
    x = _t(a[0], grad=True)
    x.logdet().backward()
    _close(x.grad, np.linalg.inv(a[0]).T)
    z = tt.tensor(np.array([[2j, 0.0], [0.0, 1.0]]))
    assert complex(tt.logdet(z).item()) == pytest.approx(complex(math.log(2), math.pi / 2))


def test_mv_addmv_addr(device):
    rng = _rng()
    m, v, w = rng.standard_normal((3, 4)), rng.standard_normal(4), rng.standard_normal(3)
    _close(tt.mv(_t(m, device), _t(v, device)), m @ v)
    _close(_t(w, device).addmv(_t(m, device), _t(v, device), beta=0.5, alpha=2),
           0.5 * w + 2 * (m @ v))
    _close(tt.addr(_t(m, device), _t(w, device), _t(v, device), beta=2, alpha=-1),
           2 * m - np.outer(w, v))
    # beta = 0 ignores input, nan included, as PyTorch
    _close(tt.addmv(_t(np.full(3, np.nan), device), _t(m, device), _t(v, device), beta=0),
           m @ v)
    ints = tt.addr(tt.zeros(2, 2, dtype="int64"), tt.tensor([1, 2]), tt.tensor([3, 4]), alpha=2)
    assert ints.dtype == "int64" and ints.tolist() == [[6, 8], [12, 16]]
    with pytest.raises(RuntimeError, match="mv\\(\\) multiplies a 2-D matrix by a 1-D vector"):
        tt.mv(_t(m), _t(m))
    with pytest.raises(RuntimeError, match="two 1-D vectors"):
        tt.addr(_t(m), _t(m), _t(v))
    with pytest.raises(RuntimeError, match="do not broadcast"):
        tt.addmv(_t(np.ones(4)), _t(m), _t(v))


# ---- gradients (float64, every device) -------------------------------------------------------

def test_gradients_pass_gradcheck(device):
    rng = _rng()

    def leaf(shape, shift=0.0):
        a = rng.standard_normal(shape) + (shift * np.eye(shape[-1]) if shift else 0.0)
        return tt.tensor(a, dtype="float64", device=device, requires_grad=True)

    square, rhs = leaf((2, 4, 4), 4.0), leaf((2, 4, 2))
    eye = tt.eye(4, dtype="float64", device=device)
    checks = [
        (lambda a, b: tt.linalg.solve_triangular(a, b, upper=True), (square, rhs)),
        (lambda a, b: tt.linalg.solve_triangular(a, b.mT, upper=False, left=False,
                                                 unitriangular=True), (square, rhs)),
        (lambda a: tt.linalg.lu_factor(a).LU, (square,)),
        (lambda a: tuple(tt.linalg.lu(a)), (square,)),
        (lambda a, b: tt.linalg.lu_solve(*tt.linalg.lu_factor(a), b), (square, rhs)),
        (lambda a, b: tt.linalg.lu_solve(*tt.linalg.lu_factor(a), b.mT, adjoint=True,
                                         left=False), (square, rhs)),
        (lambda a, b: tt.linalg.lstsq(a, b).solution, (leaf((2, 5, 3)), leaf((2, 5, 2)))),
        (lambda a, b: tt.linalg.lstsq(a, b).solution, (leaf((3, 5)), leaf((3, 2)))),
        (lambda a, b: tt.linalg.lstsq(a, b, driver="gelsd").residuals,
         (leaf((5, 3)), leaf((5, 2)))),
        (lambda a: (tt.real(tt.linalg.eigvals(a)), tt.imag(tt.linalg.eigvals(a))),
         (leaf((3, 3)),)),
        (tt.linalg.matrix_exp, (leaf((2, 3, 3)),)),
        (lambda a, b, c: tt.linalg.multi_dot([a, b, c]), (leaf((3,)), leaf((3, 5)), leaf((5,)))),
        (lambda a, b: tt.cholesky_solve(b, tt.linalg.cholesky(a @ a.mT + eye)), (square, rhs)),
        (lambda a, b: tt.cholesky_solve(b, tt.linalg.cholesky(a @ a.mT + eye, upper=True),
                                        upper=True), (square, rhs)),
        (lambda a: tt.logdet(a @ a.mT + eye), (square,)),
        (lambda x, a, v: tt.addmv(x, a, v, beta=0.5, alpha=2), (leaf((4,)), leaf((4, 4)),
                                                                leaf((4,)))),
        (lambda x, u, v: tt.addr(x, u, v, beta=0.5, alpha=2), (leaf((4, 4)), leaf((4,)),
                                                               leaf((4,)))),
    ]
    for fn, args in checks:
        assert gradcheck(fn, args)


def test_lu_gradient_of_a_rectangular_matrix_says_it_is_missing():
    a = _t(np.arange(6.0).reshape(2, 3) + np.eye(2, 3), grad=True)
    with pytest.raises(RuntimeError, match="square matrices only"):
        tt.linalg.lu_factor(a).LU.sum().backward()


def test_gradients_match_pytorch():
    torch = pytest.importorskip("torch")
    rng = _rng()
    a = rng.standard_normal((4, 4)) + 2 * np.eye(4)
    b = rng.standard_normal((4, 2))
    tall, rhs = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    cases = [
        (lambda m, r: tt.linalg.solve_triangular(m, r, upper=True),
         lambda m, r: torch.linalg.solve_triangular(m, r, upper=True), (a, b)),
        (lambda m: tt.linalg.lu(m).U.sum() + tt.linalg.lu(m).L.sum(),
         lambda m: torch.linalg.lu(m).U.sum() + torch.linalg.lu(m).L.sum(), (a,)),
        (lambda m, r: tt.linalg.lu_solve(*tt.linalg.lu_factor(m), r),
         lambda m, r: torch.linalg.lu_solve(*torch.linalg.lu_factor(m), r), (a, b)),
        (lambda m, r: tt.linalg.lstsq(m, r).solution,
         lambda m, r: torch.linalg.lstsq(m, r).solution, (tall, rhs)),
        (lambda m, r: tt.linalg.lstsq(m.mT, r[:3]).solution,
         lambda m, r: torch.linalg.lstsq(m.mT, r[:3]).solution, (tall, rhs)),
        (tt.linalg.matrix_exp, torch.linalg.matrix_exp, (a,)),
        (lambda m: tt.logdet(m @ m.mT), lambda m: torch.logdet(m @ m.mT), (a,)),
    ]
    for ours, theirs, args in cases:
        mine = [_t(x, grad=True) for x in args]
        ref = [torch.tensor(x, requires_grad=True) for x in args]
        out, want = ours(*mine), theirs(*ref)
        assert np.allclose(_np(out), want.detach().numpy(), rtol=1e-10, atol=1e-12)
        (out * out).sum().backward()
        (want * want).sum().backward()
        for m, r in zip(mine, ref):
            assert np.allclose(_np(m.grad), r.grad.numpy(), rtol=1e-9, atol=1e-11)
