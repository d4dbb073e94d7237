"""Every chart in the committed notebooks shows its point: event marks, visible values, lines told apart.

Read from the executed notebooks (what readers and the reports see), not rebuilt: the event dates,
the default year and the rules below are written here from the brief, not taken from the helpers.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from notebook_runs import is_number

from reporting.chart_data import values
from reporting.chart_text import chart_text, without_text

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("0[1-6]_*.ipynb"))
# Annexation of Crimea (March 2014), invasion of Ukraine and sanctions (24 February 2022), C5+1 summit.
EVENTS = (pd.Timestamp("2014-03-18"), pd.Timestamp("2022-02-24"), pd.Timestamp("2025-11-06"))
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def decoded(value: object) -> object:
    """plotly's JSON stores number arrays as base64 (``{"dtype", "bdata"}``): a list again, NaN as None."""
    if isinstance(value, dict) and "bdata" in value:
        return [None if isinstance(v, float) and math.isnan(v) else v for v in values(value)]
    if isinstance(value, dict):
        return {k: decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decoded(v) for v in value]
    return value


def figures() -> list[tuple[str, dict]]:
    out = []
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        k = 0
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                figure = output.get("data", {}).get("application/vnd.plotly.v1+json")
                if figure:
                    k += 1
                    out.append((f"{path.stem} figure {k}", decoded(figure)))
    return out


FIGURES = figures()


def year_charts() -> list[tuple[str, dict]]:
    """Figures whose scatter traces are all drawn against years (numbers 1980-2100 on every x)."""
    out = []
    for name, figure in FIGURES:
        xs = [x for t in figure["data"] if t.get("type") == "scatter" for x in (t.get("x") or [])]
        if xs and all(isinstance(x, int | float) and 1980 <= x <= 2100 for x in xs):
            out.append((name, figure))
    return out


def date_charts() -> list[tuple[str, dict]]:
    out = []
    for name, figure in FIGURES:
        xs = [x for t in figure["data"] if t.get("type") == "scatter" for x in (t.get("x") or []) if x is not None]
        if xs and all(isinstance(x, str) and DATE.match(x) for x in xs):
            out.append((name, figure))
    return out


def as_year(when: pd.Timestamp) -> float:
    return when.year + (when.day_of_year - 0.5) / 365.25


def dashed_rules(figure: dict) -> list[dict]:
    return [s for s in figure["layout"].get("shapes", []) if (s.get("line") or {}).get("dash") == "dash"]


def test_the_notebooks_hold_time_charts_of_both_kinds() -> None:
    assert len(year_charts()) >= 10 and len(date_charts()) == 2


@pytest.mark.parametrize(("name", "figure"), year_charts(), ids=[n for n, _ in year_charts()])
def test_year_charts_mark_the_events_in_range_in_every_panel(name: str, figure: dict) -> None:
    xs = [x for t in figure["data"] for x in t["x"]]
    first, last = min(xs), max(xs)
    panels = {t.get("xaxis", "x") for t in figure["data"]}
    rules = dashed_rules(figure)
    labels = [a for a in figure["layout"].get("annotations", []) if a.get("text")]
    for when in EVENTS:
        at = as_year(when)
        mine = [r for r in rules if abs(r["x0"] - at) < 0.05]
        if not first <= when.year <= last:
            assert mine == [], name
            continue
        assert {r.get("xref", "x") for r in mine} == panels, f"{name}: {when.date()} not marked in every panel"
        assert all(r["line"]["color"] in ("#999999", "#BBBBBB", "grey", "#888888") for r in mine)
        named = [a for a in labels if isinstance(a.get("x"), float) and abs(a["x"] - at) < 0.05]
        assert len(named) == 1, f"{name}: {when.date()} should be named once"


