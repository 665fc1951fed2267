"""Weight initialisers: fill a tensor in place with values of a chosen distribution.

What it does: each function (`uniform_`, `normal_`, `xavier_uniform_`,
`kaiming_normal_`, ...) overwrites its tensor's values in place under
`no_grad()` and returns it, drawing from tinytorch's generator, so
`tinytorch.manual_seed(0)` makes initialisation reproducible (and the
same on every device); `generator=` draws from a tinytorch.Generator
instead. The Xavier (Glorot) rules keep the activation variance roughly
constant for tanh/linear layers: std = gain * sqrt(2 / (fan_in +
fan_out)); the Kaiming (He) rules do so for ReLU layers: std = gain /
sqrt(fan), with gain from `calculate_gain`.

Assumes: fan_in = weight.shape[1] * (kernel elements), fan_out =
weight.shape[0] * (kernel elements), as PyTorch computes them for Linear
and Conv weights. Random values are drawn on the host in float64 and
cast to the tensor's dtype.
Production does instead: torch.nn.init draws on the tensor's own device
with its per-device generator, and has more schemes (orthogonal_,
sparse_, trunc_normal_, dirac_, eye_).
"""

from __future__ import annotations

import math

from ..autograd import no_grad
from ..creation import full, rand, randn

__all__ = ["calculate_gain", "uniform_", "normal_", "zeros_", "ones_", "constant_",
           "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
           "default_layer_init_"]


def calculate_gain(nonlinearity: str, param=None) -> float:
    """The factor by which to scale the std so that `nonlinearity` keeps activations' variance."""
    linear_like = ("linear", "identity", "sigmoid", "conv1d", "conv2d", "conv3d",
                   "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")
    if nonlinearity in linear_like:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"negative_slope {slope!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity!r}; use one of linear, sigmoid, "
                     f"tanh, relu, leaky_relu, selu or a conv name.")


def _fill(tensor, values):
    with no_grad():
        tensor.copy_(values.to(dtype=tensor.dtype))
    return tensor


def uniform_(tensor, a: float = 0.0, b: float = 1.0, generator=None):
    """Fill with values drawn uniformly from [a, b)."""
    draw = rand(tensor.shape, generator=generator, dtype="float64", device=tensor.device)
    return _fill(tensor, draw * (b - a) + a)


def normal_(tensor, mean: float = 0.0, std: float = 1.0, generator=None):
    """Fill with values drawn from N(mean, std^2)."""
    draw = randn(tensor.shape, generator=generator, dtype="float64", device=tensor.device)
    return _fill(tensor, draw * std + mean)


def constant_(tensor, val: float):
    return _fill(tensor, full(tensor.shape, val, dtype=tensor.dtype, device=tensor.device))


def zeros_(tensor):
    return constant_(tensor, 0)


def ones_(tensor):
    return constant_(tensor, 1)


def _fans(tensor):
    if tensor.ndim < 2:
        raise ValueError(f"Fan in and fan out can not be computed for a tensor with fewer than "
                         f"2 dimensions (got shape {tensor.shape}); use uniform_ or normal_ "
                         f"for biases.")
    receptive = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def xavier_uniform_(tensor, gain: float = 1.0, generator=None):
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain: float = 1.0, generator=None):
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode {mode!r} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _fans(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    if fan == 0:
        raise ValueError(f"cannot initialise a tensor with a zero-size fan (shape "
                         f"{tensor.shape})")
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator=None):
    """He uniform: U(-b, b) with b = sqrt(3) * gain / sqrt(fan)."""
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator=None):
    """He normal: N(0, std^2) with std = gain / sqrt(fan)."""
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def default_layer_init_(weight, bias=None) -> None:
    """PyTorch's default for Linear and Conv layers: kaiming_uniform_(a=sqrt(5)) on the weight,
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) on the bias."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = _fans(weight)[0]
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)
