"""nn.init's structured initialisers: trunc_normal_, orthogonal_, sparse_, dirac_, eye_.

Random ones are checked against the distribution's own formulas (truncated-normal moments and
CDF from math.erf, orthogonality, exact zero counts) and for generator= reproducibility; the
deterministic ones against PyTorch where it is installed, and against what they are for (a
dirac-initialised convolution copies its input)."""

import math
import warnings

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.nn import init


def phi(x):
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def big_phi(x):
    return (1 + math.erf(x / math.sqrt(2))) / 2


@pytest.mark.parametrize("mean, std, a, b", [(0.0, 1.0, -2.0, 2.0), (0.5, 2.0, -1.0, 3.0),
                                             (0.0, 1.0, 1.0, 4.0), (3.0, 0.5, -1.0, 2.0)])
def test_trunc_normal_has_the_truncated_distribution(mean, std, a, b):
    w = tt.empty(400_000, dtype="float64")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # means within 2 std of [a, b]: no warning
        init.trunc_normal_(w, mean=mean, std=std, a=a, b=b,
                           generator=tt.Generator().manual_seed(0))
    x = w.numpy()
    assert a <= x.min() and x.max() <= b
    # textbook moments of N(mean, std^2) truncated to [a, b]
    alpha, beta = (a - mean) / std, (b - mean) / std
    z = big_phi(beta) - big_phi(alpha)
    expected_mean = mean + std * (phi(alpha) - phi(beta)) / z
    expected_var = std ** 2 * (1 + (alpha * phi(alpha) - beta * phi(beta)) / z
                               - ((phi(alpha) - phi(beta)) / z) ** 2)
    assert x.mean() == pytest.approx(expected_mean, abs=5 * math.sqrt(expected_var / x.size))
    assert x.var() == pytest.approx(expected_var, rel=0.02)
    # the empirical CDF at a few points
    for q in np.linspace(a, b, 7)[1:-1]:
        cdf = (big_phi((q - mean) / std) - big_phi(alpha)) / z
        assert (x <= q).mean() == pytest.approx(cdf, abs=0.005)


def test_trunc_normal_warns_when_the_mean_is_far_outside():
    with pytest.warns(UserWarning, match="more than 2 std"):
        init.trunc_normal_(tt.empty(10), mean=10.0, std=1.0, a=-2.0, b=2.0)


def test_trunc_normal_far_in_the_tail_needs_no_rejection_loop():
    with pytest.warns(UserWarning, match="more than 2 std"):  # PyTorch warns here too
        w = init.trunc_normal_(tt.empty(1000, dtype="float64"), a=5.0, b=6.0)
    assert 5.0 <= float(w.min()) and float(w.max()) <= 6.0
    assert float(w.mean()) < 5.3  # the density falls fast past 5: most values sit near a


def test_erfinv_trunc_normal_uses_inverts_math_erf():
    y = np.concatenate([np.linspace(-0.999999, 0.999999, 101), [1 - 1e-12, -1 + 1e-12, 0.0]])
    x = tt.erfinv(tt.tensor(y, dtype="float64")).numpy()
    assert max(abs(math.erf(v) - t) for v, t in zip(x, y)) < 1e-14


@pytest.mark.parametrize("shape", [(3, 5), (5, 3), (4, 4), (6, 2, 2), (2, 3, 2, 2)])
def test_orthogonal_gives_orthonormal_rows_or_columns(shape, device):
    w = tt.empty(*shape, device=device)
    assert init.orthogonal_(w, gain=2.5) is w
    assert w.device == device
    m = w.cpu().numpy().astype(np.float64).reshape(shape[0], -1)
    gram = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    np.testing.assert_allclose(gram, 2.5 ** 2 * np.eye(gram.shape[0]), atol=1e-5)


def test_orthogonal_is_uniformly_random():
    # the sign correction makes Q Haar-distributed: each entry of a random 2x2 rotation or
    # reflection averages 0 (without it, QR's convention biases the diagonal's sign)
    g = tt.Generator().manual_seed(3)
    draws = np.stack([init.orthogonal_(tt.empty(2, 2), generator=g).numpy() for _ in range(2000)])
    assert np.abs(draws.mean(axis=0)).max() < 0.06
    assert np.abs(draws[:, 0, 0]).mean() == pytest.approx(2 / math.pi, abs=0.03)  # E|cos|


@pytest.mark.parametrize("fill, args", [(init.trunc_normal_, ()), (init.orthogonal_, ()),
                                        (init.sparse_, (0.3,))])
