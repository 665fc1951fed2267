"""The losses beyond cross-entropy and MSE (KL divergence, smooth L1 / Huber, the margin losses,
Poisson and Gaussian NLL, ...): NumPy formulas for every reduction, gradcheck, the modules on
every device, the errors, and PyTorch as the oracle for values and gradients."""

import math
import warnings

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn as nn
import tinytorch.nn.functional as F
from tinytorch.testing import assert_close, gradcheck

RNG = np.random.default_rng(11)
REDUCTIONS = ("none", "mean", "sum")

X = RNG.standard_normal((4, 5))
Y = RNG.standard_normal((4, 5))
SIGNS = np.where(RNG.random((4, 5)) > 0.5, 1.0, -1.0)
LOGP = np.log(RNG.dirichlet(np.ones(5), 4))
PROBS = RNG.dirichlet(np.ones(5), 4)
PROBS[0, 0] = 0.0                                       # 0 log 0 counts as 0
COUNTS = RNG.poisson(2.0, (4, 5)).astype(np.float64)    # zeros, ones and larger counts
WEIGHTS = RNG.random((4, 5)) + 0.1


def reduce(loss, reduction):
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def np_logsigmoid(x):
    return -np.logaddexp(0.0, -x)


def np_cosine(a, b):
    return (a * b).sum(-1) / np.sqrt(((a * a).sum(-1) + 1e-12) * ((b * b).sum(-1) + 1e-12))


def np_stirling(t):
    safe = np.maximum(t, 1.0)
    return np.where(t > 1, safe * np.log(safe) - safe + 0.5 * np.log(2 * math.pi * safe), 0.0)


