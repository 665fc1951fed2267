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

The structured ones: `trunc_normal_` draws N(mean, std^2) restricted to
[a, b] by inverting the normal CDF on a uniform draw between CDF(a) and
CDF(b) (no rejection loop, so a narrow or far-off interval costs the same);
`orthogonal_` takes Q of the QR factorisation of a Gaussian matrix, with
each column's sign fixed by R's diagonal so that Q is uniformly
distributed (Saxe et al. 2013; Mezzadri 2007); `sparse_` zeroes a random
`sparsity` fraction of every column (Martens 2010); `dirac_` and `eye_`
make convolutions and linear layers start as the identity.

Assumes: fan_in = weight.shape[1] * (kernel elements), fan_out =
weight.shape[0] * (kernel elements), as PyTorch computes them for Linear
and Conv weights. Random values are drawn on the host in float64 and
cast to the tensor's dtype; erfinv (for trunc_normal_) is Winitzki's
closed-form estimate refined by Newton steps on erf.
Production does instead: torch.nn.init draws on the tensor's own device
with its per-device generator, in the tensor's dtype, and calls a native
erfinv kernel.
"""

from __future__ import annotations

import math
import warnings

from .. import linalg
from ..autograd import no_grad
from ..creation import eye, full, rand, randn, zeros
from ..ops import argsort, clamp, diagonal, erfinv, sign, where
from ..tensor import Tensor

__all__ = ["calculate_gain", "uniform_", "normal_", "zeros_", "ones_", "constant_",
           "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
           "trunc_normal_", "orthogonal_", "sparse_", "dirac_", "eye_", "default_layer_init_"]


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
    _check_number("uniform_", a=a, b=b)
    draw = rand(tensor.shape, generator=generator, dtype="float64", device=tensor.device)
    return _fill(tensor, draw * (b - a) + a)


def normal_(tensor, mean: float = 0.0, std: float = 1.0, generator=None):
    """Fill with values drawn from N(mean, std^2)."""
    _check_number("normal_", mean=mean, std=std)
    draw = randn(tensor.shape, generator=generator, dtype="float64", device=tensor.device)
    return _fill(tensor, draw * std + mean)


def constant_(tensor, val: float):
    _check_number("constant_", val=val)
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


# PyTorch's private helper, which custom layers often call to size their own initialisers.
def _calculate_fan_in_and_fan_out(tensor):
    return _fans(tensor)


def xavier_uniform_(tensor, gain: float = 1.0, generator=None):
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    _check_number("xavier_uniform_", gain=gain)
    fan_in, fan_out = _fans(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain: float = 1.0, generator=None):
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    _check_number("xavier_normal_", gain=gain)
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


def _check_number(owner, **values):
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise TypeError(f"{owner}(): {name} must be a number, got {value!r}")
        if isinstance(value, int) and abs(value) > 2**1023:
            raise ValueError(f"{owner}(): {name} = {value} is too large for a float")


def _normal_cdf(x: float) -> float:
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def trunc_normal_(tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator=None):
    """Fill with N(mean, std^2) values redrawn into [a, b] (a and b are values, not stds)."""
    _check_number("trunc_normal_", mean=mean, std=std, a=a, b=b)
    if not std > 0:
        raise ValueError(f"trunc_normal_(): std must be positive, got {std}")
    if not a < b:
        raise ValueError(f"trunc_normal_(): the interval [a, b] must have a < b, got a={a}, "
                         f"b={b}")
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The "
                      "distribution of values may be incorrect.", stacklevel=2)
    # Draw uniformly between the CDF values of a and b (as 2 * CDF - 1, erf's range) and map
    # back through the inverse CDF: mean + std * sqrt(2) * erfinv(2u - 1).
    low = 2 * _normal_cdf((a - mean) / std) - 1
    high = 2 * _normal_cdf((b - mean) / std) - 1
    u = rand(tensor.shape, generator=generator, dtype="float64", device=tensor.device)
    tiny = 2.0 ** -52  # keep erfinv's argument inside (-1, 1), where it is finite
    y = clamp(u * (high - low) + low, -1 + tiny, 1 - tiny)
    return _fill(tensor, clamp(erfinv(y) * (std * math.sqrt(2.0)) + mean, a, b))


def orthogonal_(tensor, gain: float = 1, generator=None):
    """Fill with a (semi-)orthogonal matrix times `gain`; dims after the first are flattened.

    Rows are orthonormal if there are fewer rows than columns, columns otherwise.
    """
    _check_number("orthogonal_", gain=gain)
    if tensor.ndim < 2:
        raise ValueError(f"Only tensors with 2 or more dimensions are supported (got shape "
                         f"{tensor.shape}); use normal_ or uniform_ for a vector")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    draw = randn(rows, cols, generator=generator, dtype="float64", device=tensor.device)
    if rows < cols:
        draw = draw.T  # QR needs a tall matrix
    q, r = linalg.qr(draw)
    q = q * sign(diagonal(r))  # make the factorisation unique, so Q is uniformly random
    if rows < cols:
        q = q.T
    return _fill(tensor, (q * gain).reshape(tensor.shape))


def sparse_(tensor, sparsity: float, std: float = 0.01, generator=None):
    """Fill a 2-D tensor with N(0, std^2) values, then zero ceil(sparsity * rows) of them in
    every column, at random rows."""
    _check_number("sparse_", sparsity=sparsity, std=std)
    if tensor.ndim != 2:
        raise ValueError(f"Only tensors with 2 dimensions are supported (got shape "
                         f"{tensor.shape})")
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparse_(): sparsity is the fraction of each column set to zero, "
                         f"in [0, 1]; got {sparsity}")
    rows, cols = tensor.shape
    zeros_per_column = math.ceil(sparsity * rows)
    values = randn(rows, cols, generator=generator, dtype="float64", device=tensor.device) * std
    # Each entry's rank within its column under a random order: ranks below the count are
    # the zeroed rows, a uniformly random subset of that size in every column.
    order = rand(rows, cols, generator=generator, dtype="float64", device=tensor.device)
    ranks = argsort(argsort(order, dim=0), dim=0)
    return _fill(tensor, where(ranks >= zeros_per_column, values, 0.0))


def dirac_(tensor, groups: int = 1):
    """Fill a 3-, 4- or 5-D conv weight so the convolution copies its input channels (one
    identity per group; extra output channels get zeros)."""
    if tensor.ndim not in (3, 4, 5):
        raise ValueError(f"Only tensors with 3, 4, or 5 dimensions are supported (got shape "
                         f"{tensor.shape})")
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"dirac_(): groups must be a positive int, got {groups!r}")
    if tensor.shape[0] % groups != 0:
        raise ValueError(f"dim 0 (out channels, {tensor.shape[0]}) must be divisible by "
                         f"groups ({groups})")
    per_group = tensor.shape[0] // groups
    center = tuple(size // 2 for size in tensor.shape[2:])
    values = zeros(tensor.shape, dtype=tensor.dtype, device=tensor.device)
    with no_grad():
        for g in range(groups):
            for channel in range(min(per_group, tensor.shape[1])):
                values[(g * per_group + channel, channel, *center)] = 1
    return _fill(tensor, values)


def eye_(tensor):
    """Fill a 2-D tensor with the identity (ones on the diagonal), so a Linear layer starts
    by passing its inputs through."""
    if tensor.ndim != 2:
        raise ValueError(f"Only tensors with 2 dimensions are supported (got shape "
                         f"{tensor.shape})")
    return _fill(tensor, eye(*tensor.shape, dtype=tensor.dtype, device=tensor.device))


def default_layer_init_(weight, bias=None) -> None:
    """PyTorch's default for Linear and Conv layers: kaiming_uniform_(a=sqrt(5)) on the weight,
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) on the bias."""
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in = _fans(weight)[0]
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)


# Each public function checks that its tensor arguments are tensors (errors.tensor_arguments).
from ..errors import tensor_arguments  # noqa: E402

tensor_arguments(globals(), __all__, Tensor)
