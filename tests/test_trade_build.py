"""data/trade.csv against the raw files it is built from, and scripts/build_trade.py on bad input.

Expected values are read here straight from the vendored raw files (python_calamine, csv), never
from the build code.
"""

# ruff: noqa: RUF001, RUF002  (Russian row names of the agencies' tables are meant)
from __future__ import annotations

import csv
import hashlib
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from pipeline.research import read_md_table

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
RAW = DATA / "raw"
NATSTATS = RAW / "national_statistics"
SCRIPT = REPO / "scripts" / "build_trade.py"
PARTNERS = ["RUS", "CHN", "USA", "EU27", "TUR", "WLD"]
EU_MEMBERS_RU = [
    "Австрия", "Бельгия", "Болгария", "Кипр", "Чешская Республика", "Германия", "Дания", "Эстония", "Испания",
    "Финляндия", "Франция", "Греция", "Хорватия", "Венгрия", "Ирландия", "Италия", "Литва", "Люксембург",
    "Республика Латвия", "Мальта", "Нидерланды", "Польша", "Португалия", "Румыния", "Швеция", "Словения", "Словакия",
]  # fmt: skip


@pytest.fixture(scope="module")
def trade() -> pd.DataFrame:
    return pd.read_csv(DATA / "trade.csv", keep_default_na=False, na_values={"value_usd_m": [""], "value_eur_m": [""]})


@pytest.fixture(scope="module")
def agency(trade: pd.DataFrame) -> pd.DataFrame:
    """Rows built from the agencies' tables (source ids of the vendored files)."""
    rows = trade[(trade["dataset"] == "national_statistics") & trade["source_id"].str.startswith("stat-")]
    return rows.set_index(["reporter", "partner", "year", "flow"])


def value(agency: pd.DataFrame, reporter: str, partner: str, year: int, flow: str) -> float:
    """One cell of trade.csv in thousand US$."""
    return float(agency.loc[(reporter, partner, year, flow), "value_usd_m"]) * 1000


def sheet_rows(file: str, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(NATSTATS / file)).get_sheet_by_name(sheet).to_python()


# ---------------------------------------------------------------- vendored files


