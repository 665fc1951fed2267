"""Tensor attributes and conversions: shape, ndim, dtype, device, size, autograd slots, to(),
numpy(), item(), tolist(), Python number protocols, len, iteration and repr."""

import numpy as np
import pytest

import tinytorch as tt


def test_attributes(device):
    x = tt.zeros(2, 3, 4, dtype="int16", device=device)
    assert x.shape == (2, 3, 4) and type(x.shape) is tuple
    assert x.ndim == 3 and x.dim() == 3
    assert x.dtype == "int16"
    assert x.device == device
    assert x.size == 24 and isinstance(x.size, int) and x.size() == (2, 3, 4)
    assert x.numel() == 24 and type(x.numel()) is int
    assert x.requires_grad is False
    assert x.grad is None and x.grad_fn is None and x.is_leaf
    s = tt.tensor(3.0, device=device)
    assert (s.shape, s.ndim, s.size, s.numel()) == ((), 0, 1, 1)
    e = tt.zeros(0, 5, device=device)
    assert (e.shape, e.size) == ((0, 5), 0)


def test_autograd_slots(device):
    w = tt.tensor([1.0, 2.0], device=device, requires_grad=True)
    assert w.requires_grad and w.is_leaf and w.grad_fn is None and w.grad is None
    y = (w * w).sum()
    assert y.requires_grad and not y.is_leaf and y.grad_fn is not None
    y.backward()
    assert w.grad.device == device and w.grad.dtype == "float32"
    assert w.grad.tolist() == [2.0, 4.0]
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None and d.item() == 5.0
    with tt.no_grad():
        z = w * 2
    assert not z.requires_grad and z.grad_fn is None


def test_to_dtype_and_device_together(device):
    x = tt.tensor([1.5, -2.5], device=device)
    assert x.to("float64").dtype == "float64"
    assert x.to(tt.int32).tolist() == [1, -2]
    assert x.to("float32") is x  # nothing to do
    y = x.to("strict:1", "float64")
    assert (y.device, y.dtype, y.tolist()) == ("strict:1", "float64", [1.5, -2.5])
    z = x.to(dtype="int64", device="cpu")
    assert (z.device, z.dtype, z.tolist()) == ("cpu", "int64", [1, -2])
    assert x.astype("float64").dtype == "float64"
    assert x.type() == "float32" and x.type("int8").dtype == "int8"
    with pytest.raises(TypeError, match="unexpected"):
        x.to(colour="red")


def test_cpu_and_numpy(device):
    x = tt.tensor([[1, 2], [3, 4]], dtype="int32", device=device)
    array = x.cpu().numpy()
    assert isinstance(array, np.ndarray)
    assert array.dtype == np.int32
    np.testing.assert_array_equal(array, [[1, 2], [3, 4]])


def test_numpy_on_cpu_shares_memory():
    x = tt.tensor([1.0, 2.0])
    array = x.numpy()
    array[0] = 9.0
    assert x.tolist() == [9.0, 2.0]


@pytest.mark.parametrize("device", ["strict:0", "strict:1"])
def test_numpy_off_cpu_raises_type_error_saying_to_call_cpu_first(device):
    x = tt.ones(2, device=device)
    with pytest.raises(TypeError) as info:
        x.numpy()
    assert device in str(info.value) and ".cpu()" in str(info.value)


def test_numpy_of_a_tensor_that_requires_grad_says_detach():
    x = tt.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"detach\(\)"):
        x.numpy()
    assert x.detach().numpy().tolist() == [1.0, 1.0]


def test_cuda_method_without_cupy():
    if tt.cuda.is_available():
        pytest.skip("a GPU is usable here; this checks the error without one")
    with pytest.raises(RuntimeError, match="CuPy|GPU"):
        tt.ones(1).cuda()


@pytest.mark.parametrize("dtype, value, kind", [("float32", 2.5, float), ("float64", -0.125, float),
                                                ("int64", 7, int), ("uint8", 200, int),
                                                ("int8", -3, int), ("bool", True, bool)])
