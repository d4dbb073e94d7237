"""The numbers a chart plots, as a CSV file the reader downloads from a ``data:`` link.

Written from the table the chart was drawn from, which ``helpers.figures.theme.finish`` keeps in
the figure as CSV text (``layout.meta``): reader column names with units, values rounded as the
chart shows them, one row per plotted point. Lines before the table name the chart, its units (axis titles)
and its source. Text cells (and parts of cells a spreadsheet might split off) that a
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
from reporting.plan import ReportBuildError
from reporting.project import TABLE_META

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


def plotted_table(figure: dict, where: str) -> list[list[str]]:
    """The table a figure was drawn from, header first: the CSV text ``helpers.figures.theme.finish``
    keeps in ``layout.meta``.

    A figure without one is an error naming ``where`` (notebook and chart): no chart ships without its data.
    """
    meta = figure.get("layout", {}).get("meta")
    text = meta.get(TABLE_META) if isinstance(meta, dict) else None
    rows = list(csv.reader(io.StringIO(text))) if isinstance(text, str) else []
    if not rows or not any(rows[0]):
        raise ReportBuildError(
            f"{where} carries no table of its plotted values: draw it with helpers.figures.theme.finish(..., table=)"
        )
    for number, row in enumerate(rows[1:], start=1):
        if len(row) != len(rows[0]):
            raise ReportBuildError(f"{where}: row {number} of its plotted table is not one cell per column")
    return rows


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


def chart_csv(figure: dict, text: ChartText, where: str = "a chart") -> str:
    """The CSV of the table a figure was drawn from, after lines naming the chart, units and source."""
    table = plotted_table(figure, where)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Chart", safe_cell(text.title)])
    if text.subtitle:
        writer.writerow(["Measure", safe_cell(text.subtitle)])
    writer.writerow(["Units", safe_cell(_axis_titles(figure.get("layout", {})))])
    for note in text.notes:
        writer.writerow(["Note", safe_cell(note)])
    writer.writerow([])
    for row in table:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue()


def slug(title: str, number: int) -> str:
    """A file name for a chart's CSV: its number and the first words of its title.

    >>> slug("China's share rose to 30% (2023)", 2)
    'chart-2-china-s-share-rose-to-30-2023.csv'
    """
    kept = "".join(c if c.isascii() and c.isalnum() else " " for c in title.lower())
    words = "-".join(kept.split())[:60].rstrip("-")
    return f"chart-{number}-{words}.csv" if words else f"chart-{number}.csv"


def download(figure: dict, text: ChartText, number: int, where: str = "a chart") -> tuple[str, str]:
    """The file name and ``data:`` URL (base64, so no text of it reads as a URL) of a chart's CSV."""
    payload = base64.b64encode(chart_csv(figure, text, where).encode("utf-8")).decode("ascii")
    return slug(text.title, number), f"data:text/csv;charset=utf-8;base64,{payload}"
