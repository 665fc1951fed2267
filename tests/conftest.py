"""Shared fixtures: `device` runs a test once per device type's devices.

cpu, strict:0 and strict:1 always run; cuda:0 runs where CuPy sees a GPU and
is reported as skipped, with the reason, everywhere else.

Tests that use PyTorch as an oracle (they `pytest.importorskip("torch")`, so they skip
cleanly without it) get the `torch_oracle` marker here, so CI can run and count them on
their own: `pytest tests -m torch_oracle`.
"""

import inspect
import os

import pytest
from hypothesis import HealthCheck, settings

import tinytorch as tt
from tinytorch.conformance.config import pytest_runtest_call  # noqa: F401 - a hook: see its docstring
from tinytorch.testing import available_devices

settings.register_profile("default", deadline=None, max_examples=25,
                          suppress_health_check=[HealthCheck.too_slow])
# CI draws the same examples every run (derandomize), so a CI result is reproducible with
# `CI=true pytest tests tinytorch/conformance`; local runs keep exploring new examples.
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

_AVAILABLE = available_devices()


def _is_torch_oracle(item) -> bool:
    function, module = getattr(item, "function", None), getattr(item, "module", None)
    if function is None:
        return False
    if getattr(getattr(module, "torch", None), "__name__", None) == "torch":
        return True  # the module imported torch (importorskip at module level)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    return 'importorskip("torch"' in source


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_torch_oracle(item):
            item.add_marker(pytest.mark.torch_oracle)


def _cuda_skip_reason():
    try:
        tt.backends.get("cuda").check_available()
    except RuntimeError as exc:
        return str(exc)
    return None


DEVICES = ["cpu", "strict:0", "strict:1", "cuda:0"]


@pytest.fixture(params=DEVICES)
def device(request):
    name = request.param
    if name not in _AVAILABLE:
        pytest.skip(f"{name} is not available here: {_cuda_skip_reason() or 'no such device'}")
    return name


@pytest.fixture(autouse=True)
def _reset_global_state():
    """Each test starts on the cpu default device and float32 default dtype, grad mode on."""
    yield
    tt.set_default_device("cpu")
    tt.set_default_dtype("float32")
    tt.set_grad_enabled(True)
