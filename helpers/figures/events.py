"""The events every time chart marks: one grey dashed rule per event in the range shown, named once.

Year axes place an event at its point in the year (24 February 2022 -> 2022.15); date axes at its
date. Used by the year grids (:mod:`helpers.figures.grid`) and the deal and follow-through timelines.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.shapeannotation import axis_spanning_shape_annotation

from helpers.compute.rules import CRIMEA, INVASION, SUMMIT
from helpers.figures.theme import MUTED_COLOUR

TIME_EVENTS = ((CRIMEA, "Crimea annexed"), (INVASION, "invasion, sanctions"), (SUMMIT, "C5+1 summit"))
EVENT_LINE = {"dash": "dash", "color": "#999999", "width": 1}
LABEL_LINE = 13  # px a line of 10 px labels takes
EVENT_NAME = "event"  # annotation name of every rule's label: templates/loader.js drops their text on a phone grid


def year_fraction(date: str) -> float:
    """A date as a year with its fraction, for year axes.

    >>> year_fraction("2022-02-24")
    2022.148
    """
    when = pd.Timestamp(date)
    return round(when.year + (when.day_of_year - 1) / (366 if when.is_leap_year else 365), 3)


def events_in_years(first: int, last: int, events: Sequence[tuple[str, str]] = TIME_EVENTS) -> list[tuple[float, str]]:
    """The events that fall in the years ``first`` to ``last`` (inclusive), placed on a year axis."""
    return [(year_fraction(d), name) for d, name in events if first <= pd.Timestamp(d).year <= last]


def events_in_dates(first: str, last: str, events: Sequence[tuple[str, str]] = TIME_EVENTS) -> list[tuple[str, str]]:
    """The events dated from ``first`` to ``last`` (inclusive), placed on a date axis."""
    lo, hi = pd.Timestamp(first), pd.Timestamp(last)
    return [(d, name) for d, name in events if lo <= pd.Timestamp(d) <= hi]


def mark_events(
    fig: go.Figure,
    marks: Sequence[tuple[float | str, str]],
    cells: Sequence[tuple[int, int]] = (),
    left: Sequence[bool] = (),
    above: bool = False,
) -> go.Figure:
    """Draw each ``(x, label)`` of ``marks`` as a grey dashed rule in every subplot ``cells`` (row, col).

    The label is written once, in the first cell (or the only plot when ``cells`` is empty): at the
    top of the panel, each label a line lower than the one before, below the "records change" label
    (:func:`helpers.figures.grid.line_grid` keeps that band free of data), or above the plot with
    ``above``; right of its rule, or left where ``left`` says so.
    """
    rules = []
    for k, cell in enumerate(cells or [None]):
        for i, (x, label) in enumerate(marks):
            flip = i < len(left) and left[i]
            note = {
                "text": label if k == 0 else "",
                "name": EVENT_NAME,
                "position": "top " + ("left" if flip else "right"),
                "font": {"size": 10, "color": MUTED_COLOUR},
                "bgcolor": "rgba(255,255,255,0.7)",
                "yanchor": "bottom" if above else "top",
                "yshift": 0 if above else -LABEL_LINE * (i + 1),  # one line each, under "records change"
            }
            if cell is None:
                fig.add_vline(x=x, line=EVENT_LINE, **{f"annotation_{key}": value for key, value in note.items()})
            else:
                rules.append((cell, x, EVENT_LINE, note))
    return add_rules(fig, rules)


def add_rules(fig: go.Figure, rules: Sequence[tuple[tuple[int, int], float, dict, dict]]) -> go.Figure:
    """Draw vertical rules in subplots: each ``((row, col), x, line, annotation)`` as plotly's
    ``add_vline(x, row=row, col=col, line=line, annotation_...=...)`` draws it (a subplot without
    traces is skipped, as plotly does), in one layout update instead of one per rule (plotly's
    per-call checks made a five-panel chart take seconds)."""
    occupied = {(t.xaxis or "x", t.yaxis or "y") for t in fig.data}
    shapes, notes = list(fig.layout.shapes), list(fig.layout.annotations)
    for (row, col), x, line, annotation in rules:
        subplot = fig.get_subplot(row, col)
        xref, yref = (axis.plotly_name.replace("axis", "") for axis in (subplot.xaxis, subplot.yaxis))
        if (xref, yref) not in occupied:
            continue
        span = {"type": "line", "x0": x, "x1": x, "y0": 0, "y1": 1}
        shapes.append(go.layout.Shape(**span, xref=xref, yref=f"{yref} domain", line=line))
        prefixed = {f"annotation_{key}": value for key, value in annotation.items()}
        note = axis_spanning_shape_annotation(None, "vline", span, prefixed)
        if note is not None:
            notes.append(go.layout.Annotation(note, xref=xref, yref=f"{yref} domain"))
    fig.layout.shapes, fig.layout.annotations = shapes, notes
    return fig
