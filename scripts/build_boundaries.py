"""Build data/boundaries/central_asia.geojson from Natural Earth admin-0 boundaries.

Source: the npm package ``world-atlas`` (Natural Earth 4.1.0 as TopoJSON, feature ids are
ISO 3166-1 numeric codes). The script fetches the pinned package with ``npm pack`` into a
temporary directory (or reads an already unpacked package given with ``--atlas-dir``), checks
the SHA-256 of ``countries-50m.json``, and then:

1. reads the ``countries`` layer with geopandas/pyogrio and sets CRS EPSG:4326;
2. repairs geometries with ``make_valid`` (Russia is invalid after TopoJSON quantisation);
3. keeps the five Central Asian states and every neighbouring country that reaches into the
   regional window (``WINDOW``), mapping ISO numeric ids to ISO3 with the explicit ``COUNTRIES``
   table, and clips all of them to the window;
4. simplifies the result as a coverage (shared borders stay shared: no gaps, no overlaps);
5. snaps coordinates to a 0.001 degree grid, densifies the clip edges that run along the
   window's parallels (plotly draws segments as great circles), orients exterior rings
   clockwise (plotly geo floods the frame with counter-clockwise rings), and writes a
   deterministic GeoJSON file sorted by ISO3.

Run from the repository root::

    .venv/bin/python scripts/build_boundaries.py

The output is byte-identical across runs for the same package version.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # this checkout's helpers, whatever the environment points at

from helpers.codes import STATES  # noqa: E402

DEFAULT_OUTPUT = REPO_ROOT / "data" / "boundaries" / "central_asia.geojson"

WORLD_ATLAS_VERSION = "2.0.2"
SOURCE_FILE = "countries-50m.json"
SOURCE_LAYER = "countries"
# SHA-256 of package/countries-50m.json in world-atlas@2.0.2 (Natural Earth 4.1.0, 1:50m).
SOURCE_SHA256 = "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394"

# Regional window (min lon, min lat, max lon, max lat), degrees. Shows the Caucasus and the
# Caspian in the west, Xinjiang and western Mongolia in the east, all of Iran, Afghanistan and
# Pakistan in the south, and southern Siberia in the north.
WINDOW: tuple[float, float, float, float] = (40.0, 23.5, 100.0, 58.0)

# Coverage simplification tolerance (degrees) and output grid (degrees).
SIMPLIFY_TOLERANCE = 0.03
# Maximum length (degrees of longitude) of a segment on the window's north/south edges. plotly
# geo draws segments as great-circle arcs, so a long edge along a parallel would bulge poleward.
EDGE_STEP = 1.0
GRID_SIZE = 0.001
DECIMALS = 3

FOCUS = frozenset(STATES)

# ISO 3166-1 numeric id (as used by world-atlas) -> (ISO3, English short name).
# Every country that reaches into WINDOW is listed; the build fails if one is missing here or
# if an id listed here is absent from the source. Natural Earth quirks in this region: the
# Siachen Glacier is a separate feature with no ISO id (it is left out, see NO_ID_FEATURES),
# and ids are zero-padded strings ("004" for Afghanistan).
COUNTRIES: dict[str, tuple[str, str]] = {
    "004": ("AFG", "Afghanistan"),
    "031": ("AZE", "Azerbaijan"),
    "048": ("BHR", "Bahrain"),
    "050": ("BGD", "Bangladesh"),
    "051": ("ARM", "Armenia"),
    "064": ("BTN", "Bhutan"),
    "104": ("MMR", "Myanmar"),
    "156": ("CHN", "China"),
    "268": ("GEO", "Georgia"),
    "356": ("IND", "India"),
    "364": ("IRN", "Iran"),
    "368": ("IRQ", "Iraq"),
    "398": ("KAZ", "Kazakhstan"),
    "414": ("KWT", "Kuwait"),
    "417": ("KGZ", "Kyrgyzstan"),
    "496": ("MNG", "Mongolia"),
    "512": ("OMN", "Oman"),
    "524": ("NPL", "Nepal"),
    "586": ("PAK", "Pakistan"),
    "634": ("QAT", "Qatar"),
    "643": ("RUS", "Russia"),
    "682": ("SAU", "Saudi Arabia"),
    "760": ("SYR", "Syria"),
    "762": ("TJK", "Tajikistan"),
    "784": ("ARE", "United Arab Emirates"),
    "792": ("TUR", "Turkey"),
    "795": ("TKM", "Turkmenistan"),
    "804": ("UKR", "Ukraine"),
    "860": ("UZB", "Uzbekistan"),
}

# Features without an ISO id that reach into WINDOW and are deliberately left out.
NO_ID_FEATURES = frozenset({"Siachen Glacier"})


def fetch_world_atlas(dest: Path, version: str = WORLD_ATLAS_VERSION) -> Path:
    """Download ``world-atlas@version`` with ``npm pack`` and unpack it under ``dest``.

    Returns the path of the unpacked ``package`` directory.
    """
    cmd = ["npm", "pack", f"world-atlas@{version}", "--silent", "--pack-destination", str(dest)]
    result = subprocess.run(cmd, check=True, capture_output=True, text=True)
    tarball = dest / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        tar.extractall(dest, filter="data")
    return dest / "package"


def check_source(path: Path) -> None:
    """Fail unless ``path`` has the pinned SHA-256 of the Natural Earth TopoJSON."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(f"{path}: SHA-256 {digest} differs from pinned {SOURCE_SHA256}")


