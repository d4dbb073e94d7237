"""One executed notebook to one page body: figures as image + chart slots, title, summary.

Each plotly output becomes a ``<figure>`` holding a static image (filled in once the images are
drawn, see :func:`fill_images`) and an empty ``<div>`` that the page's script draws the interactive
chart into. Code, prompts and stderr never reach readers.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import nbformat
from nbconvert import HTMLExporter

from reporting.bundle import render
from reporting.chart_data import download
from reporting.chart_text import chart_text, without_text
from reporting.images import figure_size
from reporting.plan import PROFILE_TEMPLATE, Job, ReportBuildError
from reporting.project import country_name

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
IMAGE_TOKEN = "c5-image-{}"
NOTEBOOK_ONLY = "notebook-only"  # cell tag: technical notes kept in the notebook, never in its report
_NOTEBOOK_LINK = re.compile(r"\]\((\d\d_\w+)\.ipynb(#[^)\s]*)?\)")
_THIS_NOTEBOOK = re.compile(r"\b([Tt])his notebook\b")
_ABOUT_THIS_STATE = re.compile(
    r"^(Who|What|How|Where|Which|Why|When|Is|Are|Does|Do|Did|Has|Have)\b(.*)\bthis (?:Central Asian )?state\b"
)
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


def figure_markup(figure: dict, figure_id: str, level: int = 3) -> str:
    """The ``<figure>`` (templates/figure.html.j2): title (a heading of ``level``) and subtitle, a
    static image (``src`` is a token until images exist) and the chart slot, then the notes and the
    CSV download link.

    The figure drawn there is :func:`reporting.chart_text.without_text` of this one.
    """
    text = chart_text(figure)
    width, height = figure_size(without_text(figure))
    last = figure_id.rsplit("-", 1)[-1]
    number = int(last) if last.isdigit() else 1
    csv_name, csv_url = download(figure, text, number)
    return render(
        "figure.html.j2",
        id=figure_id,
        level=min(max(level, 2), 6),
        title=text.title,
        subtitle=text.subtitle,
        notes=text.notes,
        image=IMAGE_TOKEN.format(figure_id),
        narrow=None,
        alt=text.alt(),
        width=width,
        height=height,
        csv_name=csv_name,
        csv_url=csv_url,
    )


_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s", re.MULTILINE)
_HTML_HEADING = re.compile(r"<h([1-6])[\s>]", re.IGNORECASE)


def _last_heading(texts: list[str], level: int) -> int:
    """The level of the last heading in Markdown or HTML texts, else ``level``."""
    for text in texts:
        for match in _MARKDOWN_HEADING.finditer(text):
            level = len(match[1])
        for match in _HTML_HEADING.finditer(text):
            level = int(match[1])
    return level


def prepare(nb: nbformat.NotebookNode) -> dict[str, dict]:
    """Make an executed notebook ready for export, in place; return its figures by id.

    Plotly outputs become figure markup (each chart's title a heading one level below the heading
    it follows) and the figures returned lose their title and notes, which the page shows as text;
    stderr streams are dropped (readers see results, not warnings); cell ids are renumbered so
    papermill's random ids never reach the HTML.
    """
    figures: dict[str, dict] = {}
    level = 1
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"
        if cell.cell_type != "code":
            level = _last_heading([cell.source], level)
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
                output.data = {"text/html": figure_markup(figure, figure_id, level + 1)}
            else:
                level = _last_heading([str(data.get(m, "")) for m in ("text/markdown", "text/html")], level)
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


def _plain(markdown: str) -> str:
    """Markdown to one plain-text line: links keep their text; tags, emphasis and entities go."""
    text = re.sub(r"<[^>]*>", "", markdown)  # e.g. the <span>&#36;</span> that keeps "$" out of maths
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(?<!\\)[*_`]+", "", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!$|<>~])", r"\1", text)  # Markdown escapes such as US\$
    return " ".join(html.unescape(text).split())


def state_heading(heading: str, state: str) -> str:
    """A profile's heading led by its state: "Who does this state trade with?" -> "Kazakhstan: who does it trade with?".

    A heading that already names the state is kept as it is.
    """
    if state in heading:
        return heading
    question = _ABOUT_THIS_STATE.match(heading)
    if question:
        heading = f"{question[1].lower()}{question[2]}it{heading[question.end() :]}"
    return f"{state}: {heading}"


def title_of(nb: nbformat.NotebookNode, job: Job) -> str:
    """The report title: the notebook's first ``# `` heading (led by the state for a profile)."""
    title = job.name
    for text in _markdown_sources(nb):
        match = re.search(r"^# (.+)$", text, re.MULTILINE)
        if match:
            title = _plain(match[1])
            break
    country = job.parameters.get("country")
    return state_heading(title, country_name(country)) if country else title


