"""The autograd engine and its user-facing rules, each checked against hand-computed values.

Covers: deep chains and shared tensors, backward(gradient, retain_graph) and its errors,
accumulation into .grad, grad modes (thread-local; context managers and decorators),
detach / requires_grad_ / retain_grad / register_hook, which dtypes may require grad,
version-counter checks for in-place writes, casts and device moves inside a graph, the
gradient's dtype and device, max/min tie rules, and indexing / setitem gradients.
"""

import sys
import threading

import numpy as np
import pytest

import tinytorch as tt


def _leaf(values, device="cpu", dtype=None):
    return tt.tensor(values, dtype=dtype, device=device, requires_grad=True)


# ---- graph traversal ------------------------------------------------------------------------

def test_chain_of_10000_ops_needs_no_recursion():
    x = _leaf(1.5)
    y = x
    for i in range(10_000):
        y = y * 1.0 if i % 2 else y + 1.0
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 150)  # a recursive engine would need a frame per op
    try:
        y.backward()
    finally:
        sys.setrecursionlimit(limit)
    assert x.grad.item() == 1.0
    assert y.item() == 1.5 + 5000.0
    del y  # freeing a 10,000-node graph must not overflow the stack either


def test_tensor_used_twice_in_one_op():
    x = _leaf([1.0, -2.0, 3.0])
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, -4.0, 6.0]


def test_residual_connection_sums_both_paths():
    x = _leaf([0.5, -1.0])
    y = (x * 3.0).tanh() + x
    y.sum().backward()
    expected = 3.0 * (1 - np.tanh(3.0 * np.array([0.5, -1.0])) ** 2) + 1.0
    np.testing.assert_allclose(x.grad.tolist(), expected, rtol=1e-6)


def test_shared_node_is_visited_once_with_gradients_summed():
    x = _leaf([0.3, -0.7])
    h = x * 2.0
    seen = []
    h.register_hook(lambda g: seen.append(g.tolist()))
    (h * h + h + h.sin()).sum().backward()
    hv = 2.0 * np.array([0.3, -0.7])
    expected_h = 2 * hv + 1 + np.cos(hv)
    assert len(seen) == 1, "the engine must run a node once, with every consumer's gradient"
    np.testing.assert_allclose(seen[0], expected_h, rtol=1e-6)
    np.testing.assert_allclose(x.grad.tolist(), 2.0 * expected_h, rtol=1e-6)


def test_two_intermediates_sharing_an_input():
    x = _leaf([1.0, 2.0])
    a, b = x * 2.0, x * 3.0
    (a * b).sum().backward()  # 6 x^2
    assert x.grad.tolist() == [12.0, 24.0]


# ---- backward's arguments and errors --------------------------------------------------------

def test_nonscalar_output_needs_an_explicit_gradient():
    x = _leaf([1.0, 2.0, 3.0])
    y = x * 2.0
    with pytest.raises(RuntimeError, match="only for scalar outputs"):
        y.backward()
    y.backward(gradient=tt.tensor([1.0, 10.0, 100.0]))
    assert x.grad.tolist() == [2.0, 20.0, 200.0]


def test_gradient_of_the_wrong_shape_is_rejected():
    x = _leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="shape"):
        (x * 2.0).backward(tt.tensor([1.0, 2.0, 3.0]))


