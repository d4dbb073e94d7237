"""Kazakhstan's partner tables (stat.gov.kz .xls): exports and imports with the six partners, one year per sheet."""

# ruff: noqa: RUF001  (Russian names and en dashes in the agencies' tables are meant)
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.names import classify, normalise
from pipeline.schema import RawDataError
from pipeline.tables import Cell, emit, number, partner_cells, read_sheet, require_partners


def _kaz_columns(rows: list[list[object]], path: Path, sheet: str) -> tuple[int, int, int]:
    """(first data row index, exports column, imports column) from the header of a KAZ sheet."""
    for i, row in enumerate(rows[:12]):
        labels = [normalise(str(c)) for c in row]
        if "экспорт" in labels and "импорт" in labels:
            return i + 2, labels.index("экспорт"), labels.index("импорт")
    raise RawDataError(path, sheet, None, "no header row with 'Экспорт' and 'Импорт' in the first 12 rows")


def read_kazakhstan(path: Path, sheet: str, year: int, source_id: str) -> list[Cell]:
    """Exports and imports of Kazakhstan with the six partners, one year (one sheet)."""
    rows = read_sheet(path, sheet)
    title = " ".join(str(c) for row in rows[:3] for c in row)
    if str(year) not in title:
        raise RawDataError(path, sheet, 2, f"title does not name the year {year}: {title.strip()[:80]!r}")
    first, col_x, col_m = _kaz_columns(rows, path, sheet)
    if not rows[first:] or classify(str(rows[first][0]))[0] != "total":
        raise RawDataError(path, sheet, first + 1, "expected the world-total row 'Всего' right below the header")
    cells: list[Cell] = []
    for flow, col in (("exports", col_x), ("imports", col_m)):

        def values(col: int = col) -> Iterator[tuple[int, str, str | None, float | None]]:
            for i in range(first, len(rows)):
                name = str(rows[i][0])
                value = number(rows[i][col])
                if name.strip() and value is not None:
                    yield i + 1, name, None, value

        total, countries, _ = partner_cells(values(), path, sheet)
        require_partners(countries, path, sheet, f"{year} {flow}")
        cells += emit("KAZ", year, flow, total, countries, source_id)
    return cells
