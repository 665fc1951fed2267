"""tinytorch.nn.functional: every layer and loss as a plain function of tensors.

What it does: each function checks its arguments (shapes, dtypes, ranges,
with messages that say how to fix the call), then runs either one
Function from tinytorch/nn/ops (linear, conv2d, pooling, norms, losses,
softmax, GELU, embedding, dropout) or a few tinytorch ops (attention, MSE,
one_hot, pad). The Module classes in tinytorch.nn hold parameters and call
these.

Assumes: PyTorch's signatures and defaults (reduction="mean",
ignore_index=-100, momentum=0.1, eps=1e-5, ...), so code written against
torch.nn.functional reads the same. Input and weight must share a dtype
and a device; nothing is cast or moved implicitly.
Production does instead: torch.nn.functional dispatches to fused C++/CUDA
kernels (cuDNN, oneDNN, FlashAttention) and supports more options
(padding modes, sparse gradients, nested tensors).
"""

from __future__ import annotations

import math
import numbers
import operator
import struct
import warnings

from .. import autocast_state
from .. import dtypes as _dt
from ..autograd import no_grad
from ..creation import arange, full, full_like, rand
from ..creation import tensor as _tensor
from ..errors import TensorIndexError, tensor_arguments
from ..ops import (
    cat,
    erf,
    expm1,
    log_softmax,
    logaddexp,
    matmul,
    minimum,
    movedim,
    reshape,
    softmax,
    where,
    xlogy,
)
from ..ops import relu as _relu
from ..ops import sigmoid as _sigmoid
from ..ops import tanh as _tanh
from ..ops.plumbing import normalize_dim
from ..tensor import Tensor
from .ops.activation import Gelu, GeluTanh
from .ops.conv import Conv2d
from .ops.dropout import Dropout
from .ops.embedding import Embedding
from .ops.fold import Fold, Unfold
from .ops.linear import Linear
from .ops.loss import BinaryCrossEntropy, BinaryCrossEntropyWithLogits, NllLoss
from .ops.normalization import Normalize
from .ops.pool import AvgPool2d, MaxPool2d

__all__ = [
    "linear", "conv2d", "max_pool2d", "avg_pool2d", "dropout", "batch_norm", "layer_norm",
    "embedding", "relu", "leaky_relu", "gelu", "silu", "sigmoid", "tanh", "softmax",
    "log_softmax", "erf", "mse_loss", "l1_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "scaled_dot_product_attention", "one_hot", "pad",
]
__all__ += ["group_norm", "instance_norm", "rms_norm", "local_response_norm", "pixel_shuffle",
            "pixel_unshuffle", "channel_shuffle", "bilinear"]


# ---- helpers -------------------------------------------------------------------------------

def _ints(value, count, name):
    """An int, or a tuple or list of `count` ints, as a tuple of `count` ints.

    Sizes past 2**31 are refused here: no window or padding is that large, and the arrays
    they would ask for are past any memory.
    """
    # the common cases, decided cheaply: layers call this on every forward
    if type(value) is int and -2**31 < value < 2**31:
        return (value,) * count
    if type(value) is tuple and len(value) == count and \
            all(type(v) is int and -2**31 < v < 2**31 for v in value):
        return value
    items = value if isinstance(value, (tuple, list)) else (value,) * count
    if len(items) != count or any(isinstance(v, bool) or not hasattr(v, "__index__")
                                  for v in items):
        what = "an int or a pair of ints" if count == 2 else f"an int or {count} ints"
        raise TypeError(f"{name} must be {what}, got {value!r}")
    items = tuple(operator.index(v) for v in items)
    if any(abs(v) >= 2**31 for v in items):
        raise ValueError(f"{name} {value!r} is too large: sizes must be below 2**31")
    return items


def _pair(value, name):
    return _ints(value, 2, name)


def _size(t: Tensor) -> str:
    return "[" + ", ".join(map(str, t.shape)) + "]"


def _same_device(name, x, other, what="weight"):
    # Not plumbing's check_same_device: here the fix is usually to move the model, so say so.
    if other is not None and other.device is not x.device:
        raise RuntimeError(f"{name}: the input is on {x.device} but the {what} is on "
                           f"{other.device}. Move the input with x.to('{other.device}'), or the "
                           f"model (or {what}) with .to('{x.device}').")


def _same_dtype(name, x, weight):
    _same_device(name, x, weight)
    if x.dtype != weight.dtype:
        fix = f"convert the input with x.to('{weight.dtype}')"
        if _dt.is_floating_point(x.dtype):
            fix += f", or the model with model.to('{x.dtype}')"
        raise RuntimeError(f"{name}: the input has dtype {x.dtype} but the weight has dtype "
                           f"{weight.dtype}; they must match: {fix}.")


def _same_bias(name, x, bias):
    """The bias must match the input's dtype and device: no silent cast (PyTorch raises too)."""
    _same_device(name, x, bias, "bias")
    if bias is not None and bias.dtype != x.dtype:
        raise RuntimeError(f"{name}: the input has dtype {x.dtype} but the bias has dtype "
                           f"{bias.dtype}; they must match: convert the bias with "
                           f"bias.to('{x.dtype}').")


def _check_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction!r} is not a valid value for reduction; use 'none', "
                         f"'mean' or 'sum'.")


def _float_input(name, x):
    if not _dt.is_floating_point(x.dtype):
        raise TypeError(f"{name} expects a floating-point input, got {x.dtype}. Convert it "
                        f"first, e.g. x.float().")


# ---- linear and convolution ---------------------------------------------------------------

def linear(input, weight, bias=None):  # noqa: A002 - PyTorch's parameter name
    """y = input @ weight.T + bias, for input (..., in_features) and weight (out, in)."""
    if weight.ndim != 2:
        raise RuntimeError(f"linear: weight must be 2-D (out_features, in_features), got shape "
                           f"{_size(weight)}")
    if input.ndim == 0 or input.shape[-1] != weight.shape[-1]:
        rows = input.numel() // input.shape[-1] if input.ndim and input.shape[-1] else 1
        last = input.shape[-1] if input.ndim else 1
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{last} and "
            f"{weight.shape[1]}x{weight.shape[0]}): a linear layer with in_features="
            f"{weight.shape[1]} needs inputs whose last dimension is {weight.shape[1]}, but got "
            f"input of shape {tuple(input.shape)}. Check the size produced by the layer before "
            f"it (e.g. the Flatten in front of this Linear).")
    if autocast_state.active[0]:  # inside tinytorch.autocast
        low = autocast_state.lowering_dtype(input.device.type)
        if low is not None:
            from ..ops.autocast import run_lowered
            return run_lowered(linear, low, input, weight, bias)
    _same_dtype("linear", input, weight)
    _same_bias("linear", input, bias)
    if bias is not None and bias.shape not in ((weight.shape[0],), ()):
        raise RuntimeError(f"linear: bias has shape {_size(bias)} but the layer has "
                           f"{weight.shape[0]} outputs; give a bias of shape [{weight.shape[0]}].")
    return Linear.apply(input, weight, bias)


def bilinear(input1, input2, weight, bias=None):
    """y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o], for
    input1 (..., in1) and input2 (..., in2) with equal batch axes and weight (out, in1, in2)."""
    for what, t in (("input1", input1), ("input2", input2)):
        if not isinstance(t, Tensor):
            raise TypeError(f"bilinear(): argument '{what}' must be a Tensor, not "
                            f"{type(t).__name__}. Wrap data with tinytorch.tensor(...) first.")
        if t.ndim == 0:
            raise RuntimeError(f"bilinear(): {what} needs a feature axis (..., features), got a "
                               f"0-d tensor")
    if weight.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-D (out_features, in1_features, "
                           f"in2_features), got size {_size(weight)}")
    out, in1, in2 = weight.shape
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{_size(input1)} and {_size(input2)}; all but the last axes must "
                           f"be equal.")
    if (input1.shape[-1], input2.shape[-1]) != (in1, in2):
        raise RuntimeError(f"bilinear(): the inputs' last dimensions ({input1.shape[-1]}, "
                           f"{input2.shape[-1]}) must equal weight's in1_features and "
                           f"in2_features ({in1}, {in2}); weight has size {_size(weight)}.")
    for t in (input1, input2):
        _same_dtype("bilinear", t, weight)
    _same_bias("bilinear", input1, bias)
    if bias is not None and bias.shape != (out,):
        raise RuntimeError(f"bilinear(): bias has shape {_size(bias)} but the layer has {out} "
                           f"outputs; give a bias of shape [{out}].")
    # (..., in1) @ (in1, out * in2) gives input1's side; then a product and sum over in2
    left = matmul(input1, reshape(movedim(weight, 0, 1), (in1, out * in2)))
    y = (reshape(left, (*input1.shape[:-1], out, in2)) * input2.unsqueeze(-2)).sum(-1)
    return y if bias is None else y + bias


def _conv_padding(padding, kernel, dilation, stride):
    """(top, bottom, left, right) from an int, a pair, 'valid' or 'same'."""
    if padding == "valid":
        return (0, 0, 0, 0)
    if padding == "same":
        if stride != (1, 1):
            raise ValueError("padding='same' is not supported for strided convolutions; pass "
                             "explicit padding numbers instead.")
        pads = []
        for k, d in zip(kernel, dilation):
            total = d * (k - 1)
            pads += [total // 2, total - total // 2]
        return tuple(pads)
    if isinstance(padding, str):
        raise ValueError(f"padding string {padding!r} is not supported; use 'valid', 'same' "
                         f"or numbers")
    ph, pw = _pair(padding, "padding")
    if ph < 0 or pw < 0:
        raise ValueError(f"padding must be non-negative, got {padding}")
    return (ph, ph, pw, pw)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """2-D cross-correlation of input (N, C, H, W) or (C, H, W) with weight (OC, C/groups, kh, kw).

    `padding` is an int, a pair, 'valid' or 'same' (zeros are added).
    """
    if autocast_state.active[0]:  # inside tinytorch.autocast
        low = autocast_state.lowering_dtype(input.device.type)
        if low is not None:
            from ..ops.autocast import run_lowered
            return run_lowered(conv2d, low, input, weight, bias, stride=stride,
                               padding=padding, dilation=dilation, groups=groups)
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got "
                           f"input of size: {_size(input)}. Images go in as (N, C, H, W), e.g. "
                           f"x.reshape(-1, 1, 8, 8) for a batch of 8x8 grayscale images.")
    if weight.ndim != 4:
        raise RuntimeError(f"conv2d expects a 4-D weight (out_channels, in_channels/groups, kh, "
                           f"kw), got size {_size(weight)}")
    if input.ndim == 3:
        return conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups)[0]
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    groups = _groups(groups)
    if min(stride) < 1 or min(dilation) < 1:
        raise ValueError(f"stride, dilation and groups must be positive, got stride={stride}, "
                         f"dilation={dilation}, groups={groups}")
    out_channels, group_channels, kh, kw = weight.shape
    channels = input.shape[1]
    if out_channels % groups:
        raise ValueError(f"out_channels ({out_channels}) must be divisible by groups ({groups})")
    if channels != group_channels * groups:
        hint = (" If this is a batch of single-channel images, add the channel axis: "
                "x.unsqueeze(1)." if input.ndim == 4 and group_channels * groups == 1 else "")
        raise RuntimeError(f"Given groups={groups}, weight of size {_size(weight)}, expected "
                           f"input{_size(input)} to have {group_channels * groups} channels, "
                           f"but got {channels} channels instead.{hint}")
    _same_dtype("conv2d", input, weight)
    _same_bias("conv2d", input, bias)
    pads = _conv_padding(padding, (kh, kw), dilation, stride)
    padded_h, padded_w = input.shape[2] + pads[0] + pads[1], input.shape[3] + pads[2] + pads[3]
    span_h, span_w = dilation[0] * (kh - 1) + 1, dilation[1] * (kw - 1) + 1
    if span_h > padded_h or span_w > padded_w:
        raise RuntimeError(f"Calculated padded input size per channel: ({padded_h} x "
                           f"{padded_w}). Kernel size: ({span_h} x {span_w}). Kernel size "
                           f"can't be greater than actual input size; pad the input or use a "
                           f"smaller kernel.")
    return Conv2d.apply(input, weight, bias, stride, pads, dilation, groups)


