"""tinytorch.linalg: the array API's linear-algebra extension, run by each backend's own
`linalg` (LAPACK through NumPy on cpu, cuSOLVER through CuPy on cuda), with gradients, and
PyTorch's functions beyond the standard, built on it.

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

Beyond the standard (its extension has none of these but eig):
- solve_triangular: the triangle of A (unit diagonal if asked), then solve; its
  gradient is solve's, restricted to the triangle by tril/triu.
- lu_factor/lu: Gaussian elimination with partial pivoting written with array ops
  (one pass per column, batched): no backend's array namespace offers LU. Pivots
  are LAPACK's: 1-based, row pivots[i] swapped with row i at step i. Backward
  (square A): dA = P L^-H (tril(L^H dL, -1) + triu(dU U^H)) U^-H.
- lu_solve: the row permutation, then two triangular solves (gradients through both).
- lstsq: X = pinv(A) B, with the pseudo-inverse's derivative at constant rank as the
  backward; rank from matrix_rank, the other outputs as PyTorch's driver gives them.
- eig/eigvals: the backend's eig (NumPy; array-api-strict from the 2025.12 standard),
  through the cpu device where a backend has none (CuPy). Eigenvalues have a
  gradient, dA = V^-H diag(G) V^H; eigenvectors do not (backward says so).
- matrix_exp: scaling and squaring with the [13/13] Pade approximant (Higham 2005):
  A / 2^s has 1-norm at most 5.37, exp of it is q(A)^-1 p(A), squared s times;
  built from matmul and solve, so its gradient is theirs.
- multi_dot: the matrix-chain order of fewest multiplications (dynamic programming).
- torch.cholesky_solve's Function: two triangular solves; its backward is
  PyTorch's formula, which treats L as a full matrix: dL = -(dB X^H + X dB^H) L.

Assumes: square, non-singular inputs where the maths needs them (the
backend raises for singular ones, turned into a RuntimeError naming the op);
eigh's gradient is undefined for repeated eigenvalues (the result has infs).
Small to moderate matrices for LU (n Python steps of O(n^2) array work) and
matrix_exp (one scaling for the whole batch, from its largest norm).
solve_triangular goes through a general solve, so an exactly singular triangle
raises a RuntimeError where PyTorch's back-substitution returns inf and nan.
lstsq answers every driver from the SVD (its rank from the singular values,
where LAPACK's gelsy estimates it from a pivoted QR). The gradients of lu and
lu_factor are for square matrices only; eig's eigenvectors have none.
Production does instead: PyTorch implements every linalg backward
(including SVD and QR with their gauge conditions, eig's eigenvectors and
rectangular LU) and calls LAPACK (getrf, trsm, gelsy, geev) on CPU and
cuSOLVER/MAGMA on GPUs, batched.
"""

from __future__ import annotations

import math
import operator
from collections import namedtuple

from . import dtypes as _dt
from .autograd import Function
from .creation import arange, eye
from .errors import TensorIndexError
from .ops.convert import cast
from .ops.elementwise import abs, add, mul, pow
from .ops.index import getitem
from .ops.linalg import matmul, outer
from .ops.manipulation import (
    broadcast_shapes,
    matrix_transpose,
    take_along_axis,
    tensordot,
    vecdot,
)
from .ops.matrix_norm import matrix_norm_of, singular_values
from .ops.plumbing import promote, to_float
from .ops.positional import tril, triu
from .ops.reduce import amax, amin, sum
from .ops.shape import broadcast_to, reshape, squeeze, stack
from .ops.unary import sqrt
from .tensor import Tensor

__all__ = ["matmul", "solve", "inv", "det", "slogdet", "cholesky", "qr", "svd", "svdvals",
           "eigh", "eigvalsh", "pinv", "matrix_rank", "matrix_norm", "vector_norm", "norm",
           "cross", "outer", "trace", "diagonal", "matrix_power", "tensordot", "vecdot",
           "matrix_transpose",
           # beyond the standard, as PyTorch has them
           "solve_triangular", "lu_factor", "lu", "lu_solve", "lstsq", "eig", "eigvals",
           "matrix_exp", "multi_dot"]

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


