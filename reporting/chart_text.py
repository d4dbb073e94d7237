"""A chart's words as page text: title, subtitle and notes taken out of the plotly figure.

In a notebook the title, subtitle and source line live inside the figure (``layout.title`` and
an annotation named ``source``). In a report they become HTML around the chart, where they wrap
on a phone and print with it; the figure drawn (interactive and static) loses them and the
margins that held them. Their text is plotly text: its few tags (``<b>``, ``<br>``, ``<span>``...)
are structure, its entities are decoded, and anything else is shown as it reads.
"""

from __future__ import annotations

import copy
import html
import re
from dataclasses import dataclass

# The tags plotly draws (https://plotly.com/chart-studio-help/adding-HTML-and-links-to-charts/).
_PLOTLY_TAG = re.compile(r"</?(?:b|i|em|sup|sub|span|a|s|u)(?:\s[^<>]*)?>|<br\s*/?>", re.IGNORECASE)
_TITLE_AND_SUBTITLE = re.compile(r"^\s*<b>(.*?)</b>\s*<br\s*/?>\s*<span[^<>]*>(.*)</span>\s*$", re.S | re.I)
NOTE_NAMES = ("source", "note")
TOP_MARGIN = 40  # room for panel titles and marks drawn just above the plot
BUTTONS_MARGIN = 50  # and for buttons drawn above it
SOURCE_LINE_HEIGHT = 20  # the bottom margin's share that held the source line


@dataclass(frozen=True)
class ChartText:
    """A chart's title, subtitle and notes (source line first), as plain text."""

    title: str
    subtitle: str
    notes: tuple[str, ...]

    def alt(self) -> str:
        """One line for an image's alt text: the title and the subtitle."""
        parts = [p for p in (self.title, self.subtitle) if p]
        return re.sub(r"([.:;!?])\.(\s|$)", r"\1\2", ". ".join(parts)).strip()


def plain(text: object) -> str:
    """Plotly text as plain text: plotly's tags dropped (``<br>`` is a space), entities decoded.

    >>> plain("<b>US&#36; 5 bn</b><br>in <i>2025</i> &lt;b&gt;")
    'US$ 5 bn in 2025 <b>'
    >>> plain("a <script>b")
    'a <script>b'
    """
    spaced = _PLOTLY_TAG.sub(lambda m: " " if m[0].lower().startswith("<br") else "", str(text or ""))
    return " ".join(html.unescape(spaced).split())


def _title_parts(layout: dict) -> tuple[str, str]:
    title = layout.get("title", "")
    text = title.get("text", "") if isinstance(title, dict) else str(title or "")
    subtitle = title.get("subtitle", {}) if isinstance(title, dict) else {}
    subtitle_text = subtitle.get("text", "") if isinstance(subtitle, dict) else str(subtitle or "")
    match = _TITLE_AND_SUBTITLE.match(text)
    if match:
        return plain(match[1]), plain(match[2]) or plain(subtitle_text)
    return plain(text), plain(subtitle_text)


def _is_note(annotation: dict) -> bool:
    return str(annotation.get("name", "")).lower() in NOTE_NAMES


def chart_text(figure: dict) -> ChartText:
    """The title, subtitle and notes of a plotly figure (``{"data", "layout"}``)."""
    layout = figure.get("layout", {})
    title, subtitle = _title_parts(layout)
    notes = tuple(plain(a.get("text", "")) for a in layout.get("annotations", []) if _is_note(a))
    return ChartText(title, subtitle, tuple(n for n in notes if n))


def _buttons_above(layout: dict) -> bool:
    menus = layout.get("updatemenus", [])
    return any(float(menu.get("y", 1)) >= 1 and menu.get("yanchor", "top") == "bottom" for menu in menus)


def without_text(figure: dict) -> dict:
    """A copy of the figure without title, subtitle and notes, its margins and height cut to match.

    The plot area keeps its size: the height shrinks by what the margins lose.
    """
    stripped = copy.deepcopy(figure)
    layout = stripped.setdefault("layout", {})
    had_text = bool(layout.pop("title", None))
    annotations = layout.get("annotations", [])
    kept = [a for a in annotations if not _is_note(a)]
    had_notes = len(kept) < len(annotations)
    if "annotations" in layout:
        layout["annotations"] = kept
    margin = dict(layout.get("margin", {}))
    cut = 0
    if had_text and "t" in margin:
        top = TOP_MARGIN + (BUTTONS_MARGIN if _buttons_above(layout) else 0)
        cut += max(0, int(margin["t"]) - top)
        margin["t"] = min(int(margin["t"]), top)
    if had_notes and "b" in margin:
        bottom = max(0, int(margin["b"]) - SOURCE_LINE_HEIGHT)
        cut += int(margin["b"]) - bottom
        margin["b"] = bottom
    if margin:
        layout["margin"] = margin
    if cut and layout.get("height"):
        layout["height"] = int(layout["height"]) - cut
    return stripped
