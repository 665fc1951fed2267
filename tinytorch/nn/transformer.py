"""TransformerEncoderLayer (self-attention + feed-forward, each with a residual connection and
LayerNorm), TransformerEncoder (a stack of such layers), their decoder counterparts
(self-attention, cross-attention to the encoder's output, feed-forward) and nn.Transformer.

Pre-norm (norm_first=True, the usual choice today) and post-norm
(norm_first=False, PyTorch's default and the original paper's) compute:

    pre-norm:  x = x + SA(norm1(x));  x = x + FF(norm2(x))
    post-norm: x = norm1(x + SA(x));  x = norm2(x + FF(x))

with SA = dropout1(self_attn(x, x, x)) and FF = dropout2(linear2(dropout(
activation(linear1(x))))). The sub-module names (self_attn, linear1,
dropout, linear2, norm1, norm2, dropout1, dropout2) are PyTorch's, so
state_dicts of torch.nn.TransformerEncoderLayer load one to one. A decoder
layer adds cross-attention (multihead_attn, norm2, dropout2) between the
two, with the feed-forward's norm and dropout becoming norm3 and dropout3,
as in PyTorch; `Transformer` is an encoder and a decoder stack, each ending
in a LayerNorm, with xavier-uniform matrices as PyTorch initialises them.

Assumes: activation is "relu", "gelu" or a callable; masks are passed to
MultiheadAttention (bool True = blocked, float = added).
Production does instead: PyTorch's encoder layer may run a fused "fast
path" kernel in inference and supports nested tensors for padded batches.
"""

from __future__ import annotations

import copy

from ..creation import full
from ..ops import triu
from . import functional as F
from . import init
from .arguments import module, number, probability, size
from .attention import MultiheadAttention
from .containers import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = ["TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer",
           "TransformerDecoder", "Transformer"]


class _TransformerLayer(Module):
    """What encoder and decoder layers share: PyTorch's constructor and sub-module names (in
    PyTorch's order, so state_dicts load one to one). `_blocks` is 2 for an encoder layer and
    3 for a decoder layer, whose extra block is cross-attention (multihead_attn)."""

    _blocks = 2

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation="relu", layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device=None, dtype=None):
        super().__init__()
        owner = type(self).__name__
        for name, value in (("d_model", d_model), ("nhead", nhead),
                            ("dim_feedforward", dim_feedforward)):
            size(owner, name, value)
        probability(owner, "dropout", dropout)
        number(owner, "layer_norm_eps", layer_norm_eps)
        options = {"device": device, "dtype": dtype}

        def attention():
            return MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                      batch_first=batch_first, **options)
        self.self_attn = attention()
        if self._blocks == 3:
            self.multihead_attn = attention()
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **options)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **options)
        self.norm_first = norm_first
        for i in range(1, self._blocks + 1):
            setattr(self, f"norm{i}", LayerNorm(d_model, eps=layer_norm_eps, bias=bias,
                                                **options))
        for i in range(1, self._blocks + 1):
            setattr(self, f"dropout{i}", Dropout(dropout))
        self.activation = _activation(activation)

    def _attention(self, x, mask, key_padding_mask, is_causal):  # self-attention, dropout1
        out = self.self_attn(x, x, x, attn_mask=mask, key_padding_mask=key_padding_mask,
                             need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(out)

    def _feed_forward(self, x):  # the last block's dropout: dropout2 (encoder), dropout3
        last_dropout = getattr(self, f"dropout{self._blocks}")
        return last_dropout(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoderLayer(_TransformerLayer):
    """Self-attention, then feed-forward, each a residual block with its LayerNorm."""

    _blocks = 2

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal: bool = False):
        x = src
        if self.norm_first:
            x = x + self._attention(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._feed_forward(self.norm2(x))
        else:
            x = self.norm1(x + self._attention(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._feed_forward(x))
        return x


class TransformerEncoder(Module):
    """`num_layers` independent copies of `encoder_layer` applied in turn, then `norm` if given.

    State-dict names: layers.0.self_attn.in_proj_weight, ..., norm.weight (as in PyTorch).
    """

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int, norm=None,
                 enable_nested_tensor: bool = True, mask_check: bool = True):
        super().__init__()  # the last two options exist for PyTorch compatibility only
        module("TransformerEncoder", "encoder_layer", encoder_layer)
        num_layers = size("TransformerEncoder", "num_layers", num_layers, minimum=0)
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal: bool = False):
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                      is_causal=is_causal)
        return x if self.norm is None else self.norm(x)


