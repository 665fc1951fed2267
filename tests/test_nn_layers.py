"""Layers and their functional forms against NumPy references, and their gradients by gradcheck."""

import math

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn as nn
import tinytorch.nn.functional as F
from tinytorch.testing import assert_close, gradcheck

RNG = np.random.default_rng(0)


def t64(*shape, requires_grad=True, scale=1.0):
    return tt.tensor(RNG.standard_normal(shape) * scale, dtype="float64",
                     requires_grad=requires_grad)


# ---- NumPy references (loops over output positions: slow but obviously right) ---------------

def conv2d_ref(x, w, b, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
    n, c, h, wd = x.shape
    oc, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    oh = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, oc, oh, ow))
    per_group = oc // groups
    for o in range(oc):
        g = o // per_group
        for i in range(oh):
            for j in range(ow):
                r, s = i * stride[0], j * stride[1]
                patch = xp[:, g * cg:(g + 1) * cg, r:r + dilation[0] * (kh - 1) + 1:dilation[0],
                           s:s + dilation[1] * (kw - 1) + 1:dilation[1]]
                out[:, o, i, j] = (patch * w[o]).sum(axis=(1, 2, 3)) + (0 if b is None else b[o])
    return out


def _pool_out(size, k, s, p, d, ceil):
    span = size + 2 * p - d * (k - 1) - 1
    out = (math.ceil(span / s) if ceil else span // s) + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    return out


def max_pool_ref(x, k, s, p=0, d=1, ceil=False):
    n, c, h, w = x.shape
    oh, ow = _pool_out(h, k, s, p, d, ceil), _pool_out(w, k, s, p, d, ceil)
    out = np.full((n, c, oh, ow), -np.inf)
    index = np.zeros((n, c, oh, ow), dtype=np.int64)
    for i in range(oh):
        for j in range(ow):
            for a in range(k):
                for b in range(k):
                    r, q = i * s - p + a * d, j * s - p + b * d
                    if 0 <= r < h and 0 <= q < w:
                        better = x[:, :, r, q] > out[:, :, i, j]
                        out[:, :, i, j] = np.where(better, x[:, :, r, q], out[:, :, i, j])
                        index[:, :, i, j] = np.where(better, r * w + q, index[:, :, i, j])
    return out, index


def avg_pool_ref(x, k, s, p=0, ceil=False, include_pad=True, divisor=None):
    n, c, h, w = x.shape
    oh, ow = _pool_out(h, k, s, p, 1, ceil), _pool_out(w, k, s, p, 1, ceil)
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            h0, w0 = i * s - p, j * s - p
            h1, w1 = min(h0 + k, h + p), min(w0 + k, w + p)
            size = (h1 - h0) * (w1 - w0)
            h0, w0, h1, w1 = max(h0, 0), max(w0, 0), min(h1, h), min(w1, w)
            total = x[:, :, h0:h1, w0:w1].sum(axis=(2, 3))
            count = divisor or (size if include_pad else (h1 - h0) * (w1 - w0))
            out[:, :, i, j] = total / count
    return out


# ---- Linear ----------------------------------------------------------------------------------

def test_linear_matches_numpy_for_batched_inputs():
    layer = nn.Linear(5, 3)
    x = RNG.standard_normal((2, 4, 5)).astype(np.float32)
    expected = x @ layer.weight.detach().numpy().T + layer.bias.detach().numpy()
    assert_close(layer(tt.tensor(x)), expected, rtol=1e-5, atol=1e-6)
    no_bias = nn.Linear(5, 3, bias=False)
    assert no_bias.bias is None and len(list(no_bias.parameters())) == 1


def test_linear_gradcheck():
    x, w, b = t64(3, 4), t64(2, 4), t64(2)
    assert gradcheck(F.linear, (x, w, b))
    assert gradcheck(lambda x, w: F.linear(x, w), (t64(2, 3, 4), w))


def test_linear_default_init_and_reset_are_bounded_and_seeded():
    tt.manual_seed(3)
    a = nn.Linear(50, 40)
    tt.manual_seed(3)
    b = nn.Linear(50, 40)
    assert_close(a.weight, b.weight)
    bound = 1 / math.sqrt(50)
    for p in (a.weight, a.bias):
        values = p.detach().numpy()
        assert values.min() >= -bound and values.max() <= bound
    # U(-bound, bound) has std bound / sqrt(3)
    assert abs(a.weight.detach().numpy().std() - bound / math.sqrt(3)) < 0.1 * bound


def test_linear_errors_name_shapes_and_dtypes():
    layer = nn.Linear(20, 5)
    with pytest.raises(RuntimeError, match=r"cannot be multiplied \(64x10 and 20x5\)"):
        layer(tt.zeros(64, 10))
    with pytest.raises(RuntimeError, match="dtype float64 but the weight has dtype float32"):
        layer(tt.zeros(2, 20, dtype="float64"))


# ---- Conv2d ----------------------------------------------------------------------------------

CONV_CASES = [
    dict(),
    dict(stride=(2, 2), padding=(1, 1)),
    dict(padding=(2, 1), dilation=(2, 1)),
    dict(stride=(1, 2), groups=2),
    dict(padding=(1, 1), groups=4),
]


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_matches_numpy(case):
    groups = case.get("groups", 1)
    x = RNG.standard_normal((2, 4, 7, 6))
    w = RNG.standard_normal((6 if groups != 4 else 4, 4 // groups, 3, 3))
    b = RNG.standard_normal(w.shape[0])
    expected = conv2d_ref(x, w, b, **case)
    out = F.conv2d(tt.tensor(x), tt.tensor(w), tt.tensor(b), **case)
    assert_close(out, expected)


@pytest.mark.parametrize("case", CONV_CASES[:4])
def test_conv2d_gradcheck(case):
    groups = case.get("groups", 1)
    x, w, b = t64(2, 2, 5, 4), t64(2, 2 // groups, 2, 3), t64(2)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, **case), (x, w, b))


def test_conv2d_module_padding_same_and_unbatched_input():
    conv = nn.Conv2d(2, 3, (3, 2), padding="same", bias=False).double()
    x = RNG.standard_normal((1, 2, 5, 5))
    out = conv(tt.tensor(x))
    assert out.shape == (1, 3, 5, 5)
    w = conv.weight.detach().numpy()
    # 'same' with an even kernel pads 0 before and 1 after along that axis
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (0, 1)))
    assert_close(out, conv2d_ref(padded, w, None))
    assert_close(conv(tt.tensor(x[0])), out[0])  # (C, H, W) is one unbatched image


def test_conv2d_errors_explain_the_fix():
    conv = nn.Conv2d(1, 4, 3)
    with pytest.raises(RuntimeError, match="x.unsqueeze\\(1\\)"):
        conv(tt.zeros(8, 8, 8))  # a batch of 8 grayscale images without the channel axis
    with pytest.raises(RuntimeError, match="Expected 3D \\(unbatched\\) or 4D"):
        conv(tt.zeros(8, 8))
    with pytest.raises(RuntimeError, match="expected input\\[2, 3, 8, 8\\] to have 1 channels"):
        conv(tt.zeros(2, 3, 8, 8))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater"):
        conv(tt.zeros(1, 1, 2, 2))
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)


def test_conv2d_default_init_bound():
    conv = nn.Conv2d(3, 8, 3)
    bound = 1 / math.sqrt(3 * 9)
    assert conv.weight.shape == (8, 3, 3, 3) and conv.bias.shape == (8,)
    assert np.abs(conv.weight.detach().numpy()).max() <= bound
    assert np.abs(conv.bias.detach().numpy()).max() <= bound


# ---- pooling ---------------------------------------------------------------------------------

MAX_CASES = [(2, 2, 0, 1, False), (3, 2, 1, 1, False), (3, 2, 0, 1, True), (2, 1, 0, 2, False),
             (3, 3, 1, 1, True)]


@pytest.mark.parametrize("k,s,p,d,ceil", MAX_CASES)
def test_max_pool_matches_numpy_with_indices(k, s, p, d, ceil):
    x = RNG.standard_normal((2, 3, 7, 8))
    expected, index = max_pool_ref(x, k, s, p, d, ceil)
    out, got_index = F.max_pool2d(tt.tensor(x), k, s, p, d, ceil, return_indices=True)
    assert_close(out, expected)
    assert_close(got_index, index)
    module = nn.MaxPool2d(k, s, p, d, ceil_mode=ceil)
    assert_close(module(tt.tensor(x)), expected)


@pytest.mark.parametrize("k,s,p,d,ceil", MAX_CASES[:4])
def test_max_pool_gradcheck(k, s, p, d, ceil):
    x = tt.tensor(RNG.permutation(2 * 2 * 6 * 5).reshape(2, 2, 6, 5) / 7.0, dtype="float64",
                  requires_grad=True)  # distinct values: no ties
    assert gradcheck(lambda x: F.max_pool2d(x, k, s, p, d, ceil), (x,))


def test_max_pool_ties_send_the_gradient_to_the_first_element():
    x = tt.ones(1, 1, 2, 2, requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    assert_close(x.grad, np.array([[[[1.0, 0.0], [0.0, 0.0]]]], np.float32))
    x = tt.ones(1, 1, 3, 3, requires_grad=True)
    F.max_pool2d(x, 2, stride=1).sum().backward()  # overlapping windows accumulate
    assert_close(x.grad, np.array([[[[1, 1, 0], [1, 1, 0], [0, 0, 0]]]], np.float32))


AVG_CASES = [(2, 2, 0, False, True, None), (3, 2, 1, False, True, None),
             (3, 2, 1, False, False, None), (3, 2, 0, True, True, None),
             (3, 2, 1, True, False, None), (2, 1, 0, False, True, 3)]


@pytest.mark.parametrize("k,s,p,ceil,include,divisor", AVG_CASES)
def test_avg_pool_matches_numpy(k, s, p, ceil, include, divisor):
    x = RNG.standard_normal((2, 2, 7, 6))
    expected = avg_pool_ref(x, k, s, p, ceil, include, divisor)
    module = nn.AvgPool2d(k, s, p, ceil, include, divisor)
    assert_close(module(tt.tensor(x)), expected)
    assert gradcheck(lambda x: F.avg_pool2d(x, k, s, p, ceil, include, divisor),
                     (t64(1, 2, 5, 4),))


def test_pool_argument_errors():
    with pytest.raises(RuntimeError, match="at most half of effective kernel size"):
        F.max_pool2d(tt.zeros(1, 1, 4, 4), 2, padding=2)
    with pytest.raises(RuntimeError, match="3D \\(C, H, W\\) or 4D"):
        F.avg_pool2d(tt.zeros(4, 4), 2)
    with pytest.raises(RuntimeError, match="too small"):
        F.max_pool2d(tt.zeros(1, 1, 1, 4), 2)


def test_conv_and_pool_on_every_device(device):
    tt.manual_seed(2)
    model = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(4, 4, 3, stride=2, padding=1, groups=2),
                          nn.AvgPool2d(2, ceil_mode=True, padding=1, count_include_pad=False))
    x = tt.randn(2, 2, 8, 8)
    expected = model(x)
    expected.sum().backward()
    grads = [p.grad for p in model.parameters()]
    model.zero_grad()
    model.to(device)
    out = model(x.to(device))
    assert out.device == device
    assert_close(out, expected, rtol=1e-5, atol=1e-6)
    out.sum().backward()
    for p, g in zip(model.parameters(), grads):
        assert_close(p.grad, g, rtol=1e-4, atol=1e-5)


# ---- normalisation ---------------------------------------------------------------------------

def test_batch_norm_training_eval_and_running_stats():
    bn = nn.BatchNorm2d(3)
    with tt.no_grad():
        bn.weight.copy_(tt.tensor([1.0, 2.0, 0.5]))
        bn.bias.copy_(tt.tensor([0.0, -1.0, 1.0]))
    batches = [RNG.standard_normal((4, 3, 2, 5)) * 3 + 1 for _ in range(2)]
    running_mean, running_var = np.zeros(3), np.ones(3)
    for batch in batches:
        out = bn(tt.tensor(batch, dtype="float32"))
        mean, var = batch.mean(axis=(0, 2, 3)), batch.var(axis=(0, 2, 3))
        normalised = (batch - mean[:, None, None]) / np.sqrt(var[:, None, None] + 1e-5)
        expected = normalised * np.array([1, 2, 0.5])[:, None, None] + np.array(
            [0, -1, 1])[:, None, None]
        assert_close(out, expected.astype(np.float32), rtol=1e-4, atol=1e-5)
        n = batch.size / 3
        running_mean = 0.9 * running_mean + 0.1 * mean
        running_var = 0.9 * running_var + 0.1 * var * n / (n - 1)
    assert_close(bn.running_mean, running_mean.astype(np.float32), rtol=1e-5, atol=1e-6)
    assert_close(bn.running_var, running_var.astype(np.float32), rtol=1e-5, atol=1e-6)
    assert int(bn.num_batches_tracked.item()) == 2
    bn.eval()
    x = RNG.standard_normal((2, 3, 2, 2))
    expected = (x - running_mean[:, None, None]) / np.sqrt(running_var[:, None, None] + 1e-5)
    expected = expected * np.array([1, 2, 0.5])[:, None, None] + np.array([0, -1, 1])[:, None,
                                                                                       None]
    assert_close(bn(tt.tensor(x, dtype="float32")), expected.astype(np.float32), rtol=1e-4,
                 atol=1e-5)
    assert int(bn.num_batches_tracked.item()) == 2  # eval does not count batches


def test_batch_norm_cumulative_momentum_and_no_running_stats():
    bn = nn.BatchNorm1d(2, momentum=None)
    first, second = RNG.standard_normal((5, 2)), RNG.standard_normal((5, 2)) + 2
    bn(tt.tensor(first, dtype="float32"))
    bn(tt.tensor(second, dtype="float32"))
    assert_close(bn.running_mean, ((first.mean(0) + second.mean(0)) / 2).astype(np.float32),
                 rtol=1e-5, atol=1e-6)
    plain = nn.BatchNorm1d(2, affine=False, track_running_stats=False).eval()
    assert plain.running_mean is None and list(plain.state_dict()) == []
    out = plain(tt.tensor(first, dtype="float32"))  # no running stats: batch stats even in eval
    assert_close(out, ((first - first.mean(0)) / np.sqrt(first.var(0) + 1e-5)).astype(
        np.float32), rtol=1e-4, atol=1e-5)


def test_batch_norm_gradcheck_training_and_eval():
    x, w, b = t64(3, 2, 2, 2), t64(2), t64(2)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), (x, w, b))
    mean, var = tt.tensor([0.3, -0.2], dtype="float64"), tt.tensor([1.5, 0.7], dtype="float64")
    assert gradcheck(lambda x, w, b: F.batch_norm(x, mean, var, w, b), (x, w, b))
    assert gradcheck(lambda x: F.batch_norm(x, None, None, training=True), (t64(4, 3),))


