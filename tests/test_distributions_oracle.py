"""PyTorch as the oracle for tinytorch.distributions: the same distribution built on the same
float64 parameters gives torch's log_prob, cdf, icdf, entropy, mean, mode, variance and stddev,
torch's KL divergences, and torch's gradients of log_prob, entropy and KL with respect to the
parameters. Each case is one call `make(lib, *params)` run with lib = tinytorch and lib = torch.
"""

# ruff: noqa: E731 - the cases are short lambdas, one per distribution

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is the optional oracle of these tests; "
                                            "install torch to run them")

import tinytorch as tt  # noqa: E402

rng = np.random.default_rng(0)
LOC = np.array([[0.3, -1.0, 2.0], [0.0, 0.5, -0.7]])
SCALE = np.array([[0.5, 1.5, 2.0], [1.0, 0.2, 3.0]])
REAL = np.array([[0.1, 0.2, 5.0], [-2.0, 0.4, 0.0]])
POSITIVE = np.array([[0.1, 0.2, 5.0], [2.0, 0.4, 1e-3]])
PROBS = np.array([[0.2, 0.5, 0.9], [0.01, 0.7, 0.999]])
BITS = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
LOGITS = np.array([[0.1, 2.0, -1.0, 0.0], [3.0, 0.0, 0.0, -20.0]])
WEIGHTS = np.array([[0.1, 0.2, 0.3, 0.4], [1.0, 0.0, 2.0, 1.0]])  # unnormalised, with a zero
INDEX = np.array([[3, 0], [1, 2]])  # (2, 2): a sample dim in front of the batch of 2
U = np.array([[0.01, 0.5, 0.9], [0.3, 0.999, 1e-6]])
COV = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 0.5]])
TRIL = np.linalg.cholesky(np.array([[1.0, 0.4, 0.0], [0.4, 2.0, 0.3], [0.0, 0.3, 0.8]]))
MU = np.array([[0.5, -0.2, 1.0], [0.0, 0.1, -0.3]])
VEC = np.array([[0.1, 0.2, 0.3], [1.0, -1.0, 2.0]])


def _lib_tensor(lib, array, device):
    if lib is torch:
        return torch.tensor(array, dtype=torch.float64 if array.dtype.kind == "f" else None)
    return tt.tensor(array, device=device)


def _numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    return np.array(x.tolist())


# label: (make(lib, *params), params, value for log_prob/cdf, what to compare)
D = "log_prob entropy mean variance stddev mode".split()
CASES = {
    "Normal": (lambda m, a, b: m.distributions.Normal(a, b), (LOC, SCALE), REAL,
               D + ["cdf", "icdf"]),
    "Normal numbers": (lambda m: m.distributions.Normal(0.5, 2.0), (), REAL, D + ["cdf"]),
    "Laplace": (lambda m, a, b: m.distributions.Laplace(a, b), (LOC, SCALE), REAL,
                D + ["cdf", "icdf"]),
    "Exponential": (lambda m, r: m.distributions.Exponential(r), (SCALE,), POSITIVE,
                    D + ["cdf", "icdf"]),
    "Uniform": (lambda m, a, b: m.distributions.Uniform(a, a + b), (LOC, SCALE),
                LOC + 0.3 * SCALE, ["log_prob", "entropy", "mean", "variance", "stddev", "cdf",
                                    "icdf"]),
    "LogNormal": (lambda m, a, b: m.distributions.LogNormal(a, b), (LOC, SCALE), POSITIVE,
                  D + ["cdf", "icdf"]),
    "Bernoulli probs": (lambda m, p: m.distributions.Bernoulli(probs=p), (PROBS,), BITS,
                        D),
    "Bernoulli logits": (lambda m, lg: m.distributions.Bernoulli(logits=lg), (LOC * 4,), BITS,
                         D),
    "Categorical logits": (lambda m, lg: m.distributions.Categorical(logits=lg), (LOGITS,),
                           INDEX, ["log_prob", "entropy", "mode"]),
    "Categorical probs": (lambda m, p: m.distributions.Categorical(probs=p), (WEIGHTS,), INDEX,
                          ["log_prob", "entropy", "mode"]),
    "OneHotCategorical": (lambda m, lg: m.distributions.OneHotCategorical(logits=lg), (LOGITS,),
                          np.eye(4)[INDEX], D),
    "Independent Normal": (
        lambda m, a, b: m.distributions.Independent(m.distributions.Normal(a, b), 1),
        (LOC, SCALE), REAL, ["log_prob", "entropy", "mean", "variance", "mode"]),
    "MVN covariance": (
        lambda m, a, c: m.distributions.MultivariateNormal(a, covariance_matrix=c), (MU, COV),
        VEC, D),
    "MVN scale_tril": (
        lambda m, a, s: m.distributions.MultivariateNormal(a, scale_tril=s), (MU, TRIL), VEC, D),
    "MVN precision": (
        lambda m, a, c: m.distributions.MultivariateNormal(a, precision_matrix=c), (MU[0], COV),
        VEC, D),
    "Tanh-squashed Normal": (
        lambda m, a, b: m.distributions.TransformedDistribution(
            m.distributions.Normal(a, b), [m.distributions.transforms.TanhTransform()]),
        (LOC, SCALE), np.tanh(REAL * 0.5), ["log_prob", "cdf"]),
    "Affine flip of a Normal": (
        lambda m, a, b: m.distributions.TransformedDistribution(
            m.distributions.Normal(a, b), [m.distributions.transforms.AffineTransform(1.0, -2.0),
                                           m.distributions.transforms.ExpTransform()]),
        (LOC, SCALE), POSITIVE, ["log_prob", "cdf", "icdf"]),
    "Sigmoid of a Normal": (
        lambda m, a, b: m.distributions.TransformedDistribution(
            m.distributions.Normal(a, b), m.distributions.transforms.SigmoidTransform()),
        (LOC, SCALE), PROBS, ["log_prob", "cdf"]),
}


