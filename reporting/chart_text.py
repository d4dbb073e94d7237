"""A chart's words as page text: title, subtitle and notes taken out of the plotly figure.

In a notebook the title, subtitle and source line live inside the figure (``layout.title.text``,
``layout.title.subtitle.text`` and an annotation named ``source``). In a report they become HTML
around the chart, where they wrap on a phone and print with it; the figure drawn (interactive and
static) loses them and the margins that held them. Their text is plotly text: its few tags
(``<b>``, ``<br>``, ``<span>``...) are structure, its entities are decoded, and anything else is
shown as it reads.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from html.parser import HTMLParser

from reporting.project import TABLE_META

# The tags plotly draws (https://plotly.com/chart-studio-help/adding-HTML-and-links-to-charts/).
PLOTLY_TAGS = frozenset({"b", "i", "em", "sup", "sub", "span", "a", "s", "u", "br"})
NOTE_NAMES = ("source", "note")
HINT_NAME = "hint"  # an annotation telling what only an interactive chart does ("double-click ...")
HINT_META = "c5Hint"  # where without_text keeps its text: layout.meta, read by templates/loader.js
TOP_MARGIN = 40  # room for panel titles and marks drawn just above the plot
BUTTONS_MARGIN = 50  # and for buttons drawn above it
AXIS_MARGIN = 60  # under the plot without a source line: tick labels and an axis title
LEGEND_ROW = 30  # one row of a horizontal legend and its padding; plotly pushes the margin for more rows
DEFAULT_LEGEND_Y = -0.14  # helpers.figures.theme's template: the legend's top, as a fraction of the plot's height


@dataclass(frozen=True)
class ChartText:
    """A chart's title, subtitle and notes (source line first), as plain text."""

    title: str
    subtitle: str
    notes: tuple[str, ...]

    def alt(self) -> str:
        """One line for an image's alt text: the title and the subtitle."""
        if not (self.title and self.subtitle):
            return (self.title or self.subtitle).strip()
        stop = "" if self.title.endswith((".", ":", ";", "!", "?")) else "."
        return f"{self.title}{stop} {self.subtitle}".strip()


class _PlainText(HTMLParser):
    """Text of markup: ``<br>`` is a space, entities are decoded, the tags in ``dropped`` go (all
    tags if it is None) and any other tag is shown as it reads, as plotly shows it."""

    def __init__(self, dropped: frozenset[str] | None) -> None:
        super().__init__(convert_charrefs=True)
        self.dropped = dropped
        self.parts: list[str] = []

    def set_cdata_mode(self, elem: str) -> None:
        """Text after ``<script>`` or ``<style>`` is text like any other (plotly draws no script)."""

    def _shown(self, tag: str) -> bool:
        return self.dropped is not None and tag not in self.dropped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append(" ")
        elif self._shown(tag):
            self.parts.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._shown(tag):
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(text: object, dropped: frozenset[str] | None = PLOTLY_TAGS) -> str:
    """Markup as one line of plain text: the one converter of the report builder.

    Plotly text by default (plotly's tags dropped, ``<br>`` a space, entities decoded, any other
    tag shown as text, as plotly shows it); ``dropped=None`` drops every tag (HTML, and the inline
    HTML of Markdown, see :func:`markdown_plain`).

    >>> plain("<b>US&#36; 5 bn</b><br>in <i>2025</i> &lt;b&gt;")
    'US$ 5 bn in 2025 <b>'
    >>> plain("a <script>b")
    'a <script>b'
    >>> plain("<p>US<span>&#36;</span>5</p> <div>&lt;b&gt; &amp; c</div>", dropped=None)
    'US$5 <b> & c'
    """
    parser = _PlainText(dropped)
    parser.feed(str(text or ""))
    parser.close()
    return " ".join("".join(parser.parts).split())


_INLINE = frozenset({"emphasis", "strong", "link", "image", "strikethrough", "mark", "insert", "superscript"})


def _markup(tokens: list[dict]) -> str:
    """Markdown tokens (mistune's) back to markup: text escaped (so it stays text), inline HTML as
    it is, blocks and line breaks as spaces."""
    parts = []
    for token in tokens:
        if "children" in token:
            parts.append(_markup(token["children"]) + ("" if token["type"] in _INLINE else " "))
        elif token["type"] in ("text", "codespan"):
            parts.append(token["raw"].replace("<", "&lt;"))  # entities in it still read as characters
        elif token["type"] in ("inline_html", "block_html"):
            parts.append(token["raw"])
        else:
            parts.append(" ")
    return "".join(parts)


