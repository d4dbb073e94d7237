"""The rules every number follows, each defined once and used everywhere.

- **A deal is counted once** (:func:`is_counted`): a deduplicated total sums only rows whose
  ``overlaps_deal_id`` is empty; a row naming a container is inside that container's money.
- **Same records** (:func:`same_records`): two trade values may be divided (a share), summed (a
  combined or regional share), compared (who is ahead) or joined by a plotted line only when they
  come from the same ``dataset`` AND the same statistics ``side``. Own and partner records of the
  same trade are compared as a ratio, never as a share.
- **A share is at most 100 %** (:func:`check_shares`): above that is an error naming the rows.
- **One latest year** (:func:`latest_years`): for each state and question, the latest year in
  which the chosen records cover every partner shown, all on one set of records. Headlines, maps,
  key tables, profiles and scenarios take "latest" from it; a year before :data:`CURRENT_FROM` is
  never presented as current (the state's own records stop there: say so, show partners' records).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from helpers.codes import DATASET_OF_SIDE, IMF_DOTS

IMF_SOURCE = "imf-dots"
IMF_LAST_YEAR = 2020
# A latest year before this is not presented as current (Turkmenistan's own records stop in 2003).
CURRENT_FROM = 2015
# The C5+1 summit in Washington (6 November 2025): the date every deal is set against.
SUMMIT = "2025-11-06"
# Dated events the charts mark (facts about the calendar, not data values): annexation of Crimea
# (18 March 2014), the invasion of Ukraine and sanctions (24 February 2022), UN General Assembly
# week in New York (23 September 2025), and the summit.
CRIMEA, INVASION, UNGA_WEEK = "2014-03-18", "2022-02-24", "2025-09-23"
# The year the deals are set against (the C5+1 summit); a latest year more than OLD_AFTER years
# before it is "old": the product says so and shows partners' records for the later years.
REFERENCE_YEAR = 2025
OLD_AFTER = 3


class RuleError(ValueError):
    """A frame lacks the columns a rule needs."""


class ShareError(ValueError):
    """A share breaks the same-records rule or exceeds 100 %; the message names the rows."""


def require(frame: pd.DataFrame, columns: Iterable[str], what: str = "frame") -> None:
    """Raise :class:`RuleError` naming the columns ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise RuleError(f"{what} is missing column(s): {', '.join(missing)}")


def blank(series: pd.Series) -> pd.Series:
    """True where a text cell is missing or empty.

    >>> blank(pd.Series(["a", "", None])).tolist()
    [False, True, True]
    """
    return series.isna() | series.astype("string").str.strip().eq("").fillna(True)


LIKELY_WITHIN = "likely_within"


def is_counted(deals: pd.DataFrame) -> pd.Series:
    """True for deal rows a deduplicated total sums.

    A row is counted when ``overlaps_deal_id`` is empty, or when it is only ``likely_within`` an
    unconfirmed package whose contents are unpublished: confirmed totals keep such a signed row, and
    :func:`counted_value` nets it out of the package so a total that includes the package counts it once.
    """
    require(deals, ["overlaps_deal_id"], "deals frame")
    likely = deals["overlap_type"].eq(LIKELY_WITHIN) if "overlap_type" in deals else False
    return blank(deals["overlaps_deal_id"]) | likely


def counted_value(deals: pd.DataFrame) -> pd.Series:
    """The value (US$ m) each counted row adds to a total; missing for rows not counted.

    A package is net of the counted rows linked to it as ``likely_within`` (never below 0), so a
    total over all counted rows counts their money once. Other rows add their ``value_usd_m``.

    >>> frame = pd.DataFrame({"deal_id": ["pkg", "jet"], "value_usd_m": [100.0, 8.0],
    ...     "overlaps_deal_id": [None, "pkg"], "overlap_type": [None, "likely_within"]})
    >>> counted_value(frame).tolist()
    [92.0, 8.0]
    """
    require(deals, ["deal_id", "value_usd_m", "overlaps_deal_id"], "deals frame")
    counted = is_counted(deals)
    inside = deals[counted & ~blank(deals["overlaps_deal_id"])]
    netted = inside.groupby("overlaps_deal_id")["value_usd_m"].sum(min_count=1)
    less = deals["deal_id"].map(netted).fillna(0.0)
    value = (deals["value_usd_m"] - less).clip(lower=0).where(deals["value_usd_m"].notna())
    return value.where(counted)


def dataset_of(rows: pd.DataFrame) -> pd.Series:
    """Each trade row's dataset: the ``dataset`` column where the table has one, else derived.

    Derived (fallback for tables without the column): IMF DOTS rows up to 2020 are ``imf_dots``;
    other rows follow their side (reporter -> national statistics, mirror -> partner records,
    statement -> statements, other -> other).
    """
    if "dataset" in rows.columns and rows["dataset"].notna().all():
        return rows["dataset"].astype(str)
    derived = rows["side"].map(DATASET_OF_SIDE).fillna("other")
    dots = rows["source_id"].eq(IMF_SOURCE) & rows["year"].le(IMF_LAST_YEAR)
    derived = derived.where(~dots, IMF_DOTS)
    if "dataset" in rows.columns:
        derived = rows["dataset"].where(rows["dataset"].notna(), derived)
    return derived.astype(str)