def test_batch_norm_errors():
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(tt.zeros(1, 3))
    with pytest.raises(ValueError, match="expected 4D input"):
        nn.BatchNorm2d(3)(tt.zeros(2, 3))
    with pytest.raises(RuntimeError, match="num_features"):
        nn.BatchNorm1d(3)(tt.zeros(2, 4))


def test_layer_norm_matches_numpy_and_gradcheck():
    ln = nn.LayerNorm((2, 3)).double()
    with tt.no_grad():
        ln.weight.copy_(t64(2, 3, requires_grad=False))
        ln.bias.copy_(t64(2, 3, requires_grad=False))
    x = RNG.standard_normal((4, 2, 3))
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    expected = (x - mean) / np.sqrt(var + 1e-5) * ln.weight.detach().numpy() + \
        ln.bias.detach().numpy()
    assert_close(ln(tt.tensor(x)), expected)
    assert gradcheck(lambda x, w, b: F.layer_norm(x, (3,), w, b), (t64(2, 2, 3), t64(3), t64(3)))
    assert gradcheck(lambda x: F.layer_norm(x, 4), (t64(3, 4),))
    with pytest.raises(RuntimeError, match=r"expected input with shape \[\*, 2, 3\]"):
        ln(tt.zeros(4, 3, 2, dtype="float64"))
    assert nn.LayerNorm(4, bias=False).bias is None


