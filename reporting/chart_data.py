"""The numbers a chart plots, as a CSV file the reader downloads from a ``data:`` link.

One row per plotted point, in trace order: the series (trace name), the panel when the chart has
several, then the coordinates its traces use (x and y; for maps location, z, lat, lon) and, where
a trace labels its points, the label. Lines before the table name the chart, its units (axis
titles) and its source. Text cells (and parts of cells a spreadsheet might split off) that a
spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import re

import numpy as np

from reporting.chart_text import ChartText, plain

COLUMNS = ("x", "y", "location", "z", "lat", "lon", "label")
POSITION = ("x", "y", "z", "lat", "lon")  # a point lacking one of these is a gap, not plotted
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
# A sub-cell: the cell's start, or what follows a separator a spreadsheet may split on (comma,
# semicolon, pipe, tab, line break), after any spaces; and the characters that start a formula.
_SUB_CELL = re.compile(r"(^|[,;|\t\r\n])([ ]*)(?=[=+\-@\t\r])")
_SUB_CELL_TEXT = re.compile(r"[^,;|\t\r\n]*")


def values(array: object) -> list:
    """A plotly data array as a list: plain lists as they are, typed arrays (``bdata``) decoded.

    >>> values({"dtype": "i1", "bdata": "AQL/"})
    [1, 2, -1]
    >>> values(None)
    []
    """
    if isinstance(array, dict) and "bdata" in array:
        decoded = np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"]).newbyteorder("<"))
        return decoded.tolist()
    if isinstance(array, list | tuple):
        return list(array)
    return []


def safe_cell(value: object) -> object:
    """A cell as written: numbers as they are, text that could run as a formula behind a quote.

    Following OWASP's CSV-injection guidance, every sub-cell a spreadsheet might split off (at a
    comma, semicolon, pipe, tab or line break) that starts with ``=``, ``+``, ``-``, ``@``, tab
    or CR gets a leading ``'``; a sub-cell that is a plain number (``-2``) is left alone.

    >>> [safe_cell(v) for v in (-1.5, 2.0, "-2", "=1+1", "@SUM(A1)", "Kazakhstan", None, float("nan"))]
    [-1.5, 2, '-2', "'=1+1", "'@SUM(A1)", 'Kazakhstan', '', '']
    >>> safe_cell("Boeing;=1+1;=cmd|' /C calc'!A0")
    "Boeing;'=1+1;'=cmd|' /C calc'!A0"
    >>> safe_cell("2020-2024, -3; a,@b")
    "2020-2024, -3; a,'@b"
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str):
        # A regex, not a parser: there is no grammar here, only the places a spreadsheet may split a cell.
        return _SUB_CELL.sub(lambda m: _quoted(m, value), value)
    return value


def _quoted(match: re.Match[str], text: str) -> str:
    """The separator and spaces of a sub-cell match, with a ``'`` unless the sub-cell is a number."""
    rest = _SUB_CELL_TEXT.match(text, match.end())
    sub_cell = rest[0] if rest and rest[0] else text[match.end() : match.end() + 1]
    if _NUMBER.match(sub_cell.strip()):
        return match[0]
    return f"{match[1]}{match[2]}'"


