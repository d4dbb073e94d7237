"""Notebooks 03 and 05 compute their numbers from the data: run them on a changed copy and compare.

Each notebook is executed (nbclient) with ``C5_DATA_DIR`` pointing at a copy of ``data/`` in which
China's trade values are raised by half and the deals' purchase-order values doubled. The Key
findings and chart titles computed in the notebook must then differ from the committed outputs
(which were produced on the real data), and the run must raise no error.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ("03_dependency_shift.ipynb", "05_deal_scenarios.ipynb")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _rewrite(path: Path, change) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames
        rows = list(reader)
    changed = sum(bool(change(row)) for row in rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return changed


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
    n_trade = _rewrite(
        folder / "trade.csv",
        lambda row: row["partner"] == "CHN" and _scale(row, ("value_usd_m", "value_eur_m"), 1.5),
    )
    n_deals = _rewrite(
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


def _errors(nb: nbformat.NotebookNode) -> list[str]:
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" or output.get("name") == "stderr":
                found.append(str(output.get("evalue") or output.get("text")))
    return found


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_numbers_change_with_the_data(name: str, changed_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    committed = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    fresh = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    monkeypatch.setenv("C5_DATA_DIR", str(changed_data))
    NotebookClient(
        fresh, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
    ).execute(env=dict(os.environ))
    assert not _errors(fresh), _errors(fresh)
    before, after = _computed_text(committed), _computed_text(fresh)
    assert before, "the committed notebook holds no computed text: was it saved executed?"
    assert len(before) == len(after)
    # The Key findings box (first Markdown output) must cite different numbers.
    assert NUMBER.findall(before[0]) != NUMBER.findall(after[0])
    changed = sum(b != a for b, a in zip(before, after, strict=True))
    assert changed >= 2, f"only {changed} computed output(s) changed"
