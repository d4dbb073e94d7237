"""Notebooks 03 and 05 compute their numbers from the data: run them on a changed copy and compare.

Each notebook is executed (nbclient) with ``C5_DATA_DIR`` pointing at a copy of ``data/`` in which
China's trade values are raised by half and the deals' purchase-order values doubled. The Key
findings and chart titles computed in the notebook must then differ from the committed outputs
(which were produced on the real data), and the run must raise no error.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from notebook_runs import ROOT, committed, rewrite_csv, run_notebook

NOTEBOOKS = ("03_dependency_shift.ipynb", "05_deal_scenarios.ipynb")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _scale(row: dict, columns: tuple[str, ...], factor: float) -> bool:
    done = False
    for column in columns:
        if row[column]:
            row[column] = f"{float(row[column]) * factor:.3f}"
            done = True
    return done


@pytest.fixture(scope="module")
def changed_data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("changed") / "data"
    shutil.copytree(ROOT / "data", folder)
    n_trade = rewrite_csv(
        folder / "trade.csv",
        lambda row: row["partner"] == "CHN" and _scale(row, ("value_usd_m", "value_eur_m"), 1.5),
    )
    n_deals = rewrite_csv(
        folder / "deals.csv",
        lambda row: row["instrument"] == "purchase_order" and _scale(row, ("value_usd_m", "value_low_usd_m"), 2.0),
    )
    assert n_trade > 0 and n_deals > 0, "the changed copy must actually change something"
    return folder


def _computed_text(nb: nbformat.NotebookNode) -> list[str]:
    """Markdown outputs (Key findings, sentences) and figure titles, in order."""
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                texts.append(data["text/markdown"])
            figure = data.get("application/vnd.plotly.v1+json")
            if figure:
                texts.append(figure["layout"]["title"]["text"])
    return texts


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_numbers_change_with_the_data(name: str, changed_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = run_notebook(name, changed_data, monkeypatch)
    before, after = _computed_text(committed(name)), _computed_text(fresh)
    assert before, "the committed notebook holds no computed text: was it saved executed?"
    assert len(before) == len(after)
    # The Key findings box (first Markdown output) must cite different numbers.
    assert NUMBER.findall(before[0]) != NUMBER.findall(after[0])
    changed = sum(b != a for b, a in zip(before, after, strict=True))
    assert changed >= 2, f"only {changed} computed output(s) changed"