def test_item_returns_a_python_number(device, dtype, value, kind):
    x = tt.tensor([[value]], dtype=dtype, device=device)
    item = x.item()
    assert type(item) is kind and item == value
    assert tt.tensor(value, dtype=dtype, device=device).item() == value


def test_item_of_several_elements_raises(device):
    with pytest.raises(RuntimeError, match="2 elements"):
        tt.ones(2, device=device).item()


def test_tolist(device):
    x = tt.tensor([[1.5, 2.0], [3.0, -4.0]], device=device)
    assert x.tolist() == [[1.5, 2.0], [3.0, -4.0]]
    assert tt.tensor([[1, 2]], dtype="int16", device=device).tolist() == [[1, 2]]
    assert tt.tensor(True, device=device).tolist() is True
    assert tt.zeros(0, 2, device=device).tolist() == []
    values = tt.tensor([1, 2], device=device).tolist()
    assert all(type(v) is int for v in values)


def test_python_number_protocols(device):
    x = tt.tensor([3.75], device=device)
    assert float(x) == 3.75 and type(float(x)) is float
    assert int(x) == 3 and type(int(x)) is int
    assert bool(x) is True and bool(tt.tensor(0.0, device=device)) is False
    i = tt.tensor(2, device=device)
    assert [10, 20, 30][i] == 30  # __index__
    assert range(5)[tt.tensor(-1, device=device)] == 4
    with pytest.raises(TypeError, match="float32"):
        [1, 2][tt.tensor(0.0, device=device)]
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(tt.ones(2, device=device))
    with pytest.raises(RuntimeError, match="ambiguous"):
        if tt.ones(3, device=device) > 0:
            pass


def test_len_and_iteration(device):
    x = tt.tensor([[1, 2], [3, 4], [5, 6]], device=device)
    assert len(x) == 3
    rows = list(x)
    assert len(rows) == 3
    assert all(r.shape == (2,) and r.device == device for r in rows)
    assert [r.tolist() for r in rows] == [[1, 2], [3, 4], [5, 6]]
    assert [int(v) for v in x[0]] == [1, 2]
    a, b = tt.tensor([7.0, 8.0], device=device)
    assert (a.item(), b.item()) == (7.0, 8.0)
    assert len(tt.zeros(0, 3, device=device)) == 0
    scalar = tt.tensor(1.0, device=device)
    with pytest.raises(TypeError, match="0-d"):
        len(scalar)
    with pytest.raises(TypeError, match="0-d"):
        iter(scalar)


def test_repr_shows_values_dtype_device_and_grad_fn(device):
    x = tt.tensor([[1.5, -2.0], [3.0, 4.25]], device=device)
    text = repr(x)
    assert text.startswith("tensor(")
    for fragment in ("1.5", "-2.", "4.25", "dtype=float32", f"device='{device}'"):
        assert fragment in text, text
    assert "grad_fn" not in text and "requires_grad" not in text
    w = tt.ones(2, device=device, requires_grad=True)
    assert "requires_grad=True" in repr(w)
    y = w + 1
    assert "grad_fn=<AddBackward>" in repr(y)
    assert "grad_fn=<SumBackward>" in repr(y.sum())
    assert "dtype=int64" in repr(tt.tensor([1, 2], device=device))
    assert "True" in repr(tt.tensor([True], device=device))
    assert str(x) == repr(x)


def test_repr_of_a_scalar_and_an_empty_tensor(device):
    assert repr(tt.tensor(2.5, device=device)).startswith("tensor(2.5")
    assert "[]" in repr(tt.zeros(0, device=device))


def test_clone_and_detach_are_independent_where_they_should_be(device):
    x = tt.tensor([1.0, 2.0], device=device)
    c = x.clone()
    c[0] = 5.0
    assert x.tolist() == [1.0, 2.0]
    d = x.detach()
    assert d.tolist() == [1.0, 2.0] and d.device == device


def test_requires_grad_only_for_floats(device):
    with pytest.raises(TypeError) as info:
        tt.ones(2, dtype="int32", device=device).requires_grad_()
    assert "int32" in str(info.value) and "float" in str(info.value)
    assert tt.ones(2, device=device).requires_grad_().requires_grad
