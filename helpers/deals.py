"""Deal tracker: deduplicated totals, announced vs binding, timeline, brief-claim checks, charts.

The ONE dedup rule
------------------
``deals.csv`` keeps every reported figure, including rows whose money is (or may be) inside
another row: financing of a purchase, options inside an order, items inside an umbrella package,
two reports of one project, a claim about a deal. Such a row names its container in
``overlaps_deal_id``. **A deduplicated total sums** ``value_usd_m`` **only over rows whose**
``overlaps_deal_id`` **is empty** (:func:`deduplicated`). A naive sum over all rows double counts.

Totals are shown with and without ``confirmation == "unconfirmed"`` rows (e.g. a $100bn
headline nobody verified), never hiding either. A deal without a stated value is counted as a
deal but adds nothing to a total, and a group whose counted deals state no value has a missing
total (never 0).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from helpers.charts import BINDING_COLOURS, BINDING_STAGES, MUTED_COLOUR, STAGE_ORDER, country_name, finish, wrap

DIMENSIONS = ("country", "sector", "us_party", "instrument", "stage")
BINDING, NON_BINDING, NO_VALUE = "binding", "non-binding", "no value stated"
CLASS_ORDER = (BINDING, NON_BINDING, NO_VALUE)
UNCONFIRMED = "unconfirmed"
# Events the timeline marks (facts about the calendar, not data values).
EVENTS = (("2025-09-23", "UNGA week, New York"), ("2025-11-06", "C5+1 summit, Washington"))
BINDING_MEANING = {BINDING: "contract, firm order, in progress", NON_BINDING: "MoU, LoI, framework, announced, up to"}
PRECISION_SYMBOL = {"day": "circle", "month": "square-open", "year": "diamond-open", "unknown": "x-thin-open"}
DIMENSION_LABELS = {
    "country": "State",
    "sector": "Sector",
    "us_party": "US party (as listed)",
    "instrument": "Instrument",
    "stage": "Stage (most binding reached)",
}


class DealsError(ValueError):
    """A deals frame lacks a column or holds an overlap that does not resolve."""


def _require(deals: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in deals.columns]
    if missing:
        raise DealsError(f"deals frame is missing column(s): {', '.join(missing)}")


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype("string").str.strip().eq("").fillna(True)


# ---------------------------------------------------------------------------
# The dedup rule


def is_counted(deals: pd.DataFrame) -> pd.Series:
    """True for rows a deduplicated total sums: ``overlaps_deal_id`` is empty."""
    _require(deals, ["overlaps_deal_id"])
    return _blank(deals["overlaps_deal_id"])


def deduplicated(deals: pd.DataFrame) -> pd.DataFrame:
    """The rows a deduplicated total counts (``overlaps_deal_id`` empty), in the input order.

    Examples
    --------
    >>> deduplicated(load_deals())["value_usd_m"].sum()  # doctest: +SKIP
    """
    return deals[is_counted(deals)].copy()


def exclude_unconfirmed(deals: pd.DataFrame) -> pd.DataFrame:
    """Rows whose ``confirmation`` is not ``unconfirmed``."""
    _require(deals, ["confirmation"])
    return deals[deals["confirmation"].ne(UNCONFIRMED)].copy()


def headline(deals: pd.DataFrame) -> dict[str, float | int]:
    """Naive and deduplicated totals (US$ m), with and without unconfirmed rows, and counts.

    Keys: ``n_rows``, ``n_counted``, ``n_overlapping``, ``n_no_value``, ``n_unconfirmed_counted``,
    ``naive_usd_m``, ``dedup_usd_m``, ``dedup_confirmed_usd_m`` (unconfirmed rows left out),
    ``unconfirmed_usd_m`` (counted unconfirmed money), ``dedup_low_usd_m`` (low ends of ranges).
    """
    _require(deals, ["value_usd_m", "value_low_usd_m", "confirmation"])
    counted = deduplicated(deals)
    unconfirmed = counted["confirmation"].eq(UNCONFIRMED)
    low = counted["value_low_usd_m"].fillna(counted["value_usd_m"])
    return {
        "n_rows": len(deals),
        "n_counted": len(counted),
        "n_overlapping": len(deals) - len(counted),
        "n_no_value": int(deals["value_usd_m"].isna().sum()),
        "n_unconfirmed_counted": int(unconfirmed.sum()),
        "naive_usd_m": float(deals["value_usd_m"].sum()),
        "dedup_usd_m": float(counted["value_usd_m"].sum()),
        "dedup_confirmed_usd_m": float(counted.loc[~unconfirmed, "value_usd_m"].sum()),
        "unconfirmed_usd_m": float(counted.loc[unconfirmed, "value_usd_m"].sum()),
        "dedup_low_usd_m": float(low.sum()),
    }


def totals_by(deals: pd.DataFrame, by: str) -> pd.DataFrame:
    """Deduplicated totals per group, with and without unconfirmed rows, beside the naive sum.

    Parameters
    ----------
    deals : the frame from ``load_deals()``.
    by : one of ``country, sector, us_party, instrument, stage``.

    Returns
    -------
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
    frame["_counted_value"] = frame["value_usd_m"].where(frame["_counted"])
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
        out["_order"] = out["stage"].map({s: i for i, s in enumerate(STAGE_ORDER)}).fillna(len(STAGE_ORDER))
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
    shows only the precision the source gives (``2025-11`` for month precision).
    """
    _require(deals, ["deal_id", "announced_date", "date_precision", "country", "title", "stage", "value_usd_m"])
    out = deals.copy()
    out["binding_class"] = binding_class(out)
    out["counted"] = is_counted(out)
    formats = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
    out["date_label"] = [
        "undated" if pd.isna(d) else d.strftime(formats.get(p, "%Y-%m-%d")) + ("" if p in formats else " (?)")
        for d, p in zip(out["announced_date"], out["date_precision"], strict=True)
    ]
    out = out.sort_values(["announced_date", "country", "deal_id"], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def period_totals(deals: pd.DataFrame, events: Sequence[tuple[str, str]] = EVENTS) -> pd.DataFrame:
    """Deduplicated confirmed money and counts announced before, at and between the events' dates.

    Periods: ``before <first event>``, ``<event> (±3 days)`` for each event, ``between``/``after``
    windows, and ``undated``. Values in US$ m.
    """
    frame = timeline(deals)
    frame = frame[frame["counted"] & frame["confirmation"].ne(UNCONFIRMED)]
    dates = [pd.Timestamp(d) for d, _ in events]
    labels = []
    for day in frame["announced_date"]:
        if pd.isna(day):
            labels.append("undated")
            continue
        label = None
        for (when, name), ts in zip(events, dates, strict=True):
            if abs((day - ts).days) <= 3:
                label = f"{name} ({when}, ±3 days)"
        if label is None:
            before = sum(day > ts for ts in dates)
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
    """The brief's claims, one per (claim, country), with the verdict and the evidence behind it.

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
            value = "no value stated" if pd.isna(deal["value_usd_m"]) else f"US${deal['value_usd_m'] / 1000:,.1f} bn"
            evidence.append(f"{deal['title']} [{deal['stage']}, {value}, {deal['confirmation']}]")
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


