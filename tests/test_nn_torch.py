"""PyTorch as an oracle: a torch module's state_dict, converted to NumPy, loads into the matching
tinytorch layer, which then computes the same outputs and gradients."""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is the optional oracle of these tests; "
                                            "install torch to run them")

import tinytorch as tt  # noqa: E402
import tinytorch.nn as nn  # noqa: E402
import tinytorch.nn.functional as F  # noqa: E402
from tinytorch.testing import assert_close  # noqa: E402

RNG = np.random.default_rng(3)


def numpy_state(module):
    return {k: v.detach().numpy() for k, v in module.state_dict().items()}


def randomise_torch(module):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape) * 0.5)
    return module


def check(ours, theirs, inputs, rtol=1e-5, atol=1e-5, grads=True):
    """Load theirs into ours, run both on `inputs` and compare outputs and gradients."""
    ours.load_state_dict(numpy_state(theirs))
    t_inputs = [torch.tensor(x, requires_grad=x.dtype.kind == "f") for x in inputs]
    o_inputs = [tt.tensor(x, requires_grad=x.dtype.kind == "f") for x in inputs]
    expected = theirs(*t_inputs)
    got = ours(*o_inputs)
    if isinstance(expected, tuple):
        expected, got = expected[0], got[0]
    assert_close(got, expected.detach().numpy(), rtol=rtol, atol=atol)
    if grads:
        weight = RNG.standard_normal(expected.shape).astype(np.float32)
        (expected * torch.tensor(weight)).sum().backward()
        (got * tt.tensor(weight)).sum().backward()
        ours_grads = dict(ours.named_parameters())
        for name, p in theirs.named_parameters():
            assert_close(ours_grads[name].grad, p.grad.numpy(), rtol=1e-4, atol=1e-4)
        for t_in, o_in in zip(t_inputs, o_inputs):
            if t_in.requires_grad:
                assert_close(o_in.grad, t_in.grad.numpy(), rtol=1e-4, atol=1e-4)


