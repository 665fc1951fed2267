"""Bilinear: y = x1^T A x2 + b for each output feature, a layer of two inputs.

Parameters, as in PyTorch: weight (out_features, in1_features, in2_features)
and bias (out_features,), both drawn from U(-1/sqrt(in1_features),
1/sqrt(in1_features)).

Assumes: inputs (..., in1_features) and (..., in2_features) with equal
leading (batch) axes; no broadcasting between them, as in PyTorch.
Production does instead: PyTorch computes it with one fused kernel
(torch._trilinear); here it is one matmul, a product and a sum (see
functional.bilinear), whose gradients are those ops'.
"""

from __future__ import annotations

import math

from ..creation import empty
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["Bilinear"]


class Bilinear(Module):
    """y[..., o] = input1 @ weight[o] @ input2 + bias[o]."""

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device=None, dtype=None):
        super().__init__()
        self.in1_features, self.in2_features = in1_features, in2_features
        self.out_features = out_features
        self.weight = Parameter(empty(out_features, in1_features, in2_features, device=device,
                                      dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # PyTorch's bound: 1 / sqrt(in1_features) for the weight and the bias alike
        bound = 1.0 / math.sqrt(self.in1_features) if self.in1_features else 0.0
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1, input2):
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")
