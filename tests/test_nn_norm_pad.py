"""Group, instance, RMS and local response norm, padding modes, pixel and channel shuffles,
Bilinear and the distance layers: against NumPy references and hand-worked values, gradcheck in
float64, on cpu and strict devices, and against PyTorch (state dicts, outputs, gradients) where
it is installed."""

import math

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn as nn
import tinytorch.nn.functional as F
from tinytorch.testing import assert_close, gradcheck

RNG = np.random.default_rng(7)


def t64(*shape, device="cpu", requires_grad=True):
    return tt.tensor(RNG.standard_normal(shape), dtype="float64", device=device,
                     requires_grad=requires_grad)


def normalise(a, axes, eps=1e-5):
    mean = a.mean(axis=axes, keepdims=True)
    return (a - mean) / np.sqrt(a.var(axis=axes, keepdims=True) + eps)


def per_channel(v, ndim):
    return v.reshape((1, -1) + (1,) * (ndim - 2))


# ---- NumPy references ------------------------------------------------------------------------

def group_norm_ref(x, groups, w=None, b=None, eps=1e-5):
    n = x.shape[0]
    out = normalise(x.reshape(n, groups, -1), 2, eps).reshape(x.shape)
    if w is not None:
        out = out * per_channel(w, x.ndim)
    return out if b is None else out + per_channel(b, x.ndim)


