"""Map labels that neither collide nor fade: greedy placement of text boxes, text colour by fill.

Label points are projected into the maps' equal-area projection and scaled to pixels for a
nominal panel size; each label takes the first of plotly's text positions whose box overlaps no
label placed before it and keeps its centre inside its own country where it can. Labels that
must be shown (the five states) are placed first; a context label that would collide is dropped.
Text is near-black or white, whichever contrasts more with the fill under it (WCAG 2 ratio).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from plotly.colors import get_colorscale, sample_colorscale

# plotly textposition names; the first that fits wins.
POSITIONS = (
    "middle center",
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)
CHAR_EM = 0.6  # average glyph width of Arial, bold included, in font sizes
LINE_EM = 1.3  # line height in font sizes
GAP_PX = 3  # plotly's offset of a text from its point
PAD_PX = 3  # clear space kept around every label
DARK_TEXT, LIGHT_TEXT = "#000000", "#FFFFFF"  # black: at least 4.58:1 against one of them on any fill
TAG = re.compile(r"<[^>]+>")
ENTITY = re.compile(r"&[#\w]+;")

Box = tuple[float, float, float, float]


def text_size(text: str, size: float) -> tuple[float, float]:
    """Width and height (px) of a plotly text with ``<br>`` lines (markup and entities counted as shown), padded."""
    lines = [ENTITY.sub("x", TAG.sub("", line)) for line in text.split("<br>")]
    return max(len(line) for line in lines) * CHAR_EM * size + 2 * PAD_PX, len(lines) * LINE_EM * size + 2 * PAD_PX


def box_at(x: float, y: float, width: float, height: float, position: str) -> Box:
    """The box (x0, y0, x1, y1), y up, of a text of the given size drawn at (x, y) with ``position``."""
    vertical, horizontal = position.split()
    x0 = {"center": x - width / 2, "right": x + GAP_PX, "left": x - GAP_PX - width}[horizontal]
    y0 = {"middle": y - height / 2, "top": y + GAP_PX, "bottom": y - GAP_PX - height}[vertical]
    return x0, y0, x0 + width, y0 + height


def overlap(a: Box, b: Box) -> float:
    """Area (px²) two boxes share."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def place_labels(labels: pd.DataFrame, frame: Box) -> pd.DataFrame:
    """Choose a text position per label; returns the labels kept, with ``position`` and ``box``.

    ``labels`` has ``x, y`` (px, y up), ``text``, ``size``, ``must`` (always shown) and ``area``
    (the shape, in the same px, the label should sit in; or None). Labels are placed in row order.
    """
    placed: list[Box] = []
    kept = []
    for row in labels.to_dict("records"):
        width, height = text_size(row["text"], row["size"])
        best = None
        for rank, position in enumerate(POSITIONS):
            box = box_at(row["x"], row["y"], width, height, position)
            clash = sum(overlap(box, other) for other in placed)
            outside = max(0.0, frame[0] - box[0]) + max(0.0, box[2] - frame[2])
            outside += max(0.0, frame[1] - box[1]) + max(0.0, box[3] - frame[3])
            centre = shapely.Point((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            astray = row["area"] is not None and not row["area"].contains(centre)
            cost = (clash + 50 * outside, astray, rank)
            if best is None or cost < best[0]:
                best = (cost, position, box)
        (clash, _, _), position, box = best
        if clash > 0 and not row["must"]:
            continue
        placed.append(box)
        kept.append({**row, "position": position, "box": box})
    return pd.DataFrame(kept, columns=[*labels.columns, "position", "box"])


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#RRGGBB`` or ``rgb(r, g, b)``."""
    if colour.startswith("#"):
        channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        channels = [float(c) for c in re.findall(r"[\d.]+", colour)[:3]]
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour(fill: str) -> str:
    """Near-black or white, whichever contrasts more with ``fill``."""
    return DARK_TEXT if contrast(DARK_TEXT, fill) >= contrast(LIGHT_TEXT, fill) else LIGHT_TEXT


def fill_colours(values: Sequence[float], scale: str, cmax: float, missing: str) -> list[str]:
    """The colour a choropleth draws for each value on ``scale`` from 0 to ``cmax`` (``missing`` for NaN)."""
    return [
        missing if np.isnan(v) else sample_colorscale(get_colorscale(scale), [min(max(v / cmax, 0.0), 1.0)])[0]
        for v in values
    ]
