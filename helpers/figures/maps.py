"""Maps: the five states in their neighbourhood as plotly ``go.Choropleth`` traces over the project's
own GeoJSON (``featureidkey="properties.iso3"``), with no base layer; the shared plotly config
(:data:`helpers.figures.theme.PLOTLY_CONFIG`) keeps them offline. Titles are passed in.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from plotly.subplots import make_subplots

from helpers.codes import PARTNERS, STATES, check_code, check_state, country_name, partner_name
from helpers.compute.deals import deal_values
from helpers.compute.geometry import WINDOW, clip_context, label_points, projected, to_geojson
from helpers.figures.labels import DARK_TEXT, fill_colours, place_labels, text_colour
from helpers.figures.theme import MUTED_COLOUR, PARTNER_COLOURS, SEQUENTIAL_SCALE, finish
from helpers.text import money, plotly_text

WATER = "#E4EEF5"
# A halo of the opposite tone keeps each label readable where it runs past its own fill.
HALO = {
    DARK_TEXT: "0px 0px 2px #FFFFFF, 0px 0px 3px #FFFFFF, 0px 0px 4px #FFFFFF",
    "#FFFFFF": "0px 0px 2px #000000, 0px 0px 3px #000000",
}
# Nominal size (px) of one map panel at a 1000 px wide page: labels are placed apart at this size.
PANEL_PX = {"deal": (980.0, 360.0), "share": (980.0, 282.0), "locator": (980.0, 240.0)}
MAP_MARGINS = 240  # finish(): top margin with a subtitle and bottom margin, px
DEAL_MAP_HEIGHT, LOCATOR_HEIGHT = 600, 480
NEIGHBOUR_FILL = "#E6E6E6"
NO_DATA_FILL = "#FFFFFF"
BORDER = "#FFFFFF"
NO_DATA_BORDER = "#444444"
HIGHLIGHT = PARTNER_COLOURS["CHN"]  # a strong blue from the Okabe-Ito palette
OTHER_FOCUS = "#BDBDBD"
# Neighbours that may be named for orientation: only where the name fits inside the country and
# clear of the states' labels (the rest stay unlabelled context).
LABELLED_NEIGHBOURS = ("RUS", "CHN", "IRN", "AFG", "MNG", "PAK")
DEAL_MAP_COLUMNS = {  # the deal map's table: deal_map_values column -> reader column
    "iso3": "State",
    "value": "Deduplicated deal value, unconfirmed rows left out, US$ bn",
    "unconfirmed_bn": "Unconfirmed, US$ bn (in the labels, not the colours)",
    "n_deals": "Deal rows",
}


def map_labels(
    boundaries: gpd.GeoDataFrame, texts: dict[str, str], fills: dict[str, str], panel: tuple[float, float]
) -> pd.DataFrame:
    """The labels of one map, placed apart at ``panel`` px: ``iso3, lon, lat, text, position, colour, x, y, box``.

    ``texts`` maps iso3 to the (escaped) label, the five states first; ``fills`` iso3 to the colour
    under it. States' labels are always kept; a neighbour's only where it fits inside the country.
    """
    points = label_points(boundaries, window=WINDOW).set_index("iso3")
    (x0, x1), (y0, y1) = WINDOW
    window = gpd.GeoDataFrame(geometry=[shapely.box(x0, y0, x1, y1)], crs="EPSG:4326")
    flat = projected(window.assign(iso3="window"))
    left, bottom, right, top = flat.total_bounds
    scale = min(panel[0] / (right - left), panel[1] / (top - bottom))

    def to_px(geometry: shapely.Geometry) -> shapely.Geometry:
        moved = shapely.affinity.translate(geometry, -left, -bottom)
        return shapely.affinity.scale(moved, scale, scale, origin=(0, 0))

    shapes = projected(boundaries.assign(geometry=boundaries.geometry.intersection(window.geometry.iloc[0])))
    areas = {code: to_px(g) for code, g in zip(shapes["iso3"], shapes.geometry, strict=True)}
    codes = [c for c in texts if c in points.index]
    spots = projected(
        gpd.GeoDataFrame(
            {"iso3": codes},
            geometry=gpd.points_from_xy(points.loc[codes, "lon"], points.loc[codes, "lat"]),
            crs="EPSG:4326",
        )
    )
    rows = pd.DataFrame(
        {
            "iso3": codes,
            "lon": points.loc[codes, "lon"].to_numpy(),
            "lat": points.loc[codes, "lat"].to_numpy(),
            "x": [to_px(g).x for g in spots.geometry],
            "y": [to_px(g).y for g in spots.geometry],
            "text": [texts[c] for c in codes],
            "size": [10 if c in STATES else 11 for c in codes],
            "must": [c in STATES for c in codes],
            "area": [areas.get(c) if c in STATES else None for c in codes],
        }
    )
    placed = place_labels(rows, (0.0, 0.0, panel[0], panel[1]))
    fits = [
        must or areas.get(code) is None or areas[code].contains(shapely.box(*box))
        for code, must, box in zip(placed["iso3"], placed["must"], placed["box"], strict=True)
    ]
    placed = placed[fits].reset_index(drop=True)
    placed["colour"] = [
        text_colour(fills.get(c, NEIGHBOUR_FILL)) if c in STATES else MUTED_COLOUR for c in placed["iso3"]
    ]
    return placed


def label_trace(labels: pd.DataFrame, **trace) -> go.Scattergeo:
    """The text trace of placed labels: per-label position, colour and a halo of the opposite tone."""
    return go.Scattergeo(
        lon=labels["lon"].tolist(),
        lat=labels["lat"].tolist(),
        text=labels["text"].tolist(),
        mode="text",
        textposition=labels["position"].tolist(),
        textfont={
            "size": labels["size"].tolist(),
            "color": labels["colour"].tolist(),
            "shadow": [HALO.get(c, HALO[DARK_TEXT]) for c in labels["colour"]],
        },
        hoverinfo="skip",
        showlegend=False,
        name="labels",
        **trace,
    )


def geo_layout() -> dict:
    """The plotly ``geo`` layout of every regional map: equal-area projection, map window, no base layer."""
    (lon, lat) = WINDOW
    return {
        "projection": {"type": "conic equal area", "parallels": [38, 52], "rotation": {"lon": 65}},
        "lonaxis": {"range": list(lon)},
        "lataxis": {"range": list(lat)},
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


def flat_layer(
    frame: gpd.GeoDataFrame, colour: str, *, name: str, text: list[str], line: dict, **trace
) -> go.Choropleth:
    """One flat-coloured choropleth layer of ``frame`` (sorted by iso3), hover = ``text``."""
    frame = frame.sort_values("iso3")
    return go.Choropleth(
        geojson=to_geojson(frame),
        featureidkey="properties.iso3",
        locations=frame["iso3"].tolist(),
        z=[0] * len(frame),
        colorscale=[[0, colour], [1, colour]],
        showscale=False,
        marker={"line": line},
        text=text,
        hovertemplate="%{text}<extra></extra>",
        name=name,
        **trace,
    )


def _add_region(
    fig: go.Figure,
    boundaries: gpd.GeoDataFrame,
    values: pd.DataFrame,
    *,
    geo: str,
    coloraxis: str,
    first: bool,
    cmax: float,
    panel: tuple[float, float],
) -> None:
    """Neighbours grey, the five coloured by ``value`` (NaN = "no data", white), labels on top.

    ``values`` has ``iso3, value, label, hover`` for the five states (``hover``/``label`` escaped).
    """
    neighbours = clip_context(boundaries, WINDOW)
    neighbours = neighbours[neighbours["role"].ne("focus")]
    names = neighbours.sort_values("iso3")["name"]
    fig.add_trace(
        flat_layer(
            neighbours,
            NEIGHBOUR_FILL,
            name="neighbouring countries (context)",
            text=[f"{plotly_text(n)} (neighbour, context only)" for n in names],
            line={"color": BORDER, "width": 0.6},
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
        no_data = boundaries[boundaries["iso3"].isin(missing["iso3"])]
        fig.add_trace(
            flat_layer(
                no_data,
                NO_DATA_FILL,
                name="no data (white, outlined): a gap, not zero",
                text=missing["hover"].tolist(),
                line={"color": NO_DATA_BORDER, "width": 1.5},
                legendgroup="nodata",
                showlegend=first,
                geo=geo,
            )
        )
    texts = dict(zip(values["iso3"], values["label"], strict=True))
    texts.update({c: plotly_text(n) for c, n in zip(neighbours["iso3"], neighbours["name"], strict=True)})
    texts = {c: texts[c] for c in [*values["iso3"], *LABELLED_NEIGHBOURS] if c in texts}
    fills = dict(zip(values["iso3"], fill_colours(values["value"], SEQUENTIAL_SCALE, cmax, NO_DATA_FILL), strict=True))
    fig.add_trace(label_trace(map_labels(boundaries, texts, fills, panel), geo=geo))


def _coloraxis(title: str, cmax: float, suffix: str = "") -> dict:
    return {
        "colorscale": SEQUENTIAL_SCALE,
        "cmin": 0,
        "cmax": cmax,
        "colorbar": {"title": {"text": title, "side": "right"}, "ticksuffix": suffix, "thickness": 14, "len": 0.8},
    }


def fit_page(fig: go.Figure, plot_px: float, colour_bar: bool = True) -> go.Figure:
    """Maps need no room for axis titles: narrow side margins, the colour bar under the map, the legend under it.

    So a map takes the page's width, on a phone too. ``plot_px`` is the height of the plot area.
    """
    fig.update_layout(margin={"l": 10, "r": 10}, legend={"y": round(-(84 if colour_bar else 20) / plot_px, 4)})
    if colour_bar:
        fig.update_coloraxes(
            colorbar={
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": round(-6 / plot_px, 4),
                "yanchor": "top",
                "len": 0.6,
                "thickness": 12,
                "title": {"side": "top"},
            }
        )
    return fig


def deal_map_values(deals: pd.DataFrame) -> pd.DataFrame:
    """:func:`helpers.compute.deals.deal_values` with the map's label and hover text (escaped)."""
    out = deal_values(deals)
    labels, hovers = [], []
    for row in out.itertuples(index=False):
        name = plotly_text(country_name(row.iso3))
        if np.isnan(row.value):
            labels.append(f"<b>{name}</b><br>no value stated")
            hovers.append(f"{name}: {row.n_deals} deal row(s), none states a value (no data, not zero)")
            continue
        value, with_unconfirmed = _bn_text(row.value), _bn_text(row.with_unconfirmed_bn)
        extra = "" if np.isnan(row.unconfirmed_bn) else f"<br>+{_bn_text(row.unconfirmed_bn)} unconfirmed"
        labels.append(f"<b>{name}</b><br>{value}{extra}")
        hovers.append(
            f"{name}: {value} deduplicated, unconfirmed rows left out"
            f"<br>with unconfirmed rows: {with_unconfirmed}<br>{row.n_deals} deal row(s)"
        )
    out["label"], out["hover"] = labels, hovers
    return out


