"""linalg.matrix_norm in PyTorch's form (ord, dim, keepdim positional; dtype=) and the array
API's (keepdims=, ord=), norm(p="nuc"), and the gradient of svdvals that 'nuc', 2 and -2 use:
values against numpy.linalg.norm on every device and against PyTorch, gradients by gradcheck."""

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.testing import gradcheck

ORDS = ["fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf]
rng = np.random.default_rng(3)
A3 = rng.standard_normal((2, 3, 4))


def host(t):
    return np.asarray(t.to("cpu").tolist())


def numpy_matrix_norm(a, ord, dim=(-2, -1), keepdims=False):  # noqa: A002
    return np.linalg.norm(a, ord, axis=dim, keepdims=keepdims)


@pytest.mark.parametrize("ord", ORDS)
def test_pytorch_positional_form(device, ord):  # noqa: A002
    x = tt.tensor(A3, device=device)
    for dim in [(-2, -1), (0, 2), (2, 0), (1, 0)]:
        for keepdim in (False, True):
            got = tt.linalg.matrix_norm(x, ord, dim, keepdim)
            want = numpy_matrix_norm(A3, ord, dim, keepdim)
            assert got.shape == want.shape, (dim, keepdim)
            np.testing.assert_allclose(host(got), want, rtol=1e-12, err_msg=f"{dim} {keepdim}")


@pytest.mark.parametrize("ord", ORDS)
def test_array_api_keyword_form(device, ord):  # noqa: A002
    x = tt.tensor(A3, device=device)
    got = tt.linalg.matrix_norm(x, keepdims=True, ord=ord)
    np.testing.assert_allclose(host(got), numpy_matrix_norm(A3, ord, keepdims=True), rtol=1e-12)
    assert tt.linalg.matrix_norm(x, ord=ord).shape == (2,)


def test_default_is_frobenius_and_dtype_casts_first():
    x = tt.tensor([[3.0, 0.0], [0.0, 4.0]])
    assert tt.linalg.matrix_norm(x).item() == 5.0
    out = tt.linalg.matrix_norm(x, dtype="float64")
    assert out.dtype == "float64" and out.item() == 5.0
    # hand-worked: singular values 4 and 3; columns sum to 3 and 4; rows to 3 and 4
    assert [tt.linalg.matrix_norm(x, o).item() for o in ("nuc", 2, -2, 1, -1, math.inf)] == [
        7.0, 4.0, 3.0, 4.0, 3.0, 4.0]


def test_keepdim_and_keepdims_must_agree():
    x = tt.ones(2, 2)
    assert tt.linalg.matrix_norm(x, keepdim=True, keepdims=True).shape == (1, 1)
    with pytest.raises(TypeError, match="keepdims"):
        tt.linalg.matrix_norm(x, keepdim=True, keepdims=False)


def test_norm_p_nuc(device):
    m = A3[0]
    x = tt.tensor(m, device=device)
    want = np.linalg.norm(m, "nuc")
    assert math.isclose(tt.norm(x, p="nuc").item(), want, rel_tol=1e-12)
    assert math.isclose(x.norm(p="nuc").item(), want, rel_tol=1e-12)
    x3 = tt.tensor(A3, device=device)
    got = x3.norm("nuc", dim=(0, 2), keepdim=True)
    np.testing.assert_allclose(host(got), numpy_matrix_norm(A3, "nuc", (0, 2), True),
                               rtol=1e-12)
    with pytest.raises(RuntimeError, match="2-tuple"):
        tt.norm(x3, p="nuc")  # three dims and no dim: which two is ambiguous (as PyTorch)


def test_linalg_norm_reads_a_two_dim_tuple_as_matrices():
    x = tt.tensor(A3)
    np.testing.assert_allclose(host(tt.linalg.norm(x, 2, (0, 1))),
                               numpy_matrix_norm(A3, 2, (0, 1)), rtol=1e-12)
    np.testing.assert_allclose(host(tt.linalg.norm(x[0], 2, 0)),
                               np.linalg.norm(A3[0], 2, axis=0), rtol=1e-12)  # vectors
    np.testing.assert_allclose(host(tt.linalg.norm(x, "nuc")),
                               numpy_matrix_norm(A3, "nuc"), rtol=1e-12)


def test_empty_matrices_have_norm_zero():
    for ord in ORDS:  # noqa: A001
        assert tt.linalg.matrix_norm(tt.zeros(2, 0, 3), ord).tolist() == [0.0, 0.0], ord
    assert tt.linalg.svdvals(tt.zeros(2, 3, 0)).shape == (2, 0)


def test_a_non_finite_matrix_has_nan_singular_values_and_leaves_the_others_alone(device):
    x = tt.tensor([[[math.nan, 1.0], [1.0, 1.0]], [[3.0, 0.0], [0.0, -4.0]],
                   [[math.inf, 0.0], [0.0, 1.0]]], dtype="float64", device=device)
    values = host(tt.linalg.svdvals(x))
    assert np.isnan(values[0]).all() and np.isnan(values[2]).all()
    assert values[1].tolist() == [4.0, 3.0]


@pytest.mark.parametrize("call, error, words", [
    (lambda: tt.linalg.matrix_norm(tt.ones(2, 2), 3), ValueError, "ord must be"),
    (lambda: tt.linalg.matrix_norm(tt.ones(2, 2), "nucc"), ValueError, "ord must be"),
    (lambda: tt.linalg.matrix_norm(tt.ones(2, 2), True), ValueError, "ord must be"),
    (lambda: tt.linalg.matrix_norm(tt.ones(3)), RuntimeError, "at least 2 dimensions"),
    (lambda: tt.linalg.matrix_norm(tt.ones(2, 2), "fro", (1, 1)), RuntimeError, "different"),
    (lambda: tt.linalg.matrix_norm(tt.ones(2, 2), "fro", 1), RuntimeError, "2-tuple"),
    (lambda: tt.linalg.matrix_norm(tt.ones(2, 2), "fro", (0, 2)), IndexError, "out of range"),
    (lambda: tt.linalg.matrix_norm([[1.0]]), TypeError, "must be a Tensor"),
])
def test_errors_say_what_went_wrong(call, error, words):
    with pytest.raises(error, match=words):
        call()


# ---- gradients ----------------------------------------------------------------------------------

@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, math.inf])
def test_gradcheck(device, ord):  # noqa: A002
    x = tt.tensor(A3, device=device, requires_grad=True)
    assert gradcheck(lambda a: tt.linalg.matrix_norm(a, ord, (0, 2)), (x,))


