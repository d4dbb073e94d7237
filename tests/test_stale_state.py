"""No stale findings: in a live kernel, changing the profile's ``country`` and re-running a later
cell without the setup cell stops with a message instead of printing the new state's sentence
under the old state's heading (issue 20: "No Russia + China share of Tajikistan's total trade"
under a Kazakhstan heading)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from helpers.session import StaleStateError, bound

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "04_country_profile.ipynb"


def _cell_index(nb: nbformat.NotebookNode, text: str) -> int:
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and text in c.source)


def test_a_later_cell_after_a_parameter_change_stops_with_a_message() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    combined = _cell_index(nb, "trade_charts.combined_figure(")
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells[: combined + 1]):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        assert "Kazakhstan" in str(nb.cells[combined].outputs)  # the first run is about KAZ
        parameters = _cell_index(nb, 'country = "KAZ"')
        nb.cells[parameters].source = 'country = "TJK"'  # the analyst edits the parameter and runs that cell
        client.execute_cell(nb.cells[parameters], parameters)
        with pytest.raises(CellExecutionError) as raised:
            client.execute_cell(nb.cells[combined], combined)
        # After the setup cell runs again, the same cell shows Tajikistan.
        setup = _cell_index(nb, "ctx = bound(")
        client.execute_cell(nb.cells[setup], setup)
        client.execute_cell(nb.cells[combined], combined)
        rerun = str(nb.cells[combined].outputs)
    assert raised.value.ename == "StaleStateError"
    message = str(raised.value)
    assert "country = 'KAZ' (Kazakhstan)" in message and "'TJK' (Tajikistan)" in message
    assert "Run the setup cell again" in message
    assert "Tajikistan" in rerun and "Kazakhstan" not in rerun


def test_bound_checks_only_inside_a_kernel_and_is_read_only() -> None:
    ctx = bound(type("Setup", (), {"shares": 1})(), country="KAZ")
    assert ctx.shares == 1  # no kernel namespace here: nothing to compare
    with pytest.raises(AttributeError):
        ctx.shares = 2


def test_bound_stops_when_the_namespace_disagrees(monkeypatch: pytest.MonkeyPatch) -> None:
    import helpers.session as session

    monkeypatch.setattr(session, "kernel_value", lambda name: {"country": "UZB"}[name])
    ctx = bound(type("Setup", (), {"shares": 1})(), country="KGZ")
    with pytest.raises(StaleStateError, match=r"country = 'KGZ' \(Kyrgyzstan\).*'UZB' \(Uzbekistan\)"):
        ctx.shares  # noqa: B018
