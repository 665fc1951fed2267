"""Matrix norms over any two dimensions, and the singular values they need, with a gradient.

What it does: `matrix_norm_of` moves the two dimensions last, then: 'fro'
is the 2-norm of all entries; 1 and -1 (inf and -inf) are the largest and
smallest column (row) sums of |x|; 'nuc', 2 and -2 are the sum, the largest
and the smallest singular value. `SvdVals` takes the singular values from the
backend's SVD and keeps U and V^H: since s_i = Re(u_i^H A v_i), a change dA
moves s_i by Re(u_i^H dA v_i), so A's gradient is U diag(g) V^H (complex
inputs too). tinytorch.linalg.matrix_norm and svdvals, and norm(p="nuc"),
all come here, so one module below tinytorch.linalg serves both.

Assumes: a single singular value's gradient is only defined where it is not
repeated; U diag(g) V^H is right there, and for sums over the repeated ones
(the nuclear norm's U V^H). Empty matrices have every norm 0, as PyTorch's.
A matrix holding nan or inf has nan singular values (PyTorch raises for nan).
Production does instead: PyTorch's svdvals backward is svd_backward with
only S's gradient (the same formula), and LAPACK's gesdd or cuSOLVER's
gesvdj compute the decomposition.
"""

from __future__ import annotations

import math

from ..autograd import Function
from ..tensor import Tensor
from .elementwise import abs, mul
from .index import getitem
from .manipulation import moveaxis
from .plumbing import normalize_dim, to_float
from .reduce import amax, amin, sum
from .shape import reshape
from .unary import sqrt

__all__: list[str] = []  # helpers of tinytorch.linalg and norm; not ops of their own

ORDS = ("fro", "nuc", 1, -1, 2, -2, math.inf, -math.inf)


class SvdVals(Function):
    """The singular values of the matrices in the last two axes, largest first."""

    def forward(self, a):
        xp = self.xp
        # LAPACK refuses a whole batch for one matrix holding nan or inf: decompose zeros in
        # its place, and give that matrix nan singular values (and a nan gradient)
        bad = xp.logical_not(xp.all(xp.isfinite(a), axis=(-2, -1)))
        a = xp.where(bad[..., None, None], xp.zeros_like(a), a)
        try:
            u, s, vh = xp.linalg.svd(a, full_matrices=False)
        except Exception as exc:  # the backend's LinAlgError: not a message of ours
            raise RuntimeError("svdvals: the SVD did not converge for this (finite) input") \
                from exc
        u, vh = (xp.where(bad[..., None, None], xp.full_like(m, math.nan), m) for m in (u, vh))
        self.save_for_backward(u, vh)
        return xp.where(bad[..., None], xp.full_like(s, math.nan), s)

    def backward(self, grad):
        u, vh = self.saved
        return (u * self.xp.astype(grad, u.dtype)[..., None, :]) @ vh


def singular_values(x, name="svdvals"):
    """x's singular values along the last axis (batch axes kept), differentiable."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): A must be a Tensor, not {type(x).__name__}")
    if x.ndim < 2:
        raise RuntimeError(f"{name}(): A must have at least 2 dimensions, got shape "
                           f"{list(x.shape)}")
    x = to_float(x)
    if 0 in x.shape[-2:]:  # no singular values; still a result that autograd can pass through
        return getitem(sum(x, axis=-1), (Ellipsis, slice(0, 0)))
    return SvdVals.apply(x)


def check_ord(name, ord):  # noqa: A002
    if isinstance(ord, str):
        known = ord in ("fro", "nuc")
    else:  # 2.0 is 2; True is not an order, and nan is none
        known = isinstance(ord, (int, float)) and not isinstance(ord, bool) and ord in ORDS
    if not known:
        raise ValueError(f"{name}(): ord must be 'fro', 'nuc', 1, -1, 2, -2, inf or -inf; got "
                         f"{ord!r}")


def matrix_dims(name, x, dim):
    """dim as two distinct non-negative dimensions of x (a tensor of 2 or more dimensions)."""
    if x.ndim < 2:
        raise RuntimeError(f"{name}(): A must have at least 2 dimensions, got shape "
                           f"{list(x.shape)}")
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(f"{name}(): dim must be a 2-tuple of dimensions (the matrices' rows "
                           f"and columns), got {dim!r}")
    dims = tuple(normalize_dim(d, x.ndim) for d in dim)
    if dims[0] == dims[1]:
        raise RuntimeError(f"{name}(): dim must name two different dimensions, got {dim!r}")
    return dims


def matrix_norm_of(name, x, ord, dim, keepdim):  # noqa: A002
    """The `ord` norm of x's matrices in the two dimensions `dim` (rows, then columns)."""
    check_ord(name, ord)
    dims = matrix_dims(name, x, dim)
    a = moveaxis(to_float(x), dims, (-2, -1))
    if ord == "fro" or 0 in a.shape[-2:]:
        size = abs(a)
        out = sqrt(sum(mul(size, size), axis=(-2, -1)))
    elif ord in ("nuc", 2, -2):
        values = singular_values(a, name)
        out = sum(values, axis=-1) if ord == "nuc" else \
            (amax if ord == 2 else amin)(values, axis=-1)
    else:  # 1 and -1 pick among column sums, inf and -inf among row sums
        sums = sum(abs(a), axis=-2 if ord in (1, -1) else -1)
        out = (amax if ord > 0 else amin)(sums, axis=-1)
    if not keepdim:
        return out
    shape = list(out.shape)
    for d in sorted(dims):
        shape.insert(d, 1)
    return reshape(out, tuple(shape))
