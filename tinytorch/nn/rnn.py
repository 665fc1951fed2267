"""Recurrent layers: RNN, LSTM and GRU (stacked, optionally bidirectional) and their cells.

What it does: a layer runs its cell over the sequence one step at a time,
layer after layer, and returns every step's top-layer output plus the last
hidden state of each layer and direction. Per step, with W_ih, W_hh, b_ih,
b_hh the layer's parameters and gates stacked in PyTorch's order:

    RNN:  h = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)     (or relu)
    LSTM: i, f, g, o = split(x W_ih^T + b_ih + h W_hh^T + b_hh)
          c = sigmoid(f) * c + sigmoid(i) * tanh(g);  h = sigmoid(o) * tanh(c)
    GRU:  r, z, n from x W_ih^T + b_ih and h W_hh^T + b_hh, split in three;
          r = sigmoid(x_r + h_r); z = sigmoid(x_z + h_z); n = tanh(x_n + r * h_n)
          h = (1 - z) * n + z * h

The input projection of all steps is one matmul before the loop; only the
hidden-to-hidden product runs per step. Parameter names and shapes
(weight_ih_l0, weight_hh_l0_reverse, bias_ih_l1, ...), initialisation
(uniform in ±1/sqrt(hidden_size)), argument order, batch_first and the
shapes of outputs and states are PyTorch's, so PyTorch state dicts load
and the same weights give the same outputs.

Assumes: gradients come from autograd through the unrolled steps (no
fused backward); `proj_size` (LSTM projections) and packed sequences are
not supported and raise.
Production does instead: PyTorch runs the whole recurrence in one fused
kernel (cuDNN on NVIDIA GPUs), accepts PackedSequence for padded batches of
different lengths, and flattens weights into one buffer for speed.
"""

from __future__ import annotations

import math

from ..creation import empty, zeros
from ..ops import cat, flip, sigmoid, stack, tanh
from . import functional as F
from . import init
from .arguments import probability, size
from .module import Module
from .parameter import Parameter

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _rnn_step(mode):
    act = F.relu if mode == "RNN_RELU" else tanh

    def step(x_proj, state, w_hh, b_hh):
        h_proj = F.linear(state, w_hh, b_hh)
        return act(x_proj + h_proj)
    return step


def _lstm_step(x_proj, state, w_hh, b_hh):
    h, c = state
    i, f, g, o = (x_proj + F.linear(h, w_hh, b_hh)).chunk(4, -1)
    c = sigmoid(f) * c + sigmoid(i) * tanh(g)
    return sigmoid(o) * tanh(c), c


def _gru_step(x_proj, state, w_hh, b_hh):
    x_r, x_z, x_n = x_proj.chunk(3, -1)
    h_r, h_z, h_n = F.linear(state, w_hh, b_hh).chunk(3, -1)
    r = sigmoid(x_r + h_r)
    z = sigmoid(x_z + h_z)
    n = tanh(x_n + r * h_n)
    return (1 - z) * n + z * state


def _step_for(mode):
    return {"LSTM": _lstm_step, "GRU": _gru_step}.get(mode) or _rnn_step(mode)


