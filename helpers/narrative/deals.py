"""Titles and sentences of the deal tracker (notebook 01), every number computed from the data."""

from __future__ import annotations

import pandas as pd

from helpers.codes import ANNOUNCEMENTS, UNCONFIRMED, country_name, field_enum, label, words
from helpers.compute.deals import (
    BINDING,
    DIMENSIONS,
    NO_VALUE,
    NON_BINDING,
    DealsError,
    binding_summary,
    deduplicated,
    headline,
    overlap_table,
    period_totals,
    timeline,
    totals_by,
)
from helpers.compute.rules import SUMMIT
from helpers.text import day, money, plotly_text

SUMMIT_WINDOW_DAYS = 3


def _label(by: str, value: object) -> str:
    return country_name(str(value)) if by == "country" else str(value) if by == "us_party" else label(value)


def totals_title(deals: pd.DataFrame, by: str) -> str:
    """The group with the most confirmed deduplicated deal value, stated."""
    table = totals_by(deals, by)
    valued = table[table["dedup_confirmed_usd_m"].fillna(0) > 0]
    valued = valued.sort_values(["dedup_confirmed_usd_m", by], ascending=[False, True], kind="stable")
    if valued.empty:
        return "No confirmed deal states a value"
    first = valued.iloc[0]
    lead = plotly_text(_label(by, first[by]))
    return f"{lead} leads with {money(first['dedup_confirmed_usd_m'])} of confirmed deduplicated deal value"


def binding_title(deals: pd.DataFrame) -> str:
    """How much of the confirmed deduplicated money is binding."""
    share = binding_summary(deals).set_index("binding_class").at[BINDING, "share_confirmed_pct"]
    if pd.isna(share):
        return "No confirmed deal states a value"
    if round(share) == 0:
        return "None of the confirmed deduplicated headline money is binding"
    prefix = "Only " if share < 50 else ""
    return f"{prefix}{share:.0f}% of the confirmed deduplicated headline money is binding"


def timeline_title(deals: pd.DataFrame, summit: str = SUMMIT) -> str:
    """How many tracked deals were announced within three days of the summit."""
    frame = timeline(deals)
    days = (frame["announced_date"] - pd.Timestamp(summit)).abs().dt.days
    near = int(days.le(SUMMIT_WINDOW_DAYS).sum())
    return f"{near} of {len(frame)} tracked deals were announced within three days of the C5+1 summit"


def key_findings(deals: pd.DataFrame, claims: pd.DataFrame) -> list[str]:
    """Findings for the deal-tracker notebook, every number computed from the data."""
    h = headline(deals)
    summary = binding_summary(deals).set_index("binding_class")
    by_country = totals_by(deals, "country").set_index("country")["dedup_confirmed_usd_m"]
    by_country = by_country.dropna().sort_values(ascending=False)
    by_sector = totals_by(deals, "sector").set_index("sector")["dedup_confirmed_usd_m"].dropna()
    by_sector = by_sector.sort_values(ascending=False)
    counted = deduplicated(deals)
    unconfirmed = counted[counted["confirmation"].eq(UNCONFIRMED) & counted["value_usd_m"].notna()]
    biggest = unconfirmed.sort_values("value_usd_m", ascending=False).head(1)
    verdicts = claims["verdict"].value_counts()
    lines = [
        (
            f"{h['n_rows']} deal rows; {h['n_overlapping']} sit inside another row (financing, options, umbrella "
            f"items, duplicates, claims). Naive sum {money(h['naive_usd_m'])}; deduplicated {money(h['dedup_usd_m'])}, "
            f"of which {money(h['unconfirmed_usd_m'])} is unconfirmed; deduplicated without unconfirmed rows: "
            f"{money(h['dedup_confirmed_usd_m'])}."
        ),
    ]
    if len(biggest):
        row = biggest.iloc[0]
        lines.append(
            f"The largest unconfirmed figure, '{row['title']}' ({country_name(row['country'])}, "
            f"{money(row['value_usd_m'])}), is {100 * row['value_usd_m'] / h['dedup_usd_m']:.0f}% of the "
            "deduplicated total including unconfirmed rows."
        )
    lines.append(
        "Binding commitments (contracts, firm orders, projects in progress) are "
        f"{money(summary.at[BINDING, 'dedup_confirmed_usd_m'])} ({summary.at[BINDING, 'share_confirmed_pct']:.0f}%) "
        "of the confirmed deduplicated money; MoUs, LoIs, "
        f"frameworks and 'up to' figures are {money(summary.at[NON_BINDING, 'dedup_confirmed_usd_m'])}; "
        f"{int(summary.at[NO_VALUE, 'n_counted'])} counted deals state no value."
    )
    if len(by_country) and len(by_sector):
        lines.append(
            "By state (confirmed, deduplicated): "
            + ", ".join(f"{country_name(c)} {money(v)}" for c, v in by_country.items())
            + f". Largest sector: {words(by_sector.index[0])} ({money(by_sector.iloc[0])})."
        )
    lines.append(
        f"The {len(claims)} claims about deals in {ANNOUNCEMENTS}, checked against the deal rows: "
        + ", ".join(f"{int(verdicts.get(v, 0))} {v}" for v in ("confirmed", "differs", "unconfirmed"))
        + "."
    )
    return lines