# ---- beyond the array API standard ---------------------------------------------------------


LUResult = namedtuple("LUResult", ["P", "L", "U"])
LUFactorResult = namedtuple("LUFactorResult", ["LU", "pivots"])
LstsqResult = namedtuple("LstsqResult", ["solution", "residuals", "rank", "singular_values"])
EigResult = namedtuple("EigResult", ["eigenvalues", "eigenvectors"])


def _tensor(name, argument, value):
    if not isinstance(value, Tensor):
        raise TypeError(f"linalg.{name}(): argument '{argument}' must be a Tensor, not "
                        f"{type(value).__name__}")
    return value


def _matrices(name, argument, value):
    """A floating tensor of at least 2 dims (integers become the default float dtype)."""
    _tensor(name, argument, value)
    if value.ndim < 2:
        raise RuntimeError(f"linalg.{name}: {argument} must have at least 2 dimensions (a "
                           f"matrix or a batch of them), got shape {tuple(value.shape)}. For a "
                           f"vector b write b[..., None] (a one-column matrix).")
    return to_float(value)


def _batched(a, b):
    """a and b with their batch axes (all but the last two) broadcast to a common shape."""
    batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return broadcast_to(a, batch + a.shape[-2:]), broadcast_to(b, batch + b.shape[-2:])


# ---- triangular solves ----------------------------------------------------------------------

def _triangle(a, upper, unitriangular):
    """The triangle solve_triangular reads: the other one is ignored, as LAPACK's trsm does."""
    if not unitriangular:
        return triu(a) if upper else tril(a)
    strict = triu(a, 1) if upper else tril(a, -1)
    return strict + eye(a.shape[-1], dtype=a.dtype, device=a.device)


def solve_triangular(A, B, *, upper, left=True, unitriangular=False):  # noqa: N803
    """X with A X = B (X A = B with left=False) for a triangular A; only A's upper (upper=True)
    or lower triangle is read, and with unitriangular=True its diagonal is taken as ones."""
    if not isinstance(upper, bool):
        raise TypeError(f"linalg.solve_triangular(): upper must be True or False (a required "
                        f"keyword argument), got {upper!r}")
    A = _square("solve_triangular", _matrices("solve_triangular", "A", A))  # noqa: N806
    B = _matrices("solve_triangular", "B", B)  # noqa: N806
    n, side = A.shape[-1], (-2 if left else -1)
    if B.shape[side] != n:
        raise RuntimeError(f"linalg.solve_triangular: A of shape {tuple(A.shape)} and B of "
                           f"shape {tuple(B.shape)} do not fit: B needs {n} "
                           f"{'rows' if left else 'columns'} for {'A X' if left else 'X A'} = B")
    A, B = promote(A, B, broadcast=False)  # noqa: N806
    _nonsingular("solve_triangular", A, unitriangular)
    A, B = _batched(A, B)  # noqa: N806
    return solve(_triangle(A, upper, unitriangular), B, left=left)


def _nonsingular(name, a, unitriangular=False):
    """A zero on the diagonal of a triangle: say so (one sync), not the backend's solve."""
    if unitriangular or a.numel() == 0:
        return
    diagonal = a.detach().diagonal(0, -2, -1)
    if bool((diagonal == 0).any()):
        raise RuntimeError(f"linalg.{name}: the triangular matrix has a zero on its diagonal, "
                           f"so it is singular and the system has no unique solution. "
                           f"(PyTorch returns inf and nan here; tinytorch refuses.)")


# ---- LU -------------------------------------------------------------------------------------

