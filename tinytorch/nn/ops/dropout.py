"""Dropout as a Function: multiply by a saved mask of 0 and 1/(1-p) entries.

The mask is drawn by functional.dropout with tinytorch.rand (so
tinytorch.manual_seed makes it reproducible); this Function applies it, and
backward multiplies the gradient by the same mask, since d(x * m)/dx = m.

Assumes: "inverted" dropout, scaling kept values by 1/(1-p) during training
so that evaluation needs no rescaling, as PyTorch does.
Production does instead: PyTorch draws the mask on the device inside a
fused kernel and can store it as bits.
"""

from __future__ import annotations

from ...autograd import Function

__all__ = ["Dropout"]


class Dropout(Function):
    def forward(self, x, scaled_mask):
        self.save_for_backward(scaled_mask)
        return x * scaled_mask

    def backward(self, grad):
        (scaled_mask,) = self.saved
        return grad * scaled_mask, None
