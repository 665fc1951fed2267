"""Dtypes are strings, and one promotion table gives every result dtype on every device."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.testing import to_numpy as host

ALL = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
       "float16", "float32", "float64"]
SIGNED = ["int8", "int16", "int32", "int64"]
UNSIGNED = ["uint8", "uint16", "uint32", "uint64"]
FLOATS = ["float16", "float32", "float64"]
INTS = SIGNED + UNSIGNED


# The `device` fixture is a plain string, so sharing it across hypothesis examples is safe.
fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow])


def dtypes_on(device):
    """The dtypes the device's backend holds: array-api-strict has no float16."""
    return [d for d in ALL if not (d == "float16" and device.startswith("strict"))]


# ---- the table, written out independently of tinytorch -----------------------------------

def _int_range(name):
    bits = int(name.lstrip("uint"))
    return (0, 2 ** bits - 1) if name.startswith("u") else (-2 ** (bits - 1), 2 ** (bits - 1) - 1)


def expected_promotion(a, b):
    """What the spec says: bool joins anything; int with float gives the float; floats take the
    wider; integers take the narrowest integer dtype whose range holds both ranges (None if
    none does)."""
    if a == "bool":
        return b
    if b == "bool":
        return a
    if a in FLOATS and b in FLOATS:
        return max(a, b, key=lambda d: int(d[5:]))
    if a in FLOATS or b in FLOATS:
        return a if a in FLOATS else b
    lo = min(_int_range(a)[0], _int_range(b)[0])
    hi = max(_int_range(a)[1], _int_range(b)[1])
    holders = [d for d in INTS if _int_range(d)[0] <= lo and _int_range(d)[1] >= hi]
    if not holders:
        return None
    return min(holders, key=lambda d: int(d.lstrip("uint")))


def test_module_constants_are_the_dtype_strings():
    for name in ALL:
        constant = getattr(tt, name)
        assert constant == name
        assert isinstance(constant, str)
    assert tt.float32 == "float32" and tt.int64 == "int64" and tt.bool == "bool"


@pytest.mark.parametrize("a, b", list(itertools.product(ALL, ALL)))
def test_promote_types_follows_the_table(a, b):
    expected = expected_promotion(a, b)
    if expected is None:
        with pytest.raises(TypeError, match="(?i)cast"):
            tt.promote_types(a, b)
    else:
        assert tt.promote_types(a, b) == expected
        assert tt.result_type(a, b) == expected


def test_promote_types_is_symmetric_and_idempotent():
    for a, b in itertools.product(ALL, ALL):
        try:
            ab = tt.promote_types(a, b)
        except TypeError:
            with pytest.raises(TypeError):
                tt.promote_types(b, a)
            continue
        assert tt.promote_types(b, a) == ab
        assert tt.promote_types(ab, ab) == ab


def test_same_kind_promotion_matches_numpy_array_api_lattice():
    # NumPy 2 follows the array API lattice within a kind (and for signed with unsigned).
    for a, b in itertools.product(INTS, INTS):
        if "uint64" in (a, b) and (a in SIGNED or b in SIGNED):
            continue  # NumPy gives float64 here; tinytorch refuses instead
        assert tt.promote_types(a, b) == np.promote_types(a, b).name, (a, b)
    for a, b in itertools.product(FLOATS, FLOATS):
        assert tt.promote_types(a, b) == np.promote_types(a, b).name


def test_promotion_table_agrees_with_pytorch():
    torch = pytest.importorskip(
        "torch", reason="PyTorch is an optional oracle for the promotion table; not installed")
    compared = 0
    for a, b in itertools.product(ALL, ALL):
        try:
            theirs = torch.promote_types(getattr(torch, a), getattr(torch, b))
        except (RuntimeError, TypeError):
            continue  # PyTorch does not promote some unsigned pairs; the spec decides those
        assert tt.promote_types(a, b) == str(theirs).removeprefix("torch."), (a, b)
        compared += 1
    assert compared >= 100  # every pair among bool, signed ints, uint8 and floats


