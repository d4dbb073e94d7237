"""The email-ready reports and the one-file briefing, built by ``python -m reporting``, opened in Chromium.

The reports are built from the real notebooks when ``notebooks/`` holds any (every report is
tested), and always from the fixture notebooks in tests/fixtures/notebooks (a line chart, a map
from custom GeoJSON, charts and tables labelled from the deal data, Key findings, and a
country-profile template run per state). The hostile-text and fault builds use the fixtures: small
notebooks, the same builder and helpers.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import itertools
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import nbformat
import pytest

from helpers.codes import country_name
from reporting.build import BRIEFING_NAME, MAX_BRIEFING_BYTES, MAX_REPORT_BYTES
from reporting.chart_text import plain
from reporting.images import NARROW_WIDTH
from reporting.output import MANIFEST, STAGING_PREFIX
from reporting.plan import PROFILE_TEMPLATE, Job, plan
from tests.notebook_runs import figures, is_number
from tests.report_browser import (
    BUILD_ENV,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    build_command,
    build_reports,
    digest_tree,
    drawn,
    once,
    show_every_chart,
    visit,
)

if TYPE_CHECKING:
    from tests.conftest import Executed

FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
REAL_JOBS = plan(ROOT / "notebooks")
# Sets of notebooks to build: (folder, data folder, notebook names). The real notebooks with the
# real data when there are any; and always the fixtures, with the profile template only while the
# real one is missing.
FIXTURE_NAMES = sorted(
    p.name for p in FIXTURES.glob("*.ipynb") if p.name != PROFILE_TEMPLATE or not (ROOT / "notebooks" / p.name).exists()
)
SETS = {"fixtures": (FIXTURES, FIXTURES / "data", FIXTURE_NAMES)}
if REAL_JOBS:
    SETS = {"notebooks": (ROOT / "notebooks", ROOT / "data", sorted({j.notebook.name for j in REAL_JOBS})), **SETS}
MAIN = next(iter(SETS))  # the set used for the determinism and accessibility builds


def jobs_of(kind: str) -> list[Job]:
    """The reports a set of notebooks yields."""
    folder, _, names = SETS[kind]
    return [job for job in plan(folder) if job.notebook.name in names]


DATA_DIR = SETS[MAIN][1]
REPORTS = [job.name for job in jobs_of(MAIN)]
ALL_REPORTS = [pytest.param(kind, job.name, id=f"{kind}/{job.name}") for kind in SETS for job in jobs_of(kind)]
MAIN_PAGES = [*REPORTS, "index", BRIEFING_NAME.removesuffix(".html")]
CHART_PAGES = [*REPORTS, BRIEFING_NAME.removesuffix(".html")]
# The hostile-data build: the fixtures (03_fixture_deals carries deal text into a chart title, bar
# labels, a legend, hover text and tables through the product's helpers).
HOSTILE_SET = "fixtures"
HOSTILE_PAGES = [*(job.name for job in jobs_of(HOSTILE_SET)), "index", BRIEFING_NAME.removesuffix(".html")]
DEAL_TEXT_REPORT = "03_fixture_deals"
# Markup, a script link, styling, a script-running image and maths, planted in free-text fields.
EVIL_SITE = "evil.example"
PAYLOAD = (
    "[x](javascript:alert(1)) <a href='https://evil.example/'>evil</a> "
    "<span style='color:#ff0000'>styled</span> <img src=x onerror=alert(1)> $x$"
)


class Builds:
    """Each set of notebooks built once per session, whichever worker asks first (tests/conftest.py ``shared``).

    The real notebooks and the fixtures are built from the session's executed copies (``--executed``:
    the builder's own papermill runs, shared with the notebook and fault tests); the hostile data is
    executed by the build itself. ``hostile``: planted text in the data; ``label``: a separate build;
    ``picture_cache``: where the fixture set's chart images are kept for later builds (none: all drawn).
    """

    def __init__(self, shared: Callable, executed: Executed, executed_fixtures: Executed, **options: object) -> None:
        self.shared, self.executed, self.executed_fixtures, self.done = shared, executed, executed_fixtures, {}
        self.hostile, self.label = bool(options.get("hostile")), str(options.get("label", ""))
        self.picture_cache = options.get("picture_cache")

    def reused(self, kind: str) -> Path:
        """The folder of a set's notebooks executed once for the session (``--executed``)."""
        if kind == "notebooks":
            return self.executed.all()
        return self.executed_fixtures.all(job.name for job in jobs_of(kind))

    def __getitem__(self, kind: str) -> Path:
        if kind not in self.done:
            label = "-".join(filter(None, (kind, "hostile" if self.hostile else "", self.label)))
            # Executed before the build's lock: a worker waiting for this build helps execute instead.
            reuse = None if self.hostile else self.reused(kind)
            self.done[kind] = self.shared(f"reports-{label}", lambda out: self._build(kind, label, out, reuse))
        return self.done[kind]

    def _build(self, kind: str, label: str, out: Path, reuse: Path | None) -> None:
        folder, data, names = SETS[kind]
        inputs = out.parent / f"inputs-{label}"
        if inputs.exists():  # left by a failed attempt of this session
            shutil.rmtree(inputs)
        inputs.mkdir()
        if self.hostile:
            data = shutil.copytree(data, inputs / "data")
            for table in ("deals", "sources", "brief_claims"):
                _inject(data / f"{table}.csv", free_text_fields(table))
        notebooks = folder
        if names != sorted({job.notebook.name for job in plan(folder)}):  # a subset: build a copy
            notebooks = inputs / "notebooks"
            notebooks.mkdir()
            for name in names:
                shutil.copy2(folder / name, notebooks / name)
        before = digest_tree(notebooks)
        cache = self.picture_cache if kind == "fixtures" else None
        result = build_reports(out, data, notebooks, executed=reuse, picture_cache=cache)
        assert result.returncode == 0, f"report build failed:\n{result.stderr[-4000:]}"
        if kind == "fixtures":  # nobody else edits these, unlike notebooks/ while the team works
            assert digest_tree(notebooks) == before, "building reports modified the source notebooks"


