"""Titles and sentences of the deal-scenario notebook (05), computed from the scenario tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codes import country_name
from helpers.compute.rules import OLD_AFTER, REFERENCE_YEAR
from helpers.compute.scenarios import DEFAULT_PERIOD_YEARS, scenario_range
from helpers.narrative.common import number_word, top_row
from helpers.text import capital, money


def scenario_title(ranges: pd.DataFrame) -> str:
    """The largest scenario share and the state it belongs to; an old baseline and non-binding money
    are said right under it, in the subtitle (:func:`scenario_detail`)."""
    known = ranges[ranges["high_pct"].notna()]
    if known.empty:
        return "No state has a US baseline to build a scenario on"
    top = top_row(known, "high_pct")
    return (
        f"Deals would lift the US share most in {country_name(top['reporter'])}: up to {top['high_pct']:.0f}% "
        f"of total trade, from {top['baseline_share_pct']:.1f}% in {top['baseline_year']}"
    )


def scenario_detail(ranges: pd.DataFrame) -> str:
    """What the title's state rests on: an old baseline and non-binding money, as a sentence, or ""."""
    known = ranges[ranges["high_pct"].notna()]
    if known.empty:
        return ""
    top = top_row(known, "high_pct")
    name = country_name(top["reporter"])
    parts = []
    if _is_true(top.get("baseline_old")):
        parts.append(f"{name}'s baseline ({top['baseline_year']}) is more than {number_word(OLD_AFTER)} years old")
    money_words = _nonbinding_words(top)
    if money_words:
        parts.append(money_words)
    return capital("; ".join(parts)) + "." if parts else ""


def _is_true(value: object) -> bool:
    return bool(value) if not pd.isna(value) else False


def _nonbinding_words(row: pd.Series) -> str:
    """E.g. "all US$3.2 bn of the deal money is a non-binding commitment"; "" when nothing is non-binding."""
    part, whole = row.get("nonbinding_usd_m", np.nan), row.get("deal_usd_m", np.nan)
    if pd.isna(part) or part <= 0:
        return ""
    if part >= whole:
        return f"all {money(part)} of the deal money is a non-binding commitment"
    return f"{money(part)} of the {money(whole)} deal money is non-binding"


def old_baseline_line(state: str, base: pd.Series, full: pd.Series | None) -> str | None:
    """For a state without a baseline or with an old one: what is newer, on which records; else None."""
    name = country_name(state)
    if not pd.isna(base["year"]) and not _is_true(base["old"]):
        return None
    if pd.isna(base["year"]):
        text = f"{name}: no baseline ({base['reason']})."
    else:
        old = f"more than {number_word(OLD_AFTER)} years before {REFERENCE_YEAR}"
        text = f"{name}'s baseline ({base['year']}) is {old}."
    if not pd.isna(base["world_latest_year"]):
        estimate = ", an estimate" if _is_true(base["world_latest_estimate"]) else ""
        text += (
            f" Its total trade was {money(base['world_latest_usd_m'])} in {base['world_latest_year']} "
            f"({base['world_latest_label']}{estimate})"
        )
        if full is not None and full["added_usd_m"] > 0 and not pd.isna(full["deal_share_of_world_latest_pct"]):
            text += (
                f"; against that total the peak year's deal money at {full['rate']:.0%} would be "
                f"{full['deal_share_of_world_latest_pct']:.1f}% of trade"
            )
        text += "."
    if not pd.isna(base["us_records_year"]):
        text += (
            f" The US's own records: {money(base['us_records_usd_m'])} of trade with {name} in "
            f"{base['us_records_year']} ({base['us_records_label']})."
        )
    else:
        text += f" No US record of trade with {name} after that year is in the data."
    return text


def scenario_findings(
    results: pd.DataFrame,
    alternative: pd.DataFrame,
    default_period: int = DEFAULT_PERIOD_YEARS,
    baseline: pd.DataFrame | None = None,
) -> list[str]:
    """Key-findings sentences of notebook 05, computed from the scenario tables; with ``baseline``
    (:func:`helpers.compute.scenarios.baseline_us`) an old or missing baseline is followed by the
    newer alternatives."""
    lines = []
    ranges = scenario_range(results).set_index("reporter")
    alt = scenario_range(alternative).set_index("reporter")
    top_rate = results["rate"].max()
    full = results[results["rate"].eq(top_rate) & results["default_period"].eq(default_period)]
    full = full.set_index("reporter")
    bases = baseline.set_index("reporter") if baseline is not None else None
    for state, r in ranges.iterrows():
        name = country_name(state)
        note = old_baseline_line(state, bases.loc[state], full.loc[state]) if bases is not None else None
        if pd.isna(r["baseline_share_pct"]):
            lines.append(note or f"{name}: no baseline ({r['reason']}), so no scenario.")
            continue
        base = f"{name}: US share {r['baseline_share_pct']:.1f}% of total trade in {r['baseline_year']}"
        if r["n_deals"] == 0:
            lines.append(base + "; no counted purchase deal, so unchanged in every scenario.")
        else:
            lines.append(
                base + f"; with the purchase deals {r['low_pct']:.1f}-{r['high_pct']:.1f}% across realisation rates "
                f"and default periods ({full.loc[state, 'scenario_share_pct']:.1f}% at {top_rate:.0%} realisation "
                f"over a {default_period}-year default); counting every valued deal as trade, up to "
                f"{alt.loc[state, 'high_pct']:.1f}%" + (f"; {words}" if (words := _nonbinding_words(r)) else "") + "."
            )
        if note:
            lines.append(note)
    return lines


def data_used(deals: pd.DataFrame, baseline: pd.DataFrame) -> list[str]:
    """Plain-text lines on the data behind the scenarios (coverage computed from the data)."""
    known = baseline.dropna(subset=["year"])
    years = ", ".join(f"{country_name(r.reporter)} {r.year} ({r.source_label})" for r in known.itertuples())
    return [
        f"Deals: {len(deals)} deal rows, each deal counted once (rows inside another row are left out).",
        "Trade: each state's US trade and world total from the same records, chosen by the series rule.",
        f"Baseline years: {years or 'no state has one'}.",
    ]


RESULT_COLUMNS = {
    "reporter": "State",
    "rate": "Share realised",
    "baseline_year": "Baseline year",
    "baseline_share_pct": "Observed US share (%)",
    "peak_year": "Peak deal year",
    "added_usd_m": "Added trade (US$ m a year)",
    "scenario_share_pct": "Scenario US share (%)",
    "change_pp": "Change (pp)",
}
"""Readable column names of the scenario results table."""
