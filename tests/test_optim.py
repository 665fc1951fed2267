"""Optimizers: SGD, Adam and AdamW against hand-written NumPy updates (and PyTorch when present),
parameter groups, zero_grad, state dicts, and state living on the parameter's device."""

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.testing import assert_close

RNG = np.random.default_rng(1234)
W0 = RNG.standard_normal((3, 4)).astype(np.float32)
W1 = RNG.standard_normal(5).astype(np.float32)
GRADS = [RNG.standard_normal((3, 4)).astype(np.float32) for _ in range(4)]


def run(opt_class, grads, device="cpu", w0=W0, **kwargs):
    """Apply `grads` one step each; return the parameter (on `device`) and the optimizer."""
    p = tt.tensor(w0, device=device, requires_grad=True)
    opt = opt_class([p], **kwargs)
    for g in grads:
        p.grad = tt.tensor(g, device=device)
        opt.step()
    return p, opt


# ---- reference updates, written out with NumPy in float64 ------------------------------------

def sgd_reference(w, grads, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    w, buf = w.astype(np.float64), None
    for g in grads:
        d = g + weight_decay * w
        if momentum:
            buf = d.copy() if buf is None else momentum * buf + (1 - dampening) * d
            d = d + momentum * buf if nesterov else buf
        w = w - lr * d
    return w


def adam_reference(w, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                   decoupled=False):
    (b1, b2), w = betas, w.astype(np.float64)
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        if decoupled:
            w = w * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w


SGD_CASES = {
    "plain": dict(lr=0.1),
    "momentum": dict(lr=0.05, momentum=0.9, dampening=0.3),
    "nesterov": dict(lr=0.05, momentum=0.8, nesterov=True),
    "weight_decay": dict(lr=0.1, momentum=0.5, weight_decay=0.1),
}


@pytest.mark.parametrize("case", SGD_CASES)
def test_sgd_matches_reference(case, device):
    kwargs = SGD_CASES[case]
    p, _ = run(tt.optim.SGD, GRADS, device, **kwargs)
    assert p.device == device
    assert_close(p, sgd_reference(W0, GRADS, **kwargs), rtol=1e-5, atol=1e-6, check_dtype=False)


ADAM_CASES = {
    "adam": (tt.optim.Adam, dict(lr=0.01), False),
    "adam_l2": (tt.optim.Adam, dict(lr=0.02, betas=(0.8, 0.99), weight_decay=0.1), False),
    "adamw": (tt.optim.AdamW, dict(lr=0.01, weight_decay=0.1), True),
    "adamw_default_decay": (tt.optim.AdamW, dict(lr=0.05, eps=1e-3), True),
}


@pytest.mark.parametrize("case", ADAM_CASES)
def test_adam_family_matches_reference(case, device):
    opt_class, kwargs, decoupled = ADAM_CASES[case]
    p, opt = run(opt_class, GRADS, device, **kwargs)
    weight_decay = kwargs.get("weight_decay", 0.01 if decoupled else 0.0)
    expected = adam_reference(W0, GRADS, kwargs["lr"], kwargs.get("betas", (0.9, 0.999)),
                              kwargs.get("eps", 1e-8), weight_decay, decoupled)
    assert_close(p, expected, rtol=1e-5, atol=1e-6, check_dtype=False)
    assert opt.state[p]["step"] == len(GRADS)


def test_adamw_and_adam_differ_when_decaying():
    adam, _ = run(tt.optim.Adam, GRADS, lr=0.01, weight_decay=0.5)
    adamw, _ = run(tt.optim.AdamW, GRADS, lr=0.01, weight_decay=0.5)
    assert float((adam - adamw).abs().max()) > 1e-4


def test_matches_pytorch_when_installed():
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle; the NumPy "
                                                "reference tests above cover the same formulas")
    cases = [("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
             ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
             ("Adam", dict(lr=0.01, weight_decay=0.1)),
             ("AdamW", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1))]
    for name, kwargs in cases:
        ours, _ = run(getattr(tt.optim, name), GRADS, **kwargs)
        theirs = torch.tensor(W0, requires_grad=True)
        opt = getattr(torch.optim, name)([theirs], **kwargs)
        for g in GRADS:
            theirs.grad = torch.tensor(g)
            opt.step()
        assert_close(ours, theirs.detach().numpy(), rtol=1e-5, atol=1e-6)


def test_step_is_in_place_and_bumps_the_version(device):
    p = tt.tensor(W0, device=device, requires_grad=True)
    alias = p.detach()  # shares p's buffer
    buffer, version = p._data, p._version
    opt = tt.optim.Adam([p], lr=0.1)
    p.grad = tt.ones_like(p)
    opt.step()
    assert p._data is buffer
    assert p._version == version + 1
    assert_close(alias, p)                      # the shared buffer saw the update
    assert float((alias - tt.tensor(W0, device=device)).abs().min()) > 0.05
    assert p.requires_grad and p.is_leaf


