"""The series rule against the agencies' raw files: where national statistics lead, the main series uses them.

Every expected value is rebuilt here from the vendored raw tables in data/raw/national_statistics
(the build script's readers for the three agencies; the Uzbek figures a second time with csv
alone), never from helpers.compute, the code under test.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

from helpers.compute.series import select_series, with_totals
from helpers.compute.shares import combined_share, partner_shares
from helpers.data.loaders import load_trade
from pipeline.national import national_cells

REPO = Path(__file__).resolve().parents[1]
NATSTATS = REPO / "data" / "raw" / "national_statistics"
UZB_CODES = {"643": "RUS", "156": "CHN"}


@pytest.fixture(scope="module")
def raw_flows() -> dict[tuple[str, str, int, str], float]:
    """(reporter, partner, year, flow) -> US$ m for every exports/imports cell of the agencies' tables."""
    cells = national_cells(REPO / "data" / "raw")
    return {(c.reporter, c.partner, c.year, c.flow): c.value_kusd / 1000 for c in cells}


@pytest.fixture(scope="module")
def raw_keys(raw_flows: dict[tuple[str, str, int, str], float]) -> dict[tuple[str, str, int, str], float]:
    """Every state x year x partner x flow value of the raw tables, totals = exports + imports."""
    keys = dict(raw_flows)
    for (reporter, partner, year, flow), value in raw_flows.items():
        other = raw_flows.get((reporter, partner, year, "imports"))
        if flow == "exports" and other is not None:
            keys[(reporter, partner, year, "total")] = value + other
    return keys


@pytest.fixture(scope="module")
def trade() -> pd.DataFrame:
    return load_trade()


@pytest.fixture(scope="module")
def series(trade: pd.DataFrame) -> pd.DataFrame:
    return select_series(trade).set_index(["reporter", "partner", "year", "flow"])


def _imf_keys(trade: pd.DataFrame) -> set[tuple[str, str, int, str]]:
    dots = trade[trade["dataset"].eq("imf_dots") & trade["value_usd_m"].notna()]
    keys = set(map(tuple, dots[["reporter", "partner", "year", "flow"]].itertuples(index=False, name=None)))
    # a DOTS total is derived from the DOTS flows, so a key with both DOTS flows has a DOTS total
    for reporter, partner, year, flow in list(keys):
        if flow == "exports" and (reporter, partner, year, "imports") in keys:
            keys.add((reporter, partner, year, "total"))
    return keys


def test_every_national_statistics_cell_leads_where_the_rule_says(
    trade: pd.DataFrame, series: pd.DataFrame, raw_keys: dict[tuple[str, str, int, str], float]
) -> None:
    """After IMF DOTS (no DOTS value for the key) the agency's own figure is the one charts use."""
    imf = _imf_keys(trade)
    led = {key: value for key, value in raw_keys.items() if key not in imf}
    # every raw key after IMF DOTS: 3 states x 2021-2023 x 6 partners (world included) x 3 flows
    assert {key for key in raw_keys if key[2] > 2020} == set(led)
    assert len(led) == 3 * 3 * 6 * 3
    wrong = []
    for key, expected in sorted(led.items()):
        if key not in series.index:
            wrong.append(f"{key}: missing from the series (raw {expected:.1f})")
            continue
        row = series.loc[key]
        if row["dataset"] != "national_statistics" or row["side"] != "reporter":
            wrong.append(f"{key}: {row['dataset']}/{row['side']} {row['value_usd_m']:.1f} instead of {expected:.1f}")
        elif abs(row["value_usd_m"] - expected) > 0.002:
            wrong.append(f"{key}: {row['value_usd_m']:.3f} instead of {expected:.3f}")
    assert not wrong, "\n".join(wrong)


def test_every_state_year_with_both_flows_has_an_agency_total(
    trade: pd.DataFrame, series: pd.DataFrame, raw_keys: dict[tuple[str, str, int, str], float]
) -> None:
    """In particular Uzbekistan 2021-2023, whose two flows come from two files."""
    imf = _imf_keys(trade)
    totals = [k for k in raw_keys if k[3] == "total" and k not in imf]
    by_reporter: dict[str, set[int]] = defaultdict(set)
    for reporter, _, year, _ in totals:
        by_reporter[reporter].add(year)
    assert {2021, 2022, 2023} <= by_reporter["UZB"]
    assert all(series.loc[k, "dataset"] == "national_statistics" for k in totals)