def floats(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def test_state_dict_keys_and_shapes_match_torch():
    pairs = [
        (nn.Linear(4, 3), torch.nn.Linear(4, 3)),
        (nn.Conv2d(4, 6, 3, groups=2, bias=False), torch.nn.Conv2d(4, 6, 3, groups=2,
                                                                    bias=False)),
        (nn.BatchNorm2d(5), torch.nn.BatchNorm2d(5)),
        (nn.LayerNorm((2, 3)), torch.nn.LayerNorm((2, 3))),
        (nn.Embedding(7, 2, padding_idx=0), torch.nn.Embedding(7, 2, padding_idx=0)),
        (nn.MultiheadAttention(8, 2), torch.nn.MultiheadAttention(8, 2)),
        (nn.TransformerEncoderLayer(8, 2, 16), torch.nn.TransformerEncoderLayer(8, 2, 16)),
    ]
    for ours, theirs in pairs:
        expected = {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
        assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == expected


def test_linear_matches_torch():
    check(nn.Linear(5, 3), torch.nn.Linear(5, 3), [floats(4, 2, 5)])


@pytest.mark.parametrize("kwargs", [dict(), dict(stride=2, padding=1),
                                    dict(dilation=2, padding=(2, 1)),
                                    dict(groups=2, stride=(2, 1), padding="valid"),
                                    dict(padding="same", dilation=(1, 2))])
def test_conv2d_matches_torch(kwargs):
    check(nn.Conv2d(4, 6, (3, 2), **kwargs), torch.nn.Conv2d(4, 6, (3, 2), **kwargs),
          [floats(2, 4, 7, 8)])


def test_pooling_matches_torch():
    x = floats(2, 3, 7, 9)
    for ours, theirs in [(nn.MaxPool2d(3, 2, 1, ceil_mode=True), torch.nn.MaxPool2d(3, 2, 1,
                                                                                  ceil_mode=True)),
                         (nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
                          torch.nn.AvgPool2d(3, 2, 1, ceil_mode=True,
                                             count_include_pad=False))]:
        check(ours, theirs, [x])


def test_batch_norm_eval_and_training_match_torch():
    theirs = randomise_torch(torch.nn.BatchNorm2d(3))
    theirs(torch.tensor(floats(8, 3, 4, 4)) * 2 + 1)  # gives the running stats values
    ours = nn.BatchNorm2d(3)
    check(ours.eval(), theirs.eval(), [floats(2, 3, 4, 4)])
    x = floats(4, 3, 2, 2)
    theirs.train()
    ours.train()
    ours.load_state_dict(numpy_state(theirs))
    assert_close(ours(tt.tensor(x)), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-4,
                 atol=1e-5)
    assert_close(ours.running_var, theirs.running_var.numpy(), rtol=1e-5, atol=1e-6)
    assert int(ours.num_batches_tracked.item()) == int(theirs.num_batches_tracked)
    check(nn.BatchNorm1d(3), randomise_torch(torch.nn.BatchNorm1d(3)), [floats(5, 3, 2)])


def test_layer_norm_and_embedding_match_torch():
    check(nn.LayerNorm(6), randomise_torch(torch.nn.LayerNorm(6)), [floats(3, 4, 6)])
    check(nn.Embedding(9, 4, padding_idx=2), torch.nn.Embedding(9, 4, padding_idx=2),
          [np.array([[2, 5, 5], [8, 0, 2]])])


@pytest.mark.parametrize("batch_first", [True, False])
def test_multihead_attention_matches_torch(batch_first):
    theirs = randomise_torch(torch.nn.MultiheadAttention(8, 2, batch_first=batch_first))
    ours = nn.MultiheadAttention(8, 2, batch_first=batch_first)
    shape = (2, 5, 8) if batch_first else (5, 2, 8)
    check(ours, theirs, [floats(*shape), floats(*shape), floats(*shape)])
    x = torch.tensor(floats(*shape))
    padding = np.zeros((2, 5), bool)
    padding[0, 3:] = True
    expected, weights = theirs(x, x, x, key_padding_mask=torch.tensor(padding))
    got, got_weights = ours(tt.tensor(x.numpy()), tt.tensor(x.numpy()), tt.tensor(x.numpy()),
                            key_padding_mask=tt.tensor(padding))
    assert_close(got, expected.detach().numpy(), rtol=1e-5, atol=1e-5)
    assert_close(got_weights, weights.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("norm_first", [True, False])
def test_transformer_encoder_layer_matches_torch(norm_first):
    kwargs = dict(dim_feedforward=16, dropout=0.0, batch_first=True, norm_first=norm_first,
                  activation="gelu")
    theirs = randomise_torch(torch.nn.TransformerEncoderLayer(8, 2, **kwargs))
    ours = nn.TransformerEncoderLayer(8, 2, **kwargs)
    check(ours, theirs, [floats(2, 5, 8)], atol=1e-4)
    mask = torch.nn.Transformer.generate_square_subsequent_mask(5)
    x = floats(2, 5, 8)
    expected = theirs(torch.tensor(x), src_mask=mask, is_causal=True)
    assert_close(ours(tt.tensor(x), src_mask=tt.tensor(mask.numpy()), is_causal=True),
                 expected.detach().numpy(), rtol=1e-4, atol=1e-4)


def test_losses_match_torch():
    logits, target = floats(6, 4) * 3, RNG.integers(0, 4, 6)
    target[1] = -100
    weight = np.abs(floats(4)) + 0.5
    for kwargs in (dict(), dict(label_smoothing=0.2, weight=weight, reduction="sum")):
        expected = torch.nn.functional.cross_entropy(
            torch.tensor(logits), torch.tensor(target),
            **{k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()})
        got = F.cross_entropy(tt.tensor(logits), tt.tensor(target),
                              **{k: tt.tensor(v) if isinstance(v, np.ndarray) else v
                                 for k, v in kwargs.items()})
        assert_close(got, expected.numpy(), rtol=1e-5, atol=1e-5)
    probs, labels = floats(3, 2), (RNG.random((3, 2)) > 0.5).astype(np.float32)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        torch.tensor(probs * 50), torch.tensor(labels), pos_weight=torch.tensor([2.0, 0.5]))
    got = F.binary_cross_entropy_with_logits(tt.tensor(probs * 50), tt.tensor(labels),
                                             pos_weight=tt.tensor([2.0, 0.5]))
    assert_close(got, expected.numpy(), rtol=1e-5, atol=1e-5)


def test_a_few_training_steps_match_torch():
    """Same CNN, same data, same SGD updates: parameters stay equal step after step."""
    def build(lib):
        return lib.Sequential(lib.Conv2d(1, 4, 3, padding=1), lib.ReLU(), lib.MaxPool2d(2),
                              lib.Conv2d(4, 8, 3, padding=1), lib.BatchNorm2d(8), lib.ReLU(),
                              lib.MaxPool2d(2), lib.Flatten(), lib.Linear(8 * 2 * 2, 10))

    theirs, ours = build(torch.nn), build(nn)
    ours.load_state_dict(numpy_state(theirs))
    images, labels = floats(16, 1, 8, 8), RNG.integers(0, 10, 16)
    for _ in range(3):
        t_loss = torch.nn.functional.cross_entropy(theirs(torch.tensor(images)),
                                                   torch.tensor(labels))
        o_loss = F.cross_entropy(ours(tt.tensor(images)), tt.tensor(labels))
        assert o_loss.item() == pytest.approx(t_loss.item(), rel=1e-4)
        theirs.zero_grad()
        ours.zero_grad()
        t_loss.backward()
        o_loss.backward()
        with torch.no_grad():
            for p in theirs.parameters():
                p -= 0.1 * p.grad
        with tt.no_grad():
            for p in ours.parameters():
                p.sub_(p.grad * 0.1)
    for name, value in numpy_state(theirs).items():
        assert_close(ours.state_dict()[name], value, rtol=1e-4, atol=1e-5)
