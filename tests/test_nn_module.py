"""Module, Parameter and the containers: registration, traversal, modes, devices, state_dict."""

import copy
import pathlib

import numpy as np
import pytest

import tinytorch as tt
import tinytorch.nn as nn
from tinytorch.testing import assert_close


class TwoLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(3, 2, bias=False)
        self.scale = nn.Parameter(tt.ones(2))
        self.register_buffer("steps", tt.zeros((), dtype="int64"))
        self.register_buffer("scratch", tt.zeros(2), persistent=False)
        self.not_registered = tt.ones(3)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x))) * self.scale


def test_parameter_is_a_tensor_that_requires_grad_and_shares_data():
    data = tt.tensor([1.0, 2.0])
    p = nn.Parameter(data)
    assert isinstance(p, tt.Tensor) and p.requires_grad and p.is_leaf
    assert p._data is data._data
    assert not nn.Parameter(tt.zeros(2), requires_grad=False).requires_grad
    assert repr(p).startswith("Parameter containing:\ntensor(")
    assert type(p * 2) is tt.Tensor
    with pytest.raises(TypeError, match="floating point"):
        nn.Parameter(tt.tensor([1, 2]))
    with pytest.raises(TypeError, match="Parameter expects a Tensor"):
        nn.Parameter([1.0, 2.0])


def test_registration_and_named_traversal_order():
    model = TwoLayer()
    assert [n for n, _ in model.named_parameters()] == ["scale", "fc1.weight", "fc1.bias",
                                                       "fc2.weight"]
    assert [n for n, _ in model.named_children()] == ["fc1", "act", "fc2"]
    assert [n for n, _ in model.named_modules()] == ["", "fc1", "act", "fc2"]
    assert [n for n, _ in model.named_buffers()] == ["steps", "scratch"]
    assert len(list(model.parameters(recurse=False))) == 1
    assert model.fc2.bias is None
    assert "not_registered" not in dict(model.named_buffers())
    assert model.get_submodule("fc1") is model.fc1
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        model.missing  # noqa: B018


def test_shared_parameters_are_listed_once_and_reassignment_replaces():
    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(model.parameters())) == 2
    model.extra = nn.Parameter(tt.zeros(1))
    assert "extra" in dict(model.named_parameters(recurse=False))
    with pytest.raises(TypeError, match="Parameter or None"):
        model.extra = nn.Linear(1, 1)  # as in PyTorch: a parameter name takes parameters only
    with pytest.raises(TypeError, match="Parameter or None"):
        model[0].weight = tt.ones(2, 2)
    del model.extra
    model.extra = nn.Linear(1, 1)
    assert "extra" not in dict(model.named_parameters(recurse=False))
    assert "extra" in dict(model.named_children())
    model.extra = None
    assert model.extra is None and "extra" not in dict(model.named_children())


def test_assigning_before_init_explains_the_fix():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match="super\\(\\).__init__\\(\\)"):
        Broken()


def test_train_eval_apply_and_requires_grad():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    assert model.training and model[1].training
    assert model.eval() is model
    assert not model.training and not model[1].training
    model.train()
    assert model[1].training
    seen = []
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Dropout", "Sequential"]
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())


def test_zero_grad_to_none_or_zeros():
    model = nn.Linear(3, 2)
    model(tt.ones(1, 3)).sum().backward()
    assert model.weight.grad is not None
    model.zero_grad(set_to_none=False)
    assert_close(model.weight.grad, np.zeros((2, 3), np.float32))
    model.zero_grad()
    assert model.weight.grad is None and model.bias.grad is None


def test_state_dict_round_trip_and_independence():
    tt.manual_seed(0)
    source, target = TwoLayer(), TwoLayer()
    state = source.state_dict()
    assert list(state) == ["scale", "steps", "fc1.weight", "fc1.bias", "fc2.weight"]
    assert not any(v.requires_grad for v in state.values())
    result = target.load_state_dict(state)
    assert result.missing_keys == [] and result.unexpected_keys == []
    x = tt.randn(5, 4)
    assert_close(target(x), source(x))
    with tt.no_grad():
        source.fc1.weight.mul_(2.0)  # target keeps its own copy
    assert not np.allclose(target.fc1.weight.detach().numpy(), source.fc1.weight.detach().numpy())
    assert_close(state["fc1.weight"], source.fc1.weight.detach())  # state shares memory


def test_load_state_dict_accepts_numpy_and_keeps_parameter_identity():
    model = nn.Linear(2, 2)
    weight = model.weight
    model.load_state_dict({"weight": np.array([[1.0, 2.0], [3.0, 4.0]]),
                           "bias": np.array([0.5, -0.5])})
    assert model.weight is weight and model.weight.dtype == "float32"
    assert_close(model(tt.tensor([[1.0, 1.0]])), np.array([[3.5, 6.5]], np.float32))


