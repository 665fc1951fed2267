"""Matrix multiplication: `a @ b` with NumPy's rules for 1-D and batched operands.

A 1-D left operand is treated as a row (and the row axis dropped from the
result), a 1-D right operand as a column; leading batch axes broadcast.
Assumes: the backend's matmul is good enough (BLAS on cpu, cuBLAS on cuda).
Production does instead: PyTorch picks among cuBLAS/cuBLASLt/CUTLASS kernels
and may use TF32 or reduced precision on GPUs for speed.
"""

from __future__ import annotations

from .. import autocast_state
from ..autograd import Function
from ..tensor import Tensor
from .plumbing import conj, promote
from .shape import reshape, squeeze

__all__ = ["matmul", "mm", "bmm", "dot", "outer"]


def matmul_grads(grad, a, b, need_a=True, need_b=True):
    """The gradients of out = a @ b (stacked over leading axes): grad @ b^T and a^T @ grad.

    The one home of matmul's gradient: Matmul, nn's Linear and Conv2d call it. (`.mT` is
    the array API's transpose of the last two axes, a view.)
    """
    return (grad @ b.mT if need_a else None), (a.mT @ grad if need_b else None)


class Matmul(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a @ b

    def backward(self, grad):
        a, b = self.saved
        a, b = conj(self, a), conj(self, b)  # the conjugate transposes, for complex operands
        # the engine sums broadcast batch axes away
        return matmul_grads(grad, a, b, self.needs_grad(0), self.needs_grad(1))


def matmul(input, other):  # noqa: A002
    _both_tensors("matmul", input, other)
    if autocast_state.active[0] and isinstance(input, Tensor):  # inside tinytorch.autocast
        low = autocast_state.lowering_dtype(input.device.type)
        if low is not None:
            from .autocast import run_lowered
            return run_lowered(matmul, low, input, other)
    a, b = promote(input, other, broadcast=False)
    shape_a, shape_b = a._data.shape, b._data.shape
    if len(shape_a) == 2 == len(shape_b) and shape_a[1] == shape_b[0] and a.dtype != "bool":
        return Matmul.apply(a, b)  # the common case, checked as cheaply as possible
    return _matmul_checked(a, b)


def _matmul_checked(a, b):
    """matmul for 1-D and batched operands, and the errors for operands that don't fit."""
    if a.dtype == "bool":
        raise TypeError("matmul is not supported for bool tensors; cast first, e.g. a.float()")
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{a.ndim}D and {b.ndim}D. Use * for scaling by a scalar.")
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_shape(a)} and "
                           f"{_shape(b)}): the last axis of the first must equal the "
                           f"{'second-to-last' if b.ndim > 1 else 'only'} axis of the second.")
    batch_a, batch_b = a.shape[:-2], b.shape[:-2]
    if any(m != n and 1 not in (m, n) for m, n in zip(batch_a[::-1], batch_b[::-1])):
        raise RuntimeError(f"matmul batch axes {batch_a} and {batch_b} (of shapes {_shape(a)} "
                           f"and {_shape(b)}) do not broadcast. Make each batch axis equal or 1.")
    if a.ndim == 1:
        return squeeze(matmul(reshape(a, 1, -1), b), dim=-2 if b.ndim > 1 else -1)
    if b.ndim == 1:
        return squeeze(matmul(a, reshape(b, -1, 1)), dim=-1)
    return Matmul.apply(a, b)


def _shape(t):
    return "x".join(map(str, t.shape))


def _fixed_rank(name, ndim, what):
    def product(input, mat2):  # noqa: A002
        _both_tensors(name, input, mat2)
        if input.ndim != ndim or mat2.ndim != ndim:
            raise RuntimeError(f"{name}() multiplies {what} ({ndim}-D tensors), got "
                               f"{input.ndim}-D and {mat2.ndim}-D. Use matmul (@) for other "
                               f"ranks; it broadcasts.")
        return matmul(input, mat2)
    product.__name__ = name
    return product


mm = _fixed_rank("mm", 2, "two matrices")
bmm = _fixed_rank("bmm", 3, "two batches of matrices")


def _both_tensors(name, input, other):  # noqa: A002
    if not (isinstance(input, Tensor) and isinstance(other, Tensor)):
        raise TypeError(f"{name}(): both arguments must be Tensors, got "
                        f"{type(input).__name__} and {type(other).__name__}; for a scalar "
                        f"factor use *.")


def dot(input, other):  # noqa: A002
    _both_tensors("dot", input, other)
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    return matmul(input, other)


def outer(input, vec2):  # noqa: A002
    return reshape(input, -1, 1) * reshape(vec2, 1, -1)
