"""Build the email-ready HTML reports: execute every notebook fresh, export it self-contained.

``python -m helpers.reports --out reports`` executes each ``notebooks/NN_*.ipynb`` in a temporary
folder (the committed notebooks are never touched), the country-profile template once per state,
and writes one HTML file per report plus ``index.html``. A report opens from disk with no network
request: code is hidden, nbconvert's ``basic`` template brings no require.js or MathJax, each plotly
output becomes a ``<div>`` plus a ``Plotly.newPlot`` call, one inline plotly.js serves them all, and
geo maps get an empty world topology from a ``data:`` URL instead of the CDN. Headers carry the
data vintage (dataset version and content hashes), never a build time, so rebuilds are identical.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import quote

import nbformat
from nbconvert import HTMLExporter

from helpers.data import data_dir, data_vintage

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = REPO / "notebooks"
PROFILE_TEMPLATE = "04_country_profile.ipynb"
PROFILE_COUNTRIES = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"
MAX_REPORT_BYTES = 6 * 1024 * 1024
EMPTY_TOPOLOGY = '{"type":"Topology","objects":{},"arcs":[]}'
# plotly.js requests ``topojsonURL + "/" + "<scope>_<resolution>m.json"``; after the ``#`` that
# suffix is a fragment, which a data: URL ignores, so every request resolves to the empty topology.
TOPOJSON_URL = "data:application/json," + quote(EMPTY_TOPOLOGY, safe="") + "#"
# typesetMath off: reports carry no MathJax, so "US$ 5 bn ... US$ 7 bn" must stay text (and not warn).
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "topojsonURL": TOPOJSON_URL, "typesetMath": False}
CSS_FILE = Path(__file__).with_name("templates") / "report.css"
# A resource the page would load (not an <a> link): src/href/url() pointing off the file.
_REMOTE_LOAD = re.compile(
    r"<(?!a[\s>])[a-z][^>]*?\s(?:src|href|data|poster)\s*=\s*[\"']?\s*(?:https?:)?//"
    r"|url\(\s*[\"']?\s*(?:https?:)?//|@import\s+(?:url\()?\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)


class ReportBuildError(RuntimeError):
    """A notebook failed to execute, or a report broke a rule (network load, size)."""


@dataclass(frozen=True)
class Job:
    """One report: the notebook to execute, the output name and papermill parameters."""

    notebook: Path
    name: str
    parameters: dict[str, str] = field(default_factory=dict)


def plan(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Job]:
    """The reports to build: each ``NN_*.ipynb``, and the profile template once per state."""
    jobs: list[Job] = []
    for notebook in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        if notebook.name == PROFILE_TEMPLATE:
            jobs += [Job(notebook, f"{notebook.stem}_{code}", {"country": code}) for code in PROFILE_COUNTRIES]
        else:
            jobs.append(Job(notebook, notebook.stem))
    return jobs


def execute(job: Job, build_dir: Path) -> Path:
    """Execute a notebook with papermill (cwd = its folder) into ``build_dir``; return the copy."""
    import papermill

    target = build_dir / f"{job.name}.ipynb"
    try:
        papermill.execute_notebook(
            str(job.notebook),
            str(target),
            parameters=job.parameters or None,
            kernel_name="python3",
            cwd=str(job.notebook.parent),
            progress_bar=False,
            log_output=False,
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"],  # kernel chatter; cell errors still fail
        )
    except Exception as err:  # papermill raises its own and kernel errors; re-raise one picklable type
        where = f"{job.notebook.name} with {job.parameters}" if job.parameters else job.notebook.name
        if hasattr(err, "ename"):  # PapermillExecutionError: name the cell and the error, not the traceback
            reason = f"cell {err.exec_count}: {err.ename}: {err.evalue}"
        else:
            reason = f"{type(err).__name__}: {err}"
        raise ReportBuildError(f"notebook {where} failed to execute ({reason})") from None
    return target


def _set_environ(values: dict[str, str]) -> None:
    """Process-pool initializer: environment variables for the kernels a worker starts."""
    os.environ.update(values)


def _script_json(value: object) -> str:
    """JSON safe inside an inline ``<script>``.

    Only ``</`` (could close the script) and ``<!`` (could open an HTML comment) are escaped, as
    ``\\u003c``, so the ``<b>``/``<br>`` markup of plotly labels stays compact.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, code in (("</", "\\u003c/"), ("<!", "\\u003c!"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


def figure_html(figure: dict, div_id: str) -> str:
    """A responsive ``<div>`` and the ``Plotly.newPlot`` call that draws a stored plotly figure."""
    layout = figure.get("layout", {})
    height = layout.get("height") or 520
    config = {**figure.get("config", {}), **PLOTLY_CONFIG}
    args = ",".join(_script_json(part) for part in (figure.get("data", []), layout, config))
    return (
        f'<div id="{div_id}" class="c5-figure" style="width:100%;height:{int(height)}px"></div>\n'
        f'<script>Plotly.newPlot("{div_id}",{args});</script>\n'
    )


def prepare(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Make an executed notebook ready for export, in place.

    Plotly outputs become HTML (div + newPlot); stderr streams are dropped (readers see results,
    not warnings); cell ids are renumbered so papermill's random ids never reach the HTML.
    """
    figures = 0
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stderr":
                continue
            if PLOTLY_MIMETYPE in output.get("data", {}):
                figures += 1
                output.data = {"text/html": figure_html(output.data[PLOTLY_MIMETYPE], f"c5-figure-{figures}")}
            kept.append(output)
        cell.outputs = kept
    return nb


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
    """Markdown to one plain-text line: links keep their text, emphasis and entities go."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(?<!\\)[*_`]+", "", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!$|<>~])", r"\1", text)  # Markdown escapes such as US\$
    return " ".join(html.unescape(text).split())


def title_of(nb: nbformat.NotebookNode, job: Job) -> str:
    """The report title: the notebook's first ``# `` heading (plus the state for a profile)."""
    from helpers.charts import country_name

    title = job.name
    for text in _markdown_sources(nb):
        match = re.search(r"^# (.+)$", text, re.MULTILINE)
        if match:
            title = _plain(match[1])
            break
    country = job.parameters.get("country")
    if country and country_name(country) not in title:
        title = f"{title}: {country_name(country)}"
    return title


def summary_of(nb: nbformat.NotebookNode) -> str:
    """One line for the index: the first Key findings item, else the first paragraph of prose."""
    texts = _markdown_sources(nb)
    for text in texts:
        if "Key findings" in text:
            items = re.findall(r"^>?\s*[-*] (.+)$", text, re.MULTILINE)
            if items:
                return _plain(items[0])
    for text in texts:
        for paragraph in re.split(r"\n\s*\n", text):
            if paragraph.strip() and not paragraph.lstrip().startswith(("#", ">", "|", "<", "-", "*")):
                return _plain(paragraph)
    return ""


def vintage_line(vintage: dict[str, str]) -> str:
    """The data vintage as one escaped line: dataset version and each file's content hash."""
    version = vintage.get("package version", "unknown")
    files = "; ".join(f"{name} {digest}" for name, digest in vintage.items() if name != "package version")
    return html.escape(f"Data: C5 Realignment dataset version {version} (content hashes: {files})")


def _page(title: str, body: str, vintage: dict[str, str], scripts: str = "") -> str:
    css = CSS_FILE.read_text(encoding="utf-8")
    line = vintage_line(vintage)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{css}</style>\n{scripts}</head>\n<body>\n"
        f'<header class="c5-header"><a href="index.html">C5 Realignment reports</a>'
        f'<span class="c5-vintage">{line}</span></header>\n'
        f"<main>\n{body}\n</main>\n"
        f'<footer class="c5-footer"><p>{line}</p>'
        "<p>Figures are interactive: hover for values, drag to zoom, double-click to reset.</p></footer>\n"
        "</body>\n</html>\n"
    )


