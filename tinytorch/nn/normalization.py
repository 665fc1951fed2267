"""Normalisation layers: normalise activations, then scale and shift them.

BatchNorm normalises each channel with statistics over the batch (and
spatial axes) while training, and keeps exponential running averages
(momentum 0.1: new = 0.9 * old + 0.1 * batch) that replace the batch
statistics in eval mode. State, named as in PyTorch: weight (ones) and
bias (zeros) if affine; buffers running_mean (zeros), running_var (ones)
and num_batches_tracked (int64) if track_running_stats. momentum=None means
a cumulative average (factor 1 / num_batches_tracked).

InstanceNorm normalises each (sample, channel) over its spatial positions;
it has BatchNorm's state, but affine and track_running_stats default to
False, the running averages (of the instances' statistics, averaged over
the batch) are used only in eval mode with track_running_stats, and
num_batches_tracked is never counted (momentum=None means 0, as in PyTorch).
GroupNorm normalises each sample over groups of consecutive channels, the
same in training and evaluation, with per-channel weight and bias.

LayerNorm normalises each sample over its trailing `normalized_shape` axes,
the same in training and evaluation; weight (ones) and bias (zeros) have
that shape. RMSNorm divides by the root mean square over those axes (no
mean subtracted, no bias). LocalResponseNorm divides each channel by a power
of the summed squares of its neighbouring channels (AlexNet's), no state.

Assumes: channels on axis 1 ((N, C) or (N, C, L) for BatchNorm1d, (N, C, H, W)
for 2d; InstanceNorm also takes one unbatched sample, (C, L) or (C, H, W)).
Production does instead: PyTorch also has BatchNorm3d, SyncBatchNorm
(statistics across GPUs), the Lazy variants and fused kernels (one pass
for statistics and normalisation, Welford's variance); the formulas are
the same (see nn/ops/normalization.py, which the group and instance norms
here reuse on reshaped inputs).
"""

from __future__ import annotations

import warnings

from ..creation import ones, tensor, zeros
from . import functional as F
from . import init
from .arguments import shape, size
from .module import Module
from .parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "InstanceNorm1d",
           "InstanceNorm2d", "InstanceNorm3d", "RMSNorm", "LocalResponseNorm"]


def _affine_parameters(module, affine, bias, shape, device, dtype):
    """weight (ones) and bias (zeros) of `shape`, or None where affine (bias) is off."""
    weight = Parameter(ones(shape, device=device, dtype=dtype)) if affine else None
    module.register_parameter("weight", weight)
    shift = Parameter(zeros(shape, device=device, dtype=dtype)) if affine and bias else None
    module.register_parameter("bias", shift)


class _BatchNorm(Module):
    _dims = ()  # accepted input ranks

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device=None,
                 dtype=None, *, bias: bool = True):
        super().__init__()
        num_features = size(type(self).__name__, "num_features", num_features, minimum=0)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        _affine_parameters(self, affine, bias, (num_features,), device, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype="int64", device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            init.zeros_(self.num_batches_tracked)

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, x):
        if x.ndim not in self._dims:
            raise ValueError(f"{type(self).__name__} expected "
                             f"{' or '.join(f'{d}D' for d in self._dims)} input (channels on "
                             f"axis 1), got {x.ndim}D input of shape {tuple(x.shape)}")
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / int(self.num_batches_tracked.item())
        use_running = not self.training or self.track_running_stats
        return F.batch_norm(x, self.running_mean if use_running else None,
                            self.running_var if use_running else None, self.weight, self.bias,
                            self.training or self.running_mean is None, factor, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, per channel C."""

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs, per channel C."""

    _dims = (4,)


class LayerNorm(Module):
    """Normalise over the trailing normalized_shape axes of each sample."""

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = shape(type(self).__name__, "normalized_shape", normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(ones(self.normalized_shape, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(zeros(self.normalized_shape, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class _InstanceNorm(_BatchNorm):
    _dims = ()  # (unbatched rank, batched rank)

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device=None,
                 dtype=None, *, bias: bool = True):
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias=bias)

    def forward(self, x):
        unbatched, batched = self._dims
        if x.ndim not in self._dims:
            raise ValueError(f"{type(self).__name__}: expected {unbatched}D (unbatched) or "
                             f"{batched}D input (got {x.ndim}D input of shape "
                             f"{tuple(x.shape)})")
        axis = 0 if x.ndim == unbatched else 1
        if x.shape[axis] != self.num_features:
            message = (f"expected input's size at dim={axis} to match num_features "
                       f"({self.num_features}), but got: {x.shape[axis]}.")
            if self.affine:
                raise ValueError(f"{type(self).__name__}: {message}")
            # PyTorch only warns: without affine parameters num_features is unused
            warnings.warn(f"{type(self).__name__}: {message} num_features is unused because "
                          f"affine=False", stacklevel=2)
        out = F.instance_norm(x.unsqueeze(0) if axis == 0 else x, self.running_mean,
                              self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              0.0 if self.momentum is None else self.momentum, self.eps)
        return out[0] if axis == 0 else out


class InstanceNorm1d(_InstanceNorm):
    """Instance normalisation of (N, C, L) or unbatched (C, L) inputs."""

    _dims = (2, 3)


class InstanceNorm2d(_InstanceNorm):
    """Instance normalisation of (N, C, H, W) or unbatched (C, H, W) inputs."""

    _dims = (3, 4)


class InstanceNorm3d(_InstanceNorm):
    """Instance normalisation of (N, C, D, H, W) or unbatched (C, D, H, W) inputs."""

    _dims = (4, 5)


class GroupNorm(Module):
    """Normalise each sample over num_groups groups of num_channels // num_groups channels."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device=None, dtype=None, *, bias: bool = True):
        super().__init__()
        for what, n in (("num_groups", num_groups), ("num_channels", num_channels)):
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise ValueError(f"GroupNorm: {what} must be a positive int, got {n!r}")
        if num_channels % num_groups:
            raise ValueError(f"num_channels must be divisible by num_groups, got num_channels="
                             f"{num_channels} and num_groups={num_groups}")
        self.num_groups, self.num_channels, self.eps, self.affine = (num_groups, num_channels,
                                                                     eps, affine)
        _affine_parameters(self, affine, bias, (num_channels,), device, dtype)

    def reset_parameters(self) -> None:
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, x):
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


class RMSNorm(Module):
    """x / sqrt(mean(x**2) + eps) * weight over the trailing normalized_shape axes; eps=None
    means the machine epsilon of the input's dtype."""

    def __init__(self, normalized_shape, eps: float | None = None,
                 elementwise_affine: bool = True, device=None, dtype=None):
        super().__init__()
        self.normalized_shape = shape(type(self).__name__, "normalized_shape", normalized_shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(ones(self.normalized_shape, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)

    def forward(self, x):
        return F.rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class LocalResponseNorm(Module):
    """Divide each channel by (k + alpha / size * sum of squares of `size` neighbouring
    channels) ** beta; no parameters."""

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, x):
        return F.local_response_norm(x, self.size, self.alpha, self.beta, self.k)

    def extra_repr(self) -> str:
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"
