"""MultiheadAttention: several attention heads over learned projections of query, key and value.

For inputs (N, L, E) (batch_first=True) or (L, N, E) (PyTorch's default):
q, k, v = the input projections (one (3E, E) matrix, split in three), each
split into H heads of E/H features; every head computes
softmax(q k^T / sqrt(E/H) + mask) v; the heads are concatenated and passed
through out_proj. Parameter names and initialisation follow PyTorch, so a
torch.nn.MultiheadAttention state_dict loads as is: in_proj_weight (3E, E,
Xavier-uniform), in_proj_bias (3E, zeros), out_proj.weight (E, E),
out_proj.bias (zeros).

Masks follow PyTorch's conventions for this layer: a bool attn_mask or
key_padding_mask is True where attention is NOT allowed; a float mask is
added to the scores. attn_mask is (L, S) or (N * H, L, S); key_padding_mask
is (N, S). is_causal=True without an attn_mask builds the causal mask.
forward returns (output, weights) with the attention weights averaged over
heads (or per head with average_attn_weights=False), or None for weights
when need_weights=False (which takes the scaled_dot_product_attention path).

Assumes: key and value have embed_dim features (no kdim/vdim), no
add_bias_kv / add_zero_attn.
Production does instead: PyTorch supports those options, and in inference
mode may take a fused "fast path" (and FlashAttention-style kernels via
scaled_dot_product_attention).
"""

from __future__ import annotations

import math

from ..creation import empty, full
from ..ops import where
from . import functional as F
from . import init
from .arguments import probability, size
from .linear import Linear
from .module import Module
from .parameter import Parameter

__all__ = ["MultiheadAttention"]


class MultiheadAttention(Module):
    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim=None, vdim=None,
                 batch_first: bool = False, device=None, dtype=None):
        super().__init__()
        if add_bias_kv or add_zero_attn:
            raise NotImplementedError("MultiheadAttention: add_bias_kv and add_zero_attn are "
                                      "not supported in tinytorch")
        if kdim not in (None, embed_dim) or vdim not in (None, embed_dim):
            raise NotImplementedError("MultiheadAttention: kdim/vdim different from embed_dim "
                                      "are not supported; project key and value first")
        embed_dim = size("MultiheadAttention", "embed_dim", embed_dim)
        num_heads = size("MultiheadAttention", "num_heads", num_heads)
        probability("MultiheadAttention", "dropout", dropout)
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim ({embed_dim}) must be divisible by num_heads "
                             f"({num_heads})")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.kdim = self.vdim = embed_dim
        self.head_dim = embed_dim // num_heads
        self.dropout, self.batch_first = dropout, batch_first
        self.in_proj_weight = Parameter(empty(3 * embed_dim, embed_dim, device=device,
                                              dtype=dtype))
        if bias:
            self.in_proj_bias = Parameter(empty(3 * embed_dim, device=device, dtype=dtype))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, device=device, dtype=dtype)
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        init.xavier_uniform_(self.in_proj_weight)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
            init.zeros_(self.out_proj.bias)

    def forward(self, query, key, value, key_padding_mask=None, need_weights: bool = True,
                attn_mask=None, average_attn_weights: bool = True, is_causal: bool = False):
        batched = query.ndim == 3
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ValueError(f"MultiheadAttention expects query, key and value all 3-D (batched)"
                             f" or all 2-D (unbatched), got shapes {query.shape}, {key.shape}, "
                             f"{value.shape}")
        self_attention = query is key and key is value
        if not batched:
            query, key, value = query.unsqueeze(0), key.unsqueeze(0), value.unsqueeze(0)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif not self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        n, length, embed = query.shape
        if embed != self.embed_dim or key.shape[-1] != embed or value.shape[-1] != embed:
            raise RuntimeError(f"MultiheadAttention(embed_dim={self.embed_dim}) was given "
                               f"query/key/value with last dimensions {query.shape[-1]}, "
                               f"{key.shape[-1]}, {value.shape[-1]}")
        source = key.shape[1]
        q, k, v = self._project(query, key, value, self_attention)
        q, k, v = (self._split_heads(t) for t in (q, k, v))
        mask = self._combined_mask(attn_mask, key_padding_mask, is_causal, n, length, source,
                                   q.dtype, q.device)
        dropout_p = self.dropout if self.training else 0.0
        if need_weights:
            scores = (q * (1.0 / math.sqrt(self.head_dim))) @ k.mT
            if mask is not None:
                scores = scores + mask
            weights = F.dropout(F.softmax(scores, -1), dropout_p, True)
            out = weights @ v
        else:
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout_p)
            weights = None
        out = self.out_proj(out.transpose(1, 2).reshape(n, length, embed))
        if weights is not None and average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            return out[0], (None if weights is None else weights[0])
        if not self.batch_first:
            out = out.transpose(0, 1)
        return out, weights

    def _project(self, query, key, value, self_attention):
        e, w, b = self.embed_dim, self.in_proj_weight, self.in_proj_bias
        if self_attention:  # one matrix product for all three
            qkv = F.linear(query, w, b)
            return qkv[..., :e], qkv[..., e:2 * e], qkv[..., 2 * e:]
        parts = [(w[i * e:(i + 1) * e], None if b is None else b[i * e:(i + 1) * e])
                 for i in range(3)]
        return tuple(F.linear(t, weight, bias) for t, (weight, bias)
                     in zip((query, key, value), parts))

    def _split_heads(self, t):
        """(N, L, E) -> (N, H, L, E/H)."""
        n, length, _ = t.shape
        return t.reshape(n, length, self.num_heads, self.head_dim).transpose(1, 2)

    def _combined_mask(self, attn_mask, key_padding_mask, is_causal, n, length, source, dtype,
                       device):
        """One float mask broadcastable to (N, H, L, S), or None."""
        if attn_mask is None and is_causal:
            attn_mask = ~F.causal_mask(length, source, device)
        mask = None
        if attn_mask is not None:
            mask = _additive(attn_mask, dtype)
            if tuple(mask.shape) == (n * self.num_heads, length, source):
                mask = mask.reshape(n, self.num_heads, length, source)
            elif tuple(mask.shape) != (length, source):
                raise RuntimeError(f"attn_mask should have shape ({length}, {source}) or "
                                   f"({n * self.num_heads}, {length}, {source}), got "
                                   f"{tuple(attn_mask.shape)}")
        if key_padding_mask is not None:
            if tuple(key_padding_mask.shape) != (n, source):
                raise RuntimeError(f"key_padding_mask should have shape ({n}, {source}) "
                                   f"(batch, source length), got "
                                   f"{tuple(key_padding_mask.shape)}")
            padding = _additive(key_padding_mask, dtype).reshape(n, 1, 1, source)
            mask = padding if mask is None else mask + padding
        return mask

    def extra_repr(self) -> str:
        return (f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, "
                f"dropout={self.dropout}, batch_first={self.batch_first}")


def _additive(mask, dtype):
    """A float mask to add to the scores: bool True (blocked) becomes -inf, False 0."""
    if mask.dtype == "bool":
        return where(mask, full((), -math.inf, dtype=dtype, device=mask.device), 0.0)
    return mask.to(dtype)
