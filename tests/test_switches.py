"""PyTorch's speed and debugging switches that tinytorch accepts without changing values:
torch.compile, the float32 matmul precision, memory formats, utils.checkpoint and anomaly mode.
Each test checks that the call is accepted where PyTorch accepts it, that results and gradients
equal the plain computation's, and that wrong arguments get a clear error."""

import pickle
import warnings

import numpy as np
import pytest

import tinytorch as torch
from tinytorch.utils.checkpoint import checkpoint, checkpoint_sequential


def small_model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))


# ---- compile -----------------------------------------------------------------------------------

def test_compile_returns_its_argument():
    model = small_model()
    assert torch.compile(model) is model
    assert torch.compile(model, mode="reduce-overhead", fullgraph=True, dynamic=False,
                         backend="eager") is model

    @torch.compile
    def double(x):
        return 2 * x

    @torch.compile(mode="max-autotune")
    def triple(x):
        return 3 * x

    assert double(torch.tensor(2.0)).item() == 4.0
    assert triple(torch.tensor(2.0)).item() == 6.0
    assert double.__name__ == "double"  # the function itself, not a wrapper
    assert model.compile() is None and model[0].weight is not None  # Module.compile, in place


def test_compile_checks_its_arguments():
    with pytest.raises(TypeError, match="callable"):
        torch.compile(3)
    with pytest.raises(ValueError, match="unrecognized mode='fastest'"):
        torch.compile(small_model(), mode="fastest")
    with pytest.raises(RuntimeError, match="both"):
        torch.compile(small_model(), mode="default", options={"trace.enabled": True})


# ---- float32 matmul precision ------------------------------------------------------------------

def test_float32_matmul_precision_is_stored_and_changes_no_result():
    a, b = torch.randn(5, 7), torch.randn(7, 3)
    before = (a @ b).numpy()
    assert torch.get_float32_matmul_precision() == "highest"  # PyTorch's default
    try:
        for precision in ("high", "medium", "highest"):
            torch.set_float32_matmul_precision(precision)
            assert torch.get_float32_matmul_precision() == precision
            np.testing.assert_array_equal((a @ b).numpy(), before)
        with pytest.raises(ValueError, match="'highest', 'high' or 'medium', got 'fast'"):
            torch.set_float32_matmul_precision("fast")
        with pytest.raises(ValueError, match="got 3"):
            torch.set_float32_matmul_precision(3)
        assert torch.get_float32_matmul_precision() == "highest"  # unchanged by the errors
    finally:
        torch.set_float32_matmul_precision("highest")


# ---- memory formats ----------------------------------------------------------------------------

def test_memory_formats_are_accepted_and_keep_values(device):
    x = torch.randn(2, 3, 4, 5, device=device, requires_grad=True)
    for fmt in (torch.channels_last, torch.contiguous_format, torch.preserve_format):
        y = x.to(memory_format=fmt)
        assert y is x  # nothing to convert: no dtype, no device, no strides
        assert isinstance(fmt, torch.memory_format)
    z = x.to("float64", memory_format=torch.channels_last)
    assert z.dtype == "float64" and z.device == device
    assert x.contiguous(memory_format=torch.channels_last) is x
    assert x.is_contiguous(memory_format=torch.channels_last)
    c = x.clone(memory_format=torch.channels_last)
    assert c is not x and torch.equal(c.detach(), x.detach())
    c.sum().backward()  # clone stays differentiable
    assert torch.equal(x.grad, torch.ones_like(x))


def test_module_to_memory_format():
    model = torch.nn.Conv2d(3, 4, 3)
    weight = model.weight.detach().clone()
    assert model.to(memory_format=torch.channels_last) is model
    assert torch.equal(model.weight.detach(), weight)
    model.to("float64", memory_format=torch.channels_last)
    assert model.weight.dtype == "float64"


def test_memory_format_errors_and_names():
    x = torch.zeros(2, 3)
    with pytest.raises(TypeError, match="memory_format must be one of"):
        x.to(memory_format="channels_last")
    with pytest.raises(TypeError, match="memory_format must be one of"):
        x.contiguous(memory_format=1)
    with pytest.raises(RuntimeError, match="preserve_format"):
        x.contiguous(memory_format=torch.preserve_format)
    assert repr(torch.channels_last) == "tinytorch.channels_last"
    assert torch.channels_last is not torch.channels_last_3d
    assert pickle.loads(pickle.dumps(torch.channels_last)) is torch.channels_last


# ---- utils.checkpoint --------------------------------------------------------------------------

def _grads(model):
    return [p.grad.numpy().copy() for p in model.parameters()]


