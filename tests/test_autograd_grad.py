"""torch.autograd.grad and backward(inputs=...): gradients of chosen tensors, leaves or not,
returned (or accumulated) without touching any other tensor's .grad."""

import numpy as np
import pytest

import tinytorch as tt


def _net(device):
    x = tt.tensor([[1.0, -2.0, 0.5], [0.3, 0.7, -1.1]], dtype="float64", device=device,
                  requires_grad=True)
    w = tt.tensor([[0.2, -0.4], [1.5, 0.1], [-0.3, 0.8]], dtype="float64", device=device,
                  requires_grad=True)
    h = tt.tanh(x @ w)
    return x, w, h, (h * h).sum()


def test_grad_returns_the_gradients_and_leaves_dot_grad_alone(device):
    x, w, h, loss = _net(device)
    gx, gw, gh = tt.autograd.grad(loss, [x, w, h])
    # by hand: d loss/dh = 2h; through tanh: 2h(1 - h^2); then the matmul's two sides
    hv = np.tanh(np.array(x.tolist()) @ np.array(w.tolist()))
    upstream = 2 * hv * (1 - hv ** 2)
    np.testing.assert_allclose(np.array(gh.tolist()), 2 * hv, rtol=1e-12)
    np.testing.assert_allclose(np.array(gx.tolist()), upstream @ np.array(w.tolist()).T,
                               rtol=1e-12)
    np.testing.assert_allclose(np.array(gw.tolist()), np.array(x.tolist()).T @ upstream,
                               rtol=1e-12)
    assert x.grad is None and w.grad is None and gx.device == x.device
    assert gx.dtype == "float64" and gw.shape == w.shape


def test_grad_agrees_with_backward(device):
    x, w, _, loss = _net(device)
    gx, gw = tt.autograd.grad(loss, (x, w), retain_graph=True)
    loss.backward()
    assert gx.tolist() == x.grad.tolist() and gw.tolist() == w.grad.tolist()


def test_several_outputs_sum_their_gradients_with_grad_outputs(device):
    x = tt.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    y1, y2 = x * x, x.sum()
    (g,) = tt.autograd.grad([y1, y2], x, grad_outputs=[tt.tensor([1.0, 0.0, 2.0],
                                                                 device=device), None])
    assert g.tolist() == [2 * 1 + 1, 0 + 1, 2 * 2 * 3 + 1]


def test_unused_inputs_need_allow_unused_or_materialize_grads(device):
    x = tt.ones(2, device=device, requires_grad=True)
    unused = tt.ones(2, device=device, requires_grad=True)
    y = (x * 3).sum()
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        tt.autograd.grad(y, [x, unused], retain_graph=True)
    assert tt.autograd.grad(y, [x, unused], allow_unused=True, retain_graph=True)[1] is None
    zeros = tt.autograd.grad(y, [x, unused], materialize_grads=True)[1]
    assert zeros.tolist() == [0.0, 0.0]


def test_backward_inputs_accumulates_into_the_chosen_tensors_only(device):
    x, w, h, loss = _net(device)
    h.retain_grad()
    loss.backward(inputs=[w], retain_graph=True)
    assert x.grad is None and w.grad is not None
    first = w.grad.tolist()
    loss.backward(inputs=w)
    np.testing.assert_allclose(w.grad.tolist(), 2 * np.array(first))
    assert x.grad is None


def test_second_derivatives_and_bad_arguments_say_what_to_do():
    x = tt.ones(2, requires_grad=True)
    y = (x * x).sum()
    with pytest.raises(RuntimeError, match="create_graph"):
        tt.autograd.grad(y, x, create_graph=True)
    with pytest.raises(RuntimeError, match="create_graph"):
        y.backward(create_graph=True)
    with pytest.raises(RuntimeError, match="input 0 does not require grad"):
        tt.autograd.grad(y, tt.ones(2))
    with pytest.raises(TypeError, match="outputs must be a tensor"):
        tt.autograd.grad([1.0], x)
    with pytest.raises(RuntimeError, match="2 gradients for 1 outputs"):
        tt.autograd.grad(y, x, grad_outputs=[None, None])


def test_grad_matches_pytorch_on_a_gradient_penalty():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    xs, ws = rng.standard_normal((4, 3)), rng.standard_normal((3, 1))
    tx, tw = torch.tensor(xs, requires_grad=True), torch.tensor(ws, requires_grad=True)
    x, w = tt.tensor(xs, requires_grad=True), tt.tensor(ws, requires_grad=True)
    (expected,) = torch.autograd.grad(torch.sigmoid(tx @ tw).sum(), tx)
    (got,) = tt.autograd.grad(tt.sigmoid(x @ w).sum(), x)
    np.testing.assert_allclose(np.array(got.tolist()), expected.numpy(), rtol=1e-12)
