"""Shared by the changed-data notebook tests: edit a data copy, execute a notebook on it, read outputs."""

from __future__ import annotations

import csv
import html
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from reporting.plan import KERNEL_START_RETRIES, kernel_did_not_start

ROOT = Path(__file__).resolve().parent.parent
PLOTLY = "application/vnd.plotly.v1+json"


def rewrite_csv(path: Path, change: Callable[[dict[str, str]], bool]) -> int:
    """Apply ``change`` to every row of a CSV in place; return how many rows it changed."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames
        rows = list(reader)
    changed = sum(bool(change(row)) for row in rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return changed


def committed(name: str) -> nbformat.NotebookNode:
    """The notebook as committed (executed on the real data)."""
    return nbformat.read(ROOT / "notebooks" / name, as_version=4)


def run_notebook(
    name: str, data: Path, monkeypatch: pytest.MonkeyPatch, parameters: dict[str, Any] | None = None
) -> nbformat.NotebookNode:
    """Execute a notebook with ``C5_DATA_DIR=data`` (and parameters); fail on any error or stderr."""
    nb = committed(name)
    if parameters:
        cell = next(c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", []))
        cell.source += "\n" + "\n".join(f"{key} = {value!r}" for key, value in parameters.items())
    monkeypatch.setenv("C5_DATA_DIR", str(data))
    for attempt in range(1 + KERNEL_START_RETRIES):
        try:
            NotebookClient(
                nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
            ).execute(env=dict(os.environ))
            break
        except RuntimeError as err:  # the kernel never came up (a port race): nothing ran, start again
            if not kernel_did_not_start(err) or attempt == KERNEL_START_RETRIES:
                raise
    problems = errors(nb)
    assert not problems, problems
    return nb


def executed_ok(path: Path) -> nbformat.NotebookNode:
    """A notebook executed once for the session (tests/conftest.py ``executed``); fail on any error or stderr."""
    nb = nbformat.read(path, as_version=4)
    problems = errors(nb)
    assert not problems, problems
    return nb


def errors(nb: nbformat.NotebookNode) -> list[str]:
    """Error outputs and anything written to stderr."""
    return [
        str(o.get("evalue") or o.get("text"))
        for c in nb.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "error" or o.get("name") == "stderr"
    ]


def markdown_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """Markdown outputs (Key findings, computed sentences), in order."""
    return [
        o["data"]["text/markdown"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    ]


def figures(nb: nbformat.NotebookNode) -> list[dict]:
    """Plotly figure outputs, in order."""
    return [o["data"][PLOTLY] for c in nb.cells for o in c.get("outputs", []) if PLOTLY in o.get("data", {})]


def plain_text(fragment: str) -> str:
    """What a reader sees of an output fragment: tags dropped, entities decoded, one line."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", fragment)).split())


def is_number(text: str) -> bool:
    """Whether a table cell (a CSV field) reads as a number."""
    try:
        float(text)
    except ValueError:
        return False
    return True
