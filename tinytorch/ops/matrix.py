"""Matrix-shaped ops PyTorch has at the top level: diagonal, diag, diag_embed, trace, inner,
addmm, baddbmm, kron, block_diag and einsum.

What it does: every op here is a composition of indexing, `where`, reshape,
permute, matmul and sum, so each gets its gradient from those. `einsum`
contracts its operands two at a time: letters one operand alone uses are
summed first, shared letters that are still needed become batch axes, and
the rest are contracted by one batched `matmul` (a repeated letter in one
operand, "ii", first takes that diagonal).

Assumes: einsum takes the equation form (not the sublist form) with
letters a-z, A-Z and at most one "..." per operand, and contracts left to
right (no search for a cheaper order); diag_embed and block_diag build
their result with `where`/`cat`, so the zeros they add carry no gradient.
Production does instead: PyTorch's einsum can ask opt_einsum for a
contraction order and runs each step through bmm; diag_embed and
diagonal return strided views of one storage.
"""

from __future__ import annotations

from .. import dtypes as _dt
from ..tensor import Tensor
from .elementwise import add, mul, pow
from .index import getitem
from .linalg import bmm, matmul, mm
from .logic import eq
from .manipulation import movedim
from .plumbing import normalize_dim, tensor_list
from .reduce import sum as _sum
from .select import where
from .shape import broadcast_to, cat, flip, permute, reshape

__all__ = ["diagonal", "diag", "diag_embed", "trace", "inner", "addmm", "baddbmm", "mv",
           "addmv", "addr", "kron",
           "block_diag", "einsum", "vander"]


def _arange(n, device, offset=0):
    from ..creation import arange
    return arange(offset, offset + n, device=device)


def diagonal(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """The diagonal `offset` of the planes (dim1, dim2), as a last dimension."""
    if input.ndim < 2:
        raise RuntimeError(f"diagonal() needs a tensor of at least 2 dimensions, got shape "
                           f"{list(input.shape)}")
    d1, d2 = normalize_dim(dim1, input.ndim, "dim1"), normalize_dim(dim2, input.ndim, "dim2")
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    offset = _int("diagonal", "offset", offset)
    x = movedim(input, (d1, d2), (-2, -1))
    n, m = x.shape[-2:]
    row, col = (0, offset) if offset >= 0 else (-offset, 0)
    length = max(0, min(n - row, m - col))
    return getitem(x, (Ellipsis, _arange(length, x.device, row), _arange(length, x.device, col)))


def _int(name, argument, value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}(): {argument} must be an int, got {type(value).__name__} "
                        f"({value!r})")
    return value


def diag_embed(input, offset=0, dim1=-2, dim2=-1):  # noqa: A002
    """Matrices with input's last dimension on their diagonal `offset` (zeros elsewhere),
    placed at dimensions dim1 and dim2 of the result."""
    offset = _int("diag_embed", "offset", offset)
    x = reshape(input, (1,)) if input.ndim == 0 else input
    ndim = x.ndim + 1
    d1, d2 = normalize_dim(dim1, ndim, "dim1"), normalize_dim(dim2, ndim, "dim2")
    if d1 == d2:
        raise RuntimeError(f"diag_embed dimensions cannot be identical {dim1}, {dim2}")
    n, k = x.shape[-1], abs(offset)
    size = n + k
    if k:  # pad the values to the matrix side; the padding lands off the diagonal
        from ..creation import zeros
        x = cat([x, zeros(x.shape[:-1] + (k,), dtype=x.dtype, device=x.device)], -1)
    # entry (i, j) is on the diagonal when j - i == offset; it holds x[i] (offset >= 0) or x[j]
    rows = reshape(_arange(size, x.device), (size, 1))
    cols = reshape(_arange(size, x.device), (1, size))
    on = eq(cols - rows, offset)
    values = reshape(x, x.shape + (1,)) if offset >= 0 else reshape(x, x.shape[:-1] + (1, size))
    out = where(on, values, 0)
    return movedim(out, (-2, -1), (d1, d2)) if (d1, d2) != (ndim - 2, ndim - 1) else out


def diag(input, diagonal=0):  # noqa: A002
    """A 1-d input becomes a square matrix with it on diagonal `diagonal`; a 2-d input gives
    that diagonal as a 1-d tensor."""
    if input.ndim == 1:
        return diag_embed(input, diagonal)
    if input.ndim == 2:
        return globals()["diagonal"](input, diagonal)
    raise RuntimeError(f"diag() needs a 1-d or 2-d tensor, got shape {list(input.shape)}. For "
                       f"batches use diag_embed() or diagonal(x, dim1=-2, dim2=-1).")


