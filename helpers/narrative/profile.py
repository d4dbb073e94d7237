"""Titles and sentences of the country profile (notebook 04), every number computed from the data."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from helpers.codes import PARTNERS, WORLD, country_name, partner_name
from helpers.compute.context import RECENT_YEARS, recent_coverage
from helpers.compute.deals import BINDING, binding_summary, headline


def gap_lines(series: pd.DataFrame, iso3: str, years: Sequence[int] = RECENT_YEARS) -> list[str]:
    """Plain sentences on what is missing for the state in recent years."""
    coverage = recent_coverage(series, iso3, years)
    lines = []
    world_missing = coverage.loc[coverage[WORLD].eq("missing"), "year"].tolist()
    if world_missing:
        lines.append(
            f"No usable world total (US$) for {', '.join(map(str, world_missing))}: "
            "shares cannot be computed in those years."
        )
    for partner in PARTNERS:
        missing = coverage.loc[coverage[partner].eq("missing"), "year"].tolist()
        if len(missing) == len(coverage):
            lines.append(f"No usable figure (US$, full coverage) for trade with {partner_name(partner)} after 2020.")
        elif missing:
            lines.append(f"No usable figure for trade with {partner_name(partner)} in {', '.join(map(str, missing))}.")
    if not lines:
        lines.append(f"Every partner and the world total have at least one figure in each year {years[0]}-{years[-1]}.")
    return lines


def profile_findings(
    iso3: str, at_years: pd.DataFrame, overtakes: pd.DataFrame, deals: pd.DataFrame, gaps: list[str]
) -> list[str]:
    """Key findings for one state, every number computed from the data."""
    name = country_name(iso3)
    lines = []
    row = at_years[at_years["reporter"].eq(iso3)] if len(at_years) else at_years
    if len(row):
        r = row.iloc[0]
        parts = [f"{year}: {r[f'pct_{year}']:.1f}%" for year in (2000, 2021) if not pd.isna(r[f"pct_{year}"])]
        if not pd.isna(r["latest_year"]):
            parts.append(f"latest year {r['latest_year']}: {r['latest_pct']:.1f}% ({r['latest_label']})")
        lines.append(f"Russia + China share of {name}'s total trade - " + "; ".join(parts or ["no value"]) + ".")
    else:
        lines.append(f"No Russia + China share of {name}'s total trade on the same records.")
    over = overtakes[overtakes["reporter"].eq(iso3) & overtakes["flow"].eq("total")]
    if len(over) and not pd.isna(over.iloc[0]["overtake_year"]):
        lines.append(f"China has been ahead of Russia in {name}'s total trade since {over.iloc[0]['overtake_year']}.")
    elif len(over):
        lines.append(f"China has not overtaken Russia for good in {name}'s total trade ({over.iloc[0]['reason']}).")
    own = deals[deals["country"].eq(iso3)]
    head = headline(own)
    binding = binding_summary(own).set_index("binding_class")
    binding_bn = binding.at[BINDING, "dedup_confirmed_usd_m"] / 1000
    lines.append(
        f"{head['n_rows']} deal rows with US partners; deduplicated value"
        f" US${head['dedup_confirmed_usd_m'] / 1000:,.1f} bn excluding unconfirmed figures,"
        f" of which US${binding_bn:,.1f} bn binding (contracts, firm orders)."
    )
    if head["unconfirmed_usd_m"] > 0:
        lines.append(f"A further US${head['unconfirmed_usd_m'] / 1000:,.1f} bn is announced but unconfirmed.")
    lines.append(f"Data gaps after 2020: {len(gaps)} noted below.")
    return lines
