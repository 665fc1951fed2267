"""Convolution layers: Conv1d, Conv2d (cross-correlation, as in every deep-learning library) and
their transposes ConvTranspose1d, ConvTranspose2d.

Parameters, as in PyTorch: a convolution's weight is (out_channels,
in_channels // groups, *kernel_size), a transposed convolution's is
(in_channels, out_channels // groups, *kernel_size) (the weight of the
convolution it transposes); bias (out_channels,). Both are initialised from
U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = weight.shape[1] * kernel
area, PyTorch's rule. Options: stride, padding (int, tuple, or for a
convolution "valid"/"same"), dilation, groups; output_padding for the
transposes, whose forward also takes output_size= to pick it.
The computation is in nn/functional.py: Conv1d is Conv2d over height-1
images (nn/ops/conv.py: unfold + matrix product), a transposed convolution
is a matrix product followed by col2im (nn/ops/fold.py).

Assumes: zero padding only (padding_mode="zeros").
Production does instead: torch.nn.Conv2d also offers reflect, replicate and
circular padding modes and dispatches to cuDNN/oneDNN kernels.
"""

from __future__ import annotations

from ..creation import empty
from . import functional as F
from . import init
from .arguments import size
from .module import Module
from .parameter import Parameter

__all__ = ["Conv1d", "Conv2d", "ConvTranspose1d", "ConvTranspose2d"]


class _ConvNd(Module):
    dims = 2           # spatial axes
    transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None, output_padding=0):
        super().__init__()
        if padding_mode != "zeros":
            raise NotImplementedError(f"padding_mode={padding_mode!r} is not supported; "
                                      f"tinytorch pads with zeros only")
        owner = type(self).__name__
        in_channels = size(owner, "in_channels", in_channels)
        out_channels = size(owner, "out_channels", out_channels)
        groups = F._groups(groups)
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"in_channels ({in_channels}) and out_channels ({out_channels}) "
                             f"must both be divisible by groups ({groups})")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = F._ints(kernel_size, self.dims, "kernel_size")
        self.stride = F._ints(stride, self.dims, "stride")
        self.dilation = F._ints(dilation, self.dims, "dilation")
        if isinstance(padding, str) and self.transposed:
            raise ValueError(f"{type(self).__name__} takes numbers as padding, got {padding!r}")
        self.padding = padding if isinstance(padding, str) else F._ints(padding, self.dims,
                                                                       "padding")
        self.output_padding = F._ints(output_padding, self.dims, "output_padding")
        self.padding_mode = padding_mode
        shape = ((in_channels, out_channels // groups) if self.transposed
                 else (out_channels, in_channels // groups))
        self.weight = Parameter(empty(*shape, *self.kernel_size, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.default_layer_init_(self.weight, self.bias)

    def extra_repr(self) -> str:
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding not in ((0,) * self.dims, "valid"):
            text += f", padding={self.padding}"
        if self.dilation != (1,) * self.dims:
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self.dims:
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv1d(_ConvNd):
    dims = 1

    def forward(self, x):
        return F.conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)


class Conv2d(_ConvNd):
    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)


class _ConvTransposeNd(_ConvNd):
    transposed = True

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 output_padding=0, groups: int = 1, bias: bool = True, dilation=1,
                 padding_mode: str = "zeros", device=None, dtype=None):
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, device, dtype, output_padding)

    def _output_padding(self, x, output_size):
        """output_padding, or the one that makes the output output_size (its last axes)."""
        if output_size is None:
            return self.output_padding
        wanted = F._ints(list(output_size)[-self.dims:], self.dims, "output_size")
        smallest = tuple((n - 1) * s - 2 * p + d * (k - 1) + 1 for n, s, p, d, k in zip(
            x.shape[-self.dims:], self.stride, self.padding, self.dilation, self.kernel_size))
        largest = tuple(low + max(s, d) - 1
                        for low, s, d in zip(smallest, self.stride, self.dilation))
        if not all(low <= n <= high for low, n, high in zip(smallest, wanted, largest)):
            raise ValueError(f"requested an output size of {wanted}, but valid sizes range from "
                             f"{smallest} to {largest} (for an input of "
                             f"{tuple(x.shape[-self.dims:])})")
        return tuple(n - low for n, low in zip(wanted, smallest))


class ConvTranspose1d(_ConvTransposeNd):
    dims = 1

    def forward(self, x, output_size=None):
        return F.conv_transpose1d(x, self.weight, self.bias, self.stride, self.padding,
                                  self._output_padding(x, output_size), self.groups,
                                  self.dilation)


class ConvTranspose2d(_ConvTransposeNd):
    def forward(self, x, output_size=None):
        return F.conv_transpose2d(x, self.weight, self.bias, self.stride, self.padding,
                                  self._output_padding(x, output_size), self.groups,
                                  self.dilation)
