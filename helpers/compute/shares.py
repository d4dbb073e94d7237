"""Partner shares and what is computed from them: combined shares, concentration, changes, overtaking.

Every share divides a partner value by the world total of the same reporter, year and flow, and
only where both come from the same records (:func:`helpers.compute.rules.same_records`): a
partner-reported (mirror) value over the state's own world total is not a share. Own and partner
records of the same trade are compared as a ratio (:func:`records_ratio`). A share above 100 % is
an error (:class:`helpers.compute.rules.ShareError`) naming the rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.codes import COMBINED, OTHER, PARTNERS, WORLD, partner_name
from helpers.compute.rules import check_shares, latest_years, one_record_set, records_key, same_records
from helpers.compute.series import KEY, mark_breaks

SHARE_COLUMNS = [
    *KEY,
    "share_pct",
    "value_usd_m",
    "world_usd_m",
    "side",
    "world_side",
    "share_basis",
    "source_label",
    "dataset",
    "estimate",
    "flags",
    "break_before",
    "source_id",
    "world_source_id",
]


def share_pct(part: float, whole: float) -> float:
    """``part`` as a percentage of ``whole`` (NaN when the whole is not positive).

    >>> share_pct(25.0, 200.0)
    12.5
    >>> share_pct(1.0, 0.0)
    nan
    """
    return 100 * part / whole if whole > 0 else float("nan")


def partner_shares(series: pd.DataFrame) -> pd.DataFrame:
    """Partner value / world value (in %) by reporter, year and flow, on the same records only.

    Parameters
    ----------
    series : pandas.DataFrame
        Output of :func:`helpers.compute.series.select_series` (any ``side``).

    Returns
    -------
    pandas.DataFrame
        One row per reporter, partner (not WLD), year and flow whose value and world total come
        from the same dataset and side: ``share_pct``, ``value_usd_m``, ``world_usd_m``, ``side``,
        ``world_side``, ``share_basis``, ``source_label``, ``dataset``, ``estimate`` (either part
        flagged), ``flags``, ``break_before``, source ids. A partner without such a pair has no
        row (missing stays missing, it is never 0).

    Raises
    ------
    helpers.compute.rules.ShareError
        If a share exceeds 100 % (the message names the rows).
    """
    world = series[series["partner"].eq(WORLD)][
        ["reporter", "year", "flow", "value_usd_m", "side", "source_id", "dataset", "estimate", "flags"]
    ].rename(
        columns={
            "value_usd_m": "world_usd_m",
            "side": "world_side",
            "source_id": "world_source_id",
            "dataset": "world_dataset",
            "estimate": "world_estimate",
            "flags": "world_flags",
        }
    )
    parts = series[~series["partner"].eq(WORLD) & series["value_usd_m"].notna()]
    out = parts.merge(world, on=["reporter", "year", "flow"], how="inner")
    same = same_records(out["dataset"], out["side"], out["world_dataset"], out["world_side"])
    out = out[same & (out["world_usd_m"] > 0)].copy()
    out["share_pct"] = 100 * out["value_usd_m"] / out["world_usd_m"]
    out["share_basis"] = "partner value and world total from " + out["source_label"]
    out["estimate"] = out["estimate"] | out["world_estimate"]
    out["flags"] = [sorted(set(a) | set(b)) for a, b in zip(out["flags"], out["world_flags"], strict=True)]
    out = out[SHARE_COLUMNS].sort_values(KEY, kind="stable").reset_index(drop=True)
    out["break_before"] = mark_breaks(out)
    return check_shares(out)


def with_rest_of_world(shares: pd.DataFrame, partners: Sequence[str] = PARTNERS) -> pd.DataFrame:
    """``shares`` plus one ``OTHER`` (rest of world) row per reporter, year and flow: what the named
    partners leave out, as its own category.

    Rest of world = world total - the named partners' values, on the same records, only where
    every named partner has a share on one set of records; it holds every other country AND what
    the agency does not allocate to a country (Uzbekistan's "other countries" row: gold, services),
    so a reader sees how much of the trade the named shares do not cover. Where the named partners
    exceed the world total there is no row (``concentration`` reports it).
    """
    parts = shares[shares["partner"].isin(partners)]
    group = ["reporter", "year", "flow"]
    agg = parts.groupby(group).agg(
        n=("partner", "nunique"),
        named_usd_m=("value_usd_m", "sum"),
        named_pct=("share_pct", "sum"),
        world_usd_m=("world_usd_m", "first"),
        side=("side", "first"),
        world_side=("world_side", "first"),
        source_label=("source_label", "first"),
        dataset=("dataset", "first"),
        estimate=("estimate", "any"),
        world_source_id=("world_source_id", "first"),
    )
    agg["one_records"] = one_record_set(parts, group, [("dataset", "side")])
    agg = agg[agg["n"].eq(len(set(partners))) & agg["one_records"] & agg["named_pct"].le(100)].reset_index()
    rest = agg.assign(
        partner=OTHER,
        share_pct=100 - agg["named_pct"],
        value_usd_m=agg["world_usd_m"] - agg["named_usd_m"],
        share_basis="world total minus the named partners, from " + agg["source_label"],
        flags=[[] for _ in range(len(agg))],
        break_before=False,
        source_id=agg["world_source_id"],
    )
    out = pd.concat([shares[shares["partner"].ne(OTHER)], rest[SHARE_COLUMNS]], ignore_index=True)
    out = out.sort_values(KEY, kind="stable").reset_index(drop=True)
    out["break_before"] = mark_breaks(out)
    return out


def combined_share(
    shares: pd.DataFrame, partners: Sequence[str] = ("RUS", "CHN"), name: str = COMBINED
) -> pd.DataFrame:
    """Sum of several partners' shares where ALL are present on the same records.

    A reporter-year-flow is summed only when every partner has a share and all come from one
    dataset and side; ``side`` names it. Other years have no row.
    """
    parts = shares[shares["partner"].isin(partners)]
    group = ["reporter", "year", "flow"]
    agg = parts.groupby(group).agg(
        n=("partner", "nunique"),
        share_pct=("share_pct", "sum"),
        value_usd_m=("value_usd_m", "sum"),
        world_usd_m=("world_usd_m", "first"),
        dataset=("dataset", "first"),
        side=("side", "first"),
        source_label=("source_label", "first"),
        estimate=("estimate", "any"),
    )
    agg["one_records"] = one_record_set(parts, group, [("dataset", "side")])
    agg = agg[agg["n"].eq(len(set(partners))) & agg["one_records"]].reset_index()
    agg["partner"] = name
    columns = ["reporter", "partner", "year", "flow", "share_pct", "value_usd_m", "world_usd_m", "side", "dataset"]
    out = agg[[*columns, "source_label", "estimate"]].sort_values(KEY, kind="stable").reset_index(drop=True)
    out["break_before"] = mark_breaks(out)
    return out


def concentration(shares: pd.DataFrame, partners: Sequence[str] = PARTNERS) -> pd.DataFrame:
    """Rest-of-world share and the Herfindahl-Hirschman index by reporter, year and flow.

    ``rest_pct`` = 100 - sum of the named partners' shares, computed only when every partner has a
    share on the same records. If the partners sum to more than the world total, ``rest_pct`` is 0,
    ``rest_negative`` flags it and the HHI is missing (reason given).

    HHI = sum of squared shares in percentage points over the named partners plus the rest of the
    world as ONE block (0-10,000): concentration on the named partners, comparable over time for
    one reporter, not a full partner HHI.
    """
    group = ["reporter", "year", "flow"]
    parts = shares[shares["partner"].isin(partners)]
    agg = parts.groupby(group).agg(
        n=("partner", "nunique"),
        named_pct=("share_pct", "sum"),
        squares=("share_pct", lambda s: float((s**2).sum())),
        estimate=("estimate", "any"),
        dataset=("dataset", "first"),
        side=("side", "first"),
    )
    agg["one_records"] = one_record_set(parts, group, [("dataset", "side")])
    agg = agg.reset_index()
    complete = agg["n"].eq(len(set(partners))) & agg["one_records"]
    raw_rest = 100 - agg["named_pct"]
    agg["rest_raw_pct"] = np.where(complete, raw_rest, np.nan)
    agg["rest_negative"] = complete & (raw_rest < 0)
    agg["rest_pct"] = np.where(complete, raw_rest.clip(lower=0), np.nan)
    ok = complete & ~agg["rest_negative"]
    agg["hhi"] = np.where(ok, agg["squares"] + raw_rest.clip(lower=0) ** 2, np.nan)
    agg["reason"] = np.select(
        [~agg["n"].eq(len(set(partners))), ~agg["one_records"], agg["rest_negative"]],
        [
            "not every named partner has a share this year",
            "the named partners' shares come from different records",
            "named partners exceed the world total: rest of world would be negative",
        ],
        default="",
    )
    agg["break_before"] = False
    columns = [*group, "hhi", "rest_pct", "rest_raw_pct", "rest_negative", "named_pct", "estimate", "dataset", "side"]
    out = agg[[*columns, "reason"]].sort_values(group, kind="stable").reset_index(drop=True)
    out["partner"] = "HHI"
    known = out["hhi"].notna()
    out.loc[known, "break_before"] = mark_breaks(out[known])
    out["break_before"] = out["break_before"].fillna(False).astype(bool)
    return out.drop(columns="partner")


def share_changes(
    shares: pd.DataFrame, base_years: Sequence[int] = (2000, 2021), partners: Sequence[str] | None = None
) -> pd.DataFrame:
    """Share in each base year, in the latest year, and the change (percentage points).

    One row per reporter, partner and flow. ``latest_year`` is the state's one latest year for the
    partners shown (``partners``, default every partner in ``shares``):
    :func:`helpers.compute.rules.latest_years`; missing (with ``own_records_end``) when that year
    is before ``CURRENT_FROM``. The change ``change_vs_<base>_pp`` is measured only when the base
    and the latest share come from the same records; ``same_records_vs_<base>`` says whether they do.
    """
    line = ["reporter", "partner", "flow"]
    shown = sorted(set(shares["partner"])) if partners is None else list(partners)
    ordered = shares[shares["partner"].isin(shown)].sort_values([*line, "year"], kind="stable")
    rule = pd.concat(
        [latest_years(ordered, shown, flow).assign(flow=flow) for flow in sorted(set(ordered["flow"]))],
        ignore_index=True,
    )
    lines = ordered[line].drop_duplicates()
    rule = lines.merge(rule[["reporter", "flow", "year", "current"]], on=["reporter", "flow"], how="left")
    rule["current"] = rule["current"].fillna(False).astype(bool)
    at_latest = rule[rule["current"]].merge(ordered, on=[*line, "year"], how="left").set_index(line)
    out = pd.DataFrame(index=pd.MultiIndex.from_frame(lines))
    out["latest_year"] = at_latest["year"].reindex(out.index).astype("Int64")
    out["latest_pct"] = at_latest["share_pct"].reindex(out.index)
    out["latest_side"] = at_latest["side"].reindex(out.index)
    out["latest_label"] = at_latest["source_label"].reindex(out.index)
    stale = rule[~rule["current"] & rule["year"].notna()].set_index(line)["year"]
    out["own_records_end"] = stale.reindex(out.index).astype("Int64")
    latest_key = records_key(at_latest).reindex(out.index)
    for base in base_years:
        at = ordered[ordered["year"].eq(base)].set_index(line)
        out[f"pct_{base}"] = at["share_pct"].reindex(out.index)
        same = records_key(at).reindex(out.index).eq(latest_key)
        out[f"same_records_vs_{base}"] = same
        out[f"change_vs_{base}_pp"] = (out["latest_pct"] - out[f"pct_{base}"]).where(same)
    return out.reset_index().sort_values(line, kind="stable").reset_index(drop=True)


def overtake_year(series: pd.DataFrame, leader: str = "CHN", laggard: str = "RUS") -> pd.DataFrame:
    """The year ``leader`` overtook ``laggard`` for good, per reporter and flow.

    The two partners' values are compared only in years where both come from the same records
    (comparing values = comparing shares, the world total being common). ``overtake_year`` is the
    first year of the final run in which the leader is ahead in every compared year up to the last
    compared year; missing, with a reason, when the laggard is still ahead (or equal) in the last
    compared year. ``first_ahead_year`` is the first year the leader was ever ahead; ``records``
    names the records of the last compared year (e.g. the partners' records where a state's own stop).
    """
    cols = ["reporter", "year", "flow"]
    pick = ["value_usd_m", "side", "dataset", "source_label"]
    a = series[series["partner"].eq(leader)].set_index(cols)[pick]
    b = series[series["partner"].eq(laggard)].set_index(cols)[pick]
    both = a.merge(b, left_index=True, right_index=True, suffixes=("_lead", "_lag"))
    both = both[same_records(both["dataset_lead"], both["side_lead"], both["dataset_lag"], both["side_lag"])]
    both = both.reset_index().sort_values(cols, kind="stable")
    records = []
    for (reporter, flow), group in both.groupby(["reporter", "flow"], sort=True):
        ahead = (group["value_usd_m_lead"] > group["value_usd_m_lag"]).to_numpy()
        years = group["year"].to_numpy()
        record = {
            "reporter": reporter,
            "flow": flow,
            "overtake_year": pd.NA,
            "first_ahead_year": int(years[ahead][0]) if ahead.any() else pd.NA,
            "last_compared_year": int(years[-1]),
            "n_years_compared": len(years),
            "records": group["source_label_lead"].iloc[-1],
            "reason": "",
        }
        if ahead[-1]:
            behind = np.flatnonzero(~ahead)
            start = behind[-1] + 1 if len(behind) else 0
            record["overtake_year"] = int(years[start])
            if start == 0:
                record["reason"] = "ahead in every compared year (overtake, if any, was earlier)"
        else:
            record["reason"] = f"{partner_name(laggard)} ahead or equal in {int(years[-1])}, the last compared year"
        records.append(record)
    columns = ["reporter", "flow", "overtake_year", "first_ahead_year", "last_compared_year", "n_years_compared"]
    out = pd.DataFrame.from_records(records, columns=[*columns, "records", "reason"])
    for col in ("overtake_year", "first_ahead_year"):
        out[col] = out[col].astype("Int64")
    return out


def records_ratio(own: pd.DataFrame, partner: pd.DataFrame) -> pd.DataFrame:
    """What the partner records of the same trade, as a multiple of what the state records.

    Parameters
    ----------
    own, partner : pandas.DataFrame
        ``select_series(trade, side="reporter")`` and ``select_series(trade, side="mirror")``.

    Returns
    -------
    pandas.DataFrame
        One row per reporter, partner, year and flow with both: ``own_usd_m``, ``partner_usd_m``,
        ``ratio`` (partner / own; NaN where own is 0), the datasets of both, ``break_before``
        (either dataset changed since the previous point of the line).
    """
    pick = [*KEY, "value_usd_m", "dataset", "source_label", "source_id"]
    mine = own[own["side"].eq("reporter") & own["partner"].ne(WORLD)][pick]
    theirs = partner[partner["side"].eq("mirror") & partner["partner"].ne(WORLD)][pick]
    out = mine.merge(theirs, on=KEY, suffixes=("_own", "_partner"))
    out = out.rename(columns={"value_usd_m_own": "own_usd_m", "value_usd_m_partner": "partner_usd_m"})
    out["ratio"] = out["partner_usd_m"] / out["own_usd_m"].where(out["own_usd_m"] > 0)
    out["dataset"] = out["dataset_own"] + "/" + out["dataset_partner"]
    out["side"] = "reporter/mirror"
    out = out.sort_values(KEY, kind="stable").reset_index(drop=True)
    out["break_before"] = mark_breaks(out)
    return out