def test_second_backward_through_a_freed_graph_says_retain_graph():
    x = _leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward_and_gradients_accumulate():
    x = _leaf([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    assert x.grad.tolist() == [2.0, 4.0]
    y.backward()
    assert x.grad.tolist() == [4.0, 8.0]


def test_gradients_accumulate_across_graphs():
    x = _leaf([1.0, -1.0])
    (x * 3.0).sum().backward()
    (x * x).sum().backward()
    assert x.grad.tolist() == [3.0 + 2.0, 3.0 - 2.0]


def test_backward_on_a_tensor_without_grad_says_why():
    x = tt.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="does not require grad"):
        (x * 2.0).sum().backward()
    with tt.no_grad():
        y = (_leaf([1.0]) * 2.0).sum()
    with pytest.raises(RuntimeError, match="does not require grad"):
        y.backward()


def test_backward_on_a_leaf():
    x = _leaf(3.0)
    x.backward()
    assert x.grad.item() == 1.0


# ---- grad modes -----------------------------------------------------------------------------

def test_no_grad_and_enable_grad_as_context_managers():
    x = _leaf([1.0])
    with tt.no_grad():
        y = x * 2.0
        assert not tt.is_grad_enabled()
        with tt.enable_grad():
            z = x * 2.0
            assert tt.is_grad_enabled()
        assert not tt.is_grad_enabled()
    assert tt.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None


def test_grad_modes_as_decorators():
    x = _leaf([1.0])

    @tt.no_grad()
    def off():
        return x * 2.0, tt.is_grad_enabled()

    @tt.enable_grad()
    def on():
        return x * 2.0

    @tt.set_grad_enabled(False)
    def off_too():
        return x * 2.0

    y, mode = off()
    assert not y.requires_grad and mode is False
    assert tt.is_grad_enabled()
    with tt.no_grad():
        assert on().requires_grad
        assert not tt.is_grad_enabled()
    assert tt.is_grad_enabled(), "decorating with set_grad_enabled(False) must not switch it off"
    assert not off_too().requires_grad
    assert tt.is_grad_enabled()


def test_set_grad_enabled_call_and_context_manager():
    x = _leaf([1.0])
    tt.set_grad_enabled(False)
    try:
        assert not (x * 2.0).requires_grad
    finally:
        tt.set_grad_enabled(True)
    assert (x * 2.0).requires_grad
    with tt.set_grad_enabled(False):
        assert not (x * 2.0).requires_grad
        with tt.set_grad_enabled(True):
            assert (x * 2.0).requires_grad
        assert not tt.is_grad_enabled()
    assert tt.is_grad_enabled()


def test_grad_mode_is_thread_local():
    x = _leaf([1.0])
    results = {}
    entered, release = threading.Event(), threading.Event()

    def worker_default():
        results["worker sees"] = tt.is_grad_enabled()
        results["worker records"] = (x * 2.0).requires_grad

    def worker_disables():
        with tt.no_grad():
            entered.set()
            release.wait(5)
            results["inside worker"] = (x * 2.0).requires_grad

    with tt.no_grad():  # the main thread's mode must not leak into a new thread
        t = threading.Thread(target=worker_default)
        t.start()
        t.join()
    assert results["worker sees"] is True and results["worker records"] is True

    t = threading.Thread(target=worker_disables)
    t.start()
    assert entered.wait(5)
    try:
        assert tt.is_grad_enabled(), "another thread's no_grad() must not affect this one"
        assert (x * 2.0).requires_grad
    finally:
        release.set()
        t.join()
    assert results["inside worker"] is False


# ---- detach, requires_grad_, retain_grad, hooks ---------------------------------------------

def test_detach_cuts_the_graph():
    x = _leaf([1.0, 2.0])
    d = (x * 3.0).detach()
    assert not d.requires_grad and d.grad_fn is None and d.tolist() == [3.0, 6.0]
    (x * d).sum().backward()  # d is a constant here
    assert x.grad.tolist() == [3.0, 6.0]


def test_requires_grad_on_a_leaf():
    x = tt.tensor([1.0, 2.0])
    assert not x.requires_grad
    assert x.requires_grad_() is x and x.requires_grad
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]
    y = x * 2.0
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad_(False)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_only_floating_dtypes_can_require_grad(dtype):
    with pytest.raises(TypeError, match="floating point"):
        tt.tensor([1, 0], dtype=dtype, requires_grad=True)
    with pytest.raises(TypeError, match="floating point"):
        tt.tensor([1, 0], dtype=dtype).requires_grad_()


def test_retain_grad_keeps_an_intermediate_gradient():
    x = _leaf([1.0, 2.0])
    h = x * 3.0
    k = h * 2.0
    h.retain_grad()
    (k * k).sum().backward()
    assert h.grad.tolist() == [2 * 6.0 * 2.0, 2 * 12.0 * 2.0]  # d(4 h^2)/dh = 8 h
    assert k.grad is None  # not retained
    assert x.grad.tolist() == [8 * 3.0 * 3.0, 8 * 6.0 * 3.0]


def test_hooks_observe_replace_and_can_be_removed():
    x = _leaf([1.0, 2.0])
    h = x * 2.0
    seen = []
    h.register_hook(lambda g: seen.append(g.tolist()))
    h.register_hook(lambda g: g * 10.0)  # returns a replacement
    h.sum().backward()
    assert seen == [[1.0, 1.0]]
    assert x.grad.tolist() == [20.0, 20.0]

    y = _leaf([1.0, 2.0])
    handle = y.register_hook(lambda g: g * 0.0 + 7.0)  # a hook on a leaf
    (y * 3.0).sum().backward()
    assert y.grad.tolist() == [7.0, 7.0]
    handle.remove()
    (y * 3.0).sum().backward()
    assert y.grad.tolist() == [10.0, 10.0]


def test_hook_needs_requires_grad():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        tt.tensor([1.0]).register_hook(lambda g: g)


