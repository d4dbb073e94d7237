"""Geometry and maps: ring orientation, equal-area label points, offline config, map builders, map sentences."""

from __future__ import annotations

import json
import math
from pathlib import Path
from urllib.parse import unquote

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon, shape

from helpers.codes import STATES
from helpers.compute import deals as dl
from helpers.compute import geometry as geo
from helpers.figures import maps
from helpers.figures.theme import PLOTLY_CONFIG
from helpers.narrative import maps as nm

REPO = Path(__file__).resolve().parent.parent
BOUNDARIES = REPO / "data" / "boundaries" / "central_asia.geojson"
NAN = float("nan")


def square(x0: float, y0: float, size: float, clockwise: bool = True) -> Polygon:
    ring = [(x0, y0), (x0, y0 + size), (x0 + size, y0 + size), (x0 + size, y0), (x0, y0)]
    return Polygon(ring if clockwise else ring[::-1])


def hand_made(clockwise: bool = True) -> gpd.GeoDataFrame:
    """Five focus squares in a row and one neighbour square north of them."""
    rows = [(code, code.title(), "focus", square(55 + 4 * i, 40, 3, clockwise)) for i, code in enumerate(STATES)]
    rows.append(("RUS", "Russia", "neighbour", square(55, 50, 20)))
    return gpd.GeoDataFrame(
        {"iso3": [r[0] for r in rows], "name": [r[1] for r in rows], "role": [r[2] for r in rows]},
        geometry=[r[3] for r in rows],
        crs="EPSG:4326",
    )


def shoelace(ring: list[list[float]]) -> float:
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))


def test_signed_area_sign() -> None:
    assert geo.signed_area(square(0, 0, 1).exterior.coords) == pytest.approx(-1.0)
    assert geo.signed_area(square(0, 0, 1, clockwise=False).exterior.coords) == pytest.approx(1.0)


def test_counter_clockwise_rings_are_refused() -> None:
    bad = hand_made(clockwise=False)
    assert geo.counter_clockwise_features(bad) == sorted(STATES)
    with pytest.raises(geo.GeoError, match="clockwise"):
        geo.to_geojson(bad)