def test_generator_makes_draws_repeat_and_leaves_the_global_stream(fill, args):
    tt.manual_seed(0)
    expected_global = tt.rand(3)
    tt.manual_seed(0)
    a = fill(tt.empty(4, 5), *args, generator=tt.Generator().manual_seed(7))
    b = fill(tt.empty(4, 5), *args, generator=tt.Generator().manual_seed(7))
    assert tt.equal(a, b)
    assert tt.equal(tt.rand(3), expected_global)  # the global stream was not used
    c = fill(tt.empty(4, 5), *args, generator=tt.Generator().manual_seed(8))
    assert not tt.equal(a, c)


@pytest.mark.parametrize("sparsity, rows", [(0.1, 10), (0.5, 7), (0.0, 4), (1.0, 3)])
def test_sparse_zeroes_the_same_count_in_every_column(sparsity, rows):
    w = init.sparse_(tt.empty(rows, 300), sparsity, std=0.5)
    x = w.numpy()
    zeros = (x == 0).sum(axis=0)
    assert (zeros == math.ceil(sparsity * rows)).all()
    assert not np.signbit(x[x == 0]).any()  # plain zeros, not -0.0
    if 0 < sparsity < 1:
        assert x[x != 0].std() == pytest.approx(0.5, rel=0.1)
        # which rows are zero differs between columns
        assert len({tuple(col) for col in (x == 0).T}) > 1


def test_dirac_and_eye_match_pytorch():
    torch = pytest.importorskip("torch")
    for shape, groups in [((4, 2, 3), 1), ((4, 2, 3), 2), ((3, 5, 3, 3), 1), ((6, 2, 2, 3, 3), 3),
                          ((2, 4, 1), 1)]:
        ours = init.dirac_(tt.empty(*shape), groups=groups)
        theirs = torch.nn.init.dirac_(torch.empty(*shape), groups=groups)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    for shape in [(3, 3), (2, 5), (5, 2)]:
        np.testing.assert_array_equal(init.eye_(tt.empty(*shape)).numpy(),
                                      torch.nn.init.eye_(torch.empty(*shape)).numpy())


def test_dirac_convolution_copies_its_input():
    conv = tt.nn.Conv2d(3, 3, kernel_size=3, padding=1, bias=False)
    init.dirac_(conv.weight)
    x = tt.randn(2, 3, 5, 5)
    np.testing.assert_allclose(conv(x).detach().numpy(), x.numpy(), atol=1e-6)
    lin = tt.nn.Linear(4, 4, bias=False)
    init.eye_(lin.weight)
    v = tt.randn(3, 4)
    np.testing.assert_allclose(lin(v).detach().numpy(), v.numpy(), atol=1e-6)


def test_fills_keep_the_parameter_and_record_no_graph():
    w = tt.nn.Parameter(tt.empty(3, 4))
    for fill in (init.trunc_normal_, init.orthogonal_, init.eye_,
                 lambda t: init.sparse_(t, 0.5)):
        out = fill(w)
        assert out is w and w.requires_grad and w.grad_fn is None and w.is_leaf


def test_calculate_fan_in_and_fan_out_like_pytorch():
    assert init._calculate_fan_in_and_fan_out(tt.empty(8, 3, 5, 5)) == (75, 200)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init._calculate_fan_in_and_fan_out(tt.empty(3))


def test_bad_arguments():
    with pytest.raises(ValueError, match="2 or more dimensions"):
        init.orthogonal_(tt.empty(3))
    with pytest.raises(ValueError, match="2 dimensions"):
        init.sparse_(tt.empty(2, 3, 4), 0.5)
    with pytest.raises(ValueError, match="sparsity"):
        init.sparse_(tt.empty(2, 3), 1.5)
    with pytest.raises(ValueError, match="3, 4, or 5 dimensions"):
        init.dirac_(tt.empty(3, 3))
    with pytest.raises(ValueError, match="divisible by groups"):
        init.dirac_(tt.empty(5, 2, 3), groups=2)
    with pytest.raises(ValueError, match="2 dimensions"):
        init.eye_(tt.empty(2, 2, 2))
    with pytest.raises(ValueError, match="a < b"):
        init.trunc_normal_(tt.empty(3), a=1.0, b=-1.0)
    with pytest.raises(ValueError, match="std must be positive"):
        init.trunc_normal_(tt.empty(3), std=0.0)
    with pytest.raises(TypeError, match="gain must be a number"):
        init.orthogonal_(tt.empty(2, 2), gain="2")