def _groups(groups):
    if isinstance(groups, bool) or not hasattr(groups, "__index__"):
        raise TypeError(f"groups must be a positive int, got {groups!r}")
    groups = operator.index(groups)
    if groups < 1:
        raise ValueError(f"groups must be positive, got {groups}")
    return groups


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):  # noqa: A002
    """1-D cross-correlation of input (N, C, L) or (C, L) with weight (OC, C/groups, k).

    It is conv2d on images of height 1 (input and weight get a height axis of size 1), so it
    shares conv2d's Function and gradients. `padding` is an int, 'valid' or 'same'.
    """
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2D (unbatched) or 3D (batched) input to conv1d, but got "
                           f"input of size: {_size(input)}. Sequences go in as (N, C, L), e.g. "
                           f"x.unsqueeze(1) for a batch of single-channel signals.")
    if weight.ndim != 3:
        raise RuntimeError(f"conv1d expects a 3-D weight (out_channels, in_channels/groups, "
                           f"kernel_size), got size {_size(weight)}")
    groups = _groups(groups)
    if input.shape[-2] != weight.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {_size(weight)}, expected "
                           f"input{_size(input)} to have {weight.shape[1] * groups} channels, "
                           f"but got {input.shape[-2]} channels instead.")
    stride, dilation = _ints(stride, 1, "stride"), _ints(dilation, 1, "dilation")
    if not isinstance(padding, str):
        padding = (0, *_ints(padding, 1, "padding"))
    out = conv2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, *stride), padding,
                 (1, *dilation), groups)
    return out.squeeze(-2)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,  # noqa: A002
                     groups=1, dilation=1):
    """The transpose (adjoint) of conv2d: input (N, C_in, H, W) or (C_in, H, W), weight
    (C_in, C_out/groups, kh, kw), output (N, C_out, OH, OW) with
    OH = (H - 1)*stride - 2*padding + dilation*(kh - 1) + output_padding + 1.

    One matrix product turns each input position's channels into a (C_out, kh, kw) patch,
    and Fold (col2im) adds the patches up `stride` apart, cropping `padding` off each side:
    exactly the gradient of conv2d with respect to its input.
    """
    if autocast_state.active[0]:  # inside tinytorch.autocast
        low = autocast_state.lowering_dtype(input.device.type)
        if low is not None:
            from ..ops.autocast import run_lowered
            return run_lowered(conv_transpose2d, low, input, weight, bias, stride=stride,
                               padding=padding, output_padding=output_padding, groups=groups,
                               dilation=dilation)
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to "
                           f"conv_transpose2d, but got input of size: {_size(input)}")
    if weight.ndim != 4:
        raise RuntimeError(f"conv_transpose2d expects a 4-D weight (in_channels, "
                           f"out_channels/groups, kh, kw), got size {_size(weight)}")
    if input.ndim == 3:
        return conv_transpose2d(input.unsqueeze(0), weight, bias, stride, padding,
                                output_padding, groups, dilation)[0]
    stride, dilation = _pair(stride, "stride"), _pair(dilation, "dilation")
    padding, extra = _pair(padding, "padding"), _pair(output_padding, "output_padding")
    groups = _groups(groups)
    if min(stride) < 1 or min(dilation) < 1 or min(padding) < 0 or min(extra) < 0:
        raise ValueError(f"conv_transpose2d: stride and dilation must be positive and padding "
                         f"and output_padding non-negative, got stride={stride}, dilation="
                         f"{dilation}, padding={padding}, output_padding={extra}")
    if any(e >= max(s, d) for e, s, d in zip(extra, stride, dilation)):
        raise ValueError(f"conv_transpose2d: output padding must be smaller than either stride "
                         f"or dilation, got output_padding={extra}, stride={stride}, dilation="
                         f"{dilation}")
    in_channels, group_out, kh, kw = weight.shape
    if input.shape[1] != in_channels or in_channels % groups:
        raise RuntimeError(f"Given transposed=1, groups={groups}, weight of size "
                           f"{_size(weight)}, expected input{_size(input)} to have "
                           f"{in_channels} channels (divisible by groups), but got "
                           f"{input.shape[1]} channels instead. A transposed convolution's "
                           f"weight is (in_channels, out_channels/groups, kh, kw).")
    _same_dtype("conv_transpose2d", input, weight)
    _same_bias("conv_transpose2d", input, bias)
    if bias is not None and bias.shape != (group_out * groups,):
        raise RuntimeError(f"conv_transpose2d: bias has shape {_size(bias)} but the layer has "
                           f"{group_out * groups} output channels; give a bias of shape "
                           f"[{group_out * groups}].")
    n, _, h, w = input.shape
    out_size = tuple((size - 1) * s - 2 * p + d * (k - 1) + e + 1 for size, s, p, d, k, e
                     in zip((h, w), stride, padding, dilation, (kh, kw), extra))
    if min(out_size) < 1 or min(h, w) < 1:
        raise RuntimeError(f"conv_transpose2d: input of size {_size(input)} with kernel "
                           f"({kh}, {kw}), stride {stride}, padding {padding} gives an output "
                           f"of {out_size[0]} x {out_size[1]}, which is too small; use less "
                           f"padding.")
    rows = reshape(input, (n, groups, in_channels // groups, h * w))
    patches = reshape(weight, (groups, in_channels // groups, group_out * kh * kw))
    cols = reshape(matmul(patches.mT, rows), (n, groups * group_out * kh * kw, h * w))
    out = Fold.apply(cols, out_size, (h, w), (kh, kw), stride, padding, dilation)
    return out if bias is None else out + reshape(bias, (-1, 1, 1))


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,  # noqa: A002
                     groups=1, dilation=1):
    """The transpose of conv1d, for input (N, C_in, L) or (C_in, L) and weight
    (C_in, C_out/groups, k): conv_transpose2d on signals of height 1."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Expected 2D (unbatched) or 3D (batched) input to "
                           f"conv_transpose1d, but got input of size: {_size(input)}")
    if weight.ndim != 3:
        raise RuntimeError(f"conv_transpose1d expects a 3-D weight (in_channels, "
                           f"out_channels/groups, kernel_size), got size {_size(weight)}")
    if input.shape[-2] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {_size(weight)}, expected "
                           f"input{_size(input)} to have {weight.shape[0]} channels, but got "
                           f"{input.shape[-2]} channels instead.")
    stride, padding = _ints(stride, 1, "stride"), _ints(padding, 1, "padding")
    extra, dilation = _ints(output_padding, 1, "output_padding"), _ints(dilation, 1, "dilation")
    out = conv_transpose2d(input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, *stride),
                           (0, *padding), (0, *extra), groups, (1, *dilation))
    return out.squeeze(-2)


# ---- pooling -------------------------------------------------------------------------------

def _pool_args(name, input, kernel_size, stride, padding, dilation=1):  # noqa: A002
    if input.ndim not in (3, 4):
        raise RuntimeError(f"{name}: expected 3D (C, H, W) or 4D (N, C, H, W) input, but got "
                           f"input of size: {_size(input)}")
    kernel = _pair(kernel_size, "kernel_size")
    stride = kernel if stride is None or stride == [] else _pair(stride, "stride")
    padding, dilation = _pair(padding, "padding"), _pair(dilation, "dilation")
    if min(kernel) < 1 or min(stride) < 1 or min(dilation) < 1:
        raise ValueError(f"{name}: kernel_size, stride and dilation must be positive, got "
                         f"{kernel}, {stride}, {dilation}")
    for p, k, d in zip(padding, kernel, dilation):
        if p < 0 or p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"{name}: pad should be at most half of effective kernel size, "
                               f"but got pad={p}, kernel_size={k} and dilation={d}")
    for size, p, k, d in zip(input.shape[-2:], padding, kernel, dilation):
        if size + 2 * p < d * (k - 1) + 1:
            raise RuntimeError(f"{name}: the input of size {_size(input)} is too small for "
                               f"kernel {kernel} with padding {padding}: the output would be "
                               f"empty. Pool less, or pad the input.")
    return kernel, stride, padding, dilation


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """Maximum over each kernel_size window (stride defaults to kernel_size)."""
    kernel, stride, padding, dilation = _pool_args("max_pool2d", input, kernel_size, stride,
                                                   padding, dilation)
    _float_input("max_pool2d", input)
    if input.ndim == 3:
        out = max_pool2d(input.unsqueeze(0), kernel, stride, padding, dilation, ceil_mode,
                         return_indices)
        return (out[0][0], out[1][0]) if return_indices else out[0]
    out = MaxPool2d.apply(input, kernel, stride, padding, dilation, bool(ceil_mode))
    if not return_indices:
        return out
    return out, _max_pool_indices(input, out, kernel, stride, padding, dilation)


def _max_pool_indices(input, out, kernel, stride, padding, dilation):  # noqa: A002
    """Flat positions (row * W + col) in each input plane of the maxima, as PyTorch returns."""
    h, w = input.shape[-2:]
    oh, ow = out.shape[-2:]
    device = input.device
    best = None
    with no_grad():
        rows0 = reshape(arange(oh, device=device) * stride[0] - padding[0], (oh, 1))
        cols0 = reshape(arange(ow, device=device) * stride[1] - padding[1], (1, ow))
        found = None
        for i in range(kernel[0]):
            for j in range(kernel[1]):
                r, c = rows0 + i * dilation[0], cols0 + j * dilation[1]
                inside = (r >= 0) & (r < h) & (c >= 0) & (c < w)
                flat = r.clamp(0, h - 1) * w + c.clamp(0, w - 1)
                picked = input.reshape(*input.shape[:2], h * w)[..., reshape(flat, (-1,))]
                hit = (picked.reshape(out.shape) == out) & inside
                if found is None:
                    found, best = hit, flat.expand(out.shape)
                else:
                    best = where(hit & ~found, flat.expand(out.shape), best)
                    found = found | hit
    return best


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True, divisor_override=None):
    """Mean over each kernel_size window (stride defaults to kernel_size)."""
    kernel, stride, padding, _ = _pool_args("avg_pool2d", input, kernel_size, stride, padding)
    _float_input("avg_pool2d", input)
    if divisor_override is not None and divisor_override <= 0:
        raise ValueError(f"divisor_override must be positive, got {divisor_override}")
    if input.ndim == 3:
        return avg_pool2d(input.unsqueeze(0), kernel, stride, padding, ceil_mode,
                          count_include_pad, divisor_override)[0]
    divisor = None if divisor_override is None else float(divisor_override)
    return AvgPool2d.apply(input, kernel, stride, padding, bool(ceil_mode),
                                   bool(count_include_pad), divisor)


def _pool1d_args(name, input, kernel_size, stride, padding, dilation=1):  # noqa: A002
    """The 1-D pooling arguments, checked, as the pairs of the 2-D pool over a height-1 image."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{name}: expected 2D (C, L) or 3D (N, C, L) input, but got input of "
                           f"size: {_size(input)}")
    (k,) = _ints(kernel_size, 1, "kernel_size")
    no_stride = stride is None or (isinstance(stride, (tuple, list)) and not stride)
    (s,) = (k,) if no_stride else _ints(stride, 1, "stride")
    (p,), (d,) = _ints(padding, 1, "padding"), _ints(dilation, 1, "dilation")
    if min(k, s, d) < 1:
        raise ValueError(f"{name}: kernel_size, stride and dilation must be positive, got "
                         f"{k}, {s}, {d}")
    span = d * (k - 1) + 1
    if p < 0 or p > span // 2:
        raise RuntimeError(f"{name}: pad should be at most half of effective kernel size, but "
                           f"got pad={p}, kernel_size={k} and dilation={d}")
    if input.shape[-1] + 2 * p < span:
        raise RuntimeError(f"{name}: the input of size {_size(input)} is too small for a "
                           f"window of {span} with padding {p}: the output would be empty. "
                           f"Pool less, or pad the input.")
    return (1, k), (1, s), (0, p), (1, d)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,  # noqa: A002
               return_indices=False):
    """Maximum over each window along the last axis of (N, C, L) or (C, L): max_pool2d over a
    height-1 image. With return_indices, the indices are positions along L."""
    kernel, stride, padding, dilation = _pool1d_args("max_pool1d", input, kernel_size, stride,
                                                     padding, dilation)
    out = max_pool2d(input.unsqueeze(-2), kernel, stride, padding, dilation, ceil_mode,
                     return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,  # noqa: A002
               count_include_pad=True):
    """Mean over each window along the last axis of (N, C, L) or (C, L): avg_pool2d over a
    height-1 image."""
    kernel, stride, padding, _ = _pool1d_args("avg_pool1d", input, kernel_size, stride,
                                              padding)
    return avg_pool2d(input.unsqueeze(-2), kernel, stride, padding, ceil_mode,
                      count_include_pad).squeeze(-2)


# Adaptive pooling: output window i of n along an axis of `size` inputs covers the positions
# [floor(i*size/n), ceil((i+1)*size/n)), PyTorch's split, so windows differ in length by at
# most one and may overlap by one. When n divides size the windows are a plain pooling
# (kernel = stride = size/n); otherwise each window is gathered with index_select, padded to
# the longest by repeating its last position, so gradients flow back through index_select.

def _adaptive_sizes(name, input, output_size, dims):  # noqa: A002
    """The output size of each of the last `dims` axes (None keeps the input's size)."""
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(f"{name}: expected {dims + 1}D or {dims + 2}D input, but got input "
                           f"of size: {_size(input)}")
    if isinstance(output_size, (tuple, list)) and len(output_size) == dims:
        output_size = tuple(n if o is None else o
                            for n, o in zip(input.shape[-dims:], output_size))
    sizes = _ints(output_size, dims, "output_size")
    if min(sizes) < 1:
        raise ValueError(f"{name}: output_size must be positive, got {sizes}")
    if min(input.shape[-dims:]) < 1:
        raise RuntimeError(f"{name}: expected input to have non-zero size for non-batch "
                           f"dimensions, but got input of size: {_size(input)}")
    _float_input(name, input)
    return sizes


def _adaptive_table(size, n, device):
    """For n adaptive windows over `size` positions: each window's positions padded to the
    longest window by repeating its last one, (n, width) int64; which of them are real, bool
    (n, width); and each window's length, (n,)."""
    starts = [i * size // n for i in range(n)]
    ends = [-(-(i + 1) * size // n) for i in range(n)]
    width = max(e - s for s, e in zip(starts, ends))
    offsets = reshape(arange(width, device=device), (1, width))
    first = reshape(_tensor(starts, dtype="int64", device=device), (n, 1))
    last = reshape(_tensor(ends, dtype="int64", device=device), (n, 1)) - 1
    index = first + offsets
    return index.clamp(max=last), index <= last, (last - first + 1).reshape(n)


def _adaptive_mean(input, axis, n):  # noqa: A002
    """Adaptive average pooling along one axis (a mean over a box is a mean of means)."""
    size = input.shape[axis]
    index, real, lengths = _adaptive_table(size, n, input.device)
    width = index.shape[1]
    gathered = input.index_select(axis, index.reshape(-1))
    shape = input.shape[:axis] + (n, width) + input.shape[axis + 1:]
    mask_shape = (n, width) + (1,) * (input.ndim - axis - 1)
    total = where(real.reshape(mask_shape), gathered.reshape(shape), 0.0).sum(axis + 1)
    return total / lengths.reshape(mask_shape[:1] + mask_shape[2:]).to(input.dtype)


def adaptive_avg_pool2d(input, output_size):  # noqa: A002
    """Average over adaptive windows of (N, C, H, W) or (C, H, W), giving output_size (an int,
    or a pair whose None entries keep the input's size)."""
    oh, ow = _adaptive_sizes("adaptive_avg_pool2d", input, output_size, 2)
    h, w = input.shape[-2:]
    if h % oh == 0 and w % ow == 0:
        return avg_pool2d(input, (h // oh, w // ow))
    return _adaptive_mean(_adaptive_mean(input, input.ndim - 2, oh), input.ndim - 1, ow)


def adaptive_avg_pool1d(input, output_size):  # noqa: A002
    """Average over adaptive windows along the last axis of (N, C, L) or (C, L)."""
    (n,) = _adaptive_sizes("adaptive_avg_pool1d", input, output_size, 1)
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, n)).squeeze(-2)


def adaptive_max_pool2d(input, output_size, return_indices=False):  # noqa: A002
    """Maximum over adaptive windows of (N, C, H, W) or (C, H, W); with return_indices, also
    the flat position (row * W + col) of each maximum in its input plane."""
    oh, ow = _adaptive_sizes("adaptive_max_pool2d", input, output_size, 2)
    h, w = input.shape[-2:]
    if h % oh == 0 and w % ow == 0:
        return max_pool2d(input, (h // oh, w // ow), return_indices=return_indices)
    rows, _, _ = _adaptive_table(h, oh, input.device)
    cols, _, _ = _adaptive_table(w, ow, input.device)
    kh, kw = rows.shape[1], cols.shape[1]
    lead = input.shape[:-2]
    # windows (..., OH, OW, KH*KW): the repeated last positions are real members, so they
    # cannot change a maximum, and argmax takes the first (row-major) of tied values
    windows = input.index_select(-2, rows.reshape(-1)).index_select(-1, cols.reshape(-1))
    windows = windows.reshape(*lead, oh, kh, ow, kw).movedim(-3, -2)
    windows = windows.reshape(*lead, oh, ow, kh * kw)
    best = windows.argmax(-1, keepdim=True)
    values = windows.take_along_dim(best, -1).squeeze(-1)
    if not return_indices:
        return values
    flat = (rows.reshape(oh, 1, kh, 1) * w + cols.reshape(1, ow, 1, kw)).reshape(oh, ow, -1)
    return values, flat.expand(windows.shape).take_along_dim(best, -1).squeeze(-1)


def adaptive_max_pool1d(input, output_size, return_indices=False):  # noqa: A002
    """Maximum over adaptive windows along the last axis of (N, C, L) or (C, L)."""
    (n,) = _adaptive_sizes("adaptive_max_pool1d", input, output_size, 1)
    out = adaptive_max_pool2d(input.unsqueeze(-2), (1, n), return_indices)
    if return_indices:
        return out[0].squeeze(-2), out[1].squeeze(-2)
    return out.squeeze(-2)


__all__ += ["conv1d", "conv_transpose1d", "conv_transpose2d", "max_pool1d", "avg_pool1d",
            "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool1d",
            "adaptive_max_pool2d"]


# ---- resizing and sliding blocks -----------------------------------------------------------

# mode -> the number of spatial axes it needs (None: any of 1, 2, 3)
_RESIZE_MODES = {"nearest": None, "nearest-exact": None, "area": None, "linear": 1,
                 "bilinear": 2, "trilinear": 3}


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,  # noqa: A002
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial axes (all after N and C) of input to `size`, or by `scale_factor`.

    Modes: "nearest" (output i takes input floor(i * scale), PyTorch's rule), "nearest-exact"
    (floor((i + 0.5) * scale)), "linear"/"bilinear"/"trilinear" (for 1, 2, 3 spatial axes;
    align_corners=True maps the corner pixels onto each other) and "area" (adaptive average
    pooling). scale is 1/scale_factor when one is given (unless recompute_scale_factor),
    else in/out. Each axis is resized in turn by gathering input rows with index_select
    (and, for the linear modes, blending two of them), so gradients come from those ops.
    """
    if mode not in _RESIZE_MODES:
        kind = NotImplementedError if mode == "bicubic" else ValueError
        raise kind(f"interpolate: mode {mode!r} is not supported; use one of "
                   f"{', '.join(map(repr, _RESIZE_MODES))}")
    spatial = input.ndim - 2
    if spatial not in (1, 2, 3):
        raise ValueError(f"interpolate expects (N, C, ...) input with 1 to 3 spatial axes (3D "
                         f"to 5D), got input of size: {_size(input)}")
    needed = _RESIZE_MODES[mode]
    if needed is not None and needed != spatial:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs "
                                  f"{needed + 2}D input")
    if align_corners is not None and needed is None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | trilinear")
    if antialias:
        raise NotImplementedError("interpolate(antialias=True) is not supported by tinytorch")
    sizes, factors = _resize_sizes(input, size, scale_factor, recompute_scale_factor)
    if mode == "area":
        _float_input("interpolate", input)
        out = input
        for axis, n in enumerate(sizes, start=2):
            out = _adaptive_mean(out, axis, n) if out.shape[axis] != n else out
        return out if out is not input else input.clone()
    if needed is not None:
        _float_input("interpolate", input)
    out = input
    for axis, (n, m, factor) in enumerate(zip(input.shape[2:], sizes, factors), start=2):
        if needed is None:
            out = out.index_select(axis, _tensor(_nearest_index(n, m, factor, mode),
                                                 dtype="int64", device=input.device))
        else:
            out = _linear_along(out, axis, m, factor, bool(align_corners))
    return out


def _resize_sizes(input, size, scale_factor, recompute):  # noqa: A002
    """(output sizes, scale factors to use or None each) of interpolate's spatial axes."""
    spatial, shape = input.ndim - 2, input.shape[2:]
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor, got "
                         + ("both" if size is not None else "neither"))
    if size is not None:
        sizes = _ints(size, spatial, "size")
        if min(sizes) < 1:
            raise ValueError(f"interpolate: output sizes must be positive, got {sizes}")
        return sizes, (None,) * spatial
    factors = scale_factor if isinstance(scale_factor, (tuple, list)) else (
        (scale_factor,) * spatial)
    if len(factors) != spatial or not all(isinstance(f, numbers.Real) and not isinstance(
            f, bool) for f in factors):
        raise TypeError(f"interpolate: scale_factor must be a number or {spatial} numbers for "
                        f"input of size {_size(input)}, got {scale_factor!r}")
    if not all(0 < f < 2**31 for f in factors):
        raise ValueError(f"interpolate: scale factors must be positive and finite, got "
                         f"{scale_factor!r}")
    sizes = tuple(math.floor(n * float(f)) for n, f in zip(shape, factors))
    if not all(0 < m < 2**31 for m in sizes):
        raise ValueError(f"interpolate: scale_factor {scale_factor!r} turns input of size "
                         f"{_size(input)} into spatial sizes {sizes}; they must be positive.")
    return sizes, (None,) * spatial if recompute else tuple(float(f) for f in factors)


def _float32(value):
    """value rounded to the nearest float32 (a float64 product or quotient of float32 values,
    rounded once more, is exactly the float32 operation's result)."""
    return struct.unpack("f", struct.pack("f", value))[0]


def _nearest_index(size, n, factor, mode):
    """The input position each of n outputs copies. PyTorch computes it in float32, and so
    does this, so a position that lands next to an integer rounds to the same pixel."""
    scale = _float32(1.0 / factor) if factor else _float32(size / n)
    offset = 0.5 if mode == "nearest-exact" else 0.0
    return [min(math.floor(_float32((i + offset) * scale)), size - 1) for i in range(n)]


def _linear_along(input, axis, n, factor, align_corners):  # noqa: A002
    """Linear interpolation of one axis to n samples: each output blends its two neighbours."""
    size = input.shape[axis]
    if align_corners:  # the first and last samples of input and output coincide
        scale = (size - 1) / (n - 1) if n > 1 else 0.0
    else:  # sample centres: output i sits at (i + 0.5) * scale - 0.5 in input coordinates
        scale = 1.0 / factor if factor else size / n
    lows, highs, weights = [], [], []
    for i in range(n):
        source = i * scale if align_corners else max((i + 0.5) * scale - 0.5, 0.0)
        low = min(int(source), size - 1)
        lows.append(low)
        highs.append(min(low + 1, size - 1))
        weights.append(min(source - low, 1.0))
    device, shape = input.device, (n,) + (1,) * (input.ndim - axis - 1)
    weight = reshape(_tensor(weights, dtype=input.dtype, device=device), shape)
    low = input.index_select(axis, _tensor(lows, dtype="int64", device=device))
    high = input.index_select(axis, _tensor(highs, dtype="int64", device=device))
    return low * (1 - weight) + high * weight


def _block_args(name, kernel_size, dilation, padding, stride):
    kernel, dilation = _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation")
    padding, stride = _pair(padding, "padding"), _pair(stride, "stride")
    if min(kernel) < 1 or min(dilation) < 1 or min(stride) < 1 or min(padding) < 0:
        raise ValueError(f"{name}: kernel_size, dilation and stride must be positive and "
                         f"padding non-negative, got kernel_size={kernel}, dilation={dilation},"
                         f" stride={stride}, padding={padding}")
    return kernel, dilation, padding, stride


def _block_grid(size, kernel, dilation, padding, stride):
    """How many blocks fit along each axis of a (padded) plane of `size`."""
    return tuple((n + 2 * p - d * (k - 1) - 1) // s + 1
                 for n, k, d, p, s in zip(size, kernel, dilation, padding, stride))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """im2col: the sliding kernel_size blocks of input (N, C, H, W) or (C, H, W) as columns,
    (N, C*kh*kw, L), rows channel-major (c*kh*kw + i*kw + j), blocks in row-major order."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"unfold: expected 3D (C, H, W) or 4D (N, C, H, W) input, but got "
                           f"input of size: {_size(input)}")
    kernel, dilation, padding, stride = _block_args("unfold", kernel_size, dilation, padding,
                                                    stride)
    _float_input("unfold", input)
    if input.ndim == 3:
        return unfold(input.unsqueeze(0), kernel, dilation, padding, stride)[0]
    grid = _block_grid(input.shape[2:], kernel, dilation, padding, stride)
    if min(grid) < 1:
        raise RuntimeError(f"unfold: input of size {_size(input)} with padding {padding} is "
                           f"smaller than the kernel {kernel} at dilation {dilation}: there are "
                           f"no blocks. Pad more, or use a smaller kernel.")
    return Unfold.apply(input, grid, kernel, stride, padding, dilation)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):  # noqa: A002
    """col2im, the adjoint of unfold: columns (N, C*kh*kw, L) or (C*kh*kw, L) added back into
    (N, C, H, W) planes of output_size, overlapping blocks summing up."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"fold: expected 2D (C*kh*kw, L) or 3D (N, C*kh*kw, L) input, but "
                           f"got input of size: {_size(input)}")
    size = _pair(output_size, "output_size")
    kernel, dilation, padding, stride = _block_args("fold", kernel_size, dilation, padding,
                                                    stride)
    _float_input("fold", input)
    if input.ndim == 2:
        return fold(input.unsqueeze(0), size, kernel, dilation, padding, stride)[0]
    grid = _block_grid(size, kernel, dilation, padding, stride)
    k = kernel[0] * kernel[1]
    if input.shape[1] % k or min(grid) < 1 or input.shape[2] != grid[0] * grid[1]:
        raise RuntimeError(f"fold: input of size {_size(input)} does not fit output_size "
                           f"{size} with kernel_size {kernel}, dilation {dilation}, padding "
                           f"{padding}, stride {stride}: dimension 1 must be divisible by "
                           f"{k} (the kernel's size) and dimension 2 must be the number of "
                           f"blocks, {max(grid[0], 0) * max(grid[1], 0)} ({grid[0]} x "
                           f"{grid[1]}).")
    return Fold.apply(input, size, grid, kernel, stride, padding, dilation)


__all__ += ["interpolate", "unfold", "fold"]


# ---- dropout, normalisation, embedding -----------------------------------------------------

def dropout(input, p=0.5, training=True, inplace=False):  # noqa: A002
    """Zero each element with probability p and scale the rest by 1/(1-p) (training only).

    The mask comes from tinytorch.rand, so tinytorch.manual_seed makes it reproducible.
    `inplace` is accepted for compatibility; the result is always a new tensor.
    """
    if isinstance(p, bool) or not isinstance(p, (int, float)):
        raise TypeError(f"dropout(): p must be a number between 0 and 1, got "
                        f"{type(p).__name__} ({p!r})")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    _float_input("dropout", input)
    if p == 1.0:
        return input * 0.0
    with no_grad():
        keep = rand(input.shape, dtype=input.dtype, device=input.device) >= p
        scaled_mask = keep.to(input.dtype) * (1.0 / (1.0 - p))
    return Dropout.apply(input, scaled_mask)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,  # noqa: A002
               momentum=0.1, eps=1e-5):
    """Normalise each channel (axis 1) over the batch and spatial axes.

    Training (or no running statistics): use the batch's mean and biased variance, and
    update running_mean/running_var in place as (1 - momentum) * old + momentum * new
    (with the unbiased variance). Evaluation: use the running statistics.
    """
    if input.ndim < 2:
        raise ValueError(f"batch_norm expects input of shape (N, C) or (N, C, ...), got "
                         f"{_size(input)}")
    _float_input("batch_norm", input)
    for name, t in (("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and not isinstance(t, Tensor):
            raise TypeError(f"batch_norm(): {name} must be a Tensor or None, not "
                            f"{type(t).__name__}")
    _same_device("batch_norm", input, weight)
    _same_device("batch_norm", input, running_mean, "running_mean")
    channels = input.shape[1]
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        if t is not None and t.shape != (channels,):
            raise RuntimeError(f"batch_norm: {name} has shape {t.shape} but the input has "
                               f"{channels} channels (axis 1 of {_size(input)}); it must be "
                               f"({channels},). Check num_features of the BatchNorm layer.")
    axes = (0, *range(2, input.ndim))
    param_shape = (1, channels) + (1,) * (input.ndim - 2)
    use_batch = training or running_mean is None or running_var is None
    mean = var = None
    if use_batch:
        count = input.numel() // channels
        if count <= 1 and training:
            raise ValueError(f"Expected more than 1 value per channel when training, got "
                             f"input size {_size(input)}. Use a batch larger than 1, or call "
                             f"model.eval().")
        if training and running_mean is not None and running_var is not None:
            with no_grad():
                mean = input.mean(axes, keepdim=True)
                var = input.var(axes, correction=0, keepdim=True)
                unbiased = var.reshape(channels) * (count / max(count - 1, 1))
                running_mean.mul_(1 - momentum).add_(
                    (mean.reshape(channels) * momentum).to(running_mean.dtype))
                running_var.mul_(1 - momentum).add_((unbiased * momentum).to(running_var.dtype))
    else:
        mean = running_mean.reshape(param_shape).to(input.dtype)
        var = running_var.reshape(param_shape).to(input.dtype)
    return Normalize.apply(input, weight, bias, mean, var, eps=eps, axes=axes,
                                   batch_stats=use_batch, param_shape=param_shape,
                                   param_axes=axes)


def _normalized_shape(name, input, normalized_shape, weight, bias=None):  # noqa: A002
    """normalized_shape as a tuple, checked against input's trailing axes and the parameters."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
    if not isinstance(shape, (tuple, list)) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in shape):
        raise TypeError(f"{name}(): normalized_shape must be an int or a sequence of ints, "
                        f"got {normalized_shape!r}")
    shape = tuple(shape)
    k = len(shape)
    if k == 0 or input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={list(shape)}, expected input with shape "
                           f"[*, {', '.join(map(str, shape))}], but got input of size "
                           f"{_size(input)}")
    _float_input(name, input)
    _same_device(name, input, weight)
    _same_device(name, input, bias, "bias")
    for what, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"{name}: {what} has shape {_size(t)} but normalized_shape is "
                               f"{list(shape)}; they must be equal.")
    return shape


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Normalise over the trailing `normalized_shape` axes of each sample."""
    shape = _normalized_shape("layer_norm", input, normalized_shape, weight, bias)
    k = len(shape)
    axes = tuple(range(input.ndim - k, input.ndim))
    return Normalize.apply(input, weight, bias, None, None, eps=eps, axes=axes,
                                   batch_stats=True, param_shape=shape,
                                   param_axes=tuple(range(input.ndim - k)))


# group, instance, RMS and local response norm (the layers in nn/normalization.py): built on
# Normalize and on plain ops, so their gradients need no backward of their own

def _positive_int(name, what, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}(): {what} must be a positive int, got {value!r}")
    if value < 1:
        raise RuntimeError(f"{name}() expects a positive {what}, but got {value}")
    return value


def _number(name, what, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name}(): {what} must be a number, got {value!r}")
    return value


def _per_channel(name, input, tensors):  # noqa: A002
    """Each of `tensors` (name -> tensor or None) holds one value per channel (input axis 1)."""
    channels = input.shape[1]
    for what, t in tensors.items():
        _same_device(name, input, t, what)
        if t is not None and tuple(t.shape) != (channels,):
            raise RuntimeError(f"{name}: {what} has shape {_size(t)} but the input has "
                               f"{channels} channels (axis 1 of {_size(input)}); it must be "
                               f"[{channels}]. Check num_features (num_channels) of the layer.")


def _scale_shift(out, weight, bias):
    """out * weight + bias with per-channel (axis 1) weight and bias; either may be None."""
    shape = (1, out.shape[1]) + (1,) * (out.ndim - 2)
    if weight is not None:
        out = out * reshape(weight, shape)
    return out if bias is None else out + reshape(bias, shape)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):  # noqa: A002
    """Normalise each sample over groups of consecutive channels (axis 1) and every position
    after them; weight and bias (one per channel) then scale and shift each channel."""
    num_groups = _positive_int("group_norm", "num_groups", num_groups)
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{input.ndim}: group_norm normalises (N, C, *) inputs.")
    n, channels = input.shape[:2]
    if channels % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {_size(input)} and "
                           f"num_groups={num_groups}")
    _float_input("group_norm", input)
    _number("group_norm", "eps", eps)
    _per_channel("group_norm", input, {"weight": weight, "bias": bias})
    per_group = input.numel() // (n * num_groups) if n else 0
    grouped = reshape(input, (n, num_groups, per_group))
    out = Normalize.apply(grouped, None, None, None, None, eps=eps, axes=(2,),
                          batch_stats=True, param_shape=(), param_axes=())
    return _scale_shift(reshape(out, input.shape), weight, bias)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,  # noqa: A002
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalise each (sample, channel) of an (N, C, *spatial) input over its spatial positions.

    With use_input_stats and running statistics, update them in place with the batch average
    of the instances' means and unbiased variances (as batch_norm does); without
    use_input_stats, normalise with the running statistics.
    """
    if input.ndim < 3:
        raise ValueError(f"instance_norm expects (N, C, *spatial) input with at least one "
                         f"spatial axis, got size {_size(input)}; add the missing axis, e.g. "
                         f"x.unsqueeze(-1).")
    _float_input("instance_norm", input)
    _number("instance_norm", "momentum", momentum)
    _number("instance_norm", "eps", eps)
    _per_channel("instance_norm", input, {"weight": weight, "bias": bias,
                                          "running_mean": running_mean,
                                          "running_var": running_var})
    channels, spatial = input.shape[1], tuple(range(2, input.ndim))
    param_shape = (1, channels) + (1,) * len(spatial)
    count = math.prod(input.shape[2:])
    mean = var = None
    if use_input_stats:
        if count <= 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input "
                             f"size {_size(input)}")
        if running_mean is not None and running_var is not None and input.numel():
            with no_grad():
                means = input.mean(spatial)                    # (N, C)
                unbiased = input.var(spatial, correction=1)    # (N, C)
                running_mean.mul_(1 - momentum).add_(
                    (means.mean(0) * momentum).to(running_mean.dtype))
                running_var.mul_(1 - momentum).add_(
                    (unbiased.mean(0) * momentum).to(running_var.dtype))
    elif running_mean is None or running_var is None:
        raise RuntimeError("Expected running_mean and running_var to be defined when "
                           "use_input_stats is false; pass them, or use_input_stats=True.")
    else:
        mean = reshape(running_mean, param_shape).to(input.dtype)
        var = reshape(running_var, param_shape).to(input.dtype)
    return Normalize.apply(input, weight, bias, mean, var, eps=eps, axes=spatial,
                           batch_stats=bool(use_input_stats), param_shape=param_shape,
                           param_axes=(0, *spatial))


def rms_norm(input, normalized_shape, weight=None, eps=None):  # noqa: A002
    """input / sqrt(mean(input**2) + eps) * weight, the mean over the trailing
    `normalized_shape` axes; eps=None means the machine epsilon of input's dtype."""
    shape = _normalized_shape("rms_norm", input, normalized_shape, weight)
    eps = _dt.finfo(input.dtype).eps if eps is None else _number("rms_norm", "eps", eps)
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    out = input * ((input * input).mean(axes, keepdim=True) + eps).rsqrt()
    return out if weight is None else out * weight


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):  # noqa: A002
    """input / (k + alpha / size * (sum of squares over `size` neighbouring channels)) ** beta,
    the window over channels c - size//2 .. c + (size-1)//2 (zeros past the ends)."""
    size = _positive_int("local_response_norm", "size", size)
    for what, value in (("alpha", alpha), ("beta", beta), ("k", k)):
        _number("local_response_norm", what, value)
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} "
                         f"dimensions): local_response_norm works across the channels of "
                         f"(N, C, *spatial) inputs.")
    _float_input("local_response_norm", input)
    if input.numel() == 0:
        return input * 1
    channels = input.shape[1]
    squares = pad(input * input, (0, 0) * (input.ndim - 2) + (size // 2, (size - 1) // 2))
    window = squares.narrow(1, 0, channels)
    for offset in range(1, size):
        window = window + squares.narrow(1, offset, channels)
    return input / (window * (alpha / size) + k) ** beta


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,  # noqa: A002
              scale_grad_by_freq=False, sparse=False):
    """Rows of `weight` (num_embeddings, dim) at the integer indices `input` (any shape)."""
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: max_norm, scale_grad_by_freq and sparse are not "
                                  "supported in tinytorch; leave them at their defaults.")
    if not _dt.is_integral(input.dtype):
        raise TypeError(f"embedding expects integer indices (int64 or int32), got {input.dtype}."
                        f" Convert them with indices.long().")
    if weight.ndim != 2:
        raise RuntimeError(f"embedding expects a 2-D weight, got size {_size(weight)}")
    _same_device("embedding", input, weight)
    if padding_idx is not None:
        rows = weight.shape[0]
        if not -rows <= padding_idx < rows:
            raise ValueError(f"padding_idx must be within num_embeddings ({rows}), got "
                             f"{padding_idx}")
        padding_idx %= rows
    return Embedding.apply(weight, input, padding_idx=padding_idx)


def embedding_bag(input, weight, offsets=None, max_norm=None, norm_type=2,  # noqa: A002
                  scale_grad_by_freq=False, mode="mean", sparse=False, per_sample_weights=None,
                  include_last_offset=False, padding_idx=None):
    """The sum, mean or max of the embedding rows of each bag of indices: each row of a 2-D
    input (B, N), or each run of a 1-D input that starts at an entry of `offsets` (B,) (with
    include_last_offset, offsets has B + 1 entries and the last one is dropped). An empty bag,
    or one holding only padding_idx, gives zeros. per_sample_weights (the input's shape)
    scales each row, for mode="sum" only.

    Built from embedding and reductions: the bags are laid out as a padded (B, longest bag)
    index table with a mask, so autograd handles it like any other composition.
    """
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding_bag: max_norm, scale_grad_by_freq and sparse are "
                                  "not supported in tinytorch; leave them at their defaults.")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"embedding_bag: mode must be 'sum', 'mean' or 'max', got {mode!r}")
    if not _dt.is_integral(input.dtype):
        raise TypeError(f"embedding_bag expects integer indices (int64 or int32), got "
                        f"{input.dtype}. Convert them with indices.long().")
    if weight.ndim != 2:
        raise RuntimeError(f"embedding_bag expects a 2-D weight, got size {_size(weight)}")
    _same_device("embedding_bag", input, weight)
    scales = per_sample_weights
    if scales is not None:
        _need_tensors("embedding_bag", per_sample_weights=scales)
        if mode != "sum":
            raise ValueError(f"embedding_bag: per_sample_weights is only supported for "
                             f"mode='sum', got mode={mode!r}; scale the result yourself, or "
                             f"use mode='sum'.")
        if scales.shape != input.shape:
            raise ValueError(f"embedding_bag: per_sample_weights has shape {_size(scales)} but "
                             f"the input has shape {_size(input)}; give one weight per index.")
        _same_dtype("embedding_bag", scales, weight)
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("embedding_bag: a 2-D input already holds one bag per row, so "
                             "offsets must be None; pass a 1-D input to use offsets.")
        bags, member = input, input >= 0   # all True (the range is checked by embedding)
    elif input.ndim == 1:
        bags, member, positions = _bags_from_offsets(input, offsets, include_last_offset)
        if scales is not None:
            scales = scales[positions]
    else:
        raise ValueError(f"embedding_bag expects a 1-D input with offsets, or a 2-D input "
                         f"(bags, indices per bag), got size {_size(input)}")
    if padding_idx is not None:
        rows = weight.shape[0]
        if not -rows <= padding_idx < rows:
            raise ValueError(f"padding_idx must be within num_embeddings ({rows}), got "
                             f"{padding_idx}")
        member = member & (bags != padding_idx % rows)   # padding counts as absent
    vectors = embedding(bags, weight)                      # (B, longest bag, D)
    if mode == "max" and vectors.shape[1]:
        best = where(member.unsqueeze(-1), vectors, -math.inf).max(1).values
        return where(member.any(1, keepdim=True), best, 0.0)   # an empty bag gives zeros
    if scales is not None:
        vectors = vectors * scales.unsqueeze(-1)
    # where, not a product with the mask: a nan or inf that a padding slot reads (a row, or a
    # per-sample weight) must not reach the bag
    total = where(member.unsqueeze(-1), vectors, 0.0).sum(1)
    if mode != "mean":
        return total
    return total / member.sum(1, keepdim=True).clamp(min=1).to(weight.dtype)


