"""Regional maps: boundaries in an equal-area projection, label points, metric joins, plotly maps.

geopandas does the geography: areas and label points are computed in an Albers equal-area
projection centred on Central Asia (:data:`EQUAL_AREA_CRS`), label points are moved back to
EPSG:4326 for plotly. Maps are plotly ``go.Choropleth`` traces over the project's own GeoJSON
(``featureidkey="properties.iso3"``), with no base layer: pass :data:`OFFLINE_CONFIG` as the
plotly config so the map makes no request for a world topojson.

plotly geo needs **clockwise exterior rings** (the boundary file is written that way, the opposite
of RFC 7946); :func:`to_geojson` checks this and never re-orients.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from urllib.parse import quote

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from plotly.subplots import make_subplots
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient
from shapely.ops import polylabel

from helpers.charts import C5, MUTED_COLOUR, SEQUENTIAL_SCALE, country_name, finish, partner_name
from helpers.deals import UNCONFIRMED, totals_by

# Albers equal-area conic centred on Central Asia (standard parallels 38N and 52N).
EQUAL_AREA_CRS = "+proj=aea +lat_0=45 +lon_0=65 +lat_1=38 +lat_2=52 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
EMPTY_TOPOLOGY = '{"type":"Topology","objects":{},"arcs":[]}'
# plotly.js appends "/<scope>_<res>m.json" to topojsonURL; after "#" that is a fragment of the data: URL.
OFFLINE_CONFIG: dict[str, object] = {
    "topojsonURL": "data:application/json," + quote(EMPTY_TOPOLOGY, safe="") + "#",
    "displaylogo": False,
    "responsive": True,
}
LON_RANGE = (45.0, 90.0)
LAT_RANGE = (34.0, 56.5)
WATER = "#E4EEF5"
# A white halo keeps dark labels readable on every fill of the sequential scale.
HALO = "0px 0px 2px #FFFFFF, 0px 0px 3px #FFFFFF, 0px 0px 4px #FFFFFF"
# Where each state's label sits relative to its label point (keeps the small states' labels apart).
LABEL_POSITION = {
    "KAZ": "middle center",
    "KGZ": "top right",
    "TJK": "bottom right",
    "TKM": "middle center",
    "UZB": "middle center",
}
NEIGHBOUR_FILL = "#E6E6E6"
NO_DATA_FILL = "#FFFFFF"
BORDER = "#FFFFFF"
NO_DATA_BORDER = "#444444"
# Neighbours named on the map for orientation (the rest stay unlabelled context).
LABELLED_NEIGHBOURS = ("AFG", "CHN", "IRN", "MNG", "PAK", "RUS")


class GeoError(ValueError):
    """Boundaries break a map rule (ring orientation, missing iso3, geometry type)."""


# ---------------------------------------------------------------------------
# Geometry


def signed_area(ring: Sequence[Sequence[float]]) -> float:
    """Shoelace signed area of a ring in (lon, lat): negative = clockwise."""
    xy = np.asarray(ring, dtype="float64")[:, :2]
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]) + (x[-1] * y[0] - x[0] * y[-1]))


def _polygons(geometry: shapely.Geometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    raise GeoError(f"expected Polygon or MultiPolygon, got {geometry.geom_type}")


def counter_clockwise_features(boundaries: gpd.GeoDataFrame) -> list[str]:
    """The iso3 codes whose geometry has a counter-clockwise exterior ring (plotly floods those)."""
    bad = []
    for iso3, geometry in zip(boundaries["iso3"], boundaries.geometry, strict=True):
        if any(signed_area(p.exterior.coords) > 0 for p in _polygons(geometry)):
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
        polylabel(max(_polygons(geometry), key=lambda p: p.area), tolerance=1000.0) for geometry in placed.geometry
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


def join_metrics(boundaries: gpd.GeoDataFrame, metrics: pd.DataFrame, on: str = "iso3") -> gpd.GeoDataFrame:
    """Left-join a metric table (one row per iso3) to the boundaries; unknown codes raise."""
    unknown = sorted(set(metrics[on]) - set(boundaries["iso3"]))
    if unknown:
        raise GeoError(f"metric rows for codes not in the boundaries: {', '.join(map(str, unknown))}")
    if metrics[on].duplicated().any():
        raise GeoError(f"metric table has duplicate {on} values")
    return boundaries.merge(metrics.rename(columns={on: "iso3"}), on="iso3", how="left")


# ---------------------------------------------------------------------------
# Map builder


def _geo_layout() -> dict:
    return {
        "projection": {"type": "conic equal area", "parallels": [38, 52], "rotation": {"lon": 65}},
        "lonaxis": {"range": list(LON_RANGE)},
        "lataxis": {"range": list(LAT_RANGE)},
        "showcountries": False,
        "showland": False,
        "showcoastlines": False,
        "showocean": False,
        "showlakes": False,
        "showrivers": False,
        "showsubunits": False,
        "showframe": False,
        "bgcolor": WATER,
    }


def _add_region(
    fig: go.Figure,
    boundaries: gpd.GeoDataFrame,
    values: pd.DataFrame,
    *,
    geo: str,
    coloraxis: str,
    first: bool,
) -> None:
    """Neighbours grey, the five coloured by ``value`` (NaN = "no data", white), labels on top.

    ``values`` has ``iso3, value, label, hover`` for the five states (``hover``/``label`` escaped).
    """
    labels = label_points(boundaries, window=(LON_RANGE, LAT_RANGE))
    neighbours = clip_context(boundaries, (LON_RANGE, LAT_RANGE))
    neighbours = neighbours[neighbours["role"].ne("focus")]
    fig.add_trace(
        go.Choropleth(
            geojson=to_geojson(neighbours),
            featureidkey="properties.iso3",
            locations=sorted(neighbours["iso3"]),
            z=[0] * len(neighbours),
            colorscale=[[0, NEIGHBOUR_FILL], [1, NEIGHBOUR_FILL]],
            showscale=False,
            marker={"line": {"color": BORDER, "width": 0.6}},
            text=[html.escape(n) for n in neighbours.sort_values("iso3")["name"]],
            hovertemplate="%{text} (neighbour, context only)<extra></extra>",
            name="neighbouring countries (context)",
            legendgroup="neighbours",
            showlegend=first,
            geo=geo,
        )
    )
    shown = values[values["value"].notna()].sort_values("iso3")
    missing = values[values["value"].isna()].sort_values("iso3")
    if len(shown):
        fig.add_trace(
            go.Choropleth(
                geojson=to_geojson(boundaries, shown["iso3"]),
                featureidkey="properties.iso3",
                locations=shown["iso3"].tolist(),
                z=shown["value"].tolist(),
                coloraxis=coloraxis,
                marker={"line": {"color": "#333333", "width": 1}},
                text=shown["hover"].tolist(),
                hovertemplate="%{text}<extra></extra>",
                name="Central Asian states",
                showlegend=False,
                geo=geo,
            )
        )
    if len(missing):
        fig.add_trace(
            go.Choropleth(
                geojson=to_geojson(boundaries, missing["iso3"]),
                featureidkey="properties.iso3",
                locations=missing["iso3"].tolist(),
                z=[0] * len(missing),
                colorscale=[[0, NO_DATA_FILL], [1, NO_DATA_FILL]],
                showscale=False,
                marker={"line": {"color": NO_DATA_BORDER, "width": 1.5}},
                text=missing["hover"].tolist(),
                hovertemplate="%{text}<extra></extra>",
                name="no data (white, outlined): a gap, not zero",
                legendgroup="nodata",
                showlegend=first,
                geo=geo,
            )
        )
    focus_labels = labels[labels["iso3"].isin(C5)].merge(values[["iso3", "label", "value"]], on="iso3")
    fig.add_trace(
        go.Scattergeo(
            lon=focus_labels["lon"].tolist(),
            lat=focus_labels["lat"].tolist(),
            text=focus_labels["label"],
            mode="text",
            textposition=[LABEL_POSITION.get(c, "middle center") for c in focus_labels["iso3"]],
            textfont={"size": 10, "color": "#111111", "shadow": HALO},
            hoverinfo="skip",
            showlegend=False,
            geo=geo,
        )
    )
    context = labels[labels["iso3"].isin(LABELLED_NEIGHBOURS)]
    fig.add_trace(
        go.Scattergeo(
            lon=context["lon"].tolist(),
            lat=context["lat"].tolist(),
            text=[html.escape(n) for n in context["name"]],
            mode="text",
            textfont={"size": 11, "color": MUTED_COLOUR},
            hoverinfo="skip",
            showlegend=False,
            geo=geo,
        )
    )


def _coloraxis(title: str, cmax: float, suffix: str = "") -> dict:
    return {
        "colorscale": SEQUENTIAL_SCALE,
        "cmin": 0,
        "cmax": cmax,
        "colorbar": {"title": {"text": title, "side": "right"}, "ticksuffix": suffix, "thickness": 14, "len": 0.8},
    }


# ---------------------------------------------------------------------------
# Deal map


def deal_values(deals: pd.DataFrame) -> pd.DataFrame:
    """Deduplicated deal value per state (US$ bn), with and without unconfirmed rows, for the map.

    Returns one row per state in C5: ``iso3, value`` (deduplicated, unconfirmed rows left out;
    NaN when no counted deal states a value), ``with_unconfirmed_bn``, ``unconfirmed_bn``,
    ``n_deals``, ``label``, ``hover``.
    """
    table = totals_by(deals, "country").set_index("country").reindex(list(C5))
    out = pd.DataFrame({"iso3": list(C5)})
    out["value"] = (table["dedup_confirmed_usd_m"] / 1000).to_numpy()
    out["with_unconfirmed_bn"] = (table["dedup_usd_m"] / 1000).to_numpy()
    out["unconfirmed_bn"] = (table["unconfirmed_usd_m"] / 1000).to_numpy()
    out["n_deals"] = table["n_deals"].fillna(0).astype(int).to_numpy()
    labels, hovers = [], []
    for row in out.itertuples(index=False):
        name = html.escape(country_name(row.iso3))
        if np.isnan(row.value):
            labels.append(f"<b>{name}</b><br>no value stated")
            hovers.append(f"{name}: {row.n_deals} deal row(s), none states a value (no data, not zero)")
            continue
        extra = "" if np.isnan(row.unconfirmed_bn) else f"<br>+{row.unconfirmed_bn:,.1f} bn unconfirmed"
        labels.append(f"<b>{name}</b><br>US${row.value:,.1f} bn{extra}")
        hovers.append(
            f"{name}: US${row.value:,.1f} bn deduplicated, unconfirmed rows left out"
            f"<br>with unconfirmed rows: US${row.with_unconfirmed_bn:,.1f} bn<br>{row.n_deals} deal row(s)"
        )
    out["label"], out["hover"] = labels, hovers
    return out


def deal_map(deals: pd.DataFrame, boundaries: gpd.GeoDataFrame, source: str) -> go.Figure:
    """Choropleth of deduplicated deal value by state (US$ bn, unconfirmed rows left out)."""
    values = deal_values(deals)
    fig = go.Figure()
    cmax = float(np.nanmax(values["value"])) if values["value"].notna().any() else 1.0
    _add_region(fig, boundaries, values, geo="geo", coloraxis="coloraxis", first=True)
    fig.update_layout(geo=_geo_layout(), coloraxis=_coloraxis("US$ bn", cmax))
    ranked = values.dropna(subset=["value"]).sort_values("value", ascending=False)
    lead = ranked.iloc[0] if len(ranked) else None
    unconfirmed = values.dropna(subset=["unconfirmed_bn"])
    note = (
        "; labels add unconfirmed figures ("
        + ", ".join(f"{country_name(r.iso3)} US${r.unconfirmed_bn:,.0f} bn" for r in unconfirmed.itertuples())
        + ")"
        if len(unconfirmed)
        else ""
    )
    title = (
        f"{country_name(lead.iso3)} holds the most deduplicated deal value: US${lead.value:,.1f} bn"
        if lead is not None
        else "No deal states a value"
    )
    return finish(
        fig,
        title=title,
        subtitle=f"Deduplicated US deal value by state, US$ bn, unconfirmed rows left out{note}",
        source=source,
        height=600,
    )


# ---------------------------------------------------------------------------
# Partner-share maps


def share_values(snapshot: pd.DataFrame, partner: str) -> pd.DataFrame:
    """Map values from a ``metrics.share_snapshot`` frame for one partner: value = share in %.

    The hover and label say which year and statistics side each number comes from; a missing
    share keeps NaN and the reason.
    """
    rows = snapshot[snapshot["partner"].eq(partner)].set_index("reporter").reindex(list(C5))
    records = []
    for iso3, row in rows.iterrows():
        name = html.escape(country_name(iso3))
        year = "" if pd.isna(row["year"]) else int(row["year"])
        if pd.isna(row["share_pct"]):
            reason = html.escape(str(row.get("reason") or "no share"))
            records.append(
                {
                    "iso3": iso3,
                    "value": np.nan,
                    "year": year,
                    "side": "",
                    "label": f"<b>{name}</b><br>no data",
                    "hover": f"{name}: no data ({reason})",
                }
            )
            continue
        side = str(row["side"])
        basis = html.escape(str(row["share_basis"]))
        flag = " (estimate/preliminary)" if bool(row["estimate"]) else ""
        records.append(
            {
                "iso3": iso3,
                "value": float(row["share_pct"]),
                "year": year,
                "side": side,
                "label": f"<b>{name}</b><br>{row['share_pct']:.0f}%, {year}<br>{html.escape(side)}",
                "hover": (
                    f"{name}, {year}: {partner_name(partner)} {row['share_pct']:.1f}% of total trade{flag}"
                    f"<br>{html.escape(str(row['source_label']))}<br>{basis}"
                ),
            }
        )
    return pd.DataFrame.from_records(records)


def share_map(
    snapshots: Sequence[tuple[str, pd.DataFrame]],
    partner: str,
    boundaries: gpd.GeoDataFrame,
    source: str,
    cmax: float | None = None,
) -> go.Figure:
    """Side-by-side choropleths of one partner's share of each state's trade, one panel per snapshot.

    Parameters
    ----------
    snapshots : (panel title, ``metrics.share_snapshot`` frame) pairs, e.g. 2021 and latest.
    partner : partner code (``"CHN"``, ``"RUS"``).
    cmax : top of the colour scale (%); default the largest share of any partner in ``snapshots``.
    """
    panels = [(title, share_values(snap, partner)) for title, snap in snapshots]
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        specs=[[{"type": "geo"}] * len(panels)],
        subplot_titles=[t for t, _ in panels],
        horizontal_spacing=0.02,
    )
    # One scale for every partner in the snapshots, so the China and Russia maps read alike.
    top = max((float(snap["share_pct"].max()) for _, snap in snapshots if snap["share_pct"].notna().any()), default=1.0)
    for i, (_, values) in enumerate(panels, start=1):
        geo = "geo" if i == 1 else f"geo{i}"
        _add_region(fig, boundaries, values, geo=geo, coloraxis="coloraxis", first=i == 1)
        fig.update_layout({geo: _geo_layout()})
    fig.update_layout(coloraxis=_coloraxis(f"{partner_name(partner)} share, % of total trade", cmax or top, "%"))
    latest = panels[-1][1].dropna(subset=["value"]).sort_values("value", ascending=False)
    missing = [country_name(c) for c in panels[0][1].loc[panels[0][1]["value"].isna(), "iso3"]]
    if len(latest):
        lead = latest.iloc[0]
        title = (
            f"{partner_name(partner)}'s share of trade is highest in {country_name(lead['iso3'])}: "
            f"{lead['value']:.0f}% ({lead['year']}, {lead['side']} statistics)"
        )
    else:
        title = f"No {partner_name(partner)} share is available"
    subtitle = (
        f"{partner_name(partner)}'s share of each state's total goods trade, %; label: share (year, statistics side)"
        + (f"; {panels[0][0]}: no data for {', '.join(missing)}" if missing else "")
    )
    return finish(fig, title=title, subtitle=subtitle, source=source, height=520)


def share_caption(snapshots: Sequence[tuple[str, pd.DataFrame]], partners: Sequence[str]) -> pd.DataFrame:
    """A table behind the share maps: per state and partner, each panel's share, year and side."""
    rows = []
    for iso3 in C5:
        for partner in partners:
            record: dict[str, object] = {"State": country_name(iso3), "Partner": partner_name(partner)}
            for title, snap in snapshots:
                hit = snap[snap["reporter"].eq(iso3) & snap["partner"].eq(partner)]
                if len(hit) and pd.notna(hit["share_pct"].iloc[0]):
                    h = hit.iloc[0]
                    record[f"{title}: share (%)"] = round(float(h["share_pct"]), 1)
                    record[f"{title}: year, side"] = f"{int(h['year'])}, {h['side']} ({h['share_basis']})"
                else:
                    record[f"{title}: share (%)"] = np.nan
                    reason = hit["reason"].iloc[0] if len(hit) else "no row"
                    record[f"{title}: year, side"] = f"no data: {reason}"
            rows.append(record)
    return pd.DataFrame.from_records(rows)


