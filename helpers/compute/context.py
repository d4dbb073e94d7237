"""The trade tables every dependency notebook starts from, built in one call (notebooks 03 and 04)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from helpers.codes import PARTNERS, STATES, WORLD, check_codes, check_state
from helpers.compute import series as sr
from helpers.compute import shares as sh
from helpers.compute import snapshots as sn
from helpers.compute.rules import latest_years

RECENT_YEARS = range(2021, 2026)


@dataclass(frozen=True)
class TradeContext:
    """Selected series, shares and the tables computed from them for a set of reporters."""

    reporters: tuple[str, ...]
    series: pd.DataFrame
    shares: pd.DataFrame
    combined: pd.DataFrame
    concentration: pd.DataFrame
    at_years: pd.DataFrame
    overtakes: pd.DataFrame
    ratios: pd.DataFrame
    source_ids: list[str]
    latest: pd.DataFrame


def trade_context(trade: pd.DataFrame, reporters: Sequence[str]) -> TradeContext:
    """Apply the series rule and compute shares, combined shares, concentration, overtaking and the
    own-vs-partner-records ratios for ``reporters``; ``latest`` is each state's one latest year
    for the partner shares shown (:func:`helpers.compute.rules.latest_years` over every named partner)."""
    check_codes("state", reporters, STATES)
    series = sr.select_series(trade)
    shares = sh.partner_shares(series)
    own = shares[shares["reporter"].isin(reporters)].reset_index(drop=True)
    combined = sh.combined_share(own)
    latest = latest_years(own, PARTNERS, "total")  # the one latest year per state for the shares shown
    ratios = sh.records_ratio(sr.select_series(trade, side="reporter"), sr.select_series(trade, side="mirror"))
    ratios = ratios[ratios["reporter"].isin(reporters)].reset_index(drop=True)
    ids = set(own["source_id"]) | set(own["world_source_id"]) | set(ratios["source_id_own"])
    ids |= set(ratios["source_id_partner"])
    return TradeContext(
        reporters=tuple(reporters),
        series=series,
        shares=own,
        combined=combined,
        concentration=sh.concentration(own),
        at_years=sn.shares_at_years(combined, latest=latest),
        overtakes=sh.overtake_year(series[series["reporter"].isin(reporters)]),
        ratios=ratios,
        source_ids=sorted(i for i in ids if isinstance(i, str) and i),
        latest=latest,
    )


def world_trade(series: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The state's trade with the world by year and flow (US$ bn) from the series rule."""
    own = series[series["reporter"].eq(check_state(iso3)) & series["partner"].eq(WORLD)]
    table = own.pivot_table(index="year", columns="flow", values="value_usd_m", aggfunc="first")
    table = (table / 1000).round(2).reindex(columns=["exports", "imports", "total"])
    labels = own.groupby("year")["source_label"].agg(lambda s: "; ".join(sorted(set(s))))
    return table.assign(source=labels).reset_index().sort_values("year", kind="stable")


def recent_coverage(series: pd.DataFrame, iso3: str, years: Sequence[int] = RECENT_YEARS) -> pd.DataFrame:
    """For recent years: which flows of each partner and of the world total have a value (a visible gap)."""
    own = series[series["reporter"].eq(iso3)]
    rows = []
    for year in years:
        record: dict[str, object] = {"year": year}
        for partner in (*PARTNERS, WORLD):
            hit = own[own["year"].eq(year) & own["partner"].eq(partner)]
            record[partner] = ", ".join(sorted(set(hit["flow"]))) if len(hit) else "missing"
        rows.append(record)
    return pd.DataFrame(rows)


def partner_records_after(trade: pd.DataFrame, iso3: str, after: int, flow: str = "total") -> pd.DataFrame:
    """What the partners recorded of their trade with the state after ``after`` (its own records' end).

    Values, not shares (partners' records hold no world total of the state): one row per partner
    and year from ``select_series(trade, side="mirror")``: ``partner, year, value_usd_m,
    source_label, estimate``, latest year first within each partner.
    """
    mirror = sr.select_series(trade, side="mirror")
    rows = mirror[
        mirror["reporter"].eq(iso3)
        & mirror["partner"].ne(WORLD)
        & mirror["side"].eq("mirror")
        & mirror["flow"].eq(flow)
        & mirror["year"].gt(after)
    ]
    columns = ["partner", "year", "value_usd_m", "source_label", "estimate"]
    return rows.sort_values(["partner", "year"], ascending=[True, False], kind="stable")[columns].reset_index(
        drop=True
    )
