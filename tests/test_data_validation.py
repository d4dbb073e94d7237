"""Loaders accept a valid dataset whole and reject malformed files with a precise message."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import helpers
from helpers import DataValidationError

VALID = Path(__file__).parent / "fixtures" / "valid"
FOCUS = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
NEIGHBOURS = ["AFG", "CHN", "IRN", "MNG", "PAK", "RUS"]


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the valid fixture dataset, selected through C5_DATA_DIR."""
    target = tmp_path / "data"
    shutil.copytree(VALID, target)
    monkeypatch.setenv("C5_DATA_DIR", str(target))
    return target


def count_data_rows(path: Path) -> int:
    return len(pd.read_csv(path, dtype=str, keep_default_na=False))


def test_valid_fixture_loads_every_row(data_copy: Path) -> None:
    assert len(helpers.load_sources()) == count_data_rows(data_copy / "sources.csv")
    assert len(helpers.load_deals()) == count_data_rows(data_copy / "deals.csv")
    assert len(helpers.load_trade()) == count_data_rows(data_copy / "trade.csv")
    assert len(helpers.load_brief_claims()) == count_data_rows(data_copy / "brief_claims.csv")
    assert sorted(helpers.load_boundaries()["iso3"]) == sorted([*FOCUS, *NEIGHBOURS])


