"""examples/demo.py prints the same values and dtypes with the default device set to cpu,
strict:0 and strict:1, and mixing strict:0 with strict:1 raises the device error."""

import os
import pathlib
import subprocess
import sys

import pytest

import tinytorch as tt

DEMO = pathlib.Path(__file__).resolve().parents[1] / "examples" / "demo.py"
DEVICES = ["cpu", "strict:0", "strict:1"]


def _start(*args, default_device=None):
    env = {k: v for k, v in os.environ.items() if k != "TINYTORCH_DEVICE"}
    if default_device is not None:
        env["TINYTORCH_DEVICE"] = default_device
    return subprocess.Popen([sys.executable, str(DEMO), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _finish(process):
    out, err = process.communicate(timeout=120)
    return process.returncode, out.splitlines(), err


@pytest.fixture(scope="module")
def outputs():
    """The demo's output under each TINYTORCH_DEVICE, run side by side."""
    running = {d: _start(default_device=d) for d in DEVICES}
    return {d: _finish(p) for d, p in running.items()}


def test_demo_runs_on_each_default_device(outputs):
    for device, (code, lines, err) in outputs.items():
        assert code == 0, err
        assert lines[0] == f"device: {device}"
        assert len(lines) > 5


def test_demo_prints_the_same_values_and_dtypes_everywhere(outputs):
    stripped = {d: [line for line in lines if not line.startswith("device:")]
                for d, (_, lines, _) in outputs.items()}
    assert stripped["cpu"] == stripped["strict:0"] == stripped["strict:1"]
    text = "\n".join(stripped["cpu"])
    for fragment in ("labels: int64", "loss: float32 ()", "correct: int64", "half: float64",
                     "w.grad: float32 (3, 2)", "b.grad: float32 (2,)"):
        assert fragment in text, text


def test_demo_device_flag_beats_the_environment():
    code, lines, err = _finish(_start("--device", "strict:1", default_device="strict:0"))
    assert code == 0, err
    assert lines[0] == "device: strict:1"


def test_demo_mixing_strict_devices_reports_the_device_error():
    code, lines, err = _finish(_start("--device", "strict:0", "--mix", "strict:1"))
    assert code == 1, err
    message = lines[-1]
    assert message.startswith("mixing devices: RuntimeError:")
    assert "strict:0" in message and "strict:1" in message and ".to(" in message


def test_mixing_strict_devices_raises_in_process():
    a = tt.ones(3, device="strict:0")
    b = tt.ones(3, device="strict:1")
    with pytest.raises(RuntimeError) as info:
        a + b
    assert "strict:0" in str(info.value) and "strict:1" in str(info.value)
    assert ((a + b.to("strict:0")).tolist()) == [2.0, 2.0, 2.0]
