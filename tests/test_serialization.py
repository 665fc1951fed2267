"""tinytorch.save / tinytorch.load: safetensors checkpoints, no pickle, atomic writes."""

import json
import math
import os
import pickle
import zipfile

import numpy as np
import pytest
from safetensors.numpy import save_file as numpy_save_file

import tinytorch as tt
from tinytorch import serialization
from tinytorch.serialization import CheckpointError
from tinytorch.testing import assert_close


def sample_state(device="cpu"):
    """A nested checkpoint with tensors of several dtypes and shapes, and plain values."""
    weight = tt.tensor(np.arange(12, dtype=np.float32).reshape(3, 4), device=device)
    return {
        "model": {
            "fc.weight": weight,
            "fc.bias": tt.tensor([0.5, -1.5, 2.0], dtype="float64", device=device),
            "steps": tt.tensor(7, device=device),                       # 0-d int64
            "mask": tt.tensor([True, False], device=device),
            "bytes": tt.tensor([0, 255], dtype="uint8", device=device),
            "empty": tt.zeros(0, 3, device=device),
            "transposed": weight.T,                                     # not C-contiguous
        },
        "optimizer": {
            "state": {0: {"step": 3, "exp_avg": tt.ones(3, 4, device=device)}},
            "param_groups": [{"lr": 0.001, "betas": (0.9, 0.999), "eps": 1e-8,
                              "nesterov": False, "name": None, "params": [0, 1]}],
        },
        "epoch": 12,
        "history": [1.5, float("inf"), float("nan"), "text"],
    }


def check_sample(loaded, device):
    original = sample_state("cpu")
    model = loaded["model"]
    assert set(model) == set(original["model"])
    for name, tensor in original["model"].items():
        assert model[name].device == device, name
        assert model[name].dtype == tensor.dtype, name
        assert model[name].shape == tensor.shape, name
        assert_close(model[name], tensor, rtol=0, atol=0)
    state = loaded["optimizer"]["state"]
    assert list(state) == [0] and state[0]["step"] == 3
    group = loaded["optimizer"]["param_groups"][0]
    assert group["betas"] == (0.9, 0.999) and isinstance(group["betas"], tuple)
    assert group["params"] == [0, 1] and group["name"] is None and group["nesterov"] is False
    assert group["lr"] == 0.001 and isinstance(loaded["epoch"], int)
    history = loaded["history"]
    assert history[0] == 1.5 and history[1] == math.inf and math.isnan(history[2])
    assert history[3] == "text"


def test_round_trip_onto_every_device(tmp_path, device):
    path = tmp_path / "ckpt.safetensors"
    tt.save(sample_state("cpu"), path)
    check_sample(tt.load(path, device=device), device)


def test_round_trip_from_every_device(tmp_path, device):
    path = tmp_path / "ckpt.safetensors"
    tt.save(sample_state(device), str(path))
    check_sample(tt.load(str(path), device="cpu"), "cpu")


def test_load_uses_the_default_device(tmp_path):
    tt.save({"w": tt.ones(2)}, tmp_path / "w.st")
    with tt.device("strict:1"):
        loaded = tt.load(tmp_path / "w.st")
    assert loaded["w"].device == "strict:1"


def test_single_tensor_and_shared_tensors(tmp_path):
    t = tt.arange(5.0)
    tt.save(t, tmp_path / "t.st")
    loaded = tt.load(tmp_path / "t.st")
    assert_close(loaded, t)
    tt.save({"a": t, "b": [t]}, tmp_path / "tied.st")
    tied = tt.load(tmp_path / "tied.st")
    assert tied["a"] is tied["b"][0]  # one tensor saved once comes back as one tensor


def test_loaded_tensors_are_fresh_and_writable(tmp_path):
    tt.save({"w": tt.ones(3)}, tmp_path / "w.st")
    w = tt.load(tmp_path / "w.st")["w"]
    with tt.no_grad():
        w.add_(1.0)
    assert w.tolist() == [2.0, 2.0, 2.0]
    assert tt.load(tmp_path / "w.st")["w"].tolist() == [1.0, 1.0, 1.0]
    assert not w.requires_grad


def test_unsupported_values_are_refused_before_writing(tmp_path):
    path = tmp_path / "bad.st"
    with pytest.raises(TypeError, match="set"):
        tt.save({"x": {1, 2}}, path)
    with pytest.raises(TypeError, match="key"):
        tt.save({(1, 2): tt.ones(1)}, path)
    assert not path.exists() and os.listdir(tmp_path) == []


def test_flat_dict_names_are_plain_safetensors_names(tmp_path):
    from safetensors import safe_open
    tt.save({"fc.weight": tt.ones(2, 2), "fc.bias": tt.zeros(2)}, tmp_path / "m.st")
    with safe_open(tmp_path / "m.st", framework="numpy") as f:
        assert sorted(f.keys()) == ["fc.bias", "fc.weight"]
        assert json.loads(f.metadata()["tinytorch"])["version"] == 1


def test_plain_safetensors_file_loads_as_a_flat_dict(tmp_path):
    numpy_save_file({"w": np.eye(3, dtype=np.float32), "n": np.array([1, 2], dtype=np.int32)},
                    tmp_path / "plain.st")
    loaded = tt.load(tmp_path / "plain.st", device="strict:0")
    assert set(loaded) == {"w", "n"}
    assert loaded["n"].dtype == "int32" and loaded["w"].device == "strict:0"
    assert_close(loaded["w"], np.eye(3, dtype=np.float32))