def _bn_text(value_bn: float) -> str:
    """An amount in US$ bn as plotly text in the unit that fits (:func:`helpers.text.money`)."""
    return plotly_text(money(value_bn * 1000))


def deal_map(deals: pd.DataFrame, boundaries: gpd.GeoDataFrame, source: str, title: str) -> go.Figure:
    """Choropleth of deduplicated deal value by state (US$ bn, unconfirmed rows left out)."""
    values = deal_map_values(deals)
    fig = go.Figure()
    cmax = float(np.nanmax(values["value"])) if values["value"].notna().any() else 1.0
    _add_region(
        fig, boundaries, values, geo="geo", coloraxis="coloraxis", first=True, cmax=cmax, panel=PANEL_PX["deal"]
    )
    fig.update_layout(geo=geo_layout(), coloraxis=_coloraxis("US$ bn", cmax))
    unconfirmed = values.dropna(subset=["unconfirmed_bn"])
    note = (
        "; labels add unconfirmed figures ("
        + ", ".join(f"{country_name(r.iso3)} {_bn_text(r.unconfirmed_bn)}" for r in unconfirmed.itertuples())
        + ")"
        if len(unconfirmed)
        else ""
    )
    table = values.assign(iso3=values["iso3"].map(country_name)).round(3)[list(DEAL_MAP_COLUMNS)]
    table = table.rename(columns=DEAL_MAP_COLUMNS)
    finish(
        fig,
        title=title,
        subtitle=f"Deduplicated US deal value by state, US$ bn, unconfirmed rows left out{note}",
        source=source,
        table=table,
        height=DEAL_MAP_HEIGHT,
    )
    return fit_page(fig, DEAL_MAP_HEIGHT - MAP_MARGINS)