@pytest.mark.parametrize(("name", "figure"), date_charts(), ids=[n for n, _ in date_charts()])
def test_date_charts_mark_the_events_in_range(name: str, figure: dict) -> None:
    xs = [pd.Timestamp(x) for t in figure["data"] for x in t["x"] if x is not None]
    rules = [pd.Timestamp(r["x0"]) for r in dashed_rules(figure)]
    labels = [pd.Timestamp(a["x"]) for a in figure["layout"].get("annotations", []) if a.get("text") and a.get("x")]
    inside = [w for w in EVENTS if min(xs) <= w <= max(xs)]
    assert inside, name
    for when in inside:
        assert rules.count(when) == 1 and labels.count(when) == 1, f"{name}: {when.date()}"


@pytest.mark.parametrize(("name", "figure"), year_charts(), ids=[n for n, _ in year_charts()])
def test_year_charts_open_from_1995_and_fit_the_years_shown(name: str, figure: dict) -> None:
    layout = figure["layout"]
    xs = [x for t in figure["data"] for x in t["x"]]
    if min(xs) >= 1995:
        return
    for key in [k for k in layout if k.startswith("xaxis")]:
        assert 1994 < layout[key]["range"][0] <= 1995, name
    assert "before 1995" in layout["title"]["subtitle"]["text"], "the subtitle says where the earlier years are"
    for trace in figure["data"]:
        axis = layout["yaxis" + trace.get("yaxis", "y")[1:]]
        lo, hi = axis["range"]
        log = axis.get("type") == "log"
        for x, y in zip(trace["x"], trace["y"], strict=True):
            if y is not None and x >= 1995:
                v = math.log10(y) if log else y
                assert lo <= v <= hi, f"{name}: {y} in {x} is outside the default view"


def test_the_early_transition_outliers_are_out_of_the_default_view() -> None:
    """Notebook 03's first share grid: early peaks (EU27 ~73 %) are one autoscale away, not in the first view."""
    name, figure = next((n, f) for n, f in year_charts() if n.startswith("03"))
    layout, above = figure["layout"], []
    for trace in figure["data"]:
        top = layout["yaxis" + trace.get("yaxis", "y")[1:]]["range"][1]
        above += [y for x, y in zip(trace["x"], trace["y"], strict=True) if y is not None and x < 1995 and y > top]
    assert max(above, default=0) > 70, name


def isolated(y: list) -> list[int]:
    def known(i: int) -> bool:
        return 0 <= i < len(y) and y[i] is not None and not (isinstance(y[i], float) and math.isnan(y[i]))

    return [i for i in range(len(y)) if known(i) and not known(i - 1) and not known(i + 1)]


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=[n for n, _ in FIGURES])
def test_no_value_is_invisible(name: str, figure: dict) -> None:
    """A point with no plotted neighbour is drawn as a marker: never on a line-only trace, never size 0."""
    for trace in figure["data"]:
        if trace.get("type") != "scatter" or not isinstance(trace.get("y"), list):
            continue
        mode = trace.get("mode", "lines+markers")
        alone = isolated(trace["y"])
        if "markers" not in mode:
            assert alone == [], f"{name}: {trace.get('name')} draws single values as nothing"
            continue
        size = (trace.get("marker") or {}).get("size", 6)
        sizes = size if isinstance(size, list) else [size] * len(trace["y"])
        assert all(sizes[i] >= 4 for i in alone), f"{name}: {trace.get('name')}"


def grey(colour: str) -> bool:
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return max(r, g, b) - min(r, g, b) < 16


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=[n for n, _ in FIGURES])
def test_lines_in_one_panel_are_told_apart_by_colour(name: str, figure: dict) -> None:
    """Different lines in one panel never share colour and dash, and at most one of them is grey or black."""
    panels: dict[tuple, dict[str, tuple]] = {}
    for trace in figure["data"]:
        line = trace.get("line") or {}
        if trace.get("type") != "scatter" or "lines" not in trace.get("mode", "") or not trace.get("name"):
            continue
        style = (line.get("color"), line.get("dash", "solid"))
        panels.setdefault((trace.get("xaxis"), trace.get("yaxis")), {})[trace["name"]] = style
    for styles in panels.values():
        assert len(set(styles.values())) == len(styles), f"{name}: two lines drawn alike"
        assert sum(grey(colour) for colour, _ in set(styles.values()) if colour) <= 1, f"{name}: grey lines"


