"""Notebooks 01 and 02 compute their numbers from the data: run them on a changed copy and check.

Each notebook is executed (nbclient) with ``C5_DATA_DIR`` pointing at a copy of ``data/`` in which

- the Wabtec locomotive order (a counted, confirmed row) is raised by US$1,000m, and
- every Uzbekistan-China trade value is doubled (world totals untouched).

Expected numbers are derived here from the changed CSVs with the csv module (not with the helpers):
the confirmed deduplicated deal total and Kazakhstan's map value follow from the dedup rule, and
every Uzbekistan share of China must be exactly twice the committed one.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from notebook_runs import ROOT, committed, figures, markdown_outputs, plain_text, rewrite_csv, run_notebook

DEAL_ID = "kaz-wabtec-locos"


def _raise_deal(row: dict) -> bool:
    if row["deal_id"] != DEAL_ID:
        return False
    row["value_usd_m"] = f"{float(row['value_usd_m']) + 1000:g}"
    return True


def _double_uzb_china(row: dict) -> bool:
    if row["reporter"] != "UZB" or row["partner"] != "CHN":
        return False
    for column in ("value_usd_m", "value_eur_m"):
        if row[column]:
            row[column] = repr(float(row[column]) * 2)
    return True


def _deal_rows(folder: Path) -> list[dict]:
    with (folder / "deals.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _confirmed_dedup_m(rows: list[dict], country: str | None = None) -> float:
    return sum(
        float(r["value_usd_m"])
        for r in rows
        if r["value_usd_m"]
        and (not r["overlaps_deal_id"] or r["overlap_type"] == "likely_within")
        and r["confirmation"] != "unconfirmed"
        if country is None or r["country"] == country
    )


@pytest.fixture(scope="module")
def changed_data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("changed01") / "data"
    shutil.copytree(ROOT / "data", folder)
    assert rewrite_csv(folder / "deals.csv", _raise_deal) == 1
    assert rewrite_csv(folder / "trade.csv", _double_uzb_china) > 0
    return folder


def _coloured(figure: dict, geo: str = "geo") -> dict[str, float]:
    for trace in figure["data"]:
        if (
            trace.get("type") == "choropleth"
            and trace.get("coloraxis") == "coloraxis"
            and trace.get("geo", "geo") == geo
        ):
            return dict(zip(trace["locations"], trace["z"], strict=True))
    raise AssertionError(f"no coloured choropleth on {geo}")


def test_deal_tracker_numbers_follow_the_data(changed_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original_nb = committed("01_deal_tracker.ipynb")
    fresh = run_notebook("01_deal_tracker.ipynb", changed_data, monkeypatch)
    expected = _confirmed_dedup_m(_deal_rows(changed_data)) / 1000
    original = _confirmed_dedup_m(_deal_rows(ROOT / "data")) / 1000
    assert expected == pytest.approx(original + 1.0)
    before, after = markdown_outputs(original_nb)[0], markdown_outputs(fresh)[0]
    assert f"deduplicated without unconfirmed rows: US${expected:,.1f} bn" in plain_text(after)
    assert f"deduplicated without unconfirmed rows: US${original:,.1f} bn" in plain_text(before)
    assert before != after
    # The state chart's bars (first figure) now sum to the new confirmed total.
    bars = figures(fresh)[0]
    drawn = sum(sum(x for x in trace["x"] if x is not None) for trace in bars["data"] if trace["type"] == "bar")
    assert drawn == pytest.approx(expected, abs=1e-6)


def test_regional_map_numbers_follow_the_data(changed_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original_nb = committed("02_regional_map.ipynb")
    fresh = run_notebook("02_regional_map.ipynb", changed_data, monkeypatch)
    deal_before, deal_after = figures(original_nb)[0], figures(fresh)[0]
    expected_kaz = _confirmed_dedup_m(_deal_rows(changed_data), "KAZ") / 1000
    assert _coloured(deal_after)["KAZ"] == pytest.approx(expected_kaz)
    assert _coloured(deal_after)["KAZ"] == pytest.approx(_coloured(deal_before)["KAZ"] + 1.0)
    china_before, china_after = figures(original_nb)[1], figures(fresh)[1]
    panels_with_uzbekistan = 0
    for panel in ("geo", "geo2"):
        old, new = _coloured(china_before, panel), _coloured(china_after, panel)
        assert ("UZB" in old) == ("UZB" in new), panel
        if "UZB" in old:  # a year without a share on the same records is a gap in both runs
            panels_with_uzbekistan += 1
            assert new["UZB"] == pytest.approx(2 * old["UZB"]), panel
        # Only Uzbekistan's China trade changed: the other states keep their shares.
        assert {k: v for k, v in new.items() if k != "UZB"} == pytest.approx(
            {k: v for k, v in old.items() if k != "UZB"}
        )
    assert panels_with_uzbekistan >= 1
    assert markdown_outputs(original_nb)[0] != markdown_outputs(fresh)[0]
