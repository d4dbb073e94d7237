"""Deal tracker computations: deduplicated totals, announced vs binding, timeline, claim checks.

Every total counts a deal once: :func:`helpers.compute.rules.is_counted` (rows whose
``overlaps_deal_id`` is empty) is the one dedup rule; a naive sum over all rows double counts.
Totals are shown with and without ``confirmation == "unconfirmed"`` rows, never hiding either. A
deal without a stated value is counted as a deal but adds nothing to a total, and a group whose
counted deals state no value has a missing total (never 0).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.codes import BINDING_STAGES, STAGES, STATES, UNCONFIRMED, check_state, country_name, words
from helpers.codes import label as code_label
from helpers.compute.rules import SUMMIT, UNGA_WEEK, counted_value, is_counted, require
from helpers.text import date_words, day, money

DIMENSIONS = ("country", "sector", "us_party", "instrument", "stage")
BINDING, NON_BINDING, NO_VALUE = "binding", "non-binding", "no value stated"
CLASS_ORDER = (BINDING, NON_BINDING, NO_VALUE)
# Events the timeline marks (facts about the calendar, not data values).
EVENTS = ((UNGA_WEEK, "UN General Assembly week, New York"), (SUMMIT, "C5+1 summit, Washington"))
DIMENSION_LABELS = {
    "country": "State",
    "sector": "Sector",
    "us_party": "US party (as listed)",
    "instrument": "Instrument",
    "stage": "Stage (most binding reached)",
}


class DealsError(ValueError):
    """A deals frame holds an overlap or a claim that does not resolve, or a wrong argument."""


def _require(deals: pd.DataFrame, columns: Sequence[str]) -> None:
    require(deals, columns, "deals frame")


def deduplicated(deals: pd.DataFrame) -> pd.DataFrame:
    """The rows a deduplicated total counts (:func:`helpers.compute.rules.is_counted`), in input order."""
    return deals[is_counted(deals)].copy()


def headline(deals: pd.DataFrame) -> dict[str, float | int]:
    """Naive and deduplicated totals (US$ m), with and without unconfirmed rows, and counts.

    Keys: ``n_rows``, ``n_counted``, ``n_overlapping``, ``n_no_value``, ``n_unconfirmed_counted``,
    ``naive_usd_m``, ``dedup_usd_m``, ``dedup_confirmed_usd_m`` (unconfirmed rows left out),
    ``unconfirmed_usd_m`` (counted unconfirmed money, net of the confirmed rows linked to it as
    ``likely_within``), ``dedup_low_usd_m`` (low ends of ranges).
    """
    _require(deals, ["value_usd_m", "value_low_usd_m", "confirmation"])
    counted = deduplicated(deals)
    unconfirmed = counted["confirmation"].eq(UNCONFIRMED)
    net = counted_value(deals)[is_counted(deals)]
    low = counted["value_low_usd_m"].fillna(net)
    return {
        "n_rows": len(deals),
        "n_counted": len(counted),
        "n_overlapping": len(deals) - len(counted),
        "n_no_value": int(deals["value_usd_m"].isna().sum()),
        "n_unconfirmed_counted": int(unconfirmed.sum()),
        "naive_usd_m": float(deals["value_usd_m"].sum()),
        "dedup_usd_m": float(net.sum()),
        "dedup_confirmed_usd_m": float(counted.loc[~unconfirmed, "value_usd_m"].sum()),
        "unconfirmed_usd_m": float(net[unconfirmed].sum()),
        "dedup_low_usd_m": float(low.sum()),
    }


def totals_by(deals: pd.DataFrame, by: str) -> pd.DataFrame:
    """Deduplicated totals per group, with and without unconfirmed rows, beside the naive sum.

    Parameters
    ----------
    deals : pandas.DataFrame
        The frame from ``load_deals()``.
    by : str
        One of ``country, sector, us_party, instrument, stage``.

    Returns
    -------
    pandas.DataFrame
        One row per group present in ``deals``: ``n_deals``, ``n_counted``, ``n_no_value``,
    ``dedup_usd_m`` (all counted rows), ``dedup_confirmed_usd_m`` (counted, unconfirmed left
    out), ``unconfirmed_usd_m``, ``naive_usd_m``. A total is NaN when no row behind it states a
    value. Sorted by ``dedup_usd_m`` descending, then the group (stage: in stage order).
    """
    if by not in DIMENSIONS:
        raise DealsError(f"by must be one of {', '.join(DIMENSIONS)}, not {by!r}")
    _require(deals, [by, "value_usd_m", "confirmation", "overlaps_deal_id"])
    frame = deals.assign(
        _counted=is_counted(deals),
        _unconfirmed=deals["confirmation"].eq(UNCONFIRMED),
        _group=deals[by].astype("string").fillna("(not stated)"),
    )
    frame["_counted_value"] = counted_value(deals)
    frame["_confirmed_value"] = frame["_counted_value"].where(~frame["_unconfirmed"])
    frame["_unconfirmed_value"] = frame["_counted_value"].where(frame["_unconfirmed"])
    grouped = frame.groupby("_group", sort=True)
    out = pd.DataFrame(
        {
            "n_deals": grouped.size(),
            "n_counted": grouped["_counted"].sum().astype(int),
            "n_no_value": grouped["value_usd_m"].apply(lambda v: int(v.isna().sum())),
            "dedup_usd_m": grouped["_counted_value"].sum(min_count=1),
            "dedup_confirmed_usd_m": grouped["_confirmed_value"].sum(min_count=1),
            "unconfirmed_usd_m": grouped["_unconfirmed_value"].sum(min_count=1),
            "naive_usd_m": grouped["value_usd_m"].sum(min_count=1),
        }
    )
    out.index.name = by
    out = out.reset_index()
    if by == "stage":
        out["_order"] = out["stage"].map({s: i for i, s in enumerate(STAGES)}).fillna(len(STAGES))
        out = out.sort_values("_order", kind="stable").drop(columns="_order")
    else:
        out = out.sort_values(["dedup_usd_m", by], ascending=[False, True], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def binding_class(deals: pd.DataFrame) -> pd.Series:
    """``binding`` (stage in BINDING_STAGES), ``non-binding``, or ``no value stated`` (no value)."""
    _require(deals, ["stage", "value_usd_m"])
    labels = np.where(deals["stage"].isin(BINDING_STAGES), BINDING, NON_BINDING)
    labels = np.where(deals["value_usd_m"].isna(), NO_VALUE, labels)
    return pd.Series(labels, index=deals.index, name="binding_class")


def binding_summary(deals: pd.DataFrame) -> pd.DataFrame:
    """Deduplicated money and deal counts by binding class, with and without unconfirmed rows.

    Returns one row per class in ``CLASS_ORDER``: ``n_counted``, ``dedup_usd_m``,
    ``dedup_confirmed_usd_m``, ``share_confirmed_pct`` (of the confirmed deduplicated total).
    """
    counted = deduplicated(deals)
    counted["binding_class"] = binding_class(counted)
    confirmed = counted["confirmation"].ne(UNCONFIRMED)
    rows = []
    total_confirmed = float(counted.loc[confirmed, "value_usd_m"].sum())
    for label in CLASS_ORDER:
        own = counted["binding_class"].eq(label)
        money = float(counted.loc[own, "value_usd_m"].sum())
        money_confirmed = float(counted.loc[own & confirmed, "value_usd_m"].sum())
        rows.append(
            {
                "binding_class": label,
                "n_counted": int(own.sum()),
                "dedup_usd_m": money if label != NO_VALUE else np.nan,
                "dedup_confirmed_usd_m": money_confirmed if label != NO_VALUE else np.nan,
                "share_confirmed_pct": (
                    100 * money_confirmed / total_confirmed if total_confirmed > 0 and label != NO_VALUE else np.nan
                ),
            }
        )
    return pd.DataFrame.from_records(rows)


def overlap_table(deals: pd.DataFrame) -> pd.DataFrame:
    """Rows left out of deduplicated totals and the row that contains them (sorted by container)."""
    _require(deals, ["deal_id", "overlaps_deal_id", "overlap_type", "value_usd_m", "title"])
    left_out = deals[~is_counted(deals)]
    unknown = sorted(set(left_out["overlaps_deal_id"]) - set(deals["deal_id"]))
    if unknown:
        raise DealsError(f"overlaps_deal_id does not resolve to a deal_id: {', '.join(unknown)}")
    titles = deals.set_index("deal_id")["title"]
    out = left_out[["deal_id", "title", "value_usd_m", "overlap_type", "overlaps_deal_id"]].copy()
    out["container_title"] = out["overlaps_deal_id"].map(titles)
    return out.sort_values(["overlaps_deal_id", "deal_id"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Timeline and claims


def timeline(deals: pd.DataFrame) -> pd.DataFrame:
    """Deals in date order with ``binding_class``, ``counted`` and a readable ``date_label``.

    Undated rows (``announced_date`` missing) come last with ``date_label`` "undated". The label
    shows only the precision the source gives ("Nov 2025" for month precision).
    """
    _require(deals, ["deal_id", "announced_date", "date_precision", "country", "title", "stage", "value_usd_m"])
    out = deals.copy()
    out["binding_class"] = binding_class(out)
    out["counted"] = is_counted(out)
    out["date_label"] = [
        "undated" if pd.isna(d) else date_words(d, p) if p in ("day", "month", "year") else f"{day(d)} (date uncertain)"
        for d, p in zip(out["announced_date"], out["date_precision"], strict=True)
    ]
    out = out.sort_values(["announced_date", "country", "deal_id"], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def period_totals(deals: pd.DataFrame, events: Sequence[tuple[str, str]] = EVENTS) -> pd.DataFrame:
    """Deduplicated confirmed money and counts announced before, at and between the events' dates.

    Periods: ``before <first event>``, ``<event> (<date>, within 3 days)`` for each event,
    ``between``/``after`` windows, and ``undated``. Values in US$ m.
    """
    frame = timeline(deals)
    frame = frame[frame["counted"] & frame["confirmation"].ne(UNCONFIRMED)]
    dates = [pd.Timestamp(d) for d, _ in events]
    labels = []
    for announced in frame["announced_date"]:
        if pd.isna(announced):
            labels.append("undated")
            continue
        label = None
        for (when, name), ts in zip(events, dates, strict=True):
            if abs((announced - ts).days) <= 3:
                label = f"{name} ({day(when)}, within 3 days)"
        if label is None:
            before = sum(announced > ts for ts in dates)
            label = (
                f"before {events[0][1]}"
                if before == 0
                else f"after {events[-1][1]}"
                if before == len(dates)
                else f"between {events[before - 1][1]} and {events[before][1]}"
            )
        labels.append(label)
    frame = frame.assign(period=labels)
    order = {p: i for i, p in enumerate(dict.fromkeys(frame.sort_values("announced_date")["period"]))}
    out = frame.groupby("period").agg(
        n_deals=("deal_id", "size"),
        dedup_confirmed_usd_m=("value_usd_m", lambda v: v.sum(min_count=1)),
    )
    out = out.reset_index()
    out["_order"] = out["period"].map(order)
    return out.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


def claim_checks(claims: pd.DataFrame, deals: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """The claims as first reported (``brief_claims.csv``), one per (claim, country), with verdict and evidence.

    Returns ``claim_id, country, claim, verdict, evidence`` (linked deals: title, stage, value),
    ``explanation``, ``sources`` (publishers of the linked deals' primary and other sources, then
    the claim's own source) sorted by country then claim_id.
    """
    _require(claims, ["claim_id", "claim", "country", "deal_ids", "verdict", "explanation", "source_id"])
    by_id = deals.set_index("deal_id")
    publishers = sources.set_index("source_id")["publisher"]
    records = []
    for row in claims.itertuples(index=False):
        ids = list(row.deal_ids) if isinstance(row.deal_ids, list | tuple) else str(row.deal_ids).split(";")
        unknown = [i for i in ids if i not in by_id.index]
        if unknown:
            raise DealsError(f"claim {row.claim_id}: deal_ids not in deals: {', '.join(unknown)}")
        evidence, source_ids = [], []
        for deal_id in ids:
            deal = by_id.loc[deal_id]
            value = "no value stated" if pd.isna(deal["value_usd_m"]) else money(deal["value_usd_m"])
            evidence.append(f"{deal['title']} [{words(deal['stage'])}, {value}, {words(deal['confirmation'])}]")
            source_ids += [deal["source_id"], *sorted(deal["other_source_ids"] or [])]
        source_ids.append(row.source_id)
        names = list(dict.fromkeys(str(publishers.get(s, s)) for s in source_ids))
        records.append(
            {
                "claim_id": row.claim_id,
                "country": row.country,
                "claim": row.claim,
                "verdict": row.verdict,
                "evidence": "; ".join(evidence),
                "explanation": row.explanation,
                "sources": "; ".join(names),
            }
        )
    out = pd.DataFrame.from_records(
        records, columns=["claim_id", "country", "claim", "verdict", "evidence", "explanation", "sources"]
    )
    return out.sort_values(["country", "claim_id"], kind="stable").reset_index(drop=True)


def source_ids_used(deals: pd.DataFrame, claims: pd.DataFrame | None = None) -> list[str]:
    """Every source id the deals (primary and other) and claims cite, sorted."""
    ids = set(deals["source_id"])
    for other in deals["other_source_ids"]:
        ids.update(other or [])
    if claims is not None:
        ids.update(claims["source_id"])
    return sorted(ids)


def money_cells(values_usd_m: pd.Series) -> pd.Series:
    """Amounts in US$ m as table cells in the unit that fits each (:func:`helpers.text.money`); missing stays missing.

    >>> money_cells(pd.Series([32.5, 1234.0, None])).tolist()
    ['US$32.5 m', 'US$1.2 bn', None]
    """
    return pd.Series([None if pd.isna(v) else money(v) for v in values_usd_m], index=values_usd_m.index, dtype=object)


def headline_table(h: dict[str, float | int]) -> pd.DataFrame:
    """The :func:`headline` totals as a small table (amounts in the unit that fits) for ``helpers.text.table``."""
    rows = [
        ("Naive sum of every row (double counts)", h["n_rows"], h["naive_usd_m"]),
        ("Deduplicated: rows inside no other row", h["n_counted"], h["dedup_usd_m"]),
        ("  of which unconfirmed", h["n_unconfirmed_counted"], h["unconfirmed_usd_m"]),
        (
            "Deduplicated, unconfirmed rows left out",
            h["n_counted"] - h["n_unconfirmed_counted"],
            h["dedup_confirmed_usd_m"],
        ),
        ("Deduplicated, low end of stated ranges", h["n_counted"], h["dedup_low_usd_m"]),
    ]
    return pd.DataFrame(
        {
            "Total": [r[0] for r in rows],
            "Rows": [int(r[1]) for r in rows],
            "Value": money_cells(pd.Series([float(r[2]) for r in rows])),
        }
    )


def totals_table(deals: pd.DataFrame, by: str) -> pd.DataFrame:
    """:func:`totals_by` with readable labels and amounts in the unit that fits, for ``helpers.text.table``."""
    out = totals_by(deals, by)
    named = {"country": country_name, "us_party": str}.get(by, code_label)
    return pd.DataFrame(
        {
            DIMENSION_LABELS[by]: out[by].map(named),
            "Deals": out["n_deals"],
            "Counted (not overlapping)": out["n_counted"],
            "Without value": out["n_no_value"],
            "Deduplicated, unconfirmed left out": money_cells(out["dedup_confirmed_usd_m"]),
            "Unconfirmed, counted": money_cells(out["unconfirmed_usd_m"]),
            "Deduplicated, all": money_cells(out["dedup_usd_m"]),
            "Naive sum, double counts": money_cells(out["naive_usd_m"]),
        }
    )


def counted_segments(deals: pd.DataFrame, by: str) -> pd.DataFrame:
    """Counted deals with a value, their binding class, whether unconfirmed and their group label."""
    counted = deduplicated(deals)
    counted = counted[counted["value_usd_m"].notna()].copy()
    counted["binding_class"] = binding_class(counted)
    counted["unconfirmed"] = counted["confirmation"].eq(UNCONFIRMED)
    counted["_group"] = counted[by].astype("string").fillna("(not stated)")
    return counted


def deal_values(deals: pd.DataFrame) -> pd.DataFrame:
    """Deduplicated deal value per state (US$ bn), with and without unconfirmed rows.

    Returns one row per state: ``iso3, value`` (deduplicated, unconfirmed rows left out; NaN when
    no counted deal states a value), ``with_unconfirmed_bn``, ``unconfirmed_bn``, ``n_deals``.
    """
    table = totals_by(deals, "country").set_index("country").reindex(list(STATES))
    out = pd.DataFrame({"iso3": list(STATES)})
    out["value"] = (table["dedup_confirmed_usd_m"] / 1000).to_numpy()
    out["with_unconfirmed_bn"] = (table["dedup_usd_m"] / 1000).to_numpy()
    out["unconfirmed_bn"] = (table["unconfirmed_usd_m"] / 1000).to_numpy()
    out["n_deals"] = table["n_deals"].fillna(0).astype(int).to_numpy()
    return out


def state_deals(deals: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The state's deal rows, largest first, with whether each is counted in deduplicated totals."""
    own = deals[deals["country"].eq(check_state(iso3))].copy()
    titles = deals.set_index("deal_id")["title"]
    container = own["overlaps_deal_id"].map(titles).fillna(own["overlaps_deal_id"]).fillna("")
    own["counted"] = np.where(is_counted(own), "yes", "no: inside " + container.astype(str))
    own["value"] = money_cells(own["value_usd_m"])
    own["binding"] = binding_class(own)
    dated = zip(own["announced_date"], own["date_precision"], strict=True)
    own["date"] = ["undated" if pd.isna(d) else date_words(d, p) for d, p in dated]
    return own.sort_values(["value_usd_m", "deal_id"], ascending=[False, True], na_position="last")


def unconfirmed_counted(deals: pd.DataFrame) -> pd.DataFrame:
    """Counted rows whose figure is unconfirmed and states a value, by deal id."""
    counted = deduplicated(deals)
    rows = counted[counted["confirmation"].eq(UNCONFIRMED) & counted["value_usd_m"].notna()]
    return rows.sort_values("deal_id").reset_index(drop=True)