# ---- integer and bool results ---------------------------------------------------------------

def test_integer_and_bool_results_have_no_grad_fn(device):
    x = _leaf([[1.0, 3.0], [2.0, -1.0]], device)
    for out in (x.argmax(), x.argmin(dim=1), x > 0, x == x, tt.isnan(x), x.to("int64"),
                x.max(dim=0).indices, x // 2.0, (x > 0).logical_not()):
        assert out.grad_fn is None and not out.requires_grad
    assert x.argmax().dtype == "int64" and (x > 0).dtype == "bool"


# ---- in-place writes and the version counter ------------------------------------------------

def test_inplace_on_a_saved_tensor_raises_at_backward_naming_the_op():
    x = _leaf([0.5, 1.0])
    a = x * 2.0
    b = a.sin()  # SinBackward saves a
    a.mul_(3.0)
    with pytest.raises(RuntimeError, match="SinBackward") as info:
        b.sum().backward()
    assert "inplace" in str(info.value)


def test_inplace_on_a_saved_output_raises():
    x = _leaf([0.5, 1.0])
    y = x.exp()  # ExpBackward saves its output
    y.add_(1.0)
    with pytest.raises(RuntimeError, match="ExpBackward"):
        y.sum().backward()


def test_unrecorded_inplace_write_is_detected_too():
    x = _leaf([0.5, 1.0])
    a = x * 2.0
    b = a * a
    with tt.no_grad():
        a[0] = 5.0
    with pytest.raises(RuntimeError, match="MulBackward"):
        b.sum().backward()


def test_inplace_on_a_tensor_nobody_saved_is_fine():
    x = _leaf([1.0, 2.0])
    a = x + 1.0  # AddBackward saves nothing
    a.mul_(3.0)
    a.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0]


def test_inplace_on_a_leaf_that_requires_grad_raises():
    x = _leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="leaf"):
        x.add_(1.0)
    with pytest.raises(RuntimeError, match="leaf"):
        x[0] = 5.0
    with tt.no_grad():  # an optimizer step
        x.sub_(tt.tensor([0.5, 0.5]))
        x[1] = 4.0
    assert x.tolist() == [0.5, 4.0] and x.is_leaf


# ---- casts and devices ----------------------------------------------------------------------

def test_casts_between_floats_are_differentiable(device):
    x = _leaf([1.0, 2.0], device, "float32")
    w = tt.tensor([3.0, 5.0], dtype="float64", device=device)
    (x.to("float64") * w).sum().backward()
    assert x.grad.dtype == "float32" and x.grad.tolist() == [3.0, 5.0]
    y = _leaf([1.0, 2.0], device, "float64")
    (y.astype("float32") * y.to(dtype="float32")).sum().backward()
    assert y.grad.dtype == "float64" and y.grad.tolist() == [2.0, 4.0]


def test_mixed_dtypes_give_each_input_its_own_gradient_dtype(device):
    a = _leaf([1.0, 2.0], device, "float32")
    b = _leaf([3.0, 4.0], device, "float64")
    out = a * b
    assert out.dtype == "float64"
    out.sum().backward()
    assert a.grad.dtype == "float32" and a.grad.tolist() == [3.0, 4.0]
    assert b.grad.dtype == "float64" and b.grad.tolist() == [1.0, 2.0]
    assert a.grad.device == a.device and b.grad.device == b.device


def test_graph_crossing_devices():
    x = _leaf([1.0, 2.0], "strict:0")
    y = x.to("strict:1") * 3.0
    assert y.device == tt.device("strict:1")
    back = y.to("strict:0")
    assert back.device == x.device and back.grad_fn is not None
    z = back.exp() + x + x.to("cpu").to("strict:1").to("strict:0") * 2.0
    z.sum().backward()
    assert x.grad.device == tt.device("strict:0")
    np.testing.assert_allclose(x.grad.tolist(), 3.0 * np.exp([3.0, 6.0]) + 3.0, rtol=1e-6)


def test_to_device_and_back_in_both_directions(device):
    other = "cpu" if device != "cpu" else "strict:1"
    x = _leaf([1.0, -2.0], device)
    (x.to(other) * tt.tensor([2.0, 3.0], device=other)).to(device).sum().backward()
    assert x.grad.device == x.device and x.grad.tolist() == [2.0, 3.0]


def test_ops_refuse_tensors_on_two_devices():
    with pytest.raises(RuntimeError, match="same device"):
        _leaf([1.0], "strict:0") * _leaf([1.0], "strict:1")


