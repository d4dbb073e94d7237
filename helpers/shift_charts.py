"""Figures and tables for the dependency-shift and deal-scenario notebooks (03, 05).

Every figure is finished with ``helpers.charts.finish``; partner colours come from
``PARTNER_COLOURS``; which statistics a point comes from is told by marker symbol and dash
(``SIDE_DASH`` / ``SIDE_SYMBOL``) as well as hover text; source breaks are drawn where the data's
``dataset`` changes (``break_before`` / first 2021+ year), never at a typed year.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from helpers.charts import (
    PARTNER_COLOURS,
    SIDE_DASH,
    SIDE_SYMBOL,
    country_name,
    finish,
    mark_source_break,
    partner_name,
    wrap,
)

FLOW_WORDS = {"exports": "exports", "imports": "imports", "total": "total trade (exports + imports)"}


def _hover(frame: pd.DataFrame, value_label: str = "share") -> list[str]:
    texts = []
    for r in frame.itertuples(index=False):
        if pd.isna(r.share_pct):
            texts.append("")
            continue
        flags = ", ".join(r.flags) if isinstance(r.flags, list) and r.flags else "none"
        texts.append(
            "<br>".join(
                [
                    f"<b>{html.escape(country_name(r.reporter))}: {html.escape(partner_name(r.partner))}</b>",
                    f"{int(r.year)}: {value_label} {r.share_pct:,.1f}%",
                    f"Source: {html.escape(str(r.source_label))}",
                    f"Basis: {html.escape(str(r.share_basis))}",
                    f"Flags: {html.escape(flags)}",
                ]
            )
        )
    return texts


def _with_gaps(frame: pd.DataFrame, years: Sequence[int]) -> pd.DataFrame:
    """Reindex one line on every year so that missing years break the line (no bridging), and
    break it again half a year before each source break (``break_before``), so a line never
    joins two different datasets or sides."""
    out = frame.set_index("year").reindex(list(years))
    out.index.name = "year"
    out = out.reset_index()
    if "break_before" in out:
        breaks = out.loc[out["break_before"].fillna(False).astype(bool), "year"]
        if len(breaks):
            gaps = pd.DataFrame({"year": breaks.astype(float) - 0.5})
            out = pd.concat([out.astype({"year": float}), gaps], ignore_index=True).sort_values("year", kind="stable")
            out = out.reset_index(drop=True)
    return out


def break_years(shares: pd.DataFrame) -> list[int]:
    """Years where the data switch to the 2021+ page figures (first ``pages`` year), from the data."""
    pages = shares[shares["dataset"].eq("pages")]
    return sorted({int(pages["year"].min())}) if len(pages) else []


def _grid(n: int, cols: int) -> tuple[int, int]:
    rows = int(np.ceil(n / cols))
    return rows, cols


def share_small_multiples(
    shares: pd.DataFrame,
    *,
    flow: str,
    reporters: Sequence[str],
    partners: Sequence[str],
    title: str,
    source: str,
    cols: int = 3,
    y_max: float | None = None,
) -> go.Figure:
    """One panel per reporter: each partner's share over time (lines), with mirror and estimate
    points marked and the source break drawn from the data."""
    data = shares[shares["flow"].eq(flow) & shares["reporter"].isin(reporters) & shares["partner"].isin(partners)]
    years = list(range(int(data["year"].min()), int(data["year"].max()) + 1)) if len(data) else []
    n_rows, n_cols = _grid(len(reporters), cols)
    fig = make_subplots(
        rows=n_rows,
        cols=n_cols,
        subplot_titles=[country_name(r) for r in reporters],
        shared_xaxes=True,
        vertical_spacing=0.09,
        horizontal_spacing=0.06,
    )
    for i, reporter in enumerate(reporters):
        row, col = divmod(i, n_cols)
        for partner in partners:
            line = data[data["reporter"].eq(reporter) & data["partner"].eq(partner)].sort_values("year")
            if line.empty:
                continue
            full = _with_gaps(line, years)
            symbols = [SIDE_SYMBOL.get(s, "circle") if isinstance(s, str) else "circle" for s in full["side"].tolist()]
            sizes = [
                (7 if (isinstance(s, str) and s != "reporter") or bool(e) else 5) if not pd.isna(v) else 0
                for s, e, v in zip(full["side"], full["estimate"].fillna(False), full["share_pct"], strict=True)
            ]
            fig.add_trace(
                go.Scatter(
                    x=full["year"],
                    y=full["share_pct"].round(2),
                    mode="lines+markers",
                    name=partner_name(partner),
                    legendgroup=partner,
                    showlegend=i == 0,
                    line={"color": PARTNER_COLOURS[partner], "width": 2},
                    marker={"symbol": symbols, "size": sizes, "color": PARTNER_COLOURS[partner]},
                    hovertext=_hover(full),
                    hoverinfo="text",
                ),
                row=row + 1,
                col=col + 1,
            )
        for year in break_years(data[data["reporter"].eq(reporter)]):
            mark_source_break(fig, year - 0.5, "2021+: page figures", row=row + 1, col=col + 1)
    fig.update_xaxes(tickformat="d")
    if y_max is not None:
        fig.update_yaxes(range=[0, y_max])
    return _finish_grid(
        fig,
        title=title,
        subtitle=(
            f"Partner share of each state's {FLOW_WORDS[flow]}, % (series rule). Large open diamonds: "
            "partner-reported (mirror) values; large dots: estimates/flagged values; dotted line: source break"
        ),
        source=source,
        y_title="% of " + ("total trade" if flow == "total" else flow),
        n_rows=n_rows,
    )


def region_figure(shares: pd.DataFrame, *, partners: Sequence[str], title: str, source: str) -> go.Figure:
    """CA5 partner shares by flow, one panel per flow (region = sum of the five states)."""
    flows = ("exports", "imports", "total")
    fig = make_subplots(rows=1, cols=3, subplot_titles=[f.capitalize() for f in flows], shared_yaxes=True)
    years = list(range(int(shares["year"].min()), int(shares["year"].max()) + 1))
    for j, flow in enumerate(flows):
        for partner in partners:
            line = shares[shares["flow"].eq(flow) & shares["partner"].eq(partner)].sort_values("year")
            if line.empty:
                continue
            full = _with_gaps(line, years)
            fig.add_trace(
                go.Scatter(
                    x=full["year"],
                    y=full["share_pct"].round(2),
                    mode="lines",
                    name=partner_name(partner),
                    legendgroup=partner,
                    showlegend=j == 0,
                    line={"color": PARTNER_COLOURS[partner], "width": 2},
                    hovertext=_hover(full),
                    hoverinfo="text",
                ),
                row=1,
                col=j + 1,
            )
    fig.update_xaxes(tickformat="d")
    return _finish_grid(
        fig,
        title=title,
        subtitle="Partner share of the five states' summed trade, %, series rule (years with all five on one basis)",
        source=source,
        y_title="% of CA5 trade",
        n_rows=1,
        height=520,
    )


def side_comparison_figure(
    reporter_shares: pd.DataFrame,
    mirror_shares: pd.DataFrame,
    *,
    reporters: Sequence[str],
    partners: Sequence[str] = ("CHN", "RUS"),
    flow: str = "total",
    title: str,
    source: str,
) -> go.Figure:
    """Each partner's share on the reporter's own records (solid) and on the partner's records
    over the reporter's world total (dashed), one panel per reporter."""
    n_rows, n_cols = _grid(len(reporters), 3)
    fig = make_subplots(
        rows=n_rows,
        cols=n_cols,
        subplot_titles=[country_name(r) for r in reporters],
        shared_xaxes=True,
        vertical_spacing=0.09,
        horizontal_spacing=0.06,
    )
    frames = {"reporter": reporter_shares, "mirror": mirror_shares}
    all_years = pd.concat([f["year"] for f in frames.values()])
    years = list(range(int(all_years.min()), int(all_years.max()) + 1))
    for i, reporter in enumerate(reporters):
        row, col = divmod(i, n_cols)
        for partner in partners:
            for side, data in frames.items():
                line = data[
                    data["flow"].eq(flow)
                    & data["reporter"].eq(reporter)
                    & data["partner"].eq(partner)
                    & data["side"].eq(side)
                ].sort_values("year")
                if line.empty:
                    continue
                full = _with_gaps(line, years)
                fig.add_trace(
                    go.Scatter(
                        x=full["year"],
                        y=full["share_pct"].round(2),
                        mode="lines+markers",
                        name=f"{partner_name(partner)}: {'own records' if side == 'reporter' else 'partner records'}",
                        legendgroup=f"{partner}-{side}",
                        showlegend=i == 0,
                        line={"color": PARTNER_COLOURS[partner], "dash": SIDE_DASH[side], "width": 2},
                        marker={"symbol": SIDE_SYMBOL[side], "size": 4},
                        hovertext=_hover(full),
                        hoverinfo="text",
                    ),
                    row=row + 1,
                    col=col + 1,
                )
        for year in break_years(pd.concat([f[f["reporter"].eq(reporter)] for f in frames.values()])):
            mark_source_break(fig, year - 0.5, "2021+", row=row + 1, col=col + 1)
    fig.update_xaxes(tickformat="d")
    return _finish_grid(
        fig,
        title=title,
        subtitle=(
            f"Partner share of {FLOW_WORDS[flow]}, %. Solid: the state's own records over its world total; "
            "dashed: the partner's customs records over the same world total (can exceed 100%)"
        ),
        source=source,
        y_title="% of total trade",
        n_rows=n_rows,
    )


