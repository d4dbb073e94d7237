"""Views of the shares for one year or one region: snapshots, latest comparable years, CA5 sums.

"Comparable" always means :func:`helpers.compute.rules.same_records`: the partners compared in a
year, and the members summed into a region, come from one dataset and one side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from helpers.codes import FLOWS, PARTNERS, STATES, WORLD, check_codes, country_name, partner_name, source_label
from helpers.compute.rules import CURRENT_FROM, latest_years, one_record_set
from helpers.compute.series import KEY, SeriesError, select_series
from helpers.compute.shares import partner_shares
from helpers.text import name_list


def latest_comparable(shares: pd.DataFrame, partners: Sequence[str], flow: str) -> pd.DataFrame:
    """Per reporter, the partners' shares in its latest year (:func:`helpers.compute.rules.latest_years`).

    A reporter whose latest such year is before ``CURRENT_FROM`` has no row (see :func:`stale_latest`).
    """
    years = latest_years(shares, partners, flow)
    years = years[years["current"].astype(bool)][["reporter", "year"]]
    sub = shares[shares["flow"].eq(flow) & shares["partner"].isin(partners)]
    return sub.merge(years, on=["reporter", "year"]).reset_index(drop=True)


def share_latest(trade: pd.DataFrame, flow: str = "total") -> pd.DataFrame:
    """Each state's one latest year for the partner shares the product shows (every named partner):
    :func:`helpers.compute.rules.latest_years` on the series rule's shares."""
    return latest_years(partner_shares(select_series(trade)), PARTNERS, flow)


def stale_latest(shares: pd.DataFrame, partners: Sequence[str], flow: str = "total") -> pd.DataFrame:
    """Reporters whose own records cover every partner only before ``CURRENT_FROM``: reporter, year."""
    years = latest_years(shares, partners, flow)
    return years[~years["current"].astype(bool)][["reporter", "year"]].reset_index(drop=True)


def latest_top_partner(shares: pd.DataFrame, flow: str, partners: Sequence[str]) -> pd.DataFrame:
    """Per reporter, the latest comparable year and the partner with the largest share in it."""
    sub = latest_comparable(shares, partners, flow)
    sub = sub.sort_values(["reporter", "share_pct", "partner"], ascending=[True, False, True])
    return sub.groupby("reporter").head(1)[["reporter", "year", "partner", "share_pct"]].reset_index(drop=True)


def region_series(series: pd.DataFrame, members: Sequence[str] = STATES, code: str = "CA5") -> pd.DataFrame:
    """Sum of the member states' selected values, only where every member has one on the same records.

    Other keys keep a missing value, with ``members_missing`` and ``reason`` saying why.
    """
    rows = series[series["reporter"].isin(members)]
    group = ["partner", "year", "flow"]
    agg = rows.groupby(group).agg(
        value_usd_m=("value_usd_m", "sum"),
        n=("reporter", "nunique"),
        members=("reporter", lambda r: ";".join(sorted(r))),
        dataset=("dataset", "first"),
        side=("side", "first"),
        estimate=("estimate", "any"),
    )
    agg["one_records"] = one_record_set(rows, group, [("dataset", "side")])
    agg = agg.reset_index()
    all_members = agg["n"].eq(len(set(members)))
    agg["complete"] = all_members & agg["one_records"]
    agg["members_missing"] = agg["members"].map(lambda m: ";".join(sorted(set(members) - set(m.split(";")))))
    agg["reason"] = np.select(
        [~all_members, ~agg["one_records"]],
        [
            agg["members_missing"].map(lambda m: "no value for " + name_list(country_name(c) for c in m.split(";"))),
            "the states' values come from different records",
        ],
        default="",
    )
    agg["source_label"] = [source_label(d, s) for d, s in zip(agg["dataset"], agg["side"], strict=True)]
    agg.loc[~agg["complete"], "value_usd_m"] = np.nan
    agg["reporter"] = code
    agg["flags"] = [[] for _ in range(len(agg))]
    agg["source_id"] = ""
    agg["break_before"] = False
    columns = [*KEY, "value_usd_m", "side", "dataset", "source_label", "estimate", "complete", "members_missing"]
    out = agg[[*columns, "reason", "flags", "source_id", "break_before"]]
    return out.sort_values(KEY, kind="stable").reset_index(drop=True)


def region_gaps(region: pd.DataFrame, partners: Sequence[str], after: int = 2020) -> pd.DataFrame:
    """Why there is no regional value: partner, flow, reason and the years it applies to."""
    gaps = region[~region["complete"] & region["year"].gt(after) & region["partner"].isin([WORLD, *partners])]
    gaps = gaps.groupby(["partner", "flow", "reason"])["year"].agg(lambda y: ", ".join(map(str, sorted(y))))
    return gaps.reset_index()