def test_in_place_steps_never_reach_the_array_a_parameter_was_built_from(device):
    source = W0.copy()
    p = tt.tensor(source, device=device, requires_grad=True)  # tensor() copies its data
    p.grad = tt.ones_like(p)
    tt.optim.SGD([p], lr=1.0).step()
    assert np.array_equal(source, W0)
    assert_close(p, W0 - 1.0)


def test_step_runs_under_no_grad_even_when_grad_mode_is_on():
    p = tt.tensor(W0, requires_grad=True)
    loss = (p * p).sum()
    loss.backward()
    assert tt.is_grad_enabled()
    tt.optim.SGD([p], lr=0.1, momentum=0.9).step()
    assert p.grad_fn is None
    assert_close(p, W0 - 0.1 * 2 * W0)


def test_parameters_without_grad_are_skipped():
    a = tt.tensor(W0, requires_grad=True)
    b = tt.tensor(W1, requires_grad=True)
    opt = tt.optim.Adam([a, b], lr=0.1)
    a.grad = tt.ones_like(a)
    opt.step()
    assert_close(b, W1)
    assert b not in opt.state and a in opt.state
    assert float((a - tt.tensor(W0)).abs().min()) > 0.05


def test_param_groups_with_different_lrs():
    a = tt.tensor(W0, requires_grad=True)
    b = tt.tensor(W1, requires_grad=True)
    opt = tt.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.01}], lr=0.1, momentum=0.5)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]
    assert [g["momentum"] for g in opt.param_groups] == [0.5, 0.5]  # the default fills in
    for _ in range(2):
        a.grad, b.grad = tt.ones_like(a), tt.ones_like(b)
        opt.step()
    # two momentum steps with gradient 1: buffers 1 then 1.5, so the moves are 2.5 * lr
    assert_close(a, W0 - 0.25, rtol=1e-6, atol=1e-6)
    assert_close(b, W1 - 0.025, rtol=1e-6, atol=1e-6)


def test_add_param_group_and_duplicates():
    a = tt.tensor(W0, requires_grad=True)
    b = tt.tensor(W1, requires_grad=True)
    opt = tt.optim.SGD([a], lr=0.1)
    opt.add_param_group({"params": b, "lr": 1.0})
    assert len(opt.param_groups) == 2 and opt.param_groups[1]["momentum"] == 0.0
    b.grad = tt.ones_like(b)
    opt.step()
    assert_close(b, W1 - 1.0)
    with pytest.raises(ValueError, match="more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.raises(ValueError, match="more than one"):
        tt.optim.SGD([a, a], lr=0.1)


def test_bad_arguments():
    p = tt.tensor(W0, requires_grad=True)
    with pytest.raises(TypeError, match="iterable"):
        tt.optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        tt.optim.Adam([], lr=0.1)
    with pytest.raises(ValueError, match="learning rate"):
        tt.optim.SGD([p], lr=-1.0)
    with pytest.raises(ValueError, match="Nesterov"):
        tt.optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="beta"):
        tt.optim.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="non-leaf"):
        tt.optim.SGD([p * 2], lr=0.1)


def test_zero_grad(device):
    p = tt.tensor(W0, device=device, requires_grad=True)
    opt = tt.optim.SGD([p], lr=0.1)
    p.grad = tt.ones_like(p)
    opt.zero_grad(set_to_none=False)
    assert p.grad is not None and p.grad.device == device
    assert_close(p.grad, np.zeros_like(W0))
    opt.zero_grad()
    assert p.grad is None


def test_zero_grad_keeps_gradients_of_different_parameters_apart():
    a = tt.tensor(W1, requires_grad=True)
    b = tt.tensor(W1, requires_grad=True)
    (a + b).sum().backward()            # add hands one gradient to both inputs
    with tt.no_grad():
        a.grad.mul_(0.5)                # an in-place edit, as gradient clipping does
    assert_close(b.grad, np.ones(5, dtype=np.float32))


def test_closure_is_called_and_its_loss_returned():
    p = tt.tensor(W1, requires_grad=True)
    opt = tt.optim.SGD([p], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert_close(loss, np.float32((W1 * W1).sum()), rtol=1e-5)
    assert_close(p, W1 - 0.1 * 2 * W1, rtol=1e-6, atol=1e-6)


def test_adam_minimises_a_quadratic():
    target = tt.tensor(W0)
    p = tt.zeros(3, 4, requires_grad=True)
    opt = tt.optim.Adam([p], lr=0.1)
    for _ in range(200):
        opt.zero_grad()
        ((p - target) ** 2).sum().backward()
        opt.step()
    assert_close(p, W0, atol=1e-2, rtol=0)


# ---- state dicts ---------------------------------------------------------------------------

def _two_param_adam(device="cpu"):
    a = tt.tensor(W0, device=device, requires_grad=True)
    b = tt.tensor(W1, device=device, requires_grad=True)
    opt = tt.optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.05}], lr=0.01)
    return a, b, opt


