"""The index page and the one-file briefing, and the header, stamp and footer every page shares.

The briefing is shaped like a country briefing (EIU, Our World in Data): the bottom line, the deals
a year on, the trade shift, one short section per state, the scenarios, then an appendix. What goes
in is chosen where it is made: the notebook cells tagged ``briefing``. Those cells are rendered here
from the executed notebook, with headings one level down and ids prefixed from the start; every
page is a Jinja2 template (templates/*.html.j2, autoescaped).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from html.parser import HTMLParser
from urllib.parse import urlsplit

import jinja2
import nbformat
from markupsafe import Markup
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from reporting.bundle import TEMPLATES
from reporting.chart_text import without_text
from reporting.page import NARROW, PLOTLY_MIMETYPE, Report, figure_markup, fill_images, reader_url, reader_words
from reporting.plan import PROFILE_TEMPLATE, ReportBuildError
from reporting.project import Appendix, BottomLine, country_name

SITE_TITLE = "C5 Realignment: Central Asia's economic ties after the C5+1 summit"
BRIEFING_TAG = "briefing"  # cell tag: the cell's source and outputs go into the briefing
BRIEFING_OUTPUTS = "briefing_outputs"  # optional cell metadata: which of a tagged cell's outputs (0-based) go in
# Stated reading time, the convention of Medium's read time: 265 words a minute, 12 seconds per picture.
WORDS_PER_MINUTE = 265
MINUTES_PER_CHART = 0.2  # each chart or table
PROFILE = PROFILE_TEMPLATE.removesuffix(".ipynb")
# The briefing's order and headings; a profile section is headed by its state's name. Reports not
# listed here with tagged cells follow, under their own titles.
SECTIONS = {
    "06_deal_follow_through": "The deals a year on",
    "03_dependency_shift": "The trade shift",
    PROFILE: "",
    "05_deal_scenarios": "What the deals could add: scenarios",
}
APPENDIX_ID = "appendix"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Stamp:
    """What a page was built from: newest source date, how far trade reaches (year and records), build
    date, data vintage."""

    data_as_of: str
    trade_to: int | str | None
    built: date
    vintage: dict[str, str]

    def line(self) -> str:
        """"Data as of 3 Dec 2025; trade to 2023 on the states' own records (partners' records to 2025);
        built 28 Nov 2026" (plain text)."""
        parts = [f"Data as of {readable_date(self.data_as_of) or 'unknown'}"]
        if self.trade_to is not None:
            parts.append(f"trade to {self.trade_to}")
        parts.append(f"built {readable_date(self.built.isoformat())}")
        return "; ".join(parts)

    def version_line(self) -> str:
        """The data version in plain words (no file hashes)."""
        version = self.vintage.get("package version", "unknown")
        return (
            f"C5 Realignment dataset version {version}, newest source of "
            f"{readable_date(self.data_as_of) or 'unknown'}, built on {readable_date(self.built.isoformat())}"
        )


def readable_date(iso: str) -> str:
    """``2025-12-03`` -> ``3 Dec 2025``; ``2025-12`` -> ``Dec 2025``; else unchanged."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", iso or "")
    if not match or not (match[2] is None or 1 <= int(match[2]) <= 12):
        return iso
    year, month, day = match[1], match[2], match[3]
    words = [str(int(day))] if day else []
    words += [MONTHS[int(month) - 1]] if month else []
    return " ".join([*words, year])


@cache
def environment() -> jinja2.Environment:
    """The templates' environment: autoescaped, strict about undefined names."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["readable_date"] = readable_date
    return env


def render(template: str, **context: object) -> str:
    """A template of templates/ filled in."""
    return environment().get_template(template).render(**context)


def header(home: str, home_text: str, stamp: Stamp) -> str:
    """The top bar: a link home and the stamp."""
    return render("header.html.j2", home=home, home_text=home_text, stamp=stamp.line()).strip()


def footer(stamp: Stamp) -> str:
    """The footer: the data version in words and how the charts behave."""
    return render("footer.html.j2", version=stamp.version_line()).strip()


def _points(bottom: BottomLine | None, reports: list[Report], href: Callable[[Report], str]) -> list[dict]:
    """The bottom line's sentences, each with links to the reports in the set that hold its evidence."""
    if bottom is None:
        return []
    built = {r.job.name: r for r in reports}
    return [
        {"text": p.text, "links": [(href(built[n]), built[n].title) for n in p.evidence if n in built]}
        for p in bottom.points
    ]