class RNNBase(Module):
    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None, dtype=None):
        super().__init__()
        if proj_size:
            raise ValueError("LSTM(proj_size=...) is not supported by tinytorch; leave "
                             "proj_size=0 and add a Linear layer after the LSTM instead")
        owner = type(self).__name__
        input_size = size(owner, "input_size", input_size, minimum=0)
        hidden_size = size(owner, "hidden_size", hidden_size)
        num_layers = size(owner, "num_layers", num_layers)
        probability(owner, "dropout", dropout)
        self.mode, self.input_size, self.hidden_size = mode, input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, 0
        gate_size = _GATES[mode] * hidden_size
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            for direction in range(directions):
                suffix = f"_l{layer}" + ("_reverse" if direction else "")
                layer_input = input_size if layer == 0 else hidden_size * directions
                shapes = {"weight_ih": (gate_size, layer_input),
                          "weight_hh": (gate_size, hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                for name, shape in shapes.items():
                    setattr(self, name + suffix,
                            Parameter(empty(*shape, device=device, dtype=dtype)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def _weights(self, layer: int, direction: int):
        suffix = f"_l{layer}" + ("_reverse" if direction else "")
        get = lambda name: getattr(self, name + suffix, None)  # noqa: E731
        return get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh")

    def forward(self, input, hx=None):  # noqa: A002 - PyTorch's parameter name
        if input.ndim not in (2, 3):
            raise ValueError(f"{type(self).__name__}: expected input of 2 (unbatched) or 3 "
                             f"dimensions, got shape {list(input.shape)}")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"{type(self).__name__}: input.size(-1) must be equal to "
                               f"input_size. Expected {self.input_size}, got {input.shape[-1]}")
        batched = input.ndim == 3
        x = input if batched else input.unsqueeze(1)
        if self.batch_first and batched:
            x = x.transpose(0, 1)  # the loop runs over the first dimension: (L, N, H)
        directions = 2 if self.bidirectional else 1
        count = self.num_layers * directions
        states = self._initial_states(hx, x, count, batched)
        step = _step_for(self.mode)
        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                state = (tuple(s[index] for s in states) if self.mode == "LSTM"
                         else states[index])
                seq, last = self._run_direction(x, state, layer, direction, step)
                outputs.append(seq)
                finals.append(last)
            x = outputs[0] if directions == 1 else cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)
        if self.mode == "LSTM":
            h_n = stack([h for h, _ in finals])
            c_n = stack([c for _, c in finals])
            hidden = (h_n, c_n) if batched else (h_n.squeeze(1), c_n.squeeze(1))
        else:
            h_n = stack(finals)
            hidden = h_n if batched else h_n.squeeze(1)
        out = x if batched else x.squeeze(1)
        if self.batch_first and batched:
            out = out.transpose(0, 1)
        return out, hidden

    def _initial_states(self, hx, x, count, batched):
        shape = (count, x.shape[1], self.hidden_size)
        if hx is None:
            h0 = zeros(*shape, dtype=x.dtype, device=x.device)
            return (h0, h0) if self.mode == "LSTM" else h0
        parts = hx if self.mode == "LSTM" else (hx,)
        if self.mode == "LSTM" and (not isinstance(hx, tuple) or len(hx) != 2):
            raise TypeError("LSTM expects hx as a tuple (h_0, c_0)")
        fixed = []
        for part in parts:
            part = part if batched else part.unsqueeze(1)
            if tuple(part.shape) != shape:
                raise RuntimeError(f"Expected hidden size {list(shape)}, got "
                                   f"{list(part.shape)}")
            fixed.append(part)
        return tuple(fixed) if self.mode == "LSTM" else fixed[0]

    def _run_direction(self, x, state, layer, direction, step):
        w_ih, w_hh, b_ih, b_hh = self._weights(layer, direction)
        projected = F.linear(x, w_ih, b_ih)  # every step's input projection in one matmul
        steps = range(x.shape[0] - 1, -1, -1) if direction else range(x.shape[0])
        outputs = []
        for t in steps:
            state = step(projected[t], state, w_hh, b_hh)
            outputs.append(state[0] if self.mode == "LSTM" else state)
        seq = stack(outputs)
        if direction:
            seq = flip(seq, (0,))
        return seq, state

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        if self.num_layers != 1:
            text += f", num_layers={self.num_layers}"
        if self.batch_first:
            text += ", batch_first=True"
        if self.bidirectional:
            text += ", bidirectional=True"
        return text


class RNN(RNNBase):
    """Elman RNN with tanh (default) or relu: h_t = act(x_t W_ih^T + b_ih + h W_hh^T + b_hh)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             f"'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         device=device, dtype=dtype)
        self.nonlinearity = nonlinearity


class LSTM(RNNBase):
    """Long short-term memory; returns (output, (h_n, c_n))."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None, dtype=None):
        super().__init__("LSTM", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, proj_size, device=device, dtype=dtype)


class GRU(RNNBase):
    """Gated recurrent unit; returns (output, h_n)."""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, device=None, dtype=None):
        super().__init__("GRU", input_size, hidden_size, num_layers, bias, batch_first,
                         dropout, bidirectional, device=device, dtype=dtype)


class _CellBase(Module):
    def __init__(self, mode, input_size, hidden_size, bias, device, dtype):
        super().__init__()
        owner = type(self).__name__
        input_size = size(owner, "input_size", input_size, minimum=0)
        hidden_size = size(owner, "hidden_size", hidden_size)
        self.mode, self.input_size, self.hidden_size, self.bias = (mode, input_size,
                                                                   hidden_size, bias)
        gate_size = _GATES[mode] * hidden_size
        self.weight_ih = Parameter(empty(gate_size, input_size, device=device, dtype=dtype))
        self.weight_hh = Parameter(empty(gate_size, hidden_size, device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(empty(gate_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(empty(gate_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            init.uniform_(p, -bound, bound)

    def forward(self, input, hx=None):  # noqa: A002
        batched = input.ndim == 2
        x = input if batched else input.unsqueeze(0)
        if hx is None:
            h0 = zeros(x.shape[0], self.hidden_size, dtype=x.dtype, device=x.device)
            hx = (h0, h0) if self.mode == "LSTM" else h0
        elif not batched:
            hx = tuple(h.unsqueeze(0) for h in hx) if self.mode == "LSTM" else hx.unsqueeze(0)
        out = _step_for(self.mode)(F.linear(x, self.weight_ih, self.bias_ih), hx,
                                   self.weight_hh, self.bias_hh)
        if batched:
            return out
        return tuple(o.squeeze(0) for o in out) if self.mode == "LSTM" else out.squeeze(0)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}"


class RNNCell(_CellBase):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             f"'relu'.")
        super().__init__("RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU", input_size,
                         hidden_size, bias, device, dtype)
        self.nonlinearity = nonlinearity


class LSTMCell(_CellBase):
    """One LSTM step: (h, c) = cell(x, (h, c))."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__("LSTM", input_size, hidden_size, bias, device, dtype)


class GRUCell(_CellBase):
    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__("GRU", input_size, hidden_size, bias, device, dtype)
