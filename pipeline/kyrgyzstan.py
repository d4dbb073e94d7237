"""Kyrgyzstan's partner tables (stat.kg .xlsx): exports or imports with the six partners, every year of a sheet."""

# ruff: noqa: RUF001, RUF002  (Russian names and en dashes in the agencies' tables are meant)
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.names import normalise
from pipeline.schema import RawDataError
from pipeline.tables import Cell, emit, number, partner_cells, read_sheet, require_partners


def _kgz_years(rows: list[list[object]], path: Path, sheet: str) -> tuple[int, dict[int, tuple[int, str]]]:
    """(header row index, {column: (year, footnote marker)}) of a KGZ sheet."""
    for i, row in enumerate(rows[:8]):
        years: dict[int, tuple[int, str]] = {}
        for col, cell in enumerate(row[3:], start=3):
            match = re.fullmatch(r"((?:19|20)\d\d)(?:\.0)?\s*(\S*)", str(cell).strip())
            if match:
                years[col] = (int(match.group(1)), match.group(2))
        if len(years) >= 5:
            return i, years
    raise RawDataError(path, sheet, None, "no header row of years in the first 8 rows")


def _footnote(rows: list[list[object]], marker: str, path: Path, sheet: str) -> str:
    """The Russian text of a footnote ('1 Предварительные данные' -> 'Предварительные данные')."""
    for row in rows:
        text = str(row[1]).strip()
        if text.startswith(marker + " "):
            return text[len(marker) :].strip()
    raise RawDataError(path, sheet, None, f"footnote {marker!r} of the year header not found")


def read_kyrgyzstan(path: Path, sheet: str, flow: str, source_id: str) -> list[Cell]:
    """Kyrgyzstan's exports or imports with the six partners, every year of the table."""
    rows = read_sheet(path, sheet)
    header, years = _kgz_years(rows, path, sheet)
    if not any(normalise(str(r[1])) == "всего" for r in rows[header + 1 : header + 4]):
        raise RawDataError(path, sheet, header + 2, "expected the world-total row 'Всего' right below the header")
    cells: list[Cell] = []
    for col, (year, marker) in years.items():
        flags: tuple[str, ...] = ()
        if marker:
            text = _footnote(rows, marker, path, sheet)
            if normalise(text) != "предварительные данные":
                raise RawDataError(path, sheet, header + 1, f"unexpected footnote on {year}: {text!r}")
            flags = ("preliminary",)

        def values(col: int = col) -> Iterator[tuple[int, str, str | None, float | None]]:
            for i in range(header + 1, len(rows)):
                name, english = str(rows[i][1]), str(rows[i][2])
                value = number(rows[i][col])
                if name.strip() and value is not None and not re.match(r"^\d+\s", name.strip()):
                    yield i + 1, name, english, value

        total, countries, _ = partner_cells(values(), path, sheet)
        require_partners(countries, path, sheet, f"{year} {flow}")
        cells += emit("KGZ", year, flow, total, countries, source_id, flags=flags)
    return cells


def kgz_eu_row(path: Path, sheet: str) -> dict[int, float]:
    """The table's own 'ЕС / The EU' row by year (for checks)."""
    rows = read_sheet(path, sheet)
    header, years = _kgz_years(rows, path, sheet)
    for row in rows[header + 1 :]:
        if normalise(str(row[1])) == "ес":
            return {year: number(row[col]) or 0.0 for col, (year, _) in years.items()}
    raise RawDataError(path, sheet, None, "no 'ЕС' row")
