"""Function: the base of every differentiable op, and the public face of autograd.

What it does: every differentiable op is a `Function` subclass whose
`forward` computes on backend arrays and whose `backward` maps the output's
gradient to one gradient per input, written right beside it. Calling
`Op.apply(...)` checks that the tensor arguments share a device, runs
forward on their arrays, wraps the result in a Tensor and, when some input
requires grad and grad mode is on, records the Function as a graph node
(an `engine.Node`) linked to its inputs' nodes or leaves. `backward()` (see
engine.py) walks those links; grad mode (`no_grad` and friends) lives there
too and is re-exported here, as `torch.autograd` does.

Assumes:
- One output per Function; ops with several outputs (split) are built from
  several single-output nodes.
- The engine undoes broadcasting and casts each gradient to its input's
  dtype in one place, so each op's backward stays a line or two.
- Saved arrays are guarded by version counters: an input or output that a
  node saved and that was modified in place afterwards makes backward raise.

Production does instead: PyTorch generates most backward formulas from
`derivatives.yaml` and records nodes in C++; its Python `autograd.Function`
is for user-defined ops and takes a `ctx` object instead of `self`.
"""

from __future__ import annotations

from weakref import ref as _weakref

from .anomaly import detect_anomaly, forward_stack, set_detect_anomaly
from .device import check_same_device
from .engine import (
    Node,
    anomaly_mode,
    enable_grad,
    grad_mode,
    is_grad_enabled,
    no_grad,
    run_backward,
    set_grad_enabled,
)
from .tensor import NO_CREATE_GRAPH, Tensor, checked_hook_result

