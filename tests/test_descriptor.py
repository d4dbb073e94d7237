"""data/datapackage.json: a valid Frictionless package that documents every field for readers."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

import helpers
from helpers.data import DESCRIPTOR_PATH, REPO_DATA_DIR, DataValidationError, descriptor
from helpers.data.package import frictionless

FIELDS = [
    (resource["name"], field)
    for resource in json.loads(DESCRIPTOR_PATH.read_text(encoding="utf-8"))["resources"]
    for field in resource.get("schema", {}).get("fields", [])
]
PLACEHOLDERS = {"why.", "source.", "caveats.", "sector.", "quality flags.", "short description.", "calendar year."}


def test_descriptor_is_a_valid_frictionless_package() -> None:
    package = frictionless.Package.from_descriptor(str(DESCRIPTOR_PATH))  # raises if invalid
    errors = list(frictionless.Package.metadata_validate(json.loads(DESCRIPTOR_PATH.read_text(encoding="utf-8"))))
    assert errors == []
    assert [r.name for r in package.resources] == [r["name"] for r in descriptor()["resources"]]


@pytest.mark.parametrize(("resource", "field"), FIELDS, ids=[f"{r}.{f['name']}" for r, f in FIELDS])
def test_every_field_has_a_real_description(resource: str, field: dict) -> None:
    description = field.get("description", "")
    assert description.lower() not in PLACEHOLDERS
    assert len(description.split()) >= 4, f"{resource}.{field['name']}: {description!r}"


@pytest.mark.parametrize(
    ("resource", "field"),
    [(r, f) for r, f in FIELDS if f["type"] in ("number", "integer")],
    ids=[f"{r}.{f['name']}" for r, f in FIELDS if f["type"] in ("number", "integer")],
)
def test_every_numeric_field_has_a_unit_and_bounds(resource: str, field: dict) -> None:
    assert field.get("unit"), f"{resource}.{field['name']} has no unit"
    constraints = field.get("constraints", {})
    assert "minimum" in constraints and "maximum" in constraints
    if field["name"].endswith("_usd_m"):
        assert field["unit"] == "US$ million"
        assert constraints["minimum"] == 0
        assert constraints["maximum"] <= 1_000_000  # US$ 1 trillion


def test_every_date_field_is_bounded() -> None:
    dates = [(r, f) for r, f in FIELDS if f["type"] == "date"]
    assert dates
    for resource, field in dates:
        assert {"minimum", "maximum"} <= set(field.get("constraints", {})), f"{resource}.{field['name']}"


def test_foreign_keys_point_at_declared_fields() -> None:
    fields = {r["name"]: {f["name"] for f in r.get("schema", {}).get("fields", [])} for r in descriptor()["resources"]}
    keys = [(r["name"], k) for r in descriptor()["resources"] for k in r.get("schema", {}).get("foreignKeys", [])]
    assert len(keys) >= 6
    for name, key in keys:
        target = key["reference"]["resource"] or name
        assert set(key["fields"]) <= fields[name]
        assert set(key["reference"]["fields"]) <= fields[target]


def test_only_the_source_url_is_declared_a_url() -> None:
    urls = [f"{r}.{f['name']}" for r, f in FIELDS if f.get("format") == "uri"]
    assert urls == ["sources.url"]


def test_boundaries_require_the_five_states_and_the_named_neighbours() -> None:
    boundaries = next(r for r in descriptor()["resources"] if r["name"] == "boundaries")
    required = boundaries["x-c5-required-features"]
    assert sorted(required["focus"]) == ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    assert {"AFG", "CHN", "IRN", "MNG", "PAK", "RUS"} <= set(required["neighbour"])


def test_every_source_must_name_its_originator_and_a_kind() -> None:
    fields = {f["name"]: f for r, f in FIELDS if r == "sources"}
    assert fields["originator"]["constraints"]["required"] is True
    kind = fields["source_type"]["constraints"]
    assert kind["required"] is True
    assert set(kind["enum"]) == {
        "official_statistics", "government", "intergovernmental", "company", "news_agency", "press", "other",
    }  # fmt: skip


def test_a_source_without_an_originator_or_with_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    for column, value, words in (("originator", "", "originator"), ("source_type", "blog", "source_type")):
        target = tmp_path / column
        shutil.copytree(REPO_DATA_DIR, target, ignore=shutil.ignore_patterns("raw"))
        path = target / "sources.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        rows[0][column] = value
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        with pytest.raises(DataValidationError, match=words):
            helpers.load_sources(path)