# name -> (arrays, call on tinytorch tensors, NumPy loss per element before the reduction)
CASES = {
    "kl_div": ((LOGP, PROBS), lambda a, b, r: F.kl_div(a, b, reduction=r),
               lambda a, b: np.where(b > 0, b * np.log(np.where(b > 0, b, 1.0)), 0.0) - b * a),
    "kl_div_log_target": ((LOGP, np.log(PROBS + 0.1)),
                          lambda a, b, r: F.kl_div(a, b, reduction=r, log_target=True),
                          lambda a, b: np.exp(b) * (b - a)),
    "smooth_l1_loss": ((X, Y), lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=0.6),
                       lambda a, b: np.where(np.abs(a - b) < 0.6, 0.5 * (a - b) ** 2 / 0.6,
                                             np.abs(a - b) - 0.3)),
    "smooth_l1_loss_beta0": ((X, Y),
                             lambda a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=0.0),
                             lambda a, b: np.abs(a - b)),
    "huber_loss": ((X, Y), lambda a, b, r: F.huber_loss(a, b, r, delta=0.6),
                   lambda a, b: np.where(np.abs(a - b) < 0.6, 0.5 * (a - b) ** 2,
                                         0.6 * (np.abs(a - b) - 0.3))),
    "soft_margin_loss": ((X, SIGNS), lambda a, b, r: F.soft_margin_loss(a, b, reduction=r),
                         lambda a, b: np.log1p(np.exp(-b * a))),
    "margin_ranking_loss": ((X, Y, SIGNS),
                            lambda a, b, c, r: F.margin_ranking_loss(a, b, c, 0.3, reduction=r),
                            lambda a, b, c: np.maximum(0.0, 0.3 - c * (a - b))),
    "hinge_embedding_loss": ((np.abs(X), SIGNS),
                             lambda a, b, r: F.hinge_embedding_loss(a, b, 1.2, reduction=r),
                             lambda a, b: np.where(b == 1, a, np.maximum(0.0, 1.2 - a))),
    "cosine_embedding_loss": ((X, Y, SIGNS[:, 0]),
                              lambda a, b, c, r: F.cosine_embedding_loss(a, b, c, 0.1,
                                                                         reduction=r),
                              lambda a, b, c: np.where(c == 1, 1 - np_cosine(a, b),
                                                       np.maximum(0.0, np_cosine(a, b) - 0.1))),
    "triplet_margin_loss": ((X, Y, X[::-1] * 0.5),
                            lambda a, p, n, r: F.triplet_margin_loss(a, p, n, 1.5, reduction=r),
                            lambda a, p, n: np.maximum(
                                0.0, 1.5 + np.linalg.norm(a - p + 1e-6, axis=-1)
                                - np.linalg.norm(a - n + 1e-6, axis=-1))),
    "triplet_margin_loss_swap_p1": (
        (X, Y, X[::-1] * 0.5),
        lambda a, p, n, r: F.triplet_margin_loss(a, p, n, 2.0, p=1, swap=True, reduction=r),
        lambda a, p, n: np.maximum(0.0, 2.0 + np.abs(a - p + 1e-6).sum(-1) - np.minimum(
            np.abs(a - n + 1e-6).sum(-1), np.abs(p - n + 1e-6).sum(-1)))),
    "multilabel_soft_margin_loss": (
        (X, (SIGNS > 0).astype(float)),
        lambda a, b, r: F.multilabel_soft_margin_loss(a, b, reduction=r),
        lambda a, b: -(b * np_logsigmoid(a) + (1 - b) * np_logsigmoid(-a)).mean(-1)),
    "poisson_nll_loss": ((X, COUNTS), lambda a, b, r: F.poisson_nll_loss(a, b, reduction=r),
                         lambda a, b: np.exp(a) - b * a),
    "poisson_nll_loss_full_rates": (
        (np.abs(X) + 0.1, COUNTS),
        lambda a, b, r: F.poisson_nll_loss(a, b, log_input=False, full=True, eps=1e-3,
                                           reduction=r),
        lambda a, b: a - b * np.log(a + 1e-3) + np_stirling(b)),
    "gaussian_nll_loss": ((X, Y, WEIGHTS),
                          lambda a, b, v, r: F.gaussian_nll_loss(a, b, v, reduction=r),
                          lambda a, b, v: 0.5 * (np.log(v) + (a - b) ** 2 / v)),
    "gaussian_nll_loss_full_per_sample": (
        (X, Y, WEIGHTS[:, 0]),
        lambda a, b, v, r: F.gaussian_nll_loss(a, b, v, full=True, reduction=r),
        lambda a, b, v: 0.5 * (np.log(v[:, None]) + (a - b) ** 2 / v[:, None]
                               + math.log(2 * math.pi))),
}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_loss_matches_its_formula(name, reduction):
    arrays, ours, formula = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kl_div's advice about reduction="mean"
        got = ours(*map(tt.tensor, arrays), reduction)
    assert_close(got, reduce(formula(*arrays), reduction))


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck_every_tensor_argument(name):
    arrays, ours, _ = CASES[name]
    if name.startswith(("hinge", "poisson")):  # labels and counts: only the input varies
        leaves = (tt.tensor(arrays[0], requires_grad=True),)
        assert gradcheck(lambda a: ours(a, tt.tensor(arrays[1]), "sum"), leaves)
        return
    if name.startswith(("cosine", "margin")):
        *inputs, target = arrays
        leaves = tuple(tt.tensor(a, requires_grad=True) for a in inputs)
        assert gradcheck(lambda *t: ours(*t, tt.tensor(target), "mean"), leaves)
        return
    if name == "kl_div":  # row 0 holds a target probability 0, where log has no derivative
        arrays = tuple(a[1:] for a in arrays)
    leaves = tuple(tt.tensor(a, requires_grad=True) for a in arrays)
    assert gradcheck(lambda *t: ours(*t, "sum"), leaves)


def test_kl_div_batchmean_is_the_divergence_per_sample_and_mean_warns():
    expected = (PROBS * np.log(np.where(PROBS > 0, PROBS, 1.0)) - PROBS * LOGP).sum() / 4
    assert_close(F.kl_div(tt.tensor(LOGP), tt.tensor(PROBS), reduction="batchmean"), expected)
    assert_close(nn.KLDivLoss(reduction="batchmean")(tt.tensor(LOGP), tt.tensor(PROBS)),
                 expected)
    with pytest.warns(UserWarning, match="batchmean"):
        F.kl_div(tt.tensor(LOGP), tt.tensor(PROBS))
    # KL(p || p) = 0, and its gradient with respect to the log-probabilities is -p
    logp = tt.tensor(np.log(PROBS[1:]), requires_grad=True)
    loss = F.kl_div(logp, tt.tensor(PROBS[1:]), reduction="sum")
    loss.backward()
    assert abs(loss.item()) < 1e-12
    assert_close(logp.grad, -PROBS[1:])


