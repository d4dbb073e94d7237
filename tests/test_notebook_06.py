"""Notebook 06 computes its answer from the event history: run it on a changed copy and check.

In a copy of ``data/`` the Kazakh John Deere deal (counted once, confirmed, valued, no news since
its announcement) gets a sourced ``contract_signed`` event after the summit. The money that "moved up a
stage" since the summit must then grow by exactly that deal's value, the announced total must not
move, and the count of deals with a step after the summit grows by one.
The deal's value and the counts are read here from the CSVs with the csv module, not the helpers.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from notebook_runs import ROOT, executed_ok, markdown_outputs, plain_text, run_notebook

NOTEBOOK = "06_deal_follow_through.ipynb"
DEAL_ID = "kaz-deere-agromash"
ANSWER = re.compile(r"worth US\$([\d,.]+) bn moved up a stage.*?US\$([\d,.]+) bn was announced in", re.DOTALL)
STEPS = re.compile(r"(\d+) deal rows show dated news or a step after the summit")


def _deal(data: Path) -> dict[str, str]:
    with (data / "deals.csv").open(newline="", encoding="utf-8") as handle:
        return next(row for row in csv.DictReader(handle) if row["deal_id"] == DEAL_ID)


def _events_after_summit(data: Path, deal_id: str) -> int:
    with (data / "deal_events.csv").open(newline="", encoding="utf-8") as handle:
        return sum(
            1
            for row in csv.DictReader(handle)
            if row["deal_id"] == deal_id and row["event"] != "announced" and row["event_date"] > "2025-11-06"
        )


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data06") / "data"
    shutil.copytree(ROOT / "data", folder)
    assert _events_after_summit(folder, DEAL_ID) == 0, "the test needs a deal with no news since the summit"
    with (folder / "deal_events.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    last = max(i for i, row in enumerate(rows) if row["deal_id"] == DEAL_ID)
    rows.insert(
        last + 1,
        {
            "deal_id": DEAL_ID,
            "event_date": "2026-06-01",
            "date_precision": "day",
            "event": "contract_signed",
            "value_usd_m": "",
            "source_id": _deal(folder)["source_id"],
            "note": "Test event: a supply contract signed.",
            "recorded_on": rows[last]["recorded_on"],
        },
    )
    with (folder / "deal_events.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return folder


def _answer(nb: object) -> tuple[float, float, int]:
    text = plain_text(markdown_outputs(nb)[0])
    found, steps = ANSWER.search(text), STEPS.search(text)
    assert found and steps, text[:400]
    return float(found[1].replace(",", "")), float(found[2].replace(",", "")), int(steps[1])


def test_the_answer_follows_the_event_history(
    changed: Path, monkeypatch: pytest.MonkeyPatch, executed: Callable[[str], Path]
) -> None:
    deal = _deal(changed)
    assert deal["confirmation"] != "unconfirmed" and not deal["overlaps_deal_id"] and deal["value_usd_m"]
    before = _answer(executed_ok(executed(Path(NOTEBOOK).stem)))  # on the real data, shared
    after = _answer(run_notebook(NOTEBOOK, changed, monkeypatch))
    added_bn = float(deal["value_usd_m"]) / 1000
    assert after[0] == pytest.approx(before[0] + added_bn, abs=0.051)  # one decimal in the sentence
    assert after[1] == before[1]
    assert after[2] == before[2] + 1
