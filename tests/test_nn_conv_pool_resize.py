"""conv1d, the transposed convolutions, 1-D and adaptive pooling, interpolate/Upsample, unfold/fold
and Tensor.unfold: values and gradients against PyTorch on every device, float64 gradchecks, the
layers loaded from PyTorch's state dicts, and the errors."""

# ruff: noqa: B023 - each case's call is made by a lambda that binds its own values

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn as nn
import tinytorch.nn.functional as F
from tinytorch.testing import assert_close, gradcheck

RNG = np.random.default_rng(7)


def data(*shape):
    return RNG.standard_normal(shape)


X1, W1, B6 = data(2, 4, 11), data(6, 2, 3), data(6)
X2, W2 = data(2, 4, 7, 6), data(4, 3, 3, 2)
COLS = data(2, 3 * 6, 4 * 3)

# (label, call(functional, *tensors), arrays): the same call through torch.nn.functional and
# tinytorch.nn.functional; every array is a float64 leaf whose gradient is compared too.
CASES = [
    ("conv1d", lambda f, x, w, b: f.conv1d(x, w, b, stride=2, padding=2, dilation=2, groups=2),
     (X1, W1, B6)),
    ("conv1d same", lambda f, x, w: f.conv1d(x, w, padding="same", dilation=2),
     (X1, W1.repeat(2, axis=1))),
    ("conv1d unbatched", lambda f, x, w: f.conv1d(x, w, stride=3), (X1[0], W1[:, :, :].repeat(
        2, axis=1))),
    ("conv_transpose1d", lambda f, x, w, b: f.conv_transpose1d(
        x, w, b, stride=3, padding=1, output_padding=2, groups=2, dilation=2),
     (X1, data(4, 3, 3), B6)),
    ("conv_transpose1d unbatched", lambda f, x, w: f.conv_transpose1d(x, w, padding=2),
     (X1[1], data(4, 5, 4))),
    ("conv_transpose2d", lambda f, x, w, b: f.conv_transpose2d(
        x, w, b, stride=(2, 3), padding=(1, 0), output_padding=(1, 2), groups=2,
        dilation=(1, 2)), (X2, W2, B6)),
    ("conv_transpose2d dilation beats stride", lambda f, x, w: f.conv_transpose2d(
        x, w, dilation=2, output_padding=1), (X2, W2)),
    ("conv_transpose2d unbatched", lambda f, x, w: f.conv_transpose2d(x, w, stride=2),
     (X2[0], data(4, 2, 3, 3))),
    ("max_pool1d", lambda f, x: f.max_pool1d(x, 3, 2, 1), (X1,)),
    ("max_pool1d dilation ceil", lambda f, x: f.max_pool1d(x, 2, 3, 1, dilation=2,
                                                           ceil_mode=True), (X1,)),
    ("max_pool1d indices", lambda f, x: f.max_pool1d(x, 4, return_indices=True)[1], (X1,)),
    ("avg_pool1d", lambda f, x: f.avg_pool1d(x, 3, 2, 1), (X1,)),
    ("avg_pool1d ceil, no pad count", lambda f, x: f.avg_pool1d(
        x, 4, 3, 2, ceil_mode=True, count_include_pad=False), (X1[0],)),
    *[(f"adaptive_avg_pool2d {size}", (lambda s: lambda f, x: f.adaptive_avg_pool2d(x, s))(size),
       (X2,)) for size in [(4, 4), 3, (None, 4), (7, 3), (1, 1), (5, 6), (9, 10)]],
    *[(f"adaptive_max_pool2d {size}", (lambda s: lambda f, x: f.adaptive_max_pool2d(x, s))(size),
       (X2,)) for size in [(4, 4), 3, (7, None), (1, 1), (9, 10)]],
    ("adaptive_max_pool2d indices", lambda f, x: f.adaptive_max_pool2d(x, (3, 4), True)[1],
     (X2,)),
    ("adaptive_max_pool2d unbatched", lambda f, x: f.adaptive_max_pool2d(x[0], (5, 4)), (X2,)),
    ("adaptive_avg_pool1d", lambda f, x: f.adaptive_avg_pool1d(x, 4), (X1,)),
    ("adaptive_avg_pool1d unbatched", lambda f, x: f.adaptive_avg_pool1d(x, 6), (X1[0],)),
    ("adaptive_max_pool1d", lambda f, x: f.adaptive_max_pool1d(x, 3), (X1,)),
    ("adaptive_max_pool1d indices", lambda f, x: f.adaptive_max_pool1d(x, 5, True)[1], (X1,)),
    *[(f"interpolate {mode} {kw}", (lambda m, k: lambda f, x: f.interpolate(x, mode=m, **k))(
        mode, kw), (X2,))
      for mode in ["nearest", "nearest-exact", "area"]
      for kw in [dict(size=(5, 13)), dict(scale_factor=1.7), dict(scale_factor=(0.5, 2.3)),
                 dict(scale_factor=2.6, recompute_scale_factor=True), dict(size=3)]],
    *[(f"interpolate bilinear {kw}", (lambda k: lambda f, x: f.interpolate(
        x, mode="bilinear", **k))(kw), (X2,))
      for kw in [dict(size=(5, 13)), dict(size=(5, 13), align_corners=True),
                 dict(scale_factor=1.7), dict(scale_factor=(0.5, 2.3), align_corners=True),
                 dict(scale_factor=(0.4, 2.5), align_corners=False), dict(size=(1, 1)),
                 dict(size=(1, 4), align_corners=True)]],
    ("interpolate linear", lambda f, x: f.interpolate(x, size=17, mode="linear"), (X1,)),
    ("interpolate linear align", lambda f, x: f.interpolate(x, scale_factor=0.6, mode="linear",
                                                            align_corners=True), (X1,)),
    ("interpolate nearest 1-d", lambda f, x: f.interpolate(x, scale_factor=2), (X1,)),
    ("interpolate trilinear", lambda f, x: f.interpolate(x, size=(3, 5, 4), mode="trilinear"),
     (data(1, 2, 2, 3, 5),)),
    ("interpolate nearest 3-d", lambda f, x: f.interpolate(x, scale_factor=(2, 0.5, 1.5)),
     (data(1, 2, 2, 3, 5),)),
    ("unfold", lambda f, x: f.unfold(x, (2, 3), dilation=(2, 1), padding=1, stride=(1, 2)),
     (X2,)),
    ("unfold unbatched", lambda f, x: f.unfold(x, 3, stride=2), (X2[0],)),
    ("fold", lambda f, c: f.fold(c, (7, 6), (2, 3), dilation=(2, 1), padding=1, stride=2),
     (COLS,)),
    ("fold overlapping", lambda f, c: f.fold(c, (3, 6), (2, 3)), (data(2, 12, 8),)),
    ("fold unbatched", lambda f, c: f.fold(c, (4, 5), 2, stride=(2, 1)), (data(8, 8),)),
    *[(f"Tensor.unfold {args}", (lambda a: lambda f, x: x.unfold(*a))(args), (X2,))
      for args in [(3, 2, 1), (1, 3, 2), (-1, 6, 1), (0, 1, 3), (2, 0, 4)]],
]


