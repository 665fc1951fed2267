"""TransformerEncoderLayer (self-attention + feed-forward, each with a residual connection and
LayerNorm) and TransformerEncoder (a stack of such layers).

Pre-norm (norm_first=True, the usual choice today) and post-norm
(norm_first=False, PyTorch's default and the original paper's) compute:

    pre-norm:  x = x + SA(norm1(x));  x = x + FF(norm2(x))
    post-norm: x = norm1(x + SA(x));  x = norm2(x + FF(x))

with SA = dropout1(self_attn(x, x, x)) and FF = dropout2(linear2(dropout(
activation(linear1(x))))). The sub-module names (self_attn, linear1,
dropout, linear2, norm1, norm2, dropout1, dropout2) are PyTorch's, so
state_dicts of torch.nn.TransformerEncoderLayer load one to one.

Assumes: activation is "relu", "gelu" or a callable; masks are passed to
MultiheadAttention (bool True = blocked, float = added).
Production does instead: PyTorch's encoder layer may run a fused "fast
path" kernel in inference and supports nested tensors for padded batches.
"""

from __future__ import annotations

import copy

from . import functional as F
from .attention import MultiheadAttention
from .containers import ModuleList
from .dropout import Dropout
from .linear import Linear
from .module import Module
from .normalization import LayerNorm

__all__ = ["TransformerEncoderLayer", "TransformerEncoder"]


class TransformerEncoderLayer(Module):
    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation="relu", layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device=None, dtype=None):
        super().__init__()
        options = {"device": device, "dtype": dtype}
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                            batch_first=batch_first, **options)
        self.linear1 = Linear(d_model, dim_feedforward, bias=bias, **options)
        self.dropout = Dropout(dropout)
        self.linear2 = Linear(dim_feedforward, d_model, bias=bias, **options)
        self.norm_first = norm_first
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **options)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, **options)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        if activation == "relu":
            self.activation = F.relu
        elif activation == "gelu":
            self.activation = F.gelu
        elif callable(activation):
            self.activation = activation
        else:
            raise ValueError(f"activation should be 'relu', 'gelu' or a callable, got "
                             f"{activation!r}")

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal: bool = False):
        x = src
        if self.norm_first:
            x = x + self._attention(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._feed_forward(self.norm2(x))
        else:
            x = self.norm1(x + self._attention(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._feed_forward(x))
        return x

    def _attention(self, x, mask, key_padding_mask, is_causal):
        out = self.self_attn(x, x, x, attn_mask=mask, key_padding_mask=key_padding_mask,
                             need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(out)

    def _feed_forward(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerEncoder(Module):
    """`num_layers` independent copies of `encoder_layer` applied in turn, then `norm` if given.

    State-dict names: layers.0.self_attn.in_proj_weight, ..., norm.weight (as in PyTorch).
    """

    def __init__(self, encoder_layer: TransformerEncoderLayer, num_layers: int, norm=None,
                 enable_nested_tensor: bool = True, mask_check: bool = True):
        super().__init__()  # the last two options exist for PyTorch compatibility only
        self.layers = ModuleList([copy.deepcopy(encoder_layer) for _ in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal: bool = False):
        x = src
        for layer in self.layers:
            x = layer(x, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                      is_causal=is_causal)
        return x if self.norm is None else self.norm(x)
