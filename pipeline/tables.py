"""What every agency table reader shares: cells, numbers, sheets, the partner rows and the six partner cells."""

# ruff: noqa: RUF001  (Russian names, en dashes and signs in the agencies' tables and notes are meant)
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.names import DIRECT_PARTNERS, EU27_MEMBERS, NAMES, OTHER, WORLD, classify
from pipeline.schema import RawDataError


@dataclass(frozen=True)
class Cell:
    """One derived figure in thousand US$, with where it came from."""

    reporter: str
    partner: str
    year: int
    flow: str
    value_kusd: float
    source_id: str
    flags: tuple[str, ...] = ()
    note: str = ""


def number(value: object) -> float | None:
    """A numeric cell; '-' (nil) is 0; empty is None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace("\xa0", "").replace(" ", "").replace(",", ".")
    if text in {"-", "–", "—", "0,0", "x"}:
        return 0.0
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def read_sheet(path: Path, sheet: str) -> list[list[object]]:
    """All cells of one sheet (pandas + calamine), or RawDataError if the sheet is missing."""
    try:
        frame = pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine", dtype=object)
    except ValueError as err:
        if "not found" in str(err).lower() or "worksheet" in str(err).lower():
            names = pd.ExcelFile(path, engine="calamine").sheet_names
            raise RawDataError(path, sheet, None, f"sheet not found (the file has {names})") from None
        raise
    return frame.where(frame.notna(), "").to_numpy().tolist()


def partner_cells(
    values: Iterator[tuple[int, str, str | None, float | None]], path: Path, sheet: str
) -> tuple[float, dict[str, float], float]:
    """(total, {ISO3: value}, residual) from (row, Russian name, English name, value) tuples."""
    total: float | None = None
    countries: dict[str, float] = {}
    residual = 0.0
    for row, russian, english, value in values:
        kind, code = classify(russian, english)
        if kind == "unknown":
            raise RawDataError(path, sheet, row, f"unknown partner name {russian.strip()!r}: add it to NAME_VARIANTS")
        if kind == "total":
            total = value
        elif kind == OTHER:
            residual += value or 0.0
        elif kind == "country":
            if code in countries:
                if code in DIRECT_PARTNERS or code in EU27_MEMBERS:
                    raise RawDataError(path, sheet, row, f"partner {code} ({russian.strip()!r}) appears twice")
                NAMES.twice.add(f"{path.name} {sheet}: {code} ({russian.strip()})")
            countries[code] = countries.get(code, 0.0) + (value or 0.0)
    if total is None:
        raise RawDataError(path, sheet, None, "no world-total row ('Всего')")
    return total, countries, residual


def require_partners(countries: dict[str, float], path: Path, sheet: str | None, what: str) -> None:
    """A partner the product charts must have a figure in the table (a gap is never filled with 0)."""
    missing = [p for p in (*DIRECT_PARTNERS, *EU27_MEMBERS) if p not in countries]
    if missing:
        raise RawDataError(path, sheet, None, f"{what}: no figure for {', '.join(missing)}")


def emit(
    reporter: str, year: int, flow: str, total: float, countries: dict[str, float], source_id: str, **extra: object
) -> list[Cell]:
    """The six partner cells of one reporter-year-flow (EU27 = sum of the members)."""
    flags = tuple(extra.get("flags", ()))  # type: ignore[arg-type]
    cells = [Cell(reporter, p, year, flow, countries.get(p, 0.0), source_id, flags) for p in DIRECT_PARTNERS]
    eu = sum(countries.get(m, 0.0) for m in EU27_MEMBERS)
    eu_note = "EU27 = sum of the 27 current members' rows in the agency's table"
    cells.append(Cell(reporter, "EU27", year, flow, eu, source_id, flags, eu_note))
    cells.append(Cell(reporter, WORLD, year, flow, total, source_id, flags, str(extra.get("world_note", ""))))
    return cells
