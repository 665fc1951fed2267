"""Reverse-mode automatic differentiation: `Function`, the backward engine, and grad mode.

What it does: every differentiable op is a `Function` subclass whose
`forward` computes on backend arrays and whose `backward` maps the output's
gradient to one gradient per input, written right beside it. Calling
`Op.apply(...)` runs forward and, when some input requires grad, links the
new node to its inputs' nodes. `backward()` walks those links from the
output to the leaves in reverse topological order, without recursion, and
accumulates into the leaves' `.grad`.

Assumes:
- Backward functions compute on raw arrays, so gradients are not themselves
  differentiable (no double backward, no `create_graph`).
- One output per Function; ops with several outputs (split) are built from
  several single-output nodes.
- The engine undoes broadcasting and casts each gradient to its input's
  dtype in one place, so each op's backward stays a line or two.
- Saved arrays are guarded by version counters: an input or output that a
  node saved and that was modified in place afterwards makes backward raise.

Production does instead: PyTorch's engine is C++, runs backward on worker
threads per device, supports higher-order gradients by recording the
backward pass itself, and generates most backward formulas from
`derivatives.yaml`.
"""

from __future__ import annotations

import functools
import threading
from weakref import ref as _weakref

__all__ = ["Function", "backward", "no_grad", "enable_grad", "set_grad_enabled",
           "is_grad_enabled"]


class _GradMode(threading.local):
    enabled = True


_grad_mode = _GradMode()


def is_grad_enabled() -> bool:
    return _grad_mode.enabled


class no_grad:  # noqa: N801 - mirrors torch.no_grad
    """Disable gradient recording in a block or a decorated function (`with tt.no_grad():`)."""

    mode = False

    def __init__(self):
        self._previous = []

    def __enter__(self):
        self._previous.append(_grad_mode.enabled)
        _grad_mode.enabled = self.mode
        return self

    def __exit__(self, *exc):
        _grad_mode.enabled = self._previous.pop()
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self._fresh():
                return func(*args, **kwargs)
        return wrapper

    def _fresh(self):
        return type(self)()


class enable_grad(no_grad):  # noqa: N801
    """Re-enable gradient recording inside a `no_grad` block."""

    mode = True


class set_grad_enabled(no_grad):  # noqa: N801
    """Set gradient recording on or off: as a plain call, a context manager or a decorator.

    As in PyTorch, the plain call takes effect at once; used with `with`, the
    mode from before the call comes back when the block exits.
    """

    def __init__(self, mode: bool):
        super().__init__()
        self.mode = bool(mode)
        self._before = _grad_mode.enabled
        _grad_mode.enabled = self.mode

    def __enter__(self):
        self._previous.append(self._before)
        _grad_mode.enabled = self.mode
        return self

    def __call__(self, func):
        _grad_mode.enabled = self._before  # decorating a function must not change the mode
        return super().__call__(func)

    def _fresh(self):
        return set_grad_enabled(self.mode)


