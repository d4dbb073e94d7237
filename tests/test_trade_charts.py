"""Trade charts and their titles: titles computed from data, breaks drawn from data, theme colours."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.compute import series as sr
from helpers.compute import shares as sh
from helpers.compute import snapshots as sn
from helpers.figures import grid
from helpers.figures import trade_charts as tc
from helpers.figures.theme import PARTNER_COLOURS
from helpers.narrative import trade as nt


def row(reporter, partner, year, value, side="reporter", source="imf-dots"):
    return {
        "reporter": reporter,
        "partner": partner,
        "year": year,
        "flow": "total",
        "value_usd_m": value,
        "value_eur_m": None,
        "side": side,
        "basis": "goods",
        "flags": [],
        "source_id": source,
    }


def shares_for(rows):
    return sh.partner_shares(sr.select_series(pd.DataFrame.from_records(rows)))


ROWS = [
    row("KAZ", "RUS", 2020, 20.0),
    row("KAZ", "CHN", 2020, 15.0),
    row("KAZ", "WLD", 2020, 100.0),
    row("KAZ", "RUS", 2022, 25.0, source="bns"),
    row("KAZ", "CHN", 2022, 30.0, source="bns"),
    row("KAZ", "WLD", 2022, 100.0, source="bns"),
]


def test_titles_follow_the_data():
    shares = shares_for(ROWS)
    latest = "Kazakhstan's largest named partner in total trade in 2022"
    assert nt.top_partner_title(shares, "total", ("RUS", "CHN")).startswith(f"China was {latest}")
    flipped = shares_for([{**r, "value_usd_m": 40.0} if r["partner"] == "RUS" else r for r in ROWS])
    assert nt.top_partner_title(flipped, "total", ("RUS", "CHN")).startswith(f"Russia was {latest}")
    at_years = sn.shares_at_years(sh.combined_share(shares))
    assert nt.combined_title(at_years) == "Russia and China together: 55% of Kazakhstan's total trade in 2022"


def test_lines_break_at_source_breaks_and_missing_years():
    shares = shares_for(ROWS)
    line = shares[shares["partner"].eq("CHN")]
    full = grid.with_gaps(line, range(2020, 2023))
    # 2020 value, 2021 missing, a gap at 2021.5 before the 2022 source break, then 2022
    assert full["year"].tolist() == [2020.0, 2021.0, 2021.5, 2022.0]
    assert full["share_pct"].isna().tolist() == [False, True, True, False]


def test_small_multiples_use_theme_colours_and_mark_the_break_from_data():
    shares = shares_for(ROWS)
    fig = tc.share_small_multiples(
        shares, flow="total", reporters=("KAZ",), partners=("RUS", "CHN"), title="t", source="s", cols=1
    )
    colours = {trace.name: trace.line.color for trace in fig.data}
    assert colours == {"Russia": PARTNER_COLOURS["RUS"], "China": PARTNER_COLOURS["CHN"]}
    assert [shape.x0 for shape in fig.layout.shapes if shape.line.dash == "dot"] == [2021.5]  # records change
    invasion = [shape.x0 for shape in fig.layout.shapes if shape.line.dash == "dash"]
    assert invasion == pytest.approx([2022.15], abs=0.01)  # 24 February 2022
    dots_only = shares[shares["dataset"].eq("imf_dots")]
    fig2 = tc.share_small_multiples(
        dots_only, flow="total", reporters=("KAZ",), partners=("RUS", "CHN"), title="t", source="s", cols=1
    )
    assert [shape for shape in fig2.layout.shapes if shape.line.dash == "dot"] == []


def test_hover_text_is_escaped():
    shares = shares_for(ROWS).assign(source_label="<img src=x onerror=alert(1)>")
    fig = tc.share_small_multiples(
        shares, flow="total", reporters=("KAZ",), partners=("CHN",), title="t", source="s", cols=1
    )
    hover = " ".join(t for t in fig.data[0].hovertext if t)
    assert "<img" not in hover and "&lt;img" in hover


def test_a_line_never_joins_two_sets_of_records_in_the_figure_data():
    rows = [*ROWS, row("KAZ", "CHN", 2023, 31.0, source="bns"), row("KAZ", "WLD", 2023, 100.0, source="bns")]
    fig = tc.share_small_multiples(
        shares_for(rows), flow="total", reporters=("KAZ",), partners=("CHN",), title="t", source="s", cols=1
    )
    xs, ys = list(fig.data[0].x), list(fig.data[0].y)
    # between the 2020 (IMF DOTS) and 2022 (national statistics) points there is a gap (None/NaN)
    between = [y for x, y in zip(xs, ys, strict=True) if 2020 < x < 2022]
    assert between and all(y is None or y != y for y in between)
    assert [a.text for a in fig.layout.annotations if a.text == grid.BREAK_LABEL] == [grid.BREAK_LABEL]
