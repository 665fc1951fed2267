"""The activations beyond ReLU/GELU/SiLU (ELU, SELU, CELU, Softplus, Mish, Hardswish, PReLU, ...):
values against NumPy formulas and PyTorch, gradients (gradcheck, and PyTorch's at the kinks),
special values, the modules, every device, and the errors."""

import math

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn as nn
import tinytorch.nn.functional as F
from tinytorch.testing import assert_close, gradcheck

RNG = np.random.default_rng(7)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

# every kink and cut-off of the functions below, both signs of zero, and far-out values
POINTS = np.array([-30.0, -6.0, -3.0, -1.0, -0.7, -0.5, -0.2, -0.0, 0.0, 0.2, 0.5, 0.7, 1.0, 1.5,
                   3.0, 6.0, 7.0, 25.0])
SPECIALS = np.array([math.nan, math.inf, -math.inf])


def _softplus(x, beta=1.0, threshold=20.0):
    return np.where(x * beta > threshold, x, np.logaddexp(0.0, x * beta) / beta)


def _hardsigmoid(x):
    return np.clip(x / 6 + 0.5, 0.0, 1.0)


# name -> (call on tinytorch, NumPy formula written from each function's definition)
CASES = {
    "threshold": (lambda x: F.threshold(x, 0.5, -2.0), lambda x: np.where(x <= 0.5, -2.0, x)),
    "hardtanh": (lambda x: F.hardtanh(x, -1.0, 2.0), lambda x: np.clip(x, -1.0, 2.0)),
    "relu6": (F.relu6, lambda x: np.clip(x, 0.0, 6.0)),
    "elu": (lambda x: F.elu(x, 0.5),
            lambda x: np.where(x > 0, x, 0.5 * np.expm1(np.minimum(x, 0)))),
    "selu": (F.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(
        np.minimum(x, 0)))),
    "celu": (lambda x: F.celu(x, 2.0),
             lambda x: np.where(x > 0, x, 2.0 * np.expm1(np.minimum(x, 0) / 2.0))),
    "softplus": (F.softplus, _softplus),
    "softplus_beta": (lambda x: F.softplus(x, 2.0, 3.0), lambda x: _softplus(x, 2.0, 3.0)),
    "logsigmoid": (F.logsigmoid, lambda x: -np.logaddexp(0.0, -x)),
    "hardsigmoid": (F.hardsigmoid, _hardsigmoid),
    "hardswish": (F.hardswish, lambda x: x * _hardsigmoid(x)),
    "mish": (F.mish, lambda x: x * np.tanh(np.logaddexp(0.0, x))),
    "softsign": (F.softsign, lambda x: x / (1 + np.abs(x))),
    "tanhshrink": (F.tanhshrink, lambda x: x - np.tanh(x)),
    "softshrink": (lambda x: F.softshrink(x, 0.5),
                   lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, x * 0))),
    "hardshrink": (lambda x: F.hardshrink(x, 0.5), lambda x: np.where(np.abs(x) > 0.5, x, x * 0)),
    "prelu": (lambda x: F.prelu(x, tt.tensor([0.25], dtype=x.dtype, device=x.device)),
              lambda x: np.where(x > 0, x, 0.25 * x)),
}

