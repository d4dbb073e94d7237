"""Deal monitoring: which deals moved up a stage since the summit, which are overdue, what is new.

The stage ladder (furthest last): ``announced`` -> ``MoU or letter of interest`` -> ``definitive
agreement`` -> ``financing approved`` -> ``delivering`` -> ``operating``. A deal's stage at a date is
the furthest rung among its events up to that date (:data:`EVENT_RUNG`) and, for the stage at the
summit, the rung of its stage in the deal table (:data:`STAGE_RUNG`), unless that stage is binding and
a binding step after the summit reached it (the table records the furthest stage reached, so Air
Astana's "contract" comes from its definitive agreement of Feb 2026, not from the summit).
Talks, restatements, scale changes and targets are news, not steps. An umbrella deal takes the
furthest stage of its parts (rows that point to it as ``part_of_umbrella``), and their news.

Each deal falls in one movement class, the first that applies (:data:`MOVEMENT_ORDER`):

1. ``new since the summit``: announced after the summit visit (more than :data:`SUMMIT_DAYS` days
   after the summit day; signings during the visit belong to the summit).
2. ``moved up since the summit``: a step to a higher rung dated after the summit (a step known only
   ``by`` a source's date counts, and says so).
3. ``binding when signed``: definitive agreement or further at the summit, no step up since.
4. ``news, no step up``: dated news after the summit (talks, restatements, a non-binding step on
   the same rung), no step up.
5. ``no public news``: nothing dated after the summit; the last check says when it was searched.

Flags beside the class: ``overdue`` (a party set a date for a step, :func:`overdue`, and it passed
without the step), ``delayed``, ``scaled down``, ``cancelled``, ``superseded``. Nothing is called
stalled without a source. Money follows the deal table's dedup rule
(:func:`helpers.compute.rules.is_counted`), at the value announced; a value stated later is shown
beside it, never added.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codes import UNCONFIRMED, words
from helpers.compute.rules import SUMMIT, is_counted, require
from helpers.compute.scenarios import DEFAULT_PERIOD_YEARS, deal_schedule, scenario_share
from helpers.text import day

LADDER = (
    "announced",
    "MoU or letter of interest",
    "definitive agreement",
    "financing approved",
    "delivering",
    "operating",
)
BINDING_RUNG = 2
STAGE_RUNG = {"intent": 0, "announced": 0, "mou": 1, "loi": 1, "agreement": 1, "contract": 2, "firm_order": 2,
              "in_progress": 4}  # fmt: skip
EVENT_RUNG = {"announced": 0, "mou_signed": 1, "loi_issued": 1, "contract_signed": 2, "options_converted": 2,
              "financing_approved": 3, "first_delivery": 4, "in_operation": 5}  # fmt: skip
FLAG_EVENTS = {"cancelled": "cancelled", "superseded": "superseded", "scaled_down": "scaled down", "delayed": "delayed"}
TARGET = "target_set"
UMBRELLA = "part_of_umbrella"
NEW, MOVED, BINDING, NEWS, SILENT = (
    "new since the summit",
    "moved up since the summit",
    "binding when signed, no step up since",
    "news, no step up",
    "no public news since the summit",
)
MOVEMENT_ORDER = (NEW, MOVED, BINDING, NEWS, SILENT)
OVERDUE = "overdue"
SUMMIT_DAYS = 3


def rung_of(events: pd.DataFrame) -> pd.Series:
    """The ladder rung each event reaches (missing for news: talks, restatements, scale changes, targets)."""
    return events["event"].map(EVENT_RUNG)


def _parts(deals: pd.DataFrame) -> dict[str, list[str]]:
    """Umbrella deal id -> the ids of its parts."""
    rows = deals[deals["overlap_type"].eq(UMBRELLA)] if "overlap_type" in deals else deals.iloc[:0]
    return {k: sorted(g["deal_id"]) for k, g in rows.groupby("overlaps_deal_id")}


def _movement(own: pd.DataFrame, stage_rung: int, summit: pd.Timestamp) -> dict[str, object]:
    """Stage at the summit and now, and the first step up after the summit, from one deal's events."""
    rungs = rung_of(own)
    before = rungs[own["event_date"].le(summit)]
    after = own[own["event_date"].gt(summit) & rungs.notna()]
    reached_after = rungs[after.index].max() if len(after) else np.nan
    at_summit = before.max() if len(before) else 0
    raised_by_later_step = stage_rung >= BINDING_RUNG and rungs[after.index].eq(stage_rung).any()
    if not raised_by_later_step:
        at_summit = max(at_summit, stage_rung)
    now = int(max(at_summit, 0 if pd.isna(reached_after) else reached_after))
    up = after[rungs[after.index].gt(at_summit)]
    first = up.iloc[0] if len(up) else None
    binding_step = up[rungs[up.index].ge(BINDING_RUNG)]
    return {
        "rung_at_summit": int(at_summit),
        "rung_now": now,
        "moved_on": pd.NaT if first is None else first["event_date"],
        "moved_by": False if first is None else first["date_precision"] == "by",
        "became_binding_after": at_summit < BINDING_RUNG and len(binding_step) > 0,
    }