def markdown_plain(tokens: list[dict]) -> str:
    """Markdown (as mistune's tokens) as one line of plain text: links keep their text; tags,
    emphasis and entities go (see :func:`plain`)."""
    return plain(_markup(tokens), dropped=None)


def _title_parts(layout: dict) -> tuple[str, str]:
    """The plain text of ``layout.title.text`` and ``layout.title.subtitle.text``."""
    title = layout.get("title") or {}
    subtitle = title.get("subtitle") or {}
    return plain(title.get("text", "")), plain(subtitle.get("text", ""))


def _is_note(annotation: dict) -> bool:
    return str(annotation.get("name", "")).lower() in NOTE_NAMES


def chart_text(figure: dict) -> ChartText:
    """The title, subtitle and notes of a plotly figure (``{"data", "layout"}``)."""
    layout = figure.get("layout", {})
    title, subtitle = _title_parts(layout)
    notes = tuple(plain(a.get("text", "")) for a in layout.get("annotations", []) if _is_note(a))
    return ChartText(title, subtitle, tuple(n for n in notes if n))


def buttons_above(layout: dict) -> bool:
    """Whether a layout has buttons drawn above its plot."""
    menus = layout.get("updatemenus", [])
    return any(float(menu.get("y", 1)) >= 1 and menu.get("yanchor", "top") == "bottom" for menu in menus)


def _legend_y(layout: dict) -> float | None:
    """Where a shown legend's top sits (fraction of the plot's height), or None without one."""
    if layout.get("showlegend") is False:
        return None
    legend = layout.get("legend") or {}
    template = ((layout.get("template") or {}).get("layout") or {}).get("legend") or {}
    y = legend.get("y", template.get("y", DEFAULT_LEGEND_Y))
    return float(y) if y is not None else None


def bottom_needed(layout: dict, plot_height: int) -> int:
    """The bottom margin a figure needs once its source line is gone: the axis, and a legend under it.

    The legend's top is ``-y`` plot heights under the plot; one row fits under it (more rows on a
    narrow screen push the margin, as plotly does for any legend).
    """
    y = _legend_y(layout)
    below = round(-y * plot_height) + LEGEND_ROW if y is not None and y < 0 else 0
    return max(AXIS_MARGIN, below)


def _is_hint(annotation: dict) -> bool:
    return str(annotation.get("name", "")).lower() == HINT_NAME


def without_text(figure: dict) -> dict:
    """A copy of the figure without title, subtitle, notes and plotted table, its margins and height cut to match.

    The plotted table (``layout.meta`` under ``TABLE_META``) becomes the chart's CSV
    (:mod:`reporting.chart_data`), so the page does not carry it twice.

    A hint (an annotation named ``hint``: what only the interactive chart does) leaves the drawing
    too; its text goes to ``layout.meta`` so the page shows it only where the chart is live (never
    in its picture or on paper). The plot area keeps its size: the height shrinks by what the
    margins lose. The bottom margin keeps only what the axis and the legend need
    (:func:`bottom_needed`), so no band that held the source line stays empty under the legend.
    """
    stripped = copy.deepcopy(figure)
    layout = stripped.setdefault("layout", {})
    had_text = bool(layout.pop("title", None))
    annotations = layout.get("annotations", [])
    kept = [a for a in annotations if not (_is_note(a) or _is_hint(a))]
    had_notes = len(kept) < len(annotations)
    if "annotations" in layout:
        layout["annotations"] = kept
    hints = [plain(a.get("text", "")) for a in annotations if _is_hint(a)]
    meta = layout.pop("meta", None)
    meta = {k: v for k, v in meta.items() if k != TABLE_META} if isinstance(meta, dict) else meta
    if any(hints):
        meta = {**(meta if isinstance(meta, dict) else {}), HINT_META: " ".join(h for h in hints if h)}
    if meta:
        layout["meta"] = meta
    margin = dict(layout.get("margin", {}))
    plot_height = int(layout.get("height") or 0) - int(margin.get("t", 0)) - int(margin.get("b", 0))
    cut = 0
    if had_text and "t" in margin:
        top = TOP_MARGIN + (BUTTONS_MARGIN if buttons_above(layout) else 0)
        cut += max(0, int(margin["t"]) - top)
        margin["t"] = min(int(margin["t"]), top)
    if had_notes and "b" in margin:
        bottom = min(int(margin["b"]), bottom_needed(layout, plot_height))
        cut += int(margin["b"]) - bottom
        margin["b"] = bottom
    if margin:
        layout["margin"] = margin
    if cut and layout.get("height"):
        layout["height"] = int(layout["height"]) - cut
    return stripped