@pytest.mark.parametrize("use_reentrant", [False, True, None])
def test_checkpoint_gives_the_plain_values_and_gradients(use_reentrant):
    model = small_model()
    x = torch.randn(5, 3, requires_grad=True)
    model(x).square().sum().backward()
    expected, expected_x = _grads(model), x.grad.numpy().copy()
    model.zero_grad()
    x.grad = None
    out = checkpoint(model, x, use_reentrant=use_reentrant)
    np.testing.assert_array_equal(out.detach().numpy(), model(x).detach().numpy())
    out.square().sum().backward()
    for got, want in zip(_grads(model), expected):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(x.grad.numpy(), expected_x)


def test_checkpoint_passes_keywords_when_not_reentrant():
    def scaled(x, *, factor):
        return x * factor
    assert checkpoint(scaled, torch.tensor(2.0), factor=3.0, use_reentrant=False).item() == 6.0
    with pytest.raises(ValueError, match="use_reentrant=False"):
        checkpoint(scaled, torch.tensor(2.0), factor=3.0, use_reentrant=True)
    with pytest.raises(TypeError, match="function to run"):
        checkpoint(torch.tensor(1.0))
    with pytest.raises(TypeError, match="use_reentrant must be"):
        checkpoint(scaled, torch.tensor(1.0), use_reentrant="no")


def test_checkpoint_sequential_runs_every_layer_in_order():
    model = small_model()
    x = torch.randn(4, 3)
    expected = model(x).detach().numpy()
    for segments in (1, 2, 3):
        got = checkpoint_sequential(model, segments, x, use_reentrant=False)
        np.testing.assert_array_equal(got.detach().numpy(), expected)
    as_list = checkpoint_sequential(list(model), 2, x, use_reentrant=False)
    np.testing.assert_array_equal(as_list.detach().numpy(), expected)
    with pytest.raises(ValueError, match="segments must be a positive int"):
        checkpoint_sequential(model, 0, x)
    with pytest.raises(TypeError, match="nn.Sequential or a list"):
        checkpoint_sequential(model[0], 1, x)  # a Linear has no children but is one layer
    assert torch.utils.checkpoint.checkpoint is checkpoint


# ---- anomaly mode ------------------------------------------------------------------------------

def test_anomaly_switches_toggle_and_restore():
    assert not torch.is_anomaly_enabled() and torch.is_anomaly_check_nan_enabled()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # anomaly mode itself warns about nothing
        with torch.autograd.detect_anomaly(check_nan=False):
            assert torch.is_anomaly_enabled() and not torch.is_anomaly_check_nan_enabled()
            with torch.autograd.set_detect_anomaly(False):
                assert not torch.is_anomaly_enabled()
            assert torch.is_anomaly_enabled()
        assert not torch.is_anomaly_enabled() and torch.is_anomaly_check_nan_enabled()
        torch.autograd.set_detect_anomaly(True)  # the function form stays on
        try:
            assert torch.is_anomaly_enabled()
        finally:
            torch.autograd.set_detect_anomaly(False)
        assert not torch.is_anomaly_enabled()

        @torch.autograd.detect_anomaly()
        def inside():
            return torch.is_anomaly_enabled()
        assert inside() and not torch.is_anomaly_enabled()


def test_anomaly_mode_leaves_backward_unchanged():
    x = torch.tensor([1.0, 4.0], requires_grad=True)
    with torch.autograd.detect_anomaly():
        x.sqrt().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 0.25])
    with pytest.raises(TypeError, match="mode must be True or False"):
        torch.autograd.set_detect_anomaly("on")


def test_anomaly_mode_names_the_node_that_made_nan_and_where_its_op_ran():
    x = torch.tensor([-1.0, 4.0], requires_grad=True)
    y = x.sqrt()  # recorded outside anomaly mode: no stack kept, but the nan is still found
    with torch.autograd.detect_anomaly():
        z = (x * 0).sqrt()  # the gradient of sqrt at 0 is inf; times the 0 of Mul's: nan
        with pytest.raises(RuntimeError, match="Function 'MulBackward' returned nan") as info:
            z.sum().backward()
    assert "test_switches.py" in str(info.value)  # the stack of the op that produced nan
    with torch.autograd.detect_anomaly(check_nan=False):
        (x * 0).sqrt().sum().backward()  # no check: nan reaches .grad, as in PyTorch
    assert np.isnan(x.grad.numpy()).all()
    del y


def test_anomaly_mode_adds_the_forward_stack_to_errors_in_backward():
    class Broken(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, grad):
            raise ValueError("broken backward")

    x = torch.ones(2, requires_grad=True)
    with torch.autograd.detect_anomaly():
        out = Broken.apply(x).sum()
        with pytest.raises(ValueError, match="broken backward") as info:
            out.backward()
    notes = "".join(getattr(info.value, "__notes__", []))
    import sys
    if sys.version_info >= (3, 11):
        assert "anomaly mode" in notes and "test_switches.py" in notes
