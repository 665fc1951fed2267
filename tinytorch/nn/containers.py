"""Containers: Sequential, ModuleList and ModuleDict hold sub-modules under index or key
names; ParameterList and ParameterDict hold bare parameters the same way.

What it does: `Sequential(a, b, c)` runs its modules one after another;
`ModuleList` and `ModuleDict` only hold modules (you write the forward) but,
unlike a plain list or dict, register them, so their parameters are found
by `parameters()`, moved by `to()` and saved as "0.weight", "1.bias",
"encoder.weight" in the state_dict. ParameterList and ParameterDict do the
same for parameters ("scales.0", "gains.bias"); a plain tensor put into one
becomes a Parameter, as in PyTorch.

Assumes: children are named by their position ("0", "1", ...) or key, as
in PyTorch, so state_dict keys match a PyTorch model of the same structure.
A plain dict given to ParameterDict is read in sorted key order (an
OrderedDict or a list of pairs in its own order), as PyTorch does.
Production does instead: PyTorch's containers are the same idea, with more
list/dict methods, and its ParameterList/ParameterDict also hold non-tensor
objects.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

from ..errors import TensorIndexError
from ..tensor import Tensor
from .module import Module
from .parameter import Parameter

__all__ = ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"]


class _Numbered(Module):
    """What Sequential and ModuleList share: children in order, counted, iterated, appended."""

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module: Module):
        self.add_module(str(len(self._modules)), module)
        return self


class Sequential(_Numbered):
    """Chain modules: `Sequential(Linear(4, 8), ReLU(), Linear(8, 1))(x)`.

    Also accepts one OrderedDict of name -> module, to name the steps.
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            for name, module in modules[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(modules):
                self.add_module(str(index), module)

    def forward(self, x):
        for module in self._modules.values():
            x = module(x)
        return x

    def __getitem__(self, index):
        items = list(self._modules.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(items[index]))
        return items[_index(index, len(items))][1]


class ModuleList(_Numbered):
    """A list of modules that registers them; index, iterate, append and extend it."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, index):
        items = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(items[index])
        return items[_index(index, len(items))]

    def __setitem__(self, index: int, module: Module) -> None:
        self.add_module(str(_index(index, len(self))), module)

    def extend(self, modules) -> ModuleList:
        if not hasattr(modules, "__iter__"):
            raise TypeError(f"ModuleList.extend should be called with an iterable of modules, "
                            f"but got {type(modules).__name__}")
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module: Module) -> None:
        items = list(self._modules.values())
        items.insert(index, module)
        self._modules.clear()
        self.extend(items)


class ModuleDict(Module):
    """A dict of modules that registers them under their keys."""

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules)

    def __contains__(self, key) -> bool:
        return key in self._modules

    def keys(self):
        return self._modules.keys()

    def items(self):
        return self._modules.items()

    def values(self):
        return self._modules.values()

    def pop(self, key: str) -> Module:
        return self._modules.pop(key)

    def update(self, modules) -> None:
        pairs = modules.items() if hasattr(modules, "items") else modules
        if not hasattr(pairs, "__iter__"):
            raise TypeError(f"ModuleDict.update should be called with a mapping or an iterable "
                            f"of (key, module) pairs, but got {type(modules).__name__}")
        for pair in pairs:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"ModuleDict.update: each item must be a (key, module) pair, "
                                f"got {pair!r}")
            self.add_module(*pair)


def _index(index: int, length: int, what: str = "modules") -> int:
    if not -length <= index < length:
        raise TensorIndexError(f"index {index} is out of range for a container of {length} {what}")
    return index % length


def _as_parameter(container, value):
    """A Parameter to register: Parameters as they are, plain tensors wrapped (as PyTorch does)."""
    if value is None or isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise TypeError(f"{container} holds tensors (they become Parameters), got "
                    f"{type(value).__name__}; wrap data with nn.Parameter(tinytorch.tensor(...)).")


def _iterate(container, values):
    try:
        return iter(values)
    except TypeError:
        raise TypeError(f"{container} takes an iterable of tensors, got "
                        f"{type(values).__name__}") from None


def _describe(param) -> str:
    if param is None:
        return "None"
    size = "x".join(map(str, param.shape)) or "()"
    return f"Parameter containing: [{param.dtype} of size {size} on {param.device}]"


class ParameterList(Module):
    """A list of parameters that registers them as "0", "1", ...: index, iterate, append,
    extend."""

    def __init__(self, values=None):
        super().__init__()
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters.values())

    def __getitem__(self, index):
        items = list(self._parameters.values())
        if isinstance(index, slice):
            return ParameterList(items[index])
        return items[_index(index, len(items), "parameters")]

    def __setitem__(self, index: int, value) -> None:
        position = _index(index, len(self), "parameters")
        self.register_parameter(str(position), _as_parameter("ParameterList", value))

    def append(self, value) -> ParameterList:
        self.register_parameter(str(len(self)), _as_parameter("ParameterList", value))
        return self

    def extend(self, values) -> ParameterList:
        if isinstance(values, Tensor):  # iterating would split it into rows: almost never meant
            raise TypeError("ParameterList.extend takes an iterable of tensors, got one tensor; "
                            "use append(tensor)")
        for value in _iterate("ParameterList", values):
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(f"({i}): {_describe(p)}" for i, p in enumerate(self))


class ParameterDict(Module):
    """A dict of parameters that registers them under their (string) keys."""

    def __init__(self, parameters=None):
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __getitem__(self, key: str):
        return self._parameters[key]

    def __setitem__(self, key: str, value) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict keys are strings (they name the parameters in the "
                            f"state_dict), got {key!r}")
        self.register_parameter(key, _as_parameter("ParameterDict", value))

    def __delitem__(self, key: str) -> None:
        del self._parameters[key]

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self):
        return iter(self._parameters)

    def __contains__(self, key) -> bool:
        return key in self._parameters

    def keys(self):
        return self._parameters.keys()

    def items(self):
        return self._parameters.items()

    def values(self):
        return self._parameters.values()

    def get(self, key: str, default=None):
        return self._parameters.get(key, default)

    def pop(self, key: str):
        return self._parameters.pop(key)

    def setdefault(self, key: str, default=None):
        if key not in self._parameters:
            self[key] = default
        return self._parameters[key]

    def clear(self) -> None:
        self._parameters.clear()

    def update(self, parameters) -> None:
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = parameters.items()
        elif isinstance(parameters, Mapping):  # a plain dict: sorted keys, as in PyTorch
            pairs = sorted(parameters.items())
        else:
            pairs = _iterate("ParameterDict", parameters)
        for pair in pairs:
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                raise TypeError(f"ParameterDict.update takes a mapping or (key, tensor) pairs, "
                                f"got an item {pair!r}")
            self[pair[0]] = pair[1]

    def extra_repr(self) -> str:
        return "\n".join(f"({k}): {_describe(p)}" for k, p in self.items())
