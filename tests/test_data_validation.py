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
from helpers.data import descriptor

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
        edit=replace(",source_type\n", ",source_type,extra\n"),
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
        edit=replace("KAZ,CHN,2020,exports,120.0,,imf_dots,mirror", "KAZ,CHN,2020,exports,120.0,,imf_dots,reporter"),
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
        edit=lambda t: t + "KAZ,WLD,2020,total,700.0,,imf_dots,reporter,goods,,imf-dots,\n",
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
        raw=b"reporter,partner,year,flow,value_usd_m,value_eur_m,dataset,side,basis,flags,source_id,note\n",
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
        edit=replace("KAZ,CHN,2020,exports,100.0,,imf_dots,reporter", "KAZ,CHN,2020,exports,100.0,,imf_dots,reporter "),
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
    # The raw tracebacks of issue 10, each now a located DataValidationError.
    Case(
        "two invalid deal ids",
        "deals.csv",
        "load_deals",
        edit=lambda t: t.replace("\nkaz-jets,", "\nKaz-A,", 1).replace("\nuzb-pack,", "\nKaz B,", 1),
        line=2,
        column="deal_id",
        words=("Kaz-A", "Kaz B", "pattern"),
    ),
    Case(
        "two invalid source ids",
        "sources.csv",
        "load_sources",
        edit=lambda t: t.replace("\nimf-dots,", "\nImf-A,").replace("\nnews-a,", "\nnews a,"),
        line=2,
        column="source_id",
        words=("Imf-A", "news a"),
    ),
    Case(
        "two invalid claim ids",
        "brief_claims.csv",
        "load_brief_claims",
        edit=lambda t: t.replace("\nkaz-boeing,", "\nKaz-A,") + "Kaz B,Claim,KAZ,,confirmed,why,news-a\n",
        line=2,
        column="claim_id",
        words=("Kaz-A", "Kaz B"),
    ),
    Case(
        "two bad years",
        "trade.csv",
        "load_trade",
        edit=lambda t: t.replace("KAZ,CHN,2020,exports,100.0", "KAZ,CHN,20x0,exports,100.0").replace(
            "KAZ,WLD,2020,exports", "KAZ,WLD,,exports"
        ),
        line=2,
        column="year",
        words=("20x0", "required"),
    ),
    Case(
        "NUL byte in a cell",
        "deals.csv",
        "load_deals",
        edit=replace("Airline buys jets", "Airline\x00buys jets"),
        line=2,
        column="title",
        words=("NUL",),
    ),
    Case(
        "date that does not exist",
        "sources.csv",
        "load_sources",
        edit=replace("2025-11-07", "2025-99-99"),
        line=3,
        column="published",
        words=("2025-99-99",),
    ),
    Case(
        "published 30 February",
        "sources.csv",
        "load_sources",
        edit=replace("2025-11-07", "2025-02-30"),
        line=3,
        column="published",
        words=("exists",),
    ),
    Case(
        "deal of 1e308",
        "deals.csv",
        "load_deals",
        edit=replace(",7000,,list_price", ",1e308,,list_price"),
        line=2,
        column="value_usd_m",
        words=("maximum",),
    ),
    Case(
        "deal above a trillion",
        "deals.csv",
        "load_deals",
        edit=replace(",7000,,list_price", ",1000001,,list_price"),
        line=2,
        column="value_usd_m",
        words=("maximum",),
    ),
    Case(
        "infinite trade value",
        "trade.csv",
        "load_trade",
        edit=replace("KAZ,CHN,2020,exports,100.0", "KAZ,CHN,2020,exports,inf"),
        line=2,
        column="value_usd_m",
        words=("inf",),
    ),
    Case(
        "NaN trade value",
        "trade.csv",
        "load_trade",
        edit=replace("KAZ,CHN,2020,exports,100.0", "KAZ,CHN,2020,exports,NaN"),
        line=2,
        column="value_usd_m",
    ),
    Case(
        "partner above world total",
        "trade.csv",
        "load_trade",
        edit=replace("KAZ,CHN,2020,exports,100.0", "KAZ,CHN,2020,exports,400.5"),
        line=2,
        column="value_usd_m",
        words=("world total",),
    ),
    Case(
        "date without leading zeros",
        "deals.csv",
        "load_deals",
        edit=replace("2025-10-01", "2025-10-1"),
        line=4,
        column="announced_date",
        words=("YYYY-MM-DD",),
    ),
    Case(
        "blank row",
        "trade.csv",
        "load_trade",
        edit=replace("KAZ,WLD,2020,exports", "\nKAZ,WLD,2020,exports"),
        line=4,
        words=("blank",),
    ),
    Case(
        "columns out of order",
        "sources.csv",
        "load_sources",
        edit=lambda t: "\n".join(
            ",".join(row.split(",")[::-1]) if i == 0 else row for i, row in enumerate(t.split("\n"))
        ),
        line=1,
        words=("order",),
    ),
    Case(
        "claim cites unknown source",
        "brief_claims.csv",
        "load_brief_claims",
        edit=replace(",fixture,news-a", ",fixture,news-zz"),
        line=2,
        column="source_id",
        words=("news-zz",),
    ),
    Case(
        "trade cites unknown source",
        "trade.csv",
        "load_trade",
        edit=replace(
            "UZB,EU27,2022,total,,4610.0,partner_records,mirror,goods,,news-a",
            "UZB,EU27,2022,total,,4610.0,partner_records,mirror,goods,,news-q",
        ),
        line=8,
        column="source_id",
        words=("news-q",),
    ),
]

