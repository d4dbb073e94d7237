"""Charts of deal follow-through a year on: money by status and state, and one event row per deal."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from helpers.codes import UNCONFIRMED, country_name
from helpers.compute import follow_through as ft
from helpers.figures.deal_charts import merged_events
from helpers.figures.events import events_in_dates, mark_events
from helpers.figures.theme import finish, wrap
from helpers.text import capital, plotly_text

# Okabe-Ito colours, from moved up (blue) and binding when signed (green) through news (yellow) to silence (grey).
MOVEMENT_COLOURS = {
    ft.NEW: "#CC79A7",
    ft.MOVED: "#0072B2",
    ft.BINDING: "#009E73",
    ft.NEWS: "#F0E442",
    ft.SILENT: "#BBBBBB",
}
# Event kinds grouped for the timeline: (label, symbol, colour).
EVENT_GROUPS = {
    "announced": ("announcement", "circle-open", "#666666"),
    "mou_signed": ("non-binding step (MoU, letter of interest, scale-up)", "diamond-open", "#E69F00"),
    "loi_issued": ("non-binding step (MoU, letter of interest, scale-up)", "diamond-open", "#E69F00"),
    "scaled_up": ("non-binding step (MoU, letter of interest, scale-up)", "diamond-open", "#E69F00"),
    "contract_signed": ("binding step (contract, options, financing)", "diamond", "#009E73"),
    "options_converted": ("binding step (contract, options, financing)", "diamond", "#009E73"),
    "financing_approved": ("binding step (contract, options, financing)", "diamond", "#009E73"),
    "first_delivery": ("delivery or operation", "star", "#0072B2"),
    "in_operation": ("delivery or operation", "star", "#0072B2"),
    "talks_held": ("talks or restatement (no new terms)", "x-thin-open", "#444444"),
    "reaffirmed": ("talks or restatement (no new terms)", "x-thin-open", "#444444"),
    "target_set": ("talks or restatement (no new terms)", "x-thin-open", "#444444"),
    "delayed": ("delay, cut, cancellation or replacement", "square", "#D55E00"),
    "scaled_down": ("delay, cut, cancellation or replacement", "square", "#D55E00"),
    "cancelled": ("delay, cut, cancellation or replacement", "square", "#D55E00"),
    "superseded": ("delay, cut, cancellation or replacement", "square", "#D55E00"),
}
EVENT_WORDS = {
    "announced": "announced",
    "mou_signed": "MoU or agreement signed",
    "loi_issued": "letter of interest issued",
    "scaled_up": "scaled up",
    "contract_signed": "definitive agreement signed",
    "options_converted": "options converted to firm orders",
    "financing_approved": "financing agreed",
    "first_delivery": "delivery or work under way",
    "in_operation": "in operation",
    "talks_held": "talks held",
    "reaffirmed": "restated",
    "target_set": "target date set",
    "delayed": "delayed",
    "scaled_down": "scaled down",
    "cancelled": "cancelled",
    "superseded": "replaced by another deal",
}


EVENT_COLUMNS = ("Date", "Date as stated", "State", "Deal", "Event", "Kind of event", "Value stated, US$ bn")


def status_chart(status: pd.DataFrame, source: str, title: str) -> go.Figure:
    """Announced value of the counted, confirmed deals of each state, stacked by movement since the summit (US$ bn)."""
    totals = ft.status_totals(status, by="country")
    states = sorted(status["country"].unique(), reverse=True)
    fig = go.Figure()
    rows: list[tuple] = []  # the plotted table: state, movement, US$ bn, deals
    for name in ft.MOVEMENT_ORDER:
        own = totals[totals["movement"].eq(name)].set_index("country")
        if own.empty:
            continue
        values = [own["value_usd_m"].get(s, float("nan")) / 1000 for s in states]
        counts = [int(own["n_deals"].get(s, 0)) for s in states]
        rows += [
            (country_name(s), capital(name), round(v, 3), n)
            for s, v, n in zip(states, values, counts, strict=True)
            if v == v  # a state without deals of this movement has no bar
        ]
        fig.add_trace(
            go.Bar(
                y=[country_name(s) for s in states],
                x=[round(v, 3) for v in values],
                orientation="h",
                name=capital(name),
                marker={"color": MOVEMENT_COLOURS[name], "line": {"color": "#FFFFFF", "width": 0.5}},
                customdata=counts,
                hovertemplate=f"%{{y}}<br>{capital(name)}: US&#36; %{{x:,.2f}} bn in %{{customdata}} deal(s)"
                "<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", legend={"y": -0.22})
    fig.update_yaxes(automargin=True)
    return finish(
        fig,
        title=title,
        subtitle=(
            "Value announced, US$ bn, of the deals counted once and confirmed, by what has happened since the summit; "
            "deals that state no value are in the table below, not in the bars"
        ),
        x_title="Value announced (US$ bn)",
        source=source,
        height=460,
        table=pd.DataFrame(rows, columns=["State", "Since the summit", "Value announced, US$ bn", "Deals"]),
    )


def deal_label(country: str | None, title: str, width: int = 24) -> str:
    """A short row label: the state (when given) and the deal title cut at a word boundary.

    >>> deal_label("KAZ", "KTZ: $1.6bn 10-year financing mandate for the locomotive fleet", 30)
    'Kazakhstan: KTZ: $1.6bn 10-year financing…'
    >>> deal_label(None, "KTZ: $1.6bn 10-year financing mandate for the locomotive fleet")
    'KTZ: $1.6bn 10-year…'
    """
    words, label = str(title).split(), ""
    state = "" if country is None else f"{country_name(country)}: "
    for word in words:
        if len(label) + len(word) + 1 > width:
            return f"{state}{label}…"
        label = f"{label} {word}".strip()
    return f"{state}{label}"


def event_timeline(status: pd.DataFrame, events: pd.DataFrame, source: str, title: str, summit: str) -> go.Figure:
    """One row per deal (grouped by state), a mark per dated event; the summit (and any other shared event in
    range) as a grey dashed rule."""
    rows = status.sort_values(["country", "deal_id"], ascending=[False, False], kind="stable").reset_index(drop=True)
    position = {deal_id: i for i, deal_id in enumerate(rows["deal_id"])}
    # the state is named on the top row of its group only: short labels leave the plot its width on a phone
    top_of_group = rows["country"].ne(rows["country"].shift(-1))
    labels = [
        plotly_text(deal_label(c if top else None, t))
        for c, t, top in zip(rows["country"], rows["title"], top_of_group, strict=True)
    ]
    fig = go.Figure()
    table: list[pd.DataFrame] = []  # the plotted events, one frame per group
    spans = events.groupby("deal_id")["event_date"].agg(["min", "max"])
    span_x: list[object] = []
    span_y: list[object] = []
    for deal_id, span in spans.iterrows():
        if deal_id in position and span["max"] > span["min"]:
            span_x += [span["min"].strftime("%Y-%m-%d"), span["max"].strftime("%Y-%m-%d"), None]
            span_y += [position[deal_id], position[deal_id], None]
    fig.add_trace(
        go.Scatter(x=span_x, y=span_y, mode="lines", line={"color": "#CCCCCC", "width": 1}, hoverinfo="skip",
                   showlegend=False)
    )  # fmt: skip
    marked = events[events["deal_id"].isin(position)].copy()
    marked["group"] = marked["event"].map(lambda e: EVENT_GROUPS[e][0])
    titles = rows.set_index("deal_id")["title"]
    for group in dict.fromkeys(g for g, _, _ in EVENT_GROUPS.values()):
        part = marked[marked["group"].eq(group)]
        if part.empty:
            continue
        _, symbol, colour = next(v for v in EVENT_GROUPS.values() if v[0] == group)
        states = rows.set_index("deal_id")["country"]
        table.append(
            pd.DataFrame(
                {
                    "Date": part["event_date"].dt.strftime("%Y-%m-%d").to_numpy(),
                    "Date as stated": part["event_date_text"].to_numpy(),
                    "State": part["deal_id"].map(states).map(country_name).to_numpy(),
                    "Deal": part["deal_id"].map(titles).to_numpy(),
                    "Event": part["event"].map(EVENT_WORDS).to_numpy(),
                    "Kind of event": capital(group),
                    "Value stated, US$ bn": (part["value_usd_m"] / 1000).round(2).to_numpy(),
                }
            )
        )
        hover = [
            "<br>".join(
                [
                    wrap(plotly_text(titles[d]), 70),
                    f"{plotly_text(t)}: {EVENT_WORDS[e]}",
                    "" if pd.isna(v) else f"value stated: US&#36; {v / 1000:,.2f} bn",
                ]
            )
            for d, t, e, v in zip(part["deal_id"], part["event_date_text"], part["event"], part["value_usd_m"],
                                  strict=True)
        ]  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=part["event_date"].dt.strftime("%Y-%m-%d"),
                y=[position[d] for d in part["deal_id"]],
                mode="markers",
                name=capital(group),
                marker={"symbol": symbol, "size": 10, "color": colour, "line": {"width": 1.5, "color": colour}},
                text=hover,
                hovertemplate="%{text}<extra></extra>",
            )
        )
    dates = marked["event_date"]
    if len(dates):
        shown = merged_events([(summit, "C5+1 summit")])
        mark_events(fig, events_in_dates(str(dates.min().date()), str(dates.max().date()), shown), above=True)
    fig.update_yaxes(
        tickvals=list(range(len(rows))),
        ticktext=labels,
        range=[-0.7, len(rows) - 0.3],
        showgrid=False,
        automargin=True,
        tickfont={"size": 10},
    )
    fig.update_xaxes(tickformat="%b\n%Y", nticks=6, tickangle=0)  # month over year: whole labels on a phone
    fig.update_layout(legend={"y": -0.06})
    unconfirmed = int(rows["confirmation"].eq(UNCONFIRMED).sum())
    return finish(
        fig,
        title=title,
        subtitle=(
            "One row per deal; each mark a dated event from a source; dates known only to the month or year sit at "
            f"its start; {unconfirmed} unconfirmed row(s) included"
        ),
        x_title="Date of the event",
        source=source,
        height=max(600, 160 + 22 * len(rows)),
        table=pd.concat(table, ignore_index=True) if table else pd.DataFrame(columns=EVENT_COLUMNS),
    )
