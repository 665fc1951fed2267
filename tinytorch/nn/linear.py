"""Linear (fully connected) layer, y = x @ W.T + b, and Identity.

Parameters, as in PyTorch: weight (out_features, in_features) and bias
(out_features,), both initialised from U(-1/sqrt(in_features),
1/sqrt(in_features)) (PyTorch's kaiming_uniform_ with a = sqrt(5) works out
to exactly that bound for the weight).

Assumes: inputs of shape (..., in_features); any leading axes are batch axes.
Production does instead: torch.nn.Linear is the same layer; its kernel is a
single BLAS addmm call (see nn/ops/linear.py).
"""

from __future__ import annotations

from ..creation import empty
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Linear", "Identity"]


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. to remove a layer)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x


class Linear(Module):
    """y = x @ weight.T + bias for x (..., in_features)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(empty(out_features, in_features, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