def _eliminate(xp, a, pivot):
    """Gaussian elimination with partial pivoting on the last two axes of backend array a.

    Returns (LU packed as LAPACK's getrf packs it, perm, pivots): perm[i] is the row of a
    that ends up in row i (so a[perm] = L U), pivots are LAPACK's 1-based row swaps.
    """
    m, n = a.shape[-2], a.shape[-1]
    batch = a.shape[:-2]
    rows = xp.arange(m, device=a.device)
    cols = xp.arange(n, device=a.device)
    perm = xp.broadcast_to(rows, batch + (m,))
    pivots = []
    for j in range(min(m, n)):
        if pivot:  # the largest |entry| on or below the diagonal (the first, on ties); for
            # complex entries |re| + |im|, as LAPACK's izamax measures them
            column = a[..., :, j]
            size = (xp.abs(xp.real(column)) + xp.abs(xp.imag(column))
                    if xp.isdtype(column.dtype, "complex floating") else xp.abs(column))
            candidates = xp.where(rows >= j, size, -1.0)
            p = xp.argmax(candidates, axis=-1)
        else:
            p = xp.full(batch, j, dtype=rows.dtype, device=a.device)
        # swap rows j and p: row i of the result is row swap[i] of a
        p_col = p[..., None]
        swap = xp.where(rows == j, p_col, xp.where(rows == p_col, j, rows))
        a = xp.take_along_axis(a, xp.broadcast_to(swap[..., None], batch + (m, n)), axis=-2)
        perm = xp.take_along_axis(perm, swap, axis=-1)
        pivots.append(p + 1)
        # eliminate below the pivot; a zero pivot (a zero column) leaves the column as it is
        head = a[..., j, j][..., None]
        below = rows > j
        multipliers = xp.where(below & (head != 0), a[..., :, j] / xp.where(head == 0, 1, head),
                               xp.where(below, a[..., :, j], 0))
        pivot_row = xp.where(cols > j, a[..., j, :], 0)
        a = a - xp.where(head[..., None] != 0, multipliers[..., :, None] * pivot_row[..., None, :],
                         0)
        a = xp.where(below[:, None] & (cols == j)[None, :], multipliers[..., :, None], a)
    found = (xp.stack(pivots, axis=-1) if pivots else
             xp.zeros(batch + (0,), dtype=rows.dtype, device=a.device))
    return a, perm, xp.astype(found, xp.int32)


def _unpack(xp, lu_array):
    """(unit lower L, upper U) of a packed square LU."""
    n = lu_array.shape[-1]
    identity = xp.eye(n, dtype=lu_array.dtype, device=lu_array.device)
    return xp.tril(lu_array, k=-1) + identity, xp.triu(lu_array)


class LuFactor(Function):
    """The packed LU of A (computed by `_eliminate` before apply, passed in with its
    permutation), with the backward of A = P L U for square A."""

    def forward(self, a, lu_array, perm):
        self.square = a.shape[-1] == a.shape[-2]
        self.save_for_backward(lu_array, perm)
        return lu_array

    def backward(self, grad):
        if not self.square:
            raise RuntimeError("the gradient of linalg.lu and linalg.lu_factor is implemented "
                               "in tinytorch for square matrices only; for a rectangular A, "
                               "differentiate a computation that does not factor it (e.g. "
                               "linalg.lstsq or solve on A^H A).")
        xp = self.xp
        lu_array, perm = self.saved
        low, up = _unpack(xp, lu_array)
        # tril(L^H dL, -1) + triu(dU U^H), with dL, dU the parts of grad that L and U own
        inner = xp.tril(_h(xp, low) @ xp.tril(grad, k=-1), k=-1) + xp.triu(
            xp.triu(grad) @ _h(xp, up))
        left = _run(xp, "solve", _h(xp, low), inner)              # L^-H inner
        both = _h(xp, _run(xp, "solve", up, _h(xp, left)))        # ... U^-H
        inverse = xp.argsort(perm, axis=-1)                       # P M: row i is M[inverse[i]]
        index = xp.broadcast_to(inverse[..., None], both.shape)
        return xp.take_along_axis(both, index, axis=-2), None, None


