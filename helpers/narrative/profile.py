"""Titles and sentences of the country profile (notebook 04), every number computed from the data."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from helpers.codes import PARTNERS, WORLD, country_name, partner_name
from helpers.compute.context import RECENT_YEARS, recent_coverage
from helpers.compute.deals import BINDING, binding_summary, headline
from helpers.text import money


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
    iso3: str,
    at_years: pd.DataFrame,
    overtakes: pd.DataFrame,
    deals: pd.DataFrame,
    gaps: list[str],
    own_records: Sequence[str] = (),
) -> list[str]:
    """Key findings for one state, every number computed from the data; ``own_records`` (from
    :func:`helpers.narrative.common.own_records_notes`) follows the share when its records stop long ago."""
    name = country_name(iso3)
    lines = []
    row = at_years[at_years["reporter"].eq(iso3)] if len(at_years) else at_years
    if len(row):
        r = row.iloc[0]
        parts = [f"{year}: {r[f'pct_{year}']:.1f}%" for year in (2000, 2021) if not pd.isna(r[f"pct_{year}"])]
        if not pd.isna(r["latest_year"]):
            parts.append(f"latest year {r['latest_year']}: {r['latest_pct']:.1f}% ({r['latest_label']})")
        elif not pd.isna(r.get("own_records_end", pd.NA)):
            parts.append(f"no current value (its own records with every partner stop in {r['own_records_end']})")
        lines.append(f"Russia + China share of {name}'s total trade - " + "; ".join(parts or ["no value"]) + ".")
    else:
        lines.append(f"No Russia + China share of {name}'s total trade on the same records.")
    lines += list(own_records)
    over = overtakes[overtakes["reporter"].eq(iso3) & overtakes["flow"].eq("total")]
    if len(over) and not pd.isna(over.iloc[0]["overtake_year"]):
        first, last = over.iloc[0]["overtake_year"], over.iloc[0]["last_compared_year"]
        records = over.iloc[0]["records"]
        if first == last:
            lines.append(
                f"China moved ahead of Russia in {name}'s total trade in {first}, the last year both values are "
                f"recorded ({records})."
            )
        else:
            lines.append(
                f"China has been ahead of Russia in {name}'s total trade since {first} (values compared to "
                f"{last}, {records})."
            )
    elif len(over):
        lines.append(f"China has not overtaken Russia for good in {name}'s total trade ({over.iloc[0]['reason']}).")
    own = deals[deals["country"].eq(iso3)]
    lines.append(deal_line(own))
    lines.append(f"Data gaps after 2020: {len(gaps)} noted below.")
    return lines


def deal_line(own: pd.DataFrame) -> str:
    """One state's deals in a sentence: how many, what they are worth once counted, how much is binding.

    A state whose deals state no value is told so, never shown a total of zero.
    """
    head = headline(own)
    if head["n_rows"] == 0:
        return "No deal with US partners is recorded."
    rows = f"{head['n_rows']} deal row{'s' if head['n_rows'] != 1 else ''} with US partners"
    confirmed = head["dedup_confirmed_usd_m"]
    unconfirmed = head["unconfirmed_usd_m"]
    if not confirmed > 0:
        line = f"{rows}; none states a confirmed value."
    else:
        binding = binding_summary(own).set_index("binding_class").at[BINDING, "dedup_confirmed_usd_m"]
        bound = f"{money(binding)} of it binding" if binding > 0 else "none of it binding yet"
        line = f"{rows}; counted once, they state {money(confirmed)} excluding unconfirmed figures, {bound}"
        line += " (contracts, firm orders)."
    if unconfirmed > 0:
        line += f" A further {money(unconfirmed)} is announced but unconfirmed."
    return line
