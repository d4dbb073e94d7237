"""helpers.text in a real JupyterLab (playwright + Debian chromium): no maths, no link, exact text.

A notebook whose stored outputs come from helpers.text is written under build/ and opened in the
session's JupyterLab (tests/conftest.py; outputs render before any cell runs). A control output
escaped the old way ("US\\$1 ... US\\$2") must be typeset as maths: that proves MathJax ran
and that the check can fail.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
import pandas as pd
from playwright.sync_api import sync_playwright

from helpers import text

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FINDING = "Naive sum US$153.8 bn; deduplicated US$144.4 bn (95% of it); \\(x\\) [x](javascript:alert(1))"
CONTROL = "control: US\\$1 bn and US\\$2 bn"


def outputs() -> dict[str, dict[str, str]]:
    sources = pd.DataFrame(
        {
            "source_id": ["a", "b"],
            "publisher": ["US$1 and US$2 Ltd", '<a href="https://evil.example">x</a>'],
            "title": ["T", "U"],
            "url": ["https://example.org/a", "javascript:alert(1)"],
            "published": ["2025", "2025"],
        }
    )
    return {
        "findings": {"text/markdown": text.key_findings([FINDING]).data},
        "bullets": {"text/markdown": text.bullet_list(["50% of US$3 bn vs US$4 bn", "<b>bold</b>"]).data},
        "table": {"text/html": text.table(pd.DataFrame({"deal": ["US$1 bn and US$2 bn"]})).data},
        "sources": {"text/html": text.sources_table(sources, ["a", "b"]).data},
        "control": {"text/markdown": CONTROL},
    }


def write_notebook(folder: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    for name, data in outputs().items():
        cell = nbformat.v4.new_code_cell(f"# {name}")
        cell.outputs = [nbformat.v4.new_output("display_data", data={**data, "text/plain": name})]
        notebook.cells.append(cell)
    nbformat.write(notebook, folder / "t.ipynb")


def test_text_shows_as_text_in_jupyterlab(jupyter_lab: tuple[int, str]) -> None:
    port, token = jupyter_lab  # the session's server, whose root is the repository
    (ROOT / "build").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="lab-text-", dir=ROOT / "build"))
    try:
        write_notebook(folder)
        where = folder.relative_to(ROOT).as_posix()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/lab/workspaces/text/tree/{where}/t.ipynb?reset&token={token}")
            control = page.locator(".jp-Cell").nth(4).locator(".jp-OutputArea-output")
            control.locator("mjx-container").first.wait_for(timeout=60_000)  # MathJax has run
            shown = {}
            for index, name in enumerate(outputs()):
                output = page.locator(".jp-Cell").nth(index).locator(".jp-OutputArea-output")
                maths = output.locator("mjx-container, .MathJax").count()
                hrefs = output.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
                shown[name] = (maths, hrefs, " ".join(output.inner_text().split()))
            browser.close()
    finally:
        shutil.rmtree(folder)  # the folder this test made, nothing else
    assert shown["control"][0] >= 1
    for name in ("findings", "bullets", "table", "sources"):
        assert shown[name][0] == 0, (name, shown[name])
    assert FINDING in shown["findings"][2]
    assert "50% of US$3 bn vs US$4 bn" in shown["bullets"][2] and "<b>bold</b>" in shown["bullets"][2]
    assert "US$1 bn and US$2 bn" in shown["table"][2]
    assert shown["findings"][1] == shown["bullets"][1] == shown["table"][1] == []
    assert shown["sources"][1] == ["https://example.org/a"]
    assert "javascript:alert(1)" in shown["sources"][2] and "US$1 and US$2 Ltd" in shown["sources"][2]