def _factor(name, A, pivot):  # noqa: N803
    A = _matrices(name, "A", A)  # noqa: N806
    if not isinstance(pivot, bool):
        raise TypeError(f"linalg.{name}(): pivot must be True or False, got {pivot!r}")
    xp = A.device.xp
    lu_array, perm, pivots = _eliminate(xp, A._data, pivot)
    return LuFactor.apply(A, lu_array, perm), Tensor._wrap(perm, A.device), Tensor._wrap(
        pivots, A.device)


def lu_factor(A, *, pivot=True):  # noqa: N803
    """(LU, pivots): L below the diagonal (its unit diagonal implied) and U on and above it,
    with LAPACK's 1-based int32 pivots. A zero on U's diagonal raises, as in PyTorch."""
    packed, _, pivots = _factor("lu_factor", A, pivot)
    k = min(packed.shape[-2:])
    diagonal = packed.detach().diagonal(0, -2, -1)
    if k and bool((diagonal == 0).any()):
        where = (diagonal == 0).reshape(-1, k).any(0).tolist().index(True)
        raise RuntimeError(f"linalg.lu_factor: U[{where},{where}] is zero, so A is singular and "
                           f"lu_solve would divide by zero. Use linalg.lu(A) to factor it "
                           f"anyway.")
    return LUFactorResult(packed, pivots)


def lu(A, *, pivot=True):  # noqa: N803
    """(P, L, U) with A = P L U: P a permutation matrix, L (m, k) unit lower triangular,
    U (k, n) upper triangular, k = min(m, n)."""
    packed, perm, _ = _factor("lu", A, pivot)
    m, n = packed.shape[-2:]
    k = min(m, n)
    low = add(tril(getitem(packed, (Ellipsis, slice(None), slice(0, k))), -1),
              eye(m, k, dtype=packed.dtype, device=packed.device))
    up = triu(getitem(packed, (Ellipsis, slice(0, k), slice(None))))
    # P[r, c] = 1 where r = perm[c], so that (P^T A)[i] = A[perm[i]]
    permutation = (reshape(arange(m, device=packed.device), (m, 1)) == perm[..., None, :])
    return LUResult(permutation.to(packed.dtype), low, up)


def _permutation_from_pivots(pivots, n):
    """The rows perm (int64, on pivots' device) that LAPACK's pivots apply: a[perm] = L U."""
    xp = pivots.device.xp
    data = xp.astype(pivots._data, xp.int64) - 1
    rows = xp.arange(n, device=data.device)
    perm = xp.broadcast_to(rows, data.shape[:-1] + (n,))
    for j in range(data.shape[-1]):
        p = data[..., j][..., None]
        swap = xp.where(rows == j, p, xp.where(rows == p, j, rows))
        perm = xp.take_along_axis(perm, swap, axis=-1)
    return Tensor._wrap(perm, pivots.device)


def _rows(b, index):
    """b[..., index[i], :] for each i (a gather along the rows, with the batch broadcast)."""
    batch = broadcast_shapes(b.shape[:-2], index.shape[:-1])
    b = broadcast_to(b, batch + b.shape[-2:])
    index = broadcast_to(reshape(index, index.shape + (1,)), batch + b.shape[-2:])
    return take_along_axis(b, index, axis=-2)