def share_values(snapshot: pd.DataFrame, partner: str) -> pd.DataFrame:
    """Map values from a share snapshot for one partner: value = share in %, with label and hover.

    The hover and label say which year and records each number comes from; a missing share keeps
    NaN and the reason.
    """
    rows = snapshot[snapshot["partner"].eq(partner)].set_index("reporter").reindex(list(STATES))
    records = []
    for iso3, row in rows.iterrows():
        name = plotly_text(country_name(iso3))
        year = "" if pd.isna(row["year"]) else int(row["year"])
        record = {"iso3": iso3, "value": np.nan, "year": year, "source_label": ""}
        if pd.isna(row["share_pct"]):
            reason = plotly_text(str(row.get("reason") or "no share"))
            record.update(label=f"<b>{name}</b><br>no data", hover=f"{name}: no data ({reason})")
        else:
            label = plotly_text(str(row["source_label"]))
            flag = " (estimate/preliminary)" if bool(row["estimate"]) else ""
            record.update(
                value=float(row["share_pct"]),
                source_label=str(row["source_label"]),
                label=f"<b>{name}</b><br>{row['share_pct']:.0f}%, {year}",
                hover=f"{name}, {year}: {partner_name(partner)} {row['share_pct']:.1f}% of trade{flag}<br>{label}",
            )
        records.append(record)
    return pd.DataFrame.from_records(records)