def test_weighted_l1_and_huber():
    d = np.abs(X - Y)
    assert_close(F.l1_loss(tt.tensor(X), tt.tensor(Y), weight=tt.tensor(WEIGHTS)),
                 (d * WEIGHTS).sum() / WEIGHTS.sum())
    huber = np.where(d < 1.0, 0.5 * d * d, d - 0.5)
    assert_close(F.huber_loss(tt.tensor(X), tt.tensor(Y), weight=tt.tensor(WEIGHTS)),
                 (huber * WEIGHTS).mean())
    with pytest.raises(ValueError, match="one weight per element"):
        F.huber_loss(tt.tensor(X), tt.tensor(Y), weight=tt.ones(5))


def test_hand_worked_values():
    # smooth L1 at |d| = 0.5 and 2 with beta 1: 0.125 and 1.5; Huber with delta 2: 0.125, 2.0
    a, b = tt.tensor([0.5, 2.0]), tt.tensor([0.0, 0.0])
    assert F.smooth_l1_loss(a, b, reduction="none").tolist() == [0.125, 1.5]
    assert F.huber_loss(a, b, "none", 2.0).tolist() == [0.125, 2.0]
    # hinge: target 1 keeps the input, -1 gives max(0, 1 - x), any other value adds both
    got = F.hinge_embedding_loss(tt.tensor([0.3, 0.3, 2.0, 0.3]), tt.tensor([1.0, -1, -1, 0]),
                                 reduction="none")
    assert_close(got, np.array([0.3, 0.7, 0.0, 1.0], np.float32))
    # orthogonal vectors: cosine 0, so the loss is 1 for target 1 and max(0, 0 - m) for -1
    e1, e2 = tt.tensor([[1.0, 0.0]] * 2), tt.tensor([[0.0, 3.0]] * 2)
    assert F.cosine_embedding_loss(e1, e2, tt.tensor([1.0, -1.0]), -0.25,
                                   reduction="none").tolist() == [1.0, 0.25]
    # a zero vector has cosine 0 (not nan) thanks to the eps on the squared norms
    zero = F.cosine_embedding_loss(tt.zeros(1, 3), tt.ones(1, 3), tt.tensor([1.0]))
    assert zero.item() == 1.0
    # Poisson NLL with rate e^0 = 1 and count 3: 1 - 0; full adds 3 log 3 - 3 + log(6 pi) / 2
    full = F.poisson_nll_loss(tt.tensor([0.0], dtype="float64"), tt.tensor([3.0], dtype="float64"),
                              full=True)
    assert_close(full, np.float64(1 + 3 * math.log(3) - 3 + 0.5 * math.log(6 * math.pi)))
    # Gaussian NLL of the mean itself with variance 1: 0, plus log(2 pi) / 2 with full=True
    g = F.gaussian_nll_loss(tt.zeros(3), tt.zeros(3), 1.0, full=True)
    assert_close(g, np.float32(0.5 * math.log(2 * math.pi)))


def test_gaussian_nll_clamps_the_variance_but_keeps_its_gradient():
    var = tt.tensor([1e-9, 4.0], dtype="float64", requires_grad=True)
    x, y = tt.tensor([0.0, 1.0], dtype="float64"), tt.tensor([0.0, 3.0], dtype="float64")
    loss = F.gaussian_nll_loss(x, y, var, eps=1e-3, reduction="none")
    # the first variance counts as eps = 1e-3 (its log), the second as itself
    assert_close(loss, np.array([0.5 * math.log(1e-3), 0.5 * (math.log(4.0) + 4.0 / 4.0)]))
    loss.sum().backward()
    # d/dv 0.5 (log v + r^2 / v) = 0.5 (1 / v - r^2 / v^2), evaluated at the clamped value
    assert_close(var.grad, np.array([0.5 / 1e-3, 0.5 * (0.25 - 4.0 / 16.0)]))
    with pytest.raises(ValueError, match="negative"):
        F.gaussian_nll_loss(x, y, tt.tensor([-1.0, 1.0], dtype="float64"))
    with pytest.raises(ValueError, match="does not fit"):
        F.gaussian_nll_loss(tt.zeros(4, 3), tt.zeros(4, 3), tt.ones(4, 2))