def _uzb_csv(flow: str) -> dict[str, dict[int, float]]:
    """Partner (RUS, CHN, WLD = sum of every row) -> {year: US$ m} from the Uzbek SDMX csv, read with csv."""
    out: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    path = NATSTATS / f"uzb_{flow}_by_country_2010_2023.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            for column, text in row.items():
                if column.isdigit() and text.strip():
                    value = float(text) / 1000
                    out["WLD"][int(column)] += value
                    if row["Code"].strip() in UZB_CODES:
                        out[UZB_CODES[row["Code"].strip()]][int(column)] += value
    return out


@pytest.fixture(scope="module")
def uzb_total() -> dict[str, dict[int, float]]:
    exports, imports = _uzb_csv("exports"), _uzb_csv("imports")
    return {p: {y: exports[p][y] + imports[p][y] for y in exports[p]} for p in ("RUS", "CHN", "WLD")}


def test_audit_uzbekistan_russia_china_share_2021(trade: pd.DataFrame, uzb_total: dict[str, dict[int, float]]) -> None:
    """Was "no value in 2021"; on the agency's own tables it is (RUS + CHN) / world."""
    expected = 100 * (uzb_total["RUS"][2021] + uzb_total["CHN"][2021]) / uzb_total["WLD"][2021]
    combined = combined_share(partner_shares(select_series(trade)))
    hit = combined[combined["reporter"].eq("UZB") & combined["year"].eq(2021) & combined["flow"].eq("total")]
    assert len(hit) == 1
    assert hit["share_pct"].iloc[0] == pytest.approx(expected, abs=0.01)
    assert hit["dataset"].iloc[0] == "national_statistics"
    assert round(expected, 1) == 35.6  # the audit's figure, recomputed here from the csv


@pytest.mark.parametrize(("partner", "year"), [("RUS", 2022), ("CHN", 2023), ("RUS", 2023), ("CHN", 2021)])
def test_audit_uzbekistan_totals_are_the_agency_s(
    series: pd.DataFrame, uzb_total: dict[str, dict[int, float]], partner: str, year: int
) -> None:
    """Russia 2022 was a statement (9,300), China 2023 China's customs (14,000)."""
    row = series.loc[("UZB", partner, year, "total")]
    assert row["dataset"] == "national_statistics"
    assert row["source_id"].startswith("stat-uz-sdmx-")
    assert row["value_usd_m"] == pytest.approx(uzb_total[partner][year], abs=0.01)


def test_audit_china_ahead_of_russia_in_uzbekistan_2023(
    series: pd.DataFrame, uzb_total: dict[str, dict[int, float]]
) -> None:
    china, russia = series.loc[("UZB", "CHN", 2023, "total")], series.loc[("UZB", "RUS", 2023, "total")]
    assert uzb_total["CHN"][2023] > uzb_total["RUS"][2023]
    assert china["value_usd_m"] > russia["value_usd_m"]
    assert (china["dataset"], china["side"]) == (russia["dataset"], russia["side"])


def _row(flow: str, value: float, source: str, flags: list[str]) -> dict[str, object]:
    return {
        "reporter": "AAA",
        "partner": "BBB",
        "year": 2022,
        "flow": flow,
        "value_usd_m": value,
        "side": "reporter",
        "basis": "goods",
        "flags": flags,
        "source_id": source,
        "dataset": "national_statistics",
    }


def test_a_superseded_page_row_never_blocks_a_pair_from_two_files() -> None:
    """Exports and imports in two agency files plus a superseded page figure: the pair still forms."""
    rows = pd.DataFrame(
        [
            _row("exports", 10.0, "agency-exports", []),
            _row("imports", 5.0, "agency-imports", []),
            _row("exports", 9.0, "page", ["superseded"]),
        ]
    )
    out = with_totals(rows)
    total = out[out["flow"].eq("total")]
    assert total["value_usd_m"].tolist() == [15.0]
    assert total["flags"].tolist() == [[]]


def test_superseded_rows_pair_only_among_themselves() -> None:
    rows = pd.DataFrame(
        [
            _row("exports", 10.0, "agency-exports", []),
            _row("imports", 5.0, "agency-imports", []),
            _row("exports", 9.0, "page", ["superseded"]),
            _row("imports", 4.0, "page", ["superseded"]),
        ]
    )
    totals = with_totals(rows).query("flow == 'total'").sort_values("value_usd_m")
    assert totals["value_usd_m"].tolist() == [13.0, 15.0]
    assert totals["flags"].tolist() == [["superseded"], []]