# ---------------------------------------------------------------------------
# Tables and charts


def bn(value_usd_m: float) -> str:
    """US$ m as a short "US$ 1.2 bn" string ("no value" when missing)."""
    return "no value" if pd.isna(value_usd_m) else f"US${value_usd_m / 1000:,.1f} bn"


def headline_table(h: dict[str, float | int]) -> pd.DataFrame:
    """The :func:`headline` totals as a small table (US$ bn) for ``helpers.text.table``."""
    rows = [
        ("Naive sum of every row (double counts)", h["n_rows"], h["naive_usd_m"]),
        ("Deduplicated: rows with no overlaps_deal_id", h["n_counted"], h["dedup_usd_m"]),
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
            "US$ bn": [float(r[2]) / 1000 for r in rows],
        }
    )


def totals_table(deals: pd.DataFrame, by: str) -> pd.DataFrame:
    """:func:`totals_by` in US$ bn with readable labels, for ``helpers.text.table``."""
    out = totals_by(deals, by)
    label = out[by].map(country_name) if by == "country" else out[by].str.replace("_", " ")
    return pd.DataFrame(
        {
            DIMENSION_LABELS[by]: label,
            "Deals": out["n_deals"],
            "Counted (not overlapping)": out["n_counted"],
            "Without value": out["n_no_value"],
            "Deduplicated, excl. unconfirmed (US$ bn)": out["dedup_confirmed_usd_m"] / 1000,
            "Unconfirmed, counted (US$ bn)": out["unconfirmed_usd_m"] / 1000,
            "Deduplicated, all (US$ bn)": out["dedup_usd_m"] / 1000,
            "Naive sum, double counts (US$ bn)": out["naive_usd_m"] / 1000,
        }
    )


