"""The Optimizer base class: parameter groups, per-parameter state, zero_grad and state dicts.

What it does: an optimizer holds `param_groups`, a list of dicts, each with
"params" (a list of tensors that require grad) and that group's
hyperparameters (lr, momentum, ...), filled in from the optimizer's
defaults where the group does not say. `state[param]` is a dict of
per-parameter buffers (momentum, Adam's moving averages), created on the
parameter's device at the first step. `step()` runs, under `no_grad()`,
one call of the subclass's `_update(param, grad, state, group)` for every
parameter that has a gradient; the update writes into the parameter's
buffer in place, with the array API's in-place operators on the backend
arrays, so a step builds no graph and allocates few temporaries.

`state_dict()` uses PyTorch's layout: parameters are replaced by their
position in the order of `param_groups` (0, 1, 2, ...), so a checkpoint
holds no tensors of the model, only the optimizer's own state:
    {"state": {0: {"momentum_buffer": tensor}, ...},
     "param_groups": [{"lr": 0.1, ..., "params": [0, 1]}, ...]}
`load_state_dict` matches those positions to this optimizer's parameters,
moves each state tensor to its parameter's device (and floating state to
its dtype) and takes the hyperparameters from the saved groups.

PyTorch's implementation switches are accepted (`implementation_flags`):
`foreach`, `fused` and `capturable` choose how PyTorch runs the same
formulas (multi-tensor kernels, one fused kernel, CUDA-graph capture), so
True changes nothing here (a step is one loop whatever they say);
`differentiable=True` asks for a step that autograd records, which these
in-place updates under no_grad cannot give, so it is refused.

Assumes: dense gradients of the parameter's dtype and device (autograd
guarantees this); one parameter appears in one group only; a step is a
loop over parameters in Python.
Production does instead: PyTorch's optimizers can update all parameters of
a group at once with "foreach" multi-tensor kernels or one "fused" kernel
per step, support sparse and complex gradients, hooks around step and
state_dict, and keep `step` counts as tensors so a whole step can run in a
CUDA graph.
"""

from __future__ import annotations

import copy

from ..autograd import enable_grad, no_grad
from ..dtypes import is_floating_point
from ..tensor import Tensor

__all__ = ["Optimizer", "implementation_flags", "check_hyperparameter", "check_betas"]


class Optimizer:
    """Base class. Subclasses pass their defaults and define `_update`."""

    def __init__(self, params, defaults: dict):
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got a Tensor. Pass [tensor] or "
                            "model.parameters().")
        if hasattr(params, "parameters") and hasattr(params, "state_dict"):
            raise TypeError(f"params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got a {type(params).__name__} module. Pass "
                            f"model.parameters(), e.g. SGD(model.parameters(), lr=0.1).")
        if not isinstance(defaults, dict):
            raise TypeError(f"Optimizer(params, defaults): defaults must be a dict of "
                            f"hyperparameters such as {{'lr': 0.1}}, got {type(defaults).__name__}")
        self.defaults = dict(defaults)
        self.param_groups: list[dict] = []
        self.state: dict[Tensor, dict] = {}  # keyed by the parameter itself (hash is identity)
        try:
            groups = list(params)
        except TypeError:
            raise TypeError(f"params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {type(params).__name__}. Pass "
                            f"model.parameters() or a list of tensors.") from None
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters (and its own hyperparameters) to optimize.

        Useful to start training layers that were frozen: the new group gets
        the optimizer's defaults for every hyperparameter it does not set.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"a param group is a dict with a 'params' key, got "
                            f"{type(param_group).__name__}")
        params = param_group.get("params")
        if params is None:
            raise ValueError("a param group needs a 'params' entry (a list of tensors)")
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is "
                                f"{type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor: optimize the tensors you "
                                 "created with requires_grad=True (the parameters), not results "
                                 "computed from them.")
        seen = {id(p) for group in self.param_groups for p in group["params"]}
        if len({id(p) for p in params}) != len(params) or any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group (or twice "
                             "in one); each parameter may be optimized by one group only.")
        self.param_groups.append({**self.defaults, **param_group, "params": params})

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient: drop it (the default) or fill it with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    with no_grad():
                        p.grad.zero_()

    def step(self, closure=None):
        """Update every parameter that has a gradient; returns closure()'s loss if given.

        `closure` re-evaluates the model and returns the loss (some optimizers,
        such as L-BFGS, need it; here it is simply called first).
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state.setdefault(p, {})
                    _check_state_device(p, state)
                    self._update(p, p.grad, state, group)
                    p._version += 1  # the buffer changed: autograd's saved-tensor check sees it
        return loss

    def _update(self, param: Tensor, grad: Tensor, state: dict, group: dict) -> None:
        """Write one step into `param` in place (subclasses define the rule)."""
        raise NotImplementedError

    @staticmethod
    def _penalised_grad(param: Tensor, grad: Tensor, group: dict):
        """The gradient array a rule follows: negated for maximize=True, plus the L2 penalty
        weight_decay * param when weight_decay is set (PyTorch's coupled weight decay)."""
        g = -grad._data if group["maximize"] else grad._data
        if group["weight_decay"] != 0:
            g = g + group["weight_decay"] * param._data
        return g

    # ---- checkpoints -------------------------------------------------------------------------
    def _params_in_order(self) -> list[Tensor]:
        return [p for group in self.param_groups for p in group["params"]]

    def state_dict(self) -> dict:
        """The optimizer's state, with parameters named by their position (see module doc)."""
        index = {id(p): i for i, p in enumerate(self._params_in_order())}
        groups, start = [], 0
        for group in self.param_groups:
            n = len(group["params"])
            groups.append({**{k: v for k, v in group.items() if k != "params"},
                           "params": list(range(start, start + n))})
            start += n
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what `state_dict()` returned, onto this optimizer's parameters."""
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(saved_groups)} parameter groups, but "
                             f"this optimizer has {len(self.param_groups)}")
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"loaded state dict's parameter group {i} has "
                                 f"{len(saved['params'])} parameters, but this optimizer's has "
                                 f"{len(group['params'])}: it belongs to another model")
        by_index = {}
        for saved, group in zip(saved_groups, self.param_groups):
            by_index.update(zip(saved["params"], group["params"]))
        self.state = {}
        for key, buffers in state_dict["state"].items():
            param = by_index[int(key)]
            self.state[param] = {name: _onto(value, param, name)
                                 for name, value in buffers.items()}
        # The saved values win; a key the checkpoint lacks (one written before an option
        # existed) keeps this optimizer's value, so old checkpoints still step.
        self.param_groups = [
            {**group, **copy.deepcopy({k: v for k, v in saved.items() if k != "params"}),
             "params": group["params"]}
            for saved, group in zip(saved_groups, self.param_groups)]

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def _onto(value, param: Tensor, name: str):
    """A loaded state value placed for `param`: tensors copied to its device (floats to its dtype).

    The step counter stays as it was saved (PyTorch keeps it in float32 or
    as a number whatever the parameter's dtype); other values are copied.
    """
    if not isinstance(value, Tensor):
        return copy.deepcopy(value)
    dtype = param.dtype if is_floating_point(value.dtype) and name != "step" else value.dtype
    return value.detach().to(device=param.device, dtype=dtype).clone()