def _steps(opt, params, grads_per_param):
    for grads in grads_per_param:
        for p, g in zip(params, grads):
            p.grad = tt.tensor(g, device=p.device)
        opt.step()


GRADS_AB = [(RNG.standard_normal((3, 4)).astype(np.float32),
             RNG.standard_normal(5).astype(np.float32)) for _ in range(5)]


def test_state_dict_layout():
    a, b, opt = _two_param_adam()
    _steps(opt, [a, b], GRADS_AB[:2])
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert [g["lr"] for g in sd["param_groups"]] == [0.01, 0.05]
    assert sd["param_groups"][0]["betas"] == (0.9, 0.999)
    assert set(sd["state"]) == {0, 1}
    assert set(sd["state"][1]) == {"step", "exp_avg", "exp_avg_sq"}
    assert sd["state"][1]["step"] == 2 and sd["state"][1]["exp_avg"].shape == (5,)


def test_state_dict_round_trip_continues_identically():
    a, b, opt = _two_param_adam()
    _steps(opt, [a, b], GRADS_AB[:3])
    a2, b2 = tt.tensor(a._host(), requires_grad=True), tt.tensor(b._host(), requires_grad=True)
    opt2 = tt.optim.Adam([{"params": [a2]}, {"params": [b2]}], lr=0.5)  # other lrs: overwritten
    opt2.load_state_dict(opt.state_dict())
    assert [g["lr"] for g in opt2.param_groups] == [0.01, 0.05]
    assert opt2.param_groups[0]["params"][0] is a2
    _steps(opt, [a, b], GRADS_AB[3:])
    _steps(opt2, [a2, b2], GRADS_AB[3:])
    assert_close(a2, a, rtol=0, atol=0)
    assert_close(b2, b, rtol=0, atol=0)
    # The loaded state is a copy: stepping opt2 did not touch opt's buffers.
    assert opt2.state[a2]["exp_avg"]._data is not opt.state[a]["exp_avg"]._data


def test_sgd_momentum_state_round_trip():
    p, opt = run(tt.optim.SGD, GRADS[:2], lr=0.1, momentum=0.9)
    q = tt.tensor(p._host(), requires_grad=True)
    opt2 = tt.optim.SGD([q], lr=0.1, momentum=0.9)
    opt2.load_state_dict(opt.state_dict())
    for g in GRADS[2:]:
        p.grad, q.grad = tt.tensor(g), tt.tensor(g)
        opt.step()
        opt2.step()
    assert_close(q, p, rtol=0, atol=0)


def test_load_state_dict_rejects_another_model():
    a, b, opt = _two_param_adam()
    other = tt.optim.Adam([tt.tensor(W0, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="parameter groups"):
        other.load_state_dict(opt.state_dict())
    c = tt.tensor(W0, requires_grad=True)
    mismatched = tt.optim.Adam([{"params": [a, c]}, {"params": [b]}])
    with pytest.raises(ValueError, match="another model"):
        mismatched.load_state_dict(opt.state_dict())


def test_state_lives_on_the_parameters_device(device):
    a, b, opt = _two_param_adam(device)
    _steps(opt, [a, b], GRADS_AB[:2])
    for p in (a, b):
        assert opt.state[p]["exp_avg"].device == device
        assert opt.state[p]["exp_avg_sq"].device == device
    p, sgd = run(tt.optim.SGD, GRADS[:1], device, lr=0.1, momentum=0.9)
    assert sgd.state[p]["momentum_buffer"].device == device


def test_loaded_state_follows_the_parameters_device(device):
    a, b, opt = _two_param_adam("cpu")
    _steps(opt, [a, b], GRADS_AB[:3])
    a2 = tt.tensor(a._host(), device=device, requires_grad=True)
    b2 = tt.tensor(b._host(), device=device, requires_grad=True)
    opt2 = tt.optim.Adam([{"params": [a2]}, {"params": [b2]}])
    opt2.load_state_dict(opt.state_dict())
    assert opt2.state[b2]["exp_avg"].device == device
    assert opt2.state[a2]["exp_avg_sq"].device == device
    _steps(opt, [a, b], GRADS_AB[3:])
    _steps(opt2, [a2, b2], GRADS_AB[3:])
    assert_close(a2, a, rtol=1e-6, atol=1e-7)
    assert_close(b2, b, rtol=1e-6, atol=1e-7)


def test_loaded_floating_state_takes_the_parameters_dtype():
    p, opt = run(tt.optim.Adam, GRADS[:1], lr=0.1)
    q = tt.tensor(W0, dtype="float64", requires_grad=True)
    opt2 = tt.optim.Adam([q], lr=0.1)
    opt2.load_state_dict(opt.state_dict())
    assert opt2.state[q]["exp_avg"].dtype == "float64"
    assert opt2.state[q]["step"] == 1