def test_repository_boundaries_are_clockwise_and_kept_so() -> None:
    raw = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    for feature in raw["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            assert shoelace(polygon[0]) < 0, feature["properties"]["iso3"]
    loaded = gpd.read_file(BOUNDARIES)
    out = geo.to_geojson(loaded)
    assert [f["properties"]["iso3"] for f in out["features"]] == sorted(loaded["iso3"])
    for feature in out["features"]:
        coords = feature["geometry"]["coordinates"]
        polygons = [coords] if feature["geometry"]["type"] == "Polygon" else coords
        assert all(shoelace([list(p) for p in polygon[0]]) < 0 for polygon in polygons)


def test_clip_context_keeps_focus_and_clockwise_rings() -> None:
    frame = hand_made()
    clipped = geo.clip_context(frame, ((55.0, 70.0), (38.0, 52.0)), margin=1.0)
    focus = clipped[clipped["role"].eq("focus")].set_index("iso3")
    for code in STATES:
        assert focus.at[code, "geometry"].equals(frame.set_index("iso3").at[code, "geometry"])
    russia = clipped[clipped["iso3"].eq("RUS")].geometry.iloc[0]
    _, _, maxx, maxy = russia.bounds
    assert maxx <= 71.0 + 1e-9 and maxy <= 53.0 + 1e-9
    assert geo.counter_clockwise_features(clipped) == []


def cell(x0: float, y0: float, width: float, height: float) -> gpd.GeoDataFrame:
    ring = [(x0, y0), (x0, y0 + height), (x0 + width, y0 + height), (x0 + width, y0), (x0, y0)]
    return gpd.GeoDataFrame(
        {"iso3": ["KAZ"], "name": ["Kazakhstan"], "role": ["focus"]}, geometry=[Polygon(ring)], crs="EPSG:4326"
    )


def test_label_point_is_centred_across_the_narrow_side() -> None:
    # A wide cell (6 x 1 degrees): the largest inscribed circle sits on the middle parallel.
    wide = geo.label_points(cell(58, 40, 6, 1))
    assert wide.loc[0, "lat"] == pytest.approx(40.5, abs=0.05)
    assert 58 < wide.loc[0, "lon"] < 64
    # A tall cell (1 x 6 degrees): it sits on the middle meridian.
    tall = geo.label_points(cell(60, 38, 1, 6))
    assert tall.loc[0, "lon"] == pytest.approx(60.5, abs=0.05)
    assert 38 < tall.loc[0, "lat"] < 44


def test_area_of_a_square_cell() -> None:
    # Edges densified so they follow the parallels, as the cell's true area assumes.
    frame = cell(60, 40, 2, 2)
    frame = frame.set_geometry(frame.geometry.segmentize(0.01))
    out = geo.label_points(frame)
    # Area of a 2x2 degree cell on a sphere of radius 6371 km: R^2 * dlon * (sin(lat2) - sin(lat1)).
    sphere = 6371.0**2 * math.radians(2) * (math.sin(math.radians(42)) - math.sin(math.radians(40)))
    assert out.loc[0, "area_km2"] == pytest.approx(sphere, rel=0.01)


def test_label_points_of_real_states_fall_inside_them() -> None:
    boundaries = gpd.read_file(BOUNDARIES)
    out = geo.label_points(boundaries, window=(geo.LON_RANGE, geo.LAT_RANGE)).set_index("iso3")
    shapes = {f["properties"]["iso3"]: shape(f["geometry"]) for f in json.loads(BOUNDARIES.read_text())["features"]}
    for code in STATES:
        assert shapes[code].contains(Point(out.at[code, "lon"], out.at[code, "lat"])), code
    # A neighbour's label falls inside the map window.
    assert geo.LON_RANGE[0] <= out.at["RUS", "lon"] <= geo.LON_RANGE[1]
    assert geo.LAT_RANGE[0] <= out.at["RUS", "lat"] <= geo.LAT_RANGE[1]


def test_offline_config_is_an_empty_topology() -> None:
    assert PLOTLY_CONFIG["typesetMath"] is False and PLOTLY_CONFIG["displaylogo"] is False
    url = PLOTLY_CONFIG["topojsonURL"]
    assert url.startswith("data:application/json,")
    assert url.endswith("#")
    topology = json.loads(unquote(url[len("data:application/json,") : -1]))
    assert topology == {"type": "Topology", "objects": {}, "arcs": []}


def deals_fixture() -> pd.DataFrame:
    rows = [
        ("k1", "KAZ", 1000.0, None, "multi_source"),
        ("k2", "KAZ", 500.0, "k1", "single_source"),
        ("u1", "UZB", 3000.0, None, "single_source"),
        ("u2", "UZB", 9000.0, None, "unconfirmed"),
        ("t1", "TKM", NAN, None, "single_source"),
    ]
    return pd.DataFrame(
        {
            "deal_id": [r[0] for r in rows],
            "country": [r[1] for r in rows],
            "title": [f"Deal {r[0]}" for r in rows],
            "value_usd_m": [r[2] for r in rows],
            "overlaps_deal_id": [r[3] for r in rows],
            "confirmation": [r[4] for r in rows],
        }
    )


def test_deal_values_by_hand() -> None:
    assert dl.deal_values(deals_fixture()).set_index("iso3").at["UZB", "value"] == pytest.approx(3.0)
    out = maps.deal_map_values(deals_fixture()).set_index("iso3")
    assert out.at["KAZ", "value"] == pytest.approx(1.0)
    assert out.at["UZB", "value"] == pytest.approx(3.0)
    assert out.at["UZB", "with_unconfirmed_bn"] == pytest.approx(12.0)
    assert math.isnan(out.at["TKM", "value"])
    assert math.isnan(out.at["KGZ", "value"])
    assert "no value stated" in out.at["TKM", "label"]
    assert "+US&#36;9.0 bn unconfirmed" in out.at["UZB", "label"]


def test_deal_map_structure() -> None:
    fig = maps.deal_map(deals_fixture(), hand_made(), "Test source", nm.deal_map_title(deals_fixture()))
    assert fig.layout.title.text.startswith("Uzbekistan holds the most deduplicated deal value: US$3.0 bn")
    choropleths = [t for t in fig.data if t.type == "choropleth"]
    coloured = [t for t in choropleths if t.coloraxis == "coloraxis"]
    assert len(coloured) == 1
    assert dict(zip(coloured[0].locations, coloured[0].z, strict=True)) == pytest.approx({"KAZ": 1.0, "UZB": 3.0})
    no_data = [t for t in choropleths if t.name and t.name.startswith("no data")]
    assert sorted(no_data[0].locations) == ["KGZ", "TJK", "TKM"]
    neighbours = [t for t in choropleths if t.name and t.name.startswith("neighbouring")]
    assert list(neighbours[0].locations) == ["RUS"]
    assert all(t.featureidkey == "properties.iso3" for t in choropleths)
    g = fig.layout.geo
    assert g.showcountries is False and g.showland is False and g.showcoastlines is False
    assert "US$ bn" in fig.layout.coloraxis.colorbar.title.text
    assert any("Test source" in (a.text or "") for a in fig.layout.annotations)
    labels = [t for t in fig.data if t.type == "scattergeo" and t.mode == "text"]
    assert any("Kazakhstan" in str(text) for text in labels[0].text)


def snapshot() -> pd.DataFrame:
    rows = []
    for code, chn, rus, year, side in (
        ("KAZ", 20.0, 25.0, 2022, "reporter"),
        ("KGZ", NAN, NAN, 2021, None),
        ("TJK", 40.0, 10.0, 2023, "mirror"),
        ("TKM", NAN, NAN, 2021, None),
        ("UZB", 18.0, 17.0, 2024, "reporter"),
    ):
        for partner, share in (("CHN", chn), ("RUS", rus)):
            rows.append(
                {
                    "reporter": code,
                    "partner": partner,
                    "year": year,
                    "share_pct": share,
                    "side": side,
                    "world_side": side,
                    "share_basis": "basis text" if side else None,
                    "source_label": f"{side} records" if side else None,
                    "estimate": False,
                    "reason": "" if side else "no CHN/RUS share",
                }
            )
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    return out


def test_share_values_mark_year_side_and_gaps() -> None:
    out = maps.share_values(snapshot(), "CHN").set_index("iso3")
    assert out.at["TJK", "value"] == 40.0
    assert "2023" in out.at["TJK", "label"] and "mirror records" in out.at["TJK", "hover"]
    assert math.isnan(out.at["KGZ", "value"])
    assert "no data" in out.at["KGZ", "label"]


def test_share_map_panels_and_shared_scale() -> None:
    snap = snapshot()
    fig = maps.share_map(
        [("2021", snap), ("Latest", snap)], "RUS", hand_made(), "Test source", nm.share_map_title(snap, "RUS")
    )
    coloured = [t for t in fig.data if t.type == "choropleth" and t.coloraxis == "coloraxis"]
    assert [t.geo for t in coloured] == ["geo", "geo2"]
    assert dict(zip(coloured[0].locations, coloured[0].z, strict=True)) == {"KAZ": 25.0, "TJK": 10.0, "UZB": 17.0}
    # One scale for both partners: the top is the largest share of any partner (China, 40 %).
    assert fig.layout.coloraxis.cmax == 40.0
    assert "%" in fig.layout.coloraxis.colorbar.title.text
    assert fig.layout.title.text.startswith("Russia's share of trade is highest in Kazakhstan: 25%")


def test_map_findings_do_not_measure_changes_across_sides() -> None:
    base = snapshot()
    latest = snapshot()
    latest.loc[latest["reporter"].eq("UZB") & latest["partner"].eq("CHN"), "share_pct"] = 21.0
    latest.loc[latest["reporter"].eq("UZB"), "year"] = 2025
    latest.loc[latest["reporter"].eq("TJK"), "year"] = 2024
    latest.loc[latest["reporter"].eq("TJK"), "source_label"] = "reporter records"
    text = " ".join(nm.map_findings(deals_fixture(), base, latest, 2021))
    assert "18.0% in 2024 -> 21.0% in 2025 (reporter records): +3.0 percentage points" in text
    assert "from mirror records to reporter records, so the change is not measured" in text