def unconfirmed_note(deals: pd.DataFrame) -> str:
    """Plain-text note naming the counted unconfirmed rows and their value (for captions)."""
    from helpers.deals import deduplicated

    counted = deduplicated(deals)
    rows = counted[counted["confirmation"].eq(UNCONFIRMED) & counted["value_usd_m"].notna()]
    if rows.empty:
        return "No counted row is unconfirmed."
    return "; ".join(
        f"{country_name(r.country)}: {r.title} (US${r.value_usd_m / 1000:,.1f} bn)"
        for r in rows.sort_values("deal_id").itertuples()
    )


def share_source_ids(trade: pd.DataFrame, snapshots: Iterable[pd.DataFrame], flow: str = "total") -> list[str]:
    """Source ids behind the shares shown (partner value and world total), sorted."""
    from helpers.metrics import partner_shares, select_series

    shares = partner_shares(select_series(trade))
    shares = shares[shares["flow"].eq(flow)]
    ids: set[str] = set()
    for snap in snapshots:
        shown = snap.dropna(subset=["share_pct"])[["reporter", "partner", "year"]].astype({"year": "int64"})
        hit = shares.merge(shown, on=["reporter", "partner", "year"])
        for column in ("source_id", "world_source_id"):
            ids.update(s for s in hit[column] if isinstance(s, str) and s)
    return sorted(ids)


