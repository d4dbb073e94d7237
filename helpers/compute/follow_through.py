"""Deal follow-through a year on: each deal's status today, from its dated event history.

The status ladder (the first that applies, from a deal's events up to the check date):

1. ``cancelled``: a ``cancelled`` event.
2. ``superseded``: a ``superseded`` event (its money is counted, if at all, in the later deal).
3. ``in operation``: an ``in_operation`` event.
4. ``in delivery``: a ``first_delivery`` event.
5. ``stalled``: the latest event after the announcement is ``delayed`` or ``scaled_down``.
6. ``binding``: a ``contract_signed``, ``options_converted`` or ``financing_approved`` event, or a
   binding stage (contract, firm order, in progress) in the deal table.
7. ``moving, not binding``: another step after the announcement (an MoU or letter of interest
   signed, a scale-up).
8. ``talks only``: after the announcement only dated talks or restatements.
9. ``no news``: nothing after the announcement; the deal's last check says what was searched.

Money follows the deal table's one dedup rule (:func:`helpers.compute.rules.is_counted`): only
rows counted once are summed, at the value announced; a value stated at a later event is shown
beside it, never added to it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codes import BINDING_STAGES, UNCONFIRMED
from helpers.compute.rules import is_counted, require
from helpers.compute.scenarios import DEFAULT_PERIOD_YEARS, deal_schedule, scenario_share

CANCELLED, SUPERSEDED, IN_OPERATION, IN_DELIVERY = "cancelled", "superseded", "in operation", "in delivery"
STALLED, BINDING, MOVING, TALKS, NO_NEWS = "stalled", "binding", "moving, not binding", "talks only", "no news"
# Reading order of the statuses in tables and charts: furthest along first.
STATUS_ORDER = (IN_OPERATION, IN_DELIVERY, BINDING, MOVING, TALKS, NO_NEWS, STALLED, SUPERSEDED, CANCELLED)
FIRM_STATUSES = frozenset({IN_OPERATION, IN_DELIVERY, BINDING})
BINDING_EVENTS = frozenset({"contract_signed", "options_converted", "financing_approved"})
STALL_EVENTS = frozenset({"delayed", "scaled_down"})
TALK_EVENTS = frozenset({"talks_held", "reaffirmed"})


def status_of(kinds_in_date_order: list[str], binding_stage: bool) -> str:
    """The status of one deal from its event kinds (oldest first) and whether its stage is binding.

    >>> status_of(["announced"], False)
    'no news'
    >>> status_of(["announced", "mou_signed", "delayed"], True)
    'stalled'
    >>> status_of(["announced", "contract_signed", "first_delivery"], False)
    'in delivery'
    >>> status_of(["announced", "talks_held"], False)
    'talks only'
    """
    kinds = set(kinds_in_date_order)
    later = [kind for kind in kinds_in_date_order if kind != "announced"]
    if "cancelled" in kinds:
        return CANCELLED
    if "superseded" in kinds:
        return SUPERSEDED
    if "in_operation" in kinds:
        return IN_OPERATION
    if "first_delivery" in kinds:
        return IN_DELIVERY
    if later and later[-1] in STALL_EVENTS:
        return STALLED
    if binding_stage or kinds & BINDING_EVENTS:
        return BINDING
    if any(kind not in TALK_EVENTS for kind in later):
        return MOVING
    return TALKS if later else NO_NEWS


def deal_status(
    deals: pd.DataFrame, events: pd.DataFrame, checks: pd.DataFrame, summit: str = "2025-11-06"
) -> pd.DataFrame:
    """One row per deal: its status today, its latest event and what the last check found.

    Returns the deal columns ``deal_id, country, title, sector, us_party, stage, value_usd_m,
    confirmation`` plus ``counted`` (counted once in totals), ``status``, ``n_events``,
    ``n_after_summit`` (steps after the announcement dated after the summit),
    ``announced_after_summit``, ``last_event``, ``last_event_date``,
    ``latest_stated_usd_m`` (the value stated at the latest event that states one),
    ``checked_on``, ``finding``. Sorted by state, status order and deal id.
    """
    require(deals, ["deal_id", "country", "title", "stage", "value_usd_m", "confirmation"], "deals frame")
    require(events, ["deal_id", "event_date", "event", "value_usd_m"], "events frame")
    require(checks, ["deal_id", "checked_on", "finding"], "checks frame")
    ordered = events.sort_values(["deal_id", "event_date"], kind="stable")
    by_deal = {deal_id: group for deal_id, group in ordered.groupby("deal_id", sort=False)}
    summit_day = pd.Timestamp(summit)
    check = checks.set_index("deal_id")
    records = []
    for row in deals.itertuples(index=False):
        own = by_deal.get(row.deal_id, ordered.iloc[:0])
        stated = own["value_usd_m"].dropna()
        last = own.iloc[-1] if len(own) else None
        records.append(
            {
                "deal_id": row.deal_id,
                "status": status_of(own["event"].tolist(), row.stage in BINDING_STAGES),
                "n_events": len(own),
                "n_after_summit": int((own["event_date"].gt(summit_day) & own["event"].ne("announced")).sum()),
                "announced_after_summit": bool((own["event_date"].gt(summit_day) & own["event"].eq("announced")).any()),
                "last_event": None if last is None else last["event"],
                "last_event_date": pd.NaT if last is None else last["event_date"],
                "latest_stated_usd_m": float(stated.iloc[-1]) if len(stated) else np.nan,
                "checked_on": check["checked_on"].get(row.deal_id, pd.NaT),
                "finding": check["finding"].get(row.deal_id, ""),
            }
        )
    status = pd.DataFrame.from_records(records)
    keep = ["deal_id", "country", "title", "sector", "us_party", "stage", "value_usd_m", "confirmation"]
    out = deals[[c for c in keep if c in deals.columns]].assign(counted=is_counted(deals).to_numpy())
    out = out.merge(status, on="deal_id", how="left")
    out["_order"] = out["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})
    out = out.sort_values(["country", "_order", "deal_id"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


def moved_after(events: pd.DataFrame, summit: str = "2025-11-06") -> list[str]:
    """Deals with a binding, delivery or operation event dated after the summit (sorted ids)."""
    steps = BINDING_EVENTS | {"first_delivery", "in_operation"}
    after = events[events["event_date"].gt(pd.Timestamp(summit)) & events["event"].isin(steps)]
    return sorted(set(after["deal_id"]))


def talks_only_after(events: pd.DataFrame, summit: str = "2025-11-06") -> list[str]:
    """Deals whose every step after the summit is a talk or a restatement (sorted ids)."""
    after = events[events["event_date"].gt(pd.Timestamp(summit)) & events["event"].ne("announced")]
    kinds = after.groupby("deal_id")["event"].agg(set)
    return sorted(deal for deal, found in kinds.items() if found <= TALK_EVENTS)


def status_totals(status: pd.DataFrame, by: str | None = None, include_unconfirmed: bool = False) -> pd.DataFrame:
    """Counted deals and their announced value (US$ m) per status (and per ``by`` group).

    Only rows counted once (the dedup rule) are summed; unconfirmed rows are left out unless
    ``include_unconfirmed``. A group whose counted deals state no value has a missing total
    (never 0). Rows come in :data:`STATUS_ORDER`.
    """
    rows = status[status["counted"]]
    if not include_unconfirmed:
        rows = rows[rows["confirmation"].ne(UNCONFIRMED)]
    keys = ["status"] if by is None else [by, "status"]
    out = rows.groupby(keys, sort=False).agg(
        n_deals=("deal_id", "size"), value_usd_m=("value_usd_m", lambda v: v.sum(min_count=1))
    )
    out = out.reset_index()
    out["_order"] = out["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})
    sort = ["_order"] if by is None else [by, "_order"]
    return out.sort_values(sort, kind="stable").drop(columns="_order").reset_index(drop=True)


def headline(status: pd.DataFrame) -> dict[str, float | int]:
    """The answer a year on: announced and firm value (US$ m) of counted confirmed deals, and counts.

    Keys: ``announced_usd_m`` (counted, confirmed, valued), ``firm_usd_m`` (of which binding, in
    delivery or in operation), ``firm_pct``, ``no_news_usd_m``, ``n_deals``, ``n_firm``,
    ``n_after_summit`` (deals with a step dated after the summit), ``n_announced_after`` (deals
    first announced after the summit), ``n_no_news``.
    """
    rows = status[status["counted"] & status["confirmation"].ne(UNCONFIRMED)]
    firm = rows["status"].isin(FIRM_STATUSES)
    announced = float(rows["value_usd_m"].sum())
    firm_value = float(rows.loc[firm, "value_usd_m"].sum())
    return {
        "announced_usd_m": announced,
        "firm_usd_m": firm_value,
        "firm_pct": 100 * firm_value / announced if announced > 0 else np.nan,
        "no_news_usd_m": float(rows.loc[rows["status"].eq(NO_NEWS), "value_usd_m"].sum()),
        "n_deals": len(rows),
        "n_firm": int(firm.sum()),
        "n_after_summit": int(status["n_after_summit"].gt(0).sum()),
        "n_announced_after": int(status["announced_after_summit"].sum()),
        "n_no_news": int(rows["status"].eq(NO_NEWS).sum()),
    }


def claim_status(claims: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """Each brief claim with the status today of the deals it rests on (furthest along first)."""
    require(claims, ["claim_id", "claim", "country", "deal_ids", "verdict"], "claims frame")
    by_id = status.set_index("deal_id")
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    found = [[i for i in ids if i in by_id.index] for ids in claims["deal_ids"]]
    out = claims[["claim_id", "country", "claim", "verdict"]].copy()
    out["status_today"] = [
        min((by_id.at[i, "status"] for i in ids), key=order.get, default=NO_NEWS) for ids in found
    ]
    out["deals"] = ["; ".join(f"{by_id.at[i, 'title']} ({by_id.at[i, 'status']})" for i in ids) for ids in found]
    return out.sort_values(["country", "claim_id"], kind="stable").reset_index(drop=True)


def delivery_effect(
    deals: pd.DataFrame, status: pd.DataFrame, baseline: pd.DataFrame, default_period: int = DEFAULT_PERIOD_YEARS
) -> pd.DataFrame:
    """What the firm purchase deals with a stated delivery start add to the US share, year by year.

    Deals count when they are counted once, confirmed, purchase orders, binding or further along
    a year on, and state a first delivery year; their value is spread over the delivery years
    (:func:`helpers.compute.scenarios.deal_schedule`). Each year's deliveries are added to the US
    figure and the world total of the state's baseline (the latest US share on the same records,
    :func:`helpers.compute.scenarios.baseline_us`), all other trade held there: a what-if, not a
    forecast. Returns one row per state and delivery year: ``added_usd_m``, ``n_deals``,
    ``baseline_year``, ``baseline_share_pct``, ``share_with_deliveries_pct``, ``change_pp``
    (missing with ``reason`` where the state has no baseline).
    """
    firm = set(status.loc[status["status"].isin(FIRM_STATUSES), "deal_id"])
    scheduled = deals[deals["deal_id"].isin(firm) & deals["delivery_start_year"].notna()]
    schedule = deal_schedule(scheduled, default_period)
    columns = ["reporter", "year", "added_usd_m", "n_deals", "baseline_year", "baseline_share_pct"]
    if schedule.empty:
        return pd.DataFrame(columns=[*columns, "share_with_deliveries_pct", "change_pp", "reason"])
    per_year = schedule.groupby(["country", "year"], as_index=False).agg(
        added_usd_m=("annual_usd_m", "sum"), n_deals=("deal_id", "nunique")
    )
    base = baseline.set_index("reporter")
    records = []
    for row in per_year.itertuples(index=False):
        b = base.loc[row.country] if row.country in base.index else None
        has_base = b is not None and not pd.isna(b["year"])
        share = scenario_share(b["us_usd_m"], b["world_usd_m"], row.added_usd_m) if has_base else np.nan
        records.append(
            {
                "reporter": row.country,
                "year": int(row.year),
                "added_usd_m": float(row.added_usd_m),
                "n_deals": int(row.n_deals),
                "baseline_year": b["year"] if has_base else pd.NA,
                "baseline_share_pct": float(b["us_share_pct"]) if has_base else np.nan,
                "share_with_deliveries_pct": share,
                "change_pp": share - float(b["us_share_pct"]) if has_base else np.nan,
                "reason": "" if has_base else "no US share on the same records to add the deliveries to",
            }
        )
    out = pd.DataFrame.from_records(records)
    out["baseline_year"] = out["baseline_year"].astype("Int64")
    return out.sort_values(["reporter", "year"], kind="stable").reset_index(drop=True)
