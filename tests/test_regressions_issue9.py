"""Regression tests for the wrong answers found by fuzzing (issue 9, section 1).

Each test states PyTorch's documented answer as a number worked out by hand (or by the
formula the comment gives), so nothing here is computed by the code under test; the few
that are easier to state as "what torch says" import torch and skip without it.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import warnings

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn.functional as F
from tinytorch.errors import TensorIndexError
from tinytorch.serialization import CheckpointError

INF, NAN = float("inf"), float("nan")
DEVICES = ["cpu", "strict:1"]


def values(t):
    return np.asarray(t.tolist(), dtype="float64")


# ---- stability ------------------------------------------------------------------------------

def test_cross_entropy_with_an_impossible_class_is_finite():
    logits = tt.tensor([[0.5, -INF, 1.5]])
    # -log(e^0.5 / (e^0.5 + e^1.5)) = log(1 + e) = 1.31326...
    expected = math.log(1 + math.e)
    assert F.cross_entropy(logits, tt.tensor([0])).item() == pytest.approx(expected, rel=1e-6)
    nll = F.nll_loss(F.log_softmax(logits, -1), tt.tensor([0]))
    assert nll.item() == pytest.approx(expected, rel=1e-6)


def test_cross_entropy_of_float16_logits_far_apart():
    logits = tt.tensor([[6e4, -6e4]], dtype="float16")  # 1.2e5 apart: their difference overflows
    assert F.cross_entropy(logits, tt.tensor([0])).item() == 0.0


@pytest.mark.parametrize("softmax", [lambda x: x.softmax(-1), lambda x: tt.softmax(x, -1),
                                     lambda x: F.softmax(x, -1)])
def test_softmax_of_large_equal_values_sums_to_one(softmax):
    assert softmax(tt.tensor([[1e7] * 3])).sum().item() == pytest.approx(1.0, abs=1e-6)
    out = softmax(tt.tensor([[-6e4] * 3], dtype="float16"))
    assert values(out)[0] == pytest.approx([1 / 3] * 3, abs=1e-3)


def test_log_softmax_method_is_exact_for_large_inputs():
    out = tt.tensor([[1e7, 1e7]]).log_softmax(-1)
    assert values(out)[0] == pytest.approx([-math.log(2)] * 2, rel=1e-6)


# ---- integer division -----------------------------------------------------------------------

def test_integer_tensor_divided_by_a_python_int_is_exact():
    assert values(tt.tensor([100], dtype="int8") / 200) == pytest.approx([0.5])
    assert values(tt.tensor([3], dtype="uint8") / -3) == pytest.approx([-1.0])
    assert values(300 / tt.tensor([2], dtype="uint8")) == pytest.approx([150.0])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("op", [lambda a, b: a // b, lambda a, b: a % b,
                                lambda a, b: tt.div(a, b, rounding_mode="floor")])
def test_integer_division_by_zero_raises_as_pytorch(device, op):
    x = tt.tensor([3, 4], device=device)
    for divisor in (0, tt.tensor([1, 0], device=device)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no NumPy warning on the way either
            with pytest.raises(RuntimeError, match="ZeroDivisionError"):
                op(x, divisor)
    assert (x // 2).tolist() == [1, 2]  # a non-zero divisor still works


# ---- bounds ---------------------------------------------------------------------------------

def test_dims_out_of_range_raise_index_errors():
    x = tt.arange(6.0).reshape(2, 3)
    with pytest.raises(IndexError, match="out of range"):
        tt.gather(x, 5, tt.tensor([[0], [1]]))
    with pytest.raises(IndexError, match="out of range"):
        tt.take(tt.arange(4.0), tt.tensor([1]), 7)


def test_roll_of_a_0d_tensor_along_a_dim_is_tinytorchs_index_error():
    # PyTorch: IndexError "Dimension specified as 0 but tensor has no dimensions"; without dims
    # a 0-d tensor rolls to itself
    for dims in (0, -1):
        with pytest.raises(TensorIndexError, match=r"0-d tensor.*x\.reshape\(1\)") as info:
            tt.tensor(1.5).roll(0, dims)
        assert f"dims={dims}" in str(info.value)
        assert "tuple index" not in str(info.value)
    assert tt.tensor(1.5).roll(3).item() == 1.5
    assert tt.roll(tt.tensor(1.5), shift=(), axis=()).item() == 1.5


def test_vecdot_with_a_0d_input_names_the_shapes_and_the_broadcasting_spelling():
    # the array API: the contracted axis must exist in both inputs (axis in [-N, -1],
    # N = min(x1.ndim, x2.ndim)) and is never broadcast
    for x1, x2 in ((tt.tensor(1.0), tt.ones(3)), (tt.ones(3), tt.tensor(1.0))):
        with pytest.raises(ValueError, match=r"\(\) and \(3,\)|\(3,\) and \(\)") as info:
            tt.vecdot(x1, x2)
        assert "(x1.conj() * x2).sum(-1)" in str(info.value)
        assert "tuple index" not in str(info.value)
    assert (tt.tensor(1.0) * tt.ones(3)).sum(-1).item() == 3.0  # the spelling it names


def test_narrow_counts_a_negative_start_from_the_end_and_refuses_overruns():
    assert tt.arange(4.0).narrow(0, -1, 1).tolist() == [3.0]
    with pytest.raises(RuntimeError, match="start"):
        tt.arange(4.0).narrow(0, 2, 5)
    with pytest.raises(IndexError):
        tt.arange(4.0).narrow(0, 5, 0)


def test_bad_piece_counts_are_refused():
    with pytest.raises(ValueError, match="greater than 0"):
        tt.arange(4.0).chunk(-1)
    with pytest.raises(ValueError, match="greater than 0"):
        tt.arange(4.0).chunk(0)
    with pytest.raises(ValueError, match="non-negative"):
        tt.arange(4.0).split([3, -1])
    with pytest.raises(RuntimeError, match="non-negative"):
        tt.randperm(-1)


def test_manual_seed_accepts_negative_seeds_as_pytorch_does():
    tt.manual_seed(-1)  # PyTorch takes it modulo 2**64
    first = tt.rand(3).tolist()
    tt.manual_seed(2**64 - 1)
    assert tt.rand(3).tolist() == first
    with pytest.raises(RuntimeError, match="seed"):
        tt.manual_seed(2**64)
    with pytest.raises(TypeError):
        tt.manual_seed(1.5)
    tt.manual_seed(0)


# ---- statistics -----------------------------------------------------------------------------

def test_var_with_a_correction_beyond_the_count_is_inf():
    assert tt.tensor([1.0, 3.0]).var(correction=3).item() == INF  # divisor max(0, 2 - 3)
    assert math.isnan(tt.tensor([1.0, 1.0]).var(correction=2).item())  # 0 / 0


def test_float16_mean_accumulates_in_float32():
    assert tt.ones(70000, dtype="float16").mean().item() == 1.0
    assert tt.full((1000,), 100.0, dtype="float16").mean().item() == 100.0
    assert tt.full((1000,), 100.0, dtype="float16").var().item() == 0.0


def test_var_and_std_of_an_empty_tensor_are_nan():
    assert math.isnan(tt.zeros(0).var().item())
    assert math.isnan(tt.zeros(0).std().item())


@pytest.mark.parametrize("unbiased, expected", [(True, 2.0), (False, 1.0)])
def test_var_unbiased_flag(unbiased, expected):
    x = tt.tensor([1.0, 3.0])  # squares about the mean sum to 2
    assert x.var(unbiased=unbiased).item() == expected
    assert x.var(0, unbiased).item() == expected


# ---- gradients ------------------------------------------------------------------------------

def test_std_of_a_constant_has_zero_gradient():
    x = tt.ones(3, requires_grad=True)
    x.std().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]


def test_pow_gradients_at_zero_follow_pytorch():
    x = tt.tensor([0.0, 1.0], requires_grad=True)
    (x ** 0).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    for base in (0, 0.0, tt.tensor(0.0)):
        e = tt.tensor([0.0, 1.0, 2.0], requires_grad=True)
        (base ** e).sum().backward()
        assert e.grad.tolist() == [0.0, 0.0, 0.0]
    e = tt.tensor([-1.0, 0.5], requires_grad=True)
    ((-1.0) ** e).sum().backward()  # log of a negative base: nan, not "math domain error"
    assert all(math.isnan(g) for g in e.grad.tolist())


def test_tanh_gelu_gradient_in_float16_far_out_is_one():
    x = tt.tensor([1000.0, -1000.0], dtype="float16", requires_grad=True)
    F.gelu(x, approximate="tanh").sum().backward()
    assert x.grad.tolist() == [1.0, 0.0]


def test_inf_upstream_gradient_stays_where_it_belongs():
    x = tt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    tt.gather(x, 1, tt.tensor([[0], [1]])).backward(tt.tensor([[INF], [1.0]]))
    assert x.grad.tolist() == [[INF, 0.0], [0.0, 1.0]]
    x.grad = None
    x.max(dim=1)[0].backward(tt.tensor([INF, 1.0]))
    assert x.grad.tolist() == [[0.0, INF], [0.0, 1.0]]


@pytest.mark.parametrize("device", DEVICES)
def test_index_backward_keeps_a_nan_in_place(device):
    picks = [lambda x: x[tt.tensor([1], device=device)], lambda x: x[x < 0],
             lambda x: tt.take(x, tt.tensor([1], device=device)),
             lambda x: F.embedding(tt.tensor([1], device=device), x.reshape(3, 1))]
    for pick in picks:
        x = tt.tensor([1.0, -2.0, 3.0], device=device, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sqrt(-2) warns on NumPy
            pick(x).sqrt().sum().backward()
        grad = values(x.grad)
        assert grad[0] == 0.0 and grad[2] == 0.0 and math.isnan(grad[1])


def test_remainder_gradient_at_an_exact_multiple():
    # PyTorch: d(a % b)/db = -floor_divide(a, b); 1.0 // 0.1 is 9 (1.0 % 0.1 is 0.0999...)
    a = tt.tensor([1.0], dtype="float64", requires_grad=True)
    b = tt.tensor([0.1], dtype="float64", requires_grad=True)
    (a % b).backward()
    assert b.grad.tolist() == [-9.0] and a.grad.tolist() == [1.0]


# ---- autograd safety ------------------------------------------------------------------------

def test_writing_through_detach_is_caught_at_backward():
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.detach().add_(100)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_writing_through_a_view_under_no_grad_is_caught_at_backward():
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    with tt.no_grad():
        y[0:1].mul_(0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


@pytest.mark.parametrize("write", [lambda w: w.fill_(0), lambda w: w.zero_(),
                                   lambda w: w.copy_(tt.zeros(2))])
def test_in_place_writes_to_a_leaf_that_requires_grad_are_refused(write):
    w = tt.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        write(w)
    with tt.no_grad():
        write(w)  # allowed, as in PyTorch
    assert w.tolist() == [0.0, 0.0]


def test_overwriting_a_non_leaf_cuts_the_gradient_to_its_old_value():
    x = tt.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.fill_(5.0)
    y.sum().backward()
    assert y.tolist() == [5.0, 5.0] and x.grad.tolist() == [0.0, 0.0]


def test_hooks_must_return_a_tensor_of_the_gradients_shape():
    x = tt.ones(2, requires_grad=True)
    x.register_hook(lambda g: tt.ones(3))
    with pytest.raises(RuntimeError, match="changed the size"):
        (x * 2).sum().backward()
    x = tt.ones(2, requires_grad=True)
    x.register_hook(lambda g: [1.0, 2.0])
    with pytest.raises(TypeError, match="returned list"):
        (x * 2).sum().backward()


# ---- others ---------------------------------------------------------------------------------

def test_is_floating_point_takes_a_tensor():
    assert tt.is_floating_point(tt.ones(2)) is True
    assert tt.is_floating_point(tt.ones(2, dtype="int64")) is False
    assert tt.is_floating_point("float16") is True


def test_unbind_of_an_empty_dimension_gives_no_pieces():
    assert tt.zeros(0).unbind() == ()
    assert len(tt.zeros(2, 0).unbind(1)) == 0


def test_masked_fill_keeps_the_input_dtype_and_broadcast_shape():
    x = tt.zeros(2, 3, 4, dtype="int64")
    out = x.masked_fill(tt.tensor([True, False, True, False]), 1.7)
    assert out.shape == (2, 3, 4) and out.dtype == "int64"
    assert out[1, 2].tolist() == [1, 0, 1, 0]
    with pytest.raises(RuntimeError, match="0-dimensional"):
        x.masked_fill(x > 0, tt.ones(1, dtype="int64"))


def test_t_refuses_more_than_two_dims():
    with pytest.raises(RuntimeError, match="<= 2 dimensions"):
        tt.zeros(2, 3, 4).t()
    assert tt.zeros(2, 3).t().shape == (3, 2) and tt.zeros(3).t().shape == (3,)


def test_sum_and_square_dtypes():
    assert tt.ones(2, dtype="int8").sum(dtype="int32").dtype == "int32"
    assert tt.ones(2, dtype="int32").sum(dtype="int32").dtype == "int32"
    assert tt.tensor([True]).square().dtype == "int64"


def test_python_types_as_dtypes_map_as_in_pytorch():
    assert tt.tensor([1], dtype=float).dtype == "float64"
    assert tt.zeros(1, dtype=int).dtype == "int64"
    assert tt.zeros(1, dtype=bool).dtype == "bool"


def test_binary_cross_entropy_refuses_nan():
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(tt.tensor([NAN]), tt.tensor([1.0]))


def test_adam_after_moving_the_model_names_the_devices():
    model = tt.nn.Linear(2, 2)
    opt = tt.optim.Adam(model.parameters())
    model(tt.ones(1, 2)).sum().backward()
    opt.step()
    opt.zero_grad()
    model.to("strict:1")
    model(tt.ones(1, 2, device="strict:1")).sum().backward()
    with pytest.raises(RuntimeError, match="exp_avg.*is on cpu.*strict:1"):
        opt.step()
    fresh = tt.optim.Adam(model.parameters())  # created after the move: works
    fresh.step()


@pytest.mark.parametrize("device", DEVICES)
def test_devices_agree_on_mixed_dtypes(device):
    x = tt.ones(1, 2, device=device)
    with pytest.raises(RuntimeError, match="bias has dtype float64"):
        F.linear(x, tt.ones(2, 2, device=device), tt.ones(2, dtype="float64", device=device))
    with pytest.raises(RuntimeError, match="bias has dtype float64"):
        F.conv2d(tt.ones(1, 1, 3, 3, device=device), tt.ones(1, 1, 2, 2, device=device),
                 tt.ones(1, dtype="float64", device=device))
    w = tt.ones(2, device=device, requires_grad=True)
    (w * 2).backward(tt.tensor([1, 1], device=device))  # an int64 gradient is cast
    assert w.grad.tolist() == [2.0, 2.0] and w.grad.dtype == "float32"
    assert tt.clamp(tt.arange(4.0, device=device), 3, 1).tolist() == [1.0] * 4  # min > max


def test_add_with_alpha():
    assert tt.add(tt.ones(2), 2, alpha=0.5).tolist() == [2.0, 2.0]
    assert tt.sub(tt.ones(2), tt.ones(2), alpha=3).tolist() == [-2.0, -2.0]


# ---- checkpoints ----------------------------------------------------------------------------

def test_deeply_nested_checkpoint_file_is_a_checkpoint_error(tmp_path):
    from safetensors.numpy import save_file
    tree = '{"tuple": [' * 3000 + "]}" * 3000
    path = tmp_path / "deep.safetensors"
    save_file({"a": np.ones(1)}, str(path),
              metadata={"tinytorch": '{"version": 1, "tree": ' + tree + "}"})
    with pytest.raises(CheckpointError, match="nested too deeply"):
        tt.load(path)


def test_saving_a_cycle_or_a_deep_nest_is_a_checkpoint_error(tmp_path):
    looped = {}
    looped["self"] = looped
    with pytest.raises(CheckpointError, match="contains itself"):
        tt.save(looped, tmp_path / "loop.safetensors")
    deep = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(CheckpointError, match="nested too deeply"):
        tt.save(deep, tmp_path / "deep.safetensors")
    shared = [1]
    tt.save({"a": shared, "b": shared}, tmp_path / "ok.safetensors")  # shared, not a cycle
    assert tt.load(tmp_path / "ok.safetensors") == {"a": [1], "b": [1]}


def test_a_tensor_named_like_the_safetensors_header_round_trips(tmp_path):
    tt.save({"__metadata__": tt.ones(2)}, tmp_path / "m.safetensors")
    assert tt.load(tmp_path / "m.safetensors")["__metadata__"].tolist() == [1.0, 1.0]


def test_filesystem_errors_name_the_path(tmp_path):
    missing = tmp_path / "no" / "such" / "x.safetensors"
    with pytest.raises(FileNotFoundError, match="can't write checkpoint .*no/such"):
        tt.save(tt.ones(1), missing)
    with pytest.raises(FileNotFoundError, match="can't read checkpoint .*no/such"):
        tt.load(missing)
    with pytest.raises(IsADirectoryError, match="can't write checkpoint"):
        tt.save(tt.ones(1), tmp_path)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM"])
def test_a_killed_save_leaves_nothing_after_the_next_save(tmp_path, sig):
    path = tmp_path / "big.safetensors"
    # A child that stops inside the write (after the temporary file exists) and waits for us.
    code = (
        "import os, sys, time, tinytorch as tt, tinytorch.serialization as s\n"
        "def stuck(file, data, chunk=0):\n"
        "    file.write(data[:100]); file.flush(); print('writing', flush=True); time.sleep(60)\n"
        "s._write_chunks = stuck\n"
        f"tt.save(tt.zeros(1000), {str(path)!r})\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "writing"
        assert len(list(tmp_path.iterdir())) == 1  # the temporary file
        child.send_signal(getattr(signal, sig))
        child.wait(timeout=30)
    finally:
        child.kill()
        child.stdout.close()
    tt.save(tt.ones(3), path)
    assert [p.name for p in tmp_path.iterdir()] == ["big.safetensors"]
    assert tt.load(path).tolist() == [1.0, 1.0, 1.0]


# ---- PyTorch as the oracle, where it is easier to ask it ----------------------------------

def test_zero_division_type_matches_torch():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        torch.tensor([3]) // 0
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        tt.tensor([3]) // 0


# ---- found by the fuzz at 20x: complex numbers reaching ops that need an order ---------------

ORDERED = {
    "lt": lambda x: x < 1j, "ge": lambda x: tt.greater_equal(x, x.to("complex64")),
    "floor_divide": lambda x: x // 1j, "remainder": lambda x: x % 1j,
    "maximum": lambda x: tt.maximum(x, 1j), "clamp": lambda x: x.clamp(max=1j),
    "nextafter": lambda x: tt.nextafter(x, 1j), "floor": lambda x: x.to("complex64").floor(),
    "ceil": lambda x: tt.ceil(x.to("complex64")), "relu": lambda x: tt.relu(x.to("complex64")),
    "amax": lambda x: x.to("complex64").amax(), "max": lambda x: x.to("complex64").max(),
    "argmin": lambda x: x.to("complex64").argmin(), "signbit": lambda x: tt.signbit(x.to(
        "complex64")), "searchsorted": lambda x: tt.searchsorted(x, tt.tensor([1j])),
}


@pytest.mark.parametrize("name", sorted(ORDERED))
def test_ops_that_need_an_order_refuse_complex_numbers(name):
    # PyTorch raises for each of these ("not implemented for 'ComplexFloat'"); the array API
    # leaves them undefined for complex dtypes. tinytorch's own message names the fix.
    with pytest.raises(TypeError, match="not defined for complex numbers.*x.real or x.abs"):
        ORDERED[name](tt.tensor([1.0, -2.0, 3.0]))


@pytest.mark.parametrize("op", ["bitwise_and", "bitwise_or"])
def test_bitwise_ops_refuse_complex_tensors_in_their_own_words(op):
    z = tt.tensor([1 + 2j])
    with pytest.raises(TypeError, match="only supported for integer and bool tensors"):
        getattr(tt, op)(z, z)


def test_logical_ops_read_a_python_scalar_by_its_truth():
    x = tt.tensor([0.0, 2.0])
    assert tt.logical_or(x, 1j).tolist() == [True, True]
    assert tt.logical_and(x, 1j).tolist() == [False, True]
    assert tt.logical_and(x, 0.0).tolist() == [False, False]


def test_mm_and_bmm_take_only_their_own_ranks():
    # torch.mm(1-D, 1-D) raises "self must be a matrix"; matmul is the broadcasting one
    with pytest.raises(RuntimeError, match=r"mm\(\) multiplies two matrices.*1-D and 1-D"):
        tt.mm(tt.ones(3), tt.ones(3))
    with pytest.raises(RuntimeError, match=r"bmm\(\).*2-D and 2-D"):
        tt.bmm(tt.ones(2, 3), tt.ones(3, 2))
    assert tt.mm(tt.ones(2, 3), tt.ones(3, 4)).tolist() == [[3.0] * 4] * 2
    assert tt.bmm(tt.ones(5, 2, 3), tt.ones(5, 3, 1)).shape == (5, 2, 1)


def test_broadcast_shapes_takes_shapes_only():
    assert tt.broadcast_shapes(2, (3, 1)) == (3, 2)  # an int is a 1-D shape, as in PyTorch
    with pytest.raises(TypeError, match="each shape must be an int or a tuple of ints"):
        tt.broadcast_shapes(tt.ones(3))
    with pytest.raises(ValueError, match="non-negative"):
        tt.broadcast_shapes((2, -1))


@pytest.mark.parametrize("loss", [F.cross_entropy, F.nll_loss])
def test_class_losses_of_a_0d_input_name_the_missing_class_axis(loss):
    # torch raises IndexError ("Dimension specified as 1 but tensor has no dimensions")
    with pytest.raises(IndexError, match="expects scores with a class axis"):
        loss(tt.tensor(1.0), tt.tensor(0))


@pytest.mark.parametrize("offset", [float("inf"), float("nan"), 1.5, "1"])
def test_tril_and_triu_name_a_diagonal_offset_that_is_not_an_int(offset):
    # found by the fuzz at 20x: inf raised OverflowError, nan Python's conversion text
    for op in (tt.tril, tt.triu):
        with pytest.raises(TypeError, match="diagonal offset must be an int"):
            op(tt.ones(2, 3), offset)


def test_diff_of_a_huge_order_is_empty_at_once():
    # found by the fuzz at 20x: n = 2**62 looped 2**62 times; PyTorch gives an empty result
    assert tt.arange(5.0).diff(n=2**62).shape == (0,)
    assert tt.ones(2, 3).diff(n=10**18, dim=0).shape == (0, 3)
    assert tt.tensor([1.0, 4.0, 9.0, 16.0]).diff(n=2).tolist() == [2.0, 2.0]


def test_more_zero_d_and_huge_argument_cases_from_the_fuzz():
    # each raised Python's "tuple index out of range", an OverflowError or a ZeroDivisionError
    with pytest.raises(RuntimeError, match="at least one-dimensional"):
        tt.diff(tt.tensor(1.0))
    with pytest.raises(RuntimeError, match="a 0-d tensor has no axis"):
        tt.cross(tt.tensor(1.0), tt.ones(3))
    with pytest.raises(IndexError, match="axis 5 is out of range"):
        tt.linalg.cross(tt.ones(2, 3), tt.ones(2, 3), axis=5)
    with pytest.raises(ValueError, match="beyond float64's range"):
        tt.tensor([NAN]).nan_to_num(10**400)
    # torch: an empty head dimension gives zero scores, so uniform attention: the mean of V
    out = F.scaled_dot_product_attention(tt.ones(2, 0), tt.ones(2, 0), tt.tensor([[1.0], [3.0]]))
    assert out.tolist() == [[2.0], [2.0]]


def test_nan_to_num_replaces_by_the_input_not_by_its_own_output():
    # nan -> 1e300 overflows float32 to inf: PyTorch keeps that inf (it does not then replace it
    # by posinf's default, float32's largest value)
    assert tt.tensor([NAN], dtype="float32").nan_to_num(1e300).tolist() == [INF]
    assert tt.tensor([NAN, INF, -INF, 1.0]).nan_to_num(0.0, 5.0, -5.0).tolist() == [
        0.0, 5.0, -5.0, 1.0]


def test_random_fills_and_histc_check_their_numbers():
    # fuzz at 20x: OverflowError and Python's float-to-int text leaked from these
    x = tt.ones(3)
    with pytest.raises(RuntimeError, match=r"\[from, to\) range.*from=2 > to=1"):
        x.uniform_(2, 1)  # torch's words
    with pytest.raises(ValueError, match="finite number"):
        x.uniform_(0, 2**2000)
    with pytest.raises(ValueError, match="finite number"):
        x.random_(INF)
    with pytest.raises(RuntimeError, match="bins must be below 2\\*\\*31"):
        x.histc(2**70)
    with pytest.raises(TypeError, match="axis must be an int"):
        tt.vecdot(tt.ones(3), tt.ones(3), dim="a")


def test_print_options_that_numpy_cannot_hold_are_refused_up_front():
    # fuzz at 20x: precision=2**40 was accepted, and the next repr raised OverflowError
    try:
        with pytest.raises(ValueError, match="precision must be below 2\\*\\*31"):
            tt.set_printoptions(precision=2**40)
        assert repr(tt.ones(2)).startswith("tensor(")
    finally:
        tt.set_printoptions(profile="default")


def test_float_edge_cases_are_silent_like_pytorch_but_numpy_code_still_warns():
    """log(0) and x/0 give -inf/inf without NumPy's RuntimeWarning text (PyTorch prints nothing);
    the user's own NumPy calls in the same program keep their warnings."""
    program = ("import numpy as np, tinytorch as tt\n"
               "x = tt.tensor([0.0, 1.0], requires_grad=True)\n"
               "(tt.log(x) / 0).sum().backward()\n"
               "print(x.grad.tolist())\n"
               "np.log(np.zeros(1))\n")
    done = subprocess.run([sys.executable, "-W", "default", "-c", program], capture_output=True,
                          text=True, timeout=120, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[inf, inf]"
    warned = [line for line in done.stderr.splitlines() if "RuntimeWarning" in line]
    assert len(warned) == 1 and warned[0].startswith("<string>:5"), done.stderr
