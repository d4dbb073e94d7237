"""The bottom line that opens the briefing and the index: a few sentences with numbers, each
pointing at the report that holds its evidence, and the key-indicator table (one row per state).

Every number comes from :func:`helpers.compute.indicators.key_indicators` (trade, one latest-year
rule) and :func:`helpers.compute.follow_through.headline` (deals); nothing is typed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from helpers.codes import SIDE_WORDS, WATCHED, country_name, partner_name, words
from helpers.compute import follow_through as ft
from helpers.compute.indicators import key_indicators
from helpers.narrative.common import pct
from helpers.narrative.follow_through import answer
from helpers.text import table

LATEST_RULE = (
    "Latest year: for each state, the latest year in which its own records give a share for every named "
    "partner (Russia, China, the United States, the European Union's 27 members and Türkiye) on one set of "
    "records; a year before 2015 is not shown as current. Shares are per cent of the state's total trade "
    "(exports plus imports) as its own records count it."
)

KEY_TABLE_CAPTION = "Key indicators: shares of each state's total trade, 2021 → latest year, on its own records"
TRADE_REPORT = "03_dependency_shift"
PROFILE_REPORT = "04_country_profile"  # one report per state: 04_country_profile_KAZ, ...
DEALS_REPORT = "06_deal_follow_through"
US_SHIFT = 2.0  # percentage points: a rise of the US share this large counts as "toward the United States"


@dataclass(frozen=True)
class Point:
    """One sentence of the bottom line and the report that holds its evidence."""

    text: str
    evidence: tuple[str, ...]


def _join(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``.

    >>> _join(["Kazakhstan", "Kyrgyzstan", "Uzbekistan"])
    'Kazakhstan, Kyrgyzstan and Uzbekistan'
    """
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _moves(rows: pd.DataFrame, partner: str) -> str:
    """How one partner's share moved per state: "fell in A (x to y) and rose in B (x to y)"."""
    groups: dict[str, list[str]] = {}
    for row in rows.itertuples():
        before, after = getattr(row, f"{partner}_base"), getattr(row, partner)
        verb = "rose" if after - before >= 0.05 else "fell" if before - after >= 0.05 else "held"
        groups.setdefault(verb, []).append(f"{country_name(row.state)} ({pct(before)} to {pct(after)})")
    return "; ".join(f"{verb} in {_join(states)}" for verb, states in groups.items())


def verdict(compared: pd.DataFrame) -> str:
    """The one-sentence answer: away from Russia? toward China? toward the US? (states compared).

    >>> text = verdict(pd.DataFrame({"state": ["KAZ"], "RUS": [19.0], "RUS_base": [24.0], "CHN": [21.0],
    ...                              "CHN_base": [17.0], "USA": [2.9], "USA_base": [2.2]}))
    >>> text.split(", while ")[0]
    "Kazakhstan's trade is moving away from Russia and toward China"
    >>> text.split(", while ")[1]
    "the United States' share moved by +0.7 percentage points."
    """
    change = {p: (compared[p] - compared[f"{p}_base"]) for p in WATCHED}
    states = [country_name(s) for s in compared["state"]]
    subject = f"{states[0]}'s trade" if len(states) == 1 else f"The trade of {_join(states)}"
    away = "away from Russia" if (change["RUS"] < 0).all() else "not away from Russia everywhere"
    china = "toward China" if (change["CHN"] > 0).all() else "not toward China everywhere"
    low, high = change["USA"].min(), change["USA"].max()
    us = (
        "and toward the United States"
        if (change["USA"] >= US_SHIFT).all()
        else f"while the United States' share moved by {low:+.1f} to {high:+.1f} percentage points"
        if len(states) > 1
        else f"while the United States' share moved by {high:+.1f} percentage points"
    )
    return f"{subject} is moving {away} and {china}, {us}."


def trade_points(indicators: pd.DataFrame) -> list[Point]:
    """Sentences on the trade shift: Russia, China and the US per state with a base year on the same
    records, then the states whose own records are old or stop long ago."""
    compared = indicators[indicators["base_year"].notna()]
    points = []
    if not compared.empty:
        points.append(Point(verdict(compared), (TRADE_REPORT,)))
        years = sorted({(int(r.base_year), int(r.year)) for r in compared.itertuples()})
        span = " and ".join(f"{a} and {b}" for a, b in years)
        points.append(
            Point(
                f"On each state's own records, between {span} Russia's share of total trade "
                f"{_moves(compared, 'RUS')}; China's share {_moves(compared, 'CHN')}; the United States' "
                f"share {_moves(compared, 'USA')}.",
                (TRADE_REPORT,),
            )
        )
    stale = indicators[indicators["base_year"].isna()]
    if not stale.empty:
        parts = [
            f"{country_name(r.state)}'s stop in {int(r.year)}" if pd.notna(r.year) else f"{country_name(r.state)}'s "
            "never cover every partner in one year"
            for r in stale.itertuples()
        ]
        points.append(
            Point(
                f"For the other states there is no recent comparison on their own records ({_join(parts)}); "
                "their country profiles show what the partners recorded since.",
                tuple(f"{PROFILE_REPORT}_{state}" for state in stale["state"]),
            )
        )
    return points


