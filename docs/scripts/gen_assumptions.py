"""Write docs/assumptions.md and the notes blocks of the Learn chapters from module docstrings.

Every tinytorch module's docstring says what it assumes ("Assumes:") and what production
frameworks do instead ("Production does instead:"). This script collects them:
- docs/assumptions.md: one row per module, grouped by package;
- in any page under docs/, the text between `<!-- notes: tinytorch/a.py tinytorch/b/ -->` and
  `<!-- /notes -->` becomes those modules' notes (a folder means every module in it).

Run from anywhere: `python docs/scripts/gen_assumptions.py` rewrites the pages;
`--check` only reports which pages are out of date (tests/test_assumptions_page.py runs that).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGE = DOCS / "assumptions.md"
COMMAND = "python docs/scripts/gen_assumptions.py"
NOTES = re.compile(r"(<!-- notes: ([^>]*?) -->\n)(.*?)(<!-- /notes -->)", re.S)
ASSUMES, PRODUCTION = "Assumes:", "Production does instead:"

# The Learn chapter that explains each part of the package (longest matching prefix wins).
CHAPTERS = {
    "tinytorch/tensor.py": "learn/tensors.md",
    "tinytorch/creation.py": "learn/tensors.md",
    "tinytorch/device.py": "learn/tensors.md",
    "tinytorch/dtypes.py": "learn/tensors.md",
    "tinytorch/cuda.py": "learn/tensors.md",
    "tinytorch/errors.py": "learn/tensors.md",
    "tinytorch/ops/": "learn/broadcasting.md",
    "tinytorch/autograd.py": "learn/autograd.md",
    "tinytorch/engine.py": "learn/autograd.md",
    "tinytorch/viz.py": "learn/autograd.md",
    "tinytorch/nn/": "learn/training-loop.md",
    "tinytorch/serialization.py": "learn/training-loop.md",
    "tinytorch/optim/": "learn/optimizers.md",
    "tinytorch/data/": "learn/data.md",
    "tinytorch/nn/conv.py": "learn/convolution.md",
    "tinytorch/nn/pooling.py": "learn/convolution.md",
    "tinytorch/nn/ops/conv.py": "learn/convolution.md",
    "tinytorch/nn/ops/pool.py": "learn/convolution.md",
    "tinytorch/nn/ops/windows.py": "learn/convolution.md",
    "tinytorch/nn/attention.py": "learn/attention.md",
    "tinytorch/nn/transformer.py": "learn/attention.md",
    "tinytorch/nn/embedding.py": "learn/attention.md",
    "tinytorch/nn/ops/embedding.py": "learn/attention.md",
    "tinytorch/backends/": "learn/backends.md",
    "tinytorch/testing/": "learn/backends.md",
    "tinytorch/conformance/": "learn/backends.md",
    "tinytorch/distributed/": "distributed.md",
    "tinytorch/nn/parallel/": "distributed.md",
}


def modules() -> list[Path]:
    return sorted(p for p in (ROOT / "tinytorch").rglob("*.py")
                  if "__pycache__" not in p.parts and "datasets" not in p.parts)


def notes(path: Path) -> tuple[list[str], list[str]]:
    """(what the module assumes, what production does instead), each as a list of items."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assumes = production = ""
    if ASSUMES in doc:
        assumes = doc.split(ASSUMES, 1)[1].split(PRODUCTION, 1)[0]
    if PRODUCTION in doc:
        production = doc.split(PRODUCTION, 1)[1]
    return _items(assumes), _items(production)


def _items(section: str) -> list[str]:
    """A section's text as items: one per "- " bullet, or one per paragraph.

    A paragraph ending in "::" introduces an indented code example; both are left out.
    """
    items, current, in_code = [], [], False
    for raw in section.strip().splitlines():
        line = raw.strip()
        if in_code and (not line or raw.startswith(" ")):
            continue
        in_code = False
        if line.endswith("::"):
            current, in_code = [], True
            continue
        if line.startswith("- ") or not line:
            if current:
                items.append(" ".join(current))
            current = [line[2:]] if line else []
        else:
            current.append(line)
    if current:
        items.append(" ".join(current))
    return items


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def chapter(module: str) -> str | None:
    matches = [prefix for prefix in CHAPTERS if module.startswith(prefix)]
    return CHAPTERS[max(matches, key=len)] if matches else None