def free_text_fields(table: str) -> list[str]:
    """The descriptor's free-text fields of a table: strings without enum or pattern, not ids."""
    descriptor = json.loads((ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    schema = next(r["schema"] for r in descriptor["resources"] if r["name"] == table)
    return [
        f["name"]
        for f in schema["fields"]
        if f.get("type") == "string"
        and not {"enum", "pattern"} & set(f.get("constraints", {}))
        and not re.search(r"_ids?$", f["name"])
    ]


def _inject(csv_path: Path, columns: list[str]) -> None:
    """Append the payload to the given text columns of every row of a CSV."""
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        for column in columns:
            if column in row:
                row[column] = f"{row[column]} {PAYLOAD}".strip()
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="session")
def builds(shared: Callable, executed: Executed, executed_fixtures: Executed, picture_cache: Path) -> Builds:
    """Builds of every set of notebooks (the real ones, the fixtures; the fixtures' images kept)."""
    return Builds(shared, executed, executed_fixtures, picture_cache=picture_cache)


@pytest.fixture(scope="session")
def built(builds: Builds) -> Path:
    """The reports of the main set: the real notebooks if any, else the fixtures."""
    return builds[MAIN]


@pytest.fixture(scope="session")
def hostile_built(shared: Callable, executed: Executed, executed_fixtures: Executed) -> Path:
    """The fixture set built from data with the payload in every free-text field."""
    return Builds(shared, executed, executed_fixtures, hostile=True)[HOSTILE_SET]


@pytest.fixture(scope="module")
def browser() -> object:
    """Debian's Chromium driven by PyPI playwright (no browser download).

    Module scope: playwright's sync API holds an event loop while it runs, so it must be closed
    before another test module starts its own.
    """
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "browser tests need Debian's chromium (apt-get install chromium)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])
        if values.get("id"):
            self.ids.add(values["id"])


def _drawn(figures: list[dict], cache: object) -> list[bytes]:
    """reporting.images.render_images in a thread of its own (it runs its own event loop; the sync
    playwright of the ``browser`` fixture may hold this thread's)."""
    from concurrent.futures import ThreadPoolExecutor

    from reporting.build import IMAGE_FORMAT
    from reporting.images import render_images

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(render_images, figures, IMAGE_FORMAT, cache).result()


def test_a_kept_picture_is_reused_and_a_changed_chart_is_drawn_again(tmp_path: Path) -> None:
    from reporting.images import PictureCache

    chart = {"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}], "layout": {"width": 300, "height": 200}}
    changed = {**chart, "data": [{"type": "bar", "x": ["a", "b"], "y": [1, 3]}]}
    cache = PictureCache(tmp_path / "pictures")
    first = _drawn([chart], cache)
    kept = [p for p in (tmp_path / "pictures").iterdir()]
    assert len(kept) == 1 and kept[0].read_bytes() == first[0] and first[0][:4] == b"RIFF"  # a WEBP image
    kept[0].write_bytes(b"the kept picture")  # what the cache holds is what the next build uses
    assert _drawn([chart, changed], cache)[0] == b"the kept picture"
    assert len(list((tmp_path / "pictures").iterdir())) == 2, "the changed chart was not drawn and kept"


def test_a_picture_cache_in_a_folder_the_build_reads_or_writes_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from reporting.build import main

    for folder in (tmp_path / "out", ROOT / "data", ROOT / "notebooks"):
        assert main(["--out", str(tmp_path / "out"), "--picture-cache", str(folder)]) == 2
        assert "must be a folder of its own" in capsys.readouterr().err
    assert not (tmp_path / "out").exists(), "a refused build created its out folder"


def test_a_failing_notebook_fails_the_build_and_is_named(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise ValueError('deliberate failure')")])
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(broken, notebooks / "01_broken.ipynb")
    result = build_reports(tmp_path / "out", FIXTURES / "data", notebooks)
    assert result.returncode == 1
    assert "01_broken.ipynb" in result.stderr and "deliberate failure" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


# --- what the build writes -------------------------------------------------------------------


def test_every_report_the_index_and_the_briefing_are_built(built: Path) -> None:
    expected = sorted([*(f"{n}.html" for n in REPORTS), "index.html", BRIEFING_NAME])
    assert sorted(p.name for p in built.glob("*.html")) == expected
    assert json.loads((built / MANIFEST).read_text())["files"] == expected
    assert not list(built.glob(f"{STAGING_PREFIX}*")), "a staging folder was left behind"


def test_rebuilding_gives_byte_identical_files(builds: Builds) -> None:
    """Two builds of the fixture set from the same executed notebooks (a chart, a map, deal text, tables)."""
    built = builds["fixtures"]
    rebuilt = Builds(builds.shared, builds.executed, builds.executed_fixtures, label="again")["fixtures"]
    first = {p.name: p.read_bytes() for p in built.glob("*.html")}
    second = {p.name: p.read_bytes() for p in rebuilt.glob("*.html")}
    assert first.keys() == second.keys()
    assert [name for name in sorted(first) if first[name] != second[name]] == []


@pytest.mark.parametrize(("kind", "name"), ALL_REPORTS)
def test_report_is_small_self_contained_and_hides_code(builds: Builds, kind: str, name: str) -> None:
    raw = (builds[kind] / f"{name}.html").read_bytes()
    page = raw.decode("utf-8")
    assert len(raw) <= MAX_REPORT_BYTES == 2_500_000
    assert not re.search(r"<(script|img|iframe|link|embed|object)[^>]*\s(src|href|data)=[\"']?(https?:)?//", page, re.I)
    assert "<iframe" not in page.lower() and "require.js" not in page and "MathJax" not in page
    assert "input_area" not in page and "In&nbsp;[" not in page and "Out[" not in page, "code or prompts shown"
    assert "vnd.plotly.v1+json" not in page, "a plotly output was left unconverted"
    assert "eval(" not in page.split('id="c5-figures"')[-1], "the loader must not eval anything"


def test_the_briefing_fits_in_an_email_and_links_only_within_itself(built: Path) -> None:
    raw = (built / BRIEFING_NAME).read_bytes()
    page = raw.decode("utf-8")
    assert len(raw) <= MAX_BRIEFING_BYTES == 4_000_000
    for bundle in ("basic", "geo", "full"):
        assert page.count(f'data-bundle="{bundle}"') <= 1, f"more than one copy of the {bundle} plotly.js bundle"
    states = [j for j in jobs_of(MAIN) if j.parameters.get("country")]
    assert len(re.findall(r'<section class="[^"]*\bc5-state-section\b', page)) == len(states)
    report_charts = sum((built / f"{n}.html").read_text(encoding="utf-8").count('class="c5-chart"') for n in REPORTS)
    assert 0 < page.count('class="c5-chart"') < report_charts, "the briefing carries the essentials, not every chart"
    assert len(re.findall(r"<h1[\s>]", page)) == 1
    parser = _Links()
    parser.feed(page)
    local = [h for h in parser.hrefs if h.startswith("#")]
    assert local and all(h[1:] in parser.ids for h in local), "in-page links that lead nowhere"
    files = {h for h in parser.hrefs if "://" not in h and not h.startswith(("#", "data:", "mailto:"))}
    assert files == set(), f"relative links to other files break when the briefing is emailed alone: {files}"


def test_index_links_resolve_and_show_the_stamp_and_vintage(built: Path) -> None:
    parser = _Links()
    page = (built / "index.html").read_text(encoding="utf-8")
    parser.feed(page)
    targets = sorted({h for h in parser.hrefs if h != "index.html"})
    assert targets == sorted([*(f"{n}.html" for n in REPORTS), BRIEFING_NAME])
    assert all((built / t).is_file() for t in targets)
    assert "C5 Realignment dataset version" in page and "content hashes" not in page
    assert page.count('class="c5-summary"') == len(REPORTS)
    stamp = r"Data as of \d{0,2} ?[A-Z][a-z]+ \d{4}; trade to \d{4} on the states' own records"
    assert re.search(stamp + r"( \(partners' records to \d{4}\))?; built 29 Nov 2025", html.unescape(page))


def _bottom_line_text(page: str) -> str:
    """The bottom line's words as a reader reads them (tags dropped, links' targets ignored)."""
    start = page.index('<section class="c5-bottom-line"')
    section = page[start : page.index("</section>", start)]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section)).split())


