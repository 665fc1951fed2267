"""Dtypes are strings, and one promotion table decides every result dtype.

What it does: names the supported dtypes ("float32", "int64", ...), answers
which dtype two operands promote to (`result_type`, `promote_types`), and
classifies dtypes (floating, integral, bool).

Assumes: a small fixed set of dtypes (the array API standard's: no bfloat16)
and the standard's lattice within each kind, with PyTorch's rules across
kinds: bool < integers < floats < complex (a float joins a complex of at
least its precision), and Python scalars are "weak" (they never widen a
tensor's dtype within its kind).

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
    "canonical_dtype", "can_cast", "dtype", "PYTORCH_ALIASES", "complex64", "complex128",
    "is_complex", "isdtype", "finfo", "iinfo",
]

_py_bool = bool  # the builtin, before the module constant below shadows its name
bool = "bool"  # noqa: A001 - mirrors torch.bool
int8, int16, int32, int64 = "int8", "int16", "int32", "int64"
uint8, uint16, uint32, uint64 = "uint8", "uint16", "uint32", "uint64"
float16, float32, float64 = "float16", "float32", "float64"
complex64, complex128 = "complex64", "complex128"

SIGNED = (int8, int16, int32, int64)
UNSIGNED = (uint8, uint16, uint32, uint64)
FLOATS = (float16, float32, float64)
COMPLEX = (complex64, complex128)
DTYPES = (bool, *SIGNED, *UNSIGNED, *FLOATS, *COMPLEX)

_BITS = {int8: 8, int16: 16, int32: 32, int64: 64, uint8: 8, uint16: 16, uint32: 32,
         uint64: 64, float16: 16, float32: 32, float64: 64, complex64: 64, complex128: 128}
# The real dtype of each complex dtype's two parts, and the complex dtype holding a float.
_COMPLEX_PART = {complex64: float32, complex128: float64}
_COMPLEX_OF = {float16: complex64, float32: complex64, float64: complex128}

# PyTorch's dtype names resolve to the canonical ones (tinytorch.float is "float32", ...).
PYTORCH_ALIASES = {"float": float32, "double": float64, "half": float16, "long": int64,
                   "int": int32, "short": int16, "byte": uint8, "char": int8,
                   "cfloat": complex64, "cdouble": complex128, "chalf": "complex32"}
_ALIASES = {**PYTORCH_ALIASES, "bool_": bool}

# PyTorch dtypes no backend here can hold, with what to use instead.
_UNSUPPORTED = {
    "bfloat16": "NumPy, CuPy and array-api-strict have no bfloat16. Use float16 (or float32); "
                "autocast(dtype=bfloat16) already falls back to float32",
    "complex32": "no backend has a 16-bit complex dtype. Use complex64",
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
    elif dtype is complex:
        return _COMPLEX_OF[_default_float]
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


def is_complex(dtype: str) -> _py_bool:
    return dtype in COMPLEX


def is_inexact(dtype: str) -> _py_bool:
    """Floating or complex: the dtypes that can carry gradients."""
    return dtype in FLOATS or dtype in COMPLEX


def real_dtype(dtype: str) -> str:
    """The dtype of the real and imaginary parts of `dtype` (itself when real)."""
    return _COMPLEX_PART.get(dtype, dtype)


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
    if a in COMPLEX or b in COMPLEX:
        # complex wins over every other kind, at the precision of its widest real part
        bits = max(_BITS[real_dtype(d)] if d in FLOATS or d in COMPLEX else 0 for d in (a, b))
        return complex128 if bits == 64 else complex64
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
    """'bool', 'int', 'float' or 'complex' for a Python scalar."""
    if isinstance(value, _py_bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, complex):
        return "complex"
    raise TypeError(f"expected a Tensor, dtype or Python scalar, got {type(value).__name__}")


def promote_with_scalar(dtype: str, value) -> str:
    """Result dtype of a tensor of `dtype` combined with a Python scalar.

    Python scalars are weak: they only matter when they are of a higher kind
    than the tensor (a float scalar with an integer tensor gives the default
    float dtype; an int scalar with a bool tensor gives int64).
    """
    kind = _scalar_kind(value)
    if kind == "complex" and dtype not in COMPLEX:
        return _COMPLEX_OF.get(dtype, _COMPLEX_OF[_default_float])
    if kind == "float" and dtype not in FLOATS and dtype not in COMPLEX:
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
        if dt is not None and not isinstance(op, (int, float, complex)):
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
        if "complex" in kinds:
            return _COMPLEX_OF[_default_float]
        return _default_float if "float" in kinds else DEFAULT_INT if "int" in kinds else bool
    result = dtypes[0]
    for dt in dtypes[1:]:
        result = promote_types(result, dt)
    for s in scalars:
        result = promote_with_scalar(result, s)
    return result


def can_cast(from_, to) -> _py_bool:
    """True if casting `from_` (a dtype or tensor) to `to` is a promotion (no loss of range)."""
    from_, to = _dtype_of(from_), canonical_dtype(to)
    return _TABLE[(from_, to)] == to


def _dtype_of(x) -> str:
    """The dtype string of a dtype, a tensor or anything with a `.dtype`."""
    return canonical_dtype(getattr(x, "dtype", x))


# The array API's dtype kinds (for isdtype), each a test on a canonical dtype string.
_KINDS = {
    "bool": lambda d: d == bool,
    "signed integer": lambda d: d in SIGNED,
    "unsigned integer": lambda d: d in UNSIGNED,
    "integral": lambda d: d in SIGNED or d in UNSIGNED,
    "real floating": lambda d: d in FLOATS,
    "complex floating": lambda d: d in COMPLEX,
    "numeric": lambda d: d != bool,
}


def isdtype(dtype, kind) -> _py_bool:
    """Whether `dtype` is of `kind`: a dtype, a kind name ("integral", ...) or a tuple of those."""
    dtype = canonical_dtype(dtype)
    if isinstance(kind, tuple):
        return any(isdtype(dtype, k) for k in kind)
    if isinstance(kind, str) and kind in _KINDS:
        return _KINDS[kind](dtype)
    try:
        return dtype == canonical_dtype(kind)
    except TypeError:
        raise TypeError(f"isdtype kind must be a dtype, one of {', '.join(map(repr, _KINDS))}, "
                        f"or a tuple of those; got {kind!r}") from None


class finfo:  # noqa: N801 - mirrors torch.finfo and the array API's finfo
    """Machine limits of a floating or complex dtype (a complex dtype reports its parts').

    Both spellings work: the array API's `smallest_normal` and PyTorch's `tiny`.
    """

    _LIMITS = {  # bits, eps, max, smallest normal: IEEE 754 binary16/32/64
        float16: (16, 2.0 ** -10, 65504.0, 2.0 ** -14),
        float32: (32, 2.0 ** -23, (2 - 2.0 ** -23) * 2.0 ** 127, 2.0 ** -126),
        float64: (64, 2.0 ** -52, (2 - 2.0 ** -52) * 2.0 ** 1023, 2.0 ** -1022),
    }

    def __init__(self, type=None):  # noqa: A002 - PyTorch's and the standard's parameter name
        name = _dtype_of(_default_float if type is None else type)
        part = real_dtype(name)
        if part not in self._LIMITS:
            raise TypeError(f"finfo needs a floating or complex dtype, got {name}. For integer "
                            f"dtypes use tinytorch.iinfo({name!r}).")
        self.dtype = part  # a complex dtype's limits are those of its parts (standard, PyTorch)
        self.bits, self.eps, self.max, self.smallest_normal = self._LIMITS[part]
        self.min = -self.max
        self.tiny = self.smallest_normal
        self.resolution = {float16: 1e-3, float32: 1e-6, float64: 1e-15}[part]

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution}, min={self.min}, max={self.max}, "
                f"eps={self.eps}, smallest_normal={self.smallest_normal}, dtype={self.dtype})")


class iinfo:  # noqa: N801 - mirrors torch.iinfo and the array API's iinfo
    """The bit width and range of an integer dtype."""

    def __init__(self, type):  # noqa: A002
        name = _dtype_of(type)
        if not is_integral(name):
            raise TypeError(f"iinfo needs an integer dtype, got {name}. For floating dtypes use "
                            f"tinytorch.finfo({name!r}).")
        self.dtype, self.bits = name, _BITS[name]
        self.min, self.max = int_range(name)

    def __repr__(self) -> str:
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
