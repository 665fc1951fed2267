"""tinytorch.linalg: the array API's linear-algebra extension, run by each backend's own
`linalg` (LAPACK through NumPy on cpu, cuSOLVER through CuPy on cuda), with gradients.

Gradients (real and complex, PyTorch's convention):
- inv: dA = -A^-H G A^-H; det: G * conj(det) * A^-H; slogdet: through the
  log-determinant, dA = G A^-H (the sign gets none); solve: dB = A^-H G,
  dA = -dB X^H; cholesky: the standard formula through L^-1 (positive
  definite input); eigh: eigenvalues and eigenvectors with distinct eigenvalues.
- svdvals: dA = U diag(G) V^H (ops/matrix_norm.py), so the 'nuc', 2 and -2
  matrix norms are differentiable too.
- the other norms, trace, diagonal, cross, outer, matrix_power, tensordot and
  vecdot are compositions of differentiable ops.
- qr, svd, pinv and matrix_rank compute forward only; backward through them
  raises, saying so.

Assumes: square, non-singular inputs where the maths needs them (the
backend raises for singular ones, turned into a RuntimeError naming the op);
eigh's gradient is undefined for repeated eigenvalues (the result has infs).
Production does instead: PyTorch implements every linalg backward
(including SVD and QR with their gauge conditions) and batches calls to
cuSOLVER/MAGMA on GPUs.
"""

from __future__ import annotations

import operator
from collections import namedtuple

from . import dtypes as _dt
from .autograd import Function
from .errors import TensorIndexError
from .ops.convert import cast
from .ops.elementwise import abs, mul, pow
from .ops.linalg import matmul, outer
from .ops.manipulation import broadcast_shapes, matrix_transpose, tensordot, vecdot
from .ops.matrix_norm import matrix_norm_of, singular_values
from .ops.plumbing import promote, to_float
from .ops.reduce import amax, amin, sum
from .ops.shape import broadcast_to, reshape, stack
from .ops.unary import sqrt
from .tensor import Tensor

__all__ = ["matmul", "solve", "inv", "det", "slogdet", "cholesky", "qr", "svd", "svdvals",
           "eigh", "eigvalsh", "pinv", "matrix_rank", "matrix_norm", "vector_norm", "norm",
           "cross", "outer", "trace", "diagonal", "matrix_power", "tensordot", "vecdot",
           "matrix_transpose"]

SlogdetResult = namedtuple("SlogdetResult", ["sign", "logabsdet"])
EighResult = namedtuple("EighResult", ["eigenvalues", "eigenvectors"])
QRResult = namedtuple("QRResult", ["Q", "R"])
SVDResult = namedtuple("SVDResult", ["U", "S", "Vh"])


def _h(xp, a):
    """Conjugate transpose of the last two axes."""
    a = xp.matrix_transpose(a)
    return xp.conj(a) if xp.isdtype(a.dtype, "complex floating") else a


def _run(xp, name, *arrays, **kwargs):
    try:
        return getattr(xp.linalg, name)(*arrays, **kwargs)
    except Exception as exc:  # LinAlgError and friends: the backend's own type, not ours
        raise RuntimeError(f"linalg.{name} failed on this input ({exc}). Check that the matrix "
                           f"is square and non-singular (or positive definite for cholesky)."
                           ) from exc


def _square(name, a):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"linalg.{name}: A must be batches of square matrices, but they are "
                           f"{'x'.join(map(str, a.shape[-2:]))} matrices (shape {a.shape}).")
    return to_float(a)


class Inv(Function):
    def forward(self, a):
        out = _run(self.xp, "inv", a)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (inv_a,) = self.saved
        inv_h = _h(self.xp, inv_a)
        return -(inv_h @ grad @ inv_h)


class Det(Function):
    def forward(self, a):
        out = _run(self.xp, "det", a)
        self.save_for_backward(a, out)
        return out

    def backward(self, grad):
        xp = self.xp
        a, out = self.saved
        scale = grad * (xp.conj(out) if xp.isdtype(out.dtype, "complex floating") else out)
        return scale[..., None, None] * _h(xp, _run(xp, "inv", a))


class LogAbsDet(Function):
    def forward(self, a):
        sign, logabsdet = _run(self.xp, "slogdet", a)
        self.save_for_backward(a)
        return logabsdet

    def backward(self, grad):
        xp = self.xp
        (a,) = self.saved
        return xp.astype(grad[..., None, None], a.dtype) * _h(xp, _run(xp, "inv", a))


