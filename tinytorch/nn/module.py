"""Module: the base class of every layer and model, which keeps track of what it owns.

What it does: assigning a `Parameter`, a `Module` or a registered buffer to
an attribute records it under that name, so a model built from layers can
list all its weights (`parameters()`, `named_parameters()`), walk its
sub-modules (`children()`, `modules()`), switch mode (`train()`/`eval()`),
move itself (`to(device)`, `to(dtype)`), and save or restore its values by
name (`state_dict()` / `load_state_dict()`). Calling a module runs its
`forward`.

Assumes:
- Names follow PyTorch ("0.weight", "bn.running_mean"), so state_dicts of
  matching PyTorch modules line up key for key.
- `to()` changes the module in place: each Parameter object keeps its
  identity (an optimizer built earlier still holds it) and gets new data.
- No hooks, no `__torch_function__`, no lazy or meta initialisation.
- `load_state_dict` checks every key and shape before copying anything,
  so a failed load leaves the module unchanged.

Production does instead: torch.nn.Module has the same registries
(`_parameters`, `_buffers`, `_modules`) and attribute hooks, plus forward
and backward hooks, state_dict pre/post hooks, versioned state_dict
upgrades, `register_module`, `to_empty`, parametrizations and `torch.compile`
integration.
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple

from .. import dtypes as _dt
from ..autograd import no_grad
from ..creation import as_tensor
from ..device import cuda_device
from ..tensor import Tensor, _parse_to
from .parameter import Parameter

__all__ = ["Module"]

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    """Base class for layers and models: subclass it, assign layers and Parameters in
    `__init__` (after `super().__init__()`), and write `forward`."""

    training: bool

    def __init__(self):
        # object.__setattr__: our own __setattr__ needs these registries to exist first.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent", set())
        object.__setattr__(self, "_modules", {})

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define "
                                  f"`def forward(self, x): ...` in the subclass.")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ---- registration by attribute assignment ---------------------------------------------------
    def __setattr__(self, name, value):
        registries = self.__dict__.get("_parameters"), self.__dict__.get("_modules")
        if isinstance(value, (Parameter, Module)) and None in registries:
            raise AttributeError(f"cannot assign a {type(value).__name__} to '{name}' before "
                                 f"Module.__init__() ran: call super().__init__() first in "
                                 f"{type(self).__name__}.__init__.")
        params, modules = registries
        for kind, registry, what, hint in ((Parameter, params, "parameter",
                                            " Wrap it: nn.Parameter(tensor)."),
                                           (Module, modules, "child module", "")):
            if isinstance(value, kind):
                self._forget(name)
                registry[name] = value
                return
            if registry is not None and name in registry:
                if value is not None:
                    raise TypeError(f"cannot assign {type(value).__name__} as {what} '{name}' "
                                    f"(a {kind.__name__} or None is expected).{hint}")
                registry[name] = None
                return
        buffers = self.__dict__.get("_buffers")
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign {type(value).__name__} as buffer '{name}' "
                                f"(a Tensor or None is expected)")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # Called only when ordinary lookup fails: look in the registries.
        state = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            found = state.get(registry)
            if found is not None and name in found:
                return found[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                self._non_persistent.discard(name)
                return
        object.__delattr__(self, name)

    def _forget(self, name):
        """Remove `name` from every registry and the instance dict (before re-registering it)."""
        self.__dict__.pop(name, None)
        for registry in (self._parameters, self._buffers, self._modules):
            registry.pop(name, None)
        self._non_persistent.discard(name)

    def _register(self, registry: str, name: str, value, kind: type, hint: str) -> None:
        if value is not None and not isinstance(value, kind):
            raise TypeError(f"cannot register {type(value).__name__} as {registry[1:-1]} "
                            f"'{name}' ({hint})")
        if registry not in self.__dict__:
            raise AttributeError(f"call super().__init__() before register_{registry[1:-1]}()")
        self._forget(name)
        getattr(self, registry)[name] = value

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        self._register("_parameters", name, param, Parameter, "wrap it: nn.Parameter(tensor)")

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Track a tensor that is state but not learnable (e.g. BatchNorm's running mean).

        Buffers move with `to()` and, if persistent, are saved in the state_dict.
        """
        self._register("_buffers", name, tensor, Tensor, "a Tensor or None is expected")
        if not persistent:
            self._non_persistent.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._forget(name)
        self._modules[name] = module

    # ---- walking the tree -----------------------------------------------------------------
    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        """(name, module) for this module and every module below it, depth first."""
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name,
                                               remove_duplicate)

    def modules(self):
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self):
        for _, child in self.named_children():
            yield child

    def _named_members(self, registry, prefix, recurse, remove_duplicate=True):
        seen = set()
        walk = self.named_modules(prefix=prefix) if recurse else [(prefix, self)]
        for module_prefix, module in walk:
            for name, value in getattr(module, registry).items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True):
        """(name, Parameter) pairs; a Parameter shared by two layers is listed once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True):
        return (param for _, param in self.named_parameters(recurse=recurse))

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True):
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True):
        return (buffer for _, buffer in self.named_buffers(recurse=recurse))

    def get_submodule(self, target: str) -> Module:
        module = self
        for part in target.split(".") if target else []:
            child = module._modules.get(part)
            if child is None:
                raise AttributeError(f"{type(module).__name__} has no submodule '{part}' "
                                     f"(looking up '{target}')")
            module = child
        return module

    def apply(self, fn):
        """Call `fn(module)` on every child (recursively), then on self; returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ---- modes and gradients --------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active, batch statistics); `train(False)` is `eval()`."""
        if not isinstance(mode, bool):
            raise ValueError(f"training mode is expected to be a bool, got {mode!r}")
        for module in self.modules():
            object.__setattr__(module, "training", mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode: dropout off, BatchNorm uses its running statistics."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget accumulated gradients: set `.grad` to None (default) or fill it with zeros."""
        for param in self.parameters():
            if param.grad is None:
                continue
            if set_to_none:
                param.grad = None
            else:
                param.grad = param.grad.detach()
                param.grad.zero_()

    # ---- devices and dtypes ---------------------------------------------------------------
    def to(self, *args, **kwargs) -> Module:
        """Move (and/or cast) every parameter, gradient and buffer, in place; returns self.

        `to("strict:1")`, `to("float64")`, `to(device, dtype)` or `to(tensor)`. Only floating
        tensors change dtype (integer buffers such as `num_batches_tracked` keep theirs).
        """
        device, dtype = _parse_to(args, dict(kwargs))
        if dtype is not None and not _dt.is_floating_point(dtype):
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got "
                            f"{dtype}. Cast the inputs instead, or pass e.g. 'float64'.")

        def convert(t: Tensor) -> Tensor:
            target = dtype if dtype is not None and _dt.is_floating_point(t.dtype) else None
            with no_grad():
                return t.detach().to(device=device, dtype=target)

        for module in self.modules():
            for param in module._parameters.values():
                if param is None:
                    continue
                param.data = convert(param)  # same Parameter object, new buffer
                if param.grad is not None:
                    param.grad = convert(param.grad)
            for name, buffer in module._buffers.items():
                if buffer is not None:
                    module._buffers[name] = convert(buffer)
        return self

    def compile(self, *args, **kwargs) -> None:
        """PyTorch compiles forward in place; tinytorch has no compiler (see
        tinytorch.compile), so this accepts torch.compile's arguments and changes nothing."""

    def cpu(self) -> Module:
        return self.to("cpu")

    def cuda(self, device=None) -> Module:
        return self.to(cuda_device(device))

    def float(self) -> Module:
        return self.to("float32")

    def double(self) -> Module:
        return self.to("float64")

    def half(self) -> Module:
        return self.to("float16")

    # ---- saving and loading ---------------------------------------------------------------
    def state_dict(self, destination=None, prefix: str = "", keep_vars: bool = False):
        """An ordered {name: tensor} of parameters and persistent buffers.

        The tensors share memory with the module (detached unless keep_vars=True), so
        copy them (e.g. `{k: v.clone() ...}`) to keep a snapshot that later training won't
        change.
        """
        if destination is None:
            destination = OrderedDict()
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent:
                destination[prefix + name] = buffer if keep_vars else buffer.detach()
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(destination, prefix + name + ".", keep_vars)
        return destination

    def load_state_dict(self, state_dict, strict: bool = True):
        """Copy values from `state_dict` into this module's parameters and buffers, in place.

        Values may be tinytorch tensors on any device, NumPy arrays (e.g. from
        `torch_module.state_dict()` via `.detach().numpy()`) or nested lists; each is
        converted to the target's device and dtype. With `strict=True`, missing and
        unexpected keys are errors; a wrong shape always is. Returns
        (missing_keys, unexpected_keys).
        """
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        converted, problems = {}, []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            shape = tuple(getattr(value, "shape", None) or ())
            if not hasattr(value, "shape"):
                value = as_tensor(value, dtype=target.dtype)
                shape = value.shape
            if shape != target.shape:
                problems.append(f"size mismatch for {key}: copying a value of shape {shape} "
                                f"from the state_dict, but the shape in the current model is "
                                f"{target.shape}.")
                continue
            converted[key] = value
        if strict:
            if missing:
                problems.insert(0, "Missing key(s) in state_dict: "
                                + ", ".join(f'"{k}"' for k in missing) + ".")
            if unexpected:
                problems.insert(len(missing) > 0, "Unexpected key(s) in state_dict: "
                                + ", ".join(f'"{k}"' for k in unexpected) + ".")
        if problems:
            hint = ("Check that the model is built with the same layer sizes as the saved one; "
                    "pass strict=False to skip missing and unexpected keys.")
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(problems) + "\n" + hint)
        with no_grad():
            for key, value in converted.items():
                target = own[key]
                target.copy_(as_tensor(value, dtype=target.dtype, device=target.device))
        return IncompatibleKeys(missing, unexpected)

    # ---- printing -------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr (its settings)."""
        return ""

    def __repr__(self) -> str:
        lines = self.extra_repr().split("\n") if self.extra_repr() else []
        for name, child in self._modules.items():
            child_text = repr(child).replace("\n", "\n  ")
            lines.append(f"({name}): {child_text}")
        if not lines:
            return f"{type(self).__name__}()"
        if len(lines) == 1 and not self._modules:
            return f"{type(self).__name__}({lines[0]})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"

    def __dir__(self):
        return sorted({*super().__dir__(), *self._parameters, *self._buffers, *self._modules})