def trace(input):  # noqa: A002
    """The sum of a matrix's main diagonal (int64 for integer input)."""
    if input.ndim != 2:
        raise RuntimeError(f"trace() needs a 2-d tensor, got shape {list(input.shape)}. For "
                           f"batches use tinytorch.linalg.trace.")
    return _sum(diagonal(input), -1)


def inner(input, other):  # noqa: A002
    """Sum over the last dimensions of both (a scalar operand multiplies)."""
    if not isinstance(input, Tensor) or not isinstance(other, Tensor) or \
            input.ndim == 0 or other.ndim == 0:
        return mul(input, other)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() needs equal last dimensions, got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return _inner(input, other)


def _inner(a, b):
    k = a.shape[-1]
    rows = (_prod(a.shape[:-1]), _prod(b.shape[:-1]))  # not -1: ambiguous when k is 0
    flat = matmul(reshape(a, (rows[0], k)), reshape(b, (rows[1], k)).mT)
    return reshape(flat, a.shape[:-1] + b.shape[:-1])


def _scaled(name, input, product, beta, alpha):  # noqa: A002
    for label, value in (("beta", beta), ("alpha", alpha)):
        if isinstance(value, bool) or not isinstance(value, (int, float, complex)):
            raise TypeError(f"{name}(): {label} must be a number, got {type(value).__name__}")
    product = product if alpha == 1 else mul(product, alpha)
    if beta == 0:  # PyTorch ignores input then: nan or inf in it do not propagate
        return product
    return add(input if beta == 1 else mul(input, beta), product)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):  # noqa: A002
    """beta * input + alpha * (mat1 @ mat2); input broadcasts to the product's shape."""
    out = _scaled("addmm", input, mm(mat1, mat2), beta, alpha)
    return _fit("addmm", input, out)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):  # noqa: A002
    """beta * input + alpha * (batch1 @ batch2) for batches of matrices."""
    out = _scaled("baddbmm", input, bmm(_tensor("baddbmm", "batch1", batch1),
                                        _tensor("baddbmm", "batch2", batch2)), beta, alpha)
    return _fit("baddbmm", input, out)


def mv(input, vec):  # noqa: A002
    """The product of a matrix and a vector: (n, m) @ (m,) gives (n,)."""
    if input.ndim != 2 or _tensor("mv", "vec", vec).ndim != 1:
        raise RuntimeError(f"mv() multiplies a 2-D matrix by a 1-D vector, got "
                           f"{input.ndim}-D and {vec.ndim}-D. Use matmul (@) for other ranks.")
    return matmul(input, vec)


def addmv(input, mat, vec, *, beta=1, alpha=1):  # noqa: A002
    """beta * input + alpha * (mat @ vec); input broadcasts to the product's shape."""
    out = _scaled("addmv", input, mv(_tensor("addmv", "mat", mat), vec), beta, alpha)
    return _fit("addmv", input, out)


def addr(input, vec1, vec2, *, beta=1, alpha=1):  # noqa: A002
    """beta * input + alpha * outer(vec1, vec2); input broadcasts to the outer product's."""
    vec1, vec2 = _tensor("addr", "vec1", vec1), _tensor("addr", "vec2", vec2)
    if vec1.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"addr() takes two 1-D vectors, got {vec1.ndim}-D and "
                           f"{vec2.ndim}-D")
    product = mul(reshape(vec1, (-1, 1)), reshape(vec2, (1, -1)))
    return _fit("addr", input, _scaled("addr", input, product, beta, alpha))


def _tensor(name, argument, value):
    if not isinstance(value, Tensor):
        raise TypeError(f"{name}(): argument '{argument}' must be a Tensor, not "
                        f"{type(value).__name__}")
    return value


def _fit(name, input, out):  # noqa: A002
    """The result must have the product's shape: input may broadcast up to it, never beyond."""
    if out.ndim < input.ndim or any(o != i and i != 1 for o, i in
                                    zip(out.shape[::-1], input.shape[::-1])):
        raise RuntimeError(f"{name}(): input of shape {list(input.shape)} does not broadcast to "
                           f"the product's shape {list(out.shape)}")
    return out


