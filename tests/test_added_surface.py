"""The PyTorch names added beyond the array API that need no oracle: the random state round
trip, print options, the in-place methods' autograd rules, the layout answers, and the errors
that say what to do."""

import pytest

import tinytorch as tt


def test_rng_state_round_trips_on_every_device():
    tt.manual_seed(5)
    assert tt.initial_seed() == 5
    tt.rand(2), tt.randn(3, device="strict:0")  # start two streams
    state = tt.get_rng_state()
    assert state.dtype == "uint8" and state.ndim == 1
    first = (tt.rand(4).tolist(), tt.randn(2, device="strict:0").tolist(),
             tt.rand(2, device="strict:1").tolist())
    tt.set_rng_state(state)
    assert (tt.rand(4).tolist(), tt.randn(2, device="strict:0").tolist(),
            tt.rand(2, device="strict:1").tolist()) == first


def test_seed_reseeds_and_reports_the_seed():
    s = tt.seed()
    assert tt.initial_seed() == s
    a = tt.rand(3).tolist()
    tt.manual_seed(s)
    assert tt.rand(3).tolist() == a


def test_set_rng_state_refuses_what_get_rng_state_did_not_make():
    with pytest.raises(TypeError, match="uint8"):
        tt.set_rng_state(tt.zeros(3))
    with pytest.raises(RuntimeError, match="get_rng_state"):
        tt.set_rng_state(tt.tensor([1, 2, 3], dtype="uint8"))


def test_set_printoptions_changes_repr_and_profile_default_restores_it():
    x = tt.tensor([1.23456789, 200.0])
    before = repr(x)
    try:
        tt.set_printoptions(precision=2)
        assert "1.23," in repr(x) and "1.235" not in repr(x)
        tt.set_printoptions(sci_mode=True)
        assert "e+02" in repr(x)
        tt.set_printoptions(threshold=5, edgeitems=1, sci_mode=False)
        assert "..." in repr(tt.arange(10.0))
    finally:
        tt.set_printoptions(profile="default")
    assert repr(x) == before
    with pytest.raises(ValueError):
        tt.set_printoptions(profile="wide")


def test_inplace_methods_follow_the_inplace_rules():
    leaf = tt.ones(3, requires_grad=True)
    for method in ("sqrt_", "exp_", "log_", "abs_", "neg_", "tril_"):
        with pytest.raises(RuntimeError, match="leaf Variable"):
            getattr(tt.ones(2, 2, requires_grad=True) if method == "tril_" else leaf, method)()
    y = leaf * 2
    version = y._version
    y.masked_fill_(y > 100, 0.0).clamp_min_(1.0).neg_()
    assert y._version == version + 3
    y.sum().backward()
    assert leaf.grad.tolist() == [-2.0] * 3
    x = tt.zeros(3, dtype="int64")
    with pytest.raises(RuntimeError, match="can't be cast"):
        x.sqrt_()  # float result into an int tensor, as in PyTorch


def test_inplace_index_writes_update_self_and_its_gradient():
    w = tt.ones(2, 3, requires_grad=True)
    y = w * 1.0
    y.index_add_(1, tt.tensor([0, 0]), tt.ones(2, 2)).scatter_(0, tt.tensor([[1, 0, 1]]), 5.0)
    assert y.tolist() == [[3.0, 5.0, 1.0], [5.0, 1.0, 5.0]]
    y.sum().backward()
    assert w.grad.tolist() == [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]  # overwritten: no gradient


def test_random_fills_draw_the_requested_ranges():
    tt.manual_seed(0)
    x = tt.empty(1000).random_(2, 5)
    assert set(x.tolist()) == {2.0, 3.0, 4.0}
    assert set(tt.zeros(100, dtype="int64").random_(3).tolist()) == {0, 1, 2}
    b = tt.empty(1000).bernoulli_(0.25)
    assert set(b.tolist()) == {0.0, 1.0} and 0.15 < b.mean().item() < 0.35
    e = tt.empty(5000, dtype="float64").exponential_(2.0)
    assert e.min().item() >= 0 and abs(e.mean().item() - 0.5) < 0.05
    with pytest.raises(TypeError):
        tt.empty(2).bernoulli_("half")


