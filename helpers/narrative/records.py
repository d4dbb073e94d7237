"""Findings on the states' own statistics and on whose records a chart reads (notebook 03)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from helpers.codes import country_name, partner_name
from helpers.narrative.trade import ratio_title
from helpers.text import pct, points

NATIONAL_STATISTICS = "national_statistics"


def agency_share_lines(
    shares: pd.DataFrame,
    years: Sequence[int] = (2019, 2021, 2023),
    partners: Sequence[str] = ("RUS", "CHN"),
    flow: str = "total",
) -> list[str]:
    """Per state with national statistics in every year: each partner's share, year to year.

    ``shares`` should come from :func:`helpers.compute.records.dataset_shares`; only shares whose
    partner value and world total both come from the state's own statistics agency (dataset
    ``national_statistics``, reporter side) are used, so the change is measured on one set of records.

    >>> shares = pd.DataFrame({"reporter": ["KAZ"] * 2, "partner": ["RUS"] * 2, "year": [2019, 2023],
    ...     "flow": ["total"] * 2, "dataset": ["national_statistics"] * 2, "side": ["reporter"] * 2,
    ...     "share_pct": [20.0, 19.5]})
    >>> agency_share_lines(shares, years=(2019, 2023), partners=("RUS",))
    ['Kazakhstan, on its own statistics: Russia 20.0% (2019) → 19.5% (2023), -0.5 percentage points.']
    """
    own = shares[
        shares["dataset"].eq(NATIONAL_STATISTICS)
        & shares["side"].eq("reporter")
        & shares["flow"].eq(flow)
        & shares["year"].isin(list(years))
    ]
    lines = []
    for reporter, rows in own.groupby("reporter", sort=True):
        parts = []
        for partner in partners:
            by_year = rows[rows["partner"].eq(partner)].set_index("year")["share_pct"]
            if not set(years) <= set(by_year.index):
                continue
            path = " → ".join(f"{pct(by_year[y])} ({y})" for y in years)
            change = by_year[years[-1]] - by_year[years[0]]
            parts.append(f"{partner_name(partner)} {path}, {points(change)}")
        if parts:
            lines.append(f"{country_name(reporter)}, on its own statistics: " + "; ".join(parts) + ".")
    return lines


def records_title(ratios: pd.DataFrame, partner: str = "CHN") -> str:
    """Title of the own-vs-partner records chart: the largest gap (see ``trade.ratio_title``) and why it matters."""
    return f"Records differ: {ratio_title(ratios, partner)}"


def agency_title(shares: pd.DataFrame, first: int = 2021, last: int = 2023, flow: str = "total") -> str:
    """Title of the own-statistics chart: where China's share rose and Russia's fell between two years
    (the chart's subtitle says the shares are on the states' own statistics)."""
    own = shares[shares["dataset"].eq(NATIONAL_STATISTICS) & shares["flow"].eq(flow)]
    wide = own.pivot_table(index=["reporter", "partner"], columns="year", values="share_pct", aggfunc="first")
    if first not in wide.columns or last not in wide.columns:
        return f"The states' own statistics do not cover both {first} and {last}"
    change = (wide[last] - wide[first]).unstack("partner")
    both = change.dropna(subset=[p for p in ("CHN", "RUS") if p in change.columns])
    if not {"CHN", "RUS"} <= set(both.columns) or both.empty:
        return f"The states' own statistics do not give both China's and Russia's shares in {first} and {last}"
    pivot = both[both["CHN"].gt(0) & both["RUS"].lt(0)].index.tolist()
    names = ", ".join(country_name(r) for r in pivot) or "no state"
    return f"From {first} to {last} China gained and Russia lost share in {names}"
