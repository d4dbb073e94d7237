"""The country profile runs for every state and its numbers follow the data.

Every state is executed through papermill (the way the reports are built; once per session, shared
with the report build: tests/conftest.py ``executed``). Then Tajikistan's profile
is executed on a copy of ``data/`` where the Somon Air order is raised by US$1,000m and every
Tajikistan-Russia trade value is doubled: its Key findings must carry the new deal total, computed
here from the changed CSV with the csv module, and a different Russia + China share.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from notebook_runs import ROOT, errors, executed_ok, markdown_outputs, plain_text, rewrite_csv, run_notebook

from reporting.plan import Job, ReportBuildError, execute

NOTEBOOK = "04_country_profile.ipynb"
DEAL_ID = "tjk-somon-boeing"


@pytest.mark.parametrize("country", ["KAZ", "KGZ", "TJK", "TKM", "UZB"])
def test_profile_executes_for_every_state(country: str, executed: Callable[[str], Path]) -> None:
    nb = executed_ok(executed(f"{Path(NOTEBOOK).stem}_{country}"))
    assert nb.metadata["papermill"]["parameters"] == {"country": country}
    assert not errors(nb)
    names = {"KAZ": "Kazakhstan", "KGZ": "Kyrgyzstan", "TJK": "Tajikistan", "TKM": "Turkmenistan", "UZB": "Uzbekistan"}
    texts = markdown_outputs(nb)
    assert texts[0].strip() == f"## {names[country]}"
    assert names[country] in texts[1]  # Key findings name the state


def test_unknown_state_fails_loudly(tmp_path: Path) -> None:
    job = Job(ROOT / "notebooks" / NOTEBOOK, "bad", {"country": "RUS"})
    with pytest.raises(ReportBuildError, match="UnknownStateError"):
        execute(job, tmp_path)  # the build's own execution (papermill)


def _confirmed_dedup_bn(folder: Path, country: str) -> float:
    with (folder / "deals.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return (
        sum(
            float(r["value_usd_m"])
            for r in rows
            if r["country"] == country
            and r["value_usd_m"]
            and not r["overlaps_deal_id"]
            and r["confirmation"] != "unconfirmed"
        )
        / 1000
    )


def test_profile_numbers_follow_the_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, executed: Callable[[str], Path]
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)

    def raise_deal(row: dict[str, str]) -> bool:
        if row["deal_id"] != DEAL_ID:
            return False
        row["value_usd_m"] = f"{float(row['value_usd_m']) + 1000:g}"
        return True

    def double_tjk_russia(row: dict[str, str]) -> bool:
        if (row["reporter"], row["partner"]) != ("TJK", "RUS") or not row["value_usd_m"]:
            return False
        row["value_usd_m"] = repr(float(row["value_usd_m"]) * 2)
        return True

    assert rewrite_csv(folder / "deals.csv", raise_deal) == 1
    assert rewrite_csv(folder / "trade.csv", double_tjk_russia) > 0
    before = executed_ok(executed(f"{Path(NOTEBOOK).stem}_TJK"))  # on the real data
    after = run_notebook(NOTEBOOK, folder, monkeypatch, {"country": "TJK"})
    old, new = markdown_outputs(before)[1], markdown_outputs(after)[1]
    expected = _confirmed_dedup_bn(folder, "TJK")
    assert expected == pytest.approx(_confirmed_dedup_bn(ROOT / "data", "TJK") + 1.0)
    assert f"US${expected:,.1f} bn excluding unconfirmed" in plain_text(new)
    share = re.compile(r"Russia \+ China share[^\n]*")
    assert share.search(plain_text(old))[0] != share.search(plain_text(new))[0]
