"""Dtypes are strings, and one promotion table decides every result dtype.

What it does: names the supported dtypes ("float32", "int64", ...), answers
which dtype two operands promote to (`result_type`, `promote_types`), and
classifies dtypes (floating, integral, bool).

Assumes: a small fixed set of real dtypes (no complex, no bfloat16) and the
lattice of the array API standard within each kind, with PyTorch's rules
across kinds: bool < integers < floats, and Python scalars are "weak" (they
never widen a tensor's dtype within its kind).

Production does instead: PyTorch keeps dtypes as `torch.dtype` objects and
computes promotion in C++ (`c10::promoteTypes`) from a 2-D lookup table over
a dozen scalar types, including complex, bfloat16 and quantized ones. Here
the table is built once at import from a few readable rules, and the front
end applies it before any backend sees the operands, so NumPy, CuPy and
array-api-strict all give the same result dtype.
"""

from __future__ import annotations

__all__ = [
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "DTYPES", "result_type", "promote_types",
    "is_floating_point", "is_integral", "get_default_dtype", "set_default_dtype",
    "canonical_dtype", "can_cast", "dtype", "PYTORCH_ALIASES",
]

_py_bool = bool  # the builtin, before the module constant below shadows its name
bool = "bool"  # noqa: A001 - mirrors torch.bool
int8, int16, int32, int64 = "int8", "int16", "int32", "int64"
uint8, uint16, uint32, uint64 = "uint8", "uint16", "uint32", "uint64"
float16, float32, float64 = "float16", "float32", "float64"

SIGNED = (int8, int16, int32, int64)
UNSIGNED = (uint8, uint16, uint32, uint64)
FLOATS = (float16, float32, float64)
DTYPES = (bool, *SIGNED, *UNSIGNED, *FLOATS)

_BITS = {int8: 8, int16: 16, int32: 32, int64: 64, uint8: 8, uint16: 16, uint32: 32,
         uint64: 64, float16: 16, float32: 32, float64: 64}

# PyTorch's dtype names resolve to the canonical ones (tinytorch.float is "float32", ...).
# The complex names resolve only once complex dtypes are supported (see canonical_dtype).
PYTORCH_ALIASES = {"float": float32, "double": float64, "half": float16, "long": int64,
                   "int": int32, "short": int16, "byte": uint8, "char": int8,
                   "cfloat": "complex64", "cdouble": "complex128", "chalf": "complex32"}
_ALIASES = {**PYTORCH_ALIASES, "bool_": bool}

# PyTorch dtypes no backend here can hold, with what to use instead.
_UNSUPPORTED = {
    "bfloat16": "NumPy, CuPy and array-api-strict have no bfloat16. Use float16 (or float32); "
                "autocast(dtype=bfloat16) already falls back to float32",
    "complex32": "no backend has a 16-bit complex dtype. Use complex64",
    "complex64": "this tinytorch has no complex dtypes yet",
    "complex128": "this tinytorch has no complex dtypes yet",
}

_default_float = float32
DEFAULT_INT = int64


def canonical_dtype(dtype) -> str:
    """Return the canonical dtype string for `dtype`, or raise a TypeError."""
    if type(dtype) is str:
        if dtype in _BITS or dtype == bool:
            return dtype
        if dtype in _ALIASES and _ALIASES[dtype] != dtype:
            return canonical_dtype(_ALIASES[dtype])
        if dtype in _UNSUPPORTED:
            raise TypeError(f"dtype {dtype!r} is not supported: {_UNSUPPORTED[dtype]}. The "
                            f"supported dtypes are {', '.join(DTYPES)}.")
    elif dtype is float:
        return _default_float
    elif dtype is int:
        return DEFAULT_INT
    elif dtype is _py_bool:
        return bool
    raise TypeError(
        f"unknown dtype {dtype!r}. tinytorch dtypes are strings; use one of "
        f"{', '.join(DTYPES)} (or the module constants, e.g. tinytorch.float32)."
    )


class _DtypeMeta(type):
    def __instancecheck__(cls, obj) -> _py_bool:
        return type(obj) is str and (obj in _BITS or obj == bool)


class dtype(metaclass=_DtypeMeta):  # noqa: N801 - mirrors torch.dtype
    """PyTorch's `torch.dtype`, for code that checks or converts dtypes.

    tinytorch dtypes are plain strings, so `dtype` is not their class; it is a
    type that answers `isinstance(x.dtype, tinytorch.dtype)` (True for every
    canonical dtype string) and converts: `tinytorch.dtype("float")` is
    "float32", an unknown name raises TypeError listing the dtypes.
    """

    def __new__(cls, name):
        return canonical_dtype(name)



