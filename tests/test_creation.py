"""Making tensors: from data, factories, *_like and random draws, on every device."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.testing import strategies as tts
from tinytorch.testing import to_numpy as host

fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow])


def dtypes_on(device):
    return [d for d in tts.ALL_DTYPES if not (d == "float16" and device.startswith("strict"))]


# ---- tensor(): scalars, nested lists, NumPy arrays, tensors -------------------------------

@pytest.mark.parametrize("data, dtype, shape", [
    (3, "int64", ()), (2.5, "float32", ()), (True, "bool", ()),
    ([1, 2, 3], "int64", (3,)), ([1.0, 2, 3], "float32", (3,)), ([True, False], "bool", (2,)),
    ([[1, 2], [3, 4], [5, 6]], "int64", (3, 2)), ([[[0.5]]], "float32", (1, 1, 1)),
    ([], "float32", (0,)), ([True, 2], "int64", (2,)),
])
def test_tensor_infers_dtype_and_shape_from_python_data(device, data, dtype, shape):
    t = tt.tensor(data, device=device)
    assert (t.dtype, t.shape, t.device) == (dtype, shape, device)
    np.testing.assert_array_equal(host(t), np.array(data, dtype=dtype))


def test_tensor_with_explicit_dtype_and_requires_grad(device):
    t = tt.tensor([[1, 2], [3, 4]], dtype="float64", device=device, requires_grad=True)
    assert (t.dtype, t.requires_grad, t.is_leaf, t.grad) == ("float64", True, True, None)
    np.testing.assert_array_equal(host(t), [[1.0, 2.0], [3.0, 4.0]])
    assert tt.tensor(7, dtype=tt.int8, device=device).tolist() == 7
    with pytest.raises(TypeError, match="floating"):
        tt.tensor([1, 2], device=device, requires_grad=True)


@fixture_ok
@given(data=st.data())
def test_tensor_from_numpy_keeps_dtype_and_copies(device, data):
    dtype = data.draw(st.sampled_from(dtypes_on(device)), label="dtype")
    shape = data.draw(tts.shapes(max_dims=3), label="shape")
    values = data.draw(st.lists(tts.elements(dtype), min_size=int(np.prod(shape)),
                                max_size=int(np.prod(shape))), label="values")
    array = np.array(values, dtype=dtype).reshape(shape)
    t = tt.tensor(array, device=device)
    assert (t.dtype, t.shape, t.device) == (dtype, shape, device)
    np.testing.assert_array_equal(host(t), array)
    if array.size:
        before = host(t).copy()
        array.reshape(-1)[0] = not array.reshape(-1)[0] if dtype == "bool" else 0
        np.testing.assert_array_equal(host(t), before)  # tensor() copied the data


def test_tensor_from_numpy_with_a_dtype_converts(device):
    t = tt.tensor(np.array([1.9, -1.9]), dtype="int32", device=device)
    assert t.dtype == "int32" and t.tolist() == [1, -1]


def test_tensor_from_a_tensor_copies_and_can_move(device):
    source = tt.tensor([1.0, 2.0], device=device, requires_grad=True)
    copy = tt.tensor(source)
    assert copy.device == device and copy.dtype == "float32"
    assert not copy.requires_grad and copy.grad_fn is None
    copy[0] = 10.0
    assert source.tolist() == [1.0, 2.0]
    moved = tt.tensor(source, dtype="float64", device="strict:1")
    assert (moved.device, moved.dtype, moved.tolist()) == ("strict:1", "float64", [1.0, 2.0])


def test_tensor_from_a_list_of_tensors_stacks_them(device):
    parts = [tt.tensor([1.0, 2.0], device=device), tt.tensor([3.0, 4.0], device=device)]
    t = tt.tensor(parts, device=device)
    assert t.shape == (2, 2)
    assert t.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_ragged_lists_raise_value_error_saying_what_is_wrong():
    with pytest.raises(ValueError, match="rectangular"):
        tt.tensor([[1, 2], [3]])


def test_unsupported_numpy_dtype_raises_type_error():
    with pytest.raises(TypeError) as info:
        tt.tensor(np.array(["2024-01-01"], dtype="datetime64[D]"))
    assert "datetime64" in str(info.value) and "float32" in str(info.value)


# ---- as_tensor, asarray, from_numpy -------------------------------------------------------

def test_as_tensor_returns_the_same_tensor_when_nothing_changes(device):
    t = tt.ones(3, device=device)
    assert tt.as_tensor(t) is t
    assert tt.as_tensor(t, device=device) is t
    assert tt.as_tensor(t, dtype="float32") is t
    other = tt.as_tensor(t, dtype="float64")
    assert other is not t and other.dtype == "float64"
    assert tt.as_tensor([1, 2], device=device).device == device
    assert tt.asarray([1.5], device=device).tolist() == [1.5]
    assert tt.asarray(t, dtype="int32").dtype == "int32"


def test_asarray_copy_true_makes_an_independent_tensor(device):
    t = tt.zeros(2, device=device)
    c = tt.asarray(t, copy=True)
    c[0] = 5.0
    assert t.tolist() == [0.0, 0.0]


def test_from_numpy_shares_memory_both_ways():
    array = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = tt.from_numpy(array)
    assert (t.device, t.dtype, t.shape) == ("cpu", "float64", (2, 3))
    array[0, 0] = 100.0
    assert t[0, 0].item() == 100.0
    t[1, 2] = -1.0
    assert array[1, 2] == -1.0
    assert np.shares_memory(t.numpy(), array)


def test_from_numpy_rejects_other_things():
    with pytest.raises(TypeError, match="ndarray"):
        tt.from_numpy([1, 2, 3])
    with pytest.raises(TypeError, match="datetime64"):
        tt.from_numpy(np.zeros(2, dtype="datetime64[D]"))


# ---- factories ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, fill", [("zeros", 0), ("ones", 1)])
def test_zeros_and_ones(device, name, fill):
    factory = getattr(tt, name)
    for size in [(2, 3), ((2, 3),), ([2, 3],)]:
        t = factory(*size, device=device)
        assert (t.shape, t.dtype, t.device) == ((2, 3), "float32", device)
        np.testing.assert_array_equal(host(t), np.full((2, 3), fill, dtype=np.float32))
    t = factory(4, dtype="int16", device=device)
    assert t.dtype == "int16" and t.tolist() == [fill] * 4
    assert factory((), device=device).shape == ()
    assert factory(0, 3, device=device).shape == (0, 3)


def test_negative_sizes_raise_runtime_error_naming_the_shape():
    with pytest.raises(RuntimeError, match=r"-1 in \[2, -1\]"):
        tt.zeros(2, -1)


def test_empty_has_shape_and_dtype(device):
    t = tt.empty(3, 2, dtype="int32", device=device)
    assert (t.shape, t.dtype, t.device) == ((3, 2), "int32", device)


@pytest.mark.parametrize("value, dtype", [(3, "int64"), (2.5, "float32"), (True, "bool"),
                                          (-1, "int64")])
def test_full_infers_dtype_from_the_fill_value(device, value, dtype):
    t = tt.full((2, 2), value, device=device)
    assert (t.dtype, t.device) == (dtype, device)
    np.testing.assert_array_equal(host(t), np.full((2, 2), value, dtype=dtype))
    assert tt.full(3, value, dtype="float64", device=device).tolist() == [float(value)] * 3


@pytest.mark.parametrize("args, kwargs", [
    ((5,), {}), ((2, 9), {}), ((2, 9, 3), {}), ((10, 0, -3), {}), ((0, 1, 0.25), {}),
    ((1.5,), {}), ((-2.0, 2.0, 0.5), {}), ((0, 5), {"dtype": "float64"}),
    ((3, 3), {}), ((0, 6, 2), {"dtype": "int8"}),
])
def test_arange_matches_numpy(device, args, kwargs):
    t = tt.arange(*args, device=device, **kwargs)
    is_float = any(isinstance(a, float) for a in args)
    expected_dtype = kwargs.get("dtype", "float32" if is_float else "int64")
    assert (t.dtype, t.device) == (expected_dtype, device)
    np.testing.assert_allclose(host(t), np.arange(*args, dtype=expected_dtype))


def test_arange_step_zero_raises_value_error():
    with pytest.raises(ValueError, match="step"):
        tt.arange(0, 5, 0)


@pytest.mark.parametrize("start, end, steps", [(0, 1, 5), (-3, 3, 7), (2, 2, 1), (1, -1, 4),
                                               (0, 10, 0)])
def test_linspace_matches_numpy(device, start, end, steps):
    t = tt.linspace(start, end, steps, device=device)
    assert (t.dtype, t.shape, t.device) == ("float32", (steps,), device)
    np.testing.assert_allclose(host(t), np.linspace(start, end, steps), rtol=1e-6, atol=1e-6)
    assert tt.linspace(start, end, steps, dtype="float64", device=device).dtype == "float64"


@pytest.mark.parametrize("n, m", [(3, None), (2, 4), (4, 2), (1, None), (0, None)])
def test_eye_matches_numpy(device, n, m):
    t = tt.eye(n, m, device=device)
    assert (t.dtype, t.device) == ("float32", device)
    np.testing.assert_array_equal(host(t), np.eye(n, m, dtype=np.float32))
    assert tt.eye(n, m, dtype="int32", device=device).dtype == "int32"


def test_like_factories_keep_shape_dtype_and_device(device):
    x = tt.tensor([[1, 2, 3]], dtype="int32", device=device)
    for made, fill in [(tt.zeros_like(x), 0), (tt.ones_like(x), 1), (tt.full_like(x, 7), 7)]:
        assert (made.shape, made.dtype, made.device) == ((1, 3), "int32", device)
        assert made.tolist() == [[fill] * 3]
    e = tt.empty_like(x)
    assert (e.shape, e.dtype, e.device) == ((1, 3), "int32", device)
    assert tt.zeros_like(x, dtype="float64").dtype == "float64"
    assert tt.ones_like(x, device="strict:1").device == "strict:1"
    f = tt.ones(2, 2, dtype="float64", device=device)
    for made in (tt.rand_like(f), tt.randn_like(f)):
        assert (made.shape, made.dtype, made.device) == ((2, 2), "float64", device)


def test_factories_with_requires_grad(device):
    for t in (tt.zeros(2, device=device, requires_grad=True),
              tt.ones(2, device=device, requires_grad=True),
              tt.full((2,), 1.0, device=device, requires_grad=True),
              tt.rand(2, device=device, requires_grad=True)):
        assert t.requires_grad and t.is_leaf


# ---- random -------------------------------------------------------------------------------

def test_rand_randn_randint_shapes_dtypes_and_ranges(device):
    tt.manual_seed(0)
    u = tt.rand(200, device=device)
    assert (u.shape, u.dtype, u.device) == ((200,), "float32", device)
    values = host(u)
    assert values.min() >= 0.0 and values.max() < 1.0 and values.std() > 0.1
    n = tt.randn(4, 500, dtype="float64", device=device)
    assert (n.shape, n.dtype) == ((4, 500), "float64")
    assert abs(host(n).mean()) < 0.2 and 0.8 < host(n).std() < 1.2
    r = tt.randint(3, 7, (1000,), device=device)
    assert (r.dtype, r.device) == ("int64", device)
    assert set(host(r).tolist()) == {3, 4, 5, 6}
    r0 = tt.randint(4, (2, 2), device=device, dtype="int32")
    assert r0.shape == (2, 2) and r0.dtype == "int32"
    assert 0 <= host(r0).min() and host(r0).max() < 4


def test_manual_seed_reproduces_draws_per_device(device):
    tt.manual_seed(1234)
    first = [host(tt.rand(5, device=device)), host(tt.randn(3, device=device)),
             host(tt.randint(0, 100, (4,), device=device))]
    tt.manual_seed(1234)
    again = [host(tt.rand(5, device=device)), host(tt.randn(3, device=device)),
             host(tt.randint(0, 100, (4,), device=device))]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(host(tt.rand(5, device=device)), first[0])  # the stream moved on
    tt.manual_seed(99)
    assert not np.array_equal(host(tt.rand(5, device=device)), first[0])


def test_same_seed_gives_the_same_numbers_on_every_device():
    draws = []
    for device in ("cpu", "strict:0", "strict:1"):
        tt.manual_seed(7)
        draws.append(host(tt.randn(6, device=device)))
    np.testing.assert_array_equal(draws[0], draws[1])
    np.testing.assert_array_equal(draws[0], draws[2])


def test_random_factories_reject_bad_arguments():
    with pytest.raises(TypeError, match="randint"):
        tt.rand(2, dtype="int64")
    with pytest.raises(ValueError, match="low < high"):
        tt.randint(5, 5, (2,))
    with pytest.raises(TypeError, match="size"):
        tt.randint(5)
