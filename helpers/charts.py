"""The one chart theme: partner colours, fonts, titles, units and source lines for every figure.

Colours follow the Okabe-Ito palette (safe for the common colour-vision deficiencies); where two
series must be told apart beyond colour, line dash and marker symbol differ too.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE_NAME = "c5"
FONT_FAMILY = "Arial, Helvetica, sans-serif"
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#666666"
WIDTH = 900
HEIGHT = 520

COUNTRY_NAMES = {
    "KAZ": "Kazakhstan",
    "KGZ": "Kyrgyzstan",
    "TJK": "Tajikistan",
    "TKM": "Turkmenistan",
    "UZB": "Uzbekistan",
    "CA5": "Central Asia (5)",
    "CA4": "Central Asia (4, excl. TKM)",
}
C5 = ("KAZ", "KGZ", "TJK", "TKM", "UZB")

PARTNER_NAMES = {
    "RUS": "Russia",
    "CHN": "China",
    "USA": "United States",
    "EU27": "EU27",
    "TUR": "Türkiye",
    "OTHER": "Rest of world",
    "RUS+CHN": "Russia + China",
    "WLD": "World",
}
# Okabe-Ito: vermillion, blue, bluish green, sky blue, orange, grey, reddish purple.
PARTNER_COLOURS = {
    "RUS": "#D55E00",
    "CHN": "#0072B2",
    "USA": "#009E73",
    "EU27": "#56B4E9",
    "TUR": "#E69F00",
    "OTHER": "#999999",
    "RUS+CHN": "#CC79A7",
    "WLD": "#000000",
}
PARTNER_ORDER = ("RUS", "CHN", "USA", "EU27", "TUR", "OTHER")
# Which statistics a series comes from is told by dash and marker, not by colour alone.
SIDE_DASH = {"reporter": "solid", "mirror": "dash", "statement": "dot", "other": "dot"}
SIDE_SYMBOL = {"reporter": "circle", "mirror": "diamond-open", "statement": "x", "other": "x"}
SIDE_LABELS = {
    "reporter": "reporter (the state's own statistics)",
    "mirror": "mirror (the partner's statistics)",
    "statement": "official statement",
    "other": "other compilation",
}
# Sequential scale for maps: Cividis is readable with every common colour-vision deficiency.
SEQUENTIAL_SCALE = "Cividis"
# Stages of a deal, from least to most binding, with a colour-blind-safe ramp.
STAGE_ORDER = ("intent", "announced", "mou", "loi", "agreement", "contract", "firm_order", "in_progress")
BINDING_STAGES = frozenset({"contract", "firm_order", "in_progress"})
BINDING_COLOURS = {"binding": "#0072B2", "non-binding": "#E69F00", "no value stated": "#999999"}


def partner_name(code: str) -> str:
    """Display name of a partner code (``"CHN"`` -> ``"China"``)."""
    return PARTNER_NAMES.get(code, code)


def country_name(code: str) -> str:
    """Display name of a Central Asian state or aggregate code."""
    return COUNTRY_NAMES.get(code, code)


def _template() -> go.layout.Template:
    axis = {
        "showgrid": True,
        "gridcolor": "#E5E5E5",
        "zeroline": False,
        "linecolor": "#999999",
        "ticks": "outside",
        "tickcolor": "#999999",
        "title": {"standoff": 8},
    }
    return go.layout.Template(
        layout={
            "font": {"family": FONT_FAMILY, "size": 13, "color": TEXT_COLOUR},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "colorway": [PARTNER_COLOURS[p] for p in PARTNER_ORDER],
            "separators": ".,",
            "xaxis": axis,
            "yaxis": {**axis, "tickformat": ",~r"},
            "hoverlabel": {"font": {"family": FONT_FAMILY}},
            "legend": {"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0, "title": {"text": ""}},
            "title": {"x": 0, "xanchor": "left", "font": {"size": 18}},
        }
    )


def register_theme() -> None:
    """Register the ``c5`` plotly template and make it the default."""
    pio.templates[TEMPLATE_NAME] = _template()
    pio.templates.default = TEMPLATE_NAME


register_theme()


def finish(
    fig: go.Figure,
    *,
    title: str,
    source: str,
    subtitle: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int = HEIGHT,
) -> go.Figure:
    """Make a figure a finished exhibit: finding as title, metric as subtitle, units, source line.

    Parameters
    ----------
    title : the finding, e.g. "China overtook Russia as Kazakhstan's top partner in 2023".
    source : the datasets behind it, e.g. ``source_line(sources, ids)``.
    subtitle : what is measured and in which unit.
    x_title, y_title : axis titles with units (e.g. "US$ bn", "% of total trade").
    """
    if not title.strip() or not source.strip():
        raise ValueError("every chart needs a title that states the finding and a source line")
    heading = f"<b>{title}</b>"
    if subtitle:
        heading += f"<br><span style='font-size:13px;color:{MUTED_COLOUR}'>{subtitle}</span>"
    fig.update_layout(
        template=TEMPLATE_NAME,
        title={"text": heading},
        height=height,
        width=None,
        autosize=True,
        margin={"t": 90 if subtitle else 70, "b": 150, "l": 70, "r": 30},
    )
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    fig.add_annotation(
        text=f"Source: {source}",
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-130,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 11, "color": MUTED_COLOUR},
        name="source",
    )
    return fig


def source_line(sources: pd.DataFrame, source_ids: Iterable[str], limit: int = 4) -> str:
    """A short source line naming the publishers of the given source ids (most used first)."""
    ids = list(source_ids)
    counts = pd.Series(ids, dtype="object").value_counts(sort=False)
    counts = counts.sort_values(ascending=False, kind="stable")
    by_id = sources.set_index("source_id")
    publishers: list[str] = []
    for source_id in counts.index:
        publisher = str(by_id.at[source_id, "publisher"])
        if publisher not in publishers:
            publishers.append(publisher)
    shown = publishers[:limit]
    more = len(publishers) - len(shown)
    text = "; ".join(shown)
    return f"{text}; and {more} more (see Sources)" if more else text


def mark_source_break(fig: go.Figure, x: float, label: str, **position: object) -> go.Figure:
    """Draw a dotted vertical line where a series changes source, with a short label."""
    fig.add_vline(
        x=x,
        line={"dash": "dot", "color": MUTED_COLOUR, "width": 1},
        annotation_text=label,
        annotation_position="top left",
        annotation_font={"size": 11, "color": MUTED_COLOUR},
        **position,
    )
    return fig


def wrap(text: str, width: int = 60) -> str:
    """Break a long label into lines for plotly (``<br>``) at word boundaries."""
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return "<br>".join(lines)
