"""Pieces of the one-state country profile (notebook 04): locator map, key figures, data gaps."""

from __future__ import annotations

import html
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from helpers import deals as dl
from helpers import geo
from helpers import metrics as m
from helpers.charts import C5, PARTNER_COLOURS, country_name, finish, partner_name

HIGHLIGHT = PARTNER_COLOURS["CHN"]  # a strong blue from the Okabe-Ito palette
OTHER_FOCUS = "#BDBDBD"
RECENT_YEARS = range(2021, 2026)


class ProfileError(ValueError):
    """A profile was asked for a state that is not one of the five."""


def check_state(iso3: str) -> str:
    """Return ``iso3`` if it is one of the five states, else raise :class:`ProfileError`."""
    if iso3 not in C5:
        raise ProfileError(f"country must be one of {', '.join(C5)}, not {iso3!r}")
    return iso3


def locator_map(boundaries: gpd.GeoDataFrame, iso3: str, source: str) -> go.Figure:
    """The state highlighted among the other four and its neighbours, names labelled."""
    check_state(iso3)
    window = (geo.LON_RANGE, geo.LAT_RANGE)
    context = geo.clip_context(boundaries, window)
    layers = [
        (context[context["role"].ne("focus")], geo.NEIGHBOUR_FILL, "neighbouring countries"),
        (context[context["role"].eq("focus") & context["iso3"].ne(iso3)], OTHER_FOCUS, "other Central Asian states"),
        (context[context["iso3"].eq(iso3)], HIGHLIGHT, country_name(iso3)),
    ]
    fig = go.Figure()
    for frame, colour, name in layers:
        frame = frame.sort_values("iso3")
        fig.add_trace(
            go.Choropleth(
                geojson=geo.to_geojson(frame),
                featureidkey="properties.iso3",
                locations=frame["iso3"].tolist(),
                z=[0] * len(frame),
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                marker={"line": {"color": geo.BORDER, "width": 0.8}},
                text=[html.escape(n) for n in frame["name"]],
                hovertemplate="%{text}<extra></extra>",
                name=name,
                showlegend=True,
            )
        )
    labels = geo.label_points(boundaries, window=window)
    labels = labels[labels["iso3"].isin([*C5, *geo.LABELLED_NEIGHBOURS])]
    fig.add_trace(
        go.Scattergeo(
            lon=labels["lon"].tolist(),
            lat=labels["lat"].tolist(),
            text=[
                f"<b>{html.escape(name)}</b>" if code == iso3 else html.escape(name)
                for code, name in zip(labels["iso3"], labels["name"], strict=True)
            ],
            mode="text",
            textfont={"size": 11, "color": "#111111", "shadow": geo.HALO},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.update_layout(geo=geo._geo_layout())
    return finish(
        fig,
        title=f"Where {country_name(iso3)} lies: between Russia, China and its Central Asian neighbours",
        subtitle="Locator map; Natural Earth boundaries (de facto lines, no endorsement)",
        source=source,
        height=480,
    )


def world_trade(series: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The state's trade with the world by year and flow (US$ bn) from the series rule."""
    own = series[series["reporter"].eq(iso3) & series["partner"].eq("WLD")]
    table = own.pivot_table(index="year", columns="flow", values="value_usd_m", aggfunc="first")
    table = (table / 1000).round(2).reindex(columns=["exports", "imports", "total"])
    labels = own.groupby("year")["source_label"].agg(lambda s: "; ".join(sorted(set(s))))
    return table.assign(source=labels).reset_index().sort_values("year", kind="stable")


def recent_coverage(series: pd.DataFrame, iso3: str, years: Sequence[int] = RECENT_YEARS) -> pd.DataFrame:
    """For 2021-2025: which partners and the world total have a value, per year (a visible gap)."""
    own = series[series["reporter"].eq(iso3)]
    rows = []
    for year in years:
        record: dict[str, object] = {"year": year}
        for partner in (*m.PARTNERS, "WLD"):
            hit = own[own["year"].eq(year) & own["partner"].eq(partner)]
            record[partner] = ", ".join(sorted(set(hit["flow"]))) if len(hit) else "missing"
        rows.append(record)
    return pd.DataFrame(rows)


def gap_lines(series: pd.DataFrame, iso3: str, years: Sequence[int] = RECENT_YEARS) -> list[str]:
    """Plain sentences on what is missing for the state after 2020."""
    coverage = recent_coverage(series, iso3, years)
    lines = []
    world_missing = coverage.loc[coverage["WLD"].eq("missing"), "year"].tolist()
    if world_missing:
        lines.append(
            f"No usable world total (US$) for {', '.join(map(str, world_missing))}: "
            "shares cannot be computed in those years."
        )
    for partner in m.PARTNERS:
        missing = coverage.loc[coverage[partner].eq("missing"), "year"].tolist()
        if len(missing) == len(coverage):
            lines.append(f"No usable figure (US$, full coverage) for trade with {partner_name(partner)} after 2020.")
        elif missing:
            lines.append(f"No usable figure for trade with {partner_name(partner)} in {', '.join(map(str, missing))}.")
    if not lines:
        lines.append("Every partner and the world total have at least one figure in each year 2021-2025.")
    return lines


def state_deals(deals: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The state's deal rows, largest first, with whether each is counted in deduplicated totals."""
    own = deals[deals["country"].eq(check_state(iso3))].copy()
    own["counted"] = np.where(dl.is_counted(own), "yes", "no: inside " + own["overlaps_deal_id"].fillna(""))
    own["value_bn"] = own["value_usd_m"] / 1000
    own["binding"] = dl.binding_class(own)
    own["date"] = own["announced_date"].dt.strftime("%Y-%m-%d").fillna("undated")
    return own.sort_values(["value_usd_m", "deal_id"], ascending=[False, True], na_position="last")


def side_words(sides: str) -> str:
    """Readable form of a ``"CHN:reporter;RUS:mirror"`` side label."""
    words = {"reporter": "own statistics", "mirror": "partner's records", "statement": "statement", "other": "other"}
    parts = [part.split(":", 1) for part in str(sides).split(";") if ":" in part]
    if parts and len({side for _, side in parts}) == 1:
        return words.get(parts[0][1], parts[0][1])
    return ", ".join(f"{partner_name(code)}: {words.get(side, side)}" for code, side in parts) or str(sides)


def profile_findings(
    iso3: str, at_years: pd.DataFrame, overtakes: pd.DataFrame, deals: pd.DataFrame, gaps: list[str]
) -> list[str]:
    """Key findings for one state, every number computed from the data."""
    name = country_name(iso3)
    lines = []
    row = at_years[at_years["reporter"].eq(iso3)]
    if len(row):
        r = row.iloc[0]
        parts = [f"{year}: {r[f'pct_{year}']:.1f}%" for year in (2000, 2021) if not pd.isna(r[f"pct_{year}"])]
        if not pd.isna(r["latest_year"]):
            parts.append(
                f"latest consistent year {r['latest_year']}: {r['latest_pct']:.1f}% ({side_words(r['latest_side'])})"
            )
        lines.append(f"Russia + China share of {name}'s total trade - " + "; ".join(parts or ["no value"]) + ".")
    over = overtakes[overtakes["reporter"].eq(iso3) & overtakes["flow"].eq("total")]
    if len(over) and not pd.isna(over.iloc[0]["overtake_year"]):
        lines.append(f"China has been ahead of Russia in {name}'s total trade since {over.iloc[0]['overtake_year']}.")
    elif len(over):
        lines.append(f"China has not overtaken Russia for good in {name}'s total trade ({over.iloc[0]['reason']}).")
    own = deals[deals["country"].eq(iso3)]
    head = dl.headline(own)
    binding = dl.binding_summary(own).set_index("binding_class")
    binding_bn = binding.at[dl.BINDING, "dedup_confirmed_usd_m"] / 1000
    lines.append(
        f"{head['n_rows']} deal rows with US partners; deduplicated value"
        f" US${head['dedup_confirmed_usd_m'] / 1000:,.1f} bn excluding unconfirmed figures,"
        f" of which US${binding_bn:,.1f} bn binding (contracts, firm orders)."
    )
    if head["unconfirmed_usd_m"] > 0:
        lines.append(f"A further US${head['unconfirmed_usd_m'] / 1000:,.1f} bn is announced but unconfirmed.")
    lines.append(f"Data gaps after 2020: {len(gaps)} noted below.")
    return lines
