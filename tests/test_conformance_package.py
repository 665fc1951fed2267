"""The conformance suite as a product: backends found through entry points, the
`python -m tinytorch.conformance` command, and its reports."""

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import tinytorch as tt
from tinytorch import backends
from tinytorch.conformance import __main__ as cli

ROOT = Path(tt.__file__).resolve().parent.parent

# A backend package as pip would install it: the module and a dist-info folder whose
# entry_points.txt declares it. Its arrays are NumPy's through array-api-compat.
FAKE_MODULE = '''
import array_api_compat.numpy as xp
import numpy as np
from tinytorch.backends import Backend

LOADED = []

def _load():
    LOADED.append(True)
    return xp

BACKEND = Backend(name="{name}", load=_load, device_count=lambda: 2,
                  native_device=lambda index: "cpu", from_host=lambda host, dev: np.asarray(host),
                  to_host=np.asarray, to_array=np.asarray, array_type=np.ndarray)
WRONG = Backend(name="another", load=_load, device_count=lambda: 1,
                native_device=lambda index: "cpu", from_host=lambda host, dev: host,
                to_host=np.asarray)
'''


# A device type whose hardware is missing here.
FAKE_GPU = """
from tinytorch.backends import Backend, BackendUnavailableError

def _check():
    raise BackendUnavailableError("nosuchgpu needs a GPU that this machine does not have")

BACKEND = Backend(name="nosuchgpu", load=lambda: None, device_count=lambda: 0,
                  native_device=lambda index: None, from_host=None, to_host=None,
                  check_available=_check)
"""


def _install_fake_package(root: Path, name: str, entry_points: str, source=FAKE_MODULE):
    (root / f"{name}_pkg").mkdir(parents=True)
    (root / f"{name}_pkg" / "__init__.py").write_text(source.format(name=name))
    info = root / f"{name}_pkg-1.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}-pkg\nVersion: 1.2\n")
    (info / "entry_points.txt").write_text(f"[tinytorch.backends]\n{entry_points}\n")


@pytest.fixture
def fresh_registry(monkeypatch):
    """Backends registered during the test are forgotten afterwards."""
    monkeypatch.setattr(backends, "_registry", dict(backends._registry))


def test_a_backend_is_found_through_its_entry_point_alone(tmp_path, monkeypatch, fresh_registry):
    _install_fake_package(tmp_path, "fakenp", "fakenp = fakenp_pkg:BACKEND")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "fakenp" in backends.registered_types()
    assert "fakenp_pkg" not in sys.modules  # listed without being imported
    x = tt.tensor([[1.0, -2.0]], device="fakenp:1", requires_grad=True)
    (x * x).sum().backward()
    assert x.device == "fakenp:1" and x.grad.device == "fakenp:1"
    assert x.grad.tolist() == [[2.0, -4.0]]
    assert sys.modules["fakenp_pkg"].LOADED == [True]
    assert backends.get("fakenp") is sys.modules["fakenp_pkg"].BACKEND


def test_a_broken_entry_point_says_which_package_to_fix(tmp_path, monkeypatch, fresh_registry):
    _install_fake_package(tmp_path, "fakebad", "fakebad = fakebad_pkg:MISSING\n"
                                              "fakewrong = fakebad_pkg:WRONG")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(RuntimeError, match=r"fakebad-pkg 1\.2.*failed to load: AttributeError"):
        backends.get("fakebad")
    with pytest.raises(RuntimeError, match=r"whose name is 'fakewrong'.*Backend\(name='another'"):
        backends.get("fakewrong")


def test_an_entry_point_cannot_replace_a_built_in_backend(tmp_path, monkeypatch, fresh_registry):
    _install_fake_package(tmp_path, "fakecpu", "cpu = fakecpu_pkg:BACKEND")
    monkeypatch.syspath_prepend(str(tmp_path))
    backends._registry.pop("cpu", None)
    assert backends.get("cpu").array_type is not None and "fakecpu_pkg" not in sys.modules


def test_missing_test_extra_is_named(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # as if not installed
    assert cli.main(["--device", "cpu"]) == 2
    error = capsys.readouterr().err
    assert "needs hypothesis" in error and 'pip install "tinytorch[test]"' in error


def _summary_rows(output):
    """{(device, category): (passed, failed, skipped)} from the printed summary."""
    rows = re.findall(r"^(\S+)\s+.*?\s(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", output, re.M)
    return {(d, c): tuple(map(int, n)) for d, c, *n in rows}


def test_reports_match_the_printed_summary(tmp_path):
    """One run with a deliberate bug (Neg.backward's sign, see breakages.py), one available
    device and one that is not: the JSON, Markdown and JUnit reports agree with the summary."""
    site = tmp_path / "site"
    _install_fake_package(site, "nosuchgpu", "nosuchgpu = nosuchgpu_pkg:BACKEND", FAKE_GPU)
    path = [str(site), str(ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "TINYTORCH_CONFORMANCE_BREAK": "neg_backward",
           "PYTHONPATH": os.pathsep.join(filter(None, path))}
    run = subprocess.run(
        [sys.executable, "-m", "tinytorch.conformance", "--device", "strict:1,nosuchgpu",
         "--report", "r.json", "--markdown", "r.md", "--junit", "r.xml", "--",
         "-p", "tinytorch.conformance.breakages", "-k", "test_gradcheck_float64 and neg"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    printed = _summary_rows(run.stdout)
    report = json.loads((tmp_path / "r.json").read_text())
    from_json = {(device, category): tuple(entry["counts"][k]
                                           for k in ("passed", "failed", "skipped"))
                 for device, data in report["devices"].items()
                 for category, entry in data["categories"].items()}
    assert from_json == printed and printed, run.stdout
    strict, missing = report["devices"]["strict:1"], report["devices"]["nosuchgpu:0"]
    assert strict["counts"]["failed"] == 1 and strict["verdict"] == "fails"
    failure = strict["categories"]["gradients"]["properties"]["test_op_gradients.py::"
                                                               "test_gradcheck_float64[neg]"]
    assert failure["outcome"] == "failed" and "Jacobian mismatch" in failure["message"]
    assert re.search(r"Draw \d+ \(arguments\): \(array\(", failure["example"])
    assert not missing["available"] and missing["verdict"] == "not run"
    assert "needs a GPU that this machine does not have" in missing["unavailable_reason"]
    assert missing["counts"]["skipped"] >= 1 and missing["counts"]["passed"] == 0
    assert report["versions"]["numpy"] == np.__version__ and report["profile"] == "quick"
    assert report["totals"]["failed"] == 1
    markdown = (tmp_path / "r.md").read_text()
    assert "| strict:1 | array_api_strict" in markdown and "Jacobian mismatch" in markdown
    suite = ET.parse(tmp_path / "r.xml").getroot().find("testsuite")
    assert int(suite.get("failures")) == 1
