"""Adagrad, Adamax, NAdam, RAdam and Adam's amsgrad: hand-worked first steps, PyTorch as the
oracle step by step, state dict round trips, and PyTorch's implementation flags
(foreach, fused, capturable, differentiable)."""

import inspect
import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.testing import assert_close

RNG = np.random.default_rng(7)
W0 = RNG.standard_normal((3, 4)).astype(np.float32)
B0 = RNG.standard_normal(5).astype(np.float32)
NEW = ["Adagrad", "Adamax", "NAdam", "RAdam"]
ALL = ["SGD", "Adam", "AdamW", "RMSprop", "Adadelta", *NEW]


def loss_of(lib, w, b):
    """A smooth, non-quadratic loss so that every optimizer's state matters."""
    return ((w ** 3).sum() - (w * w).sum() + (b.sin() * b).sum())


def train(lib, name, steps, **kwargs):
    """Run `steps` steps with two param groups (the second with its own lr); yield the
    parameters (as NumPy) after each step."""
    w = lib.tensor(W0.copy(), requires_grad=True)
    b = lib.tensor(B0.copy(), requires_grad=True)
    lr = kwargs.pop("lr", 0.01)
    opt = getattr(lib.optim, name)([{"params": [w]}, {"params": [b], "lr": lr / 2}], lr=lr,
                                   **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        loss_of(lib, w, b).backward()
        opt.step()
        yield w.detach().numpy().copy(), b.detach().numpy().copy()


ORACLE_CASES = [
    ("Adagrad", {}),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3,
                     eps=1e-6)),
    ("Adamax", {}),
    ("Adamax", dict(lr=0.02, betas=(0.8, 0.95), eps=1e-4, weight_decay=0.1)),
    ("NAdam", {}),
    ("NAdam", dict(lr=0.01, momentum_decay=0.02, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("RAdam", {}),
    ("RAdam", dict(lr=0.01, betas=(0.7, 0.9), weight_decay=0.1)),  # rectified from step 6
    ("RAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("AdamW", dict(lr=0.05, amsgrad=True, weight_decay=0.2)),
    ("Adam", dict(lr=0.05, weight_decay=0.2, decoupled_weight_decay=True)),
]


@pytest.mark.parametrize("name, kwargs", ORACLE_CASES)
@pytest.mark.parametrize("maximize", [False, True])
def test_matches_pytorch_step_by_step(name, kwargs, maximize):
    torch = pytest.importorskip("torch")
    kwargs = dict(kwargs, maximize=maximize)
    steps = 3 if maximize else 25  # maximize climbs a cubic: keep it short of overflowing
    ours = train(tt, name, steps, **dict(kwargs))
    theirs = train(torch, name, steps, **dict(kwargs))
    for step, ((w, b), (w_ref, b_ref)) in enumerate(zip(ours, theirs, strict=True)):
        np.testing.assert_allclose(w, w_ref, rtol=2e-5, atol=2e-6, err_msg=f"step {step}")
        np.testing.assert_allclose(b, b_ref, rtol=2e-5, atol=2e-6, err_msg=f"step {step}")


# ---- first steps worked by hand ---------------------------------------------------------------

def one_step(name, grad, w0=W0, **kwargs):
    p = tt.tensor(w0.copy(), requires_grad=True)
    opt = getattr(tt.optim, name)([p], **kwargs)
    p.grad = tt.tensor(grad)
    opt.step()
    return p.detach().numpy().astype(np.float64), opt


G = RNG.standard_normal((3, 4)).astype(np.float32)


def test_adagrad_first_step_is_lr_times_the_sign():
    # sum = g*g, so g / (sqrt(sum) + eps) is sign(g) up to eps
    p, opt = one_step("Adagrad", G, lr=0.1)
    np.testing.assert_allclose(p, W0 - 0.1 * np.sign(G), rtol=1e-6, atol=1e-7)
    assert opt.state[opt.param_groups[0]["params"][0]]["step"] == 1


def test_adagrad_lr_decay_and_initial_accumulator():
    # second step: lr / (1 + lr_decay), sum = 1 + g1^2 + g2^2
    p = tt.tensor(W0.copy(), requires_grad=True)
    opt = tt.optim.Adagrad([p], lr=0.1, lr_decay=0.5, initial_accumulator_value=1.0)
    expected = W0.astype(np.float64)
    total = np.ones_like(expected)
    for k, g in enumerate((G, 2 * G)):
        p.grad = tt.tensor(g)
        opt.step()
        total += g.astype(np.float64) ** 2
        expected -= 0.1 / (1 + k * 0.5) * g / (np.sqrt(total) + 1e-10)
    np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-5, atol=1e-6)


def test_adamax_first_step():
    # m = (1 - b1) g, u = |g| + eps, step lr / (1 - b1): p - lr * g / (|g| + eps)
    p, _ = one_step("Adamax", G, lr=0.01, eps=1e-3)
    np.testing.assert_allclose(p, W0 - 0.01 * G / (np.abs(G) + 1e-3), rtol=1e-6, atol=1e-7)


def test_radam_starts_as_momentum_sgd():
    # beta2 = 0.999: rho_1 = 1999 - 2 * 0.999 / 0.001 = 1 <= 5, so the first step is p - lr * g
    p, _ = one_step("RAdam", G, lr=0.01)
    np.testing.assert_allclose(p, W0 - 0.01 * G, rtol=1e-6, atol=1e-7)


def test_nadam_first_step():
    beta1, decay = 0.9, 4e-3
    mu1 = beta1 * (1 - 0.5 * 0.96 ** decay)
    mu2 = beta1 * (1 - 0.5 * 0.96 ** (2 * decay))
    # m = 0.1 g, v = 0.001 g^2, v / (1 - 0.999) = g^2
    g = G.astype(np.float64)
    d = np.abs(g) + 1e-8
    expected = W0 - 0.002 * (1 - mu1) / (1 - mu1) * g / d \
        - 0.002 * mu2 / (1 - mu1 * mu2) * 0.1 * g / d
    p, opt = one_step("NAdam", G)
    np.testing.assert_allclose(p, expected, rtol=1e-5, atol=1e-7)
    assert opt.state[opt.param_groups[0]["params"][0]]["mu_product"] == pytest.approx(mu1)


def test_amsgrad_divides_by_the_largest_second_moment():
    # a big gradient then a small one: amsgrad keeps v's maximum, so its second step is smaller
    big, small = 10 * G, 0.1 * G
    steps = {}
    for amsgrad in (False, True):
        p = tt.tensor(W0.copy(), requires_grad=True)
        opt = tt.optim.Adam([p], lr=0.1, betas=(0.0, 0.5), amsgrad=amsgrad)
        p.grad = tt.tensor(big)
        opt.step()
        before = p.detach().numpy().copy()
        p.grad = tt.tensor(small)
        opt.step()
        steps[amsgrad] = np.abs(p.detach().numpy() - before)
    # hand-worked with beta1 = 0: v1 = 0.5 b^2, v2 = 0.25 b^2 + 0.5 s^2; bias corrections
    # 1 - 0.5 and 1 - 0.25. amsgrad uses max(v1, v2) = v1.
    b, s = big.astype(np.float64), small.astype(np.float64)
    v1, v2 = 0.5 * b * b, 0.25 * b * b + 0.5 * s * s
    plain = 0.1 * np.abs(s) / (np.sqrt(v2 / 0.75) + 1e-8)
    ams = 0.1 * np.abs(s) / (np.sqrt(np.maximum(v1, v2) / 0.75) + 1e-8)
    np.testing.assert_allclose(steps[False], plain, rtol=1e-4)
    np.testing.assert_allclose(steps[True], ams, rtol=1e-4)
    assert (steps[True] < steps[False]).all()


# ---- state dicts -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, kwargs", [
    ("Adagrad", dict(lr_decay=0.01)), ("Adamax", {}), ("NAdam", {}),
    ("RAdam", dict(betas=(0.7, 0.9))), ("Adam", dict(amsgrad=True)),
])
def test_state_dict_round_trip_continues_identically(name, kwargs, tmp_path):
    def make():
        w = tt.tensor(W0.copy(), requires_grad=True)
        return w, getattr(tt.optim, name)([w], lr=0.05, **kwargs)

    def steps(w, opt, n):
        for _ in range(n):
            opt.zero_grad()
            ((w ** 3).sum() - (w * w).sum()).backward()
            opt.step()

    w, opt = make()
    steps(w, opt, 4)
    tt.save({"opt": opt.state_dict(), "w": w.detach()}, tmp_path / "ckpt.tt")
    loaded = tt.load(tmp_path / "ckpt.tt")
    w2, opt2 = make()
    with tt.no_grad():
        w2.copy_(loaded["w"])
    opt2.load_state_dict(loaded["opt"])
    steps(w, opt, 4)
    steps(w2, opt2, 4)
    assert_close(w2, w, rtol=0, atol=0)
    assert opt2.state[w2]["step"] == 8