class Solve(Function):
    def forward(self, a, b):
        out = _run(self.xp, "solve", a, b)
        self.save_for_backward(a, out)
        return out

    def backward(self, grad):
        xp = self.xp
        a, x = self.saved
        grad_b = _run(xp, "solve", _h(xp, a), grad)
        grad_a = -(grad_b @ _h(xp, x)) if self.needs_grad(0) else None
        return grad_a, grad_b


class Cholesky(Function):
    def forward(self, a, upper):
        self.upper = upper
        low = _run(self.xp, "cholesky", a)
        self.save_for_backward(low)
        return _h(self.xp, low) if upper else low

    def backward(self, grad):
        xp = self.xp
        (low,) = self.saved
        if self.upper:
            grad = _h(xp, grad)
        # Phi(L^H G) keeps the lower triangle with a halved diagonal; then
        # dA = L^-H Phi L^-1, symmetrised (Murray, 2016).
        n = low.shape[-1]
        rows = xp.arange(n, device=low.device)
        lower = xp.astype(rows[:, None] > rows[None, :], low.dtype)
        diag = xp.astype(rows[:, None] == rows[None, :], low.dtype)
        phi = (_h(xp, low) @ grad) * (lower + 0.5 * diag)
        inv_low = _run(xp, "inv", low)
        sym = _h(xp, inv_low) @ phi @ inv_low
        return 0.5 * (sym + _h(xp, sym)), None


class Eigh(Function):
    """Eigen-decomposition of a Hermitian matrix; output 0 is the eigenvalues, 1 the vectors."""

    def forward(self, a, part):
        values, vectors = _run(self.xp, "eigh", a)
        self.part = part
        self.save_for_backward(values, vectors)
        return values if part == 0 else vectors

    def backward(self, grad):
        xp = self.xp
        values, vectors = self.saved
        vh = _h(xp, vectors)
        if self.part == 0:  # dA = V diag(G) V^H
            inner = grad[..., :, None] * xp.eye(values.shape[-1], dtype=vectors.dtype,
                                                device=grad.device)
        else:  # dA = V (F o V^H G) V^H, F_ij = 1 / (l_j - l_i) off the diagonal
            gaps = values[..., None, :] - values[..., :, None]
            n = values.shape[-1]
            off = ~xp.eye(n, dtype=xp.bool, device=grad.device)
            safe = xp.where(off, gaps, xp.ones_like(gaps))
            f = xp.where(off, 1 / safe, xp.zeros_like(gaps))
            inner = xp.astype(f, vectors.dtype) * (vh @ grad)
            inner = 0.5 * (inner + _h(xp, inner))
        return vectors @ inner @ vh, None


class ForwardOnly(Function):
    """Ops whose gradient tinytorch does not implement: backward says so."""

    def forward(self, a, name, part, kwargs):
        self.op = name
        out = _run(self.xp, name, a, **kwargs)
        return out if part is None else out[part]

    def backward(self, grad):
        raise RuntimeError(f"the gradient of linalg.{self.op} is not implemented in tinytorch. "
                           f"Compute it on x.detach(), or use a differentiable alternative "
                           f"(eigh for symmetric matrices, solve instead of pinv).")


def inv(A):  # noqa: N803 - the standard's parameter name
    return Inv.apply(_square("inv", A))


def det(A):  # noqa: N803
    return Det.apply(_square("det", A))


def slogdet(A):  # noqa: N803
    A = _square("slogdet", A)  # noqa: N806
    sign = ForwardOnly.apply(A.detach(), "slogdet", 0, {})
    return SlogdetResult(sign, LogAbsDet.apply(A))