def manifest_hashes(folder: Path) -> dict[str, str]:
    """file -> sha256 from the table in the folder's MANIFEST.md."""
    found = {}
    for line in (folder / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 2 and re.fullmatch(r"[0-9a-f]{64}", cells[-1]):
            found[cells[0]] = cells[-1]
    return found


@pytest.mark.parametrize("folder", ["national_statistics", "research", "partner_records", "agency_releases"])
def test_every_vendored_file_matches_its_manifest(folder: str) -> None:
    hashes = manifest_hashes(RAW / folder)
    on_disk = {p.name for p in (RAW / folder).iterdir() if p.name != "MANIFEST.md"}
    assert on_disk == set(hashes)
    for name, digest in hashes.items():
        assert hashlib.sha256((RAW / folder / name).read_bytes()).hexdigest() == digest, name


def test_nine_agency_publications_are_vendored() -> None:
    assert len(manifest_hashes(NATSTATS)) == 9


# ---------------------------------------------------------------- spot checks against the raw files

KAZ_CELLS = [  # (file, sheet, year, Russian row name, partner)
    ("kaz_foreign_trade_by_country_2023.xls", "2023", 2023, "Всего", "WLD"),
    ("kaz_foreign_trade_by_country_2023.xls", "2023", 2023, "Россия", "RUS"),
    ("kaz_foreign_trade_by_country_2023.xls", "2023", 2023, "Китай", "CHN"),
    ("kaz_foreign_trade_by_country_2023.xls", "2023", 2023, "Соединенные Штаты Америки", "USA"),
    ("kaz_foreign_trade_by_country_2023.xls", "2023", 2023, "Турция", "TUR"),
    ("kaz_foreign_trade_by_country_2023.xls", "2022", 2022, "Китай", "CHN"),
    ("kaz_foreign_trade_by_country_2022.xls", "2021", 2021, "Всего", "WLD"),
    ("kaz_foreign_trade_by_country_2022.xls", "2021", 2021, "Россия", "RUS"),
    ("kaz_foreign_trade_by_country_2021.xls", "12_2020", 2020, "Соединенные Штаты Америки", "USA"),
    ("kaz_foreign_trade_by_country_2020.xls", "12_2019", 2019, "Всего", "WLD"),
    ("kaz_foreign_trade_by_country_2020.xls", "12_2019", 2019, "Турция", "TUR"),
    ("kaz_foreign_trade_by_country_2019.xls", "12_2018", 2018, "Китай", "CHN"),
]


def kaz_cell(file: str, sheet: str, name: str, flow: str) -> float:
    """Exports (column 3) or imports (column 5) of the row whose first cell is `name`."""
    rows = sheet_rows(file, sheet)
    header = next(r for r in rows if "Экспорт" in [str(c).strip() for c in r])
    column = [str(c).strip() for c in header].index("Экспорт" if flow == "exports" else "Импорт")
    matches = [r for r in rows if str(r[0]).strip().split("\n")[0] == name]
    assert len(matches) == 1, (file, sheet, name)
    return float(matches[0][column])


@pytest.mark.parametrize("flow", ["exports", "imports"])
@pytest.mark.parametrize(("file", "sheet", "year", "name", "partner"), KAZ_CELLS)
def test_kazakhstan_cells_equal_the_workbook(
    agency: pd.DataFrame, file: str, sheet: str, year: int, name: str, partner: str, flow: str
) -> None:
    assert value(agency, "KAZ", partner, year, flow) == pytest.approx(kaz_cell(file, sheet, name, flow), abs=0.5)


def test_kazakhstan_2023_total_trade() -> None:
    frame = pd.read_csv(DATA / "trade.csv")
    world = frame[
        (frame["reporter"] == "KAZ")
        & (frame["partner"] == "WLD")
        & (frame["year"] == 2023)
        & (frame["source_id"] == "stat-gov-kz-foreign-trade-2023")
    ]
    assert sorted(world["flow"]) == ["exports", "imports"]
    assert round(world["value_usd_m"].sum() * 1000) == 139_551_038


KGZ_CELLS = [  # (English row name, partner, year)
    ("Total", "WLD", 2023),
    ("Russia", "RUS", 2023),
    ("China", "CHN", 2023),
    ("USA", "USA", 2023),
    ("Turkey", "TUR", 2022),
    ("Total", "WLD", 2019),
    ("Russia", "RUS", 2021),
    ("China", "CHN", 1995),
    ("Russia", "RUS", 2010),
]


def kgz_cell(flow: str, english: str, year: int) -> tuple[float, str]:
    """(value, header cell) of one country row and year column of the Kyrgyz table."""
    file, sheet = {
        "exports": ("kgz_exports_by_country_1994_2023.xlsx", "Лист1"),
        "imports": ("kgz_imports_by_country_1994_2023.xlsx", "import"),
    }[flow]
    rows = sheet_rows(file, sheet)
    header = next(r for r in rows if r[3] == 1994.0)
    column = next(i for i, c in enumerate(header) if str(c).startswith(str(year)))
    row = next(r for r in rows if str(r[2]).strip() == english)
    return float(row[column]), str(header[column])


@pytest.mark.parametrize("flow", ["exports", "imports"])
@pytest.mark.parametrize(("english", "partner", "year"), KGZ_CELLS)
def test_kyrgyzstan_cells_equal_the_workbook(
    agency: pd.DataFrame, english: str, partner: str, year: int, flow: str
) -> None:
    expected, _ = kgz_cell(flow, english, year)
    assert value(agency, "KGZ", partner, year, flow) == pytest.approx(expected, abs=0.5)


def test_kyrgyz_2023_imports_are_preliminary_as_the_table_marks_them(agency: pd.DataFrame) -> None:
    _, header = kgz_cell("imports", "Total", 2023)
    assert header == "2023 1"  # footnote 1: "Предварительные данные"
    rows = agency.xs(("KGZ", 2023, "imports"), level=("reporter", "year", "flow"))
    assert len(rows) == 6
    assert rows["flags"].str.contains("preliminary").all()
    older = agency.xs(("KGZ", 2022), level=("reporter", "year"))
    assert not older["flags"].str.contains("preliminary").any()
    _, export_header = kgz_cell("exports", "Total", 2023)
    assert export_header == "2023.0"  # the export table has no mark: flagged by inference, and the note says so
    exports = agency.xs(("KGZ", 2023, "exports"), level=("reporter", "year", "flow"))
    assert exports["flags"].str.contains("preliminary").all()
    assert exports["note"].str.contains("preliminary by inference").all()


def uzb_table(flow: str) -> dict[str, dict[str, float]]:
    """Code -> {year: thousand US$} of the Uzbek SDMX table."""
    path = NATSTATS / f"uzb_{flow}_by_country_2010_2023.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["Code"]: {k: float(v) for k, v in row.items() if k.isdigit()} for row in csv.DictReader(handle)}


UZB_CELLS = [("643", "RUS", "2023"), ("156", "CHN", "2023"), ("840", "USA", "2021"), ("792", "TUR", "2019")]


@pytest.mark.parametrize("flow", ["exports", "imports"])
@pytest.mark.parametrize(("code", "partner", "year"), UZB_CELLS)
def test_uzbekistan_cells_equal_the_sdmx_table(
    agency: pd.DataFrame, code: str, partner: str, year: str, flow: str
) -> None:
    assert value(agency, "UZB", partner, int(year), flow) == pytest.approx(uzb_table(flow)[code][year], abs=0.5)


def test_manifest_check_figures(agency: pd.DataFrame) -> None:
    assert value(agency, "UZB", "RUS", 2023, "exports") == pytest.approx(3_495_675.6, abs=0.5)
    assert value(agency, "UZB", "CHN", 2023, "imports") == pytest.approx(11_339_099.0, abs=0.5)
    russia = value(agency, "KAZ", "RUS", 2023, "exports") + value(agency, "KAZ", "RUS", 2023, "imports")
    assert russia == pytest.approx(27_054_450, abs=1)


# ---------------------------------------------------------------- sums against the tables' own rows


@pytest.mark.parametrize("flow", ["exports", "imports"])
@pytest.mark.parametrize("year", range(2010, 2024))
def test_uzbek_world_is_the_sum_of_all_partner_rows(agency: pd.DataFrame, flow: str, year: int) -> None:
    table = uzb_table(flow)
    assert len(table) > 200
    total = sum(row[str(year)] for row in table.values())
    assert value(agency, "UZB", "WLD", year, flow) == pytest.approx(total, abs=0.5)
    row = agency.loc[("UZB", "WLD", year, flow)]
    assert row["flags"] == "derived"
    assert "sum of all partner rows" in row["note"]


def test_uzbek_world_matches_the_agency_s_published_turnover(agency: pd.DataFrame) -> None:
    # 2023 turnover "later revised to 63.5" bn (research/trade_2021_2025.md, from the agency's releases)
    turnover = value(agency, "UZB", "WLD", 2023, "exports") + value(agency, "UZB", "WLD", 2023, "imports")
    assert turnover / 1e6 == pytest.approx(63.5, abs=0.1)


@pytest.mark.parametrize("flow", ["exports", "imports"])
@pytest.mark.parametrize("year", [2020, 2021, 2022, 2023])
def test_kyrgyz_eu27_equals_the_table_s_eu_row(agency: pd.DataFrame, flow: str, year: int) -> None:
    eu_row, _ = kgz_cell(flow, "The EU", year)
    assert value(agency, "KGZ", "EU27", year, flow) == pytest.approx(eu_row, abs=2)


@pytest.mark.parametrize("flow", ["exports", "imports"])
@pytest.mark.parametrize(
    ("file", "sheet", "year"),
    [
        ("kaz_foreign_trade_by_country_2019.xls", "12_2018", 2018),
        ("kaz_foreign_trade_by_country_2020.xls", "12_2019", 2019),
        ("kaz_foreign_trade_by_country_2021.xls", "12_2020", 2020),
        ("kaz_foreign_trade_by_country_2022.xls", "2021", 2021),
        ("kaz_foreign_trade_by_country_2023.xls", "2022", 2022),
        ("kaz_foreign_trade_by_country_2023.xls", "2023", 2023),
    ],
)
def test_kazakh_eu27_equals_the_table_s_eu_row(
    agency: pd.DataFrame, file: str, sheet: str, year: int, flow: str
) -> None:
    """EU27 = the members' rows; the table's 'Страны ЕС' row adds the UK where the UK sits in its EU block."""
    names = [str(r[0]).strip() for r in sheet_rows(file, sheet)]
    uk_in_eu_block = names.index("Страны ЕС") < names.index("Соединенное Королевство") < names.index("Страны вне ЕС")
    members = sum(kaz_cell(file, sheet, name, flow) for name in EU_MEMBERS_RU)
    ours = value(agency, "KAZ", "EU27", year, flow)
    assert ours == pytest.approx(members, abs=1)
    uk = kaz_cell(file, sheet, "Соединенное Королевство", flow) if uk_in_eu_block else 0.0
    assert ours + uk == pytest.approx(kaz_cell(file, sheet, "Страны ЕС", flow), rel=1e-6, abs=2)
    assert uk_in_eu_block == (year <= 2022)  # the Bureau counted the UK in its EU row up to 2022


# ---------------------------------------------------------------- coverage and rules


@pytest.mark.parametrize("reporter", ["KAZ", "KGZ", "UZB"])
def test_every_year_partner_and_flow_from_the_agency(agency: pd.DataFrame, reporter: str) -> None:
    sources = pd.read_csv(DATA / "sources.csv", dtype=str, keep_default_na=False).set_index("source_id")
    for year in range(2019, 2024):
        for partner in PARTNERS:
            for flow in ("exports", "imports"):
                row = agency.loc[(reporter, partner, year, flow)]
                assert row["side"] == "reporter"
                assert row["value_usd_m"] > 0
                source = sources.loc[row["source_id"]]
                assert "Statistic" in source["publisher"]
                assert source["url"].startswith("https://")
                assert "mary-lev/eu-export-sanctions" in source["notes"]


def test_dataset_and_side_agree(trade: pd.DataFrame) -> None:
    allowed = {
        "imf_dots": {"reporter", "mirror"},
        "national_statistics": {"reporter"},
        "partner_records": {"mirror"},
        "statements": {"statement"},
        "other": {"other"},
    }
    for dataset, sides in allowed.items():
        assert set(trade.loc[trade["dataset"] == dataset, "side"]) <= sides, dataset
    assert set(trade["dataset"]) == set(allowed)
    assert (trade.loc[trade["dataset"] == "imf_dots", "source_id"] == "imf-dots").all()


SHARE_ARITHMETIC = re.compile(r"%\s*(?:of|×|x)\b|/\s*0\.\d|constitutes \d+%|share", re.IGNORECASE)


def test_no_figure_is_worked_back_from_a_share(trade: pd.DataFrame) -> None:
    derived = trade[trade["note"].str.contains("DERIVED")]
    clauses = derived["note"].map(lambda n: re.split(r"\.\s", n[n.find("DERIVED") :], maxsplit=1)[0])
    assert not clauses.str.contains(SHARE_ARITHMETIC).any(), list(clauses[clauses.str.contains(SHARE_ARITHMETIC)])
    world = trade[trade["partner"] == "WLD"]
    world_derived = world[world["flags"].str.contains("derived")]
    assert set(world_derived["dataset"]) <= {"national_statistics"}
    assert world_derived["note"].str.contains("sum of all partner rows|at [+−-]", regex=True).all()
    for reporter, partner, year, usd_m in [
        ("KAZ", "WLD", 2024, 142_900.0),  # EU "~$50bn is 35%"
        ("TKM", "WLD", 2024, 19_300.0),  # 10.6 / 0.55
        ("TJK", "CHN", 2021, 790.0),  # 13.2% x a derived total
        ("KAZ", "WLD", 2021, 40_900.0),  # 17.6 / 0.43
        ("UZB", "TUR", 2023, 3_130.0),  # 5% x 62.6
    ]:
        same = trade[
            (trade["reporter"] == reporter)
            & (trade["partner"] == partner)
            & (trade["year"] == year)
            & (trade["value_usd_m"] == usd_m)
        ]
        assert same.empty, (reporter, partner, year)


def test_imf_estimate_notes_say_how_the_partner_figure_was_scaled(trade: pd.DataFrame) -> None:
    """Exports = partner's imports / f, imports = partner's exports x f; the note states the operation."""
    imf = trade[trade["dataset"] == "imf_dots"]
    mirror = imf[imf["side"] == "mirror"].set_index(["reporter", "partner", "year", "flow"])["value_usd_m"]
    estimated = imf[(imf["side"] == "reporter") & imf["flags"].str.contains("imf_derived")]
    assert len(estimated) > 250
    checked = 0
    for row in estimated.itertuples():
        operation, factor = re.search(r"partner-reported value ([/x]) (1\.\d\d)", row.note).groups()
        assert operation == ("/" if row.flow == "exports" else "x"), row
        partner_value = mirror.get((row.reporter, row.partner, row.year, row.flow))
        if partner_value and partner_value >= 10:
            scaled = partner_value / float(factor) if operation == "/" else partner_value * float(factor)
            assert row.value_usd_m == pytest.approx(scaled, rel=2e-3, abs=0.11), row
            checked += 1
    assert checked > 150
    tkm = estimated[(estimated["reporter"] == "TKM") & estimated["year"].between(2004, 2020)]
    assert tkm["note"].str.contains("1.06").all()
    assert not trade["note"].str.contains("x1.06|x1.10").any()


def test_partner_records_have_an_openable_source_and_the_mirror_side(trade: pd.DataFrame) -> None:
    sources = pd.read_csv(DATA / "sources.csv", dtype=str, keep_default_na=False).set_index("source_id")
    partner = trade[trade["dataset"] == "partner_records"]
    assert (partner["side"] == "mirror").all()
    assert sources.loc[sorted(set(partner["source_id"])), "url"].str.startswith("http").all()
    staged = pd.read_csv(RAW / "partner_records" / "partner_records_trade.csv")
    turkey = staged[(staged["reporter"] == "TJK") & (staged["partner"] == "TUR")].set_index("flow")["value_usd_m"]
    held = partner[(partner["reporter"] == "TJK") & (partner["partner"] == "TUR") & (partner["year"] == 2019)]
    assert held.set_index("flow")["value_usd_m"].to_dict() == turkey.to_dict()
    # one GACC release for 2024 is held once per state, not twice
    gacc_2024 = partner[(partner["partner"] == "CHN") & (partner["year"] == 2024) & (partner["flow"] == "total")]
    assert gacc_2024["reporter"].value_counts().max() == 1


def test_pages_quoting_the_agency_differ_from_its_table_and_are_flagged(
    trade: pd.DataFrame, agency: pd.DataFrame
) -> None:
    """A page row left beside the agency's table is a different figure, flagged superseded."""
    pages = trade[(trade["dataset"] == "national_statistics") & ~trade["source_id"].str.startswith("stat-")]
    covered = 0
    for row in pages.itertuples():
        flows = ["exports", "imports"] if row.flow == "total" else [row.flow]
        keys = [(row.reporter, row.partner, row.year, f) for f in flows]
        if not all(k in agency.index for k in keys) or pd.isna(row.value_usd_m):
            assert "superseded" not in row.flags
            continue
        covered += 1
        table = sum(float(agency.loc[k, "value_usd_m"]) for k in keys)
        assert "superseded" in row.flags, row
        assert abs(row.value_usd_m - table) > 50 or "lower_bound" in row.flags or "approximate" in row.flags, row
        assert f"gives {table:.1f}" in row.note
    assert covered >= 20


def test_markdown_reader_keeps_the_first_data_row() -> None:
    md = RAW / "research" / "trade_2021_2025.md"
    section = md.read_text(encoding="utf-8").split("## 1. Long-format table", 1)[1].split("\n## ", 1)[0]
    table_lines = [line for line in section.splitlines() if line.startswith("|")]
    first = [c.strip() for c in table_lines[2].strip().strip("|").split("|")]  # header, rule, first row
    data_lines = len(table_lines) - 2
    table = read_md_table(md)
    assert len(table) == data_lines
    assert list(table.iloc[0][["reporter_iso3", "partner", "year", "flow", "value"]]) == first[:5]


# ---------------------------------------------------------------- the build itself


# The files the build reads to know which sources other tables cite.
COPIED = ("deals.csv", "brief_claims.csv", "deal_events.csv", "deal_checks.csv", "datapackage.json")


def run_build(tmp: Path, raw: Path = RAW) -> subprocess.CompletedProcess[str]:
    """Run the build into tmp (copies of sources.csv and README.md there)."""
    for name in ("sources.csv", "README.md"):
        if not (tmp / name).exists():
            shutil.copy(DATA / name, tmp / name)
    for name in COPIED:
        shutil.copy(DATA / name, tmp / name)
    (tmp / "boundaries").mkdir(exist_ok=True)
    shutil.copy(DATA / "boundaries" / "README.md", tmp / "boundaries" / "README.md")
    command = [
        sys.executable, str(SCRIPT), "--raw", str(raw), "--out", str(tmp / "trade.csv"),
        "--sources", str(tmp / "sources.csv"), "--readme", str(tmp / "README.md"), "--quiet",
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_committed_files_equal_a_fresh_rebuild(tmp_path: Path) -> None:
    result = run_build(tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("trade.csv", "sources.csv", "README.md"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def rewrite_xlsx(path: Path, member: str, edit) -> None:
    """Rewrite one XML member of an .xlsx in place."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == member:
                data = edit(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)


def renamed_sheet(raw: Path) -> None:
    rewrite_xlsx(
        raw / "national_statistics" / "kgz_exports_by_country_1994_2023.xlsx",
        "xl/workbook.xml",
        lambda xml: xml.replace('name="Лист1"', 'name="Sheet1"'),
    )


def missing_total(raw: Path) -> None:
    def drop(xml: str) -> str:
        for word in ("Бардыгы", "Всего", "Total"):
            xml = xml.replace(f"<t>{word}</t>", "<t></t>", 1)
        return xml

    rewrite_xlsx(raw / "national_statistics" / "kgz_imports_by_country_1994_2023.xlsx", "xl/sharedStrings.xml", drop)


def unknown_name(raw: Path) -> None:
    def rename(xml: str) -> str:
        assert "<t>Австрия</t>" in xml and "<t>Austria</t>" in xml
        return xml.replace("<t>Австрия</t>", "<t>Атлантида</t>").replace("<t>Austria</t>", "<t>Atlantis</t>")

    rewrite_xlsx(raw / "national_statistics" / "kgz_exports_by_country_1994_2023.xlsx", "xl/sharedStrings.xml", rename)


def unknown_code(raw: Path) -> None:
    path = raw / "national_statistics" / "uzb_imports_by_country_2010_2023.csv"
    text = path.read_text(encoding="utf-8-sig")
    assert "\n040," in text
    path.write_text(text.replace("\n040,", "\n999,", 1), encoding="utf-8-sig")


def missing_partner(raw: Path) -> None:
    path = raw / "national_statistics" / "uzb_exports_by_country_2010_2023.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("643,")]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8-sig")


def release_on_denied_carrier(raw: Path) -> None:
    path = raw / "agency_releases" / "agency_releases_sources.csv"
    text = path.read_text(encoding="utf-8")
    assert "https://24.kg/" in text
    path.write_text(text.replace("https://24.kg/", "https://en.news-front.su/", 1), encoding="utf-8")


def release_before_2024(raw: Path) -> None:
    path = raw / "agency_releases" / "agency_releases_trade.csv"
    text = path.read_text(encoding="utf-8")
    assert "KGZ,RUS,2025," in text
    path.write_text(text.replace("KGZ,RUS,2025,", "KGZ,RUS,2023,", 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("break_input", "words"),
    [
        (release_on_denied_carrier, ["agency_releases_trade.csv", "row 2", "denied carrier"]),
        (release_before_2024, ["agency_releases_trade.csv", "row 2", "only 2024 on"]),
        (renamed_sheet, ["kgz_exports_by_country_1994_2023.xlsx", "sheet 'Лист1'", "not found"]),
        (missing_total, ["kgz_imports_by_country_1994_2023.xlsx", "sheet 'import'", "row 4", "Всего"]),
        (unknown_name, ["kgz_exports_by_country_1994_2023.xlsx", "sheet 'Лист1'", "row 12", "Атлантида"]),
        (unknown_code, ["uzb_imports_by_country_2010_2023.csv", "row", "999"]),
        (missing_partner, ["uzb_exports_by_country_2010_2023.csv", "no figure for RUS"]),
    ],
    ids=[
        "release on a denied carrier",
        "release before 2024",
        "renamed sheet",
        "missing total row",
        "unknown partner name",
        "unknown partner code",
        "missing partner",
    ],
)
def test_bad_raw_input_stops_the_build_and_writes_nothing(tmp_path: Path, break_input, words: list[str]) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    break_input(raw)
    out = tmp_path / "out"
    out.mkdir()
    sentinel = "reporter,partner\nthis file must survive\n"
    (out / "trade.csv").write_text(sentinel, encoding="utf-8")
    shutil.copy(DATA / "sources.csv", out / "sources.csv")
    shutil.copy(DATA / "README.md", out / "README.md")
    result = run_build(out, raw)
    assert result.returncode == 1
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert "Traceback" not in result.stderr
    assert (out / "trade.csv").read_text(encoding="utf-8") == sentinel
    assert (out / "sources.csv").read_bytes() == (DATA / "sources.csv").read_bytes()
    assert (out / "README.md").read_bytes() == (DATA / "README.md").read_bytes()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*COPIED, "trade.csv", "sources.csv", "README.md", "boundaries"]
    )


def test_readme_coverage_table_is_generated_from_the_data(trade: pd.DataFrame) -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- trade-coverage:start", 1)[1].split("<!-- trade-coverage:end -->", 1)[0]
    kaz = next(line for line in block.splitlines() if line.startswith("| KAZ |"))
    rows = len(trade[(trade["reporter"] == "KAZ") & trade["source_id"].str.startswith("stat-gov-kz")])
    assert f"2018–2023 ({rows})" in kaz


@pytest.mark.parametrize(
    ("reporter", "partners"),
    [("UZB", {"WLD", "RUS", "CHN", "USA"}), ("KGZ", {"RUS", "CHN"}), ("KAZ", {"USA", "CHN"})],
)
def test_2024_rows_on_the_agencies_own_records(trade: pd.DataFrame, reporter: str, partners: set[str]) -> None:
    """What 2024 holds on the state's own records (the rest is listed as searched for in data/README.md)."""
    own = trade[(trade["reporter"] == reporter) & (trade["year"] == 2024) & (trade["dataset"] == "national_statistics")]
    assert partners <= set(own["partner"])
    assert own["flags"].str.contains("preliminary").all()


def test_2025_agency_releases_are_in_the_table(trade: pd.DataFrame) -> None:
    rows = trade[(trade["year"] == 2025) & (trade["dataset"] == "national_statistics")]
    held = {(r.reporter, r.partner, r.flow): r.value_usd_m for r in rows.itertuples()}
    assert held[("UZB", "WLD", "total")] == 81200.0
    assert held[("KGZ", "RUS", "total")] == 3100.0
    kgz = rows[(rows["reporter"] == "KGZ") & (rows["partner"] == "RUS")].iloc[0]
    assert "lower_bound" in kgz["flags"] and "preliminary" in kgz["flags"]
