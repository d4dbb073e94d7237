"""Which notebooks pytest collects: the reports (``reporting.plan.REPORTS``) and the cookbook.

An analyst's own notebook saved in notebooks/ under another name, or anything in notebooks/scratch/,
is never collected (no nbval run, no structure or lint failure in ``make test``) and never published.
"""

from __future__ import annotations

from pathlib import Path

from reporting.plan import CHECKED_NOTEBOOKS, SCRATCH

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


def is_analyst_notebook(path: Path) -> bool:
    """True for a notebook in notebooks/ that is neither a report nor the cookbook, or in the scratch folder."""
    path = path.resolve()
    if path.is_relative_to(NOTEBOOKS / SCRATCH):
        return True
    return path.suffix == ".ipynb" and path.parent == NOTEBOOKS and path.stem not in CHECKED_NOTEBOOKS


def pytest_ignore_collect(collection_path: Path, config: object) -> bool | None:
    return True if is_analyst_notebook(collection_path) else None
