"""Attention: scaled_dot_product_attention, MultiheadAttention and the transformer encoder layer
against NumPy references, with gradients checked by gradcheck."""

import math

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn as nn
import tinytorch.nn.functional as F
from tinytorch.testing import assert_close, gradcheck

RNG = np.random.default_rng(2)


def np_softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def np_attention(q, k, v, additive=None):
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    if additive is not None:
        scores = scores + additive
    weights = np_softmax(scores)
    return weights @ v, weights


def np_mha(module, query, key, value, additive=None):
    """MultiheadAttention from the definition, for batch-first (N, L, E) inputs."""
    e, h = module.embed_dim, module.num_heads
    w = module.in_proj_weight.detach().numpy()
    b = module.in_proj_bias.detach().numpy()
    projected = [x @ w[i * e:(i + 1) * e].T + b[i * e:(i + 1) * e]
                 for i, x in enumerate((query, key, value))]
    q, k, v = (p.reshape(p.shape[0], p.shape[1], h, e // h).transpose(0, 2, 1, 3)
               for p in projected)
    out, weights = np_attention(q, k, v, additive)
    out = out.transpose(0, 2, 1, 3).reshape(query.shape[0], query.shape[1], e)
    out = out @ module.out_proj.weight.detach().numpy().T + module.out_proj.bias.detach().numpy()
    return out, weights


def np_layer_norm(x, module):
    mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + module.eps) * module.weight.detach().numpy() + \
        module.bias.detach().numpy()


def randomise(module):
    """Give every parameter random values (biases start at zero otherwise)."""
    with tt.no_grad():
        for p in module.parameters():
            p.copy_(tt.tensor(RNG.standard_normal(p.shape) * 0.5, dtype=p.dtype))
    return module


# ---- scaled_dot_product_attention ------------------------------------------------------------

def test_sdpa_matches_numpy_with_masks_and_causal():
    q, k, v = (RNG.standard_normal(s) for s in ((2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 2)))
    expected, _ = np_attention(q, k, v)
    assert_close(F.scaled_dot_product_attention(tt.tensor(q), tt.tensor(k), tt.tensor(v)),
                 expected)
    allowed = RNG.random((4, 6)) > 0.4
    allowed[:, 0] = True
    expected, _ = np_attention(q, k, v, np.where(allowed, 0.0, -np.inf))
    got = F.scaled_dot_product_attention(tt.tensor(q), tt.tensor(k), tt.tensor(v),
                                         attn_mask=tt.tensor(allowed))
    assert_close(got, expected)
    bias = RNG.standard_normal((4, 6))
    expected, _ = np_attention(q, k, v, bias)
    assert_close(F.scaled_dot_product_attention(tt.tensor(q), tt.tensor(k), tt.tensor(v),
                                                attn_mask=tt.tensor(bias)), expected)
    square_k, square_v = k[:, :, :4], v[:, :, :4]
    causal = np.where(np.tril(np.ones((4, 4))) > 0, 0.0, -np.inf)
    expected, _ = np_attention(q, square_k, square_v, causal)
    assert_close(F.scaled_dot_product_attention(tt.tensor(q), tt.tensor(square_k),
                                                tt.tensor(square_v), is_causal=True), expected)
    expected, _ = np_attention(q * math.sqrt(5) * 0.1, k, v)  # explicit scale 0.1
    assert_close(F.scaled_dot_product_attention(tt.tensor(q), tt.tensor(k), tt.tensor(v),
                                                scale=0.1), expected)


def test_sdpa_gradcheck_and_errors():
    q, k, v = (tt.tensor(RNG.standard_normal(s), requires_grad=True)
               for s in ((2, 3, 4), (2, 5, 4), (2, 5, 3)))
    mask = tt.tensor(RNG.random((3, 5)) > 0.3) | tt.tensor([[True] + [False] * 4] * 3)
    assert gradcheck(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask),
                     (q, k, v))
    with pytest.raises(RuntimeError, match="same last dimension"):
        F.scaled_dot_product_attention(q, v, v)
    with pytest.raises(RuntimeError, match="either attn_mask or is_causal"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=True)


