"""Titles and sentences of the regional map (notebook 02) and the locator map, computed from the data."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from helpers.codes import STATES, country_name, partner_name
from helpers.compute.deals import deal_values, unconfirmed_counted
from helpers.narrative.common import top_row
from helpers.text import money, name_list, points


def deal_map_title(deals: pd.DataFrame) -> str:
    """The state holding the most deduplicated, confirmed deal value."""
    ranked = deal_values(deals).dropna(subset=["value"]).sort_values("value", ascending=False)
    if ranked.empty:
        return "No deal states a value"
    lead = ranked.iloc[0]
    return f"{country_name(lead['iso3'])} holds the most deduplicated deal value: {money(lead['value'] * 1000)}"


def share_map_title(snapshot: pd.DataFrame, partner: str) -> str:
    """Where the partner's share is highest in the snapshot, with its year (the records: in the labels and hover)."""
    rows = snapshot[snapshot["partner"].eq(partner) & snapshot["share_pct"].notna()]
    if rows.empty:
        return f"No {partner_name(partner)} share is available"
    lead = top_row(rows, "share_pct")
    return (
        f"{partner_name(partner)}'s share of trade is highest in {country_name(lead['reporter'])}: "
        f"{lead['share_pct']:.0f}% ({int(lead['year'])})"
    )


def locator_title(iso3: str) -> str:
    """Title of a state's locator map."""
    return f"Where {country_name(iso3)} lies: between Russia, China and its Central Asian neighbours"


def unconfirmed_note(deals: pd.DataFrame) -> str:
    """Plain-text note naming the counted unconfirmed rows and their value (for captions)."""
    rows = unconfirmed_counted(deals)
    if rows.empty:
        return "No counted row is unconfirmed."
    return "; ".join(
        f"{country_name(r.country)}: {r.title} ({money(r.value_usd_m)})" for r in rows.itertuples()
    )


def share_caption(snapshots: Sequence[tuple[str, pd.DataFrame]], partners: Sequence[str]) -> pd.DataFrame:
    """The table behind the share maps: per state and partner, each panel's share, year and records."""
    rows = []
    for iso3 in STATES:
        for partner in partners:
            record: dict[str, object] = {"State": country_name(iso3), "Partner": partner_name(partner)}
            for title, snap in snapshots:
                hit = snap[snap["reporter"].eq(iso3) & snap["partner"].eq(partner)]
                if len(hit) and pd.notna(hit["share_pct"].iloc[0]):
                    h = hit.iloc[0]
                    record[f"{title}: share (%)"] = round(float(h["share_pct"]), 1)
                    record[f"{title}: year, records"] = f"{int(h['year'])}, {h['source_label']}"
                else:
                    record[f"{title}: share (%)"] = np.nan
                    reason = hit["reason"].iloc[0] if len(hit) else "no row"
                    record[f"{title}: year, records"] = f"no data: {reason}"
            rows.append(record)
    return pd.DataFrame.from_records(rows)


def _share_change(base: pd.DataFrame, latest: pd.DataFrame, partner: str) -> pd.DataFrame:
    pick = ["reporter", "year", "share_pct", "source_label"]
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
            + ", ".join(f"{country_name(r.iso3)} {money(r.value * 1000)}" for r in ranked.itertuples())
            + "."
        )
    for row in values[values["value"].isna()].itertuples():
        lines.append(f"{country_name(row.iso3)}: {row.n_deals} deal row(s), none with a stated value (shown as a gap).")
    for row in values.dropna(subset=["unconfirmed_bn"]).itertuples():
        lines.append(
            f"{country_name(row.iso3)} also has {money(row.unconfirmed_bn * 1000)} of unconfirmed figures "
            f"({money(row.with_unconfirmed_bn * 1000)} with them)."
        )
    wide = latest.pivot(index="reporter", columns="partner", values="share_pct")
    years = latest.drop_duplicates("reporter").set_index("reporter")["year"]
    known = [c for c in STATES if c in wide.index and pd.notna(wide.at[c, "CHN"]) and pd.notna(wide.at[c, "RUS"])]
    ahead = [c for c in known if wide.at[c, "CHN"] > wide.at[c, "RUS"]]
    behind = [c for c in known if wide.at[c, "CHN"] <= wide.at[c, "RUS"]]
    text = "Latest year with every named partner on the same records: China's share of trade exceeds Russia's in " + (
        ", ".join(f"{country_name(c)} ({int(years[c])})" for c in ahead) or "no state"
    )
    if behind:
        text += "; Russia's is at least as large in " + ", ".join(
            f"{country_name(c)} ({int(years[c])})" for c in behind
        )
    lines.append(text + ".")
    for partner in ("CHN", "RUS"):
        for row in _share_change(base, latest, partner).itertuples(index=False):
            text = (
                f"{partner_name(partner)}'s share of {country_name(row.reporter)}'s trade: "
                f"{row.share_pct_base:.1f}% in {int(row.year_base)} -> {row.share_pct_latest:.1f}% in "
                f"{int(row.year_latest)}"
            )
            if row.source_label_base == row.source_label_latest:
                text += f" ({row.source_label_latest}): {points(row.share_pct_latest - row.share_pct_base)}."
            else:
                text += f": from {row.source_label_base} to {row.source_label_latest}, so the change is not measured."
            lines.append(text)
    missing = sorted(set(base.loc[base["share_pct"].isna(), "reporter"]))
    if missing:
        names = name_list(country_name(c) for c in missing)
        lines.append(f"No {base_year} share for {names} in the data (a gap on the map).")
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
            f"confirmed deal value shown ({money(ranked['value'].sum() * 1000)} in total)."
        )
    for row in values[values["value"].isna()].itertuples():
        out.append(f"{country_name(row.iso3)}: {row.n_deals} deal row(s) but no stated value, so the map shows a gap.")
    out.append("Unconfirmed figures counted in the labels: " + unconfirmed_note(deals))
    return out


def data_used(deals: pd.DataFrame, trade: pd.DataFrame, boundaries: gpd.GeoDataFrame) -> list[str]:
    """Plain-text lines describing the datasets behind the map notebook (coverage from the data)."""
    years = trade["year"].astype("int64")
    return [
        f"Deals: {len(deals)} deal rows; each deal counted once (rows inside another row are left out).",
        (
            f"Trade: {len(trade):,} rows, {years.min()}-{years.max()}; IMF DOTS to 2020 (both sides), "
            "then national statistics, partner customs and statements; a share divides values from the same records."
        ),
        (
            f"Boundaries: {int(boundaries['role'].eq('focus').sum())} focus states and "
            f"{int(boundaries['role'].ne('focus').sum())} neighbours, Natural Earth 1:50m v4.1.0; areas and label "
            "points computed in an Albers equal-area projection centred at 45N 65E."
        ),
    ]