def test_signed_with_uint64_raises_type_error_saying_to_cast(device):
    x = tt.tensor([1, 2], dtype="int32", device=device)
    y = tt.tensor([3, 4], dtype="uint64", device=device)
    with pytest.raises(TypeError) as info:
        x + y
    message = str(info.value)
    assert "int32" in message and "uint64" in message and "ast" in message
    with pytest.raises(TypeError, match="(?i)cast"):
        tt.result_type(x, y)


def test_defaults():
    assert tt.get_default_dtype() == "float32"
    assert tt.tensor(1.5).dtype == "float32"
    assert tt.tensor(2).dtype == "int64"
    assert tt.tensor(True).dtype == "bool"
    assert tt.tensor([1, 2]).dtype == "int64"
    assert tt.zeros(2).dtype == "float32"
    assert tt.arange(3).dtype == "int64"


def test_set_default_dtype_changes_python_floats_and_factories():
    tt.set_default_dtype("float64")
    assert tt.get_default_dtype() == "float64"
    assert tt.tensor([0.5]).dtype == "float64"
    assert tt.ones(2).dtype == "float64"
    assert (tt.tensor([1, 2]) * 0.5).dtype == "float64"
    assert tt.tensor([1, 2]).dtype == "int64"  # ints are unaffected
    with pytest.raises(TypeError, match="float"):
        tt.set_default_dtype("int32")


@pytest.mark.parametrize("name", ["float128", "complex32", "f32", "Float32"])
def test_unknown_dtype_name_raises_type_error_listing_supported(name):
    for call in (lambda: tt.zeros(2, dtype=name), lambda: tt.tensor([1.0], dtype=name),
                 lambda: tt.promote_types(name, "float32"),
                 lambda: tt.ones(2).to(dtype=name)):
        with pytest.raises(TypeError) as info:
            call()
        message = str(info.value)
        assert name in message
        assert "float32" in message and "int64" in message and "uint8" in message


def test_python_types_and_aliases_resolve_to_dtype_strings():
    assert tt.zeros(1, dtype=float).dtype == "float64"  # Python's float is a double (PyTorch)
    assert tt.zeros(1, dtype=int).dtype == "int64"
    assert tt.zeros(1, dtype=bool).dtype == "bool"
    assert tt.zeros(1, dtype="double").dtype == "float64"
    assert tt.zeros(1, dtype="long").dtype == "int64"


def test_float16_on_strict_raises_naming_the_backend():
    for call in (lambda: tt.zeros(2, dtype="float16", device="strict:0"),
                 lambda: tt.tensor([1.0], dtype="float16", device="strict:1"),
                 lambda: tt.ones(2, device="strict:1").to("float16")):
        with pytest.raises(TypeError) as info:
            call()
        assert "strict" in str(info.value) and "float16" in str(info.value)


def test_float16_works_on_cpu():
    x = tt.tensor([1.5, 2.5], dtype="float16")
    assert x.dtype == "float16"
    assert (x + 1.0).dtype == "float16"
    assert (x + tt.tensor([1.0])).dtype == "float32"
    np.testing.assert_array_equal(host(x * 2.0), np.array([3.0, 5.0], dtype=np.float16))


def test_tensor_dtype_is_a_plain_string_on_every_dtype(device):
    for name in dtypes_on(device):
        x = tt.zeros(3, dtype=name, device=device)
        assert x.dtype == name
        assert isinstance(x.dtype, str)
        assert host(x).dtype == np.dtype(name)