def test_layout_answers_are_honest():
    x = tt.zeros(2, 3, 4)
    assert x.is_contiguous() and x.stride() == (12, 4, 1) and x.stride(0) == 12
    assert x.ndimension() == 3 and x.element_size() == 4
    assert tt.zeros(1, dtype="bool").element_size() == 1
    assert x.itemsize == 4 and x.nbytes == 96 and tt.zeros(3, dtype="complex128").nbytes == 48
    assert x.pin_memory() is x and not x.is_pinned() and x.share_memory_() is x
    assert x.char().dtype == "int8"
    for method in ("storage_offset", "data_ptr"):
        with pytest.raises(RuntimeError, match="tinytorch"):
            getattr(x, method)()
    with pytest.raises(TypeError, match="float16"):
        x.bfloat16()
    with pytest.raises(RuntimeError, match="mH"):
        _ = x.H
    with pytest.raises(IndexError):
        x.stride(3)


def test_predicates_and_small_helpers():
    assert tt.is_tensor(tt.ones(1)) and not tt.is_tensor([1.0])
    assert tt.numel(tt.ones(2, 3)) == 6
    x = tt.ones(2, requires_grad=True)
    assert not tt.detach(x * 2).requires_grad
    assert tt.dropout(tt.ones(4), 0.5, False).tolist() == [1.0] * 4
    assert set(tt.dropout(tt.ones(100), 0.5, True).tolist()) <= {0.0, 2.0}
    assert tt.randint_like(tt.zeros(50), 3).max().item() < 3
    assert tt.randint_like(tt.zeros(50, dtype="int64"), 4, 6).min().item() >= 4


@pytest.mark.parametrize("call, error, words", [
    (lambda: tt.index_select(tt.ones(3), 0, tt.tensor([[0]])), IndexError, "1-d"),
    (lambda: tt.index_select(tt.ones(3), 0, tt.tensor([3])), IndexError, "out of bounds"),
    (lambda: tt.scatter_add(tt.ones(3), 0, tt.tensor([0]), tt.ones(1, dtype="int64")),
     RuntimeError, "same dtype"),
    (lambda: tt.scatter(tt.ones(3), 0, tt.tensor([0]), tt.ones(1), reduce="mean"),
     ValueError, "scatter_reduce"),
    (lambda: tt.index_add(tt.ones(2, 3), 0, tt.tensor([0]), tt.ones(2, 3)), RuntimeError,
     "shape"),
    (lambda: tt.einsum("ij,jk->ik", tt.ones(2, 3)), ValueError, "2 operand"),
    (lambda: tt.einsum("ij,jk->ik", tt.ones(2, 3), tt.ones(4, 2)), RuntimeError, "size"),
    (lambda: tt.einsum("ij->k", tt.ones(2, 3)), ValueError, "output"),
    (lambda: tt.diag(tt.ones(2, 2, 2)), RuntimeError, "diag_embed"),
    (lambda: tt.trace(tt.ones(2)), RuntimeError, "2-d"),
    (lambda: tt.frac(tt.tensor([1])), TypeError, "floating"),
    (lambda: tt.norm(tt.ones(2, 2, 2), "nuc"), RuntimeError, "2-tuple"),
    (lambda: tt.quantile(tt.ones(3), 1.5), RuntimeError, "[0, 1]"),
    (lambda: tt.bincount(tt.tensor([-1, 2])), RuntimeError, "non-negative"),
    (lambda: tt.rot90(tt.ones(2, 2), 1, (0, 0)), RuntimeError, "different"),
    (lambda: tt.tensor_split(tt.ones(3), 0), RuntimeError, "larger than 0"),
    (lambda: tt.unflatten(tt.ones(6), 0, (4, -1)), RuntimeError, "multiply"),
])
def test_errors_say_what_went_wrong(call, error, words):
    with pytest.raises(error, match=words.replace("[", r"\[").replace("(", r"\(")):
        call()
