"""Batch and layer normalisation as one fused Function (Normalize) with a closed-form backward.

Fused because layer norm is on every transformer block's path; it equals the
composition (x - x.mean(axes)) / sqrt(x.var(axes, correction=0) + eps) * weight + bias,
which tests/test_fused_ops.py checks.

Both compute y = (x - mean) / sqrt(var + eps) * weight + bias, the statistics
taken over `axes`: batch norm over every axis but the channel axis 1
(weight per channel), layer norm over the trailing normalised axes
(weight of their shape). With x_hat the normalised input, g the output
gradient times weight and averages taken over `axes`:

    dx = (g - mean(g) - x_hat * mean(g * x_hat)) / sqrt(var + eps)

which is the chain rule through x_hat, mean and var combined (the three
terms: direct path, through the mean, through the variance). dweight and
dbias sum g * x_hat and g over the other axes. When the statistics are
fixed (batch norm in eval mode) only the direct term remains.

Assumes: the biased variance (divide by n) normalises, as in PyTorch; the
caller passes the statistics (functional.batch_norm computes the batch
ones itself when it also updates the running averages; otherwise forward
computes them).
Production does instead: PyTorch's native_batch_norm computes the
statistics, updates the running buffers and normalises in one kernel
(Welford's algorithm for the variance), with cuDNN/oneDNN fast paths.
"""

from __future__ import annotations

from ...autograd import Function
from ...ops.reduce import mean_along, sum_leading

__all__ = ["Normalize"]


class Normalize(Function):
    """y = (x - mean) * invstd * weight + bias; weight/bias may be None.

    `mean`/`var` are arrays broadcastable to x, or None to compute them from x over
    `axes`. `batch_stats` says whether they are x's own statistics over `axes` (then the
    gradient flows through them too).
    `param_axes` are the axes of x that weight and bias do not have.
    """

    def forward(self, x, weight, bias, mean, var, *, eps, axes, batch_stats, param_shape,
                param_axes):
        xp = self.xp
        if mean is None:  # statistics of this input, over `axes`
            x_hat = x - self._mean(x, axes)
            var = self._mean(x_hat * x_hat, axes)
            invstd = 1.0 / xp.sqrt(var + eps)
            x_hat *= invstd  # in place: x_hat is this op's own array, of the statistics' dtype
        else:
            invstd = 1.0 / xp.sqrt(var + eps)
            x_hat = (x - mean) * invstd
        out = x_hat
        if weight is not None:
            out = out * xp.reshape(weight, param_shape)
        if bias is not None:
            bias = xp.reshape(bias, param_shape)
            if out is not x_hat and out.dtype == bias.dtype:
                out += bias  # in place: out is the fresh product above, already in its dtype
            else:
                out = out + bias
        self.save_for_backward(x_hat, invstd, weight)
        self.axes, self.batch_stats, self.param_axes = axes, batch_stats, param_axes
        self.param_shape = param_shape
        return out

    def backward(self, grad):
        xp = self.xp
        x_hat, invstd, weight = self.saved
        grad_w = grad_b = grad_x = None
        # Summing over param_axes leaves exactly the parameters' shape.
        if self.needs_grad(1):
            grad_w = sum_leading(xp, grad * x_hat, self.param_axes)
        if self.needs_grad(2):
            grad_b = sum_leading(xp, grad, self.param_axes)
        if self.needs_grad(0):
            g = grad if weight is None else grad * xp.reshape(weight, self.param_shape)
            if self.batch_stats:
                g_mean = self._mean(g, self.axes)
                gx_mean = self._mean(g * x_hat, self.axes)
                # (g - g_mean - x_hat * gx_mean) * invstd, built in place in one fresh array
                grad_x = x_hat * -gx_mean
                grad_x += g
                grad_x -= g_mean
                grad_x *= invstd
            else:
                grad_x = g * invstd
        return grad_x, grad_w, grad_b, None, None

    def _mean(self, a, axes):
        # layer norm over one axis (the last): as a matmul, several times faster in NumPy
        if len(axes) == 1:
            return mean_along(self.xp, a, axes[0])
        return self.xp.mean(a, axis=axes, keepdims=True)