def test_the_index_and_the_briefing_open_with_the_same_bottom_line(built: Path) -> None:
    pages = {name: (built / name).read_text(encoding="utf-8") for name in ("index.html", BRIEFING_NAME)}
    for page in pages.values():  # before the list of reports, right after the title and stamp
        assert page.index('id="bottom-line"') < page.index('class="c5-index"')
    index, briefing = (_bottom_line_text(page) for page in pages.values())
    assert index == briefing
    for words in ("Russia", "China", "United States", "Since the summit on 6 Nov 2025", "Key indicators"):
        assert words in index
    assert "Evidence:" in index


@pytest.mark.parametrize(("kind", "name"), ALL_REPORTS)
def test_report_title_and_data_vintage(builds: Builds, kind: str, name: str) -> None:
    data = SETS[kind][1]
    job = next(j for j in jobs_of(kind) if j.name == name)
    page = (builds[kind] / f"{name}.html").read_text(encoding="utf-8")
    title = html.unescape(re.search(r"<title>(.*?)</title>", page, re.DOTALL)[1])
    heading = first_heading(job.notebook).replace("*", "").replace("`", "")
    if job.parameters.get("country"):  # a profile leads with its state, named by ISO 3166
        import pycountry

        state = pycountry.countries.get(alpha_3=job.parameters["country"]).name
        assert title.startswith(f"{state}: ") and "this Central Asian state" not in title, title
    else:
        assert title.startswith(heading)
    assert re.search(r"C5 Realignment dataset version [\w.]+, newest source of \d{1,2} [A-Z][a-z]{2} \d{4}", page)
    digest = hashlib.sha256((data / "deals.csv").read_bytes()).hexdigest()[:12]
    assert digest not in page, "content hashes are for machines, not readers"


# --- in the browser --------------------------------------------------------------------------


# The page's text as a reader meets it (the footer left out: it names data files on purpose).
READER_TEXT = """() => { const f = document.querySelector('footer'); const t = document.body.innerText;
    return f ? t.replace(f.innerText, '') : t; }"""
HEADINGS = "() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
TOOLS_REACHABLE = "bs => bs.every(b => b.tabIndex === 0 && b.getAttribute('aria-label'))"


def desktop(browser: object, path: Path) -> dict:
    """One visit at desktop width with scripts, for every desktop test of the page.

    In order: the reader's text, headings and language as loaded; every chart shown and drawn;
    chart titles and CSV links; the chart tools' keyboard state; requests, console errors and
    dialogs so far; the axe-core accessibility run; then, the charts still drawn, printing
    (:func:`printing`).
    """

    def collect() -> dict:
        import axe_playwright_python

        axe = Path(axe_playwright_python.__file__).with_name("axe.min.js")
        with visit(browser, path) as seen:
            page = seen.page
            found = {"text": page.evaluate(READER_TEXT), "headings": page.evaluate(HEADINGS)}
            found["lang"] = page.evaluate("() => document.documentElement.lang")
            found["charts"] = show_every_chart(page)
            found["downloads"] = page.evaluate(CHART_DOWNLOADS)
            buttons = page.locator("figure.c5-chart .modebar-btn")
            found["tools"], found["tools_reachable"] = buttons.count(), buttons.evaluate_all(TOOLS_REACHABLE)
            found.update(blocked=list(seen.blocked), errors=list(seen.errors), dialogs=list(seen.dialogs))
            page.add_script_tag(path=str(axe))
            # resultTypes: axe details only the violations (the same ones; passes are not listed node by node)
            found["violations"] = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            )
            found["print"] = printing(page)
        return found

    return once(("desktop", str(path)), collect)


@pytest.mark.parametrize(("kind", "name"), [*ALL_REPORTS, pytest.param(MAIN, "c5-realignment-briefing", id="briefing")])
def test_every_chart_draws_offline_when_shown(builds: Builds, browser: object, kind: str, name: str) -> None:
    path = builds[kind] / f"{name}.html"
    seen = desktop(browser, path)
    charts = seen["charts"]
    assert len(charts) == path.read_text(encoding="utf-8").count('class="c5-chart"') > 0
    assert [c for c in charts if not drawn(c)] == [], "charts that did not draw at their slot's width"
    assert seen["blocked"] == [], f"network requests attempted: {seen['blocked']}"
    assert seen["errors"] == [], f"console errors: {seen['errors']}"
    assert seen["dialogs"] == []


def test_the_fixture_map_draws_its_own_shapes_without_the_cdn(builds: Builds, browser: object) -> None:
    seen = desktop(browser, builds["fixtures"] / "02_fixture_map.html")
    maps = [c for c in seen["charts"] if c["choropleth"]]
    shapes = json.loads((FIXTURES / "data" / "boundaries" / "central_asia.geojson").read_text(encoding="utf-8"))
    assert len(maps) == 1 and maps[0]["mapPaths"] == len(shapes["features"])  # every fixture shape
    assert seen["blocked"] == [] and seen["errors"] == []


def test_a_chart_in_a_narrow_window_draws_at_the_narrow_width(built: Path, browser: object) -> None:
    seen = phone(browser, built / f"{BRIEFING_NAME}")  # the phone visit of the briefing, 390 px wide
    charts = seen["charts"]
    assert charts and all(drawn(c) and c["width"] <= 390 for c in charts), charts
    overflow = seen["scroll"]
    assert overflow <= 390, f"the page scrolls sideways at 390 px ({overflow} px wide)"


# Visible state of the chart that has buttons: button labels and which traces show.
TOGGLE_STATE = """() => {
    const div = [...document.querySelectorAll('.c5-figure')].find(d => d.layout && d.layout.updatemenus);
    if (!div) return null;
    return {
        buttons: [...div.querySelectorAll('.updatemenu-button')].map(b => b.textContent.trim()),
        shown: div.data.filter(t => t.visible !== false && t.visible !== 'legendonly').map(t => t.name),
    };
}"""


def test_the_records_toggle_switches_records_offline(built: Path, browser: object) -> None:
    with visit(browser, built / "03_dependency_shift.html") as seen:
        show_every_chart(seen.page)
        before = seen.page.evaluate(TOGGLE_STATE)
        assert before is not None, "no chart with buttons in the dependency-shift report"
        assert before["buttons"] == ["Both records", "Own records", "Partners' records"]
        assert {n.split(": ")[-1] for n in before["shown"]} == {"own records", "partner's records"}
        for label, kept in (("Partners' records", "partner's records"), ("Own records", "own records")):
            seen.page.locator(".updatemenu-button", has_text=label).first.click()
            deadline = time.monotonic() + 20  # plotly may redraw after the click returns: poll, however slow
            while True:
                shown = seen.page.evaluate(TOGGLE_STATE)["shown"]
                if (shown and {n.split(": ")[-1] for n in shown} == {kept}) or time.monotonic() > deadline:
                    break
                seen.page.wait_for_timeout(100)
            assert shown and {n.split(": ")[-1] for n in shown} == {kept}, (label, shown)
        assert seen.blocked == [] and seen.errors == []