# ---- max / min tie rules --------------------------------------------------------------------
# Full reductions and amax/amin split the gradient evenly between tied extremes (as PyTorch);
# max/min with an int dim send it all to the returned index (the first extreme, as argmax).

def test_full_max_and_min_split_ties_evenly(device):
    x = _leaf([1.0, 3.0, 3.0, 2.0, 3.0], device)
    x.max().backward()
    np.testing.assert_allclose(x.grad.tolist(), [0, 1 / 3, 1 / 3, 0, 1 / 3])
    y = _leaf([[0.0, 5.0], [0.0, 1.0]], device)
    y.min().backward()
    assert y.grad.tolist() == [[0.5, 0.0], [0.5, 0.0]]


def test_amax_and_amin_split_ties_per_slice(device):
    x = _leaf([[2.0, 2.0, 1.0], [0.0, 4.0, 3.0]], device)
    x.amax(dim=1).backward(tt.tensor([1.0, 10.0], device=device))
    assert x.grad.tolist() == [[0.5, 0.5, 0.0], [0.0, 10.0, 0.0]]
    y = _leaf([[1.0, 1.0], [1.0, 7.0]], device)
    tt.amin(y, axis=0, keepdims=True).sum().backward()
    assert y.grad.tolist() == [[0.5, 1.0], [0.5, 0.0]]


def test_max_and_min_with_dim_send_the_gradient_to_the_returned_index(device):
    x = _leaf([[3.0, 1.0, 3.0], [2.0, 2.0, 0.0]], device)
    values, indices = x.max(dim=1)
    assert values.tolist() == [3.0, 2.0] and indices.tolist() == [0, 0]
    values.sum().backward()
    assert x.grad.tolist() == [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]
    y = _leaf([[1.0, 4.0], [1.0, 0.0]], device)
    values, indices = y.min(dim=0, keepdim=True)
    assert indices.tolist() == [[0, 1]]
    values.backward(tt.tensor([[5.0, 6.0]], device=device))
    assert y.grad.tolist() == [[5.0, 0.0], [0.0, 6.0]]


def test_maximum_and_minimum_split_elementwise_ties(device):
    a = _leaf([1.0, 2.0, 3.0], device)
    b = _leaf([2.0, 2.0, 1.0], device)
    (tt.maximum(a, b) + 10.0 * tt.minimum(a, b)).sum().backward()
    assert a.grad.tolist() == [10.0, 5.5, 1.0]
    assert b.grad.tolist() == [1.0, 5.5, 10.0]


def test_tie_rules_match_torch():
    torch = pytest.importorskip("torch", reason="torch is an optional oracle for tie rules")
    data = [[3.0, 1.0, 3.0], [2.0, 2.0, 0.0]]
    cases = [lambda t: t.max(), lambda t: t.min(), lambda t: t.amax(dim=1).sum(),
             lambda t: t.amin(dim=0).sum(), lambda t: t.max(dim=1)[0].sum(),
             lambda t: t.min(dim=1)[0].sum()]
    for case in cases:
        ours = _leaf(data)
        case(ours).backward()
        theirs = torch.tensor(data, requires_grad=True)
        case(theirs).backward()
        np.testing.assert_allclose(ours.grad.tolist(), theirs.grad.tolist())


# ---- indexing and setitem -------------------------------------------------------------------

def test_pieces_of_one_tensor_meet_in_one_gradient(device):
    # indexing's backward returns a SliceGradient: the engine writes each piece into one array
    x = _leaf([[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]], device)
    y = x * 1.0
    y.retain_grad()
    a, b, c = y.split([1, 2, 1], dim=1)          # c unused: its part of the gradient is zero
    hooked = []
    y.register_hook(lambda g: hooked.append(g.tolist()))
    (a * 2.0 + x[:, :1]).sum().backward(retain_graph=True)   # x itself sliced too (a leaf)
    b.sum().backward()
    assert y.grad.tolist() == [[2.0, 1.0, 1.0, 0.0], [2.0, 1.0, 1.0, 0.0]]
    assert hooked[0] == [[2.0, 0.0, 0.0, 0.0], [2.0, 0.0, 0.0, 0.0]]
    assert hooked[1] == [[0.0, 1.0, 1.0, 0.0], [0.0, 1.0, 1.0, 0.0]]
    assert x.grad.tolist() == [[3.0, 1.0, 1.0, 0.0], [3.0, 1.0, 1.0, 0.0]]
    z = _leaf([1.0, 2.0, 3.0], device)
    (z[0] + z[1:].sum() + z[:2].sum() + z * 0.5).sum().backward()   # slices and a whole array
    assert z.grad.tolist() == [6.5, 6.5, 3.5]


