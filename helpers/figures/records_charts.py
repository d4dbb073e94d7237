"""Whose records: the same trade as the state records it and as its partners record it, switchable.

One panel per state, one pair of lines per partner: solid = the state's own records, dashed = the
partner's records of the same trade (US$ bn). Buttons above the chart show both records (the gap
between them visible), only the state's, or only the partners'; they work offline in any report.
Values, not shares: a partner records its trade with the state, never the state's world total, so
its figures are compared with the state's own as values (and in the ratio chart), never divided.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from helpers.codes import FLOW_WORDS, WORLD, country_name, partner_name, source_label
from helpers.figures.grid import LineStyle, finish_grid, grid_table, line_grid
from helpers.figures.theme import PARTNER_COLOURS, SIDE_DASH
from helpers.text import plotly_text

RECORDS = {"reporter": "own records", "mirror": "partner's records"}
BUILT_FROM_PARTNERS = frozenset({"imf_derived", "imf_fixed_split"})
VIEWS = (
    ("Both records", ("reporter", "mirror")),
    ("Own records", ("reporter",)),
    ("Partners' records", ("mirror",)),
)


def records_frame(
    own: pd.DataFrame, partner: pd.DataFrame, reporters: Sequence[str], flow: str = "total"
) -> pd.DataFrame:
    """Own and partner-recorded values of one flow, long: ``reporter, partner, year, records, value_bn, hover``.

    ``own`` and ``partner`` are ``select_series(trade, side="reporter")`` and ``side="mirror"``;
    only rows of that side are kept (never a world total), each line breaks where its dataset changes.
    """
    frames = []
    for side, series in (("reporter", own), ("mirror", partner)):
        keep = series["side"].eq(side) & series["partner"].ne(WORLD) & series["flow"].eq(flow)
        rows = series[keep & series["reporter"].isin(list(reporters))].copy()
        rows["records"] = side
        rows["line"] = rows["partner"] + ":" + side
        rows["value_bn"] = rows["value_usd_m"] / 1000
        rows["source_label"] = [source_label(d, side) for d in rows["dataset"]]
        rows["hover"] = [
            f"<b>{plotly_text(country_name(r.reporter))}: {plotly_text(partner_name(r.partner))}</b><br>{r.year}: "
            f"US&#36; {r.value_usd_m / 1000:,.2f} bn, {RECORDS[side]}<br>{plotly_text(source_label(r.dataset, side))}"
            + ("<br>an IMF estimate built from partners' data" if BUILT_FROM_PARTNERS & set(r.flags) else "")
            for r in rows.itertuples()
        ]
        frames.append(rows)
    return pd.concat(frames, ignore_index=True)


def records_toggle_figure(
    records: pd.DataFrame, *, reporters: Sequence[str], partners: Sequence[str], title: str, source: str
) -> go.Figure:
    """The same trade on both records, one panel per state, with buttons to switch records."""
    data = records[records["reporter"].isin(reporters) & records["partner"].isin(partners)]
    styles = {
        f"{p}:{side}": LineStyle(f"{partner_name(p)}: {words}", PARTNER_COLOURS[p], dash=SIDE_DASH[side])
        for p in partners
        for side, words in RECORDS.items()
    }
    panels = {r: country_name(r) for r in reporters}
    fig, n_rows = line_grid(
        data, panel="reporter", trace="line", value="value_bn", panels=panels, styles=styles, digits=3
    )
    flow_words = FLOW_WORDS.get(str(data["flow"].iloc[0]), "trade") if len(data) else "trade"
    words = ("State", "Partner and records", f"{flow_words.capitalize()}, US$ bn")
    table = grid_table(
        data, panel="reporter", trace="line", value="value_bn", panels=panels, styles=styles, words=words, digits=3
    )
    sides = [str(trace.legendgroup).split(":")[-1] for trace in fig.data]
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "right",
                "x": -0.07,  # from near the figure's left edge: the three buttons fit a 390 px phone
                "xanchor": "left",
                "y": 1.0,
                "yanchor": "bottom",
                "pad": {"b": 28},
                "showactive": True,
                "active": 0,
                "buttons": [
                    {"label": label, "method": "restyle", "args": [{"visible": [s in shown for s in sides]}]}
                    for label, shown in VIEWS
                ],
            }
        ]
    )
    fig = finish_grid(
        fig,
        title=title,
        subtitle=(
            f"{flow_words.capitalize()} with each partner, US$ bn: solid = as the state records it, dashed = as "
            "the partner records it; a line breaks where its records change"
        ),
        hint="Use the buttons above the chart to show both records, or either.",
        source=source,
        y_title="US$ bn",
        n_rows=n_rows,
        table=table,
    )
    fig.update_layout(margin={"t": fig.layout.margin.t + 50})  # room for the buttons above the panels
    return fig
