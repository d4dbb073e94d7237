"""Notebooks 03 and 05 compute their numbers from the data: run them on a changed copy and check.

Each notebook is executed (nbclient) with ``C5_DATA_DIR`` pointing at a copy of ``data/`` in which
China's trade values are raised by 20 % (no China value then exceeds its world total: the
largest, Turkmenistan's exports, is 1/1.27 of it) and the
deals' purchase-order values doubled. The Key
findings must then state numbers computed HERE from the changed CSVs with plain pandas (an
independent oracle, not the helpers), and the chart titles must move with the data.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from notebook_runs import ROOT, committed, plain_text, rewrite_csv, run_notebook

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
        lambda row: row["partner"] == "CHN" and _scale(row, ("value_usd_m", "value_eur_m"), 1.2),
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
                title = figure["layout"]["title"]  # the title and plotly's subtitle
                texts.append(f"{title['text']} {title.get('subtitle', {}).get('text', '')}")
    return texts


def _uzbekistan_russia_china_2023(folder: Path) -> float:
    """Russia + China share of Uzbekistan's 2023 trade on the agency's own tables, by hand.

    2023 is Uzbekistan's latest year with every named partner on its own records (2024 has no
    EU27 or Türkiye figure); exports + imports of the Statistics Agency's two tables.
    """
    trade = pd.read_csv(folder / "trade.csv", keep_default_na=False, na_values={"value_usd_m": [""]})
    own = trade[
        trade["reporter"].eq("UZB")
        & trade["year"].eq(2023)
        & trade["source_id"].str.startswith("stat-uz-")
        & trade["flow"].isin(["exports", "imports"])
    ]
    by_partner = own.groupby("partner")["value_usd_m"].sum()
    return 100 * (by_partner["CHN"] + by_partner["RUS"]) / by_partner["WLD"]


def _tajikistan_top_scenario(folder: Path, period: int = 5) -> float:
    """US share of Tajikistan's 2020 trade with its purchase deals realised in full, by hand."""
    trade = pd.read_csv(folder / "trade.csv")
    dots = trade[
        trade["reporter"].eq("TJK")
        & trade["year"].eq(2020)
        & trade["side"].eq("reporter")
        & trade["source_id"].eq("imf-dots")
    ]
    us = dots[dots["partner"].eq("USA")]["value_usd_m"].sum()
    world = dots[dots["partner"].eq("WLD")]["value_usd_m"].sum()
    deals = pd.read_csv(folder / "deals.csv")
    purchases = deals[
        deals["country"].eq("TJK")
        & deals["instrument"].eq("purchase_order")
        & deals["overlaps_deal_id"].isna()
        & deals["confirmation"].ne("unconfirmed")
    ]
    # one deal without delivery years: spread evenly over the default period
    assert len(purchases) == 1 and purchases["delivery_start_year"].isna().all()
    added = float(purchases["value_usd_m"].iloc[0]) / period
    return 100 * (us + added) / (world + added)


def _finding(nb: nbformat.NotebookNode, state: str) -> str:
    """The Key findings line about ``state``, as the reader sees it (entities decoded)."""
    box = next(t for t in _computed_text(nb) if t.startswith("> - "))  # the box under "## Key findings"
    lines = [plain_text(line) for line in box.splitlines()]
    return next(line for line in lines if line.startswith(f"> - {state}:"))


def test_dependency_findings_match_an_independent_computation(
    changed_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = run_notebook("03_dependency_shift.ipynb", changed_data, monkeypatch)
    expected = _uzbekistan_russia_china_2023(changed_data)
    assert expected != pytest.approx(_uzbekistan_russia_china_2023(ROOT / "data"))
    assert f"{expected:.1f}% in 2023" in _finding(fresh, "Uzbekistan")
    assert f"{_uzbekistan_russia_china_2023(ROOT / 'data'):.1f}% in 2023" in _finding(
        committed("03_dependency_shift.ipynb"), "Uzbekistan"
    )
    _titles_move("03_dependency_shift.ipynb", fresh)


def test_scenario_findings_match_an_independent_computation(
    changed_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = run_notebook("05_deal_scenarios.ipynb", changed_data, monkeypatch)
    expected = _tajikistan_top_scenario(changed_data)
    assert f"({expected:.1f}% at 100% realisation over a 5-year default)" in _finding(fresh, "Tajikistan")
    original = _tajikistan_top_scenario(ROOT / "data")
    assert f"({original:.1f}% at 100% realisation over a 5-year default)" in _finding(
        committed("05_deal_scenarios.ipynb"), "Tajikistan"
    )
    _titles_move("05_deal_scenarios.ipynb", fresh)


def _titles_move(name: str, fresh: nbformat.NotebookNode) -> None:
    before, after = _computed_text(committed(name)), _computed_text(fresh)
    assert before, "the committed notebook holds no computed text: was it saved executed?"
    assert len(before) == len(after)
    # The Key findings box (first Markdown output) must cite different numbers.
    assert NUMBER.findall(plain_text(before[0])) != NUMBER.findall(plain_text(after[0]))
    changed = sum(b != a for b, a in zip(before, after, strict=True))
    assert changed >= 2, f"only {changed} computed output(s) changed"
