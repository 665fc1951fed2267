"""Learning-rate schedulers: lr sequences against PyTorch's closed forms and, where PyTorch is
installed, against PyTorch itself step by step (every scheduler, chained and sequential ones,
momentum cycling, checkpoints)."""

import math

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.optim import lr_scheduler


def make_optimizer(lrs=(0.1,)):
    groups = [{"params": [tt.zeros(2, requires_grad=True)], "lr": lr} for lr in lrs]
    return tt.optim.SGD(groups, lr=lrs[0])


def lr_sequence(scheduler, epochs):
    """get_last_lr() at creation, then after each of `epochs - 1` steps."""
    seen = [scheduler.get_last_lr()]
    for _ in range(epochs - 1):
        scheduler.step()
        seen.append(scheduler.get_last_lr())
    return seen


def assert_lrs(actual, expected):
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected):
        assert got == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_step_lr():
    opt = make_optimizer((0.1, 1.0))
    seen = lr_sequence(lr_scheduler.StepLR(opt, step_size=3, gamma=0.5), 10)
    assert_lrs(seen, [[base * 0.5 ** (e // 3) for base in (0.1, 1.0)] for e in range(10)])
    assert [g["lr"] for g in opt.param_groups] == seen[-1]


def test_cosine_annealing():
    opt = make_optimizer((0.1, 0.5))
    t_max, eta_min = 8, 0.01
    seen = lr_sequence(lr_scheduler.CosineAnnealingLR(opt, T_max=t_max, eta_min=eta_min), 20)
    expected = [[eta_min + (base - eta_min) * (1 + math.cos(math.pi * e / t_max)) / 2
                 for base in (0.1, 0.5)] for e in range(20)]
    assert_lrs(seen, expected)
    assert seen[t_max] == pytest.approx([eta_min, eta_min])
    assert seen[2 * t_max] == pytest.approx([0.1, 0.5])  # the cosine carries on past T_max


def test_linear_warmup():
    opt = make_optimizer((0.2,))
    seen = lr_sequence(lr_scheduler.LinearLR(opt, start_factor=0.25, end_factor=1.0,
                                             total_iters=4), 7)
    assert_lrs(seen, [[0.2 * f] for f in (0.25, 0.4375, 0.625, 0.8125, 1.0, 1.0, 1.0)])


def test_linear_defaults_and_decay():
    opt = make_optimizer((0.3,))
    seen = lr_sequence(lr_scheduler.LinearLR(opt), 7)  # 1/3 -> 1 over 5 steps
    assert_lrs(seen, [[0.3 * (1 / 3 + (2 / 3) * min(e, 5) / 5)] for e in range(7)])
    opt = make_optimizer((1.0,))
    seen = lr_sequence(lr_scheduler.LinearLR(opt, start_factor=1.0, end_factor=0.0,
                                             total_iters=2), 4)
    assert_lrs(seen, [[1.0], [0.5], [0.0], [0.0]])


def test_matches_pytorch_when_installed():
    torch = pytest.importorskip("torch", reason="PyTorch is an optional oracle; the formula "
                                                "tests above check the same sequences")
    cases = [("StepLR", dict(step_size=3, gamma=0.3)),
             ("CosineAnnealingLR", dict(T_max=7, eta_min=0.001)),
             ("LinearLR", dict(start_factor=0.1, end_factor=0.9, total_iters=6))]
    for name, kwargs in cases:
        ours = getattr(lr_scheduler, name)(make_optimizer((0.1, 0.02)), **kwargs)
        params = [torch.zeros(2, requires_grad=True) for _ in range(2)]
        theirs_opt = torch.optim.SGD([{"params": [params[0]], "lr": 0.1},
                                      {"params": [params[1]], "lr": 0.02}])
        theirs = getattr(torch.optim.lr_scheduler, name)(theirs_opt, **kwargs)
        for _ in range(20):
            assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-6, abs=1e-9)
            theirs_opt.step()
            theirs.step()
            ours.step()


def test_scheduler_drives_the_optimizer():
    p = tt.zeros(1, requires_grad=True)
    opt = tt.optim.SGD([p], lr=1.0)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):  # lrs 1, 0.5, 0.25 with gradient 1
        p.grad = tt.ones(1)
        opt.step()
        sched.step()
    assert p.item() == pytest.approx(-1.75)
    assert opt.param_groups[0]["initial_lr"] == 1.0


def test_state_dict_round_trip():
    """Resume as PyTorch documents it: create the optimizer and the scheduler, then load the
    optimizer's state (which holds the current lrs) and the scheduler's."""
    sched = lr_scheduler.CosineAnnealingLR(make_optimizer((0.1,)), T_max=10)
    for _ in range(3):
        sched.step()
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 3 and state["T_max"] == 10
    resumed = lr_scheduler.CosineAnnealingLR(make_optimizer((0.1,)), T_max=10)
    resumed.optimizer.load_state_dict(sched.optimizer.state_dict())
    resumed.load_state_dict(state)
    assert resumed.get_last_lr() == sched.get_last_lr()
    for _ in range(4):
        sched.step()
        resumed.step()
        assert resumed.get_last_lr() == sched.get_last_lr()
    assert resumed.optimizer.param_groups[0]["lr"] == sched.get_last_lr()[0]
    # state_dict copies its lists: stepping the original later does not change the saved dict
    before = list(state["_last_lr"])
    sched.step()
    assert state["_last_lr"] == before


def test_checkpoint_with_optimizer_and_scheduler(tmp_path):
    opt = make_optimizer((0.1,))
    sched = lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=4)
    sched.step()
    tt.save({"optimizer": opt.state_dict(), "scheduler": sched.state_dict()}, tmp_path / "c.tt")
    loaded = tt.load(tmp_path / "c.tt")
    opt2 = make_optimizer((0.1,))
    sched2 = lr_scheduler.LinearLR(opt2, start_factor=0.5, total_iters=4)
    opt2.load_state_dict(loaded["optimizer"])
    sched2.load_state_dict(loaded["scheduler"])
    sched.step()
    sched2.step()
    assert sched2.get_last_lr() == sched.get_last_lr() == [pytest.approx(0.1 * 0.75)]
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


def test_creating_a_scheduler_after_loading_the_optimizer_scales_the_loaded_lr():
    """The pitfall PyTorch warns about, with PyTorch's numbers: a scheduler's first step starts
    from the group's lr, so creating it after load_state_dict applies start_factor again."""
    opt = make_optimizer((0.1,))
    sched = lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=4)
    sched.step()  # lr 0.0625
    opt2 = make_optimizer((0.1,))
    opt2.load_state_dict(opt.state_dict())
    sched2 = lr_scheduler.LinearLR(opt2, start_factor=0.5, total_iters=4)
    sched2.load_state_dict(sched.state_dict())
    sched2.step()
    assert sched2.get_last_lr() == [pytest.approx(0.0375)]  # torch 2.x gives 0.0375 too