def lu_solve(LU, pivots, B, *, left=True, adjoint=False):  # noqa: N803
    """X with A X = B for A = P L U given by lu_factor (adjoint: A^H X = B; left=False:
    X A = B or X A^H = B)."""
    LU = _square("lu_solve", _matrices("lu_solve", "LU", LU))  # noqa: N806
    B = _matrices("lu_solve", "B", B)  # noqa: N806
    _tensor("lu_solve", "pivots", pivots)
    n = LU.shape[-1]
    if _dt.is_inexact(pivots.dtype) or tuple(pivots.shape[-1:]) != (n,):
        raise RuntimeError(f"linalg.lu_solve: pivots must be the integer tensor lu_factor "
                           f"returns for LU, of shape {tuple(LU.shape[:-2]) + (n,)}, got "
                           f"{pivots.dtype} of shape {tuple(pivots.shape)}")
    if not left:  # X A = B is A^H X^H = B^H, and X A^H = B is A X^H = B^H
        return _h_t(lu_solve(LU, pivots, _h_t(B), adjoint=not adjoint))
    if B.shape[-2] != n:
        raise RuntimeError(f"linalg.lu_solve: B of shape {tuple(B.shape)} needs {n} rows for "
                           f"LU of shape {tuple(LU.shape)}")
    LU, B = promote(LU, B, broadcast=False)  # noqa: N806
    perm = _permutation_from_pivots(pivots, n)
    if not adjoint:  # A = P L U: X = U^-1 L^-1 (P^T B), and (P^T B) = B[perm]
        y = solve_triangular(LU, _rows(B, perm), upper=False, unitriangular=True)
        return solve_triangular(LU, y, upper=True)
    # A^H = U^H L^H P^T: X = P L^-H U^-H B, and (P Z)[i] = Z[inverse[i]]
    y = solve_triangular(_h_t(LU), B, upper=False)
    z = solve_triangular(_h_t(LU), y, upper=True, unitriangular=True)
    inverse = Tensor._wrap(perm.device.xp.argsort(perm._data, axis=-1), perm.device)
    return _rows(z, inverse)


def _h_t(t):
    """The conjugate transpose of a tensor's last two axes."""
    t = matrix_transpose(t)
    return t.conj() if _dt.is_complex(t.dtype) else t


# ---- least squares --------------------------------------------------------------------------

class Lstsq(Function):
    """X = pinv(A) B. Backward: the derivative of the pseudo-inverse at constant rank,
    dX = -A+ dA X + A+ A+^H dA^H R + (I - A+ A) dA^H Z, R = B - A X, Z = A+^H X, gives
    gB = A+^H G and gA = -gB X^H + R (A+ A+^H G)^H + Z ((I - A+ A) G)^H."""

    def forward(self, a, b, rtol):
        pinv = _run(self.xp, "pinv", a, rtol=rtol)
        out = pinv @ b
        self.save_for_backward(a, b, pinv, out)
        return out

    def backward(self, grad):
        xp = self.xp
        a, b, pinv, x = self.saved
        pinv_h = _h(xp, pinv)
        grad_b = pinv_h @ grad
        if not self.needs_grad(0):
            return None, grad_b, None
        residual = b - a @ x
        w = pinv @ (pinv_h @ grad)
        z = pinv_h @ x
        projected = grad - pinv @ (a @ grad)
        grad_a = -(grad_b @ _h(xp, x)) + residual @ _h(xp, w) + z @ _h(xp, projected)
        return grad_a, grad_b, None


_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


def lstsq(A, B, rcond=None, *, driver=None):  # noqa: N803
    """The least-squares solution of A X = B (minimum norm where A is rank deficient), as a
    named tuple (solution, residuals, rank, singular_values) filled as PyTorch's CPU driver
    fills it: gelsy (the default) gives rank; gelsd and gelss also the singular values; all
    but gelsy the squared residuals where m > n and A has full rank; the rest are empty."""
    A = _matrices("lstsq", "A", A)  # noqa: N806
    _tensor("lstsq", "B", B)
    if driver is None:
        driver = "gelsy"
    if driver not in _DRIVERS:
        raise RuntimeError(f"linalg.lstsq: driver must be one of {', '.join(_DRIVERS)} (or None "
                           f"for gelsy), got {driver!r}")
    if rcond is not None and (isinstance(rcond, bool) or not isinstance(rcond, (int, float))):
        raise TypeError(f"linalg.lstsq(): rcond must be a number or None, got {rcond!r}")
    m, n = A.shape[-2:]
    vector = B.ndim == A.ndim - 1
    if not (vector or B.ndim == A.ndim) or B.shape[-2 if not vector else -1] != m:
        raise RuntimeError(f"linalg.lstsq: B of shape {tuple(B.shape)} does not fit A of shape "
                           f"{tuple(A.shape)}: B must be (..., {m}, k), or (..., {m}) with one "
                           f"dimension fewer than A for vectors")
    A, B = promote(A, to_float(B), broadcast=False)  # noqa: N806
    if A.numel() and not bool(A.detach().isfinite().all()):  # the SVD fails on some backends
        raise RuntimeError("linalg.lstsq: A contains inf or nan; a least-squares solution "
                           "needs finite entries")
    column = reshape(B, B.shape + (1,)) if vector else B
    A, column = _batched(A, column)  # noqa: N806
    solution = Lstsq.apply(A, column, rcond)
    if vector:
        solution = squeeze(solution, -1)
    return _lstsq_extras(A, column, solution, rcond, driver, vector)