def lrn_ref(x, size, alpha, beta, k):
    out = np.empty_like(x)
    channels = x.shape[1]
    for c in range(channels):
        lo, hi = max(c - size // 2, 0), min(c + (size - 1) // 2, channels - 1)
        total = (x[:, lo:hi + 1] ** 2).sum(axis=1)
        out[:, c] = x[:, c] / (k + alpha / size * total) ** beta
    return out


def bilinear_ref(x1, x2, w, b):
    return np.einsum("...i,oij,...j->...o", x1, w, x2) + b


# ---- group norm ------------------------------------------------------------------------------

def test_group_norm_matches_numpy_on_every_device(device):
    x, w, b = (RNG.standard_normal(s) for s in ((3, 6, 4, 5), (6,), (6,)))
    got = F.group_norm(tt.tensor(x, device=device), 3, tt.tensor(w, device=device),
                       tt.tensor(b, device=device))
    assert got.device == device
    assert_close(got, group_norm_ref(x, 3, w, b))
    layer = nn.GroupNorm(2, 6).to(device)
    assert_close(layer(tt.tensor(x, dtype="float32", device=device)),
                 group_norm_ref(x, 2).astype(np.float32), rtol=1e-4, atol=1e-5)
    # one group is layer norm over every axis after the batch axis; as many as channels is
    # instance norm
    assert_close(F.group_norm(tt.tensor(x, device=device), 1), normalise(x, (1, 2, 3)))
    assert_close(F.group_norm(tt.tensor(x, device=device), 6), normalise(x, (2, 3)))


def test_group_norm_gradcheck_and_errors():
    assert gradcheck(lambda x, w, b: F.group_norm(x, 2, w, b), (t64(2, 4, 3), t64(4), t64(4)))
    assert gradcheck(lambda x: F.group_norm(x, 3), (t64(2, 6),))
    with pytest.raises(RuntimeError, match="divisible by num_groups.*num_groups=4"):
        F.group_norm(tt.zeros(2, 6, 3), 4)
    with pytest.raises(RuntimeError, match="at least 2 dimensions"):
        F.group_norm(tt.zeros(6), 2)
    with pytest.raises(RuntimeError, match=r"weight has shape \[4\].*must be \[6\]"):
        F.group_norm(tt.zeros(2, 6, 3), 2, tt.ones(4))
    with pytest.raises(TypeError, match="num_groups must be a positive int"):
        F.group_norm(tt.zeros(2, 6, 3), 2.0)
    with pytest.raises(ValueError, match="num_channels must be divisible by num_groups"):
        nn.GroupNorm(4, 6)
    assert nn.GroupNorm(2, 4, affine=False).weight is None
    assert nn.GroupNorm(2, 4, bias=False).bias is None


# ---- instance norm ---------------------------------------------------------------------------

def test_instance_norm_training_running_stats_and_eval(device):
    layer = nn.InstanceNorm1d(3, affine=True, track_running_stats=True).double().to(device)
    with tt.no_grad():
        layer.weight.copy_(tt.tensor([1.0, 2.0, 0.5], dtype="float64"))
        layer.bias.copy_(tt.tensor([0.0, -1.0, 1.0], dtype="float64"))
    w, b = np.array([1.0, 2.0, 0.5]), np.array([0.0, -1.0, 1.0])
    mean, var = np.zeros(3), np.ones(3)
    for _ in range(2):
        x = RNG.standard_normal((4, 3, 5)) * 2 + 1
        out = layer(tt.tensor(x, device=device))
        assert out.device == device
        assert_close(out, normalise(x, 2) * per_channel(w, 3) + per_channel(b, 3))
        # running statistics: the batch average of each instance's mean and unbiased variance
        mean = 0.9 * mean + 0.1 * x.mean(axis=2).mean(axis=0)
        var = 0.9 * var + 0.1 * x.var(axis=2, ddof=1).mean(axis=0)
    assert_close(layer.running_mean, mean)
    assert_close(layer.running_var, var)
    assert int(layer.num_batches_tracked.item()) == 0  # PyTorch's InstanceNorm never counts
    layer.eval()
    x = RNG.standard_normal((2, 3, 4))
    expected = (x - per_channel(mean, 3)) / np.sqrt(per_channel(var, 3) + 1e-5)
    assert_close(layer(tt.tensor(x, device=device)),
                 expected * per_channel(w, 3) + per_channel(b, 3))


def test_instance_norm_defaults_unbatched_and_eval_without_running_stats():
    layer = nn.InstanceNorm2d(2)
    assert layer.weight is None and layer.running_mean is None
    assert list(layer.state_dict()) == []
    x = RNG.standard_normal((2, 3, 4))
    # no running statistics: the instance's own statistics, in eval mode too
    assert_close(layer.eval()(tt.tensor(x)), normalise(x, (1, 2)))
    assert layer(tt.tensor(x)).shape == (2, 3, 4)  # unbatched (C, H, W)
    with pytest.warns(UserWarning, match="num_features"):
        nn.InstanceNorm1d(5)(tt.zeros(2, 3, 4))
    with pytest.raises(ValueError, match="match num_features"):
        nn.InstanceNorm1d(5, affine=True)(tt.zeros(2, 3, 4))
    with pytest.raises(ValueError, match="expected 2D .* or 3D input"):
        nn.InstanceNorm1d(3)(tt.zeros(2, 3, 4, 5))
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        F.instance_norm(tt.zeros(2, 3, 1))
    with pytest.raises(RuntimeError, match="running_mean and running_var to be defined"):
        F.instance_norm(tt.zeros(2, 3, 4), use_input_stats=False)


def test_instance_norm_gradcheck():
    w, b = t64(3), t64(3)
    assert gradcheck(lambda x, w, b: F.instance_norm(x, weight=w, bias=b),
                     (t64(2, 3, 4), w, b))
    mean = tt.tensor([0.5, -0.2, 0.1], dtype="float64")
    var = tt.tensor([1.5, 0.7, 2.0], dtype="float64")
    assert gradcheck(lambda x, w, b: F.instance_norm(x, mean, var, w, b, use_input_stats=False),
                     (t64(2, 3, 2, 2), w, b))


# ---- RMS norm --------------------------------------------------------------------------------

def test_rms_norm_hand_worked_and_numpy(device):
    # [3, 4]: mean square 12.5, so y = x / sqrt(12.5 + eps) with float32's eps by default
    got = F.rms_norm(tt.tensor([[3.0, 4.0]], device=device), (2,))
    eps32 = float(np.finfo(np.float32).eps)
    assert_close(got, np.array([[3.0, 4.0]], np.float32) / np.float32(math.sqrt(12.5 + eps32)))
    x, w = RNG.standard_normal((3, 2, 4)), RNG.standard_normal((2, 4))
    expected = x / np.sqrt((x * x).mean(axis=(1, 2), keepdims=True) + 1e-3) * w
    assert_close(F.rms_norm(tt.tensor(x, device=device), [2, 4], tt.tensor(w, device=device),
                            1e-3), expected)
    layer = nn.RMSNorm(4).double().to(device)
    assert_close(layer(tt.tensor(x, device=device)),
                 x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + np.finfo(np.float64).eps))