GROUP_NOUNS = {
    "country": ("state", "states"),
    "sector": ("sector", "sectors"),
    "us_party": ("US party", "US parties"),
    "instrument": ("instrument", "instruments"),
    "stage": ("stage", "stages"),
}


def notes(deals: pd.DataFrame, topic: str) -> list[str]:
    """Two or three data-driven sentences interpreting one section of the deal tracker.

    ``topic``: ``country``, ``sector``, ``us_party``, ``instrument``, ``stage``, ``binding``,
    ``overlaps`` or ``timeline``.
    """
    h = headline(deals)
    if topic in DIMENSIONS:
        table = totals_by(deals, topic)
        valued = table.dropna(subset=["dedup_confirmed_usd_m"]).sort_values("dedup_confirmed_usd_m", ascending=False)
        name = {"country": country_name, "us_party": str}.get(topic, words)
        out = []
        if len(valued):
            first = valued.iloc[0]
            share = 100 * first["dedup_confirmed_usd_m"] / h["dedup_confirmed_usd_m"]
            out.append(
                f"Without unconfirmed rows, {name(first[topic])} accounts for {money(first['dedup_confirmed_usd_m'])} "
                f"({share:.0f}% of {money(h['dedup_confirmed_usd_m'])})."
            )
        unvalued = table[table["dedup_usd_m"].isna()]
        if len(unvalued):
            groups = ", ".join(name(v) for v in unvalued[topic])
            one, many = GROUP_NOUNS.get(topic, ("group", "groups"))
            counted = f"1 {one} has" if len(unvalued) == 1 else f"{len(unvalued)} {many} have"
            out.append(
                f"{counted} no counted stated value: {groups} (the money is missing or sits inside another row, "
                "so the total is blank, not zero)."
            )
        with_unconf = table.dropna(subset=["unconfirmed_usd_m"])
        for row in with_unconf.itertuples(index=False):
            named = name(getattr(row, topic))
            out.append(
                f"{named[:1].upper() + named[1:]} also carries {money(row.unconfirmed_usd_m)} of unconfirmed figures, "
                "shown separately."
            )
        return out
    if topic == "binding":
        s = binding_summary(deals).set_index("binding_class")
        return [
            f"Of the confirmed deduplicated {money(h['dedup_confirmed_usd_m'])}, "
            f"{money(s.at[BINDING, 'dedup_confirmed_usd_m'])} ({s.at[BINDING, 'share_confirmed_pct']:.0f}%) "
            "is at contract, firm-order or in-progress stage; "
            f"{money(s.at[NON_BINDING, 'dedup_confirmed_usd_m'])} rests on MoUs, letters of interest, frameworks or "
            "announcements.",
            f"Including unconfirmed rows the non-binding part grows to {money(s.at[NON_BINDING, 'dedup_usd_m'])}.",
            f"{int(s.at[NO_VALUE, 'n_counted'])} counted deals state no value at all.",
        ]
    if topic == "overlaps":
        table = overlap_table(deals)
        left_out = float(table["value_usd_m"].sum())
        return [
            f"{len(table)} rows ({money(left_out)}) are left out of every total because their money is, or may be, "
            f"inside another row; summing them would give the naive {money(h['naive_usd_m'])} instead of "
            f"{money(h['dedup_usd_m'])}.",
        ]
    if topic == "timeline":
        periods = period_totals(deals)
        top = periods.sort_values("dedup_confirmed_usd_m", ascending=False).iloc[0]
        return [
            f"The largest block of confirmed deduplicated money, {money(top['dedup_confirmed_usd_m'])} in "
            f"{int(top['n_deals'])} deals, falls in the period '{top['period']}'.",
        ] + [
            f"{row.period}: {int(row.n_deals)} counted confirmed deals, {money(row.dedup_confirmed_usd_m)}."
            for row in periods.itertuples(index=False)
        ]
    raise DealsError(f"unknown topic {topic!r}")


def data_used(deals: pd.DataFrame, claims: pd.DataFrame) -> list[str]:
    """Plain-text lines describing the deal data behind the notebook (coverage from the data)."""
    dated = deals["announced_date"].dropna()
    precision = deals["date_precision"].value_counts().reindex(field_enum("deals", "date_precision")).dropna()
    confirmation = deals["confirmation"].value_counts()
    return [
        (
            f"Deals: {len(deals)} deal rows for {deals['country'].nunique()} states, announced "
            f"{day(dated.min())} to {day(dated.max())} ({int(deals['announced_date'].isna().sum())} undated); "
            "dates known "
            + ", ".join(
                f"to the {k} for {int(n)}" if k != "unknown" else f"not at all for {int(n)}"
                for k, n in precision.items()
            )
            + "."
        ),
        (
            f"Confirmation: {int(confirmation.get('multi_source', 0))} rows by several sources, "
            f"{int(confirmation.get('single_source', 0))} by one source, {int(confirmation.get(UNCONFIRMED, 0))} "
            f"unconfirmed; {int(deals['value_usd_m'].isna().sum())} rows state no value."
        ),
        f"Claims about deals in {ANNOUNCEMENTS} (a news summary): {len(claims)}, one row per claim and state.",
        "Sources: the publisher, title and link of every source a row cites, listed under Sources.",
    ]