def overdue(events: pd.DataFrame, as_of: object) -> pd.DataFrame:
    """Targets a party set whose date passed by ``as_of`` without the step (or a further one).

    Returns ``deal_id, target_event, target_date, stated_on, source_id`` for each such target.
    """
    require(events, ["deal_id", "event", "event_date", "target_event", "target_date", "source_id"], "events frame")
    as_of = pd.Timestamp(as_of)
    targets = events[events["event"].eq(TARGET) & events["target_date"].lt(as_of)]
    rungs = rung_of(events)
    late = []
    for row in targets.itertuples():
        own = events["deal_id"].eq(row.deal_id) & events["event_date"].le(as_of)
        if not (rungs[own] >= EVENT_RUNG[row.target_event]).any():
            late.append(row.Index)
    out = targets.loc[late, ["deal_id", "target_event", "target_date", "event_date", "source_id"]]
    return out.rename(columns={"event_date": "stated_on"}).reset_index(drop=True)


def latest_checks(checks: pd.DataFrame) -> pd.DataFrame:
    """The latest check of each deal (one row per deal)."""
    require(checks, ["deal_id", "checked_on", "finding"], "checks frame")
    return checks.sort_values(["deal_id", "checked_on"], kind="stable").groupby("deal_id").tail(1)


def check_dates(checks: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp | None]:
    """The latest check date and the one before it (``None`` when there was only one check)."""
    dates = sorted(pd.to_datetime(checks["checked_on"]).unique())
    return pd.Timestamp(dates[-1]), (pd.Timestamp(dates[-2]) if len(dates) > 1 else None)