def _segments(deals: pd.DataFrame, by: str) -> pd.DataFrame:
    counted = deduplicated(deals)
    counted = counted[counted["value_usd_m"].notna()].copy()
    counted["binding_class"] = binding_class(counted)
    counted["unconfirmed"] = counted["confirmation"].eq(UNCONFIRMED)
    counted["_group"] = counted[by].astype("string").fillna("(not stated)")
    return counted


def totals_chart(deals: pd.DataFrame, by: str, source: str, top: int = 15) -> go.Figure:
    """Horizontal stacked bars of deduplicated, confirmed US$ bn per group: binding vs non-binding.

    Unconfirmed counted figures are not drawn to scale (one $100bn headline would flatten every
    other bar) but written next to their group's bar, so both totals stay visible.
    """
    table = totals_by(deals, by)
    table = table[table["dedup_usd_m"].notna()]
    table = table.assign(confirmed_m=table["dedup_confirmed_usd_m"].fillna(0))
    table = table.sort_values(["confirmed_m", by], ascending=[False, True], kind="stable")
    # The top groups by confirmed value, plus every group carrying unconfirmed money (never hidden).
    keep = table.index.isin(table.head(top).index) | table["unconfirmed_usd_m"].notna()
    table = table[keep]
    order = list(table[by])[::-1]
    counted = _segments(deals, by)
    counted = counted[counted["_group"].isin(order)]
    names = {g: (country_name(g) if by == "country" else wrap(str(g).replace("_", " "), 40)) for g in order}
    confirmed = counted[~counted["unconfirmed"]]
    fig = go.Figure()
    for label in (BINDING, NON_BINDING):
        part = confirmed[confirmed["binding_class"].eq(label)]
        if part.empty:
            continue
        sums = part.groupby("_group")["value_usd_m"].sum().reindex(order)
        lists = (
            part.sort_values("deal_id")
            .groupby("_group")["title"]
            .apply(lambda t: "<br>".join(html.escape(wrap(x, 70)) for x in t))
        )
        fig.add_trace(
            go.Bar(
                y=[names[g] for g in order],
                x=(sums.fillna(0) / 1000).tolist(),
                orientation="h",
                name=f"{label} ({BINDING_MEANING[label]})",
                marker={"color": BINDING_COLOURS[label]},
                customdata=[lists.get(g, "") for g in order],
                hovertemplate=f"%{{y}}<br>{label}: US$ %{{x:,.2f}} bn<br>%{{customdata}}<extra></extra>",
            )
        )
    for row in table.dropna(subset=["unconfirmed_usd_m"]).itertuples(index=False):
        group = getattr(row, by)
        fig.add_annotation(
            x=row.confirmed_m / 1000,
            y=names[group],
            text=f"+ {bn(row.unconfirmed_usd_m)} unconfirmed (not drawn to scale)",
            showarrow=False,
            xanchor="left",
            xshift=6,
            font={"size": 11, "color": MUTED_COLOUR},
        )
    fig.update_layout(barmode="stack", legend={"y": -0.2})
    fig.update_yaxes(automargin=True)
    valued = table[table["confirmed_m"] > 0]
    if len(valued):
        first = valued.iloc[0]
        lead = country_name(first[by]) if by == "country" else str(first[by]).replace("_", " ")
        title = f"{html.escape(lead)} leads with {bn(first['confirmed_m'])} of confirmed deduplicated deal value"
    else:
        title = "No confirmed deal states a value"
    return finish(
        fig,
        title=title,
        subtitle=(
            f"Deduplicated deal value by {DIMENSION_LABELS[by].lower()}, US$ bn, unconfirmed rows not in the bars; "
            "rows inside another row are not summed"
        ),
        x_title="Deduplicated deal value, confirmed (US$ bn)",
        source=source,
        height=max(460, 200 + 34 * len(order)),
    )


