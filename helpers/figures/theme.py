"""The one chart theme: partner colours, fonts, titles, units, source lines and the plotly config.

Colours follow the Okabe-Ito palette (safe for the common colour-vision deficiencies); where two
series must be told apart beyond colour, line dash and marker symbol differ too. Every figure in
a notebook is shown with :data:`PLOTLY_CONFIG` (set as the config of plotly's renderers when this
module is imported): no TeX typesetting, no logo or cloud button (plotly 7 rejects
``showEditInChartStudio`` as unknown, and it is off by default), responsive, and an empty world
topology so maps make no network request.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from helpers.codes import COMBINED, OTHER, PARTNERS, STATES, WORLD
from helpers.text import plotly_text

TEMPLATE_NAME = "c5"
FONT_FAMILY = "Arial, Helvetica, sans-serif"
TEXT_COLOUR = "#222222"
MUTED_COLOUR = "#666666"
HEIGHT = 520
SOURCE_SHIFT = -130  # px from the plot's bottom to the source line (inside the 150 px bottom margin)
HINT_HEIGHT = 18  # px added under the source line for a hint (see ``finish``)
TABLE_META = "c5Table"  # layout.meta key of the plotted table (``finish``); the report's CSV is written from it
EMPTY_TOPOLOGY = '{"type":"Topology","objects":{},"arcs":[]}'
# plotly.js appends "/<scope>_<res>m.json" to topojsonURL; after "#" that is a fragment of the data: URL.
PLOTLY_CONFIG: dict[str, object] = {
    "typesetMath": False,
    "displaylogo": False,
    "showSendToCloud": False,
    "responsive": True,
    "topojsonURL": "data:application/json," + quote(EMPTY_TOPOLOGY, safe="") + "#",
}

# Okabe-Ito: vermillion, blue, bluish green, sky blue, orange, grey, reddish purple.
PARTNER_COLOURS = {
    "RUS": "#D55E00",
    "CHN": "#0072B2",
    "USA": "#009E73",
    "EU27": "#56B4E9",
    "TUR": "#E69F00",
    OTHER: "#999999",
    COMBINED: "#CC79A7",
    WORLD: "#000000",
}
# Charts with one line per state (no partner lines) tell the states apart by Okabe-Ito colour and dash
# together, and name each line at its end. Keyed in the order of helpers.codes.STATES.
STATE_STYLES = dict(
    zip(
        STATES,
        (
            ("#0072B2", "solid"),
            ("#E69F00", "dash"),
            ("#009E73", "dot"),
            ("#CC79A7", "dashdot"),
            ("#000000", "longdash"),
        ),
        strict=True,
    )
)
# Which records a series comes from is told by dash and marker, not by colour alone.
SIDE_DASH = {"reporter": "solid", "mirror": "dash", "statement": "dot", "other": "dot"}
SIDE_SYMBOL = {"reporter": "circle", "mirror": "diamond-open", "statement": "x", "other": "x"}
# Sequential scale for maps: Cividis is readable with every common colour-vision deficiency.
SEQUENTIAL_SCALE = "Cividis"
BINDING_COLOURS = {"binding": "#0072B2", "non-binding": "#E69F00", "no value stated": "#999999"}


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
            "colorway": [PARTNER_COLOURS[p] for p in (*PARTNERS, OTHER)],
            "separators": ".,",
            "xaxis": axis,
            "yaxis": {**axis, "tickformat": ",~r"},
            "hoverlabel": {"font": {"family": FONT_FAMILY}},
            "legend": {"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0, "title": {"text": ""}},
            "title": {
                "x": 0,
                "xanchor": "left",
                "font": {"size": 18, "weight": "bold"},
                "subtitle": {"font": {"size": 13, "color": MUTED_COLOUR}},
            },
        }
    )


def register_theme() -> None:
    """Register the ``c5`` plotly template as the default and give every renderer the one config."""
    pio.templates[TEMPLATE_NAME] = _template()
    pio.templates.default = TEMPLATE_NAME
    for name in ("plotly_mimetype", "notebook", "notebook_connected", "jupyterlab", "vscode", "nteract"):
        renderer = pio.renderers[name]
        renderer.config = dict(PLOTLY_CONFIG)


register_theme()


def finish(
    fig: go.Figure,
    *,
    title: str,
    source: str,
    table: pd.DataFrame,
    subtitle: str | None = None,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int = HEIGHT,
    hint: str | None = None,
) -> go.Figure:
    """Make a figure a finished exhibit: finding as title, metric as subtitle, units, source line.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure to finish (changed in place and returned).
    title : str
        The finding, e.g. "China overtook Russia as Kazakhstan's top partner in 2023".
    source : str
        The datasets behind it, e.g. ``source_line(sources, ids)``.
    table : pandas.DataFrame
        The plotted table, tidy, as a reader downloads it: reader column names with units ("Year",
        "State", "Share of total trade, %"), plain text (not plotly markup), values rounded as the
        chart shows them; never shapes. Kept as CSV text (:func:`table_csv`) in ``layout.meta`` under
        :data:`TABLE_META`; the report builder writes the chart's CSV from it and leaves it out of the page.
    subtitle : str or None
        What is measured and in which unit.
    x_title, y_title : str or None
        Axis titles with units (e.g. "US$ bn", "% of total trade").
    height : int
        Figure height in pixels.
    hint : str or None
        An instruction that only works where the chart is interactive ("double-click the chart ..."):
        an annotation named ``hint`` under the source line, never in title or subtitle, so a report
        can show it only where scripts run (not in pictures or on paper). The figure grows to hold it.
    """
    if not title.strip() or not source.strip():
        raise ValueError("every chart needs a title that states the finding and a source line")
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    fig.update_layout(
        template=TEMPLATE_NAME,
        title={"text": title, "subtitle": {"text": subtitle or ""}},
        meta={**meta, TABLE_META: table_csv(table)},
        height=height + (HINT_HEIGHT if hint else 0),
        width=None,
        autosize=True,
        margin={"t": 90 if subtitle else 70, "b": 150 + (HINT_HEIGHT if hint else 0), "l": 70, "r": 30},
    )
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    _add_note(fig, f"Source: {source}", SOURCE_SHIFT, "source")
    if hint:
        _add_note(fig, hint, SOURCE_SHIFT - HINT_HEIGHT, "hint")
    return fig


def table_csv(table: pd.DataFrame) -> str:
    r"""A plotted table as CSV text: a header of reader column names, one line per row, gaps empty.

    CSV text, not JSON rows: one string in the notebook's JSON, where a list puts every cell on its
    own indented line (a share grid's table would triple in size).

    >>> table_csv(pd.DataFrame({"Year": [2023, 2024], "Share, %": [21.46, float("nan")]}))
    'Year,"Share, %"\n2023,21.46\n2024,\n'
    """
    names = [str(c) for c in table.columns]
    if not names or any(not n.strip() for n in names) or len(set(names)) < len(names):
        raise ValueError(f"a chart's table needs distinct, named columns, got {names}")
    return table.to_csv(index=False, lineterminator="\n")


def _add_note(fig: go.Figure, text: str, yshift: int, name: str) -> None:
    """A small grey note under the plot, ``yshift`` pixels below its bottom left corner."""
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=yshift,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 11, "color": MUTED_COLOUR},
        name=name,
    )


CARRIERS_SHOWN = 2  # pages named after the originators in a chart's source line
# Which originators a source line names first: statistics and intergovernmental bodies, then
# governments, companies, and last the press and others (the registry's ``source_type``).
KIND_ORDER = {"official_statistics": 0, "intergovernmental": 0, "government": 1, "company": 2}
LAST_KIND = 3


def source_line(sources: pd.DataFrame, source_ids: Iterable[str], limit: int = 4) -> str:
    """A short source line naming first the institutions that produced the figures, then the pages that carried them.

    Originators (the registry's ``originator``, several '; '-separated) are ordered by their kind
    (statistics and intergovernmental bodies first, see ``KIND_ORDER``), then by how many of the
    given ids name them; a publisher that is not itself an originator is named after them as a
    carrier ("via ..."). A registry without the column names the publishers, as before. Text from
    data is escaped for plotly, so markup in it shows as text.
    """
    ids = list(source_ids)
    by_id = sources.set_index("source_id")
    weight: dict[str, list[int]] = {}  # originator -> [kind rank, -uses, first seen]
    carriers: list[str] = []
    for source_id in ids:
        publisher = str(by_id.at[source_id, "publisher"])
        made_by = by_id.at[source_id, "originator"] if "originator" in by_id.columns else None
        names = [n.strip() for n in str(made_by).split(";") if n.strip()] if isinstance(made_by, str) else []
        kind = by_id.at[source_id, "source_type"] if "source_type" in by_id.columns else None
        rank = KIND_ORDER.get(kind, LAST_KIND) if isinstance(kind, str) else 0
        for name in names or [publisher]:
            entry = weight.setdefault(name, [rank, 0, len(weight)])
            entry[0], entry[1] = min(entry[0], rank), entry[1] - 1
        if names and publisher not in names and publisher not in carriers:
            carriers.append(publisher)
    originators = sorted(weight, key=lambda name: weight[name])
    shown = originators[:limit]
    text = "; ".join(plotly_text(name) for name in shown)
    hidden = len(originators) - len(shown)
    if carriers:
        text += f" (via {', '.join(plotly_text(c) for c in carriers[:CARRIERS_SHOWN])}"
        text += f" and {len(carriers) - CARRIERS_SHOWN} more)" if len(carriers) > CARRIERS_SHOWN else ")"
    if hidden:
        text += f"; and {hidden} more"
    return f"{text} (see Sources)" if hidden or len(carriers) > CARRIERS_SHOWN else text


def wrap(text: str, width: int = 60) -> str:
    """Break a long label into lines for plotly (``<br>``) at word boundaries.

    >>> wrap("China overtook Russia", 10)
    'China<br>overtook<br>Russia'
    """
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
