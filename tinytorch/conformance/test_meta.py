"""Category "meta": the suite can fail. Each test breaks tinytorch on purpose (see breakages.py),
runs the conformance tests that should notice in a subprocess, and checks that they fail with
the expected kind of message and a small, shrunk example.

The subprocesses start together (they are independent), so they cost about as much wall
time as the slowest one.

`test_each_kind_of_bug_is_caught_on_every_device` plants one bug of each kind the suite must
catch (a backward formula, an nn op, a tie rule, a dtype rule, a device placement, an index
key, an in-place rule, a value near zero, and argument forms: keepdim and unbiased) and checks
that the run fails on every device this run checks (by default every usable device).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from .breakages import ENV
from .config import CONFIG

pytestmark = pytest.mark.conformance("meta")

ROOT = Path(__file__).resolve().parent.parent


def _located(arg: str) -> str:
    """A "conformance/..." path in RUNS, made absolute so that it works wherever tinytorch is
    installed (ROOT is the tinytorch package directory)."""
    return str(ROOT / arg) if arg.startswith("conformance/") else arg

RUNS = {
    "neg_backward": ["--device", "cpu",
                     "conformance/test_op_gradients.py::test_gradcheck_float64[cpu-neg]"],
    "sigmoid_backward_strict": [
        "--device", "strict:1",
        "conformance/test_cross_device.py::test_random_programs_agree_with_cpu_and_numpy",
        "conformance/test_op_gradients.py::"
        "test_float32_gradients_match_float64_on_cpu[strict:1-sigmoid]"],
    "dtype_table": ["--device", "cpu", "conformance/test_dtype_rules.py"],
    "strict_leak": ["--device", "strict:1",
                    "conformance/test_device_placement.py::"
                    "test_every_op_returns_tensors_on_its_inputs_device",
                    "conformance/test_op_values.py::test_op_matches_numpy[strict:1-exp]"],
}


# kind of bug -> (breakage, category whose row must show a failure, test ids with {device})
EVERY_DEVICE = {
    "backward formula": ("neg_backward", "gradients",
                         ["conformance/test_op_gradients.py::test_gradcheck_float64[{device}-neg]"]),
    "nn op": ("conv2d_backward", "gradients",
              ["conformance/test_op_gradients.py::test_gradcheck_float64[{device}-conv2d_stride2]"]),
    "tie rule": ("tie_rule", "gradients",
                 ["conformance/test_rules.py::test_ties_share_the_gradient_of_max_and_min"
                  "[{device}-amax]"]),
    "dtype rule": ("dtype_table", "dtypes",
                   ["conformance/test_dtype_rules.py::"
                    "test_binary_op_dtypes_for_every_pair[{device}-arithmetic]"]),
    "device placement": ("list_index_device", "devices",
                         ["conformance/test_rules.py::"
                          "test_list_keys_are_built_on_the_tensors_device[{device}]"]),
    "index key": ("negative_step_slice", "values",
                  ["conformance/test_rules.py::test_index_keys_match_numpy[{device}]"]),
    "in-place rule": ("version_counter", "inplace",
                      ["conformance/test_rules.py::"
                       "test_in_place_writes_follow_the_version_rules[{device}-add_]"]),
    "value near zero": ("log1p_near_zero", "values",
                        ["conformance/test_rules.py::"
                         "test_ops_vanishing_at_zero_keep_relative_precision_there"
                         "[{device}-log1p]"]),
    "argument form: keepdim in a backward": (
        "logsumexp_keepdim", "gradients",
        ["conformance/test_rules.py::test_reduction_forms_pass_gradcheck[{device}-logsumexp]"]),
    "argument form: keepdim of any/all": (
        "any_keepdim", "values",
        ["conformance/test_rules.py::test_reduction_argument_forms_match_numpy[{device}-any]"]),
    "argument form: unbiased": (
        "unbiased_inverted", "values",
        ["conformance/test_rules.py::test_reduction_argument_forms_match_numpy[{device}-var]"]),
}


def _usable_devices():
    return [name for name, reason in CONFIG.selected.items() if reason is None]


def _every_device_runs():
    devices = _usable_devices()
    runs = {}
    for kind, (breakage, _category, templates) in EVERY_DEVICE.items():
        ids = [t.format(device=d) for t in templates for d in devices]
        runs[f"every device: {kind}"] = (breakage, [a for d in devices for a in ("--device", d)]
                                         + ids)
    return runs


@pytest.fixture(scope="module")
def broken_runs():
    """Start every broken run at once; return {name: (exit code, output)}."""
    started = {}
    every = _every_device_runs()
    for name, args in [*RUNS.items(), *((n, a) for n, (_, a) in every.items())]:
        breakage = every[name][0] if name in every else name
        env = {**os.environ, ENV: breakage, "PYTHONDONTWRITEBYTECODE": "1"}
        started[name] = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-p", "tinytorch.conformance.breakages", "-p",
             "no:cacheprovider", "-q", "--no-header", "-rf", *map(_located, args)],
            cwd=ROOT.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    results = {}
    for name, process in started.items():
        output, _ = process.communicate(timeout=300)
        results[name] = (process.returncode, output)
    return results


def _failed(result, name, *needles):
    code, output = result
    assert code == 1, f"breakage {name}: pytest exited {code}, expected 1 (tests failed):\n{output}"
    for needle in needles:
        assert re.search(needle, output), (f"breakage {name}: expected {needle!r} in the "
                                           f"output:\n{output}")
    return output


def _drawn(output, label):
    """The text hypothesis printed for the falsifying example's `label` draw (pytest prefixes
    each line with "E"; an array or a program may span several lines)."""
    lines = output.splitlines()
    for k, line in enumerate(lines):
        match = re.search(rf"Draw \d+ \({re.escape(label)}\): (.*)$", line)
        if not match:
            continue
        start, text = match.start(), [match.group(1)]
        for following in lines[k + 1:]:
            if following[:start].strip() not in ("", "E") or following[start:start + 1] != " ":
                break
            text.append(following[start:])
        return "\n".join(re.sub(r"\s+#.*$", "", t) for t in text)
    raise AssertionError(f"no falsifying '{label}' draw in the output:\n{output}")


def _shrunk_arrays(output):
    """The NumPy arrays of the falsifying example's arguments."""
    namespace = {"array": np.array, "float32": np.float32, "float64": np.float64,
                 "int64": np.int64, "nan": np.nan, "inf": np.inf}
    return eval(_drawn(output, "arguments"), namespace)  # noqa: S307 - NumPy reprs