def test_modules_pass_their_options_and_run_on_every_device(device):
    def t(a):
        return tt.tensor(a.astype(np.float32), device=device)

    x = tt.tensor(X.astype(np.float32), device=device, requires_grad=True)
    calls = [
        (nn.KLDivLoss(reduction="batchmean", log_target=True), (x, t(LOGP))),
        (nn.SmoothL1Loss(beta=0.5), (x, t(Y))), (nn.HuberLoss(delta=0.5), (x, t(Y))),
        (nn.SoftMarginLoss(reduction="sum"), (x, t(SIGNS))),
        (nn.MarginRankingLoss(0.2), (x, t(Y), t(SIGNS))),
        (nn.HingeEmbeddingLoss(margin=2.0), (x, t(SIGNS))),
        (nn.CosineEmbeddingLoss(0.1), (x, t(Y), t(SIGNS[:, 0]))),
        (nn.TripletMarginLoss(margin=0.5, p=1.0, swap=True), (x, t(Y), t(X[::-1].copy()))),
        (nn.MultiLabelSoftMarginLoss(weight=t(WEIGHTS[0])), (x, t(SIGNS > 0))),
        (nn.PoissonNLLLoss(full=True), (x, t(COUNTS))),
        (nn.GaussianNLLLoss(full=True), (x, t(Y), t(WEIGHTS))),
    ]
    for loss_fn, args in calls:
        loss = loss_fn(*args)
        assert loss.device == device and loss.ndim == 0 and math.isfinite(loss.item())
        loss.backward()
        assert x.grad.device == device and np.isfinite(x.grad.cpu().numpy()).all()
        x.grad = None
    assert_close(nn.HuberLoss(reduction="none", delta=0.5)(x, t(Y)),
                 np.where(np.abs(X - Y) < 0.5, 0.5 * (X - Y) ** 2,
                          0.5 * (np.abs(X - Y) - 0.25)).astype(np.float32),
                 rtol=1e-5, atol=1e-6)
    weighted = nn.MultiLabelSoftMarginLoss(weight=tt.ones(5)).to(device)
    assert weighted.weight.device == device and "weight" in weighted.state_dict()


def test_options_after_pytorchs_legacy_arguments_are_keyword_only():
    # PyTorch's third positional argument is the deprecated size_average: refuse, don't misread
    with pytest.raises(TypeError):
        F.kl_div(tt.tensor(LOGP), tt.tensor(PROBS), "batchmean")
    with pytest.raises(TypeError):
        nn.SmoothL1Loss("sum")
    assert nn.MarginRankingLoss(0.5).margin == 0.5          # margin is positional in PyTorch
    assert nn.PoissonNLLLoss(False, True).full is True


def test_errors_name_the_values_and_the_fix():
    a = tt.tensor(X)
    with pytest.raises(ValueError, match="beta must be non-negative"):
        F.smooth_l1_loss(a, a, beta=-1.0)
    with pytest.raises(ValueError, match="delta must be positive"):
        F.huber_loss(a, a, delta=0.0)
    with pytest.raises(ValueError, match="batchmean"):
        F.smooth_l1_loss(a, a, reduction="batchmean")
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        F.triplet_margin_loss(a, a, a, margin=0.0)
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        nn.TripletMarginLoss(margin=-1.0)
    with pytest.raises(RuntimeError, match="same number of dimensions"):
        F.margin_ranking_loss(a, a, tt.ones(5))
    with pytest.raises(RuntimeError, match="0-d target"):
        F.cosine_embedding_loss(a, a, tt.ones(4, 1))
    with pytest.raises(TypeError, match="'input1' must be a Tensor"):
        F.cosine_embedding_loss([1.0], a, tt.ones(4))
    with pytest.raises(TypeError, match="'var' must be a Tensor"):
        F.gaussian_nll_loss(a, a, "1")
    with pytest.raises(TypeError, match="margin must be a number"):
        F.hinge_embedding_loss(a, a, margin=None)


