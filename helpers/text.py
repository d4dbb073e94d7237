"""Safe text: data strings reach readers as text only, never as markup, maths or a link.

One function per output context; call the one for where the string ends up:

================================  ===================================================
context                           function
================================  ===================================================
Markdown (``Markdown(...)``,      :func:`markdown_text`
notebook Markdown outputs)
HTML text (tables, reports)       :func:`html_text`
HTML attribute value (quoted)     :func:`html_attribute`
plotly strings (titles, hover,    :func:`plotly_text`
labels, annotations)
a link (only fields the schema    :func:`safe_url` (None unless http/https),
declares as a URL)                :func:`html_link`
================================  ===================================================

The helpers' own markup (tables, the sources table, the deal list, links) is written only in
Jinja2 templates, helpers/templates/*.html.j2, filled by :func:`render`: autoescaped, with text
from data shown through the filter ``|text`` (:func:`html_text`) and a URL in an attribute
through ``|attribute`` (:func:`html_attribute`).

Why each rule (measured in JupyterLab 4.6, nbconvert 7 and plotly 6):

- Jupyter front ends typeset ``$...$`` and ``\\(...\\)`` as TeX *after* rendering, in the
  page's text (MathJax runs over the rendered HTML of Markdown and HTML outputs). Neither
  ``\\$`` nor the entity ``&#36;`` survives that: both become a bare ``$`` in the page. A
  ``$`` or ``\\`` alone in its own ``<span>`` cannot pair with another one (MathJax 2 and 3
  look for delimiters within one run of text), so that is what this module writes.
- Markdown syntax (links, images, autolinks, emphasis, headings, tables, HTML) is neutralised
  by writing every ASCII punctuation mark that Markdown or GFM could read as syntax as a
  numeric character reference, which every CommonMark parser shows as the literal character.
- Bidirectional control characters (U+202A-202E, U+2066-2069, the marks U+200E, U+200F,
  U+061C) are removed: an override in a title would reverse the text after it on the page.
- plotly renders a subset of HTML (``<a href>``, ``<span style>``, ``<br>``) and typesets a
  string holding two ``$``; it decodes numeric entities itself, after those checks.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import jinja2
import pandas as pd
from IPython.display import HTML, Markdown
from markupsafe import Markup

# Markdown and GFM syntax characters (links, images, emphasis, code, headings, lists, tables,
# block quotes, HTML, autolinks "www." / "a@b" / "https:", strikethrough, footnotes).
MARKDOWN_SYNTAX = frozenset("!\"#%&'()*+-.:<=>@[]^_`{|}~")
# Characters that start TeX in a Jupyter front end: each is isolated in its own element.
MATH_CHARACTERS = {"$": "<span>&#36;</span>", "\\": "<span>&#92;</span>"}
# Runs of whitespace (line breaks included) collapse to one space, as HTML shows them anyway;
# leading spaces would start an indented code block in Markdown.
WHITESPACE = re.compile(r"[ \t\r\n\f\v\u2028\u2029]+")
# Bidirectional controls (embeddings, overrides, isolates, marks): from data they could reorder
# the text around them ("Trojan Source"), so every escaper removes them.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Classes telling MathJax 2 (nbconvert, classic) and 3 (JupyterLab) to skip an element.
NO_MATH_CLASSES = "tex2jax_ignore mathjax_ignore"


def _as_text(value: object) -> str:
    """``str(value)`` on one line, spaces collapsed, bidi controls removed; missing values become ``""``.

    >>> _as_text("Air\u202eAstana  787")
    'AirAstana 787'
    """
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    return WHITESPACE.sub(" ", BIDI_CONTROLS.sub("", str(value))).strip(" ")


def markdown_text(value: object) -> str:
    """Text for a Markdown source: shows exactly ``value``, never markup, maths or a link.

    Examples
    --------
    >>> markdown_text("US$1 bn [x](javascript:alert(1))")
    'US<span>&#36;</span>1 bn &#91;x&#93;&#40;javascript&#58;alert&#40;1&#41;&#41;'
    """
    out = []
    for char in _as_text(value):
        if char in MATH_CHARACTERS:
            out.append(MATH_CHARACTERS[char])
        elif char in MARKDOWN_SYNTAX:
            out.append(f"&#{ord(char)};")
        else:
            out.append(char)
    return "".join(out)


def html_text(value: object) -> str:
    """Text for an HTML element's content: escaped, and no ``$`` or ``\\`` a front end reads as TeX."""
    escaped = html.escape(_as_text(value), quote=True)
    return escaped.replace("$", MATH_CHARACTERS["$"]).replace("\\", MATH_CHARACTERS["\\"])