# ---- embedding and dropout -------------------------------------------------------------------

def test_embedding_lookup_gradients_and_padding():
    emb = nn.Embedding(6, 3, padding_idx=2)
    table = emb.weight.detach().numpy()
    assert_close(emb.weight[2], np.zeros(3, np.float32))
    idx = np.array([[0, 2, 5], [5, 5, 1]])
    out = emb(tt.tensor(idx))
    assert_close(out, table[idx])
    out.backward(tt.ones(2, 3, 3))
    counts = np.zeros((6, 1), np.float32)
    for i in idx.ravel():
        counts[i] += 1
    counts[2] = 0  # the padding row gets no gradient
    assert_close(emb.weight.grad, np.broadcast_to(counts, (6, 3)))
    with pytest.raises(IndexError, match=r"must lie in \[0, 5\]"):
        emb(tt.tensor([6]))
    with pytest.raises(TypeError, match="integer indices"):
        emb(tt.tensor([1.0]))
    frozen = nn.Embedding.from_pretrained(tt.tensor([[1.0, 2.0], [3.0, 4.0]]))
    assert not frozen.weight.requires_grad
    assert_close(frozen(tt.tensor([1, 0])), np.array([[3.0, 4.0], [1.0, 2.0]], np.float32))


def test_embedding_gradcheck():
    weight = t64(5, 2)
    idx = tt.tensor([[1, 1], [4, 0]])
    assert gradcheck(lambda w: F.embedding(idx, w), (weight,))