def check_offline(page: str, name: str) -> None:
    """Raise if the page would load anything from the network (plain ``<a>`` links are fine)."""
    found = _REMOTE_LOAD.search(page)
    if found:
        raise ReportBuildError(f"report {name} would load a remote resource: {found[0][:120]!r}")


def render(nb: nbformat.NotebookNode, job: Job, vintage: dict[str, str]) -> str:
    """The self-contained HTML page of an executed notebook: no code, no prompts, one plotly.js."""
    from plotly.offline import get_plotlyjs

    exporter = HTMLExporter(
        template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    body, _ = exporter.from_notebook_node(prepare(nb))
    page = _page(title_of(nb, job), body.strip(), vintage)
    check_offline(page, job.name)
    plotly_js = get_plotlyjs()
    if re.search(r"</script", plotly_js, re.IGNORECASE):
        raise ReportBuildError("plotly.js contains '</script' and cannot be inlined")
    return page.replace("</head>", f'<script type="text/javascript">{plotly_js}</script>\n</head>', 1)


def index_page(entries: list[tuple[str, str, str]], vintage: dict[str, str]) -> str:
    """The index: a link and a one-line summary (both escaped) per ``(file, title, summary)``."""
    items = "\n".join(
        f'<li><a href="{html.escape(file)}">{html.escape(title)}</a>'
        f'<p class="c5-summary">{html.escape(summary)}</p></li>'
        for file, title, summary in entries
    )
    body = (
        "<h1>C5 Realignment: Central Asia's economic realignment</h1>\n"
        "<p>Each report below opens in any web browser, offline. Charts are interactive.</p>\n"
        f'<ul class="c5-index">\n{items}\n</ul>'
    )
    page = _page("C5 Realignment reports", body, vintage)
    check_offline(page, "index")
    return page


def build(out: Path, notebooks_dir: Path = NOTEBOOKS_DIR, workers: int = 2) -> list[Path]:
    """Execute and export every report into ``out``; return the written files (index last).

    Notebooks run ``workers`` at a time, each in its own kernel, honouring ``C5_DATA_DIR``.
    """
    jobs = plan(notebooks_dir)
    if not jobs:
        raise ReportBuildError(f"no notebooks named NN_*.ipynb in {notebooks_dir}")
    out.mkdir(parents=True, exist_ok=True)
    vintage = data_vintage()
    written: list[Path] = []
    entries: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="c5-reports-") as tmp:
        build_dir = Path(tmp)
        # Kernels start in the notebooks' folder, so they get C5_DATA_DIR as an absolute path.
        env = {"C5_DATA_DIR": str(data_dir())} if os.environ.get("C5_DATA_DIR") else {}
        with ProcessPoolExecutor(
            max_workers=max(1, min(workers, len(jobs))),
            mp_context=get_context("spawn"),
            initializer=_set_environ,
            initargs=(env,),
        ) as pool:
            executed = list(pool.map(execute, jobs, [build_dir] * len(jobs)))
        for job, path in zip(jobs, executed, strict=True):
            nb = nbformat.read(path, as_version=4)
            title, summary = title_of(nb, job), summary_of(nb)
            page = render(nb, job, vintage)
            size = len(page.encode("utf-8"))
            if size > MAX_REPORT_BYTES:
                raise ReportBuildError(f"report {job.name} is {size:,} bytes, over {MAX_REPORT_BYTES:,}")
            target = out / f"{job.name}.html"
            target.write_text(page, encoding="utf-8")
            written.append(target)
            entries.append((target.name, title, summary))
    index = out / "index.html"
    index.write_text(index_page(entries, vintage), encoding="utf-8")
    for stale in set(out.glob("[0-9][0-9]_*.html")) - set(written):  # reports of renamed/removed notebooks
        stale.unlink()
    return [*written, index]


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m helpers.reports --out reports [--notebooks DIR] [--workers N]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the HTML reports")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS_DIR, help="folder of NN_*.ipynb notebooks")
    parser.add_argument("--workers", type=int, default=2, help="notebooks executed at a time")
    args = parser.parse_args(argv)
    try:
        files = build(args.out, args.notebooks, args.workers)
    except ReportBuildError as err:
        print(f"Report build failed: {err}", file=sys.stderr)
        return 1
    for file in files:
        print(f"{file}  {file.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
