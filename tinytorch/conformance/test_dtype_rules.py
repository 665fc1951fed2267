"""Category "dtypes": every result dtype follows the documented rules on every device.

The expected dtypes come from the table and rules in docs/dtypes.md, written out below
independently of tinytorch.dtypes, and are checked against NumPy where NumPy's rules are the
same ones. Every pair of dtypes the device holds is tried for every binary op, so this file
loops exhaustively instead of sampling.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch import dtypes as ttd
from tinytorch.testing import strategies as tts

from .config import examples
from .support import host, supported

pytestmark = pytest.mark.conformance("dtypes")

ALL = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
       "float16", "float32", "float64")
FLOATS = ("float16", "float32", "float64")
SHORT = dict(zip(("b", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8"), ALL))

# docs/dtypes.md, "The promotion table": row dtype with column dtype; "--" means no dtype holds
# both (cast explicitly).
DOCUMENTED = """
      b   i1  i2  i4  i8  u1  u2  u4  u8  f2  f4  f8
b     b   i1  i2  i4  i8  u1  u2  u4  u8  f2  f4  f8
i1    i1  i1  i2  i4  i8  i2  i4  i8  --  f2  f4  f8
i2    i2  i2  i2  i4  i8  i2  i4  i8  --  f2  f4  f8
i4    i4  i4  i4  i4  i8  i4  i4  i8  --  f2  f4  f8
i8    i8  i8  i8  i8  i8  i8  i8  i8  --  f2  f4  f8
u1    u1  i2  i2  i4  i8  u1  u2  u4  u8  f2  f4  f8
u2    u2  i4  i4  i4  i8  u2  u2  u4  u8  f2  f4  f8
u4    u4  i8  i8  i8  i8  u4  u4  u4  u8  f2  f4  f8
u8    u8  --  --  --  --  u8  u8  u8  u8  f2  f4  f8
f2    f2  f2  f2  f2  f2  f2  f2  f2  f2  f2  f4  f8
f4    f4  f4  f4  f4  f4  f4  f4  f4  f4  f4  f4  f8
f8    f8  f8  f8  f8  f8  f8  f8  f8  f8  f8  f8  f8
"""


def _parse(text):
    lines = [line.split() for line in text.strip().splitlines()]
    columns = [SHORT[c] for c in lines[0]]
    table = {}
    for row in lines[1:]:
        for column, cell in zip(columns, row[1:]):
            table[(SHORT[row[0]], column)] = None if cell == "--" else SHORT[cell]
    return table


TABLE = _parse(DOCUMENTED)
PAIRS = list(itertools.product(ALL, ALL))


def promoted(a, b):
    return TABLE[(a, b)]


# ---- the table itself ---------------------------------------------------------------------

def test_promote_types_matches_the_documented_table():
    wrong = []
    for a, b in PAIRS:
        want = promoted(a, b)
        try:
            got = tt.promote_types(a, b)
        except TypeError:
            got = None
        if got != want:
            wrong.append(f"promote_types({a}, {b}) = {got}, documented {want}")
        if ttd._TABLE.get((a, b)) != want:
            wrong.append(f"dtypes._TABLE[{a}, {b}] = {ttd._TABLE.get((a, b))}, documented {want}")
        if want is not None and tt.result_type(a, b) != want:
            wrong.append(f"result_type({a}, {b}) = {tt.result_type(a, b)}, documented {want}")
    assert not wrong, "\n".join(wrong)


def test_documented_table_agrees_with_numpy_where_the_rules_coincide():
    """Same-kind pairs, bool pairs and signed/unsigned pairs follow NumPy (and the array API);
    an integer with a float gives the float (PyTorch's rule, not NumPy's)."""
    wrong = []
    for a, b in PAIRS:
        kinds = {np.dtype(a).kind, np.dtype(b).kind}
        want = promoted(a, b)
        if kinds <= {"i", "u", "b"} and {a, b} & {"uint64"} and kinds & {"i"}:
            numpy_says = None  # NumPy goes to float64; tinytorch asks for an explicit cast
        elif kinds == {"f", "i"} or kinds == {"f", "u"}:
            numpy_says = a if np.dtype(a).kind == "f" else b
        else:
            numpy_says = np.promote_types(a, b).name
        if want != numpy_says:
            wrong.append(f"({a}, {b}): documented {want}, rule from NumPy gives {numpy_says}")
    assert not wrong, "\n".join(wrong)


def test_promotion_table_is_a_lattice_where_defined():
    table = ttd._TABLE
    wrong = []
    for a in ALL:
        if table[(a, a)] != a:
            wrong.append(f"not idempotent: {a} with {a} gives {table[(a, a)]}")
    for a, b in PAIRS:
        if table[(a, b)] != table[(b, a)]:
            wrong.append(f"not commutative: ({a}, {b}) -> {table[(a, b)]} but ({b}, {a}) -> "
                         f"{table[(b, a)]}")
    for a, b, c in itertools.product(ALL, repeat=3):
        ab, bc = table[(a, b)], table[(b, c)]
        if ab is None or bc is None:
            continue
        left, right = table[(ab, c)], table[(a, bc)]
        if left is not None and right is not None and left != right:
            wrong.append(f"not associative: ({a} v {b}) v {c} = {left} but {a} v ({b} v {c}) "
                         f"= {right}")
    assert not wrong, "\n".join(wrong[:20])


@examples("dtypes")
@given(operands=st.lists(st.one_of(tts.dtypes(), st.sampled_from([True, 3, 2.5])),
                         min_size=1, max_size=4))
def test_result_type_folds_the_table_with_weak_scalars(operands):
    dtypes = [o for o in operands if isinstance(o, str)]
    scalars = [o for o in operands if not isinstance(o, str)]
    want = None
    if dtypes:
        want = dtypes[0]
        for d in dtypes[1:]:
            want = None if want is None else promoted(want, d)
        for s in scalars:
            want = None if want is None else weak(want, s)
    else:
        kinds = {type(s) for s in scalars}
        want = "float32" if float in kinds else "int64" if int in kinds else "bool"
    try:
        got = tt.result_type(*operands)
    except TypeError:
        got = None
    assert got == want, f"result_type{tuple(operands)} = {got}, documented {want}"


def weak(dtype, scalar, default_float="float32"):
    """docs/dtypes.md, "Python scalars are weak"."""
    if isinstance(scalar, float) and dtype not in FLOATS:
        return default_float
    if type(scalar) is int and dtype == "bool":
        return "int64"
    return dtype


# ---- ops on a device ----------------------------------------------------------------------

def _both_bool_error(a, b):
    return TypeError if promoted(a, b) == "bool" else promoted(a, b)


def _div(a, b):
    p = promoted(a, b)
    return p if p is None or p in FLOATS else "float32"


def _bitwise(a, b):
    p = promoted(a, b)
    return TypeError if p in FLOATS else p


def _matmul(a, b):
    p = promoted(a, b)
    return TypeError if p == "bool" else p


def _compare(a, b):
    return None if promoted(a, b) is None else "bool"


# op family -> {name: (call, documented result dtype of (a, b); TypeError: refused; None: the
# pair has no common dtype, which must raise TypeError too)}
BINARY = {
    "arithmetic": {
        "add": (lambda x, y: x + y, promoted),
        "mul": (lambda x, y: x * y, promoted),
        "sub": (lambda x, y: x - y, _both_bool_error),
        "div": (lambda x, y: x / y, _div),
        "floor_divide": (lambda x, y: x // y, _both_bool_error),
        "remainder": (lambda x, y: x % y, _both_bool_error),
        "pow": (lambda x, y: x ** y, _both_bool_error),
        "maximum": (tt.maximum, _both_bool_error),
        "minimum": (tt.minimum, _both_bool_error),
    },
    "comparison": {name: (fn, _compare) for name, fn in [
        ("eq", lambda x, y: x == y), ("ne", lambda x, y: x != y), ("lt", lambda x, y: x < y),
        ("le", lambda x, y: x <= y), ("gt", lambda x, y: x > y), ("ge", lambda x, y: x >= y)]},
    "logical": {
        "logical_and": (tt.logical_and, lambda a, b: "bool"),
        "logical_or": (tt.logical_or, lambda a, b: "bool"),
        "logical_xor": (tt.logical_xor, lambda a, b: "bool"),
        "bitwise_and": (lambda x, y: x & y, _bitwise),
        "bitwise_or": (lambda x, y: x | y, _bitwise),
        "bitwise_xor": (lambda x, y: x ^ y, _bitwise),
    },
    "matmul": {"matmul": (lambda x, y: x @ y, _matmul)},
    "where": {"where": (lambda x, y: tt.where(tt.ones(x.shape, dtype="bool", device=x.device),
                                              x, y), promoted)},
    "clamp": {
        "clamp_min": (lambda x, y: x.clamp(min=y), _both_bool_error),
        "clamp_max": (lambda x, y: x.clamp(max=y), _both_bool_error),
    },
}


def _outcome(call, *args):
    try:
        return call(*args).dtype
    except TypeError:
        return TypeError


@pytest.mark.parametrize("family", sorted(BINARY))
def test_binary_op_dtypes_for_every_pair(device, family):
    dtypes = supported(device, ALL)
    shape = (2, 2) if family == "matmul" else (2,)
    ones = {d: tt.ones(shape, dtype=d, device=device) for d in dtypes}
    wrong = []
    for (name, (call, rule)), a, b in itertools.product(BINARY[family].items(), dtypes, dtypes):
        want = rule(a, b)
        want = TypeError if want is None else want
        got = _outcome(call, ones[a], ones[b])
        if got != want:
            wrong.append(f"{name}({a}, {b}) gives {_name(got)}, documented {_name(want)}")
        elif rule is promoted and want is not TypeError and want != tt.result_type(ones[a],
                                                                                  ones[b]):
            wrong.append(f"{name}({a}, {b}) = {want} but result_type says "
                         f"{tt.result_type(ones[a], ones[b])}")
    assert not wrong, f"{len(wrong)} wrong on {device}:\n" + "\n".join(wrong[:30])


def _name(x):
    return "TypeError" if x is TypeError else x


SCALAR_OPS = {
    "add": (lambda x, s: x + s, lambda s, x: s + x, "promote"),
    "mul": (lambda x, s: x * s, lambda s, x: s * x, "promote"),
    "sub": (lambda x, s: x - s, lambda s, x: s - x, "no-bool"),
    "div": (lambda x, s: x / s, lambda s, x: s / x, "div"),
    "floor_divide": (lambda x, s: x // s, lambda s, x: s // x, "no-bool"),
    "remainder": (lambda x, s: x % s, lambda s, x: s % x, "no-bool"),
    "pow": (lambda x, s: x ** s, lambda s, x: s ** x, "no-bool"),
    "maximum": (tt.maximum, lambda s, x: tt.maximum(s, x), "no-bool"),
    "eq": (lambda x, s: x == s, lambda s, x: s == x, "bool"),
    "lt": (lambda x, s: x < s, lambda s, x: s > x, "bool"),
    "where": (lambda x, s: tt.where(x == x, x, s), lambda s, x: tt.where(x == x, s, x),
              "promote"),
    "clamp": (lambda x, s: x.clamp(min=s), None, "no-bool"),
}


def _scalar_rule(kind, dtype, scalar, default_float):
    result = weak(dtype, scalar, default_float)
    if kind == "bool":
        return "bool"
    if kind == "no-bool" and result == "bool":
        return TypeError
    if kind == "div" and result not in FLOATS:
        return default_float
    return result


@pytest.mark.parametrize("default_float", ["float32", "float64"])
def test_python_scalar_operands_are_weak(device, default_float):
    tt.set_default_dtype(default_float)
    wrong = []
    for dtype in supported(device, ALL):
        x = tt.ones((2,), dtype=dtype, device=device)
        for scalar in (True, 2, 1.5):
            for name, (right, left, kind) in SCALAR_OPS.items():
                want = _scalar_rule(kind, dtype, scalar, default_float)
                for order, call in (("x op s", right), ("s op x", left)):
                    if call is None:
                        continue
                    got = _outcome(call, *((x, scalar) if order == "x op s" else (scalar, x)))
                    if got != want:
                        wrong.append(f"{name} ({order}) with {dtype} tensor and {scalar!r}: "
                                     f"{_name(got)}, documented {_name(want)}")
    assert not wrong, f"{len(wrong)} wrong on {device}:\n" + "\n".join(wrong[:30])


def _float_math(d):
    return d if d in FLOATS else "float32"


def _same(d):
    return d


def _no_bool_same(d):
    return TypeError if d == "bool" else d


def _int64_sum(d):
    return d if d in FLOATS else "int64"


def _standard_sum(device):
    """The functions sum, prod, cumulative_sum and cumulative_prod (the array API's rule):
    unsigned integers give uint64 where the device has it (int64 where not), the rest as
    PyTorch's methods (docs/dtypes.md)."""
    unsigned = "uint64" if supported(device, ("uint64",)) else "int64"
    return lambda d: unsigned if d in ttd.UNSIGNED else _int64_sum(d)


_standard_sum.per_device = True


def _floats_only(d):
    return d if d in FLOATS else TypeError


def _not_float(d):
    return TypeError if d in FLOATS else d


# docs/dtypes.md, "What each kind of op returns", for one-argument ops and reductions.
UNARY = {
    **{name: (getattr(tt, name), _float_math) for name in
       ("exp", "log", "log1p", "sqrt", "sin", "cos", "tanh", "sigmoid", "rsqrt", "reciprocal")},
    "abs": (tt.abs, _same),
    "floor": (tt.floor, _same),
    "round": (tt.round, _same),
    "square": (tt.square, lambda d: "int64" if d == "bool" else d),
    "neg": (tt.neg, _no_bool_same),
    "relu": (tt.relu, _no_bool_same),
    "sign": (tt.sign, _no_bool_same),
    "isnan": (tt.isnan, lambda d: "bool"),
    "isinf": (tt.isinf, lambda d: "bool"),
    "isfinite": (tt.isfinite, lambda d: "bool"),
    "logical_not": (tt.logical_not, lambda d: "bool"),
    "bitwise_not": (tt.bitwise_not, _not_float),
    "clone": (tt.clone, _same),
    "sum": (tt.sum, _standard_sum),
    "sum(dim=0)": (lambda x: x.sum(dim=0), _int64_sum),
    "prod": (tt.prod, _standard_sum),
    "x.prod()": (lambda x: x.prod(), _int64_sum),
    "cumulative_sum(axis=0)": (lambda x: tt.cumulative_sum(x, axis=0), _standard_sum),
    "cumulative_prod(axis=0)": (lambda x: tt.cumulative_prod(x, axis=0), _standard_sum),
    "cumsum(0)": (lambda x: tt.cumsum(x, 0), _int64_sum),
    "x.cumprod(0)": (lambda x: x.cumprod(0), _int64_sum),
    "mean": (tt.mean, _floats_only),
    "var": (tt.var, _floats_only),
    "std": (tt.std, _floats_only),
    "logsumexp": (tt.logsumexp, _floats_only),
    "softmax": (lambda x: x.softmax(-1), _floats_only),
    "log_softmax": (lambda x: x.log_softmax(-1), _floats_only),
    "max": (tt.max, _same),
    "min": (tt.min, _same),
    "amax": (tt.amax, _same),
    "amin": (tt.amin, _same),
    "max(dim=0).values": (lambda x: x.max(dim=0).values, _same),
    "max(dim=0).indices": (lambda x: x.max(dim=0).indices, lambda d: "int64"),
    "argmax": (tt.argmax, lambda d: "int64"),
    "argmin(dim=0)": (lambda x: x.argmin(dim=0), lambda d: "int64"),
    "all": (tt.all, lambda d: "bool"),
    "any": (tt.any, lambda d: "bool"),
}


def test_unary_ops_and_reductions(device):
    wrong = []
    for dtype in supported(device, ALL):
        x = tt.tensor([[1, 2, 1], [2, 1, 1]], dtype=dtype, device=device)
        for name, (call, rule) in UNARY.items():
            rule = rule(device) if getattr(rule, "per_device", False) else rule
            got, want = _outcome(call, x), rule(dtype)
            if got != want:
                wrong.append(f"{name}({dtype}) gives {_name(got)}, documented {_name(want)}")
    assert not wrong, f"{len(wrong)} wrong on {device}:\n" + "\n".join(wrong[:30])


def test_reductions_take_an_explicit_dtype(device):
    wrong = []
    for source, target in itertools.product(supported(device, ALL), supported(device, FLOATS)):
        x = tt.ones((2, 3), dtype=source, device=device)
        for name, call in (("sum", tt.sum), ("mean", tt.mean), ("prod", tt.prod)):
            got = _outcome(functools.partial(call, dtype=target), x)
            if got != target:
                wrong.append(f"{name}({source}, dtype={target}) gives {_name(got)}")
    assert not wrong, "\n".join(wrong[:30])


def _cast_values(source, target):
    """Values that every cast from `source` to `target` represents exactly."""
    if source == "bool":
        return [True, False, True]
    if "int" in source and "int" in target:
        if source.startswith("u") or target.startswith("u"):
            return [0, 1, 100]
        return [0, -1, 100]
    if target == "bool":
        return [0, 1, 3]
    if source in FLOATS and target not in FLOATS:
        return [0.0, 1.0, 100.0] if target.startswith("u") else [0.0, -2.0, 100.0]
    return [0, -2, 100] if not source.startswith("u") else [0, 2, 100]


def test_casts_between_every_pair(device):
    dtypes = supported(device, ALL)
    wrong = []
    for source, target in itertools.product(dtypes, dtypes):
        values = _cast_values(source, target)
        x = tt.tensor(np.asarray(values, dtype=source), device=device)
        expected = np.asarray(values, dtype=source).astype(target)
        for how, call in (("to", lambda t, d: t.to(d)), ("astype", lambda t, d: t.astype(d)),
                          ("to(dtype=)", lambda t, d: t.to(dtype=d))):
            y = call(x, target)
            if y.dtype != target:
                wrong.append(f"{source} {how} {target} gives dtype {y.dtype}")
            elif y.device is not x.device:
                wrong.append(f"{source} {how} {target} moved the tensor to {y.device}")
            elif not np.array_equal(host(y), expected):
                wrong.append(f"{source} {how} {target}: {host(y).tolist()}, NumPy gives "
                             f"{expected.tolist()}")
    assert not wrong, f"{len(wrong)} wrong on {device}:\n" + "\n".join(wrong[:30])


def test_missing_dtypes_are_refused_by_name(device):
    """A dtype the backend lacks (strict has no float16) is a TypeError naming the backend."""
    backend = tt.device(device).backend
    missing = [d for d in ALL if d not in supported(device, ALL)]
    for dtype in missing:
        for make in (lambda d: tt.zeros(2, dtype=d, device=device),
                     lambda d: tt.tensor([1, 2], dtype=d, device=device),
                     lambda d: tt.ones(2, device=device).to(d)):
            with pytest.raises(TypeError, match=backend.name):
                make(dtype)
    assert len(missing) + len(supported(device, ALL)) == len(ALL)


def test_default_dtype_is_honoured(device):
    ints = tt.tensor([1, 2], device=device)
    assert ints.dtype == "int64"
    for default in supported(device, ("float64", "float32", "float16")):
        tt.set_default_dtype(default)
        checks = {
            "tensor([1.5])": tt.tensor([1.5], device=device).dtype,
            "zeros(2)": tt.zeros(2, device=device).dtype,
            "int / int": (ints / ints).dtype,
            "exp(int)": ints.exp().dtype,
            "int + 1.5": (ints + 1.5).dtype,
            "arange(0.0, 2.0)": tt.arange(0.0, 2.0, device=device).dtype,
            "float32 tensor + 1.5": (tt.ones(2, dtype="float32", device=device) + 1.5).dtype,
        }
        want = {k: default for k in checks}
        want["float32 tensor + 1.5"] = "float32"  # weak scalars never widen a float tensor
        assert checks == want, f"default dtype {default} on {device}"