def test_dropout_statistics_scaling_reproducibility_and_eval():
    drop = nn.Dropout(0.3)
    x = tt.ones(200, 100, requires_grad=True)
    tt.manual_seed(7)
    out = drop(x)
    values = out.detach().numpy()
    kept = values != 0
    assert abs(1 - kept.mean() - 0.3) < 0.02
    assert_close(values[kept], np.full(kept.sum(), 1 / 0.7, np.float32))
    out.sum().backward()
    assert_close(x.grad, values)  # the gradient is the same mask
    tt.manual_seed(7)
    assert_close(drop(tt.ones(200, 100)), values)
    assert drop.eval()(x) is x
    assert F.dropout(x, 0.0) is x
    assert_close(F.dropout(x, 1.0), np.zeros((200, 100), np.float32))
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(1.5)


# ---- activations and erf ---------------------------------------------------------------------

def _np_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def test_activations_match_numpy():
    x = RNG.standard_normal((3, 5)) * 3
    t = tt.tensor(x)
    erf = np.vectorize(math.erf)
    cases = [
        (nn.ReLU(), np.maximum(x, 0)),
        (nn.LeakyReLU(0.1), np.where(x > 0, x, 0.1 * x)),
        (nn.GELU(), 0.5 * x * (1 + erf(x / math.sqrt(2)))),
        (nn.GELU("tanh"), 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi)
                                                  * (x + 0.044715 * x ** 3)))),
        (nn.SiLU(), x / (1 + np.exp(-x))),
        (nn.Sigmoid(), 1 / (1 + np.exp(-x))),
        (nn.Tanh(), np.tanh(x)),
        (nn.Softmax(dim=1), _np_softmax(x, 1)),
        (nn.Softmax(dim=0), _np_softmax(x, 0)),
        (nn.LogSoftmax(dim=-1), np.log(_np_softmax(x, 1))),
    ]
    for module, expected in cases:
        assert_close(module(t), expected, rtol=1e-12, atol=1e-12)


