"""The milestone scripts learn: shortened runs here, full runs with their targets under -m slow."""

import importlib
import sys
from pathlib import Path

import pytest

import tinytorch as tt

MILESTONES = Path(__file__).resolve().parents[1] / "examples" / "milestones"


@pytest.fixture(scope="module")
def milestone():
    sys.path.insert(0, str(MILESTONES))
    try:
        yield lambda name: importlib.import_module(name)
    finally:
        sys.path.remove(str(MILESTONES))


def _fell(losses, head=5, tail=5, factor=0.5):
    start = sum(losses[:head]) / head
    end = sum(losses[-tail:]) / tail
    return end < factor * start, (start, end)


def test_perceptron_learns_and_draws_its_loss_curve(milestone, tmp_path):
    result = milestone("01_perceptron").main(
        ["--epochs", "3", "--quiet", "--plot-dir", str(tmp_path)])
    fell, numbers = _fell(result["losses"])
    assert fell, numbers
    assert result["accuracy"] >= 0.9
    png = tmp_path / "01_perceptron.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_xor_one_layer_fails_and_mlp_succeeds_on_strict(milestone):
    result = milestone("02_xor").main(["--epochs", "300", "--quiet", "--no-plot",
                                       "--device", "strict:1"])
    assert result["single_accuracy"] <= 0.75  # no line separates XOR
    assert result["mlp_accuracy"] == 1.0
    assert _fell(result["losses"], factor=0.2)[0]


def test_mlp_digits_loss_falls(milestone):
    result = milestone("03_mlp_digits").main(["--epochs", "2", "--quiet", "--no-plot"])
    fell, numbers = _fell(result["losses"], tail=10, factor=0.3)
    assert fell, numbers
    assert result["accuracy"] > 0.85


def test_cnn_digits_loss_falls(milestone):
    result = milestone("04_cnn_digits").main(["--epochs", "4", "--quiet", "--no-plot"])
    fell, numbers = _fell(result["losses"], tail=10, factor=0.4)
    assert fell, numbers
    assert result["accuracy"] > 0.8


def test_transformer_losses_fall(milestone):
    result = milestone("05_transformer").main(["--epochs", "1", "--quiet", "--no-plot"])
    for key in ("losses", "reversal_losses"):
        fell, numbers = _fell(result[key], tail=10, factor=0.7)
        assert fell, (key, numbers)
    assert result["sample"].startswith("The ")


@pytest.mark.parametrize("name, epochs", [("01_perceptron", "2"), ("03_mlp_digits", "1")])
def test_same_figures_on_every_device_however_it_is_chosen(milestone, name, epochs):
    run = milestone(name).main
    flags = ["--epochs", epochs, "--quiet", "--no-plot"]
    on_cpu = run(flags + ["--device", "cpu"])
    by_flag = run(flags + ["--device", "strict:1"])
    with tt.device("strict:1"):   # what TINYTORCH_DEVICE=strict:1 does at start-up
        by_default = run(flags)
    assert on_cpu["losses"] == by_flag["losses"] == by_default["losses"]
    assert on_cpu["accuracy"] == by_flag["accuracy"] == by_default["accuracy"]


def test_every_option_is_explained_in_help(milestone, capsys):
    with pytest.raises(SystemExit):
        milestone("05_transformer").main(["--help"])
    text = capsys.readouterr().out
    for option in ("--device", "--epochs", "--seed", "--no-plot", "--plot-dir", "--quiet"):
        line = next(line for line in text.splitlines() if line.strip().startswith(option))
        assert len(line.split()) >= 3, line   # the option, then words that explain it
    assert "50 optimisation steps" in text


def test_the_plot_path_is_printed(milestone, tmp_path, capsys):
    milestone("02_xor").main(["--epochs", "20", "--quiet", "--plot-dir", str(tmp_path)])
    assert f"curves written to {tmp_path / '02_xor.png'}" in capsys.readouterr().out
    assert (tmp_path / "02_xor.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
@pytest.mark.parametrize("name, key, target", [
    ("01_perceptron", "accuracy", 0.95),
    ("02_xor", "mlp_accuracy", 1.0),
    ("03_mlp_digits", "accuracy", 0.95),
    ("04_cnn_digits", "accuracy", 0.97),
    ("05_transformer", "exact_match", 0.95),
])
def test_full_milestone_reaches_its_target(milestone, name, key, target):
    result = milestone(name).main(["--quiet", "--no-plot"])
    assert result[key] >= target
