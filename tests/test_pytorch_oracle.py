"""PyTorch as the oracle for the PyTorch-compatibility layers: recurrent layers, the
encoder-decoder transformer and the new optimizers load torch's weights and give torch's
outputs, gradients and steps."""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="PyTorch is the optional oracle of these tests; "
                                            "install torch to run them")

import tinytorch as tt  # noqa: E402


def to_tt(state):
    return {k: tt.tensor(v.detach().numpy()) for k, v in state.items()}


def close(a, b, tol=2e-5):
    assert np.abs(np.asarray(a) - np.asarray(b)).max() <= tol


@pytest.mark.parametrize("name, options", [
    ("RNN", {}), ("RNN", {"nonlinearity": "relu", "num_layers": 2}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}), ("LSTM", {"batch_first": True}),
    ("GRU", {"batch_first": True, "bidirectional": True}), ("GRU", {"bias": False}),
])
def test_recurrent_layers_match_torch(name, options):
    torch.manual_seed(0)
    ref = getattr(torch.nn, name)(3, 5, **options)
    mine = getattr(tt.nn, name)(3, 5, **options)
    assert list(ref.state_dict()) == list(mine.state_dict())  # PyTorch's parameter names
    mine.load_state_dict(to_tt(ref.state_dict()))
    x = np.random.default_rng(1).standard_normal((4, 2, 3)).astype("float32")
    xr, xm = torch.tensor(x, requires_grad=True), tt.tensor(x, requires_grad=True)
    (out_r, h_r), (out_m, h_m) = ref(xr), mine(xm)
    h_r = h_r if isinstance(h_r, tuple) else (h_r,)
    h_m = h_m if isinstance(h_m, tuple) else (h_m,)
    close(out_r.detach(), out_m.detach())
    for a, b in zip(h_r, h_m):
        close(a.detach(), b.detach())
    (out_r.sum() + sum((h ** 2).sum() for h in h_r)).backward()
    (out_m.sum() + sum((h ** 2).sum() for h in h_m)).backward()
    close(xr.grad, xm.grad.numpy())
    for p, q in zip(ref.parameters(), mine.parameters()):
        close(p.grad, q.grad.numpy(), 5e-5)


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_torch(name):
    torch.manual_seed(0)
    ref, mine = getattr(torch.nn, name)(3, 4), getattr(tt.nn, name)(3, 4)
    mine.load_state_dict(to_tt(ref.state_dict()))
    x = np.random.default_rng(2).standard_normal((2, 3)).astype("float32")
    a, b = ref(torch.tensor(x)), mine(tt.tensor(x))
    for p, q in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
        close(p.detach(), q.detach().numpy())


@pytest.mark.parametrize("options", [{}, {"norm_first": True, "batch_first": True,
                                          "activation": "gelu"}])
def test_transformer_matches_torch(options):
    torch.manual_seed(0)
    ref = torch.nn.Transformer(16, 4, 2, 2, 32, dropout=0.0, **options).eval()
    mine = tt.nn.Transformer(16, 4, 2, 2, 32, dropout=0.0, **options).eval()
    assert list(ref.state_dict()) == list(mine.state_dict())
    mine.load_state_dict(to_tt(ref.state_dict()))
    rng = np.random.default_rng(3)
    src_shape, tgt_shape = ((2, 5, 16), (2, 3, 16)) if options else ((5, 2, 16), (3, 2, 16))
    src = rng.standard_normal(src_shape).astype("float32")
    tgt = rng.standard_normal(tgt_shape).astype("float32")
    mask_r = torch.nn.Transformer.generate_square_subsequent_mask(3)
    mask_m = tt.nn.Transformer.generate_square_subsequent_mask(3)
    assert np.array_equal(mask_r.numpy(), mask_m.numpy())
    out_r = ref(torch.tensor(src), torch.tensor(tgt), tgt_mask=mask_r)
    out_m = mine(tt.tensor(src), tt.tensor(tgt), tgt_mask=mask_m)
    close(out_r.detach(), out_m.detach().numpy())


@pytest.mark.parametrize("name, options", [
    ("RMSprop", {}), ("RMSprop", {"momentum": 0.9, "centered": True, "weight_decay": 0.1}),
    ("Adadelta", {}), ("Adadelta", {"lr": 0.5, "weight_decay": 0.1, "maximize": True}),
])
def test_optimizers_step_like_torch(name, options):
    w0 = np.random.default_rng(4).standard_normal(5).astype("float32")
    a, b = tt.tensor(w0, requires_grad=True), torch.tensor(w0, requires_grad=True)
    opt_a, opt_b = getattr(tt.optim, name)([a], **options), getattr(torch.optim, name)([b],
                                                                                       **options)
    for _ in range(5):
        opt_a.zero_grad()
        opt_b.zero_grad()
        (a ** 3).sum().backward()
        (b ** 3).sum().backward()
        opt_a.step()
        opt_b.step()
    close(a.detach().numpy(), b.detach().numpy(), 1e-5)


def test_gelu_float32_is_as_accurate_as_torch():
    grid = np.linspace(-10, 10, 20001).astype("float32")
    exact = torch.nn.functional.gelu(torch.tensor(grid, dtype=torch.float64)).numpy()
    mine = tt.nn.functional.gelu(tt.tensor(grid)).numpy().astype("float64")
    theirs = torch.nn.functional.gelu(torch.tensor(grid)).numpy().astype("float64")
    assert np.abs(mine - exact).max() <= max(np.abs(theirs - exact).max(), 5e-7)


def test_topk_and_tril_match_torch():
    x = np.random.default_rng(5).standard_normal((3, 6)).astype("float32")
    values_r, indices_r = torch.topk(torch.tensor(x), 3, dim=1)
    values_m, indices_m = tt.topk(tt.tensor(x), 3, dim=1)
    close(values_r, values_m.numpy(), 0)
    assert indices_r.tolist() == indices_m.tolist()
    assert torch.tril(torch.tensor(x), 1).tolist() == tt.tril(tt.tensor(x), 1).tolist()
    assert torch.roll(torch.tensor(x), (1, -2), (0, 1)).tolist() == \
        tt.roll(tt.tensor(x), (1, -2), (0, 1)).tolist()
