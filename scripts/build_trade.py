"""Rebuild ``data/trade.csv`` from the raw files in ``data/raw`` (nothing outside the repository).

Inputs (all vendored, with sha256 in the folders' MANIFEST.md):

- ``data/raw/national_statistics/``: the agencies' own partner tables: Kazakhstan 2018-2023
  (stat.gov.kz .xls), Kyrgyzstan 1994-2023 (stat.kg .xlsx), Uzbekistan 2010-2023 (stat.uz SDMX csv).
  Dataset ``national_statistics``, side ``reporter``; thousand US$ converted to US$ m.
- ``data/raw/research/trade_reference_1992_2025.csv``: IMF DOTS 1992-2020 (both sides; dataset
  ``imf_dots``) and page-quoted figures.
- ``data/raw/research/trade_2021_2025.md`` section 1: page-quoted figures 2021-2025.
- ``data/raw/partner_records/``: partner-side figures (China customs, Eurostat, Türkiye) quoted by
  pages, written by a research session; reviewed on the way in (duplicates folded, statements
  reclassified).
- ``data/raw/agency_releases/``: 2024-2025 figures of the agencies' own releases quoted by pages
  (no agency table covers those years yet); ``national_statistics`` / ``reporter``, preliminary.

A figure whose only carrier is a propaganda outlet, an aggregator, a reprint or content-farm site,
a bare IP, a test host or an ad/tracking URL is dropped on the way in (``DENIED_HOSTS``); every source
row names its ``originator`` (the institution that produced the figures) and ``source_type``.

Every page row gets a ``dataset`` from its side (reporter -> national_statistics, mirror ->
partner_records, statement -> statements, other -> other); IMF rows are ``imf_dots``. Figures
worked back from a share are removed; page rows that repeat an agency figure are dropped.

Outputs, each written atomically (temporary file + ``os.replace``) and only after every input was
read and checked: ``data/trade.csv``, the trade rows of ``data/sources.csv`` (rows other tables use
are kept as they are) and the generated coverage table in ``data/README.md``. A second run gives
byte-identical files. Any unexpected raw input stops the build with an error naming file, sheet
and row, and nothing is written.

Usage: ``python scripts/build_trade.py [--raw DIR] [--out FILE] [--sources FILE] [--readme FILE]``.
"""

# ruff: noqa: RUF001, RUF002  (Russian names and en dashes in the agencies' tables are meant)
from __future__ import annotations

import argparse
import csv
import gettext
import hashlib
import io
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pycountry

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
NATSTATS = "national_statistics"
RESEARCH = "research"

# ================================================================ national statistics

# The 27 current EU members (since 1 Feb 2020): the one definition of EU27 used by the build.
EU27_MEMBERS = (
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL",
    "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE",
)  # fmt: skip
DIRECT_PARTNERS = ("RUS", "CHN", "USA", "TUR")
WORLD = "WLD"
OTHER = "other"  # a residual the agency could not allocate to a country (part of the world total)

# Rows that are not one country. "total" is the world total; "group" a region or bloc (a subtotal
# of country rows); OTHER a residual that belongs to the world total but to no country.
AGGREGATES: dict[str, str] = {
    "всего": "total",
    "всего в том числе": "total",
    "страны снг": "group",
    "снг": "group",
    "страны еаэс": "group",
    "еаэс": "group",
    "страны вне еаэс": "group",
    "остальные страны мира": "group",
    "европа": "group",
    "страны ес": "group",
    "ес": "group",
    "страны вне ес": "group",
    "азия": "group",
    "америка": "group",
    "африка": "group",
    "австралия и океания": "group",
    "шос": "group",
    "неопределенная страна": OTHER,
    "европейский союз (ес)": OTHER,  # EU, member not stated (KGZ imports)
    "оон": OTHER,  # United Nations as a counterpart (KGZ imports)
    "нормандские острова": OTHER,  # Jersey + Guernsey: no single ISO code
}
# Country names pycountry cannot resolve (older names, short forms, misspellings in the files).
NAME_VARIANTS: dict[str, str] = {
    "россия": "RUS",
    "кыргызстан": "KGZ",
    "великобритания": "GBR",
    "молдова": "MDA",
    "македония": "MKD",
    "республика македония": "MKD",
    "китай (сар гонконг)": "HKG",
    "корея (кндр)": "PRK",
    "лаосская народно-демократическая республика": "LAO",
    "ливийская арабская джамахирия": "LBY",
    "свазиленд": "SWZ",
    "заир": "COD",
    "цар": "CAF",
    "юар": "ZAF",
    "котд ивуар": "CIV",
    "котд'ивуар": "CIV",
    "боствана": "BWA",
    "буркино фасо": "BFA",
    "бруней": "BRN",
    "буве": "BVT",
    "восточное самоа": "ASM",
    "кокосовые осторова": "CCK",
    "ирак, республика ирак": "IRQ",
    "сен-бартелеми": "BLM",
    "нидерландские антильские острова": "ANT",
    "малые тихоокеан. отдаленные остроа сша": "UMI",
    "малые тихоокеан. отдален. острова сша": "UMI",
    "малые тихоокеан.отдален.ост-ва с.ш.": "UMI",
    "южн.джорджия и южн.сандвич.острова": "SGS",
    "французкие южные территории": "ATF",
    "тайвань. китайская провинция": "TWN",
    "республика латвия": "LVA",
    "корея, народно демократическая республика": "PRK",
    "коморские острова": "COM",
    "тимор лесте": "TLS",
    "майотта": "MYT",
    "остров святой елены": "SHN",
    "британская территория в индийском океане": "IOT",
    "острова теркс и кайкос": "TCA",
    "уоллис и футуна": "WLF",
    "северные марианские острова": "MNP",
    "американское самоа": "ASM",
    "кокосовые (килинг) острова": "CCK",
    "черногория (монтенегро)": "MNE",
    "питкерн": "PCN",
    "микронезия, федеративные штаты": "FSM",
    "фолклендские острова (мальвинские)": "FLK",
    "макао (макао)": "MAC",
    "ангилья": "AIA",
    "ангилья (брит.)": "AIA",
    "виргинские острова (брит.)": "VGB",
    "британско-виргинские острова": "VGB",
}
# ISO numeric codes withdrawn from ISO 3166-1 that the Uzbek tables still use.
NUMERIC_VARIANTS: dict[str, str] = {"736": "SDN", "530": "ANT"}  # Sudan before 2011, Netherlands Antilles
# Parenthesised notes that name the owning state of a territory, e.g. "Гибралтар (Брит.)".
OWNER_NOTES = re.compile(r"\s*\((брит\.|сша|н\.зел\.|китай)\)$")


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


@dataclass
class NameLog:
    """How each distinct partner name was resolved (for the build report)."""

    by_pycountry: set[str] = field(default_factory=set)
    by_table: set[str] = field(default_factory=set)
    aggregates: set[str] = field(default_factory=set)
    twice: set[str] = field(default_factory=set)  # minor partners listed twice (their rows are added)


NAMES = NameLog()


def normalise(name: str) -> str:
    """Lower case, no accents or NBSP, ё -> е, single spaces."""
    text = unicodedata.normalize("NFD", name.replace("\xa0", " ")).replace("\u0301", "")  # stress marks
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    text = re.sub(r"\s*[-–—]\s*", " ", text)  # "Бруней-Даруссалам" = "Бруней Даруссалам"
    return re.sub(r"\s+", " ", text).strip()


@cache
def russian_names() -> dict[str, str]:
    """pycountry's Russian country names (name, official and common name) -> ISO3."""
    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            english = getattr(country, attr, None)
            if english:
                index.setdefault(normalise(translation.gettext(english)), country.alpha_3)
    for country in pycountry.historic_countries:  # e.g. Netherlands Antilles
        index.setdefault(normalise(translation.gettext(country.name)), country.alpha_3)
    return index


def _pycountry_iso3(russian: str, english: str | None) -> str | None:
    """ISO3 via pycountry: the Russian name (as is, owner note removed, 'A, B' turned round), then English."""
    names = russian_names()
    key = normalise(russian)
    candidates = [key, OWNER_NOTES.sub("", key)]
    if "," in key:
        head, tail = (p.strip() for p in key.split(",", 1))
        candidates += [f"{tail} {head}", f"{head} ({tail})", head]
    inner = re.fullmatch(r".*\((.+)\)", key)
    if inner and not OWNER_NOTES.search(key):
        candidates.append(inner.group(1))
    for candidate in candidates:
        if candidate in names:
            return names[candidate]
    if english:
        try:
            return pycountry.countries.lookup(english.strip()).alpha_3
        except LookupError:
            return None
    return None


@cache
def classify(russian: str, english: str | None = None) -> tuple[str, str]:
    """(kind, code) of a partner name: ('country', ISO3), ('total'|'group'|OTHER, name) or ('unknown', name)."""
    key = normalise(russian)
    aggregates = {normalise(k): v for k, v in AGGREGATES.items()}
    variants = {normalise(k): v for k, v in NAME_VARIANTS.items()}
    if key in aggregates:
        NAMES.aggregates.add(russian.strip())
        return aggregates[key], key
    found = _pycountry_iso3(russian, english)
    if found:
        NAMES.by_pycountry.add(russian.strip())
        return "country", found
    if key in variants:
        NAMES.by_table.add(russian.strip())
        return "country", variants[key]
    return "unknown", key


