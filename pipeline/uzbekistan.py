"""Uzbekistan's partner tables (stat.uz SDMX csv): exports or imports by ISO numeric partner code."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pycountry

from pipeline.names import NAMES, NUMERIC_VARIANTS, OTHER, WORLD
from pipeline.schema import RawDataError
from pipeline.tables import Cell, emit, number, require_partners


def read_uzbekistan(path: Path, flow: str, source_id: str) -> list[Cell]:
    """Uzbekistan's exports or imports with the six partners; world = sum of all partner rows."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if "Code" not in frame.columns:
        raise RawDataError(path, None, 1, f"no 'Code' column (header: {list(frame.columns)[:5]})")
    year_columns = [c for c in frame.columns if re.fullmatch(r"(19|20)\d\d", c)]
    if not year_columns:
        raise RawDataError(path, None, 1, "no year columns in the header")
    partners: list[str] = []  # ISO3 (or OTHER) of each data row, in file order
    for line, code in enumerate(frame["Code"], start=2):  # line 1 is the header
        text = code.strip()
        name = frame.at[line - 2, "Klassifikator_en"]
        if not text.isdigit():
            raise RawDataError(path, None, line, f"partner code {code!r} is not an ISO numeric code")
        numeric = text.zfill(3)
        country = pycountry.countries.get(numeric=numeric)
        if int(text) == 0:
            NAMES.aggregates.add(f"UZB code 0 ({name})")
            iso3 = OTHER
        elif country is not None:
            NAMES.by_pycountry.add(f"UZB code {numeric}")
            iso3 = country.alpha_3
        elif numeric in NUMERIC_VARIANTS:
            NAMES.by_table.add(f"UZB code {numeric} ({name})")
            iso3 = NUMERIC_VARIANTS[numeric]
        else:
            raise RawDataError(path, None, line, f"unknown ISO numeric partner code {text!r} ({name})")
        if iso3 != OTHER and iso3 in partners:
            raise RawDataError(path, None, line, f"partner {iso3} appears twice")
        partners.append(iso3)
    note = "world = sum of all partner rows of the agency's table (the table has no total row)"
    cells: list[Cell] = []
    for column in year_columns:
        values = []
        for line, text in enumerate(frame[column], start=2):
            value = number(text)
            if value is None:
                raise RawDataError(path, None, line, f"column {column}: not a number: {text!r}")
            values.append(value)
        by_iso = {iso3: value for iso3, value in zip(partners, values, strict=True) if iso3 != OTHER}
        require_partners(by_iso, path, None, f"{column} {flow}")
        year_cells = emit("UZB", int(column), flow, sum(values), by_iso, source_id, world_note=note)
        # only the world total is derived; partner cells are as published
        cells += [replace(c, flags=("derived",)) if c.partner == WORLD else c for c in year_cells]
    return cells
