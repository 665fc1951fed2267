"""The backward engine: graph nodes, grad mode, and the walk that sends gradients to the leaves.

What it does: a graph node (`Node`) holds, per input of its op, an edge
`(parent, shape, dtype)`: the node or leaf its gradient goes to, and the
shape and dtype that gradient must have. `run_backward(root, grad)` visits
the nodes reachable from `root` in reverse topological order, without
recursion, calls each node's `backward(grad)` on raw arrays, undoes
broadcasting and casts in one place (`sum_to_shape`), and sums the
gradients that meet at a node. A leaf is anything that is not a Node; it
receives its total gradient through `leaf._accumulate_grad(array)` as soon
as every edge into it in this pass has delivered (the engine counts them
before it starts), so a leaf's post-accumulate hooks run during backward,
before nodes that do not feed that leaf (what overlapping gradient
communication with backward needs).

The engine knows this small protocol and nothing else: not the Tensor class,
not any op. tensor.py (the leaves) and autograd.py (Function, the nodes that
ops create) build on it, so it sits below both.

Node protocol: `edges`, `backward(grad)`, `xp`; optional `hooks` /
`retained` (then `run_output_hooks(grad)` is called first), `versions`
(then `_check_versions()`), `_freed`, `_release()`. A backward returns, per
input, an array, None, or a `SliceGradient` (zero outside a basic index).
Leaf protocol: `_accumulate_grad(array)`. In anomaly mode (`anomaly_mode`,
switched by anomaly.py) each
node's gradients are checked for nan and its errors carry the node's
optional `trace`, where its op ran. With `capture=` the walk only
collects the gradients of chosen nodes and leaves, accumulating nothing
(what `torch.autograd.grad` and `backward(inputs=...)` need).

Assumes:
- Backward computes on raw arrays, so gradients are not themselves
  differentiable (no double backward, no `create_graph`).
- One output per node; ops with several outputs (split) are built from
  several single-output nodes.
Production does instead: PyTorch's engine is C++, runs backward on worker
threads per device with a ready queue driven by the same dependency counts,
and can record the backward pass itself for higher-order gradients.
"""

from __future__ import annotations

import functools
import threading

__all__ = ["Node", "SliceGradient", "run_backward", "sum_to_shape", "no_grad", "enable_grad",
           "set_grad_enabled", "is_grad_enabled", "anomaly_mode"]


# ---- grad mode ----------------------------------------------------------------------------

class _GradMode(threading.local):
    enabled = True


grad_mode = _GradMode()


class _AnomalyMode(threading.local):
    """Anomaly mode's switches (anomaly.py turns them on and off): per thread, like grad mode."""
    enabled = False
    check_nan = True


anomaly_mode = _AnomalyMode()


def is_grad_enabled() -> bool:
    return grad_mode.enabled


class no_grad:  # noqa: N801 - mirrors torch.no_grad
    """Disable gradient recording in a block or a decorated function (`with tt.no_grad():`)."""

    mode = False

    def __init__(self):
        self._previous = []

    def __enter__(self):
        self._previous.append(grad_mode.enabled)
        grad_mode.enabled = self.mode
        return self

    def __exit__(self, *exc):
        grad_mode.enabled = self._previous.pop()
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
        self._before = grad_mode.enabled
        grad_mode.enabled = self.mode

    def __enter__(self):
        self._previous.append(self._before)
        grad_mode.enabled = self.mode
        return self

    def __call__(self, func):
        grad_mode.enabled = self._before  # decorating a function must not change the mode
        return super().__call__(func)

    def _fresh(self):
        return set_grad_enabled(self.mode)


# ---- nodes --------------------------------------------------------------------------------