def without_scripts(browser: object, path: Path) -> dict:
    """One visit with scripts off: each chart image scrolled to (shown? alt? decoded?), findings, deal rows."""

    def collect() -> dict:
        with visit(browser, path, javascript=False) as seen:
            page = seen.page
            images, shown = page.locator("figure.c5-chart img"), []
            for number in range(images.count()):
                image = images.nth(number)
                image.scroll_into_view_if_needed()
                decoded = image.evaluate("i => i.complete && i.naturalWidth > 0")
                shown.append({"visible": image.is_visible(), "alt": image.get_attribute("alt"), "decoded": decoded})
            findings = page.locator("blockquote li, .c5-summary")
            return {
                "images": shown,
                "live_charts": page.locator("figure.c5-chart .c5-figure:visible").count(),
                "findings": findings.count(),
                "first_finding_shown": findings.count() > 0 and findings.first.is_visible(),
                "deal_rows": len(page.evaluate(DEAL_ROWS)),
                "text": page.locator("body").inner_text(),
                "blocked": list(seen.blocked),
            }

    return once(("no-scripts", str(path)), collect)


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_without_javascript_every_chart_is_an_image_with_alt_text(built: Path, browser: object, name: str) -> None:
    path = built / f"{name}.html"
    expected = path.read_text(encoding="utf-8").count('class="c5-chart"')
    seen = without_scripts(browser, path)
    assert len(seen["images"]) == expected
    for image in seen["images"]:
        assert image["visible"] and image["alt"].strip()
        assert image["decoded"], "an image that does not decode"
    assert seen["live_charts"] == 0
    if name != "index":
        assert seen["findings"] > 0 and seen["first_finding_shown"]
    assert seen["blocked"] == []


@pytest.mark.parametrize("name", CHART_PAGES)
def test_printing_shows_images_that_fit_the_page(built: Path, browser: object, name: str) -> None:
    widths = printed(browser, built / f"{name}.html")["drawn_then_printed"]  # A4 less margins: about 640 CSS px
    assert widths and all(0 < image <= 640 and chart == 0 for image, chart in widths), widths


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_no_serious_accessibility_violations(built: Path, browser: object, name: str) -> None:
    seen = desktop(browser, built / f"{name}.html")
    violations = seen["violations"]
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
    headings = seen["headings"]
    assert headings.count(1) == 1 and headings[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(headings)), f"skipped levels: {headings}"
    assert seen["lang"] == "en"


def test_chart_tools_are_reachable_by_keyboard(built: Path, browser: object) -> None:
    seen = desktop(browser, built / f"{REPORTS[0]}.html")
    assert seen["tools"] > 0
    assert seen["tools_reachable"]


# --- hostile text in the data ----------------------------------------------------------------

# Everything a reader could click or that could style or run: links (HTML and SVG), inline styles,
# images, event handlers.
ACTIVE_CONTENT = """() => {
    const all = [...document.querySelectorAll('*')];
    const href = el => el.getAttribute('href') || el.getAttribute('xlink:href') || '';
    return {
        links: [...document.querySelectorAll('a')].map(href).filter(Boolean),
        planted_styles: all.filter(el => (el.getAttribute('style') || '').toLowerCase().includes('ff0000')).length,
        handlers: all.filter(el => [...el.attributes].some(a => a.name.startsWith('on'))).length,
        planted_images: document.querySelectorAll('img[src="x"], image[href="x"]').length,
        text: document.body.innerText,
        alts: [...document.querySelectorAll('img')].map(i => i.alt),
        legends: [...document.querySelectorAll('.legendtext')].map(t => t.textContent),
        cells: [...document.querySelectorAll('td')].map(c => c.innerText),
        hovers: [...document.querySelectorAll('.c5-figure')].flatMap(d => (d.data || [])
            .flatMap(t => [t.text, t.hovertext, t.customdata].flat(2)).filter(v => typeof v === 'string')),
    };
}"""


def _source_urls(data: Path) -> set[str]:
    with (data / "sources.csv").open(newline="", encoding="utf-8") as handle:
        return {row["url"] for row in csv.DictReader(handle)}


def hostile(browser: object, path: Path) -> dict:
    """One visit of a page built from hostile data: its charts shown, then links, styles, images, text."""

    def collect() -> dict:
        with visit(browser, path) as seen:
            if not path.name.startswith("index"):
                show_every_chart(seen.page, timeout=30)
            found = seen.page.evaluate(ACTIVE_CONTENT)
            seen.page.wait_for_timeout(200)
            found["downloads"] = seen.page.evaluate(CHART_DOWNLOADS)
            found.update(blocked=list(seen.blocked), errors=list(seen.errors), dialogs=list(seen.dialogs))
        return found

    return once(("hostile", str(path)), collect)


@pytest.mark.parametrize("name", HOSTILE_PAGES)
def test_planted_markup_in_data_never_becomes_a_link_style_or_script(
    hostile_built: Path, browser: object, name: str
) -> None:
    allowed = {url for url in _source_urls(SETS[HOSTILE_SET][1]) if url.startswith(("http://", "https://"))}
    found = hostile(browser, hostile_built / f"{name}.html")
    assert found["dialogs"] == [], "a script from the data ran"
    assert [h for h in found["links"] if h.strip().lower().startswith("javascript:")] == []
    foreign = [h for h in found["links"] if "://" in h and h not in allowed]
    assert foreign == [], f"links to sites that are not sources: {foreign[:5]}"
    assert all(EVIL_SITE not in h for h in found["links"])
    assert found["planted_styles"] == 0, "a style from the data was applied"
    assert found["planted_images"] == 0 and found["handlers"] == 0, "an element from the data was created"
    assert all("<" not in alt or "onerror" in alt for alt in found["alts"])  # markup in alt is inert text
    assert found["blocked"] == [] and found["errors"] == []


def test_planted_markup_reaches_a_chart_title_a_legend_a_hover_and_a_table(
    hostile_built: Path, browser: object
) -> None:
    """The hostile build proves something only if the planted text reaches every kind of place."""
    found = hostile(browser, hostile_built / f"{DEAL_TEXT_REPORT}.html")
    planted = "<img src=x onerror=alert(1)>"
    places = {
        "chart title": [c["title"] for c in found["downloads"]],
        "legend": found["legends"],
        "hover": [plain(h) for h in found["hovers"]],
        "table cell": found["cells"],
    }
    assert [place for place, texts in places.items() if not any(planted in t for t in texts)] == []