def test_bad_arguments():
    opt = make_optimizer()
    with pytest.raises(ValueError, match="step_size"):
        lr_scheduler.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="T_max"):
        lr_scheduler.CosineAnnealingLR(opt, T_max=0)
    with pytest.raises(ValueError, match="start_factor"):
        lr_scheduler.LinearLR(opt, start_factor=0.0)
    with pytest.raises(ValueError, match="end_factor"):
        lr_scheduler.LinearLR(opt, end_factor=1.5)


# ---- every scheduler against PyTorch, step by step --------------------------------------------

def _pair(lib, optimizer="SGD", lrs=(0.1, 0.02)):
    params = [lib.zeros(2, requires_grad=True) for _ in lrs]
    kwargs = {"momentum": 0.9} if optimizer == "SGD" else {}
    return getattr(lib.optim, optimizer)([{"params": [p], "lr": lr} for p, lr in zip(params, lrs)],
                                         lr=lrs[0], **kwargs)


def _hyper(opt, key):
    """One number per group and entry: (beta1, beta2) pairs are flattened."""
    values = [group[key] for group in opt.param_groups]
    return [v for value in values for v in (value if isinstance(value, tuple) else (value,))]


def _run_both(torch, build, steps, optimizer="SGD", metrics=None, lrs=(0.1, 0.02)):
    """Build the same schedule on tinytorch and PyTorch; after creation and after each step,
    compare get_last_lr(), the groups' lrs and their momentum/betas."""
    ours_opt, theirs_opt = _pair(tt, optimizer, lrs), _pair(torch, optimizer, lrs)
    ours, theirs = build(lr_scheduler, ours_opt), build(torch.optim.lr_scheduler, theirs_opt)
    key = "momentum" if optimizer == "SGD" else "betas"
    for step in range(steps + 1):
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12, abs=1e-15), \
            f"step {step}"
        assert _hyper(ours_opt, "lr") == pytest.approx(_hyper(theirs_opt, "lr"), rel=1e-12,
                                                       abs=1e-15), f"step {step}"
        assert _hyper(ours_opt, key) == pytest.approx(_hyper(theirs_opt, key), rel=1e-12), \
            f"step {step}"
        assert getattr(ours, "last_epoch", None) == getattr(theirs, "last_epoch", None)
        theirs_opt.step()
        if metrics is None:
            ours.step()
            theirs.step()
        else:
            ours.step(metrics[step])
            theirs.step(metrics[step])
    return ours, theirs