def solve(A, B, *, left=True):  # noqa: N803
    """X with A X = B (X A = B with left=False), the array API's broadcasting (2024.12).

    A 1-D B is one vector, solved against every matrix of A; a B of two or more dims is a
    stack of (M, K) matrices whose batch axes broadcast with A's. PyTorch also reads a B of
    shape A.shape[:-1] as a batch of vectors; where that differs, the standard's reading wins
    and the error names `solve(A, B[..., None])[..., 0]` (docs/array-api.md).
    """
    A, B = promote(_square("solve", A), B, broadcast=False)  # noqa: N806
    if not left:  # X A = B is A^T X^T = B^T
        if B.ndim == 1:
            return solve(matrix_transpose(A), B)
        return matrix_transpose(solve(matrix_transpose(A), matrix_transpose(B)))
    n = A.shape[-1]
    if B.ndim == 0 or B.shape[-1 if B.ndim == 1 else -2] != n:
        vectors = B.ndim >= 2 and B.shape == A.shape[:-1]
        hint = (" PyTorch reads a B of shape A.shape[:-1] as a batch of vectors; the array API "
                "reads it as matrices: for vectors write solve(A, B[..., None])[..., 0]."
                if vectors else "")
        raise RuntimeError(f"linalg.solve: B of shape {tuple(B.shape)} does not fit A of shape "
                           f"{tuple(A.shape)}: B must be a vector of length {n} or a stack of "
                           f"matrices with {n} rows, shape (..., {n}, K).{hint}")
    if B.ndim == 1:
        column = broadcast_to(reshape(B, (n, 1)), A.shape[:-2] + (n, 1))
        return reshape(Solve.apply(A, column), A.shape[:-2] + (n,))
    batch = broadcast_shapes(A.shape[:-2], B.shape[:-2])
    return Solve.apply(broadcast_to(A, batch + A.shape[-2:]), broadcast_to(B, batch + B.shape[-2:]))


def cholesky(A, *, upper=False):  # noqa: N803
    return Cholesky.apply(_square("cholesky", A), bool(upper))


def eigh(A):  # noqa: N803
    A = _square("eigh", A)  # noqa: N806
    return EighResult(Eigh.apply(A, 0), Eigh.apply(A, 1))


def eigvalsh(A):  # noqa: N803
    return Eigh.apply(_square("eigvalsh", A), 0)


def qr(A, mode="reduced"):  # noqa: N803
    A = to_float(A)  # noqa: N806
    return QRResult(*(ForwardOnly.apply(A, "qr", i, {"mode": mode}) for i in (0, 1)))


def svd(A, full_matrices=True):  # noqa: N803
    A = to_float(A)  # noqa: N806
    return SVDResult(*(ForwardOnly.apply(A, "svd", i, {"full_matrices": full_matrices})
                       for i in (0, 1, 2)))


def svdvals(A):  # noqa: N803
    """The singular values, largest first; differentiable (dA = U diag(g) V^H)."""
    return singular_values(A, "linalg.svdvals")


def pinv(A, *, rtol=None):  # noqa: N803
    return ForwardOnly.apply(to_float(A), "pinv", None, {"rtol": rtol})


def matrix_rank(A, *, rtol=None):  # noqa: N803
    return ForwardOnly.apply(to_float(A), "matrix_rank", None, {"rtol": rtol})


def vector_norm(x, /, *, axis=None, keepdims=False, ord=2, dim=None, keepdim=None):  # noqa: A002
    """The p-norm of vectors (over all elements by default); differentiable except at 0."""
    axis = dim if dim is not None else axis
    keepdims = keepdim if keepdim is not None else keepdims
    a = abs(to_float(x))
    if ord == float("inf"):
        return amax(a, axis=axis, keepdims=keepdims)
    if ord == float("-inf"):
        return amin(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        from .ops.logic import ne
        return sum(cast(ne(a, 0), a.dtype), axis=axis, keepdims=keepdims)
    if ord == 2:
        return sqrt(sum(mul(a, a), axis=axis, keepdims=keepdims))
    return pow(sum(pow(a, ord), axis=axis, keepdims=keepdims), 1.0 / ord)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None,  # noqa: A002,N803
                keepdims=None):
    """The Frobenius ('fro'), nuclear ('nuc'), 1, -1, inf, -inf, 2 or -2 norm of the matrices
    in the dimensions `dim` (rows, columns); differentiable, 'nuc', 2 and -2 through svdvals.

    PyTorch's signature (ord, dim and keepdim may be positional; dtype casts A first), and the
    array API's `keepdims=` keyword for keepdim.
    """
    if keepdims is not None:
        if keepdim and not keepdims:
            raise TypeError("linalg.matrix_norm(): keepdim=True and keepdims=False disagree; "
                            "pass one of them (keepdim is PyTorch's name, keepdims the array "
                            "API's)")
        keepdim = keepdims
    if not isinstance(A, Tensor):
        raise TypeError(f"linalg.matrix_norm(): A must be a Tensor, not {type(A).__name__}")
    if dtype is not None:
        A = cast(A, dtype)  # noqa: N806
    return matrix_norm_of("linalg.matrix_norm", A, ord, dim, bool(keepdim))


