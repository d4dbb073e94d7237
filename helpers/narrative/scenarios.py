"""Titles and sentences of the deal-scenario notebook (05), computed from the scenario tables."""

from __future__ import annotations

import pandas as pd

from helpers.codes import country_name
from helpers.compute.scenarios import DEFAULT_PERIOD_YEARS, scenario_range
from helpers.narrative.common import top_row


def scenario_title(ranges: pd.DataFrame) -> str:
    """The largest scenario share and the state it belongs to."""
    known = ranges[ranges["high_pct"].notna()]
    if known.empty:
        return "No state has a US baseline to build a scenario on"
    top = top_row(known, "high_pct")
    return (
        f"Deals would lift the US share most in {country_name(top['reporter'])}: up to {top['high_pct']:.0f}% "
        f"of total trade, from {top['baseline_share_pct']:.1f}%"
    )


def scenario_findings(
    results: pd.DataFrame, alternative: pd.DataFrame, default_period: int = DEFAULT_PERIOD_YEARS
) -> list[str]:
    """Key-findings sentences of notebook 05, computed from the scenario tables."""
    lines = []
    ranges = scenario_range(results).set_index("reporter")
    alt = scenario_range(alternative).set_index("reporter")
    top_rate = results["rate"].max()
    full = results[results["rate"].eq(top_rate) & results["default_period"].eq(default_period)]
    full = full.set_index("reporter")
    for state, r in ranges.iterrows():
        name = country_name(state)
        if pd.isna(r["baseline_share_pct"]):
            lines.append(f"{name}: no baseline ({r['reason']}), so no scenario.")
            continue
        base = f"{name}: US share {r['baseline_share_pct']:.1f}% of total trade in {r['baseline_year']}"
        if r["n_deals"] == 0:
            lines.append(base + "; no counted purchase deal, so unchanged in every scenario.")
            continue
        lines.append(
            base + f"; with the purchase deals {r['low_pct']:.1f}-{r['high_pct']:.1f}% across realisation rates "
            f"and default periods ({full.loc[state, 'scenario_share_pct']:.1f}% at {top_rate:.0%} realisation over "
            f"a {default_period}-year default); counting every valued deal as trade, up to "
            f"{alt.loc[state, 'high_pct']:.1f}%."
        )
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
