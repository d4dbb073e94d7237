"""The module map in docs/architecture.md names every module of helpers/, pipeline/, reporting/ and scripts/
with its layer and its job."""

from __future__ import annotations

from pathlib import Path

from scripts import architecture  # the module map's generator (scripts/ is importable from the root)

ROOT = Path(__file__).resolve().parent.parent


def test_the_map_in_the_document_is_the_map_of_the_tree() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert architecture.with_map(doc, architecture.module_map()) == doc, "run python scripts/architecture.py"


def test_the_map_covers_every_package() -> None:
    assert set(architecture.PACKAGES) == {"helpers", "pipeline", "reporting", "scripts"}
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for heading in ("`helpers/`", "`helpers/data/`", "`pipeline/`", "`reporting/`", "`scripts/`"):
        assert f"### {heading}" in doc


def test_every_module_is_named_with_a_layer_and_a_job() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    sections = doc.split("\n### ")
    for package in architecture.PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            folder = path.parent.relative_to(ROOT).as_posix()
            section = next(s for s in sections if s.startswith(f"`{folder}/`"))
            row = next((line for line in section.splitlines() if line.startswith(f"| `{path.name}` |")), None)
            assert row is not None, f"{path.relative_to(ROOT)} is not in docs/architecture.md"
            assert "(no layer)" not in row, f"{path.relative_to(ROOT)} has no layer in scripts/architecture.py"
            assert "(no docstring)" not in row or path.name == "__init__.py", f"{path} has no docstring"


def test_a_new_module_fails_the_check(tmp_path: Path) -> None:
    for package in architecture.PACKAGES:
        (tmp_path / package).mkdir()
    (tmp_path / "helpers" / "c5.py").write_text('"""Old. More."""\n', encoding="utf-8")
    doc = architecture.with_map("# Map\n", architecture.module_map(tmp_path))
    assert "| `c5.py` | analysts' face | Old. |" in doc
    (tmp_path / "scripts" / "new.py").write_text('"""A new job."""\n', encoding="utf-8")
    assert architecture.with_map(doc, architecture.module_map(tmp_path)) != doc
    assert "| `new.py` | commands | A new job. |" in architecture.module_map(tmp_path)
    (tmp_path / "helpers" / "unplaced.py").write_text('"""No layer yet."""\n', encoding="utf-8")
    assert "| `unplaced.py` | (no layer) | No layer yet. |" in architecture.module_map(tmp_path)
