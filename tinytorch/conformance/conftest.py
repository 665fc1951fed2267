"""pytest wiring for the conformance suite: --device and --profile, one test item per device,
and the per-device, per-category summary printed at the end.

`pytest conformance` loads this file at startup because conformance/ is one of the paths on
the command line, so its options exist for `pytest conformance ...` and for
`pytest tests conformance ...` alike. Tests that take a `device` argument run once per
selected device; a device that cannot be used here is reported as skipped with the reason.
"""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest

import tinytorch as tt
from tinytorch import backends

from .config import CATEGORIES, CONFIG, PROFILES, pytest_runtest_call  # noqa: F401 - a hook

# The library behind each built-in device type, for the summary when a backend cannot load.
_LIBRARY = {"cpu": "numpy", "strict": "array_api_strict", "cuda": "cupy"}
DEVICE_VARIABLE, PROFILE_VARIABLE = "TINYTORCH_CONFORMANCE_DEVICE", "TINYTORCH_CONFORMANCE_PROFILE"


def pytest_addoption(parser):
    group = parser.getgroup("tinytorch conformance")
    group.addoption(
        "--device", action="append", default=[], metavar="DEVICE",
        help="run the conformance suite on DEVICE (cpu, strict:0, strict:1, cuda, cuda:1, ...); "
             "repeat it or separate devices with commas. Default: every device type's devices.")
    group.addoption(
        "--profile", default="quick", choices=sorted(PROFILES),
        help="how many hypothesis examples each property gets: quick (default, about a minute "
             "on a laptop) or thorough (many more).")
    group.addoption(
        "--conformance-json", metavar="PATH", default=None,
        help="write the JSON report (per device, category and property) to PATH.")
    group.addoption(
        "--conformance-markdown", metavar="PATH", default=None,
        help="write the summary as Markdown to PATH.")


def _default_devices() -> list[str]:
    names = []
    for kind in backends.registered_types():
        if kind == "cpu":
            names.append("cpu")
            continue
        try:
            count = backends.get(kind).device_count()
        except Exception:  # noqa: BLE001 - an unusable backend still gets one (skipped) entry
            count = 0
        names += [f"{kind}:{i}" for i in range(max(count, 1))]
    return names


def unavailable_reason(name: str) -> str | None:
    """None if device `name` can be used on this machine, else why not (the backend's words)."""
    try:
        tt.device(name).xp  # noqa: B018 - checks the library, the hardware and the index
    except Exception as exc:  # noqa: BLE001
        return str(exc) or type(exc).__name__
    return None


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "conformance(category): the conformance summary category of a test")
    CONFIG.profile = config.getoption("profile")
    devices = config.getoption("device")
    # `pytest --pyargs tinytorch.conformance` imports this file after pytest has parsed the
    # command line, too late for --device and --profile: there the environment gives them.
    if not devices and os.environ.get(DEVICE_VARIABLE):
        devices = [os.environ[DEVICE_VARIABLE]]
    if os.environ.get(PROFILE_VARIABLE) and CONFIG.profile == "quick":
        CONFIG.profile = os.environ[PROFILE_VARIABLE]
        if CONFIG.profile not in PROFILES:
            raise pytest.UsageError(f"{PROFILE_VARIABLE}={CONFIG.profile}: expected one of "
                                    f"{', '.join(sorted(PROFILES))}")
    asked = [part.strip() for value in devices for part in value.split(",") if part.strip()]
    names = []
    for spec in asked or _default_devices():
        try:
            name = str(tt.device(spec))
        except Exception as exc:  # noqa: BLE001
            raise pytest.UsageError(f"--device {spec}: {exc}") from exc
        if name not in names:
            names.append(name)
    CONFIG.selected = {name: unavailable_reason(name) for name in names}
    RESULTS.clear()
    if config.getoption("conformance_json") or config.getoption("conformance_markdown"):
        from .report import ReportPlugin
        plugin = ReportPlugin(RESULTS, CONFIG, CATEGORIES, _ANY, library)
        config.pluginmanager.register(plugin, "tinytorch-conformance-report")


