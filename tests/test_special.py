"""tinytorch.special: reachable as torch.special, its aliases are the top-level ops themselves,
the functions defined there give NumPy's (or hand-worked) values and gradcheck's gradients on
every device, and, where PyTorch is installed, torch.special's values and gradients."""

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.testing import gradcheck

# one value on each side of every guarded point: x < 0, 0, x > 0, and nan/inf
POINTS = np.array([-2.5, -1.0, -0.0, 0.0, 0.3, 1.7, 4.0, np.inf, -np.inf, np.nan])


def host(t):
    return np.asarray(t.to("cpu").tolist(), dtype="float64")


def test_reachable_as_torch_special_and_by_import():
    import tinytorch as torch
    from tinytorch import special
    assert torch.special is special
    assert torch.special.expit(torch.tensor([0.0])).tolist() == [0.5]


@pytest.mark.parametrize("name, top", [
    ("expit", "sigmoid"), ("erf", "erf"), ("erfc", "erfc"), ("logit", "logit"),
    ("xlogy", "xlogy"), ("expm1", "expm1"), ("exp2", "exp2"), ("log1p", "log1p"),
    ("sinc", "sinc"), ("round", "round"), ("softmax", "softmax"),
    ("log_softmax", "log_softmax"), ("logsumexp", "logsumexp")])
def test_aliases_are_the_top_level_ops(name, top):
    assert getattr(tt.special, name) is getattr(tt, top)


def test_every_listed_name_exists():
    assert all(callable(getattr(tt.special, name)) for name in tt.special.__all__)


def test_entr_values(device):
    x = tt.tensor(POINTS, dtype="float64", device=device)
    with np.errstate(all="ignore"):
        want = np.where(POINTS > 0, -POINTS * np.log(np.where(POINTS > 0, POINTS, 1.0)), 0.0)
    want = np.where(POINTS < 0, -np.inf, want)
    want = np.where(np.isnan(POINTS), np.nan, want)
    np.testing.assert_allclose(host(tt.special.entr(x)), want, rtol=1e-12, equal_nan=True)
    # by hand: entr(e) = -e, entr(1) = 0, entr(0) = 0, entr(-1) = -inf
    got = tt.special.entr(tt.tensor([math.e, 1.0, 0.0, -1.0], device=device)).tolist()
    assert got[1:] == [0.0, 0.0, -math.inf] and math.isclose(got[0], -math.e, rel_tol=1e-6)


def test_xlog1py_values(device):
    x = tt.tensor([0.0, 0.0, 0.0, 2.0, 0.0, -1.5], dtype="float64", device=device)
    y = tt.tensor([-1.0, np.inf, np.nan, 3.0, 0.5, 0.25], dtype="float64", device=device)
    want = [0.0, 0.0, np.nan, 2 * math.log(4.0), 0.0, -1.5 * math.log1p(0.25)]
    np.testing.assert_allclose(host(tt.special.xlog1py(x, y)), want, rtol=1e-12, equal_nan=True)
    # a number on either side, and an integer tensor (the default float dtype)
    assert math.isclose(tt.special.xlog1py(2.0, tt.tensor([1.0], device=device)).item(),
                        2 * math.log(2.0), rel_tol=1e-6)
    out = tt.special.xlog1py(tt.tensor([1, 0], device=device), 3.0)
    assert out.dtype == "float32" and out.tolist()[1] == 0.0


def test_ndtr_values(device):
    xs = [-40.0, -8.0, -1.0, 0.0, 0.5, 3.0, 40.0]
    got = host(tt.special.ndtr(tt.tensor(xs, dtype="float64", device=device)))
    want = [0.5 * math.erfc(-x / math.sqrt(2)) for x in xs]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    assert got[1] > 0  # the lower tail keeps its digits (1 - erf would give 0 here)


def test_spherical_bessel_j0_values(device):
    xs = np.array([-3.0, -0.5, 0.0, 1e-3, 2.0, 10.0])
    got = host(tt.special.spherical_bessel_j0(tt.tensor(xs, dtype="float64", device=device)))
    with np.errstate(all="ignore"):
        want = np.where(xs == 0, 1.0, np.sin(xs) / np.where(xs == 0, 1.0, xs))
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("name, fn, values", [
    ("xlog1py", lambda a, b: tt.special.xlog1py(a, b), ([0.4, -1.2, 2.0], [0.5, 1.5, -0.3])),
    ("entr", lambda a: tt.special.entr(a), ([0.2, 1.5, 3.0],)),
    ("ndtr", lambda a: tt.special.ndtr(a), ([-2.0, 0.1, 1.5],)),
    ("spherical_bessel_j0", lambda a: tt.special.spherical_bessel_j0(a), ([-2.0, 0.7, 4.0],)),
])
def test_gradients_pass_gradcheck(device, name, fn, values):
    inputs = tuple(tt.tensor(v, dtype="float64", device=device, requires_grad=True)
                   for v in values)
    assert gradcheck(fn, inputs)


def test_gradients_at_the_guarded_points_are_finite():
    x = tt.tensor([0.0, 0.0, -1.0], dtype="float64", requires_grad=True)
    y = tt.tensor([-1.0, np.inf, 2.0], dtype="float64", requires_grad=True)
    tt.special.xlog1py(x, y).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, math.log(3.0)]  # log1p(y) where finite, as PyTorch
    assert y.grad.tolist() == [0.0, 0.0, -1.0 / 3.0]
    z = tt.tensor([0.0, -2.0], dtype="float64", requires_grad=True)
    tt.special.entr(z).sum().backward()
    assert z.grad.tolist() == [0.0, 0.0]


