"""Containers: Sequential, ModuleList and ModuleDict hold sub-modules under index or key names.

What it does: `Sequential(a, b, c)` runs its modules one after another;
`ModuleList` and `ModuleDict` only hold modules (you write the forward) but,
unlike a plain list or dict, register them, so their parameters are found
by `parameters()`, moved by `to()` and saved as "0.weight", "1.bias",
"encoder.weight" in the state_dict.

Assumes: children are named by their position ("0", "1", ...) or key, as
in PyTorch, so state_dict keys match a PyTorch model of the same structure.
Production does instead: PyTorch's containers are the same idea, with more
list/dict methods and ParameterList/ParameterDict for bare parameters.
"""

from __future__ import annotations

from collections import OrderedDict

from ..errors import TensorIndexError
from .module import Module

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


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


def _index(index: int, length: int) -> int:
    if not -length <= index < length:
        raise TensorIndexError(f"index {index} is out of range for a container of {length} modules")
    return index % length
