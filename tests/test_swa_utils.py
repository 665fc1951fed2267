"""optim.swa_utils: AveragedModel (SWA, EMA, use_buffers), SWALR and update_bn, against NumPy
means worked by hand and, where installed, against PyTorch's swa_utils on the same weights."""

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.optim import swa_utils

RNG = np.random.default_rng(11)
# Weight snapshots a training run might pass through, and batches for the BatchNorm statistics
SNAPSHOTS = [{"0.weight": RNG.standard_normal((4, 3)).astype(np.float32),
              "0.bias": RNG.standard_normal(4).astype(np.float32),
              "2.weight": RNG.standard_normal((2, 4)).astype(np.float32),
              "2.bias": RNG.standard_normal(2).astype(np.float32)} for _ in range(4)]
BATCHES = [RNG.standard_normal((6, 3)).astype(np.float32) for _ in range(4)]


def make_model(lib):
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Linear(4, 2))


def visit(lib, model, snapshot, batch):
    """Set the model's weights to a snapshot, then run one training batch (moves BN stats)."""
    with lib.no_grad():
        for name, param in model.named_parameters():
            if name in snapshot:
                param.copy_(lib.tensor(snapshot[name]))
    model.train()
    model(lib.tensor(batch))


def as_numpy(state):
    return {k: np.asarray(v.detach().numpy()) for k, v in state.items()}


def test_swa_is_the_mean_of_the_snapshots():
    model = make_model(tt)
    swa = swa_utils.AveragedModel(model)
    for snapshot, batch in zip(SNAPSHOTS, BATCHES):
        visit(tt, model, snapshot, batch)
        swa.update_parameters(model)
    assert swa.n_averaged.item() == len(SNAPSHOTS) and swa.n_averaged.dtype == "int64"
    averaged = dict(swa.module.named_parameters())
    for name in SNAPSHOTS[0]:
        mean = np.mean([s[name].astype(np.float64) for s in SNAPSHOTS], axis=0)
        np.testing.assert_allclose(averaged[name].detach().numpy(), mean, rtol=1e-5, atol=1e-6)
    # buffers are the model's latest, not averaged
    np.testing.assert_array_equal(swa.module[1].running_mean.numpy(),
                                  model[1].running_mean.numpy())
    assert swa.module[0].weight is not model[0].weight  # a deep copy


def test_ema_by_hand():
    model = make_model(tt)
    ema = swa_utils.AveragedModel(model, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.75))
    for snapshot, batch in zip(SNAPSHOTS, BATCHES):
        visit(tt, model, snapshot, batch)
        ema.update_parameters(model)
    expected = SNAPSHOTS[0]["0.weight"].astype(np.float64)
    for snapshot in SNAPSHOTS[1:]:
        expected = 0.75 * expected + 0.25 * snapshot["0.weight"]
    np.testing.assert_allclose(ema.module[0].weight.detach().numpy(), expected, rtol=1e-5,
                               atol=1e-6)


def test_forward_calls_the_averaged_copy():
    model = make_model(tt)
    swa = swa_utils.AveragedModel(model)
    visit(tt, model, SNAPSHOTS[0], BATCHES[0])
    swa.update_parameters(model)
    swa.eval()
    model.eval()
    x = tt.tensor(BATCHES[1])
    np.testing.assert_allclose(swa(x).detach().numpy(), model(x).detach().numpy(), rtol=1e-6)
    assert list(swa.state_dict())[0] == "n_averaged"
    assert "module.0.weight" in swa.state_dict()


AVERAGING = {
    "swa": lambda m: {},
    "ema_multi": lambda m: {"multi_avg_fn": m.get_ema_multi_avg_fn(0.9)},
    "ema_single": lambda m: {"avg_fn": m.get_ema_avg_fn(0.8)},
    "swa_single": lambda m: {"avg_fn": m.get_swa_avg_fn()},
    "swa_multi": lambda m: {"multi_avg_fn": m.get_swa_multi_avg_fn()},
    "ema_buffers": lambda m: {"multi_avg_fn": m.get_ema_multi_avg_fn(0.6), "use_buffers": True},
    "swa_buffers": lambda m: {"use_buffers": True},
}


@pytest.mark.parametrize("case", AVERAGING)
def test_averaged_model_matches_pytorch(case):
    torch = pytest.importorskip("torch")
    ours_model, theirs_model = make_model(tt), make_model(torch)
    ours = swa_utils.AveragedModel(ours_model, **AVERAGING[case](swa_utils))
    theirs = torch.optim.swa_utils.AveragedModel(theirs_model,
                                                 **AVERAGING[case](torch.optim.swa_utils))
    for snapshot, batch in zip(SNAPSHOTS, BATCHES):
        visit(tt, ours_model, snapshot, batch)
        visit(torch, theirs_model, snapshot, batch)
        ours.update_parameters(ours_model)
        theirs.update_parameters(theirs_model)
        mine, ref = as_numpy(ours.state_dict()), as_numpy(theirs.state_dict())
        assert list(mine) == list(ref)
        for key in ref:
            np.testing.assert_allclose(mine[key], ref[key], rtol=1e-5, atol=1e-6, err_msg=key)
            assert mine[key].dtype == ref[key].dtype, key


