"""Devices are strings; the default device; nothing moves between devices implicitly; backends."""

import importlib.util
import os
import pickle
import subprocess
import sys

import array_api_compat.numpy as compat_numpy
import numpy as np
import pytest

import tinytorch as tt
from tinytorch import backends
from tinytorch.testing import to_numpy as host

HAS_CUPY = importlib.util.find_spec("cupy") is not None
no_cupy = pytest.mark.skipif(HAS_CUPY, reason="CuPy is installed here; these check its absence")


# ---- devices are strings ------------------------------------------------------------------

@pytest.mark.parametrize("spec, canonical", [
    ("cpu", "cpu"), ("cuda", "cuda:0"), ("cuda:0", "cuda:0"), ("cuda:1", "cuda:1"),
    ("strict", "strict:0"), ("strict:0", "strict:0"), ("strict:1", "strict:1"),
])
def test_device_parses_to_its_canonical_string(spec, canonical):
    dev = tt.device(spec)
    assert isinstance(dev, str)
    assert dev == canonical
    assert str(dev) == canonical
    assert f"{dev}" == canonical
    assert tt.device(canonical) is dev  # interned: one object per device
    assert {canonical: "found"}[dev] == "found"  # hashes like its string


def test_device_type_index_and_repr():
    dev = tt.device("strict:1")
    assert (dev.type, dev.index) == ("strict", 1)
    assert tt.device("cpu").index == 0
    assert tt.device("strict", 1) == "strict:1"
    assert repr(dev) == "device(type='strict', index=1)"
    assert pickle.loads(pickle.dumps(dev)) is dev


def test_tensor_device_compares_equal_to_its_string_and_prints_as_it(device, capsys):
    x = tt.ones(2, device=device)
    assert x.device == device
    assert isinstance(x.device, str)
    assert x.device != ("strict:1" if device != "strict:1" else "strict:0")
    print(x.device)
    assert capsys.readouterr().out == f"{device}\n"
    assert f"device='{device}'" in repr(x)


@pytest.mark.parametrize("spec, words", [
    ("gpu", ["gpu", "cpu", "strict", "register"]),
    ("cpu:1", ["cpu:1", "'cpu'"]),
    ("strict:x", ["strict:x", "integer"]),
])
def test_bad_device_strings_raise_runtime_error_with_a_fix(spec, words):
    with pytest.raises(RuntimeError) as info:
        tt.zeros(1, device=spec)
    for word in words:
        assert word in str(info.value)


def test_device_must_be_a_string():
    with pytest.raises(TypeError, match="string"):
        tt.device(3)


def test_missing_device_index_names_the_devices_that_exist():
    with pytest.raises(RuntimeError) as info:
        tt.zeros(1, device="strict:5")
    message = str(info.value)
    assert "strict:5" in message and "strict:0" in message and "strict:1" in message


# ---- the default device -------------------------------------------------------------------

def test_default_device_is_cpu_and_factories_use_it():
    assert tt.get_default_device() == "cpu"
    assert tt.zeros(2).device == "cpu"


def test_set_default_device_moves_every_factory(device):
    tt.set_default_device(device)
    assert tt.get_default_device() == device
    made = [tt.zeros(2), tt.ones(2), tt.full((2,), 3.0), tt.empty(2), tt.arange(3),
            tt.linspace(0, 1, 3), tt.eye(2), tt.tensor([1.0, 2.0]), tt.as_tensor([1]),
            tt.rand(2), tt.randn(2), tt.randint(0, 5, (2,)), tt.asarray([1, 2])]
    assert [t.device for t in made] == [device] * len(made)
    assert tt.zeros(2, device="cpu").device == "cpu"  # an explicit device still wins


def test_with_device_runs_a_block_on_another_device():
    with tt.device("strict:1") as dev:
        assert dev == "strict:1"
        assert tt.get_default_device() == "strict:1"
        x = tt.ones(3) * 2
        assert x.device == "strict:1"
        with tt.device("strict:0"):
            assert tt.zeros(1).device == "strict:0"
        assert tt.zeros(1).device == "strict:1"
    assert tt.get_default_device() == "cpu"
    assert tt.zeros(1).device == "cpu"
    assert x.device == "strict:1"