class _Halve:
    """A callable object: its attributes are saved in LambdaLR's state_dict."""

    def __init__(self):
        self.rate = 0.5

    def __call__(self, epoch):
        return self.rate ** (epoch // 3)


SCHEDULES = {
    "lambda": lambda m, o: m.LambdaLR(o, [lambda e: 0.95 ** e, lambda e: 1 / (e + 1)]),
    "lambda_object": lambda m, o: m.LambdaLR(o, _Halve()),
    "multiplicative": lambda m, o: m.MultiplicativeLR(o, lambda e: 0.9 if e % 2 else 1.05),
    "step": lambda m, o: m.StepLR(o, step_size=4, gamma=0.3),
    "multistep": lambda m, o: m.MultiStepLR(o, milestones=[3, 7, 7, 12], gamma=0.5),
    "constant": lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=6),
    "linear": lambda m, o: m.LinearLR(o, start_factor=0.1, end_factor=0.8, total_iters=9),
    "linear_down": lambda m, o: m.LinearLR(o, start_factor=1.0, end_factor=0.0, total_iters=5),
    "exponential": lambda m, o: m.ExponentialLR(o, gamma=0.87),
    "polynomial": lambda m, o: m.PolynomialLR(o, total_iters=12, power=2.5),
    "cosine": lambda m, o: m.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    "warm_restarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2,
                                                                eta_min=0.002),
    "warm_restarts_1": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=5),
    "cyclic": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=[0.1, 0.05], step_size_up=4,
                                      step_size_down=6),
    "cyclic_triangular2": lambda m, o: m.CyclicLR(o, 0.001, 0.01, step_size_up=3,
                                                  mode="triangular2", base_momentum=0.7),
    "cyclic_exp_range": lambda m, o: m.CyclicLR(o, 0.001, 0.01, step_size_up=3,
                                                mode="exp_range", gamma=0.9),
    "cyclic_scale_fn": lambda m, o: m.CyclicLR(o, 0.001, 0.01, step_size_up=2,
                                               scale_fn=lambda x: 1 / (1 + x),
                                               scale_mode="iterations",
                                               cycle_momentum=False),
    "one_cycle": lambda m, o: m.OneCycleLR(o, max_lr=[0.5, 0.1], total_steps=30),
    "one_cycle_linear": lambda m, o: m.OneCycleLR(o, max_lr=0.3, epochs=3, steps_per_epoch=10,
                                                  anneal_strategy="linear", pct_start=0.25),
    "one_cycle_three_phase": lambda m, o: m.OneCycleLR(o, max_lr=0.3, total_steps=30,
                                                       three_phase=True, div_factor=10,
                                                       final_div_factor=100,
                                                       base_momentum=[0.8, 0.75]),
    "one_cycle_no_momentum": lambda m, o: m.OneCycleLR(o, max_lr=0.3, total_steps=30,
                                                       cycle_momentum=False),
    "sequential": lambda m, o: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.1,
                                                             total_iters=4),
                                                  m.ExponentialLR(o, gamma=0.9),
                                                  m.CosineAnnealingLR(o, T_max=5)],
                                              milestones=[4, 10]),
    "chained": lambda m, o: m.ChainedScheduler([m.ConstantLR(o, factor=0.5, total_iters=3),
                                                m.ExponentialLR(o, gamma=0.9),
                                                m.StepLR(o, step_size=5, gamma=0.2)]),
    "chained_with_sequential": lambda m, o: m.ChainedScheduler([
        m.SequentialLR(o, [m.ConstantLR(o, factor=0.1, total_iters=2),
                           m.MultiStepLR(o, [3, 6])], milestones=[4]),
        m.ExponentialLR(o, gamma=0.95)], optimizer=o),
}


