"""One executed notebook to one page body: figures as image + chart slots, title, summary.

Each plotly output becomes a ``<figure>`` holding a static image (filled in once the images are
drawn, see :func:`fill_images`) and an empty ``<div>`` that the page's script draws the interactive
chart into. Code, prompts and stderr never reach readers.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import jinja2
import mistune
import nbformat
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import TagRemovePreprocessor

from reporting.bundle import render
from reporting.chart_data import download
from reporting.chart_text import chart_text, markdown_plain, without_text
from reporting.images import NARROW_BREAKPOINT, NARROW_WIDTH, figure_size, picture
from reporting.plan import PROFILE_TEMPLATE, Job, ReportBuildError
from reporting.project import country_name

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
IMAGE_TOKEN = "c5-image-{}"  # an image's src until it is drawn: the figure id, + NARROW for the phone picture
NARROW = "-narrow"
NOTEBOOK_ONLY = "notebook-only"  # cell tag: technical notes kept in the notebook, never in its report
MARKDOWN = mistune.create_markdown(renderer=None)  # Markdown to tokens, the parser nbconvert uses
# Headings that ask about "this state": a profile's title reads "Kazakhstan: who does it trade with?".
QUESTION_WORDS = frozenset(
    ["Who", "What", "How", "Where", "Which", "Why", "When", "Is", "Are", "Does", "Do", "Did", "Has", "Have"]
)
STATE_PHRASES = ("this Central Asian state", "this state")
_REMOTE_URL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_REMOTE_CSS = re.compile(
    r"url\(\s*[\"']?\s*(?:https?:)?//|@import\s+(?:url\()?\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE
)
_LOADING_ATTRIBUTES = {"src", "href", "data", "poster", "srcset", "background", "action", "formaction"}


class _RemoteLoads(HTMLParser):
    """Finds what a page would fetch: remote URLs in loading attributes (not ``<a href>``) and CSS."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and tag != "a" and name in _LOADING_ATTRIBUTES and _REMOTE_URL.match(value):
                self.found.append(f"<{tag} {name}={value[:100]}>")
            if value and name == "style" and _REMOTE_CSS.search(value):
                self.found.append(f"<{tag} style={value[:100]}>")
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and _REMOTE_CSS.search(data):
            self.found.append(f"<style>{_REMOTE_CSS.search(data)[0]}")


@dataclass
class Report:
    """A rendered report before it is written: body HTML (image tokens unfilled) and its figures."""

    job: Job
    title: str
    summary: str
    body: str
    figures: dict[str, dict] = field(default_factory=dict)  # figure id -> {"data", "layout", "config"}
    notebook: nbformat.NotebookNode | None = None  # as executed: the briefing takes its tagged cells from it


def figure_markup(figure: dict, figure_id: str, level: int = 3, notebook: str = "") -> str:
    """The ``<figure>`` (templates/figure.html.j2): title (a heading of ``level``) and subtitle, a
    static image (``src`` is a token until images exist) and the chart slot, then the notes and the
    CSV download link (from the figure's plotted table; ``notebook`` names where it comes from in
    the error when it has none).

    The figure drawn there is :func:`reporting.chart_text.without_text` of this one.
    """
    text = chart_text(figure)
    drawn = without_text(figure)
    width, height = figure_size(picture(drawn))
    narrow_width, narrow_height = figure_size(picture(drawn, NARROW_WIDTH))
    last = figure_id.rsplit("-", 1)[-1]
    number = int(last) if last.isdigit() else 1
    where = f"{notebook or 'a notebook'}: chart {number} ({text.title!r})"
    csv_name, csv_url = download(figure, text, number, where)
    return render(
        "figure.html.j2",
        id=figure_id,
        level=min(max(level, 2), 6),
        title=text.title,
        subtitle=text.subtitle,
        notes=text.notes,
        image=IMAGE_TOKEN.format(figure_id),
        narrow={
            "src": IMAGE_TOKEN.format(f"{figure_id}{NARROW}"),
            "width": narrow_width,
            "height": narrow_height,
            "breakpoint": NARROW_BREAKPOINT,
        },
        slot_height=figure_size(drawn)[1],
        alt=text.alt(),
        width=width,
        height=height,
        csv_name=csv_name,
        csv_url=csv_url,
    )