# Deal follow-through tables: schema, foreign keys and the event-history rules.
CASES += [
    Case(
        "event of an unknown deal",
        "deal_events.csv",
        "load_deal_events",
        edit=replace("kaz-jets-loan,2025-11-07", "kaz-jets-lease,2025-11-07"),
        line=5,
        column="deal_id",
        words=("kaz-jets-lease",),
    ),
    Case(
        "event with an unknown source",
        "deal_events.csv",
        "load_deal_events",
        edit=replace("contract_signed,,news-a", "contract_signed,,news-zz"),
        line=3,
        column="source_id",
        words=("news-zz",),
    ),
    Case(
        "event outside the vocabulary",
        "deal_events.csv",
        "load_deal_events",
        edit=replace("contract_signed", "rumoured"),
        line=3,
        column="event",
        words=("rumoured",),
    ),
    Case(
        "event date that does not exist",
        "deal_events.csv",
        "load_deal_events",
        edit=replace("2026-02-18,day", "2026-02-30,day"),
        line=8,
        column="event_date",
        words=("2026-02-30",),
    ),
    Case(
        "event date precision that does not match",
        "deal_events.csv",
        "load_deal_events",
        edit=replace("2026-02,month", "2026-02,day"),
        line=3,
        column="date_precision",
        words=("does not match",),
    ),
    Case(
        "events out of date order",
        "deal_events.csv",
        "load_deal_events",
        edit=replace("2027,year,first_delivery", "2025,year,first_delivery"),
        line=4,
        column="event_date",
        words=("date order",),
    ),
    Case(
        "deal announced twice",
        "deal_events.csv",
        "load_deal_events",
        edit=replace("2026-02-18,day,reaffirmed", "2026-02-18,day,announced"),
        line=8,
        column="event",
        words=("more than once",),
    ),
    Case(
        "deal without its announcement",
        "deal_events.csv",
        "load_deal_events",
        edit=replace("tkm-intent,2025-11-06,day,announced,,news-a,Intent announced.,,,2026-11-28\n", ""),
        column="deal_id",
        words=("without an announcement", "tkm-intent"),
    ),
    Case(
        "event value above a trillion",
        "deal_events.csv",
        "load_deal_events",
        edit=replace("reaffirmed,35000", "reaffirmed,1e308"),
        line=8,
        column="value_usd_m",
    ),
    Case(
        "check of an unknown deal",
        "deal_checks.csv",
        "load_deal_checks",
        edit=replace("uzb-pack,2026-11-28", "uzb-pak,2026-11-28"),
        line=5,
        column="deal_id",
        words=("uzb-pak",),
    ),
    Case(
        "check citing an unknown source",
        "deal_checks.csv",
        "load_deal_checks",
        edit=replace("First delivery reported.,news-a", "First delivery reported.,news-zz"),
        line=2,
        column="source_id",
        words=("news-zz",),
    ),
    Case(
        "deal left unchecked",
        "deal_checks.csv",
        "load_deal_checks",
        edit=replace("tkm-intent,2026-11-28,No public news since the announcement found.,,\n", ""),
        column="deal_id",
        words=("without a check", "tkm-intent"),
    ),
    Case(
        "check date that does not exist",
        "deal_checks.csv",
        "load_deal_checks",
        edit=replace("tkm-intent,2026-11-28", "tkm-intent,2026-13-28"),
        line=4,
        column="checked_on",
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


def test_corpus_has_a_dangling_case_for_every_declared_foreign_key() -> None:
    """The descriptor, not this file, says which references exist: each one has a failing case."""
    declared = {
        (resource["path"], column)
        for resource in descriptor()["resources"]
        for key in resource.get("schema", {}).get("foreignKeys", [])
        for column in ([key["fields"]] if isinstance(key["fields"], str) else key["fields"])
    }
    covered = {(c.file, c.column) for c in CASES}
    assert declared, "the descriptor declares no foreign keys"
    assert declared <= covered, f"foreign keys without a corpus case: {sorted(declared - covered)}"


def test_corpus_exercises_every_public_loader() -> None:
    loaders = {name for name in helpers.__all__ if name.startswith("load_") and name != "load_boundaries"}
    assert loaders <= {c.loader for c in CASES}


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


def eleven_features(**changes: dict) -> list[str]:
    """The fixture's features, with ``changes[iso3]`` merged into that feature's properties."""
    collection = json.loads((VALID / "boundaries" / "central_asia.geojson").read_text())
    out = []
    for item in collection["features"]:
        code = item["properties"]["iso3"]
        if code in changes:
            item["properties"].update(changes[code])
            if changes[code].get("geometry") == "null":
                item["geometry"] = None
                del item["properties"]["geometry"]
        if item["properties"].get("iso3") != "DROP":
            out.append(json.dumps(item))
    return out


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"UZB": {"iso3": "DROP"}}, "UZB is missing"),
        ({"KAZ": {"iso3": "KAX"}}, "KAZ is missing"),
        ({"MNG": {"iso3": "DROP"}}, "MNG is missing"),
        ({"KGZ": {"role": "neighbour"}}, "KGZ must have role 'focus'"),
        ({"TJK": {"geometry": "null"}}, "TJK.*missing"),
    ],
    ids=["without UZB", "KAZ renamed", "without a named neighbour", "state as neighbour", "null geometry"],
)
def test_boundaries_must_hold_what_the_maps_need(data_copy: Path, changes: dict, words: str) -> None:
    write_geojson(data_copy / "boundaries" / "central_asia.geojson", eleven_features(**changes))
    with pytest.raises(DataValidationError, match=words):
        helpers.load_boundaries()