def _bags_from_offsets(input, offsets, include_last_offset):  # noqa: A002
    """(bags, member, positions) for a 1-D input split at `offsets`: the indices of each bag in
    one row of a (B, longest bag) table, `member` marking the real entries (the rest point at
    position 0), and `positions` those entries' places in the input."""
    if offsets is None:
        raise ValueError("embedding_bag: a 1-D input needs offsets, the position where each bag "
                         "starts (e.g. tensor([0, 3]) for bags input[0:3], input[3:]); or pass "
                         "a 2-D input with one bag per row.")
    _need_tensors("embedding_bag", offsets=offsets)
    _same_device("embedding_bag", input, offsets, "offsets")
    if offsets.ndim != 1 or not _dt.is_integral(offsets.dtype):
        raise ValueError(f"embedding_bag: offsets must be a 1-D integer tensor, got "
                         f"{offsets.dtype} of size {_size(offsets)}")
    length = input.shape[0]
    starts = offsets[:-1] if include_last_offset else offsets
    # each bag ends where the next starts, the last at the end of the input (with
    # include_last_offset too: PyTorch reads the extra offset as the input's length)
    inner = offsets[1:-1] if include_last_offset else offsets[1:]
    end = full((1,), length, dtype=offsets.dtype, device=offsets.device)
    ends = cat([inner, end])[:starts.shape[0]]
    if offsets.numel():
        first, last = int(offsets[0].item()), int(offsets[-1].item())
        if first != 0 or last > length or bool((ends < starts).any()):
            raise RuntimeError(f"embedding_bag: offsets must start at 0, never decrease and "
                               f"stay within the input's length {length}, got "
                               f"{offsets.tolist()}")
    sizes = ends - starts
    longest = int(sizes.max().item()) if sizes.numel() else 0
    columns = arange(longest, device=input.device)
    member = columns.unsqueeze(0) < sizes.unsqueeze(1)
    positions = where(member, starts.unsqueeze(1) + columns.unsqueeze(0), 0)
    bags = input[positions] if length else positions   # no input: every bag is empty
    return bags, member, positions


