"""The output's shape: its columns, key and flag vocabulary, the raw folders, and the one error for bad input."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

# Folders of data/raw the build reads.
NATSTATS = "national_statistics"
RESEARCH = "research"

# The columns of data/trade.csv, in order, and the key no two rows may share.
COLUMNS = [
    "reporter", "partner", "year", "flow", "value_usd_m", "value_eur_m", "dataset", "side", "basis", "flags",
    "source_id", "note",
]  # fmt: skip
KEY = ["reporter", "partner", "year", "flow", "side", "source_id"]
FLAGS = {
    "estimate", "imf_derived", "imf_fixed_split", "derived", "lower_bound", "approximate",
    "preliminary", "break", "partial_coverage", "converted", "superseded",
}  # fmt: skip


class RawDataError(ValueError):
    """A raw publication is not what the build expects; names file, sheet and row."""

    def __init__(self, file: Path | str, sheet: str | None, row: int | None, message: str):
        self.file, self.sheet, self.row = Path(file).name, sheet, row
        where = [f"file {self.file}"]
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if row is not None:
            where.append(f"row {row}")
        super().__init__(f"{', '.join(where)}: {message}")


def join_flags(flags: Iterable[str]) -> str:
    """Sorted, de-duplicated, ';'-joined flags (checked against the vocabulary)."""
    unique = sorted(set(flags))
    unknown = set(unique) - FLAGS
    if unknown:
        raise ValueError(f"unknown flags: {unknown}")
    return ";".join(unique)


def extract_key(row: Any) -> dict[str, object]:
    """The first four columns of a trade row, from a row of the research extracts (``reporter_iso3``)."""
    return {"reporter": row.reporter_iso3, "partner": row.partner, "year": int(row.year), "flow": row.flow}