def kron(input, other):  # noqa: A002
    """The Kronecker product: every entry of input times the whole of other, in blocks."""
    _tensor("kron", "input", input)
    _tensor("kron", "other", other)
    ndim = max(input.ndim, other.ndim)
    a = reshape(input, (1,) * (ndim - input.ndim) + input.shape)
    b = reshape(other, (1,) * (ndim - other.ndim) + other.shape)
    # interleave the axes: a as (a0, 1, a1, 1, ...), b as (1, b0, 1, b1, ...)
    spread_a = reshape(a, tuple(s for n in a.shape for s in (n, 1)))
    spread_b = reshape(b, tuple(s for n in b.shape for s in (1, n)))
    return reshape(mul(spread_a, spread_b), tuple(p * q for p, q in zip(a.shape, b.shape)))


def block_diag(*tensors):
    """The matrices (0-d, 1-d as one row, or 2-d) along the diagonal of one matrix, zeros
    elsewhere."""
    from ..creation import zeros
    blocks = [reshape(t, (1,) * (2 - t.ndim) + t.shape) if t.ndim < 2 else t
              for t in tensor_list("block_diag", tensors)]
    for t in blocks:
        if t.ndim != 2:
            raise RuntimeError(f"block_diag(): inputs must have at most 2 dimensions, got one "
                               f"of shape {list(t.shape)}")
    if not blocks:
        return zeros((1, 0))
    dtype = _dt.result_type(*[t.dtype for t in blocks])
    device = blocks[0].device
    width = sum(t.shape[1] for t in blocks)
    rows, left = [], 0
    for t in blocks:
        n, m = t.shape
        row = [zeros((n, left), dtype=dtype, device=device), t.to(dtype),
               zeros((n, width - left - m), dtype=dtype, device=device)]
        rows.append(cat(row, 1))
        left += m
    return cat(rows, 0)


# ---- einsum ----------------------------------------------------------------------------------

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def einsum(equation, *operands):
    """Sums of products over the letters of `equation`, e.g. einsum("bij,bjk->bik", a, b)."""
    if not isinstance(equation, str):
        raise TypeError(f"einsum(): the equation must be a string such as 'ij,jk->ik', got "
                        f"{type(equation).__name__}")
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    operands = tensor_list("einsum", operands)
    inputs, output = _parse(equation.replace(" ", ""), operands)
    dtype = _dt.result_type(*[t.dtype for t in operands])
    terms = [_diagonals(t.to(dtype), letters) for t, letters in zip(operands, inputs)]
    sizes = {}
    for t, letters in terms:
        for letter, n in zip(letters, t.shape):
            seen = sizes.get(letter, n)
            if seen != n and 1 not in (seen, n):  # size 1 broadcasts
                raise RuntimeError(f"einsum(): letter {_show(letter)!r} has size {n} in one "
                                   f"operand and {seen} in another")
            sizes[letter] = max(seen, n)
    term = terms[0]
    for i in range(1, len(terms)):
        later = set(output).union(*[letters for _, letters in terms[i + 1:]])
        term = _contract(term, terms[i], later, sizes)
    t, letters = _sum_out(term, set(output))
    return permute(t, [letters.index(c) for c in output]) if letters != output else t


def _show(letter):
    return "..." if letter not in _LETTERS else letter


def _parse(equation, operands):
    """Each operand's letters and the output's, with "..." as placeholder letters (not a-zA-Z)."""
    left, arrow, right = equation.partition("->")
    specs = left.split(",")
    if len(specs) != len(operands):
        raise ValueError(f"einsum(): the equation names {len(specs)} operand(s) but "
                         f"{len(operands)} were given")
    spans = []
    for spec, t in zip(specs, operands):
        letters = spec.replace("...", "")
        bad = set(letters) - _LETTERS
        if bad or spec.count("...") > 1:
            raise ValueError(f"einsum(): operand term {spec!r} must be letters a-z, A-Z and at "
                             f"most one '...'")
        dots = t.ndim - len(letters)
        if dots < 0 or (dots and "..." not in spec):
            raise RuntimeError(f"einsum(): the term {spec!r} names {len(letters)} dimensions but "
                               f"the operand has {t.ndim}")
        spans.append(dots)
    width = max(spans, default=0)
    ellipsis = [chr(0x100 + i) for i in range(width)]
    inputs = []
    for spec, dots in zip(specs, spans):
        head, _, tail = spec.partition("...")
        inputs.append(list(head) + ellipsis[width - dots:] + list(tail) if "..." in spec
                      else list(spec))
    if arrow:
        if set(right.replace("...", "")) - _LETTERS or right.count("...") > 1:
            raise ValueError(f"einsum(): output term {right!r} must be letters and at most one "
                             f"'...'")
        head, dots, tail = right.partition("...")
        output = list(head) + (ellipsis if dots else []) + list(tail)
        unknown = [c for c in output if not any(c in s for s in inputs)]
        if unknown or len(set(output)) != len(output):
            raise ValueError(f"einsum(): output term {right!r} must name distinct letters that "
                             f"appear in the inputs")
    else:  # implicit output: the ellipsis, then letters used once, in alphabetical order
        counts = {}
        for letters in inputs:
            for c in letters:
                counts[c] = counts.get(c, 0) + 1
        output = ellipsis + sorted(c for c, k in counts.items() if k == 1 and c in _LETTERS)
    return inputs, output


