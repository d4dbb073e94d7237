"""The one grid-and-trace builder: panels of lines that break (and say so) where the records change.

Every multi-panel line chart is :func:`line_grid`: one panel per value of a ``panel`` column, one
line per value of a ``trace`` column, drawn on every year so a missing year is a gap, and broken
half a year before each point whose records differ from the previous one (``break_before``): a
line never joins values from different datasets or sides, and a dotted vertical rule marks the
change. Which records a point comes from is told by marker symbol as well as hover text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.figures.events import EVENT_NAME, add_rules, events_in_years, mark_events
from helpers.figures.theme import MUTED_COLOUR, SIDE_SYMBOL, finish, wrap
from helpers.text import capital

BREAK_LABEL = "records change"
BREAK_LINE = {"dash": "dot", "color": MUTED_COLOUR, "width": 1}
# Years before this (the transition years' outliers) are one autoscale or double-click away, not in the
# default view; the default y range fits the years shown.
FIRST_SHOWN_YEAR = 1995
EARLIER_NOTE = "; years before {year} not shown"
EARLIER_HINT = "Autoscale or double-click the chart to see the years before {year}."


@dataclass(frozen=True)
class LineStyle:
    """How one line is drawn: legend name, colour, dash and plotly mode."""

    name: str
    colour: str
    dash: str = "solid"
    mode: str = "lines+markers"


def grid_shape(n: int, cols: int) -> tuple[int, int]:
    """Rows and columns of a grid holding ``n`` panels, at most ``cols`` a row.

    >>> grid_shape(5, 3)
    (2, 3)
    >>> grid_shape(1, 3)
    (1, 1)
    """
    cols = max(1, min(cols, n))
    return int(np.ceil(n / cols)), cols


def with_gaps(frame: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """One line on every year (missing years stay gaps), with a gap half a year before each break."""
    out = frame.set_index("year").reindex(list(years))
    out.index.name = "year"
    out = out.reset_index()
    if "break_before" in out:
        breaks = out.loc[out["break_before"].fillna(False).astype(bool), "year"]
        if len(breaks):
            gaps = pd.DataFrame({"year": breaks.astype(float) - 0.5})
            out = pd.concat([out.astype({"year": float}), gaps], ignore_index=True)
            out = out.sort_values("year", kind="stable").reset_index(drop=True)
    return out


def grid_table(
    data: pd.DataFrame,
    *,
    panel: str,
    trace: str,
    value: str,
    panels: dict[str, str],
    styles: dict[str, LineStyle],
    words: tuple[str | None, str, str],
    digits: int = 2,
) -> pd.DataFrame:
    r"""The table :func:`line_grid` plots, as a reader downloads it: one row per plotted point.

    ``words`` name the panel, line and value columns for readers (``None``: no panel column, e.g.
    one panel); values are rounded to ``digits`` as plotted; a ``source_label`` column becomes
    "Records". Rows follow the panels, then the lines, then the years; missing values are left out
    (gaps, as in the chart).

    >>> data = pd.DataFrame({"year": [2023], "state": ["KAZ"], "partner": ["CHN"], "share_pct": [21.456]})
    >>> table = grid_table(data, panel="state", trace="partner", value="share_pct", panels={"KAZ": "Kazakhstan"},
    ...                    styles={"CHN": LineStyle("China", "#0072B2")}, words=("State", "Partner", "Share, %"))
    >>> from helpers.figures.theme import table_csv
    >>> table_csv(table)
    'State,Partner,Year,"Share, %"\nKazakhstan,China,2023,21.46\n'
    """
    rows = data[data[panel].isin(panels) & data[trace].isin(styles) & data[value].notna()]
    rank = {key: n for n, key in enumerate(panels)}, {key: n for n, key in enumerate(styles)}
    rows = rows.assign(_p=rows[panel].map(rank[0]), _t=rows[trace].map(rank[1]))
    rows = rows.sort_values(["_p", "_t", "year"], kind="stable")
    panel_word, trace_word, value_word = words
    out = pd.DataFrame(
        {
            **({panel_word: rows[panel].map(panels).to_numpy()} if panel_word else {}),
            trace_word: rows[trace].map(lambda k: styles[k].name).to_numpy(),
            "Year": rows["year"].astype(int).to_numpy(),
            value_word: rows[value].round(digits).to_numpy(),
        }
    )
    if "source_label" in rows:
        out["Records"] = rows["source_label"].astype(str).to_numpy()
    return out


def _markers(full: pd.DataFrame, value: str, colour: str) -> dict:
    sides = full["side"] if "side" in full else pd.Series("reporter", index=full.index)
    estimate = full["estimate"].fillna(False) if "estimate" in full else pd.Series(False, index=full.index)
    symbols = [SIDE_SYMBOL.get(s, "circle") if isinstance(s, str) else "circle" for s in sides]
    sizes = [
        0 if pd.isna(v) else 7 if (isinstance(s, str) and s != "reporter") or bool(e) else 5
        for s, e, v in zip(sides, estimate, full[value], strict=True)
    ]
    return {"symbol": symbols, "size": sizes, "color": colour}


def line_grid(
    data: pd.DataFrame,
    *,
    panel: str,
    trace: str,
    value: str,
    panels: dict[str, str],
    styles: dict[str, LineStyle],
    cols: int = 3,
    shared_yaxes: bool = False,
    digits: int = 2,
    log_y: bool = False,
    y_include: Sequence[float] = (),
) -> tuple[go.Figure, int]:
    """Draw ``data`` as one panel per ``panels`` key and one line per ``styles`` key.

    Parameters
    ----------
    data : pandas.DataFrame
        Long frame with ``year``, the ``panel`` and ``trace`` columns, ``value``, ``hover`` and
        optionally ``side``, ``estimate``, ``break_before``.
    panel, trace, value : str
        Column names: which panel, which line, what is plotted.
    panels : dict
        Panel key -> panel title, in drawing order.
    styles : dict
        Line key -> :class:`LineStyle`, in legend order.
    cols : int
        Panels per row.
    shared_yaxes : bool
        Whether the panels share the y axis.
    digits : int
        Rounding of the plotted values.
    log_y : bool
        Whether the y axes are logarithmic.
    y_include : sequence of float
        Values the default y range keeps in view (e.g. a reference line).

    Returns
    -------
    tuple
        The figure and its number of panel rows.
    """
    missing = [c for c in dict.fromkeys(["year", panel, trace, value, "hover"]) if c not in data.columns]
    if missing:
        raise ValueError(f"line_grid needs the columns {', '.join(missing)} (hover: the text each point shows)")
    n_rows, n_cols = grid_shape(len(panels), cols)
    fig = make_subplots(
        rows=n_rows,
        cols=n_cols,
        subplot_titles=list(panels.values()),
        shared_xaxes=True,
        shared_yaxes=shared_yaxes,
        vertical_spacing=0.09 if n_rows > 1 else 0.05,
        horizontal_spacing=0.06,
    )
    years = list(range(int(data["year"].min()), int(data["year"].max()) + 1)) if len(data) else []
    shown: set[str] = set()
    breaks: list[tuple[tuple[int, int], float, dict, dict]] = []
    for i, key in enumerate(panels):
        row, col = divmod(i, n_cols)
        own = data[data[panel].eq(key)]
        for line_key, style in styles.items():
            line = own[own[trace].eq(line_key)].sort_values("year")
            if line.empty:
                continue
            full = with_gaps(line, years)
            fig.add_trace(
                go.Scatter(
                    x=full["year"],
                    y=full[value].round(digits),
                    mode=style.mode,
                    name=style.name,
                    legendgroup=line_key,
                    showlegend=line_key not in shown,
                    line={"color": style.colour, "dash": style.dash, "width": 2},
                    marker=_markers(full, value, style.colour),
                    hovertext=full["hover"].fillna("").tolist(),
                    hoverinfo="text",
                ),
                row=row + 1,
                col=col + 1,
            )
            shown.add(line_key)
        if "break_before" in own:
            for k, year in enumerate(sorted(set(own.loc[own["break_before"].astype(bool), "year"]))):
                note = {"text": BREAK_LABEL if k == 0 else "", "position": "top left", "yanchor": "top"}
                note |= {"font": {"size": 10, "color": MUTED_COLOUR}, "name": EVENT_NAME}
                breaks.append(((row + 1, col + 1), year - 0.5, BREAK_LINE, note))
    add_rules(fig, breaks)
    fig.update_xaxes(tickformat="d")
    if log_y:
        fig.update_yaxes(type="log")
    if years:
        cells = [divmod(i, n_cols) for i in range(len(panels))]
        marks = events_in_years(years[0], years[-1])
        start = max(years[0], FIRST_SHOWN_YEAR)
        near_end = [x >= years[-1] - 0.25 * (years[-1] - start) for x, _ in marks]  # labels kept inside
        mark_events(fig, marks, [(r + 1, c + 1) for r, c in cells], left=near_end)
        if years[0] < FIRST_SHOWN_YEAR < years[-1]:
            right = max([years[-1] + 0.5] + [x + 0.3 for x, _ in marks])
            fig.update_xaxes(range=[FIRST_SHOWN_YEAR - 0.5, right])
        # the labels sit in a band at the top of each panel that the data never enter
        fit_shown_years(fig, shared_yaxes, log_y, y_include, label_lines=1 + len(marks) if breaks or marks else 0)
    return fig, n_rows


def fit_shown_years(
    fig: go.Figure, shared: bool, log_y: bool, include: Sequence[float] = (), label_lines: int = 0
) -> None:
    """Fit each panel's y range (or the shared one) to the values from :data:`FIRST_SHOWN_YEAR` on.

    ``include`` are values kept in view too (e.g. a reference line); log axes get their range in
    log10 and readable ticks (:func:`log_ticks`). ``label_lines`` lines of labels (in the first
    panel; one line, "records change", in the others) get a band of :data:`LABEL_BAND` of the range
    each at the top, above every value.
    """
    spans: dict[str, list[float]] = {}
    for trace in fig.data:
        x, y = np.asarray(trace.x, dtype=float), np.asarray(trace.y, dtype=float)
        keep = (x >= FIRST_SHOWN_YEAR) & np.isfinite(y) & ((y > 0) if log_y else True)
        if keep.any():
            axis = "all" if shared else trace.yaxis or "y"
            spans.setdefault(axis, []).extend([y[keep].min(), y[keep].max(), *include])
    for axis, values in spans.items():
        shown = np.log10(values) if log_y else np.asarray(values)
        lo, hi = float(shown.min()), float(shown.max())
        pad = 0.06 * (hi - lo) or 0.1 * max(abs(hi), 1.0)
        low, high = lo - pad, hi + pad
        band = LABEL_BAND * (label_lines if axis in ("all", "y") else min(label_lines, 1))
        high = high + (high - low) * band / (1 - band) if band else high
        names = [a.plotly_name for a in fig.select_yaxes()] if axis == "all" else ["yaxis" + axis[1:]]
        for name in names:
            fig.layout[name].range = [round(low, 4), round(high, 4)]
            if log_y:
                ticks = log_ticks(low, high)
                fig.layout[name].update(tickmode="array", tickvals=ticks, ticktext=[f"{t:,g}" for t in ticks])


# Share of a panel's height each line of labels at its top takes (a 200 px panel: 14 px a line).
LABEL_BAND = 0.07
# Log-axis ticks: 1-2-5 in each decade; a range under a decade and a half adds 1.5, 3 and 7.
LOG_STEPS, LOG_STEPS_FINE = (1, 2, 5), (1, 1.5, 2, 3, 5, 7)


def log_ticks(low: float, high: float) -> list[float]:
    """Readable ticks for a log axis whose range is ``low`` to ``high`` in log10: never crowded.

    >>> log_ticks(-2, 1)
    [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0]
    >>> log_ticks(-0.05, 0.35)
    [1.0, 1.5, 2.0]
    >>> log_ticks(-1.9, 0.1)
    [0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
    """
    steps = LOG_STEPS_FINE if high - low < 1.5 else LOG_STEPS
    if high - low > 3:
        steps = (1,)
    ticks = [
        round(step * 10.0**decade, 6)
        for decade in range(int(np.floor(low)) - 1, int(np.ceil(high)) + 1)
        for step in steps
    ]
    return [t for t in ticks if low <= np.log10(t) <= high]


def finish_grid(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str,
    source: str,
    y_title: str,
    n_rows: int,
    table: pd.DataFrame,
    x_title: str | None = None,
    height: int | None = None,
    hint: str | None = None,
) -> go.Figure:
    """``finish`` with wrapped title and subtitle, a top margin that fits them, y title on the first column.

    ``hint`` is what only the interactive chart does (see ``finish``); a grid that hides its early
    years adds how to see them.
    """
    x_range = fig.layout.xaxis.range
    starts = [np.nanmin(np.asarray(t.x, dtype=float)) for t in fig.data if t.x is not None and len(t.x)]
    if x_range is not None and starts and min(starts) < x_range[0]:
        note = EARLIER_NOTE.format(year=FIRST_SHOWN_YEAR)
        subtitle += f" {capital(note[2:])}." if subtitle.rstrip().endswith(".") else note
        hint = " ".join(h for h in (hint, EARLIER_HINT.format(year=FIRST_SHOWN_YEAR)) if h)
    title_w, subtitle_w = wrap(title, 95), wrap(subtitle, 135)
    title_lines, subtitle_lines = title_w.count("<br>") + 1, subtitle_w.count("<br>") + 1
    total_height = height or 300 * n_rows + 200
    finish(
        fig,
        title=title_w,
        subtitle=subtitle_w,
        source=source,
        table=table,
        height=total_height,
        x_title=x_title,
        hint=hint,
    )
    fig.update_layout(
        title={"y": 1 - 20 / fig.layout.height, "yanchor": "top", "yref": "container"},
        margin={"t": 20 + 24 * title_lines + 19 * subtitle_lines + 40},
    )
    if getattr(fig, "_grid_ref", None) is not None:
        fig.update_yaxes(title_text=y_title, col=1)
    else:
        fig.update_yaxes(title_text=y_title)
    margin = fig.layout.margin
    plot_height = fig.layout.height - margin.t - margin.b
    gap = LEGEND_GAP_TITLED if x_title else LEGEND_GAP
    fig.update_layout(legend={"y": round(-gap / plot_height, 4)})  # a fixed gap, however tall the grid
    narrow = narrow_grid(fig, y_title)
    if narrow:
        meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
        fig.update_layout(meta={**meta, NARROW_META: narrow})
    return fig


# The legend's top this many pixels under the plot: under the tick labels (and the x title, if any).
LEGEND_GAP, LEGEND_GAP_TITLED = 32, 58
# On a phone a grid's panels stack in one column (reporting.images and templates/loader.js apply
# layout.meta[NARROW_META] on screens up to reporting.images.NARROW_BREAKPOINT wide).
NARROW_META = "c5Narrow"
NARROW_PANEL = 190  # each panel's height, px
NARROW_TICKS = 42  # between panels: the tick labels of the one above ...
NARROW_TITLE_LINE = 18  # ... and each line of the next one's title


def narrow_grid(fig: go.Figure, y_title: str = "") -> dict | None:
    """The one-column layout of a grid of several columns, for a phone: ``plotHeight`` (px) and the
    changes to its axes and panel titles (merged by name). None for a single column.

    Every panel (a cell with traces, in reading order) gets the full width, :data:`NARROW_PANEL`
    pixels of height, its own tick labels and the y title; an x title all panels share is shown
    under the last one only; cells without traces are hidden.
    """
    grid = getattr(fig, "_grid_ref", None)
    if grid is None or len(grid[0]) < 2:
        return None
    occupied = {(t.xaxis or "x", t.yaxis or "y") for t in fig.data}
    cells = [fig.get_subplot(r + 1, c + 1) for r in range(len(grid)) for c in range(len(grid[0]))]
    panels = [s for s in cells if (s.xaxis.plotly_name.replace("axis", ""), s.yaxis.plotly_name.replace("axis", ""))
              in occupied]  # fmt: skip
    names = _name_panel_titles(fig, cells)
    lines = max([1] + [str(a.text or "").count("<br>") + 1 for a in fig.layout.annotations if a.name in names.values()])
    gap = NARROW_TICKS + NARROW_TITLE_LINE * lines
    height = len(panels) * NARROW_PANEL + (len(panels) - 1) * gap
    x_titles = {s.xaxis.title.text or "" for s in panels}
    shared_x_title = len(x_titles) == 1 and x_titles != {""}
    axes: dict[str, dict] = {}
    titles: dict[str, dict] = {}
    for i, subplot in enumerate(panels):
        top = i * (NARROW_PANEL + gap)
        low, high = round(1 - (top + NARROW_PANEL) / height, 4), round(1 - top / height, 4)
        axes[subplot.xaxis.plotly_name] = {"domain": [0, 1], "showticklabels": True}
        if shared_x_title and i < len(panels) - 1:
            axes[subplot.xaxis.plotly_name]["title"] = {"text": ""}
        axes[subplot.yaxis.plotly_name] = {"domain": [low, high], "showticklabels": True, "title": {"text": y_title}}
        if subplot.xaxis.plotly_name in names:
            titles[names[subplot.xaxis.plotly_name]] = {"x": 0.5, "y": high}
    for subplot in cells:
        if subplot not in panels:
            axes[subplot.xaxis.plotly_name] = axes[subplot.yaxis.plotly_name] = {"visible": False}
    return {"plotHeight": height, "axes": axes, "annotations": titles}


def _name_panel_titles(fig: go.Figure, cells: list) -> dict[str, str]:
    """Name each panel title (make_subplots' annotation centred above a cell) ``panel-N``; return
    the x axis of each named cell -> its title's name."""
    names = {}
    for n, subplot in enumerate(cells, start=1):
        x0, x1 = subplot.xaxis.domain
        top = subplot.yaxis.domain[1]
        for note in fig.layout.annotations:
            if (note.xref, note.yref) == ("paper", "paper") and note.yanchor == "bottom" and not note.name and (
                abs(note.x - (x0 + x1) / 2) < 1e-6 and abs(note.y - top) < 1e-6
            ):
                note.name = f"panel-{n}"
                names[subplot.xaxis.plotly_name] = note.name
                break
    return names