def indicator_table(indicators: pd.DataFrame) -> pd.DataFrame:
    """The key-indicator table as readers see it: one row per state, shares as "2021 → latest"."""
    rows = []
    for r in indicators.itertuples():
        row = {"State": country_name(r.state)}
        year = str(r.year) if pd.notna(r.year) else "none"
        row["Latest year on its own records"] = year if r.current else f"{year} (too old to show)"
        for partner in WATCHED:
            now, base = getattr(r, partner), getattr(r, f"{partner}_base")
            shown = pct(now) if pd.notna(now) else "no current value"
            row[f"{partner_name(partner)}, % of trade"] = f"{pct(base)} → {shown}" if pd.notna(base) else shown
        rows.append(row)
    return pd.DataFrame(rows)


def deal_points(status: pd.DataFrame, events: pd.DataFrame, as_of: object) -> list[Point]:
    """Sentences on the deals a year on: what moved since the summit, what is overdue, what to watch."""
    points = [Point(answer(status) + ".", (DEALS_REPORT,))]
    late = status[status["flag"].eq(ft.OVERDUE)].sort_values("title")
    ahead = upcoming_targets(events, as_of)
    titles = status.set_index("deal_id")["title"]
    parts = []
    if len(late):
        parts.append(
            "Overdue against a date the parties set themselves: "
            + "; ".join(f"{r.title}, {r.target}" for r in late.itertuples())
        )
    if len(ahead):
        parts.append(
            "To watch next, dates the parties set: "
            + "; ".join(
                f"{titles.get(r.deal_id, r.deal_id)}, {words(r.target_event)} by {ft.day(r.target_date)}"
                for r in ahead.itertuples()
            )
        )
    if parts:
        points.append(Point(". ".join(parts) + ".", (DEALS_REPORT,)))
    return points


def upcoming_targets(events: pd.DataFrame, as_of: object) -> pd.DataFrame:
    """Targets the parties set that fall after ``as_of`` and were not yet met, soonest first."""
    targets = events[events["event"].eq(ft.TARGET) & events["target_date"].ge(pd.Timestamp(as_of))]
    return targets.sort_values(["target_date", "deal_id"], kind="stable").reset_index(drop=True)


def bottom_line(
    trade: pd.DataFrame, deals: pd.DataFrame, events: pd.DataFrame, checks: pd.DataFrame
) -> tuple[list[Point], object, str]:
    """The bottom line: trade sentences, deal sentences, the key-indicator table (HTML) and the rule."""
    indicators = key_indicators(trade)
    status = ft.deal_status(deals, events, checks)
    as_of, _ = ft.check_dates(checks)
    points = [*trade_points(indicators), *deal_points(status, events, as_of)]
    return points, table(indicator_table(indicators), caption=KEY_TABLE_CAPTION), LATEST_RULE


def conflicts_in_brief(conflicts: pd.DataFrame) -> pd.DataFrame:
    """The conflicting-figures table in compact form, one row per state and partner, for the briefing.

    ``conflicts`` is :func:`helpers.compute.series.conflicts` (one row per figure). Each row says
    in which years and for how many keys (year and flow) the sources differ, by how much at most, and
    whose records the charts use there.

    >>> rows = pd.DataFrame({"reporter": ["KAZ"] * 3, "partner": ["CHN"] * 3, "year": [2022, 2022, 2023],
    ...                      "flow": ["total"] * 3, "spread_pct": [10.0, 10.0, 4.0],
    ...                      "side": ["reporter", "mirror", "reporter"], "chosen": [True, False, True]})
    >>> conflicts_in_brief(rows).astype(str).iloc[0].tolist()
    ['Kazakhstan', 'China', '2022-2023', '2', '10.0%', "the state's own records"]
    """
    out = []
    for (state, partner), rows in conflicts.groupby(["reporter", "partner"], sort=True):
        first, last = int(rows["year"].min()), int(rows["year"].max())
        used = sorted(set(rows.loc[rows["chosen"], "side"]), key=list(SIDE_WORDS).index)
        out.append(
            {
                "State": country_name(state),
                "Partner": partner_name(partner),
                "Years": str(first) if first == last else f"{first}-{last}",
                "Figures that differ (year and flow)": len(rows[["year", "flow"]].drop_duplicates()),
                "Largest gap": pct(rows["spread_pct"].max()),
                "Charts use": "; ".join(SIDE_WORDS[side] for side in used) or "none of these figures",
            }
        )
    return pd.DataFrame(out)