def test_the_gamma_bessel_and_inverse_functions_are_the_top_level_ones():
    assert tt.special.gammaln is tt.lgamma and tt.special.psi is tt.digamma
    assert tt.special.erfinv is tt.erfinv and tt.special.multigammaln is tt.mvlgamma
    scipy_special = pytest.importorskip("scipy.special")
    p = np.array([1e-300, 1e-20, 0.3, 0.5, 0.999999])
    got = tt.special.ndtri(tt.tensor(p, dtype="float64")).tolist()
    np.testing.assert_allclose(got, scipy_special.ndtri(p), rtol=1e-13)
    x = np.array([0.25, 1.5, 7.0])
    np.testing.assert_allclose(tt.special.i1(tt.tensor(x, dtype="float64")).tolist(),
                               scipy_special.i1(x), rtol=1e-14)


@pytest.mark.parametrize("name", ["gammainc", "zeta", "bessel_j0", "i0e", "log_ndtr",
                                  "chebyshev_polynomial_t"])
def test_missing_functions_say_why(name):
    assert not hasattr(tt.special, name)
    with pytest.raises(AttributeError, match=f"no {name}: it needs"):
        getattr(tt.special, name)


def test_errors_name_the_argument():
    with pytest.raises(TypeError, match="'input' must be a Tensor"):
        tt.special.entr([1.0, 2.0])
    with pytest.raises(TypeError, match="at least one of 'input' and 'other'"):
        tt.special.xlog1py(1.0, 2.0)
    with pytest.raises(TypeError, match="complex"):
        tt.special.ndtr(tt.tensor([1j]))


# ---- PyTorch as the oracle --------------------------------------------------------------------

X = np.array([-2.5, -1.0, -0.0, 0.0, 0.3, 0.75, 1.7, 4.0])
P = np.array([0.0, 0.05, 0.3, 0.5, 0.9, 1.0])
M = np.random.default_rng(0).standard_normal((3, 4))

ORACLE = [
    ("erf", lambda s, a: s.erf(a), (X,)), ("erfc", lambda s, a: s.erfc(a), (X,)),
    ("expit", lambda s, a: s.expit(a), (X,)), ("logit", lambda s, a: s.logit(a), (P,)),
    ("logit eps", lambda s, a: s.logit(a, eps=0.1), (P,)),
    ("xlogy", lambda s, a, b: s.xlogy(a, b), (X, np.abs(X[::-1]).copy())),
    ("xlog1py", lambda s, a, b: s.xlog1py(a, b), (X, X[::-1].copy())),
    ("expm1", lambda s, a: s.expm1(a), (X,)), ("exp2", lambda s, a: s.exp2(a), (X,)),
    ("log1p", lambda s, a: s.log1p(a), (np.abs(X),)), ("sinc", lambda s, a: s.sinc(a), (X,)),
    ("round", lambda s, a: s.round(a * 3.3), (X,)),
    ("round decimals", lambda s, a: s.round(a * 3.3, decimals=1), (X,)),
    ("softmax", lambda s, a: s.softmax(a, 1), (M,)),
    ("log_softmax", lambda s, a: s.log_softmax(a, 0), (M,)),
    ("logsumexp", lambda s, a: s.logsumexp(a, 1, keepdim=True), (M,)),
    ("entr", lambda s, a: s.entr(a), (np.append(X, [np.inf, np.nan]),)),
    ("ndtr", lambda s, a: s.ndtr(a), (np.append(X, [-40.0, 40.0]),)),
    ("spherical_bessel_j0", lambda s, a: s.spherical_bessel_j0(a), (X,)),
]


@pytest.mark.parametrize("label, call, arrays", ORACLE, ids=[c[0] for c in ORACLE])
def test_values_match_torch_special(label, call, arrays):
    torch = pytest.importorskip("torch")
    mine = call(tt.special, *[tt.tensor(a, dtype="float64") for a in arrays])
    theirs = call(torch.special, *[torch.tensor(a, dtype=torch.float64) for a in arrays])
    assert tuple(mine.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(host(mine), theirs.numpy(), rtol=1e-10, atol=1e-12,
                               equal_nan=True, err_msg=label)


GRAD_ORACLE = [
    ("xlog1py", lambda s, a, b: s.xlog1py(a, b), (np.array([0.0, 0.4, -1.2, 2.0]),
                                                  np.array([0.5, 0.5, 1.5, -0.3]))),
    ("entr", lambda s, a: s.entr(a), (np.array([0.2, 1.5, 3.0]),)),
    ("ndtr", lambda s, a: s.ndtr(a), (X,)),
    ("logit", lambda s, a: s.logit(a, 0.2), (P[1:-1] + 0.01,)),
]


@pytest.mark.parametrize("label, call, arrays", GRAD_ORACLE, ids=[c[0] for c in GRAD_ORACLE])
def test_gradients_match_torch_special(label, call, arrays):
    torch = pytest.importorskip("torch")
    mine = [tt.tensor(a, dtype="float64", requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    call(tt.special, *mine).sum().backward()
    call(torch.special, *theirs).sum().backward()
    for m, t in zip(mine, theirs):
        np.testing.assert_allclose(host(m.grad), t.grad.numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=label)
