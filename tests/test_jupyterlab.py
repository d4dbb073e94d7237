"""The notebooks as an analyst sees them: a real JupyterLab, driven in Debian's Chromium.

The session's one JupyterLab server (tests/conftest.py, shared with test_text_in_jupyterlab.py)
serves the repository; each committed notebook is opened (its stored outputs render before any
cell runs) and read from the DOM: no output is typeset as maths, every chart shows its title, no
chart offers Plotly's cloud "share"/"edit" buttons or logo, and the notebook is not marked
modified by the mere act of opening it.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from tests.notebook_runs import figures

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
INSTALLED_KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
IDLE = ".jp-Notebook-ExecutionIndicator[data-status='idle'], .jp-mod-idle"
MATH = ("mjx-container", ".MathJax", ".MathJax_Display", ".katex", ".jp-RenderedLatex")
CLOUD = ("[data-title*='Chart Studio']", "[data-title*='Share']", ".modebar-btn--logo", "a[href*='plotly.com']")


def within(scope: str, selectors: tuple[str, ...]) -> str:
    """One CSS selector list matching each selector inside ``scope``."""
    return ", ".join(f"{scope} {selector}" for selector in selectors)


def list_notebooks(port: int, token: str) -> list[str] | None:
    """Names in ``notebooks/`` from the contents API, or None when the server does not answer."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/contents/notebooks", headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            listing = json.load(response)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None
    return sorted(item["name"] for item in listing["content"] if item["type"] == "notebook")


@pytest.fixture(scope="module")
def lab(jupyter_lab: tuple[int, str]) -> tuple[int, str]:
    """The session's JupyterLab server (tests/conftest.py), listing exactly the committed notebooks."""
    listed = list_notebooks(*jupyter_lab)
    assert listed == NOTEBOOKS, f"listed {listed}, expected {NOTEBOOKS}"
    return jupyter_lab


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium through playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield chromium
        chromium.close()


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_carries_the_installed_kernel_name(name: str) -> None:
    spec = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))["metadata"]["kernelspec"]
    assert {key: spec.get(key) for key in INSTALLED_KERNEL} == INSTALLED_KERNEL


@pytest.fixture(scope="module")
def opened(lab: tuple[int, str], browser: object) -> dict[str, dict]:
    """Every committed notebook opened at once, each in its own page and fresh workspace (nothing
    else open), and read once its stored charts have drawn: charts, maths, titles, cloud buttons,
    whether it is marked modified, and its bytes on disk before and after.

    The pages load side by side: JupyterLab draws a notebook's charts one after another as they
    scroll into view, mostly waiting, so seven notebooks take about the time of the slowest.
    """
    port, token = lab
    before = {name: (ROOT / "notebooks" / name).read_bytes() for name in NOTEBOOKS}
    expected = {name: len(figures(nbformat.reads(before[name], as_version=4))) for name in NOTEBOOKS}
    pages = {}
    try:
        for name in NOTEBOOKS:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            workspace = name.split(".")[0]
            page.goto(
                f"http://127.0.0.1:{port}/lab/workspaces/{workspace}/tree/notebooks/{name}?reset&token={token}",
                wait_until="domcontentloaded",
            )
            pages[name] = page
        waiting, deadline = set(NOTEBOOKS), time.monotonic() + 180
        while waiting and time.monotonic() < deadline:
            for name in sorted(waiting):
                page = pages[name]
                if not page.locator(f"{PANEL} .jp-Cell").count() or not page.locator(IDLE).count():
                    continue
                page.mouse.move(700, 600)  # over the notebook: JupyterLab renders cells as they scroll into view
                page.mouse.wheel(0, 4000)
                if page.locator(f"{PANEL} .js-plotly-plot").count() >= expected[name]:
                    waiting.discard(name)
            pages[NOTEBOOKS[0]].wait_for_timeout(300)
        pages[NOTEBOOKS[0]].wait_for_timeout(1500)  # time for a late change to mark a notebook modified
        seen = {}
        for name, page in pages.items():
            charts = page.locator(f"{PANEL} .js-plotly-plot")
            maths = page.locator(within(f"{PANEL} .jp-OutputArea", MATH))
            seen[name] = {
                "opened": page.locator(f"{PANEL} .jp-Cell").count() > 0,
                "expected": expected[name],
                "charts": charts.count(),
                "maths": [maths.nth(i).inner_text()[:200] for i in range(maths.count())],
                "titles": [t.strip() for t in charts.locator(".gtitle").all_text_contents()],
                "untitled": charts.count() - charts.filter(has=page.locator(".gtitle")).count(),
                "cloud": page.locator(within(PANEL, CLOUD)).count(),
                "dirty": page.locator(".jp-NotebookPanel.jp-mod-dirty, .lm-TabBar-tab.jp-mod-dirty").count(),
            }
    finally:
        for page in pages.values():
            page.close()
    for name in NOTEBOOKS:
        seen[name]["unchanged"] = (ROOT / "notebooks" / name).read_bytes() == before[name]
    return seen


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_reads_right_in_jupyterlab(name: str, opened: dict[str, dict]) -> None:
    seen = opened[name]
    assert seen["opened"], "the notebook did not open"
    assert seen["charts"] == seen["expected"], f"{seen['charts']} charts drawn, {seen['expected']} stored"
    assert seen["maths"] == [], f"maths typeset in outputs: {seen['maths'][0]!r}"
    assert seen["untitled"] == 0 and len(seen["titles"]) == seen["charts"] and all(seen["titles"]), (
        f"charts without a title: {seen['titles']}"
    )
    assert seen["cloud"] == 0, "a chart offers Plotly's cloud buttons or logo"
    assert seen["dirty"] == 0, "the notebook is marked modified by opening it"
    assert seen["unchanged"], "opening the notebook rewrote it on disk"
