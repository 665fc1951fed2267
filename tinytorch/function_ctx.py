"""PyTorch-style custom autograd Functions: static `forward(ctx, ...)` and `backward(ctx, ...)`.

What it does: a subclass of `tinytorch.autograd.Function` whose `forward` is
a staticmethod is written PyTorch's way, on tensors:

    class Exp(tinytorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad_output):
            (y,) = ctx.saved_tensors
            return grad_output * y

`Exp.apply(x)` runs forward under `no_grad` and, when an input needs a
gradient, records one node per output whose backward calls the class's
`backward(ctx, *grad_outputs)` (zeros for the outputs that got no
gradient), so the engine treats it like any built-in op. `ctx` offers
`save_for_backward`, `saved_tensors` (checked against in-place changes),
`needs_input_grad`, `mark_non_differentiable` and `set_materialize_grads`.
tinytorch's own style (instance methods on backend arrays, see autograd.py)
is untouched: a subclass picks its style by how it defines `forward`.

Assumes: backward returns one gradient (or None) per forward argument, as
PyTorch requires; a Function with several outputs runs backward once per
output that receives a gradient (correct, since backward is linear in its
gradients, but repeated work); no double backward.
Production does instead: PyTorch records one node with several outputs,
calls backward once with all of them, and supports `create_graph`,
`mark_dirty` for in-place Functions and `vmap`/`jvp` rules.
"""

from __future__ import annotations

from . import autograd
from .autograd import Function, is_grad_enabled, no_grad

__all__ = ["FunctionCtx", "adapt", "once_differentiable"]


class FunctionCtx:
    """The `ctx` passed to forward and backward of a PyTorch-style Function."""

    def __init__(self, needs_input_grad):
        self.needs_input_grad = needs_input_grad
        self.materialize_grads = True
        self._saved, self._versions, self._non_differentiable = (), (), set()

    def save_for_backward(self, *tensors):
        self._saved = tensors
        self._versions = tuple(getattr(t, "_version", None) for t in tensors)

    @property
    def saved_tensors(self) -> tuple:
        for t, version in zip(self._saved, self._versions):
            if version is not None and t._version != version:
                raise RuntimeError(
                    f"one of the variables needed for gradient computation has been modified by "
                    f"an inplace operation: a tensor of shape {list(t.shape)} saved with "
                    f"ctx.save_for_backward is at version {t._version}; expected version "
                    f"{version}. Clone it before changing it in place.")
        return self._saved

    def mark_non_differentiable(self, *outputs):
        self._non_differentiable.update(id(o) for o in outputs)

    def set_materialize_grads(self, value: bool):
        self.materialize_grads = bool(value)

    def mark_dirty(self, *tensors):
        raise NotImplementedError("ctx.mark_dirty (in-place custom Functions) is not supported; "
                                  "return a new tensor from forward instead of changing an input")


class _OutputNode(Function):
    """One output of a PyTorch-style Function, as a node of tinytorch's graph."""

    def forward(self, *arrays, result, ctx, user_class, index, outputs):
        self.ctx, self.user_class, self.index, self.outputs = ctx, user_class, index, outputs
        return result

    def backward(self, grad):
        from .creation import zeros_like
        from .tensor import Tensor
        grads = []
        for i, out in enumerate(self.outputs):
            if i == self.index:
                grads.append(Tensor._wrap(grad, self.out_device or self.device))
            elif self.ctx.materialize_grads:
                grads.append(zeros_like(out))
            else:
                grads.append(None)
        with no_grad():
            results = self.user_class.backward(self.ctx, *grads)
        if not isinstance(results, tuple):
            results = (results,)
        count = len(self.edges)
        if len(results) != count:
            raise RuntimeError(f"function {self.user_class.__name__}.backward returned an "
                               f"incorrect number of gradients (expected {count}, got "
                               f"{len(results)}): return one per forward argument, None for "
                               f"those without one")
        arrays = []
        for edge, g in zip(self.edges, results):
            if edge is not None and g is not None and not isinstance(g, Tensor):
                raise TypeError(f"{self.user_class.__name__}.backward must return tensors or "
                                f"None, got {type(g).__name__}")
            arrays.append(None if g is None or edge is None else g._data)
        return tuple(arrays)


def adapt(cls) -> None:
    """Give a PyTorch-style Function subclass its `apply` (see Function.__init_subclass__)."""
    node_class = type(cls.__name__, (_OutputNode,), {"__module__": cls.__module__})

    def apply(*args, **kwargs):
        from .tensor import Tensor
        needs = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx = FunctionCtx(needs)
        with no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(out, tuple)
        outputs = (out,) if single else out
        if not (is_grad_enabled() and any(needs)):
            return out
        wrapped = []
        for i, o in enumerate(outputs):
            if (not isinstance(o, Tensor) or id(o) in ctx._non_differentiable
                    or o.dtype not in ("float16", "float32", "float64")):
                wrapped.append(o)
                continue
            wrapped.append(node_class.apply(*args, result=o._data, ctx=ctx, user_class=cls,
                                            index=i, outputs=outputs))
        return wrapped[0] if single else tuple(wrapped)

    cls.apply = staticmethod(apply)


def once_differentiable(backward):
    """PyTorch's marker for a backward that is not itself differentiable: true of every backward
    here (no double backward), so it returns `backward` unchanged."""
    return backward


autograd._ctx_style[0] = adapt
