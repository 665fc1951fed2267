"""Max and average pooling over 2-D windows, as Functions built on windows.py's strided slices.

Max pooling keeps a running maximum over the kh*kw slices and remembers
which offset won (only a strictly larger value takes over, so ties go to
the first element in row-major window order, as in PyTorch); backward
sends each output gradient to that one element. Average pooling
adds the slices and divides by the window size; backward spreads each
output gradient evenly back over its window.

Assumes: padding counts as -inf for max pooling and as 0 for average
pooling; `ceil_mode` adds the partial windows at the bottom/right edge by
padding further (a window must still start inside the input or left
padding). For average pooling the divisor follows PyTorch: with
count_include_pad it counts the padded positions a window covers (but not
the extra ceil_mode area), without it only the real input positions.
Production does instead: PyTorch has dedicated pooling kernels (oneDNN,
cuDNN) that loop over each window directly and store argmax indices as
flat positions in the input plane.
"""

from __future__ import annotations

from ...autograd import Function
from .windows import crop_spatial, pad_spatial, window_slices

__all__ = ["MaxPool2d", "AvgPool2d", "pooling_geometry"]


def pooling_geometry(size, kernel, stride, padding, dilation, ceil_mode):
    """(output size, extra padding at the end) along one axis, following PyTorch's rule."""
    span = size + 2 * padding - dilation * (kernel - 1) - 1
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1  # the last window would start in the right padding only
    needed = (out - 1) * stride + dilation * (kernel - 1) + 1
    return out, max(0, needed - (size + 2 * padding))


def _geometry(shape, kernel, stride, padding, dilation, ceil_mode):
    h, w = shape[-2:]
    oh, extra_h = pooling_geometry(h, kernel[0], stride[0], padding[0], dilation[0], ceil_mode)
    ow, extra_w = pooling_geometry(w, kernel[1], stride[1], padding[1], dilation[1], ceil_mode)
    pads = (padding[0], padding[0] + extra_h, padding[1], padding[1] + extra_w)
    return (oh, ow), pads


class MaxPool2d(Function):
    def forward(self, x, kernel, stride, padding, dilation, ceil_mode):
        xp = self.xp
        out_shape, pads = _geometry(x.shape, kernel, stride, padding, dilation, ceil_mode)
        padded = pad_spatial(xp, x, pads, -float("inf"), h_axis=2)
        slices = window_slices(out_shape, kernel, stride, dilation)
        # A running maximum over the kernel offsets, and which offset holds it. Only a
        # strictly larger value takes over, so ties keep the first offset (as PyTorch does).
        # Offsets come in increasing order, so "winner = index where larger" is a maximum.
        index_dtype = xp.int16 if len(slices) < 2 ** 15 else xp.int32
        best = padded[:, :, slices[0][0], slices[0][1]]
        winner = xp.zeros(best.shape, dtype=index_dtype, device=best.device)
        for index, (rows, columns) in enumerate(slices[1:], start=1):
            candidate = padded[:, :, rows, columns]
            winner = xp.maximum(winner, xp.astype(candidate > best, index_dtype) * index)
            best = xp.maximum(best, candidate)
        if len(slices) == 1:
            best = xp.asarray(best, copy=True)  # a 1x1 window: don't return a view of x
        self.save_for_backward(winner)
        # Keep x itself (not its values: its memory layout) when it was not padded.
        self.geometry = (x.shape[-2:], padded if padded is x else padded.shape, pads, slices,
                         _disjoint(kernel, stride, dilation))
        return best

    def backward(self, grad):
        xp = self.xp
        (winner,) = self.saved
        size, like, pads, slices, disjoint = self.geometry
        if isinstance(like, tuple):
            grad_padded = xp.zeros(like, dtype=grad.dtype, device=grad.device)
        else:  # zeros_like keeps x's memory layout on NumPy, so channels-last activations
            grad_padded = xp.zeros_like(like, dtype=grad.dtype)  # stay so on the way back
        for index, (rows, columns) in enumerate(slices):
            part = grad * xp.astype(winner == index, grad.dtype)
            if disjoint:  # each input element is under at most one window: no accumulation
                grad_padded[:, :, rows, columns] = part
            else:
                grad_padded[:, :, rows, columns] += part
        return crop_spatial(grad_padded, pads, size, h_axis=2), None, None, None, None, None


def _disjoint(kernel, stride, dilation):
    """Whether consecutive windows never share an element (stride at least the window span)."""
    return all(s >= d * (k - 1) + 1 for k, s, d in zip(kernel, stride, dilation))


class AvgPool2d(Function):
    def forward(self, x, kernel, stride, padding, ceil_mode, count_include_pad, divisor):
        xp = self.xp
        out_shape, pads = _geometry(x.shape, kernel, stride, padding, (1, 1), ceil_mode)
        padded = pad_spatial(xp, x, pads, 0, h_axis=2)
        slices = window_slices(out_shape, kernel, stride, (1, 1))
        total = padded[:, :, slices[0][0], slices[0][1]]
        for rows, columns in slices[1:]:
            total = total + padded[:, :, rows, columns]
        if divisor is None:
            divisor = self._window_counts(x.shape[-2:], out_shape, kernel, stride, padding,
                                          count_include_pad, x.dtype)
        self.geometry = (x.shape[-2:], padded.shape, pads, slices, divisor)
        return total / divisor

    def _window_counts(self, size, out_shape, kernel, stride, padding, include_pad, dtype):
        """How many positions each window averages over: a number, or an (OH, OW) array."""
        xp = self.xp
        if not include_pad and any(padding) or any(
                (o - 1) * s + k > n + 2 * p
                for o, s, k, n, p in zip(out_shape, stride, kernel, size, padding)):
            counts = []
            for o, s, k, n, p in zip(out_shape, stride, kernel, size, padding):
                start = xp.arange(o, device=self.device.native)[:, None] * s
                position = start + xp.arange(k, device=self.device.native)[None, :]
                low, high = (p, p + n) if not include_pad else (0, n + 2 * p)
                inside = (position >= low) & (position < high)
                counts.append(xp.sum(xp.astype(inside, dtype), axis=1))
            return counts[0][:, None] * counts[1][None, :]
        return float(kernel[0] * kernel[1])

    def backward(self, grad):
        xp = self.xp
        size, padded_shape, pads, slices, divisor = self.geometry
        share = grad / divisor
        grad_padded = xp.zeros(padded_shape, dtype=grad.dtype, device=grad.device)
        for rows, columns in slices:
            grad_padded[:, :, rows, columns] += share
        return (crop_spatial(grad_padded, pads, size, h_axis=2),
                None, None, None, None, None, None)