def test_load_state_dict_names_missing_unexpected_and_mismatched_keys():
    model = nn.Sequential(nn.Linear(4, 3), nn.Linear(3, 2))
    state = model.state_dict()
    broken = dict(state)
    del broken["1.bias"]
    broken["2.weight"] = tt.zeros(1)
    broken["0.weight"] = tt.zeros(3, 5)
    before = model[0].weight.detach().clone()
    with pytest.raises(RuntimeError) as info:
        model.load_state_dict(broken)
    message = str(info.value)
    assert 'Missing key(s) in state_dict: "1.bias"' in message
    assert 'Unexpected key(s) in state_dict: "2.weight"' in message
    assert "size mismatch for 0.weight" in message and "(3, 5)" in message
    assert "(3, 4)" in message
    assert_close(model[0].weight.detach(), before)  # nothing was copied
    del broken["0.weight"]
    broken["0.weight"] = state["0.weight"]
    result = model.load_state_dict(broken, strict=False)
    assert result.missing_keys == ["1.bias"] and result.unexpected_keys == ["2.weight"]
    broken["0.weight"] = tt.zeros(2, 2)
    with pytest.raises(RuntimeError, match="size mismatch"):
        model.load_state_dict(broken, strict=False)  # a wrong shape is always an error


def test_repr_prints_the_tree():
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(),
                          nn.Sequential(nn.Flatten(), nn.Linear(8, 2)))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n"
        "  (1): ReLU()\n"
        "  (2): Sequential(\n"
        "    (0): Flatten(start_dim=1, end_dim=-1)\n"
        "    (1): Linear(in_features=8, out_features=2, bias=True)\n"
        "  )\n"
        ")")


def test_containers():
    layers = [nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)]
    seq = nn.Sequential(*layers)
    assert seq[-1] is layers[2] and len(seq) == 3
    assert isinstance(seq[:2], nn.Sequential) and len(seq[:2]) == 2
    with pytest.raises(IndexError, match="out of range"):
        seq[3]
    x = tt.randn(4, 2)
    assert_close(seq(x), layers[2](layers[1](layers[0](x))))
    from collections import OrderedDict
    named = nn.Sequential(OrderedDict(first=nn.Linear(2, 3), second=nn.ReLU()))
    assert [n for n, _ in named.named_parameters()] == ["first.weight", "first.bias"]

    blocks = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
    blocks.append(nn.Linear(2, 3))
    blocks.insert(0, nn.Identity())
    assert len(blocks) == 4 and isinstance(blocks[0], nn.Identity)
    assert [n for n, _ in blocks.named_parameters()][0] == "1.weight"
    heads = nn.ModuleDict({"a": nn.Linear(2, 1)})
    heads["b"] = nn.Linear(2, 2)
    assert list(heads) == ["a", "b"] and "b" in heads
    assert sorted(dict(heads.named_parameters())) == ["a.bias", "a.weight", "b.bias",
                                                      "b.weight"]


def test_deepcopy_gives_independent_parameters():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    twin = copy.deepcopy(model)
    assert isinstance(twin[0].weight, nn.Parameter) and twin[0].weight.requires_grad
    with tt.no_grad():
        twin[0].weight.fill_(3.0)
    assert not np.allclose(model[0].weight.detach().numpy(), 3.0)
    assert_close(twin[1].running_var, np.ones(2, np.float32))


def test_module_to_moves_parameters_grads_and_buffers(device):
    tt.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    x = tt.randn(6, 3)
    expected = model(x)
    expected.sum().backward()
    weight = model[0].weight
    assert model.to(device) is model
    assert model[0].weight is weight  # same Parameter object, new buffer
    for name, t in [*model.named_parameters(), *model.named_buffers()]:
        assert t.device == device, name
    assert model[0].weight.grad.device == device
    assert model[1].num_batches_tracked.dtype == "int64"
    model.zero_grad()
    out = model(x.to(device))
    assert out.device == device
    assert_close(out, expected, rtol=1e-5, atol=1e-6)
    out.sum().backward()
    assert model[3].bias.grad.device == device
    model.to("cpu")
    assert model[0].weight.device == "cpu"


def test_module_to_dtype_casts_only_floating_state():
    model = nn.BatchNorm1d(3).double()
    assert model.weight.dtype == "float64" and model.running_mean.dtype == "float64"
    assert model.num_batches_tracked.dtype == "int64"
    assert model(tt.randn(4, 3, dtype="float64")).dtype == "float64"
    with pytest.raises(TypeError, match="floating point"):
        model.to("int32")


def test_forward_without_definition_is_explained():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(tt.ones(1))


def test_nn_uses_no_array_library_directly():
    root = pathlib.Path(nn.__file__).parent
    for path in root.rglob("*.py"):
        text = path.read_text()
        for library in ("numpy", "cupy", "array_api_strict"):
            assert f"import {library}" not in text, f"{path.name} imports {library}"


def test_state_dict_survives_a_checkpoint_file(tmp_path):
    tt.manual_seed(5)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(18, 3))
    model(tt.randn(4, 1, 5, 5))  # move the running statistics away from their defaults
    path = tmp_path / "model.safetensors"
    tt.save(model.state_dict(), path)
    restored = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(),
                             nn.Linear(18, 3))
    restored.load_state_dict(tt.load(path))
    model.eval()
    restored.eval()
    x = tt.randn(2, 1, 5, 5)
    assert_close(restored(x), model(x))
    assert int(restored[1].num_batches_tracked.item()) == 1
