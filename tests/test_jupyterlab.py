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

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
INSTALLED_KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
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


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_reads_right_in_jupyterlab(name: str, lab: tuple[int, str], browser: object) -> None:
    port, token = lab
    before = (ROOT / "notebooks" / name).read_bytes()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        workspace = name.split(".")[0]  # a fresh workspace per notebook: nothing else is open
        page.goto(
            f"http://127.0.0.1:{port}/lab/workspaces/{workspace}/tree/notebooks/{name}?reset&token={token}",
            wait_until="domcontentloaded",
        )
        page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=60_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], .jp-mod-idle", timeout=60_000)
        charts = page.locator(f"{PANEL} .js-plotly-plot")
        expected_charts = sum(
            "application/vnd.plotly.v1+json" in output.get("data", {})
            for cell in json.loads(before)["cells"]
            for output in cell.get("outputs", [])
        )
        deadline = time.monotonic() + 60
        while charts.count() < expected_charts and time.monotonic() < deadline:
            page.mouse.wheel(0, 4000)  # JupyterLab renders cells lazily as they scroll into view
            page.wait_for_timeout(300)
        assert charts.count() == expected_charts, f"{charts.count()} charts drawn, {expected_charts} stored"
        maths = page.locator(within(f"{PANEL} .jp-OutputArea", MATH))
        assert maths.count() == 0, f"maths typeset in outputs: {maths.first.inner_text()[:200]!r}"
        for index in range(expected_charts):
            title = charts.nth(index).locator(".gtitle")
            assert title.count() == 1 and title.first.text_content().strip(), f"chart {index + 1} shows no title"
        cloud = page.locator(within(PANEL, CLOUD))
        assert cloud.count() == 0, "a chart offers Plotly's cloud buttons or logo"
        dirty = page.locator(".jp-NotebookPanel.jp-mod-dirty, .lm-TabBar-tab.jp-mod-dirty")
        page.wait_for_timeout(1500)
        assert dirty.count() == 0, "the notebook is marked modified by opening it"
    finally:
        page.close()
    assert (ROOT / "notebooks" / name).read_bytes() == before, "opening the notebook rewrote it on disk"