def test_state_names_match_pytorch():
    torch = pytest.importorskip("torch")
    for name, kwargs in [("Adagrad", {}), ("Adamax", {}), ("NAdam", {}), ("RAdam", {}),
                         ("Adam", dict(amsgrad=True))]:
        ours, theirs = tt.zeros(3, requires_grad=True), torch.zeros(3, requires_grad=True)
        opt_a = getattr(tt.optim, name)([ours], **kwargs)
        opt_b = getattr(torch.optim, name)([theirs], **kwargs)
        ours.grad, theirs.grad = tt.ones(3), torch.ones(3)
        opt_a.step()
        opt_b.step()
        assert set(opt_a.state_dict()["state"][0]) == set(opt_b.state_dict()["state"][0]), name
        assert set(opt_a.param_groups[0]) == set(opt_b.param_groups[0]), name


def test_old_checkpoint_without_new_options_still_steps():
    """A state dict saved before amsgrad/decoupled_weight_decay existed lacks those keys."""
    w = tt.tensor(W0.copy(), requires_grad=True)
    opt = tt.optim.Adam([w], lr=0.1)
    w.grad = tt.tensor(G)
    opt.step()
    saved = opt.state_dict()
    for key in ("amsgrad", "decoupled_weight_decay", "foreach", "fused"):
        del saved["param_groups"][0][key]
    w2 = tt.tensor(w.detach().numpy(), requires_grad=True)
    opt2 = tt.optim.Adam([w2], lr=0.5)
    opt2.load_state_dict(saved)
    w.grad, w2.grad = tt.tensor(G), tt.tensor(G)
    opt.step()
    opt2.step()
    assert_close(w2, w, rtol=0, atol=0)
    assert opt2.param_groups[0]["lr"] == 0.1 and opt2.param_groups[0]["amsgrad"] is False


