"""Deal charts: deduplicated value by group (binding vs non-binding), legal status, announcement timeline.

Titles are passed in (``helpers.narrative.deals``); every total follows the one dedup rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from helpers.codes import UNCONFIRMED, country_name
from helpers.codes import label as code_label
from helpers.compute.deals import (
    BINDING,
    CLASS_ORDER,
    DIMENSION_LABELS,
    EVENTS,
    NO_VALUE,
    NON_BINDING,
    binding_summary,
    bn,
    counted_segments,
    timeline,
    totals_by,
)
from helpers.figures.theme import BINDING_COLOURS, MUTED_COLOUR, finish, wrap
from helpers.text import plotly_text

BINDING_MEANING = {BINDING: "contract, firm order, in progress", NON_BINDING: "MoU, LoI, framework, announced, up to"}
PRECISION_SYMBOL = {"day": "circle", "month": "square-open", "year": "diamond-open", "unknown": "x-thin-open"}


def group_label(by: str, value: object) -> str:
    """Readable label of a group value (state name, a party as listed, or the code in words).

    >>> group_label("sector", "critical_minerals"), group_label("stage", "mou")
    ('Critical minerals', 'MoU')
    """
    return country_name(str(value)) if by == "country" else str(value) if by == "us_party" else code_label(value)


def _stacked(fig: go.Figure, legend_y: float, **exhibit: object) -> go.Figure:
    """Stack the bars, fit the category labels and finish the exhibit."""
    fig.update_layout(barmode="stack", legend={"y": legend_y})
    fig.update_yaxes(automargin=True)
    return finish(fig, **exhibit)


def totals_chart(deals: pd.DataFrame, by: str, source: str, title: str, top: int = 15) -> go.Figure:
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
    counted = counted_segments(deals, by)
    counted = counted[counted["_group"].isin(order)]
    names = {g: wrap(group_label(by, g), 40) for g in order}
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
            .apply(lambda t: "<br>".join(plotly_text(wrap(x, 70)) for x in t))
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
    return _stacked(
        fig,
        legend_y=-0.2,
        title=title,
        subtitle=(
            f"Deduplicated deal value by {DIMENSION_LABELS[by] if by == 'us_party' else DIMENSION_LABELS[by].lower()}, "
            "US$ bn, unconfirmed rows not in the bars; "
            "rows inside another row are not summed"
        ),
        x_title="Deduplicated deal value, confirmed (US$ bn)",
        source=source,
        height=max(460, 200 + 34 * len(order)),
    )


def binding_chart(deals: pd.DataFrame, source: str, title: str) -> go.Figure:
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
    n_no_value = int(summary.set_index("binding_class").at[NO_VALUE, "n_counted"])
    return _stacked(
        fig,
        legend_y=-0.25,
        title=title,
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


def timeline_chart(
    deals: pd.DataFrame, source: str, title: str, events: Sequence[tuple[str, str]] = EVENTS
) -> go.Figure:
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
                f"{plotly_text(wrap(t, 70))}<br>{country_name(c)}, {d} (date precision: {p})<br>{bn(v)}; stage: {s}"
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
        title=title,
        subtitle=(
            "Each marker is a deal row; area ~ stated value (US$); hollow symbols = date known only to the year; "
            f"{undated} undated row(s) not shown"
        ),
        x_title="Announcement date",
        source=source,
        height=560,
    )