def html_attribute(value: object) -> str:
    """Text for a quoted HTML attribute value: every character but letters, digits and space encoded."""
    return "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in _as_text(value))


def plotly_text(value: object) -> str:
    """Text for any plotly string (title, axis, hover, label, annotation): no tags, links or TeX.

    ``<``, ``>`` and ``&`` become entities (plotly's text supports ``<a>``, ``<span style>``,
    ``<b>``...), ``$`` and ``%`` too (plotly typesets a string with two ``$``; ``%{...}`` is a
    hovertemplate variable). plotly decodes the entities when it draws the text.
    """
    text = _as_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("$", "&#36;").replace("%", "&#37;")


def safe_url(value: object) -> str | None:
    """``value`` if it is an absolute http(s) URL with a host, else None (show it as text).

    Only fields the schema declares as URLs (``sources.url``) may become links at all.
    """
    url = _as_text(value)
    if not url or url != url.strip() or any(c.isspace() or ord(c) < 32 or c in "\\<>\"'`" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


# The helpers' markup (tables, the sources table, the deal list, links) is written only in these templates.
TEMPLATES = Path(__file__).with_name("templates")


@cache
def _environment() -> jinja2.Environment:
    """Jinja2 for templates/: autoescaped; text from data goes through ``|text`` (:func:`html_text`, which
    also keeps ``$`` and ``\\`` from MathJax) and a URL in an attribute through ``|attribute``."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["text"] = lambda value: Markup(html_text(value))
    environment.filters["attribute"] = lambda value: Markup(html_attribute(value))
    environment.globals["no_math"] = NO_MATH_CLASSES
    return environment


def render(template: str, **context: object) -> str:
    """A template of helpers/templates filled in with ``context``: the one way the helpers write markup."""
    return str(_environment().get_template(template).render(**context))


def html_link(url: object, label: object = None) -> str:
    """An ``<a>`` to ``url`` if :func:`safe_url` accepts it, else the label (or URL) as text.

    >>> html_link("https://example.org/?a=1", "IMF")
    '<a href="https&#58;&#47;&#47;example&#46;org&#47;&#63;a&#61;1" rel="noopener noreferrer">IMF</a>'
    >>> html_link("javascript:alert(1)", "<click>")
    '&lt;click&gt;'
    """
    return render("link.html.j2", href=safe_url(url), label=url if label is None else label)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# How precise a date string is, by its length: "2025", "2025-11", "2025-11-06".
PRECISION_OF_LENGTH = {4: "year", 7: "month", 10: "day"}


def money(value_usd_m: object) -> str:
    """An amount in US$ m in the unit that fits it: "US$1.2 bn" from US$100 m up, else "US$9 m"; "no value".

    The one money format for sentences and table cells.

    >>> money(13577.0), money(9.0), money(32.5), money(float("nan"))
    ('US$13.6 bn', 'US$9 m', 'US$32.5 m', 'no value')
    """
    if value_usd_m is None or pd.isna(value_usd_m):
        return "no value"
    value = float(value_usd_m)
    if abs(value) >= 100:
        return f"US${value / 1000:,.1f} bn"
    return f"US${value:,.1f} m".replace(".0 m", " m")


def pct(value: object) -> str:
    """A share for a sentence or a cell: one decimal and a per cent sign, or "no value".

    >>> pct(12.345), pct(float("nan"))
    ('12.3%', 'no value')
    """
    return "no value" if value is None or pd.isna(value) else f"{float(value):.1f}%"


def points(change: object) -> str:
    """A change of a share in percentage points; "no change" when it rounds to zero.

    >>> points(3.46), points(-0.5), points(0.04), points(-0.04)
    ('+3.5 percentage points', '-0.5 percentage points', 'no change', 'no change')
    """
    if change is None or pd.isna(change):
        return "no value"
    value = round(float(change), 1)
    return "no change" if value == 0 else f"{value:+.1f} percentage points"


def day(value: object) -> str:
    """A date as readers read it: ``6 Nov 2025``; empty for a missing date.

    >>> day(pd.Timestamp("2025-11-06")), day("2026-02-04"), day(pd.NaT)
    ('6 Nov 2025', '4 Feb 2026', '')
    """
    if value is None or pd.isna(value):
        return ""
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {MONTHS[stamp.month - 1]} {stamp.year}"


def date_words(value: object, precision: object = "day") -> str:
    """A date as precise as it is known: "6 Nov 2025", "Nov 2025", "2025", "by 6 Nov 2025"; "unknown".

    A text date ("2025", "2025-11", "2025-11-06") carries its own precision when none is given.

    >>> date_words(pd.Timestamp("2025-11-06"), "day"), date_words(pd.Timestamp("2025-11-01"), "month")
    ('6 Nov 2025', 'Nov 2025')
    >>> date_words("2025-11", None), date_words("2026-03-12", "by"), date_words(None, "unknown")
    ('Nov 2025', 'by 12 Mar 2026', 'unknown')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "" or precision == "unknown":
        return "unknown"
    if precision is None and isinstance(value, str):
        precision = PRECISION_OF_LENGTH.get(len(value.strip()), "day")
    stamp = pd.Timestamp(value)
    month = f"{MONTHS[stamp.month - 1]} {stamp.year}"
    if precision == "by":
        return f"by {day(stamp)}"
    return {"day": f"{stamp.day} {month}", "month": month}.get(str(precision), str(stamp.year))


def year_span(first: object, last: object) -> str:
    """A span of years: "1992-2020", or one year when both ends are the same.

    >>> year_span(1992, 2020), year_span(2022, 2022)
    ('1992-2020', '2022')
    """
    a, b = int(first), int(last)
    return str(a) if a == b else f"{a}-{b}"


def capital(text: str) -> str:
    """``text`` with its first letter in capitals, the rest as written (``str.capitalize`` lowers "IMF").

    >>> capital("IMF DOTS: 1992-2020")
    'IMF DOTS: 1992-2020'
    >>> capital("national statistics")
    'National statistics'
    """
    return text[:1].upper() + text[1:]


def name_list(names: Iterable[str]) -> str:
    """Names in a sentence: "Kazakhstan", "Kazakhstan and Uzbekistan", "A, B and C".

    >>> name_list(["Kazakhstan"]), name_list(["Kazakhstan", "Uzbekistan"]), name_list("ABC")
    ('Kazakhstan', 'Kazakhstan and Uzbekistan', 'A, B and C')
    """
    items = list(names)
    return " and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " and " + items[-1]


# Kept names: escape = HTML text, escape_markdown = Markdown text.
escape = html_text
escape_markdown = markdown_text


def key_findings(findings: Iterable[str], heading: str | None = "Key findings") -> Markdown:
    """A Markdown box of findings; each finding is shown as text (numbers come from code).

    ``heading=None`` leaves the box's own heading out, for a notebook that has a ``## Key findings`` cell.
    """
    items = "\n".join(f"> - {markdown_text(line)}" for line in findings)
    top = f"> **{markdown_text(heading)}**\n>\n" if heading else ""
    return Markdown(f"{top}{items}\n")


def bullet_list(items: Iterable[str]) -> Markdown:
    """A Markdown bullet list; each item is shown as text."""
    return Markdown("\n".join(f"- {markdown_text(item)}" for item in items) + "\n")


def _cell(value: object) -> str:
    if isinstance(value, pd.Timestamp | datetime.date) and value is not pd.NaT:
        return day(value)
    if isinstance(value, bool):  # a bool column reaches here as Python bools (astype(object))
        return "yes" if value else "no"
    if isinstance(value, float) and value == value:
        # a small non-zero value keeps two significant digits instead of reading as "0.0"
        return f"{value:.2g}" if 0 < abs(value) < 0.05 else f"{value:,.1f}"
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value is pd.NaT:
        return "-"
    return str(value)


WHOLE_CELL = 14  # a cell of one word up to this long (a year, a number, a state) is never split


class TableCell(NamedTuple):
    """A table cell's words, and whether they are one short word kept whole (``c5-whole``) on a line."""

    text: str
    whole: bool


def _table_cell(value: object) -> TableCell:
    """A table cell: the value in words; one short word is kept whole.

    >>> _table_cell(2021), _table_cell("a <b>")
    (TableCell(text='2021', whole=True), TableCell(text='a <b>', whole=False))
    """
    text = _cell(value)
    return TableCell(text, len(text) <= WHOLE_CELL and not text.split()[1:])


def table(frame: pd.DataFrame, columns: Mapping[str, str] | None = None, caption: str | None = None) -> HTML:
    """An HTML table (templates/table.html.j2) of text cells with readable column names and thousands separators.

    ``columns`` maps the columns shown to their names for readers, in the order shown.
    """
    shown = frame.rename(columns=dict(columns)) if columns else frame
    if columns:
        shown = shown[list(columns.values())]
    rows = [[_table_cell(v) for v in row] for row in shown.astype(object).itertuples(index=False, name=None)]
    return HTML(render("table.html.j2", columns=list(shown.columns), rows=rows, caption=caption))


class UnknownSourceError(KeyError):
    """A source id is cited that the source registry does not hold."""


def _published(value: object) -> str:
    """A source's publication date (YYYY, YYYY-MM or YYYY-MM-DD) in words; empty when not stated.

    >>> _published("2025-11"), _published(float("nan"))
    ('Nov 2025', '')
    """
    return "" if value is None or pd.isna(value) or not str(value).strip() else date_words(str(value).strip(), None)


def sources_table(sources: pd.DataFrame, source_ids: Iterable[str], caption: str = "Sources") -> HTML:
    """The registry rows for the cited ids, grouped by the institution that produced the figures.

    Columns: who produced the figure (the registry's ``originator``, when it has one), publisher,
    title, date and a link a reader can open. Only ``url`` (the one field the schema declares a
    URL) becomes a link, and only if it is http(s); anything else is shown as text.
    """
    wanted = sorted({s for s in source_ids if isinstance(s, str) and s})
    missing = sorted(set(wanted) - set(sources["source_id"]))
    if missing:
        raise UnknownSourceError(f"source ids not in sources.csv: {', '.join(missing)}")
    by_originator = "originator" in sources.columns
    order = ["originator", "publisher", "title", "source_id"] if by_originator else ["publisher", "title", "source_id"]
    rows = sources[sources["source_id"].isin(wanted)].sort_values(order, kind="stable")
    shown = [
        {"originator": r.originator if by_originator else None, "publisher": r.publisher, "title": r.title,
         "published": _published(r.published), "url": r.url, "href": safe_url(r.url)}
        for r in rows.itertuples()
    ]  # fmt: skip
    return HTML(render("sources.html.j2", rows=shown, by_originator=by_originator, caption=caption))