def _diagonals(t, letters):
    """A letter repeated within one operand ("ii") reads that diagonal, once per repeat."""
    letters = list(letters)
    while len(set(letters)) != len(letters):
        c = next(c for c in letters if letters.count(c) > 1)
        i = letters.index(c)
        j = letters.index(c, i + 1)
        if t.shape[i] != t.shape[j]:
            raise RuntimeError(f"einsum(): letter {c!r} is repeated in one operand over "
                               f"dimensions of sizes {t.shape[i]} and {t.shape[j]}")
        t = diagonal(t, 0, i, j)  # the shared axis moves last
        letters = [x for k, x in enumerate(letters) if k not in (i, j)] + [c]
    return t, letters


def _sum_out(term, keep):
    t, letters = term
    gone = [i for i, c in enumerate(letters) if c not in keep]
    if not gone:
        return t, letters
    return _sum(t, tuple(gone)), [c for c in letters if c in keep]


def _contract(left, right, later, sizes):
    """Two (tensor, letters) terms as one, keeping the letters in `later`."""
    (a, la), (b, lb) = _sum_out(left, later | set(right[1])), _sum_out(right, later | set(left[1]))
    batch = [c for c in la if c in lb and c in later]
    inner = [c for c in la if c in lb and c not in later]
    only_a = [c for c in la if c not in lb]
    only_b = [c for c in lb if c not in la]

    def arrange(t, letters, order):
        t = permute(t, [letters.index(c) for c in order]) if letters != order else t
        shape = tuple(sizes[c] if c in batch or c in inner else n for c, n in zip(order, t.shape))
        return broadcast_to(t, shape) if shape != t.shape else t

    a = arrange(a, la, batch + only_a + inner)
    b = arrange(b, lb, batch + inner + only_b)
    nb = tuple(sizes[c] for c in batch)
    na, nk = a.shape[len(batch):len(batch) + len(only_a)], tuple(sizes[c] for c in inner)
    nbo = b.shape[len(batch) + len(inner):]
    product = matmul(reshape(a, nb + (_prod(na), _prod(nk))), reshape(b, nb + (_prod(nk),
                                                                                _prod(nbo))))
    return reshape(product, nb + na + nbo), batch + only_a + only_b


def _prod(sizes):
    out = 1
    for n in sizes:
        out *= n
    return out


def vander(x, N=None, increasing=False):  # noqa: N803 - PyTorch's argument name
    """The Vandermonde matrix of the 1-D `x`: column j is x ** (N-1-j), or x ** j when
    `increasing` (N columns, default len(x))."""
    from ..creation import arange
    if not isinstance(x, Tensor) or x.ndim != 1:
        shape = list(x.shape) if isinstance(x, Tensor) else type(x).__name__
        raise ValueError(f"vander: x must be a 1-D tensor, got {shape}")
    n = x.shape[0] if N is None else _int("vander", "N", N)
    if n < 0:
        raise ValueError(f"vander: N must be non-negative, got {N}")
    powers = arange(n, device=x.device)
    if not increasing:
        powers = flip(powers, (0,))
    # an integer x keeps its dtype, as in PyTorch (int64 powers of ints)
    base = x if _dt.is_inexact(x.dtype) else x.to(dtype="int64")
    return pow(reshape(base, (-1, 1)), reshape(powers, (1, -1)))