def test_every_deal_on_the_timeline_is_visible() -> None:
    """Notebook 01's timeline: no marker cut by the plot edge; markers of a state a few days apart don't overlap."""
    _, figure = next((n, f) for n, f in date_charts() if n.startswith("01"))
    layout = figure["layout"]
    lo, hi = layout["yaxis"]["range"]
    plot_px = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    px = plot_px / (hi - lo)
    points = []
    for trace in figure["data"]:
        sizes = trace["marker"]["size"]
        sizes = sizes if isinstance(sizes, list) else [sizes] * len(trace["x"])
        for x, y, s in zip(trace["x"], trace["y"], sizes, strict=True):
            points.append((pd.Timestamp(x), y * px, s))
            assert lo * px <= y * px - s / 2 and y * px + s / 2 <= hi * px, "a marker is cut by the plot edge"
    assert max(s for _, _, s in points) >= 30  # the largest deal is drawn at full size
    for i, (x1, y1, s1) in enumerate(points):
        for x2, y2, s2 in points[i + 1 :]:
            if abs((x1 - x2).days) <= 1:
                assert abs(y1 - y2) >= (s1 + s2) / 2 - 0.5, f"markers on {x1.date()} overlap"


def log_axes() -> list[tuple[str, dict]]:
    """(figure name, y axis) of every logarithmic y axis in the notebooks' charts."""
    return [
        (name, axis)
        for name, figure in FIGURES
        for key, axis in figure["layout"].items()
        if key.startswith("yaxis") and isinstance(axis, dict) and axis.get("type") == "log" and axis.get("range")
    ]  # an empty cell of a grid has no range


def test_the_records_ratio_charts_are_on_log_axes() -> None:
    assert len({name for name, _ in log_axes()}) >= 2  # 03's ratio chart and 04's


@pytest.mark.parametrize(("name", "axis"), log_axes(), ids=[n for n, _ in log_axes()])
def test_log_axis_labels_never_crowd(name: str, axis: dict) -> None:
    """A log axis names at most 10 ticks, each at least a factor of 1.3 from the next (1, 1.5, 2, 3 ... reads;
    0.6, 0.7, 0.8, 0.9 on top of each other does not), and at least two inside the range shown."""
    ticks = [float(t) for t in axis.get("tickvals") or []]
    lo, hi = axis["range"]
    assert 2 <= len([t for t in ticks if lo <= math.log10(t) <= hi]) <= 10, f"{name}: {ticks}"
    steps = np.diff(np.log10(sorted(ticks)))
    assert (steps >= math.log10(1.3)).all(), f"{name}: ticks {ticks} too close"
    assert axis.get("ticktext") and len(axis["ticktext"]) == len(ticks)


@pytest.mark.parametrize(("name", "figure"), year_charts(), ids=[n for n, _ in year_charts()])
def test_year_chart_labels_sit_above_the_data(name: str, figure: dict) -> None:
    """Event and "records change" labels hang from the top of their panel, in a band no plotted value enters:
    each label line (13 px) takes at least 6 % of the range above the highest value shown."""
    layout = figure["layout"]
    labels = [a for a in layout.get("annotations", []) if a.get("text") and str(a.get("yref", "")).endswith("domain")]
    assert labels, name
    for label in labels:
        assert label["yanchor"] == "top" and label["y"] == 1, f"{name}: {label['text']} is not at the top"
        axis_key = "yaxis" + label["yref"].split()[0][1:]
        x_key = "x" + label["yref"].split()[0][1:]
        lo, hi = layout[axis_key]["range"]
        log = layout[axis_key].get("type") == "log"
        values = [
            (math.log10(y) if log else y)
            for t in figure["data"]
            if t.get("xaxis", "x") == x_key and t.get("type") == "scatter"
            for x, y in zip(t["x"], t["y"], strict=True)
            if y is not None and x >= 1995 and (y > 0 or not log)
        ]
        lines = 1 - label.get("yshift", 0) / 13
        if values:
            assert (hi - max(values)) / (hi - lo) >= 0.06 * lines - 1e-9, f"{name}: {label['text']} over the data"


