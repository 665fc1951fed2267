"""Comparisons and logic: == != < <= > >=, & | ^ ~, logical_*, isnan, isinf, isfinite.

None of them is differentiable, so they compute directly on the arrays and
record nothing. Results are bool (comparisons) or the promoted integer or
bool dtype (bitwise ops); bitwise ops on floats raise a TypeError.
Assumes: bools are ordered as 0 < 1 (the array API orders numbers only, so
bool comparisons run on uint8).
Production does instead: PyTorch also offers out= variants and in-place
logical ops, and compares on device without materialising casts.
"""

from __future__ import annotations

from .. import dtypes as _dt
from ..tensor import Tensor
from .convert import cast
from .plumbing import bool_pair, nondifferentiable, promote, real_only

__all__ = [
    "bitwise_not", "logical_and", "logical_or", "logical_xor", "logical_not", "isnan", "isinf",
    "isfinite", "eq", "ne", "lt", "le", "gt", "ge", "bitwise_and", "bitwise_or",
    "bitwise_xor", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "isclose", "allclose",
]


# ---- comparisons and logic (no gradients) --------------------------------------------------


def _comparison(op, name=None):
    def compare(input, other):  # noqa: A002
        a, b = promote(input, other)
        if name is not None:  # an ordering: == and != are defined for complex numbers too
            real_only(name, a, b)
        if bool_pair(a, b):  # the array API orders numbers only; False < True as uint8
            a, b = (cast(x, "uint8") if isinstance(x, Tensor) else int(x) for x in (a, b))
        return nondifferentiable(op, a, b)
    return compare


eq = _comparison(lambda a, b: a == b)


class _EqualResult(Tensor):
    """equal()'s elementwise result (the array API's), whose truth value is PyTorch's
    torch.equal: True when the shapes match and every element is equal. So both
    `mask = tt.equal(a, b)` and `if tt.equal(a, b):` mean what their authors expect."""

    __slots__ = ()
    same_shape = True

    def __bool__(self) -> bool:
        return self.same_shape and bool(0 in self._data.shape or self.device.xp.all(self._data))


class _EqualShapesDiffer(_EqualResult):
    __slots__ = ()
    same_shape = False


def equal(input, other):  # noqa: A002
    """Elementwise ==, as the array API defines `equal`; bool() of it is torch.equal's answer."""
    out = eq(input, other)
    same = not isinstance(input, Tensor) or not isinstance(other, Tensor) or (
        input.shape == other.shape)
    out.__class__ = _EqualResult if same else _EqualShapesDiffer
    return out
ne = not_equal = _comparison(lambda a, b: a != b)
lt = less = _comparison(lambda a, b: a < b, "less (<)")
le = less_equal = _comparison(lambda a, b: a <= b, "less_equal (<=)")
gt = greater = _comparison(lambda a, b: a > b, "greater (>)")
ge = greater_equal = _comparison(lambda a, b: a >= b, "greater_equal (>=)")


def _bitwise(name, op):
    def bitwise(input, other):  # noqa: A002
        a, b = promote(input, other)
        dtype = a.dtype if isinstance(a, Tensor) else b.dtype
        if _dt.is_floating_point(dtype) or _dt.is_complex(dtype):
            raise TypeError(f"{name} is only supported for integer and bool tensors, got "
                            f"{dtype}. Compare first (x > 0) to get a bool mask.")
        return nondifferentiable(op, a, b)
    bitwise.__name__ = name
    return bitwise


bitwise_and = _bitwise("bitwise_and", lambda a, b: a & b)
bitwise_or = _bitwise("bitwise_or", lambda a, b: a | b)
bitwise_xor = _bitwise("bitwise_xor", lambda a, b: a ^ b)


def bitwise_not(input):  # noqa: A002
    if _dt.is_floating_point(input.dtype) or _dt.is_complex(input.dtype):
        raise TypeError(f"bitwise_not (~) is only supported for integer and bool tensors, got "
                        f"{input.dtype}.")
    return nondifferentiable(lambda a: ~a, input)


def _as_bool(x):
    if not isinstance(x, Tensor):  # a Python scalar: its truth, as PyTorch reads it (nan is true)
        return bool(x)
    return x if x.dtype == "bool" else ne(x, 0)


def logical_and(input, other): return bitwise_and(_as_bool(input), _as_bool(other))  # noqa: A002,E704,E501
def logical_or(input, other): return bitwise_or(_as_bool(input), _as_bool(other))  # noqa: A002,E704,E501
def logical_xor(input, other): return bitwise_xor(_as_bool(input), _as_bool(other))  # noqa: A002,E704,E501
def logical_not(input): return bitwise_not(_as_bool(input))  # noqa: A002,E704


def _numeric(x):
    """Bool as uint8 for the array API's numeric-only functions (isnan & co. on strict)."""
    return cast(x, "uint8") if x.dtype == "bool" else x


def isnan(input): return nondifferentiable(input.device.xp.isnan, _numeric(input))  # noqa: A002,E704,E501
def isinf(input): return nondifferentiable(input.device.xp.isinf, _numeric(input))  # noqa: A002,E704,E501
def isfinite(input): return nondifferentiable(input.device.xp.isfinite, _numeric(input))  # noqa: A002,E704,E501


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """Elementwise |input - other| <= atol + rtol * |other| (PyTorch's and NumPy's rule)."""
    from .elementwise import abs, sub
    if not isinstance(other, Tensor):
        other = input.new_full(input.shape, other)
    elif not isinstance(input, Tensor):  # isclose(1.0, x): the number against each element
        input = other.new_full(other.shape, input)
    a, b = (cast(t, "float64") if not _dt.is_floating_point(t.dtype) else t
            for t in (input, other))
    # An infinity is close only to itself (eq); the tolerance test alone would call it
    # close to anything, since rtol * inf is inf.
    near = le(abs(sub(a, b)), atol + rtol * abs(b)) & isfinite(a) & isfinite(b)
    close = near | eq(a, b)
    if equal_nan:
        close = close | (isnan(a) & isnan(b))
    return close


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:  # noqa: A002
    """True when every element is close (see isclose); a Python bool, as in PyTorch."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all())
