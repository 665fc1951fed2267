"""scatter_reduce (and scatter's reduce="add"/"multiply"): values against a loop-by-loop NumPy
reference on every device and against PyTorch, gradients by gradcheck in float64 and against
PyTorch's (ties in amax/amin share the gradient evenly, prod with zeros)."""

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.testing import gradcheck

REDUCTIONS = ["sum", "prod", "mean", "amax", "amin"]
rng = np.random.default_rng(7)


def host(t):
    return np.asarray(t.to("cpu").tolist())


def reference(self, dim, index, src, reduce, include_self):
    """Each position's list of values (self's first, when included), reduced one by one."""
    lists = {pos: ([self[pos]] if include_self else []) for pos in np.ndindex(self.shape)}
    for pos in np.ndindex(index.shape):
        target = list(pos)
        target[dim] = index[pos]
        lists[tuple(target)].append(src[pos])
    out = self.copy()
    for pos, values in lists.items():
        if not values:
            continue  # nothing landed and self is left out: self stays
        values = np.array(values, dtype=self.dtype)
        if reduce == "mean":
            total = values.sum()
            out[pos] = total // len(values) if self.dtype.kind in "iu" else total / len(values)
        else:
            out[pos] = {"sum": np.sum, "prod": np.prod, "amax": np.max,
                        "amin": np.min}[reduce](values)
    return out


# (self, dim, index, src): duplicates in index, index smaller than src, a row nothing lands on
CASES = {
    "dim 0": (rng.integers(-4, 5, (4, 3)), 0, np.array([[0, 2, 2], [2, 2, 0], [0, 0, 2]]),
              rng.integers(-4, 5, (5, 3))),
    "dim 1": (rng.integers(-4, 5, (2, 4)), 1, np.array([[3, 3, 0, 3, 1], [1, 1, 1, 2, 2]]),
              rng.integers(-4, 5, (2, 6))),
    "3-d dim -1": (rng.integers(-4, 5, (2, 3, 3)), -1, rng.integers(0, 3, (2, 2, 5)),
                   rng.integers(-4, 5, (2, 3, 5))),
    "1-d": (rng.integers(-4, 5, (5,)), 0, np.array([4, 0, 4, 4, 1, 0]),
            rng.integers(-4, 5, (6,))),
}


@pytest.mark.parametrize("dtype", ["float64", "int64"])
@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", REDUCTIONS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_values_match_the_reference(device, case, reduce, include_self, dtype):
    self_, dim, index, src = CASES[case]
    self_, src = self_.astype(dtype), src.astype(dtype)
    if dtype == "float64":  # fractions, so that mean's division and prod are not integral
        self_, src = self_ / 2, src / 4
    out = tt.tensor(self_, device=device).scatter_reduce(
        dim, tt.tensor(index, device=device), tt.tensor(src, device=device), reduce,
        include_self=include_self)
    want = reference(self_, dim % self_.ndim, index, src, reduce, include_self)
    assert out.dtype == dtype and out.shape == self_.shape
    np.testing.assert_allclose(host(out), want, rtol=1e-12)


def test_hand_worked_example():
    x = tt.tensor([1.0, 2.0, 3.0, 4.0])
    index = tt.tensor([0, 0, 2, 2, 2])
    src = tt.tensor([5.0, 6.0, -1.0, 7.0, 0.5])
    assert x.scatter_reduce(0, index, src, "sum").tolist() == [12.0, 2.0, 9.5, 4.0]
    assert x.scatter_reduce(0, index, src, "sum", include_self=False).tolist() == [
        11.0, 2.0, 6.5, 4.0]
    assert x.scatter_reduce(0, index, src, "prod").tolist() == [30.0, 2.0, -10.5, 4.0]
    assert x.scatter_reduce(0, index, src, "mean").tolist() == [4.0, 2.0, 2.375, 4.0]
    assert x.scatter_reduce(0, index, src, "amax", include_self=False).tolist() == [
        6.0, 2.0, 7.0, 4.0]
    assert x.scatter_reduce(0, index, src, "amin").tolist() == [1.0, 2.0, -1.0, 4.0]
    # integer mean rounds down, as PyTorch's: (-7 - 4 + 1) / 3 = -3.33 -> -4
    ints = tt.tensor([5, -7]).scatter_reduce(0, tt.tensor([0, 0, 1, 1]),
                                             tt.tensor([2, 2, -4, 1]), "mean")
    assert ints.tolist() == [3, -4]


def test_nan_propagates_in_amax_and_amin():
    x = tt.tensor([1.0, 2.0, 3.0])
    src = tt.tensor([float("nan"), 1.0, 2.0])
    for reduce in ("amax", "amin"):
        out = x.scatter_reduce(0, tt.tensor([0, 0, 1]), src, reduce).tolist()
        assert np.isnan(out[0]) and out[1:] == [2.0, 3.0]


