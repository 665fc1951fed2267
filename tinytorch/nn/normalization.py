"""BatchNorm1d, BatchNorm2d and LayerNorm: normalise activations, then scale and shift them.

BatchNorm normalises each channel with statistics over the batch (and
spatial axes) while training, and keeps exponential running averages
(momentum 0.1: new = 0.9 * old + 0.1 * batch) that replace the batch
statistics in eval mode. State, named as in PyTorch: weight (ones) and
bias (zeros) if affine; buffers running_mean (zeros), running_var (ones)
and num_batches_tracked (int64) if track_running_stats. momentum=None means
a cumulative average (factor 1 / num_batches_tracked).

LayerNorm normalises each sample over its trailing `normalized_shape` axes,
the same in training and evaluation; weight (ones) and bias (zeros) have
that shape.

Assumes: channels on axis 1 for BatchNorm ((N, C) or (N, C, L) for 1d,
(N, C, H, W) for 2d).
Production does instead: PyTorch also has BatchNorm3d, GroupNorm,
InstanceNorm, RMSNorm, SyncBatchNorm (statistics across GPUs) and fused
kernels; the formulas are the same (see nn/ops/normalization.py).
"""

from __future__ import annotations

from ..creation import ones, tensor, zeros
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm"]


class _BatchNorm(Module):
    _dims = ()  # accepted input ranks

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device=None,
                 dtype=None):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(ones(num_features, device=device, dtype=dtype))
            self.bias = Parameter(zeros(num_features, device=device, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
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
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
        self.normalized_shape = tuple(shape)
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