def test_update_bn_recomputes_the_statistics_like_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = make_model(tt), make_model(torch)
    for lib, model in ((tt, ours), (torch, theirs)):
        visit(lib, model, SNAPSHOTS[0], BATCHES[0])
        model.eval()
    loader_ours = [(tt.tensor(b), tt.zeros(6)) for b in BATCHES]  # (input, target) pairs
    loader_theirs = [(torch.tensor(b), torch.zeros(6)) for b in BATCHES]
    swa_utils.update_bn(loader_ours, ours)
    torch.optim.swa_utils.update_bn(loader_theirs, theirs)
    for key in ("1.running_mean", "1.running_var", "1.num_batches_tracked"):
        np.testing.assert_allclose(ours.state_dict()[key].numpy(),
                                   theirs.state_dict()[key].numpy(), rtol=1e-5, err_msg=key)
    assert ours[1].momentum == 0.1 and not ours.training  # restored


def test_update_bn_is_the_mean_over_the_pass():
    model = make_model(tt)
    inputs = [tt.tensor(b) for b in BATCHES]
    swa_utils.update_bn(inputs, model)  # batches may also be bare tensors
    with tt.no_grad():
        hidden = [model[0](x).numpy().astype(np.float64) for x in inputs]
    np.testing.assert_allclose(model[1].running_mean.numpy(),
                               np.mean([h.mean(axis=0) for h in hidden], axis=0), rtol=1e-5,
                               atol=1e-6)
    assert model[1].num_batches_tracked.item() == len(BATCHES)


def test_update_bn_without_batchnorm_does_nothing():
    model = tt.nn.Linear(3, 2)
    swa_utils.update_bn([object()], model)  # never iterated: nothing to recompute


@pytest.mark.parametrize("kwargs", [dict(swa_lr=0.05), dict(swa_lr=[0.01, 0.2], anneal_epochs=3),
                                    dict(swa_lr=0.05, anneal_epochs=4, anneal_strategy="linear"),
                                    dict(swa_lr=0.03, anneal_epochs=0)])
def test_swalr_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    opts = []
    for lib in (tt, torch):
        params = [lib.zeros(2, requires_grad=True) for _ in range(2)]
        opts.append(lib.optim.SGD([{"params": [params[0]], "lr": 0.5},
                                   {"params": [params[1]], "lr": 0.1}], lr=0.5))
    ours = swa_utils.SWALR(opts[0], **kwargs)
    theirs = torch.optim.swa_utils.SWALR(opts[1], **kwargs)
    for _ in range(15):
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)
        opts[1].step()
        ours.step()
        theirs.step()


def test_swalr_linear_by_hand():
    p = tt.zeros(1, requires_grad=True)
    sched = swa_utils.SWALR(tt.optim.SGD([p], lr=1.0), swa_lr=0.2, anneal_epochs=4,
                            anneal_strategy="linear")
    seen = [sched.get_last_lr()[0]]
    for _ in range(5):
        sched.step()
        seen.append(sched.get_last_lr()[0])
    assert seen == pytest.approx([1.0, 0.8, 0.6, 0.4, 0.2, 0.2])


def test_swalr_state_dict_is_plain_and_round_trips():
    def make():
        return swa_utils.SWALR(tt.optim.SGD([tt.zeros(1, requires_grad=True)], lr=1.0),
                               swa_lr=0.1, anneal_epochs=5)
    sched = make()
    for _ in range(2):
        sched.step()
    state = sched.state_dict()
    assert not any(callable(v) for v in state.values())
    resumed = make()
    resumed.optimizer.load_state_dict(sched.optimizer.state_dict())
    resumed.load_state_dict(state)
    for _ in range(4):
        sched.step()
        resumed.step()
        assert resumed.get_last_lr() == sched.get_last_lr()


def test_bad_arguments():
    model = tt.nn.Linear(2, 2)
    with pytest.raises(ValueError, match="Only one of avg_fn and multi_avg_fn"):
        swa_utils.AveragedModel(model, avg_fn=swa_utils.get_ema_avg_fn(),
                                multi_avg_fn=swa_utils.get_ema_multi_avg_fn())
    with pytest.raises(TypeError, match="nn.Module"):
        swa_utils.AveragedModel([model])
    with pytest.raises(ValueError, match="decay"):
        swa_utils.get_ema_multi_avg_fn(1.5)
    opt = tt.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="anneal_strategy"):
        swa_utils.SWALR(opt, swa_lr=0.1, anneal_strategy="step")
    with pytest.raises(ValueError, match="anneal_epochs"):
        swa_utils.SWALR(opt, swa_lr=0.1, anneal_epochs=-1)
