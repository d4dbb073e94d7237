"""A cell run before the setup cell says what to run: in a kernel started the way `make lab` starts
it (IPYTHONDIR=.ipython), a NameError is followed by the hint; the error itself is kept."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def _run(source: str, ipython_dir: Path) -> list[dict]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    env = {**os.environ, "IPYTHONDIR": str(ipython_dir)}
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True)
    client.execute(env=env)
    return nb.cells[0].outputs


def test_a_name_error_before_the_setup_cell_says_what_to_run() -> None:
    outputs = _run("ctx.shares", ROOT / ".ipython")
    errors = [o for o in outputs if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "NameError" and "'ctx'" in errors[0]["evalue"]
    printed = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "run the setup cell" in printed and "Run All Cells" in printed


def test_without_the_project_profile_there_is_no_hint(tmp_path: Path) -> None:
    outputs = _run("ctx.shares", tmp_path)
    printed = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert not re.search("setup cell", printed)
