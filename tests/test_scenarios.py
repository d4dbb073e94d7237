"""Tests of helpers.scenarios with hand-computed deal and trade fixtures."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.compute import scenarios as scn
from helpers.narrative import scenarios as ns

DEAL_COLUMNS = [
    "deal_id",
    "country",
    "title",
    "instrument",
    "value_usd_m",
    "announced_date",
    "delivery_start_year",
    "delivery_end_year",
    "overlaps_deal_id",
    "overlap_type",
    "confirmation",
    "source_id",
]


def deal(deal_id, country, value, instrument="purchase_order", start=None, end=None, overlaps=None, **kw):
    return {
        "deal_id": deal_id,
        "country": country,
        "title": kw.get("title", deal_id),
        "instrument": instrument,
        "value_usd_m": value,
        "announced_date": pd.Timestamp(kw.get("announced", "2025-11-06")) if kw.get("announced", 1) else pd.NaT,
        "delivery_start_year": start,
        "delivery_end_year": end,
        "overlaps_deal_id": overlaps,
        "overlap_type": "financing_of" if overlaps else None,
        "confirmation": kw.get("confirmation", "multi_source"),
        "source_id": "news-a",
    }


def deals_frame(rows):
    frame = pd.DataFrame.from_records(rows, columns=DEAL_COLUMNS)
    for col in ("delivery_start_year", "delivery_end_year"):
        frame[col] = frame[col].astype("Int64")
    return frame


def trade_frame(rows):
    """rows: (reporter, partner, year, total value, side, source)."""
    records = [
        {
            "reporter": r,
            "partner": p,
            "year": y,
            "flow": "total",
            "value_usd_m": v,
            "value_eur_m": None,
            "side": side,
            "basis": "goods",
            "flags": [],
            "source_id": source,
        }
        for r, p, y, v, side, source in rows
    ]
    return pd.DataFrame.from_records(records)


OTHER_PARTNERS = ("RUS", "CHN", "EU27", "TUR")  # the latest year is one where every named partner has a share


def with_every_partner(reporter, year, side, source, us_value, missing=()):
    """The US row and a 1,000 row for each other named partner (except ``missing``) on the same records."""
    rows = [(reporter, "USA", year, us_value, side, source)]
    return rows + [(reporter, p, year, 1_000.0, side, source) for p in OTHER_PARTNERS if p not in missing]


TRADE = trade_frame(
    [
        *with_every_partner("KAZ", 2020, "reporter", "imf-dots", 2_000.0),
        ("KAZ", "WLD", 2020, 100_000.0, "reporter", "imf-dots"),
        *with_every_partner("KAZ", 2022, "reporter", "stat", 3_000.0),
        ("KAZ", "WLD", 2022, 120_000.0, "reporter", "stat"),
        # a mixed-basis year: US from national statistics, world total from a statement
        *with_every_partner("KAZ", 2024, "reporter", "stat", 4_200.0),
        ("KAZ", "WLD", 2024, 140_000.0, "statement", "pm"),
        *with_every_partner("TJK", 2020, "reporter", "imf-dots", 40.0),
        ("TJK", "WLD", 2020, 4_000.0, "reporter", "imf-dots"),
        # a US share in 2024 but no Türkiye figure: not the latest year for partner shares
        *with_every_partner("TJK", 2024, "reporter", "stat", 80.0, missing=("TUR",)),
        ("TJK", "WLD", 2024, 8_000.0, "reporter", "stat"),
    ]
)


def test_delivery_windows_follow_the_documented_defaults():
    both = pd.Series(deal("a", "KAZ", 7000.0, start=2032, end=2035))
    assert scn.delivery_window(both, 5)[:2] == (2032, 2035)
    start_only = pd.Series(deal("b", "UZB", 8500.0, start=2031))
    assert scn.delivery_window(start_only, 5)[:2] == (2031, 2035)
    end_only = pd.Series(deal("c", "KAZ", 4200.0, end=2038))
    assert scn.delivery_window(end_only, 5)[:2] == (2025, 2038)
    neither = pd.Series(deal("d", "TJK", 3200.0))
    assert scn.delivery_window(neither, 3)[:2] == (2025, 2027)
    undated = pd.Series(deal("e", "TJK", 1.0, announced=None))
    first, last, how = scn.delivery_window(undated, 5)
    assert (first, last) == (scn.FALLBACK_YEAR, scn.FALLBACK_YEAR + 4) and "unknown" in how
    with pytest.raises(scn.ScenarioError):
        scn.delivery_window(neither, 0)


def test_schedule_spreads_value_evenly_and_counts_only_deduplicated_purchases():
    deals = deals_frame(
        [
            deal("jets", "KAZ", 7000.0, start=2032, end=2035),
            deal("jets-loan", "KAZ", 900.0, instrument="financing", overlaps="jets"),
            deal("plant", "KAZ", 368.0, instrument="investment"),
            deal("nothing", "KAZ", None),
            deal("headline", "UZB", 100_000.0, instrument="framework", confirmation="unconfirmed"),
        ]
    )
    schedule = scn.deal_schedule(deals, 5)
    assert set(schedule["deal_id"]) == {"jets"}
    assert schedule["annual_usd_m"].tolist() == [1750.0] * 4
    assert schedule["annual_usd_m"].sum() == pytest.approx(7000.0)
    every = scn.deal_schedule(deals, 5, instruments=None)
    assert set(every["deal_id"]) == {"jets", "plant"}
    with_unconfirmed = scn.deal_schedule(deals, 5, instruments=None, include_unconfirmed=True)
    assert set(with_unconfirmed["deal_id"]) == {"jets", "plant", "headline"}
    excluded = scn.excluded_deals(deals).set_index("deal_id")["why_excluded"]
    assert "inside another deal" in excluded["jets-loan"]
    assert excluded["nothing"] == "no value stated"
    assert "not trade" in excluded["plant"]


def test_baseline_is_the_latest_year_on_one_basis_and_missing_states_say_why():
    base = scn.baseline_us(TRADE, states=("KAZ", "TJK", "TKM")).set_index("reporter")
    assert base.loc["KAZ", "year"] == 2022  # 2024 mixes a statement world total with national data
    assert base.loc["KAZ", "us_share_pct"] == pytest.approx(2.5)
    assert base.loc["TJK", "year"] == 2020  # 2024 has a US share but no Türkiye figure: one latest year for shares
    assert pd.isna(base.loc["TKM", "year"]) and "every named partner" in base.loc["TKM", "reason"]


def test_scenario_shares_by_hand():
    deals = deals_frame([deal("jets", "KAZ", 7000.0, start=2032, end=2035), deal("boeing", "TJK", 3200.0)])
    results = scn.scenarios(TRADE, deals, rates=(0.5, 1.0), periods=(5,), states=("KAZ", "TJK", "TKM"))
    got = results.set_index(["reporter", "rate"])
    # KAZ: 1,750 a year in 2032-2035; at 50 %: (3,000 + 875) / (120,000 + 875)
    assert got.loc[("KAZ", 0.5), "scenario_share_pct"] == pytest.approx(100 * 3875 / 120875)
    assert got.loc[("KAZ", 0.5), "peak_year"] == 2032
    # TJK: 3,200 over 2025-2029 = 640 a year; at 100 %: (40 + 640) / (4,000 + 640)
    assert got.loc[("TJK", 1.0), "scenario_share_pct"] == pytest.approx(100 * 680 / 4640)
    assert math.isnan(got.loc[("TKM", 1.0), "scenario_share_pct"])
    assert got.loc[("TKM", 1.0), "reason"] != ""


def test_longer_default_period_lowers_the_peak_and_range_spans_it():
    deals = deals_frame([deal("boeing", "TJK", 3200.0)])
    results = scn.scenarios(TRADE, deals, rates=(1.0,), periods=(3, 10), states=("TJK",))
    by_period = results.set_index("default_period")["scenario_share_pct"]
    assert by_period[3] > by_period[10]
    ranges = scn.scenario_range(results).iloc[0]
    assert (ranges["low_pct"], ranges["high_pct"]) == (pytest.approx(by_period[10]), pytest.approx(by_period[3]))


def test_rates_outside_zero_one_are_rejected():
    with pytest.raises(scn.ScenarioError):
        scn.scenarios(TRADE, deals_frame([deal("x", "KAZ", 1.0)]), rates=(1.5,))


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0, 1e4, allow_nan=False),
    st.floats(1, 1e6, allow_nan=False),
    st.floats(0, 1e5, allow_nan=False),
    st.floats(0, 1e5, allow_nan=False),
)
def test_property_more_deal_money_never_lowers_the_us_share(us, extra_world, a, b):
    world = us + extra_world
    low, high = sorted((a, b))
    share_low = scn.scenario_share(us, world, low)
    share_high = scn.scenario_share(us, world, high)
    assert share_low <= share_high + 1e-9
    assert 0 <= share_low <= 100 + 1e-9


def test_deal_windows_one_row_per_deal():
    deals = deals_frame([deal("jets", "KAZ", 7000.0, start=2032, end=2035), deal("boeing", "TJK", 3200.0)])
    windows = scn.deal_windows(scn.deal_schedule(deals, 5)).set_index("deal_id")
    assert windows.loc["jets", ["first_year", "last_year", "annual_usd_m"]].tolist() == [2032, 2035, 1750.0]
    assert windows.loc["boeing", "annual_usd_m"] == pytest.approx(640.0)


def test_findings_and_title_state_the_scenario_numbers():
    deals = deals_frame([deal("boeing", "TJK", 3200.0)])
    results = scn.scenarios(TRADE, deals, rates=(1.0,), periods=(5,), states=("TJK", "TKM"))
    lines = ns.scenario_findings(results, results, default_period=5)
    share = 100 * 680 / 4640
    assert lines[0].startswith(
        f"Tajikistan: US share 1.0% of total trade in 2020; with the purchase deals {share:.1f}-"
    )
    assert lines[1].startswith("Turkmenistan: no baseline")
    assert ns.scenario_title(scn.scenario_range(results)).startswith(
        f"Deals would lift the US share most in Tajikistan: up to {share:.0f}%"
    )