def test_top_level_function_and_the_inplace_method():
    x = tt.tensor([1.0, 2.0])
    out = tt.scatter_reduce(x, 0, tt.tensor([1, 1]), tt.tensor([3.0, 4.0]), "amax")
    assert out.tolist() == [1.0, 4.0] and x.tolist() == [1.0, 2.0]
    assert x.scatter_reduce_(0, tt.tensor([1, 1]), tt.tensor([3.0, 4.0]), "prod") is x
    assert x.tolist() == [1.0, 24.0]
    leaf = tt.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        leaf.scatter_reduce_(0, tt.tensor([0]), tt.ones(1), "sum")


def test_scatter_multiply_and_add():
    x = tt.tensor([1.0, 2.0])
    index = tt.tensor([0, 0, 1])
    assert x.scatter(0, index, tt.tensor([3.0, 4.0, 5.0]), reduce="multiply").tolist() == [
        12.0, 10.0]
    assert x.scatter(0, index, 3.0, reduce="multiply").tolist() == [9.0, 6.0]
    assert x.scatter(0, index, 3.0, reduce="add").tolist() == [7.0, 5.0]
    y = x.clone()
    y.scatter_(0, index, tt.tensor([3.0, 4.0, 5.0]), reduce="multiply")
    assert y.tolist() == [12.0, 10.0]


# ---- gradients ----------------------------------------------------------------------------------

def _leaves(device, *arrays):
    return tuple(tt.tensor(a, dtype="float64", device=device, requires_grad=True)
                 for a in arrays)


@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", REDUCTIONS)
def test_gradcheck(device, reduce, include_self):
    # distinct values (no ties: amax/amin are smooth there), a zero for prod, repeats in index
    x = rng.permutation(np.arange(12.0)).reshape(3, 4) / 7 - 0.6
    src = rng.permutation(np.arange(20.0)).reshape(5, 4) / 5 + 0.05
    src[1, 2] = 0.0
    index = tt.tensor([[0, 2, 2, 0], [2, 2, 2, 0], [0, 0, 2, 0]], device=device)

    def fn(a, s):
        return a.scatter_reduce(0, index, s, reduce, include_self=include_self)
    assert gradcheck(fn, _leaves(device, x, src))


def test_gradcheck_scatter_multiply(device):
    x, src = rng.standard_normal((3, 2)), rng.standard_normal((4, 2))
    index = tt.tensor([[1, 1], [1, 0], [2, 0], [1, 2]], device=device)
    assert gradcheck(lambda a, s: a.scatter(0, index, s, reduce="multiply"),
                     _leaves(device, x, src))


def test_amax_ties_share_the_gradient_evenly():
    x = tt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    src = tt.tensor([1.0, 2.0, 2.0, 0.5], requires_grad=True)
    out = x.scatter_reduce(0, tt.tensor([0, 0, 1, 1]), src, "amax")
    out.backward(tt.tensor([1.0, 10.0, 100.0]))
    # position 0: src's 2.0 wins alone; position 1: self's 2.0 and src's 2.0 tie (10 / 2 each)
    assert out.tolist() == [2.0, 2.0, 3.0]
    assert x.grad.tolist() == [0.0, 5.0, 100.0]
    assert src.grad.tolist() == [0.0, 1.0, 5.0, 0.0]


def test_amax_without_self_gives_the_true_gradient():
    # PyTorch 2.x gives src 0.5 here: it counts self (equal to the result, but left out) as a
    # tie, then drops self's share. The result moves one for one with src[1]: gradient 1.
    x = tt.tensor([0.0, 0.5], dtype="float64", requires_grad=True)
    src = tt.tensor([-0.5, 0.5], dtype="float64", requires_grad=True)
    x.scatter_reduce(0, tt.tensor([1, 1]), src, "amax", include_self=False).sum().backward()
    assert x.grad.tolist() == [1.0, 0.0] and src.grad.tolist() == [0.0, 1.0]
    assert gradcheck(lambda a, s: a.scatter_reduce(0, tt.tensor([1, 1]), s, "amax",
                                                   include_self=False), (x, src))


def test_prod_gradient_with_zeros_is_the_product_of_the_others():
    x = tt.tensor([2.0, 3.0], requires_grad=True)
    src = tt.tensor([0.0, 5.0, 0.0, 0.0], requires_grad=True)
    x.scatter_reduce(0, tt.tensor([0, 0, 1, 1]), src, "prod").sum().backward()
    # position 0: 2 * 0 * 5, one zero; position 1: 3 * 0 * 0, two zeros
    assert x.grad.tolist() == [0.0, 0.0]
    assert src.grad.tolist() == [10.0, 0.0, 0.0, 0.0]