def share_snapshot(
    trade: pd.DataFrame,
    partners: Sequence[str] = ("CHN", "RUS"),
    year: int | None = None,
    flow: str = "total",
    reporters: Sequence[str] = STATES,
    question: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Shares of the given partners per reporter for one year, or the latest year.

    With ``year=None`` the year is, per reporter, the one latest year of
    :func:`helpers.compute.rules.latest_years` for the partners of the question (``question``,
    default every named partner: each has a share, all on the same records), so a map of China's
    share, the US share and the table of all partners' shares show one latest year per state; a latest year before
    ``CURRENT_FROM`` is not shown (``reason`` says where the state's own records stop). A missing
    value stays missing (NaN) and ``reason`` says why; it is never 0.
    """
    if flow not in FLOWS:
        raise SeriesError(f"flow must be one of {', '.join(FLOWS)}, not {flow!r}")
    check_codes("partner", partners, PARTNERS)
    check_codes("state", reporters, STATES)
    every = partner_shares(select_series(trade))
    shares = every[every["flow"].eq(flow) & every["partner"].isin(partners)]
    latest = latest_years(every, question or PARTNERS, flow).set_index("reporter")
    columns = ["share_pct", "side", "world_side", "share_basis", "source_label", "estimate"]
    records = []
    for reporter in reporters:
        own = shares[shares["reporter"].eq(reporter)]
        chosen, reason = year, ""
        if year is None:
            chosen = int(latest.at[reporter, "year"]) if reporter in latest.index else None
            if chosen is None:
                reason = "no year with a share for every requested partner on one set of records"
            elif not latest.at[reporter, "current"]:
                reason = (
                    f"the state's own records with every partner stop in {chosen} (before {CURRENT_FROM}): "
                    "not shown as latest; see the partners' records"
                )
        else:
            counts = own[own["year"].eq(year)].groupby("year")["partner"].nunique()
            if not counts.eq(len(set(partners))).any():
                reason = _missing_reason(own, year, partners)
        for partner in partners:
            hit = own[own["partner"].eq(partner) & own["year"].eq(chosen)]
            record: dict[str, object] = {"reporter": reporter, "partner": partner, "year": chosen}
            if len(hit) and not reason:
                record.update(hit.iloc[0][columns].to_dict())
                record.update(share_pct=float(record["share_pct"]), estimate=bool(record["estimate"]), reason="")
            else:
                record.update({c: None for c in columns})
                record.update(
                    share_pct=np.nan, estimate=False, reason=reason or "no share for this partner in that year"
                )
            records.append(record)
    out = pd.DataFrame.from_records(records)
    out["year"] = out["year"].astype("Int64")
    return out


def best_covered_year(
    trade: pd.DataFrame, partners: Sequence[str], up_to: int, flow: str = "total", reporters: Sequence[str] = STATES
) -> int:
    """The latest year up to ``up_to`` in which the most reporters have a share for every partner.

    A map of one year is then mostly data, not gaps (e.g. 2020 rather than 2021 when two of the five
    states have no 2021 statistics).
    """
    shares = partner_shares(select_series(trade))
    shares = shares[
        shares["flow"].eq(flow)
        & shares["partner"].isin(partners)
        & shares["reporter"].isin(reporters)
        & shares["year"].le(up_to)
        & shares["share_pct"].notna()
    ]
    complete = shares.groupby(["year", "reporter"])["partner"].nunique().eq(len(set(partners)))
    covered = complete[complete].reset_index().groupby("year")["reporter"].nunique()
    if covered.empty:
        return up_to
    return int(covered[covered.eq(covered.max())].index.max())


def _missing_reason(own: pd.DataFrame, year: int, partners: Sequence[str]) -> str:
    present = set(own.loc[own["year"].eq(year), "partner"])
    lacking = [p for p in partners if p not in present]
    if lacking:
        named = name_list(partner_name(p) for p in lacking)
        return f"no share for {named} in {year}: partner value or world total missing, or on other records"
    return f"shares in {year} come from different records"


def shares_at_years(
    combined: pd.DataFrame,
    base_years: Sequence[int] = (2000, 2021),
    flow: str = "total",
    latest: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per reporter: a (combined) share in each base year and in the latest year, with labels.

    The latest year is the state's year in ``latest`` (output of
    :func:`helpers.compute.rules.latest_years` for the question shown, e.g. every named partner),
    or, without it, the last year with a combined share (the rule for the partners combined);
    before ``CURRENT_FROM`` it is not shown and ``own_records_end`` names it instead.
    """
    data = combined[combined["flow"].eq(flow)].sort_values(["reporter", "year"], kind="stable")
    rule_year = None if latest is None else latest.set_index("reporter")["year"]
    records = []
    for reporter, own in data.groupby("reporter", sort=True):
        record: dict[str, object] = {"reporter": reporter}
        for base in base_years:
            hit = own[own["year"].eq(base)]
            record[f"pct_{base}"] = float(hit["share_pct"].iloc[0]) if len(hit) else np.nan
            record[f"label_{base}"] = hit["source_label"].iloc[0] if len(hit) else ""
        last = own.tail(1) if rule_year is None else own[own["year"].eq(rule_year.get(reporter, -1))]
        current = len(last) and int(last["year"].iloc[0]) >= CURRENT_FROM
        record["latest_year"] = int(last["year"].iloc[0]) if current else pd.NA
        record["latest_pct"] = float(last["share_pct"].iloc[0]) if current else np.nan
        record["latest_label"] = last["source_label"].iloc[0] if current else ""
        record["latest_dataset"] = last["dataset"].iloc[0] if current else ""
        record["own_records_end"] = int(last["year"].iloc[0]) if len(last) and not current else pd.NA
        records.append(record)
    out = pd.DataFrame.from_records(records)
    if len(out):
        out["latest_year"] = out["latest_year"].astype("Int64")
        out["own_records_end"] = out["own_records_end"].astype("Int64")
    return out


def share_source_ids(trade: pd.DataFrame, snapshots: Iterable[pd.DataFrame], flow: str = "total") -> list[str]:
    """Source ids behind the shares shown in snapshots (partner value and world total), sorted."""
    shares = partner_shares(select_series(trade))
    shares = shares[shares["flow"].eq(flow)]
    ids: set[str] = set()
    for snap in snapshots:
        shown = snap.dropna(subset=["share_pct"])[["reporter", "partner", "year"]].astype({"year": "int64"})
        hit = shares.merge(shown, on=["reporter", "partner", "year"])
        for column in ("source_id", "world_source_id"):
            ids.update(s for s in hit[column] if isinstance(s, str) and s)
    return sorted(ids)


def series_coverage(series: pd.DataFrame, reporters: Sequence[str] = STATES) -> pd.DataFrame:
    """First and last year and the number of values per reporter and dataset."""
    rows = series[series["reporter"].isin(reporters)]
    out = rows.groupby(["reporter", "dataset"])["year"].agg(["min", "max", "size"]).reset_index()
    return out.rename(columns={"min": "first", "max": "last", "size": "values"})


def rule_counts(series: pd.DataFrame, reporters: Sequence[str] = STATES) -> pd.DataFrame:
    """How many selected values each branch of the series rule chose."""
    rows = series[series["reporter"].isin(reporters)]
    return rows.groupby("rule").size().reset_index(name="values")


def latest_hhi(conc: pd.DataFrame, flow: str = "total") -> pd.DataFrame:
    """Per reporter, its latest year with a concentration index (every named partner on one set of
    records: the year of :func:`helpers.compute.rules.latest_years`), if not before ``CURRENT_FROM``."""
    known = conc[conc["flow"].eq(flow) & conc["hhi"].notna()].sort_values(["reporter", "year"])
    last = known.groupby("reporter").tail(1)
    return last[last["year"].ge(CURRENT_FROM)].reset_index(drop=True)


def trade_coverage(trade: pd.DataFrame, reporters: Sequence[str] = STATES) -> dict[str, int | None]:
    """How far the trade data really reach, by whose records.

    ``own``: the latest year that the one latest-year rule shows as current for any state (its own
    records give a share for every named partner: :func:`helpers.compute.rules.latest_years`), so
    the stamp and every "latest" in the reports agree; ``partners``: the latest year of any
    partner-recorded value of trade with a state. E.g. ``{"own": 2023, "partners": 2025}``.
    """
    series = select_series(trade)
    latest = latest_years(partner_shares(series), PARTNERS, "total")
    own = latest[latest["reporter"].isin(reporters) & latest["current"] & latest["side"].eq("reporter")]
    mirror = select_series(trade, side="mirror")
    theirs = mirror[mirror["reporter"].isin(reporters) & mirror["side"].eq("mirror")]
    return {
        "own": int(own["year"].max()) if len(own) else None,
        "partners": int(theirs["year"].max()) if len(theirs) else None,
    }
