"""Deal scenarios: what the US share of each state's trade would become if announced deals were realised.

Assumptions (each one a parameter, shown in notebook 05)
--------------------------------------------------------
- **Which deals.** Only deduplicated deals count (``helpers.deals.deduplicated``: rows with an
  empty ``overlaps_deal_id``), and only those with a stated value. By default only
  ``purchase_order`` instruments count as trade: a purchase of US aircraft, locomotives or
  machinery is a US export to the state, i.e. the state's imports from the US. Investment,
  joint ventures, financing, frameworks and agreements move money, not goods across the border,
  and are left out; the alternative basis ``instruments=None`` counts every valued deal (an upper
  bound that is NOT trade), and ``include_unconfirmed`` adds unconfirmed headlines. A trade
  scenario also needs a value that is a price of goods (``value_measure`` in
  :data:`helpers.codes.TRADE_MEASURES`): a contract that includes services or local assembly, a
  project cost or a financing amount is not US exports.
- **When.** A deal's value is spread evenly over its stated delivery years
  (``delivery_start_year..delivery_end_year``). Where only a start is stated the deal runs
  ``default_period`` years from it; where only an end is stated it runs from the announcement
  year to that end; where neither is stated it runs ``default_period`` years from the
  announcement year (``FALLBACK_YEAR`` when the date is unknown).
- **How much.** A realisation rate (25 %, 50 %, 100 %) scales every deal's value.
- **Against what.** The latest observed year in which the state has a US figure and a world
  total from the same records (:func:`baseline_us`; the one latest-year rule
  :func:`helpers.compute.rules.latest_years`). A baseline more than three years old is said to
  be old, with the newer alternatives beside it (the state's newer world total, the US's own
  records); none before 2015 is used. Deal money is treated as ADDITIONAL trade:
  it is added to both the US figure and the world total of that year, in the peak year of the
  deals' schedule (the year with the largest annual amount). Prices, other trade and the
  years in between are held at the baseline: a static what-if, not a forecast. Values are
  list or headline prices, which overstate what is paid (aircraft list prices especially).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.codes import PARTNERS, STATES, TRADE_MEASURES, UNCONFIRMED, WORLD, words
from helpers.compute.deals import NON_BINDING, binding_class, deduplicated
from helpers.compute.rules import CURRENT_FROM, counted_value, latest_years
from helpers.compute.series import select_series
from helpers.compute.shares import partner_shares, share_pct

REALISATION_RATES: tuple[float, ...] = (0.25, 0.5, 1.0)
DEFAULT_PERIOD_YEARS = 5
PERIOD_CHOICES: tuple[int, ...] = (3, 5, 10)
TRADE_INSTRUMENTS: tuple[str, ...] = ("purchase_order",)
FALLBACK_YEAR = 2025


class ScenarioError(ValueError):
    """A scenario parameter is out of range or a frame lacks what the scenario needs."""


def counted_deals(
    deals: pd.DataFrame, instruments: Sequence[str] | None = TRADE_INSTRUMENTS, include_unconfirmed: bool = False
) -> pd.DataFrame:
    """Deduplicated deals with a stated value, filtered to the instruments that count as trade.

    ``instruments=None`` keeps every instrument (the not-trade upper bound).
    """
    rows = deduplicated(deals).assign(value_usd_m=counted_value(deals))
    rows = rows[rows["value_usd_m"].notna()]
    if instruments is not None:
        rows = rows[rows["instrument"].isin(list(instruments))]
        if "value_measure" in rows:
            rows = rows[rows["value_measure"].isin(TRADE_MEASURES)]
    if not include_unconfirmed:
        rows = rows[rows["confirmation"].ne(UNCONFIRMED)]
    return rows.sort_values(["country", "deal_id"]).reset_index(drop=True)


def delivery_window(row: pd.Series, default_period: int = DEFAULT_PERIOD_YEARS) -> tuple[int, int, str]:
    """(first year, last year, how it was set) for one deal row; see the module docstring."""
    if default_period < 1:
        raise ScenarioError(f"default_period must be at least 1 year, not {default_period}")
    start, end = row.get("delivery_start_year"), row.get("delivery_end_year")
    announced = row.get("announced_date")
    year0 = FALLBACK_YEAR if pd.isna(announced) else int(pd.Timestamp(announced).year)
    if not pd.isna(start) and not pd.isna(end):
        return int(start), int(end), "stated delivery years"
    if not pd.isna(start):
        return int(start), int(start) + default_period - 1, f"stated start + {default_period} years (default)"
    if not pd.isna(end):
        first = min(year0, int(end))
        return first, int(end), "announcement year to stated end"
    how = f"{default_period} years from announcement (default)"
    if pd.isna(announced):
        how += f"; date unknown, {FALLBACK_YEAR} assumed"
    return year0, year0 + default_period - 1, how


def deal_schedule(
    deals: pd.DataFrame,
    default_period: int = DEFAULT_PERIOD_YEARS,
    instruments: Sequence[str] | None = TRADE_INSTRUMENTS,
    include_unconfirmed: bool = False,
) -> pd.DataFrame:
    """Annual amounts per deal: value spread evenly over its delivery window (US$ m per year).

    Returns one row per deal and year: ``deal_id, country, title, year, annual_usd_m,
    value_usd_m, first_year, last_year, window_rule``.
    """
    rows = counted_deals(deals, instruments, include_unconfirmed)
    records = []
    for _, row in rows.iterrows():
        first, last, how = delivery_window(row, default_period)
        years = range(first, last + 1)
        for year in years:
            records.append(
                {
                    "deal_id": row["deal_id"],
                    "country": row["country"],
                    "title": row["title"],
                    "year": year,
                    "annual_usd_m": float(row["value_usd_m"]) / len(years),
                    "value_usd_m": float(row["value_usd_m"]),
                    "first_year": first,
                    "last_year": last,
                    "window_rule": how,
                }
            )
    columns = ["deal_id", "country", "title", "year", "annual_usd_m", "value_usd_m", "first_year", "last_year"]
    return pd.DataFrame.from_records(records, columns=[*columns, "window_rule"])


def baseline_us(trade: pd.DataFrame, states: Sequence[str] = STATES) -> pd.DataFrame:
    """The latest year with a US share of total trade (US figure and world total on the same records).

    The year is the product's one latest year for partner shares (:func:`helpers.compute.rules.latest_years`
    over every named partner, the year notebooks 03 and 04 and the briefing report).
    A year before ``CURRENT_FROM`` is no baseline (``reason`` names
    where the state's own records stop). ``old`` marks a baseline more than ``OLD_AFTER`` years
    before ``REFERENCE_YEAR``; for every state the alternatives are listed beside it:
    ``world_latest_*`` (the state's newest world total on its own records, when newer) and
    ``us_records_*`` (the newest US-recorded trade with the state, the partner's records, when
    newer). A state without any year gets missing values and a ``reason`` naming what is missing.
    """
    series = select_series(trade)
    shares = partner_shares(series)
    us = shares[shares["partner"].eq("USA") & shares["flow"].eq("total")]
    latest = latest_years(shares, PARTNERS, "total").set_index("reporter")
    world = series[series["partner"].eq(WORLD) & series["flow"].eq("total") & series["side"].eq("reporter")]
    mirror = select_series(trade, side="mirror")
    us_records = mirror[mirror["partner"].eq("USA") & mirror["flow"].eq("total") & mirror["side"].eq("mirror")]
    records = []
    for state in states:
        record: dict[str, object] = {"reporter": state, "reason": ""}
        if state not in latest.index:
            record["reason"] = "no year with every named partner and a world total on the same records"
        elif not latest.at[state, "current"]:
            end = int(latest.at[state, "year"])
            record["reason"] = (
                f"its own records with every named partner and a world total stop in {end}, before {CURRENT_FROM}"
            )
            record["own_records_end"] = end
        else:
            last = us[us["reporter"].eq(state) & us["year"].eq(latest.at[state, "year"])].iloc[0]
            record.update(
                year=int(last["year"]),
                us_usd_m=float(last["value_usd_m"]),
                world_usd_m=float(last["world_usd_m"]),
                us_share_pct=float(last["share_pct"]),
                side=last["side"],
                source_label=last["source_label"],
                source_id=last["source_id"],
                world_source_id=last["world_source_id"],
                old=bool(latest.at[state, "old"]),
            )
        after = record.get("year", record.get("own_records_end", 0))
        newer_world = world[world["reporter"].eq(state) & world["year"].gt(after)].sort_values("year")
        if len(newer_world):
            w = newer_world.iloc[-1]
            record.update(world_latest_year=int(w["year"]), world_latest_usd_m=float(w["value_usd_m"]))
            record.update(world_latest_label=w["source_label"], world_latest_source_id=w["source_id"])
            record.update(world_latest_estimate=bool(w["estimate"]))
        newer_us = us_records[us_records["reporter"].eq(state) & us_records["year"].gt(after)].sort_values("year")
        if len(newer_us):
            u = newer_us.iloc[-1]
            record.update(us_records_year=int(u["year"]), us_records_usd_m=float(u["value_usd_m"]))
            record.update(us_records_label=u["source_label"], us_records_source_id=u["source_id"])
        records.append(record)
    columns = ["reporter", "year", "us_usd_m", "world_usd_m", "us_share_pct", "side", "source_label"]
    extra = [
        "source_id", "world_source_id", "old", "own_records_end",
        "world_latest_year", "world_latest_usd_m", "world_latest_label", "world_latest_source_id",
        "world_latest_estimate",
        "us_records_year", "us_records_usd_m", "us_records_label", "us_records_source_id", "reason",
    ]  # fmt: skip
    out = pd.DataFrame.from_records(records).reindex(columns=[*columns, *extra])
    for column in ("year", "own_records_end", "world_latest_year", "us_records_year"):
        out[column] = out[column].astype("Int64")
    out["old"] = out["old"].astype("boolean")
    return out


def baseline_source_ids(baseline: pd.DataFrame) -> list[str]:
    """Every source id behind a baseline table (US figure, world total and the alternatives), sorted."""
    columns = ["source_id", "world_source_id", "world_latest_source_id", "us_records_source_id"]
    return sorted({i for c in columns for i in baseline[c].dropna() if isinstance(i, str) and i})


def scenario_share(us_usd_m: float, world_usd_m: float, added_usd_m: float) -> float:
    """US share (%) after adding ``added_usd_m`` of trade with the US to both US and world trade.

    >>> round(scenario_share(10.0, 100.0, 10.0), 2)
    18.18
    """
    return share_pct(us_usd_m + added_usd_m, world_usd_m + added_usd_m)


def scenarios(
    trade: pd.DataFrame,
    deals: pd.DataFrame,
    rates: Sequence[float] = REALISATION_RATES,
    periods: Sequence[int] = PERIOD_CHOICES,
    instruments: Sequence[str] | None = TRADE_INSTRUMENTS,
    include_unconfirmed: bool = False,
    states: Sequence[str] = STATES,
) -> pd.DataFrame:
    """US share of each state's total trade for every realisation rate and default period.

    Returns one row per state, rate and default period: ``peak_year`` and ``peak_added_usd_m``
    (largest annual deal amount at 100 %), ``added_usd_m`` (times the rate), ``baseline_*``
    (``baseline_old``: more than ``OLD_AFTER`` years before ``REFERENCE_YEAR``) and
    ``scenario_share_pct`` (missing, with ``reason``, where the state has no baseline);
    ``deal_usd_m`` and ``nonbinding_usd_m`` (the state's counted deal money and its non-binding
    part); ``deal_share_of_world_latest_pct``: the added money as a share of the state's newer
    world total (``world_latest_year``, own records) plus it, the alternative to an old baseline.
    A state without counted deals keeps its baseline share (added 0).
    """
    for rate in rates:
        if isinstance(rate, bool) or not isinstance(rate, int | float):
            raise ScenarioError(f"realisation rates must be numbers, not {rate!r} (pass a list, e.g. papermill -y)")
        if not 0 <= rate <= 1:
            raise ScenarioError(f"realisation rates must lie in [0, 1], not {rate}")
    base = baseline_us(trade, states).set_index("reporter")
    deal_money = _deal_money(deals, instruments, include_unconfirmed)
    records = []
    for period in periods:
        schedule = deal_schedule(deals, period, instruments, include_unconfirmed)
        by_year = schedule.groupby(["country", "year"])["annual_usd_m"].sum()
        for state in states:
            own = by_year[by_year.index.get_level_values(0) == state] if len(by_year) else by_year
            if len(own):
                peak_year = int(own.idxmax()[1])
                peak = float(own.max())
                n_deals = int(schedule.loc[schedule["country"].eq(state), "deal_id"].nunique())
            else:
                peak_year, peak, n_deals = None, 0.0, 0
            money = deal_money.get(state, (0.0, np.nan))
            b = base.loc[state]
            for rate in rates:
                added = rate * peak
                has_base = not pd.isna(b["year"])
                records.append(
                    {
                        "reporter": state,
                        "rate": rate,
                        "default_period": period,
                        "n_deals": n_deals,
                        "peak_year": peak_year,
                        "peak_added_usd_m": peak,
                        "added_usd_m": added,
                        "baseline_year": b["year"],
                        "baseline_us_usd_m": b["us_usd_m"],
                        "baseline_world_usd_m": b["world_usd_m"],
                        "baseline_share_pct": b["us_share_pct"],
                        "baseline_old": bool(b["old"]) if has_base else pd.NA,
                        "deal_usd_m": money[0],
                        "nonbinding_usd_m": money[1],
                        "scenario_share_pct": scenario_share(b["us_usd_m"], b["world_usd_m"], added)
                        if has_base
                        else np.nan,
                        "reason": "" if has_base else b["reason"],
                        "world_latest_year": b["world_latest_year"],
                        "deal_share_of_world_latest_pct": share_pct(added, b["world_latest_usd_m"] + added)
                        if not pd.isna(b["world_latest_usd_m"])
                        else np.nan,
                    }
                )
    out = pd.DataFrame.from_records(records)
    out["peak_year"] = out["peak_year"].astype("Int64")
    out["baseline_year"] = out["baseline_year"].astype("Int64")
    out["world_latest_year"] = out["world_latest_year"].astype("Int64")
    out["baseline_old"] = out["baseline_old"].astype("boolean")
    out["change_pp"] = out["scenario_share_pct"] - out["baseline_share_pct"]
    return out.sort_values(["reporter", "default_period", "rate"], kind="stable").reset_index(drop=True)


def _deal_money(
    deals: pd.DataFrame, instruments: Sequence[str] | None, include_unconfirmed: bool
) -> dict[str, tuple[float, float]]:
    """Per state: counted deal money and the part of it that is non-binding (NaN without a ``stage``)."""
    rows = counted_deals(deals, instruments, include_unconfirmed)
    if "stage" in rows.columns:
        rows = rows.assign(nonbinding=rows["value_usd_m"].where(binding_class(rows).eq(NON_BINDING), 0.0))
    else:
        rows = rows.assign(nonbinding=np.nan)
    sums = rows.groupby("country").agg(total=("value_usd_m", "sum"), nonbinding=("nonbinding", "sum"))
    if "stage" not in rows.columns:
        sums["nonbinding"] = np.nan
    return {c: (float(r.total), float(r.nonbinding)) for c, r in sums.iterrows()}


def range_table(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """:func:`scenario_range` of several scenario frames, stacked with a ``basis`` label."""
    return pd.concat([scenario_range(f).assign(basis=label) for label, f in frames.items()], ignore_index=True)


def scenario_range(results: pd.DataFrame) -> pd.DataFrame:
    """Per state: baseline share and the lowest/highest scenario share across rates and periods."""
    firsts = ["baseline_year", "baseline_share_pct", "baseline_old", "deal_usd_m", "nonbinding_usd_m", "reason"]
    grouped = results.groupby("reporter", sort=True)
    out = grouped[firsts].first()
    out["low_pct"] = grouped["scenario_share_pct"].min()
    out["high_pct"] = grouped["scenario_share_pct"].max()
    out["n_deals"] = grouped["n_deals"].max()
    columns = ["reporter", "baseline_year", "baseline_share_pct", "low_pct", "high_pct", "n_deals", "reason"]
    return out.reset_index()[[*columns, "baseline_old", "deal_usd_m", "nonbinding_usd_m"]]


def excluded_deals(
    deals: pd.DataFrame, instruments: Sequence[str] | None = TRADE_INSTRUMENTS, include_unconfirmed: bool = False
) -> pd.DataFrame:
    """Every deal row NOT in the scenario, with the reason (first that applies)."""
    kept = set(counted_deals(deals, instruments, include_unconfirmed)["deal_id"])
    counted = set(deduplicated(deals)["deal_id"])
    records = []
    titles = deals.set_index("deal_id")["title"]
    for _, row in deals.sort_values(["country", "deal_id"]).iterrows():
        if row["deal_id"] in kept:
            continue
        if row["deal_id"] not in counted:
            container = titles.get(row["overlaps_deal_id"], row["overlaps_deal_id"])
            why = f"inside another deal ({words(row['overlap_type'])} '{container}'): counted there"
        elif pd.isna(row["value_usd_m"]):
            why = "no value stated"
        elif instruments is not None and row["instrument"] not in instruments:
            why = f"{words(row['instrument'])}: not a purchase of goods (not trade)"
        elif instruments is not None and row.get("value_measure", "contract_value") not in TRADE_MEASURES:
            why = f"value basis {words(row['value_measure'])}: not a price of US goods (not trade)"
        else:
            why = "unconfirmed"
        records.append(
            {
                "deal_id": row["deal_id"],
                "country": row["country"],
                "title": row["title"],
                "instrument": row["instrument"],
                "value_usd_m": row["value_usd_m"],
                "why_excluded": why,
            }
        )
    return pd.DataFrame.from_records(
        records, columns=["deal_id", "country", "title", "instrument", "value_usd_m", "why_excluded"]
    )


def deal_windows(schedule: pd.DataFrame) -> pd.DataFrame:
    """One row per scheduled deal: value, delivery window, annual amount at 100 % and the window rule."""
    return schedule.groupby(["country", "deal_id", "title"], as_index=False).agg(
        value_usd_m=("value_usd_m", "first"),
        first_year=("first_year", "first"),
        last_year=("last_year", "first"),
        annual_usd_m=("annual_usd_m", "first"),
        window_rule=("window_rule", "first"),
    )