def maps() -> list[tuple[str, dict]]:
    return [(n, f) for n, f in FIGURES if any(t.get("type") == "choropleth" for t in f["data"])]


def wcag_luminance(colour: str) -> float:
    channels = (
        [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
        if colour.startswith("#")
        else [float(c) for c in re.findall(r"[\d.]+", colour)[:3]]
    )
    linear = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    high, low = sorted((wcag_luminance(a), wcag_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def label_boxes(figure: dict, width: float = 1000) -> dict[str, list[tuple[str, tuple]]]:
    """Approximate text boxes (px) of every map label, per geo panel, at a page ``width`` px wide."""
    from pyproj import Transformer

    albers = Transformer.from_crs("EPSG:4326", "+proj=aea +lat_1=38 +lat_2=52 +lon_0=65 +datum=WGS84", always_xy=True)
    layout = figure["layout"]
    plot_w = width - layout["margin"]["l"] - layout["margin"]["r"]
    plot_h = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    out: dict[str, list[tuple[str, tuple]]] = {}
    for trace in figure["data"]:
        if trace.get("type") != "scattergeo":
            continue
        geo = layout[trace.get("geo", "geo").replace("geo", "geo", 1)]
        (lon0, lon1), (lat0, lat1) = geo["lonaxis"]["range"], geo["lataxis"]["range"]
        edge = [albers.transform(lon, lat) for lon in (lon0, (lon0 + lon1) / 2, lon1) for lat in (lat0, lat1)]
        xs, ys = [p[0] for p in edge], [p[1] for p in edge]
        dx, dy = geo.get("domain", {}).get("x", [0, 1]), geo.get("domain", {}).get("y", [0, 1])
        scale = min(plot_w * (dx[1] - dx[0]) / (max(xs) - min(xs)), plot_h * (dy[1] - dy[0]) / (max(ys) - min(ys)))
        positions = trace.get("textposition") or "middle center"
        sizes = trace["textfont"]["size"]
        for k, (lon, lat, text) in enumerate(zip(trace["lon"], trace["lat"], trace["text"], strict=True)):
            x, y = albers.transform(lon, lat)
            x, y = x * scale, y * scale
            lines = [re.sub(r"<[^>]+>", "", line) for line in text.split("<br>")]
            size = sizes[k] if isinstance(sizes, list) else sizes
            w, h = max(map(len, lines)) * 0.55 * size, len(lines) * 1.2 * size
            vertical, horizontal = (positions[k] if isinstance(positions, list) else positions).split()
            x0 = {"center": x - w / 2, "right": x + 2, "left": x - 2 - w}[horizontal]
            y0 = {"middle": y - h / 2, "top": y + 2, "bottom": y - 2 - h}[vertical]
            out.setdefault(trace.get("geo", "geo"), []).append((lines[0], (x0, y0, x0 + w, y0 + h)))
    return out


@pytest.mark.parametrize(("name", "figure"), maps(), ids=[n for n, _ in maps()])
def test_map_labels_do_not_collide(name: str, figure: dict) -> None:
    panels = label_boxes(figure)
    assert panels, name
    for boxes in panels.values():
        for i, (a, (ax0, ay0, ax1, ay1)) in enumerate(boxes):
            for b, (bx0, by0, bx1, by1) in boxes[i + 1 :]:
                assert min(ax1, bx1) <= max(ax0, bx0) or min(ay1, by1) <= max(ay0, by0), f"{name}: {a} / {b}"


@pytest.mark.parametrize(("name", "figure"), maps(), ids=[n for n, _ in maps()])
def test_map_labels_contrast_with_their_fill(name: str, figure: dict) -> None:
    """Each state's label text against its state's fill: WCAG ratio of at least 4.5 (readable in print)."""
    from plotly.colors import get_colorscale, sample_colorscale

    axis = figure["layout"].get("coloraxis", {})
    fills: dict[tuple[str, str], str] = {}
    for trace in figure["data"]:
        if trace.get("type") != "choropleth":
            continue
        geo = trace.get("geo", "geo")
        for place, z in zip(trace["locations"], trace["z"], strict=True):
            if trace.get("coloraxis"):
                scale = (
                    get_colorscale(axis["colorscale"]) if isinstance(axis["colorscale"], str) else axis["colorscale"]
                )
                colour = sample_colorscale(scale, [(z - axis["cmin"]) / (axis["cmax"] - axis["cmin"])])[0]
            else:
                colour = trace["colorscale"][0][1]
            fills[(geo, place)] = colour
    names = {"Kazakhstan": "KAZ", "Kyrgyzstan": "KGZ", "Tajikistan": "TJK", "Turkmenistan": "TKM", "Uzbekistan": "UZB"}
    checked = 0
    for trace in figure["data"]:
        if trace.get("type") != "scattergeo":
            continue
        colours = trace["textfont"]["color"]
        for k, text in enumerate(trace["text"]):
            state = next((code for word, code in names.items() if word in text), None)
            if state is None:
                continue
            colour = colours[k] if isinstance(colours, list) else colours
            fill = fills[(trace.get("geo", "geo"), state)]
            assert contrast_ratio(colour, fill) >= 4.5, f"{name}: {state} label {colour} on {fill}"
            checked += 1
    assert checked >= 5, name


def test_share_maps_show_a_year_most_states_have() -> None:
    """Notebook 02's first share panel is mostly data: at most one of the five states is a gap."""
    for name, figure in maps():
        if not name.startswith("02") or "geo2" not in figure["layout"]:
            continue
        first = [t for t in figure["data"] if t.get("type") == "choropleth" and t.get("geo", "geo") == "geo"]
        gaps = [t for t in first if (t.get("name") or "").startswith("no data")]
        assert sum(len(t["locations"]) for t in gaps) <= 1, name


SCRIPT_ONLY = re.compile(r"double-click|autoscale|hover|drag|click the", re.I)


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=[n for n, _ in FIGURES])
def test_pictures_and_paper_carry_no_instruction_that_needs_scripts(name: str, figure: dict) -> None:
    """What is drawn in a report's picture (the figure without its text) and its title, subtitle and
    notes (printed) never tell the reader to double-click or autoscale; such a hint rides in
    layout.meta, which the page shows only on the live chart."""
    text = chart_text(figure)
    printed = [text.title, text.subtitle, *text.notes]
    drawn = without_text(figure)["layout"]
    printed += [str(a.get("text", "")) for a in drawn.get("annotations", [])]
    assert not [t for t in printed if SCRIPT_ONLY.search(t)], name
    hints = [a["text"] for a in figure["layout"].get("annotations", []) if a.get("name") == "hint"]
    assert drawn.get("meta", {}).get("c5Hint", "") == " ".join(hints), name


def test_the_first_share_grid_tells_live_readers_how_to_see_the_early_years() -> None:
    """03's first share grid hides the years before 1995 (see above): its subtitle says so on paper
    too, and the live chart adds how to see them."""
    name, figure = next((n, f) for n, f in year_charts() if n.startswith("03"))
    assert "years before 1995 not shown" in chart_text(figure).subtitle.lower(), name
    assert "double-click" in without_text(figure)["layout"]["meta"]["c5Hint"], name


TITLE_CHARACTERS = 100  # 18 px bold Arial: about 100 characters fill the ~960 px a chart has on a 1,280 px screen


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=[n for n, _ in FIGURES])
def test_a_title_fits_one_line_on_a_desktop(name: str, figure: dict) -> None:
    """The finding in one line; what it rests on (which state, which year, old baselines) is the subtitle."""
    title = chart_text(figure).title
    assert len(title) <= TITLE_CHARACTERS, (name, len(title), title)


def test_the_largest_partner_titles_sum_up_what_their_subtitles_list() -> None:
    """03: "China in two states, ..." in the title; the states and years in the subtitle, one per state."""
    for name, figure in FIGURES:
        text = chart_text(figure)
        if not (name.startswith("03") and text.title.startswith("Largest named partner")):
            continue
        counted = dict(re.findall(r"(\w+) in (one|two|three|four|five)\b", text.title))
        listed = dict(re.findall(r"(?:^|; )(\w+) for ([^;.]+)", text.subtitle))
        assert counted and counted.keys() == listed.keys(), (name, text.title, text.subtitle)
        words = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
        for partner, states in listed.items():
            assert len(re.findall(r"\(\d{4}\)", states)) == words[counted[partner]], (name, partner, states)


# --- the table each chart carries (its CSV in the reports) -------------------------------------

TABLE_KEY = "c5Table"  # written here from the brief, not imported from helpers.figures.theme
CODE_LIKE = re.compile(r"_|^[a-z0-9 ]+$")  # share_pct, value_usd_m, iso3, x: not a reader's column name


def _value_points(figure: dict) -> list[object]:
    """The value each data point shows: y, or x where y holds categories or named rows (bars, rows
    of deals, scenario rows); z for a choropleth on a colour scale. Text labels, flat map layers and
    helper lines (no hover) are not data."""
    layout, found = figure["layout"], []
    for trace in figure["data"]:
        if trace.get("visible", True) is False or trace.get("hoverinfo") == "skip":
            continue
        if trace.get("type") == "choropleth":
            found += [z for z in (trace.get("z") or []) if z is not None] if trace.get("coloraxis") else []
            continue
        if trace.get("type") not in ("scatter", "bar"):
            continue
        ys, xs = trace.get("y") or [], trace.get("x") or []
        yaxis = layout.get("yaxis" + trace.get("yaxis", "y")[1:], {})
        named_rows = any(not is_number(str(t).replace(",", "")) for t in yaxis.get("ticktext") or [])
        numeric_y = all(isinstance(y, int | float) or y is None for y in ys) and not named_rows
        for x, y in zip(xs, ys, strict=True):
            value = y if numeric_y else x
            if value is not None and x is not None and y is not None:
                found.append(value)
    return found


def _in_table(value: object, numbers: list[float], texts: set[str]) -> bool:
    """A plotted value is in the table: a number as shown (rounded to at least a tenth), a date as text."""
    if isinstance(value, str):
        return value in texts
    return any(abs(n - float(value)) <= 0.05 + 1e-9 for n in numbers)


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=[n for n, _ in FIGURES])
def test_every_chart_carries_the_table_it_plots_in_reader_words(name: str, figure: dict) -> None:
    """Each chart keeps its plotted table as CSV text (the report's CSV): named columns in reader
    words, at least one row per plotted value, and every plotted value in it as the chart shows it."""
    text = (figure["layout"].get("meta") or {}).get(TABLE_KEY)
    assert isinstance(text, str), name
    columns, *rows = list(csv.reader(io.StringIO(text)))
    assert columns and rows, name
    assert not [c for c in columns if CODE_LIKE.search(c) or not c[0].isupper()], (name, columns)
    assert all(len(row) == len(columns) for row in rows), name
    cells = [v for row in rows for v in row]
    numbers = [float(v) for v in cells if is_number(v)]
    texts = {v for v in cells if not is_number(v)}
    assert not [v for v in texts if "<br>" in v or "&#" in v], (name, "plotly markup in the table")
    points = _value_points(figure)
    assert len(rows) >= len(points), (name, len(rows), len(points))
    missing = [v for v in points if not _in_table(v, numbers, texts)]
    assert not missing, (name, missing[:5])