def share_map(
    snapshots: Sequence[tuple[str, pd.DataFrame]],
    partner: str,
    boundaries: gpd.GeoDataFrame,
    source: str,
    title: str,
    cmax: float | None = None,
    note: str = "",
) -> go.Figure:
    """Stacked choropleths of one partner's share of each state's trade, one panel per snapshot.

    Parameters
    ----------
    snapshots : sequence of (str, pandas.DataFrame)
        (panel title, share snapshot) pairs, e.g. 2021 and latest.
    partner : str
        Partner code.
    boundaries : geopandas.GeoDataFrame
        From ``load_boundaries()``.
    source, title : str
        Source line and the finding.
    cmax : float or None
        Top of the colour scale (%); default the largest share in ``snapshots``.
    note : str
        Added to the subtitle, e.g. why a panel shows the year it does.
    """
    check_code("partner", partner, PARTNERS)
    panels = [(t, share_values(snap, partner)) for t, snap in snapshots]
    # Panels stacked, not side by side: each map is as wide as the page allows, on a phone too.
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        specs=[[{"type": "geo"}] for _ in panels],
        subplot_titles=[t for t, _ in panels],
        vertical_spacing=0.06,
    )
    # One scale for every partner in the snapshots, so the China and Russia maps read alike.
    top = max((float(snap["share_pct"].max()) for _, snap in snapshots if snap["share_pct"].notna().any()), default=1.0)
    for i, (_, values) in enumerate(panels, start=1):
        geo = "geo" if i == 1 else f"geo{i}"
        _add_region(
            fig,
            boundaries,
            values,
            geo=geo,
            coloraxis="coloraxis",
            first=i == 1,
            cmax=cmax or top,
            panel=PANEL_PX["share"],
        )
        fig.update_layout({geo: geo_layout()})
    fig.update_layout(coloraxis=_coloraxis(f"{partner_name(partner)} share, % of total trade", cmax or top, "%"))
    missing = [country_name(c) for c in panels[0][1].loc[panels[0][1]["value"].isna(), "iso3"]]
    subtitle = (
        f"{partner_name(partner)}'s share of each state's total goods trade, %; label: share and year"
        + (f"; {panels[0][0]}: no data for {', '.join(missing)}" if missing else "")
        + (f"; {plotly_text(note)}" if note else "")
    )
    table = pd.concat([v.assign(panel=p, iso3=v["iso3"].map(country_name)).round(1) for p, v in panels])
    share = f"{partner_name(partner)} share of total trade, %"
    columns = {"panel": "Panel", "iso3": "State", "year": "Year", "value": share}
    table = table[[*columns, "source_label"]].rename(columns={**columns, "source_label": "Records"})
    finish(fig, title=title, subtitle=subtitle, source=source, table=table, height=MAP_MARGINS + 300 * len(panels))
    return fit_page(fig, 300 * len(panels))


def locator_map(boundaries: gpd.GeoDataFrame, iso3: str, source: str, title: str) -> go.Figure:
    """The state highlighted among the other four and its neighbours, names labelled."""
    check_state(iso3)
    context = clip_context(boundaries, WINDOW)
    layers = [
        (context[context["role"].ne("focus")], NEIGHBOUR_FILL, "neighbouring countries"),
        (context[context["role"].eq("focus") & context["iso3"].ne(iso3)], OTHER_FOCUS, "other Central Asian states"),
        (context[context["iso3"].eq(iso3)], HIGHLIGHT, country_name(iso3)),
    ]
    fig = go.Figure()
    shown = []  # the plotted table: each country drawn and its role
    for frame, colour, name in layers:
        shown += [(n, name) for n in frame.sort_values("iso3")["name"]]
        text = [plotly_text(n) for n in frame.sort_values("iso3")["name"]]
        fig.add_trace(
            flat_layer(frame, colour, name=name, text=text, line={"color": BORDER, "width": 0.8}, showlegend=True)
        )
    names = dict(zip(context["iso3"], context["name"], strict=True))
    texts = {c: f"<b>{plotly_text(names[c])}</b>" if c == iso3 else plotly_text(names[c]) for c in STATES}
    texts.update({c: plotly_text(names[c]) for c in LABELLED_NEIGHBOURS if c in names})
    fills = {c: HIGHLIGHT if c == iso3 else OTHER_FOCUS for c in STATES}
    fig.add_trace(label_trace(map_labels(boundaries, texts, fills, PANEL_PX["locator"])))
    fig.update_layout(geo=geo_layout())
    finish(
        fig,
        title=title,
        subtitle="Locator map; Natural Earth boundaries (de facto lines, no endorsement)",
        source=source,
        table=pd.DataFrame(shown, columns=["Country", "Shown as"]),
        height=LOCATOR_HEIGHT,
    )
    return fit_page(fig, LOCATOR_HEIGHT - MAP_MARGINS, colour_bar=False)
