"""Deal monitoring (issue 19): the stage ladder, umbrella roll-up, overdue targets, new since the last check.

Unit tests use hand-made frames whose answers are worked out by hand in the comments. The data tests read
the real tables; the changed-data test adds one event row to a copy of ``data/`` and executes notebook 06
on it (``C5_DATA_DIR``): the event must appear in "New since the last check" and move the headline.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from notebook_runs import ROOT, markdown_outputs, plain_text, run_notebook

from helpers.compute import follow_through as ft
from helpers.compute.rules import counted_value, is_counted
from helpers.compute.scenarios import counted_deals
from helpers.data import DataValidationError, load_deal_checks, load_deal_events, load_deals

SUMMIT = "2025-11-06"


def _deals(rows: list[tuple]) -> pd.DataFrame:
    columns = ["deal_id", "stage", "value_usd_m", "overlaps_deal_id", "overlap_type", "confirmation"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(country="KAZ", title=frame["deal_id"], sector="other", us_party="X", value_measure="investment")


def _events(rows: list[tuple]) -> pd.DataFrame:
    columns = ["deal_id", "event_date", "date_precision", "event", "target_event", "target_date"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(
        event_date=pd.to_datetime(frame["event_date"]),
        target_date=pd.to_datetime(frame["target_date"]),
        value_usd_m=float("nan"),
        source_id="s",
        note="n",
        recorded_on=pd.Timestamp("2026-11-28"),
    )


def _checks(ids: list[str], on: str = "2026-12-05") -> pd.DataFrame:
    return pd.DataFrame({"deal_id": ids, "checked_on": pd.Timestamp(on), "finding": "x"})


def _status(deals: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    return ft.deal_status(deals, events, _checks(list(deals["deal_id"])), SUMMIT).set_index("deal_id")


def test_the_ladder_separates_moved_binding_when_signed_and_silence() -> None:
    deals = _deals(
        [
            ("jets", "contract", 1000.0, None, None, "multi_source"),  # commitment, made definitive in 2026: moved
            ("order", "contract", 2000.0, None, None, "multi_source"),  # contract at the summit, nothing since
            ("atm", "contract", 300.0, None, None, "multi_source"),  # contract at the summit, work began later
            ("mou", "mou", 400.0, None, None, "multi_source"),  # MoU, nothing since: silence
        ]
    )
    events = _events(
        [
            ("jets", SUMMIT, "day", "announced", None, None),
            ("jets", "2026-02-17", "day", "contract_signed", None, None),
            ("order", SUMMIT, "day", "announced", None, None),
            ("atm", SUMMIT, "day", "announced", None, None),
            ("atm", "2026-01-10", "by", "first_delivery", None, None),
            ("mou", SUMMIT, "day", "announced", None, None),
        ]
    )
    status = _status(deals, events)
    assert status.loc["jets", ["stage_at_summit", "stage_now", "movement"]].tolist() == [
        "announced", "definitive agreement", ft.MOVED,
    ]  # fmt: skip
    assert status.loc["order", "movement"] == ft.BINDING
    assert status.loc["atm", ["stage_at_summit", "stage_now", "movement"]].tolist() == [
        "definitive agreement", "delivering", ft.MOVED,
    ]  # fmt: skip
    assert bool(status.loc["atm", "moved_by"]) and not bool(status.loc["jets", "moved_by"])
    assert status.loc["mou", "movement"] == ft.SILENT
    h = ft.headline(status.reset_index())
    # moved: jets 1000 + atm 300; became binding: jets only; binding when signed: order 2000 + atm 300.
    assert (h["moved_usd_m"], h["n_moved"], h["n_became_binding"]) == (1300.0, 2, 1)
    assert (h["binding_at_signing_usd_m"], h["binding_usd_m"], h["silent_usd_m"]) == (2300.0, 2000.0, 400.0)
    # moved_after counts only the deal that became binding, not the one that was binding already
    assert ft.moved_after(status.reset_index(), SUMMIT) == ["jets"]
    assert ft.moved_after(status.reset_index(), "2026-03-01") == []


def test_an_umbrella_takes_its_parts_furthest_stage_and_is_counted_once() -> None:
    deals = _deals(
        [
            ("pkg", "announced", 3700.0, None, None, "single_source"),
            ("hub", "mou", 2000.0, "pkg", "part_of_umbrella", "single_source"),
            ("sat", "agreement", None, "pkg", "part_of_umbrella", "single_source"),
        ]
    )
    events = _events(
        [
            ("pkg", SUMMIT, "day", "announced", None, None),
            ("hub", SUMMIT, "day", "announced", None, None),
            ("sat", SUMMIT, "day", "announced", None, None),
            ("sat", "2026-04-01", "day", "in_operation", None, None),
        ]
    )
    status = _status(deals, events)
    assert status.loc["pkg", ["stage_at_summit", "stage_now", "movement"]].tolist() == [
        "MoU or letter of interest", "operating", ft.MOVED,
    ]  # fmt: skip
    assert status.loc["pkg", "moved_on"] == pd.Timestamp("2026-04-01")
    h = ft.headline(status.reset_index())
    assert (h["moved_usd_m"], h["n_moved"], h["announced_usd_m"]) == (3700.0, 1, 3700.0)


def test_a_passed_target_without_the_step_is_overdue_and_only_then() -> None:
    deals = _deals([(d, "agreement", None, None, None, "single_source") for d in ("late", "done", "future", "quiet")])
    events = _events(
        [
            ("late", SUMMIT, "day", "announced", None, None),
            ("late", "2026-03-03", "day", "target_set", "in_operation", "2026-03-31"),
            ("done", SUMMIT, "day", "announced", None, None),
            ("done", "2026-03-03", "day", "target_set", "in_operation", "2026-03-31"),
            ("done", "2026-03-20", "day", "in_operation", None, None),
            ("future", SUMMIT, "day", "announced", None, None),
            ("future", "2026-03-03", "day", "target_set", "first_delivery", "2027-12-31"),
            ("quiet", SUMMIT, "day", "announced", None, None),
        ]
    )
    status = _status(deals, events)
    assert status["flag"].to_dict() == {"late": "overdue", "done": "", "future": "", "quiet": ""}
    assert status.loc["late", "target"] == "in operation by 31 Mar 2026 (stated 3 Mar 2026)"
    assert status.loc["quiet", "movement"] == ft.SILENT  # silence is silence, never a stall
    assert status.loc["late", "movement"] == ft.NEWS


def test_new_since_the_last_check_is_what_was_recorded_after_the_previous_check() -> None:
    deals = _deals([("a", "mou", None, None, None, "x"), ("b", "mou", None, None, None, "x")])
    events = _events([("a", SUMMIT, "day", "announced", None, None), ("b", SUMMIT, "day", "announced", None, None)])
    events.loc[1, "recorded_on"] = pd.Timestamp("2026-12-05")
    checks = pd.concat([_checks(["a", "b"], "2026-11-28"), _checks(["a", "b"], "2026-12-05")])
    assert ft.check_dates(checks) == (pd.Timestamp("2026-12-05"), pd.Timestamp("2026-11-28"))
    assert ft.new_since_last_check(events, checks, deals)["deal_id"].tolist() == ["b"]
    assert ft.new_since_last_check(events, _checks(["a", "b"]), deals).empty  # one check: nothing to compare


def test_a_row_likely_within_an_unconfirmed_package_is_counted_once_in_every_total() -> None:
    deals = _deals(
        [
            ("pkg", "announced", 100000.0, None, None, "unconfirmed"),
            ("jets", "contract", 8500.0, "pkg", "likely_within", "multi_source"),
            ("loan", "loi", 900.0, "jets", "financing_of", "single_source"),
        ]
    )
    assert is_counted(deals).tolist() == [True, True, False]
    # the package is net of the jets (100,000 - 8,500); the jets keep their value; the loan is not counted
    assert counted_value(deals).tolist()[:2] == [91500.0, 8500.0]
    assert pd.isna(counted_value(deals).iloc[2])


def test_trade_scenarios_only_add_values_that_are_a_price_of_goods() -> None:
    deals = _deals(
        [
            ("jets", "contract", 8500.0, None, None, "multi_source"),
            ("locos", "contract", 4200.0, None, None, "multi_source"),
            ("mine", "contract", 1100.0, None, None, "multi_source"),
        ]
    ).assign(instrument="purchase_order", value_measure=["official_estimate", "includes_services", "project_cost"])
    assert counted_deals(deals)["deal_id"].tolist() == ["jets"]
    assert counted_deals(deals, instruments=None)["deal_id"].tolist() == ["jets", "locos", "mine"]


# ---------------------------------------------------------------- the real tables


@pytest.fixture(scope="module")
def real() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return load_deals(), load_deal_events(), load_deal_checks()


def test_the_real_tables_meet_the_monitoring_bar(real: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    deals, events, checks = real
    assert len(ft.recent_deals(events, "2025-11-30")) >= 18  # sourced events dated after November 2025
    status = ft.deal_status(deals, events, checks, SUMMIT).set_index("deal_id")
    assert status.loc["kaz-starlink-veon", "flag"] == ft.OVERDUE  # "fully operating by end of March 2026"
    assert status.loc["kaz-mai-tech", "stage_at_summit"] == "MoU or letter of interest"  # rolled up from its parts
    dfc = events[events["deal_id"].eq("kaz-dfc-loi-tungsten") & events["event_date"].gt(pd.Timestamp(SUMMIT))]
    assert dfc["event_date"].min() == pd.Timestamp("2026-02-04")  # listed by DFC on 4 Feb, not the 11 Feb press date
    assert deals.set_index("deal_id").at["kaz-pepsico-plant", "announced_date"] == pd.Timestamp("2024-06-14")
    measures = deals.set_index("deal_id")["value_measure"]
    assert measures[["uzb-boeing-787-sep", "kaz-wabtec-locos", "kaz-cove-tungsten", "tjk-somon-boeing"]].tolist() == [
        "official_estimate", "includes_services", "project_cost", "official_estimate",
    ]  # fmt: skip
    assert "californiainsider" not in " ".join(deals["source_id"]) + " ".join(events["source_id"])


def test_a_by_date_must_be_a_day_and_a_target_needs_its_date(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    path = folder / "deal_events.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("kaz-cove-tungsten,2026-03-12,by,", "kaz-cove-tungsten,2026-03,by,"), encoding="utf-8")
    with pytest.raises(DataValidationError, match="date_precision"):
        load_deal_events(path)
    assert text.count(",in_operation,2026-03-31,") == 1
    path.write_text(text.replace(",in_operation,2026-03-31,", ",in_operation,,"), encoding="utf-8")
    with pytest.raises(DataValidationError, match="target_date"):
        load_deal_events(path)


# ---------------------------------------------------------------- changed data: notebook 06

NOTEBOOK = "06_deal_follow_through.ipynb"
DEAL_ID = "kaz-deere-agromash"
MOVED = re.compile(r"(\d+) deals? worth US\$([\d,.]+) bn moved up a stage")
NEW = re.compile(r"New since the last check \(([^;]+); this check ([^)]+)\): (\d+) events recorded or corrected")


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data19") / "data"
    shutil.copytree(ROOT / "data", folder)
    fields, rows = _rows(folder / "deal_events.csv")
    assert all(r["event"] in ("announced", "talks_held", "reaffirmed") for r in rows if r["deal_id"] == DEAL_ID)
    latest = max(r["checked_on"] for r in _rows(folder / "deal_checks.csv")[1])
    last = max(i for i, row in enumerate(rows) if row["deal_id"] == DEAL_ID)
    deal = next(r for r in _rows(folder / "deals.csv")[1] if r["deal_id"] == DEAL_ID)
    rows.insert(
        last + 1,
        {**dict.fromkeys(fields, ""), "deal_id": DEAL_ID, "event_date": "2026-12-01", "date_precision": "day",
         "event": "contract_signed", "source_id": deal["source_id"], "note": "Test event: a supply contract signed.",
         "recorded_on": latest},
    )  # fmt: skip
    with (folder / "deal_events.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return folder


def _read(nb: object) -> tuple[int, float, int, str]:
    text = plain_text(markdown_outputs(nb)[0])
    moved, new = MOVED.search(text), NEW.search(text)
    assert moved and new, text[:500]
    tables = " ".join(
        plain_text(o["data"]["text/html"])
        for c in nb.cells
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {}) and "since the last check" in "".join(o["data"]["text/html"])
    )
    return int(moved[1]), float(moved[2].replace(",", "")), int(new[3]), tables


def test_a_new_event_shows_in_new_since_the_last_check_and_in_the_headline(
    changed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal = next(r for r in _rows(changed / "deals.csv")[1] if r["deal_id"] == DEAL_ID)
    assert deal["confirmation"] != "unconfirmed" and not deal["overlaps_deal_id"] and deal["value_usd_m"]
    before = _read(run_notebook(NOTEBOOK, ROOT / "data", monkeypatch))
    after = _read(run_notebook(NOTEBOOK, changed, monkeypatch))
    assert after[0] == before[0] + 1
    assert after[1] == pytest.approx(before[1] + float(deal["value_usd_m"]) / 1000, abs=0.051)
    assert after[2] == before[2] + 1
    assert deal["title"] not in before[3] and deal["title"] in after[3]
    assert "1 Dec 2026" in after[3]
