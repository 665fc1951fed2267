"""Parameter: a tensor that a Module registers as one of its learnable weights.

What it does: `Parameter(t)` is a `Tensor` sharing `t`'s buffer that
requires grad by default. Assigning one to a Module attribute
(`self.weight = Parameter(...)`) is what makes it appear in
`module.parameters()` and in the state_dict; an ordinary tensor attribute
does not.

Assumes: a Parameter is always a leaf; ops on it return plain Tensors.
Production does instead: torch.nn.Parameter is also a Tensor subclass, with
extra machinery so that subclasses of Parameter and of Tensor compose
(`__torch_function__`) and so that lazy modules can hold uninitialised ones.
"""

from __future__ import annotations

from ..creation import empty
from ..tensor import Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A learnable tensor of a Module: shares `data`'s buffer and requires grad by default."""

    __slots__ = ()

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter expects a Tensor, got {type(data).__name__}. Build the "
                            f"tensor first, e.g. nn.Parameter(tinytorch.tensor(values)).")
        param = object.__new__(cls)
        param._data, param.device, param.dtype = data._data, data.device, data.dtype
        param.grad = param.grad_fn = param._hooks = param._post_accumulate_hooks = None
        param._counter = [0]  # a version counter of its own (see Tensor._version)
        param.requires_grad = False
        if requires_grad:
            param.requires_grad_()  # raises for integer dtypes, which cannot have gradients
        return param

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True):
        pass  # everything happened in __new__ (Tensor.__init__ would copy the data)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        copied = Parameter(self.detach().clone(), self.requires_grad)
        memo[id(self)] = copied
        return copied