# ---- MultiheadAttention ----------------------------------------------------------------------

def test_multihead_attention_parameters_follow_pytorch():
    mha = nn.MultiheadAttention(8, 2)
    assert [(n, p.shape) for n, p in mha.named_parameters()] == [
        ("in_proj_weight", (24, 8)), ("in_proj_bias", (24,)),
        ("out_proj.weight", (8, 8)), ("out_proj.bias", (8,))]
    assert not mha.in_proj_bias.detach().numpy().any()
    bound = math.sqrt(6 / (24 + 8))  # Xavier-uniform over the (3E, E) matrix
    assert np.abs(mha.in_proj_weight.detach().numpy()).max() <= bound
    with pytest.raises(ValueError, match="divisible by num_heads"):
        nn.MultiheadAttention(8, 3)


@pytest.mark.parametrize("batch_first", [True, False])
def test_multihead_attention_matches_numpy(batch_first):
    mha = randomise(nn.MultiheadAttention(6, 3, batch_first=batch_first).double())
    query, key = RNG.standard_normal((2, 4, 6)), RNG.standard_normal((2, 5, 6))
    value = RNG.standard_normal((2, 5, 6))
    padding = np.zeros((2, 5), bool)
    padding[1, 3:] = True
    blocked = RNG.random((4, 5)) > 0.7
    blocked[:, 0] = False
    additive = np.where(blocked, -np.inf, 0.0)[None, None] + \
        np.where(padding, -np.inf, 0.0)[:, None, None, :]
    expected, weights = np_mha(mha, query, key, value, additive)

    def arrange(x):
        return tt.tensor(x if batch_first else x.transpose(1, 0, 2))

    out, got_weights = mha(arrange(query), arrange(key), arrange(value),
                           key_padding_mask=tt.tensor(padding), attn_mask=tt.tensor(blocked))
    assert_close(out, expected if batch_first else expected.transpose(1, 0, 2))
    assert_close(got_weights, weights.mean(1))
    _, per_head = mha(arrange(query), arrange(key), arrange(value),
                      key_padding_mask=tt.tensor(padding), attn_mask=tt.tensor(blocked),
                      average_attn_weights=False)
    assert_close(per_head, weights)
    fast, none = mha(arrange(query), arrange(key), arrange(value), need_weights=False,
                     key_padding_mask=tt.tensor(padding), attn_mask=tt.tensor(blocked))
    assert none is None
    assert_close(fast, out)


def test_multihead_self_attention_causal_unbatched_and_float_masks():
    mha = randomise(nn.MultiheadAttention(4, 2, batch_first=True).double())
    x = RNG.standard_normal((1, 3, 4))
    causal = np.where(np.triu(np.ones((3, 3)), 1) > 0, -np.inf, 0.0)
    expected, _ = np_mha(mha, x, x, x, causal)
    t = tt.tensor(x)
    assert_close(mha(t, t, t, is_causal=True)[0], expected)
    assert_close(mha(t, t, t, attn_mask=tt.tensor(causal))[0], expected)
    per_head = np.stack([causal, np.zeros((3, 3))])  # (N * H, L, S) with N = 1
    expected_heads, _ = np_mha(mha, x, x, x, per_head[None])
    assert_close(mha(t, t, t, attn_mask=tt.tensor(per_head))[0], expected_heads)
    single, weights = mha(t[0], t[0], t[0])
    assert single.shape == (3, 4) and weights.shape == (3, 3)
    assert_close(single, np_mha(mha, x, x, x)[0][0])
    with pytest.raises(RuntimeError, match="attn_mask should have shape"):
        mha(t, t, t, attn_mask=tt.zeros(2, 2, dtype="float64"))
    with pytest.raises(RuntimeError, match="key_padding_mask should have shape"):
        mha(t, t, t, key_padding_mask=tt.zeros(1, 2, dtype="bool"))