def test_optimizer_state_through_a_file(tmp_path, device):
    p = tt.tensor([1.0, -2.0, 3.0], device=device, requires_grad=True)
    opt = tt.optim.Adam([p], lr=0.1)
    for _ in range(2):
        p.grad = tt.tensor([0.5, 0.1, -0.3], device=device)
        opt.step()
    tt.save({"param": p, "optimizer": opt.state_dict()}, tmp_path / "opt.st")
    loaded = tt.load(tmp_path / "opt.st", device="cpu")
    q = tt.tensor(loaded["param"], device=device, requires_grad=True)
    opt2 = tt.optim.Adam([q], lr=0.5)
    opt2.load_state_dict(loaded["optimizer"])
    assert opt2.param_groups[0]["lr"] == 0.1 and opt2.state[q]["step"] == 2
    assert opt2.state[q]["exp_avg"].device == device
    p.grad = q.grad = tt.tensor([0.2, 0.2, 0.2], device=device)
    opt.step()
    opt2.step()
    assert_close(q, p, rtol=0, atol=0)


# ---- files that are not checkpoints --------------------------------------------------------

class _RunsCode:
    """Unpickling this would call os.system; tinytorch.load must never get that far."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_pickle_payload_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.safetensors"
    path.write_bytes(pickle.dumps(_RunsCode(marker)))
    with pytest.raises(CheckpointError, match="pickle") as info:
        tt.load(path)
    assert str(path) in str(info.value)
    assert not marker.exists()


def test_torch_save_zip_is_refused(tmp_path):
    path = tmp_path / "model.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"w": 1}))
    with pytest.raises(CheckpointError, match="zip archive"):
        tt.load(path)


@pytest.mark.parametrize("damage", ["truncated", "random", "empty", "short", "bad_header"])
def test_damaged_files_raise_a_clear_error(tmp_path, damage):
    path = tmp_path / "ckpt.st"
    tt.save(sample_state(), path)
    data = path.read_bytes()
    damaged = {
        "truncated": data[:-10],
        "random": np.random.default_rng(0).integers(0, 256, 500, dtype=np.uint8).tobytes(),
        "empty": b"",
        "short": b"\x01\x02\x03",
        "bad_header": len(b"not json").to_bytes(8, "little") + b"not json",
    }[damage]
    path.write_bytes(damaged)
    with pytest.raises(CheckpointError) as info:
        tt.load(path)
    assert isinstance(info.value, ValueError)
    assert str(path) in str(info.value)
    assert "safetensors" in str(info.value)


def test_damaged_structure_record(tmp_path):
    path = tmp_path / "odd.st"
    numpy_save_file({"w": np.ones(2, dtype=np.float32)}, path,
                    metadata={"tinytorch": '{"version": 1, "tree": {"tensor": "missing"}}'})
    with pytest.raises(CheckpointError, match="structure"):
        tt.load(path)
    numpy_save_file({"w": np.ones(2, dtype=np.float32)}, path,
                    metadata={"tinytorch": '{"version": 99, "tree": null}'})
    with pytest.raises(CheckpointError, match="format"):
        tt.load(path)


def test_missing_file():
    with pytest.raises(FileNotFoundError):
        tt.load("/nonexistent/dir/ckpt.st")


# ---- atomic writes -------------------------------------------------------------------------

def _fail_midway(file, data, chunk=0):
    file.write(data[: len(data) // 2])
    file.flush()
    raise OSError("disk full (simulated)")


def test_failed_save_keeps_the_old_checkpoint_and_leaves_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.st"
    tt.save({"w": tt.ones(1000)}, path)
    before = path.read_bytes()
    monkeypatch.setattr(serialization, "_write_chunks", _fail_midway)
    with pytest.raises(OSError, match="disk full"):
        tt.save({"w": tt.zeros(1000), "extra": tt.zeros(50)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.st"]
    assert tt.load(path)["w"].tolist() == [1.0] * 1000


def test_failed_fsync_and_interrupt_leave_nothing_behind(tmp_path, monkeypatch):
    path = tmp_path / "new.st"

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(serialization.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        tt.save({"w": tt.ones(3)}, path)
    assert os.listdir(tmp_path) == []


def test_saved_file_gets_ordinary_permissions(tmp_path):
    tt.save({"w": tt.ones(1)}, tmp_path / "a.st")
    (tmp_path / "b.txt").write_text("x")
    assert (tmp_path / "a.st").stat().st_mode == (tmp_path / "b.txt").stat().st_mode


# ---- PyTorch interoperability --------------------------------------------------------------

def test_pytorch_state_dict_loads(tmp_path, device):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: the interop check "
                                                "needs it to write the file")
    from safetensors.torch import save_file
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    model.register_buffer("count", torch.tensor(5))
    save_file(model.state_dict(), tmp_path / "torch.safetensors")
    loaded = tt.load(tmp_path / "torch.safetensors", device=device)
    expected = model.state_dict()
    assert set(loaded) == set(expected) == {"0.weight", "0.bias", "2.weight", "2.bias", "count"}
    for name, value in expected.items():
        assert loaded[name].device == device
        assert loaded[name].dtype == str(value.dtype).removeprefix("torch.")
        assert_close(loaded[name], value.numpy(), rtol=0, atol=0)


def test_tinytorch_flat_state_dict_loads_in_pytorch(tmp_path):
    pytest.importorskip("torch", reason="PyTorch is not installed: nothing to read the file with")
    from safetensors.torch import load_file
    weights = {"fc.weight": tt.randn(3, 4), "fc.bias": tt.randn(3)}
    tt.save(weights, tmp_path / "ours.safetensors")
    theirs = load_file(tmp_path / "ours.safetensors")
    assert set(theirs) == set(weights)
    for name, value in weights.items():
        assert_close(value, theirs[name].numpy(), rtol=0, atol=0)