@pytest.mark.parametrize(("name", "figure"), FIGURES, ids=[n for n, _ in FIGURES])
def test_title_and_subtitle_are_plotlys_own_fields_not_markup(name: str, figure: dict) -> None:
    """The finding in ``title.text`` and the measure in ``title.subtitle.text`` (what the reports read
    as data), drawn bold and muted by the theme's template, not by ``<b>`` and ``<span>`` markup."""
    title = figure["layout"]["title"]
    assert title["text"] and not re.search(r"<(b|span)\b", title["text"]), (name, title["text"][:80])
    assert title["subtitle"]["text"] and "<span" not in title["subtitle"]["text"], name
    drawn = figure["layout"]["template"]["layout"]["title"]
    assert drawn["font"]["weight"] == "bold" and drawn["subtitle"]["font"]["size"] == 13, name
    assert drawn["subtitle"]["font"]["color"].upper() == "#666666", name
LEGEND_GAP_MAX = 60  # px from the plot's bottom to the legend's top: tick labels and an axis title, no more


@pytest.mark.parametrize(("name", "figure"), year_charts(), ids=[n for n, _ in year_charts()])
def test_a_grid_legend_sits_right_under_its_axis_however_tall_the_grid(name: str, figure: dict) -> None:
    """On the desktop the legend's top sits at most LEGEND_GAP_MAX px under the plot, as drawn in a
    report (without its title and source line): no empty band between the x axis and the legend."""
    layout = without_text(figure)["layout"]
    margin = layout["margin"]
    plot = layout["height"] - margin["t"] - margin["b"]
    y = (layout.get("legend") or {}).get("y", layout["template"]["layout"]["legend"]["y"])
    assert 0 < -y * plot <= LEGEND_GAP_MAX, f"{name}: legend {-y * plot:.0f} px under a {plot} px plot"
    assert margin["b"] <= -y * plot + 40, f"{name}: {margin['b']} px bottom for a legend {-y * plot:.0f} px down"


