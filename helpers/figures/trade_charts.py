"""Trade charts: partner shares over time, the region, own vs partner records, Russia + China, HHI, scenarios.

Every line chart is drawn by :func:`helpers.figures.grid.line_grid`, so a line breaks (and the
break is marked) wherever its records change. Titles are passed in (see ``helpers.narrative``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.codes import (
    COMBINED,
    FLOW_WORDS,
    FLOWS,
    OTHER,
    PARTNERS,
    STATES,
    check_code,
    check_codes,
    country_name,
    partner_name,
    source_label,
)
from helpers.figures.grid import LineStyle, finish_grid, grid_table, line_grid
from helpers.figures.theme import PARTNER_COLOURS, STATE_STYLES
from helpers.text import plotly_text

RATE_SYMBOLS = ("circle-open", "circle-open-dot", "circle")
SCENARIO_COLUMNS = (
    "Panel",
    "State",
    "Series",
    "US share of total trade, %",
    "Lowest over default delivery periods, %",
    "Highest over default delivery periods, %",
    "Baseline year",
)


def share_hover(frame: pd.DataFrame, what: str = "share") -> list[str]:
    """Hover text of share rows: state, partner, year, value, records and flags (escaped)."""
    texts = []
    for r in frame.itertuples(index=False):
        flags = ", ".join(r.flags) if isinstance(r.flags, list) and r.flags else "none"
        texts.append(
            f"<b>{plotly_text(country_name(r.reporter))}: {plotly_text(partner_name(r.partner))}</b>"
            f"<br>{int(r.year)}: {what} {r.share_pct:,.1f}%<br>Source: {plotly_text(str(r.source_label))}"
            f"<br>Flags: {plotly_text(flags)}"
        )
    return texts


def partner_styles(partners: Sequence[str], mode: str = "lines+markers") -> dict[str, LineStyle]:
    """Each partner's line style: its name and the one colour it has in every chart.

    >>> partner_styles(["CHN"])["CHN"].name
    'China'
    """
    return {p: LineStyle(partner_name(p), PARTNER_COLOURS[p], mode=mode) for p in partners}


def _share_grid(
    shares: pd.DataFrame,
    partners: Sequence[str],
    panel: str,
    panels: dict[str, str],
    words: tuple[str, str],
    mode: str = "lines+markers",
    **grid,
) -> tuple[go.Figure, int, pd.DataFrame]:
    """Partner shares drawn by the grid builder: one panel per ``panel`` value, one line per partner;
    with the plotted table (``words``: the reader's names of the panel and value columns)."""
    data = shares[shares["partner"].isin(partners)]
    styles = partner_styles(partners, mode=mode)
    fig, n_rows = line_grid(
        data.assign(hover=share_hover(data)),
        panel=panel,
        trace="partner",
        value="share_pct",
        panels=panels,
        styles=styles,
        **grid,
    )
    names = (words[0], "Partner", words[1])
    table = grid_table(data, panel=panel, trace="partner", value="share_pct", panels=panels, styles=styles, words=names)
    return fig, n_rows, table


def share_small_multiples(
    shares: pd.DataFrame,
    *,
    flow: str,
    reporters: Sequence[str],
    partners: Sequence[str],
    title: str,
    source: str,
    cols: int = 3,
    detail: str = "",
) -> go.Figure:
    """One panel per reporter: each partner's share over time; ``detail`` (what the title sums up,
    e.g. which partner leads in which state) opens the subtitle."""
    check_code("flow", flow, FLOWS)
    check_codes("reporter", reporters, STATES)
    check_codes("partner", partners, (*PARTNERS, OTHER))
    data = shares[shares["flow"].eq(flow) & shares["reporter"].isin(reporters)]
    words = ("State", f"Share of {FLOW_WORDS[flow]}, %")
    fig, n_rows, table = _share_grid(
        data, partners, "reporter", {r: country_name(r) for r in reporters}, words=words, cols=cols
    )
    rest = (
        " Rest of world: every other country and trade the records do not allocate to a country."
        if OTHER in partners
        else ""
    )
    return finish_grid(
        fig,
        title=title,
        subtitle=(
            (f"{detail} " if detail else "")
            + f"Partner share of each state's {FLOW_WORDS[flow]}, %, partner value and world total from the same "
            "records. Large open diamonds: the partner's records; large dots: estimates; dotted rule: records change. "
            "The largest partner is read in each state's latest year with every partner on the same records." + rest
        ),
        source=source,
        y_title="% of " + ("total trade" if flow == "total" else flow),
        n_rows=n_rows,
        table=table,
    )


def region_figure(
    shares: pd.DataFrame, *, members: Sequence[str], partners: Sequence[str], title: str, source: str
) -> go.Figure:
    """Partner shares of the member states' summed trade, one panel per flow."""
    flows = {f: f.capitalize() for f in ("exports", "imports", "total")}
    words = ("Flow", "Share of their summed trade, %")
    fig, n_rows, table = _share_grid(shares, partners, "flow", flows, words=words, shared_yaxes=True)
    names = ", ".join(country_name(m) for m in members)
    return finish_grid(
        fig,
        title=title,
        subtitle=f"Partner share of the summed trade of {names}, %, only years with all of them on the same records",
        source=source,
        y_title="% of their summed trade",
        n_rows=n_rows,
        height=520,
        table=table,
    )


def ratio_figure(ratios: pd.DataFrame, *, reporters: Sequence[str], partners: Sequence[str], title: str, source: str):
    """How many times what the state records the partner records, per reporter (1 = the records agree)."""
    data = ratios[ratios["flow"].eq("total") & ratios["reporter"].isin(reporters) & ratios["partner"].isin(partners)]
    data = data[data["ratio"].notna()]
    hover = [
        f"<b>{plotly_text(country_name(r.reporter))}: {plotly_text(partner_name(r.partner))}</b><br>{int(r.year)}: "
        f"partner records {r.ratio:,.2f} times the state's own<br>own: US$ {r.own_usd_m:,.0f} m; "
        f"partner's: US$ {r.partner_usd_m:,.0f} m"
        f"<br>Records: {plotly_text(source_label(r.dataset_own, 'reporter'))} against "
        f"{plotly_text(source_label(r.dataset_partner, 'mirror'))}"
        for r in data.itertuples()
    ]
    panels, styles = {r: country_name(r) for r in reporters}, partner_styles(partners)
    fig, n_rows = line_grid(
        data.assign(hover=hover, side="mirror", estimate=False),
        panel="reporter",
        trace="partner",
        value="ratio",
        panels=panels,
        styles=styles,
        log_y=True,
        y_include=(1.0,),
    )
    words = ("State", "Partner", "Partner's records / state's own records (total trade)")
    table = grid_table(
        data, panel="reporter", trace="partner", value="ratio", panels=panels, styles=styles, words=words
    )
    fig.add_hline(y=1, line={"color": "#999999", "width": 1})
    return finish_grid(
        fig,
        title=title,
        subtitle=(
            "Total trade as the partner records it divided by the same trade as the state records it "
            "(log scale; 1 = the two agree). A ratio, not a share"
        ),
        source=source,
        y_title="Partner's records / own records",
        n_rows=n_rows,
        table=table,
    )


def combined_figure(combined: pd.DataFrame, *, reporters: Sequence[str], title: str, source: str, flow: str = "total"):
    """Russia's plus China's share per reporter, only where both come from the same records."""
    data = combined[combined["flow"].eq(flow) & combined["reporter"].isin(reporters)]
    hover = [
        f"<b>{plotly_text(country_name(r.reporter))}</b><br>{int(r.year)}: Russia + China {r.share_pct:,.1f}%"
        f"<br>Source: {plotly_text(str(r.source_label))}"
        for r in data.itertuples()
    ]
    panels = {r: country_name(r) for r in reporters}
    styles = {COMBINED: LineStyle(partner_name(COMBINED), PARTNER_COLOURS[COMBINED])}
    fig, n_rows = line_grid(
        data.assign(hover=hover), panel="reporter", trace="partner", value="share_pct", panels=panels, styles=styles
    )
    words = ("State", "Partners", f"Share of {FLOW_WORDS[flow]}, %")
    table = grid_table(
        data, panel="reporter", trace="partner", value="share_pct", panels=panels, styles=styles, words=words
    )
    fig.update_yaxes(range=[0, 100])
    return finish_grid(
        fig,
        title=title,
        subtitle=(
            f"Russia's plus China's share of {FLOW_WORDS[flow]}, %, both from the same records as the world total; "
            "dotted rule: records change"
        ),
        source=source,
        y_title="% of total trade",
        n_rows=n_rows,
        table=table,
    )


def hhi_figure(conc: pd.DataFrame, *, reporters: Sequence[str], title: str, source: str) -> go.Figure:
    """Herfindahl-Hirschman index of total trade, one line per reporter (colour and dash), named at its end."""
    data = conc[conc["flow"].eq("total") & conc["reporter"].isin(reporters) & conc["hhi"].notna()]
    hover = [
        f"{plotly_text(country_name(r.reporter))} {int(r.year)}: HHI {r.hhi:,.0f}"
        f"<br>Records: {plotly_text(source_label(r.dataset, r.side))}"
        for r in data.itertuples()
    ]
    styles = {r: LineStyle(country_name(r), *STATE_STYLES[r]) for r in reporters}
    data = data.assign(source_label=[source_label(r.dataset, r.side) for r in data.itertuples()])
    words = (None, "State", "Herfindahl-Hirschman index of total trade (0-10,000)")
    table = grid_table(
        data.assign(panel="all"), panel="panel", trace="reporter", value="hhi", panels={"all": ""}, styles=styles,
        words=words, digits=0,
    )  # fmt: skip
    fig, n_rows = line_grid(
        data.assign(hover=hover, panel="all"),
        panel="panel",
        trace="reporter",
        value="hhi",
        panels={"all": ""},
        styles=styles,
        digits=0,
    )
    top = float(data["hhi"].max()) if len(data) else 10_000.0
    # From zero (an index, not a change), up to the next thousand above the highest value: lines kept apart.
    fig.update_yaxes(range=[0, min(10_000, 1000 * np.ceil(top * 1.1 / 1000))], tickformat=",d")
    label_line_ends(fig, min_gap=450)
    fig = finish_grid(
        fig,
        title=title,
        subtitle=(
            "Herfindahl-Hirschman index of total trade over Russia, China, the US, the EU27, Türkiye and the rest "
            "of the world as one block (0-10,000; higher = more concentrated; missing where a partner is missing)"
        ),
        source=source,
        y_title="HHI (0-10,000)",
        n_rows=n_rows,
        height=520,
        table=table,
    )
    fig.update_layout(margin={"r": 100})  # room for the line names
    return fig


def label_line_ends(fig: go.Figure, min_gap: float) -> go.Figure:
    """Name each line (legend name, its colour) right of its last point; labels kept ``min_gap`` apart in y
    (all of them, not only those ending in the same year: on a phone the years close up)."""
    ends = []
    for trace in fig.data:
        points = [(x, y) for x, y in zip(trace.x, trace.y, strict=True) if y is not None and y == y]
        if points and trace.showlegend is not False:
            ends.append((points[-1][0], points[-1][1], trace.name, trace.line.color))
    placed: list[tuple[float, float]] = []
    for x, y, name, colour in sorted(ends, key=lambda e: (e[1], e[0])):
        y_label = max([y] + [py + min_gap for _, py in placed])
        placed.append((x, y_label))
        fig.add_annotation(
            x=x, y=y_label, text=plotly_text(name), showarrow=False, xanchor="left", xshift=6,
            font={"size": 11, "color": colour},
        )  # fmt: skip
    return fig


def scenario_figure(
    panels: dict[str, pd.DataFrame], *, default_period: int, title: str, source: str, detail: str = ""
) -> go.Figure:
    """Dot/range chart per state: baseline US share and the share under each realisation rate.

    ``panels`` maps a panel title to a ``helpers.compute.scenarios.scenarios`` frame. Each rate is a
    marker at ``default_period`` with a bar spanning the other default periods.
    """
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=list(panels), shared_yaxes=True)
    fig.update_annotations(font_size=13)  # the panel titles: side by side without touching on a phone
    rows: list[tuple] = []  # the plotted table: panel, state, series, share, range, baseline year
    for j, (panel, results) in enumerate(panels.items()):
        states = sorted(results["reporter"].unique())
        ypos = {s: i for i, s in enumerate(states)}
        base = results.groupby("reporter").first()
        known = base[base["baseline_share_pct"].notna()]
        panel_words = " ".join(panel.split("<br>"))
        rows += [
            (panel_words, country_name(s), "Observed (baseline year)", round(v, 2), None, None, int(y))
            for s, v, y in zip(known.index, known["baseline_share_pct"], known["baseline_year"], strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=known["baseline_share_pct"].round(2),
                y=[ypos[s] - 0.3 for s in known.index],
                mode="markers",
                name="Observed (baseline year)",
                legendgroup="base",
                showlegend=j == 0,
                marker={"symbol": "diamond", "size": 10, "color": PARTNER_COLOURS["WLD"]},
                hovertext=[
                    f"<b>{plotly_text(country_name(s))}</b><br>US share {v:,.2f}% in {y}"
                    for s, v, y in zip(known.index, known["baseline_share_pct"], known["baseline_year"], strict=True)
                ],
                hoverinfo="text",
            ),
            row=1,
            col=j + 1,
        )
        for k, rate in enumerate(sorted(results["rate"].unique())):
            at = results[results["rate"].eq(rate)]
            mid = at[at["default_period"].eq(default_period)].set_index("reporter")
            span = at.groupby("reporter")["scenario_share_pct"].agg(["min", "max"])
            mid = mid[mid["scenario_share_pct"].notna()]
            rows += [
                (panel_words, country_name(s), f"{rate:.0%} realised", round(r.scenario_share_pct, 2),
                 round(span.at[s, "min"], 2), round(span.at[s, "max"], 2), int(base.at[s, "baseline_year"]))
                for s, r in zip(mid.index, mid.itertuples(), strict=True)
            ]  # fmt: skip
            fig.add_trace(
                go.Scatter(
                    x=mid["scenario_share_pct"].round(2),
                    y=[ypos[s] - 0.1 + 0.2 * k for s in mid.index],
                    mode="markers",
                    name=f"{rate:.0%} realised",
                    legendgroup=f"rate{rate}",
                    showlegend=j == 0,
                    marker={"symbol": RATE_SYMBOLS[k % len(RATE_SYMBOLS)], "size": 10, "color": PARTNER_COLOURS["USA"]},
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": (span.loc[mid.index, "max"] - mid["scenario_share_pct"]).round(2).tolist(),
                        "arrayminus": (mid["scenario_share_pct"] - span.loc[mid.index, "min"]).round(2).tolist(),
                        "color": PARTNER_COLOURS["USA"],
                        "thickness": 1.5,
                        "width": 3,
                    },
                    hovertext=[
                        f"<b>{plotly_text(country_name(s))}</b><br>{rate:.0%} realised: {r.scenario_share_pct:,.2f}% "
                        f"({default_period}-year default)<br>range over default periods: "
                        f"{span.at[s, 'min']:,.2f}-{span.at[s, 'max']:,.2f}%<br>peak year {r.peak_year}, "
                        f"+US$ {r.added_usd_m:,.0f} m a year"
                        for s, r in zip(mid.index, mid.itertuples(), strict=True)
                    ],
                    hoverinfo="text",
                ),
                row=1,
                col=j + 1,
            )
        fig.update_yaxes(tickvals=list(ypos.values()), ticktext=[country_name(s) for s in ypos], row=1, col=j + 1)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero")
    fig = finish_grid(
        fig,
        title=title,
        subtitle=(
            (f"{detail} " if detail else "")
            + f"US share of total trade, %: observed (diamond) and with announced deals added at each realisation "
            f"rate (marker: {default_period}-year default delivery period; bar: range over default periods)"
        ),
        source=source,
        y_title="",
        x_title="% of total trade",
        n_rows=1,
        height=600,
        table=pd.DataFrame(rows, columns=SCENARIO_COLUMNS),
    )
    fig.update_layout(margin={"l": 120})
    return fig