def test_planted_markup_is_shown_as_text(hostile_built: Path, browser: object) -> None:
    text = hostile(browser, hostile_built / "index.html")["text"]
    text += without_scripts(browser, hostile_built / BRIEFING_NAME)["text"]
    assert "onerror=alert(1)" in text, "the planted text should be visible as plain text somewhere"


# --- faults: the previous reports survive, the user's files are never touched ------------------


@pytest.fixture
def previous(builds: Builds, tmp_path: Path) -> Path:
    """An out folder holding a complete earlier build and two files of the user's own."""
    out = shutil.copytree(builds["fixtures"], tmp_path / "reports")
    (out / "01_my_notes.html").write_text("<p>my notes</p>", encoding="utf-8")
    (out / "99_archive_2024.html").write_text("<p>archive</p>", encoding="utf-8")
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    return out


def _fixture_build(
    out: Path, executed: Path, prefix: tuple[str, ...] = (), cache: Path | None = None, **kwargs: object
) -> subprocess.Popen:
    """The fixture set built into ``out`` from its executed copies (``prefix``: run the command line that way;
    ``cache``: reuse the chart images kept there)."""
    folder, data, names = SETS["fixtures"]
    notebooks = out.parent / "notebooks"
    notebooks.mkdir(exist_ok=True)
    for name in names:
        shutil.copy2(folder / name, notebooks / name)
    env = {**os.environ, **BUILD_ENV, "C5_DATA_DIR": str(data)}
    command = build_command(out, notebooks, executed, cache)
    command = [*prefix, *command[3:]] if prefix else command  # after "python -m reporting"
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )


# The command line, with the build held still right after it wrote the first report into its staging
# folder (a file appears next to the out folder): the test kills it there, mid-write, at no race.
HELD_WHILE_WRITING = """
import sys, time
from pathlib import Path
import reporting.output as output
from reporting.__main__ import main

write, held = output._write, Path(sys.argv[1])

def write_then_hold(path, data):
    write(path, data)
    if path.suffix == ".html":
        held.touch()
        time.sleep(600)

output._write = write_then_hold
sys.exit(main(sys.argv[2:]))
"""


def test_a_build_killed_while_writing_leaves_the_previous_reports(previous: Path, builds: Builds) -> None:
    before = digest_tree(previous)
    held = previous.parent / "held"
    held_build = (sys.executable, "-c", HELD_WHILE_WRITING, str(held))
    process = _fixture_build(previous, builds.reused("fixtures"), held_build, builds.picture_cache)
    deadline = time.monotonic() + 600
    while process.poll() is None and not held.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate()
    assert held.exists() and process.returncode == -signal.SIGKILL, f"the build never reached its write: {stderr}"
    staging = [p for p in previous.glob(f"{STAGING_PREFIX}*") if p.is_dir() and any(p.glob("*.html"))]
    assert staging, "the build was not killed while writing"
    after = {name: digest for name, digest in digest_tree(previous).items() if not name.startswith(STAGING_PREFIX)}
    assert after == before, "the previous reports changed"
    again = _fixture_build(previous, builds.reused("fixtures"), cache=builds.picture_cache)
    _, stderr = again.communicate(timeout=600)
    assert again.returncode == 0, stderr
    assert not list(previous.glob(f"{STAGING_PREFIX}*")), "the next build did not clear the killed build's staging"
    for own in ("01_my_notes.html", "99_archive_2024.html", "notes.txt"):
        assert digest_tree(previous)[own] == before[own]


def _limit_file_size(limit: int = 400_000) -> None:
    """A 400 kB limit per file, inherited by the build's kernels and Chromium: a full disk."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_leaves_the_previous_reports_and_says_so(previous: Path, builds: Builds) -> None:
    """Chromium needs bigger files than the limit allows, so the build fails before it writes."""
    before = digest_tree(previous)
    process = _fixture_build(previous, builds.reused("fixtures"), preexec_fn=_limit_file_size)
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 1
    assert stderr.startswith("Report build failed: ") and len(stderr.splitlines()) <= 3, stderr
    assert "Traceback" not in stderr
    assert digest_tree(previous) == before


WRITE_NEW_SET = """
import sys
from pathlib import Path
from reporting.output import OutputError, publish
files = {"01_fixture_trade.html": b"new" * 1000, "c5-realignment-briefing.html": b"big" * 1_000_000}
try:
    publish(Path(sys.argv[1]), files)
except OutputError as err:
    print(err, file=sys.stderr)
    sys.exit(1)
"""


def test_a_disk_that_fills_while_writing_leaves_the_previous_reports(previous: Path) -> None:
    """The write phase alone under a 1 MB file limit: the first file fits, the briefing does not."""
    before = digest_tree(previous)
    result = subprocess.run(
        [sys.executable, "-c", WRITE_NEW_SET, str(previous)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=lambda: _limit_file_size(1_000_000),
    )  # fmt: skip
    assert result.returncode == 1
    assert "could not write the reports" in result.stderr and "unchanged" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert digest_tree(previous) == before
    assert not list(previous.glob(f"{STAGING_PREFIX}*")), "the failed write left its staging folder"


def test_a_build_deletes_only_reports_it_wrote_before(previous: Path, builds: Builds) -> None:
    manifest = json.loads((previous / MANIFEST).read_text())
    manifest["files"].append("07_removed_report.html")  # a report whose notebook was deleted since
    (previous / MANIFEST).write_text(json.dumps(manifest))
    (previous / "07_removed_report.html").write_text("old report")
    (previous / "08_someone_elses.html").write_text("not ours")
    process = _fixture_build(previous, builds.reused("fixtures"), cache=builds.picture_cache)
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    assert not (previous / "07_removed_report.html").exists()
    for own in ("01_my_notes.html", "99_archive_2024.html", "notes.txt", "08_someone_elses.html"):
        assert (previous / own).exists(), f"the build deleted {own}"


# --- the reader's words ----------------------------------------------------------------------

# What a reader must never meet: missing-value markers, markup, tool and function names, ids,
# booleans, notebook references, data file paths and snake_case codes. URLs are left alone, and
# so is the footer (its data-version line names each data file with its hash, on purpose).
_URLS = re.compile(r"(?:https?://|www\.)\S+")
CODE_SEEN = re.compile(
    r"<NA>|<br\s*/?>|papermill|helpers\.|\w_id\b|\bTrue\b|\bFalse\b|\b(?:nan|NaN)\b"
    r"|(?:^|\t)None\.?(?=\t|$)|\bthis notebook\b|\bnotebooks? 0\d|\bdata/\S+"
    r"|\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b",
    re.MULTILINE | re.IGNORECASE,
)


def code_in_text(text: str) -> list[str]:
    """Each place in a page's text where a reader meets code, quoted with its context."""
    text = _URLS.sub(" ", text)
    return [
        f"{m[0]!r} in ...{text[max(0, m.start() - 50) : m.end() + 50]!r}..."
        for m in CODE_SEEN.finditer(text)
        if not (m[0].lower() == "none" and m[0] != "None")  # "none" in a cell is a word; None is Python's
    ]


