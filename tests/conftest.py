"""Shared fixtures: `device` runs a test once per device type's devices.

cpu, strict:0 and strict:1 always run; cuda:0 runs where CuPy sees a GPU and
is reported as skipped, with the reason, everywhere else.
"""

import os

import pytest
from hypothesis import HealthCheck, settings

import tinytorch as tt
from tinytorch.testing import available_devices

settings.register_profile("default", deadline=None, max_examples=25,
                          suppress_health_check=[HealthCheck.too_slow])
# CI draws the same examples every run (derandomize), so a CI result is reproducible with
# `CI=true pytest tests tinytorch/conformance`; local runs keep exploring new examples.
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")

_AVAILABLE = available_devices()


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
