"""Losses against NumPy references, their stability for huge logits, gradients and errors."""

import math
import warnings

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn as nn
import tinytorch.nn.functional as F
from tinytorch.testing import assert_close, gradcheck

RNG = np.random.default_rng(1)


def np_log_softmax(x, axis=1):
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def np_cross_entropy(logits, target, weight=None, ignore_index=-100, reduction="mean",
                     smoothing=0.0):
    """Class-index cross-entropy for logits (N, C), written from the definition."""
    logp = np_log_softmax(logits)
    n, c = logits.shape
    w = np.ones(c) if weight is None else weight
    losses, total_weight = np.zeros(n), 0.0
    for i in range(n):
        if target[i] == ignore_index:
            continue
        nll = -w[target[i]] * logp[i, target[i]]
        smooth = -(w * logp[i]).sum()
        losses[i] = (1 - smoothing) * nll + smoothing / c * smooth
        total_weight += w[target[i]]
    if reduction == "none":
        return losses
    return losses.sum() if reduction == "sum" else losses.sum() / total_weight


CE_CASES = [dict(), dict(reduction="sum"), dict(reduction="none"), dict(smoothing=0.2),
            dict(weight=True), dict(weight=True, smoothing=0.1), dict(ignore_index=1),
            dict(weight=True, ignore_index=2, smoothing=0.3, reduction="sum")]


@pytest.mark.parametrize("case", CE_CASES)
def test_cross_entropy_matches_numpy(case):
    logits = RNG.standard_normal((7, 4)) * 2
    target = RNG.integers(0, 4, 7)
    target[3] = case.get("ignore_index", -100)
    weight = RNG.random(4) + 0.5 if case.get("weight") else None
    expected = np_cross_entropy(logits, target, weight, case.get("ignore_index", -100),
                                case.get("reduction", "mean"), case.get("smoothing", 0.0))
    kwargs = dict(reduction=case.get("reduction", "mean"),
                  label_smoothing=case.get("smoothing", 0.0),
                  ignore_index=case.get("ignore_index", -100),
                  weight=None if weight is None else tt.tensor(weight))
    assert_close(F.cross_entropy(tt.tensor(logits), tt.tensor(target), **kwargs), expected)
    loss = nn.CrossEntropyLoss(**kwargs)
    assert_close(loss(tt.tensor(logits), tt.tensor(target)), expected)
    x = tt.tensor(logits, requires_grad=True)
    assert gradcheck(lambda x: F.cross_entropy(x, tt.tensor(target), **kwargs), (x,))


def test_cross_entropy_is_stable_for_logits_of_magnitude_1e4():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [3e4, 3e4, 3e4]])
    target = np.array([0, 0, 2])
    for dtype in ("float32", "float64"):
        x = tt.tensor(logits, dtype=dtype, requires_grad=True)
        loss = F.cross_entropy(x, tt.tensor(target), reduction="none")
        # exact values: 0, 2e4 + log 2, log 3
        assert_close(loss, np.array([0.0, 2e4 + math.log(2), math.log(3)]).astype(dtype),
                     rtol=1e-6, atol=1e-6)
        loss.sum().backward()
        grad = x.grad.numpy()
        assert np.isfinite(grad).all()
        expected = np.array([[0.0, 0, 0], [-1, 0.5, 0.5], [1 / 3, 1 / 3, -2 / 3]])
        assert_close(x.grad, expected.astype(dtype), rtol=1e-6, atol=1e-6)
    big = tt.tensor(RNG.standard_normal((4, 5)) * 1e4, requires_grad=True)
    loss = F.cross_entropy(big, tt.tensor([0, 1, 2, 3]), label_smoothing=0.1)
    loss.backward()
    assert math.isfinite(loss.item()) and np.isfinite(big.grad.numpy()).all()


