"""The email-ready HTML reports: built by ``python -m helpers.reports``, opened offline in Chromium.

The reports are built from the real notebooks when ``notebooks/`` holds any (every report is
tested), otherwise from the fixture notebooks in tests/fixtures/notebooks (a line chart, a map
from custom GeoJSON, a table, Key findings, and a country-profile template run per state).
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from plotly.offline import get_plotlyjs

from helpers.reports import (
    PROFILE_COUNTRIES,
    PROFILE_TEMPLATE,
    Job,
    ReportBuildError,
    check_offline,
    figure_html,
    index_page,
    plan,
    summary_of,
    title_of,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
REAL_JOBS = plan(ROOT / "notebooks")
# Sets of notebooks to build: (folder, data folder, notebook names). The real notebooks with the
# real data when there are any; and always the fixtures (a map from custom GeoJSON, a table and
# findings that show deal titles), with the profile template only while the real one is missing.
FIXTURE_NAMES = sorted(
    p.name for p in FIXTURES.glob("*.ipynb") if p.name != PROFILE_TEMPLATE or not (ROOT / "notebooks" / p.name).exists()
)
SETS = {"fixtures": (FIXTURES, FIXTURES / "data", FIXTURE_NAMES)}
if REAL_JOBS:
    real_names = sorted({job.notebook.name for job in REAL_JOBS})
    SETS = {"notebooks": (ROOT / "notebooks", ROOT / "data", real_names), **SETS}
MAIN = next(iter(SETS))  # the set used for the determinism and hostile-data builds


def jobs_of(kind: str) -> list[Job]:
    """The reports a set of notebooks yields."""
    folder, _, names = SETS[kind]
    return [job for job in plan(folder) if job.notebook.name in names]


DATA_DIR = SETS[MAIN][1]
REPORTS = [job.name for job in jobs_of(MAIN)]
ALL_REPORTS = [pytest.param(kind, job.name, id=f"{kind}/{job.name}") for kind in SETS for job in jobs_of(kind)]
PAYLOAD = "<img src=x onerror=alert(1)>"
MAX_BYTES = 6 * 1024 * 1024
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_SCHEMES = ("file:", "data:", "blob:")
BAD_CONSOLE = {"error", "warning", "trace", "assert"}
# The banner plotly.js starts with ("* plotly.js v4.1.1"): one per inline copy.
PLOTLY_MARKER = re.search(r"\* plotly\.js v[0-9][^\s]*", get_plotlyjs())[0]


def build_reports(out: Path, data_dir: Path, notebooks_dir: Path) -> subprocess.CompletedProcess:
    """Run the README's command (``python -m helpers.reports --out DIR``) against a data folder."""
    env = {**os.environ, "C5_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "helpers.reports", "--out", str(out), "--notebooks", str(notebooks_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )


def _digest_tree(folder: Path) -> dict[str, str]:
    """Every file under a folder (executed copies written there would show) with its hash."""
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


class Builds:
    """Each set of notebooks built once per session, on first use.

    With ``hostile=True`` the build reads a copy of the set's data whose deal titles and notes and
    trade notes carry an HTML payload.
    """

    def __init__(self, factory: pytest.TempPathFactory, hostile: bool = False) -> None:
        self.factory, self.hostile, self.done = factory, hostile, {}

    def __getitem__(self, kind: str) -> Path:
        if kind not in self.done:
            folder, data, names = SETS[kind]
            label = f"{kind}-hostile" if self.hostile else kind
            if self.hostile:
                data = shutil.copytree(data, self.factory.mktemp(f"data-{label}") / "data")
                _inject(data / "deals.csv", ("title", "note"))
                _inject(data / "trade.csv", ("note",))
            notebooks = folder
            if names != sorted({job.notebook.name for job in plan(folder)}):  # a subset: build a copy
                notebooks = self.factory.mktemp(f"notebooks-{label}")
                for name in names:
                    shutil.copy2(folder / name, notebooks / name)
            before = _digest_tree(notebooks)
            result = build_reports(self.factory.mktemp(f"reports-{label}"), data, notebooks)
            assert result.returncode == 0, f"report build failed:\n{result.stderr[-4000:]}"
            if kind == "fixtures":  # nobody else edits these, unlike notebooks/ while the team works
                assert _digest_tree(notebooks) == before, "building reports modified the source notebooks"
            self.done[kind] = Path(result.args[4])
        return self.done[kind]


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """Builds of every set of notebooks (the real ones, the fixtures)."""
    return Builds(tmp_path_factory)


@pytest.fixture(scope="session")
def built(builds: Builds) -> Path:
    """The reports of the main set: the real notebooks if any, else the fixtures."""
    return builds[MAIN]


@pytest.fixture(scope="session")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second, independent build of the same notebooks and data."""
    return Builds(tmp_path_factory)[MAIN]


def _inject(csv_path: Path, columns: tuple[str, ...]) -> None:
    """Put the payload into the given text columns of every row of a CSV."""
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        for column in columns:
            row[column] = f"{row[column]} {PAYLOAD}".strip()
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="session")
def hostile_builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """Builds of every set from data that holds ``<img src=x onerror=alert(1)>`` in its text."""
    return Builds(tmp_path_factory, hostile=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by PyPI playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "browser tests need Debian's chromium (apt-get install chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    """What happened while a report was open: blocked requests, console errors, dialogs."""

    page: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    xhr: list[str] = field(default_factory=list)


# Per plotly figure div: did it draw, how many traces, and how many map country paths.
FIGURE_STATE = """() => [...document.querySelectorAll('.c5-figure')].map(div => {
    const svg = div.querySelector('svg.main-svg');
    const data = div.data || [];
    return {
        id: div.id,
        plotted: div.classList.contains('js-plotly-plot') && !!div._fullLayout,
        svgChildren: svg ? svg.childElementCount : 0,
        traces: data.length,
        drawnTraces: div.querySelectorAll('g.trace, g.table, g.sankey, g.parcoords').length,
        choropleth: data.some(t => t.type === 'choropleth'),
        locations: new Set(data.filter(t => t.type === 'choropleth').flatMap(t => t.locations || [])).size,
        mapPaths: div.querySelectorAll('.choroplethlocation').length,
    };
})"""


XHR_LOGGER = """(() => {
    const open = XMLHttpRequest.prototype.open;
    XMLHttpRequest.prototype.open = function (method, url) {
        console.log("XHR " + url);
        return open.apply(this, arguments);
    };
})();"""


def _drawn(figure: dict) -> bool:
    if not figure["plotted"] or figure["svgChildren"] == 0:
        return False
    if figure["traces"] and figure["drawnTraces"] == 0:
        return False
    return not figure["choropleth"] or figure["mapPaths"] >= min(5, figure["locations"])


@contextmanager
def visit(browser: object, path: Path, log_xhr: bool = False) -> Iterator[Visit]:
    """Open a report from disk with every non-file/data/blob request aborted and counted.

    ``log_xhr`` records the URLs the page opens with XMLHttpRequest (data: URLs never reach the
    router, so this is how the topojson request is seen).
    """
    context = browser.new_context()
    page = context.new_page()
    seen = Visit(page)

    def route(request_route: object) -> None:
        url = request_route.request.url
        if url.startswith(LOCAL_SCHEMES):
            request_route.continue_()
        else:
            seen.blocked.append(url)
            request_route.abort()

    def on_dialog(dialog: object) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    context.route("**/*", route)
    # plotly.js reports problems with console.warn/console.trace; any of these counts against a report.
    page.on("console", lambda message: message.type in BAD_CONSOLE and seen.errors.append(message.text))
    page.on("pageerror", lambda error: seen.errors.append(f"pageerror: {error}"))
    page.on("dialog", on_dialog)
    if log_xhr:
        page.add_init_script(XHR_LOGGER)
        page.on("console", lambda message: message.text.startswith("XHR ") and seen.xhr.append(message.text[4:]))
    page.goto(path.as_uri(), wait_until="load")
    try:
        yield seen
    finally:
        context.close()


def wait_for_figures(page: object, timeout: float = 20.0) -> list[dict]:
    """Poll (bounded) until every figure has drawn; return the last state seen."""
    deadline = time.monotonic() + timeout
    while True:
        state = page.evaluate(FIGURE_STATE)
        if all(_drawn(f) for f in state) or time.monotonic() > deadline:
            page.wait_for_timeout(200)  # let late console errors arrive
            return state
        page.wait_for_timeout(100)


def first_heading(notebook: Path) -> str:
    """The notebook's first ``# `` heading in a markdown cell, read independently of the builder."""
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^# (.+)$", cell.source, re.MULTILINE)
            if match:
                return match[1].strip()
    raise AssertionError(f"{notebook.name} has no '# ' title")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


# --- unit tests: no execution ---------------------------------------------------------------


def test_plan_runs_the_profile_template_once_per_state(tmp_path: Path) -> None:
    for name in ("01_alpha.ipynb", PROFILE_TEMPLATE, "05_omega.ipynb", "scratch.ipynb"):
        (tmp_path / name).write_text("{}")
    jobs = plan(tmp_path)
    stem = PROFILE_TEMPLATE.removesuffix(".ipynb")
    assert [j.name for j in jobs] == ["01_alpha", *(f"{stem}_{c}" for c in sorted(PROFILE_COUNTRIES)), "05_omega"]
    assert [j.parameters for j in jobs if j.parameters] == [{"country": c} for c in ("KAZ", "KGZ", "TJK", "TKM", "UZB")]


def test_figure_script_cannot_be_closed_by_data() -> None:
    hostile = "<!--<script></script><script>alert(1)</script>"
    snippet = figure_html({"data": [{"type": "bar", "x": [hostile], "y": [1]}], "layout": {}}, "fig-1")
    script = snippet.split("<script>", 1)[1]
    assert script.count("</script>") == 1 and "<!--" not in script and hostile not in snippet
    call = re.search(r"Plotly\.newPlot\(\"fig-1\",(.*)\);</script>", snippet, re.DOTALL)[1]
    data, _, config = json.loads(f"[{call}]")
    assert data[0]["x"] == [hostile]  # the text survives as text
    assert config["displaylogo"] is False and config["responsive"] is True
    assert config["topojsonURL"].startswith("data:")


def _notebook(markdown: str, *outputs: str) -> nbformat.NotebookNode:
    """A small executed notebook: one markdown cell, then one code cell per Markdown output."""
    cells = [nbformat.v4.new_markdown_cell(markdown)]
    for text in outputs:
        cell = nbformat.v4.new_code_cell("shown()")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": text})]
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


def test_title_and_summary_come_from_the_notebook() -> None:
    nb = _notebook(
        "# Is trade *shifting*?\n\nA first paragraph.",
        "> **Key findings**\n>\n> - China&#x27;s share rose to 30 % (US\\$5 bn).\n> - Second.\n",
    )
    job = Job(Path("03_shift.ipynb"), "03_shift")
    assert title_of(nb, job) == "Is trade shifting?"
    assert summary_of(nb) == "China's share rose to 30 % (US$5 bn)."
    profile = Job(Path("04_country_profile.ipynb"), "04_country_profile_TJK", {"country": "TJK"})
    assert title_of(nb, profile) == "Is trade shifting?: Tajikistan"


def test_summary_falls_back_to_the_first_paragraph() -> None:
    nb = _notebook("# Title\n\n## Overview\n\nWhat the [IMF](https://www.imf.org) data show.\n\nMore.")
    assert summary_of(nb) == "What the IMF data show."


def test_index_escapes_titles_and_summaries() -> None:
    page = index_page([("01_a.html", "<b>Deals</b>", PAYLOAD)], {"package version": "1", "deals.csv": "abc"})
    assert PAYLOAD not in page and "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;b&gt;Deals" in page


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="https://cdn.example.org/require.js"></script>',
        "<link rel='stylesheet' href='//fonts.example.org/a.css'>",
        '<img src="http://example.org/x.png">',
        "<style>body{background:url(https://example.org/bg.png)}</style>",
        '<style>@import "https://fonts.example.org/font.css";</style>',
    ],
)
def test_offline_check_rejects_remote_loads(snippet: str) -> None:
    with pytest.raises(ReportBuildError, match="remote resource"):
        check_offline(f"<html><body>{snippet}</body></html>", "demo")