def test_gradcheck_complex_nuc_and_svdvals(device):
    z = tt.tensor(A3[0] + 0.5j * A3[1], dtype="complex128", device=device, requires_grad=True)
    assert gradcheck(lambda a: tt.linalg.matrix_norm(a, "nuc"), (z,))
    assert gradcheck(lambda a: tt.linalg.svdvals(a), (z,))
    assert gradcheck(lambda a: a.norm("nuc"), (tt.tensor(A3[0], requires_grad=True),))


def test_nuclear_norm_gradient_is_u_v_transposed():
    # by hand: for a diagonal matrix with positive entries, U V^T is the identity
    x = tt.tensor([[3.0, 0.0], [0.0, 0.5]], dtype="float64", requires_grad=True)
    tt.linalg.matrix_norm(x, "nuc").backward()
    np.testing.assert_allclose(host(x.grad), np.eye(2), atol=1e-15)


# ---- PyTorch as the oracle ----------------------------------------------------------------------

@pytest.mark.parametrize("ord", ORDS)
def test_values_and_gradients_match_torch(ord):  # noqa: A002
    torch = pytest.importorskip("torch")
    mine = tt.tensor(A3, requires_grad=True)
    theirs = torch.tensor(A3, requires_grad=True)
    out_m = tt.linalg.matrix_norm(mine, ord, (2, 0), True)
    out_t = torch.linalg.matrix_norm(theirs, ord, (2, 0), True)
    assert tuple(out_m.shape) == tuple(out_t.shape)
    np.testing.assert_allclose(host(out_m), out_t.detach().numpy(), rtol=1e-12)
    weights = rng.standard_normal(tuple(out_t.shape))
    (out_m * tt.tensor(weights)).sum().backward()
    (out_t * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(host(mine.grad), theirs.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_norm_nuc_and_svdvals_match_torch():
    torch = pytest.importorskip("torch")
    mine = tt.tensor(A3, requires_grad=True)
    theirs = torch.tensor(A3, requires_grad=True)
    (tt.norm(mine, "nuc", (1, 2)).sum() + tt.linalg.svdvals(mine)[:, 0].sum()).backward()
    (torch.norm(theirs, "nuc", (1, 2)).sum()
     + torch.linalg.svdvals(theirs)[:, 0].sum()).backward()
    np.testing.assert_allclose(host(mine.grad), theirs.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(host(tt.linalg.svdvals(mine)),
                               torch.linalg.svdvals(theirs).detach().numpy(), rtol=1e-12)