def polygons_only(geom: shapely.Geometry) -> MultiPolygon:
    """Return the polygonal part of ``geom`` as a MultiPolygon (drops points and lines)."""
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon | MultiPolygon)]
    polys: list[Polygon] = []
    for part in parts:
        polys.extend(part.geoms if isinstance(part, MultiPolygon) else [part])
    return MultiPolygon(polys)


def load_region(source: Path) -> gpd.GeoDataFrame:
    """Read the TopoJSON countries layer, repair it, and clip the region to ``WINDOW``."""
    world = gpd.read_file(source, layer=SOURCE_LAYER).set_crs("EPSG:4326", allow_override=True)
    world["geometry"] = world.geometry.make_valid().apply(polygons_only)

    missing = sorted(set(COUNTRIES) - set(world["id"].dropna()))
    if missing:
        raise SystemExit(f"ISO numeric ids not in {source.name}: {missing}")

    window = shapely.box(*WINDOW)
    in_window = world[world.intersects(window)]
    unknown = in_window[~in_window["id"].isin(list(COUNTRIES)) & ~in_window["name"].isin(NO_ID_FEATURES)]
    if not unknown.empty:
        raise SystemExit(f"features reach into the window but are not in COUNTRIES: {unknown['name'].tolist()}")

    region = in_window[in_window["id"].isin(list(COUNTRIES))].copy()
    if region["id"].duplicated().any():
        raise SystemExit("duplicate ISO numeric ids in the region")
    region["iso3"] = region["id"].map(lambda i: COUNTRIES[i][0])
    region["name"] = region["id"].map(lambda i: COUNTRIES[i][1])
    region["role"] = region["iso3"].map(lambda c: "focus" if c in FOCUS else "neighbour")
    region["geometry"] = region.geometry.intersection(window).apply(polygons_only)
    region = region[~region.geometry.is_empty]
    return region.sort_values("iso3").reset_index(drop=True)[["iso3", "name", "role", "geometry"]]


def densify_ring(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Insert vertices every ``EDGE_STEP`` degrees on ring segments lying on the window's north or south edge.

    Only these clip edges are touched; they belong to a single country each, so the coverage
    (shared borders) is unchanged.
    """
    min_lat, max_lat = WINDOW[1], WINDOW[3]
    out: list[tuple[float, float]] = [coords[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(coords):
        if y0 == y1 and y0 in (min_lat, max_lat) and abs(x1 - x0) > EDGE_STEP:
            n = math.ceil(abs(x1 - x0) / EDGE_STEP)
            out.extend((round(x0 + (x1 - x0) * i / n, DECIMALS), y0) for i in range(1, n))
        out.append((x1, y1))
    return out


def densify_edges(geom: MultiPolygon) -> MultiPolygon:
    """Apply ``densify_ring`` to every ring of ``geom``."""
    return MultiPolygon(
        [
            Polygon(densify_ring(list(p.exterior.coords)), [densify_ring(list(r.coords)) for r in p.interiors])
            for p in geom.geoms
        ]
    )


def simplify(region: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify as a coverage, snap to ``GRID_SIZE``, densify clip edges, and orient exterior rings clockwise."""
    out = region.copy()
    out["geometry"] = out.geometry.simplify_coverage(SIMPLIFY_TOLERANCE)
    snapped = shapely.set_precision(out.geometry.values, GRID_SIZE)
    out["geometry"] = [orient(densify_edges(polygons_only(g)), sign=-1.0) for g in snapped]
    return out


def round_coords(obj: Any) -> Any:
    """Round nested coordinate sequences to ``DECIMALS`` places (as lists)."""
    if isinstance(obj, list | tuple) and obj and isinstance(obj[0], float | int):
        return [round(float(v), DECIMALS) + 0.0 for v in obj]
    return [round_coords(v) for v in obj]


def to_geojson(region: gpd.GeoDataFrame) -> str:
    """Serialise ``region`` as a deterministic GeoJSON FeatureCollection (one feature per line)."""
    lines = []
    for row in region.itertuples(index=False):
        geom = row.geometry.geoms[0] if len(row.geometry.geoms) == 1 else row.geometry
        mapped = shapely.geometry.mapping(geom)
        geometry = {"type": mapped["type"], "coordinates": round_coords(mapped["coordinates"])}
        feature = {
            "type": "Feature",
            "id": row.iso3,
            "properties": {"iso3": row.iso3, "name": row.name, "role": row.role},
            "geometry": geometry,
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    header = '{"type":"FeatureCollection","features":[\n'
    return header + ",\n".join(lines) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--atlas-dir", type=Path, help="unpacked world-atlas package (skips npm pack)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="world-atlas-") as tmp:
        atlas_dir = args.atlas_dir or fetch_world_atlas(Path(tmp))
        source = atlas_dir / SOURCE_FILE
        check_source(source)
        region = simplify(load_region(source))

    text = to_geojson(region)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    n_vertices = int(shapely.get_num_coordinates(region.geometry.values).sum())
    print(
        f"wrote {args.output} ({len(text.encode()):,} bytes, {len(region)} features, {n_vertices:,} vertices): "
        + " ".join(region["iso3"])
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