# ---- PyTorch's signatures and implementation flags -------------------------------------------

def test_signatures_match_pytorch():
    torch = pytest.importorskip("torch")
    for name in ALL:
        ours = inspect.signature(getattr(tt.optim, name)).parameters
        theirs = inspect.signature(getattr(torch.optim, name)).parameters
        assert list(ours) == list(theirs), name
        for key in theirs:
            assert ours[key].kind == theirs[key].kind, (name, key)
            assert ours[key].default == theirs[key].default, (name, key)


@pytest.mark.parametrize("name", ALL)
def test_speed_flags_are_accepted_and_change_nothing(name):
    names = inspect.signature(getattr(tt.optim, name)).parameters
    flags = {k: True for k in ("foreach", "capturable") if k in names}
    base = list(train(tt, name, 3, lr=0.01))[-1]
    hinted = list(train(tt, name, 3, lr=0.01, **flags))[-1]
    for a, b in zip(base, hinted):
        np.testing.assert_array_equal(a, b)
    if "fused" in names:
        fused = list(train(tt, name, 3, lr=0.01, fused=True))[-1]
        np.testing.assert_array_equal(fused[0], base[0])
    opt = getattr(tt.optim, name)([tt.zeros(2, requires_grad=True)], **flags)
    assert all(opt.param_groups[0][k] is True for k in flags)  # kept in the group, as PyTorch


@pytest.mark.parametrize("name", ALL)
def test_differentiable_true_is_refused_with_the_alternative(name):
    p = tt.zeros(2, requires_grad=True)
    assert getattr(tt.optim, name)([p], differentiable=False).defaults["differentiable"] is False
    with pytest.raises(ValueError, match=r"differentiable=True.*tensor ops"):
        getattr(tt.optim, name)([p], differentiable=True)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adagrad"])
def test_fused_and_foreach_together_are_refused(name):
    with pytest.raises(RuntimeError, match="cannot be `True` together"):
        getattr(tt.optim, name)([tt.zeros(2, requires_grad=True)], foreach=True, fused=True)


def test_flag_and_hyperparameter_types_are_checked():
    p = tt.zeros(2, requires_grad=True)
    with pytest.raises(TypeError, match="foreach must be True, False or None"):
        tt.optim.Adam([p], foreach="yes")
    with pytest.raises(TypeError, match="learning rate must be a number"):
        tt.optim.NAdam([p], lr="0.1")
    with pytest.raises(ValueError, match="Invalid learning rate"):
        tt.optim.Adagrad([p], lr=-0.1)
    with pytest.raises(ValueError, match="Invalid epsilon"):
        tt.optim.Adamax([p], eps=float("nan"))
    with pytest.raises(ValueError, match="beta parameter at index 1"):
        tt.optim.RAdam([p], betas=(0.9, 1.0))
    with pytest.raises(TypeError, match="pair of numbers"):
        tt.optim.NAdam([p], betas=0.9)
    with pytest.raises(ValueError, match="momentum_decay"):
        tt.optim.NAdam([p], momentum_decay=-1)
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        tt.optim.Adagrad([p], initial_accumulator_value=-1)


@pytest.mark.parametrize("name", NEW)
def test_new_optimizers_minimise_a_quadratic(name, device):
    w = tt.tensor([3.0, -2.0], device=device, requires_grad=True)
    opt = getattr(tt.optim, name)([w], lr=0.5 if name == "Adagrad" else 0.1)
    for _ in range(300):
        opt.zero_grad()
        (w * w).sum().backward()
        opt.step()
    assert w.device == device
    assert math.sqrt(float((w * w).sum())) < 0.05