__all__ += ["embedding_bag"]


# ---- activations ---------------------------------------------------------------------------

def relu(input, inplace=False):  # noqa: A002
    return _relu(input)


def leaky_relu(input, negative_slope=0.01, inplace=False):  # noqa: A002
    return where(input > 0, input, input * negative_slope)


def gelu(input, approximate="none"):  # noqa: A002
    """x * Phi(x) (Phi the normal CDF, through an exact erf), or its tanh approximation."""
    _float_input("gelu", input)
    if approximate == "none":
        return Gelu.apply(input)
    if approximate == "tanh":
        return GeluTanh.apply(input)
    raise ValueError(f"approximate argument must be either 'none' or 'tanh', got "
                     f"{approximate!r}")


def silu(input, inplace=False):  # noqa: A002
    return input * _sigmoid(input)


def sigmoid(input):  # noqa: A002
    return _sigmoid(input)


def tanh(input):  # noqa: A002
    return _tanh(input)


# ---- more activations ----------------------------------------------------------------------
# Each is a composition of tinytorch ops, so autograd and every device come for free. Piecewise
# ones pick their branch with `where`; a branch that would overflow where it is not picked gets
# a clamped input, because `where` sends that branch a zero gradient and 0 * inf would be nan.

_SELU_ALPHA = 1.6732632423543772848170429916717   # the self-normalising constants of SELU
_SELU_SCALE = 1.0507009873554804934193349852946