@fixture_ok
@given(data=st.data())
def test_binary_op_dtype_follows_promotion_on_every_device(device, data):
    choices = dtypes_on(device)
    a = data.draw(st.sampled_from(choices), label="a")
    b = data.draw(st.sampled_from(choices), label="b")
    expected = expected_promotion(a, b)
    x = tt.tensor([1, 0, 1], dtype=a, device=device)
    y = tt.tensor([1, 1, 0], dtype=b, device=device)
    if expected is None:
        with pytest.raises(TypeError):
            x * y
        return
    product = x * y
    assert product.dtype == expected
    assert product.device == device
    np.testing.assert_array_equal(host(product).astype(np.float64), [1.0, 0.0, 0.0])
    assert (x == y).dtype == "bool"
    assert tt.where(x > y, x, y).dtype == expected


SCALAR_CASES = [
    # (tensor dtype, scalar, expected result dtype)
    ("int8", 3, "int8"), ("uint8", 3, "uint8"), ("int32", 3, "int32"), ("int64", 3, "int64"),
    ("int8", 1.5, "float32"), ("int64", 1.5, "float32"), ("uint8", 0.5, "float32"),
    ("float32", 3, "float32"), ("float64", 3, "float64"), ("float64", 0.5, "float64"),
    ("float32", 0.5, "float32"), ("bool", 2, "int64"), ("bool", 0.5, "float32"),
    ("bool", True, "bool"), ("int16", True, "int16"), ("float32", True, "float32"),
]


@pytest.mark.parametrize("dtype, scalar, expected", SCALAR_CASES)
def test_python_scalars_are_weak(device, dtype, scalar, expected):
    x = tt.tensor([1, 0, 1], dtype=dtype, device=device)
    assert (x + scalar).dtype == expected
    assert (scalar + x).dtype == expected
    assert (x * scalar).dtype == expected
    assert tt.result_type(x, scalar) == expected
    assert tt.result_type(dtype, scalar) == expected
    reference = np.array([1, 0, 1], dtype=np.float64) * float(scalar)
    np.testing.assert_allclose(host(x * scalar).astype(np.float64), reference)


def test_float16_tensor_with_float_scalar_stays_float16():
    assert (tt.ones(2, dtype="float16") * 2.5).dtype == "float16"


def test_result_type_of_scalars_alone_and_mixtures():
    assert tt.result_type(1) == "int64"
    assert tt.result_type(1.0) == "float32"
    assert tt.result_type(True) == "bool"
    assert tt.result_type(1, 2.0) == "float32"
    assert tt.result_type("int8", "uint8") == "int16"
    assert tt.result_type("int8", "uint8", 2.0) == "float32"
    assert tt.result_type(tt.ones(1, dtype="float64"), "int8", 1) == "float64"
    with pytest.raises(TypeError):
        tt.result_type([1, 2])


def test_int_tensor_division_and_float_math_give_default_float(device):
    x = tt.tensor([1, 2, 4], device=device)
    assert (x / 2).dtype == "float32"
    assert (x / x).dtype == "float32"
    assert x.exp().dtype == "float32"
    assert x.sqrt().dtype == "float32"
    assert (x // 2).dtype == "int64"
    assert (x ** 2).dtype == "int64"
    assert (x ** 0.5).dtype == "float32"


def test_can_cast_and_is_floating_point():
    assert tt.can_cast("int8", "int16")
    assert tt.can_cast("int32", "float32")
    assert not tt.can_cast("float32", "int64")
    assert not tt.can_cast("int16", "int8")
    assert not tt.can_cast("float64", "float32")
    assert tt.is_floating_point("float16")
    assert not tt.is_floating_point("int64")
    assert not tt.is_floating_point("bool")


def test_to_dtype_converts_values(device):
    x = tt.tensor([1.7, -2.2, 0.0], device=device)
    as_int = x.to("int32")
    assert as_int.dtype == "int32"
    np.testing.assert_array_equal(host(as_int), np.array([1.7, -2.2, 0.0]).astype(np.int32))
    as_bool = x.to(tt.bool)
    assert as_bool.tolist() == [True, True, False]
    assert x.double().dtype == "float64"
    assert x.long().dtype == "int64"
    assert x.int().dtype == "int32"
    assert x.bool().dtype == "bool"
    assert tt.tensor([1, 2], device=device).float().dtype == "float32"
