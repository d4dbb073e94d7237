"""Key indicators, one row per state: Russia's, China's and the US's shares of its trade in its
latest year (the one latest-year rule of :func:`helpers.compute.rules.latest_years`, over every
named partner) and in a base year on the same records, for the bottom line of the briefing.
"""

from __future__ import annotations

import pandas as pd

from helpers.codes import PARTNERS, STATES, WATCHED
from helpers.compute.snapshots import share_snapshot

BASE_YEAR = 2021  # the last year before Russia's full-scale invasion of Ukraine


def key_indicators(trade: pd.DataFrame, base_year: int = BASE_YEAR) -> pd.DataFrame:
    """One row per state: ``state, year, current, records, <partner>, <partner>_base`` for each watched
    partner, ``base_year`` (missing when the base year is not on the same records) and ``reason`` (why a
    state has no current year; ``current`` False when its own records stop before the rule's cut-off).

    Shares are per cent of the state's total trade, from the series rule; a base-year share is kept
    only when it comes from the same records (dataset and side) as the latest one.

    >>> from helpers import load_trade
    >>> row = key_indicators(load_trade()).set_index("state").loc["KAZ"]
    >>> int(row["year"]), int(row["base_year"]), bool(row["RUS"] < row["RUS_base"])
    (2023, 2021, True)
    """
    latest = share_snapshot(trade, partners=WATCHED, question=PARTNERS)
    base = share_snapshot(trade, partners=WATCHED, year=base_year)
    rows = []
    for state in STATES:
        now = latest[latest["reporter"].eq(state)].set_index("partner")
        then = base[base["reporter"].eq(state)].set_index("partner")
        shown = now["share_pct"].notna().all()
        same = shown and then["share_pct"].notna().all() and then["source_label"].eq(now["source_label"]).all()
        row: dict[str, object] = {
            "state": state,
            "year": int(now["year"].iloc[0]) if now["year"].notna().any() else pd.NA,
            "current": bool(shown),
            "records": now["source_label"].iloc[0] if shown else pd.NA,
            "base_year": base_year if same and int(now["year"].iloc[0]) > base_year else pd.NA,
            "reason": "" if shown else str(now["reason"].iloc[0]),
        }
        for partner in WATCHED:
            row[partner] = now.at[partner, "share_pct"] if shown else float("nan")
            row[f"{partner}_base"] = then.at[partner, "share_pct"] if row["base_year"] is not pd.NA else float("nan")
        rows.append(row)
    out = pd.DataFrame(rows)
    out["year"] = out["year"].astype("Int64")
    out["base_year"] = out["base_year"].astype("Int64")
    return out