def threshold(input, threshold, value, inplace=False):  # noqa: A002
    """`value` where input <= threshold, input elsewhere (nan stays nan)."""
    _float_input("threshold", input)
    threshold, value = _number("threshold", "threshold", threshold), _number("threshold",
                                                                             "value", value)
    return where(input <= threshold, value, input)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):  # noqa: A002
    """input clipped to [min_val, max_val]; the gradient is 0 at and beyond either end."""
    _float_input("hardtanh", input)
    low, high = _number("hardtanh", "min_val", min_val), _number("hardtanh", "max_val", max_val)
    if low > high:
        raise ValueError(f"hardtanh: min_val ({low}) cannot be greater than max_val ({high})")
    # not clamp: clamp passes the gradient at the ends, PyTorch's hardtanh does not
    return where(input <= low, low, where(input >= high, high, input))


def relu6(input, inplace=False):  # noqa: A002
    _float_input("relu6", input)
    return hardtanh(input, 0.0, 6.0)


def elu(input, alpha=1.0, inplace=False):  # noqa: A002
    """input where positive, alpha * (exp(input) - 1) elsewhere."""
    _float_input("elu", input)
    alpha = _number("elu", "alpha", alpha)
    return where(input > 0, input, alpha * expm1(input.clamp(max=0.0)))