def combined_figure(
    combined: pd.DataFrame, *, reporters: Sequence[str], title: str, source: str, flow: str = "total"
) -> go.Figure:
    """Russia + China combined share per reporter; crosses mark years that mix sides."""
    n_rows, n_cols = _grid(len(reporters), 3)
    fig = make_subplots(
        rows=n_rows,
        cols=n_cols,
        subplot_titles=[country_name(r) for r in reporters],
        shared_xaxes=True,
        vertical_spacing=0.09,
        horizontal_spacing=0.06,
    )
    data = combined[combined["flow"].eq(flow)]
    years = list(range(int(data["year"].min()), int(data["year"].max()) + 1))
    for i, reporter in enumerate(reporters):
        row, col = divmod(i, n_cols)
        line = data[data["reporter"].eq(reporter)]
        full = _with_gaps(line, years)
        consistent = [bool(c) if not pd.isna(c) else True for c in full["consistent"].tolist()]
        pages = full["dataset"].eq("pages").tolist()
        hover = [
            ""
            if pd.isna(v)
            else f"<b>{html.escape(country_name(reporter))}</b><br>{int(y)}: Russia + China {v:,.1f}%"
            f"<br>Sides: {html.escape(str(s))}<br>{'one basis' if c else 'MIXED sides/sources'}"
            for y, v, s, c in zip(full["year"], full["share_pct"], full["side"], consistent, strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=full["year"],
                y=full["share_pct"].round(2),
                mode="lines+markers",
                name="Russia + China (cross: mixed sides)",
                legendgroup="rc",
                showlegend=i == 0,
                line={"color": PARTNER_COLOURS["RUS+CHN"], "width": 2},
                marker={
                    "symbol": ["circle" if c else "x" for c in consistent],
                    "size": [9 if not c else 7 if p else 3 for c, p in zip(consistent, pages, strict=True)],
                    "color": PARTNER_COLOURS["RUS+CHN"],
                },
                hovertext=hover,
                hoverinfo="text",
            ),
            row=row + 1,
            col=col + 1,
        )
        for year in break_years(line):
            mark_source_break(fig, year - 0.5, "2021+", row=row + 1, col=col + 1)
    fig.update_xaxes(tickformat="d")
    fig.update_yaxes(range=[0, 100])
    return _finish_grid(
        fig,
        title=title,
        subtitle=(
            f"Russia's plus China's share of {FLOW_WORDS[flow]}, % (series rule); crosses: the two shares "
            "come from different sides (e.g. China customs and a Russian statement); dotted line: source break"
        ),
        source=source,
        y_title="% of total trade",
        n_rows=n_rows,
    )


