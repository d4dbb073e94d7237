"""Titles and sentences of the dependency-shift notebook (03) and its charts, computed from the data."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from helpers.codes import DATASET_NAMES, PARTNERS, country_name, partner_name
from helpers.compute.snapshots import latest_comparable, latest_hhi, latest_top_partner, stale_latest
from helpers.narrative.common import number_word, top_row
from helpers.text import capital, name_list, pct, year_span


def top_partner_title(shares: pd.DataFrame, flow: str, partners: Sequence[str]) -> str:
    """E.g. "Largest named partner in total trade: China in two states, EU27 in one, Russia in one" (each
    state's latest year with every partner on the same records); which state, and which year, is
    :func:`top_partner_detail`, for the subtitle. One state: "China was Kazakhstan's largest ... in 2023"."""
    top = latest_top_partner(shares, flow, partners)
    word = "total trade" if flow == "total" else flow
    if top.empty:
        return f"No current year with every partner's share of {word} on the same records"
    if len(top) == 1:
        row = top.iloc[0]
        name = country_name(row["reporter"])
        return f"{partner_name(row['partner'])} was {name}'s largest named partner in {word} in {row['year']}"
    counts = top["partner"].value_counts().sort_index().sort_values(ascending=False, kind="stable")
    parts = [f"{partner_name(p)} in {number_word(int(n))}" for p, n in counts.items()]
    parts[0] += " states" if counts.iloc[0] > 1 else " state"
    return f"Largest named partner in {word}: " + ", ".join(parts)


def top_partner_detail(shares: pd.DataFrame, flow: str, partners: Sequence[str]) -> str:
    """Which partner leads in which state and year, e.g. "China for Kyrgyzstan (2023), Uzbekistan (2023);
    EU27 for Kazakhstan (2023); no current year for Turkmenistan (its own records end in 2003).", or ""
    for one state without a stale one."""
    top = latest_top_partner(shares, flow, partners)
    stale = stale_latest(shares, partners, flow)
    parts = []
    if len(top) > 1:
        top = top.assign(named=[f"{country_name(r)} ({y})" for r, y in zip(top["reporter"], top["year"], strict=True)])
        groups = top.sort_values("reporter").groupby("partner")["named"].agg(", ".join)
        order = top["partner"].value_counts().sort_index().sort_values(ascending=False, kind="stable").index
        parts = [f"{partner_name(p)} for {groups[p]}" for p in order]
    ended = [f"{country_name(r.reporter)} (its own records end in {r.year})" for r in stale.itertuples()]
    if ended:
        parts.append(f"no current year for {name_list(ended)}")
    return capital("; ".join(parts)) + "." if parts else ""


def combined_title(at_years: pd.DataFrame) -> str:
    """Range of the Russia + China share across states in their latest year on the same records."""
    vals = at_years["latest_pct"].dropna() if len(at_years) else pd.Series(dtype=float)
    if vals.empty:
        return "No Russia + China share on the same records"
    if at_years.dropna(subset=["latest_pct"])["reporter"].nunique() == 1:
        row = at_years.dropna(subset=["latest_pct"]).iloc[0]
        return (
            f"Russia and China together: {row['latest_pct']:.0f}% of {country_name(row['reporter'])}'s total trade "
            f"in {row['latest_year']}"
        )
    return (
        f"Russia and China together: {vals.min():.0f}-{vals.max():.0f}% of each state's total trade "
        "in its latest comparable year"
    )


def region_title(region_shares: pd.DataFrame, members: Sequence[str]) -> str:
    """China's and Russia's share of the member states' total trade: first and last regional year."""
    sub = region_shares[region_shares["flow"].eq("total") & region_shares["partner"].isin(["CHN", "RUS"])]
    both = sub.groupby("year")["partner"].nunique()
    years = both[both.eq(2)].index
    if len(years) == 0:
        return "No year with a regional value for both China and Russia on the same records"
    first, last = int(years.min()), int(years.max())
    at = sub.set_index(["year", "partner"])["share_pct"]
    return (
        f"{capital(number_word(len(members)))} states together, {first} to {last}: China {at[(first, 'CHN')]:.1f}% "
        f"to {at[(last, 'CHN')]:.1f}%, Russia {at[(first, 'RUS')]:.1f}% to {at[(last, 'RUS')]:.1f}% of total trade"
    )


def latest_ratios(ratios: pd.DataFrame, partner: str = "CHN", flow: str = "total") -> pd.DataFrame:
    """Latest year per reporter with both records of its trade with ``partner``."""
    rows = ratios[ratios["partner"].eq(partner) & ratios["flow"].eq(flow) & ratios["ratio"].notna()]
    return rows.sort_values(["reporter", "year"]).groupby("reporter").tail(1).reset_index(drop=True)


def ratio_title(ratios: pd.DataFrame, partner: str = "CHN") -> str:
    """The largest gap between the partner's and the state's own records, as a ratio."""
    latest = latest_ratios(ratios, partner)
    if latest.empty:
        return f"No year with both records of trade with {partner_name(partner)}"
    top = top_row(latest, "ratio")
    return (
        f"{partner_name(partner)} records {top['ratio']:.1f} times the trade {country_name(top['reporter'])} "
        f"records with it ({int(top['year'])})"
    )


def flow_lines(
    shares: pd.DataFrame, flow: str, partners: Sequence[str] = ("RUS", "CHN"), shown: Sequence[str] = PARTNERS
) -> list[str]:
    """One sentence per state: the partners' shares of a flow in its latest year for the partners
    ``shown`` in the charts (the one latest-year rule)."""
    lines = []
    latest = latest_comparable(shares, shown, flow)
    for reporter, own in latest[latest["partner"].isin(partners)].groupby("reporter", sort=True):
        at = own.set_index("partner")["share_pct"]
        parts = ", ".join(f"{partner_name(p)} {at[p]:.1f}%" for p in partners)
        lines.append(f"{country_name(reporter)} {flow}, {int(own['year'].iloc[0])}: {parts}")
    return lines


def hhi_title(conc: pd.DataFrame) -> str:
    """Most and least concentrated state in each one's latest year with an HHI."""
    last = latest_hhi(conc).sort_values(["hhi", "reporter"])
    if last.empty:
        return "No year with every partner's share on the same records: no concentration index"
    low, high = last.iloc[0], last.iloc[-1]
    if len(last) == 1:
        return f"Concentration of {country_name(high['reporter'])}'s trade: HHI {high['hhi']:,.0f} in {high['year']}"
    return (
        f"Trade is most concentrated in {country_name(high['reporter'])} (HHI {high['hhi']:,.0f} in "
        f"{int(high['year'])}) and least in {country_name(low['reporter'])} ({low['hhi']:,.0f} in {int(low['year'])})"
    )


def hhi_lines(conc: pd.DataFrame) -> list[str]:
    """One sentence per state: its latest HHI and the rest-of-world block."""
    return [
        f"{country_name(r.reporter)}: HHI {r.hhi:,.0f} in {r.year} (rest of world {r.rest_pct:.1f}% as one block)"
        for r in latest_hhi(conc).itertuples()
    ]


def dependency_findings(
    at_years: pd.DataFrame,
    overtakes: pd.DataFrame,
    ratios: pd.DataFrame,
    us_snapshot: pd.DataFrame,
    own_records_notes: Sequence[str | None] | None = None,
) -> list[str]:
    """The Key findings sentences of notebook 03, computed from the metric tables; ``own_records_notes``
    (:func:`helpers.narrative.common.own_records_note` per state) close them."""
    lines = []
    for r in at_years.itertuples():
        latest = "no value" if pd.isna(r.latest_year) else f"{pct(r.latest_pct)} in {r.latest_year} ({r.latest_label})"
        if not pd.isna(getattr(r, "own_records_end", pd.NA)):
            latest = f"no current value (its own records with every partner stop in {r.own_records_end})"
        lines.append(
            f"{country_name(r.reporter)}: Russia + China share of total trade {pct(r.pct_2000)} in 2000, "
            f"{pct(r.pct_2021)} in 2021, {latest}."
        )
    total = overtakes[overtakes["flow"].eq("total")]
    done = total[total["overtake_year"].notna()].sort_values("reporter")
    not_yet = sorted(set(at_years["reporter"]) - set(done["reporter"]))
    text = "China ahead of Russia in total trade in every year compared since (values from the same records): "
    text += (
        "; ".join(
            f"{country_name(r.reporter)} {r.overtake_year} (to {r.last_compared_year}, {r.records})"
            for r in done.itertuples()
        )
        or "none"
    )
    if not_yet:
        text += "; not on comparable data: " + ", ".join(country_name(r) for r in not_yet)
    lines.append(text + ".")
    latest = latest_ratios(ratios).sort_values(["ratio", "reporter"], ascending=[False, True])
    if len(latest):
        top = latest.iloc[0]
        lines.append(
            f"Whose records matter: in {int(top['year'])} China records {top['ratio']:.1f} times the trade "
            f"{country_name(top['reporter'])} records with China (US$ {top['partner_usd_m']:,.0f} m against "
            f"US$ {top['own_usd_m']:,.0f} m)."
        )
    us = [
        f"{country_name(r.reporter)} {pct(r.share_pct)} ({r.year})"
        if not pd.isna(r.share_pct)
        else f"{country_name(r.reporter)} no value"
        for r in us_snapshot.itertuples()
    ]
    lines.append("US share of total trade, latest year on the same records: " + "; ".join(us) + ".")
    return lines + [n for n in own_records_notes or [] if n]


def data_used(trade: pd.DataFrame, coverage: pd.DataFrame) -> list[str]:
    """Plain-text lines on the trade data behind the notebook (coverage computed from the data)."""
    years = trade["year"].astype("int64")
    lines = [
        (
            f"Trade: {len(trade):,} rows, {years.min()}-{years.max()}: IMF Direction of Trade Statistics "
            "(DOTS) 1992-2020, both the state's own and its partners' records, then national statistics, partner "
            "customs records and officials' statements; each row names its source. US$ values only."
        ),
        (
            "One value per state, partner, year and flow is chosen by a documented rule; a share divides a "
            "partner value by a world total from the same records, and a line breaks where the records change."
        ),
    ]
    for dataset, rows in coverage.groupby("dataset", sort=True):
        states = ", ".join(country_name(c) for c in sorted(rows["reporter"]))
        span = year_span(rows["first"].min(), rows["last"].max())
        lines.append(f"{capital(DATASET_NAMES.get(dataset, dataset))}: {span} ({states}).")
    return lines