def selu(input, inplace=False):  # noqa: A002
    _float_input("selu", input)
    return elu(input, _SELU_ALPHA) * _SELU_SCALE


def celu(input, alpha=1.0, inplace=False):  # noqa: A002
    """input where positive, alpha * (exp(input / alpha) - 1) elsewhere."""
    _float_input("celu", input)
    alpha = _number("celu", "alpha", alpha)
    if alpha == 0:
        raise ValueError("celu: alpha cannot be 0 (the input is divided by it); pass a "
                         "nonzero alpha")
    return where(input > 0, input, alpha * expm1(input.clamp(max=0.0) / alpha))


def softplus(input, beta=1.0, threshold=20.0):  # noqa: A002
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (PyTorch's cut-off)."""
    _float_input("softplus", input)
    beta = _number("softplus", "beta", beta)
    threshold = _number("softplus", "threshold", threshold)
    if beta == 0:
        raise ValueError("softplus: beta must be nonzero (the result is divided by it)")
    scaled = input * beta
    # logaddexp(z, 0) = log(1 + e^z) without overflow, with the exact gradient sigmoid(z)
    smooth = logaddexp(scaled.clamp(max=threshold), 0.0) / beta
    return where(scaled > threshold, input, smooth)


def logsigmoid(input):  # noqa: A002
    """log(sigmoid(x)) = -log(1 + exp(-x)), finite for any finite x."""
    _float_input("logsigmoid", input)
    return -logaddexp(-input, 0.0)


def hardsigmoid(input, inplace=False):  # noqa: A002
    """x / 6 + 1/2 clipped to [0, 1]: a piecewise-linear sigmoid."""
    _float_input("hardsigmoid", input)
    return where(input <= -3.0, 0.0, where(input >= 3.0, 1.0, input / 6.0 + 0.5))


def hardswish(input, inplace=False):  # noqa: A002
    _float_input("hardswish", input)
    return input * hardsigmoid(input)


def mish(input, inplace=False):  # noqa: A002
    """x * tanh(softplus(x))."""
    _float_input("mish", input)
    return input * _tanh(softplus(input))


def softsign(input):  # noqa: A002
    _float_input("softsign", input)
    return input / (input.abs() + 1.0)


def tanhshrink(input):  # noqa: A002
    _float_input("tanhshrink", input)
    return input - _tanh(input)


def softshrink(input, lambd=0.5):  # noqa: A002
    """input moved lambd towards 0, and 0 within [-lambd, lambd]."""
    _float_input("softshrink", input)
    lambd = _number("softshrink", "lambd", lambd)
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be non-negative, got {lambd}")
    # input * 0, not 0: a nan input stays nan
    return where(input > lambd, input - lambd, where(input < -lambd, input + lambd, input * 0))


def hardshrink(input, lambd=0.5):  # noqa: A002
    """input where |input| > lambd, 0 elsewhere."""
    _float_input("hardshrink", input)
    lambd = _number("hardshrink", "lambd", lambd)
    return where(input.abs() > lambd, input, input * 0)


def glu(input, dim=-1):  # noqa: A002
    """a * sigmoid(b) for the two halves a, b of input along dim."""
    if input.ndim == 0:
        raise RuntimeError("glu needs an axis to halve, but got a 0-d tensor")
    axis = normalize_dim(dim, input.ndim)
    if input.shape[axis] % 2:
        raise RuntimeError(f"glu halves dim {dim}, so its size must be even, but it is "
                           f"{input.shape[axis]} (input of size {_size(input)})")
    _float_input("glu", input)
    first, second = input.chunk(2, axis)
    return first * _sigmoid(second)


def softmin(input, dim=None, _stacklevel=3, dtype=None):  # noqa: A002
    """softmax(-input): the smallest entries get the largest weights."""
    return softmax(-input, dim, dtype=dtype)


def prelu(input, weight):  # noqa: A002
    """input where positive, weight * input elsewhere; weight has 1 entry or one per channel
    (axis 1 of the input)."""
    _float_input("prelu", input)
    _same_dtype("prelu", input, weight)
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() not in (1, channels):
        raise RuntimeError(f"prelu: weight has {weight.numel()} entries but the input "
                           f"{_size(input)} has {channels} channels (axis 1); give one weight, "
                           f"or one per channel (PReLU(num_parameters={channels})).")
    if weight.numel() == 1:
        slope = weight.reshape(())
    else:
        slope = weight.reshape((channels,) + (1,) * (input.ndim - 2))
    return where(input > 0, input, input * slope)


__all__ += ["threshold", "hardtanh", "relu6", "elu", "selu", "celu", "softplus", "logsigmoid",
            "hardsigmoid", "hardswish", "mish", "softsign", "tanhshrink", "softshrink",
            "hardshrink", "glu", "softmin", "prelu"]


# ---- losses --------------------------------------------------------------------------------

def _class_targets(name, input, target):  # noqa: A002
    """Check class-index targets against input (N, C, d1, ...) and return them as int64."""
    if not _dt.is_integral(target.dtype):
        raise TypeError(f"{name} expects integer class indices as target (dtype int64), got "
                        f"{target.dtype}. Convert with target.long(); for class probabilities "
                        f"pass a float target of the input's shape to cross_entropy.")
    expected = input.shape[:1] + input.shape[2:]
    if tuple(target.shape) != tuple(expected):
        raise ValueError(f"{name}: expected target of shape {tuple(expected)} for input of shape"
                         f" {tuple(input.shape)} (classes on axis 1), but got target of shape "
                         f"{tuple(target.shape)}. Targets hold one class index per sample, not "
                         f"one-hot vectors; use target.argmax(1) to convert one-hot targets.")
    return target if target.dtype == "int64" else target.long()


def _class_axis_present(name, scores):
    if scores.ndim == 0:
        raise TensorIndexError(f"{name} expects scores with a class axis, (C,) or (N, C, ...), "
                               f"got a 0-d tensor. Stack the scores of every class into one "
                               f"axis.")


def _class_nll(name, scores, target, weight, ignore_index, reduction, smoothing,
               from_logits):
    """The class-index loss of (N, C, d1, ...) scores: log-probabilities, or logits when
    from_logits (then log_softmax over C happens inside the same Function)."""
    _check_reduction(reduction)
    _class_axis_present(name, scores)
    if scores.ndim == 1:  # one unbatched sample
        out = _class_nll(name, scores.unsqueeze(0), target.reshape(1), weight, ignore_index,
                         reduction, smoothing, from_logits)
        return out.reshape(()) if reduction == "none" else out
    _same_device(name, scores, target, "target")
    target = _class_targets(name, scores, target)
    classes = scores.shape[1]
    if weight is not None and weight.shape != (classes,):
        raise ValueError(f"{name}: weight should have one entry per class ({classes},), got "
                         f"{weight.shape}")
    if weight is not None and weight.dtype != scores.dtype:
        weight = weight.to(scores.dtype)
    if scores.ndim > 2:
        scores = reshape(movedim(scores, 1, -1), (-1, classes))
    loss = NllLoss.apply(scores, reshape(target, (-1,)), weight,
                                  ignore_index=ignore_index, smoothing=smoothing,
                                  reduction=reduction, from_logits=from_logits)
    return reshape(loss, target.shape) if reduction == "none" else loss


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):  # noqa: A002
    """Negative log-likelihood of class indices, from log-probabilities (N, C, d1, ...)."""
    _float_input("nll_loss", input)
    return _class_nll("nll_loss", input, target, weight, ignore_index, reduction, 0.0, False)


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean",  # noqa: A002
                  label_smoothing=0.0):
    """Softmax cross-entropy of logits (N, C) or (N, C, d1, ...) against class indices
    (or against class probabilities of the input's shape). Stable for any logit magnitude."""
    _float_input("cross_entropy", input)
    _class_axis_present("cross_entropy", input)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    _check_reduction(reduction)
    if _dt.is_floating_point(target.dtype):
        class_axis = 0 if input.ndim == 1 else 1
        return _soft_cross_entropy(log_softmax(input, class_axis), target, weight, reduction,
                                   label_smoothing, class_axis)
    return _class_nll("cross_entropy", input, target, weight, ignore_index, reduction,
                      label_smoothing, True)


def _soft_cross_entropy(logp, target, weight, reduction, smoothing, class_axis):
    if target.shape != logp.shape:
        raise ValueError(f"cross_entropy: a float target is read as class probabilities and "
                         f"must have the input's shape {tuple(logp.shape)}, got "
                         f"{tuple(target.shape)}. If it holds class indices, convert it with "
                         f"target.long().")
    classes = logp.shape[class_axis]
    if smoothing:
        target = target * (1 - smoothing) + smoothing / classes
    terms = logp * target
    if weight is not None:
        terms = terms * reshape(weight, (classes,) + (1,) * (logp.ndim - class_axis - 1))
    loss = -terms.sum(class_axis)
    if reduction == "none":
        return loss
    total = loss.sum()
    return total if reduction == "sum" else total / (logp.numel() // classes)


def _binary_args(name, input, target, weight):  # noqa: A002
    _same_device(name, input, target, "target")
    if target.shape != input.shape:
        raise ValueError(f"{name}: Target size ({tuple(target.shape)}) must be the same as "
                         f"input size ({tuple(input.shape)}). Reshape the target, e.g. "
                         f"target.reshape(input.shape).")
    _float_input(name, input)
    if not _dt.is_floating_point(target.dtype):
        raise TypeError(f"{name} expects float targets (0.0 or 1.0, or probabilities), got "
                        f"{target.dtype}. Convert with target.to('{input.dtype}').")
    if target.dtype != input.dtype:
        target = target.to(input.dtype)
    if weight is not None and weight.dtype != input.dtype:
        weight = weight.to(input.dtype)
    _check_broadcasts(name, "weight", weight, input, "one weight per element (or per trailing "
                      "axis)")
    return target, weight


def _check_broadcasts(name, what, t, input, fix):  # noqa: A002
    """Refuse a `what` tensor (None passes) that does not broadcast to input's exact shape."""
    shape, target = (), input.shape
    if t is not None:
        shape = t.shape
    if len(shape) > len(target) or not all(
            n in (1, m) for n, m in zip(reversed(shape), reversed(target))):
        raise RuntimeError(f"{name}: {what} of shape {_size(t)} does not broadcast to the "
                           f"input's shape {_size(input)}; give {fix}.")


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean",  # noqa: A002
                                     pos_weight=None):
    """-[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))] from logits x, without overflow."""
    _check_reduction(reduction)
    target, weight = _binary_args("binary_cross_entropy_with_logits", input, target, weight)
    if pos_weight is not None and pos_weight.dtype != input.dtype:
        pos_weight = pos_weight.to(input.dtype)
    _check_broadcasts("binary_cross_entropy_with_logits", "pos_weight", pos_weight, input,
                      "one weight per class (the last axis)")
    return BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight,
                                              reduction=reduction)


