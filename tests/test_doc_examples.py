"""Every ```python block in README.md and docs/**/*.md runs, and shows the output it claims.

Conventions for writing pages (docs/contributing.md repeats them):
- A ```python block is executed. The blocks of one page run in order in one namespace, as in a
  notebook, so a later block may use names from an earlier one. Each page starts on the cpu
  device with float32 as the default dtype and `tinytorch.manual_seed(0)`, in a temporary
  working directory (files it writes vanish).
- A ```text title="Output" block right after a python block is what that block prints. The test
  compares it with the captured stdout line by line (trailing spaces ignored); `...` inside a
  line, or alone on a line, stands for any text (as doctest's ELLIPSIS).
- ```bash blocks (shell commands) and ```text blocks without the Output title are never run.
New pages are picked up automatically.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest

import tinytorch as tt

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```(\w*)([^\n]*)\n(.*?)^```\s*$", re.S | re.M)


def code_blocks(text: str) -> list[tuple[str, str | None, int]]:
    """(python source, expected output or None, line number) for each python block of a page."""
    blocks, fences = [], list(FENCE.finditer(text))
    for index, fence in enumerate(fences):
        if fence.group(1) != "python":
            continue
        expected = None
        after = fences[index + 1] if index + 1 < len(fences) else None
        if (after and after.group(1) == "text" and 'title="Output"' in after.group(2)
                and not text[fence.end():after.start()].strip()):
            expected = after.group(3)
        blocks.append((fence.group(3), expected, text.count("\n", 0, fence.start()) + 1))
    return blocks


def matches(expected: str, actual: str) -> bool:
    want = [line.rstrip() for line in expected.strip("\n").splitlines()]
    got = [line.rstrip() for line in actual.strip("\n").splitlines()]
    pattern = "\n".join(".*" if line == "..." else ".*".join(map(re.escape, line.split("...")))
                        for line in want)
    return re.fullmatch(pattern, "\n".join(got), re.S) is not None


@pytest.fixture
def fresh_state(tmp_path):
    device, dtype, cwd = tt.get_default_device(), tt.get_default_dtype(), os.getcwd()
    tt.set_default_device("cpu")
    tt.set_default_dtype("float32")
    tt.manual_seed(0)
    os.chdir(tmp_path)
    try:
        yield
    finally:
        os.chdir(cwd)
        tt.set_default_device(device)
        tt.set_default_dtype(dtype)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_code_runs_and_prints_what_the_page_shows(page, fresh_state):
    namespace = {"__name__": "__doc_example__"}
    for source, expected, line in code_blocks(page.read_text()):
        where = f"{page.relative_to(ROOT)}:{line}"
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            # padded so that tracebacks name the page's own file and line numbers
            exec(compile("\n" * line + source, str(page), "exec"), namespace)
        if expected is not None:
            assert matches(expected, captured.getvalue()), (
                f"{where} printed\n{captured.getvalue()}\nbut the page shows\n{expected}")


def test_the_conventions_hold_on_a_sample_page():
    page = ('```python\nprint(1 + 1)\n```\n\n```text title="Output"\n2\n```\n'
            '```bash\nrm -rf /\n```\n```python\nx = 1\n```\n')
    blocks = code_blocks(page)
    assert [(source, expected) for source, expected, _ in blocks] == [
        ("print(1 + 1)\n", "2\n"), ("x = 1\n", None)]
    assert matches("tensor([1., ...], dtype=float32)", "tensor([1., 2., 3.], dtype=float32)")
    assert matches("a\n...\nz", "a\nb\nc\nz")
    assert not matches("tensor([1., 2.])", "tensor([1., 3.])")