def test_softmax_and_log_softmax_are_stable_for_huge_inputs():
    x = np.array([[1e4, -1e4, 0.0], [5e3, 5e3, -1e4]])
    assert_close(F.softmax(tt.tensor(x), dim=1), np.array([[1.0, 0, 0], [0.5, 0.5, 0]]))
    assert_close(F.log_softmax(tt.tensor(x), dim=1),
                 np.array([[0.0, -2e4, -1e4], [-math.log(2), -math.log(2), -1.5e4 - math.log(2)]]))
    with pytest.raises(TypeError, match="needs dim"):
        F.softmax(tt.tensor(x))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_softmax_with_and_without_subtracting_the_row_maxima(dtype):
    # softmax skips subtracting the row maxima when exp(x) can neither overflow nor underflow
    # (the first batch); the others need the shift, or hold a nan that must stay in its row
    big = 9.0 if dtype == "float16" else 60.0  # float16 overflows above exp(11)
    batches = [[[0.0, 1.0, 2.0], [big, big - 1, big - 2], [-np.inf, 0.0, -np.inf]],
               [[0.0, 1.0, 2.0], [-200.0, -201.0, -199.0]],
               [[0.0, 1.0, 2.0], [1e4, 1.0, 0.0]],
               [[0.0, 1.0, 2.0], [1.0, np.nan, 0.0]]]
    tol = {"float16": 1e-3, "float32": 1e-6, "float64": 1e-12}[dtype]
    for rows in batches:
        x = np.array(rows)
        finite = np.where(np.isnan(x), -np.inf, x)
        shifted = np.exp(finite - finite.max(axis=1, keepdims=True))
        nan_rows = np.isnan(x).any(axis=1, keepdims=True)
        expected = np.where(nan_rows, np.nan, shifted / shifted.sum(axis=1, keepdims=True))
        expected_logs = np.where(nan_rows, np.nan, finite - finite.max(axis=1, keepdims=True)
                                 - np.log(shifted.sum(axis=1, keepdims=True)))
        with np.errstate(invalid="ignore", divide="ignore"):
            got = F.softmax(tt.tensor(x, dtype=dtype), dim=1).numpy().astype(np.float64)
            logs = F.log_softmax(tt.tensor(x, dtype=dtype), dim=1).numpy().astype(np.float64)
            np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)
            np.testing.assert_allclose(logs, expected_logs, rtol=tol, atol=tol)