def test_repeated_integer_indices_accumulate(device):
    x = _leaf([10.0, 20.0, 30.0], device)
    x[tt.tensor([0, 0, 2, -3], device=device)].backward(
        tt.tensor([1.0, 2.0, 3.0, 4.0], device=device))
    assert x.grad.tolist() == [7.0, 0.0, 3.0]


def test_several_index_tensors_accumulate(device):
    x = _leaf([[1.0, 2.0], [3.0, 4.0]], device)
    rows = tt.tensor([1, 1, 0], device=device)
    cols = tt.tensor([0, 0, 1], device=device)
    picked = x[rows, cols]
    assert picked.tolist() == [3.0, 3.0, 2.0]
    picked.sum().backward()
    assert x.grad.tolist() == [[0.0, 1.0], [2.0, 0.0]]


def test_boolean_mask_gradient(device):
    x = _leaf([[1.0, -2.0], [-3.0, 4.0]], device)
    x[x > 0].backward(tt.tensor([5.0, 6.0], device=device))
    assert x.grad.tolist() == [[5.0, 0.0], [0.0, 6.0]]


def test_setitem_is_differentiable_in_target_and_value(device):
    x = _leaf([1.0, 2.0, 3.0], device)
    v = _leaf(4.0, device)
    y = x * 1.0
    y[1] = v * 2.0
    assert y.tolist() == [1.0, 8.0, 3.0]
    (y * tt.tensor([1.0, 10.0, 100.0], device=device)).sum().backward()
    assert x.grad.tolist() == [1.0, 0.0, 100.0]  # the overwritten element gets nothing
    assert v.grad.item() == 20.0


def test_setitem_with_an_index_tensor(device):
    x = _leaf([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], device)
    v = _leaf([[7.0, 8.0], [9.0, 10.0]], device)
    y = x.clone()
    y[tt.tensor([2, 0], device=device)] = v
    assert y.tolist() == [[9.0, 10.0], [3.0, 4.0], [7.0, 8.0]]
    w = tt.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], device=device)
    (y * w).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0], [3.0, 4.0], [0.0, 0.0]]
    assert v.grad.tolist() == [[5.0, 6.0], [1.0, 2.0]]


# ---- post-accumulate-grad hooks (what DDP's bucketed all-reduce builds on) -----------------

def test_post_accumulate_hook_sees_the_summed_grad_once_per_backward():
    w = tt.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    w.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
    # w reaches the loss through three paths; the hook fires once, after all three arrived.
    (w * 2 + w * w + w).sum().backward()
    assert seen == [[5.0, 7.0]]
    (w * 3).sum().backward()  # accumulates onto the existing .grad, then fires again
    assert seen == [[5.0, 7.0], [8.0, 10.0]]


def test_post_accumulate_hook_fires_before_nodes_that_do_not_feed_that_leaf():
    a = tt.tensor([1.0, 2.0], requires_grad=True)
    b = tt.tensor([3.0, 4.0], requires_grad=True)
    events = []
    a.register_post_accumulate_grad_hook(lambda t: events.append("a accumulated"))
    b.register_post_accumulate_grad_hook(lambda t: events.append("b accumulated"))
    ya, yb = a * 2, b * 3
    ya.register_hook(lambda g: events.append("a branch runs"))
    yb.register_hook(lambda g: events.append("b branch runs"))
    (ya.sum() + yb.sum()).backward()
    # Whichever branch runs first, its leaf is done before the other branch starts: the
    # hook runs during backward, not in a sweep after it.
    assert events in (["a branch runs", "a accumulated", "b branch runs", "b accumulated"],
                      ["b branch runs", "b accumulated", "a branch runs", "a accumulated"])


def test_post_accumulate_hook_runs_after_tensor_hooks_and_can_be_removed():
    w = tt.tensor([1.0], requires_grad=True)
    events = []
    w.register_hook(lambda g: events.append(("hook", g.item())) or g * 10)
    handle = w.register_post_accumulate_grad_hook(lambda t: events.append(("post", t.grad.item())))
    (w * 2).sum().backward()
    assert events == [("hook", 2.0), ("post", 20.0)]
    handle.remove()
    (w * 2).sum().backward()
    assert events == [("hook", 2.0), ("post", 20.0), ("hook", 2.0)]


def test_post_accumulate_hook_is_for_leaves_that_require_grad():
    w = tt.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="non-leaf"):
        (w * 2).register_post_accumulate_grad_hook(lambda t: None)
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        tt.tensor([1.0]).register_post_accumulate_grad_hook(lambda t: None)