def _lstsq_extras(A, B, solution, rcond, driver, vector):  # noqa: N803
    """The residuals, rank and singular values each driver returns (others empty)."""
    xp, device = A.device.xp, A.device
    real = _dt.real_dtype(A.dtype) if _dt.is_complex(A.dtype) else A.dtype
    empty = Tensor._wrap(xp.zeros((0,), dtype=getattr(xp, real), device=A._data.device), device)
    m, n = A.shape[-2:]
    rank_array = (_run(xp, "matrix_rank", A._data, rtol=rcond) if A.numel() else
                  xp.zeros(A.shape[:-2], dtype=xp.int64, device=A._data.device))
    rank = Tensor._wrap(xp.astype(rank_array, xp.int64), device)
    residuals = empty
    if driver != "gelsy" and m > n and bool(xp.all(rank_array == n)):
        x = reshape(solution, solution.shape + (1,)) if vector else solution
        residuals = ((B - matmul(A, x)).abs() ** 2).sum(-2)
        if vector:
            residuals = squeeze(residuals, -1)
    values = empty
    if driver in ("gelsd", "gelss"):
        values = Tensor._wrap(_run(xp, "svdvals", A._data) if A.numel() else xp.zeros(
            A.shape[:-2] + (min(m, n),), dtype=A._data.dtype, device=A._data.device), device)
    return LstsqResult(solution, residuals, rank if driver != "gels" else Tensor._wrap(
        xp.zeros((0,), dtype=xp.int64, device=A._data.device), device), values)


# ---- eigen-decomposition of general matrices ------------------------------------------------

class EigValues(Function):
    """The eigenvalues (computed before apply, with the eigenvectors V); backward:
    dA = V^-H diag(G) V^H (distinct eigenvalues)."""

    def forward(self, a, values, vectors):
        self.save_for_backward(vectors)
        return values

    def backward(self, grad):
        xp = self.xp
        (vectors,) = self.saved
        inverse_h = _h(xp, _run(xp, "inv", vectors))
        return inverse_h @ (grad[..., :, None] * _h(xp, vectors)), None, None


class EigVectors(Function):
    """The eigenvectors, forward only: backward raises, saying what to use instead."""

    def forward(self, a, vectors):
        return vectors

    def backward(self, grad):
        raise RuntimeError("the gradient of linalg.eig's eigenvectors is not implemented in "
                           "tinytorch (the eigenvalues have one: use linalg.eigvals, or "
                           "linalg.eigh for a symmetric matrix, whose eigenvectors have one). "
                           "Compute the eigenvectors on A.detach().")


def _eig_arrays(A):  # noqa: N803
    """The backend's eig of A's data, as complex arrays of A's precision."""
    xp = A.device.xp
    values, vectors = _run(xp, "eig", A._data)
    wanted = getattr(xp, "complex64" if A.dtype in ("float32", "complex64") else "complex128")
    return xp.astype(values, wanted), xp.astype(vectors, wanted)


def _eig_input(name, A):  # noqa: N803
    A = _square(name, _matrices(name, "A", A))  # noqa: N806
    if A.dtype == "float16":
        raise RuntimeError(f"linalg.{name}: float16 is not supported (nor in PyTorch); convert "
                           f"first, e.g. A.float()")
    if A.numel() and not bool(A.detach().isfinite().all()):
        raise RuntimeError(f"linalg.{name}: A contains inf or nan, which has no "
                           f"eigen-decomposition")
    return A