def binding_chart(deals: pd.DataFrame, source: str) -> go.Figure:
    """One stacked bar per view (with / without unconfirmed): binding vs non-binding US$ bn."""
    summary = binding_summary(deals)
    views = [("All counted rows", "dedup_usd_m"), ("Excluding unconfirmed rows", "dedup_confirmed_usd_m")]
    fig = go.Figure()
    for label in (BINDING, NON_BINDING):
        row = summary[summary["binding_class"].eq(label)].iloc[0]
        fig.add_trace(
            go.Bar(
                y=[v for v, _ in views],
                x=[row[c] / 1000 for _, c in views],
                orientation="h",
                name=f"{label} ({BINDING_MEANING[label]})",
                marker_color=BINDING_COLOURS[label],
                hovertemplate=f"%{{y}}<br>{label}: US$ %{{x:,.1f}} bn<extra></extra>",
            )
        )
    firm = summary.set_index("binding_class")
    share = firm.at[BINDING, "share_confirmed_pct"]
    n_no_value = int(firm.at[NO_VALUE, "n_counted"])
    fig.update_layout(barmode="stack", legend={"y": -0.25})
    fig.update_yaxes(automargin=True)
    return finish(
        fig,
        title=(
            f"Only {share:.0f}% of the confirmed deduplicated headline money is binding"
            if share < 50
            else f"{share:.0f}% of the confirmed deduplicated headline money is binding"
        ),
        subtitle=(
            f"Deduplicated deal value by legal status, US$ bn; {n_no_value} counted deals state no value "
            "and are not in the bars"
        ),
        x_title="Deduplicated deal value (US$ bn)",
        source=source,
        height=400,
    )


def _spread(frame: pd.DataFrame, rows: dict[str, int], width: float = 0.8) -> np.ndarray:
    """Row position per deal: the state's row, deals of one state and day spread evenly within ±width/2."""
    out = np.zeros(len(frame))
    keys = list(zip(frame["country"], frame["announced_date"], strict=True))
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    for (country, _), members in groups.items():
        n = len(members)
        for rank, i in enumerate(members):
            out[i] = rows[country] + (0.0 if n == 1 else width * (rank / (n - 1) - 0.5))
    return out