def test_activation_gradchecks():
    x = t64(3, 4, scale=2.0)
    for fn in (F.gelu, lambda v: F.gelu(v, approximate="tanh"), F.erf, F.silu, F.sigmoid,
               lambda v: F.softmax(v, 1), lambda v: F.log_softmax(v, 0),
               lambda v: F.leaky_relu(v, 0.2)):
        assert gradcheck(fn, (x,))


def test_erf_accuracy_against_math_erf():
    grid = np.linspace(-7, 7, 20001)
    reference = np.array([math.erf(v) for v in grid])
    got64 = F.erf(tt.tensor(grid)).numpy()
    assert np.abs(got64 - reference).max() <= 1e-14
    got32 = F.erf(tt.tensor(grid, dtype="float32")).numpy().astype(np.float64)
    assert np.abs(got32 - reference).max() <= 1e-7
    special = F.erf(tt.tensor([0.0, math.inf, -math.inf, math.nan], dtype="float64")).numpy()
    assert special[0] == 0 and special[1] == 1 and special[2] == -1 and np.isnan(special[3])
    x = tt.tensor([-1.5, 0.2, 2.5], dtype="float64", requires_grad=True)
    F.erf(x).sum().backward()
    assert_close(x.grad, 2 / math.sqrt(math.pi) * np.exp(-np.array([-1.5, 0.2, 2.5]) ** 2))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_gelu_far_out_and_at_infinity(dtype):
    x = tt.tensor([-math.inf, -1e4, -30.0, 30.0, 1e4, math.inf], dtype=dtype)
    with np.errstate(invalid="ignore"):
        values = F.gelu(x).tolist()
    assert math.isnan(values[0])  # -inf * Phi(-inf) = -inf * 0, as in PyTorch
    assert values[1:] == [0.0, 0.0, 30.0, 1e4, math.inf]
    x = tt.tensor([-30.0, 0.0, 30.0], dtype=dtype, requires_grad=True)
    F.gelu(x).sum().backward()
    assert_close(x.grad, tt.tensor([0.0, 0.5, 1.0], dtype=dtype), rtol=0, atol=1e-30)


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(ValueError, match="'none' or 'tanh'"):
        F.gelu(tt.ones(2), approximate="fast")


# ---- shape layers, init and utils ------------------------------------------------------------

def test_flatten_and_unflatten():
    x = tt.randn(2, 3, 4, 5)
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 1)(x).shape == (6, 4, 5)
    assert nn.Unflatten(1, (3, 20))(nn.Flatten()(x)).shape == (2, 3, 20)
    assert_close(nn.Flatten()(x), x.numpy().reshape(2, 60))