@pytest.mark.parametrize("name", SCHEDULES)
def test_schedules_match_pytorch_step_by_step(name):
    torch = pytest.importorskip("torch")
    steps = 29 if name.startswith("one_cycle") else 30  # OneCycleLR refuses step total_steps + 1
    _run_both(torch, SCHEDULES[name], steps)


@pytest.mark.parametrize("name", ["cyclic", "one_cycle", "one_cycle_three_phase"])
def test_cycle_momentum_moves_adams_beta1_like_pytorch(name):
    torch = pytest.importorskip("torch")
    _run_both(torch, SCHEDULES[name], 29, optimizer="Adam")


def test_cycle_momentum_needs_momentum_or_betas():
    opt = tt.optim.Adagrad([tt.zeros(2, requires_grad=True)])
    with pytest.raises(ValueError, match="cycle_momentum=False"):
        lr_scheduler.CyclicLR(opt, 0.01, 0.1)
    lr_scheduler.CyclicLR(opt, 0.01, 0.1, cycle_momentum=False)  # fine without


@pytest.mark.parametrize("kwargs", [
    {}, dict(mode="max", patience=2, factor=0.5, cooldown=2),
    dict(threshold_mode="abs", threshold=0.05, patience=1, min_lr=[0.01, 0.005]),
    dict(mode="max", threshold_mode="abs", patience=0, factor=0.3, eps=0.01),
])
def test_reduce_on_plateau_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    metrics = list(np.round(1 + rng.standard_normal(40) * 0.05 - np.linspace(0, 0.3, 40), 3))
    _run_both(torch, lambda m, o: m.ReduceLROnPlateau(o, **kwargs), 39, metrics=metrics)


def test_reduce_on_plateau_by_hand():
    opt = make_optimizer((1.0,))
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=2, factor=0.5, cooldown=1)
    # 3 epochs without improvement -> halve; 1 epoch cooldown; then count again
    for loss, lr in [(1.0, 1.0), (1.0, 1.0), (1.0, 1.0), (1.0, 0.5), (1.0, 0.5), (1.0, 0.5),
                     (1.0, 0.5), (1.0, 0.25), (0.5, 0.25)]:
        sched.step(tt.tensor(loss))  # a 0-d tensor metric works, as in PyTorch
        assert sched.get_last_lr() == [lr]
    assert sched.best == 0.5
    with pytest.raises(TypeError, match="metric as a number"):
        sched.step("low")


def test_warm_restarts_with_fractional_epochs_match_pytorch():
    torch = pytest.importorskip("torch")
    ours = lr_scheduler.CosineAnnealingWarmRestarts(make_optimizer((0.1, 0.02)), T_0=2, T_mult=3)
    theirs_opt = _pair(torch)
    theirs = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(theirs_opt, T_0=2, T_mult=3)
    for epoch in np.arange(0, 12, 0.25):
        theirs_opt.step()
        ours.step(float(epoch))
        theirs.step(float(epoch))
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)
        assert (ours.T_i, ours.last_epoch) == (theirs.T_i, theirs.last_epoch)


@pytest.mark.parametrize("name", ["step", "multistep", "constant", "linear", "exponential",
                                  "polynomial", "cosine"])