def timeline_chart(deals: pd.DataFrame, source: str, events: Sequence[tuple[str, str]] = EVENTS) -> go.Figure:
    """Announcements by date and state: area = value, colour = binding class, symbol = date precision.

    Deals of one state announced on the same day are spread vertically within the state's row.
    """
    frame = timeline(deals)
    dated = frame[frame["announced_date"].notna()].sort_values(
        ["country", "announced_date", "value_usd_m", "deal_id"], ascending=[True, True, False, True], kind="stable"
    )
    states = sorted(frame["country"].unique())
    rows = {c: len(states) - 1 - i for i, c in enumerate(states)}
    dated = dated.assign(_y=_spread(dated, rows))
    fig = go.Figure()
    max_value = float(dated["value_usd_m"].max()) if dated["value_usd_m"].notna().any() else 1.0
    for label in CLASS_ORDER:
        for precision, symbol in PRECISION_SYMBOL.items():
            part = dated[dated["binding_class"].eq(label) & dated["date_precision"].eq(precision)]
            if part.empty:
                continue
            values = part["value_usd_m"]
            size = np.where(values.isna(), 7, 7 + 28 * np.sqrt(values.fillna(0) / max_value))
            hover = [
                f"{html.escape(wrap(t, 70))}<br>{country_name(c)}, {d} (date precision: {p})<br>{bn(v)}; stage: {s}"
                + ("" if k else "<br>inside another row, not summed")
                + (f"<br>{conf}" if conf == UNCONFIRMED else "")
                for t, c, d, p, v, s, k, conf in zip(
                    part["title"],
                    part["country"],
                    part["date_label"],
                    part["date_precision"],
                    values,
                    part["stage"],
                    part["counted"],
                    part["confirmation"],
                    strict=True,
                )
            ]
            fig.add_trace(
                go.Scatter(
                    x=part["announced_date"].dt.strftime("%Y-%m-%d"),
                    y=part["_y"].round(3).tolist(),
                    mode="markers",
                    name=f"{label}; date to the {precision}" if precision != "unknown" else f"{label}; date unknown",
                    marker={
                        "size": size.round(2).tolist(),
                        "symbol": symbol,
                        "color": BINDING_COLOURS[label],
                        "opacity": 0.8,
                        "line": {"width": 1, "color": "#FFFFFF" if symbol == "circle" else BINDING_COLOURS[label]},
                    },
                    text=hover,
                    hovertemplate="%{text}<extra></extra>",
                )
            )
    for i, (when, name) in enumerate(events):
        fig.add_vline(x=when, line={"dash": "dot", "color": MUTED_COLOUR, "width": 1})
        fig.add_annotation(
            x=when,
            y=1.0,
            yref="paper",
            yanchor="bottom",
            xanchor="right" if i < len(events) - 1 else "left",
            text=name,
            showarrow=False,
            font={"size": 11, "color": MUTED_COLOUR},
        )
    summit = pd.Timestamp(events[-1][0])
    near = dated[(dated["announced_date"] - summit).abs().dt.days.le(3)]
    undated = int(frame["announced_date"].isna().sum())
    fig.update_yaxes(
        tickvals=[rows[c] for c in states],
        ticktext=[country_name(c) for c in states],
        range=[-0.6, len(states) - 0.4],
        showgrid=False,
        automargin=True,
    )
    fig.update_layout(legend={"y": -0.2})
    return finish(
        fig,
        title=f"{len(near)} of {len(frame)} tracked deals were announced within three days of the C5+1 summit",
        subtitle=(
            "Each marker is a deal row; area ~ stated value (US$); hollow symbols = date known only to the year; "
            f"{undated} undated row(s) not shown"
        ),
        x_title="Announcement date",
        source=source,
        height=560,
    )


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
            f"items, duplicates, claims). Naive sum {bn(h['naive_usd_m'])}; deduplicated {bn(h['dedup_usd_m'])}, "
            f"of which {bn(h['unconfirmed_usd_m'])} is unconfirmed; deduplicated without unconfirmed rows: "
            f"{bn(h['dedup_confirmed_usd_m'])}."
        ),
    ]
    if len(biggest):
        row = biggest.iloc[0]
        lines.append(
            f"The largest unconfirmed figure, '{row['title']}' ({country_name(row['country'])}, "
            f"{bn(row['value_usd_m'])}), is {100 * row['value_usd_m'] / h['dedup_usd_m']:.0f}% of the "
            "deduplicated total including unconfirmed rows."
        )
    lines.append(
        "Binding commitments (contracts, firm orders, projects in progress) are "
        f"{bn(summary.at[BINDING, 'dedup_confirmed_usd_m'])} ({summary.at[BINDING, 'share_confirmed_pct']:.0f}%) "
        "of the confirmed deduplicated money; MoUs, LoIs, "
        f"frameworks and 'up to' figures are {bn(summary.at[NON_BINDING, 'dedup_confirmed_usd_m'])}; "
        f"{int(summary.at[NO_VALUE, 'n_counted'])} counted deals state no value."
    )
    if len(by_country) and len(by_sector):
        lines.append(
            "By state (confirmed, deduplicated): "
            + ", ".join(f"{country_name(c)} {bn(v)}" for c, v in by_country.items())
            + f". Largest sector: {str(by_sector.index[0]).replace('_', ' ')} ({bn(by_sector.iloc[0])})."
        )
    lines.append(
        f"The brief's {len(claims)} claim checks: "
        + ", ".join(f"{int(verdicts.get(v, 0))} {v}" for v in ("confirmed", "differs", "unconfirmed"))
        + "."
    )
    return lines


