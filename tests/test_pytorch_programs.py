"""The PyTorch-style programs in examples/pytorch_programs run on tinytorch, and, where PyTorch is
installed, the same source with only the import line changed runs on PyTorch: with PyTorch's
starting weights copied in, both libraries' losses agree step by step."""

import pathlib
import types

import numpy as np
import pytest

import tinytorch as tt

PROGRAMS = pathlib.Path(__file__).resolve().parents[1] / "examples" / "pytorch_programs"
# Programs with no randomness after the weights are drawn, so both libraries can be compared.
COMPARED = ["polynomial_fit", "regression_workers", "custom_function", "lstm_lm", "tiny_gpt"]


def load(name: str, library: str) -> types.ModuleType:
    """The program as a module; library "torch" swaps the import lines and nothing else."""
    source = (PROGRAMS / f"{name}.py").read_text()
    if library == "torch":
        source = (source.replace("import tinytorch as torch", "import torch")
                  .replace("import tinytorch.nn.functional as F", "import torch.nn.functional as F")
                  .replace("from tinytorch import nn", "from torch import nn")
                  .replace("from tinytorch.utils.data import", "from torch.utils.data import"))
    module = types.ModuleType(f"program_{name}_{library}")
    exec(compile(source, str(PROGRAMS / f"{name}.py"), "exec"), module.__dict__)  # noqa: S102
    return module


@pytest.mark.parametrize("name", sorted(p.stem for p in PROGRAMS.glob("*.py")))
def test_program_trains_on_tinytorch(name):
    program = load(name, "tinytorch")
    tt.manual_seed(0)
    model = program.build() if hasattr(program, "build") else program.VAE()
    losses = program.train(model)
    quarter = max(1, len(losses) // 4)
    assert all(np.isfinite(losses)) and np.mean(losses[-quarter:]) < np.mean(losses[:quarter])
    if name == "lstm_lm":
        assert len(program.sample(model, length=5)) == len("the") + 5
    if name == "char_mlp":  # sampled with its own Generator: the same names every time
        names = program.sample(model)
        assert names == program.sample(model) and set("".join(names)) <= set(program.CHARS)
    if name == "tiny_gpt":
        out = model.generate(tt.zeros((1, 1), dtype=tt.long), 5)
        assert out.shape == (1, 6) and out.dtype == "int64"


@pytest.mark.parametrize("name", COMPARED)
def test_program_gives_pytorchs_losses_from_pytorchs_weights(name):
    torch = pytest.importorskip("torch", reason="PyTorch is the optional oracle here")
    torch.set_num_threads(1)
    ours, theirs = load(name, "tinytorch"), load(name, "torch")
    torch.manual_seed(0)
    reference = theirs.build()
    model = ours.build()
    model.load_state_dict({k: tt.tensor(v.detach().numpy())
                           for k, v in reference.state_dict().items()})
    expected = theirs.train(reference)
    got = ours.train(model)
    assert len(got) == len(expected)
    np.testing.assert_allclose(got, expected, rtol=2e-4, atol=2e-5)
