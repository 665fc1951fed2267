"""PyTorch habits added for programs that use them: torch.max(a, b), in-place shape changes,
index_put/masked_scatter, resize_/apply_/is_nonzero/select/swapaxes, NumPy scalars as
operands, and grad_fn.name()."""

import numpy as np
import pytest

import tinytorch as tt


def test_max_and_min_of_two_tensors_are_elementwise(device):
    a = tt.tensor([1.0, 5.0, -2.0], device=device)
    b = tt.tensor([3.0, 2.0, -2.5], device=device)
    assert tt.max(a, b).tolist() == [3.0, 5.0, -2.0] == a.max(b).tolist()
    assert tt.min(a, b).tolist() == [1.0, 2.0, -2.5] == a.min(b).tolist()
    x = tt.tensor([1.0, 4.0], dtype="float64", requires_grad=True)
    tt.max(x, tt.tensor([2.0, 3.0], dtype="float64")).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0]


def test_in_place_shape_changes_keep_the_graph(device):
    x = tt.tensor([[1.0, 2.0, 3.0]], device=device, requires_grad=True)
    y = x * 2
    y.t_()
    assert y.shape == (3, 1)
    y.unsqueeze_(0).squeeze_(0).transpose_(0, 1)
    assert y.shape == (1, 3)
    (y * tt.tensor([[1.0, 2.0, 3.0]], device=device)).sum().backward()
    assert x.grad.tolist() == [[2.0, 4.0, 6.0]]
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x.unsqueeze_(0)


def test_resize_keeps_the_flat_prefix_and_zero_fills():
    r = tt.arange(6.0)
    assert r.resize_(2, 3).tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert r.resize_(4).tolist() == [0.0, 1.0, 2.0, 3.0]
    assert r.resize_((2, 3)).tolist() == [[0.0, 1.0, 2.0], [3.0, 0.0, 0.0]]
    with pytest.raises(RuntimeError, match="require grad"):
        tt.ones(2, requires_grad=True).resize_(3)


def test_index_put_and_masked_scatter_match_pytorch():
    torch = pytest.importorskip("torch")
    base = np.arange(12.0).reshape(3, 4)
    rows, cols = [0, 2, 0], [1, 3, 1]
    values = np.array([10.0, 20.0, 30.0])
    for accumulate in (False, True):
        ours = tt.tensor(base).index_put_((tt.tensor(rows), tt.tensor(cols)),
                                          tt.tensor(values), accumulate=accumulate)
        theirs = torch.tensor(base).index_put_((torch.tensor(rows), torch.tensor(cols)),
                                               torch.tensor(values), accumulate=accumulate)
        if accumulate:  # without accumulate, which duplicate wins is unspecified in PyTorch
            assert ours.tolist() == theirs.tolist()
        else:
            assert ours[2, 3].item() == 20.0 and ours[0, 1].item() in (10.0, 30.0)
    mask = np.array([[True, False, True, False], [False, False, True, True],
                     [True, False, False, False]])
    source = np.arange(100.0, 112.0)
    ours = tt.tensor(base).masked_scatter(tt.tensor(mask), tt.tensor(source))
    theirs = torch.tensor(base).masked_scatter(torch.tensor(mask), torch.tensor(source))
    assert ours.tolist() == theirs.tolist()


def test_index_put_and_masked_scatter_send_gradients_to_both_inputs():
    w = tt.zeros(3, dtype="float64", requires_grad=True)
    v = tt.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    out = tt.index_put(w, (tt.tensor([0, 0]),), v, accumulate=True)
    assert out.tolist() == [3.0, 0.0, 0.0]
    (out * tt.tensor([1.0, 2.0, 3.0], dtype="float64")).sum().backward()
    assert w.grad.tolist() == [1.0, 2.0, 3.0] and v.grad.tolist() == [1.0, 1.0]
    a = tt.zeros(2, 2, dtype="float64", requires_grad=True)
    s = tt.tensor([1.0, 2.0, 3.0, 4.0], dtype="float64", requires_grad=True)
    a.masked_scatter(tt.tensor([[True, False], [True, True]]), s).sum().backward()
    assert a.grad.tolist() == [[0.0, 1.0], [0.0, 0.0]] and s.grad.tolist() == [1, 1, 1, 0]
    with pytest.raises(RuntimeError, match="selects 3 elements but source has only 2"):
        tt.zeros(3).masked_scatter(tt.tensor([True, True, True]), tt.ones(2))


def test_select_swapaxes_apply_and_is_nonzero():
    x = tt.arange(6).reshape(2, 3)
    assert x.select(1, -1).tolist() == [2, 5] and tt.select(x, 0, 1).tolist() == [3, 4, 5]
    assert x.narrow_copy(1, 1, 2).tolist() == [[1, 2], [4, 5]]
    assert x.swapaxes(0, 1).shape == (3, 2) and tt.swapdims(x, 0, 1).tolist() == [[0, 3], [1, 4],
                                                                                  [2, 5]]
    with pytest.raises(IndexError, match="index 3 out of range"):
        x.select(1, 3)
    assert tt.tensor([1.0, 2.0]).apply_(lambda v: v * v + 1).tolist() == [2.0, 5.0]
    assert tt.tensor([0.5]).is_nonzero() and not tt.tensor(0).is_nonzero()
    with pytest.raises(RuntimeError, match="ambiguous"):
        tt.ones(2).is_nonzero()


def test_numpy_scalars_are_python_scalars_as_in_pytorch(device):
    dtype = "float16" if device == "cpu" else "float32"  # strict has no float16
    t = tt.ones(2, dtype=dtype, device=device)
    for result in (np.float64(2.0) * t, t * np.float32(2.0), t + np.int64(1), np.int64(3) - t):
        # a scalar never widens a float tensor: the NumPy scalar's own dtype does not count
        assert isinstance(result, tt.Tensor) and result.dtype == dtype
        assert result.tolist() == [2.0, 2.0]
    assert (t == np.float32(1)).tolist() == [True, True]
    assert (t != np.int8(1)).tolist() == [False, False]
    with pytest.raises(TypeError, match="unsupported operand type str"):
        t * "2"


def test_grad_fn_name_is_a_method_as_in_pytorch():
    y = tt.ones(2, requires_grad=True) * 2
    assert y.grad_fn.name() == "MulBackward" and repr(y.grad_fn) == "<MulBackward>"
