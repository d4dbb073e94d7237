"""Shared tools of the report tests: building reports with the command line, and Chromium visits.

A page is visited once per width and mode (desktop then printing, phone, no scripts) and everything the
tests need is collected in that visit (``once``); the tests then assert on what was collected.

Not a test module: tests/test_reports.py imports it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BAD_CONSOLE = {"error", "warning", "trace", "assert"}
# A fixed build date, so two builds of the same data are byte-identical whatever the clock says.
BUILD_ENV = {"SOURCE_DATE_EPOCH": "1764374400"}  # 29 November 2025


def build_command(
    out: Path | str, notebooks_dir: Path, executed: Path | None = None, picture_cache: Path | None = None
) -> list[str]:
    """The README's command (``python -m reporting --out DIR``) for a notebooks folder.

    ``executed``: a folder of those notebooks already executed on the same data, reused by the build;
    ``picture_cache``: a folder of chart images kept between builds (``--picture-cache``).
    """
    command = [sys.executable, "-m", "reporting", "--out", str(out), "--notebooks", str(notebooks_dir)]
    command += ["--executed", str(executed)] if executed else []
    return [*command, "--picture-cache", str(picture_cache)] if picture_cache else command


def build_reports(
    out: Path | str,
    data_dir: Path,
    notebooks_dir: Path,
    executed: Path | None = None,
    picture_cache: Path | None = None,
    **kwargs: object,
) -> subprocess.CompletedProcess:
    """Run the build against a data folder; return the finished process (output captured)."""
    env = {**os.environ, **BUILD_ENV, "C5_DATA_DIR": str(data_dir)}
    return subprocess.run(
        build_command(out, notebooks_dir, executed, picture_cache),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        **kwargs,
    )


def digest_tree(folder: Path) -> dict[str, str]:
    """Every file under a folder with its hash (hidden staging folders included)."""
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


_COLLECTED: dict[tuple[str, ...], dict] = {}


def once(key: tuple[str, ...], collect: Callable[[], dict]) -> dict:
    """What ``collect`` gathered in its visit, collected on first use in this test process."""
    if key not in _COLLECTED:
        _COLLECTED[key] = collect()
    return _COLLECTED[key]


@dataclass
class Visit:
    """What happened while a page was open: blocked requests, console errors, dialogs."""

    page: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextmanager
def visit(
    browser: object, path: Path, javascript: bool = True, width: int = 1280, media: str | None = None
) -> Iterator[Visit]:
    """Open a page from disk with every request other than ``file:`` aborted and counted."""
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": width, "height": 900})
    page = context.new_page()
    seen = Visit(page)

    def route(request_route: object) -> None:
        if request_route.request.url.startswith("file:"):
            request_route.continue_()
        else:
            seen.blocked.append(request_route.request.url)
            request_route.abort()

    def on_dialog(dialog: object) -> None:
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    context.route("**/*", route)
    page.on("console", lambda message: message.type in BAD_CONSOLE and seen.errors.append(message.text))
    page.on("pageerror", lambda error: seen.errors.append(f"pageerror: {error}"))
    page.on("dialog", on_dialog)
    if media:
        page.emulate_media(media=media)
    page.goto(path.as_uri(), wait_until="load")
    try:
        yield seen
    finally:
        context.close()


# Per chart: drawn by plotly?, its width and its container's width, traces drawn, map shapes.
CHART_STATE = """() => [...document.querySelectorAll('figure.c5-chart')].map(chart => {
    const div = chart.querySelector('.c5-figure');
    const data = div.data || [];
    return {
        id: div.id,
        plotted: !!div._fullLayout && chart.classList.contains('c5-live'),
        width: Math.round(div.getBoundingClientRect().width),
        svgWidth: Math.round((div.querySelector('svg.main-svg') || {getBoundingClientRect: () => ({width: 0})})
            .getBoundingClientRect().width),
        slot: Math.round(chart.getBoundingClientRect().width),
        traces: data.length,
        drawnTraces: div.querySelectorAll('g.trace, g.table').length,
        choropleth: data.some(t => t.type === 'choropleth'),
        mapPaths: div.querySelectorAll('.choroplethlocation').length,
    };
})"""


def drawn(chart: dict) -> bool:
    """A chart counts as drawn when plotly laid it out at its slot's width with its traces."""
    if not chart["plotted"] or chart["svgWidth"] == 0 or abs(chart["svgWidth"] - chart["slot"]) > 2:
        return False
    if chart["traces"] and chart["drawnTraces"] == 0:
        return False
    return not chart["choropleth"] or chart["mapPaths"] >= 5


def show_every_chart(page: object, timeout: float = 60.0) -> list[dict]:
    """Scroll each chart into view (charts draw when shown), then poll until all have drawn."""
    charts = page.locator("figure.c5-chart")
    for number in range(charts.count()):
        charts.nth(number).scroll_into_view_if_needed()
        page.wait_for_timeout(30)
    deadline = time.monotonic() + timeout
    while True:
        state = page.evaluate(CHART_STATE)
        if all(drawn(chart) for chart in state) or time.monotonic() > deadline:
            page.wait_for_timeout(200)  # let late console errors arrive
            return state
        for number, chart in enumerate(state):  # charts drawn while scrolling past may need another look
            if not chart["plotted"]:
                charts.nth(number).scroll_into_view_if_needed()
        page.wait_for_timeout(200)