def test_the_code_check_finds_each_kind_of_code() -> None:
    samples = [
        "Value\t<NA>", "a<br>b", "papermill sets it", "helpers.text.table", "Contained in kaz_mou_id", "Yes\tTrue",
        "False", "share nan", "Stage\tNone", "read this notebook", "see notebook 01", "data/deals.csv: 45",
        "multi_source", "overlaps_deal_id",
    ]  # fmt: skip
    assert [s for s in samples if not code_in_text(s)] == []
    prose = "None of it is binding; see the deal tracker at https://example.org/a_b_c?x_y=1. Notebooks 1-6."
    assert code_in_text(prose) == []


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_readers_see_words_not_code(built: Path, browser: object, name: str) -> None:
    text = desktop(browser, built / f"{name}.html")["text"]
    found = code_in_text(text)
    assert found == [], f"{name}: {len(found)} code token(s) a reader sees:\n" + "\n".join(found[:30])
    if name in REPORTS:
        assert text.count("Key findings") == 1, f"{name}: 'Key findings' should appear once"


# --- chart titles, CSV downloads, phones and paper -------------------------------------------

# Per chart: its title as shown, whether it is visible, its download links and the traces plotly
# drew (arrays as plain lists; typed arrays included).
CHART_DOWNLOADS = """() => [...document.querySelectorAll('figure.c5-chart')].map(chart => {
    const title = chart.querySelector('.c5-chart-title');
    const list = a => (a && typeof a === 'object' && a.length !== undefined) ? Array.from(a) : null;
    return {
        title: title ? title.innerText.trim() : '',
        titleShown: !!title && title.getBoundingClientRect().height > 0
            && getComputedStyle(title).visibility === 'visible',
        links: [...chart.querySelectorAll('a[download]')]
            .map(a => ({href: a.href, name: a.download, text: a.innerText})),
        traces: (chart.querySelector('.c5-figure')._fullData || []).filter(t => t.visible !== false).map(t => ({
            type: t.type, name: chart.querySelector('.c5-figure').data[t.index].name || '',
            mode: t.mode || '', orientation: t.orientation || '',
            x: list(t.x), y: list(t.y), z: list(t.z), lat: list(t.lat), lon: list(t.lon), locations: list(t.locations),
        })),
    };
})"""