def is_floating_point(dtype: str) -> _py_bool:
    return dtype in FLOATS


def is_integral(dtype: str) -> _py_bool:
    return dtype in SIGNED or dtype in UNSIGNED


def int_range(dtype: str) -> tuple[int, int]:
    """The smallest and largest value of an integer dtype."""
    bits = _BITS[dtype]
    return (-(1 << bits - 1), (1 << bits - 1) - 1) if dtype in SIGNED else (0, (1 << bits) - 1)


def get_default_dtype() -> str:
    """The dtype a Python float becomes (float32 unless changed)."""
    return _default_float


def set_default_dtype(dtype) -> None:
    global _default_float
    dtype = canonical_dtype(dtype)
    if dtype not in FLOATS:
        raise TypeError(f"set_default_dtype only accepts floating dtypes, got {dtype}. "
                        f"Pass one of {', '.join(FLOATS)}.")
    _default_float = dtype


def _promote_pair(a: str, b: str) -> str | None:
    """The lattice join of two dtypes, or None where no dtype holds both."""
    if a == b:
        return a
    if a == bool:
        return b
    if b == bool:
        return a
    if a in FLOATS and b in FLOATS:
        return a if _BITS[a] >= _BITS[b] else b
    if a in FLOATS:
        return a  # an integer with a float gives that float
    if b in FLOATS:
        return b
    if (a in SIGNED) == (b in SIGNED):
        return a if _BITS[a] >= _BITS[b] else b
    signed, unsigned = (a, b) if a in SIGNED else (b, a)
    if _BITS[signed] > _BITS[unsigned]:
        return signed
    wider = {8: int16, 16: int32, 32: int64}.get(_BITS[unsigned])
    return wider  # None for uint64 with any signed integer


_TABLE = {(a, b): _promote_pair(a, b) for a in DTYPES for b in DTYPES}


def promote_types(a, b) -> str:
    """The smallest dtype both `a` and `b` convert to without losing range.

    Raises TypeError for pairs that no supported dtype holds (uint64 with a
    signed integer), telling the caller to cast one side explicitly.
    """
    result = _TABLE.get((a, b))
    if result is None:
        a, b = canonical_dtype(a), canonical_dtype(b)
        result = _TABLE[(a, b)]
        if result is None:
            raise TypeError(
                f"no dtype holds both {a} and {b} without loss (uint64 does not fit in any "
                f"signed integer). Cast one operand explicitly, e.g. x.to('int64') or "
                f"x.to('float64').")
    return result


def _scalar_kind(value) -> str:
    """'bool', 'int' or 'float' for a Python scalar."""
    if isinstance(value, _py_bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    raise TypeError(f"expected a Tensor, dtype or Python scalar, got {type(value).__name__}")


def promote_with_scalar(dtype: str, value) -> str:
    """Result dtype of a tensor of `dtype` combined with a Python scalar.

    Python scalars are weak: they only matter when they are of a higher kind
    than the tensor (a float scalar with an integer tensor gives the default
    float dtype; an int scalar with a bool tensor gives int64).
    """
    kind = _scalar_kind(value)
    if kind == "float" and dtype not in FLOATS:
        return _default_float
    if kind == "int" and dtype == bool:
        return DEFAULT_INT
    return dtype


def result_type(*operands) -> str:
    """The dtype of an operation on `operands`: tensors, dtype strings or Python scalars.

    Tensors and dtypes promote through the table; scalars are applied last and
    weakly, as in PyTorch (`result_type(int8_tensor, 1000) == "int8"`).
    """
    dtypes, scalars = [], []
    for op in operands:
        dt = getattr(op, "dtype", None)
        if dt is not None and not isinstance(op, (int, float)):
            dtypes.append(canonical_dtype(dt))
        elif isinstance(op, str):
            dtypes.append(canonical_dtype(op))
        else:
            _scalar_kind(op)
            scalars.append(op)
    if not dtypes:
        if not scalars:
            raise TypeError("result_type() needs at least one tensor, dtype or scalar")
        kinds = {_scalar_kind(s) for s in scalars}
        return _default_float if "float" in kinds else DEFAULT_INT if "int" in kinds else bool
    result = dtypes[0]
    for dt in dtypes[1:]:
        result = promote_types(result, dt)
    for s in scalars:
        result = promote_with_scalar(result, s)
    return result


def can_cast(from_: str, to: str) -> _py_bool:
    """True if casting `from_` to `to` is a promotion (no loss of kind or range)."""
    return promote_types(canonical_dtype(from_), canonical_dtype(to)) == canonical_dtype(to)