def deal_status(
    deals: pd.DataFrame, events: pd.DataFrame, checks: pd.DataFrame, summit: str = SUMMIT
) -> pd.DataFrame:
    """One row per deal: stage at the summit and now, movement class, flag, latest news and check.

    Returns the deal columns ``deal_id, country, title, sector, us_party, stage, value_usd_m,
    value_measure, confirmation`` plus ``counted``, ``stage_at_summit`` (empty for deals announced
    after it), ``stage_now``, ``firm`` (definitive agreement or further), ``movement`` (see
    :data:`MOVEMENT_ORDER`), ``moved_on``, ``moved_by`` (the step is known only by a source's date),
    ``became_binding_after``, ``flag`` (``overdue``, ``delayed``, ... or empty), ``target``
    (the passed target in words), ``parts`` (an umbrella's parts, rolled up), ``n_events``,
    ``n_after_summit`` (news or steps dated after the summit, parts included),
    ``announced_after_summit``, ``last_event``, ``last_event_date``, ``latest_stated_usd_m``,
    ``checked_on``, ``finding``. Sorted by state, movement order and deal id.
    """
    require(deals, ["deal_id", "country", "title", "stage", "value_usd_m", "confirmation"], "deals frame")
    require(events, ["deal_id", "event_date", "event", "value_usd_m", "date_precision"], "events frame")
    summit_day = pd.Timestamp(summit)
    ordered = events.sort_values(["deal_id", "event_date"], kind="stable")
    by_deal = {deal_id: group for deal_id, group in ordered.groupby("deal_id", sort=False)}
    empty = ordered.iloc[:0]
    check = latest_checks(checks).set_index("deal_id")
    as_of, _ = check_dates(checks)
    late = overdue(events, as_of).drop_duplicates("deal_id", keep="last").set_index("deal_id")
    parts = _parts(deals)
    stage_rungs = deals.set_index("deal_id")["stage"].map(STAGE_RUNG)
    own_move = {d: _movement(by_deal.get(d, empty), int(stage_rungs[d]), summit_day) for d in deals["deal_id"]}
    records = []
    for row in deals.itertuples(index=False):
        own = by_deal.get(row.deal_id, empty)
        family = pd.concat([own, *(by_deal.get(p, empty) for p in parts.get(row.deal_id, []))])
        moves = [own_move[row.deal_id], *(own_move[p] for p in parts.get(row.deal_id, []))]
        visit_end = summit_day + pd.Timedelta(days=SUMMIT_DAYS)
        announced_after = bool((own["event_date"].gt(visit_end) & own["event"].eq("announced")).any())
        at_summit = max(m["rung_at_summit"] for m in moves)
        now = max(m["rung_now"] for m in moves)
        steps = [m for m in moves if m["rung_now"] > at_summit and not pd.isna(m["moved_on"])]
        first = min(steps, key=lambda m: m["moved_on"]) if steps else None
        after = family[family["event_date"].gt(summit_day) & family["event"].ne("announced")]
        if announced_after:
            movement = NEW
        elif first is not None:
            movement = MOVED
        elif at_summit >= BINDING_RUNG:
            movement = BINDING
        else:
            movement = NEWS if len(after) else SILENT
        flags = [FLAG_EVENTS[e] for e in own["event"] if e in FLAG_EVENTS]
        flag = OVERDUE if row.deal_id in late.index else (flags[-1] if flags else "")
        target = ""
        if row.deal_id in late.index:
            t = late.loc[row.deal_id]
            target = f"{words(t['target_event'])} by {day(t['target_date'])} (stated {day(t['stated_on'])})"
        stated = own["value_usd_m"].dropna()
        last = own.iloc[-1] if len(own) else None
        records.append(
            {
                "deal_id": row.deal_id,
                "stage_at_summit": "" if announced_after else LADDER[at_summit],
                "stage_now": LADDER[now],
                "firm": now >= BINDING_RUNG,
                "movement": movement,
                "moved_on": pd.NaT if first is None else first["moved_on"],
                "moved_by": False if first is None else bool(first["moved_by"]),
                "became_binding_after": movement == MOVED and at_summit < BINDING_RUNG <= now,
                "flag": flag,
                "target": target,
                "parts": len(parts.get(row.deal_id, [])),
                "n_events": len(own),
                "n_after_summit": len(after),
                "announced_after_summit": announced_after,
                "last_event": None if last is None else last["event"],
                "last_event_date": pd.NaT if last is None else last["event_date"],
                "latest_stated_usd_m": float(stated.iloc[-1]) if len(stated) else np.nan,
                "checked_on": check["checked_on"].get(row.deal_id, pd.NaT),
                "finding": check["finding"].get(row.deal_id, ""),
            }
        )
    status = pd.DataFrame.from_records(records)
    keep = ["deal_id", "country", "title", "sector", "us_party", "stage", "value_usd_m", "value_measure",
            "confirmation"]  # fmt: skip
    out = deals[[c for c in keep if c in deals.columns]].assign(counted=is_counted(deals).to_numpy())
    out = out.merge(status, on="deal_id", how="left")
    out["_order"] = out["movement"].map({s: i for i, s in enumerate(MOVEMENT_ORDER)})
    out = out.sort_values(["country", "_order", "deal_id"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)


def moved_after(status: pd.DataFrame, date: str = SUMMIT) -> list[str]:
    """Deals that became binding (definitive agreement or further) after ``date`` (sorted ids).

    A deal that was already binding and moved further (financing, delivery) is not in the list.
    """
    rows = status[status["became_binding_after"] & status["moved_on"].gt(pd.Timestamp(date))]
    return sorted(rows["deal_id"])


def counted_confirmed(status: pd.DataFrame) -> pd.DataFrame:
    """The rows headline money sums: counted once and not unconfirmed."""
    return status[status["counted"] & status["confirmation"].ne(UNCONFIRMED)]


def status_totals(status: pd.DataFrame, by: str | None = None, include_unconfirmed: bool = False) -> pd.DataFrame:
    """Counted deals and their announced value (US$ m) per movement class (and per ``by`` group).

    Only rows counted once are summed; unconfirmed rows are left out unless ``include_unconfirmed``.
    A group whose counted deals state no value has a missing total (never 0). Rows come in
    :data:`MOVEMENT_ORDER`.
    """
    rows = status[status["counted"]] if include_unconfirmed else counted_confirmed(status)
    keys = ["movement"] if by is None else [by, "movement"]
    out = rows.groupby(keys, sort=False).agg(
        n_deals=("deal_id", "size"), value_usd_m=("value_usd_m", lambda v: v.sum(min_count=1))
    )
    out = out.reset_index()
    out["_order"] = out["movement"].map({s: i for i, s in enumerate(MOVEMENT_ORDER)})
    sort = ["_order"] if by is None else [by, "_order"]
    return out.sort_values(sort, kind="stable").drop(columns="_order").reset_index(drop=True)


def headline(status: pd.DataFrame) -> dict[str, float | int]:
    """The monitoring answer: money (US$ m) and deals per movement class, counted once and confirmed.

    Keys: ``announced_usd_m`` and ``n_deals`` (all counted, confirmed rows); ``moved_usd_m``,
    ``n_moved``, ``n_moved_by`` (moves known only by a source's date), ``n_became_binding``,
    ``became_binding_usd_m``; ``binding_at_signing_usd_m``, ``n_binding_at_signing`` (binding when
    signed, whether or not it moved further); ``binding_usd_m``, ``n_binding`` (binding when signed,
    no step up since);
    ``news_usd_m``, ``n_news``; ``silent_usd_m``, ``n_silent``; ``new_usd_m``, ``n_new``;
    ``n_overdue`` (every deal row with a passed target); ``n_after_summit`` (deal rows with dated news
    or a step after the summit); ``n_announced_after``.
    """
    rows = counted_confirmed(status)

    def part(kind: str) -> pd.DataFrame:
        return rows[rows["movement"].eq(kind)]

    moved = part(MOVED)
    became = moved[moved["became_binding_after"]]
    signed_binding = rows[rows["stage_at_summit"].isin(LADDER[BINDING_RUNG:])]
    return {
        "announced_usd_m": float(rows["value_usd_m"].sum()),
        "n_deals": len(rows),
        "moved_usd_m": float(moved["value_usd_m"].sum()),
        "n_moved": len(moved),
        "n_moved_by": int(moved["moved_by"].sum()),
        "n_became_binding": len(became),
        "became_binding_usd_m": float(became["value_usd_m"].sum()),
        "binding_at_signing_usd_m": float(signed_binding["value_usd_m"].sum()),
        "n_binding_at_signing": len(signed_binding),
        "binding_usd_m": float(part(BINDING)["value_usd_m"].sum()),
        "n_binding": len(part(BINDING)),
        "news_usd_m": float(part(NEWS)["value_usd_m"].sum()),
        "n_news": len(part(NEWS)),
        "silent_usd_m": float(part(SILENT)["value_usd_m"].sum()),
        "n_silent": len(part(SILENT)),
        "new_usd_m": float(part(NEW)["value_usd_m"].sum()),
        "n_new": len(part(NEW)),
        "n_overdue": int(status["flag"].eq(OVERDUE).sum()),
        "n_after_summit": int(status["n_after_summit"].gt(0).sum()),
        "n_announced_after": int(status["announced_after_summit"].sum()),
    }


def sources_reach(events: pd.DataFrame) -> pd.Timestamp:
    """The date of the latest development found with a date of its own (not a 'by' or year-only date)."""
    dated = events[events["date_precision"].isin(["day", "month"])]
    return pd.Timestamp(dated["event_date"].max())


def recent_deals(events: pd.DataFrame, after: str = "2025-11-30") -> list[str]:
    """Deals with a sourced event (of any kind) dated after ``after`` (sorted ids)."""
    return sorted(set(events.loc[events["event_date"].gt(pd.Timestamp(after)), "deal_id"]))


def new_since_last_check(events: pd.DataFrame, checks: pd.DataFrame, deals: pd.DataFrame) -> pd.DataFrame:
    """Events recorded after the previous check, oldest first, with the deal's state and title.

    Columns ``deal_id, country, title, event, event_date, date_precision, value_usd_m, note,
    recorded_on``. Empty when there was only one check.
    """
    require(events, ["deal_id", "event", "event_date", "recorded_on"], "events frame")
    _, previous = check_dates(checks)
    rows = events.iloc[:0] if previous is None else events[events["recorded_on"].gt(previous)]
    info = deals.set_index("deal_id")[["country", "title"]]
    out = rows.join(info, on="deal_id")
    columns = ["deal_id", "country", "title", "event", "event_date", "date_precision", "value_usd_m", "note",
               "recorded_on"]  # fmt: skip
    return out.sort_values(["event_date", "deal_id"], kind="stable")[columns].reset_index(drop=True)


def claim_status(claims: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """Each claim as first reported with the stage today of the deals it rests on (furthest along first)."""
    require(claims, ["claim_id", "claim", "country", "deal_ids", "verdict"], "claims frame")
    by_id = status.set_index("deal_id")
    order = {s: -i for i, s in enumerate(LADDER)}
    found = [[i for i in ids if i in by_id.index] for ids in claims["deal_ids"]]
    out = claims[["claim_id", "country", "claim", "verdict"]].copy()
    out["status_today"] = [
        min((by_id.at[i, "stage_now"] for i in ids), key=order.get, default=LADDER[0]) for ids in found
    ]
    out["deals"] = ["; ".join(f"{by_id.at[i, 'title']} ({by_id.at[i, 'stage_now']})" for i in ids) for ids in found]
    return out.sort_values(["country", "claim_id"], kind="stable").reset_index(drop=True)


def delivery_effect(
    deals: pd.DataFrame, status: pd.DataFrame, baseline: pd.DataFrame, default_period: int = DEFAULT_PERIOD_YEARS
) -> pd.DataFrame:
    """What the firm purchase deals with a stated delivery start add to the US share, year by year.

    Deals count when they are counted once, confirmed, purchase orders valued as a price of goods
    (:data:`helpers.codes.TRADE_MEASURES`), at a definitive agreement or further, and state a first
    delivery year; their value is spread over the delivery years
    (:func:`helpers.compute.scenarios.deal_schedule`). Each year's deliveries are added to the US
    figure and the world total of the state's baseline (the latest US share on the same records,
    :func:`helpers.compute.scenarios.baseline_us`), all other trade held there: a what-if, not a
    forecast. Returns one row per state and delivery year: ``added_usd_m``, ``n_deals``,
    ``baseline_year``, ``baseline_share_pct``, ``share_with_deliveries_pct``, ``change_pp``
    (missing with ``reason`` where the state has no baseline).
    """
    firm = set(status.loc[status["firm"], "deal_id"])
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