def _columns(layout: dict) -> int:
    starts = {round(v["domain"][0], 3) for k, v in layout.items() if k.startswith("xaxis") and "domain" in v
              and v.get("visible", True) is not False}  # fmt: skip
    return len(starts)


GRIDS = [(n, f) for n, f in FIGURES if _columns(f["layout"]) > 1]


def test_the_notebooks_hold_grids_of_several_columns() -> None:
    assert len(GRIDS) >= 5, [n for n, _ in GRIDS]


@pytest.mark.parametrize(("name", "figure"), GRIDS, ids=[n for n, _ in GRIDS])
def test_a_grid_stacks_its_panels_in_one_column_in_the_phone_picture(name: str, figure: dict) -> None:
    """At the phone picture's width every panel with data takes the full width, at least 150 px tall,
    one under another (panels never overlap), and the phone picture carries its tick labels."""
    from reporting.images import NARROW_WIDTH, picture

    layout = picture(without_text(figure), NARROW_WIDTH)["layout"]
    plot = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    used = {(t.get("xaxis") or "x", t.get("yaxis") or "y") for t in figure["data"]}
    spans = []
    for x, y in sorted(used):
        xaxis, yaxis = layout["xaxis" + x[1:]], layout["yaxis" + y[1:]]
        assert xaxis["domain"] == [0, 1] and xaxis.get("showticklabels") is True, (name, x)
        low, high = yaxis["domain"]
        assert (high - low) * plot >= 150, (name, y, (high - low) * plot)
        spans.append((low, high))
    spans.sort()
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), (name, spans)
