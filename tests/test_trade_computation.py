"""Tests of the series rule, shares and snapshots: hand-computed fixtures, invariants and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.codes import PARTNERS
from helpers.compute import rules
from helpers.compute import series as sr
from helpers.compute import shares as sh
from helpers.compute import snapshots as sn

COLUMNS = ["reporter", "partner", "year", "flow", "value_usd_m", "value_eur_m", "side", "basis", "flags", "source_id"]


def row(reporter, partner, year, flow, usd, side="reporter", source="imf-dots", flags=(), basis="goods", eur=None):
    return {
        "reporter": reporter,
        "partner": partner,
        "year": year,
        "flow": flow,
        "value_usd_m": usd,
        "value_eur_m": eur,
        "side": side,
        "basis": basis,
        "flags": list(flags),
        "source_id": source,
    }


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=COLUMNS)


def pick(series: pd.DataFrame, reporter: str, partner: str, year: int, flow: str) -> pd.Series:
    hit = series[
        series["reporter"].eq(reporter)
        & series["partner"].eq(partner)
        & series["year"].eq(year)
        & series["flow"].eq(flow)
    ]
    assert len(hit) == 1, f"expected one row for {reporter}/{partner}/{year}/{flow}, got {len(hit)}"
    return hit.iloc[0]


def dots_year(reporter: str, year: int, values: dict[str, tuple[float, float]], side="reporter", flags=()):
    """DOTS rows for one reporter-year: {partner: (exports, imports)}."""
    out = []
    for partner, (x, mm) in values.items():
        out.append(row(reporter, partner, year, "exports", x, side=side, flags=flags))
        out.append(row(reporter, partner, year, "imports", mm, side=side, flags=flags))
    return out


# ---------------------------------------------------------------------------
# Totals and the series rule


def test_total_is_exports_plus_imports_and_eur_rows_are_left_out():
    trade = frame(
        [
            row("KAZ", "CHN", 2020, "exports", 100.0),
            row("KAZ", "CHN", 2020, "imports", 50.0, flags=["estimate"]),
            row("UZB", "EU27", 2022, "total", None, side="mirror", source="eurostat", eur=4610.0),
        ]
    )
    series = sr.select_series(trade)
    total = pick(series, "KAZ", "CHN", 2020, "total")
    assert total["value_usd_m"] == 150.0
    assert total["flags"] == ["estimate"]
    assert bool(total["total_from_split"])
    assert not series["partner"].eq("EU27").any()


def test_stored_total_is_used_only_where_no_split_was_published():
    trade = frame([row("TJK", "RUS", 2023, "total", 1714.9, source="tass", basis="goods")])
    series = sr.select_series(trade)
    assert pick(series, "TJK", "RUS", 2023, "total")["value_usd_m"] == 1714.9
    assert not bool(pick(series, "TJK", "RUS", 2023, "total")["total_from_split"])


def test_imf_estimate_in_reporter_data_is_replaced_by_the_mirror_series():
    trade = frame(
        [
            row("TKM", "CHN", 2010, "exports", 106.0, flags=["imf_derived"]),
            row("TKM", "CHN", 2010, "exports", 100.0, side="mirror"),
            row("TKM", "WLD", 2010, "exports", 1000.0, flags=["imf_derived"]),
            row("TKM", "RUS", 2010, "exports", 30.0),
            row("TKM", "RUS", 2010, "exports", 33.0, side="mirror"),
        ]
    )
    series = sr.select_series(trade)
    chn = pick(series, "TKM", "CHN", 2010, "exports")
    assert (chn["side"], chn["value_usd_m"]) == ("mirror", 100.0)
    assert "mirror" in chn["rule"]
    # no mirror for the world total: the flagged reporter value is kept and flagged
    wld = pick(series, "TKM", "WLD", 2010, "exports")
    assert (wld["side"], wld["value_usd_m"]) == ("reporter", 1000.0)
    assert bool(wld["estimate"])
    # an unflagged reporter value wins over the mirror
    assert pick(series, "TKM", "RUS", 2010, "exports")["side"] == "reporter"
    # a mirror numerator over the reporter's own world total is not a share: other records
    shares = sh.partner_shares(series)
    assert shares[shares["partner"].eq("CHN")].empty
    assert pick(shares, "TKM", "RUS", 2010, "exports")["share_pct"] == pytest.approx(3.0)
    # own and partner records of the same trade are compared as a ratio
    ratios = sh.records_ratio(sr.select_series(trade, side="reporter"), sr.select_series(trade, side="mirror"))
    assert pick(ratios, "TKM", "CHN", 2010, "exports")["ratio"] == pytest.approx(100 / 106)


def test_break_flag_sends_the_rule_to_the_mirror_and_side_selection_turns_it_off():
    trade = frame(
        [
            row("KAZ", "RUS", 2010, "exports", 2702.9, flags=["break"]),
            row("KAZ", "RUS", 2010, "exports", 6220.0, side="mirror"),
        ]
    )
    assert pick(sr.select_series(trade), "KAZ", "RUS", 2010, "exports")["value_usd_m"] == 6220.0
    assert pick(sr.select_series(trade, side="reporter"), "KAZ", "RUS", 2010, "exports")["value_usd_m"] == 2702.9


def test_page_figures_follow_the_side_priority_and_are_never_averaged():
    trade = frame(
        [
            row("KAZ", "CHN", 2023, "total", 41020.0, side="mirror", source="gacc"),
            row("KAZ", "CHN", 2023, "total", 31500.0, side="reporter", source="bns"),
            row("KAZ", "CHN", 2023, "total", 30000.0, side="statement", source="pm", flags=["lower_bound"]),
            row("KAZ", "RUS", 2023, "total", 28500.0, side="statement", source="a", flags=["approximate"]),
            row("KAZ", "RUS", 2023, "total", 28000.0, side="statement", source="b"),
            row("KAZ", "USA", 2023, "total", 900.0, side="other", source="z"),
            row("KAZ", "USA", 2023, "total", 800.0, side="statement", source="y"),
        ]
    )
    series = sr.select_series(trade)
    assert pick(series, "KAZ", "CHN", 2023, "total")["value_usd_m"] == 31500.0
    # within a side, the figure without quality flags wins
    assert pick(series, "KAZ", "RUS", 2023, "total")["value_usd_m"] == 28000.0
    # statement > other
    assert pick(series, "KAZ", "USA", 2023, "total")["value_usd_m"] == 800.0
    chosen = set(series["value_usd_m"])
    assert chosen <= set(trade["value_usd_m"])  # a picked value, never a mean


def test_partial_coverage_figures_are_never_picked():
    trade = frame(
        [
            row("TKM", "CHN", 2022, "exports", 10250.0, side="mirror", source="g", flags=["partial_coverage"]),
            row("TKM", "CHN", 2022, "total", 11181.0, side="mirror", source="h"),
        ]
    )
    series = sr.select_series(trade)
    assert not (series["flow"].eq("exports")).any()
    assert pick(series, "TKM", "CHN", 2022, "total")["value_usd_m"] == 11181.0


def test_source_break_is_carried_as_data():
    trade = frame(
        [
            row("UZB", "CHN", 2019, "total", 5.0),
            row("UZB", "CHN", 2020, "total", 6.0),
            row("UZB", "CHN", 2021, "total", 7.0, source="stat-uz"),
            row("UZB", "CHN", 2022, "total", 8.0, source="stat-uz"),
        ]
    )
    series = sr.select_series(trade).set_index("year")
    assert list(series["break_before"]) == [False, False, True, False]
    assert list(series["dataset"]) == ["imf_dots", "imf_dots", "national_statistics", "national_statistics"]
    assert series.loc[2021, "source_label"] != series.loc[2020, "source_label"]


def test_conflicts_lists_disagreeing_figures_side_by_side():
    trade = frame(
        [
            row("KGZ", "RUS", 2024, "total", 3200.0, source="fm"),
            row("KGZ", "RUS", 2024, "total", 4000.0, side="statement", source="pm", flags=["approximate"]),
            row("KGZ", "CHN", 2024, "total", 5300.0, source="nsc"),
        ]
    )
    found = sr.conflicts(trade)
    assert sorted(found["value_usd_m"]) == [3200.0, 4000.0]
    assert found["spread_pct"].iloc[0] == pytest.approx(25.0)
    assert found.loc[found["chosen"], "value_usd_m"].tolist() == [3200.0]


# ---------------------------------------------------------------------------
# Shares, concentration, change, overtaking


def five_partner_year(reporter="KAZ", year=2020, shares=(10, 20, 30, 5, 5), world=1000.0):
    values = {p: (s * world / 200, s * world / 200) for p, s in zip(PARTNERS, shares, strict=True)}
    values["WLD"] = (world / 2, world / 2)
    return dots_year(reporter, year, values)


def test_shares_and_hhi_by_hand():
    shares = sh.partner_shares(sr.select_series(frame(five_partner_year())))
    total = shares[shares["flow"].eq("total")].set_index("partner")["share_pct"]
    assert total.to_dict() == pytest.approx({"RUS": 10, "CHN": 20, "USA": 30, "EU27": 5, "TUR": 5})
    conc = sh.concentration(shares)
    row_total = conc[conc["flow"].eq("total")].iloc[0]
    assert row_total["rest_pct"] == pytest.approx(30)
    # 10^2 + 20^2 + 30^2 + 5^2 + 5^2 + 30^2 (rest of world as one block)
    assert row_total["hhi"] == pytest.approx(100 + 400 + 900 + 25 + 25 + 900)


def test_rest_of_world_never_negative_and_flagged():
    rows = five_partner_year(shares=(40, 50, 10, 5, 5))  # sums to 110 %
    conc = sh.concentration(sh.partner_shares(sr.select_series(frame(rows))))
    got = conc[conc["flow"].eq("total")].iloc[0]
    assert got["rest_pct"] == 0
    assert bool(got["rest_negative"])
    assert got["rest_raw_pct"] == pytest.approx(-10)
    assert math.isnan(got["hhi"]) and "negative" in got["reason"]


def test_hhi_missing_when_a_partner_is_missing():
    rows = [r for r in five_partner_year() if r["partner"] != "TUR"]
    conc = sh.concentration(sh.partner_shares(sr.select_series(frame(rows))))
    assert conc["hhi"].isna().all()
    assert (conc["reason"] != "").all()


def test_combined_share_needs_both_partners_on_the_same_records():
    trade = frame(
        [
            row("KAZ", "CHN", 2024, "total", 43820.0, side="mirror", source="gacc"),
            row("KAZ", "RUS", 2024, "total", 28000.0, side="statement", source="pm"),
            row("KAZ", "WLD", 2024, "total", 142900.0, side="reporter", source="bns"),
            row("KAZ", "CHN", 2022, "total", 24200.0, source="bns"),
            row("KAZ", "WLD", 2022, "total", 134800.0, source="bns"),
        ]
    )
    # 2024: China from its customs, Russia from a statement, over own records: no share, no sum;
    # 2022 lacks Russia: no combined value
    assert sh.combined_share(sh.partner_shares(sr.select_series(trade))).empty
    trade = frame(
        [
            row("KAZ", "CHN", 2022, "total", 24200.0, source="bns"),
            row("KAZ", "RUS", 2022, "total", 26100.0, source="bns"),
            row("KAZ", "WLD", 2022, "total", 134800.0, source="bns"),
        ]
    )
    got = sh.combined_share(sh.partner_shares(sr.select_series(trade))).iloc[0]
    assert got["share_pct"] == pytest.approx(100 * (24200 + 26100) / 134800)
    assert (got["dataset"], got["side"]) == ("national_statistics", "reporter")


def test_share_changes_against_base_years():
    rows = []
    for year, chn in ((2000, 10.0), (2021, 30.0), (2023, 45.0)):
        source = "imf-dots" if year <= 2020 else "stat"
        rows += [
            row("UZB", "CHN", year, "total", chn, source=source),
            row("UZB", "WLD", year, "total", 100.0, source=source),
        ]
    changes = sh.share_changes(sh.partner_shares(sr.select_series(frame(rows))))
    got = changes.iloc[0]
    assert (got["latest_year"], got["latest_pct"]) == (2023, pytest.approx(45.0))
    # 2000 is IMF DOTS, 2023 national statistics: the change across records is not measured
    assert math.isnan(got["change_vs_2000_pp"])
    assert got["change_vs_2021_pp"] == pytest.approx(15.0)
    assert not bool(got["same_records_vs_2000"]) and bool(got["same_records_vs_2021"])


def test_overtake_year_is_the_start_of_the_final_run():
    rows = []
    for year, chn in zip(range(2000, 2005), (1.0, 3.0, 1.0, 3.0, 4.0), strict=True):
        rows += [row("KAZ", "CHN", year, "total", chn), row("KAZ", "RUS", year, "total", 2.0)]
    got = sh.overtake_year(sr.select_series(frame(rows))).iloc[0]
    assert got["overtake_year"] == 2003
    assert got["first_ahead_year"] == 2001
    assert got["last_compared_year"] == 2004


def test_no_overtake_when_russia_is_ahead_in_the_last_year_and_mixed_sides_are_not_compared():
    rows = [
        row("TJK", "CHN", 2020, "total", 3.0),
        row("TJK", "RUS", 2020, "total", 2.0),
        row("TJK", "CHN", 2021, "total", 1.0, source="stat"),
        row("TJK", "RUS", 2021, "total", 2.0, source="stat"),
        row("TJK", "CHN", 2022, "total", 9.0, side="mirror", source="gacc"),
        row("TJK", "RUS", 2022, "total", 2.0, source="stat"),
    ]
    got = sh.overtake_year(sr.select_series(frame(rows))).iloc[0]
    assert pd.isna(got["overtake_year"])
    assert got["last_compared_year"] == 2021
    assert "Russia" in got["reason"]


def test_share_snapshot_latest_year_and_missing_stays_missing():
    trade = frame(
        [
            *five_partner_year("KAZ", 2020),
            row("KAZ", "CHN", 2022, "total", 24200.0, source="bns"),
            row("KAZ", "RUS", 2022, "total", 26100.0, source="bns"),
            row("KAZ", "WLD", 2022, "total", 134800.0, source="bns"),
            row("KAZ", "CHN", 2024, "total", 43820.0, side="mirror", source="gacc"),
            row("KAZ", "WLD", 2024, "total", 142900.0, source="bns"),
        ]
    )
    every = sn.share_snapshot(trade, partners=("CHN", "RUS"), reporters=("KAZ",))
    assert set(every["year"]) == {2020}  # by default the one latest year: every named partner has a share
    snap = sn.share_snapshot(trade, partners=("CHN", "RUS"), reporters=("KAZ", "TKM"), question=("CHN", "RUS"))
    kaz = snap[snap["reporter"].eq("KAZ")].set_index("partner")
    assert set(kaz["year"]) == {2022}  # 2024 lacks Russia, so both are shown for 2022
    assert kaz.loc["CHN", "share_pct"] == pytest.approx(100 * 24200 / 134800)
    tkm = snap[snap["reporter"].eq("TKM")]
    assert tkm["share_pct"].isna().all() and (tkm["reason"] != "").all()
    assert not (snap["share_pct"] == 0).any()
    fixed = sn.share_snapshot(trade, partners=("CHN",), year=2024, reporters=("KAZ",)).iloc[0]
    assert math.isnan(fixed["share_pct"]) and "2024" in fixed["reason"]


def test_region_sums_only_complete_keys():
    rows = [*five_partner_year("KAZ", 2020, world=1000.0), *five_partner_year("KGZ", 2020, world=500.0)]
    rows += [row("KAZ", "CHN", 2019, "total", 5.0), row("KAZ", "WLD", 2019, "total", 50.0)]
    region = sn.region_series(sr.select_series(frame(rows)), members=("KAZ", "KGZ"))
    wld = pick(region, "CA5", "WLD", 2020, "total")
    assert wld["value_usd_m"] == pytest.approx(1500.0)
    gap = pick(region, "CA5", "CHN", 2019, "total")
    assert math.isnan(gap["value_usd_m"]) and gap["members_missing"] == "KGZ"


def test_bad_arguments_raise_specific_errors():
    with pytest.raises(sr.SeriesError):
        sr.select_series(frame([row("KAZ", "CHN", 2020, "total", 1.0)]), side="sideways")
    with pytest.raises(rules.RuleError):
        sr.select_series(pd.DataFrame({"reporter": ["KAZ"]}))
    with pytest.raises(sr.SeriesError):
        sn.share_snapshot(frame([row("KAZ", "CHN", 2020, "total", 1.0)]), flow="both")


# ---------------------------------------------------------------------------
# Properties

flows = st.floats(min_value=0.0, max_value=1e5, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(flows, flows), min_size=5, max_size=5), flows, flows)
def test_property_shares_partition_and_total_share_lies_between_flow_shares(partners, extra_x, extra_m):
    world_x = sum(p[0] for p in partners) + extra_x + 1.0
    world_m = sum(p[1] for p in partners) + extra_m + 1.0
    values = dict(zip(PARTNERS, partners, strict=True))
    values["WLD"] = (world_x, world_m)
    shares = sh.partner_shares(sr.select_series(frame(dots_year("UZB", 2018, values))))
    wide = shares.pivot_table(index="partner", columns="flow", values="share_pct")
    assert ((wide >= 0) & (wide <= 100 + 1e-9)).all().all()
    # the total share is a weighted mean of the export and import shares
    low = wide[["exports", "imports"]].min(axis=1) - 1e-9
    high = wide[["exports", "imports"]].max(axis=1) + 1e-9
    assert ((wide["total"] >= low) & (wide["total"] <= high)).all()
    conc = sh.concentration(shares)
    assert np.allclose(conc["named_pct"] + conc["rest_pct"], 100)
    assert ((conc["hhi"] >= 10_000 / 6 - 1e-6) & (conc["hhi"] <= 10_000 + 1e-6)).all()


@settings(max_examples=40, deadline=None)
@given(st.permutations(list(range(5))), st.lists(st.integers(0, 19), min_size=5, max_size=5))
def test_property_hhi_does_not_depend_on_which_partner_holds_which_share(order, raw):
    shares_a = [float(v) for v in raw]
    shares_b = [shares_a[i] for i in order]
    hhi = []
    for shares in (shares_a, shares_b):
        conc = sh.concentration(sh.partner_shares(sr.select_series(frame(five_partner_year(shares=shares)))))
        hhi.append(conc.loc[conc["flow"].eq("total"), "hhi"].iloc[0])
    assert hhi[0] == pytest.approx(hhi[1])


# ---------------------------------------------------------------------------
# On the real data (whatever its contents): invariants of the rule


@pytest.fixture(scope="module")
def real_trade() -> pd.DataFrame:
    from helpers import load_trade

    return load_trade()


def test_real_series_has_one_value_per_key_and_no_partial_or_eur_rows(real_trade):
    series = sr.select_series(real_trade)
    assert not series.duplicated(sr.KEY).any()
    assert series["value_usd_m"].notna().all()
    assert not series["flags"].map(lambda f: "partial_coverage" in f).any()


def test_real_series_never_uses_a_flagged_reporter_value_when_a_dots_mirror_exists(real_trade):
    dots = real_trade[real_trade["source_id"].eq("imf-dots") & real_trade["flow"].isin(["exports", "imports"])]
    flagged = dots[
        dots["side"].eq("reporter") & dots["flags"].map(lambda f: bool({"imf_derived", "imf_fixed_split"} & set(f)))
    ]
    mirrors = dots[dots["side"].eq("mirror")].set_index(sr.KEY)["value_usd_m"]
    series = sr.select_series(real_trade).set_index(sr.KEY)
    checked = 0
    for key in flagged.set_index(sr.KEY).index:
        if key in mirrors.index:
            assert series.loc[key, "side"] == "mirror", key
            assert series.loc[key, "value_usd_m"] == mirrors.loc[key]
            checked += 1
    assert checked > 0 or flagged.empty


def test_shares_at_years_prefers_the_latest_consistent_year():
    trade = frame(
        [
            row("KAZ", "CHN", 2000, "total", 5.0),
            row("KAZ", "RUS", 2000, "total", 25.0),
            row("KAZ", "WLD", 2000, "total", 100.0),
            row("KAZ", "CHN", 2022, "total", 24.0, source="bns"),
            row("KAZ", "RUS", 2022, "total", 26.0, source="bns"),
            row("KAZ", "WLD", 2022, "total", 200.0, source="bns"),
            row("KAZ", "CHN", 2024, "total", 44.0, side="mirror", source="gacc"),
            row("KAZ", "RUS", 2024, "total", 28.0, side="statement", source="pm"),
            row("KAZ", "WLD", 2024, "total", 200.0, source="bns"),
        ]
    )
    table = sn.shares_at_years(sh.combined_share(sh.partner_shares(sr.select_series(trade))))
    got = table.iloc[0]
    assert got["pct_2000"] == pytest.approx(30.0)
    assert math.isnan(got["pct_2021"])
    assert (got["latest_year"], got["latest_pct"]) == (2022, pytest.approx(25.0))
    assert got["latest_label"] == "national statistics, the state's own records"


# ---------------------------------------------------------------------------
# The same-records rule


def test_dataset_column_is_read_when_the_table_has_it():
    trade = frame(
        [
            row("KGZ", "CHN", 2022, "total", 80.0, source="nsc"),
            row("KGZ", "WLD", 2022, "total", 100.0, source="nsc"),
        ]
    ).assign(dataset=["statements", "statements"])
    series = sr.select_series(trade)
    assert set(series["dataset"]) == {"statements"}
    assert pick(sh.partner_shares(series), "KGZ", "CHN", 2022, "total")["share_pct"] == pytest.approx(80.0)


def test_share_only_from_the_same_dataset_and_side():
    trade = frame(
        [
            row("KGZ", "CHN", 2022, "total", 50.0, source="nsc"),
            row("KGZ", "WLD", 2022, "total", 100.0, source="nsc"),
        ]
    ).assign(dataset=["national_statistics", "statements"])
    assert sh.partner_shares(sr.select_series(trade)).empty


def test_a_share_above_100_percent_is_an_error_naming_the_rows():
    trade = frame(
        [
            row("KGZ", "CHN", 2023, "total", 126.0, source="nsc"),
            row("KGZ", "WLD", 2023, "total", 100.0, source="nsc"),
        ]
    )
    with pytest.raises(rules.ShareError, match=r"KGZ-CHN 2023 total: 126\.0%"):
        sh.partner_shares(sr.select_series(trade))


def test_line_breaks_where_the_side_changes_within_a_dataset():
    trade = frame(
        [
            row("TJK", "CHN", 2021, "total", 1.0, source="stat"),
            row("TJK", "CHN", 2022, "total", 3.0, side="mirror", source="gacc"),
            row("TJK", "CHN", 2023, "total", 4.0, side="mirror", source="gacc"),
        ]
    ).assign(dataset="partner_records")
    assert sr.select_series(trade)["break_before"].tolist() == [False, True, False]


def test_same_records_predicate():
    a = pd.Series(["imf_dots", "imf_dots", "statements"])
    side = pd.Series(["reporter", "mirror", "reporter"])
    got = rules.same_records(a, side, pd.Series(["imf_dots"] * 3), pd.Series(["reporter"] * 3))
    assert got.tolist() == [True, False, False]


def test_total_pairs_exports_and_imports_of_the_same_records_across_two_tables():
    trade = frame(
        [
            row("KGZ", "CHN", 2021, "exports", 64.0, source="stat-kg-exports"),
            row("KGZ", "CHN", 2021, "imports", 1464.0, source="stat-kg-imports"),
            row("KGZ", "WLD", 2021, "exports", 2752.0, source="stat-kg-exports"),
            row("KGZ", "WLD", 2021, "imports", 5580.0, source="stat-kg-imports"),
        ]
    ).assign(dataset="national_statistics")
    series = sr.select_series(trade)
    assert pick(series, "KGZ", "CHN", 2021, "total")["value_usd_m"] == pytest.approx(1528.0)
    share = pick(sh.partner_shares(series), "KGZ", "CHN", 2021, "total")["share_pct"]
    assert share == pytest.approx(100 * 1528 / 8332)
    # two exports figures of one dataset and side: only same-source rows are paired
    more = pd.concat([trade, frame([row("KGZ", "CHN", 2021, "exports", 70.0, source="other")])], ignore_index=True)
    more["dataset"] = "national_statistics"
    assert sr.select_series(more).query("partner == 'CHN' and flow == 'total'").empty


def test_superseded_page_figures_are_never_picked():
    trade = frame(
        [
            row("KAZ", "CHN", 2022, "exports", 13200.0, source="page", flags=["superseded"]),
            row("KAZ", "CHN", 2022, "exports", 13000.0, source="stat-kz"),
        ]
    ).assign(dataset="national_statistics")
    assert pick(sr.select_series(trade), "KAZ", "CHN", 2022, "exports")["value_usd_m"] == 13000.0