def _share_change(base: pd.DataFrame, latest: pd.DataFrame, partner: str) -> pd.DataFrame:
    pick = ["reporter", "year", "share_pct", "side"]
    b = base[base["partner"].eq(partner)][pick]
    lt = latest[latest["partner"].eq(partner)][pick]
    both = b.merge(lt, on="reporter", suffixes=("_base", "_latest"))
    both = both.dropna(subset=["share_pct_base", "share_pct_latest"])
    return both[both["year_latest"].gt(both["year_base"])]


def map_findings(deals: pd.DataFrame, base: pd.DataFrame, latest: pd.DataFrame, base_year: int) -> list[str]:
    """Key findings of the regional-map notebook, every number computed from the data."""
    values = deal_values(deals)
    ranked = values.dropna(subset=["value"]).sort_values("value", ascending=False)
    lines = []
    if len(ranked):
        lines.append(
            "Deduplicated US deal value, unconfirmed rows left out: "
            + ", ".join(f"{country_name(r.iso3)} US${r.value:,.1f} bn" for r in ranked.itertuples())
            + "."
        )
    for row in values[values["value"].isna()].itertuples():
        lines.append(f"{country_name(row.iso3)}: {row.n_deals} deal row(s), none with a stated value (shown as a gap).")
    for row in values.dropna(subset=["unconfirmed_bn"]).itertuples():
        lines.append(
            f"{country_name(row.iso3)} also has US${row.unconfirmed_bn:,.1f} bn of unconfirmed figures "
            f"(US${row.with_unconfirmed_bn:,.1f} bn with them)."
        )
    wide = latest.pivot(index="reporter", columns="partner", values="share_pct")
    years = latest.drop_duplicates("reporter").set_index("reporter")["year"]
    if {"CHN", "RUS"} <= set(wide.columns):
        ahead = [
            c for c in C5 if c in wide.index and pd.notna(wide.at[c, "CHN"]) and wide.at[c, "CHN"] > wide.at[c, "RUS"]
        ]
        behind = [
            c for c in C5 if c in wide.index and pd.notna(wide.at[c, "CHN"]) and wide.at[c, "CHN"] <= wide.at[c, "RUS"]
        ]
        lines.append(
            "Latest year available: China's share of trade exceeds Russia's in "
            + (", ".join(f"{country_name(c)} ({int(years[c])})" for c in ahead) or "no state")
            + (
                "; Russia's is at least as large in "
                + ", ".join(f"{country_name(c)} ({int(years[c])})" for c in behind)
                if behind
                else ""
            )
            + "."
        )
    for partner in ("CHN", "RUS"):
        change = _share_change(base, latest, partner)
        for row in change.itertuples(index=False):
            text = (
                f"{partner_name(partner)}'s share of {country_name(row.reporter)}'s trade: "
                f"{row.share_pct_base:.1f}% in {int(row.year_base)} ({row.side_base}) -> "
                f"{row.share_pct_latest:.1f}% in {int(row.year_latest)} "
                f"({row.side_latest})"
            )
            if row.side_base == row.side_latest:
                text += f": {row.share_pct_latest - row.share_pct_base:+.1f} points."
            else:
                text += ": different statistics sides, so the change is not measured."
            lines.append(text)
    missing = sorted(set(base.loc[base["share_pct"].isna(), "reporter"]))
    if missing:
        lines.append(
            f"No {base_year} share for "
            + ", ".join(country_name(c) for c in missing)
            + " in the data (a gap on the map)."
        )
    return lines