def test_rms_norm_gradcheck_and_errors():
    assert gradcheck(lambda x, w: F.rms_norm(x, (3,), w), (t64(2, 3), t64(3)))
    assert gradcheck(lambda x: F.rms_norm(x, (2, 3), eps=1e-6), (t64(2, 2, 3),))
    with pytest.raises(RuntimeError, match=r"expected input with shape \[\*, 3\]"):
        F.rms_norm(tt.zeros(2, 4), (3,))
    with pytest.raises(TypeError, match="floating-point"):
        F.rms_norm(tt.zeros(2, 3, dtype="int64"), (3,))
    assert nn.RMSNorm(3, elementwise_affine=False).weight is None


# ---- local response norm ---------------------------------------------------------------------

@pytest.mark.parametrize("shape,size", [((2, 5, 4), 3), ((2, 6, 3, 2), 4), ((1, 3, 2, 2, 2), 5)])
def test_local_response_norm_matches_numpy(device, shape, size):
    x = RNG.standard_normal(shape)
    got = nn.LocalResponseNorm(size, alpha=0.5, beta=0.75, k=2.0)(tt.tensor(x, device=device))
    assert got.device == device
    assert_close(got, lrn_ref(x, size, 0.5, 0.75, 2.0))


def test_local_response_norm_gradcheck_and_errors():
    assert gradcheck(lambda x: F.local_response_norm(x, 3, 0.5, 0.75, 2.0), (t64(2, 4, 3),))
    with pytest.raises(ValueError, match="3D or higher"):
        F.local_response_norm(tt.zeros(2, 3), 2)
    with pytest.raises(TypeError, match="size must be a positive int"):
        F.local_response_norm(tt.zeros(2, 3, 4), "2")


# ---- padding ---------------------------------------------------------------------------------

NP_MODES = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


@pytest.mark.parametrize("mode", sorted(NP_MODES))
@pytest.mark.parametrize("shape,pads", [((2, 5), (2, 1)), ((2, 3, 5), (0, 3)),
                                        ((3, 4, 5), (1, 2, 3, 0)), ((2, 3, 4, 5), (2, 2, 1, 1)),
                                        ((2, 3, 4, 5), (1, 0, 2, 1, 1, 2)),
                                        ((1, 2, 3, 4, 5), (0, 1, 1, 2, 2, 0))])
