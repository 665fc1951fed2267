"""im2col and col2im as a pair of Functions, each the other's backward: Unfold and Fold.

Unfold takes x (N, C, H, W) to columns (N, C*kh*kw, L): column l holds the
window of block l (blocks in row-major order over the (BH, BW) grid, L =
BH*BW), its rows channel-major then kernel offset (c*kh*kw + i*kw + j), as
PyTorch's F.unfold lays them out. It pads x, then stacks the kh*kw strided
slices of windows.py, as Conv2d does channels-last.

Fold is its adjoint (col2im): each column's values are added back at the
positions its window covers, so where windows overlap the sums add up, and
the padding is cropped off. It is a loop over the kh*kw kernel offsets, each
one strided addition of a whole (N, C, BH, BW) block.

Because the two are adjoint linear maps, each one's backward is the other's
forward: the gradient of unfold is fold of the output gradient, and the
other way round. conv_transpose1d/2d in nn/functional.py are a matrix
product followed by Fold.

As compositions (tests/test_nn_conv_pool_resize.py checks both): Unfold is
F.pad, then index_select of every window's flat positions in the padded
plane; Fold is index_add of the columns at those positions into a zero
padded plane, then a crop. Each is one Function here because index_add
scatters element by element (np.add.at on the cpu), while a kernel offset's
block is one strided slice.

Assumes: zero padding, the same on both sides of an axis; the grid (BH, BW)
and the output size are given by the caller (nn/functional.py checks that they fit).
Production does instead: PyTorch's Im2Col/Col2Im kernels loop over the
columns in C++/CUDA and write each element once, without a padded copy.
"""

from __future__ import annotations

from ...autograd import Function
from .windows import crop_spatial, pad_spatial, window_slices

__all__ = ["Unfold", "Fold", "im2col", "col2im"]


def im2col(xp, x, grid, kernel, stride, padding, dilation):
    """(N, C, H, W) -> (N, C*kh*kw, BH*BW), zero padding (ph, pw) on both sides."""
    n, c = x.shape[:2]
    pads = (padding[0], padding[0], padding[1], padding[1])
    padded = pad_spatial(xp, x, pads, 0, h_axis=2)
    slices = window_slices(grid, kernel, stride, dilation)
    cols = xp.stack([padded[:, :, rows, columns] for rows, columns in slices], axis=2)
    return xp.reshape(cols, (n, c * len(slices), grid[0] * grid[1]))


def col2im(xp, cols, size, grid, kernel, stride, padding, dilation):
    """(N, C*kh*kw, BH*BW) -> (N, C, H, W): each column added back under its window."""
    n, k = cols.shape[0], kernel[0] * kernel[1]
    c = cols.shape[1] // k
    blocks = xp.reshape(cols, (n, c, k, *grid))
    pads = (padding[0], padding[0], padding[1], padding[1])
    shape = (n, c, size[0] + 2 * padding[0], size[1] + 2 * padding[1])
    padded = xp.zeros(shape, dtype=cols.dtype, device=cols.device)
    for index, (rows, columns) in enumerate(window_slices(grid, kernel, stride, dilation)):
        padded[:, :, rows, columns] += blocks[:, :, index, ...]
    return crop_spatial(padded, pads, size, h_axis=2)


class Unfold(Function):
    def forward(self, x, grid, kernel, stride, padding, dilation):
        self.geometry = (tuple(x.shape[2:]), grid, kernel, stride, padding, dilation)
        return im2col(self.xp, x, grid, kernel, stride, padding, dilation)

    def backward(self, grad):
        size, grid, kernel, stride, padding, dilation = self.geometry
        return (col2im(self.xp, grad, size, grid, kernel, stride, padding, dilation),
                None, None, None, None, None)


class Fold(Function):
    def forward(self, cols, size, grid, kernel, stride, padding, dilation):
        self.geometry = (grid, kernel, stride, padding, dilation)
        return col2im(self.xp, cols, size, grid, kernel, stride, padding, dilation)

    def backward(self, grad):
        grid, kernel, stride, padding, dilation = self.geometry
        return (im2col(self.xp, grad, grid, kernel, stride, padding, dilation),
                None, None, None, None, None, None)
