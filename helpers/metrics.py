"""Trade-dependence metrics: the series rule, partner shares, concentration, change and overtaking.

Everything starts from ``load_trade()`` (long form, see SCHEMA.md) and returns tidy DataFrames.

The series rule (:func:`select_series`)
---------------------------------------
``trade.csv`` keeps conflicting figures side by side. Charts use ONE value per reporter, partner,
year and flow, picked by this rule (the ``rule`` column says which branch applied):

1. **US$ only.** Rows with a EUR value are left out of every US$ share (they stay in the file).
2. **Totals are derived**: exports + imports of the same reporter, partner, year, side and source
   (flags are the union of both rows' flags). A stored ``total`` is used only where its source
   published no split.
3. **Partial-coverage figures are never picked** (e.g. pipeline gas only): they are not the
   value of the flow.
4. **1992-2020: IMF DOTS** (source ``imf-dots``) wherever it holds the key.

   a. The reporter side (the state's own records) by default.
   b. The partners' mirror series where the reporter value is an IMF estimate built from partner
      data or a fixed-share split (flags ``imf_derived`` / ``imf_fixed_split``: TKM 2004-2020,
      UZB 1995-2015 and a few other cells) or a flagged statistical ``break`` (KAZ-RUS 2010).
   c. A flagged reporter value is kept when no mirror exists (always so for WLD: nobody
      reports the reporter's world total but the reporter), and stays flagged.

5. **2021-2025: page-sourced figures**, by side: reporter (national statistics) > mirror
   (partner customs: GACC, US Census/USTR, Eurostat, TurkStat) > statement (official's figure,
   basis not given) > other (analytic compilations, observers). Within a side: a figure without
   quality flags (partial_coverage, lower_bound, approximate, converted, derived) before one
   with them (fewest and mildest first); then basis goods > goods+services > unclear; then a
   source that published the exports/imports split; then the source id (alphabetical, only
   to be deterministic). Conflicting figures are **never averaged**: :func:`conflicts` lists
   every key where sources disagree.

The source break is carried as data: ``dataset`` (``imf_dots`` or ``pages``), ``source_label``
(dataset + side, for legends and hover) and ``break_before`` (True where the dataset or the side
differs from the previous observed year of the same reporter/partner/flow line), so charts mark
breaks from the data.

Shares (:func:`partner_shares`) divide the selected partner value by the selected WLD value of the
same reporter, year and flow. WLD has no mirror, so a share whose numerator is a mirror value is
"partner-reported trade over the reporter's own world total": the ``share_basis`` column says so.
Such a share can exceed 100 % (China-reported trade with Kyrgyzstan does in several years).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

STATES: tuple[str, ...] = ("KAZ", "KGZ", "TJK", "TKM", "UZB")
PARTNERS: tuple[str, ...] = ("RUS", "CHN", "USA", "EU27", "TUR")
FLOWS: tuple[str, ...] = ("exports", "imports", "total")
KEY: list[str] = ["reporter", "partner", "year", "flow"]
DOTS_SOURCE = "imf-dots"
DOTS_LAST_YEAR = 2020
SIDE_PRIORITY = {"reporter": 0, "mirror": 1, "statement": 2, "other": 3}
BASIS_PRIORITY = {"goods": 0, "goods+services": 1, "unclear": 2}
# Quality flags that make a page figure less preferred, mildest first (position = penalty).
QUALITY_FLAGS = ("derived", "converted", "approximate", "lower_bound")
EXCLUDED_FLAGS = frozenset({"partial_coverage"})
SUBSTITUTE_FLAGS = frozenset({"imf_derived", "imf_fixed_split", "break"})
ESTIMATE_FLAGS = frozenset(
    {"estimate", "imf_derived", "imf_fixed_split", "derived", "approximate", "lower_bound", "preliminary", "converted"}
)
OTHER = "OTHER"
COMBINED = "RUS+CHN"

SOURCE_LABELS = {
    ("imf_dots", "reporter"): "IMF DOTS 1992-2020, reporter side",
    ("imf_dots", "mirror"): "IMF DOTS 1992-2020, mirror (partner-reported)",
    ("pages", "reporter"): "2021+ page figures: national statistics",
    ("pages", "mirror"): "2021+ page figures: partner customs (mirror)",
    ("pages", "statement"): "2021+ page figures: official statement",
    ("pages", "other"): "2021+ page figures: other compilation",
}


class SeriesError(ValueError):
    """The trade frame lacks what a metric needs (columns, flows, partners)."""


# ---------------------------------------------------------------------------
# Preparing rows


def flag_list(value: object) -> list[str]:
    """Normalise a flags cell (list, ``;``-string or missing) to a sorted list."""
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(v) for v in value)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    text = str(value).strip()
    return sorted(part.strip() for part in text.split(";") if part.strip()) if text else []


def _require(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SeriesError(f"trade frame is missing column(s): {', '.join(missing)}")


def usd_rows(trade: pd.DataFrame) -> pd.DataFrame:
    """Rows with a US$ value (EUR rows are left out of US$ shares), flags as sorted lists."""
    _require(trade, ["reporter", "partner", "year", "flow", "value_usd_m", "side", "basis", "flags", "source_id"])
    rows = trade[trade["value_usd_m"].notna()].copy()
    rows["year"] = rows["year"].astype("int64")
    rows["value_usd_m"] = rows["value_usd_m"].astype("float64")
    rows["flags"] = rows["flags"].map(flag_list)
    return rows.reset_index(drop=True)


def with_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """Add ``total`` = exports + imports for every reporter/partner/year/side/source holding both.

    Derived totals get ``total_from_split=True`` and the union of the two rows' flags; stored rows
    get ``total_from_split=False``. Stored totals of a source that also has the split are dropped
    (the loader already rejects them; this keeps the function safe on synthetic frames).
    """
    group = ["reporter", "partner", "year", "side", "source_id"]
    base = rows.copy()
    base["total_from_split"] = False
    split = base[base["flow"].isin(["exports", "imports"])]
    counts = split.groupby(group)["flow"].nunique()
    both = counts[counts == 2].index
    if len(both) == 0:
        return base.reset_index(drop=True)
    pairs = split.set_index(group).loc[both].reset_index()
    derived = pairs.groupby(group, sort=True).agg(
        value_usd_m=("value_usd_m", "sum"),
        basis=("basis", lambda b: b.iloc[0] if b.nunique() == 1 else "unclear"),
        flags=("flags", lambda f: sorted({x for item in f for x in item})),
    )
    derived = derived.reset_index()
    derived["flow"] = "total"
    derived["total_from_split"] = True
    derived["note"] = "total = exports + imports (derived in code)"
    keyset = set(map(tuple, derived[group].to_numpy().tolist()))
    stored_total = base["flow"].eq("total") & base[group].apply(tuple, axis=1).isin(keyset)
    base = base[~stored_total]
    out = pd.concat([base, derived], ignore_index=True)
    return out.sort_values([*KEY, "side", "source_id"], kind="stable").reset_index(drop=True)


def _dataset(rows: pd.DataFrame) -> pd.Series:
    dots = rows["source_id"].eq(DOTS_SOURCE) & rows["year"].le(DOTS_LAST_YEAR)
    return pd.Series(np.where(dots, "imf_dots", "pages"), index=rows.index)


def candidate_rows(trade: pd.DataFrame) -> pd.DataFrame:
    """All US$ rows (derived totals included) with ``dataset`` and ranking columns, before the pick."""
    rows = with_totals(usd_rows(trade))
    rows["dataset"] = _dataset(rows)
    rows["excluded"] = rows["flags"].map(lambda f: bool(EXCLUDED_FLAGS & set(f)))
    rows["substitute"] = rows["flags"].map(lambda f: bool(SUBSTITUTE_FLAGS & set(f))) & rows["side"].eq("reporter")
    rows["quality_rank"] = rows["flags"].map(
        lambda f: sum(10 ** QUALITY_FLAGS.index(x) for x in f if x in QUALITY_FLAGS)
    )
    return rows


# ---------------------------------------------------------------------------
# The series rule


def select_series(trade: pd.DataFrame, side: str | None = None) -> pd.DataFrame:
    """One value per reporter, partner, year and flow for charts, with the reason it was chosen.

    Parameters
    ----------
    trade : the frame from ``load_trade()``.
    side : None for the documented rule (see the module docstring). ``"reporter"`` or
        ``"mirror"`` keeps only that side for partner values (WLD always comes from the rule),
        to show how the picture differs by side; the IMF-estimate substitution is then off.

    Returns
    -------
    DataFrame with ``reporter, partner, year, flow, value_usd_m, side, basis, flags, source_id,
    dataset, source_label, rule, n_alternatives, estimate, break_before`` sorted by key.
    """
    rows = candidate_rows(trade)
    rows = rows[~rows["excluded"]].copy()
    if side is not None:
        if side not in SIDE_PRIORITY:
            raise SeriesError(f"side must be one of {', '.join(SIDE_PRIORITY)}, not {side!r}")
        rows = rows[rows["partner"].eq("WLD") | rows["side"].eq(side)].copy()
    keys = rows.groupby(KEY)
    has_dots = keys["dataset"].transform(lambda d: (d == "imf_dots").any())
    rows = rows[~has_dots | rows["dataset"].eq("imf_dots")].copy()
    dots = rows["dataset"].eq("imf_dots")
    use_substitution = side is None
    dots_rank = np.where(rows["side"].eq("reporter"), np.where(rows["substitute"] & use_substitution, 2, 0), 1)
    rows["rank_side"] = np.where(dots, dots_rank, rows["side"].map(SIDE_PRIORITY).fillna(9))
    rows["rank_basis"] = rows["basis"].map(BASIS_PRIORITY).fillna(9)
    rows["rank_split"] = (~rows["total_from_split"]).astype(int)
    rows["n_alternatives"] = rows.groupby(KEY)["value_usd_m"].transform("size") - 1
    reporter_flagged = rows.groupby(KEY)["substitute"].transform("any")
    rows["reporter_flagged"] = reporter_flagged
    ordered = rows.sort_values(
        [*KEY, "rank_side", "quality_rank", "rank_basis", "rank_split", "source_id"], kind="stable"
    )
    chosen = ordered.drop_duplicates(KEY, keep="first").copy()
    chosen["rule"] = [_why(r, use_substitution) for r in chosen.itertuples(index=False)]
    chosen["source_label"] = [
        SOURCE_LABELS.get((d, s), f"{d}, {s}") for d, s in zip(chosen["dataset"], chosen["side"], strict=True)
    ]
    chosen["estimate"] = chosen["flags"].map(lambda f: bool(ESTIMATE_FLAGS & set(f)))
    columns = [
        *KEY,
        "value_usd_m",
        "side",
        "basis",
        "flags",
        "source_id",
        "dataset",
        "source_label",
        "rule",
        "n_alternatives",
        "estimate",
        "total_from_split",
    ]
    out = chosen[columns].sort_values(KEY, kind="stable").reset_index(drop=True)
    out["break_before"] = mark_breaks(out)
    return out


def _why(row: object, use_substitution: bool) -> str:
    side, dataset = row.side, row.dataset
    if dataset == "imf_dots":
        if side == "mirror" and row.reporter_flagged and use_substitution:
            return "IMF DOTS: reporter value is an IMF estimate/fixed split/break, partners' mirror series used"
        if side == "mirror":
            return "IMF DOTS: no reporter value, mirror used"
        if row.substitute:
            return "IMF DOTS: reporter value is an IMF estimate and no mirror exists; kept and flagged"
        return "IMF DOTS: reporter side (default)"
    text = f"2021+ page figures: {side} chosen by priority reporter > mirror > statement > other"
    if row.n_alternatives:
        text += f"; {row.n_alternatives} other figure(s) listed by conflicts()"
    return text


def mark_breaks(series: pd.DataFrame) -> pd.Series:
    """True where the dataset or side differs from the previous observed year of the same line."""
    line = ["reporter", "partner", "flow"]
    ordered = series.sort_values([*line, "year"], kind="stable")
    label = ordered["dataset"] + "|" + ordered["side"]
    previous = label.groupby([ordered[c] for c in line]).shift(1)
    changed = previous.notna() & previous.ne(label)
    return changed.reindex(series.index).astype(bool)


def conflicts(trade: pd.DataFrame, dataset: str | None = "pages", tolerance: float = 0.005) -> pd.DataFrame:
    """Every key (reporter, partner, year, flow) where US$ figures differ, side by side.

    Parameters
    ----------
    dataset : ``"pages"`` (default: 2021+ and page figures), ``"imf_dots"`` (reporter vs
        mirror in DOTS) or None for all.
    tolerance : relative spread (max/min - 1) below which figures count as the same.

    Returns
    -------
    One row per figure with ``spread_pct`` (max/min - 1, in %) of its key and ``chosen`` (True
    for the figure :func:`select_series` uses), sorted by key and side priority.
    """
    rows = candidate_rows(trade)
    if dataset is not None:
        rows = rows[rows["dataset"].eq(dataset)]
    stats = rows.groupby(KEY)["value_usd_m"].agg(["min", "max", "size"])
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(stats["min"] > 0, stats["max"] / stats["min"] - 1, np.inf)
    stats["spread_pct"] = 100 * spread
    keep = stats[(stats["size"] > 1) & (stats["spread_pct"] > 100 * tolerance)]
    out = rows.merge(keep[["spread_pct"]].reset_index(), on=KEY)
    chosen = select_series(trade)[[*KEY, "side", "source_id"]].drop_duplicates()
    chosen["chosen"] = True
    out = out.merge(chosen, on=[*KEY, "side", "source_id"], how="left")
    out["chosen"] = out["chosen"].fillna(False).astype(bool)
    out["side_rank"] = out["side"].map(SIDE_PRIORITY)
    out = out.sort_values([*KEY, "side_rank", "source_id"], kind="stable")
    columns = [*KEY, "value_usd_m", "side", "basis", "flags", "source_id", "dataset", "spread_pct", "chosen"]
    return out[columns].reset_index(drop=True)


# ---------------------------------------------------------------------------
# Shares


def share_basis(numerator_side: str, denominator_side: str) -> str:
    """Plain-words label of what a share divides by what."""
    if numerator_side == "mirror":
        return f"partner-reported trade over the reporter's world total ({denominator_side})"
    if numerator_side == denominator_side:
        return f"{numerator_side} / {denominator_side} world total"
    return f"{numerator_side} partner figure over {denominator_side} world total (mixed sides)"


def partner_shares(series: pd.DataFrame) -> pd.DataFrame:
    """Partner value / world value (in %) by reporter, year and flow, from a selected series.

    Parameters
    ----------
    series : output of :func:`select_series` (any ``side``).

    Returns
    -------
    One row per reporter, partner (not WLD), year, flow with a world value: ``share_pct``,
    ``value_usd_m``, ``world_usd_m``, ``side`` (numerator), ``world_side``, ``share_basis``,
    ``source_label``, ``dataset``, ``consistent_dataset`` (numerator and denominator from the same
    dataset), ``estimate`` (either part flagged), ``flags``, ``break_before``, source ids.
    A partner with no value has no row (missing stays missing, it is never 0).
    """
    world = series[series["partner"].eq("WLD")][
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
    parts = series[~series["partner"].eq("WLD") & series["value_usd_m"].notna()]
    out = parts.merge(world, on=["reporter", "year", "flow"], how="inner")
    out = out[out["world_usd_m"] > 0].copy()
    out["share_pct"] = 100 * out["value_usd_m"] / out["world_usd_m"]
    out["share_basis"] = [share_basis(n, d) for n, d in zip(out["side"], out["world_side"], strict=True)]
    out["consistent_dataset"] = out["dataset"].eq(out["world_dataset"])
    out["estimate"] = out["estimate"] | out["world_estimate"]
    out["flags"] = [sorted(set(a) | set(b)) for a, b in zip(out["flags"], out["world_flags"], strict=True)]
    columns = [
        *KEY,
        "share_pct",
        "value_usd_m",
        "world_usd_m",
        "side",
        "world_side",
        "share_basis",
        "source_label",
        "dataset",
        "consistent_dataset",
        "estimate",
        "flags",
        "break_before",
        "source_id",
        "world_source_id",
    ]
    return out[columns].sort_values(KEY, kind="stable").reset_index(drop=True)


def _n_sides(shares: pd.DataFrame, group: list[str]) -> pd.Series:
    """Number of distinct sides among the numerators and the world totals of each group."""
    both = pd.concat([shares[[*group, "side"]], shares[[*group, "world_side"]].rename(columns={"world_side": "side"})])
    return both.groupby(group)["side"].nunique()


def combined_share(
    shares: pd.DataFrame, partners: Sequence[str] = ("RUS", "CHN"), name: str = COMBINED
) -> pd.DataFrame:
    """Sum of several partners' shares where ALL are present for the reporter, year and flow.

    ``consistent`` is True when every part comes from the same dataset and, for 2021+ page
    figures, the same side as each other and as the world total (in IMF DOTS years the series
    rule itself is the consistent basis, so a mirror numerator for one partner under the
    IMF-estimate rule still counts). Mixed-side sums
    (GACC + a Russian statement) are kept but marked ``consistent=False``; ``side`` reads e.g.
    ``CHN:mirror;RUS:statement``.
    """
    parts = shares[shares["partner"].isin(partners)]
    group = ["reporter", "year", "flow"]
    agg = parts.groupby(group).agg(
        n=("partner", "nunique"),
        share_pct=("share_pct", "sum"),
        value_usd_m=("value_usd_m", "sum"),
        world_usd_m=("world_usd_m", "first"),
        n_datasets=("dataset", "nunique"),
        dataset=("dataset", "first"),
        estimate=("estimate", "any"),
        break_before=("break_before", "any"),
    )
    agg["n_sides"] = _n_sides(parts, group)
    sides = (
        parts.sort_values("partner")
        .groupby(group)
        .apply(
            lambda g: ";".join(f"{p}:{s}" for p, s in zip(g["partner"], g["side"], strict=True)), include_groups=False
        )
    )
    agg["side"] = sides
    agg = agg[agg["n"] == len(set(partners))].reset_index()
    agg["partner"] = name
    agg["consistent"] = (agg["n_datasets"] == 1) & ((agg["n_sides"] == 1) | agg["dataset"].eq("imf_dots"))
    columns = ["reporter", "partner", "year", "flow", "share_pct", "value_usd_m", "world_usd_m", "side", "consistent"]
    return agg[[*columns, "dataset", "estimate", "break_before"]].sort_values(KEY, kind="stable").reset_index(drop=True)


def concentration(shares: pd.DataFrame, partners: Sequence[str] = PARTNERS) -> pd.DataFrame:
    """Rest-of-world share and the Herfindahl-Hirschman index by reporter, year and flow.

    ``rest_pct`` = 100 - sum of the named partners' shares, computed only when every partner has a
    share. If the partners sum to more than the world total (possible when a mirror numerator is
    set over the reporter's world total, or sources differ), ``rest_pct`` is set to 0 and
    ``rest_negative`` flags it; the HHI is then missing (reason given), since the shares are not a
    partition of trade.

    HHI = sum of squared shares in percentage points over the named partners plus the rest of the
    world as ONE block (0-10,000). Caveat: treating the rest of the world as a single partner
    overstates concentration when that block is large; read the HHI as concentration on the
    named partners, comparable over time for one reporter, not as a full partner HHI.
    """
    group = ["reporter", "year", "flow"]
    parts = shares[shares["partner"].isin(partners)]
    agg = parts.groupby(group).agg(
        n=("partner", "nunique"),
        named_pct=("share_pct", "sum"),
        squares=("share_pct", lambda s: float((s**2).sum())),
        estimate=("estimate", "any"),
        break_before=("break_before", "any"),
        n_sides=("side", "nunique"),
    )
    agg = agg.reset_index()
    complete = agg["n"].eq(len(set(partners)))
    raw_rest = 100 - agg["named_pct"]
    agg["rest_raw_pct"] = np.where(complete, raw_rest, np.nan)
    agg["rest_negative"] = complete & (raw_rest < 0)
    agg["rest_pct"] = np.where(complete, raw_rest.clip(lower=0), np.nan)
    ok = complete & ~agg["rest_negative"]
    agg["hhi"] = np.where(ok, agg["squares"] + raw_rest.clip(lower=0) ** 2, np.nan)
    agg["reason"] = np.select(
        [~complete, agg["rest_negative"]],
        [
            "not every named partner has a share this year",
            "named partners exceed the world total (mixed sides/sources): rest of world would be negative",
        ],
        default="",
    )
    columns = [*group, "hhi", "rest_pct", "rest_raw_pct", "rest_negative", "named_pct", "estimate", "break_before"]
    return agg[[*columns, "reason"]].sort_values(group, kind="stable").reset_index(drop=True)


def rest_of_world(shares: pd.DataFrame, partners: Sequence[str] = PARTNERS) -> pd.DataFrame:
    """Rest-of-world rows (partner ``OTHER``) in the layout of :func:`partner_shares`."""
    conc = concentration(shares, partners)
    conc = conc[conc["rest_pct"].notna()]
    out = pd.DataFrame(
        {
            "reporter": conc["reporter"],
            "partner": OTHER,
            "year": conc["year"],
            "flow": conc["flow"],
            "share_pct": conc["rest_pct"],
            "rest_negative": conc["rest_negative"],
            "estimate": conc["estimate"],
        }
    )
    return out.reset_index(drop=True)


def share_changes(shares: pd.DataFrame, base_years: Sequence[int] = (2000, 2021)) -> pd.DataFrame:
    """Share in each base year, in the latest year, and the change (percentage points).

    One row per reporter, partner and flow. ``latest_year`` is the last year with a share;
    ``change_vs_<base>_pp`` = latest - base (missing when either is). ``dataset_break_vs_<base>``
    is True when the base and the latest value come from different datasets (IMF DOTS vs
    2021+ page figures): such a change spans a source break.
    """
    line = ["reporter", "partner", "flow"]
    ordered = shares.sort_values([*line, "year"], kind="stable")
    latest = ordered.groupby(line).tail(1).set_index(line)
    out = pd.DataFrame(
        {
            "latest_year": latest["year"],
            "latest_pct": latest["share_pct"],
            "latest_side": latest["side"],
        }
    )
    latest_dataset = latest["dataset"] if "dataset" in latest else pd.Series("", index=latest.index)
    for base in base_years:
        at = ordered[ordered["year"].eq(base)].set_index(line)
        out[f"pct_{base}"] = at["share_pct"].reindex(out.index)
        out[f"change_vs_{base}_pp"] = out["latest_pct"] - out[f"pct_{base}"]
        if "dataset" in at:
            base_dataset = at["dataset"].reindex(out.index)
            out[f"dataset_break_vs_{base}"] = base_dataset.notna() & base_dataset.ne(latest_dataset)
    return out.reset_index().sort_values(line, kind="stable").reset_index(drop=True)


def overtake_year(
    series: pd.DataFrame, leader: str = "CHN", laggard: str = "RUS", same_side: bool = True
) -> pd.DataFrame:
    """The year ``leader`` overtook ``laggard`` for good, per reporter and flow.

    Definition: compare the two partners' values for the same reporter, year and flow (the world
    denominator is common, so comparing values = comparing shares), only in years where both are
    observed and, with ``same_side=True``, come from the same dataset and (2021+ page figures) the
    same side: IMF DOTS years follow the series rule. ``overtake_year``
    is the first year of the final run in which the leader is ahead in every compared year up to
    the last compared year ("overtook and stayed above"); missing, with a reason, when the laggard
    is still ahead (or equal) in the last compared year. ``first_ahead_year`` is the first year
    the leader was ever ahead.
    """
    wide = series[series["partner"].isin([leader, laggard])]
    cols = ["reporter", "year", "flow"]
    a = wide[wide["partner"].eq(leader)].set_index(cols)
    b = wide[wide["partner"].eq(laggard)].set_index(cols)
    both = a[["value_usd_m", "side", "dataset"]].merge(
        b[["value_usd_m", "side", "dataset"]], left_index=True, right_index=True, suffixes=("_lead", "_lag")
    )
    if same_side:
        same_dataset = both["dataset_lead"].eq(both["dataset_lag"])
        both = both[same_dataset & (both["side_lead"].eq(both["side_lag"]) | both["dataset_lead"].eq("imf_dots"))]
    both = both.reset_index().sort_values(cols, kind="stable")
    records = []
    for (reporter, flow), group in both.groupby(["reporter", "flow"], sort=True):
        ahead = (group["value_usd_m_lead"] > group["value_usd_m_lag"]).to_numpy()
        years = group["year"].to_numpy()
        record = {
            "reporter": reporter,
            "flow": flow,
            "first_ahead_year": int(years[ahead][0]) if ahead.any() else pd.NA,
            "last_compared_year": int(years[-1]),
            "n_years_compared": len(years),
            "overtake_year": pd.NA,
            "reason": "",
        }
        if ahead[-1]:
            behind = np.flatnonzero(~ahead)
            start = behind[-1] + 1 if len(behind) else 0
            record["overtake_year"] = int(years[start])
            if start == 0:
                record["reason"] = "ahead in every compared year (overtake, if any, was earlier)"
        else:
            record["reason"] = f"{laggard} ahead or equal in the last compared year"
        records.append(record)
    out = pd.DataFrame.from_records(
        records,
        columns=[
            "reporter",
            "flow",
            "overtake_year",
            "first_ahead_year",
            "last_compared_year",
            "n_years_compared",
            "reason",
        ],
    )
    for col in ("overtake_year", "first_ahead_year"):
        out[col] = out[col].astype("Int64")
    return out


# ---------------------------------------------------------------------------
# Region and snapshots


def region_series(series: pd.DataFrame, members: Sequence[str] = STATES, code: str = "CA5") -> pd.DataFrame:
    """Sum of the member states' selected values, only where every member has one.

    A key is summed (``complete``) only when every member has a value from the same dataset and,
    for 2021+ page figures, the same side (IMF DOTS years follow the series rule, so ``side``
    may read ``mixed``: TKM/UZB mirror values under the IMF-estimate rule). Other keys keep a
    missing value, with ``members_missing`` and ``reason`` saying why.
    """
    rows = series[series["reporter"].isin(members)]
    group = ["partner", "year", "flow"]
    agg = rows.groupby(group).agg(
        value_usd_m=("value_usd_m", "sum"),
        n=("reporter", "nunique"),
        members=("reporter", lambda r: ";".join(sorted(r))),
        n_datasets=("dataset", "nunique"),
        dataset=("dataset", "first"),
        n_sides=("side", "nunique"),
        side=("side", "first"),
        estimate=("estimate", "any"),
    )
    agg = agg.reset_index()
    all_members = agg["n"].eq(len(set(members)))
    one_basis = agg["n_datasets"].eq(1) & (agg["dataset"].eq("imf_dots") | agg["n_sides"].eq(1))
    agg["complete"] = all_members & one_basis
    agg["members_missing"] = agg["members"].map(lambda m: ";".join(sorted(set(members) - set(m.split(";")))))
    agg["reason"] = np.select(
        [~all_members, ~one_basis],
        ["members without a value: " + agg["members_missing"], "members' values come from different sides/datasets"],
        default="",
    )
    agg["source_label"] = [SOURCE_LABELS.get((d, "reporter"), d).split(",")[0] for d in agg["dataset"]]
    agg["side"] = np.where(agg["n_sides"] > 1, "mixed", agg["side"])
    agg.loc[~agg["complete"], "value_usd_m"] = np.nan
    agg["reporter"] = code
    agg["flags"] = [[] for _ in range(len(agg))]
    agg["source_id"] = ""
    agg["break_before"] = False
    columns = [*KEY, "value_usd_m", "side", "dataset", "source_label", "estimate", "complete", "members_missing"]
    return (
        agg[[*columns, "reason", "flags", "source_id", "break_before"]]
        .sort_values(KEY, kind="stable")
        .reset_index(drop=True)
    )


def share_snapshot(
    trade: pd.DataFrame,
    partners: Sequence[str] = ("CHN", "RUS"),
    year: int | None = None,
    flow: str = "total",
    reporters: Sequence[str] = STATES,
    consistent: bool = False,
) -> pd.DataFrame:
    """Shares of the given partners per reporter for one year, or the latest year available.

    With ``year=None`` the year is, per reporter, the latest year in which every requested partner
    has a share (so the partners are compared in the same year); ``consistent=True`` further
    requires all of them to come from the same dataset and, for 2021+ figures, the same side as
    each other and as the world total.
    A missing value stays missing (NaN) and ``reason`` says why; it is never 0.

    Returns
    -------
    One row per reporter and partner: ``year, share_pct, side, world_side, share_basis,
    source_label, estimate, reason``.

    Examples
    --------
    >>> share_snapshot(load_trade(), partners=("CHN", "RUS"))  # doctest: +SKIP
    """
    if flow not in FLOWS:
        raise SeriesError(f"flow must be one of {', '.join(FLOWS)}, not {flow!r}")
    shares = partner_shares(select_series(trade))
    shares = shares[shares["flow"].eq(flow) & shares["partner"].isin(partners)]
    records = []
    for reporter in reporters:
        own = shares[shares["reporter"].eq(reporter)]
        per_year = own.groupby("year").agg(
            n=("partner", "nunique"), ds=("dataset", "nunique"), first=("dataset", "first")
        )
        per_year["sides"] = _n_sides(own, ["year"])
        ok = per_year["n"].eq(len(set(partners)))
        if consistent:
            ok &= per_year["ds"].eq(1) & (per_year["sides"].eq(1) | per_year["first"].eq("imf_dots"))
        if year is not None:
            chosen_year, reason = (
                (year, "") if year in per_year.index[ok] else (year, _missing_reason(own, year, partners))
            )
        elif ok.any():
            chosen_year, reason = int(per_year.index[ok].max()), ""
        else:
            chosen_year, reason = (
                None,
                "no year with a share for every requested partner" + (" from one side" if consistent else ""),
            )
        for partner in partners:
            hit = (
                own[own["partner"].eq(partner) & own["year"].eq(chosen_year)]
                if chosen_year is not None
                else own.iloc[:0]
            )
            if len(hit) and not reason:
                row = hit.iloc[0]
                records.append(
                    {
                        "reporter": reporter,
                        "partner": partner,
                        "year": chosen_year,
                        "share_pct": float(row["share_pct"]),
                        "side": row["side"],
                        "world_side": row["world_side"],
                        "share_basis": row["share_basis"],
                        "source_label": row["source_label"],
                        "estimate": bool(row["estimate"]),
                        "reason": "",
                    }
                )
            else:
                records.append(
                    {
                        "reporter": reporter,
                        "partner": partner,
                        "year": chosen_year,
                        "share_pct": np.nan,
                        "side": None,
                        "world_side": None,
                        "share_basis": None,
                        "source_label": None,
                        "estimate": False,
                        "reason": reason or "no share for this partner in that year",
                    }
                )
    out = pd.DataFrame.from_records(records)
    out["year"] = out["year"].astype("Int64")
    return out


def _missing_reason(own: pd.DataFrame, year: int, partners: Sequence[str]) -> str:
    present = set(own.loc[own["year"].eq(year), "partner"])
    lacking = [p for p in partners if p not in present]
    if lacking:
        return f"no {'/'.join(lacking)} share in {year} (partner value or world total missing)"
    return f"shares in {year} come from different sides"


def shares_at_years(
    combined: pd.DataFrame, base_years: Sequence[int] = (2000, 2021), flow: str = "total"
) -> pd.DataFrame:
    """One row per reporter: a (combined) share in each base year and in the latest year.

    ``latest_*`` is the latest year on a consistent basis (``consistent`` True: one dataset and,
    2021+, one side); ``latest_any_*`` the latest year on any basis, which may mix sides. Each
    value carries its side label; a year without a value stays missing.
    """
    data = combined[combined["flow"].eq(flow)].sort_values(["reporter", "year"], kind="stable")
    records = []
    for reporter, own in data.groupby("reporter", sort=True):
        record: dict[str, object] = {"reporter": reporter}
        for base in base_years:
            hit = own[own["year"].eq(base)]
            record[f"pct_{base}"] = float(hit["share_pct"].iloc[0]) if len(hit) else np.nan
            record[f"side_{base}"] = hit["side"].iloc[0] if len(hit) else ""
        for prefix, pool in (("latest", own[own["consistent"]]), ("latest_any", own)):
            last = pool.tail(1)
            record[f"{prefix}_year"] = int(last["year"].iloc[0]) if len(last) else pd.NA
            record[f"{prefix}_pct"] = float(last["share_pct"].iloc[0]) if len(last) else np.nan
            record[f"{prefix}_side"] = last["side"].iloc[0] if len(last) else ""
            record[f"{prefix}_dataset"] = last["dataset"].iloc[0] if len(last) else ""
        records.append(record)
    out = pd.DataFrame.from_records(records)
    for col in ("latest_year", "latest_any_year"):
        out[col] = out[col].astype("Int64")
    return out
