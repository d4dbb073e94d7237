"""One latest-year rule: every "latest" the helpers produce comes from rules.latest_years.

Synthetic frames check the rule itself (expected years worked out by hand); the real data check
that headlines, tables, maps, profiles and scenario baselines agree on one year per state and
question, and that no year before 2015 is presented as current.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from notebook_runs import plain_text

from helpers import load_deals, load_trade
from helpers.codes import OTHER, PARTNERS, STATES
from helpers.compute import scenarios as scn
from helpers.compute import shares as sh
from helpers.compute import snapshots as sn
from helpers.compute.context import partner_records_after, trade_context
from helpers.compute.rules import CURRENT_FROM, latest_years
from helpers.narrative import profile as npf
from helpers.narrative import scenarios as ns
from helpers.narrative.common import own_records_note, own_records_notes

ROOT = Path(__file__).resolve().parents[1]


def share_rows(rows: list[tuple[str, str, int, float, str]]) -> pd.DataFrame:
    """(reporter, partner, year, share, dataset) -> a minimal shares frame, all on the reporter side."""
    return pd.DataFrame(
        [
            {"reporter": r, "partner": p, "year": y, "flow": "total", "share_pct": v, "dataset": d, "side": "reporter"}
            for r, p, y, v, d in rows
        ]
    )


def test_the_latest_year_needs_every_partner_on_one_set_of_records() -> None:
    shares = share_rows(
        [
            ("AAA", "RUS", 2022, 10.0, "nat"),
            ("AAA", "CHN", 2022, 20.0, "nat"),
            ("AAA", "RUS", 2023, 11.0, "nat"),
            ("AAA", "CHN", 2023, 21.0, "other"),  # mixed records: not a latest year for both
            ("AAA", "RUS", 2024, 12.0, "nat"),  # China missing
            ("BBB", "RUS", 2003, 5.0, "imf"),
            ("BBB", "CHN", 2003, 6.0, "imf"),
            ("BBB", "CHN", 2020, 7.0, "imf"),
        ]
    )
    got = latest_years(shares, ["RUS", "CHN"]).set_index("reporter")
    assert got.loc["AAA", "year"] == 2022 and got.loc["AAA", "dataset"] == "nat"
    assert bool(got.loc["AAA", "current"]) and not bool(got.loc["AAA", "old"])  # 2022 is three years before 2025
    assert bool(got.loc["BBB", "old"])
    assert got.loc["BBB", "year"] == 2003 and not bool(got.loc["BBB", "current"])
    # the question decides: China alone is covered in 2023 (AAA) and 2020 (BBB)
    alone = latest_years(shares, ["CHN"]).set_index("reporter")["year"].to_dict()
    assert alone == {"AAA": 2023, "BBB": 2020}


def test_no_reporter_without_a_covered_year() -> None:
    shares = share_rows([("AAA", "RUS", 2022, 10.0, "nat")])
    assert latest_years(shares, ["RUS", "CHN"]).empty


@pytest.fixture(scope="module")
def trade() -> pd.DataFrame:
    return load_trade()


@pytest.fixture(scope="module")
def ctx(trade: pd.DataFrame):
    return trade_context(trade, STATES)


def test_every_share_view_shows_the_same_latest_year_per_state(trade: pd.DataFrame, ctx) -> None:
    rule = ctx.latest.set_index("reporter")
    current = rule[rule["current"].astype(bool)]["year"].astype(int).to_dict()
    assert set(current) >= {"KAZ", "KGZ", "UZB"}
    at_years = ctx.at_years.dropna(subset=["latest_year"]).set_index("reporter")["latest_year"].astype(int)
    assert at_years.to_dict() == current
    changes = sh.share_changes(sh.with_rest_of_world(ctx.shares))
    total = changes[changes["flow"].eq("total")].dropna(subset=["latest_year"])
    assert total.groupby("reporter")["latest_year"].nunique().eq(1).all()
    assert total.groupby("reporter")["latest_year"].first().astype(int).to_dict() == current
    top = sn.latest_top_partner(ctx.shares, "total", PARTNERS).set_index("reporter")["year"].astype(int)
    assert top.to_dict() == current
    snap = sn.share_snapshot(trade, partners=("CHN", "RUS"), question=PARTNERS).dropna(subset=["share_pct"])
    assert snap.groupby("reporter")["year"].first().astype(int).to_dict() == current
    hhi = sn.latest_hhi(ctx.concentration).set_index("reporter")["year"].astype(int)
    assert hhi.to_dict() == current


def test_uzbekistan_china_share_is_one_figure(trade: pd.DataFrame, ctx) -> None:
    """The audit saw 18.8 % and 21.8 % for one 'latest' China share of Uzbekistan."""
    snap = sn.share_snapshot(trade, partners=("CHN",), question=PARTNERS, reporters=("UZB",)).iloc[0]
    changes = sh.share_changes(ctx.shares)
    row = changes[changes["reporter"].eq("UZB") & changes["partner"].eq("CHN") & changes["flow"].eq("total")].iloc[0]
    assert snap["year"] == row["latest_year"]
    assert snap["share_pct"] == pytest.approx(row["latest_pct"])


def test_no_latest_before_2015_is_presented(trade: pd.DataFrame, ctx) -> None:
    frames = [
        ctx.at_years["latest_year"],
        sh.share_changes(ctx.shares)["latest_year"],
        sn.share_snapshot(trade, question=PARTNERS).dropna(subset=["share_pct"])["year"],
        sn.latest_hhi(ctx.concentration)["year"],
        scn.baseline_us(trade)["year"],
    ]
    for years in frames:
        assert years.dropna().ge(CURRENT_FROM).all()
    tkm = ctx.at_years.set_index("reporter").loc["TKM"]
    assert pd.isna(tkm["latest_year"]) and tkm["own_records_end"] < CURRENT_FROM


def test_a_state_whose_own_records_stop_long_ago_is_told_with_partners_records(trade: pd.DataFrame, ctx) -> None:
    end = int(ctx.latest.set_index("reporter").at["TKM", "year"])
    partners = partner_records_after(trade, "TKM", end)
    assert len(partners) and partners["year"].gt(end).all()
    note = own_records_note("TKM", ctx.latest, partners)
    assert f"up to {end}" in note and "no share is shown as latest" in note
    assert str(int(partners["year"].max())) in note and "partners recorded" in note
    notes = own_records_notes(trade, ctx.latest, STATES)
    assert any(n.startswith("Turkmenistan") for n in notes)
    assert not any(n.startswith(("Kazakhstan", "Kyrgyzstan")) for n in notes)  # their records are recent
    profile = npf.profile_findings("TKM", ctx.at_years, ctx.overtakes, load_deals(), [], notes)
    text = " ".join(profile)
    assert "no current value" in text and f"stop in {end}" in text


def test_us_share_question_and_scenario_baseline_agree(trade: pd.DataFrame) -> None:
    base = scn.baseline_us(trade).dropna(subset=["year"]).set_index("reporter")
    us = sn.share_snapshot(trade, partners=("USA",)).dropna(subset=["share_pct"]).set_index("reporter")
    assert base["year"].astype(int).to_dict() == us["year"].astype(int).to_dict()
    for state in base.index:
        assert base.at[state, "us_share_pct"] == pytest.approx(us.at[state, "share_pct"])


def test_rest_of_world_closes_the_shares_to_100() -> None:
    shares = pd.DataFrame(
        [
            {"reporter": "AAA", "partner": p, "year": 2023, "flow": "total", "share_pct": v, "value_usd_m": v,
             "world_usd_m": 100.0, "side": "reporter", "world_side": "reporter", "share_basis": "",
             "source_label": "x", "dataset": "nat", "estimate": False, "flags": [], "break_before": False,
             "source_id": "s", "world_source_id": "w"}
            for p, v in (("RUS", 20.0), ("CHN", 15.0))
        ]
    )  # fmt: skip
    out = sh.with_rest_of_world(shares, ("RUS", "CHN"))
    rest = out[out["partner"].eq(OTHER)].iloc[0]
    assert rest["share_pct"] == pytest.approx(65.0) and rest["value_usd_m"] == pytest.approx(65.0)
    assert out.groupby("year")["share_pct"].sum().iloc[0] == pytest.approx(100.0)
    # a partner missing: no rest-of-world row (it would hide the gap)
    assert OTHER not in set(sh.with_rest_of_world(shares.iloc[:1], ("RUS", "CHN"))["partner"])


def _ranges(old: bool, nonbinding: float, deal: float) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"reporter": "TJK", "baseline_year": 2020, "baseline_share_pct": 1.0, "low_pct": 3.0, "high_pct": 22.0,
             "n_deals": 1, "reason": "", "baseline_old": old, "deal_usd_m": deal, "nonbinding_usd_m": nonbinding}
        ]
    )  # fmt: skip


def test_scenario_headline_says_an_old_baseline_and_non_binding_money() -> None:
    """The title gives the numbers; right under it (the subtitle) an old baseline and non-binding money."""
    title = ns.scenario_title(_ranges(True, 3200.0, 3200.0))
    assert "from 1.0% in 2020" in title and "binding" not in title
    detail = ns.scenario_detail(_ranges(True, 3200.0, 3200.0))
    assert "Tajikistan's baseline (2020) is more than three years old" in detail
    assert "all US$3.2 bn of the deal money is a non-binding commitment" in detail
    part = ns.scenario_detail(_ranges(False, 1000.0, 4000.0))
    assert "years old" not in part and "US$1.0 bn of the US$4.0 bn deal money is non-binding" in part
    assert ns.scenario_detail(_ranges(False, 0.0, 4000.0)) == ""


def test_real_scenarios_flag_tajikistan_s_old_baseline(trade: pd.DataFrame) -> None:
    base = scn.baseline_us(trade).set_index("reporter")
    assert base.at["TJK", "year"] == 2020 and bool(base.at["TJK", "old"])
    assert base.at["TJK", "world_latest_year"] > 2020  # a newer total on its own records is shown beside it
    results = scn.scenarios(trade, load_deals())
    line = ns.old_baseline_line("TJK", base.loc["TJK"], results.set_index("reporter").loc["TJK"].iloc[-1])
    assert "more than three years before 2025" in line and str(base.at["TJK", "world_latest_year"]) in line


# ---------------------------------------------------------------- what the readers get (committed outputs)

REPORTED = ("02_regional_map.ipynb", "03_dependency_shift.ipynb", "04_country_profile.ipynb", "05_deal_scenarios.ipynb")
# "latest ... 2003" within one sentence: a latest year presented to the reader
LATEST_YEAR = re.compile(r"\blatest\b[^.;]{0,90}?\b((?:19|20)\d\d)\b", re.IGNORECASE)


def _words(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def _reader_text(name: str) -> list[str]:
    """The sentences a report shows from the executed notebook: Markdown outputs (Key findings and
    generated sentences) and chart titles, as plain words (tables are left to their own tests)."""
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    texts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                texts.append(_words(plain_text("".join(data["text/markdown"]))))
            figure = data.get("application/vnd.plotly.v1+json")
            if figure:
                title = figure["layout"]["title"]  # the title and plotly's subtitle
                texts.append(_words(f"{title['text']} {title.get('subtitle', {}).get('text', '')}"))
    return texts


@pytest.mark.parametrize("name", REPORTED)
def test_no_report_calls_a_year_before_2015_latest(name: str) -> None:
    old = [
        (m[1], text[max(0, m.start() - 60) : m.end() + 20])
        for text in _reader_text(name)
        for m in LATEST_YEAR.finditer(text)
        if int(m[1]) < CURRENT_FROM
    ]
    assert not old, old


def test_the_reports_give_each_state_one_latest_share_year() -> None:
    """Notebook 03's largest-partner title and its Russia + China findings name the same year per state."""
    texts = _reader_text("03_dependency_shift.ipynb")
    title = next(t for t in texts if t.startswith("Largest named partner in total trade"))
    findings = next(t for t in texts if "Russia + China share of total trade" in t)
    for state in ("Kazakhstan", "Kyrgyzstan", "Uzbekistan", "Tajikistan"):
        in_title = re.search(rf"{state} \((\d{{4}})\)", title)[1]
        line = re.search(rf"{state}: Russia \+ China share of total trade [^\n]*?(\d{{4}}) \(", findings)
        assert line is not None and line[1] == in_title, (state, in_title)


