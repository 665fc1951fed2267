"""Category "devices": results live on their inputs' device, backed by that backend's own arrays
on that native device; factories honour device= and the default device; mixing devices raises
an error naming both; `.to()` round trips bit for bit.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinytorch as tt
from tinytorch.testing import available_devices
from tinytorch.testing import strategies as tts
from tinytorch.testing.compare import placement_problem
from tinytorch.testing.opspecs import OPS

from .config import examples
from .support import (
    check_placement,
    host,
    outputs,
    small_example,
    supported,
    to_device,
    weights_like,
)

pytestmark = pytest.mark.conformance("devices")

def _first_dtype(spec, device):
    found = supported(device, [d for d in spec.dtypes if d.startswith("float")]) or supported(
        device, spec.dtypes)
    return found[0] if found else None


def test_every_op_returns_tensors_on_its_inputs_device(device):
    """Forward results and the gradients backward sends to the inputs, for every op in OPS."""
    wrong = []
    for spec in OPS:
        dtype = _first_dtype(spec, device)
        if dtype is None:
            continue
        args = small_example(spec, dtype)
        grad = spec.differentiable and dtype.startswith("float")
        leaves = [to_device(a, device, requires_grad=grad) for a in args]
        try:
            results = outputs(spec.fn(*leaves))
            check_placement(results, device)
            if grad:
                total = None
                for i, out in enumerate(results):
                    if out.requires_grad:
                        term = (out * weights_like(out, i)).sum()
                        total = term if total is None else total + term.to(total.dtype)
                if total is not None:
                    total.backward()
                check_placement(leaves, device, what="input (with its .grad)")
        except Exception as exc:  # noqa: BLE001 - collect every op's problem, then fail once
            wrong.append(f"{spec.name}({', '.join(str(a.shape) for a in args)}, {dtype}): "
                         f"{type(exc).__name__}: {exc}")
    assert not wrong, f"{len(wrong)} ops misplace results on {device}:\n" + "\n".join(wrong)


def _factories(device):
    x = tt.ones((2, 3), device=device)
    return {
        "zeros": (tt.zeros(2, 3, device=device), np.zeros((2, 3), "float32")),
        "ones": (tt.ones((2,), dtype="int32", device=device), np.ones(2, "int32")),
        "empty": (tt.empty(4, device=device), None),
        "full": (tt.full((2,), 7, device=device), np.full(2, 7, "int64")),
        "full float": (tt.full((2,), 1.5, device=device), np.full(2, 1.5, "float32")),
        "arange": (tt.arange(5, device=device), np.arange(5)),
        "arange float": (tt.arange(0.0, 1.0, 0.25, device=device),
                         np.arange(0.0, 1.0, 0.25, dtype="float32")),
        "linspace": (tt.linspace(0, 1, 5, device=device), np.linspace(0, 1, 5, dtype="float32")),
        "eye": (tt.eye(3, 2, device=device), np.eye(3, 2, dtype="float32")),
        "rand": (tt.rand(2, 2, device=device), None),
        "randn": (tt.randn(3, dtype="float64", device=device), None),
        "randint": (tt.randint(0, 5, (3,), device=device), None),
        "randperm": (tt.randperm(4, device=device), None),
        "tensor(list)": (tt.tensor([[1, 2]], device=device), np.array([[1, 2]])),
        "tensor(ndarray)": (tt.tensor(np.arange(3, dtype="uint8"), device=device),
                            np.arange(3, dtype="uint8")),
        "as_tensor": (tt.as_tensor([True, False], device=device), np.array([True, False])),
        "asarray": (tt.asarray([1.5], device=device), np.array([1.5], "float32")),
        "tensor(cpu tensor)": (tt.tensor(tt.ones(2), device=device), np.ones(2, "float32")),
        "zeros_like": (tt.zeros_like(x), np.zeros((2, 3), "float32")),
        "ones_like": (tt.ones_like(x, dtype="int8"), np.ones((2, 3), "int8")),
        "full_like": (tt.full_like(x, 3.0), np.full((2, 3), 3.0, "float32")),
        "empty_like": (tt.empty_like(x), None),
        "rand_like": (tt.rand_like(x), None),
        "randn_like": (tt.randn_like(x), None),
        "zeros_like(cpu, device=)": (tt.zeros_like(tt.ones(2), device=device),
                                     np.zeros(2, "float32")),
    }


def test_factories_honour_device(device):
    wrong = []
    for name, (t, expected) in _factories(device).items():
        problem = placement_problem(t, device)
        if problem is None and expected is not None:
            if t.dtype != expected.dtype.name:
                problem = f"dtype {t.dtype}, expected {expected.dtype.name}"
            elif not np.array_equal(host(t), expected):
                problem = f"values {host(t).tolist()}, expected {expected.tolist()}"
        if problem:
            wrong.append(f"{name}: {problem}")
    assert not wrong, "\n".join(wrong)


def test_same_seed_draws_the_same_numbers_on_every_device(device):
    draws = {}
    for where in ("cpu", device):
        tt.manual_seed(1234)
        draws[where] = [host(tt.rand(3, device=where)), host(tt.randn(2, 2, device=where)),
                        host(tt.randint(0, 100, (4,), device=where)),
                        host(tt.randperm(5, device=where))]
    for mine, reference in zip(draws[device], draws["cpu"]):
        assert np.array_equal(mine, reference)


def test_default_device_is_honoured(device, monkeypatch):
    cpu_input = tt.ones(2, device="cpu")
    tt.set_default_device(device)
    assert tt.get_default_device() == device
    made = [tt.zeros(2), tt.ones(2), tt.empty(2), tt.full((2,), 1.0), tt.arange(3),
            tt.linspace(0, 1, 3), tt.eye(2), tt.rand(2), tt.randn(2), tt.randint(0, 3, (2,)),
            tt.randperm(3), tt.tensor([1.0]), tt.as_tensor([1]), tt.asarray([True])]
    check_placement(made, device, what="factory without device=")
    # ops follow their inputs, not the default device
    check_placement([cpu_input + 1, cpu_input.exp(), cpu_input.sum()], "cpu",
                    what="op on cpu inputs")
    tt.set_default_device("cpu")

    with tt.device(device):
        inside = tt.zeros(1)
        with tt.device("cpu"):
            nested = tt.zeros(1)
        after_nested = tt.zeros(1)
    check_placement([inside, after_nested], device, what="inside `with tt.device(...)`")
    check_placement([nested, tt.zeros(1)], "cpu", what="after the block")

    monkeypatch.setenv("TINYTORCH_DEVICE", str(device))
    monkeypatch.setattr(importlib.import_module("tinytorch.device"), "_default", None)  # fresh
    assert tt.get_default_device() == device
    check_placement([tt.ones(3)], device, what="with TINYTORCH_DEVICE set")


def _partners(device):
    """Other devices on this machine to mix with `device`: cpu, and a sibling of its type."""
    found = []
    for other in available_devices():
        if other == device:
            continue
        same_type = other.partition(":")[0] == device.partition(":")[0]
        if other == "cpu" or same_type or (device == "cpu" and not found):
            found.append(other)
    return found


def test_mixing_devices_raises_naming_both(device):
    partners = _partners(device)
    if not partners:
        pytest.skip(f"no second device is available to mix with {device}")
    wrong = []
    for other in partners:
        for spec in OPS:
            dtype = _first_dtype(spec, device)
            if spec.arity < 2 or dtype is None or dtype not in supported(other, [dtype]):
                continue
            args = small_example(spec, dtype)
            for first in (device, other):
                second = other if first == device else device
                tensors = [to_device(a, first if i == 0 else second) for i, a in enumerate(args)]
                try:
                    spec.fn(*tensors)
                except RuntimeError as exc:
                    if first not in str(exc) or second not in str(exc):
                        wrong.append(f"{spec.name}({first}, {second}): message does not name "
                                     f"both devices: {exc}")
                    continue
                except Exception as exc:  # noqa: BLE001
                    wrong.append(f"{spec.name}({first}, {second}): {type(exc).__name__} "
                                 f"instead of RuntimeError: {exc}")
                    continue
                wrong.append(f"{spec.name}({first}, {second}) did not raise")
        x, y = tt.ones(3, device=device), tt.ones(3, device=other)
        index = tt.tensor([0, 1], device=other)
        for what, call in [("x.add_(y)", lambda x, y, i: x.add_(y)),
                           ("x[y_index]", lambda x, y, i: x[i]),
                           ("x[y_index] = 1", lambda x, y, i: x.__setitem__(i, 1.0)),
                           ("x[0:2] = y[0:2]", lambda x, y, i: x.__setitem__(slice(0, 2), y[:2])),
                           ("cat([x, y])", lambda x, y, i: tt.cat([x, y])),
                           ("stack([x, y])", lambda x, y, i: tt.stack([x, y])),
                           ("where(x > 0, x, y)", lambda x, y, i: tt.where(x > 0, x, y))]:
            try:
                call(x, y, index)
            except RuntimeError as exc:
                if str(device) not in str(exc) or other not in str(exc):
                    wrong.append(f"{what} with {other}: message does not name both: {exc}")
                continue
            wrong.append(f"{what} with x on {device} and y on {other} did not raise")
        leaf = tt.ones(3, device=device, requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            (leaf * 2).backward(gradient=tt.ones(3, device=other))
        assert str(device) in str(info.value) and other in str(info.value)
    assert not wrong, "\n".join(wrong)


def _round_trip_tensors(device):
    @st.composite
    def draw(draw):
        dtype = draw(tts.device_dtypes(device), label="dtype")
        elements = (tts.elements(dtype, allow_nan=True, allow_infinity=True)
                    if dtype.startswith("float") else tts.elements(dtype))
        return draw(tts.tensors(dtype=dtype, shape=tts.shapes(max_dims=3, min_side=0),
                                device="cpu", elements=elements), label="tensor")
    return draw()


@examples("devices")
@given(data=st.data())
def test_to_round_trips_exactly(device, data):
    x = data.draw(_round_trip_tensors(device))
    original = host(x)
    moved = x.to(device)
    check_placement([moved], device)
    assert moved.dtype == x.dtype and moved.shape == x.shape
    assert moved.to(device) is moved, ".to(its own device) must return the tensor itself"
    stops = [device, *[p for p in _partners(device) if x.dtype in supported(p, [x.dtype])]]
    current = x
    for stop in stops + ["cpu"]:
        current = current.to(stop)
        check_placement([current], stop)
        back = host(current)
        assert back.dtype == original.dtype and back.shape == original.shape
        assert back.tobytes() == original.tobytes(), (
            f"values changed on the way to {stop}: {back.tolist()} vs {original.tolist()}")


@examples("devices")
@given(values=st.lists(tts.elements("float32"), min_size=1, max_size=6))
def test_to_is_differentiable_across_devices(device, values):
    source = tt.tensor(values, device="cpu", requires_grad=True)
    moved = source.to(device)
    weights = weights_like(moved)
    (moved * weights).sum().backward()
    check_placement([source], "cpu", what="source (with its .grad)")
    assert np.array_equal(host(source.grad), host(weights))