def deal_notes(deals: pd.DataFrame) -> list[str]:
    """Data-driven sentences under the deal map."""
    values = deal_values(deals)
    ranked = values.dropna(subset=["value"]).sort_values("value", ascending=False)
    out = []
    if len(ranked) >= 2:
        top2 = ranked.head(2)
        share = 100 * top2["value"].sum() / ranked["value"].sum()
        out.append(
            f"{' and '.join(country_name(c) for c in top2['iso3'])} hold {share:.0f}% of the deduplicated, "
            f"confirmed deal value shown (US${ranked['value'].sum():,.1f} bn in total)."
        )
    for row in values[values["value"].isna()].itertuples():
        out.append(f"{country_name(row.iso3)}: {row.n_deals} deal row(s) but no stated value, so the map shows a gap.")
    out.append("Unconfirmed figures counted in the labels: " + unconfirmed_note(deals))
    return out


def data_used(deals: pd.DataFrame, trade: pd.DataFrame, boundaries: gpd.GeoDataFrame, vintage: dict) -> list[str]:
    """Plain-text lines describing the datasets behind the map notebook (coverage from the data)."""
    years = trade["year"].astype("int64")
    return [
        (
            f"data/deals.csv: {len(deals)} deal rows; deduplicated by the rule of notebook 01 "
            f"(vintage {vintage.get('deals.csv', '')})."
        ),
        (
            f"data/trade.csv: {len(trade):,} rows, {years.min()}-{years.max()}; IMF DOTS to 2020 (both sides), "
            f"page figures (national statistics, partner customs, statements) from 2021; shares computed by "
            f"helpers.metrics (series rule in its docstring) (vintage {vintage.get('trade.csv', '')})."
        ),
        (
            f"data/boundaries/central_asia.geojson: {int(boundaries['role'].eq('focus').sum())} focus states and "
            f"{int(boundaries['role'].ne('focus').sum())} neighbours, Natural Earth 1:50m v4.1.0 "
            f"(vintage {vintage.get('boundaries/central_asia.geojson', '')}); areas and label points computed in an "
            "Albers equal-area projection centred at 45N 65E."
        ),
    ]