# ---------------------------------------------------------------- national rows


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


def _number(value: object) -> float | None:
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


def _sheet(path: Path, sheet: str) -> list[list[object]]:
    """All cells of one sheet (pandas + calamine), or RawDataError if the sheet is missing."""
    try:
        frame = pd.read_excel(path, sheet_name=sheet, header=None, engine="calamine", dtype=object)
    except ValueError as err:
        if "not found" in str(err).lower() or "worksheet" in str(err).lower():
            names = pd.ExcelFile(path, engine="calamine").sheet_names
            raise RawDataError(path, sheet, None, f"sheet not found (the file has {names})") from None
        raise
    return frame.where(frame.notna(), "").to_numpy().tolist()


def _partner_cells(
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


def _require_partners(countries: dict[str, float], path: Path, sheet: str | None, what: str) -> None:
    """A partner the product charts must have a figure in the table (a gap is never filled with 0)."""
    missing = [p for p in (*DIRECT_PARTNERS, *EU27_MEMBERS) if p not in countries]
    if missing:
        raise RawDataError(path, sheet, None, f"{what}: no figure for {', '.join(missing)}")


def _emit(
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


# ---------------------------------------------------------------- Kazakhstan


def _kaz_columns(rows: list[list[object]], path: Path, sheet: str) -> tuple[int, int, int]:
    """(first data row index, exports column, imports column) from the header of a KAZ sheet."""
    for i, row in enumerate(rows[:12]):
        labels = [normalise(str(c)) for c in row]
        if "экспорт" in labels and "импорт" in labels:
            return i + 2, labels.index("экспорт"), labels.index("импорт")
    raise RawDataError(path, sheet, None, "no header row with 'Экспорт' and 'Импорт' in the first 12 rows")


def read_kazakhstan(path: Path, sheet: str, year: int, source_id: str) -> list[Cell]:
    """Exports and imports of Kazakhstan with the six partners, one year (one sheet)."""
    rows = _sheet(path, sheet)
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
                value = _number(rows[i][col])
                if name.strip() and value is not None:
                    yield i + 1, name, None, value

        total, countries, _ = _partner_cells(values(), path, sheet)
        _require_partners(countries, path, sheet, f"{year} {flow}")
        cells += _emit("KAZ", year, flow, total, countries, source_id)
    return cells


# ---------------------------------------------------------------- Kyrgyzstan


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
    rows = _sheet(path, sheet)
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
                value = _number(rows[i][col])
                if name.strip() and value is not None and not re.match(r"^\d+\s", name.strip()):
                    yield i + 1, name, english, value

        total, countries, _ = _partner_cells(values(), path, sheet)
        _require_partners(countries, path, sheet, f"{year} {flow}")
        cells += _emit("KGZ", year, flow, total, countries, source_id, flags=flags)
    return cells


def kgz_eu_row(path: Path, sheet: str) -> dict[int, float]:
    """The table's own 'ЕС / The EU' row by year (for checks)."""
    rows = _sheet(path, sheet)
    header, years = _kgz_years(rows, path, sheet)
    for row in rows[header + 1 :]:
        if normalise(str(row[1])) == "ес":
            return {year: _number(row[col]) or 0.0 for col, (year, _) in years.items()}
    raise RawDataError(path, sheet, None, "no 'ЕС' row")


# ---------------------------------------------------------------- Uzbekistan


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
            value = _number(text)
            if value is None:
                raise RawDataError(path, None, line, f"column {column}: not a number: {text!r}")
            values.append(value)
        by_iso = {iso3: value for iso3, value in zip(partners, values, strict=True) if iso3 != OTHER}
        _require_partners(by_iso, path, None, f"{column} {flow}")
        year_cells = _emit("UZB", int(column), flow, sum(values), by_iso, source_id, world_note=note)
        # only the world total is derived; partner cells are as published
        cells += [replace(c, flags=("derived",)) if c.partner == WORLD else c for c in year_cells]
    return cells


# ================================================================ IMF DOTS and pages

KEY = ["reporter", "partner", "year", "flow", "side", "source_id"]
SOURCE_COLUMNS = [
    "source_id", "publisher", "title", "url", "published", "accessed", "licence", "notes", "originator", "source_type",
]  # fmt: skip
FLAGS = {
    "estimate", "imf_derived", "imf_fixed_split", "derived", "lower_bound", "approximate",
    "preliminary", "break", "partial_coverage", "converted", "superseded",
}  # fmt: skip
PAGE_LICENCE = "publisher copyright; figures quoted"
HOST_PUBLISHER = {
    "en.trend.az": "Trend",
    "www.beltandroad.news": "Belt and Road News",
    "turkmenportal.com": "Turkmenportal",
    "www.yuzhongnet.com": "Yuzhong News (China Daily content)",
    "news.novyny.live": "Novyny.live (The Telegraph analysis)",
    "quotedbusiness.com": "Quoted Business",
    "ec.europa.eu": "European Commission (DG Trade)",
    "menafn.com": "MENAFN (Trend)",
}

IMF_SOURCE = {
    "source_id": "imf-dots",
    "publisher": "International Monetary Fund",
    "title": "Direction of Trade Statistics (DOTS)",
    "url": "https://data.imf.org/?sk=9D6028D4-F14A-464C-A2F2-59B2CD424B85",
    "published": "",
    "accessed": "",
    "licence": "IMF terms of use (data); MIT for the GitHub extraction",
    "notes": (
        "Annual DOTS, US$ millions, data to 2020; retrieved via GitHub SamLeBlanc/Direction-of-Trade-Map@a0b40af "
        "data/DOTS/DOTS_<n>.xlsx (downloaded 2022-02; reporters DOTS_103 KAZ, 109 KGZ, 192 TJK, 201 TKM, 210 UZB; "
        "mirror workbooks 162 RUS, 40 CHN mainland, 208 USA, 200 TUR, 230 EU). Read via the vendored extract "
        "data/raw/research/trade_reference_1992_2025.csv, which carries 0.1 m precision (bn to 4 decimals). "
        "Mirror exports = partner's Imports CIF, mirror imports = partner's Exports FOB. EU27 = current members "
        "back-cast. The extract's computed totals are dropped."
    ),
}

# Flag fixes after reading each note of trade_2021_2025.md section 1 (keyword rules misfire on
# wording quoted from *other* sources in the same note). Key: (reporter, partner, year, flow, value bn, side).
FLAG_ADD: dict[tuple[str, str, int, str, float, str], set[str]] = {
    ("KAZ", "WLD", 2024, "total", 142.9, "statement"): {"approximate"},  # "neared $50bn"
    ("KAZ", "RUS", 2023, "total", 28.5, "statement"): {"approximate"},  # "nearly $28.5 billion"
    ("KAZ", "RUS", 2023, "total", 28.0, "statement"): {"approximate"},  # "$28 billion mark"
    ("CA5", "CHN", 2021, "total", 49.5, "mirror-GACC"): {"lower_bound"},  # "just over $49.5bn" (reference note)
    ("TJK", "RUS", 2021, "imports", 1.3, "reporter"): {"approximate"},  # 约13亿美元
    ("CA5", "TUR", 2022, "total", 12.33, "mirror-TurkStat"): {"estimate"},  # the page's extrapolation of 11 months
    ("TKM", "WLD", 2022, "total", 20.0, "other"): {"estimate"},  # "ESTIMATE": Turkmenistan publishes no statistics
}
FLAG_DROP: dict[tuple[str, str, int, str, float, str], set[str]] = {
    # notes quote another outlet's rounded wording; the row's own figure is exact
    ("KAZ", "RUS", 2022, "total", 26.1, "reporter"): {"lower_bound", "approximate"},
    ("KAZ", "CHN", 2022, "exports", 13.2, "reporter"): {"lower_bound"},  # "more than a third" is the growth rate
    ("KAZ", "RUS", 2023, "total", 28.0, "statement"): {"lower_bound"},
    ("TKM", "TUR", 2023, "total", 2.6, "statement"): {"lower_bound"},  # ">2.5" is another outlet's wording
    ("KAZ", "CHN", 2022, "total", 24.1, "reporter"): {"lower_bound"},
    ("KAZ", "USA", 2022, "total", 3.1, "reporter"): {"lower_bound", "approximate"},
    ("KAZ", "EU27", 2022, "total", 39.9, "reporter"): {"lower_bound"},
    ("KAZ", "EU27", 2022, "total", 40.0, "reporter"): {"lower_bound", "approximate"},
    ("KAZ", "TUR", 2023, "total", 6.0, "reporter"): {"approximate"},
    ("KGZ", "CHN", 2025, "imports", 22.0, "mirror-GACC"): {"lower_bound"},
    ("UZB", "RUS", 2023, "total", 9.9, "reporter"): {"approximate"},
    ("UZB", "CHN", 2022, "total", 9.0, "reporter"): {"lower_bound"},
    ("UZB", "CHN", 2025, "total", 17.2, "reporter"): {"approximate", "lower_bound"},
    ("UZB", "WLD", 2023, "total", 62.6, "reporter"): {"approximate"},
    ("UZB", "TUR", 2021, "total", 3.645, "statement"): {"lower_bound"},
    ("CA5", "CHN", 2022, "total", 70.2, "mirror-GACC"): {"approximate"},
    ("CA5", "CHN", 2025, "total", 106.3, "mirror-GACC"): {"lower_bound"},
    ("KAZ", "CHN", 2023, "total", 41.02, "mirror-GACC"): {"approximate"},
    ("TJK", "CHN", 2023, "total", 3.926, "mirror-GACC"): {"approximate"},
    ("TJK", "WLD", 2023, "total", 8.33, "reporter"): {"lower_bound"},
    ("KAZ", "CHN", 2025, "total", 48.7, "mirror-GACC"): {"lower_bound"},
    ("UZB", "EU27", 2022, "total", 4.61, "mirror-Eurostat"): {"approximate"},
}
# Reference-CSV page rows (<= 2020): extra flags by (reporter, partner, year, flow).
REF_FLAGS: dict[tuple[str, str, int, str], set[str]] = {
    ("CA5", "CHN", 2013, "total"): {"converted"},  # yuan converted by the source
    ("KAZ", "RUS", 2020, "total"): set(),
    ("KGZ", "CHN", 2018, "total"): {"lower_bound"},  # "more than $2bn"
}


# ---------------------------------------------------------------- helpers


def join_flags(flags: Iterable[str]) -> str:
    """Sorted, de-duplicated, ';'-joined flags (checked against the vocabulary)."""
    unique = sorted(set(flags))
    unknown = set(unique) - FLAGS
    if unknown:
        raise ValueError(f"unknown flags: {unknown}")
    return ";".join(unique)


def slug(text: str, limit: int = 60) -> str:
    """Lower-case ASCII slug."""
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:limit].strip("-")


def published_from_url(url: str) -> str:
    """A publication date read from the URL path, when it carries one (else empty)."""
    path = urlparse(url).path + "?" + urlparse(url).query
    for pattern, fmt in (
        (r"/(20\d\d)/(\d\d)/(\d\d)/", "{0}-{1}-{2}"),
        (r"/(20\d\d)-(\d\d)-(\d\d)[/-]", "{0}-{1}-{2}"),
        (r"/(20\d\d)(\d\d)(\d\d)/", "{0}-{1}-{2}"),
        (r"/(20\d\d)/(\d\d)(\d\d)/", "{0}-{1}-{2}"),
        (r"/(20\d\d)-(\d\d)/(\d\d)/", "{0}-{1}-{2}"),
        (r"/(20\d\d)(\d\d)/(\d\d)/", "{0}-{1}-{2}"),
        (r"/(20\d\d)-(\d\d)/", "{0}-{1}"),
        (r"/(20\d\d)(\d\d)/", "{0}-{1}"),
        (r"/(20\d\d)/(\d\d)/", "{0}-{1}"),
    ):
        match = re.search(pattern, path)
        if match and 1 <= int(match.group(2)) <= 12:
            return fmt.format(*match.groups())
    return ""


def source_id_for(url: str, taken: dict[str, str]) -> str:
    """A readable, unique slug for a page URL: host + date (if any) + last informative path part."""
    if url in taken:
        return taken[url]
    parts = urlparse(url)
    host = parts.netloc.lower().rstrip(".").removeprefix("www.").removeprefix("m.").removeprefix("en.")
    host = re.sub(r"\.(com|net|org|ru|kz|az|uz|kg|tj|tm|info|today|press|media|biz|pk|cn|it|news|su|ge|tr)$", "", host)
    host = re.sub(r"\.(com|co|org)$", "", host)
    segments = [s for s in re.split(r"[/?=&]", parts.path + "?" + parts.query) if s and not s.startswith("amp")]
    tail = ""
    for seg in reversed(segments):
        seg = re.sub(r"\.(html?|php|shtml)$", "", seg)
        if re.fullmatch(r"20\d\d|\d\d|0\d\d\d|p|news|en|ru|uz|it|article|material|view", seg):
            continue
        if "%" in seg:  # percent-encoded Cyrillic
            continue
        tail = seg
        break
    date = published_from_url(url)
    pieces = [host, date, tail] if date and date not in tail else [host, tail]
    base = slug("-".join(p for p in pieces if p), 70) or slug(host)
    candidate, n = base, 2
    while candidate in taken.values():
        candidate, n = f"{base}-{n}", n + 1
    taken[url] = candidate
    return candidate


# ---------------------------------------------------------------- IMF DOTS


def flow_part(note: str, flow: str) -> str:
    """The part of a per-(reporter, partner, year) note that concerns one flow (X: exports, M: imports)."""
    prefix = "X:" if flow == "exports" else "M:"
    return " ".join(p.strip() for p in note.split(";") if p.strip().startswith(prefix))


def imf_factor_note(value: float, partner_value: float | None, factor: str, flow: str) -> str:
    """Say how an IMF estimate relates to the partner's figure: exports = partner / f, imports = partner x f."""
    f = float(factor)
    # without the partner's figure, the CIF/FOB convention: exports FOB = partner's imports CIF / f
    divided = abs(value - partner_value / f) <= abs(value - partner_value * f) if partner_value else flow == "exports"
    operation = f"/ {factor}" if divided else f"x {factor}"
    return f"equals partner-reported value {operation} (IMF estimate from partner data)"


def imf_rows(ref: pd.DataFrame) -> pd.DataFrame:
    """IMF DOTS exports/imports rows (computed totals dropped), with flags from the note column."""
    imf = ref[ref["dataset"].str.startswith("IMF_DOTS") & ref["flow"].isin(["exports", "imports"])].copy()
    mirror = imf[imf["side"].str.startswith("mirror")]
    partner_value = {
        (r.reporter_iso3, r.partner, int(r.year), r.flow): float(r.value_usd_bn) for r in mirror.itertuples()
    }
    rows = []
    for r in imf.itertuples(index=False):
        note = r.note if isinstance(r.note, str) else ""
        side = "reporter" if r.side.startswith("reporter") else "mirror"
        flags: set[str] = set()
        notes: list[str] = []
        part = flow_part(note, r.flow)
        if side == "reporter":
            if "'e'" in note:
                flags.add("estimate")
                notes.append("IMF 'e' flag in this reporter-partner-year (the extract does not say which flow)")
            factor = re.search(r"x(1\.\d\d)", part)
            if factor:  # an exact partner / f or x f equality is an IMF estimate wherever it occurs
                flags.add("imf_derived")
                key = (r.reporter_iso3, r.partner, int(r.year), r.flow)
                notes.append(imf_factor_note(float(r.value_usd_bn), partner_value.get(key), factor.group(1), r.flow))
            if "near-constant shares" in note:
                flags.add("imf_fixed_split")
                notes.append("UZB 2000-2015 partner split = fixed shares of World (IMF allocation); use mirror")
            if r.reporter_iso3 == "UZB" and r.partner == "WLD" and 2000 <= r.year <= 2015:
                flags.add("estimate")
                notes.append(
                    "IMF estimate: Uzbekistan published no trade statistics for 2000-2015; "
                    "its partner rows are fixed shares of this total"
                )
            if "Customs Union" in note:
                flags.add("break")
                notes.append("Customs Union start (Jul 2010): KAZ-reported value ~half of the Russian mirror")
        if "EU27 = current 27 members" in note:
            notes.append("EU27 = current 27 members, back-cast")
        mirror_of = re.search(r"mirror \(partner-reported by (\w+)\)", r.side)
        if mirror_of:
            notes.insert(0, f"{mirror_of.group(1)}-reported")
        rows.append(
            {
                "reporter": r.reporter_iso3,
                "partner": r.partner,
                "year": int(r.year),
                "flow": r.flow,
                "value_usd_m": round(float(r.value_usd_bn) * 1000, 1),
                "value_eur_m": None,
                "dataset": "imf_dots",
                "side": side,
                "basis": "goods",
                "flags": join_flags(flags),
                "source_id": "imf-dots",
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- pages


def read_md_table(md: Path) -> pd.DataFrame:
    """The long table of trade_2021_2025.md section 1 (every data row, the first one included), as strings."""
    lines = md.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("## 1. Long-format table")]
    if not starts:
        raise RawDataError(md, None, None, "no section '## 1. Long-format table'")
    table: list[tuple[int, str]] = []
    for number in range(starts[0] + 1, len(lines)):
        if lines[number].startswith("## "):
            break
        if lines[number].startswith("|"):
            table.append((number + 1, lines[number].strip()))
    rule = re.compile(r"^\|[\s:|-]+\|?$")  # the |---|---| line under the header

    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip("|").split(" | ")]

    header = cells(table[0][1])
    body = []
    for number, line in table[1:]:
        if rule.match(line):
            continue
        row = cells(line)
        if len(row) != len(header):
            raise RawDataError(md, "section 1", number, f"{len(row)} cells, the header has {len(header)}")
        body.append(row)
    return pd.DataFrame(body, columns=header)


LOWER = re.compile(
    r"lower bound|more than|\bover (US)?\$|\">|>\s*\$?\d|\bexceed(s|ed|ing)?\b|surpass|превы|突破|first time >",
    re.IGNORECASE,
)
APPROX = re.compile(
    r"\babout\b|\balmost\b|~|≈|\bnearly\b|approximate|approach|\bneared\b|\bclose to\b|约", re.IGNORECASE
)
PARTIAL = re.compile(r"gas only|not include|excl\. gas|excluding gas", re.IGNORECASE)
CONVERTED = re.compile(r"roubles|conversion|converted", re.IGNORECASE)


def page_flags(note: str, year: int, key: tuple[str, str, int, str, float, str]) -> set[str]:
    """Flags for a section-1 row: keyword rules on the note, then the reviewed fixes above."""
    flags: set[str] = set()
    if note.startswith("DERIVED") or "DERIVED" in note.split(":")[0]:
        flags.add("derived")
    if LOWER.search(note):
        flags.add("lower_bound")
    if APPROX.search(note.replace("DERIVED", "")) and "derived" not in flags:
        flags.add("approximate")
    if PARTIAL.search(note):
        flags.add("partial_coverage")
    if CONVERTED.search(note):
        flags.add("converted")
    if year >= 2024:
        flags.add("preliminary")
    flags |= FLAG_ADD.get(key, set())
    flags -= FLAG_DROP.get(key, set())
    return flags


def side_of(raw: str) -> str:
    """Schema side from the brief's side label."""
    if raw.startswith("mirror"):
        return "mirror"
    if raw in {"reporter", "statement", "other"}:
        return raw
    raise ValueError(f"unknown side {raw!r}")


def md_rows(table: pd.DataFrame, taken: dict[str, str], meta: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Schema rows for the 2021-2025 table."""
    rows = []
    for r in table.itertuples(index=False):
        value = float(r.value)
        year = int(r.year)
        key = (r.reporter_iso3, r.partner, year, r.flow, value, r.side)
        sid = source_id_for(r.source_url, taken)
        meta.setdefault(sid, {"url": r.source_url, "outlet": r.outlet})
        note = r.note
        if r.side.startswith("mirror-") and r.side != "mirror-GACC":
            note = f"{r.side.removeprefix('mirror-')} data; {note}".strip("; ")
        elif r.side == "mirror-GACC":
            note = f"China customs (GACC); {note}".strip("; ")
        rows.append(
            {
                "reporter": r.reporter_iso3,
                "partner": r.partner,
                "year": year,
                "flow": r.flow,
                "value_usd_m": round(value * 1000, 1) if r.unit == "USD bn" else None,
                "value_eur_m": round(value * 1000, 1) if r.unit == "EUR bn" else None,
                "side": side_of(r.side),
                "basis": r.basis,
                "flags": join_flags(page_flags(r.note, year, key)),
                "source_id": sid,
                "note": note,
            }
        )
    return pd.DataFrame(rows)


def ref_side(raw: str) -> str:
    """Schema side for the reference CSV's free-text page side labels."""
    if raw.startswith("reporter ("):
        return "reporter"
    if raw.startswith("mirror (") and "statement" not in raw:
        return "mirror"
    if "statement" in raw:
        return "statement"
    return "other"


def ref_page_rows(pages: pd.DataFrame, taken: dict[str, str], meta: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Schema rows for page-sourced rows of the reference CSV."""
    rows = []
    for r in pages.itertuples(index=False):
        side = ref_side(r.side)
        if side == "mirror":
            basis = "goods"
        elif side == "reporter":
            basis = "goods+services" if r.reporter_iso3 == "UZB" else "goods"
        else:
            basis = "unclear"
        value = float(r.value_native)
        note = r.note if isinstance(r.note, str) else ""
        flags = set(REF_FLAGS.get((r.reporter_iso3, r.partner, int(r.year), r.flow), set()))
        if r.year >= 2021:  # only rows not carried in the 2021-2025 table reach here
            flags |= {"lower_bound"} if LOWER.search(note) else set()
            flags |= {"approximate"} if APPROX.search(note) else set()
            flags |= {"preliminary"} if r.year >= 2024 else set()
        sid = source_id_for(r.source_url, taken)
        meta.setdefault(sid, {"url": r.source_url, "outlet": ""})
        eur = r.unit == "EUR bn"
        rows.append(
            {
                "reporter": r.reporter_iso3,
                "partner": r.partner,
                "year": int(r.year),
                "flow": r.flow,
                "value_usd_m": None if eur else round(value * 1000, 1),
                "value_eur_m": round(value * 1000, 1) if eur else None,
                "side": side,
                "basis": basis,
                "flags": join_flags(flags),
                "source_id": sid,
                "note": "; ".join(p for p in (r.side, note) if p),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- clean-up passes


def merge_later_reference_pages(
    frame: pd.DataFrame, ref: pd.DataFrame, taken: dict[str, str], meta: dict[str, dict[str, str]]
) -> tuple[pd.DataFrame, list[str]]:
    """Reference page rows from 2021 on: most are carried in the 2021-2025 table (same URL and value).

    A row carried under another URL with the same figure (within 0.1 bn, or as the exports+imports sum
    for a total) is merged into that row's note as a documented duplicate; any other row is kept.
    """
    log: list[str] = []
    url_of = {sid: url for url, sid in taken.items()}
    urls = frame["source_id"].map(url_of)
    value = frame["value_usd_m"].astype(float).fillna(frame["value_eur_m"].astype(float))
    keep = []
    for r in ref[(ref["dataset"] == "pages") & (ref["year"] >= 2021)].itertuples(index=False):
        v = float(r.value_native) * 1000
        same = (
            (frame["reporter"] == r.reporter_iso3)
            & (frame["partner"] == r.partner)
            & (frame["year"] == r.year)
            & (frame["flow"] == r.flow)
        )
        if (same & (urls == r.source_url) & ((value - v).abs() < 0.6)).any():
            continue  # carried in the 2021-2025 table
        pair = (
            (frame["reporter"] == r.reporter_iso3)
            & (frame["partner"] == r.partner)
            & (frame["year"] == r.year)
            & frame["flow"].isin(["exports", "imports"])
        )
        pairs = [g for _, g in frame[pair].groupby(["side", "source_id"]) if set(g["flow"]) == {"exports", "imports"}]
        if r.flow == "total" and any(urls[g.index[0]] == r.source_url for g in pairs):
            continue  # a total dropped because the same page gives exports and imports (value in their note)
        diff = (value - v).abs()
        close = same & (diff <= 100.0 + 1e-6)
        target = frame.index[close]
        if len(target):
            target = [diff[target].idxmin()]
        elif r.flow == "total":
            for grp in pairs:
                if abs(value[grp.index].sum() - v) <= 100.0 + 1e-6:
                    target = list(grp.index)
                    break
        note = r.note if isinstance(r.note, str) else ""
        text = f"also reported as {r.value_native:g} bn by {r.source_url} ({r.side}; {note})"
        if len(target):
            frame.loc[target, "note"] = frame.loc[target, "note"].map(lambda n, t=text: f"{n}; {t}".strip("; "))
            log.append(
                f"merged duplicate: {r.reporter_iso3} {r.partner} {r.year} {r.flow} {r.value_native:g} bn "
                f"({r.source_url}) into {', '.join(frame.loc[target, 'source_id'].unique())}"
            )
        else:
            keep.append(r)
            log.append(
                f"kept uncarried reference row: {r.reporter_iso3} {r.partner} {r.year} {r.flow} {r.value_native:g}"
            )
    if keep:
        frame = pd.concat([frame, ref_page_rows(pd.DataFrame(keep), taken, meta)], ignore_index=True)
    return frame, log


def drop_redundant_totals(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Drop a `total` where the same source and side also give exports and imports (totals are derived in code)."""
    log: list[str] = []
    group = ["reporter", "partner", "year", "side", "source_id"]
    flows = frame.groupby(group)["flow"].agg(set)
    drop = []
    for idx, r in frame[frame["flow"] == "total"].iterrows():
        key = tuple(r[c] for c in group)
        if {"exports", "imports"} <= flows[key]:
            value = r["value_usd_m"] if pd.notna(r["value_usd_m"]) else r["value_eur_m"]
            unit = "US$ m" if pd.notna(r["value_usd_m"]) else "EUR m"
            same = (frame[group] == pd.Series(key, index=group)).all(axis=1)
            mask = same & frame["flow"].isin(["exports", "imports"])
            frame.loc[mask, "note"] = frame.loc[mask, "note"].map(
                lambda n, v=value, u=unit: f"{n}; source also states total {v:g} {u}".strip("; ")
            )
            drop.append(idx)
            log.append(f"dropped total {' '.join(map(str, key))} = {value:g} {unit} (exports+imports kept)")
    return frame.drop(index=drop), log


FLAG_WORDS = {"lower_bound": "a lower bound", "approximate": "approximate", "preliminary": "preliminary"}


def fold_split_totals(frame: pd.DataFrame, urls: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """A total beside an exports + imports split of the same records (dataset and side), from another source,
    moves into the split's notes: a plain sum of the rows never counts the trade twice.

    Rows flagged ``superseded`` are left alone (charts never use them; the agency's split is the figure).
    """
    log: list[str] = []
    frame = frame.reset_index(drop=True)
    live = ~frame["flags"].fillna("").str.contains("superseded")
    group = ["reporter", "partner", "year", "dataset", "side"]
    flows = frame[live].groupby(group)["flow"].agg(set)
    drop = []
    for idx, r in frame[live & (frame["flow"] == "total")].iterrows():
        key = tuple(r[c] for c in group)
        if not {"exports", "imports"} <= flows[key]:
            continue
        value, unit = (r["value_usd_m"], "US$ m") if pd.notna(r["value_usd_m"]) else (r["value_eur_m"], "EUR m")
        words = [FLAG_WORDS.get(f, f) for f in filter(None, str(r["flags"]).split(";"))]
        flags = f" ({', '.join(words)})" if words else ""
        where = urls.get(r["source_id"], r["source_id"])
        text = f"{where} states a total of {value:g} {unit}{flags}, not stored beside this split (would double-count)"
        same = (frame[group] == pd.Series(key, index=group)).all(axis=1)
        mask = live & same & frame["flow"].isin(["exports", "imports"])
        frame.loc[mask, "note"] = frame.loc[mask, "note"].map(lambda n, t=text: f"{n}; {t}".strip("; "))
        drop.append(idx)
        log.append(f"folded total beside a split: {' '.join(map(str, key))} {value:g} {unit} ({r['source_id']})")
    return frame.drop(index=drop), log


def resolve_collisions(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Keep one row per key; a second figure for the same key goes into the kept row's note."""
    log: list[str] = []
    dup = frame.duplicated(KEY, keep=False)
    if not dup.any():
        return frame, log
    keep_idx = []
    for key, grp in frame[dup].groupby(KEY):
        first, rest = grp.iloc[0], grp.iloc[1:]
        others = "; ".join(
            f"same source also gives {r.value_usd_m or r.value_eur_m:g} ({r.note})" for r in rest.itertuples()
        )
        frame.loc[grp.index[0], "note"] = f"{first['note']}; {others}".strip("; ")
        keep_idx.append(grp.index[0])
        log.append(f"collision {key}: kept {first['value_usd_m']}, folded {len(rest)} other row(s) into note")
    return pd.concat([frame[~dup], frame.loc[keep_idx]]), log


def source_rows(meta: dict[str, dict[str, str]]) -> pd.DataFrame:
    """One source row per source_id."""
    rows = [IMF_SOURCE]
    for sid, m in sorted(meta.items()):
        if sid == "imf-dots":
            continue
        outlet = m.get("outlet", "")
        host = urlparse(m["url"]).netloc
        publisher = outlet.split(" (")[0].strip() if outlet else HOST_PUBLISHER.get(host, host.removeprefix("www."))
        cited = outlet[len(publisher) :].strip(" ()") if outlet else ""
        title = m.get("title") or _title_from_url(m["url"], publisher)
        notes = f"Figures read from the stored page excerpt (research notes); cites {cited}" if cited else ""
        notes = notes or "Figures read from the stored page excerpt (research notes)"
        published = m.get("published") or published_from_url(m["url"])
        if published and not m.get("published"):
            notes += "; published date read from the URL"
        rows.append(
            {
                "source_id": sid,
                "publisher": publisher,
                "title": title,
                "url": m["url"],
                "published": published,
                "accessed": "",
                "licence": PAGE_LICENCE,
                "notes": notes,
            }
        )
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def _title_from_url(url: str, publisher: str) -> str:
    """A faithful short description when the page title is not recorded."""
    from urllib.parse import unquote

    path = unquote(urlparse(url).path)
    words = [s for s in re.split(r"[/]", path) if re.search(r"[^\W\d]+[-_][^\W\d]+", s)]
    if words:
        text = re.sub(r"\.(html?|php|shtml)$", "", words[-1]).replace("_", " ").replace("-", " ").strip()
        return text[:1].upper() + text[1:]
    return f"{publisher} page (title not recorded)"


# ================================================================ carriers and originators

# Carriers a trade figure must not rest on (issue 18): propaganda outlets, aggregators, reprint and
# content-farm sites, bare IP hosts, test or staging hosts, ad-click and tracking URLs. A figure whose
# only carrier is one of these leaves the product (dropped at input, logged; data/README.md lists the gaps).
DENIED_HOSTS: dict[str, str] = {
    "news-front.su": "propaganda outlet under EU sanctions",
    "finance-rambler.ru": "news aggregator",
    "news.novyny.live": "reprint of another outlet's analysis",
    "theworldnews.net": "news aggregator",
    "urdupoint.com": "news aggregator",
    "666dongdong.cn": "content farm",
    "pricecafe.net": "content farm",
    "zykjszfw.com": "content farm",
    "incomein.biz": "content farm",
    "eximtutor.com": "content farm",
    "dianli.yktworld.com": "reprint site",
    "whysw.org": "reprint site",
    "ohiominer.com": "reprint site",
    "standom.org": "reprint site",
    "kokshetau.asia": "reprint site",
    "turkmenistannewsgazette.com": "reprint site",
    "tradeleads.ru": "trade-leads aggregator",
    "ria24.today": "site imitating RIA Novosti",
}
TEST_HOST = re.compile(r"^(img)?(test|staging|stage|dev|beta)\d*\.", re.IGNORECASE)
TRACKING = re.compile(r"com_banners|task=click|[?&](utm_[a-z]+|fbclid|gclid)=", re.IGNORECASE)


def denied_carrier(url: str) -> str:
    """Why a URL may not carry a figure ('' when it may)."""
    parts = urlparse(url)
    host = (parts.hostname or "").lower()
    for denied, why in DENIED_HOSTS.items():
        if host == denied or host.endswith("." + denied):
            return why
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return "bare IP address"
    if TEST_HOST.match(host):
        return "test or staging host"
    if TRACKING.search(parts.query) or TRACKING.search(url):
        return "ad-click or tracking URL"
    return ""


def drop_denied(frame: pd.DataFrame, url_column: str, where: str) -> tuple[pd.DataFrame, list[str]]:
    """Input rows whose carrier is denied, removed and logged (their figures leave the product)."""
    why = frame[url_column].map(denied_carrier)
    log = [
        f"dropped ({reason}) {where}: {r.get('reporter_iso3', r.get('reporter'))} {r['partner']} {r['year']} "
        f"{r['flow']} {r[url_column]}"
        for reason, (_, r) in zip(why[why != ""], frame[why != ""].iterrows(), strict=True)
    ]
    return frame[why == ""], log


KAZ_AGENCY = "Bureau of National Statistics of the Republic of Kazakhstan"
KGZ_AGENCY = "National Statistical Committee of the Kyrgyz Republic"
UZB_AGENCY = "Statistics Agency under the President of the Republic of Uzbekistan"
AGENCY_NAME = {  # the agencies' own names, as their publications' source rows give them
    "KAZ": KAZ_AGENCY,
    "KGZ": KGZ_AGENCY,
    "UZB": UZB_AGENCY,
    "TJK": "Agency on Statistics under the President of Tajikistan",
    "TKM": "State Committee of Turkmenistan on Statistics",
    "CA5": "Statistics agencies of the Central Asian states",
}
IMF_NAME = "International Monetary Fund"
PARTNER_ORIGINATORS = (
    (re.compile(r"GACC|China customs"), "General Administration of Customs of China", "official_statistics"),
    (re.compile(r"Eurostat|European Commission|EU statistics"), "Eurostat", "official_statistics"),
    (re.compile(r"US ?Census"), "US Census Bureau", "official_statistics"),
    (re.compile(r"TurkStat"), "TurkStat", "official_statistics"),
    (re.compile(r"Turkish Ministry of Trade"), "Ministry of Trade of Türkiye", "government"),
    (re.compile(r"TİM"), "Turkish Exporters Assembly (TİM)", "other"),
    (re.compile(r"Russian FCS"), "Federal Customs Service of Russia", "government"),
)
RUSSIA = ("Government of Russia", "government")
# Statements and compilations: who made the figure (from the research notes' outlet column).
STATED_BY: dict[str, tuple[str, str]] = {
    "qazinform-eu-invested-usd-200-bln-in-kazakhstan-over-past-20-years-2a0": (
        "Office of the President of Kazakhstan",
        "government",
    ),
    "caliber-russia-kazakhstan-bilateral-trade-grows-amid-west-s-sanctions": RUSSIA,
    "trend-3976018": ("Office of the President of Kazakhstan", "government"),
    "vestikavkaza-171966": RUSSIA,
    "ru-trend-4101832": ("Office of the President of Kazakhstan", "government"),
    "ru-trend-4101821": RUSSIA,
    "lite-mir24-tv-16583545": ("Government of Kazakhstan", "government"),
    "lite-mir24-tv-tovarooborot-mezhdu-rossiei-i-tadzhikistanom-v-2023-godu": RUSSIA,
    "1prime-2025-08-30-tokai-861478551": ("Office of the President of Kazakhstan", "government"),
    "1prime-2025-12-03-uzbekistan-865162050": ("Government of Uzbekistan", "government"),
    "timesca-china-central-asia-trade-nearly-triples-since-2020": ("Eurasian Development Bank", "intergovernmental"),
    "24-304858-akylbek-japarov-kyrgyzstan-and-russia-plan-to-increase-trade": (
        "Cabinet of Ministers of the Kyrgyz Republic",
        "government",
    ),
    "gazeta-2025-11-26-27270655": RUSSIA,
    "report-erdogan-turciya-i-kyrgyzstan-hotyat-dovesti-obem-tovarooborota": ("Presidency of Türkiye", "government"),
    "newscentralasia-2023-08-02-trapeznikov-turkmenistans-foreign-trade-vol": (
        "Independent observer (V. Trapeznikov)",
        "other",
    ),
    "business-turkmenistan-exports-114-billion-in-products": ("Office of the President of Turkmenistan", "government"),
    "daryo-2023-05-25-rossia-namerena-ukreplat-strategiceskoe-partnerstvo-s": RUSSIA,
    "bm-tovarooborot-mezdu-turkmenistanom-i-turciei-prevysil-15-mlrd-posol": (
        "Embassy of Türkiye in Turkmenistan",
        "government",
    ),
    "de-turkishnewsworld-der-handelsumsatz-zwischen-turkmenistan-und-der-tu": (
        "Embassy of Türkiye in Turkmenistan",
        "government",
    ),
    "nationalinterest-silk-road-rivalries": ("The National Interest (opinion piece; data source not stated)", "press"),
    "novini-bg-711481": ("Embassy of Türkiye in Uzbekistan", "government"),
    "daryo-2024-07-23-uzbekistan-trkiye-trade-turnover-drops-177-from-2022": (
        "Daryo (data source not stated)",
        "press",
    ),
    "uz-kursiv-2023-04-25-rossiya-va-markaziy-osiyo-davlatlari-o-rtasidagi": RUSSIA,
    "russiaspivottoasia-721": RUSSIA,
    "menafn-uzbekistans-trade-turnover-with-eu-continues-to-increase": ("Government of Uzbekistan", "government"),
    "thefederalnewswire-blinken-kazakhstan-economic-partnership": ("US Department of State", "government"),
}


def row_originator(row: pd.Series) -> tuple[str, str]:
    """The institution that produced a trade row's figure, and its kind."""
    if row["dataset"] == "imf_dots":
        return IMF_NAME, "intergovernmental"
    if row["dataset"] == "national_statistics":
        return AGENCY_NAME[row["reporter"]], "official_statistics"
    if row["dataset"] == "partner_records":
        for pattern, name, kind in PARTNER_ORIGINATORS:
            if pattern.search(row["note"]):
                return name, kind
    if row["source_id"] in STATED_BY:
        return STATED_BY[row["source_id"]]
    raise RawDataError(
        "trade.csv", None, None,
        f"no originator for {row['reporter']} {row['partner']} {row['year']} {row['flow']} ({row['source_id']}): "
        "name the institution in PARTNER_ORIGINATORS or STATED_BY",
    )  # fmt: skip


def originators(trade: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Per source: its originators ('; '-joined, most rows first) and the kind of the main one."""
    pairs = trade.apply(row_originator, axis=1, result_type="reduce")
    table = pd.DataFrame({"source_id": trade["source_id"], "pair": pairs})
    out: dict[str, tuple[str, str]] = {}
    for sid, grp in table.groupby("source_id", sort=True):
        counts = grp["pair"].value_counts()
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        names = list(dict.fromkeys(name for (name, _), _ in ranked))
        out[sid] = ("; ".join(names), ranked[0][0][1])
    return out


# ================================================================ the build

GITHUB_COPY = "mary-lev/eu-export-sanctions"
GITHUB_COMMIT = "4b6a5dfc864ab3352104974a4516458fd7347b38"
AGENCY_LICENCE = "agency publication; figures quoted"
KAZ_URL = "https://stat.gov.kz/ru/industries/economy/foreign-market/publications/"
KGZ_URL = "https://www.stat.kg/ru/statistics/vneshneekonomicheskaya-deyatelnost/"
UZB_URL = "https://siat.stat.uz/"


@dataclass(frozen=True)
class Publication:
    """One vendored raw file and the source row that cites it."""

    file: str
    source_id: str
    publisher: str
    title: str
    url: str
    original: str  # the file's path in the GitHub copy
    published: str = ""


KAZ_ORIGINAL = {False: "Основные показатели внешней торговли", True: "Основные показатели внешней торговли по странам"}
KAZ_TITLE = (
    "Основные показатели внешней торговли Республики Казахстан {0} (main foreign trade indicators by country, {0})"
)
PUBLICATIONS = [
    *(
        Publication(
            f"kaz_foreign_trade_by_country_{year}.xls",
            f"stat-gov-kz-foreign-trade-{year}",
            KAZ_AGENCY,
            KAZ_TITLE.format(year),
            KAZ_URL,
            f"data/kazakhstan_data/{KAZ_ORIGINAL[year >= 2022]}_{year}.xls",
            "2024-07-25" if year == 2023 else "",
        )
        for year in range(2019, 2024)
    ),
    Publication(
        "kgz_exports_by_country_1994_2023.xlsx",
        "stat-kg-exports-by-country-1994-2023",
        KGZ_AGENCY,
        "4.03.00.18 Географическое распределение экспорта товаров (exports of goods by country), 1994-2023",
        KGZ_URL,
        "data/kyrgyzstan_data/4.03.00.18 Географическое распределение экспорта товаров.xlsx",
    ),
    Publication(
        "kgz_imports_by_country_1994_2023.xlsx",
        "stat-kg-imports-by-country-1994-2023",
        KGZ_AGENCY,
        "4.03.00.20 Географическое распределение импорта товаров (imports of goods by country), 1994-2023",
        KGZ_URL,
        "data/kyrgyzstan_data/4.03.00.20 Географическое распределение импорта товаров.xlsx",
    ),
    Publication(
        "uzb_exports_by_country_2010_2023.csv",
        "stat-uz-sdmx-1105-exports-by-country",
        UZB_AGENCY,
        "Exports by partner country, 2010-2023 (open data, SDMX dataset 1105)",
        UZB_URL,
        "data/uzbekistan_data/sdmx_data_1105.csv",
    ),
    Publication(
        "uzb_imports_by_country_2010_2023.csv",
        "stat-uz-sdmx-1176-imports-by-country",
        UZB_AGENCY,
        "Imports by partner country, 2010-2023 (open data, SDMX dataset 1176)",
        UZB_URL,
        "data/uzbekistan_data/sdmx_data_1176.csv",
    ),
]
PUBLICATION = {p.file: p for p in PUBLICATIONS}
# Kazakhstan: each year is read from the newest file that holds it (file, sheet, year).
KAZ_SHEETS = [
    ("kaz_foreign_trade_by_country_2019.xls", "12_2018", 2018),
    ("kaz_foreign_trade_by_country_2020.xls", "12_2019", 2019),
    ("kaz_foreign_trade_by_country_2021.xls", "12_2020", 2020),
    ("kaz_foreign_trade_by_country_2022.xls", "2021", 2021),
    ("kaz_foreign_trade_by_country_2023.xls", "2022", 2022),
    ("kaz_foreign_trade_by_country_2023.xls", "2023", 2023),
]
KGZ_SHEETS = [
    ("kgz_exports_by_country_1994_2023.xlsx", "Лист1", "exports"),
    ("kgz_imports_by_country_1994_2023.xlsx", "import", "imports"),
]
UZB_FILES = [
    ("uzb_exports_by_country_2010_2023.csv", "exports"),
    ("uzb_imports_by_country_2010_2023.csv", "imports"),
]
COLUMNS = [
    "reporter", "partner", "year", "flow", "value_usd_m", "value_eur_m", "dataset", "side", "basis", "flags",
    "source_id", "note",
]  # fmt: skip
DATASETS = ("imf_dots", "national_statistics", "partner_records", "statements", "other")
PAGE_DATASET = {
    "reporter": "national_statistics",
    "mirror": "partner_records",
    "statement": "statements",
    "other": "other",
}


def national_cells(raw: Path) -> list[Cell]:
    """Every (reporter, partner, year, flow) figure of the three agencies' tables, thousand US$."""
    folder = raw / NATSTATS
    cells: list[Cell] = []
    for file, sheet, year in KAZ_SHEETS:
        cells += read_kazakhstan(folder / file, sheet, year, PUBLICATION[file].source_id)
    kyrgyz: list[Cell] = []
    for file, sheet, flow in KGZ_SHEETS:
        kyrgyz += read_kyrgyzstan(folder / file, sheet, flow, PUBLICATION[file].source_id)
    cells += same_release_preliminary(kyrgyz)
    for file, flow in UZB_FILES:
        cells += read_uzbekistan(folder / file, flow, PUBLICATION[file].source_id)
    return cells


def same_release_preliminary(cells: list[Cell]) -> list[Cell]:
    """A year one table of a release marks preliminary is preliminary in its companion table too.

    Kyrgyzstan's import table marks 2023 preliminary (footnote 1); the export table of the same
    release has no footnote. Its 2023 cells are flagged as well, and the note says why.
    """
    marked = {c.year for c in cells if "preliminary" in c.flags}
    note = "preliminary by inference: the import table of the same release marks this year preliminary"
    return [
        c
        if c.year not in marked or "preliminary" in c.flags
        else replace(c, flags=(*c.flags, "preliminary"), note="; ".join(filter(None, [c.note, note])))
        for c in cells
    ]


# Uzbekistan's partner table adds up to its published foreign trade turnover, which includes services
# (2021-2023 sums 42.2, 50.5, 63.5 bn vs the agency's 42.1, 50.0, 63.5 bn revised, quoted in research/).
UZB_BASIS_NOTE = (
    "Uzbekistan's table sums to its foreign trade turnover, which includes services; "
    "unallocated flows (gold, services) sit in its 'Other countries' row"
)


def national_rows(cells: list[Cell]) -> pd.DataFrame:
    """Schema rows (US$ m, 3 decimals = the tables' thousand US$) for the agencies' figures."""
    rows = [
        {
            "reporter": c.reporter,
            "partner": c.partner,
            "year": c.year,
            "flow": c.flow,
            "value_usd_m": round(c.value_kusd / 1000, 3),
            "value_eur_m": None,
            "dataset": "national_statistics",
            "side": "reporter",
            "basis": "goods+services" if c.reporter == "UZB" else "goods",
            "flags": join_flags(c.flags),
            "source_id": c.source_id,
            "note": "; ".join(filter(None, [c.note, UZB_BASIS_NOTE if c.reporter == "UZB" else ""])),
        }
        for c in cells
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


# ---------------------------------------------------------------- rules on page rows

# A derivation that divides by, or multiplies with, a share ("17.6 = 43% of imports -> 17.6/0.43").
SHARE_ARITHMETIC = re.compile(r"\d\s*%\s*(of\b|×|x\b)|/\s*0\.\d|\bconstitutes \d+%|share\b", re.IGNORECASE)
# Figures computed from figures that were worked back from shares.
FROM_SHARE_DERIVED = {("KAZ", "WLD", 2022, "total", 134800.0)}  # "sum of the two rows above" (13.2/0.156 + 11.0/0.219)


def derivation(note: str) -> str:
    """The researcher's DERIVED clause of a note (its first sentence), or '' if the figure is not derived."""
    start = note.find("DERIVED")
    if start < 0:
        return ""
    return re.split(r"\.\s", note[start:], maxsplit=1)[0]


def drop_share_derived(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Remove every figure worked back from a share (nothing is derived from a share)."""
    keys = zip(frame["reporter"], frame["partner"], frame["year"], frame["flow"], frame["value_usd_m"], strict=True)
    from_share = frame["note"].map(lambda n: bool(SHARE_ARITHMETIC.search(derivation(n))))
    listed = pd.Series([k in FROM_SHARE_DERIVED for k in keys], index=frame.index)
    drop = from_share | listed
    log = [
        f"removed (worked back from a share): {r.reporter} {r.partner} {r.year} {r.flow} {r.value_usd_m:g} US$ m "
        f"[{r.source_id}] {derivation(r.note)[:90]}"
        for r in frame[drop].itertuples()
    ]
    return frame[~drop], log


def same_figure(page: pd.Series, agency: float) -> bool:
    """Does a page figure repeat the agency's figure (up to the page's rounding or its stated bound)?"""
    value = float(page["value_usd_m"])
    flags = set(filter(None, str(page["flags"]).split(";")))
    if "lower_bound" in flags:
        return value <= agency <= value * 1.1
    tolerance = max(50.0, 0.03 * agency) if "approximate" in flags else 50.0  # 0.05 bn: a figure rounded to 0.1 bn
    return abs(value - agency) <= tolerance


def supersede_pages(
    frame: pd.DataFrame, national: pd.DataFrame, page_urls: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Page rows quoting an agency whose table is now in the repository.

    A derived page figure, or one that repeats the table's figure, is dropped (the table row's note
    says so); a different figure is a different publication (an earlier release, another basis) and
    stays, flagged ``superseded``, with the table's figure in its note.
    """
    agency = national.set_index(["reporter", "partner", "year", "flow"])["value_usd_m"]
    agency_source = national.set_index(["reporter", "partner", "year", "flow"])["source_id"]
    national = national.copy()
    log: list[str] = []
    drop = []
    for idx, row in frame[frame["dataset"] == "national_statistics"].iterrows():
        base = (row["reporter"], row["partner"], row["year"])
        flows = ["exports", "imports"] if row["flow"] == "total" else [row["flow"]]
        keys = [(*base, f) for f in flows]
        if not all(k in agency.index for k in keys) or pd.isna(row["value_usd_m"]):
            continue
        figure = float(sum(agency[k] for k in keys))
        sources = ", ".join(sorted({agency_source[k] for k in keys}))
        label = " ".join(str(row[c]) for c in ["reporter", "partner", "year", "flow", "value_usd_m", "source_id"])
        if "derived" in str(row["flags"]) or same_figure(row, figure):
            why = "derived" if "derived" in str(row["flags"]) else "same figure"
            drop.append(idx)
            log.append(f"dropped page row ({why} as the agency's table {figure:.1f}): {label}")
            mask = (
                (national["reporter"] == base[0]) & (national["partner"] == base[1]) & (national["year"] == base[2])
                & national["flow"].isin(flows)
            )  # fmt: skip
            quoted = "a figure derived from other figures" if why == "derived" else "the same figure"
            text = f"{page_urls.get(row['source_id'], row['source_id'])} quoted {quoted} (page row dropped)"
            national.loc[mask, "note"] = national.loc[mask, "note"].map(lambda n, t=text: f"{n}; {t}".strip("; "))
        else:
            frame.loc[idx, "note"] = f"{row['note']}; agency's table ({sources}) gives {figure:.1f}".strip("; ")
            frame.loc[idx, "flags"] = join_flags([*filter(None, str(row["flags"]).split(";")), "superseded"])
            log.append(f"kept page row (differs from the agency's table {figure:.1f}): {label}")
    return frame.drop(index=drop), national, log


# ---------------------------------------------------------------- partner records (research session rows)

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


# ---------------------------------------------------------------- agency releases quoted by pages (2024-2025)

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


# ---------------------------------------------------------------- sources.csv

SOURCE_USERS = [
    "deals.csv",
    "brief_claims.csv",
    "deal_events.csv",
    "deal_checks.csv",
    "datapackage.json",
    "boundaries/README.md",
]


def sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def agency_source_rows(raw: Path) -> list[dict[str, str]]:
    """One source row per vendored agency file."""
    rows = []
    for pub in PUBLICATIONS:
        path = raw / NATSTATS / pub.file
        rows.append(
            {
                "source_id": pub.source_id,
                "publisher": pub.publisher,
                "title": pub.title,
                "url": pub.url,
                "published": pub.published,
                "accessed": "",
                "licence": AGENCY_LICENCE,
                "notes": (
                    f"Thousand US$. Vendored byte-for-byte as data/raw/national_statistics/{pub.file} "
                    f"(sha256 {sha256(path)}); copy from GitHub {GITHUB_COPY} at commit {GITHUB_COMMIT}, "
                    f"file {pub.original}. The URL is the agency's statistics page (no stable link to the file)."
                ),
            }
        )
    return rows


def sources_text(existing: Path, trade: pd.DataFrame, generated: list[dict[str, str]], data_dir: Path) -> str:
    """sources.csv with the trade rows brought up to date.

    Rows other tables cite are kept as they are; a trade source no longer used is removed; agency rows
    are regenerated; a page source not yet registered is added. Sorted by source_id.
    """
    with existing.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0].keys()) if rows else SOURCE_COLUMNS
    elsewhere = " ".join(
        (data_dir / name).read_text(encoding="utf-8") for name in SOURCE_USERS if (data_dir / name).exists()
    )
    used = set(trade["source_id"])
    regenerate = {g["source_id"]: g for g in generated if g["source_id"].startswith("stat-") or g is IMF_SOURCE}
    keep = {
        r["source_id"]: r
        for r in rows
        if r["source_id"] in used or re.search(rf"(?<![\w-]){re.escape(r['source_id'])}(?![\w-])", elsewhere)
    }
    for g in generated:
        if g["source_id"] in used and (g["source_id"] in regenerate or g["source_id"] not in keep):
            keep[g["source_id"]] = g
    missing = used - set(keep)
    if missing:
        raise RawDataError(existing, None, None, f"no source row for {sorted(missing)}")
    for sid, (originator, kind) in originators(trade).items():
        keep[sid] = {**keep[sid], "originator": originator, "source_type": kind}
    fields += [f for f in SOURCE_COLUMNS if f not in fields]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for sid in sorted(keep):
        writer.writerow({f: keep[sid].get(f, "") for f in fields})
    return out.getvalue()


# ---------------------------------------------------------------- README coverage table

README_START = "<!-- trade-coverage:start (generated by scripts/build_trade.py; do not edit) -->"
README_END = "<!-- trade-coverage:end -->"
COVERAGE_COLUMNS = [
    ("IMF DOTS, own records", lambda f: (f["dataset"] == "imf_dots") & (f["side"] == "reporter")),
    ("IMF DOTS, partners' records", lambda f: (f["dataset"] == "imf_dots") & (f["side"] == "mirror")),
    (
        "agency's tables (data/raw)",
        lambda f: (f["dataset"] == "national_statistics") & f["source_id"].str.startswith("stat-"),
    ),
    (
        "pages quoting the agency",
        lambda f: (f["dataset"] == "national_statistics") & ~f["source_id"].str.startswith("stat-"),
    ),
    ("partner records (pages)", lambda f: f["dataset"] == "partner_records"),
    ("statements", lambda f: f["dataset"] == "statements"),
    ("other compilations", lambda f: f["dataset"] == "other"),
]


def year_ranges(years: Iterable[int]) -> str:
    """1992, 1993, 1994, 1997 -> '1992–1994, 1997'."""
    ordered = sorted(set(years))
    parts: list[str] = []
    start = prev = None
    for year in [*ordered, None]:
        if start is None:
            start = prev = year
        elif year is not None and year == prev + 1:
            prev = year
        else:
            parts.append(str(start) if start == prev else f"{start}–{prev}")
            start = prev = year
    return ", ".join(parts) or "–"


def coverage_markdown(frame: pd.DataFrame) -> str:
    """Markdown tables of what trade.csv covers, computed from it."""
    reporters = [r for r in ["KAZ", "KGZ", "TJK", "TKM", "UZB", "CA5", "CA4"] if r in set(frame["reporter"])]
    lines = [
        "Years with at least one row, by reporter and dataset (number of rows in brackets):",
        "",
        "| reporter | " + " | ".join(name for name, _ in COVERAGE_COLUMNS) + " |",
        "| --- |" + " --- |" * len(COVERAGE_COLUMNS),
    ]
    for reporter in reporters:
        part = frame[frame["reporter"] == reporter]
        cells = []
        for _, select in COVERAGE_COLUMNS:
            chosen = part[select(part)]
            cells.append(f"{year_ranges(chosen['year'])} ({len(chosen)})" if len(chosen) else "–")
        lines.append(f"| {reporter} | " + " | ".join(cells) + " |")
    recent = frame[(frame["year"] >= 2019) & frame["reporter"].isin(["KAZ", "KGZ", "TJK", "TKM", "UZB"])]
    years = sorted(set(recent["year"]))
    short = {"imf_dots": "IMF", "national_statistics": "own", "partner_records": "partner", "statements": "stmt"}
    lines += [
        "",
        "World totals (`WLD`) and trade with the United States (`USA`) from 2019, by dataset: `own` = the "
        "state's statistics (agency table or a page quoting it), `IMF`, `partner` = the partner's records, "
        "`stmt` = statement, `other`; `–` = no figure:",
        "",
        "| reporter | partner | " + " | ".join(str(y) for y in years) + " |",
        "| --- | --- |" + " --- |" * len(years),
    ]
    for partner in ["WLD", "USA"]:
        for reporter in ["KAZ", "KGZ", "TJK", "TKM", "UZB"]:
            part = recent[(recent["reporter"] == reporter) & (recent["partner"] == partner)]
            cells = []
            for year in years:
                found = sorted({short.get(d, d) for d in part.loc[part["year"] == year, "dataset"]})
                cells.append(", ".join(found) or "–")
            lines.append(f"| {reporter} | {partner} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def readme_text(readme: Path, frame: pd.DataFrame) -> str:
    """data/README.md with the coverage block between the markers replaced."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        raise RawDataError(readme, None, None, f"markers {README_START!r} and {README_END!r} not found")
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    return f"{head}{README_START}\n{coverage_markdown(frame)}\n{README_END}{tail}"


# ---------------------------------------------------------------- assembling and writing


def format_trade(frame: pd.DataFrame) -> str:
    """trade.csv text: agency figures to the thousand US$ (3 decimals), the rest to 0.1 m."""
    out = frame.copy()
    digits = out["dataset"].map(lambda d: 3 if d == "national_statistics" else 1)
    for column in ("value_usd_m", "value_eur_m"):
        out[column] = ["" if pd.isna(v) else f"{float(v):.{n}f}" for v, n in zip(out[column], digits, strict=True)]
    # a page quoting the agency keeps the precision it was quoted with
    pages = (out["dataset"] == "national_statistics") & ~out["source_id"].str.startswith("stat-")
    for column in ("value_usd_m", "value_eur_m"):
        out.loc[pages, column] = ["" if pd.isna(v) else f"{float(v):.1f}" for v in frame.loc[pages, column]]
    buffer = io.StringIO()
    out[COLUMNS].to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def build(raw: Path) -> tuple[pd.DataFrame, list[dict[str, str]], list[str]]:
    """Assemble the trade rows, the generated source rows and a log of every clean-up decision."""
    national = national_rows(national_cells(raw))
    ref = pd.read_csv(raw / RESEARCH / "trade_reference_1992_2025.csv")
    table, log_denied = drop_denied(read_md_table(raw / RESEARCH / "trade_2021_2025.md"), "source_url", "notes")
    is_page = ref["dataset"] == "pages"
    ref_pages, log_ref = drop_denied(ref[is_page], "source_url", "reference csv")
    ref = pd.concat([ref[~is_page], ref_pages]).sort_index()
    log_denied += log_ref
    taken: dict[str, str] = {}
    meta: dict[str, dict[str, str]] = {}
    pages = pd.concat(
        [
            md_rows(table, taken, meta),
            ref_page_rows(ref[(ref["dataset"] == "pages") & (ref["year"] <= 2020)], taken, meta),
        ],
        ignore_index=True,
    )
    pages["note"] = pages["note"].fillna("")
    pages, log0 = drop_share_derived(pages)
    partner_sources, partner_urls = partner_record_sources(raw)
    taken.update({url: sid for sid, url in partner_urls.items()})
    records, log_records = partner_record_rows(raw, pages, partner_urls)
    releases, release_sources, release_urls = agency_release_rows(raw)
    taken.update({url: sid for sid, url in release_urls.items()})
    pages = pd.concat([pages, records.drop(columns="dataset"), releases.drop(columns="dataset")], ignore_index=True)
    log0 += log_records
    pages, log1 = drop_redundant_totals(pages)
    pages, log2 = merge_later_reference_pages(pages.reset_index(drop=True), ref, taken, meta)
    pages, log3 = resolve_collisions(pages)
    pages, log4 = drop_share_derived(pages)  # reference rows merged in above get the same rule
    pages["dataset"] = pages["side"].map(PAGE_DATASET)
    pages, national, log5 = supersede_pages(pages, national, {sid: url for url, sid in taken.items()})
    pages, log6 = fold_split_totals(pages, {sid: url for url, sid in taken.items()})
    frame = pd.concat([imf_rows(ref), national, pages], ignore_index=True)
    frame["note"] = frame["note"].fillna("")
    frame = frame.sort_values(["reporter", "partner", "year", "flow", "dataset", "side", "source_id"], kind="mergesort")
    frame = frame.reset_index(drop=True)[COLUMNS]
    duplicated = frame.duplicated(KEY, keep=False)
    if duplicated.any():
        raise RawDataError(
            "trade.csv", None, None, f"duplicate keys: {frame[duplicated][KEY].head().to_dict('records')}"
        )
    generated = [
        IMF_SOURCE, *agency_source_rows(raw), *partner_sources, *release_sources, *source_rows(meta).to_dict("records")
    ]  # fmt: skip
    return frame, generated, log_denied + log0 + log1 + log2 + log3 + log4 + log5 + log6


def write_atomically(files: dict[Path, str]) -> None:
    """Write every file through a temporary file in its folder and os.replace (all texts are ready first)."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            staged.append((temp, path))
        for temp, path in staged:
            os.replace(temp, path)
    finally:
        for temp, _ in staged:
            if os.path.exists(temp):
                os.remove(temp)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; paths default to the repository layout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=DATA / "raw", help="folder with national_statistics/ and research/")
    parser.add_argument("--out", type=Path, default=DATA / "trade.csv")
    parser.add_argument("--sources", type=Path, default=DATA / "sources.csv", help="source registry to update")
    parser.add_argument("--readme", type=Path, default=DATA / "README.md", help="README whose coverage block to update")
    parser.add_argument("--quiet", action="store_true", help="do not print the clean-up log")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Rebuild trade.csv, its source rows and the README coverage table; print the log."""
    args = parse_args(argv)
    try:
        frame, generated, log = build(args.raw)
        files = {
            args.out: format_trade(frame),
            args.sources: sources_text(args.sources, frame, generated, args.sources.parent),
            args.readme: readme_text(args.readme, frame),
        }
    except RawDataError as err:
        print(f"build_trade: {err}", file=sys.stderr)
        return 1
    write_atomically(files)
    if not args.quiet:
        for line in log:
            print(line)
        print(
            f"names: {len(NAMES.by_pycountry)} resolved by pycountry, {len(NAMES.by_table)} by the table, "
            f"{len(NAMES.aggregates)} aggregates; listed twice: {sorted(NAMES.twice)}"
        )
    counts = frame["dataset"].value_counts().sort_index().to_dict()
    print(f"wrote {len(frame)} rows to {args.out} {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