def bottom_line_html(bottom: BottomLine | None, reports: list[Report], href: Callable[[Report], str]) -> str:
    """The bottom line: its sentences, each with a link to the report that holds its evidence (when
    that report is in the set), then the key-indicator table and its rule; "" without one."""
    if bottom is None or not bottom.points:
        return ""
    return render(
        "bottom_line.html.j2", points=_points(bottom, reports, href), table=Markup(bottom.table_html), rule=bottom.rule
    ).strip()


def index_body(reports: list[Report], stamp: Stamp, briefing_name: str, bottom: BottomLine | None = None) -> str:
    """The index: the bottom line, one link and main finding per report, the stamp, and the briefing."""
    return render(
        "index.html.j2",
        site_title=SITE_TITLE,
        stamp=stamp.line(),
        bottom_line=Markup(bottom_line_html(bottom, reports, lambda r: f"{r.job.name}.html")),
        briefing_name=briefing_name,
        reports=[{"href": f"{r.job.name}.html", "title": r.title, "summary": r.summary} for r in reports],
    )


def section_id(report: Report) -> str:
    """The briefing anchor of a report's section."""
    return f"s-{report.job.name}"


class SectionRenderer(IPythonRenderer):
    """Markdown to HTML for one briefing section: headings ``offset`` levels down with ids under the
    section's prefix, links to reports that have a section turned into in-page links."""

    def __init__(self, prefix: str, offset: int, anchors: dict[str, str]) -> None:
        super().__init__(escape=False, exclude_anchor_links=True)
        self.prefix, self.offset, self.anchors = prefix, offset, anchors
        self.headings = 0
        self.level = 1 + offset

    def heading(self, text: str, level: int, **attrs: object) -> str:
        """A heading moved down by the offset, with the next id of the section."""
        self.headings += 1
        self.level = min(level + self.offset, 6)
        return super().heading(text, self.level, id=f"{self.prefix}-h{self.headings}")

    def text(self, text: str) -> str:
        return super().text(reader_words(text))

    def link(self, text: str, url: str, title: str | None = None) -> str:
        """A link as readers follow it; one to a report with a section of the briefing leads to that
        section, one to another file of the reports folder is its words only (the briefing may be
        emailed alone, where such a link breaks)."""
        url = reader_url(url)
        target = url.split("#")[0]
        if target in self.anchors:
            return super().link(text, self.anchors[target], title)
        if target and not urlsplit(url).scheme:
            return text
        return super().link(text, url, title)


@dataclass
class Section:
    """One section of the briefing: heading, id, the report it comes from and its parts (markup)."""

    heading: str
    id: str
    report: Report
    parts: list[Markup] = field(default_factory=list)
    figures: dict[str, dict] = field(default_factory=dict)
    key_row: Markup | None = None
    state: bool = False