def test_deprecated_step_with_an_epoch_jumps_to_the_closed_form(name):
    torch = pytest.importorskip("torch")
    ours_opt, theirs_opt = _pair(tt), _pair(torch)
    ours, theirs = SCHEDULES[name](lr_scheduler, ours_opt), SCHEDULES[name](
        torch.optim.lr_scheduler, theirs_opt)
    for epoch in (5, 2, 11, 0, 7):
        theirs_opt.step()
        with pytest.warns(UserWarning, match="deprecated"):
            ours.step(epoch)
        with pytest.warns(UserWarning):
            theirs.step(epoch)
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", ["lambda_object", "multistep", "cosine", "warm_restarts",
                                  "cyclic", "one_cycle_three_phase", "sequential", "chained"])
def test_resuming_from_a_checkpoint_continues_the_schedule(name, tmp_path):
    """Stop after 7 steps, save both state dicts with tinytorch.save, restore them in PyTorch's
    documented order into fresh objects, and the next steps equal an uninterrupted run's."""
    build = SCHEDULES[name]
    opt = _pair(tt)
    sched = build(lr_scheduler, opt)
    for _ in range(7):
        opt.step()
        sched.step()
    tt.save({"opt": opt.state_dict(), "sched": sched.state_dict()}, tmp_path / "ckpt.tt")
    loaded = tt.load(tmp_path / "ckpt.tt")
    opt2 = _pair(tt)
    sched2 = build(lr_scheduler, opt2)
    opt2.load_state_dict(loaded["opt"])
    sched2.load_state_dict(loaded["sched"])
    assert getattr(sched2, "last_epoch", 7) == 7  # ChainedScheduler has none, as in PyTorch
    assert sched2.get_last_lr() == sched.get_last_lr()
    for _ in range(15):
        opt.step()
        opt2.step()
        sched.step()
        sched2.step()
        assert sched2.get_last_lr() == sched.get_last_lr()
        assert _hyper(opt2, "momentum") == _hyper(opt, "momentum")


def test_lambda_state_dict_keeps_object_attributes_not_functions():
    halve = _Halve()
    sched = lr_scheduler.LambdaLR(make_optimizer((0.1, 0.2)), [halve, lambda e: 1.0])
    state = sched.state_dict()
    assert state["lr_lambdas"] == [{"rate": 0.5}, None]
    halve.rate = 0.1
    sched.load_state_dict(state)
    assert halve.rate == 0.5


def test_sequential_and_chained_check_their_schedulers():
    opt, other = make_optimizer(), make_optimizer()
    with pytest.raises(ValueError, match="one milestone fewer"):
        lr_scheduler.SequentialLR(opt, [lr_scheduler.StepLR(opt, 2)], milestones=[3])
    with pytest.raises(ValueError, match="same optimizer"):
        lr_scheduler.ChainedScheduler([lr_scheduler.StepLR(opt, 2),
                                       lr_scheduler.StepLR(other, 2)])
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        lr_scheduler.ChainedScheduler([lr_scheduler.ReduceLROnPlateau(opt)])
    with pytest.raises(ValueError, match="at least one"):
        lr_scheduler.SequentialLR(opt, [], milestones=[])
    with pytest.raises(TypeError, match="is not an Optimizer"):
        lr_scheduler.ExponentialLR([tt.zeros(2)], gamma=0.9)


def test_one_cycle_refuses_steps_past_its_total():
    sched = lr_scheduler.OneCycleLR(make_optimizer(), max_lr=0.1, total_steps=3)
    for _ in range(2):
        sched.step()
    with pytest.raises(ValueError, match="Tried to step 4 times"):
        sched.step()
        sched.step()
    with pytest.raises(ValueError, match="total_steps OR"):
        lr_scheduler.OneCycleLR(make_optimizer(), max_lr=0.1, epochs=3)


def test_resuming_with_last_epoch_needs_initial_lr():
    with pytest.raises(ValueError, match="initial_lr"):
        lr_scheduler.StepLR(make_optimizer(), step_size=2, last_epoch=4)