__all__ = ["Function", "backward", "grad", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled", "set_detect_anomaly", "detect_anomaly"]


# Set by function_ctx.py (a module above this one) to its `adapt`, which gives a subclass with a
# static, PyTorch-style forward(ctx, ...) its own apply().
_ctx_style = [None]


class Function(Node):
    """A differentiable op. Subclasses define `forward(*arrays, **params)` and `backward(grad)`.

    Inside both, `self.xp` is the backend namespace and `self.device` the
    inputs' device. `forward` calls `self.save_for_backward(...)` with the
    arrays backward needs (or stores plain Python values on `self`);
    `backward` returns one gradient per positional argument of `forward`
    (None where there is none).
    """

    out_device = None      # set by forward when the result lives on another device
    view_of_input = False  # True where the output may share its first input's buffer

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if isinstance(cls.__dict__.get("forward"), staticmethod):  # PyTorch's ctx style
            _ctx_style[0](cls)  # function_ctx.adapt, installed when tinytorch is imported

    def needs_grad(self, index: int) -> bool:
        """Whether argument `index` of forward wants a gradient (skip work when it doesn't)."""
        return self.edges[index] is not None

    def save_for_backward(self, *arrays):
        self.saved = arrays

    def forward(self, *args, **params):  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def apply(cls, *args, **params):
        """Run forward on the arrays of `args` and, if needed, record the node for backward."""
        fn = cls()
        device = None
        arrays = []
        needs_grad = False
        for arg in args:
            if isinstance(arg, Tensor):
                if device is None:
                    device = arg.device
                elif arg.device is not device:
                    check_same_device(cls.__name__.lower(), device, arg.device)
                arrays.append(arg._data)
                needs_grad = needs_grad or arg.requires_grad
            else:
                arrays.append(arg)
        fn.device, fn.xp = device, device.xp
        out = fn.forward(*arrays, **params)
        result = Tensor._wrap(out, fn.out_device or device)
        if cls.view_of_input:  # a view shares the version counter of its base, as in PyTorch
            result._counter = args[0]._counter
        if needs_grad and grad_mode.enabled:
            fn._record(args, result)
        return result

    def _record(self, args, result):
        # One edge per argument: (the node or leaf its gradient goes to, its shape, its dtype).
        edges = []
        for arg in args:
            if isinstance(arg, Tensor) and arg.requires_grad:
                data = arg._data
                edges.append((arg.grad_fn or arg, data.shape, data.dtype))
            else:
                edges.append(None)
        self.edges = edges
        if self.saved:  # remember the version of each tensor whose buffer this node saved
            saved_ids = {id(array) for array in self.saved}
            # Weak references: the output points at this node, so a strong one would make a
            # reference cycle and keep every saved buffer alive until the cyclic GC runs.
            self.versions = [(_weakref(t), t._version) for t in (result, *args)
                             if isinstance(t, Tensor) and id(t._data) in saved_ids]
        result.grad_fn = self
        result.requires_grad = True
        if anomaly_mode.enabled:  # remember where this op ran, for backward's errors
            self.trace = forward_stack()

    def run_output_hooks(self, grad):
        """Run the output's hooks (register_hook) and keep its .grad if it called retain_grad()."""
        device = self.out_device or self.device
        for hook in self.hooks or ():
            grad = checked_hook_result(hook, hook(Tensor._wrap(grad, device)), grad, device)
        kept = self.retained() if self.retained is not None else None
        if kept is not None:
            kept.grad = Tensor._wrap(grad if kept.grad is None else kept.grad._data + grad,
                                     kept.device)
        return grad


def backward(tensors, grad_tensors=None, retain_graph=False, create_graph=False, inputs=None):
    """`torch.autograd.backward`: call `t.backward(g)` for each output and its gradient."""
    tensors = _tensor_list(tensors, "tensors")
    grad_tensors = _gradient_list(grad_tensors, len(tensors))
    for i, (tensor, grad) in enumerate(zip(tensors, grad_tensors)):
        # the graph must outlive every output but the last, which may share it
        keep = retain_graph or i < len(tensors) - 1
        tensor.backward(grad, retain_graph=keep, create_graph=create_graph, inputs=inputs)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """`torch.autograd.grad`: the gradients of `outputs` with respect to `inputs`, returned as a
    tuple (one per input) instead of accumulated into any `.grad`.

    An input the outputs do not depend on gets None with `allow_unused=True`, zeros with
    `materialize_grads=True`, and an error otherwise. No `create_graph` (see engine.py).
    """
    if create_graph:
        raise RuntimeError(NO_CREATE_GRAPH)
    if is_grads_batched:
        raise RuntimeError("grad(is_grads_batched=True) is not supported: call grad once per "
                           "row of grad_outputs")
    outputs, inputs = _tensor_list(outputs, "outputs"), _tensor_list(inputs, "inputs")
    grad_outputs = _gradient_list(grad_outputs, len(outputs))
    for i, t in enumerate(inputs):
        if not t.requires_grad:
            raise RuntimeError(f"grad(): input {i} does not require grad, so it has no gradient. "
                               f"Call requires_grad_() on it before computing the outputs.")
    keep = create_graph if retain_graph is None else retain_graph
    totals = {}
    for i, (out, gradient) in enumerate(zip(outputs, grad_outputs)):
        start = out._initial_gradient(gradient, f"element {i} of outputs")
        captured = {id(t.grad_fn or t): None for t in inputs}
        run_backward(out.grad_fn or out, start, keep or i < len(outputs) - 1, captured)
        for key, g in captured.items():
            if g is not None:
                totals[key] = g if totals.get(key) is None else totals[key] + g
    result = []
    for i, t in enumerate(inputs):
        total = totals.get(id(t.grad_fn or t))
        if total is not None:
            result.append(Tensor._wrap(total, t.device))
        elif materialize_grads:
            result.append(t.detach() * 0)
        elif allow_unused:
            result.append(None)
        else:
            raise RuntimeError(f"grad(): input {i} was not used to compute the outputs, so it "
                               f"has no gradient. Pass allow_unused=True to get None for it "
                               f"(or materialize_grads=True for zeros).")
    return tuple(result)


def _tensor_list(tensors, name):
    items = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    if not items or not all(isinstance(t, Tensor) for t in items):
        raise TypeError(f"{name} must be a tensor or a non-empty sequence of tensors, got "
                        f"{[type(t).__name__ for t in items]}")
    return items


def _gradient_list(gradients, count):
    if gradients is None:
        return [None] * count
    items = [gradients] if isinstance(gradients, Tensor) else list(gradients)
    if len(items) != count:
        raise RuntimeError(f"got {len(items)} gradients for {count} outputs; pass one per output "
                           f"(None for a one-element output)")
    return items
