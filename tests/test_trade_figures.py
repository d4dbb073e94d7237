"""What the committed trade charts draw, read from the figure data (not from the code that made them).

In notebooks 03 and 04: no plotted share exceeds 100 %; no line joins two points that come from
different records (the records of each point are named in its hover text); the records toggle
offers the three views and each shows exactly its own lines.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import nbformat
import numpy as np
import pytest

from reporting.chart_data import values

ROOT = Path(__file__).resolve().parent.parent
PLOTLY = "application/vnd.plotly.v1+json"
NOTEBOOKS = ["03_dependency_shift.ipynb", "04_country_profile.ipynb"]
RECORDS_IN_HOVER = re.compile(r"(?:Source|Records): ([^<]+)|US&#36; [\d.,]+ bn, [^<]+<br>([^<]+)")


def figures(name: str) -> list[dict]:
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    return [o["data"][PLOTLY] for c in nb.cells for o in c.get("outputs", []) if PLOTLY in o.get("data", {})]


def y_titles(figure: dict) -> list[str]:
    layout = figure["layout"]
    return [str(layout[k].get("title", {}).get("text", "")) for k in layout if k.startswith("yaxis")]


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_plotted_share_exceeds_100_percent(name: str) -> None:
    share_charts = [f for f in figures(name) if any("%" in t for t in y_titles(f))]
    assert share_charts, f"{name} draws no share chart"
    for figure in share_charts:
        for trace in figure["data"]:
            ys = [y for y in values(trace.get("y")) if not is_missing(y)]
            assert all(0 <= y <= 100 for y in ys), (figure["layout"]["title"]["text"][:80], max(ys, default=0))


def records_of(hover: str) -> str | None:
    found = RECORDS_IN_HOVER.search(hover or "")
    return (found[1] or found[2]).strip() if found else None


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_no_line_joins_points_from_different_records(name: str) -> None:
    checked = 0
    for figure in figures(name):
        for trace in figure["data"]:
            if "lines" not in str(trace.get("mode", "")) or "hovertext" not in trace:
                continue
            ys, hovers = values(trace.get("y")), list(trace["hovertext"])
            points = list(zip(ys, hovers, strict=True))
            for (y0, h0), (y1, h1) in pairwise(points):
                if is_missing(y0) or is_missing(y1):
                    continue  # a gap: the line is broken here
                first, second = records_of(h0), records_of(h1)
                assert first and second, f"hover text names no records: {h0!r}"
                where = figure["layout"]["title"]["text"][:80]
                assert first == second, f"a line joins {first!r} and {second!r} in {where}"
                checked += 1
    assert checked > 100, f"only {checked} joined pairs found: is the hover text still naming the records?"


def test_the_records_toggle_switches_between_own_and_partner_records() -> None:
    toggles = [f for f in figures("03_dependency_shift.ipynb") if f["layout"].get("updatemenus")]
    assert len(toggles) == 1
    figure = toggles[0]
    buttons = figure["layout"]["updatemenus"][0]["buttons"]
    assert [b["label"] for b in buttons] == ["Both records", "Own records", "Partners' records"]
    names = [t.get("name", "") for t in figure["data"]]
    for button in buttons:
        visible = button["args"][0]["visible"]
        assert len(visible) == len(names)
        shown = {n for n, v in zip(names, visible, strict=True) if v}
        if button["label"].startswith("Own"):
            assert shown and all(n.endswith("own records") for n in shown)
        elif button["label"].startswith("Partners"):
            assert shown and all(n.endswith("partner's records") for n in shown)
        else:
            assert shown == set(names)
