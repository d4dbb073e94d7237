"""Partner-side records (China customs, Eurostat, Türkiye) quoted by pages, reviewed on the way in."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from pipeline.carriers import denied_carrier
from pipeline.schema import COLUMNS, RawDataError, join_flags

PARTNER_RECORDS = "partner_records"
# A figure a partner government stated without saying what it covers is a statement, not a customs record.
AS_STATEMENT = {
    ("KAZ", "USA", 2021, "total", "thefederalnewswire-blinken-kazakhstan-economic-partnership"): (
        "a statement, not a customs record: two-way trade, goods-only basis not stated"
    ),
}


def partner_record_rows(raw: Path, pages: pd.DataFrame, taken: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """The vendored partner-records rows, checked; one repeating a figure already held (same release, within
    0.1 bn) is folded into that row's note."""
    path = raw / PARTNER_RECORDS / "partner_records_trade.csv"
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(COLUMNS) - set(rows.columns)
    if missing:
        raise RawDataError(path, None, 1, f"missing columns {sorted(missing)}")
    log: list[str] = []
    keep = []
    held = pages[pages["side"] == "mirror"]
    for line, row in enumerate(rows.to_dict("records"), start=2):
        why = denied_carrier(taken.get(row["source_id"], ""))
        if why:
            log.append(f"dropped ({why}) partner records line {line}: {row['reporter']} {row['partner']} {row['year']}")
            continue
        if row["dataset"] != "partner_records" or row["side"] != "mirror":
            raise RawDataError(path, None, line, f"expected dataset partner_records, side mirror: {row['dataset']}")
        row["year"] = int(row["year"])
        for column in ("value_usd_m", "value_eur_m"):
            row[column] = float(row[column]) if row[column] else None
        join_flags(filter(None, row["flags"].split(";")))
        key = (row["reporter"], row["partner"], row["year"], row["flow"], row["source_id"])
        if key in AS_STATEMENT:
            row.update(
                dataset="statements", side="statement", basis="unclear", note=f"{AS_STATEMENT[key]}; {row['note']}"
            )
            log.append(f"partner record read as a statement: {' '.join(map(str, key))}")
        same = held[
            (held["reporter"] == row["reporter"])
            & (held["partner"] == row["partner"])
            & (held["year"] == row["year"])
            & (held["flow"] == row["flow"])
        ]
        currency = "value_usd_m" if row["value_usd_m"] is not None else "value_eur_m"
        same = same[(same[currency] - row[currency]).abs() <= 100]  # the same release, rounded or cut to 0.1 bn
        if row["side"] == "mirror" and len(same):
            target = same.index[0]
            url = taken.get(row["source_id"], row["source_id"])
            pages.loc[target, "note"] = f"{pages.loc[target, 'note']}; also quoted by {url}".strip("; ")
            log.append(f"partner record repeats {pages.loc[target, 'source_id']}: {' '.join(map(str, key))}")
            continue
        keep.append(row)
    return pd.DataFrame(keep, columns=COLUMNS), log


def partner_record_sources(raw: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The vendored partner-records sources, and their URL by source id."""
    path = raw / PARTNER_RECORDS / "partner_records_sources.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for line, row in enumerate(rows, start=2):
        if not row.get("url", "").startswith("http"):
            raise RawDataError(path, None, line, f"source {row.get('source_id')!r} has no URL")
    return rows, {row["source_id"]: row["url"] for row in rows}