def _missing(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _cells(trace: dict) -> dict[str, list]:
    """The per-point columns a trace has."""
    kind = trace.get("type", "scatter")
    if kind == "choropleth":
        columns = {"location": values(trace.get("locations")), "z": values(trace.get("z"))}
    elif kind == "scattergeo":
        columns = {"location": values(trace.get("locations")), "lat": values(trace.get("lat")),
                   "lon": values(trace.get("lon"))}  # fmt: skip
    else:
        columns = {"x": values(trace.get("x")), "y": values(trace.get("y"))}
    labels = values(trace.get("text"))
    if labels:
        columns["label"] = labels
    # Category and label text is plotly text (entities, tags): shown as it reads.
    return {name: [plain(v) if isinstance(v, str) else v for v in column] for name, column in columns.items() if column}


def _points(cells: dict[str, list], columns: list[str]) -> list[list]:
    """A trace's plotted points as rows of ``columns`` (gaps, where a position is missing, left out)."""
    length = max((len(column) for column in cells.values()), default=0)
    rows = [[cells[c][i] if c in cells and i < len(cells[c]) else None for c in columns] for i in range(length)]
    at = [n for n, c in enumerate(columns) if c in POSITION and c in cells]
    return [row for row in rows if not any(_missing(row[n]) for n in at)]


def _axis_key(reference: str, axis: str) -> str:
    return f"{axis}axis{reference[1:]}" if reference else f"{axis}axis"


def _domain(layout: dict, trace: dict) -> tuple[list, list]:
    """The x and y domain (paper fractions) of the subplot a trace is drawn in."""
    if trace.get("type") in ("choropleth", "scattergeo"):
        domain = layout.get(trace.get("geo", "geo"), {}).get("domain", {})
        return domain.get("x", [0, 1]), domain.get("y", [0, 1])
    xaxis = layout.get(_axis_key(trace.get("xaxis", "x"), "x"), {})
    yaxis = layout.get(_axis_key(trace.get("yaxis", "y"), "y"), {})
    return xaxis.get("domain", [0, 1]), yaxis.get("domain", [0, 1])


def _panels(layout: dict, traces: list[dict]) -> list[str]:
    """Each trace's panel title (subplot grids: the annotation centred above its panel)."""
    titles = []
    for trace in traces:
        x_domain, y_domain = _domain(layout, trace)
        centre, top = (x_domain[0] + x_domain[1]) / 2, y_domain[1]
        title = next(
            (
                plain(a.get("text", ""))
                for a in layout.get("annotations", [])
                if a.get("xref") == "paper" and a.get("yref") == "paper" and not a.get("showarrow", True)
                and abs(float(a.get("x", -9)) - centre) < 1e-6 and abs(float(a.get("y", -9)) - top) < 1e-6
            ),
            "",
        )  # fmt: skip
        titles.append(title)
    return titles


def _axis_titles(layout: dict) -> str:
    """The axis titles, once each, e.g. "x: Year; y: % of total trade"."""
    found: list[str] = []
    for key in sorted(k for k in layout if re.fullmatch(r"[xy]axis\d*", k)):
        title = layout[key].get("title", {})
        text = plain(title.get("text", "") if isinstance(title, dict) else title)
        entry = f"{key[0]}: {text}"
        if text and entry not in found:
            found.append(entry)
    colour = layout.get("coloraxis", {}).get("colorbar", {}).get("title", {})
    if isinstance(colour, dict) and plain(colour.get("text", "")):
        found.append(f"z (colour): {plain(colour['text'])}")
    return "; ".join(found)


def chart_csv(figure: dict, text: ChartText) -> str:
    """The CSV of a figure's plotted points, with lines naming the chart, units and source."""
    layout = figure.get("layout", {})
    traces = [t for t in figure.get("data", []) if t.get("visible", True) is not False]
    cells = [_cells(trace) for trace in traces]
    panels = _panels(layout, traces)
    columns = [c for c in COLUMNS if any(c in trace_cells for trace_cells in cells)]
    with_panel = len(set(panels)) > 1
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Chart", safe_cell(text.title)])
    if text.subtitle:
        writer.writerow(["Measure", safe_cell(text.subtitle)])
    writer.writerow(["Units", safe_cell(_axis_titles(layout))])
    for note in text.notes:
        writer.writerow(["Note", safe_cell(note)])
    writer.writerow([])
    writer.writerow(["series", *(["panel"] if with_panel else []), *columns])
    for trace, trace_cells, panel in zip(traces, cells, panels, strict=True):
        name = safe_cell(plain(trace.get("name", "")))
        for row in _points(trace_cells, columns):
            writer.writerow([name, *([safe_cell(panel)] if with_panel else []), *(safe_cell(v) for v in row)])
    return buffer.getvalue()


def slug(title: str, number: int) -> str:
    """A file name for a chart's CSV: its number and the first words of its title.

    >>> slug("China's share rose to 30% (2023)", 2)
    'chart-2-china-s-share-rose-to-30-2023.csv'
    """
    kept = "".join(c if c.isascii() and c.isalnum() else " " for c in title.lower())
    words = "-".join(kept.split())[:60].rstrip("-")
    return f"chart-{number}-{words}.csv" if words else f"chart-{number}.csv"


def download(figure: dict, text: ChartText, number: int) -> tuple[str, str]:
    """The file name and ``data:`` URL (base64, so no text of it reads as a URL) of a chart's CSV."""
    payload = base64.b64encode(chart_csv(figure, text).encode("utf-8")).decode("ascii")
    return slug(text.title, number), f"data:text/csv;charset=utf-8;base64,{payload}"