def _activation(activation):
    if activation == "relu":
        return F.relu
    if activation == "gelu":
        return F.gelu
    if callable(activation):
        return activation
    raise ValueError(f"activation should be 'relu', 'gelu' or a callable, got {activation!r}")


class TransformerDecoderLayer(_TransformerLayer):
    """Self-attention on the target, attention to the encoder's `memory`, then feed-forward."""

    _blocks = 3

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal: bool = False,
                memory_is_causal: bool = False):
        x = tgt
        if self.norm_first:
            x = x + self._attention(self.norm1(x), tgt_mask, tgt_key_padding_mask,
                                     tgt_is_causal)
            x = x + self._cross_block(self.norm2(x), memory, memory_mask,
                                      memory_key_padding_mask, memory_is_causal)
            x = x + self._feed_forward(self.norm3(x))
        else:
            x = self.norm1(x + self._attention(x, tgt_mask, tgt_key_padding_mask,
                                                tgt_is_causal))
            x = self.norm2(x + self._cross_block(x, memory, memory_mask,
                                                 memory_key_padding_mask, memory_is_causal))
            x = self.norm3(x + self._feed_forward(x))
        return x

    def _cross_block(self, x, memory, mask, key_padding_mask, is_causal):
        out = self.multihead_attn(x, memory, memory, attn_mask=mask,
                                  key_padding_mask=key_padding_mask, need_weights=False,
                                  is_causal=is_causal)[0]
        return self.dropout2(out)


class TransformerDecoder(Module):
    """`num_layers` independent copies of `decoder_layer` applied in turn, then `norm` if given."""

    def __init__(self, decoder_layer: TransformerDecoderLayer, num_layers: int, norm=None):
        super().__init__()
        module("TransformerDecoder", "decoder_layer", decoder_layer)
        num_layers = size("TransformerDecoder", "num_layers", num_layers, minimum=0)
        self.layers = ModuleList([copy.deepcopy(decoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, tgt_is_causal: bool = False,
                memory_is_causal: bool = False):
        x = tgt
        for layer in self.layers:
            x = layer(x, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                      tgt_key_padding_mask=tgt_key_padding_mask,
                      memory_key_padding_mask=memory_key_padding_mask,
                      tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        return x if self.norm is None else self.norm(x)


class Transformer(Module):
    """The encoder-decoder transformer of "Attention Is All You Need", with PyTorch's names."""

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation="relu", custom_encoder=None, custom_decoder=None,
                 layer_norm_eps: float = 1e-5, batch_first: bool = False,
                 norm_first: bool = False, bias: bool = True, device=None, dtype=None):
        super().__init__()
        for name, value in (("d_model", d_model), ("nhead", nhead)):
            size("Transformer", name, value)
        for name, value in (("num_encoder_layers", num_encoder_layers),
                            ("num_decoder_layers", num_decoder_layers)):
            size("Transformer", name, value, minimum=0)
        options = dict(dim_feedforward=dim_feedforward, dropout=dropout, activation=activation,
                       layer_norm_eps=layer_norm_eps, batch_first=batch_first,
                       norm_first=norm_first, bias=bias, device=device, dtype=dtype)
        norm = dict(eps=layer_norm_eps, bias=bias, device=device, dtype=dtype)
        self.encoder = custom_encoder or TransformerEncoder(
            TransformerEncoderLayer(d_model, nhead, **options), num_encoder_layers,
            LayerNorm(d_model, **norm))
        self.decoder = custom_decoder or TransformerDecoder(
            TransformerDecoderLayer(d_model, nhead, **options), num_decoder_layers,
            LayerNorm(d_model, **norm))
        self.d_model, self.nhead, self.batch_first = d_model, nhead, batch_first
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)

    def forward(self, src, tgt, src_mask=None, tgt_mask=None, memory_mask=None,
                src_key_padding_mask=None, tgt_key_padding_mask=None,
                memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None,
                memory_is_causal: bool = False):
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise RuntimeError(f"the feature number of src and tgt must be equal to d_model "
                               f"({self.d_model}), got {src.shape[-1]} and {tgt.shape[-1]}")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=bool(src_is_causal))
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=bool(tgt_is_causal),
                            memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device=None, dtype=None):
        """A (sz, sz) float mask: 0 where position i may attend to j (j <= i), -inf above."""
        return triu(full((sz, sz), float("-inf"), device=device, dtype=dtype), 1)