def _evaluate(dist, what, value, lib, device):
    if what in ("log_prob", "cdf"):
        return getattr(dist, what)(_lib_tensor(lib, value, device))
    if what == "icdf":
        return dist.icdf(_lib_tensor(lib, U, device))
    if what == "entropy":
        return dist.entropy()
    return getattr(dist, what)


def _pair(label, device):
    make, params, value, checks = CASES[label]
    with tt.device(device):  # a distribution of numbers lives on the default device
        ours = make(tt, *(tt.tensor(p, device=device) for p in params))
    theirs = make(torch, *(torch.tensor(p) for p in params))
    return ours, theirs, value, checks


@pytest.mark.parametrize("label", sorted(CASES))
def test_values_match_torch(label, device):
    ours, theirs, value, checks = _pair(label, device)
    assert ours.batch_shape == tuple(theirs.batch_shape)
    assert ours.event_shape == tuple(theirs.event_shape)
    for what in checks:
        got = _evaluate(ours, what, value, tt, device)
        want = _evaluate(theirs, what, value, torch, device)
        assert str(got.device) == device, (what, got.device)
        assert got.dtype == str(want.dtype).removeprefix("torch."), (got.dtype, want.dtype)
        tol = 1e-9 if got.dtype == "float64" else 1e-6
        np.testing.assert_allclose(_numpy(got), _numpy(want), rtol=tol, atol=tol / 10,
                                   err_msg=f"{label}.{what}")


@pytest.mark.parametrize("label", sorted(CASES))
def test_gradients_of_log_prob_and_entropy_match_torch(label):
    make, params, value, checks = CASES[label]
    if not params:
        pytest.skip("no tensor parameters")
    ours_p = [tt.tensor(p, requires_grad=True) for p in params]
    theirs_p = [torch.tensor(p, requires_grad=True) for p in params]
    ours, theirs = make(tt, *ours_p), make(torch, *theirs_p)
    theirs_lp = theirs.log_prob(torch.tensor(value))
    weights = rng.standard_normal(tuple(theirs_lp.shape))
    ours_loss = (ours.log_prob(tt.tensor(value)) * tt.tensor(weights)).sum()
    theirs_loss = (theirs_lp * torch.tensor(weights)).sum()
    if "entropy" in checks:
        ours_loss = ours_loss + ours.entropy().sum()
        theirs_loss = theirs_loss + theirs.entropy().sum()
    ours_loss.backward()
    theirs_loss.backward()
    for mine, reference in zip(ours_p, theirs_p):
        np.testing.assert_allclose(_numpy(mine.grad), reference.grad.numpy(), rtol=1e-8,
                                   atol=1e-10, err_msg=label)


# ---- KL divergence --------------------------------------------------------------------------

