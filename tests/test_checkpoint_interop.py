"""A state dict that PyTorch saved with safetensors loads into the same tinytorch architecture
and gives the same outputs, on every device."""

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.testing import assert_close


def _architecture(library):
    lnn = library.nn
    return lnn.ModuleDict({
        "features": lnn.Sequential(
            lnn.Conv2d(1, 4, 3, padding=1), lnn.BatchNorm2d(4), lnn.ReLU(), lnn.MaxPool2d(2),
            lnn.Conv2d(4, 8, 3, stride=2, padding=1, bias=False), lnn.ReLU(), lnn.Flatten(),
            lnn.Linear(8 * 2 * 2, 16)),
        "encoder": lnn.TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.0,
                                               batch_first=True, norm_first=True),
        "head": lnn.Sequential(lnn.LayerNorm(16), lnn.Linear(16, 10)),
    })


def _forward(model, images):
    tokens = model["features"](images).reshape(2, 3, 16)  # 6 images as 2 sequences of 3
    return model["head"](model["encoder"](tokens))


def test_pytorch_safetensors_checkpoint_gives_the_same_outputs(tmp_path, device):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: it is needed to write "
                                                "the checkpoint this test loads")
    from safetensors.torch import save_file
    torch.manual_seed(0)
    reference = _architecture(torch)
    with torch.no_grad():  # move batch-norm statistics away from their defaults
        reference["features"][1].running_mean.uniform_(-0.5, 0.5)
        reference["features"][1].running_var.uniform_(0.5, 2.0)
        reference["features"][1].num_batches_tracked.fill_(7)
    reference.eval()
    save_file(reference.state_dict(), tmp_path / "model.safetensors")

    model = _architecture(tt).to(device)
    model.load_state_dict(tt.load(tmp_path / "model.safetensors", device=device))
    model.eval()

    images = np.random.default_rng(1).standard_normal((6, 1, 8, 8)).astype(np.float32)
    with torch.no_grad():
        expected = _forward(reference, torch.from_numpy(images)).numpy()
    with tt.no_grad():
        got = _forward(model, tt.tensor(images, device=device))
    assert got.device == device
    assert_close(got, expected, rtol=1e-4, atol=1e-5)
    assert model["features"][1].num_batches_tracked.item() == 7