def notes(deals: pd.DataFrame, topic: str) -> list[str]:
    """Two or three data-driven sentences interpreting one section of the deal tracker.

    ``topic``: ``country``, ``sector``, ``us_party``, ``instrument``, ``stage``, ``binding``,
    ``overlaps`` or ``timeline``.
    """
    h = headline(deals)
    if topic in DIMENSIONS:
        table = totals_by(deals, topic)
        valued = table.dropna(subset=["dedup_confirmed_usd_m"]).sort_values("dedup_confirmed_usd_m", ascending=False)
        name = (lambda v: country_name(v)) if topic == "country" else (lambda v: str(v).replace("_", " "))
        out = []
        if len(valued):
            first = valued.iloc[0]
            share = 100 * first["dedup_confirmed_usd_m"] / h["dedup_confirmed_usd_m"]
            out.append(
                f"Without unconfirmed rows, {name(first[topic])} accounts for {bn(first['dedup_confirmed_usd_m'])} "
                f"({share:.0f}% of {bn(h['dedup_confirmed_usd_m'])})."
            )
        unvalued = table[table["dedup_usd_m"].isna()]
        if len(unvalued):
            out.append(
                f"{len(unvalued)} group(s) have no counted stated value: "
                + ", ".join(name(v) for v in unvalued[topic])
                + " (their money is missing or sits inside another row, so the total is blank, not zero)."
            )
        with_unconf = table.dropna(subset=["unconfirmed_usd_m"])
        for row in with_unconf.itertuples(index=False):
            out.append(
                f"{name(getattr(row, topic))} also carries {bn(row.unconfirmed_usd_m)} of unconfirmed figures, "
                "shown separately."
            )
        return out
    if topic == "binding":
        s = binding_summary(deals).set_index("binding_class")
        return [
            f"Of the confirmed deduplicated {bn(h['dedup_confirmed_usd_m'])}, "
            f"{bn(s.at[BINDING, 'dedup_confirmed_usd_m'])} ({s.at[BINDING, 'share_confirmed_pct']:.0f}%) "
            "is at contract, firm-order or in-progress stage; "
            f"{bn(s.at[NON_BINDING, 'dedup_confirmed_usd_m'])} rests on MoUs, letters of interest, frameworks or "
            "announcements.",
            f"Including unconfirmed rows the non-binding part grows to {bn(s.at[NON_BINDING, 'dedup_usd_m'])}.",
            f"{int(s.at[NO_VALUE, 'n_counted'])} counted deals state no value at all.",
        ]
    if topic == "overlaps":
        table = overlap_table(deals)
        money = float(table["value_usd_m"].sum())
        return [
            f"{len(table)} rows ({bn(money)}) are left out of every total because their money is, or may be, "
            f"inside another row; summing them would give the naive {bn(h['naive_usd_m'])} instead of "
            f"{bn(h['dedup_usd_m'])}.",
        ]
    if topic == "timeline":
        periods = period_totals(deals)
        top = periods.sort_values("dedup_confirmed_usd_m", ascending=False).iloc[0]
        return [
            f"The largest block of confirmed deduplicated money, {bn(top['dedup_confirmed_usd_m'])} in "
            f"{int(top['n_deals'])} deals, falls in the period '{top['period']}'.",
        ] + [
            f"{row.period}: {int(row.n_deals)} counted confirmed deals, {bn(row.dedup_confirmed_usd_m)}."
            for row in periods.itertuples(index=False)
        ]
    raise DealsError(f"unknown topic {topic!r}")


def data_used(deals: pd.DataFrame, claims: pd.DataFrame) -> list[str]:
    """Plain-text lines describing the deal data behind the notebook (coverage from the data)."""
    dated = deals["announced_date"].dropna()
    precision = deals["date_precision"].value_counts().sort_index()
    return [
        (
            f"data/deals.csv: {len(deals)} deal rows for {deals['country'].nunique()} states, announced "
            f"{dated.min():%Y-%m-%d} to {dated.max():%Y-%m-%d} ({int(deals['announced_date'].isna().sum())} undated); "
            "date precision: " + ", ".join(f"{k} {v}" for k, v in precision.items()) + "."
        ),
        (
            "Confirmation: "
            + ", ".join(f"{k} {v}" for k, v in deals["confirmation"].value_counts().sort_index().items())
            + f"; {int(deals['value_usd_m'].isna().sum())} rows state no value."
        ),
        f"data/brief_claims.csv: {len(claims)} claims of the product brief, one row per claim and state.",
        "data/sources.csv: the source registry (publisher, title, URL) every row cites; listed under Sources.",
    ]
