"""The agencies' own tables together: which vendored file holds which year, their rows and their source rows."""

# ruff: noqa: RUF001  (Russian names and en dashes in the agencies' tables are meant)
from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from pipeline.kazakhstan import read_kazakhstan
from pipeline.kyrgyzstan import read_kyrgyzstan
from pipeline.originators import KAZ_AGENCY, KGZ_AGENCY, UZB_AGENCY
from pipeline.schema import COLUMNS, NATSTATS, join_flags
from pipeline.tables import Cell
from pipeline.uzbekistan import read_uzbekistan

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