def binary_cross_entropy(input, target, weight=None, reduction="mean"):  # noqa: A002
    """-[y log p + (1 - y) log(1 - p)] from probabilities p in [0, 1] (logs clamped at -100)."""
    _check_reduction(reduction)
    target, weight = _binary_args("binary_cross_entropy", input, target, weight)
    with no_grad():
        outside = ~((input >= 0) & (input <= 1)).all()  # nan is outside too
    if bool(outside):
        raise RuntimeError("binary_cross_entropy: all elements of input should be between 0 "
                           "and 1. Apply sigmoid first, or better, use "
                           "binary_cross_entropy_with_logits on the raw scores.")
    return BinaryCrossEntropy.apply(input, target, weight, reduction=reduction)


def _warn_broadcast(name, input, target):  # noqa: A002
    if input.shape != target.shape:
        warnings.warn(f"{name}: using a target size ({tuple(target.shape)}) that is different "
                      f"to the input size ({tuple(input.shape)}). This will likely lead to "
                      f"incorrect results due to broadcasting. Please ensure they have the same "
                      f"size.", stacklevel=3)


def _reduce(loss, reduction):
    _check_reduction(reduction)
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def mse_loss(input, target, reduction="mean"):  # noqa: A002
    """Mean (or sum) of squared differences."""
    _warn_broadcast("mse_loss", input, target)
    difference = input - target
    return _reduce(difference * difference, reduction)


def l1_loss(input, target, reduction="mean", weight=None):  # noqa: A002
    """Mean (or sum) of absolute differences; with `weight` (the input's shape), the weighted
    sum, divided by the sum of the weights for "mean"."""
    _warn_broadcast("l1_loss", input, target)
    loss = (input - target).abs()
    if weight is None:
        return _reduce(loss, reduction)
    _check_reduction(reduction)
    _loss_weight("l1_loss", input, weight)
    loss = loss * weight
    if reduction == "mean":
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


# ---- more losses ---------------------------------------------------------------------------
# Compositions of tinytorch ops (gradients and devices for free). Arguments that PyTorch takes
# after its deprecated size_average/reduce pair are keyword-only here, so a positional call
# that PyTorch accepts either means the same thing or raises, never something else.

def _need_tensors(function, **named):
    """TypeError for arguments that must be tensors but whose names the generic check
    (errors.tensor_arguments) does not know (input1, anchor, var, ...)."""
    for name, value in named.items():
        if not isinstance(value, Tensor):
            raise TypeError(f"{function}(): argument '{name}' must be a Tensor, not "
                            f"{type(value).__name__}. Wrap data with tinytorch.tensor(...) "
                            f"first.")


def _loss_weight(function, input, weight):  # noqa: A002
    if weight.shape != input.shape:
        raise ValueError(f"{function}: weight has shape {_size(weight)} but the input has shape "
                         f"{_size(input)}; give one weight per element.")


def kl_div(input, target, *, reduction="mean", log_target=False):  # noqa: A002
    """Pointwise KL divergence target * (log target - input), `input` holding log-probabilities
    (and `target` too with log_target=True). reduction="batchmean" divides the sum by the
    batch size (axis 0), which is the KL divergence per sample; "mean" divides by every
    element."""
    _float_input("kl_div", input)
    if reduction == "mean":
        warnings.warn("kl_div(reduction='mean') averages over every element, not over samples; "
                      "for the KL divergence per sample, pass reduction='batchmean'.",
                      stacklevel=3)
    elif reduction != "batchmean":
        _check_reduction(reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = xlogy(target, target) - target * input   # xlogy: 0 log 0 = 0
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)


def smooth_l1_loss(input, target, *, reduction="mean", beta=1.0):  # noqa: A002
    """0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (d = input - target)."""
    beta = _number("smooth_l1_loss", "beta", beta)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be non-negative, got {beta}")
    _warn_broadcast("smooth_l1_loss", input, target)
    distance = (input - target).abs()
    if beta == 0:  # the quadratic piece vanishes: plain L1
        return _reduce(distance, reduction)
    return _reduce(where(distance < beta, 0.5 * distance * distance / beta,
                         distance - 0.5 * beta), reduction)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):  # noqa: A002
    """0.5 d^2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere: smooth_l1_loss times
    delta. With `weight` (the input's shape), each term is weighted and "mean" divides by the
    number of elements."""
    delta = _number("huber_loss", "delta", delta)
    if not delta > 0:
        raise ValueError(f"huber_loss: delta must be positive, got {delta}")
    _warn_broadcast("huber_loss", input, target)
    distance = (input - target).abs()
    loss = where(distance < delta, 0.5 * distance * distance, delta * (distance - 0.5 * delta))
    if weight is not None:
        _loss_weight("huber_loss", input, weight)
        loss = loss * weight
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, *, reduction="mean"):  # noqa: A002
    """log(1 + exp(-target * input)) for targets +1/-1: a smooth hinge."""
    _float_input("soft_margin_loss", input)
    return _reduce(logaddexp(-target * input, 0.0), reduction)


def margin_ranking_loss(input1, input2, target, margin=0.0, *, reduction="mean"):
    """max(0, margin - target * (input1 - input2)): target 1 asks for input1 > input2 by at
    least margin, -1 for the opposite."""
    _need_tensors("margin_ranking_loss", input1=input1, input2=input2)
    margin = _number("margin_ranking_loss", "margin", margin)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(f"margin_ranking_loss: input1, input2 and target must have the same "
                           f"number of dimensions, got sizes {_size(input1)}, {_size(input2)} "
                           f"and {_size(target)}")
    # clamp, not relu: at exactly 0 the gradient passes, as in PyTorch
    return _reduce((margin - target * (input1 - input2)).clamp(min=0.0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, *, reduction="mean"):  # noqa: A002
    """input where target is 1, max(0, margin - input) where it is -1 (input usually a
    distance between two embeddings)."""
    _float_input("hinge_embedding_loss", input)
    margin = _number("hinge_embedding_loss", "margin", margin)
    below_margin = (margin - input).clamp(min=0.0)
    # any other target value counts both terms, as PyTorch's does
    loss = where(target != 1, below_margin, 0.0) + where(target != -1, input, 0.0)
    return _reduce(loss, reduction)


_COSINE_EPS = 1e-12  # added to each squared norm: a zero vector gives cosine 0, not nan


def cosine_embedding_loss(input1, input2, target, margin=0.0, *, reduction="mean"):
    """1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1; inputs
    (N, D) with target (N,), or one pair (D,) with a 0-d target."""
    _need_tensors("cosine_embedding_loss", input1=input1, input2=input2)
    margin = _number("cosine_embedding_loss", "margin", margin)
    if input1.shape != input2.shape or input1.ndim not in (1, 2) or \
            target.ndim != input1.ndim - 1:
        raise RuntimeError(f"cosine_embedding_loss expects inputs of one shape, (N, D) with a "
                           f"target (N,) or (D,) with a 0-d target, got {_size(input1)}, "
                           f"{_size(input2)} and target {_size(target)}")
    _float_input("cosine_embedding_loss", input1)
    axis = input1.ndim - 1
    squared = ((input1 * input1).sum(axis) + _COSINE_EPS) * ((input2 * input2).sum(axis)
                                                             + _COSINE_EPS)
    cosine = (input1 * input2).sum(axis) / squared.sqrt()
    loss = where(target == 1, 1.0 - cosine, 0.0) + where(target == -1,
                                                         (cosine - margin).clamp(min=0.0), 0.0)
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6,  # noqa: A002
                        swap=False, *, reduction="mean"):
    """max(0, margin + d(anchor, positive) - d(anchor, negative)), d the p-norm distance
    (pairwise_distance); swap=True uses the closer of d(anchor, negative) and
    d(positive, negative)."""
    _need_tensors("triplet_margin_loss", anchor=anchor, positive=positive, negative=negative)
    margin = _number("triplet_margin_loss", "margin", margin)
    if not margin > 0:
        raise ValueError(f"triplet_margin_loss: margin must be greater than 0, got {margin}")
    if not anchor.ndim == positive.ndim == negative.ndim or anchor.ndim not in (1, 2):
        raise RuntimeError(f"triplet_margin_loss expects anchor, positive and negative of the "
                           f"same number of dimensions, (N, D) or (D,), got {_size(anchor)}, "
                           f"{_size(positive)} and {_size(negative)}")
    _float_input("triplet_margin_loss", anchor)
    to_positive = pairwise_distance(anchor, positive, p, eps)
    to_negative = pairwise_distance(anchor, negative, p, eps)
    if swap:
        to_negative = minimum(to_negative, pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + to_positive - to_negative).clamp(min=0.0), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, *, reduction="mean"):  # noqa: A002
    """Binary cross-entropy of logits against 0/1 targets, averaged over the classes (the
    last axis): one loss per sample, then reduced."""
    _float_input("multilabel_soft_margin_loss", input)
    if input.ndim == 0:
        raise RuntimeError("multilabel_soft_margin_loss expects input (N, C) or (C,), got a "
                           "0-d tensor")
    # log sigmoid(x) = -log(1 + exp(-x)), computed without overflow by logaddexp
    loss = target * logaddexp(-input, 0.0) + (1.0 - target) * logaddexp(input, 0.0)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.mean(-1), reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, *, eps=1e-8,  # noqa: A002
                     reduction="mean"):
    """Negative log-likelihood of a Poisson count `target` with rate exp(input) (log_input)
    or input (+ eps inside the log), without the constant log(target!) unless full=True,
    which adds its Stirling approximation where target > 1."""
    _float_input("poisson_nll_loss", input)
    eps = _number("poisson_nll_loss", "eps", eps)
    if not _dt.is_floating_point(target.dtype):  # counts often arrive as integers
        target = target.to(input.dtype)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        counts = target.clamp(min=1.0)  # the term is 0 for target <= 1; keep log away from 0
        stirling = counts * counts.log() - counts + 0.5 * (2 * math.pi * counts).log()
        loss = loss + where(target > 1, stirling, 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):  # noqa: A002
    """Negative log-likelihood of `target` under a normal with mean `input` and variance
    `var`: 0.5 (log var + (input - target)^2 / var), plus 0.5 log(2 pi) with full=True.
    var has the input's shape, or one entry per sample (the input's shape without its last
    axis, or with it 1), or is a number; it is clamped to at least eps."""
    _float_input("gaussian_nll_loss", input)
    if isinstance(var, (int, float)) and not isinstance(var, bool):
        var = full_like(input, var)
    _need_tensors("gaussian_nll_loss", var=var)
    eps = _number("gaussian_nll_loss", "eps", eps)
    _check_reduction(reduction)
    if var.shape != input.shape:
        if input.ndim and var.shape == input.shape[:-1]:
            var = var.unsqueeze(-1)       # one variance per sample
        elif not (input.ndim and var.ndim and var.shape[:-1] == input.shape[:-1]
                  and var.shape[-1] == 1):
            raise ValueError(f"gaussian_nll_loss: var of shape {_size(var)} does not fit the "
                             f"input's shape {_size(input)}; give the input's shape, or that "
                             f"shape without its last axis (or with it 1).")
    with no_grad():
        if bool((var < 0).any()):
            raise ValueError("gaussian_nll_loss: var has negative entries; variances must be "
                             "non-negative (e.g. pass softplus(raw) or raw.exp()).")
        floor = var.clamp(min=eps) - var
    # clamped in value only: the gradient reaches var as if it had not been clamped
    var = var + floor
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