def _link(target: str, page: Path) -> str:
    """A relative link from `page` to `target` (a path under docs/)."""
    depth = len(page.relative_to(DOCS).parts) - 1
    return "../" * depth + target


def assumptions_page() -> str:
    lines = [
        "# Assumptions",
        "",
        "Every tinytorch module says in its docstring what it simplifies and what a production "
        "framework does instead. This page collects those notes, one row per module, so you can "
        "see the whole catalogue of shortcuts in one place; each module links to the Learn "
        "chapter that explains it. Read a row as: *tinytorch assumes this; PyTorch (or NumPy, "
        "CuPy, cuDNN, ...) does that instead*.",
        "",
        f"This page is generated from the docstrings by `{COMMAND}`; "
        "`tests/test_assumptions_page.py` fails when the two disagree.",
        "",
    ]
    groups: dict[str, list[Path]] = {}
    for path in modules():
        groups.setdefault(relative(path.parent), []).append(path)
    missing = []
    for folder, paths in groups.items():
        rows = []
        for path in paths:
            assumes, production = notes(path)
            if not assumes and not production:
                missing.append(relative(path))
                continue
            target = chapter(relative(path))  # the folder is the heading: the name suffices
            cell = f"`{path.name}`" + (f"<br>[chapter]({_link(target, PAGE)})" if target else "")
            rows.append(f"| {cell} | {_cell(assumes)} | {_cell(production)} |")
        if rows:
            lines += [f"## `{folder}/`", "",
                      "| module | assumes | production does instead |", "| --- | --- | --- |",
                      *rows, ""]
    if missing:
        lines += ["## Modules without notes", "",
                  "Package markers and helpers whose docstrings have no notes yet: "
                  + ", ".join(f"`{m}`" for m in missing) + ".", ""]
    return "\n".join(lines)


def _cell(items: list[str]) -> str:
    if not items:
        return "—"
    text = items[0] if len(items) == 1 else "<br>".join(f"• {item}" for item in items)
    return text.replace("|", "\\|")


def notes_block(spec: str) -> str:
    """The markdown for a `<!-- notes: ... -->` block: each module's two lists."""
    paths = []
    for part in spec.split():
        target = ROOT / part
        if target.is_dir():
            paths += [p for p in modules() if target in p.parents and p.parent == target]
        elif target.is_file():
            paths.append(target)
        else:
            raise SystemExit(f"a notes block names {part}, which does not exist; fix the block")
    out = []
    for path in paths:
        assumes, production = notes(path)
        if not assumes and not production:
            continue
        out.append(f"**`{relative(path)}`**\n")
        out += ["*Assumes:*\n", *[f"- {item}" for item in assumes or ["—"]], ""]
        out += ["*Production does instead:*\n", *[f"- {item}" for item in production or ["—"]],
                ""]
    return "\n".join(out)


def expected_pages() -> dict[Path, str]:
    """Every generated page (or page with notes blocks) and the text it should have."""
    pages = {PAGE: assumptions_page()}
    for page in sorted(DOCS.rglob("*.md")):
        if page == PAGE:
            continue
        text = page.read_text(encoding="utf-8")
        new = NOTES.sub(lambda m: m.group(1) + "\n" + notes_block(m.group(2)) + "\n"
                        + m.group(4), text)
        if new != text or NOTES.search(text):
            pages[page] = new
    return pages


def main(argv: list[str]) -> int:
    expected = expected_pages()
    stale = [page for page, text in expected.items()
             if not page.exists() or page.read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for page in stale:
            print(f"{relative(page)} is out of date with the module docstrings")
        return 1 if stale else 0
    for page in stale:
        page.write_text(expected[page], encoding="utf-8")
        print(f"wrote {relative(page)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