def same_records(dataset_a: pd.Series, side_a: pd.Series, dataset_b: pd.Series, side_b: pd.Series) -> pd.Series:
    """True where two values come from the same dataset and the same side (element-wise).

    >>> same_records(pd.Series(["imf_dots"]), pd.Series(["reporter"]),
    ...              pd.Series(["imf_dots"]), pd.Series(["mirror"])).tolist()
    [False]
    """
    return (dataset_a.eq(dataset_b) & side_a.eq(side_b)).astype(bool)


def records_key(frame: pd.DataFrame, dataset: str = "dataset", side: str = "side") -> pd.Series:
    """One label per row naming its records (dataset and side), for grouping and line breaks.

    >>> records_key(pd.DataFrame({"dataset": ["imf_dots"], "side": ["mirror"]})).tolist()
    ['imf_dots|mirror']
    """
    return frame[dataset].astype(str) + "|" + frame[side].astype(str)


def one_record_set(frame: pd.DataFrame, group: list[str], columns: Iterable[tuple[str, str]]) -> pd.Series:
    """Per group: True when every row's (dataset, side) pairs in ``columns`` name one set of records."""
    keys = pd.concat([frame[group].assign(_key=records_key(frame, d, s)) for d, s in columns], ignore_index=True)
    return keys.groupby(group)["_key"].nunique().eq(1)


def latest_years(shares: pd.DataFrame, partners: Iterable[str], flow: str = "total") -> pd.DataFrame:
    """The latest-year rule, stated once: per state, the latest year in which the chosen records
    cover every partner shown (each has a share, all from one dataset and side).

    Parameters
    ----------
    shares : pandas.DataFrame
        Output of :func:`helpers.compute.shares.partner_shares`.
    partners : iterable of str
        The partners the question shows (e.g. the five named partners, Russia and China, the US).
    flow : str
        ``total``, ``exports`` or ``imports``.

    Returns
    -------
    pandas.DataFrame
        One row per reporter that has such a year: ``reporter, year, dataset, side, current, old``
        (``current`` False when the year is before :data:`CURRENT_FROM`: never shown as "latest";
        ``old`` True when it is more than :data:`OLD_AFTER` years before :data:`REFERENCE_YEAR`).

    >>> s = pd.DataFrame({"reporter": ["A", "A", "A"], "partner": ["X", "Y", "X"], "year": [2020, 2020, 2021],
    ...                   "flow": "total", "dataset": "d", "side": "reporter"})
    >>> latest_years(s, ["X", "Y"])[["reporter", "year", "current"]].to_dict("records")
    [{'reporter': 'A', 'year': 2020, 'current': True}]
    >>> latest_years(s, ["X"])[["year", "old"]].to_dict("records")  # 2021: more than three years before 2025
    [{'year': 2021, 'old': True}]
    """
    wanted = set(partners)
    sub = shares[shares["flow"].eq(flow) & shares["partner"].isin(wanted)]
    columns = ["reporter", "year", "dataset", "side", "current", "old"]
    if sub.empty:
        return pd.DataFrame(columns=columns)
    group = ["reporter", "year"]
    counts = sub.groupby(group)["partner"].nunique()
    ok = counts.eq(len(wanted)) & one_record_set(sub, group, [("dataset", "side")])
    years = ok[ok].reset_index()[group]
    if years.empty:
        return pd.DataFrame(columns=columns)
    last = years.groupby("reporter", as_index=False)["year"].max()
    records = sub.drop_duplicates(group)[[*group, "dataset", "side"]]
    out = last.merge(records, on=group, how="left")
    out["year"] = out["year"].astype("int64")
    out["current"] = out["year"].ge(CURRENT_FROM)
    out["old"] = out["year"].lt(REFERENCE_YEAR - OLD_AFTER)
    return out[columns].sort_values("reporter", kind="stable").reset_index(drop=True)


def check_shares(shares: pd.DataFrame, limit: float = 100.0) -> pd.DataFrame:
    """Return ``shares`` unchanged, or raise :class:`ShareError` naming every share above ``limit``."""
    over = shares[shares["share_pct"] > limit + 1e-9]
    if len(over):
        rows = "; ".join(
            f"{r.reporter}-{r.partner} {r.year} {r.flow}: {r.share_pct:.1f}% ({r.source_id} over {r.world_source_id})"
            for r in over.itertuples()
        )
        raise ShareError(f"share above {limit:.0f}% (numerator larger than its world total): {rows}")
    return shares
