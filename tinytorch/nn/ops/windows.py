"""Sliding windows over the two spatial axes, without a loop over pixels: the shared helper of
convolution and pooling.

The idea: a k x k window sliding with stride s visits, for kernel offset
(i, j), exactly the input elements x[i*d : ... : s, j*d : ... : s] (d the
dilation): one strided slice. So the (out_h x out_w) windows of a whole
batch are gathered by one slice per kernel offset, k*k slices in all, and
spread back (for the backward pass) by k*k strided additions. Slices are
views, so the only copies are the stack that lays the windows side by side
and the padded input.

Assumes: padding is applied by building a larger array and writing the
input into its middle (a constant value: zero, or -inf for max pooling).
Production does instead: PyTorch's CPU convolution calls oneDNN (or its
own im2col + gemm, "slow_conv2d", built on strided views), and CUDA calls
cuDNN, which chooses among implicit-gemm, FFT and Winograd algorithms.
"""

from __future__ import annotations

__all__ = ["output_size", "window_slices", "pad_spatial", "crop_spatial"]


def output_size(size: int, kernel: int, stride: int, pad_before: int, pad_after: int,
                dilation: int = 1) -> int:
    """How many windows fit along one axis (floor division: incomplete windows are dropped)."""
    return (size + pad_before + pad_after - dilation * (kernel - 1) - 1) // stride + 1


def window_slices(out_shape, kernel, stride, dilation):
    """One (row slice, column slice) per kernel offset, in row-major offset order.

    Slice number i*kw + j selects, for every output position, the input element
    under kernel offset (i, j).
    """
    (out_h, out_w), (kh, kw), (sh, sw), (dh, dw) = out_shape, kernel, stride, dilation
    return [(slice(i * dh, i * dh + sh * (out_h - 1) + 1, sh),
             slice(j * dw, j * dw + sw * (out_w - 1) + 1, sw))
            for i in range(kh) for j in range(kw)]


def pad_spatial(xp, x, padding, value, h_axis: int):
    """`x` with (top, bottom, left, right) rows/columns of `value` added around axes h_axis and
    h_axis + 1; `x` itself when there is nothing to add."""
    top, bottom, left, right = padding
    if not (top or bottom or left or right):
        return x
    shape = list(x.shape)
    h, w = shape[h_axis], shape[h_axis + 1]
    shape[h_axis], shape[h_axis + 1] = h + top + bottom, w + left + right
    out = (xp.zeros(tuple(shape), dtype=x.dtype, device=x.device) if value == 0 else
           xp.full(tuple(shape), value, dtype=x.dtype, device=x.device))
    inside = (slice(None),) * h_axis + (slice(top, top + h), slice(left, left + w), ...)
    out[inside] = x
    return out


def crop_spatial(x, padding, size, h_axis: int):
    """The inverse of pad_spatial: the middle `size` = (h, w) of a padded array (a view)."""
    top, _, left, _ = padding
    h, w = size
    return x[(slice(None),) * h_axis + (slice(top, top + h), slice(left, left + w), ...)]