def pytest_report_header(config):
    parts = [f"{d}" + ("" if reason is None else " (unavailable)")
             for d, reason in CONFIG.selected.items()]
    return [f"tinytorch conformance: profile {CONFIG.profile}; devices {', '.join(parts)}"]


def pytest_generate_tests(metafunc):
    if "device" not in metafunc.fixturenames:
        return
    params = []
    for name, reason in CONFIG.selected.items():
        marks = [pytest.mark.skip(reason=f"{name} is not available: {reason}")] if reason else []
        params.append(pytest.param(name, marks=marks, id=name))
    metafunc.parametrize("device", params)


@pytest.fixture(autouse=True)
def _reset_global_state():
    """Every test starts and ends with the cpu default device, float32 and grad mode on."""
    tt.set_default_device("cpu")
    tt.set_default_dtype("float32")
    tt.set_grad_enabled(True)
    yield
    tt.set_default_device("cpu")
    tt.set_default_dtype("float32")
    tt.set_grad_enabled(True)


# ---- the summary ---------------------------------------------------------------------------

_ANY = "(any)"  # tests that check no particular device: the promotion table, coverage, meta
RESULTS: dict = {}  # node id -> {"device", "category", "outcome"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        marker = item.get_closest_marker("conformance")
        if marker is None:
            continue
        callspec = getattr(item, "callspec", None)
        device = callspec.params.get("device", _ANY) if callspec else _ANY
        RESULTS[item.nodeid] = {"device": device, "category": marker.args[0], "outcome": None}


def pytest_runtest_logreport(report):
    entry = RESULTS.get(report.nodeid)
    if entry is None:
        return
    if report.failed:
        entry["outcome"] = "failed"
    elif report.skipped and entry["outcome"] is None:
        entry["outcome"] = "skipped"
    elif report.when == "call" and report.passed and entry["outcome"] is None:
        entry["outcome"] = "passed"


def library(name: str) -> str:
    """The array library (and version) behind device `name`, e.g. "numpy 2.4.6"."""
    kind = name.partition(":")[0]
    if CONFIG.selected.get(name) is None:
        try:
            backend = tt.device(name).backend
            backend.xp  # noqa: B018
            module = backend.array_type.__module__.split(".")[0]
            return f"{module} {getattr(sys.modules[module], '__version__', '?')}"
        except Exception:  # noqa: BLE001 - fall back to what is installed
            pass
    module = _LIBRARY.get(kind, kind)
    if importlib.util.find_spec(module) is None:
        return f"{module} (not installed)"
    try:
        version = getattr(importlib.import_module(module), "__version__", "?")
    except Exception:  # noqa: BLE001 - installed but broken (a CuPy without its CUDA libraries)
        return f"{module} (fails to import)"
    return f"{module} {version}"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    ran = [r for r in RESULTS.values() if r["outcome"] is not None]
    if not ran:
        return
    write = terminalreporter.write_line
    terminalreporter.section(f"tinytorch conformance summary (profile {CONFIG.profile})")
    write(f"{'device':<10} {'library':<26} {'category':<13} {'passed':>6} {'failed':>6} "
          f"{'skipped':>7}")
    verdicts = []
    for device in [*CONFIG.selected, _ANY]:
        rows = [r for r in ran if r["device"] == device]
        if not rows:
            continue
        lib = library(device) if device != _ANY else "-"
        for category in CATEGORIES:
            chosen = [r for r in rows if r["category"] == category]
            if not chosen:
                continue
            counts = {k: sum(r["outcome"] == k for r in chosen)
                      for k in ("passed", "failed", "skipped")}
            write(f"{device:<10} {lib:<26} {category:<13} {counts['passed']:>6} "
                  f"{counts['failed']:>6} {counts['skipped']:>7}")
        failed = sum(r["outcome"] == "failed" for r in rows)
        passed = sum(r["outcome"] == "passed" for r in rows)
        reason = CONFIG.selected.get(device)
        verdict = ("FAILS" if failed else "passes" if passed else
                   f"not run: {reason}" if reason else "not run (everything skipped)")
        verdicts.append(f"{device}: {verdict}")
    for line in verdicts:
        write(line)