def _decoded_csv(href: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    header, _, payload = href.partition(",")
    assert header == "data:text/csv;charset=utf-8;base64", header
    rows = list(csv.reader(io.StringIO(base64.b64decode(payload).decode("utf-8"))))
    blank = rows.index([])
    head = {r[0]: r[1] for r in rows[:blank] if len(r) == 2}
    return head, [dict(zip(rows[blank + 1], r, strict=True)) for r in rows[blank + 2 :]]


def _plotted_values(trace: dict) -> list[float]:
    """The values a named line or bar trace draws, read from plotly in the page (a bar's length, a line's height)."""
    if not trace["name"] or not (trace["type"] == "bar" or "lines" in trace["mode"]):
        return []  # markers on rows of deals or scenario rows, maps and helper lines are checked in the notebooks
    values = trace["x"] if trace["type"] == "bar" and trace["orientation"] == "h" else trace["y"]
    return [float(v) for v in values or [] if isinstance(v, int | float) and not math.isnan(v)]


@pytest.mark.parametrize("name", CHART_PAGES)
def test_every_chart_has_a_visible_title_and_one_csv_of_its_plotted_table(
    built: Path, browser: object, name: str
) -> None:
    """The CSV under each chart: the chart's title, units and source line, then the table the chart
    was drawn from, in reader words; every bar and line value drawn is in it as shown (tests in
    test_chart_readability check markers and maps against the notebooks' figures)."""
    seen = desktop(browser, built / f"{name}.html")
    charts = seen["downloads"]
    assert seen["blocked"] == [] and seen["errors"] == []
    assert charts
    for chart in charts:
        assert chart["title"] and chart["titleShown"], f"a chart without a visible title: {chart['title']!r}"
        assert len(chart["links"]) == 1 and chart["links"][0]["text"] == "Download the data (CSV)"
        assert chart["links"][0]["name"].endswith(".csv")
        head, rows = _decoded_csv(chart["links"][0]["href"])
        assert head["Chart"] == chart["title"] and "Units" in head and head["Note"].startswith("Source: ")
        assert rows and not [c for c in rows[0] if "_" in c or not c[:1].isupper()], (chart["title"], list(rows[0]))
        numbers = [float(v) for row in rows for v in row.values() if is_number(v)]
        drawn = [v for trace in chart["traces"] for v in _plotted_values(trace)]
        missing = [v for v in drawn if not any(abs(n - v) <= 0.05 + 1e-9 for n in numbers)]
        assert not missing, (chart["title"], missing[:5])


def test_markup_in_the_data_is_text_in_the_csv(hostile_built: Path, browser: object) -> None:
    charts = hostile(browser, hostile_built / f"{DEAL_TEXT_REPORT}.html")["downloads"]
    tables = [_decoded_csv(c["links"][0]["href"])[1] for c in charts]
    cells = [value for rows in tables for row in rows for value in row.values()]
    assert any("<img src=x onerror=alert(1)>" in value for value in cells), "the planted text should be in a CSV"
    formulas = [v for v in cells if v.startswith(("=", "+", "@")) or (v.startswith("-") and not is_number(v))]
    assert formulas == [], formulas


PHONE = 390
SCROLL_WIDTH = "() => document.scrollingElement.scrollWidth"


# What a drawn plotly chart shows that a reader must read: legend items, axis and panel titles, tick
# labels, annotations. Pairs of them whose boxes overlap by more than OVERLAP_PX both ways are listed
# (a two-line tick label may touch its neighbour by a pixel or two).
OVERLAP_PX = 3
LABEL_OVERLAPS = """([div, tolerance]) => {
    const box = (e, kind) => { const r = e.getBoundingClientRect();
        return {kind, text: (e.textContent || '').trim().slice(0, 40), l: r.left, r: r.right, t: r.top, b: r.bottom}; };
    const items = [...div.querySelectorAll('g.legend g.traces')].map(e => box(e, 'legend'));
    for (const e of div.querySelectorAll('.infolayer g[class*="title"] text')) {
        const cls = e.parentNode.getAttribute('class') || '';
        items.push(box(e, /^g-x/.test(cls) ? 'x title' : /^g-y/.test(cls) ? 'y title' : 'title'));
    }
    for (const e of div.querySelectorAll('.xtick text')) items.push(box(e, 'x tick'));
    for (const e of div.querySelectorAll('.ytick text')) items.push(box(e, 'y tick'));
    for (const e of div.querySelectorAll('g.annotation text')) items.push(box(e, 'annotation'));
    const shown = items.filter(b => b.r - b.l > 1 && b.b - b.t > 1), found = [];
    for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) {
        const a = shown[i], b = shown[j];
        if (a.kind === 'legend' && b.kind === 'legend') continue;
        const w = Math.min(a.r, b.r) - Math.max(a.l, b.l), h = Math.min(a.b, b.b) - Math.max(a.t, b.t);
        if (w > tolerance && h > tolerance) found.push(`${a.kind} "${a.text}" on ${b.kind} "${b.text}"`);
    }
    return found;
}"""
# Per drawn chart: its labels that overlap, and its narrowest panel as a share of the plot area's width.
LIVE_LABELS = """(tolerance) => [...document.querySelectorAll('figure.c5-chart.c5-live .c5-figure')].map(div => {
    const axes = Object.values(div._fullLayout || {}).filter(a => a && a._id && /^x\\d*$/.test(a._id) && a.visible
        && a._length);
    return {id: div.id, overlaps: (OVERLAPS)([div, tolerance]),
            panel: axes.length < 2 ? 1 : Math.min(...axes.map(a => a._length / div._fullLayout._size.w))};
})""".replace("(OVERLAPS)", "(" + LABEL_OVERLAPS + ")")


def phone(browser: object, path: Path) -> dict:
    """One visit at phone width: every chart shown (not on the index), what sticks out, the page's
    width, and per chart its overlapping labels and narrowest panel."""

    def collect() -> dict:
        with visit(browser, path, width=PHONE) as seen:
            charts = show_every_chart(seen.page) if not path.name.startswith("index") else []
            wide = seen.page.evaluate(
                """(limit) => [...document.querySelectorAll(
                        'figure.c5-chart, figure.c5-chart > *, .c5-chart .main-svg, .c5-deals-wrap, .c5-deals-tools')]
                    .filter(e => e.getBoundingClientRect().right > limit + 0.5)
                    .map(e => e.tagName + ' ' + (e.getAttribute('class') || ''))""",
                PHONE,
            )
            labels = seen.page.evaluate(LIVE_LABELS, OVERLAP_PX) if charts else []
            return {"charts": charts, "wide": wide, "scroll": seen.page.evaluate(SCROLL_WIDTH), "labels": labels}

    return once(("phone", str(path)), collect)


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_on_a_phone_nothing_scrolls_sideways_and_every_chart_fits(built: Path, browser: object, name: str) -> None:
    seen = phone(browser, built / f"{name}.html")
    charts = seen["charts"]
    assert all(drawn(c) and c["width"] <= PHONE for c in charts), charts
    assert seen["scroll"] <= PHONE
    assert seen["wide"] == [], f"wider than the phone: {seen['wide'][:5]}"


@pytest.mark.parametrize("name", CHART_PAGES)
def test_on_a_phone_no_legend_title_or_label_overlaps_another(built: Path, browser: object, name: str) -> None:
    """Live at 390 px: legends, axis and panel titles, tick labels and annotations keep apart."""
    labels = phone(browser, built / f"{name}.html")["labels"]
    assert labels, "no chart drawn"
    found = {chart["id"]: chart["overlaps"][:4] for chart in labels if chart["overlaps"]}
    assert not found, found


@pytest.mark.parametrize("name", CHART_PAGES)
def test_on_a_phone_every_panel_of_a_grid_is_readable(built: Path, browser: object, name: str) -> None:
    """Live at 390 px a grid's panels stack in one column: each as wide as the plot area (inside the
    margins), never three 110 px panels side by side."""
    labels = phone(browser, built / f"{name}.html")["labels"]
    narrow = {chart["id"]: round(chart["panel"], 2) for chart in labels if chart["panel"] < 0.9}
    assert not narrow, f"panels narrower than 90 % of the plot area: {narrow}"


NOTEBOOK_FILES = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0[1-6]_*.ipynb"))
DRAW_PICTURE = """async ([figure, tolerance]) => {
    const div = document.getElementById('chart');
    Plotly.purge(div);
    await Plotly.newPlot(div, figure.data, figure.layout, {...figure.config, staticPlot: true});
    const axes = Object.values(div._fullLayout).filter(a => a && a._id && /^x\\d*$/.test(a._id) && a.visible
        && a._length);
    const width = div._fullLayout._size.w;
    const panel = axes.length < 2 ? 1 : Math.min(...axes.map(a => a._length / width));
    return {overlaps: (OVERLAPS)([div, tolerance]), panel};
}""".replace("(OVERLAPS)", "(" + LABEL_OVERLAPS + ")")


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.stem)
def test_no_picture_has_overlapping_labels_and_a_phone_picture_has_readable_panels(browser: object, path: Path) -> None:
    """Each chart's pictures (desktop, and phone at NARROW_WIDTH) drawn as the build draws them:
    no legend, title or label on another, and on the phone picture every panel as wide as the plot area."""
    from plotly.offline import get_plotlyjs

    from reporting.bundle import figure_config
    from reporting.chart_text import without_text
    from reporting.images import figure_size, picture

    charts = figures(nbformat.read(path, as_version=4))
    context = browser.new_context()
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("data:") else route.abort())
    page.set_content("<!DOCTYPE html><html><body style='margin:0'><div id='chart'></div></body></html>")
    page.add_script_tag(content=get_plotlyjs())
    found = {}
    try:
        for number, figure in enumerate(charts, start=1):
            drawable = without_text({key: figure.get(key, {}) for key in ("data", "layout", "config")})
            drawable = {**drawable, "config": figure_config(drawable)}
            for width in (None, NARROW_WIDTH):
                drawn = picture(drawable, width)
                drawn["layout"]["width"], drawn["layout"]["height"] = figure_size(drawn)
                seen = page.evaluate(DRAW_PICTURE, [drawn, OVERLAP_PX])
                if seen["overlaps"] or (width and seen["panel"] < 0.9):
                    found[f"chart {number} at {figure_size(drawn)[0]} px"] = seen
    finally:
        context.close()
    assert charts and not found, found


PICTURES = """() => [...document.querySelectorAll('figure.c5-chart img.c5-static')].map(i => ({
    natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
    inPicture: i.closest('picture') !== null}))"""


def test_without_scripts_a_phone_gets_the_phone_picture(built: Path, browser: object) -> None:
    path = built / "03_dependency_shift.html"
    for width, natural in ((PHONE, NARROW_WIDTH), (1280, None)):
        with visit(browser, path, javascript=False, width=width) as seen:
            seen.page.wait_for_function("() => [...document.images].every(i => i.complete)")
            pictures = seen.page.evaluate(PICTURES)
        assert pictures and all(p["inPicture"] for p in pictures), "every chart image sits in a <picture>"
        if natural:
            assert all(p["natural"] == natural and p["shown"] <= PHONE for p in pictures), pictures
        else:
            assert all(p["natural"] > NARROW_WIDTH for p in pictures), pictures
        assert seen.blocked == []


# Printable width in CSS px: the paper less Chromium's default print margins (about 0.4 in a side).
PAPERS = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}


PRINT_BOXES = """() => [...document.querySelectorAll('figure.c5-chart')].map(f => {
    const box = e => e ? e.getBoundingClientRect() : {left: 0, right: 0, width: 0, height: 0};
    const image = box(f.querySelector('img')), title = box(f.querySelector('.c5-chart-title'));
    return {left: image.left, right: image.right, image: image.width, title: title.height,
            titleRight: title.right, chart: box(f.querySelector('.c5-figure')).width};
})"""
PRINT_WIDTHS = """() => [...document.querySelectorAll('figure.c5-chart')].map(f => [
    f.querySelector('img').getBoundingClientRect().width,
    f.querySelector('.c5-figure').getBoundingClientRect().width])"""