class Function:
    """A differentiable op. Subclasses define `forward(*arrays, **params)` and `backward(grad)`.

    Inside both, `self.xp` is the backend namespace and `self.device` the
    inputs' device. `forward` calls `self.save_for_backward(...)` with the
    arrays backward needs (or stores plain Python values on `self`);
    `backward` returns one gradient per positional argument of `forward`
    (None where there is none).
    """

    # Class-level defaults; apply() and _record() set them on the nodes that need them.
    edges = ()             # per argument: (parent node or leaf, shape, dtype), or None
    saved = ()
    out_device = None      # set by forward when the result lives on another device
    hooks = None           # gradient hooks registered on the output (Tensor.register_hook)
    retained = None        # weak reference to the output, if it called retain_grad()
    versions = ()
    _freed = False
    view_of_input = False  # True where the output may share its first input's buffer

    def needs_grad(self, index: int) -> bool:
        """Whether argument `index` of forward wants a gradient (skip work when it doesn't)."""
        return self.edges[index] is not None

    def save_for_backward(self, *arrays):
        self.saved = arrays

    def forward(self, *args, **params):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad):  # pragma: no cover - abstract
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
                    _raise_device_mismatch(cls, device, arg.device)
                arrays.append(arg._data)
                needs_grad = needs_grad or arg.requires_grad
            else:
                arrays.append(arg)
        fn.device, fn.xp = device, device.xp
        out = fn.forward(*arrays, **params)
        result = Tensor._wrap(out, fn.out_device or device)
        if cls.view_of_input:  # a view shares the version counter of its base, as in PyTorch
            result._counter = args[0]._counter
        if needs_grad and _grad_mode.enabled:
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

    @property
    def next_functions(self) -> tuple:
        """The nodes (or leaf tensors) this node sends gradients to, one per argument."""
        return tuple(edge and edge[0] for edge in self.edges)

    @property
    def name(self) -> str:
        return type(self).__name__ + "Backward"

    def __repr__(self) -> str:
        return f"<{self.name}>"

    def _check_versions(self):
        """Raise if a tensor whose buffer this node saved was modified in place since."""
        for ref, version in self.versions:
            tensor = ref()
            if tensor is not None and tensor._version != version:
                shape = "x".join(map(str, tensor.shape)) or "scalar"
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: [{tensor.dtype} {shape}] is at version "
                    f"{tensor._version}; expected version {version} instead. The op that saved it "
                    f"is {self.name}. Use an out-of-place op (x = x + y instead of x += y) or "
                    f"clone() the tensor before modifying it.")

    def _release(self):
        """Drop saved arrays after backward; a second backward through this node then raises."""
        if self.saved:
            self._freed = True
        self.saved = ()


def _raise_device_mismatch(cls, first, second):
    raise RuntimeError(
        f"Expected all tensors to be on the same device, but found at least two devices, "
        f"{first} and {second} (in {cls.__name__.lower()}). Move one explicitly, e.g. "
        f"tensor.to('{first}'); tinytorch never copies between devices implicitly.")