def test_init_functions_fill_in_place_with_the_right_statistics():
    from tinytorch.nn import init
    w = tt.empty(200, 300, requires_grad=True)
    data = w._data
    init.xavier_uniform_(w)
    bound = math.sqrt(6 / 500)
    values = w.detach().numpy()
    assert w._data is data and w.grad_fn is None  # in place, not recorded
    assert values.min() >= -bound and values.max() <= bound
    assert abs(values.std() - bound / math.sqrt(3)) < 0.02 * bound
    init.xavier_normal_(w, gain=2.0)
    assert abs(w.detach().numpy().std() - 2 * math.sqrt(2 / 500)) < 0.02 * math.sqrt(2 / 500) * 2
    init.kaiming_normal_(w, nonlinearity="relu")
    assert abs(w.detach().numpy().std() - math.sqrt(2 / 300)) < 0.02 * math.sqrt(2 / 300)
    init.kaiming_uniform_(w, mode="fan_out", nonlinearity="relu")
    assert np.abs(w.detach().numpy()).max() <= math.sqrt(3) * math.sqrt(2 / 200)
    init.normal_(w, 3.0, 0.5)
    assert abs(w.detach().numpy().mean() - 3.0) < 0.01
    init.constant_(w, 0.25)
    assert_close(w, np.full((200, 300), 0.25, np.float32))
    init.zeros_(w)
    assert not w.detach().numpy().any()
    init.ones_(w)
    assert (w.detach().numpy() == 1).all()
    conv_w = tt.empty(8, 4, 3, 3)
    init.kaiming_uniform_(conv_w, a=math.sqrt(5))
    assert np.abs(conv_w.numpy()).max() <= 1 / math.sqrt(4 * 9)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("conv2d") == 1.0
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(tt.empty(3))


def test_clip_grad_norm_and_value():
    a = nn.Parameter(tt.zeros(2))
    b = nn.Parameter(tt.zeros(2, 2))
    a.grad = tt.tensor([3.0, 0.0])
    b.grad = tt.tensor([[0.0, 4.0], [0.0, 0.0]])
    total = nn.utils.clip_grad_norm_([a, b], max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    assert_close(a.grad, np.array([0.6, 0.0], np.float32), rtol=1e-5, atol=1e-6)
    assert_close(b.grad, np.array([[0.0, 0.8], [0.0, 0.0]], np.float32), rtol=1e-5, atol=1e-6)
    untouched = nn.utils.clip_grad_norm_([a, b], max_norm=10.0)
    assert untouched.item() == pytest.approx(1.0, rel=1e-5)
    assert_close(a.grad, np.array([0.6, 0.0], np.float32), rtol=1e-5, atol=1e-6)
    assert nn.utils.clip_grad_norm_([a, b], 1.0, norm_type=math.inf).item() == pytest.approx(0.8)
    nn.utils.clip_grad_value_([a, b], 0.5)
    assert_close(a.grad, np.array([0.5, 0.0], np.float32))
    b.grad = tt.tensor([[math.inf, 0.0], [0.0, 0.0]])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_([b], 1.0, error_if_nonfinite=True)


def test_pad_and_one_hot():
    x = RNG.standard_normal((2, 3, 4))
    padded = F.pad(tt.tensor(x, requires_grad=True), (1, 2, 0, 1), value=-1.0)
    assert_close(padded, np.pad(x, ((0, 0), (0, 1), (1, 2)), constant_values=-1.0))
    assert gradcheck(lambda t: F.pad(t, (2, 0)), (t64(2, 3),))
    with pytest.raises(NotImplementedError, match="Unrecognised padding mode 'mirror'"):
        F.pad(tt.tensor(x), (1, 1), mode="mirror")  # the other modes: tests/test_nn_norm_pad.py
    labels = np.array([[0, 3], [2, 1]])
    assert_close(F.one_hot(tt.tensor(labels)), np.eye(4, dtype=np.int64)[labels])
    assert F.one_hot(tt.tensor([1]), num_classes=5).shape == (1, 5)
    with pytest.raises(RuntimeError, match=r"in \[0, 2\]"):
        F.one_hot(tt.tensor([3]), num_classes=3)


def test_layers_refuse_inputs_on_another_device():
    layer = nn.Linear(3, 2)
    with pytest.raises(RuntimeError, match="input is on strict:1 but the weight is on cpu.*"
                                           "model.*to\\('strict:1'\\)"):
        layer(tt.zeros(4, 3, device="strict:1"))
    with pytest.raises(RuntimeError, match="target is on strict:0"):
        F.cross_entropy(tt.zeros(2, 3), tt.tensor([0, 1], device="strict:0"))
    with pytest.raises(RuntimeError, match="input is on cpu but the weight is on strict:1"):
        nn.Conv2d(1, 1, 1).to("strict:1")(tt.zeros(1, 1, 2, 2))
