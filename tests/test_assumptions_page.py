"""docs/assumptions.md and the Learn chapters' notes blocks say what the module docstrings say."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("gen_assumptions",
                                              ROOT / "docs" / "scripts" / "gen_assumptions.py")
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)


def test_generated_pages_match_the_docstrings():
    stale = [gen.relative(page) for page, text in gen.expected_pages().items()
             if not page.exists() or page.read_text(encoding="utf-8") != text]
    assert not stale, (f"{', '.join(stale)} disagree with the module docstrings; regenerate "
                       f"with `{gen.COMMAND}` and commit the result")


def test_every_module_with_notes_has_a_row():
    page = (ROOT / "docs" / "assumptions.md").read_text(encoding="utf-8")
    sections = {part.split("`", 1)[0]: part for part in page.split("\n## `")[1:]}
    for path in gen.modules():
        assumes, production = gen.notes(path)
        if assumes or production:
            folder = gen.relative(path.parent) + "/"
            assert f"| `{path.name}`" in sections[folder], gen.relative(path)


def test_notes_are_split_into_items():
    assert gen._items("\n- one\n  two\n- three\n") == ["one two", "three"]
    assert gen._items("a paragraph\nacross lines.\n\nAnother.") == [
        "a paragraph across lines.", "Another."]
    assert gen._items("Text.\n\nAn example::\n\n    code()\n    more()\n\nAfter.") == [
        "Text.", "After."]
    assert gen._cell(["x | y"]) == "x \\| y"
