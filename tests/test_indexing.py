"""x[key] and x[key] = value with ints, slices, None, Ellipsis, integer tensors and boolean
masks, against NumPy on the host, on every device."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.testing import strategies as tts
from tinytorch.testing import to_numpy as host

fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow])


def reference_getitem(a, key):
    """NumPy indexing with PyTorch's placement rule: Python ints are applied first, so they never
    separate the integer arrays (NumPy counts an int among arrays as one more array)."""
    key = key if isinstance(key, tuple) else (key,)
    key = tuple(int(k) if isinstance(k, np.ndarray) and k.ndim == 0 else k for k in key)
    if not any(isinstance(k, np.ndarray) for k in key) or any(k is Ellipsis for k in key):
        return a[key]
    first = tuple(k if isinstance(k, int) else slice(None) for k in key if k is not None)
    rest = tuple(k for k in key if not isinstance(k, int))
    return a[first][rest]


def to_tinytorch(key, device):
    key = key if isinstance(key, tuple) else (key,)
    return tuple(tt.tensor(k, device=device) if isinstance(k, np.ndarray) else k for k in key)


def _slices(n):
    bound = st.one_of(st.none(), st.integers(-n - 2, n + 2))
    return st.builds(slice, bound, bound, st.sampled_from([None, 1, 2, 3, -1, -2]))


@st.composite
def basic_keys(draw, shape):
    """Ints, slices (any step) and None, with an optional Ellipsis and implicit trailing axes."""
    items = []
    for n in shape:
        choices = [_slices(n), st.just(slice(None))]
        if n:
            choices.append(st.integers(-n, n - 1))
        items.append(draw(st.one_of(choices)))
    if items and draw(st.booleans()):
        cut = draw(st.integers(0, len(items)))
        if draw(st.booleans()):
            items = [Ellipsis] + items[cut:]  # leading axes covered by the ellipsis
        else:
            items = items[:cut]  # trailing axes implicit
    for _ in range(draw(st.integers(0, 2))):
        items.insert(draw(st.integers(0, len(items))), None)
    return tuple(items)


@st.composite
def advanced_keys(draw, shape):
    """Basic items mixed with integer arrays (broadcasting together) or one boolean mask."""
    common = draw(tts.shapes(min_dims=1, max_dims=2, max_side=3))
    use_mask = draw(st.booleans())
    items, advanced = [], 0
    for n in shape:
        kinds = ["full", "int", "slice"] if n else ["full", "slice"]
        if n and not (use_mask and advanced):
            kinds += ["array"] * 2
        kind = draw(st.sampled_from(kinds))
        if kind == "array":
            advanced += 1
            if use_mask:
                items.append(np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)),
                                      dtype=bool))
            else:
                index_shape = draw(tts.broadcastable_shapes(common, max_dims=len(common)))
                count = int(np.prod(index_shape))
                values = draw(st.lists(st.integers(-n, n - 1), min_size=count, max_size=count))
                items.append(np.array(values, dtype=np.int64).reshape(index_shape))
        elif kind == "int":
            items.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            items.append(draw(_slices(n)))
        else:
            items.append(slice(None))
    if draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), None)
    return tuple(items)


def _array(shape):
    return (np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) * 1.5) - 4


@fixture_ok
@given(data=st.data())
def test_basic_indexing_matches_numpy(device, data):
    shape = data.draw(tts.shapes(min_dims=0, max_dims=4, min_side=0, max_side=4), label="shape")
    key = data.draw(basic_keys(shape), label="key")
    a = _array(shape)
    x = tt.tensor(a, device=device)
    got = x[key]
    expected = a[key]
    assert got.shape == expected.shape and got.dtype == "float32" and got.device == device
    np.testing.assert_array_equal(host(got), expected)


@fixture_ok
@given(data=st.data())
def test_advanced_indexing_matches_numpy(device, data):
    shape = data.draw(tts.shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), label="shape")
    key = data.draw(advanced_keys(shape), label="key")
    a = _array(shape)
    x = tt.tensor(a, device=device)
    got = x[to_tinytorch(key, device)]
    expected = reference_getitem(a, key)
    assert got.shape == expected.shape and got.device == device
    np.testing.assert_array_equal(host(got), expected)


@fixture_ok
@given(data=st.data())
def test_basic_setitem_matches_numpy(device, data):
    shape = data.draw(tts.shapes(min_dims=1, max_dims=3, min_side=0, max_side=4), label="shape")
    key = data.draw(basic_keys(shape), label="key")
    a = _array(shape)
    target_shape = a[key].shape
    if data.draw(st.booleans(), label="scalar value"):
        value, tt_value = -7.0, -7.0
    else:
        value_shape = data.draw(tts.broadcastable_shapes(target_shape, max_dims=len(target_shape)),
                                label="value shape")
        value = np.full(value_shape, 100, dtype=np.float32) + np.arange(
            int(np.prod(value_shape)), dtype=np.float32).reshape(value_shape)
        tt_value = tt.tensor(value, device=device)
    x = tt.tensor(a, device=device)
    x[key] = tt_value
    expected = a.copy()
    expected[key] = value
    np.testing.assert_array_equal(host(x), expected)


@fixture_ok
@given(data=st.data())
def test_advanced_setitem_matches_numpy(device, data):
    shape = data.draw(tts.shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), label="shape")
    key = data.draw(advanced_keys(shape), label="key")
    a = _array(shape)
    # Which elements the key selects, in PyTorch's order: write through them on the host.
    positions = reference_getitem(np.arange(a.size).reshape(shape), key)
    unique = len(np.unique(positions)) == positions.size
    expected = a.copy()
    x = tt.tensor(a, device=device)
    if unique and data.draw(st.booleans(), label="tensor value"):
        value = (np.arange(positions.size, dtype=np.float32) + 100).reshape(positions.shape)
        x[to_tinytorch(key, device)] = tt.tensor(value, device=device)
        expected.reshape(-1)[positions.reshape(-1)] = value.reshape(-1)
    else:  # repeated indices: write one scalar, so the order of writes does not matter
        x[to_tinytorch(key, device)] = 9.0
        expected.reshape(-1)[positions.reshape(-1)] = 9.0
    np.testing.assert_array_equal(host(x), expected)


def test_integer_placed_between_index_tensors_keeps_the_result_in_place(device):
    a = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)
    x = tt.tensor(a, device=device)
    i = tt.tensor([0, 2], device=device)
    j = tt.tensor([1, 3], device=device)
    # PyTorch applies the 0 first, so i and j are adjacent: the result stays in place.
    np.testing.assert_array_equal(host(x[:, i, 0, j]), a[:, :, 0, :][:, [0, 2], [1, 3]])
    # Separated by a slice, the indexed axis goes first (NumPy's and PyTorch's rule).
    np.testing.assert_array_equal(host(x[:, i, :, j]), a[:, [0, 2], :, [1, 3]])
    assert x[:, i, :, j].shape == (2, 2, 4)
    np.testing.assert_array_equal(host(x[0, :, j]), a[0][:, [1, 3]])


def test_lists_ranges_and_numpy_integers_as_indices(device):
    a = _array((4, 3))
    x = tt.tensor(a, device=device)
    np.testing.assert_array_equal(host(x[[3, 0, 0]]), a[[3, 0, 0]])
    np.testing.assert_array_equal(host(x[range(1, 3)]), a[1:3])
    np.testing.assert_array_equal(host(x[np.int64(2)]), a[2])
    np.testing.assert_array_equal(host(x[tt.tensor(1, device=device)]), a[1])
    np.testing.assert_array_equal(host(x[[1, 2], [0, 2]]), a[[1, 2], [0, 2]])


def test_multidimensional_masks(device):
    a = _array((2, 3, 4))
    x = tt.tensor(a, device=device)
    np.testing.assert_array_equal(host(x[x > 10]), a[a > 10])
    mask = a[:, :, 0] > 0
    np.testing.assert_array_equal(host(x[tt.tensor(mask, device=device)]), a[mask])
    np.testing.assert_array_equal(host(x[:, tt.tensor(a[0] < 0, device=device)]),
                                  a[:, a[0] < 0])
    none = np.zeros(3, dtype=bool)
    assert x[:, tt.tensor(none, device=device)].shape == (2, 0, 4)
    y = tt.tensor(a, device=device)
    y[y < 0] = 0.0
    np.testing.assert_array_equal(host(y), np.where(a < 0, 0, a))


def test_indexing_keeps_dtype(device):
    for dtype in ("int8", "uint8", "bool", "float64"):
        x = tt.tensor([[1, 0], [0, 1]], dtype=dtype, device=device)
        assert x[0].dtype == dtype
        assert x[tt.tensor([1, 0], device=device)].dtype == dtype
        assert x[x.bool()].dtype == dtype
        x[0, 0] = 0
        assert x.dtype == dtype and x[0, 0].item() == 0


def test_setitem_converts_values_to_the_tensor_dtype(device):
    x = tt.zeros(3, dtype="int32", device=device)
    x[0] = 2.9
    x[1:] = tt.tensor([5.5, -1.5], device=device)
    assert x.dtype == "int32" and x.tolist() == [2, 5, -1]


def test_setitem_records_gradients(device):
    base = tt.zeros(3, 2, device=device, requires_grad=True)
    value = tt.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = base * 1
    y[1] = value * 3
    y[tt.tensor([0, 2], device=device), 0] = 5.0
    weights = tt.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], device=device)
    (y * weights).sum().backward()
    np.testing.assert_array_equal(host(y), [[5.0, 0.0], [3.0, 6.0], [5.0, 0.0]])
    np.testing.assert_array_equal(host(base.grad), [[0.0, 2.0], [0.0, 0.0], [0.0, 6.0]])
    np.testing.assert_array_equal(host(value.grad), [9.0, 12.0])


def test_getitem_records_gradients_with_repeated_indices(device):
    x = tt.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    x[tt.tensor([0, 0, 2, -1], device=device)].sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 2.0]


@pytest.mark.parametrize("key, words", [
    (5, ["5", "size 3"]), (-4, ["-4", "size 3"]), ((0, 0, 0), ["too many", "2"]),
    ((Ellipsis, 0, Ellipsis), ["ellipsis"]), (1.5, ["float", "integers"]),
    ("a", ["str"]), ((slice(None), 7), ["7", "size 4"]),
])
def test_bad_indices_raise_index_error_saying_why(device, key, words):
    x = tt.zeros(3, 4, device=device)
    with pytest.raises(IndexError) as info:
        x[key]
    for word in words:
        assert word in str(info.value)
    with pytest.raises(IndexError):
        x[key] = 1.0


def test_bad_index_tensors(device):
    x = tt.zeros(3, 4, device=device)
    with pytest.raises(IndexError, match="5.*size 3"):
        x[tt.tensor([0, 5], device=device)]
    with pytest.raises(IndexError, match="float32"):
        x[tt.tensor([0.0], device=device)]
    with pytest.raises(IndexError, match=r"\[2\].*\[3\]"):
        x[tt.tensor([True, False], device=device)]
    with pytest.raises(IndexError, match="broadcast"):
        x[tt.tensor([0, 1], device=device), tt.tensor([0, 1, 2], device=device)]


def test_setitem_value_of_the_wrong_shape_raises_naming_both_shapes(device):
    x = tt.zeros(2, 3, device=device)
    with pytest.raises(RuntimeError, match=r"\[2\].*\[3\]"):
        x[0] = tt.ones(2, device=device)
    with pytest.raises(RuntimeError, match=r"\[2, 2\].*\[2, 3\]"):
        x[tt.tensor([0, 1], device=device)] = tt.ones(2, 2, device=device)
    x[0] = tt.ones(1, 1, 3, device=device)  # leading size-1 axes are dropped, as in PyTorch
    assert x.tolist() == [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]