P2, Q2 = np.array([[0.1, 0.2, 0.7], [0.0, 0.5, 0.5]]), np.array([[0.3, 0.3, 0.4], [0.2, 0.2, 0.6]])
KL_CASES = {
    "Normal": (lambda m, a, b: m.distributions.Normal(a, b), (LOC, SCALE), (REAL, POSITIVE)),
    "Laplace": (lambda m, a, b: m.distributions.Laplace(a, b), (LOC, SCALE), (REAL, POSITIVE)),
    "Exponential": (lambda m, r: m.distributions.Exponential(r), (SCALE,), (POSITIVE,)),
    "Uniform": (lambda m, a, b: m.distributions.Uniform(a, a + b), (LOC, SCALE),
                (LOC - 0.5, SCALE + 1.0)),
    "Uniform not covered": (lambda m, a, b: m.distributions.Uniform(a, a + b), (LOC, SCALE),
                            (LOC + 0.1, SCALE)),
    "LogNormal": (lambda m, a, b: m.distributions.LogNormal(a, b), (LOC, SCALE),
                  (REAL, POSITIVE)),
    "Bernoulli": (lambda m, p: m.distributions.Bernoulli(probs=p), (PROBS,), (PROBS[::-1].copy(),)),
    "Bernoulli logits": (lambda m, lg: m.distributions.Bernoulli(logits=lg), (LOC * 3,),
                         (REAL,)),
    "Categorical": (lambda m, p: m.distributions.Categorical(probs=p), (P2,), (Q2,)),
    "Categorical logits": (lambda m, lg: m.distributions.Categorical(logits=lg), (LOGITS,),
                           (LOGITS[::-1].copy(),)),
    "OneHotCategorical": (lambda m, lg: m.distributions.OneHotCategorical(logits=lg),
                          (LOGITS,), (LOGITS[::-1].copy(),)),
    "Independent": (
        lambda m, a, b: m.distributions.Independent(m.distributions.Normal(a, b), 2),
        (LOC, SCALE), (REAL, POSITIVE)),
    "MultivariateNormal": (
        lambda m, a, s: m.distributions.MultivariateNormal(a, scale_tril=s), (MU, TRIL),
        (VEC, np.linalg.cholesky(COV))),
}


@pytest.mark.parametrize("label", sorted(KL_CASES))
def test_kl_divergence_matches_torch(label, device):
    make, p_params, q_params = KL_CASES[label]
    ours = tt.distributions.kl_divergence(
        make(tt, *(tt.tensor(p, device=device) for p in p_params)),
        make(tt, *(tt.tensor(q, device=device) for q in q_params)))
    theirs = torch.distributions.kl_divergence(make(torch, *map(torch.tensor, p_params)),
                                               make(torch, *map(torch.tensor, q_params)))
    assert str(ours.device) == device
    np.testing.assert_allclose(_numpy(ours), theirs.numpy(), rtol=1e-9, atol=1e-12,
                               err_msg=label)


@pytest.mark.parametrize("label", ["Normal", "Bernoulli logits", "Categorical logits",
                                   "MultivariateNormal", "Independent", "Laplace"])
def test_kl_gradients_match_torch(label):
    make, p_params, q_params = KL_CASES[label]
    ours_p = [tt.tensor(p, requires_grad=True) for p in p_params + q_params]
    theirs_p = [torch.tensor(p, requires_grad=True) for p in p_params + q_params]
    k = len(p_params)
    tt.distributions.kl_divergence(make(tt, *ours_p[:k]), make(tt, *ours_p[k:])).sum().backward()
    torch.distributions.kl_divergence(make(torch, *theirs_p[:k]),
                                      make(torch, *theirs_p[k:])).sum().backward()
    for mine, reference in zip(ours_p, theirs_p):
        want = reference.grad.numpy()
        if label == "MultivariateNormal" and want.ndim == 2 and want.shape[0] == want.shape[1]:
            # torch's KL reads p's whole scale_tril as a right-hand side, so its (always zero)
            # upper triangle gets a gradient too; tinytorch differentiates the lower triangle
            # only, as torch's own log_prob does
            want = np.tril(want)
        np.testing.assert_allclose(_numpy(mine.grad), want, rtol=1e-8, atol=1e-10,
                                   err_msg=label)