def test_pad_modes_match_numpy(device, mode, shape, pads):
    x = RNG.standard_normal(shape)
    widths = [(0, 0)] * (x.ndim - len(pads) // 2) + [
        (pads[2 * i], pads[2 * i + 1]) for i in reversed(range(len(pads) // 2))]
    got = F.pad(tt.tensor(x, device=device), pads, mode=mode)
    assert got.device == device
    assert_close(got, np.pad(x, widths, mode=NP_MODES[mode]))


def test_pad_hand_worked_values_cropping_and_integers():
    x = tt.tensor([[[0, 1, 2, 3]]])
    assert F.pad(x, (2, 1), "reflect").tolist() == [[[2, 1, 0, 1, 2, 3, 2]]]
    assert F.pad(x, (2, 1), "replicate").tolist() == [[[0, 0, 0, 1, 2, 3, 3]]]
    assert F.pad(x, (2, 1), "circular").tolist() == [[[2, 3, 0, 1, 2, 3, 0]]]
    assert F.pad(x, (1, 1), value=9).tolist() == [[[9, 0, 1, 2, 3, 9]]]
    # a negative size crops; circular padding then wraps around what is left
    assert F.pad(x, (-1, 2)).tolist() == [[[1, 2, 3, 0, 0]]]
    assert F.pad(x, (-1, 2), "circular").tolist() == [[[1, 2, 3, 1, 2]]]
    assert F.pad(x, (1, -2), "reflect").tolist() == [[[1, 0, 1]]]
    assert F.pad(x, (0, 0, 1, 0)).shape == (1, 2, 4)
    assert F.pad(tt.zeros(2, 3, 1), (1, 1, 1, 1, 1, 1), value=1.0).shape == (4, 5, 3)


def test_pad_gradcheck_every_mode():
    for mode in ("constant", "reflect", "replicate", "circular"):
        assert gradcheck(lambda t, m=mode: F.pad(t, (2, 1, -1, 2), m), (t64(2, 3, 4),))
        assert gradcheck(lambda t, m=mode: F.pad(t, (1, 1, 0, 1, 1, 0), m), (t64(1, 2, 3, 3),))


def test_pad_errors_name_the_sizes_and_the_fix():
    x = tt.zeros(1, 2, 3)
    with pytest.raises(RuntimeError, match=r"less than the corresponding input dimension.*"
                                           r"padding \(3, 0\)"):
        F.pad(x, (3, 0), "reflect")
    with pytest.raises(RuntimeError, match="wrapping around more than once"):
        F.pad(x, (4, 0), "circular")
    with pytest.raises(NotImplementedError, match="Unrecognised padding mode 'mirror'"):
        F.pad(x, (1, 1), "mirror")
    with pytest.raises(NotImplementedError, match="padding size 2 is not supported for a 4D"):
        F.pad(tt.zeros(1, 1, 2, 3), (1, 1), "reflect")
    with pytest.raises(RuntimeError, match="divisible by 2"):
        F.pad(x, (1,))
    with pytest.raises(RuntimeError, match="two times the input dimension"):
        F.pad(x, (1,) * 8)
    with pytest.raises(RuntimeError, match="crops more than the 3 entries"):
        F.pad(x, (-2, -2))
    with pytest.raises(RuntimeError, match="doesn't take in value"):
        F.pad(x, (1, 1), "replicate", value=2.0)
    with pytest.raises(TypeError, match="tuple of ints"):
        F.pad(x, (1.5, 1))


@pytest.mark.parametrize("cls,mode,dims", [
    (nn.ZeroPad1d, "constant", 1), (nn.ZeroPad2d, "constant", 2), (nn.ZeroPad3d, "constant", 3),
    (nn.ReflectionPad1d, "reflect", 1), (nn.ReflectionPad2d, "reflect", 2),
    (nn.ReflectionPad3d, "reflect", 3), (nn.ReplicationPad1d, "replicate", 1),
    (nn.ReplicationPad2d, "replicate", 2), (nn.ReplicationPad3d, "replicate", 3),
    (nn.CircularPad1d, "circular", 1), (nn.CircularPad2d, "circular", 2),
    (nn.CircularPad3d, "circular", 3)])
def test_padding_layers_expand_an_int_to_every_side(cls, mode, dims):
    x = RNG.standard_normal((2, 3, 4, 5, 3)[:dims + 2])
    np_mode = NP_MODES.get(mode, "constant")
    expected = np.pad(x, [(0, 0), (0, 0)] + [(1, 1)] * dims, mode=np_mode)
    assert_close(cls(1)(tt.tensor(x)), expected)
    assert cls(1).padding == (1,) * (2 * dims)
    with pytest.raises(TypeError, match=f"tuple of {2 * dims} ints"):
        cls((1,) * (2 * dims + 1))


def test_constant_pad_layers_fill_with_their_value():
    x = RNG.standard_normal((2, 3))
    assert_close(nn.ConstantPad1d((1, 2), 3.5)(tt.tensor(x)),
                 np.pad(x, [(0, 0), (1, 2)], constant_values=3.5))
    assert_close(nn.ConstantPad2d(1, -1.0)(tt.tensor(x)), np.pad(x, 1, constant_values=-1.0))
    assert nn.ConstantPad3d(1, 2.0)(tt.zeros(1, 1, 1)).shape == (3, 3, 3)


# ---- pixel and channel shuffle ---------------------------------------------------------------

def test_pixel_shuffle_hand_worked_and_round_trip(device):
    # four channels of one pixel become one 2x2 block, read row by row
    x = tt.arange(8.0, device=device).reshape(1, 8, 1, 1)
    out = nn.PixelShuffle(2)(x)
    assert out.device == device and out.shape == (1, 2, 2, 2)
    assert out.tolist() == [[[[0, 1], [2, 3]], [[4, 5], [6, 7]]]]
    y = tt.tensor(RNG.standard_normal((2, 3, 8, 3, 2)), device=device)  # leading batch axes
    assert_close(nn.PixelUnshuffle(2)(nn.PixelShuffle(2)(y)), y)
    assert nn.PixelUnshuffle(3)(tt.zeros(4, 6, 9)).shape == (36, 2, 3)
    assert F.pixel_shuffle(tt.tensor([[[1, 2]]]), 1).tolist() == [[[1, 2]]]  # integers too


def test_pixel_shuffle_matches_numpy_and_gradcheck():
    x = RNG.standard_normal((2, 12, 3, 4))
    # reference: channel c * 4 + i * 2 + j lands at row 2h + i, column 2w + j of channel c
    expected = x.reshape(2, 3, 2, 2, 3, 4).transpose(0, 1, 4, 2, 5, 3).reshape(2, 3, 6, 8)
    assert_close(F.pixel_shuffle(tt.tensor(x), 2), expected)
    assert_close(F.pixel_unshuffle(tt.tensor(expected), 2), x)
    assert gradcheck(lambda t: F.pixel_shuffle(t, 2), (t64(1, 8, 2, 3),))
    assert gradcheck(lambda t: F.pixel_unshuffle(t, 2), (t64(2, 1, 4, 2),))
    with pytest.raises(RuntimeError, match=r"input.size\(-3\)=3 is not divisible by 4"):
        F.pixel_shuffle(tt.zeros(3, 2, 2), 2)
    with pytest.raises(RuntimeError, match=r"height .* input.size\(-2\)=3 is not divisible by 2"):
        F.pixel_unshuffle(tt.zeros(1, 3, 4), 2)
    with pytest.raises(RuntimeError, match="positive upscale_factor"):
        F.pixel_shuffle(tt.zeros(1, 2, 2), 0)
    with pytest.raises(RuntimeError, match="at least 3 dimensions"):
        F.pixel_shuffle(tt.zeros(4, 4), 2)


def test_channel_shuffle_hand_worked_and_gradcheck(device):
    x = tt.arange(6, device=device).reshape(1, 6, 1)
    assert nn.ChannelShuffle(2)(x).reshape(-1).tolist() == [0, 3, 1, 4, 2, 5]
    assert nn.ChannelShuffle(3)(x).reshape(-1).tolist() == [0, 2, 4, 1, 3, 5]
    assert gradcheck(lambda t: F.channel_shuffle(t, 2), (t64(2, 4, 3),))
    with pytest.raises(RuntimeError, match="6 channels and 4 groups"):
        F.channel_shuffle(tt.zeros(1, 6, 2), 4)
    with pytest.raises(RuntimeError, match="> 2 dims"):
        F.channel_shuffle(tt.zeros(2, 4), 2)


# ---- Bilinear and the distance layers ---------------------------------------------------------

def test_bilinear_matches_numpy_and_gradcheck(device):
    x1, x2 = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((2, 3, 5))
    w, b = RNG.standard_normal((6, 4, 5)), RNG.standard_normal(6)
    on = [tt.tensor(a, device=device) for a in (x1, x2, w, b)]
    got = F.bilinear(*on)
    assert got.device == device
    assert_close(got, bilinear_ref(x1, x2, w, b))
    assert gradcheck(F.bilinear, (t64(3, 2), t64(3, 3), t64(4, 2, 3), t64(4)))
    assert gradcheck(lambda a, c, w: F.bilinear(a, c, w), (t64(2), t64(3), t64(1, 2, 3)))


def test_bilinear_layer_init_and_errors():
    tt.manual_seed(0)
    layer = nn.Bilinear(4, 9, 3)
    assert layer.weight.shape == (3, 4, 9) and layer.bias.shape == (3,)
    bound = 1 / math.sqrt(4)  # PyTorch's: 1 / sqrt(in1_features), for weight and bias
    values = np.concatenate([layer.weight.detach().numpy().ravel(), layer.bias.detach().numpy()])
    assert np.abs(values).max() <= bound and np.abs(values).max() > 0.8 * bound
    assert nn.Bilinear(2, 2, 2, bias=False).bias is None
    with pytest.raises(RuntimeError, match="batch dimensions do not match"):
        layer(tt.zeros(2, 4), tt.zeros(3, 9))
    with pytest.raises(RuntimeError, match=r"last dimensions \(4, 8\) must equal .* \(4, 9\)"):
        layer(tt.zeros(2, 4), tt.zeros(2, 8))
    with pytest.raises(TypeError, match="'input2' must be a Tensor"):
        F.bilinear(tt.zeros(2, 4), [1.0], layer.weight)


def test_distance_layers_forward_to_the_functions():
    a, b = tt.tensor([[3.0, 4.0], [1.0, 0.0]]), tt.tensor([[3.0, 4.0], [0.0, 2.0]])
    assert_close(nn.CosineSimilarity(dim=1)(a, b), np.array([1.0, 0.0], np.float32),
                 atol=1e-6, rtol=0)
    # |a - b + eps| along the last axis: (0, 0) and (1, -2), each shifted by eps
    expected = np.array([math.sqrt(2) * 1e-6, math.sqrt((1 + 1e-6) ** 2 + (2 - 1e-6) ** 2)])
    assert_close(nn.PairwiseDistance()(a, b), expected.astype(np.float32), rtol=1e-5, atol=1e-7)
    assert nn.PairwiseDistance(keepdim=True)(a, b).shape == (2, 1)


# ---- PyTorch as the oracle ---------------------------------------------------------------------

def _torch_check(ours, theirs, inputs, *, rtol=1e-5, atol=1e-5):
    """Load theirs' state into ours, run both, compare outputs and every gradient."""
    torch = pytest.importorskip("torch")
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    t_in = [torch.tensor(x, requires_grad=True) for x in inputs]
    o_in = [tt.tensor(x, requires_grad=True) for x in inputs]
    expected, got = theirs(*t_in), ours(*o_in)
    assert_close(got, expected.detach().numpy(), rtol=rtol, atol=atol)
    weight = RNG.standard_normal(tuple(expected.shape)).astype(np.float32)
    (expected * torch.tensor(weight)).sum().backward()
    (got * tt.tensor(weight)).sum().backward()
    grads = dict(ours.named_parameters())
    for name, p in theirs.named_parameters():
        assert_close(grads[name].grad, p.grad.numpy(), rtol=1e-4, atol=1e-4)
    for t, o in zip(t_in, o_in):
        assert_close(o.grad, t.grad.numpy(), rtol=1e-4, atol=1e-4)
    for name, buffer in theirs.named_buffers():
        assert_close(dict(ours.named_buffers())[name], buffer.numpy(), rtol=1e-5, atol=1e-6)


def _randomised(module):
    torch = pytest.importorskip("torch")
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape))
    return module


def _floats(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def test_state_dict_keys_and_reprs_match_torch():
    torch = pytest.importorskip("torch")
    pairs = [
        (nn.GroupNorm(2, 4), torch.nn.GroupNorm(2, 4)),
        (nn.GroupNorm(2, 4, bias=False), torch.nn.GroupNorm(2, 4, bias=False)),
        (nn.InstanceNorm2d(3, affine=True, track_running_stats=True),
         torch.nn.InstanceNorm2d(3, affine=True, track_running_stats=True)),
        (nn.InstanceNorm1d(3), torch.nn.InstanceNorm1d(3)),
        (nn.RMSNorm((2, 3)), torch.nn.RMSNorm((2, 3))),
        (nn.Bilinear(2, 3, 4), torch.nn.Bilinear(2, 3, 4)),
        (nn.Bilinear(2, 3, 4, bias=False), torch.nn.Bilinear(2, 3, 4, bias=False)),
    ]
    for ours, theirs in pairs:
        got = {k: tuple(v.shape) for k, v in ours.state_dict().items()}
        assert got == {k: tuple(v.shape) for k, v in theirs.state_dict().items()}, theirs
    for ours, theirs in [
            (nn.ReflectionPad2d((1, 0, 2, 0)), torch.nn.ReflectionPad2d((1, 0, 2, 0))),
            (nn.ZeroPad2d(1), torch.nn.ZeroPad2d(1)),
            (nn.ConstantPad1d(2, 3.5), torch.nn.ConstantPad1d(2, 3.5)),
            (nn.CircularPad3d(1), torch.nn.CircularPad3d(1)),
            (nn.PixelShuffle(2), torch.nn.PixelShuffle(2)),
            (nn.PixelUnshuffle(3), torch.nn.PixelUnshuffle(3)),
            (nn.ChannelShuffle(2), torch.nn.ChannelShuffle(2)),
            (nn.LocalResponseNorm(3), torch.nn.LocalResponseNorm(3)),
            (nn.RMSNorm(4), torch.nn.RMSNorm(4)),
            (nn.Bilinear(2, 3, 4), torch.nn.Bilinear(2, 3, 4)),
            (nn.CosineSimilarity(), torch.nn.CosineSimilarity())]:
        assert repr(ours) == repr(theirs)


def test_norm_layers_match_torch():
    torch = pytest.importorskip("torch")
    _torch_check(nn.GroupNorm(3, 6), _randomised(torch.nn.GroupNorm(3, 6)), [_floats(2, 6, 3, 4)])
    _torch_check(nn.RMSNorm((3, 4), eps=1e-4), _randomised(torch.nn.RMSNorm((3, 4), eps=1e-4)),
                 [_floats(2, 5, 3, 4)])
    _torch_check(nn.RMSNorm(4), _randomised(torch.nn.RMSNorm(4)), [_floats(3, 4)])
    _torch_check(nn.LocalResponseNorm(4, 0.3, 0.6, 1.5),
                 torch.nn.LocalResponseNorm(4, 0.3, 0.6, 1.5), [_floats(2, 7, 3, 2)])
    _torch_check(nn.LocalResponseNorm(2), torch.nn.LocalResponseNorm(2), [_floats(2, 3, 4)])


@pytest.mark.parametrize("cls,shape", [("InstanceNorm1d", (3, 4, 5)),
                                       ("InstanceNorm2d", (2, 4, 3, 3)),
                                       ("InstanceNorm3d", (4, 2, 2, 3))])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_instance_norm_training_then_eval_matches_torch(cls, shape, momentum):
    torch = pytest.importorskip("torch")
    kwargs = dict(affine=True, track_running_stats=True, momentum=momentum)
    ours, theirs = getattr(nn, cls)(4, **kwargs), _randomised(getattr(torch.nn, cls)(4, **kwargs))
    for _ in range(2):  # training: batch statistics, running buffers updated as PyTorch does
        _torch_check(ours, theirs, [_floats(*shape) * 2 + 1])
        ours.zero_grad()
        theirs.zero_grad()
    ours.eval()
    theirs.eval()
    _torch_check(ours, theirs, [_floats(*shape)])  # eval: the running statistics
    plain = getattr(torch.nn, cls)(4)
    _torch_check(getattr(nn, cls)(4), plain, [_floats(*shape)])


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape,pads", [((2, 5), (2, -1)), ((2, 3, 6), (-2, 3)),
                                        ((2, 4, 5), (1, 2, -1, 3)),
                                        ((1, 2, 4, 5), (3, -2, 2, 1)),
                                        ((2, 3, 4, 5), (1, 2, 0, 1, -1, 2))])