def test_cross_entropy_spatial_unbatched_and_probability_targets():
    logits = RNG.standard_normal((2, 3, 4, 5))
    target = RNG.integers(0, 3, (2, 4, 5))
    flat_logits = logits.transpose(0, 2, 3, 1).reshape(-1, 3)
    per_position = np_cross_entropy(flat_logits, target.reshape(-1), reduction="none")
    got = F.cross_entropy(tt.tensor(logits), tt.tensor(target), reduction="none")
    assert got.shape == (2, 4, 5)
    assert_close(got, per_position.reshape(2, 4, 5))
    assert_close(F.cross_entropy(tt.tensor(logits), tt.tensor(target)), per_position.mean())
    one = F.cross_entropy(tt.tensor(logits[0, :, 0, 0]), tt.tensor(target[0, 0, 0]))
    assert one.shape == () and one.item() == pytest.approx(per_position[0])
    probs = RNG.random((6, 3))
    probs /= probs.sum(1, keepdims=True)
    soft_logits = RNG.standard_normal((6, 3))
    expected = -(probs * np_log_softmax(soft_logits)).sum(1).mean()
    assert_close(F.cross_entropy(tt.tensor(soft_logits), tt.tensor(probs)), expected)


def test_nll_loss_matches_numpy_and_gradcheck():
    logp = np_log_softmax(RNG.standard_normal((5, 4)))
    target = np.array([0, 3, 1, -100, 3])
    weight = np.array([1.0, 2.0, 0.5, 1.5])
    valid = target != -100
    picked = -weight[target[valid]] * logp[valid, target[valid]]
    got = F.nll_loss(tt.tensor(logp), tt.tensor(target), weight=tt.tensor(weight))
    assert_close(got, picked.sum() / weight[target[valid]].sum())
    assert_close(nn.NLLLoss(reduction="sum")(tt.tensor(logp), tt.tensor(target)),
                 -logp[valid, target[valid]].sum())
    x = tt.tensor(logp, requires_grad=True)
    assert gradcheck(lambda x: F.nll_loss(x, tt.tensor(target), tt.tensor(weight)), (x,))


def test_class_loss_errors_explain_the_fix():
    logits = tt.zeros(4, 3)
    with pytest.raises(ValueError, match="class probabilities.*target.long\\(\\)"):
        F.cross_entropy(logits, tt.tensor([0.0, 1.0, 2.0, 0.0]))  # indices stored as floats
    with pytest.raises(TypeError, match="target.long\\(\\)"):
        F.nll_loss(logits, tt.tensor([0.0, 1.0, 2.0, 0.0]))
    with pytest.raises(ValueError, match="one-hot"):
        F.cross_entropy(logits, tt.zeros(4, 3, dtype="int64"))
    with pytest.raises(IndexError, match=r"class indices must lie in \[0, 2\]"):
        F.cross_entropy(logits, tt.tensor([0, 1, 3, 0]))
    with pytest.raises(ValueError, match="not a valid value for reduction"):
        F.cross_entropy(logits, tt.tensor([0, 1, 2, 0]), reduction="avg")
    with pytest.raises(ValueError, match="label_smoothing"):
        nn.CrossEntropyLoss(label_smoothing=1.5)(logits, tt.tensor([0, 1, 2, 0]))


def np_softplus(x):
    return np.logaddexp(0, x)


