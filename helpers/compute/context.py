"""The trade tables every dependency notebook starts from, built in one call (notebooks 03 and 04)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from helpers.codes import PARTNERS, STATES, WORLD, check_codes, check_state
from helpers.compute import series as sr
from helpers.compute import shares as sh
from helpers.compute import snapshots as sn

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


def trade_context(trade: pd.DataFrame, reporters: Sequence[str]) -> TradeContext:
    """Apply the series rule and compute shares, combined shares, concentration, overtaking and the
    own-vs-partner-records ratios for ``reporters``."""
    check_codes("state", reporters, STATES)
    series = sr.select_series(trade)
    shares = sh.partner_shares(series)
    own = shares[shares["reporter"].isin(reporters)].reset_index(drop=True)
    combined = sh.combined_share(own)
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
        at_years=sn.shares_at_years(combined),
        overtakes=sh.overtake_year(series[series["reporter"].isin(reporters)]),
        ratios=ratios,
        source_ids=sorted(i for i in ids if isinstance(i, str) and i),
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