def norm(x, ord=None, dim=None, keepdim=False, *, dtype=None):  # noqa: A002 - torch.linalg.norm
    """A matrix norm when `ord` is a string, or a number with a 2-tuple `dim` (or a 2-d x and
    no dim); otherwise the vector norm (of all entries when dim is None)."""
    if dtype is not None:
        x = cast(x, dtype)
    two = (isinstance(dim, (tuple, list)) and len(dim) == 2) or (dim is None and x.ndim == 2)
    if isinstance(ord, str) or (ord is not None and two):
        return matrix_norm(x, ord, (-2, -1) if dim is None else dim, keepdim)
    return vector_norm(x, axis=dim, keepdims=keepdim, ord=2 if ord is None else ord)


def diagonal(x, /, *, offset=0):
    """The diagonal of the last two axes (differentiable: a gather by index)."""
    from .creation import arange
    from .ops.index import getitem
    if x.ndim < 2:
        raise RuntimeError(f"linalg.diagonal: x must have at least 2 dimensions (a stack of "
                           f"matrices), got shape {list(x.shape)}")
    if isinstance(offset, bool) or not isinstance(offset, int):
        raise TypeError(f"linalg.diagonal: offset must be an int, got {offset!r}")
    n, m = x.shape[-2], x.shape[-1]
    start_row, start_col = (0, offset) if offset >= 0 else (-offset, 0)
    length = max(0, min(n - start_row, m - start_col))
    rows = arange(start_row, start_row + length, device=x.device)
    cols = arange(start_col, start_col + length, device=x.device)
    return getitem(x, (Ellipsis, rows, cols))


def trace(x, /, *, offset=0, dtype=None):
    return sum(diagonal(x, offset=offset), axis=-1, dtype=dtype)


def cross(x1, x2, /, *, axis=-1):
    """The 3-vector cross product along `axis` (differentiable)."""
    from .ops.elementwise import sub
    from .ops.index import getitem
    a, b = promote(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(f"cross needs vectors of 3 along an axis, got shapes {a.shape} and "
                           f"{b.shape}: a 0-d tensor has no axis.")
    if not -min(a.ndim, b.ndim) <= operator.index(axis) < min(a.ndim, b.ndim):
        raise TensorIndexError(f"cross: axis {axis} is out of range for shapes {a.shape} and "
                               f"{b.shape}")
    if a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError(f"cross needs size 3 along axis {axis}, got shapes {a.shape} and "
                         f"{b.shape}")
    axis = axis % max(a.ndim, b.ndim)

    def part(t, i):
        t = reshape(t, (1,) * (max(a.ndim, b.ndim) - t.ndim) + t.shape)
        return getitem(t, (slice(None),) * axis + (i,))
    comps = [sub(mul(part(a, 1), part(b, 2)), mul(part(a, 2), part(b, 1))),
             sub(mul(part(a, 2), part(b, 0)), mul(part(a, 0), part(b, 2))),
             sub(mul(part(a, 0), part(b, 1)), mul(part(a, 1), part(b, 0)))]
    return stack(comps, dim=axis)


def matrix_power(x, n, /):
    """x @ x @ ... (n times); n = 0 gives the identity, n < 0 powers the inverse."""
    from .creation import eye
    from .ops.shape import broadcast_to
    if not isinstance(n, int):
        raise TypeError(f"matrix_power needs an integer power, got {n!r}")
    x = _square("matrix_power", x) if n < 0 or not _dt.is_integral(x.dtype) else x
    if n == 0:
        return broadcast_to(eye(x.shape[-1], dtype=x.dtype, device=x.device), x.shape)
    base = inv(x) if n < 0 else x
    result = base
    for _ in range((-n if n < 0 else n) - 1):
        result = matmul(result, base)
    return result


# Each public function checks that its tensor arguments are tensors (errors.tensor_arguments).
from .errors import tensor_arguments  # noqa: E402

tensor_arguments(globals(), __all__, Tensor)