def sum_to_shape(xp, grad, shape):
    """Undo broadcasting: sum `grad` over the axes that broadcasting added or stretched."""
    extra = grad.ndim - len(shape)
    if extra:
        grad = xp.sum(grad, axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = xp.sum(grad, axis=stretched, keepdims=True)
    return grad


def backward(root, gradient=None, retain_graph=False):
    """Accumulate d(root)/d(leaf) into every leaf's `.grad` (see Tensor.backward)."""
    if not root.requires_grad:
        raise RuntimeError(
            "element 0 of tensors does not require grad and does not have a grad_fn: nothing "
            "upstream was created with requires_grad=True (or it ran under no_grad()). Call "
            "x.requires_grad_() on the inputs you want gradients for.")
    xp = root.device.xp
    if gradient is None:
        if root._data.size != 1:
            raise RuntimeError(
                f"grad can be implicitly created only for scalar outputs, but this output has "
                f"shape {root.shape}. Pass backward(gradient=...) with a tensor of that shape, "
                f"or reduce first, e.g. y.sum().backward().")
        grad = xp.ones(root._data.shape, dtype=root._data.dtype, device=root._data.device)
    else:
        if not isinstance(gradient, Tensor):
            raise TypeError(f"gradient must be a Tensor, got {type(gradient).__name__}")
        if gradient.shape != root.shape:
            raise RuntimeError(f"Mismatch in shape: gradient has shape {gradient.shape} but the "
                               f"output has shape {root.shape}. Pass a gradient of the output's "
                               f"shape.")
        if gradient.device is not root.device:
            raise RuntimeError(f"gradient is on {gradient.device} but the output is on "
                               f"{root.device}; move it with gradient.to('{root.device}').")
        # a copy (leaves' .grad must not alias `gradient`) in the output's dtype: PyTorch accepts
        # an int64 gradient for a float output, and the strict backends refuse mixed dtypes
        grad = xp.astype(gradient._data, root._data.dtype, copy=True)

    if root.grad_fn is None:  # a leaf: backward on itself
        _accumulate({id(root): (root, grad)})
        return

    order = _topological_order(root.grad_fn)
    grads = {root.grad_fn: grad}
    leaves = {}
    for fn in order:
        grad = grads.pop(fn)
        if fn._freed:
            raise RuntimeError(
                f"Trying to backward through the graph a second time (or directly access saved "
                f"tensors after they have already been freed) at {fn.name}. Saved intermediate "
                f"values of the graph are freed when you call .backward(). Specify "
                f"retain_graph=True if you need to backward through the graph a second time.")
        if fn.hooks:
            grad = _run_hooks(fn.hooks, grad, fn.out_device or fn.device)
        kept = fn.retained() if fn.retained is not None else None
        if kept is not None:
            kept.grad = Tensor._wrap(grad if kept.grad is None else kept.grad._data + grad,
                                     kept.device)
        if fn.versions:
            fn._check_versions()
        input_grads = fn.backward(grad)
        if type(input_grads) is not tuple:
            input_grads = (input_grads,)
        for edge, g in zip(fn.edges, input_grads):
            if edge is None or g is None:
                continue
            parent, shape, dtype = edge
            if g.shape != shape:
                g = sum_to_shape(fn.xp, g, shape)
            if g.dtype is not dtype and g.dtype != dtype:  # `is` first: the common, cheap case
                g = fn.xp.astype(g, dtype)
            if isinstance(parent, Function):
                previous = grads.get(parent)
                grads[parent] = g if previous is None else previous + g
            else:
                previous = leaves.get(id(parent))
                leaves[id(parent)] = (parent, g if previous is None else previous[1] + g)
        if not retain_graph:
            fn._release()
    _accumulate(leaves)


def _run_hooks(hooks, grad, device):
    for hook in hooks:
        result = hook(Tensor._wrap(grad, device))
        if result is None:
            continue
        name = getattr(hook, "__name__", repr(hook))
        if not isinstance(result, Tensor):
            raise TypeError(f"expected a Tensor or None, but hook {name!r} returned "
                            f"{type(result).__name__}")
        if result.shape != tuple(grad.shape):
            raise RuntimeError(f"hook {name!r} has changed the size of the gradient: it got "
                               f"shape {tuple(grad.shape)} and returned shape {result.shape}. "
                               f"Return a tensor of the gradient's shape.")
        if result.device is not device:
            raise RuntimeError(f"hook {name!r} returned a gradient on {result.device}, but the "
                               f"gradient is on {device}; return it on {device}.")
        grad = result._data
    return grad


def _accumulate(leaves):
    stored = set()  # ops such as add hand one array to both inputs; each .grad gets its own
    for tensor, grad in leaves.values():
        hooks = tensor._hooks
        if hooks:
            grad = _run_hooks(hooks, grad, tensor.device)
        if tensor.grad is None:
            if id(grad) in stored:
                grad = tensor.device.xp.asarray(grad, copy=True)
            stored.add(id(grad))
            tensor.grad = Tensor._wrap(grad, tensor.device)
        else:
            tensor.grad = Tensor._wrap(tensor.grad._data + grad, tensor.device)


def _topological_order(root_fn):
    """Nodes reachable from `root_fn`, each after every node that feeds it a gradient."""
    order, visited = [], {root_fn}
    stack = [(root_fn, iter(root_fn.edges))]
    while stack:
        fn, edges = stack[-1]
        for edge in edges:
            if edge is not None and isinstance(edge[0], Function) and edge[0] not in visited:
                parent = edge[0]
                visited.add(parent)
                stack.append((parent, iter(parent.edges)))
                break
        else:
            stack.pop()
            order.append(fn)
    order.reverse()
    return order

from .tensor import Tensor  # noqa: E402 - Tensor and Function refer to each other