# ---- errors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, words", [
    (lambda: tt.ones(3).scatter_reduce(0, tt.tensor([0]), tt.ones(1), "max"), ValueError,
     "sum, prod, mean, amax, amin"),
    (lambda: tt.ones(3).scatter_reduce(0, tt.tensor([0]), 1.0, "sum"), TypeError,
     "'src' must be a Tensor"),
    (lambda: tt.ones(3).scatter_reduce(0, tt.tensor([0]), tt.ones(1), "sum", include_self=1),
     TypeError, "include_self"),
    (lambda: tt.ones(3).scatter_reduce(0, tt.tensor([0]), tt.ones(1, dtype="int64"), "sum"),
     RuntimeError, "same dtype"),
    (lambda: tt.ones(3, dtype="bool").scatter_reduce(0, tt.tensor([0]),
                                                     tt.ones(1, dtype="bool"), "sum"),
     TypeError, "bool"),
    (lambda: tt.ones(3).scatter_reduce(0, tt.tensor([3]), tt.ones(1), "sum"), IndexError,
     "out of bounds"),
    (lambda: tt.ones(3, dtype="complex128").scatter_reduce(
        0, tt.tensor([0]), tt.ones(1, dtype="complex128"), "amax"), TypeError, "complex"),
    (lambda: tt.ones(3).scatter(0, tt.tensor([0]), tt.ones(1), reduce="mean"), ValueError,
     "scatter_reduce"),
])
def test_errors_say_what_went_wrong(call, error, words):
    with pytest.raises(error, match=words):
        call()


# ---- PyTorch as the oracle ----------------------------------------------------------------------

@pytest.mark.parametrize("include_self", [True, False])
@pytest.mark.parametrize("reduce", REDUCTIONS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_values_and_gradients_match_torch(case, reduce, include_self):
    torch = pytest.importorskip("torch")
    self_, dim, index, src = CASES[case]
    src = src[tuple(slice(0, n) for n in index.shape)]  # torch's backward needs index's shape
    # halves: ties within a position are common, so the tie-sharing rule is exercised too
    self_, src = self_ / 2.0, src / 2.0
    if not include_self:
        # self off the halves: PyTorch counts a self left out among amax's ties when it equals
        # the result (test_amax_without_self_gives_the_true_gradient)
        self_ = self_ + 0.25
    mine = [tt.tensor(a, requires_grad=True) for a in (self_, src)]
    theirs = [torch.tensor(a, requires_grad=True) for a in (self_, src)]
    out_m = mine[0].scatter_reduce(dim, tt.tensor(index), mine[1], reduce,
                                   include_self=include_self)
    out_t = theirs[0].scatter_reduce(dim, torch.tensor(index), theirs[1], reduce,
                                     include_self=include_self)
    np.testing.assert_allclose(host(out_m), out_t.detach().numpy(), rtol=1e-12)
    weights = rng.standard_normal(self_.shape)
    (out_m * tt.tensor(weights)).sum().backward()
    (out_t * torch.tensor(weights)).sum().backward()
    for m, t in zip(mine, theirs):
        np.testing.assert_allclose(host(m.grad), t.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_integer_values_match_torch():
    torch = pytest.importorskip("torch")
    for case, (self_, dim, index, src) in CASES.items():
        for reduce in REDUCTIONS:
            for include_self in (True, False):
                mine = tt.tensor(self_).scatter_reduce(dim, tt.tensor(index), tt.tensor(src),
                                                       reduce, include_self=include_self)
                theirs = torch.tensor(self_).scatter_reduce(
                    dim, torch.tensor(index), torch.tensor(src), reduce,
                    include_self=include_self)
                assert host(mine).tolist() == theirs.tolist(), (case, reduce, include_self)


def test_scatter_multiply_matches_torch():
    torch = pytest.importorskip("torch")
    a, s = rng.standard_normal((3, 4)), rng.standard_normal((2, 4))
    index = np.array([[0, 1, 2, 0], [0, 2, 2, 1]])
    mine = tt.tensor(a).scatter(0, tt.tensor(index), tt.tensor(s), reduce="multiply")
    theirs = torch.tensor(a).scatter(0, torch.tensor(index), torch.tensor(s), reduce="multiply")
    np.testing.assert_allclose(host(mine), theirs.numpy(), rtol=1e-12)
    mine = tt.tensor(a).scatter(1, tt.tensor(index[:, :2]), 2.5, reduce="multiply")
    theirs = torch.tensor(a).scatter(1, torch.tensor(index[:, :2]), 2.5, reduce="multiply")
    np.testing.assert_allclose(host(mine), theirs.numpy(), rtol=1e-12)