def hhi_figure(conc: pd.DataFrame, *, reporters: Sequence[str], title: str, source: str) -> go.Figure:
    """Herfindahl-Hirschman index of total trade per reporter (one panel for all; partner-neutral
    grey lines told apart by dash pattern and the legend)."""
    fig = go.Figure()
    data = conc[conc["flow"].eq("total")]
    years = list(range(int(data["year"].min()), int(data["year"].max()) + 1))
    dashes = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
    greys = ("#222222", "#555555", "#777777", "#999999", "#444444", "#666666")
    for k, reporter in enumerate(reporters):
        full = _with_gaps(data[data["reporter"].eq(reporter)], years)
        fig.add_trace(
            go.Scatter(
                x=full["year"],
                y=full["hhi"].round(0),
                mode="lines",
                name=country_name(reporter),
                line={"color": greys[k % len(greys)], "dash": dashes[k % len(dashes)], "width": 2},
                hovertemplate=f"{html.escape(country_name(reporter))} %{{x}}: HHI %{{y:,.0f}}<extra></extra>",
            )
        )
    fig.update_xaxes(tickformat="d")
    fig.update_yaxes(range=[0, 10_000], tickformat=",d")
    return _finish_grid(
        fig,
        title=title,
        subtitle=(
            "Herfindahl-Hirschman index of total trade over Russia, China, the US, the EU27, Türkiye and the rest "
            "of the world as ONE block (0-10,000; higher = more concentrated; missing where a partner is missing)"
        ),
        source=source,
        y_title="HHI (0-10,000)",
        n_rows=1,
        height=520,
    )


