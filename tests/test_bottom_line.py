"""The bottom line that opens the briefing and the index: its numbers are the agencies' own, its
verdict follows the data, and it shows as escaped text linking only to reports that were built."""

from __future__ import annotations

import pandas as pd
import pytest

import helpers
from helpers.codes import WATCHED
from helpers.compute.indicators import key_indicators
from helpers.narrative import bottom_line as bl

STATES_ON_OWN_TABLES = ("KAZ", "KGZ", "UZB")


@pytest.fixture(scope="module")
def trade() -> pd.DataFrame:
    return helpers.load_trade()


def agency_share(trade: pd.DataFrame, state: str, partner: str, year: int) -> float:
    """Exports plus imports with a partner over exports plus imports with the world, from the
    agency's own rows in trade.csv (superseded page rows left out), computed here by hand."""
    rows = trade[
        trade["reporter"].eq(state)
        & trade["year"].eq(year)
        & trade["dataset"].eq("national_statistics")
        & trade["flow"].isin(["exports", "imports"])
        & ~trade["flags"].map(lambda flags: "superseded" in flags)
    ]
    by_partner = rows.groupby("partner")["value_usd_m"].sum()
    return 100 * by_partner[partner] / by_partner["WLD"]


@pytest.mark.parametrize("state", STATES_ON_OWN_TABLES)
def test_key_indicators_are_the_agencies_shares_in_2021_and_the_latest_year(trade: pd.DataFrame, state: str) -> None:
    row = key_indicators(trade).set_index("state").loc[state]
    assert row["base_year"] == 2021 and row["year"] >= 2023 and row["current"]
    for partner in WATCHED:
        assert row[partner] == pytest.approx(agency_share(trade, state, partner, int(row["year"])), abs=0.05)
        assert row[f"{partner}_base"] == pytest.approx(agency_share(trade, state, partner, 2021), abs=0.05)


def test_states_without_recent_own_records_get_no_comparison(trade: pd.DataFrame) -> None:
    table = key_indicators(trade).set_index("state")
    assert not table.loc["TKM", "current"]
    assert pd.isna(table.loc["TKM", "RUS"]) and pd.isna(table.loc["TJK", "base_year"])
    stale = bl.trade_points(key_indicators(trade))[-1]
    assert "Tajikistan's stop in 2020" in stale.text and "Turkmenistan's stop in 2003" in stale.text
    assert stale.evidence == ("04_country_profile_TJK", "04_country_profile_TKM")


def test_the_stamp_gives_the_same_latest_year_as_the_key_indicators(trade: pd.DataFrame) -> None:
    from helpers.compute.snapshots import trade_coverage

    table = key_indicators(trade)
    assert trade_coverage(trade)["own"] == int(table.loc[table["current"], "year"].max())


def frame(rus: tuple[float, float], chn: tuple[float, float], usa: tuple[float, float]) -> pd.DataFrame:
    """Two states with the same 2021 and latest shares (base, latest) per partner."""
    return pd.DataFrame(
        {
            "state": ["KAZ", "UZB"],
            "RUS_base": [rus[0]] * 2, "RUS": [rus[1]] * 2,
            "CHN_base": [chn[0]] * 2, "CHN": [chn[1]] * 2,
            "USA_base": [usa[0]] * 2, "USA": [usa[1]] * 2,
        }
    )  # fmt: skip


def test_the_verdict_follows_the_numbers() -> None:
    away = bl.verdict(frame((25, 20), (17, 22), (2, 2.5)))
    assert away.startswith("The trade of Kazakhstan and Uzbekistan is moving away from Russia and toward China")
    assert "+0.5 to +0.5 percentage points" in away
    toward_us = bl.verdict(frame((25, 20), (22, 17), (2, 6)))
    assert "not toward China everywhere, and toward the United States" in toward_us
    back = bl.verdict(frame((20, 25), (17, 22), (2, 2)))
    assert "not away from Russia everywhere" in back


def test_the_real_bottom_line_opens_with_the_verdict_and_covers_deals(trade: pd.DataFrame) -> None:
    points, table, rule = bl.bottom_line(
        trade, helpers.load_deals(), helpers.load_deal_events(), helpers.load_deal_checks()
    )
    assert 4 <= len(points) <= 6
    assert points[0].text.startswith("The trade of Kazakhstan, Kyrgyzstan and Uzbekistan is moving")
    deals = [p for p in points if p.evidence == (bl.DEALS_REPORT,)]
    assert deals and deals[0].text.startswith("Since the summit on 6 Nov 2025")
    assert "Kazakhstan" in table.data and "→" in table.data and "latest year" in rule


def test_the_bottom_line_is_text_and_links_only_to_built_reports() -> None:
    from reporting.briefing import bottom_line_html
    from reporting.project import BottomLine

    class Job:
        name = bl.TRADE_REPORT

    class Report:
        job = Job()
        title = "Trade <b>shift</b>"

    bottom = BottomLine(
        [bl.Point("Russia <script>alert(1)</script> fell", (bl.TRADE_REPORT,)), bl.Point("Deals", ("missing",))],
        "<table></table>",
        "rule & more",
    )
    html = bottom_line_html(bottom, [Report()], lambda r: f"{r.job.name}.html")
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert f'href="{bl.TRADE_REPORT}.html"' in html and "Trade &lt;b&gt;shift&lt;/b&gt;" in html
    assert html.count("href=") == 1 and "rule &amp; more" in html
    assert bottom_line_html(None, [Report()], str) == ""
