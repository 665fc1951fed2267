"""The affine map y = x @ W.T + b as one fused Function (one graph node instead of three).

It equals the composition matmul(x, W.T) + b (tests/test_fused_ops.py checks it) and takes
its gradient from ops/linalg.py's matmul_grads, the one home of matmul's gradient.

Shapes: x (..., in), W (out, in), b (out,) or None; y (..., out). The
backward pass folds every leading axis of x into one: with X (M, in) and G
(M, out) the flattened input and output gradient, dL/dX = G @ W,
dL/dW = G.T @ X and dL/db = G summed over rows.

Assumes: x and W share a dtype (functional.linear checks it).
Production does instead: PyTorch's addmm calls BLAS gemm with the bias as
the accumulator (beta = 1), so the add costs nothing extra.
"""

from __future__ import annotations

from ...autograd import Function
from ...ops.linalg import matmul_grads
from ...ops.reduce import sum_leading

__all__ = ["Linear"]


class Linear(Function):
    def forward(self, x, weight, bias):
        self.save_for_backward(x, weight)
        if x.ndim > 2:  # one (M, in) @ (in, out) product: 2x faster than a stacked matmul
            rows = self.xp.reshape(x, (-1, x.shape[-1])) @ weight.T
            out = self.xp.reshape(rows, (*x.shape[:-1], weight.shape[0]))
        else:
            out = x @ weight.T
        if bias is not None:
            out += bias  # a fresh array from matmul, so adding in place is safe
        return out

    def backward(self, grad):
        x, weight = self.saved
        xp = self.xp
        rows = xp.reshape(grad, (-1, grad.shape[-1])) if grad.ndim != 2 else grad
        # matmul's gradient, read two ways so that both results come out contiguous:
        # y = x @ W^T gives dx (one 2-D product, as in forward, rather than a stacked one),
        # and y^T = W @ x^T gives dW
        grad_x = grad_w = None
        if self.needs_grad(0):
            grad_x = matmul_grads(rows, None, weight.mT, need_b=False)[0]
            if grad.ndim != 2:
                grad_x = xp.reshape(grad_x, (*grad.shape[:-1], weight.shape[1]))
        if self.needs_grad(1):
            flat_x = xp.reshape(x, (-1, x.shape[-1])) if x.ndim != 2 else x
            grad_w = matmul_grads(rows.mT, weight, flat_x.mT, need_b=False)[0]
        grad_b = sum_leading(xp, rows, (0,)) if self.needs_grad(2) else None
        return grad_x, grad_w, grad_b