def test_multihead_attention_gradcheck():
    mha = randomise(nn.MultiheadAttention(4, 2, batch_first=True).double())
    x = tt.tensor(RNG.standard_normal((2, 3, 4)), requires_grad=True)
    assert gradcheck(lambda x: mha(x, x, x, is_causal=True)[0], (x,))
    names = [name for name, _ in mha.named_parameters()]

    def with_params(*values):
        for name, value in zip(names, values):
            module, _, attr = name.rpartition(".")
            target = mha.get_submodule(module)
            target._parameters[attr] = value
        return mha(x.detach(), x.detach(), x.detach())[0]

    params = [p.detach().clone().requires_grad_() for p in mha.parameters()]
    assert gradcheck(with_params, tuple(params))


# ---- transformer encoder ---------------------------------------------------------------------

def np_encoder_layer(layer, x, additive=None):
    def attention(y):
        return np_mha(layer.self_attn, y, y, y, additive)[0]

    def feed_forward(y):
        hidden = np.maximum(y @ layer.linear1.weight.detach().numpy().T
                            + layer.linear1.bias.detach().numpy(), 0)
        return hidden @ layer.linear2.weight.detach().numpy().T + \
            layer.linear2.bias.detach().numpy()

    if layer.norm_first:
        x = x + attention(np_layer_norm(x, layer.norm1))
        return x + feed_forward(np_layer_norm(x, layer.norm2))
    x = np_layer_norm(x + attention(x), layer.norm1)
    return np_layer_norm(x + feed_forward(x), layer.norm2)


@pytest.mark.parametrize("norm_first", [True, False])
def test_transformer_encoder_layer_matches_numpy(norm_first):
    layer = randomise(nn.TransformerEncoderLayer(6, 2, dim_feedforward=10, dropout=0.1,
                                                 batch_first=True,
                                                 norm_first=norm_first).double()).eval()
    x = RNG.standard_normal((2, 4, 6))
    assert_close(layer(tt.tensor(x)), np_encoder_layer(layer, x))
    causal = np.where(np.triu(np.ones((4, 4)), 1) > 0, -np.inf, 0.0)
    assert_close(layer(tt.tensor(x), is_causal=True), np_encoder_layer(layer, x, causal))
    names = {name for name, _ in layer.named_parameters()}
    assert {"self_attn.in_proj_weight", "linear1.weight", "linear2.bias", "norm1.weight",
            "norm2.bias", "self_attn.out_proj.weight"} <= names


def test_transformer_encoder_stacks_independent_copies():
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True, norm_first=True)
    encoder = nn.TransformerEncoder(layer, num_layers=2, norm=nn.LayerNorm(4))
    assert encoder.layers[0].linear1.weight is not encoder.layers[1].linear1.weight
    keys = list(encoder.state_dict())
    assert "layers.1.self_attn.in_proj_weight" in keys and "norm.weight" in keys
    x = tt.randn(2, 3, 4)
    expected = encoder.norm(encoder.layers[1](encoder.layers[0](x)))
    assert_close(encoder(x), expected)


def test_transformer_layer_trains_on_every_device(device):
    tt.manual_seed(4)
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=True)
    x = tt.randn(2, 3, 4)
    padding = tt.tensor([[False, False, True], [False, False, False]])
    expected = layer(x, src_key_padding_mask=padding)
    expected.sum().backward()
    grads = [p.grad for p in layer.parameters()]
    layer.zero_grad()
    layer.to(device)
    out = layer(x.to(device), src_key_padding_mask=padding.to(device))
    assert out.device == device
    assert_close(out, expected, rtol=1e-5, atol=1e-5)
    out.sum().backward()
    for p, g in zip(layer.parameters(), grads):
        assert_close(p.grad, g, rtol=1e-4, atol=1e-5)
