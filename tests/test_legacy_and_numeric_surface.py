"""PyTorch's legacy constructors (Tensor(...), FloatTensor, ...), torch.Size, and the numeric
helpers bucketize, trapezoid, cumulative_trapezoid, vander and combinations."""

import itertools

import numpy as np
import pytest

import tinytorch as tt


def test_the_tensor_constructor_follows_pytorchs_legacy_rules(device):
    assert tt.Tensor([1, 2], device=device).dtype == "float32"  # not the inferred int64
    assert tt.Tensor([1, 2]).tolist() == [1.0, 2.0] and tt.Tensor((2, 3)).tolist() == [2.0, 3.0]
    assert tt.Tensor(2, 3).shape == (2, 3) and tt.Tensor(tt.Size([4])).shape == (4,)
    assert tt.Tensor().shape == (0,)
    with tt.device(device):
        tt.set_default_dtype("float64")
        try:
            assert tt.Tensor([1]).dtype == "float64"
        finally:
            tt.set_default_dtype("float32")
    with pytest.raises(TypeError, match=r"tinytorch.tensor\(2.5\)"):
        tt.Tensor(2.5)


@pytest.mark.parametrize("name, dtype", [("FloatTensor", "float32"), ("DoubleTensor", "float64"),
                                         ("LongTensor", "int64"), ("IntTensor", "int32"),
                                         ("BoolTensor", "bool"), ("ByteTensor", "uint8")])
def test_typed_constructors_make_and_recognise_their_dtype(name, dtype):
    kind = getattr(tt, name)
    made = kind([1, 0])
    assert made.dtype == dtype and made.tolist() == ([True, False] if dtype == "bool" else [1, 0])
    assert kind(3).shape == (3,) and kind(3).dtype == dtype
    assert isinstance(made, kind) and isinstance(made, tt.Tensor)
    other = "float16" if dtype != "float16" else "float32"
    assert not isinstance(made.to(other), kind)


def test_size_is_a_tuple_with_numel():
    s = tt.Size([2, 3, 4])
    assert s == (2, 3, 4) == tt.zeros(2, 3, 4).shape and s.numel() == 24
    assert isinstance(s, tuple) and "Size" in repr(s)


def _torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("right", [False, True])
def test_bucketize_matches_pytorch(right):
    torch = _torch()
    values = [[-1.0, 0.5, 1.0], [1.5, 2.0, 9.0]]
    bounds = [0.5, 1.0, 2.0, 4.0]
    got = tt.bucketize(tt.tensor(values), tt.tensor(bounds), right=right)
    expected = torch.bucketize(torch.tensor(values), torch.tensor(bounds), right=right)
    assert got.tolist() == expected.tolist() and got.dtype == "int64"
    assert tt.bucketize(tt.tensor(values), tt.tensor(bounds), out_int32=True).dtype == "int32"
    with pytest.raises(ValueError, match="1-D"):
        tt.bucketize(tt.tensor(values), tt.tensor([bounds]))


def test_trapezoid_and_its_running_form_match_pytorch(device):
    torch = _torch()
    y = np.array([[1.0, 2.0, 4.0, 3.0], [0.0, -1.0, 3.0, 2.0]])
    x = np.array([0.0, 0.5, 2.0, 3.0])
    ty, tx = tt.tensor(y, device=device), tt.tensor(x, device=device)
    for ours, theirs in [
        (tt.trapezoid(ty, tx), torch.trapezoid(torch.tensor(y), torch.tensor(x))),
        (tt.trapezoid(ty, dx=0.25, dim=0), torch.trapezoid(torch.tensor(y), dx=0.25, dim=0)),
        (tt.trapz(ty), torch.trapz(torch.tensor(y))),
        (tt.cumulative_trapezoid(ty, tx), torch.cumulative_trapezoid(torch.tensor(y),
                                                                     torch.tensor(x))),
    ]:
        np.testing.assert_allclose(ours.tolist(), theirs.tolist(), rtol=1e-12)
    with pytest.raises(RuntimeError, match="3 points but y has 4"):
        tt.trapezoid(ty, tx[:3])
    with pytest.raises(TypeError, match="not both"):
        tt.trapezoid(ty, tx, dx=1.0)


def test_trapezoid_gradient_is_the_quadrature_weights():
    y = tt.ones(5, dtype="float64", requires_grad=True)
    tt.trapezoid(y, dx=2.0).backward()
    assert y.grad.tolist() == [1.0, 2.0, 2.0, 2.0, 1.0]


def test_vander_matches_pytorch(device):
    torch = _torch()
    x = [1.0, -2.0, 0.5]
    for n, increasing in [(None, False), (4, True), (1, False)]:
        ours = tt.vander(tt.tensor(x, device=device), N=n, increasing=increasing)
        theirs = torch.vander(torch.tensor(x), N=n, increasing=increasing)
        np.testing.assert_allclose(ours.tolist(), theirs.tolist())
    assert tt.vander(tt.tensor([2, 3])).tolist() == [[2, 1], [3, 1]]
    with pytest.raises(ValueError, match="1-D"):
        tt.vander(tt.ones(2, 2))


@pytest.mark.parametrize("r, replacement", [(2, False), (3, False), (2, True), (1, False),
                                            (0, False), (4, False)])
def test_combinations_match_itertools_and_pytorch(r, replacement):
    torch = _torch()
    values = [3.0, 1.0, 4.0]
    got = tt.combinations(tt.tensor(values), r, replacement)
    expected = torch.combinations(torch.tensor(values), r, replacement)
    assert got.shape == tuple(expected.shape) and got.tolist() == expected.tolist()
    pick = itertools.combinations_with_replacement if replacement else itertools.combinations
    if r:
        assert got.tolist() == [list(c) for c in pick(values, r)]


def test_combinations_send_gradients_to_the_chosen_entries():
    x = tt.tensor([1.0, 2.0, 3.0], dtype="float64", requires_grad=True)
    tt.combinations(x, 2).prod(1).sum().backward()  # x0x1 + x0x2 + x1x2
    assert x.grad.tolist() == [2.0 + 3.0, 1.0 + 3.0, 1.0 + 2.0]