__all__ += ["kl_div", "smooth_l1_loss", "huber_loss", "soft_margin_loss", "margin_ranking_loss",
            "hinge_embedding_loss", "cosine_embedding_loss", "triplet_margin_loss",
            "multilabel_soft_margin_loss", "poisson_nll_loss", "gaussian_nll_loss"]


# ---- attention -----------------------------------------------------------------------------

def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None):
    """softmax(Q K^T * scale + mask) V for Q (..., L, E), K (..., S, E), V (..., S, Ev).

    attn_mask: a bool mask where True means "may attend" (PyTorch's convention for this
    function), or a float mask added to the scores; broadcastable to (..., L, S).
    is_causal: position i attends to positions j <= i only. scale defaults to 1/sqrt(E).
    A row whose every score is masked gives nan, as in PyTorch.
    """
    for name, t in (("query", query), ("key", key), ("value", value)):
        if t.ndim < 2:
            raise RuntimeError(f"scaled_dot_product_attention: {name} needs at least 2 dimensions "
                               f"(..., sequence, embedding), got shape {list(t.shape)}")
    if query.shape[-1] != key.shape[-1]:
        raise RuntimeError(f"scaled_dot_product_attention: query and key need the same last "
                           f"dimension (embedding size), got {query.shape} and {key.shape}")
    if key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: key and value need the same "
                           f"sequence length (axis -2), got {key.shape} and {value.shape}")
    if is_causal and attn_mask is not None:
        raise RuntimeError("scaled_dot_product_attention: pass either attn_mask or "
                           "is_causal=True, not both")
    length, source = query.shape[-2], key.shape[-2]
    if scale is None:  # E = 0: the scores are empty sums (0) whatever the scale, as in PyTorch
        scale = 1.0 / math.sqrt(query.shape[-1]) if query.shape[-1] else 1.0
    scores = matmul(query * scale, key.mT)
    if is_causal:
        attn_mask = causal_mask(length, source, query.device)
    if attn_mask is not None:
        scores = _apply_mask(scores, attn_mask, allowed_when_true=True)
    weights = softmax(scores, -1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, True)
    return matmul(weights, value)


def causal_mask(length, source, device):
    """A bool (length, source) mask, True where key j <= query i (may attend)."""
    rows = reshape(arange(length, device=device), (length, 1))
    return rows >= reshape(arange(source, device=device), (1, source))


def _apply_mask(scores, mask, allowed_when_true):
    """Add a float mask, or send disallowed positions of a bool mask to -inf."""
    if mask.dtype == "bool":
        blocked = ~mask if allowed_when_true else mask
        return where(blocked, -math.inf, scores)
    if not _dt.is_floating_point(mask.dtype):
        raise TypeError(f"attention masks must be bool or float, got {mask.dtype}")
    return scores + mask.to(scores.dtype)


# ---- small utilities -----------------------------------------------------------------------

def one_hot(tensor, num_classes=-1):
    """int64 tensor of shape (*tensor.shape, num_classes) with a 1 at each index."""
    if not _dt.is_integral(tensor.dtype):
        raise TypeError(f"one_hot is only applicable to index tensors (integers), got "
                        f"{tensor.dtype}")
    if num_classes == -1:
        num_classes = int(tensor.max().item()) + 1 if tensor.numel() else 0
    if tensor.numel() and (int(tensor.min().item()) < 0
                           or int(tensor.max().item()) >= num_classes):
        raise RuntimeError(f"one_hot: class values must be in [0, {num_classes - 1}]")
    classes = arange(num_classes, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).long()


# padding, pixel and channel shuffles (nn/padding.py, nn/pixelshuffle.py): indexing, reshapes
# and concatenation, so their gradients come from those ops

_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def pad(input, pad, mode="constant", value=None):  # noqa: A002
    """Pad the last len(pad) // 2 axes; pad = (left, right, top, bottom, front, back) from the
    last axis backwards, as in PyTorch. A negative size crops that side.

    mode: "constant" (fill with `value`, default 0, any number of axes), "reflect" (mirror
    without repeating the edge), "replicate" (repeat the edge) or "circular" (wrap around);
    the last three pad 1 to 3 axes of an input with one or two more axes than that.
    """
    sizes = _pad_sizes(input, pad)
    if mode == "constant":
        fill = 0 if value is None else _number("pad", "value", value)
        return _constant_pad(input, sizes, fill)
    if not isinstance(mode, str) or mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode!r}; use one of "
                                  f"{', '.join(map(repr, _PAD_MODES))}.")
    if value is not None and not (isinstance(value, (int, float)) and value == 0):
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument; only '
                           f'mode="constant" fills with a value.')
    dims = len(sizes) // 2
    if dims not in (1, 2, 3) or input.ndim not in (dims + 1, dims + 2):
        raise NotImplementedError(f"pad(mode={mode!r}): padding size {len(sizes)} is not "
                                  f"supported for a {input.ndim}D input. Non-constant modes "
                                  f"pad the last axis of a 2D or 3D input (2 sizes), the last "
                                  f"two of a 3D or 4D input (4 sizes) or the last three of a "
                                  f"4D or 5D input (6 sizes).")
    out = input
    for i in range(dims):
        axis = input.ndim - 1 - i
        out = out.index_select(axis, _pad_positions(mode, input, axis, sizes[2 * i],
                                                    sizes[2 * i + 1]))
    return out


def _pad_sizes(input, pad):  # noqa: A002
    if not isinstance(pad, (tuple, list)) or not all(
            isinstance(p, int) and not isinstance(p, bool) for p in pad):
        raise TypeError(f"pad(): argument 'pad' must be a tuple of ints such as (1, 1), got "
                        f"{pad!r}")
    if len(pad) % 2:
        raise RuntimeError(f"Padding length must be divisible by 2, got {len(pad)} sizes: give "
                           f"a (before, after) pair for each padded axis.")
    if len(pad) > 2 * input.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pad)} and input of "
                           f"dimension {input.ndim}")
    return tuple(pad)


def _constant_pad(input, sizes, value):  # noqa: A002
    out = input
    for i in range(len(sizes) // 2):
        axis = input.ndim - 1 - i
        before, after = sizes[2 * i], sizes[2 * i + 1]
        _check_crop(input, axis, before, after)
        if before < 0 or after < 0:  # crop first; what stays is then padded on the other side
            out = out.narrow(axis, max(-before, 0), out.shape[axis] - max(-before, 0)
                             - max(-after, 0))
        pieces = []
        for size in (max(before, 0), max(after, 0)):
            shape = list(out.shape)
            shape[axis] = size
            pieces.append(full(tuple(shape), value, dtype=out.dtype, device=out.device))
        out = cat([pieces[0], out, pieces[1]], axis)
    return out


def _check_crop(input, axis, before, after):  # noqa: A002
    if max(-before, 0) + max(-after, 0) > input.shape[axis]:
        raise RuntimeError(f"pad(): the negative padding ({before}, {after}) crops more than the "
                           f"{input.shape[axis]} entries of axis {axis} of input "
                           f"{_size(input)}.")


def _pad_positions(mode, input, axis, before, after):  # noqa: A002
    """The input positions along `axis` that the padded output reads, in order (int64)."""
    size = input.shape[axis]
    if mode != "circular" and size == 0:
        raise RuntimeError(f"pad(mode={mode!r}) needs a non-empty axis to copy from, but axis "
                           f"{axis} of input {_size(input)} is empty.")
    if mode == "reflect" and max(before, after) >= size:
        raise RuntimeError(f"Padding size should be less than the corresponding input dimension, "
                           f"but got: padding ({before}, {after}) at dimension {axis} of input "
                           f"{_size(input)}; reflect pads at most size - 1 entries a side "
                           f"(mode='replicate' or 'circular' can pad more).")
    _check_crop(input, axis, before, after)
    # circular: a negative size crops first, and the padding wraps around what is left
    low, high = max(-before, 0), size - max(-after, 0)
    kept = high - low
    if mode == "circular" and max(before, after) > kept:
        raise RuntimeError(f"Padding value causes wrapping around more than once: padding "
                           f"({before}, {after}) at dimension {axis} of input {_size(input)}; "
                           f"circular pads at most the {kept} entries left after cropping, on "
                           f"each side.")
    # built on the device from arange: no Python list, and an absurd size fails as arange does
    device = input.device
    if mode == "reflect":
        j = arange(-before, size + after, device=device)
        return (size - 1) - ((size - 1) - j.abs()).abs()
    if mode == "replicate":
        return arange(-before, size + after, device=device).clamp(0, size - 1)
    return arange(-max(before, 0), kept + max(after, 0), device=device) % max(kept, 1) + low


def pixel_shuffle(input, upscale_factor):  # noqa: A002
    """(*, C * r**2, H, W) -> (*, C, H * r, W * r): each group of r**2 channels becomes an
    r x r block of pixels (r = upscale_factor)."""
    r = _positive_int("pixel_shuffle", "upscale_factor", upscale_factor)
    _image_like("pixel_shuffle", input)
    *lead, channels, h, w = input.shape
    if channels % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)="
                           f"{channels} is not divisible by {r * r}")
    k = len(lead)
    x = reshape(input, (*lead, channels // (r * r), r, r, h, w))
    x = x.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return reshape(x, (*lead, channels // (r * r), h * r, w * r))


def pixel_unshuffle(input, downscale_factor):  # noqa: A002
    """(*, C, H * r, W * r) -> (*, C * r**2, H, W), the inverse of pixel_shuffle."""
    r = _positive_int("pixel_unshuffle", "downscale_factor", downscale_factor)
    _image_like("pixel_unshuffle", input)
    *lead, channels, h, w = input.shape
    for what, n in (("height", h), ("width", w)):
        if n % r:
            raise RuntimeError(f"pixel_unshuffle expects {what} to be divisible by "
                               f"downscale_factor, but input.size({-2 if what == 'height' else -1}"
                               f")={n} is not divisible by {r}")
    k = len(lead)
    x = reshape(input, (*lead, channels, h // r, r, w // r, r))
    x = x.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return reshape(x, (*lead, channels * r * r, h // r, w // r))


def _image_like(name, input):  # noqa: A002
    if input.ndim < 3:
        raise RuntimeError(f"{name} expects input to have at least 3 dimensions (*, C, H, W), "
                           f"but got input with {input.ndim} dimension(s)")


def channel_shuffle(input, groups):  # noqa: A002
    """Interleave the channels (axis 1) of `groups` equal groups: channel g * (C // groups) + i
    moves to i * groups + g, so the next grouped convolution mixes the groups."""
    groups = _positive_int("channel_shuffle", "groups", groups)
    if input.ndim < 3:
        raise RuntimeError(f"channel_shuffle expects input with > 2 dims (N, C, *), but got "
                           f"input with sizes {_size(input)}")
    n, channels, *rest = input.shape
    if channels % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {channels} "
                           f"channels and {groups} groups.")
    x = reshape(input, (n, groups, channels // groups, *rest))
    return reshape(movedim(x, 1, 2), input.shape)


# Every public function checks that its tensor parameters hold tensors (errors.tensor_arguments).
# Distances: the ops of tinytorch.ops.statistics, under nn.functional's names as well.
from ..ops import cosine_similarity, pairwise_distance  # noqa: E402

__all__ += ["cosine_similarity", "pairwise_distance"]

tensor_arguments(globals(), __all__, Tensor)