def test_point_geometry_is_not_a_country(data_copy: Path) -> None:
    point = {"type": "Point", "coordinates": [60, 45]}
    features = [f for f in eleven_features() if '"KAZ"' not in f] + [feature(point)]
    write_geojson(data_copy / "boundaries" / "central_asia.geojson", features)
    with pytest.raises(DataValidationError, match="not a polygon"):
        helpers.load_boundaries()


# ---------------------------------------------------------------------------
# Files, folders and the descriptor


def test_a_folder_named_like_a_table_is_rejected(data_copy: Path) -> None:
    (data_copy / "deals.csv").unlink()
    (data_copy / "deals.csv").mkdir()
    with pytest.raises(DataValidationError, match="folder") as caught:
        helpers.load_deals()
    assert caught.value.path.name == "deals.csv"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "not found"),
        ("{not json", "not valid JSON"),
        ('{"resources": 3}', "invalid descriptor"),
        ("[]", "object"),
    ],
    ids=["missing", "corrupt", "wrong shape", "not an object"],
)
def test_missing_or_corrupt_descriptor_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None, words: str
) -> None:
    from helpers.data import package

    fake = tmp_path / "datapackage.json"
    if content is not None:
        fake.write_text(content)
    monkeypatch.setattr(package, "DESCRIPTOR_PATH", fake)
    package.package.cache_clear()
    try:
        with pytest.raises(DataValidationError, match=words) as caught:
            helpers.load_sources(VALID / "sources.csv")
        assert caught.value.path == fake
    finally:
        package.package.cache_clear()


def test_relative_c5_data_dir_is_taken_from_the_shell_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(VALID, tmp_path / "mydata")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")  # where a kernel runs
    monkeypatch.setenv("PWD", str(tmp_path))  # where the user typed the command
    monkeypatch.setenv("C5_DATA_DIR", "mydata")
    assert helpers.data_dir() == (tmp_path / "mydata").resolve()
    assert len(helpers.load_deals()) == count_data_rows(tmp_path / "mydata" / "deals.csv")


def test_missing_c5_data_dir_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("C5_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(DataValidationError, match=r"C5_DATA_DIR.*not an existing folder"):
        helpers.load_trade()


def test_trade_pasted_ten_times_names_the_first_duplicates(tmp_path: Path) -> None:
    shutil.copytree(helpers.data.REPO_DATA_DIR, tmp_path / "data")
    file = tmp_path / "data" / "trade.csv"
    header, *rows = file.read_text(encoding="utf-8").splitlines(keepends=True)
    file.write_text(header + "".join(rows * 10), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        helpers.load_trade(file)
    first = caught.value.problems[0]
    assert first.line == len(rows) + 2
    assert "first seen on line 2" in first.message
    assert "duplicate key (reporter=" in first.message
    assert caught.value.problems[1].line == len(rows) + 3


def test_nul_in_a_boundary_name_is_rejected(data_copy: Path) -> None:
    features = eleven_features(KGZ={"name": "Kyrgyz\x00stan"})
    write_geojson(data_copy / "boundaries" / "central_asia.geojson", features)
    with pytest.raises(DataValidationError, match=r"KGZ.*NUL"):
        helpers.load_boundaries()


def test_vintage_marks_missing_and_unreadable_files(data_copy: Path) -> None:
    (data_copy / "deals.csv").unlink()
    (data_copy / "deals.csv").mkdir()
    vintage = helpers.data_vintage(data_copy)
    assert vintage["deals.csv"] == "missing"
    assert len(vintage["trade.csv"]) == 12