def test_offline_check_allows_links_to_sources() -> None:
    check_offline('<p>See <a href="https://www.imf.org/en/Data">IMF</a>.</p>', "demo")


def test_a_failing_notebook_fails_the_build_and_is_named(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise ValueError('deliberate failure')")])
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(broken, notebooks / "01_broken.ipynb")
    result = build_reports(tmp_path / "out", FIXTURES / "data", notebooks)
    assert result.returncode != 0
    assert "01_broken.ipynb" in result.stderr and "deliberate failure" in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


# --- the built reports -----------------------------------------------------------------------


def test_every_report_and_the_index_are_built(built: Path) -> None:
    assert sorted(p.name for p in built.glob("*.html")) == sorted([*(f"{n}.html" for n in REPORTS), "index.html"])


def test_rebuilding_gives_byte_identical_files(built: Path, rebuilt: Path) -> None:
    first = {p.name: p.read_bytes() for p in built.glob("*.html")}
    second = {p.name: p.read_bytes() for p in rebuilt.glob("*.html")}
    assert first.keys() == second.keys()
    assert [name for name in sorted(first) if first[name] != second[name]] == []


def test_index_links_resolve_and_show_the_vintage(built: Path) -> None:
    parser = _Links()
    page = (built / "index.html").read_text(encoding="utf-8")
    parser.feed(page)
    targets = [h for h in parser.hrefs if h != "index.html"]
    assert sorted(targets) == sorted(f"{n}.html" for n in REPORTS)
    assert all((built / t).is_file() for t in targets)
    assert hashlib.sha256((DATA_DIR / "deals.csv").read_bytes()).hexdigest()[:12] in page
    assert page.count('class="c5-summary"') == len(REPORTS)


@pytest.mark.parametrize(("kind", "name"), ALL_REPORTS)
def test_report_is_small_self_contained_and_hides_code(builds: Builds, kind: str, name: str) -> None:
    raw = (builds[kind] / f"{name}.html").read_bytes()
    page = raw.decode("utf-8")
    assert len(raw) <= MAX_BYTES
    assert page.count(PLOTLY_MARKER) == 1, "exactly one inline copy of plotly.js"
    assert not re.search(r"<script[^>]*\ssrc=", page, re.IGNORECASE), "no external or CDN scripts"
    assert not re.search(r"<link[^>]*\shref=[\"']?(https?:)?//", page, re.IGNORECASE)
    assert "require.js" not in page and "MathJax.Hub" not in page
    assert "input_area" not in page and "In&nbsp;[" not in page and "Out[" not in page, "code or prompts shown"
    assert "vnd.plotly.v1+json" not in page, "a plotly output was left unconverted"


@pytest.mark.parametrize(("kind", "name"), ALL_REPORTS)
def test_report_title_and_data_vintage(builds: Builds, kind: str, name: str) -> None:
    data = SETS[kind][1]
    job = next(j for j in jobs_of(kind) if j.name == name)
    page = (builds[kind] / f"{name}.html").read_text(encoding="utf-8")
    title = html.unescape(re.search(r"<title>(.*?)</title>", page, re.DOTALL)[1])
    assert title.startswith(first_heading(job.notebook).replace("*", "").replace("`", ""))
    for data_file in ("deals.csv", "trade.csv", "sources.csv"):
        digest = hashlib.sha256((data / data_file).read_bytes()).hexdigest()[:12]
        assert f"{data_file} {digest}" in page


@pytest.mark.parametrize(("kind", "name"), ALL_REPORTS)
def test_report_draws_offline_in_a_browser(builds: Builds, browser: object, kind: str, name: str) -> None:
    report = builds[kind] / f"{name}.html"
    with visit(browser, report) as seen:
        figures = wait_for_figures(seen.page)
        assert len(figures) == report.read_text(encoding="utf-8").count('class="c5-figure"')
        undrawn = [f for f in figures if not _drawn(f)]
        assert undrawn == [], f"figures that did not draw: {undrawn}"
        maps = [f for f in figures if f["choropleth"]]
        assert all(f["mapPaths"] >= 5 for f in maps), f"maps without their countries: {maps}"
        assert seen.blocked == [], f"network requests attempted: {seen.blocked}"
        assert seen.errors == [], f"console errors: {seen.errors}"
        assert seen.dialogs == []


def test_the_map_gets_its_world_topology_from_a_data_url(builds: Builds, browser: object) -> None:
    """plotly.js asks topojsonURL + "/world_110m.json"; that must stay a data: URL and parse."""
    with visit(browser, builds["fixtures"] / "02_fixture_map.html", log_xhr=True) as seen:
        maps = [f for f in wait_for_figures(seen.page) if f["choropleth"]]
        assert len(maps) == 1 and maps[0]["mapPaths"] == 6  # the six fixture shapes
        assert seen.xhr and all(url.startswith("data:application/json,") for url in seen.xhr), seen.xhr
        assert any(url.endswith("_110m.json") for url in seen.xhr)  # the suffix plotly appends, in the fragment
        assert seen.blocked == [] and seen.errors == []


def test_index_opens_offline(built: Path, browser: object) -> None:
    with visit(browser, built / "index.html") as seen:
        assert seen.page.locator("ul.c5-index li").count() == len(REPORTS)
        assert seen.blocked == [] and seen.errors == []


# Text a reader can see: the page text, every SVG label, and the hover label of each trace's first point.
SHOWN_TEXT = """() => {
    const texts = [document.body.innerText];
    for (const div of document.querySelectorAll('.c5-figure')) {
        texts.push([...div.querySelectorAll('svg text')].map(t => t.textContent).join(' '));
        (div.data || []).forEach((trace, i) => {
            try { Plotly.Fx.hover(div, [{curveNumber: i, pointNumber: 0}]); } catch (e) { return; }
            texts.push(div.querySelector('.hoverlayer') ? div.querySelector('.hoverlayer').textContent : '');
        });
    }
    return texts.join('\\n');
}"""


@pytest.mark.parametrize("kind", list(SETS))
def test_html_in_data_shows_as_text_and_never_runs(hostile_builds: Builds, browser: object, kind: str) -> None:
    shown_in = []
    for job in [*jobs_of(kind), None]:
        name = job.name if job else "index"
        with visit(browser, hostile_builds[kind] / f"{name}.html") as seen:
            wait_for_figures(seen.page)
            assert seen.errors == [] and seen.blocked == [], (name, seen.errors, seen.blocked)
            shown = seen.page.evaluate(SHOWN_TEXT)  # hovering may log, so errors were checked before
            seen.page.wait_for_timeout(200)
            assert seen.dialogs == [], f"{name}: a script from the data ran"
            assert seen.page.locator('img[src="x"]').count() == 0, f"{name}: data became an <img> element"
            if PAYLOAD in shown:
                shown_in.append(name)
    assert shown_in, "the payload should be visible as plain text in at least one report"
    if kind == "fixtures":  # these show deal titles in Key findings, a table and the index summary
        expected = {"01_fixture_trade", "index"} | {j.name for j in jobs_of(kind) if j.name.endswith("_KAZ")}
        assert expected <= set(shown_in), shown_in
