"""The agencies' own 2024-2025 releases quoted by pages (no agency table covers those years yet)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from pipeline.carriers import denied_carrier
from pipeline.schema import COLUMNS, NATSTATS, RawDataError, join_flags

RELEASES = "agency_releases"


def agency_release_rows(raw: Path) -> tuple[pd.DataFrame, list[dict[str, str]], dict[str, str]]:
    """The vendored 2024-2025 figures of the agencies' own releases (no table of theirs covers these years).

    Every row must be ``national_statistics`` / ``reporter`` from 2024 on, flagged ``preliminary``,
    and cite a registered source with a URL whose carrier is not denied.
    """
    path = raw / RELEASES / "agency_releases_trade.csv"
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(COLUMNS) - set(rows.columns)
    if missing:
        raise RawDataError(path, None, 1, f"missing columns {sorted(missing)}")
    sources_path = raw / RELEASES / "agency_releases_sources.csv"
    with sources_path.open(encoding="utf-8", newline="") as handle:
        sources = list(csv.DictReader(handle))
    urls = {s["source_id"]: s["url"] for s in sources}
    out = []
    for line, row in enumerate(rows.to_dict("records"), start=2):
        flags = set(filter(None, row["flags"].split(";")))
        join_flags(flags)
        if row["dataset"] != NATSTATS or row["side"] != "reporter":
            raise RawDataError(path, None, line, f"expected national_statistics / reporter: {row['dataset']}")
        if int(row["year"]) < 2024 or "preliminary" not in flags:
            raise RawDataError(path, None, line, "only 2024 on, flagged preliminary (the agencies' first releases)")
        url = urls.get(row["source_id"], "")
        if not url.startswith("http") or denied_carrier(url):
            raise RawDataError(path, None, line, f"source {row['source_id']!r}: no URL or a denied carrier")
        row["year"] = int(row["year"])
        for column in ("value_usd_m", "value_eur_m"):
            row[column] = float(row[column]) if row[column] else None
        out.append(row)
    return pd.DataFrame(out, columns=COLUMNS), sources, urls