def _finish_grid(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str,
    source: str,
    y_title: str,
    n_rows: int,
    x_title: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """``finish`` with wrapped title/subtitle, a top margin that fits them, and the y title on
    the first column only."""
    title_w, subtitle_w = wrap(title, 95), wrap(subtitle, 135)
    title_lines, subtitle_lines = title_w.count("<br>") + 1, subtitle_w.count("<br>") + 1
    total_height = height or 300 * n_rows + 200
    finish(fig, title=title_w, subtitle=subtitle_w, source=source, height=total_height, x_title=x_title)
    # Title block pinned to the top; the plot area starts below it, with room for subplot titles.
    fig.update_layout(
        title={"y": 1 - 20 / total_height, "yanchor": "top", "yref": "container"},
        margin={"t": 20 + 24 * title_lines + 19 * subtitle_lines + 40},
    )
    if getattr(fig, "_grid_ref", None) is not None:
        fig.update_yaxes(title_text=y_title, col=1)
    else:
        fig.update_yaxes(title_text=y_title)
    return fig


# ---------------------------------------------------------------------------
# Titles and sentences computed from the data (so they stay true when the data change)


def _consistent_years(shares: pd.DataFrame, partners: Sequence[str], flow: str) -> pd.DataFrame:
    """Reporter-years where every partner has a share on one basis (one dataset; 2021+: one side,
    world total included)."""
    sub = shares[shares["flow"].eq(flow) & shares["partner"].isin(partners)]
    agg = sub.groupby(["reporter", "year"]).agg(
        n=("partner", "nunique"), ds=("dataset", "nunique"), first=("dataset", "first")
    )
    sides = pd.concat(
        [
            sub[["reporter", "year", "side"]],
            sub[["reporter", "year", "world_side"]].set_axis(["reporter", "year", "side"], axis=1),
        ]
    )
    agg["sides"] = sides.groupby(["reporter", "year"])["side"].nunique()
    ok = agg["n"].eq(len(set(partners))) & agg["ds"].eq(1) & (agg["sides"].eq(1) | agg["first"].eq("imf_dots"))
    keep = agg[ok].reset_index()[["reporter", "year"]]
    return sub.merge(keep, on=["reporter", "year"])


def latest_top_partner(shares: pd.DataFrame, flow: str, partners: Sequence[str]) -> pd.DataFrame:
    """Per reporter, the latest year where all partners have a share on one basis, and the top partner."""
    sub = _consistent_years(shares, partners, flow)
    last = sub.groupby("reporter")["year"].transform("max")
    sub = sub[sub["year"].eq(last)].sort_values(["reporter", "share_pct", "partner"], ascending=[True, False, True])
    return sub.groupby("reporter").head(1)[["reporter", "year", "partner", "share_pct"]].reset_index(drop=True)


def top_partner_title(shares: pd.DataFrame, flow: str, partners: Sequence[str]) -> str:
    """E.g. "Largest named partner in total trade (latest comparable year): China for KAZ, TKM; ..."."""
    top = latest_top_partner(shares, flow, partners)
    if top.empty:
        return f"No year with every partner's share of {flow} on one basis"
    groups = top.groupby("partner")["reporter"].agg(lambda r: ", ".join(sorted(r)))
    order = top["partner"].value_counts().sort_index().sort_values(ascending=False, kind="stable").index
    parts = [f"{partner_name(p)} for {groups[p]}" for p in order]
    word = "total trade" if flow == "total" else flow
    return f"Largest named partner in {word} (latest comparable year): " + "; ".join(parts)


def combined_title(at_years: pd.DataFrame) -> str:
    """Range of the Russia + China share across states in the latest consistent year."""
    vals = at_years["latest_pct"].dropna()
    if vals.empty:
        return "No Russia + China share on a consistent basis"
    return (
        f"Russia and China together: {vals.min():.0f}-{vals.max():.0f}% of each state's total trade "
        "in its latest comparable year"
    )


def region_title(region_shares: pd.DataFrame) -> str:
    """China's and Russia's share of CA5 total trade in the last regional year."""
    sub = region_shares[region_shares["flow"].eq("total") & region_shares["partner"].isin(["CHN", "RUS"])]
    both = sub.groupby("year")["partner"].nunique()
    years = both[both.eq(2)].index
    if len(years) == 0:
        return "No year with a CA5 value for both China and Russia"
    year = int(years.max())
    at = sub[sub["year"].eq(year)].set_index("partner")["share_pct"]
    lead = "China" if at["CHN"] > at["RUS"] else "Russia"
    return (
        f"Across the five states in {year}: China {at['CHN']:.1f}%, Russia {at['RUS']:.1f}% "
        f"of total trade ({lead} ahead)"
    )


def side_gap(reporter_shares: pd.DataFrame, mirror_shares: pd.DataFrame, partner: str = "CHN") -> pd.DataFrame:
    """Latest year per reporter with a partner share on both its own and the partner's records."""
    own = reporter_shares[reporter_shares["side"].eq("reporter")]
    other = mirror_shares[mirror_shares["side"].eq("mirror")]
    gap = own.merge(other, on=["reporter", "partner", "year", "flow"], suffixes=("_own", "_partner"))
    gap = gap[gap["partner"].eq(partner) & gap["flow"].eq("total")].sort_values(["reporter", "year"])
    gap = gap.groupby("reporter").tail(1).copy()
    gap["ratio"] = gap["share_pct_partner"] / gap["share_pct_own"].where(gap["share_pct_own"] > 0)
    return gap.reset_index(drop=True)


def side_title(gap: pd.DataFrame, partner: str = "CHN") -> str:
    """The largest own-vs-partner-records gap, stated."""
    known = gap[gap["ratio"].notna()]
    if known.empty:
        return f"No year with {partner_name(partner)}'s share on both sides"
    top = known.sort_values(["ratio", "reporter"], ascending=[False, True]).iloc[0]
    return (
        f"On {partner_name(partner)}'s records, its share of {country_name(top['reporter'])}'s trade in "
        f"{int(top['year'])} is {top['share_pct_partner']:.0f}%, against {top['share_pct_own']:.0f}% on "
        f"{country_name(top['reporter'])}'s own records"
    )


def flow_lines(shares: pd.DataFrame, flow: str, partners: Sequence[str] = ("RUS", "CHN")) -> list[str]:
    """One sentence per state: the partners' shares of a flow in its latest comparable year."""
    sub = _consistent_years(shares, partners, flow)
    last = sub.groupby("reporter")["year"].transform("max")
    sub = sub[sub["year"].eq(last)]
    lines = []
    for reporter, own in sub.groupby("reporter", sort=True):
        at = own.set_index("partner")["share_pct"]
        parts = ", ".join(f"{partner_name(p)} {at[p]:.1f}%" for p in partners)
        lines.append(f"{country_name(reporter)} {flow}, {int(own['year'].iloc[0])}: {parts}")
    return lines


def _pct(value: float) -> str:
    return "no value" if pd.isna(value) else f"{value:.1f}%"


def dependency_findings(
    at_years: pd.DataFrame, overtakes: pd.DataFrame, gap: pd.DataFrame, us_snapshot: pd.DataFrame
) -> list[str]:
    """The Key findings sentences of notebook 03, computed from the metric tables."""
    lines = []
    for r in at_years.itertuples():
        basis = "IMF DOTS" if r.latest_dataset == "imf_dots" else "national statistics"
        latest = "no value" if pd.isna(r.latest_year) else f"{_pct(r.latest_pct)} in {r.latest_year}"
        lines.append(
            f"{country_name(r.reporter)}: Russia + China {_pct(r.pct_2000)} of total trade in 2000, "
            f"{_pct(r.pct_2021)} in 2021, {latest} (latest comparable year; {basis}; {r.latest_side})."
        )
    total = overtakes[overtakes["flow"].eq("total")]
    done = total[total["overtake_year"].notna()].sort_values("reporter")
    not_yet = sorted(set(at_years["reporter"]) - set(done["reporter"]))
    text = "China overtook Russia for good in total trade (same-basis comparison): "
    text += "; ".join(f"{country_name(r.reporter)} {r.overtake_year}" for r in done.itertuples()) or "none"
    if not_yet:
        text += "; not on comparable data: " + ", ".join(country_name(r) for r in not_yet)
    lines.append(text + ".")
    known = gap[gap["ratio"].notna()].sort_values(["ratio", "reporter"], ascending=[False, True])
    if len(known):
        top = known.iloc[0]
        lines.append(
            f"Whose records matter: in {int(top['year'])} China's share of {country_name(top['reporter'])}'s trade is "
            f"{top['share_pct_own']:.1f}% on its own records but {top['share_pct_partner']:.1f}% on China's "
            "records (over the same world total)."
        )
    us = [
        f"{country_name(r.reporter)} {_pct(r.share_pct)} ({r.year})"
        if not pd.isna(r.share_pct)
        else f"{country_name(r.reporter)} no value"
        for r in us_snapshot.itertuples()
    ]
    lines.append("US share of total trade, latest comparable year: " + "; ".join(us) + ".")
    return lines


RATE_SYMBOLS = ("circle-open", "circle-open-dot", "circle")


def scenario_figure(
    panels: dict[str, pd.DataFrame],
    *,
    default_period: int,
    title: str,
    source: str,
) -> go.Figure:
    """Dot/range chart per state: baseline US share and the share under each realisation rate.

    ``panels`` maps a panel title to a :func:`helpers.scenarios.scenarios` frame. Each rate is a
    marker at ``default_period`` with a bar spanning the other default periods.
    """
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=list(panels), shared_yaxes=True)
    for j, (_, results) in enumerate(panels.items()):
        states = sorted(results["reporter"].unique())
        rates = sorted(results["rate"].unique())
        ypos = {s: i for i, s in enumerate(states)}
        base = results.groupby("reporter").first()
        known = base[base["baseline_share_pct"].notna()]
        fig.add_trace(
            go.Scatter(
                x=known["baseline_share_pct"].round(2),
                y=[ypos[s] - 0.3 for s in known.index],
                mode="markers",
                name="Observed (baseline year)",
                legendgroup="base",
                showlegend=j == 0,
                marker={"symbol": "diamond", "size": 10, "color": PARTNER_COLOURS["WLD"]},
                hovertext=[
                    f"<b>{html.escape(country_name(s))}</b><br>US share {v:,.2f}% in {y}"
                    for s, v, y in zip(known.index, known["baseline_share_pct"], known["baseline_year"], strict=True)
                ],
                hoverinfo="text",
            ),
            row=1,
            col=j + 1,
        )
        for k, rate in enumerate(rates):
            at = results[results["rate"].eq(rate)]
            mid = at[at["default_period"].eq(default_period)].set_index("reporter")
            span = at.groupby("reporter")["scenario_share_pct"].agg(["min", "max"])
            mid = mid[mid["scenario_share_pct"].notna()]
            offset = -0.1 + 0.2 * k
            fig.add_trace(
                go.Scatter(
                    x=mid["scenario_share_pct"].round(2),
                    y=[ypos[s] + offset for s in mid.index],
                    mode="markers",
                    name=f"{rate:.0%} realised",
                    legendgroup=f"rate{rate}",
                    showlegend=j == 0,
                    marker={"symbol": RATE_SYMBOLS[k % len(RATE_SYMBOLS)], "size": 10, "color": PARTNER_COLOURS["USA"]},
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": (span.loc[mid.index, "max"] - mid["scenario_share_pct"]).round(2).tolist(),
                        "arrayminus": (mid["scenario_share_pct"] - span.loc[mid.index, "min"]).round(2).tolist(),
                        "color": PARTNER_COLOURS["USA"],
                        "thickness": 1.5,
                        "width": 3,
                    },
                    hovertext=[
                        f"<b>{html.escape(country_name(s))}</b><br>{rate:.0%} realised: {v:,.2f}% "
                        f"({default_period}-year default)<br>range over default periods: "
                        f"{span.at[s, 'min']:,.2f}-{span.at[s, 'max']:,.2f}%<br>peak year {r.peak_year}, "
                        f"+US$ {r.added_usd_m:,.0f} m a year"
                        for s, v, r in zip(mid.index, mid["scenario_share_pct"], mid.itertuples(), strict=True)
                    ],
                    hoverinfo="text",
                ),
                row=1,
                col=j + 1,
            )
        fig.update_yaxes(tickvals=list(ypos.values()), ticktext=[country_name(s) for s in ypos], row=1, col=j + 1)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero")
    fig = _finish_grid(
        fig,
        title=title,
        subtitle=(
            f"US share of total trade, %: observed (diamond) and with announced deals added at each realisation "
            f"rate (marker: {default_period}-year default delivery period; bar: range over default periods)"
        ),
        source=source,
        y_title="",
        x_title="% of total trade",
        n_rows=1,
        height=600,
    )
    fig.update_layout(margin={"l": 120})
    return fig


def scenario_title(ranges: pd.DataFrame) -> str:
    """The largest scenario share and the state it belongs to."""
    known = ranges[ranges["high_pct"].notna()]
    if known.empty:
        return "No state has a US baseline to build a scenario on"
    top = known.sort_values(["high_pct", "reporter"], ascending=[False, True]).iloc[0]
    return (
        f"Deals would lift the US share most in {country_name(top['reporter'])}: up to {top['high_pct']:.0f}% "
        f"of total trade, from {top['baseline_share_pct']:.1f}%"
    )


def hhi_title(conc: pd.DataFrame) -> str:
    """Most and least concentrated state in each one's latest year with an HHI."""
    known = conc[conc["flow"].eq("total") & conc["hhi"].notna()].sort_values(["reporter", "year"])
    last = known.groupby("reporter").tail(1).sort_values(["hhi", "reporter"])
    if last.empty:
        return "No year with every partner's share: no concentration index"
    low, high = last.iloc[0], last.iloc[-1]
    return (
        f"Trade is most concentrated in {country_name(high['reporter'])} (HHI {high['hhi']:,.0f} in "
        f"{int(high['year'])}) and least in {country_name(low['reporter'])} ({low['hhi']:,.0f} in {int(low['year'])})"
    )