def test_the_latest_pattern_finds_an_old_year_in_a_sentence() -> None:
    assert LATEST_YEAR.search("Russia was the largest partner in the latest year, 2003 (IMF DOTS)")[1] == "2003"
    assert LATEST_YEAR.search("latest year 2023: 40.9%. Data from 2000")[1] == "2023"


def test_a_new_year_on_the_state_s_own_records_moves_every_latest(trade: pd.DataFrame, ctx) -> None:
    """Outputs move when data move: Kazakhstan's agency table rows repeated for 2024 (a planted year,
    never shipped) make 2024 its latest year in the rule, the share changes, the scenario baseline
    and the stamp, while the other states keep theirs."""
    table = trade["reporter"].eq("KAZ") & trade["year"].eq(2023) & trade["source_id"].str.startswith("stat-")
    planted = trade[table].assign(year=2024)
    assert planted["partner"].nunique() >= len(PARTNERS) + 1  # every named partner and the world
    moved = pd.concat([trade[~(trade["reporter"].eq("KAZ") & trade["year"].eq(2024))], planted], ignore_index=True)
    before = ctx.latest.set_index("reporter")["year"].astype(int).to_dict()
    after = trade_context(moved, STATES).latest.set_index("reporter")["year"].astype(int).to_dict()
    assert before["KAZ"] == 2023 and after["KAZ"] == 2024
    assert {s: y for s, y in after.items() if s != "KAZ"} == {s: y for s, y in before.items() if s != "KAZ"}
    changes = sh.share_changes(trade_context(moved, STATES).shares)
    kaz = changes[changes["reporter"].eq("KAZ") & changes["flow"].eq("total")]
    assert kaz["latest_year"].dropna().astype(int).eq(2024).all()
    assert int(scn.baseline_us(moved).set_index("reporter").at["KAZ", "year"]) == 2024
    assert sn.trade_coverage(moved)["own"] == 2024 and sn.trade_coverage(trade)["own"] == 2023