# torch's spelling of each case, for the oracle tests
TORCH_CASES = {
    "threshold": lambda F, x: F.threshold(x, 0.5, -2.0),
    "hardtanh": lambda F, x: F.hardtanh(x, -1.0, 2.0),
    "relu6": lambda F, x: F.relu6(x),
    "elu": lambda F, x: F.elu(x, 0.5),
    "selu": lambda F, x: F.selu(x),
    "celu": lambda F, x: F.celu(x, 2.0),
    "softplus": lambda F, x: F.softplus(x),
    "softplus_beta": lambda F, x: F.softplus(x, 2.0, 3.0),
    "logsigmoid": lambda F, x: F.logsigmoid(x),
    "hardsigmoid": lambda F, x: F.hardsigmoid(x),
    "hardswish": lambda F, x: F.hardswish(x),
    "mish": lambda F, x: F.mish(x),
    "softsign": lambda F, x: F.softsign(x),
    "tanhshrink": lambda F, x: F.tanhshrink(x),
    "softshrink": lambda F, x: F.softshrink(x, 0.5),
    "hardshrink": lambda F, x: F.hardshrink(x, 0.5),
    "prelu": lambda F, x: F.prelu(x, x.new_tensor([0.25])),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_match_the_formula_including_nan_and_inf(name):
    ours, formula = CASES[name]
    x = np.concatenate([POINTS, SPECIALS])
    with np.errstate(all="ignore"):  # nan and inf inputs: NumPy's warnings are expected
        expected = formula(x)
        results = {dtype: ours(tt.tensor(x, dtype=dtype)) for dtype in ("float64", "float32")}
    for dtype, got in results.items():
        assert got.dtype == dtype
        assert_close(got, expected.astype(dtype), rtol=1e-6, atol=1e-7, equal_nan=True)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck_away_from_the_kinks(name):
    ours, _ = CASES[name]
    # points at least 0.05 from every kink above (0, +-0.5, +-1, 1.5, 2, +-3, 6)
    x = tt.tensor([-4.1, -2.2, -0.8, -0.3, 0.1, 0.35, 0.8, 1.2, 2.4, 4.3, 6.6], dtype="float64",
                  requires_grad=True)
    assert gradcheck(ours, (x,))


def test_softplus_is_exact_far_out_and_has_the_gradient_one_half_at_zero():
    x = tt.tensor([-800.0, -40.0, 0.0, 15.0, 40.0, 800.0], dtype="float64", requires_grad=True)
    y = F.softplus(x)
    # log(1 + e^x) = e^x (to double precision) far below 0, and x above the threshold 20
    assert_close(y, np.array([0.0, math.exp(-40.0), math.log(2.0), math.log1p(math.exp(15.0)),
                              40.0, 800.0]), rtol=1e-15, atol=0)
    y.sum().backward()
    assert np.isfinite(x.grad.numpy()).all()
    assert x.grad.numpy()[2] == 0.5                       # sigmoid(0): no kink at 0
    assert_close(F.logsigmoid(tt.tensor([-800.0, 800.0], dtype="float64")),
                 np.array([-800.0, 0.0]))


def test_piecewise_gradients_at_the_ends_are_zero_and_no_inf_leaks_into_them():
    # hardtanh/relu6/hardsigmoid pass no gradient at or beyond their ends; elu's unused exp
    # branch at 1000 would be inf, and must not turn the gradient into nan
    x = tt.tensor([-1.0, 1.0, 0.0, 6.0, -3.0, 3.0, 1000.0], dtype="float64", requires_grad=True)
    (F.hardtanh(x[:2]).sum() + F.relu6(x[2:4]).sum() + F.hardsigmoid(x[4:6]).sum()
     + F.elu(x[6:]).sum() + F.celu(x[6:], 0.5).sum()).backward()
    assert x.grad.numpy().tolist() == [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0]


def test_glu_halves_along_dim_and_softmin_reverses_softmax():
    a = RNG.standard_normal((3, 4, 2))
    out = F.glu(tt.tensor(a), dim=1)
    assert_close(out, a[:, :2] / (1 + np.exp(-a[:, 2:])))
    x = tt.tensor(a, requires_grad=True)
    assert gradcheck(lambda x: F.glu(x, 1), (x,))
    e = np.exp(-a)
    assert_close(F.softmin(tt.tensor(a), dim=-1), e / e.sum(-1, keepdims=True))
    assert gradcheck(lambda x: F.softmin(x, 0), (x,))


def test_prelu_has_one_slope_per_channel_and_learns_it():
    a = RNG.standard_normal((2, 3, 4))
    slopes = np.array([0.1, 0.2, 0.3])
    expected = np.where(a > 0, a, a * slopes[None, :, None])
    assert_close(F.prelu(tt.tensor(a), tt.tensor(slopes)), expected)
    x, w = tt.tensor(a, requires_grad=True), tt.tensor(slopes, requires_grad=True)
    assert gradcheck(F.prelu, (x, w))
    F.prelu(x, w).sum().backward()
    assert_close(w.grad, np.where(a > 0, 0.0, a).sum(axis=(0, 2)))
    layer = nn.PReLU(3)
    assert layer.weight.shape == (3,) and np.all(layer.weight.detach().numpy() == np.float32(0.25))
    assert "num_parameters=3" in repr(layer)
    assert [name for name, _ in layer.named_parameters()] == ["weight"]


def test_modules_run_on_every_device(device):
    x = tt.tensor(RNG.standard_normal((2, 4)).astype(np.float32), device=device,
                  requires_grad=True)
    layers = [nn.ReLU6(), nn.Hardtanh(-0.5, 0.5), nn.Threshold(0.1, 20.0), nn.ELU(0.3),
              nn.SELU(), nn.CELU(1.5), nn.Softplus(2.0, 5.0), nn.LogSigmoid(), nn.Hardsigmoid(),
              nn.Hardswish(), nn.Mish(), nn.Softsign(), nn.Tanhshrink(), nn.Softshrink(0.2),
              nn.Hardshrink(0.2), nn.GLU(), nn.Softmin(1), nn.PReLU(4).to(device)]
    for layer in layers:
        y = layer(x)
        assert y.device == device and y.dtype == "float32"
        y.sum().backward()
        assert x.grad.device == device
        x.grad = None
    assert nn.Sequential(nn.Softplus(beta=2.0), nn.GLU())(x).shape == (2, 2)
    assert_close(nn.SELU()(x), SELU_SCALE * np.where(
        x.detach().cpu().numpy() > 0, x.detach().cpu().numpy(),
        SELU_ALPHA * np.expm1(np.minimum(x.detach().cpu().numpy(), 0))), rtol=1e-5, atol=1e-6)


def test_options_show_in_the_repr():
    assert repr(nn.Softplus(2.0, 10.0)) == "Softplus(beta=2.0, threshold=10.0)"
    assert repr(nn.Hardtanh()) == "Hardtanh(min_val=-1.0, max_val=1.0)"
    assert repr(nn.ELU(alpha=0.5)) == "ELU(alpha=0.5)"
    assert repr(nn.GLU()) == "GLU(dim=-1)" and repr(nn.Mish()) == "Mish()"


def test_errors_name_the_value_and_the_fix():
    x = tt.tensor([1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="must be even"):
        F.glu(x)
    with pytest.raises(RuntimeError, match="0-d"):
        F.glu(tt.tensor(1.0))
    with pytest.raises(ValueError, match="min_val"):
        F.hardtanh(x, 2.0, 1.0)
    with pytest.raises(ValueError, match="min_val"):
        nn.Hardtanh(2.0, 1.0)
    with pytest.raises(ValueError, match="lambd"):
        F.softshrink(x, -0.5)
    with pytest.raises(ValueError, match="beta"):
        F.softplus(x, 0.0)
    with pytest.raises(ValueError, match="alpha"):
        F.celu(x, 0.0)
    with pytest.raises(TypeError, match="alpha must be a number"):
        F.elu(x, "1")
    with pytest.raises(TypeError, match="floating-point"):
        F.mish(tt.tensor([1, 2]))
    with pytest.raises(RuntimeError, match="3 entries but the input"):
        F.prelu(tt.ones(2, 4), tt.ones(3))
    with pytest.raises(RuntimeError, match="dtype"):
        F.prelu(tt.ones(2, 3), tt.ones(3, dtype="float64"))


# ---- PyTorch as the oracle -----------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_torch_including_kinks_and_specials(name):
    torch = pytest.importorskip("torch")
    ours = CASES[name][0]
    x = np.concatenate([POINTS, SPECIALS])
    expected = TORCH_CASES[name](torch.nn.functional, torch.tensor(x)).numpy()
    with np.errstate(all="ignore"):
        got = ours(tt.tensor(x))
    assert_close(got, expected, rtol=1e-12, atol=1e-15, equal_nan=True)
    # gradients at every finite point, kinks included (PyTorch's one-sided choices)
    tx = torch.tensor(POINTS, requires_grad=True)
    TORCH_CASES[name](torch.nn.functional, tx).sum().backward()
    ox = tt.tensor(POINTS, requires_grad=True)
    ours(ox).sum().backward()
    # PyTorch computes hardsigmoid's slope 1/6 in float32 even for doubles
    rtol = 1e-6 if name == "hardsigmoid" else 1e-12
    assert_close(ox.grad, tx.grad.numpy(), rtol=rtol, atol=1e-15)


def test_modules_match_torch():
    torch = pytest.importorskip("torch")
    a = RNG.standard_normal((3, 4, 2)).astype(np.float32)
    pairs = [(nn.GLU(1), torch.nn.GLU(1)), (nn.Softmin(2), torch.nn.Softmin(2)),
             (nn.Softplus(0.5, 1.0), torch.nn.Softplus(0.5, 1.0)),
             (nn.Threshold(0.1, -1.0), torch.nn.Threshold(0.1, -1.0)),
             (nn.CELU(0.7), torch.nn.CELU(0.7)), (nn.Hardswish(), torch.nn.Hardswish())]
    for ours, theirs in pairs:
        assert_close(ours(tt.tensor(a)), theirs(torch.tensor(a)).numpy(), rtol=1e-6, atol=1e-6)
    theirs = torch.nn.PReLU(4)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor([0.1, -0.2, 0.3, 0.4]))
    ours = nn.PReLU(4)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    b = RNG.standard_normal((3, 4, 2)).astype(np.float32)
    tb, ob = torch.tensor(b, requires_grad=True), tt.tensor(b, requires_grad=True)
    theirs(tb).pow(2).sum().backward()
    ours(ob).pow(2).sum().backward()
    assert_close(ob.grad, tb.grad.numpy(), rtol=1e-6, atol=1e-6)
    assert_close(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-5, atol=1e-6)
    assert nn.PReLU().weight.tolist() == torch.nn.PReLU().weight.tolist()