class _HeadingLevels(HTMLParser):
    """The levels of the ``<h1>``..``<h6>`` tags in HTML, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.levels: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append(int(tag[1]))


def _html_heading_levels(text: str) -> list[int]:
    finder = _HeadingLevels()
    finder.feed(text)
    finder.close()
    return finder.levels


def _heading_levels(tokens: list[dict]) -> list[int]:
    """The levels of the headings in Markdown tokens, Markdown and HTML blocks alike, in order."""
    levels: list[int] = []
    for token in tokens:
        if token["type"] == "heading":
            levels.append(token["attrs"]["level"])
        elif token["type"] == "block_html":
            levels += _html_heading_levels(token["raw"])
        levels += _heading_levels(token.get("children", []))
    return levels


def _last_heading(markdown: list[str], html_texts: list[str], level: int) -> int:
    """The level of the last heading in Markdown and HTML texts, else ``level``."""
    levels = [n for text in markdown for n in _heading_levels(MARKDOWN(text))]
    levels += [n for text in html_texts for n in _html_heading_levels(text)]
    return levels[-1] if levels else level


def prepare(nb: nbformat.NotebookNode, notebook: str = "") -> dict[str, dict]:
    """Make an executed notebook ready for export, in place; return its figures by id.

    Plotly outputs become figure markup (each chart's title a heading one level below the heading
    it follows) and the figures returned lose their title, notes and table, which the page shows as
    text and a CSV link (a chart without its table is an error naming ``notebook`` and the chart);
    stderr streams are dropped (readers see results, not warnings); cell ids are renumbered so
    papermill's random ids never reach the HTML.
    """
    figures: dict[str, dict] = {}
    level = 1
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"
        if cell.cell_type != "code":
            level = _last_heading([cell.source], [], level)
            continue
        kept = []
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stderr":
                continue
            data = output.get("data", {})
            if PLOTLY_MIMETYPE in data:
                figure_id = f"c5-figure-{len(figures) + 1}"
                figure = data[PLOTLY_MIMETYPE]
                figures[figure_id] = without_text({key: figure.get(key, {}) for key in ("data", "layout", "config")})
                output.data = {"text/html": figure_markup(figure, figure_id, level + 1, notebook)}
            else:
                level = _last_heading([str(data.get("text/markdown", ""))], [str(data.get("text/html", ""))], level)
            kept.append(output)
        cell.outputs = kept
    return figures


def _markdown_sources(nb: nbformat.NotebookNode) -> list[str]:
    """Markdown in reading order: markdown cells and Markdown outputs of code cells."""
    texts: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            texts.append(cell.source)
        elif cell.cell_type == "code":
            texts += [o.data["text/markdown"] for o in cell.outputs if "text/markdown" in o.get("data", {})]
    return texts


def state_heading(heading: str, state: str) -> str:
    """A profile's heading led by its state: "Who does this state trade with?" -> "Kazakhstan: who does it trade with?".

    A heading that already names the state is kept as it is.
    """
    if state in heading:
        return heading
    first, _, rest = heading.partition(" ")
    phrase = next((p for p in STATE_PHRASES if p in rest), None)
    if first in QUESTION_WORDS and phrase:
        before, _, after = rest.rpartition(phrase)
        heading = f"{first.lower()} {before}it{after}"
    return f"{state}: {heading}"


def _first(tokens: list[dict], kind: str, level: int | None = None) -> dict | None:
    """The first token of a kind (and heading level) in Markdown tokens, depth first."""
    for token in tokens:
        if token["type"] == kind and (level is None or token.get("attrs", {}).get("level") == level):
            return token
        found = _first(token.get("children", []), kind, level)
        if found:
            return found
    return None


def title_of(nb: nbformat.NotebookNode, job: Job) -> str:
    """The report title: the notebook's first ``# `` heading (led by the state for a profile)."""
    title = job.name
    for text in _markdown_sources(nb):
        heading = _first(MARKDOWN(text), "heading", level=1)
        if heading:
            title = markdown_plain(heading["children"])
            break
    country = job.parameters.get("country")
    return state_heading(title, country_name(country)) if country else title


def report_link(notebook: str) -> str:
    """The report a notebook link points to: ``01_deal_tracker.ipynb`` -> ``01_deal_tracker.html``.

    The profile template has one report per state, all listed on the index, so it points there.
    """
    return "index.html" if notebook == PROFILE_TEMPLATE else f"{notebook.removesuffix('.ipynb')}.html"