class Node:
    """A recorded op: its edges to the inputs' nodes or leaves, and its `backward(grad)`."""

    # Class-level defaults; the code that records a node sets them on the nodes that need them.
    edges = ()             # per argument: (parent node or leaf, shape, dtype), or None
    saved = ()
    xp = None              # the backend namespace backward computes with
    hooks = None           # gradient hooks registered on the output
    retained = None        # weak reference to the output, if it called retain_grad()
    versions = ()          # (weak reference to a tensor, the version it had when saved)
    _freed = False

    def backward(self, grad):  # pragma: no cover - abstract
        raise NotImplementedError

    def run_output_hooks(self, grad):
        """Called with the output's gradient before backward when hooks or retained are set."""
        return grad

    @property
    def next_functions(self) -> tuple:
        """The nodes (or leaves) this node sends gradients to, one per argument."""
        return tuple(edge and edge[0] for edge in self.edges)

    def name(self) -> str:
        """PyTorch's `grad_fn.name()`: the op's name with "Backward", e.g. "MulBackward"."""
        return type(self).__name__ + "Backward"

    def __repr__(self) -> str:
        return f"<{self.name()}>"

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
                    f"is {self.name()}. Use an out-of-place op (x = x + y instead of x += y) or "
                    f"clone() the tensor before modifying it.")

    def _release(self):
        """Drop saved arrays after backward; a second backward through this node then raises."""
        if self.saved:
            self._freed = True
        self.saved = ()


class SliceGradient:
    """A gradient that is zero except at `key` (ints, slices, Ellipsis), where it is `values`.

    Indexing's backward returns one instead of a zero-filled array of its input's shape, so the
    gradients of the pieces of one tensor (split, chunk, x[:, :k] and x[:, k:]) meet in a single
    zero-filled array, each written into its place: filling an array per piece and adding them
    up moved three times the memory for attention's q, k and v.
    """

    __slots__ = ("key", "values")

    def __init__(self, key, values):
        self.key, self.values = key, values