def test_with_device_restores_the_default_after_an_exception():
    with pytest.raises(ZeroDivisionError):
        with tt.device("strict:1"):
            1 / 0  # noqa: B018
    assert tt.get_default_device() == "cpu"


def _run(code, default_device=None):
    env = {k: v for k, v in os.environ.items() if k != "TINYTORCH_DEVICE"}
    if default_device is not None:
        env["TINYTORCH_DEVICE"] = default_device
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_tinytorch_device_environment_variable_sets_the_default():
    code = ("import tinytorch as tt\n"
            "print(tt.get_default_device(), tt.zeros(1).device, tt.tensor([1.5]).device)\n"
            "tt.set_default_device('strict:0')\n"
            "print(tt.ones(1).device)\n")
    assert _run(code, "strict:1") == ["strict:1"] * 3 + ["strict:0"]
    assert _run(code) == ["cpu"] * 3 + ["strict:0"]


# ---- nothing moves implicitly -------------------------------------------------------------

def _mixed_calls(a, b):
    """Ops that take two tensors, each a callable that must refuse tensors on two devices."""
    return {
        "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b,
        "floordiv": lambda: a // b, "mod": lambda: a % b, "pow": lambda: a ** b,
        "matmul": lambda: a @ b, "lt": lambda: a < b, "eq": lambda: a == b,
        "maximum": lambda: tt.maximum(a, b), "minimum": lambda: tt.minimum(a, b),
        "where": lambda: tt.where(a > 0, a, b), "cat": lambda: tt.cat([a, b]),
        "stack": lambda: tt.stack([a, b]), "clamp": lambda: tt.clamp(a, min=b),
        "and": lambda: (a > 0) & (b > 0), "getitem": lambda: a[b.long()],
        "mask": lambda: a[b > 0],
        "setitem": lambda: a.__setitem__(0, b[0]), "iadd": lambda: a.__iadd__(b),
    }


@pytest.mark.parametrize("op", sorted(_mixed_calls(None, None)))
@pytest.mark.parametrize("first, second", [("strict:0", "strict:1"), ("cpu", "strict:0"),
                                           ("strict:1", "cpu")])
def test_ops_on_two_devices_raise_naming_both_and_the_fix(op, first, second):
    a = tt.tensor([1.0, 2.0], device=first)
    b = tt.tensor([1.0, 0.0], device=second)
    with pytest.raises(RuntimeError) as info:
        _mixed_calls(a, b)[op]()
    message = str(info.value)
    assert first in message and second in message, message
    assert ".to(" in message, message
    # nothing was moved
    assert a.device == first and b.device == second
    assert a.tolist() == [1.0, 2.0] and b.tolist() == [1.0, 0.0]


def test_backward_with_a_gradient_on_another_device_raises():
    x = tt.ones(2, device="strict:0", requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError) as info:
        y.backward(tt.ones(2, device="strict:1"))
    assert "strict:0" in str(info.value) and "strict:1" in str(info.value)


def test_python_scalars_go_anywhere(device):
    x = tt.tensor([1.0, 2.0], device=device)
    for result in (x + 1, 2 * x, x - 0.5, 1 / x, x ** 2, x > 1, tt.maximum(x, 1.5),
                   tt.where(x > 1, x, 0.0), x.clamp(0, 1)):
        assert result.device == device
    np.testing.assert_allclose(host(2 * x + 1), [3.0, 5.0])


@pytest.mark.parametrize("source, target", [("cpu", "strict:1"), ("strict:0", "strict:1"),
                                            ("strict:1", "cpu"), ("strict:1", "strict:0")])
def test_to_device_copies_values_and_keeps_dtype(source, target):
    for dtype, values in [("float32", [1.5, -2.0]), ("int16", [3, -4]), ("bool", [True, False]),
                          ("uint8", [0, 255])]:
        x = tt.tensor(values, dtype=dtype, device=source)
        y = x.to(target)
        assert y.device == target and y.dtype == dtype
        assert y.tolist() == values
        assert x.device == source  # the original stays where it was
    assert x.to(source) is x  # no copy to the same device


def test_to_device_is_differentiable_back_to_the_source():
    x = tt.tensor([1.0, 2.0], device="strict:0", requires_grad=True)
    y = (x.to("strict:1") * tt.tensor([3.0, 4.0], device="strict:1")).sum()
    y.backward()
    assert x.grad.device == "strict:0"
    assert x.grad.tolist() == [3.0, 4.0]