def eig(A):  # noqa: N803
    """(eigenvalues, eigenvectors) of a square matrix, complex (complex64 for float32 input);
    the eigenvectors have unit norm. Only the eigenvalues are differentiable."""
    A = _eig_input("eig", A)  # noqa: N806
    if not hasattr(A.device.xp.linalg, "eig"):  # CuPy has none: compute on the cpu device
        found = eig(A.to("cpu"))
        return EigResult(*(t.to(A.device) for t in found))
    values, vectors = _eig_arrays(A)
    return EigResult(EigValues.apply(A, values, vectors), EigVectors.apply(A, vectors))


def eigvals(A):  # noqa: N803
    """The eigenvalues of a square matrix (complex), differentiable (distinct eigenvalues)."""
    return eig(A).eigenvalues


# ---- matrix exponential ---------------------------------------------------------------------

def _pade_coefficients(m):
    """c_k = (2m - k)! m! / ((2m)! k! (m - k)!): exp(A) ~ q(A)^-1 p(A), p(A) = sum c_k A^k,
    q(A) = p(-A)."""
    return [math.factorial(2 * m - k) * math.factorial(m) / (
        math.factorial(2 * m) * math.factorial(k) * math.factorial(m - k)) for k in range(m + 1)]


_PADE13 = _pade_coefficients(13)
_THETA13 = 5.371920351148152   # the largest 1-norm for which [13/13] is exact to float64


def _squarings(a):
    """How often to halve A so that its 1-norm (the largest over the batch) is <= theta_13."""
    if a.numel() == 0:
        return 0
    norm = float(a.detach().abs().sum(-2).amax().item())   # max column sum, over the batch
    if not math.isfinite(norm) or norm <= _THETA13:
        return 0
    return max(0, math.ceil(math.log2(norm / _THETA13)))


def matrix_exp(A):  # noqa: N803
    """exp(A) = I + A + A^2/2! + ... of a square matrix, by scaling and squaring with the
    [13/13] Pade approximant; differentiable (through matmul and solve)."""
    A = _square("matrix_exp", _matrices("matrix_exp", "A", A))  # noqa: N806
    if A.numel() == 0:
        return A.clone()
    s = _squarings(A)
    a = A * (0.5 ** s) if s else A
    identity = broadcast_to(eye(a.shape[-1], dtype=a.dtype, device=a.device), a.shape)
    a2 = matmul(a, a)
    a4 = matmul(a2, a2)
    a6 = matmul(a4, a2)
    b = _PADE13
    # p(A) = U + V with U the odd and V the even powers; q(A) = V - U
    u = matmul(a, add(matmul(a6, b[13] * a6 + b[11] * a4 + b[9] * a2),
                      b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * identity))
    v = add(matmul(a6, b[12] * a6 + b[10] * a4 + b[8] * a2),
            b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * identity)
    out = solve(v - u, v + u)
    for _ in range(s):
        out = matmul(out, out)
    return out


# ---- chains of products ---------------------------------------------------------------------

def _chain_order(dims):
    """split[i][j]: where to split the product of matrices i..j so that the total number of
    scalar multiplications is least (matrix i is dims[i] x dims[i+1])."""
    count = len(dims) - 1
    cost = [[0] * count for _ in range(count)]
    split = [[0] * count for _ in range(count)]
    for length in range(1, count):
        for i in range(count - length):
            j = i + length
            cost[i][j], split[i][j] = min(
                (cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1], k)
                for k in range(i, j))
    return split


