"""The events every time chart marks: one grey dashed rule per event in the range shown, named once.

Year axes place an event at its point in the year (24 February 2022 -> 2022.15); date axes at its
date. Used by the year grids (:mod:`helpers.figures.grid`) and the deal and follow-through timelines.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from helpers.figures.theme import MUTED_COLOUR

# Annexation of Crimea (18 March 2014), the invasion of Ukraine and sanctions (24 February 2022), the
# C5+1 summit in Washington (6 November 2025).
TIME_EVENTS = (("2014-03-18", "Crimea annexed"), ("2022-02-24", "invasion, sanctions"), ("2025-11-06", "C5+1 summit"))
EVENT_LINE = {"dash": "dash", "color": "#999999", "width": 1}


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

    The label is written once, in the first cell (or the only plot when ``cells`` is empty): at its
    foot, each label a line higher than the one before (clear of the "records change" labels at the
    top), or above the plot with ``above``; right of its rule, or left where ``left`` says so.
    """
    for k, (row, col) in enumerate(cells or [(None, None)]):
        for i, (x, label) in enumerate(marks):
            flip = i < len(left) and left[i]
            place = {"row": row, "col": col} if row is not None else {}
            fig.add_vline(
                x=x,
                line=EVENT_LINE,
                annotation_text=label if k == 0 else "",
                annotation_position=("top " if above else "bottom ") + ("left" if flip else "right"),
                annotation_font={"size": 10, "color": MUTED_COLOUR},
                annotation_bgcolor="rgba(255,255,255,0.7)",
                annotation_yanchor="bottom",
                annotation_yshift=0 if above else 14 * i,  # stacked up from the bottom: labels never overlap
                **place,
            )
    return fig