def printing(page: object) -> dict:
    """Print media on a page whose charts are drawn (print must still use the images): at 640 px, A4
    less margins, image and chart widths; then at each paper's printable width: boxes, page and table
    widths, a PDF."""
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 640, "height": 900})
    found: dict = {"drawn_then_printed": page.evaluate(PRINT_WIDTHS)}
    for paper, (inches, _) in PAPERS.items():
        width = int((inches - 0.8) * 96)
        page.set_viewport_size({"width": width, "height": 900})
        found[paper] = {
            "boxes": page.evaluate(PRINT_BOXES),
            "scroll": page.evaluate(SCROLL_WIDTH),
            "tables": page.evaluate(
                "() => [...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().right)"
            ),
            "pdf": page.pdf(format=paper)[:4],
        }
    return found


def printed(browser: object, path: Path) -> dict:
    """What printing showed at the end of the page's desktop visit (:func:`desktop`)."""
    return desktop(browser, path)["print"]


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("name", CHART_PAGES)
def test_printed_on_a4_and_letter_every_chart_and_title_fits_the_page(
    built: Path, browser: object, name: str, paper: str
) -> None:
    width = int((PAPERS[paper][0] - 0.8) * 96)
    seen = printed(browser, built / f"{name}.html")[paper]
    boxes, scroll, tables = seen["boxes"], seen["scroll"], seen["tables"]
    assert seen["pdf"] == b"%PDF"
    assert boxes and scroll <= width and all(right <= width for right in tables), (scroll, tables)
    for box in boxes:
        assert box["image"] > 0 and box["left"] >= 0 and box["right"] <= width and box["chart"] == 0, box
        assert box["title"] > 0 and box["titleRight"] <= width, box


# --- the list of every deal ------------------------------------------------------------------

DEAL_ROWS = """() => [...document.querySelectorAll('table.c5-deals tbody tr')].filter(r => !r.hidden && r.offsetParent)
    .map(r => [...r.cells].map(c => c.dataset.sort !== undefined ? c.dataset.sort : c.innerText.trim()))"""


def _deal_rows() -> list[dict[str, str]]:
    with (DATA_DIR / "deals.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_deal_list_filters_as_you_type_and_sorts_by_value(built: Path, browser: object) -> None:
    deals = _deal_rows()
    titles = {d["deal_id"]: d["title"] for d in deals}
    query = "tajikistan"
    with (DATA_DIR / "sources.csv").open(newline="", encoding="utf-8") as handle:
        publishers = {row["source_id"]: row["publisher"] for row in csv.DictReader(handle)}
    shown_text = [
        f"{country_name(d['country'])} {d['title']} {d['us_party']} {titles.get(d['overlaps_deal_id'], '')} "
        f"{publishers[d['source_id']]}"
        for d in deals
    ]
    expected = sorted(d["title"] for d, text in zip(deals, shown_text, strict=True) if query in text.lower())
    path = built / "01_deal_tracker.html"
    assert without_scripts(browser, path)["deal_rows"] == len(deals), "without scripts every deal shows"
    with visit(browser, path) as seen:
        page = seen.page
        assert page.locator(".c5-deals-count").inner_text() == f"{len(deals)} of {len(deals)} deals"
        page.get_by_label("Search the deals").press_sequentially(query, delay=10)
        shown = page.evaluate(DEAL_ROWS)
        assert sorted(r[1] for r in shown) == expected and expected
        assert page.locator(".c5-deals-count").inner_text() == f"{len(expected)} of {len(deals)} deals"
        page.get_by_label("Search the deals").fill("")
        value = page.locator("table.c5-deals th", has_text="Value")
        value.locator("button").click()
        assert value.get_attribute("aria-sort") == "ascending"
        stated = sorted(float(d["value_usd_m"]) for d in deals if d["value_usd_m"])
        blanks = [""] * (len(deals) - len(stated))
        assert [r[5] for r in page.evaluate(DEAL_ROWS)] == [f"{v:.10g}" for v in stated] + blanks
        value.locator("button").press("Enter")  # a keyboard user sorts the same way
        assert value.get_attribute("aria-sort") == "descending"
        assert [r[5] for r in page.evaluate(DEAL_ROWS)] == [f"{v:.10g}" for v in reversed(stated)] + blanks
        assert seen.errors == []


# --- the printed briefing (issue 22) ----------------------------------------------------------


def _printed_pages(browser: object, path: Path, folder: Path) -> list[str]:
    """The briefing printed to A4 PDF by Chromium, as each page's text (pdftotext)."""
    page = browser.new_page()
    local = ("file:", "data:", "blob:")
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(local) else route.abort())
    page.goto(path.as_uri(), wait_until="load")
    page.emulate_media(media="print")
    pdf = folder / "briefing.pdf"
    pdf.write_bytes(page.pdf(format="A4"))
    page.close()
    poppler = {tool: shutil.which(tool) for tool in ("pdfinfo", "pdftotext")}
    missing = [tool for tool, found in poppler.items() if not found]
    assert not missing, f"{', '.join(missing)} missing: apt-get install poppler-utils (see README)"
    info = subprocess.run([poppler["pdfinfo"], str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])
    text = subprocess.run([poppler["pdftotext"], "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    pages = text.split("\f")[:count]
    assert len(pages) == count
    return pages


def test_the_briefing_prints_on_30_pages_verdict_first_each_state_on_a_new_page(
    built: Path, browser: object, tmp_path: Path
) -> None:
    pages = _printed_pages(browser, built / BRIEFING_NAME, tmp_path)
    assert len(pages) <= 30, f"{len(pages)} A4 pages"
    first = " ".join(pages[0].split())
    assert "The bottom line" in first and "Key indicators" in first and "Since the summit on 6 Nov 2025" in first
    starts = [" ".join(p.split())[:40] for p in pages]
    for job in jobs_of(MAIN):
        if job.parameters.get("country"):
            state = country_name(job.parameters["country"])
            assert any(start.startswith(f"{state} Key indicators") for start in starts), (state, starts)
    assert len(" ".join(pages[-1].split())) > 300, "a near-empty last page"
    minutes = re.search(r"Reading time: about (\d+) minutes", " ".join(" ".join(pages).split()))
    assert minutes and int(minutes[1]) <= 20


def test_every_abbreviation_of_the_glossary_is_spelled_out_in_the_briefing(built: Path) -> None:
    from helpers.narrative.glossary import ABBREVIATIONS

    page = html.unescape((built / BRIEFING_NAME).read_text(encoding="utf-8"))
    for abbreviation, meaning in ABBREVIATIONS.items():
        assert f"<dt>{abbreviation}</dt><dd>{meaning}</dd>" in page, abbreviation