def test_cpu_and_to_other_tensor(device):
    x = tt.tensor([1, 2], dtype="int32", device=device)
    assert x.cpu().device == "cpu"
    assert x.cpu().tolist() == [1, 2]
    other = tt.zeros(1, dtype="float64", device="strict:1")
    y = x.to(other)
    assert (y.device, y.dtype) == ("strict:1", "float64")
    z = x.to("strict:0", "float32")
    assert (z.device, z.dtype) == ("strict:0", "float32")
    w = x.to(device="strict:0", dtype="int64")
    assert (w.device, w.dtype) == ("strict:0", "int64")


# ---- cuda without CuPy --------------------------------------------------------------------

@no_cupy
@pytest.mark.parametrize("call", [
    lambda: tt.zeros(2, device="cuda"), lambda: tt.tensor([1.0], device="cuda:0"),
    lambda: tt.ones(2).cuda(), lambda: tt.ones(2).to("cuda"),
    lambda: tt.set_default_device("cuda") or tt.zeros(1),
])
def test_cuda_without_cupy_says_what_is_missing_and_how_to_fix_it(call):
    with pytest.raises(RuntimeError) as info:
        call()
    message = str(info.value)
    assert "CuPy" in message
    assert 'pip install "tinytorch[cuda]"' in message


@pytest.mark.parametrize("driver, runtime, wheel", [
    (12080, 13000, '"tinytorch[cuda12]" (cupy-cuda12x)'),
    (13000, 14000, '"tinytorch[cuda13]" (cupy-cuda13x)'),
    (11080, 12000, "update the NVIDIA driver"),
])
def test_a_cupy_built_for_a_newer_cuda_than_the_driver_names_the_wheel_to_install(
        driver, runtime, wheel):
    from tinytorch.backends.cuda import wheel_advice
    advice = wheel_advice(driver, runtime)
    assert wheel in advice
    assert f"CUDA {runtime // 1000}" in advice and f"CUDA {driver // 1000}" in advice


@pytest.mark.parametrize("driver, runtime", [(13000, 13000), (13020, 12080), (12090, 12000)])
def test_a_cupy_within_the_drivers_cuda_needs_no_advice(driver, runtime):
    from tinytorch.backends.cuda import wheel_advice
    assert wheel_advice(driver, runtime) is None


@no_cupy
def test_cuda_queries_answer_without_raising():
    assert tt.cuda.is_available() is False
    assert tt.cuda.device_count() == 0
    assert "cuda:0" not in tt.testing.available_devices()


def test_cuda_queries_are_consistent():
    count = tt.cuda.device_count()
    assert isinstance(count, int) and count >= 0
    assert tt.cuda.is_available() == (count > 0)


# ---- the backend registry -----------------------------------------------------------------

def test_registered_types_and_available_devices():
    assert {"cpu", "cuda", "strict"} <= set(backends.registered_types())
    found = tt.testing.available_devices()
    assert {"cpu", "strict:0", "strict:1"} <= set(found)


def test_a_registered_backend_becomes_a_device_type():
    backends.register(backends.Backend(
        name="hostnp", load=lambda: compat_numpy, device_count=lambda: 1,
        native_device=lambda index: "cpu", from_host=lambda a, dev: np.asarray(a),
        to_host=np.asarray, to_array=np.asarray, array_type=np.ndarray))
    try:
        assert "hostnp" in backends.registered_types()
        x = tt.tensor([[1.0, 2.0], [3.0, 4.0]], device="hostnp")
        assert x.device == "hostnp:0"
        y = (x @ x).sum(dim=0)
        np.testing.assert_allclose(host(y), [22.0, 32.0])
        with pytest.raises(RuntimeError, match="hostnp:0"):
            x + tt.ones(2, 2)
    finally:
        backends._registry.pop("hostnp", None)


def test_backend_names_must_be_identifiers():
    with pytest.raises(ValueError, match="identifier"):
        backends.register(backends.Backend(
            name="not a name", load=lambda: None, device_count=lambda: 0,
            native_device=lambda i: None, from_host=lambda a, d: a, to_host=lambda a: a))