def _summary_row(output, device, category):
    match = re.search(rf"^{re.escape(device)}\s+.*?\s{category}\s+(\d+)\s+(\d+)\s+(\d+)\s*$",
                      output, re.M)
    assert match, f"no summary row for {device} / {category}:\n{output}"
    return tuple(int(n) for n in match.groups())


def test_wrong_sign_in_a_backward_is_caught(broken_runs):
    output = _failed(broken_runs["neg_backward"], "neg_backward", r"GradcheckError",
                     r"Jacobian mismatch", r"Falsifying example|Failing test case")
    arrays = _shrunk_arrays(output)
    assert sum(np.size(a) for a in arrays) <= 2, f"example not shrunk: {arrays}"
    assert _summary_row(output, "cpu", "gradients")[1] == 1


def test_device_only_gradient_bug_is_caught_across_devices(broken_runs):
    output = _failed(broken_runs["sigmoid_backward_strict"], "sigmoid_backward_strict",
                     r"grad on strict:1 against cpu", r"leaf 0 of sigmoid")
    program = _drawn(output, "program")
    assert program.startswith("Program(") and program.count(" = ") <= 4, (
        f"program not shrunk:\n{program}")
    assert _summary_row(output, "strict:1", "cross-device")[1] == 1
    assert _summary_row(output, "strict:1", "gradients")[1] == 1


def test_wrong_promotion_entry_is_caught(broken_runs):
    output = _failed(broken_runs["dtype_table"], "dtype_table",
                     r"dtypes\._TABLE\[int8, uint8\] = int8, documented int16",
                     r"not commutative: \(int8, uint8\)",
                     r"add\(int8, uint8\) gives int8, documented int16")
    failed = _summary_row(output, "(any)", "dtypes")[1] + _summary_row(output, "cpu",
                                                                        "dtypes")[1]
    assert failed >= 3


def test_numpy_array_leaking_onto_strict_is_caught(broken_runs):
    output = _failed(broken_runs["strict_leak"], "strict_leak",
                     r"exp\(.*backed by a numpy\.ndarray, not the 'strict' backend's",
                     r"Falsifying example|Failing test case")
    arrays = _shrunk_arrays(output)
    assert sum(np.size(a) for a in arrays) <= 1, f"example not shrunk: {arrays}"
    assert _summary_row(output, "strict:1", "devices")[1] == 1
    assert _summary_row(output, "strict:1", "values")[1] == 1


@pytest.mark.parametrize("kind", sorted(EVERY_DEVICE))
def test_each_kind_of_bug_is_caught_on_every_device(broken_runs, kind):
    breakage, category, _ = EVERY_DEVICE[kind]
    output = _failed(broken_runs[f"every device: {kind}"], breakage)
    devices = _usable_devices()
    assert devices, "no usable device selected"
    for device in devices:
        failed = _summary_row(output, device, category)[1]
        assert failed >= 1, (f"planted bug {breakage} ({kind}) was not caught on {device}:\n"
                             f"{output}")