def test_bce_with_logits_matches_numpy_and_is_stable():
    x = np.array([[1e4, -1e4, 0.5], [-3.0, 2e4, -2e4]])
    y = np.array([[0.0, 1.0, 0.3], [1.0, 1.0, 0.0]])
    pos = np.array([2.0, 0.5, 1.0])
    weight = np.array([[1.0], [3.0]])
    loss = (1 + (pos - 1) * y) * np_softplus(-x) + (1 - y) * x
    assert_close(F.binary_cross_entropy_with_logits(tt.tensor(x), tt.tensor(y),
                                                    reduction="none"),
                 np_softplus(-x) + (1 - y) * x)
    got = nn.BCEWithLogitsLoss(weight=tt.tensor(weight), pos_weight=tt.tensor(pos))
    assert_close(got(tt.tensor(x), tt.tensor(y)), (loss * weight).mean())
    assert np.isfinite(loss).all()
    small = tt.tensor(RNG.standard_normal((3, 3)) * 3, requires_grad=True)
    target = tt.tensor(RNG.random((3, 3)), requires_grad=True)
    assert gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(
        a, b, tt.tensor(weight[:1].repeat(3, 0)), pos_weight=tt.tensor(pos), reduction="sum"),
        (small, target))
    with pytest.raises(ValueError, match="must be the same as input size"):
        F.binary_cross_entropy_with_logits(tt.zeros(3), tt.zeros(3, 1))
    with pytest.raises(TypeError, match="float targets"):
        F.binary_cross_entropy_with_logits(tt.zeros(3), tt.tensor([0, 1, 1]))


def test_bce_matches_numpy_clamps_logs_and_checks_range():
    p = np.array([0.0, 1.0, 0.25, 0.9])
    y = np.array([1.0, 1.0, 0.0, 0.5])
    log_p = np.maximum(np.log(np.where(p > 0, p, 1)), -100)
    log_p[p == 0] = -100
    log_q = np.where(p < 1, np.log1p(-np.where(p < 1, p, 0)), -100)
    expected = -(y * log_p + (1 - y) * log_q)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # log(0) must not be evaluated
        got = F.binary_cross_entropy(tt.tensor(p), tt.tensor(y), reduction="none")
    assert_close(got, expected)
    assert_close(nn.BCELoss()(tt.tensor(p), tt.tensor(y)), expected.mean())
    inner = tt.tensor([0.2, 0.7, 0.4], dtype="float64", requires_grad=True)
    soft = tt.tensor([0.1, 0.9, 0.3], dtype="float64", requires_grad=True)
    weight = tt.tensor([1.0, 2.0, 0.5], dtype="float64")
    assert gradcheck(lambda a, b: F.binary_cross_entropy(a, b, weight), (inner, soft))
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(tt.tensor([1.5]), tt.tensor([1.0]))


def test_regression_losses():
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    assert_close(nn.MSELoss()(tt.tensor(a), tt.tensor(b)), ((a - b) ** 2).mean())
    assert_close(nn.MSELoss(reduction="sum")(tt.tensor(a), tt.tensor(b)), ((a - b) ** 2).sum())
    assert_close(nn.L1Loss(reduction="none")(tt.tensor(a), tt.tensor(b)), np.abs(a - b))
    x = tt.tensor(a, requires_grad=True)
    assert gradcheck(lambda x: F.mse_loss(x, tt.tensor(b)), (x,))
    with pytest.warns(UserWarning, match="different to the input size"):
        F.mse_loss(tt.tensor(a), tt.tensor(b[:1]))


def test_loss_modules_move_their_weights_and_run_on_every_device(device):
    weight = tt.tensor([1.0, 2.0, 0.5])
    loss_fn = nn.CrossEntropyLoss(weight=weight, label_smoothing=0.1).to(device)
    assert loss_fn.weight.device == device and "weight" in loss_fn.state_dict()
    logits = RNG.standard_normal((4, 3)).astype(np.float32)
    target = np.array([0, 2, 1, 2])
    expected = np_cross_entropy(logits.astype(np.float64), target, weight.numpy(),
                                smoothing=0.1)
    x = tt.tensor(logits, device=device, requires_grad=True)
    loss = loss_fn(x, tt.tensor(target, device=device))
    assert loss.device == device
    assert_close(loss, np.float32(expected), rtol=1e-5, atol=1e-6)
    loss.backward()
    assert x.grad.device == device
    bce = F.binary_cross_entropy_with_logits(tt.tensor([[1e4, -1e4]], device=device),
                                             tt.tensor([[0.0, 0.0]], device=device),
                                             reduction="none")
    assert_close(bce, np.array([[1e4, 0.0]], np.float32))
