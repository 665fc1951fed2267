"""Machine-readable reports of a conformance run: JSON and Markdown (JUnit XML is pytest's own
--junitxml). conftest.py registers `ReportPlugin` when --conformance-json or
--conformance-markdown is given; `python -m tinytorch.conformance --report/--markdown` passes them.

The JSON report holds, per device, category and property (a test with its device left out of
its name, e.g. "test_op_values.py::test_op_matches_numpy[exp]"): the outcome, and for a failure
the error and the falsifying example hypothesis shrank it to; for a skip, the reason. It also
names the library behind each device and the versions of everything that decides the result.

Assumes: conftest.py's RESULTS (node id -> device, category, outcome) is complete when pytest
prints its terminal summary, which is when the reports are written.
Production does instead: CI systems read JUnit XML; larger suites (array-api-tests, PyTorch's
OpInfo tests) leave per-test JSON to plugins such as pytest-json-report.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import platform
import sys
from pathlib import Path

import pytest

FORMAT = "tinytorch-conformance-report/1"
OUTCOMES = ("passed", "failed", "skipped")
# Distributions whose versions decide a result; missing ones are reported as not installed.
VERSIONS_OF = ("tinytorch", "numpy", "array-api-compat", "array-api-strict", "cupy-cuda13x",
               "cupy-cuda12x", "hypothesis", "pytest")  # CuPy's wheel per CUDA major version
_MESSAGE_LIMIT = 4000  # characters of an error message kept in a report


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        if distribution == "tinytorch":  # run from a source tree that is not installed
            import tinytorch
            return tinytorch.__version__
        return None


def _counts(entries) -> dict:
    return {k: sum(e["outcome"] == k for e in entries) for k in OUTCOMES}


def property_name(item, device: str) -> str:
    """The test's file and name with the device left out of its parameters."""
    callspec = getattr(item, "callspec", None)
    parts = callspec.id.split("-") if callspec else []
    if device in parts:
        parts.remove(device)
    params = f"[{'-'.join(parts)}]" if parts else ""
    return f"{item.path.name}::{item.originalname}{params}"


class ReportPlugin:
    """Collects each conformance test's details and writes the reports at the end of the run."""

    def __init__(self, results: dict, config_state, categories, any_device: str, library):
        self.results, self.state, self.categories = results, config_state, categories
        self.any_device, self.library = any_device, library
        self.details: dict = {}  # node id -> {"property", "message", "example", "reason"}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        for item in items:
            entry = self.results.get(item.nodeid)
            if entry is not None:
                self.details[item.nodeid] = {"property": property_name(item, entry["device"])}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        detail = self.details.get(item.nodeid)
        if detail is None or call.excinfo is None:
            return
        if report.failed and "message" not in detail:
            error = call.excinfo.value
            detail["message"] = f"{type(error).__name__}: {error}"[:_MESSAGE_LIMIT]
            # hypothesis attaches the shrunk example (and how to reproduce it) as notes
            notes = [str(n) for n in getattr(error, "__notes__", ())]
            detail["example"] = "\n".join(notes) or None
            detail["when"] = call.when
        elif report.skipped and "reason" not in detail:
            longrepr = report.longrepr
            detail["reason"] = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter, exitstatus, config):
        report = self.build(int(exitstatus))
        written = []
        path = config.getoption("conformance_json")
        if path:
            Path(path).write_text(json.dumps(report, indent=2) + "\n")
            written.append(path)
        path = config.getoption("conformance_markdown")
        if path:
            Path(path).write_text(markdown(report))
            written.append(path)
        for path in written:
            terminalreporter.write_line(f"tinytorch conformance report written to {path}")

    def build(self, exit_status: int) -> dict:
        """The JSON report as a dict."""
        ran = {node: e for node, e in self.results.items() if e["outcome"] is not None}
        devices = {}
        for device in [*self.state.selected, self.any_device]:
            nodes = [node for node, e in ran.items() if e["device"] == device]
            if not nodes and device == self.any_device:
                continue
            reason = self.state.selected.get(device)
            categories = {}
            for category in self.categories:
                chosen = [node for node in nodes if ran[node]["category"] == category]
                if chosen:
                    categories[category] = {
                        "counts": _counts([ran[n] for n in chosen]),
                        "properties": {self._property(n): self._result(n, ran[n])
                                       for n in sorted(chosen)},
                    }
            counts = _counts([ran[n] for n in nodes])
            devices[device] = {
                "library": None if device == self.any_device else self.library(device),
                "available": reason is None,
                "unavailable_reason": reason,
                "verdict": ("fails" if counts["failed"] else "passes" if counts["passed"]
                            else "not run"),
                "counts": counts,
                "categories": categories,
            }
        return {
            "format": FORMAT,
            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "profile": self.state.profile,
            "exit_status": exit_status,
            "versions": {"python": platform.python_version(),
                         **{name: _version(name) for name in VERSIONS_OF}},
            "platform": {"system": platform.platform(), "machine": platform.machine(),
                         "executable": sys.executable},
            "totals": _counts(ran.values()),
            "devices": devices,
        }

    def _property(self, node: str) -> str:
        return self.details.get(node, {}).get("property", node)

    def _result(self, node: str, entry: dict) -> dict:
        detail = self.details.get(node, {})
        result = {"outcome": entry["outcome"], "node": node}
        if entry["outcome"] == "failed":
            result.update(message=detail.get("message"), example=detail.get("example"),
                          phase=detail.get("when"))
        elif entry["outcome"] == "skipped":
            result["reason"] = detail.get("reason")
        return result


def markdown(report: dict) -> str:
    """The report's summary as Markdown, for pasting into an issue."""
    versions = ", ".join(f"{k} {v}" for k, v in report["versions"].items() if v)
    lines = [
        "## tinytorch conformance report",
        "",
        f"Profile `{report['profile']}`, {report['created']}, {report['platform']['system']}.",
        f"Versions: {versions}.",
        "",
        "| device | library | category | passed | failed | skipped |",
        "| --- | --- | --- | ---: | ---: | ---: |",
    ]
    for device, data in report["devices"].items():
        for category, entry in data["categories"].items():
            c = entry["counts"]
            lines.append(f"| {device} | {data['library'] or '-'} | {category} | {c['passed']} | "
                         f"{c['failed']} | {c['skipped']} |")
    lines.append("")
    for device, data in report["devices"].items():
        verdict = data["verdict"]
        if data["unavailable_reason"]:
            verdict += f": {data['unavailable_reason']}"
        lines.append(f"- **{device}**: {verdict}")
    failures = [(device, name, result) for device, data in report["devices"].items()
                for entry in data["categories"].values()
                for name, result in entry["properties"].items() if result["outcome"] == "failed"]
    if failures:
        lines += ["", "### Failures", ""]
        for device, name, result in failures:
            text = "\n".join(filter(None, [result["message"], result["example"]]))
            lines += [f"**{device}** `{name}`", "", "```text", text, "```", ""]
    return "\n".join(lines).rstrip() + "\n"
