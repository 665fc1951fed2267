"""Activation layers: ReLU, LeakyReLU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax, and
PyTorch's other elementwise ones (ELU, SELU, CELU, Softplus, Mish, Hardswish, PReLU, ...).

Each is a Module wrapping the function of the same name in
tinytorch.nn.functional, so it can sit in a Sequential; only PReLU has a
parameter (its learned negative slope, one or one per channel, initially
0.25). GELU is exact (through erf) by default, or the tanh approximation
with approximate="tanh".
Assumes: `inplace=True` is accepted for compatibility but computes out of
place (tinytorch never overwrites an activation that autograd may need).
Production does instead: PyTorch's in-place variants reuse the input's
memory, and each activation is one fused kernel with its own derivative
rather than a composition of elementwise ops.
"""

from __future__ import annotations

from ..autograd import no_grad
from ..creation import full
from . import functional as F
from .arguments import number, size
from .module import Module
from .parameter import Parameter

__all__ = ["ReLU", "LeakyReLU", "GELU", "SiLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
           "ReLU6", "Hardtanh", "Threshold", "ELU", "SELU", "CELU", "Softplus", "LogSigmoid",
           "Hardsigmoid", "Hardswish", "Mish", "Softsign", "Tanhshrink", "Softshrink",
           "Hardshrink", "GLU", "Softmin", "PReLU"]


class ReLU(Module):
    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return F.relu(x)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class GELU(Module):
    def __init__(self, approximate: str = "none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    def forward(self, x):
        return F.silu(x)


class Sigmoid(Module):
    def forward(self, x):
        return F.sigmoid(x)


class Tanh(Module):
    def forward(self, x):
        return F.tanh(x)


class _AlongDim(Module):
    """A module applying `function(x, dim)` (softmax, log-softmax)."""

    function = None

    def __init__(self, dim: int | None = None):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return type(self).function(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    function = F.softmax


class LogSoftmax(_AlongDim):
    function = F.log_softmax


class Softmin(_AlongDim):
    function = F.softmin


class _Elementwise(Module):
    """A parameter-free module applying `function(x, *options)`; `options` names the
    attributes passed (in order), which extra_repr also shows."""

    function = None
    options: tuple = ()

    def forward(self, x):
        return type(self).function(x, *(getattr(self, name) for name in self.options))

    def extra_repr(self) -> str:
        return ", ".join(f"{name}={getattr(self, name)}" for name in self.options)


class _InPlaceOption(_Elementwise):
    """One whose only option is `inplace` (accepted, computed out of place)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace


class ReLU6(_InPlaceOption):
    function = F.relu6


class SELU(_InPlaceOption):
    function = F.selu


class Hardsigmoid(_InPlaceOption):
    function = F.hardsigmoid


class Hardswish(_InPlaceOption):
    function = F.hardswish


class Mish(_InPlaceOption):
    function = F.mish


class LogSigmoid(_Elementwise):
    function = F.logsigmoid


class Softsign(_Elementwise):
    function = F.softsign


class Tanhshrink(_Elementwise):
    function = F.tanhshrink


class Hardtanh(_Elementwise):
    function, options = F.hardtanh, ("min_val", "max_val")

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
        super().__init__()
        min_val = number("Hardtanh", "min_val", min_val)
        max_val = number("Hardtanh", "max_val", max_val)
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val ({min_val}) cannot be greater than max_val "
                             f"({max_val})")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace


class Threshold(_Elementwise):
    function, options = F.threshold, ("threshold", "value")

    def __init__(self, threshold: float, value: float, inplace: bool = False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace


class ELU(_Elementwise):
    function, options = F.elu, ("alpha",)

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace


class CELU(ELU):
    function = F.celu


class Softplus(_Elementwise):
    function, options = F.softplus, ("beta", "threshold")

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold


class Softshrink(_Elementwise):
    function, options = F.softshrink, ("lambd",)

    def __init__(self, lambd: float = 0.5):
        super().__init__()
        self.lambd = lambd


class Hardshrink(Softshrink):
    function = F.hardshrink


class GLU(_Elementwise):
    function, options = F.glu, ("dim",)

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim


class PReLU(Module):
    """max(0, x) + weight * min(0, x), with a learned weight: one slope shared by all
    channels (num_parameters=1) or one per channel (axis 1 of the input)."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = size("PReLU", "num_parameters", num_parameters)
        self.init = number("PReLU", "init", init)
        self.weight = Parameter(full((num_parameters,), init, device=device, dtype=dtype))

    def reset_parameters(self) -> None:
        with no_grad():
            self.weight.fill_(self.init)

    def forward(self, x):
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"