@pytest.mark.parametrize("label,call,arrays", CASES, ids=[c[0] for c in CASES])
def test_matches_torch_values_and_gradients(device, label, call, arrays):
    torch = pytest.importorskip("torch")
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    ours = [tt.tensor(a, device=device, requires_grad=True) for a in arrays]
    expected = call(torch.nn.functional, *theirs)
    got = call(F, *ours)
    assert got.device == device and tuple(got.shape) == tuple(expected.shape)
    if not expected.is_floating_point():  # pooling indices
        assert got.dtype == "int64"
        assert np.array_equal(got.cpu().numpy(), expected.numpy())
        return
    assert_close(got, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    weight = RNG.standard_normal(tuple(expected.shape))
    (expected * torch.tensor(weight)).sum().backward()
    (got * tt.tensor(weight, device=device)).sum().backward()
    for mine, reference in zip(ours, theirs):
        assert_close(mine.grad, reference.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_nearest_picks_torchs_pixels_for_every_small_size_pair():
    """PyTorch finds each nearest pixel in float32; where i * scale lands a rounding error away
    from an integer, float64 arithmetic would pick the neighbour."""
    torch = pytest.importorskip("torch")
    for size in range(1, 13):
        x = np.arange(size, dtype=np.float32).reshape(1, 1, size)
        for out in range(1, 30):
            for mode in ("nearest", "nearest-exact"):
                want = torch.nn.functional.interpolate(torch.tensor(x), size=out, mode=mode)
                got = F.interpolate(tt.tensor(x), size=out, mode=mode)
                assert np.array_equal(got.numpy(), want.numpy()), (size, out, mode)
        for factor in [f for f in (0.3, 0.7, 1.1, 1.3, 1.7, 2.2, 3.0, 3.3) if size * f >= 1]:
            want = torch.nn.functional.interpolate(torch.tensor(x), scale_factor=factor)
            got = F.interpolate(tt.tensor(x), scale_factor=factor)
            assert np.array_equal(got.numpy(), want.numpy()), (size, factor)


# ---- float64 gradchecks --------------------------------------------------------------------

def t64(*shape):
    return tt.tensor(RNG.standard_normal(shape), dtype="float64", requires_grad=True)


GRADCHECKS = [
    ("conv1d", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1, groups=2),
     ((2, 4, 7), (4, 2, 3), (4,))),
    ("conv_transpose1d", lambda x, w: F.conv_transpose1d(x, w, stride=2, output_padding=1,
                                                         dilation=2), ((2, 3, 4), (3, 2, 3))),
    ("conv_transpose2d", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1,
                                                            groups=2),
     ((1, 4, 3, 4), (4, 1, 3, 2), (2,))),
    ("max_pool1d", lambda x: F.max_pool1d(x, 3, 1, 1), ((2, 3, 6),)),
    ("avg_pool1d", lambda x: F.avg_pool1d(x, 2, 1, 1, ceil_mode=True), ((2, 3, 5),)),
    ("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, (3, 2)), ((1, 2, 5, 5),)),
    ("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, (3, 4)), ((1, 2, 5, 5),)),
    ("adaptive_avg_pool1d", lambda x: F.adaptive_avg_pool1d(x, 4), ((2, 2, 7),)),
    ("interpolate bilinear", lambda x: F.interpolate(x, (5, 3), mode="bilinear",
                                                     align_corners=True), ((1, 2, 3, 4),)),
    ("interpolate nearest", lambda x: F.interpolate(x, scale_factor=(1.5, 0.5)),
     ((1, 2, 3, 4),)),
    ("interpolate area", lambda x: F.interpolate(x, (2, 3), mode="area"), ((1, 2, 3, 4),)),
    ("unfold", lambda x: F.unfold(x, 2, padding=1, stride=(1, 2)), ((2, 2, 3, 4),)),
    ("fold", lambda c: F.fold(c, (3, 4), 2, padding=(1, 0)), ((2, 8, 12),)),
    ("Tensor.unfold", lambda x: x.unfold(1, 3, 1), ((2, 5),)),
]


@pytest.mark.parametrize("label,fn,shapes", GRADCHECKS, ids=[c[0] for c in GRADCHECKS])
def test_gradcheck_float64(label, fn, shapes):
    assert gradcheck(fn, tuple(t64(*s) for s in shapes))


def test_unfold_and_fold_are_adjoint():
    """<unfold(x), c> == <x, fold(c)>: the identity that makes each the other's backward."""
    x, c = t64(2, 3, 6, 5), t64(2, 3 * 4, 3 * 2)
    kw = dict(kernel_size=(2, 2), dilation=(2, 1), padding=1, stride=(2, 3))
    left = (F.unfold(x, **kw) * c).sum().item()
    right = (x * F.fold(c, (6, 5), **kw)).sum().item()
    assert abs(left - right) < 1e-10 * max(1.0, abs(left))


def _window_positions(size, kernel, dilation, padding, stride):
    """Flat positions in the padded plane of every window's entries, (kh*kw, L), row-major."""
    (h, w), (kh, kw), (dh, dw), (ph, pw), (sh, sw) = size, kernel, dilation, padding, stride
    width = w + 2 * pw
    rows = range(0, h + 2 * ph - dh * (kh - 1), sh)
    cols = range(0, width - dw * (kw - 1), sw)
    return tt.tensor([[(r + i * dh) * width + c + j * dw for r in rows for c in cols]
                      for i in range(kh) for j in range(kw)])


def test_unfold_and_fold_equal_their_index_compositions():
    """The compositions nn/ops/fold.py names: pad + index_select, and index_add + crop."""
    kw = dict(kernel_size=(2, 3), dilation=(2, 1), padding=(1, 2), stride=(1, 2))
    positions = _window_positions((5, 4), *kw.values())                 # (6, L)
    x = t64(2, 3, 5, 4)
    x2 = x.detach().clone().requires_grad_()
    padded = F.pad(x2, (2, 2, 1, 1)).reshape(2, 3, -1)
    composed = padded.index_select(2, positions.reshape(-1)).reshape(2, 18, -1)
    fused = F.unfold(x, **kw)
    assert_close(fused, composed, rtol=0, atol=0)
    weight = tt.tensor(RNG.standard_normal(tuple(fused.shape)))
    (fused * weight).sum().backward()
    (composed * weight).sum().backward()
    assert_close(x.grad, x2.grad, rtol=1e-12, atol=1e-12)

    c = t64(*fused.shape)
    c2 = c.detach().clone().requires_grad_()
    plane = tt.zeros(2, 3, 7 * 8, dtype="float64")
    added = plane.index_add(2, positions.reshape(-1), c2.reshape(2, 3, -1))
    composed = added.reshape(2, 3, 7, 8)[:, :, 1:6, 2:6]
    fused = F.fold(c, (5, 4), **kw)
    assert_close(fused, composed, rtol=1e-12, atol=1e-12)
    weight = tt.tensor(RNG.standard_normal((2, 3, 5, 4)))
    (fused * weight).sum().backward()
    (composed * weight).sum().backward()
    assert_close(c.grad, c2.grad, rtol=1e-12, atol=1e-12)


# ---- layers loaded from PyTorch ------------------------------------------------------------

def _check_layer(ours, theirs, x, device, *forward_args):
    torch = pytest.importorskip("torch")
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    ours.to(device)
    their_x = torch.tensor(x, dtype=torch.float32, requires_grad=True)
    our_x = tt.tensor(x, dtype="float32", device=device, requires_grad=True)
    expected, got = theirs(their_x, *forward_args), ours(our_x, *forward_args)
    if isinstance(expected, tuple):
        expected, got = expected[0], got[0]
    assert_close(got, expected.detach().numpy(), rtol=1e-5, atol=1e-5)
    weight = RNG.standard_normal(tuple(expected.shape))
    (expected * torch.tensor(weight, dtype=torch.float32)).sum().backward()
    (got * tt.tensor(weight, dtype="float32", device=device)).sum().backward()
    assert_close(our_x.grad, their_x.grad.numpy(), rtol=1e-4, atol=1e-4)
    for name, p in ours.named_parameters():
        assert_close(p.grad, theirs.get_parameter(name).grad.numpy(), rtol=1e-4, atol=1e-4)
    assert repr(ours) == repr(theirs)


def test_layers_match_torch(device):
    torch = pytest.importorskip("torch")
    pairs = [
        ("Conv1d", (4, 6, 3), dict(stride=2, padding=1, groups=2), X1),
        ("Conv1d", (4, 2, 2), dict(padding="same", dilation=2, bias=False), X1),
        ("ConvTranspose1d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1, groups=2),
         X1),
        ("ConvTranspose2d", (4, 6, (3, 2)), dict(stride=2, padding=(1, 0), dilation=(1, 2)),
         X2),
        ("MaxPool1d", (3,), dict(stride=2, padding=1, ceil_mode=True), X1),
        ("AvgPool1d", (3,), dict(count_include_pad=False, padding=1), X1),
        ("AdaptiveAvgPool1d", (4,), {}, X1),
        ("AdaptiveMaxPool1d", (4,), dict(return_indices=True), X1),
        ("AdaptiveAvgPool2d", ((None, 4),), {}, X2),
        ("AdaptiveMaxPool2d", (5,), {}, X2),
        ("Upsample", (), dict(scale_factor=2, mode="bilinear"), X2),
        ("Upsample", (), dict(size=(9, 4)), X2),
        ("UpsamplingNearest2d", (), dict(scale_factor=3), X2),
        ("UpsamplingBilinear2d", (), dict(size=5), X2),
        ("Unfold", ((2, 3),), dict(stride=2, padding=1), X2),
        ("Fold", ((7, 6), (2, 3)), dict(dilation=(2, 1), padding=1, stride=2), COLS),
    ]
    for name, args, kwargs, x in pairs:
        torch.manual_seed(0)
        _check_layer(getattr(nn, name)(*args, **kwargs),
                     getattr(torch.nn, name)(*args, **kwargs), x, device)


def test_conv_transpose_output_size_picks_the_output_padding():
    torch = pytest.importorskip("torch")
    for size in [(13, 11), (14, 12)]:
        torch.manual_seed(0)
        _check_layer(nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1),
                     torch.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1), X2, "cpu", size)
    layer = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)
    with pytest.raises(ValueError, match=r"valid sizes range from \(13, 11\) to \(14, 12\)"):
        layer(tt.zeros(2, 4, 7, 6), output_size=(15, 11))