def sum_to_shape(xp, grad, shape):
    """Undo broadcasting: sum `grad` over the axes that broadcasting added or stretched."""
    extra = grad.ndim - len(shape)
    if extra:
        grad = xp.sum(grad, axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = xp.sum(grad, axis=stretched, keepdims=True)
    return grad


# ---- the walk -----------------------------------------------------------------------------

def run_backward(root, grad, retain_graph=False, capture=None):
    """Send `grad`, the gradient of `root` (a Node or a leaf), back to every leaf under it.

    With `capture` (a dict keyed by the id() of nodes and leaves), nothing is accumulated into
    any leaf: each key's total gradient becomes its value instead (torch.autograd.grad).
    Keys are ids because a leaf (a Tensor) compares elementwise with ==."""
    if not isinstance(root, Node):  # a leaf: backward on itself
        _deliver(root, grad, capture)
        return
    order, pending = _topological_order(root)
    grads = {root: grad}
    leaf_grads = {}  # id(leaf) -> (leaf, gradient summed so far)
    stored = set()   # ops such as add hand one array to two leaves; each .grad gets its own
    own = set()      # nodes and id(leaf)s whose total the engine made (SliceGradients add in)
    for fn in order:
        grad = grads.pop(fn, None)
        if grad is None:  # every op that feeds this node returned None for it: nothing to send
            continue
        if fn._freed:
            raise RuntimeError(
                f"Trying to backward through the graph a second time (or directly access saved "
                f"tensors after they have already been freed) at {fn.name()}. Saved intermediate "
                f"values of the graph are freed when you call .backward(). Specify "
                f"retain_graph=True if you need to backward through the graph a second time.")
        if fn.hooks or fn.retained is not None:
            grad = fn.run_output_hooks(grad)
        if capture is not None and id(fn) in capture:
            capture[id(fn)] = grad
        if fn.versions:
            fn._check_versions()
        if anomaly_mode.enabled:
            input_grads = _backward_in_anomaly_mode(fn, grad)
        else:
            input_grads = fn.backward(grad)
        if type(input_grads) is not tuple:
            input_grads = (input_grads,)
        for edge, g in zip(fn.edges, input_grads):
            if edge is None:
                continue
            parent, shape, dtype = edge
            whole = type(g) is not SliceGradient
            if whole and g is not None:
                if g.shape != shape:
                    g = sum_to_shape(fn.xp, g, shape)
                if g.dtype is not dtype and g.dtype != dtype:  # `is` first: the cheap case
                    g = _cast_gradient(fn.xp, g, dtype)
            if isinstance(parent, Node):
                if g is not None:
                    previous = grads.get(parent)
                    if whole:
                        grads[parent] = g if previous is None else previous + g
                    else:
                        grads[parent] = _add_slice(fn.xp, previous, parent in own, g, shape,
                                                   dtype)
                        own.add(parent)
                continue
            key = id(parent)
            if g is not None:
                previous = leaf_grads.get(key)
                if whole:
                    leaf_grads[key] = (parent, g if previous is None else previous[1] + g)
                else:
                    leaf_grads[key] = (parent, _add_slice(fn.xp, previous and previous[1],
                                                          key in own, g, shape, dtype))
                    own.add(key)
            pending[key] -= 1
            if pending[key] == 0 and key in leaf_grads:  # the leaf's last contribution
                total = leaf_grads.pop(key)[1]
                if id(total) in stored:
                    total = fn.xp.asarray(total, copy=True)
                stored.add(id(total))
                _deliver(parent, total, capture)
        if not retain_graph:
            fn._release()
    for leaf, total in leaf_grads.values():  # leaves under a node that received no gradient
        _deliver(leaf, total, capture)


def _backward_in_anomaly_mode(fn, grad):
    """fn.backward(grad), its result checked for nan and its errors told where fn's op ran
    (the optional `trace` a node keeps, see autograd.py)."""
    where = getattr(fn, "trace", None)
    try:
        grads = fn.backward(grad)
    except Exception as exc:
        if where and hasattr(exc, "add_note"):  # Python 3.11+
            exc.add_note(f"(anomaly mode) {fn.name()}'s op was created at:\n{where}")
        raise
    if anomaly_mode.check_nan:
        xp = fn.xp
        for i, g in enumerate(grads if type(grads) is tuple else (grads,)):
            values = g.values if type(g) is SliceGradient else g
            if values is not None and xp.isdtype(values.dtype, ("real floating",
                                                                "complex floating")) \
                    and bool(xp.any(xp.isnan(values))):
                raise RuntimeError(
                    f"Function '{fn.name()}' returned nan values in its gradient for input {i} "
                    f"(anomaly mode)." + (f" The op was created at:\n{where}" if where else ""))
    return grads


def _deliver(leaf, total, capture):
    if capture is None:
        leaf._accumulate_grad(total)
    elif id(leaf) in capture:
        capture[id(leaf)] = total


def _add_slice(xp, total, owned, g, shape, dtype):
    """total + g for a SliceGradient g (total None before the first gradient): written into a
    zero-filled array the first time, then added into its slice of the total, in place when
    the engine made that array (`owned`); an array a backward returned may be shared (add
    hands one array to both inputs), so that one is copied first."""
    values = g.values if g.values.dtype == dtype else _cast_gradient(xp, g.values, dtype)
    if total is None:
        total = xp.zeros(shape, dtype=dtype, device=values.device)
        total[g.key] = values
        return total
    if not owned:
        total = xp.asarray(total, copy=True)
    total[g.key] = total[g.key] + values
    return total


def _topological_order(root):
    """Nodes reachable from `root`, each after every node that feeds it a gradient; and, per
    leaf (keyed by id), how many edges lead into it."""
    order, visited, pending = [], {root}, {}
    stack = [(root, iter(root.edges))]
    while stack:
        fn, edges = stack[-1]
        for edge in edges:
            if edge is None:
                continue
            parent = edge[0]
            if isinstance(parent, Node):
                if parent not in visited:
                    visited.add(parent)
                    stack.append((parent, iter(parent.edges)))
                    break
            else:
                key = id(parent)
                pending[key] = pending.get(key, 0) + 1
        else:
            stack.pop()
            order.append(fn)
    order.reverse()
    return order, pending


def _cast_gradient(xp, grad, dtype):
    """`grad` in its input's dtype; a complex gradient of a real input keeps its real part
    (the input moved only along the real axis, as in PyTorch)."""
    if xp.isdtype(grad.dtype, "complex floating") and not xp.isdtype(dtype, "complex floating"):
        grad = xp.real(grad)
    return xp.astype(grad, dtype)