def reader_url(url: str) -> str:
    """A link as report readers follow it: a notebook's (``01_x.ipynb#a``) leads to its report."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or "/" in parts.path or not parts.path.endswith(".ipynb"):
        return url
    return report_link(parts.path) + (f"#{parts.fragment}" if parts.fragment else "")


def reader_words(text: str) -> str:
    """Words as report readers get them: "this notebook" is "this report"."""
    return text.replace("this notebook", "this report").replace("This notebook", "This report")


class _ReaderRenderer(IPythonRenderer):
    """nbconvert's Markdown renderer, deciding what readers see as it renders: links to notebooks
    lead to their reports, "this notebook" reads "this report", and a profile's first ``# `` heading
    is led by its state."""

    def __init__(self, exporter: ReportExporter, **options: object) -> None:
        super().__init__(**options)
        self.exporter = exporter

    def text(self, text: str) -> str:
        return super().text(reader_words(text))

    def link(self, text: str, url: str, title: str | None = None) -> str:
        return super().link(text, reader_url(url), title)

    def heading(self, text: str, level: int, **attrs: object) -> str:
        if level == 1 and self.exporter.state and not self.exporter.titled:
            self.exporter.titled = True
            text = state_heading(text, self.exporter.state)
        return super().heading(text, level, **attrs)


class ReportExporter(HTMLExporter):
    """nbconvert's HTML exporter (basic template, no code, no prompts, no ``notebook-only`` cells)
    with Markdown rendered for report readers."""

    def __init__(self, state: str | None = None) -> None:
        super().__init__(
            template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
        )
        self.state = state  # a profile's state name
        self.titled = False

    @jinja2.pass_context
    def markdown2html(self, context: jinja2.runtime.Context, source: str) -> str:
        """Markdown to HTML with :class:`_ReaderRenderer`."""
        cell = context.get("cell", {})
        renderer = _ReaderRenderer(
            self,
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=self.embed_images,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
        )
        return MarkdownWithMath(renderer=renderer).render(source)


def summary_of(nb: nbformat.NotebookNode) -> str:
    """One line for the index: the first Key findings item, else the first paragraph of prose."""
    texts = [MARKDOWN(text) for text in _markdown_sources(nb)]
    for number, tokens in enumerate(texts):
        if "Key findings" in markdown_plain(tokens):
            for candidate in texts[number : number + 2]:  # the heading may be its own cell
                item = _first(candidate, "list_item")
                if item:
                    return reader_words(markdown_plain(item["children"]))
    for tokens in texts:
        paragraph = next((t for t in tokens if t["type"] == "paragraph"), None)
        if paragraph:
            return reader_words(markdown_plain(paragraph["children"]))
    return ""


def check_offline(page: str, name: str) -> None:
    """Raise if the page would load anything from the network (plain ``<a>`` links are fine)."""
    finder = _RemoteLoads()
    finder.feed(page)
    finder.close()
    if finder.found:
        raise ReportBuildError(f"report {name} would load a remote resource: {finder.found[0]!r}")


def render_report(nb: nbformat.NotebookNode, job: Job) -> Report:
    """The body of an executed notebook's page: no code, no prompts, figures as image + slot."""
    nb, _ = TagRemovePreprocessor(remove_cell_tags={NOTEBOOK_ONLY}, enabled=True).preprocess(nb, {})
    executed = copy.deepcopy(nb)  # as executed, without notebook-only cells: the briefing's excerpts
    title, summary = title_of(nb, job), summary_of(nb)
    run = job.notebook.name if job.name == job.notebook.stem else f"{job.notebook.name} (report {job.name})"
    figures = prepare(nb, run)
    country = job.parameters.get("country")
    body, _ = ReportExporter(country_name(country) if country else None).from_notebook_node(nb)
    body = body.strip()
    check_offline(body, job.name)
    return Report(job, title, summary, body, figures, executed)


def fill_images(body: str, images: dict[str, str], phone: bool = True) -> str:
    """Replace each image token with its ``data:`` URL; ``images`` maps a figure id (the phone
    picture's: the id + ``NARROW``) to the URL.

    Without ``phone`` the phone pictures are left out: their ``<source>`` gets an empty
    ``srcset``, which browsers skip, so every screen shows the wide picture.
    """
    for key, url in images.items():
        shown = url if phone or not key.endswith(NARROW) else ""
        body = body.replace(f'="{IMAGE_TOKEN.format(key)}"', f'="{shown}"', 1)
    return body