def test_layer_defaults_follow_torch():
    torch = pytest.importorskip("torch")
    for ours, theirs in [(nn.Conv1d(4, 6, 3), torch.nn.Conv1d(4, 6, 3)),
                         (nn.ConvTranspose1d(4, 6, 3, groups=2),
                          torch.nn.ConvTranspose1d(4, 6, 3, groups=2)),
                         (nn.ConvTranspose2d(4, 6, (3, 2)),
                          torch.nn.ConvTranspose2d(4, 6, (3, 2)))]:
        assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == {
            k: tuple(v.shape) for k, v in theirs.state_dict().items()}
        # weight and bias drawn within PyTorch's bound 1/sqrt(fan_in), fan_in = weight.shape[1]
        # times the kernel's area
        fan_in = ours.weight.shape[1] * int(np.prod(ours.weight.shape[2:]))
        for p in (ours.weight, ours.bias):
            assert float(p.abs().max()) <= 1 / np.sqrt(fan_in) + 1e-7
        assert float(ours.weight.abs().max()) > 0.5 / np.sqrt(fan_in)


# ---- errors --------------------------------------------------------------------------------

def test_errors_name_the_values_and_the_fix():
    x1, x2 = tt.zeros(2, 4, 10), tt.zeros(2, 4, 6, 6)
    with pytest.raises(RuntimeError, match="expected input\\[2, 4, 10\\] to have 3 channels, "
                                           "but got 4"):
        F.conv1d(x1, tt.zeros(6, 3, 3))
    with pytest.raises(RuntimeError, match="3D \\(batched\\) input to conv1d"):
        F.conv1d(x2, tt.zeros(6, 4, 3))
    with pytest.raises(ValueError, match="output padding must be smaller than either stride "
                                         "or dilation"):
        F.conv_transpose2d(x2, tt.zeros(4, 2, 3, 3), stride=2, output_padding=2)
    with pytest.raises(RuntimeError, match="out_channels/groups"):
        F.conv_transpose2d(x2, tt.zeros(3, 2, 3, 3))
    with pytest.raises(RuntimeError, match="too small; use less padding"):
        F.conv_transpose1d(tt.zeros(1, 1, 1), tt.zeros(1, 1, 1), padding=1)
    with pytest.raises(RuntimeError, match="pad should be at most half"):
        F.max_pool1d(x1, 2, padding=2)
    with pytest.raises(RuntimeError, match="2D \\(C, L\\) or 3D \\(N, C, L\\)"):
        F.avg_pool1d(x2, 2)
    with pytest.raises(RuntimeError, match="non-zero size"):
        F.adaptive_avg_pool2d(tt.zeros(1, 2, 0, 3), 2)
    with pytest.raises(ValueError, match="output_size must be positive"):
        F.adaptive_max_pool1d(x1, 0)
    with pytest.raises(ValueError, match="exactly one of size and scale_factor, got both"):
        F.interpolate(x2, size=3, scale_factor=2)
    with pytest.raises(NotImplementedError, match="Got 3D input, but bilinear mode needs 4D"):
        F.interpolate(x1, size=3, mode="bilinear")
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(x1, size=3, align_corners=True)
    with pytest.raises(ValueError, match="must be positive"):
        F.interpolate(x1, scale_factor=0.01)
    with pytest.raises(RuntimeError, match=r"dimension 2 must be the number of blocks, 20 "
                                           r"\(4 x 5\)"):
        F.fold(tt.zeros(1, 8, 12), (5, 6), 2)
    with pytest.raises(RuntimeError, match="no blocks"):
        F.unfold(x2, 7)
    with pytest.raises(TypeError, match="kernel_size must be an int or a pair of ints"):
        F.unfold(x2, "3")
    with pytest.raises(RuntimeError, match="maximum size for tensor at dimension 1 is 4 but "
                                           "size is 5"):
        tt.zeros(2, 4).unfold(1, 5, 1)
    with pytest.raises(RuntimeError, match="step is 0 but must be > 0"):
        tt.zeros(2, 4).unfold(1, 2, 0)