# ---- PyTorch as the oracle -----------------------------------------------------------------

TORCH_CASES = {
    "kl_div": lambda F, a, b, r: F.kl_div(a, b, reduction=r),
    "kl_div_log_target": lambda F, a, b, r: F.kl_div(a, b, reduction=r, log_target=True),
    "smooth_l1_loss": lambda F, a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=0.6),
    "smooth_l1_loss_beta0": lambda F, a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=0.0),
    "huber_loss": lambda F, a, b, r: F.huber_loss(a, b, r, delta=0.6),
    "soft_margin_loss": lambda F, a, b, r: F.soft_margin_loss(a, b, reduction=r),
    "margin_ranking_loss": lambda F, a, b, c, r: F.margin_ranking_loss(a, b, c, 0.3,
                                                                       reduction=r),
    "hinge_embedding_loss": lambda F, a, b, r: F.hinge_embedding_loss(a, b, 1.2, reduction=r),
    "cosine_embedding_loss": lambda F, a, b, c, r: F.cosine_embedding_loss(a, b, c, 0.1,
                                                                           reduction=r),
    "triplet_margin_loss": lambda F, a, p, n, r: F.triplet_margin_loss(a, p, n, 1.5,
                                                                       reduction=r),
    "triplet_margin_loss_swap_p1": lambda F, a, p, n, r: F.triplet_margin_loss(
        a, p, n, 2.0, p=1, swap=True, reduction=r),
    "multilabel_soft_margin_loss": lambda F, a, b, r: F.multilabel_soft_margin_loss(
        a, b, reduction=r),
    "poisson_nll_loss": lambda F, a, b, r: F.poisson_nll_loss(a, b, reduction=r),
    "poisson_nll_loss_full_rates": lambda F, a, b, r: F.poisson_nll_loss(
        a, b, log_input=False, full=True, eps=1e-3, reduction=r),
    "gaussian_nll_loss": lambda F, a, b, v, r: F.gaussian_nll_loss(a, b, v, reduction=r),
    "gaussian_nll_loss_full_per_sample": lambda F, a, b, v, r: F.gaussian_nll_loss(
        a, b, v, full=True, reduction=r),
}
# the arguments PyTorch differentiates (targets and labels are not)
TORCH_GRADS = {"kl_div_log_target": (0, 1), "smooth_l1_loss": (0, 1), "huber_loss": (0, 1),
               "margin_ranking_loss": (0, 1), "cosine_embedding_loss": (0, 1),
               "triplet_margin_loss": (0, 1, 2), "triplet_margin_loss_swap_p1": (0, 1, 2),
               "gaussian_nll_loss": (0, 1, 2), "gaussian_nll_loss_full_per_sample": (0, 1, 2)}


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_torch(name, reduction):
    torch = pytest.importorskip("torch")
    arrays, ours, _ = CASES[name]
    grads = TORCH_GRADS.get(name, (0,))
    theirs = [torch.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    mine = [tt.tensor(a, requires_grad=i in grads) for i, a in enumerate(arrays)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = TORCH_CASES[name](torch.nn.functional, *theirs, reduction)
        got = ours(*mine, reduction)
    assert_close(got, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    upstream = RNG.standard_normal(tuple(expected.shape))
    (expected * torch.tensor(upstream)).sum().backward()
    (got * tt.tensor(upstream)).sum().backward()
    for i in grads:
        assert_close(mine[i].grad, theirs[i].grad.numpy(), rtol=1e-9, atol=1e-12)


def test_reductions_weights_and_modules_match_torch():
    torch = pytest.importorskip("torch")
    T = torch.nn.functional
    tx, ty, tw = torch.tensor(X), torch.tensor(Y), torch.tensor(WEIGHTS)
    ox, oy, ow = tt.tensor(X), tt.tensor(Y), tt.tensor(WEIGHTS)
    for reduction in REDUCTIONS:
        assert_close(F.l1_loss(ox, oy, reduction, ow), T.l1_loss(tx, ty, reduction=reduction,
                                                                 weight=tw).numpy())
        assert_close(F.huber_loss(ox, oy, reduction, 0.4, ow),
                     T.huber_loss(tx, ty, reduction, 0.4, tw).numpy())
        assert_close(F.multilabel_soft_margin_loss(ox, (oy > 0).double(), ow[0],
                                                   reduction=reduction),
                     T.multilabel_soft_margin_loss(tx, (ty > 0).double(), tw[0],
                                                   reduction=reduction).numpy())
    assert_close(F.kl_div(tt.tensor(LOGP), tt.tensor(PROBS), reduction="batchmean"),
                 T.kl_div(torch.tensor(LOGP), torch.tensor(PROBS), reduction="batchmean").numpy())
    # a variance with a trailing axis of 1 broadcasts over the features, a number everywhere
    assert_close(F.gaussian_nll_loss(ox, oy, ow[:, :1]),
                 T.gaussian_nll_loss(tx, ty, tw[:, :1]).numpy())
    assert_close(F.gaussian_nll_loss(ox, oy, 0.7, eps=0.9),
                 T.gaussian_nll_loss(tx, ty, 0.7, eps=0.9).numpy())
    # one pair (1-D inputs, 0-d target) for the embedding losses
    assert_close(F.cosine_embedding_loss(ox[0], oy[0], tt.tensor(-1.0)),
                 T.cosine_embedding_loss(tx[0], ty[0], torch.tensor(-1.0)).numpy())
    assert_close(F.triplet_margin_loss(ox[0], oy[0], ox[1]),
                 T.triplet_margin_loss(tx[0], ty[0], tx[1]).numpy())
    pairs = [(nn.KLDivLoss(reduction="sum"), torch.nn.KLDivLoss(reduction="sum"), (LOGP, PROBS)),
             (nn.SmoothL1Loss(beta=2.0), torch.nn.SmoothL1Loss(beta=2.0), (X, Y)),
             (nn.HingeEmbeddingLoss(), torch.nn.HingeEmbeddingLoss(), (X, SIGNS)),
             (nn.PoissonNLLLoss(log_input=False, eps=0.5),
              torch.nn.PoissonNLLLoss(log_input=False, eps=0.5), (np.abs(X), COUNTS)),
             (nn.GaussianNLLLoss(eps=0.3), torch.nn.GaussianNLLLoss(eps=0.3), (X, Y, WEIGHTS))]
    for ours, theirs, arrays in pairs:
        assert_close(ours(*map(tt.tensor, arrays)),
                     theirs(*map(torch.tensor, arrays)).numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_options_and_pos_weight_match_torch(reduction):
    # the existing losses' less common options, checked here against PyTorch once more:
    # probability targets with class weights and smoothing, spatial targets, pos_weight
    torch = pytest.importorskip("torch")
    T = torch.nn.functional
    logits = RNG.standard_normal((4, 3, 2))
    probs = RNG.dirichlet(np.ones(3), (4, 2)).transpose(0, 2, 1)
    labels = RNG.integers(0, 3, (4, 2))
    labels[0, 0] = -100
    weight = RNG.random(3) + 0.5
    for target in (probs, labels):
        for smoothing in (0.0, 0.2):
            expected = T.cross_entropy(torch.tensor(logits), torch.tensor(target),
                                       torch.tensor(weight), reduction=reduction,
                                       label_smoothing=smoothing)
            got = F.cross_entropy(tt.tensor(logits), tt.tensor(target), tt.tensor(weight),
                                  reduction=reduction, label_smoothing=smoothing)
            assert_close(got, expected.numpy(), rtol=1e-10, atol=1e-12)
    pos_weight = RNG.random(5) + 0.5
    expected = T.binary_cross_entropy_with_logits(
        torch.tensor(X), torch.tensor((SIGNS > 0).astype(float)), torch.tensor(WEIGHTS[0]),
        reduction=reduction, pos_weight=torch.tensor(pos_weight))
    got = F.binary_cross_entropy_with_logits(
        tt.tensor(X), tt.tensor((SIGNS > 0).astype(float)), tt.tensor(WEIGHTS[0]),
        reduction=reduction, pos_weight=tt.tensor(pos_weight))
    assert_close(got, expected.numpy(), rtol=1e-10, atol=1e-12)
