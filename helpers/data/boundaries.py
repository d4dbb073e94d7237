"""Load and check the boundary GeoJSON: the five states and the neighbours the maps name."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

from shapely.errors import ShapelyError
from shapely.geometry import shape

from helpers.data.errors import DataValidationError, Problem, fail
from helpers.data.files import read_json
from helpers.data.package import data_dir, resource_schema
from helpers.data.tables import BIDI_CONTROLS, CONTROL_CHARACTERS

BOUNDARIES_FILE = Path("boundaries") / "central_asia.geojson"
WGS84_NAMES = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326"}
ROLES = ("focus", "neighbour")


def required_features() -> dict[str, list[str]]:
    """ISO3 codes the maps need, by role, as ``datapackage.json`` declares them."""
    return resource_schema("boundaries").get("x-c5-required-features", {"focus": [], "neighbour": []})


def _features(file: Path) -> list[Any]:
    collection = read_json(file, "GeoJSON")
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise fail(file, "not readable as GeoJSON: must be a FeatureCollection")
    crs = collection.get("crs")
    properties = crs.get("properties") if isinstance(crs, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    if crs is not None and not (isinstance(name, str) and name in WGS84_NAMES):
        raise fail(file, f"CRS must be EPSG:4326 (longitude/latitude), found {name or crs!r}")
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise fail(file, "not readable as GeoJSON: 'features' must be a non-empty list")
    return features


def _coordinates_are_numbers(coordinates: Any) -> bool:
    """True if ``coordinates`` are nested lists whose leaves are all finite numbers (no text, no bool)."""
    stack = [coordinates]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, bool) or not isinstance(item, int | float) or not math.isfinite(item):
            return False
    return True


def _polygon(geojson: Any) -> tuple[Any, str | None]:
    """The shapely geometry of a GeoJSON geometry and what is wrong with it (None if nothing)."""
    if isinstance(geojson, dict) and not _coordinates_are_numbers(geojson.get("coordinates", [])):
        return None, "has coordinates that are not numbers"
    geometry = shape(geojson) if isinstance(geojson, dict) else None
    if geometry is None or geometry.is_empty:
        return None, "is missing or empty"
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return None, f"is a {geometry.geom_type}, not a polygon"
    west, south, east, north = geometry.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None, "has coordinates that are not longitude/latitude"
    if not geometry.is_valid:
        return None, "is invalid (self-intersecting?)"
    return geometry, None


def _check_feature(file: Path, index: int, feature: Any) -> tuple[dict[str, Any] | None, list[Problem]]:
    where = f"feature {index}"
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        return None, [Problem(file, None, None, f"{where}: not a GeoJSON feature with properties")]
    problems = []
    iso3, role = props.get("iso3"), props.get("role")
    label = f"{where} ({iso3})" if isinstance(iso3, str) else where
    for column in ("iso3", "name", "role"):
        if not isinstance(props.get(column), str) or not props[column].strip():
            problems.append(Problem(file, None, column, f"{label}: required property is missing or not text"))
        elif CONTROL_CHARACTERS.search(props[column]) or BIDI_CONTROLS.search(props[column]):
            problems.append(Problem(file, None, column, f"{label}: contains a NUL, control or bidi character"))
    if isinstance(iso3, str) and not re.fullmatch(r"[A-Z]{3}", iso3):
        problems.append(Problem(file, None, "iso3", f"{where}: {iso3!r} is not an ISO3 code"))
    if isinstance(role, str) and role not in ROLES:
        problems.append(Problem(file, None, "role", f"{label}: {role!r} is not 'focus' or 'neighbour'"))
    try:
        geometry, broken = _polygon(feature.get("geometry"))
    except (ShapelyError, ValueError, TypeError, KeyError, IndexError, AttributeError) as err:
        geometry, broken = None, f"is not readable ({err})"
    if broken:
        problems.append(Problem(file, None, "geometry", f"{label}: geometry {broken}"))
    if problems:
        return None, problems
    return {"iso3": iso3, "name": props["name"], "role": role, "geometry": geometry}, []


def load_boundaries(path: str | os.PathLike[str] | None = None):  # -> geopandas.GeoDataFrame
    """Load the boundary GeoJSON (EPSG:4326) with ``iso3``, ``name``, ``role`` per feature.

    Every feature must be a valid (multi)polygon in longitude/latitude, and the features
    ``datapackage.json`` requires (the five states as ``focus``, the neighbours the maps
    name) must be there; otherwise a :class:`DataValidationError` says which.
    """
    import geopandas as gpd

    file = Path(path) if path is not None else data_dir() / BOUNDARIES_FILE
    rows, problems = [], []
    for index, feature in enumerate(_features(file)):
        row, found = _check_feature(file, index, feature)
        problems += found
        if row is not None:
            rows.append(row)
    seen: dict[str, str] = {}
    for row in rows:
        if row["iso3"] in seen:
            problems.append(Problem(file, None, "iso3", f"duplicate feature for {row['iso3']}"))
        seen[row["iso3"]] = row["role"]
    if not problems:
        for role, codes in required_features().items():
            for code in codes:
                if code not in seen:
                    problems.append(Problem(file, None, "iso3", f"{code} is missing: the maps need it as a {role}"))
                elif seen[code] != role:
                    problems.append(Problem(file, None, "role", f"{code} must have role {role!r}, not {seen[code]!r}"))
    if problems:
        raise DataValidationError(problems)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
