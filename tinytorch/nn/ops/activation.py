"""Activation Functions with hand-written derivatives: GELU, exact and tanh forms (both fused).

GELU(x) = x * Phi(x), with Phi the standard normal CDF 0.5 * (1 + erf(x / sqrt 2));
its derivative is Phi(x) + x * phi(x), phi the normal density. The tanh form
approximates Phi(x) by 0.5 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).

Fused, as the benchmarks showed matters for transformer MLPs: Gelu equals the
composition x * 0.5 * (1 + erf(x / sqrt(2))), GeluTanh equals
0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))); tests/test_fused_ops.py
checks each against its composition. (Softmax and log-softmax live in
tinytorch/ops/reduce.py, their one home.)

Assumes: the input is floating.
Production does instead: PyTorch runs each as one fused, vectorised kernel
(and fuses activations into the preceding matmul where it can).
"""

from __future__ import annotations

import math

from ...autograd import Function
from ...ops.erf import erf_array, normal_cdf_and_gaussian

__all__ = ["Gelu", "GeluTanh"]

_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_CUBIC = 0.044715


class Gelu(Function):
    def forward(self, x):
        xp = self.xp
        if x.dtype == xp.float64:
            cdf = 0.5 * (1.0 + erf_array(xp, x * _INV_SQRT2))
            gaussian = xp.exp(-0.5 * x * x)
        else:  # float32 (float16 through float32): the fit in float32 is accurate enough
            x32 = x if x.dtype == xp.float32 else xp.astype(x, xp.float32)
            cdf, gaussian = normal_cdf_and_gaussian(xp, x32)
            if x.dtype != xp.float32:
                cdf, gaussian = xp.astype(cdf, x.dtype), xp.astype(gaussian, x.dtype)
        self.save_for_backward(x, cdf, gaussian)
        return x * cdf

    def backward(self, grad):
        x, cdf, gaussian = self.saved
        slope = x * gaussian       # Phi(x) + x phi(x), phi(x) = exp(-x^2/2) / sqrt(2 pi),
        slope *= _INV_SQRT_2PI     # built in place in one fresh array
        slope += cdf
        slope *= grad
        return slope


class GeluTanh(Function):
    def forward(self, x):
        t = self.xp.tanh(_SQRT_2_OVER_PI * (x + _CUBIC * x * x * x))
        self.save_for_backward(x, t)
        return 0.5 * x * (1.0 + t)

    def backward(self, grad):
        x, t = self.saved
        xp = self.xp
        inner_slope = _SQRT_2_OVER_PI * (1.0 + 3 * _CUBIC * x * x)
        sech2 = 1.0 - t * t
        # Far out tanh is flat (sech2 == 0) while x * x overflows float16: 0 * inf must be 0.
        curve = xp.where(sech2 == 0, xp.zeros_like(x), 0.5 * x * sech2 * inner_slope)
        return grad * (0.5 * (1.0 + t) + curve)