def _check_state_device(param, state):
    """The update computes on raw arrays: state left on another device (the model was moved
    after some steps) must be named, not fail inside the backend, and is never moved silently."""
    if param.grad.device is not param.device:
        raise RuntimeError(f"a parameter is on {param.device} but its .grad is on "
                           f"{param.grad.device}; call optimizer.zero_grad() after moving the "
                           f"model.")
    for name, value in state.items():
        if isinstance(value, Tensor) and value.device is not param.device:
            raise RuntimeError(
                f"optimizer state {name!r} is on {value.device} but its parameter is on "
                f"{param.device} (the model was moved after the optimizer stepped). Create the "
                f"optimizer after model.to(...), or reload its state with "
                f"optimizer.load_state_dict(...) after moving the model.")


# ---- arguments every optimizer shares -------------------------------------------------------

_FLAG_DEFAULTS = {"foreach": None, "fused": None, "capturable": False, "differentiable": False}


def implementation_flags(owner: str, **flags) -> dict:
    """Check PyTorch's implementation switches and return them for the defaults (as PyTorch
    keeps them in every param group).

    foreach, fused and capturable only choose how PyTorch runs the same formulas, so any
    value is accepted and changes nothing here; differentiable=True is refused, because a
    step that writes raw arrays under no_grad is never recorded in the graph.
    """
    for name, value in flags.items():
        if name not in _FLAG_DEFAULTS:
            raise TypeError(f"{owner}() got an unexpected keyword argument {name!r}")
        if value is not None and not isinstance(value, bool):
            raise TypeError(f"{owner}(): {name} must be True, False or None, got {value!r}")
    if flags.get("foreach") and flags.get("fused"):
        raise RuntimeError(f"{owner}(): `fused` and `foreach` cannot be `True` together; pass "
                           f"one of them (both only pick PyTorch kernels: tinytorch steps the "
                           f"same way whatever they say).")
    if flags.get("differentiable"):
        raise ValueError(f"{owner}(differentiable=True) is not supported: tinytorch's "
                         f"optimizers update parameters in place under no_grad, so autograd "
                         f"never sees the step. To differentiate through an update, write it "
                         f"with tensor ops, e.g. new_w = w - lr * w.grad.")
    return {name: (_FLAG_DEFAULTS[name] if name == "differentiable" and value is None else value)
            for name, value in flags.items()}


def check_hyperparameter(name: str, value, low: float = 0.0) -> None:
    """A number >= low, or a ValueError in PyTorch's words ("Invalid learning rate: -1")."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not value >= low:  # also catches nan
        raise ValueError(f"Invalid {name}: {value} (it must be at least {low})")


def check_betas(betas) -> tuple:
    """Two numbers in [0, 1), as a tuple."""
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise TypeError(f"betas must be a pair of numbers such as (0.9, 0.999), got {betas!r}")
    for i, beta in enumerate(betas):
        if isinstance(beta, bool) or not isinstance(beta, (int, float)):
            raise TypeError(f"betas[{i}] must be a number, got {type(beta).__name__}")
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta} (each must be in "
                             f"[0, 1)), got betas={tuple(betas)}")
    return tuple(betas)
