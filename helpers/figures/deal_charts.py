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
from helpers.codes import words as code_words
from helpers.compute.deals import (
    BINDING,
    CLASS_ORDER,
    DIMENSION_LABELS,
    EVENTS,
    NO_VALUE,
    NON_BINDING,
    binding_summary,
    counted_segments,
    timeline,
    totals_by,
)
from helpers.figures.events import TIME_EVENTS, events_in_dates, mark_events
from helpers.figures.theme import BINDING_COLOURS, MUTED_COLOUR, finish, wrap
from helpers.text import money, plotly_text

BINDING_MEANING = {BINDING: "contract, firm order, in progress", NON_BINDING: "MoU, LoI, framework, announced, up to"}
# Top margin (finish() with a subtitle) and a bottom margin with room for the legend's five rows on a phone.
TIMELINE_TOP, TIMELINE_BOTTOM = 90, 260
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
    names = {g: wrap(plotly_text(group_label(by, g)), 40) for g in order}
    confirmed = counted[~counted["unconfirmed"]]
    fig = go.Figure()
    rows: list[tuple] = []  # the plotted table: group, legal status, US$ bn
    for label in (BINDING, NON_BINDING):
        part = confirmed[confirmed["binding_class"].eq(label)]
        if part.empty:
            continue
        sums = part.groupby("_group")["value_usd_m"].sum().reindex(order)
        rows += [(group_label(by, g), label, round(v / 1000, 2)) for g, v in sums.fillna(0).items()]
        lists = (
            part.sort_values("deal_id")
            .groupby("_group")["title"]
            .apply(lambda t: "<br>".join(wrap(plotly_text(x), 70) for x in t))
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
        rows.append((group_label(by, group), "unconfirmed (not in the bars)", round(row.unconfirmed_usd_m / 1000, 2)))
        fig.add_annotation(
            x=row.confirmed_m / 1000,
            y=names[group],
            text=f"+ {money(row.unconfirmed_usd_m)} unconfirmed (not drawn to scale)",
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
        table=pd.DataFrame(rows, columns=[DIMENSION_LABELS[by], "Legal status", "Deduplicated deal value, US$ bn"]),
    )


def binding_chart(deals: pd.DataFrame, source: str, title: str) -> go.Figure:
    """One stacked bar per view (with / without unconfirmed): binding vs non-binding US$ bn."""
    summary = binding_summary(deals)
    views = [("All counted rows", "dedup_usd_m"), ("Excluding unconfirmed rows", "dedup_confirmed_usd_m")]
    fig = go.Figure()
    rows: list[tuple] = []  # the plotted table: view, legal status, US$ bn
    for label in (BINDING, NON_BINDING):
        row = summary[summary["binding_class"].eq(label)].iloc[0]
        rows += [(view, label, round(row[column] / 1000, 1)) for view, column in views]
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
        table=pd.DataFrame(rows, columns=["Rows", "Legal status", "Deduplicated deal value, US$ bn"]),
    )


MARKER_GAP = 2  # px between stacked markers
ROW_PAD = 14  # px above and below the tallest stack of a state's row
CLUSTER_DAYS = 6  # markers of one state this close in time are stacked, not drawn over each other


def marker_sizes(values: pd.Series, max_value: float) -> np.ndarray:
    """Marker diameter (px) per deal: area ~ stated value, 7 px when no value is stated."""
    return np.where(values.isna(), 7, 7 + 28 * np.sqrt(values.fillna(0) / max_value))


def stack_rows(
    frame: pd.DataFrame, sizes: np.ndarray, states: Sequence[str]
) -> tuple[np.ndarray, dict[str, float], float]:
    """Y position (px from the bottom) per deal: each state a band, close deals stacked so none hides another.

    Deals of one state announced within :data:`CLUSTER_DAYS` of a cluster's first deal form one
    vertical stack centred on the state's row, each marker clear of the next by :data:`MARKER_GAP`;
    each band is as tall as its state's tallest stack. ``frame`` is sorted by state and date.
    Returns the positions, each state's row centre and the total height (px).
    """
    stacks: list[list[int]] = []
    start: tuple[object, pd.Timestamp] | None = None
    for i, (country, when) in enumerate(zip(frame["country"], frame["announced_date"], strict=True)):
        if start is None or start[0] != country or (when - start[1]).days > CLUSTER_DAYS:
            stacks.append([])
            start = (country, when)
        stacks[-1].append(i)
    height = {c: 0.0 for c in states}
    for members in stacks:
        extent = float(sum(sizes[i] for i in members) + MARKER_GAP * (len(members) - 1))
        height[frame["country"].iloc[members[0]]] = max(height[frame["country"].iloc[members[0]]], extent)
    centres, bottom = {}, 0.0
    for country in reversed(list(states)):  # first state on top
        band = max(height[country], 20.0) + 2 * ROW_PAD
        centres[country] = bottom + band / 2
        bottom += band
    out = np.zeros(len(frame))
    for members in stacks:
        extent = float(sum(sizes[i] for i in members) + MARKER_GAP * (len(members) - 1))
        top = centres[frame["country"].iloc[members[0]]] + extent / 2
        for i in members:
            out[i] = top - sizes[i] / 2
            top -= sizes[i] + MARKER_GAP
    return out, centres, bottom