def test_the_normal_quantile_is_accurate_far_into_both_tails():
    p = np.array([1e-300, 1e-100, 1e-20, 1e-5, 0.02, 0.0243, 0.0245, 0.3, 0.5, 0.7, 0.975,
                  1 - 1e-5, 1 - 1e-12, 1 - 2**-52])
    ours = tt.distributions.Normal(0.0, 1.0).icdf(tt.tensor(p))
    theirs = torch.special.ndtri(torch.tensor(p))
    np.testing.assert_allclose(_numpy(ours), theirs.numpy(), rtol=1e-13, atol=1e-15)
    ends = tt.distributions.Normal(0.0, 1.0).icdf(tt.tensor([0.0, 1.0], dtype="float64"))
    assert ends.tolist() == [-math.inf, math.inf]
    in32 = tt.distributions.Normal(0.0, 1.0).icdf(tt.tensor(p[1:-1], dtype="float32"))
    np.testing.assert_allclose(_numpy(in32), torch.special.ndtri(
        torch.tensor(p[1:-1], dtype=torch.float32)).numpy(), rtol=2e-6, atol=1e-6)


def test_a_reinforce_step_gives_torchs_gradient():
    """The policy-gradient idiom: loss = -(log_prob(action) * advantage).mean() - beta * entropy."""
    states = rng.standard_normal((5, 3))
    weight = rng.standard_normal((3, 4))
    actions, advantages = np.array([0, 3, 1, 1, 2]), rng.standard_normal(5)
    grads = []
    for lib in (tt, torch):
        w = lib.tensor(weight, requires_grad=True)
        dist = lib.distributions.Categorical(logits=lib.tensor(states) @ w)
        loss = -(dist.log_prob(lib.tensor(actions)) * lib.tensor(advantages)).mean()
        loss = loss - 0.01 * dist.entropy().mean()
        loss.backward()
        grads.append(_numpy(w.grad))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10)


def test_a_vae_loss_gives_torchs_gradient_for_the_same_noise():
    """The VAE idiom: z = q.rsample(), reconstruction log-density plus KL(q || N(0, 1))."""
    mu, log_sigma, target = (rng.standard_normal((4, 2)) for _ in range(3))
    tt.manual_seed(3)
    eps = tt.randn(4, 2, dtype="float64")
    grads = []
    for lib in (tt, torch):
        m = lib.tensor(mu, requires_grad=True)
        s = lib.tensor(log_sigma, requires_grad=True)
        q = lib.distributions.Normal(m, s.exp())
        if lib is tt:
            tt.manual_seed(3)
            z = q.rsample()
        else:
            z = m + s.exp() * torch.tensor(eps.tolist(), dtype=torch.float64)
        prior = lib.distributions.Normal(lib.zeros_like(m), lib.ones_like(m))
        recon = lib.distributions.Independent(lib.distributions.Normal(z, 1.0), 1)
        loss = (-recon.log_prob(lib.tensor(target))
                + lib.distributions.kl_divergence(q, prior).sum(-1)).mean()
        loss.backward()
        grads.append((_numpy(m.grad), _numpy(s.grad)))
    for ours, theirs in zip(*grads):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_straight_through_rsample_passes_the_probability_gradient():
    logits = rng.standard_normal((2, 4))
    weights = rng.standard_normal((2, 4))
    ours = tt.tensor(logits, requires_grad=True)
    dist = tt.distributions.OneHotCategoricalStraightThrough(logits=ours)
    draw = dist.rsample()
    assert sorted(set(draw.tolist()[0])) == [0.0, 1.0] and draw.sum(-1).tolist() == [1.0, 1.0]
    (draw * tt.tensor(weights)).sum().backward()
    theirs = torch.tensor(logits, requires_grad=True)
    (torch.softmax(theirs, -1) * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(_numpy(ours.grad), theirs.grad.numpy(), rtol=1e-10)


def test_enumerate_support_matches_torch():
    for make, param in [(lambda m, p: m.distributions.Bernoulli(probs=p), PROBS),
                        (lambda m, lg: m.distributions.Categorical(logits=lg), LOGITS),
                        (lambda m, lg: m.distributions.OneHotCategorical(logits=lg), LOGITS)]:
        ours, theirs = make(tt, tt.tensor(param)), make(torch, torch.tensor(param))
        for expand in (True, False):
            np.testing.assert_array_equal(_numpy(ours.enumerate_support(expand)),
                                          theirs.enumerate_support(expand).numpy())