def multi_dot(tensors):
    """The product of two or more matrices in the cheapest order; the first may be a 1-D row
    vector and the last a 1-D column vector (those dimensions are dropped from the result)."""
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"linalg.multi_dot(): expected a list or tuple of tensors, got "
                        f"{type(tensors).__name__}")
    tensors = [_tensor("multi_dot", f"tensors[{i}]", t) for i, t in enumerate(tensors)]
    if len(tensors) < 2:
        raise RuntimeError(f"linalg.multi_dot(): expected at least 2 tensors, got "
                           f"{len(tensors)}")
    mats = list(tensors)
    row, column = mats[0].ndim == 1, mats[-1].ndim == 1
    if row:
        mats[0] = reshape(mats[0], (1, -1))
    if column:
        mats[-1] = reshape(mats[-1], (-1, 1))
    for i, t in enumerate(mats):
        if t.ndim != 2:
            where = "the first and last may be 1-D, the others" if 0 < i < len(mats) - 1 else (
                "it must be 1-D or")
            raise RuntimeError(f"linalg.multi_dot(): tensor {i} has {tensors[i].ndim} "
                               f"dimensions; {where} 2-D")
    for i in range(len(mats) - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(f"linalg.multi_dot(): tensors {i} and {i + 1} cannot be "
                               f"multiplied: shapes {tuple(mats[i].shape)} and "
                               f"{tuple(mats[i + 1].shape)}")
    split = _chain_order([mats[0].shape[0]] + [t.shape[1] for t in mats])

    def product(i, j):
        return mats[i] if i == j else matmul(product(i, split[i][j]), product(split[i][j] + 1, j))

    out = product(0, len(mats) - 1)
    if row and column:
        return reshape(out, ())
    if row or column:
        return squeeze(out, 0 if row else 1)
    return out


# ---- torch.cholesky_solve's Function --------------------------------------------------------

class CholeskySolve(Function):
    """X = (L L^H)^-1 B (or (U^H U)^-1 B) from a Cholesky factor's triangle, by two solves.
    Backward as PyTorch: gB = (L L^H)^-1 G, gL = -(gB X^H + X gB^H) L (gU = -U (...))."""

    def forward(self, b, factor, upper):
        xp = self.xp
        self.upper = upper
        low = _h(xp, xp.triu(factor)) if upper else xp.tril(factor)
        out = _run(xp, "solve", _h(xp, low), _run(xp, "solve", low, b))
        self.save_for_backward(low, out)
        return out

    def backward(self, grad):
        xp = self.xp
        low, x = self.saved
        grad_b = _run(xp, "solve", _h(xp, low), _run(xp, "solve", low, grad))
        if not self.needs_grad(1):
            return grad_b, None, None
        sym = grad_b @ _h(xp, x)
        sym = sym + _h(xp, sym)
        # upper: A = U^H U with U = L^H, so gU = (gL)^H = -U (gB X^H + X gB^H)
        grad_factor = -(_h(xp, low) @ sym) if self.upper else -(sym @ low)
        return grad_b, grad_factor, None


def cholesky_solve(B, L, upper=False):  # noqa: N803
    """torch.cholesky_solve: X with A X = B, where A = L L^H (or U^H U with upper=True) and
    L is A's Cholesky factor (only its lower, or upper, triangle is read)."""
    B = _matrices("cholesky_solve", "B", B)  # noqa: N806
    L = _square("cholesky_solve", _matrices("cholesky_solve", "L", L))  # noqa: N806
    if not isinstance(upper, bool):
        raise TypeError(f"cholesky_solve(): upper must be True or False, got {upper!r}")
    if B.shape[-2] != L.shape[-1]:
        raise RuntimeError(f"cholesky_solve: B of shape {tuple(B.shape)} needs "
                           f"{L.shape[-1]} rows for L of shape {tuple(L.shape)}")
    B, L = promote(B, L, broadcast=False)  # noqa: N806
    _nonsingular("cholesky_solve", L)
    B, L = _batched(B, L)  # noqa: N806
    return CholeskySolve.apply(B, L, upper)


# Each public function checks that its tensor arguments are tensors (errors.tensor_arguments).
from .errors import tensor_arguments  # noqa: E402

tensor_arguments(globals(), __all__, Tensor)