def merged_events(events: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The shared time-chart events plus ``events`` on other dates, in date order."""
    shared = {d for d, _ in TIME_EVENTS}
    return sorted([*TIME_EVENTS, *((d, n) for d, n in events if d not in shared)])


def timeline_table(dated: pd.DataFrame) -> pd.DataFrame:
    """The timeline's plotted deals as a reader downloads them: one row per marker, in date order."""
    rows = dated.sort_values(["announced_date", "country", "deal_id"], kind="stable")
    return pd.DataFrame(
        {
            "Announced": rows["announced_date"].dt.strftime("%Y-%m-%d").to_numpy(),
            "Date precision": rows["date_precision"].to_numpy(),
            "State": rows["country"].map(country_name).to_numpy(),
            "Deal": rows["title"].to_numpy(),
            "Legal status": rows["binding_class"].to_numpy(),
            "Stage": rows["stage"].map(code_words).to_numpy(),
            "Value stated, US$ m": rows["value_usd_m"].round(1).to_numpy(),
            "Counted in totals": np.where(rows["counted"], "yes", "no (inside another row)"),
            "Confirmation": rows["confirmation"].map(code_words).to_numpy(),
        }
    )


def timeline_chart(
    deals: pd.DataFrame, source: str, title: str, events: Sequence[tuple[str, str]] = EVENTS
) -> go.Figure:
    """Announcements by date and state: area = value, colour = binding class, symbol = date precision.

    Deals of one state announced within a few days are stacked within the state's row
    (:func:`stack_rows`), so every marker is visible and can be hovered.
    """
    frame = timeline(deals)
    dated = frame[frame["announced_date"].notna()].sort_values(
        ["country", "announced_date", "value_usd_m", "deal_id"], ascending=[True, True, False, True], kind="stable"
    )
    states = sorted(frame["country"].unique())
    max_value = float(dated["value_usd_m"].max()) if dated["value_usd_m"].notna().any() else 1.0
    sizes = marker_sizes(dated["value_usd_m"], max_value)
    y, centres, total = stack_rows(dated, sizes, states)
    dated = dated.assign(_y=y, _size=sizes)
    fig = go.Figure()
    for label in CLASS_ORDER:
        for precision, symbol in PRECISION_SYMBOL.items():
            part = dated[dated["binding_class"].eq(label) & dated["date_precision"].eq(precision)]
            if part.empty:
                continue
            values = part["value_usd_m"]
            hover = [
                f"{wrap(plotly_text(t), 70)}<br>{country_name(c)}, {d}"
                f"<br>{plotly_text(money(v))}; stage: {code_words(s)}"
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
                    y=part["_y"].round(1).tolist(),
                    mode="markers",
                    name=f"{label}; date to the {precision}" if precision != "unknown" else f"{label}; date unknown",
                    marker={
                        "size": part["_size"].round(2).tolist(),
                        "symbol": symbol,
                        "color": BINDING_COLOURS[label],
                        "opacity": 0.8,
                        "line": {"width": 1, "color": "#FFFFFF" if symbol == "circle" else BINDING_COLOURS[label]},
                    },
                    text=hover,
                    hovertemplate="%{text}<extra></extra>",
                )
            )
    dates = dated["announced_date"]
    if len(dates):
        marks = events_in_dates(str(dates.min().date()), str(dates.max().date()), merged_events(events))
        mark_events(fig, marks, above=True, left=[True] * (len(marks) - 1))  # the last label right of its rule
    undated = int(frame["announced_date"].isna().sum())
    fig.update_yaxes(
        tickvals=[round(centres[c], 1) for c in states],
        ticktext=[country_name(c) for c in states],
        range=[0, round(total, 1)],
        showgrid=False,
        fixedrange=True,
        automargin=True,
    )
    fig.update_layout(legend={"y": round(-70 / total, 4)})  # 70 px under the plot, above the source line
    # One y unit is one pixel: the plot is as tall as the stacked rows, plus the margins.
    fig = finish(
        fig,
        title=title,
        subtitle=(
            "Each marker is a deal row; area ~ stated value (US$); hollow symbols = date known only to the year; "
            f"{undated} undated row(s) not shown"
        ),
        x_title="Announcement date",
        source=source,
        height=round(float(total)) + TIMELINE_TOP + TIMELINE_BOTTOM,
        table=timeline_table(dated),
    )
    fig.update_layout(margin={"t": TIMELINE_TOP, "b": TIMELINE_BOTTOM})
    fig.update_annotations(selector={"name": "source"}, yshift=20 - TIMELINE_BOTTOM)
    return fig
