"""Titles and findings of the deal follow-through notebook (06), every number computed from the data."""

from __future__ import annotations

import pandas as pd

from helpers.codes import country_name
from helpers.compute import follow_through as ft
from helpers.narrative.common import money


def answer(status: pd.DataFrame) -> str:
    """The one-line answer a year on: how much of the announced money is binding or further along.

    >>> frame = pd.DataFrame({"deal_id": ["a", "b"], "counted": [True, True], "confirmation": ["x", "x"],
    ...     "status": ["binding", "no news"], "value_usd_m": [1000.0, 3000.0], "n_after_summit": [1, 0],
    ...     "announced_after_summit": [False, False]})
    >>> answer(frame)
    'US$1.0 bn of US$4.0 bn announced (25%) is binding or further along a year on'
    """
    h = ft.headline(status)
    return (
        f"{money(h['firm_usd_m'])} of {money(h['announced_usd_m'])} announced ({h['firm_pct']:.0f}%) "
        "is binding or further along a year on"
    )


def status_title(status: pd.DataFrame) -> str:
    """Title of the status chart: the share of the announced money that is binding or further along."""
    h = ft.headline(status)
    return f"A year on, {h['firm_pct']:.0f}% of the {money(h['announced_usd_m'])} announced is binding or further along"


def timeline_title(status: pd.DataFrame, events: pd.DataFrame) -> str:
    """Title of the event timeline: how many deals moved after the summit, and how many only in words."""
    h = ft.headline(status)
    talks = len(ft.talks_only_after(events))
    return f"{h['n_after_summit']} of {len(status)} deals show a step after the summit; {talks} of them only talks"


def key_findings(status: pd.DataFrame, events: pd.DataFrame, claims: pd.DataFrame, effect: pd.DataFrame) -> list[str]:
    """Findings for notebook 06."""
    h = ft.headline(status)
    totals = ft.status_totals(status).set_index("status")
    lines = [
        f"{answer(status)[0].upper()}{answer(status)[1:]}: counting each deal once and leaving out unconfirmed "
        f"figures, {h['n_firm']} of {h['n_deals']} deals are under contract, delivering or operating.",
        "By status today: "
        + "; ".join(
            f"{name} {int(row.n_deals)} deal(s)" + ("" if pd.isna(row.value_usd_m) else f", {money(row.value_usd_m)}")
            for name, row in totals.iterrows()
        )
        + ".",
        f"{h['n_after_summit']} deal rows show a dated step after the summit ({h['n_announced_after']} more were "
        f"first announced after it); {h['n_no_news']} counted deals have had no public news at all.",
    ]
    moved = status[status["deal_id"].isin(ft.moved_after(events))]
    if len(moved):
        lines.append(
            "Moved to binding or beyond after the summit: "
            + "; ".join(f"{r.title} ({r.status})" for r in moved.itertuples())
            + "."
        )
    claims_today = ft.claim_status(claims, status)
    firm_claims = claims_today["status_today"].isin(ft.FIRM_STATUSES)
    lines.append(
        f"Of the brief's {len(claims_today)} claims, {int(firm_claims.sum())} rest on a deal that is binding or "
        "further along today; the others on deals with: "
        + ", ".join(sorted(set(claims_today.loc[~firm_claims, "status_today"])) or ["none"])
        + "."
    )
    known = effect.dropna(subset=["change_pp"])
    if len(known):
        top = known.sort_values(["change_pp", "reporter"], ascending=[False, True]).iloc[0]
        lines.append(
            f"Scheduled deliveries of firm purchases would add at most {top['change_pp']:.1f} percentage points "
            f"to the US share of {country_name(top['reporter'])}'s trade (in {int(top['year'])}, over its "
            f"{int(top['baseline_year'])} trade)."
        )
    return lines


def data_used(events: pd.DataFrame, checks: pd.DataFrame) -> list[str]:
    """Plain lines describing the follow-through tables (coverage from the data)."""
    later = events[events["event"].ne("announced")]
    return [
        f"Events: {len(events)} dated events of {events['deal_id'].nunique()} deals, "
        f"{events['event_date'].min():%Y-%m} to {events['event_date'].max():%Y-%m}; {len(later)} of them are "
        "steps after an announcement. Each event cites a source.",
        f"Checks: the last check of each of {len(checks)} deals for news, on "
        f"{checks['checked_on'].max():%Y-%m-%d}; silence is recorded as silence.",
        "Deals: counted once by the rule of the deal tracker; trade: the US share and world total "
        "the scheduled deliveries are added to.",
    ]