def report_link(notebook: str) -> str:
    """The report a notebook link points to: ``01_deal_tracker.ipynb`` -> ``01_deal_tracker.html``.

    The profile template has one report per state, all listed on the index, so it points there.
    """
    return "index.html" if notebook == PROFILE_TEMPLATE else f"{notebook.removesuffix('.ipynb')}.html"


def reader_markdown(markdown: str) -> str:
    """Markdown as report readers get it: links to notebooks lead to their reports; "this notebook" is "this report"."""
    markdown = _NOTEBOOK_LINK.sub(lambda m: f"]({report_link(m[1] + '.ipynb')}{m[2] or ''})", markdown)
    return _THIS_NOTEBOOK.sub(lambda m: f"{m[1]}his report", markdown)


def for_readers(nb: nbformat.NotebookNode, job: Job) -> None:
    """Make a notebook's words the report's, in place.

    Cells tagged ``notebook-only`` (technical notes) are dropped; Markdown, in cells and outputs,
    goes through :func:`reader_markdown`; a profile's first heading is led by its state.
    """
    nb.cells = [c for c in nb.cells if NOTEBOOK_ONLY not in c.get("metadata", {}).get("tags", [])]
    country = job.parameters.get("country")
    name = country_name(country) if country else None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = reader_markdown(cell.source)
            heading = re.search(r"^# (.+)$", cell.source, re.MULTILINE) if name else None
            if heading:
                start, end = heading.span(1)
                cell.source = cell.source[:start] + state_heading(heading[1], name) + cell.source[end:]
                name = None
        elif cell.cell_type == "code":
            for output in cell.outputs:
                if "text/markdown" in output.get("data", {}):
                    output.data["text/markdown"] = reader_markdown(output.data["text/markdown"])


def summary_of(nb: nbformat.NotebookNode) -> str:
    """One line for the index: the first Key findings item, else the first paragraph of prose."""
    texts = _markdown_sources(nb)
    for number, text in enumerate(texts):
        if "Key findings" in text:
            for candidate in texts[number : number + 2]:  # the heading may be its own cell
                items = re.findall(r"^>?\s*[-*] (.+)$", candidate, re.MULTILINE)
                if items:
                    return _plain(items[0])
    for text in texts:
        for paragraph in re.split(r"\n\s*\n", text):
            if paragraph.strip() and not paragraph.lstrip().startswith(("#", ">", "|", "<", "-", "*")):
                return _plain(paragraph)
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
    for_readers(nb, job)
    title, summary = title_of(nb, job), summary_of(nb)
    figures = prepare(nb)
    exporter = HTMLExporter(
        template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(nb)
    body = body.strip()
    check_offline(body, job.name)
    return Report(job, title, summary, body, figures)


def fill_images(body: str, images: dict[str, str]) -> str:
    """Replace each figure's image token with its ``data:`` URL."""
    for figure_id, url in images.items():
        body = body.replace(f'src="{IMAGE_TOKEN.format(figure_id)}"', f'src="{url}"', 1)
    return body