def test_pad_matches_torch_including_cropping(mode, shape, pads):
    torch = pytest.importorskip("torch")
    x = _floats(*shape)
    t, o = torch.tensor(x, requires_grad=True), tt.tensor(x, requires_grad=True)
    expected = torch.nn.functional.pad(t, pads, mode)
    got = F.pad(o, pads, mode)
    assert_close(got, expected.detach().numpy(), rtol=0, atol=0)
    weight = _floats(*expected.shape)
    (expected * torch.tensor(weight)).sum().backward()
    (got * tt.tensor(weight)).sum().backward()
    assert_close(o.grad, t.grad.numpy(), rtol=1e-6, atol=1e-6)


def test_shuffles_and_bilinear_match_torch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x = _floats(2, 3, 8, 2, 4)
    assert_close(F.pixel_shuffle(tt.tensor(x), 2), tf.pixel_shuffle(torch.tensor(x), 2).numpy())
    assert_close(F.pixel_unshuffle(tt.tensor(x), 2),
                 tf.pixel_unshuffle(torch.tensor(x), 2).numpy())
    y = _floats(2, 6, 3)
    assert_close(F.channel_shuffle(tt.tensor(y), 3), tf.channel_shuffle(torch.tensor(y), 3).numpy())
    _torch_check(nn.Bilinear(3, 4, 5), torch.nn.Bilinear(3, 4, 5), [_floats(2, 6, 3),
                                                                      _floats(2, 6, 4)],
                 rtol=1e-4)
    _torch_check(nn.Bilinear(3, 4, 5, bias=False), torch.nn.Bilinear(3, 4, 5, bias=False),
                 [_floats(3), _floats(4)], rtol=1e-4)
    a, b = _floats(3, 4), _floats(3, 4)
    for ours, theirs in [(nn.CosineSimilarity(dim=0), torch.nn.CosineSimilarity(dim=0)),
                         (nn.PairwiseDistance(p=1.0, keepdim=True),
                          torch.nn.PairwiseDistance(p=1.0, keepdim=True))]:
        assert_close(ours(tt.tensor(a), tt.tensor(b)),
                     theirs(torch.tensor(a), torch.tensor(b)).numpy(), rtol=1e-5, atol=1e-6)
