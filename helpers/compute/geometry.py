"""Geometry for the maps: ring orientation, compact GeoJSON, clipping and label points.

geopandas does the geography: areas and label points are computed in an Albers equal-area
projection centred on Central Asia (:data:`EQUAL_AREA_CRS`), label points are moved back to
EPSG:4326 for plotly. plotly geo needs **clockwise exterior rings** (the boundary file is written
that way, the opposite of RFC 7946); :func:`to_geojson` checks this and never re-orients.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

# Albers equal-area conic centred on Central Asia (standard parallels 38N and 52N).
EQUAL_AREA_CRS = "+proj=aea +lat_0=45 +lon_0=65 +lat_1=38 +lat_2=52 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
# The map window (lon, lat) every map of the region shows.
LON_RANGE = (45.0, 90.0)
LAT_RANGE = (34.0, 56.5)
WINDOW = (LON_RANGE, LAT_RANGE)


class GeoError(ValueError):
    """Boundaries break a map rule (ring orientation, missing iso3, geometry type)."""


def signed_area(ring: Sequence[Sequence[float]]) -> float:
    """Shoelace signed area of a ring in (lon, lat): negative = clockwise.

    >>> signed_area([(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)])
    -1.0
    """
    xy = np.asarray(ring, dtype="float64")[:, :2]
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]) + (x[-1] * y[0] - x[0] * y[-1]))


def polygons(geometry: shapely.Geometry) -> list[Polygon]:
    """The polygons of a Polygon or MultiPolygon; any other type raises :class:`GeoError`."""
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    raise GeoError(f"expected Polygon or MultiPolygon, got {geometry.geom_type}")


def counter_clockwise_features(boundaries: gpd.GeoDataFrame) -> list[str]:
    """The iso3 codes whose geometry has a counter-clockwise exterior ring (plotly floods those)."""
    bad = []
    for iso3, geometry in zip(boundaries["iso3"], boundaries.geometry, strict=True):
        if any(signed_area(p.exterior.coords) > 0 for p in polygons(geometry)):
            bad.append(str(iso3))
    return sorted(bad)


def to_geojson(boundaries: gpd.GeoDataFrame, iso3: Iterable[str] | None = None) -> dict:
    """A compact GeoJSON dict (properties iso3, name, role) for plotly; rings kept as they are.

    Raises :class:`GeoError` if an exterior ring is counter-clockwise (plotly would flood the frame).
    """
    frame = boundaries if iso3 is None else boundaries[boundaries["iso3"].isin(list(iso3))]
    bad = counter_clockwise_features(frame)
    if bad:
        raise GeoError(f"exterior rings must be clockwise for plotly; counter-clockwise: {', '.join(bad)}")
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"iso3": code, "name": name, "role": role},
            "geometry": mapping(geometry),
        }
        for code, name, role, geometry in sorted(
            zip(frame["iso3"], frame["name"], frame["role"], frame.geometry, strict=True), key=lambda t: t[0]
        )
    ]
    return {"type": "FeatureCollection", "features": features}


def clip_context(
    boundaries: gpd.GeoDataFrame, window: tuple[tuple[float, float], tuple[float, float]], margin: float = 3.0
) -> gpd.GeoDataFrame:
    """Neighbours clipped to the map window plus a margin (smaller figures); focus states untouched.

    The clip box is densified (a vertex every 0.5 degree) so its edges follow parallels when
    plotly draws them as great circles. Clipped polygons are re-oriented to clockwise exteriors
    (what plotly needs); neighbours outside the window are dropped.
    """
    (x0, x1), (y0, y1) = window
    box = shapely.segmentize(shapely.box(x0 - margin, y0 - margin, x1 + margin, y1 + margin), 0.5)
    out = boundaries.copy()
    context = out["role"].ne("focus")
    clipped = out.loc[context].geometry.intersection(box)

    def clockwise(geometry: shapely.Geometry) -> shapely.Geometry | None:
        parts = [p for p in getattr(geometry, "geoms", [geometry]) if isinstance(p, Polygon) and not p.is_empty]
        if not parts:
            return None
        parts = [orient(p, sign=-1.0) for p in parts]
        return parts[0] if len(parts) == 1 else MultiPolygon(parts)

    out.loc[context, "geometry"] = [clockwise(g) for g in clipped]
    return out[out.geometry.notna()].reset_index(drop=True)


def projected(boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The boundaries in :data:`EQUAL_AREA_CRS` (metres)."""
    if boundaries.crs is None:
        raise GeoError("boundaries have no CRS; expected EPSG:4326")
    return boundaries.to_crs(EQUAL_AREA_CRS)


def label_points(
    boundaries: gpd.GeoDataFrame, window: tuple[tuple[float, float], tuple[float, float]] | None = None
) -> pd.DataFrame:
    """One label point per country (pole of inaccessibility of its largest part) and its area.

    Computed in the equal-area projection, returned in lon/lat. With ``window`` ((lon_min,
    lon_max), (lat_min, lat_max)) the label point is placed in the part inside the window (so a
    large neighbour is named where the map shows it); the area is always the whole country's.
    Columns ``iso3, name, role, area_km2, lon, lat``, sorted by iso3.
    """
    flat = projected(boundaries)
    placed = flat
    if window is not None:
        (x0, x1), (y0, y1) = window
        box = shapely.box(x0, y0, x1, y1)
        clipped = boundaries.geometry.intersection(box)
        clipped = clipped.where(~clipped.is_empty, boundaries.geometry)
        placed = gpd.GeoDataFrame(geometry=clipped, crs=boundaries.crs).to_crs(EQUAL_AREA_CRS)
    points = [
        polylabel(max(polygons(geometry), key=lambda p: p.area), tolerance=1000.0) for geometry in placed.geometry
    ]
    areas = [geometry.area / 1e6 for geometry in flat.geometry]
    lonlat = gpd.GeoSeries(points, crs=flat.crs).to_crs("EPSG:4326")
    out = pd.DataFrame(
        {
            "iso3": flat["iso3"].to_numpy(),
            "name": flat["name"].to_numpy(),
            "role": flat["role"].to_numpy(),
            "area_km2": areas,
            "lon": lonlat.x.round(3).to_numpy(),
            "lat": lonlat.y.round(3).to_numpy(),
        }
    )
    return out.sort_values("iso3", kind="stable").reset_index(drop=True)
