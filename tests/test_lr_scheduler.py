"""Learning-rate schedulers: lr sequences against PyTorch's documented closed forms."""

import math

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
    sched = lr_scheduler.CosineAnnealingLR(make_optimizer((0.1,)), T_max=10)
    for _ in range(3):
        sched.step()
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 3 and state["T_max"] == 10
    resumed = lr_scheduler.CosineAnnealingLR(make_optimizer((0.1,)), T_max=10)
    resumed.load_state_dict(state)
    assert resumed.get_last_lr() == sched.get_last_lr()
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
    opt2.load_state_dict(loaded["optimizer"])
    sched2 = lr_scheduler.LinearLR(opt2, start_factor=0.5, total_iters=4)
    sched2.load_state_dict(loaded["scheduler"])
    sched.step()
    sched2.step()
    assert sched2.get_last_lr() == sched.get_last_lr() == [pytest.approx(0.1 * 0.75)]
    assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


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
