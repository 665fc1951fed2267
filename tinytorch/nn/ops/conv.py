"""2-D convolution as one Function: unfold the windows (im2col), then one matrix product.

Forward, for input x (N, C, H, W) and weight (OC, C/G, kh, kw) in G groups:
1. view x channels-last (N, H, W, C) and pad it;
2. stack the kh*kw strided slices of windows.py into cols (N*OH*OW, kh*kw, C):
   row m holds every input value that output position m sees;
3. per group, out = cols @ W.T with W the weight reshaped to (OC/G, kh*kw*C/G),
   giving (N*OH*OW, OC), viewed back as (N, OC, OH, OW) (channels-last in memory).
Backward, with dY the output gradient as rows (N*OH*OW, OC): dW = dY.T @ cols,
db = dY summed over rows, dcols = dY @ W, and dx is dcols folded back by adding each
kernel offset's block into a zero (padded) array at that offset's strided
slice (the adjoint of step 2; a loop over the kh*kw offsets only).

Why channels-last: the windows of a channel-last array are contiguous runs
of C values, so the stack copies in long runs, and the product's output
(rows = positions, columns = channels) needs no transpose to become
(N, OC, OH, OW): it is a view. A following convolution views it
channels-last again for free.

Assumes: zero padding (given as top, bottom, left, right), x and weight of
one dtype. Memory: cols holds kh*kw copies of the input, as any im2col does.
Production does instead: PyTorch calls oneDNN on CPU and cuDNN on GPU,
which pick direct, Winograd or implicit-gemm algorithms and never build the
full cols matrix; its fallback "slow_conv2d" is im2col + gemm like this one.
"""

from __future__ import annotations

from ...autograd import Function
from ...ops.linalg import matmul_grads
from .windows import crop_spatial, output_size, pad_spatial, window_slices

__all__ = ["Conv2d"]


class Conv2d(Function):
    def forward(self, x, weight, bias, stride, padding, dilation, groups):
        xp = self.xp
        n, c, h, w = x.shape
        oc, cg, kh, kw = weight.shape
        top, bottom, left, right = padding
        oh = output_size(h, kh, stride[0], top, bottom, dilation[0])
        ow = output_size(w, kw, stride[1], left, right, dilation[1])
        slices = window_slices((oh, ow), (kh, kw), stride, dilation)
        padded = pad_spatial(xp, xp.permute_dims(x, (0, 2, 3, 1)), padding, 0, h_axis=1)
        # cols[n, oh, ow, k, c]: channel c under kernel offset k of window (oh, ow)
        cols = xp.stack([padded[:, rows, columns, :] for rows, columns in slices], axis=3)
        m, k, ocg = n * oh * ow, kh * kw, oc // groups
        # Group-major layouts: (G, M, k*C/G) and (G, OC/G, k*C/G); views when G == 1.
        cols = xp.reshape(xp.permute_dims(xp.reshape(cols, (m, k, groups, cg)), (2, 0, 1, 3)),
                          (groups, m, k * cg))
        w_mat = xp.reshape(xp.permute_dims(xp.reshape(weight, (groups, ocg, cg, k)),
                                           (0, 1, 3, 2)), (groups, ocg, k * cg))
        out = cols @ xp.permute_dims(w_mat, (0, 2, 1))                     # (G, M, OC/G)
        if bias is not None:
            out += xp.reshape(bias, (groups, 1, ocg))  # in place: out is a fresh array
        out = xp.reshape(xp.permute_dims(out, (1, 0, 2)), (n, oh, ow, oc))
        self.save_for_backward(cols, w_mat)
        self.geometry = (x.shape, weight.shape, padding, slices, (oh, ow), groups,
                         padded.shape)
        return xp.permute_dims(out, (0, 3, 1, 2))

    def backward(self, grad):
        xp = self.xp
        cols, w_mat = self.saved
        x_shape, w_shape, padding, slices, (oh, ow), groups, padded_shape = self.geometry
        n, c, h, w = x_shape
        oc, cg, kh, kw = w_shape
        m, k, ocg = n * oh * ow, kh * kw, oc // groups
        rows = xp.reshape(xp.permute_dims(grad, (0, 2, 3, 1)), (m, groups, ocg))
        rows = xp.permute_dims(rows, (1, 0, 2))                              # (G, M, OC/G)
        grad_x = grad_w = grad_b = None
        if self.needs_grad(1):
            # matmul's gradient of out^T = W @ cols^T, which gives dW contiguous
            grad_w = matmul_grads(rows.mT, w_mat, cols.mT, need_b=False)[0]
            grad_w = xp.reshape(xp.permute_dims(xp.reshape(grad_w, (groups, ocg, k, cg)),
                                                (0, 1, 3, 2)), w_shape)
        if self.needs_grad(2):
            grad_b = xp.reshape(xp.sum(rows, axis=1), (oc,))
        if self.needs_grad(0):
            # dcols = dY @ W (matmul_grads' first half), but computed as one (M, C/G) block
            # per kernel offset so that each block is contiguous when it is added back:
            # (G,1,M,OC/G) @ (G,k,OC/G,C/G).
            w_offsets = xp.permute_dims(xp.reshape(w_mat, (groups, ocg, k, cg)), (0, 2, 1, 3))
            grad_cols = xp.reshape(rows, (groups, 1, m, ocg)) @ w_offsets   # (G, k, M, C/G)
            grad_padded = xp.zeros(padded_shape, dtype=grad.dtype, device=grad.device)
            for index, (rows_slice, columns) in enumerate(slices):
                block = xp.permute_dims(grad_cols[:, index, ...], (1, 0, 2))  # (M, G, C/G)
                grad_padded[:, rows_slice, columns, :] += xp.reshape(block, (n, oh, ow, c))
            grad_x = xp.permute_dims(crop_spatial(grad_padded, padding, (h, w), h_axis=1),
                                     (0, 3, 1, 2))
        return grad_x, grad_w, grad_b, None, None, None, None
