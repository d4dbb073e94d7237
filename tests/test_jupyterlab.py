"""The notebooks as an analyst sees them: a real JupyterLab, driven in Debian's Chromium.

One JupyterLab server is started for the module; each committed notebook is opened (its stored
outputs render before any cell runs) and read from the DOM: no output is typeset as maths, every
chart shows its title, no chart offers Plotly's cloud "share"/"edit" buttons or logo, and the
notebook is not marked modified by the mere act of opening it.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JUPYTER = Path(sys.executable).with_name("jupyter")
CHROMIUM = "/usr/bin/chromium"
STARTUP_SECONDS = 90
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
INSTALLED_KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
MATH = ("mjx-container", ".MathJax", ".MathJax_Display", ".katex", ".jp-RenderedLatex")
CLOUD = ("[data-title*='Chart Studio']", "[data-title*='Share']", ".modebar-btn--logo", "a[href*='plotly.com']")


def within(scope: str, selectors: tuple[str, ...]) -> str:
    """One CSS selector list matching each selector inside ``scope``."""
    return ", ".join(f"{scope} {selector}" for selector in selectors)


def free_port() -> int:
    """A currently free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def list_notebooks(port: int, token: str) -> list[str] | None:
    """Names in ``notebooks/`` from the contents API, or None while the server is not up yet."""
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
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    """A JupyterLab server on the repository (port, token); stopped after the module."""
    tmp = tmp_path_factory.mktemp("lab")
    port, token = free_port(), secrets.token_hex(16)
    command = [
        str(JUPYTER),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={ROOT}",
        # Opening a notebook must not write to it: autosave off makes any write the test's doing.
        "--LabApp.user_settings_dir=" + str(tmp / "settings"),
        "--LabApp.workspaces_dir=" + str(tmp / "workspaces"),
    ]
    if os.geteuid() == 0:  # containers and CI often run as root; jupyter refuses that without the flag
        command.append("--allow-root")
    log_path = tmp / "lab.log"
    log = log_path.open("w")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "JUPYTER_CONFIG_DIR": str(tmp / "config")}
    server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        listed = None
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and server.poll() is None:
            listed = list_notebooks(port, token)
            if listed is not None:
                break
            time.sleep(0.5)
        assert server.poll() is None, f"jupyter lab exited early:\n{log_path.read_text()[-3000:]}"
        assert listed == NOTEBOOKS, f"listed {listed}, expected {NOTEBOOKS}"
        yield port, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


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