def tagged(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """The cells tagged ``briefing``, in order."""
    return [c for c in nb.cells if BRIEFING_TAG in c.get("metadata", {}).get("tags", [])]


def excerpt(report: Report, section: Section, images: dict[str, str], anchors: dict[str, str]) -> None:
    """Fill ``section`` with the tagged cells of the report's executed notebook, as readers see them.

    A cell's ``briefing_outputs`` metadata, when present, lists which of its outputs go in.
    Figures keep the report's numbering (the n-th chart of the report is ``<section id>-c5-figure-n``)
    so each reuses the image drawn for the report; a figure that differs from the report's is an error.
    """
    nb = report.notebook  # as executed, without notebook-only cells; read, never changed
    markdown = SectionRenderer(section.id, 1, anchors)
    to_html = MarkdownWithMath(renderer=markdown).render
    ids = iter(report.figures)
    for number, cell in enumerate(nb.cells):
        metadata = cell.get("metadata", {})
        tagged_cell = BRIEFING_TAG in metadata.get("tags", [])
        if cell.cell_type == "markdown":
            if tagged_cell:
                section.parts.append(Markup(to_html(cell.source)))
            continue
        wanted = metadata.get(BRIEFING_OUTPUTS)
        for place, output in enumerate(cell.get("outputs", [])):
            data = output.get("data", {})
            chosen = tagged_cell and (wanted is None or place in wanted)
            if PLOTLY_MIMETYPE in data:
                report_id = next(ids)
                if chosen:
                    section.parts.append(_chart(report, report_id, data[PLOTLY_MIMETYPE], section, images, markdown))
            elif not chosen or output.get("name") == "stderr":  # warnings never reach readers (as in the reports)
                continue
            elif "text/markdown" in data:
                section.parts.append(Markup(to_html(data["text/markdown"])))
            elif "text/html" in data:
                section.parts.append(Markup(data["text/html"]))
            else:
                raise ReportBuildError(
                    f"{report.job.notebook.name}: output {place + 1} of cell {number + 1} is tagged for the briefing "
                    "but is neither a chart, Markdown nor HTML"
                )


def _chart(
    report: Report, report_id: str, figure: dict, section: Section, images: dict[str, str], markdown: SectionRenderer
) -> Markup:
    """A chart of the report in the section: its figure markup (title one level below the last heading)
    with the report's image, the figure kept for the page's script under the section's id."""
    plain = without_text({key: figure.get(key, {}) for key in ("data", "layout", "config")})
    if plain != report.figures[report_id]:
        raise ReportBuildError(f"briefing: chart {report_id} of {report.job.name} differs from its report's")
    new_id = f"{section.id}-{report_id}"
    section.figures[new_id] = plain
    markup = figure_markup(figure, new_id, min(markdown.level + 1, 6))
    return Markup(fill_images(markup, {new_id: images[report_id], new_id + NARROW: images[report_id + NARROW]}))


def sections(reports: list[Report], images: dict[str, dict[str, str]], bottom: BottomLine | None) -> list[Section]:
    """The briefing's sections in reading order: every report with tagged cells, ordered by :data:`SECTIONS`."""
    order = list(SECTIONS)
    rank = {r.job.name: (order.index(r.job.notebook.stem) if r.job.notebook.stem in order else len(order), n)
            for n, r in enumerate(reports)}  # fmt: skip
    with_cells = [r for r in reports if r.notebook is not None and tagged(r.notebook)]
    chosen = sorted(with_cells, key=lambda r: rank[r.job.name])
    anchors = {f"{r.job.name}.html": f"#{section_id(r)}" for r in chosen}
    out = []
    for report in chosen:
        state = report.job.parameters.get("country")
        heading = country_name(state) if state else SECTIONS.get(report.job.notebook.stem) or report.title
        section = Section(heading, section_id(report), report, state=bool(state))
        if state and bottom is not None and state in bottom.state_rows:
            section.key_row = Markup(bottom.state_rows[state])
        excerpt(report, section, images[report.job.name], anchors)
        out.append(section)
    return out


class _Reading(HTMLParser):
    """Counts what a reader reads before the appendix: words of text, and charts and tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words = self.exhibits = 0
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.done = self.done or (tag == "section" and ("id", APPENDIX_ID) in attrs)
        self.exhibits += not self.done and tag in ("figure", "table")

    def handle_data(self, data: str) -> None:
        self.words += 0 if self.done else len(data.split())


def reading_minutes(body: str) -> int:
    """Stated reading time of a briefing body up to its appendix: words at :data:`WORDS_PER_MINUTE`
    plus :data:`MINUTES_PER_CHART` per chart or table, rounded up to a whole minute."""
    reading = _Reading()
    reading.feed(body)
    reading.close()
    return max(1, math.ceil(reading.words / WORDS_PER_MINUTE + reading.exhibits * MINUTES_PER_CHART))


def briefing_body(
    reports: list[Report],
    stamp: Stamp,
    images: dict[str, dict[str, str]],
    bottom: BottomLine | None = None,
    appendix: Appendix | None = None,
) -> tuple[str, dict[str, dict]]:
    """The briefing's body and its figures.

    ``images`` maps a report name to its charts' ``data:`` URLs by figure id; ``appendix`` is
    :func:`reporting.project.appendix` (left out when None, as in fixture builds).
    """
    parts = sections(reports, images, bottom)
    bottom_html = Markup(bottom_line_html(bottom, reports, lambda r: "#" + section_id(r)))
    in_sections = {s.report.job.name for s in parts}
    others = [{"title": r.title, "summary": r.summary} for r in reports if r.job.name not in in_sections]
    context = {
        "site_title": SITE_TITLE,
        "stamp": stamp.line(),
        "version": stamp.version_line(),
        "bottom_line": bottom_html,
        "sections": parts,
        "others": others,
        "appendix": appendix,
        "appendix_id": APPENDIX_ID,
        "conflicts": Markup(appendix.conflicts_html) if appendix else None,
    }
    # the stated time counts the whole text before the appendix, its own sentence included
    minutes = reading_minutes(render("briefing.html.j2", minutes=99, **context))
    body = render("briefing.html.j2", minutes=minutes, **context)
    figures = {figure_id: figure for s in parts for figure_id, figure in s.figures.items()}
    return body, figures