def test_types_are_parsed(data_copy: Path) -> None:
    deals = helpers.load_deals()
    assert deals["value_usd_m"].dtype == "float64"
    assert str(deals["delivery_start_year"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(deals["announced_date"])
    assert deals.loc[deals["deal_id"] == "kaz-jets", "other_source_ids"].item() == ["imf-dots"]
    trade = helpers.load_trade()
    assert trade.loc[1, "flags"] == ["estimate"]
    assert trade["value_eur_m"].notna().sum() == 1


def test_c5_data_dir_selects_the_folder(data_copy: Path) -> None:
    assert helpers.data_dir() == data_copy.resolve()
    (data_copy / "deals.csv").write_text((data_copy / "deals.csv").read_text().replace("7000", "7100"))
    assert helpers.load_deals()["value_usd_m"].max() == 7100


def test_explicit_path_wins_over_environment(data_copy: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    shutil.copytree(VALID, other)
    (other / "deals.csv").write_text((other / "deals.csv").read_text().replace("7000", "7200"))
    assert helpers.load_deals(other / "deals.csv")["value_usd_m"].max() == 7200


def test_utf8_with_bom_is_accepted(data_copy: Path) -> None:
    file = data_copy / "sources.csv"
    file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    assert helpers.load_sources().columns[0] == "source_id"


def test_all_problems_are_reported_together(data_copy: Path) -> None:
    file = data_copy / "deals.csv"
    file.write_text(file.read_text().replace(",KAZ,", ",XXX,").replace("firm_order", "maybe"))
    with pytest.raises(DataValidationError) as caught:
        helpers.load_deals()
    columns = {p.column for p in caught.value.problems}
    assert {"country", "stage"} <= columns


# ---------------------------------------------------------------------------
# The malformed-file corpus: one kind of fault per case.


def replace(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, f"fixture lacks {old!r}"
        return text.replace(old, new, count)

    return edit


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    loader: str
    edit: Callable[[str], str] | None = None
    raw: bytes | None = None
    line: int | None = None
    column: str | None = None
    words: tuple[str, ...] = ()


CASES = [
    Case(
        "missing column",
        "deals.csv",
        "load_deals",
        edit=replace(",stage,", ",", 1),
        line=1,
        column="stage",
        words=("missing",),
    ),
    Case(
        "unexpected column",
        "sources.csv",
        "load_sources",
        edit=replace(",notes\n", ",notes,extra\n"),
        line=1,
        column="extra",
        words=("unexpected",),
    ),
    Case(
        "wrong type",
        "trade.csv",
        "load_trade",
        edit=replace("100.0", "lots"),
        line=2,
        column="value_usd_m",
        words=("not a number",),
    ),
    Case(
        "non-integer year",
        "trade.csv",
        "load_trade",
        edit=replace("KAZ,CHN,2020,exports,100.0", "KAZ,CHN,2020.5,exports,100.0"),
        line=2,
        column="year",
        words=("not an integer",),
    ),
    Case(
        "bad country code",
        "deals.csv",
        "load_deals",
        edit=replace("kaz-jets,KAZ", "kaz-jets,KZX"),
        line=2,
        column="country",
        words=("KZX",),
    ),
    Case(
        "bad partner code",
        "trade.csv",
        "load_trade",
        edit=replace("KAZ,CHN,2020,imports", "KAZ,PRC,2020,imports"),
        line=3,
        column="partner",
        words=("PRC",),
    ),
    Case(
        "unknown stage",
        "deals.csv",
        "load_deals",
        edit=replace("firm_order", "handshake"),
        line=2,
        column="stage",
        words=("handshake",),
    ),
    Case(
        "negative value",
        "trade.csv",
        "load_trade",
        edit=replace("50.0", "-50.0"),
        line=3,
        column="value_usd_m",
        words=("minimum",),
    ),
    Case(
        "implausible year",
        "trade.csv",
        "load_trade",
        edit=replace("KAZ,CHN,2024", "KAZ,CHN,2042"),
        line=7,
        column="year",
        words=("maximum",),
    ),
    Case(
        "duplicate key",
        "deals.csv",
        "load_deals",
        edit=replace("uzb-pack,UZB", "kaz-jets,UZB"),
        line=4,
        column="deal_id",
        words=("duplicate", "line 2"),
    ),
    Case(
        "duplicate trade key",
        "trade.csv",
        "load_trade",
        edit=replace("KAZ,CHN,2020,exports,120.0,,mirror", "KAZ,CHN,2020,exports,120.0,,reporter"),
        line=6,
        words=("duplicate",),
    ),
    Case(
        "dangling source id",
        "deals.csv",
        "load_deals",
        edit=replace(",news-a,imf-dots,", ",news-zz,imf-dots,"),
        line=2,
        column="source_id",
        words=("news-zz",),
    ),
    Case(
        "dangling source in list",
        "deals.csv",
        "load_deals",
        edit=replace(",news-a,imf-dots,", ",news-a,imf-dots;x,"),
        line=2,
        column="other_source_ids",
        words=("'x'",),
    ),
    Case(
        "dangling overlap link",
        "deals.csv",
        "load_deals",
        edit=replace("kaz-jets,financing_of", "kaz-gone,financing_of"),
        line=3,
        column="overlaps_deal_id",
        words=("kaz-gone",),
    ),
    Case(
        "overlap cycle",
        "deals.csv",
        "load_deals",
        edit=replace(",2035,,,multi_source", ",2035,kaz-jets-loan,financing_of,multi_source"),
        line=2,
        column="overlaps_deal_id",
        words=("cycle",),
    ),
    Case(
        "impossible date",
        "deals.csv",
        "load_deals",
        edit=replace("2025-10-01", "2025-02-30"),
        line=4,
        column="announced_date",
        words=("real date",),
    ),
    Case(
        "date in wrong form",
        "deals.csv",
        "load_deals",
        edit=replace("2025-10-01", "01/10/2025"),
        line=4,
        column="announced_date",
        words=("01/10/2025",),
    ),
    Case(
        "basis without value",
        "deals.csv",
        "load_deals",
        edit=replace(",4000,3000,range_max", ",,,range_max"),
        line=4,
        column="value_basis",
        words=("none",),
    ),
    Case(
        "range low above high",
        "deals.csv",
        "load_deals",
        edit=replace(",4000,3000,", ",4000,5000,"),
        line=4,
        column="value_low_usd_m",
        words=("exceed",),
    ),
    Case(
        "both currencies",
        "trade.csv",
        "load_trade",
        edit=replace(",,4610.0,", ",10.0,4610.0,"),
        line=8,
        column="value_usd_m",
        words=("exactly one",),
    ),
    Case(
        "stored total beside split",
        "trade.csv",
        "load_trade",
        edit=lambda t: t + "KAZ,WLD,2020,total,700.0,,reporter,goods,,imf-dots,\n",
        line=9,
        column="flow",
        words=("derive",),
    ),
    Case(
        "unknown flag",
        "trade.csv",
        "load_trade",
        edit=replace(",estimate,", ",guess,"),
        line=3,
        column="flags",
        words=("guess",),
    ),
    Case(
        "missing required value",
        "sources.csv",
        "load_sources",
        edit=replace("https://example.org/a", ""),
        line=3,
        column="url",
        words=("required",),
    ),
    Case(
        "url not openable",
        "sources.csv",
        "load_sources",
        edit=replace("https://example.org/a", "example.org/a"),
        line=3,
        column="url",
        words=("pattern",),
    ),
    Case(
        "ragged row",
        "trade.csv",
        "load_trade",
        edit=replace("KAZ,WLD,2020,exports,400.0,", "KAZ,WLD,2020,400.0,"),
        line=4,
        words=("cells",),
    ),
    Case(
        "wrong delimiter",
        "sources.csv",
        "load_sources",
        edit=lambda t: t.replace(",", ";"),
        line=1,
        words=("delimiter",),
    ),
    Case(
        "non-UTF-8 bytes",
        "deals.csv",
        "load_deals",
        raw="deal_id\nkaz-j\xe9ts\n".encode("latin-1"),
        line=2,
        words=("UTF-8",),
    ),
    Case("empty file", "trade.csv", "load_trade", raw=b"", words=("empty",)),
    Case(
        "header only",
        "trade.csv",
        "load_trade",
        raw=b"reporter,partner,year,flow,value_usd_m,value_eur_m,side,basis,flags,source_id,note\n",
        words=("no data rows",),
    ),
    Case(
        "unterminated quote",
        "sources.csv",
        "load_sources",
        edit=replace('ministry",', "ministry,"),
        words=("malformed",),
    ),
    Case(
        "stray spaces",
        "trade.csv",
        "load_trade",
        edit=replace("KAZ,CHN,2020,exports,100.0,,reporter", "KAZ,CHN,2020,exports,100.0,,reporter "),
        line=2,
        column="side",
        words=("spaces",),
    ),
    Case(
        "claim names unknown deal",
        "brief_claims.csv",
        "load_brief_claims",
        edit=replace(",kaz-jets,", ",kaz-ghost,"),
        line=2,
        column="deal_ids",
        words=("kaz-ghost",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_malformed_file_is_rejected_with_location(case: Case, data_copy: Path) -> None:
    file = data_copy / case.file
    if case.raw is not None:
        file.write_bytes(case.raw)
    else:
        assert case.edit is not None
        file.write_text(case.edit(file.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        getattr(helpers, case.loader)()
    error = caught.value
    message = str(error)
    assert isinstance(error, ValueError)
    assert case.file in message
    first = error.problems[0]
    assert first.path.name == case.file
    if case.line is not None:
        assert f"line {case.line}" in message
        assert any(p.line == case.line for p in error.problems)
    if case.column is not None:
        assert f"column '{case.column}'" in message
    for word in case.words:
        assert word in message


def test_corpus_covers_at_least_fifteen_kinds() -> None:
    assert len({c.name for c in CASES}) >= 15


# ---------------------------------------------------------------------------
# Boundaries


def write_geojson(path: Path, features: list[str], crs: str = "urn:ogc:def:crs:OGC:1.3:CRS84") -> None:
    crs_member = json.dumps({"type": "name", "properties": {"name": crs}})
    path.write_text(f'{{"type":"FeatureCollection","crs":{crs_member},"features":[{",".join(features)}]}}')


SQUARE = {"type": "Polygon", "coordinates": [[[50, 40], [50, 55], [80, 55], [80, 40], [50, 40]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


def feature(geometry: dict = SQUARE, **properties: str) -> str:
    props = {"iso3": "KAZ", "name": "Kazakhstan", "role": "focus", **properties}
    props = {k: v for k, v in props.items() if v != "DROP"}
    return json.dumps({"type": "Feature", "properties": props, "geometry": geometry})


@pytest.mark.parametrize(
    ("features", "words"),
    [
        ([feature(BOWTIE)], "invalid"),
        ([feature(iso3="kz")], "ISO3"),
        ([feature(role="hero")], "hero"),
        ([feature(role="DROP")], "role"),
        ([feature(), feature()], "duplicate"),
    ],
    ids=["invalid geometry", "bad iso3", "bad role", "missing property", "duplicate feature"],
)
def test_malformed_boundaries_are_rejected(data_copy: Path, features: list[str], words: str) -> None:
    file = data_copy / "boundaries" / "central_asia.geojson"
    write_geojson(file, features)
    with pytest.raises(DataValidationError, match=words) as caught:
        helpers.load_boundaries()
    assert "central_asia.geojson" in str(caught.value)


def test_boundaries_in_wrong_crs_are_rejected(data_copy: Path) -> None:
    file = data_copy / "boundaries" / "central_asia.geojson"
    write_geojson(file, [feature()], crs="urn:ogc:def:crs:EPSG::3857")
    with pytest.raises(DataValidationError, match="EPSG:4326"):
        helpers.load_boundaries()


def test_unreadable_boundaries_are_rejected(data_copy: Path) -> None:
    (data_copy / "boundaries" / "central_asia.geojson").write_text("{not json")
    with pytest.raises(DataValidationError, match="GeoJSON"):
        helpers.load_boundaries()
