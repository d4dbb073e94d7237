"""The series rule: one trade value per reporter, partner, year and flow, with why it was chosen.

``trade.csv`` keeps conflicting figures side by side. Charts use ONE value per reporter, partner,
year and flow, picked by this rule (the ``rule`` column says which branch applied):

1. **US$ only.** Rows with a EUR value are left out of every US$ share (they stay in the file).
2. **Totals are derived**: exports + imports of the same reporter, partner, year, side and source
   (flags are the union of both rows' flags). A stored ``total`` is used only where its source
   published no split.
3. **Partial-coverage and superseded figures are never picked** (pipeline gas only; a page figure that
   differs from the agency table it quotes, see data/README.md).
4. **1992-2020: IMF DOTS** wherever it holds the key: the reporter side by default; the partners'
   mirror series where the reporter value is an IMF estimate built from partner data or a
   fixed-share split (flags ``imf_derived`` / ``imf_fixed_split``) or a flagged ``break``; a
   flagged reporter value is kept (and stays flagged) when no mirror exists.
5. **Other datasets** (national statistics, partner records, statements, other compilations), by
   side: reporter > mirror > statement > other; within a side a figure without quality flags
   first, then basis goods > goods+services > unclear, then a source that published the split,
   then the source id. Conflicting figures are **never averaged**: :func:`conflicts` lists them.

Every value carries its ``dataset`` (the table's ``dataset`` column, or derived:
:func:`helpers.compute.rules.dataset_of`), its ``side`` and ``break_before`` (True where the
records differ from the previous observed year of the same line), so charts break lines from the
data. Which values may be divided or joined is :func:`helpers.compute.rules.same_records`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.codes import IMF_DOTS, SIDE_WORDS, source_label
from helpers.compute.cache import cached_on_content
from helpers.compute.rules import RuleError, dataset_of, records_key, require

KEY: list[str] = ["reporter", "partner", "year", "flow"]
SIDE_PRIORITY = {"reporter": 0, "mirror": 1, "statement": 2, "other": 3}
BASIS_PRIORITY = {"goods": 0, "goods+services": 1, "unclear": 2}
# Quality flags that make a figure less preferred, mildest first (position = penalty).
QUALITY_FLAGS = ("derived", "converted", "approximate", "lower_bound")
# Never picked: partial coverage (not the value of the flow) and page figures superseded by the agency table.
EXCLUDED_FLAGS = frozenset({"partial_coverage", "superseded"})
SUBSTITUTE_FLAGS = frozenset({"imf_derived", "imf_fixed_split", "break"})
ESTIMATE_FLAGS = frozenset(
    {"estimate", "imf_derived", "imf_fixed_split", "derived", "approximate", "lower_bound", "preliminary", "converted"}
)


class SeriesError(RuleError):
    """The trade frame lacks what a metric needs (columns, flows, partners)."""


def flag_list(value: object) -> list[str]:
    """Normalise a flags cell (list, ``;``-string or missing) to a sorted list.

    >>> flag_list("preliminary;estimate")
    ['estimate', 'preliminary']
    """
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(v) for v in value)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return []
    text = str(value).strip()
    return sorted(part.strip() for part in text.split(";") if part.strip()) if text else []


def usd_rows(trade: pd.DataFrame) -> pd.DataFrame:
    """Rows with a US$ value (EUR rows are left out of US$ shares), flags as sorted lists, with ``dataset``."""
    require(trade, ["reporter", "partner", "year", "flow", "value_usd_m", "side", "basis", "flags", "source_id"])
    rows = trade[trade["value_usd_m"].notna()].copy()
    rows["year"] = rows["year"].astype("int64")
    rows["value_usd_m"] = rows["value_usd_m"].astype("float64")
    rows["flags"] = rows["flags"].map(flag_list)
    rows["dataset"] = dataset_of(rows)
    return rows.reset_index(drop=True)


def with_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """Add ``total`` = exports + imports where both come from the same records.

    Figures the rule never picks (``EXCLUDED_FLAGS``: superseded page figures, partial coverage)
    are set aside FIRST, so they never block or join a pair: they are paired only among
    themselves. Then the two flows are paired within one reporter, partner, year, dataset and
    side: when that group holds exactly one exports and one imports row they are paired even if
    their sources differ (an agency publishing exports and imports as two tables); otherwise only
    rows of the same source are paired. Derived totals get ``total_from_split=True``, the union of
    the two rows' flags and the exports row's source id; stored totals of the paired sources are
    dropped (the loader already rejects them; this keeps the function safe on synthetic frames).
    """
    records = ["reporter", "partner", "year", "dataset", "side", "set_aside"]
    base = rows.copy()
    base["total_from_split"] = False
    base["set_aside"] = base["flags"].map(lambda f: bool(EXCLUDED_FLAGS & set(f)))
    split = base[base["flow"].isin(["exports", "imports"])].copy()
    size = split.groupby(records)["flow"].transform("size")
    kinds = split.groupby(records)["flow"].transform("nunique")
    split["pair"] = np.where(size.eq(2) & kinds.eq(2), "", split["source_id"])
    group = [*records, "pair"]
    counts = split.groupby(group)["flow"].nunique()
    both = counts[counts == 2].index
    if len(both) == 0:
        return base.drop(columns="set_aside").reset_index(drop=True)
    pairs = split.set_index(group).loc[both].reset_index().sort_values([*group, "flow"], kind="stable")
    derived = pairs.groupby(group, sort=True).agg(
        value_usd_m=("value_usd_m", "sum"),
        basis=("basis", lambda b: b.iloc[0] if b.nunique() == 1 else "unclear"),
        flags=("flags", lambda f: sorted({x for item in f for x in item})),
        source_id=("source_id", "first"),
    )
    derived = derived.reset_index().drop(columns="pair")
    derived["flow"] = "total"
    derived["total_from_split"] = True
    derived["note"] = "total = exports + imports (derived in code)"
    paired = set(map(tuple, pairs[[*records, "source_id"]].to_numpy().tolist()))
    stored_total = base["flow"].eq("total") & base[[*records, "source_id"]].apply(tuple, axis=1).isin(paired)
    base = base[~stored_total]
    out = pd.concat([base, derived], ignore_index=True).drop(columns="set_aside")
    return out.sort_values([*KEY, "side", "source_id"], kind="stable").reset_index(drop=True)


def candidate_rows(trade: pd.DataFrame) -> pd.DataFrame:
    """All US$ rows (derived totals included) with ``dataset`` and ranking columns, before the pick."""
    rows = with_totals(usd_rows(trade))
    rows["excluded"] = rows["flags"].map(lambda f: bool(EXCLUDED_FLAGS & set(f)))
    rows["substitute"] = rows["flags"].map(lambda f: bool(SUBSTITUTE_FLAGS & set(f))) & rows["side"].eq("reporter")
    rows["quality_rank"] = rows["flags"].map(
        lambda f: sum(10 ** QUALITY_FLAGS.index(x) for x in f if x in QUALITY_FLAGS)
    )
    return rows


# ---------------------------------------------------------------------------
# The series rule


@cached_on_content  # computed once per kernel for the same data (helpers/compute/cache.py)
def select_series(trade: pd.DataFrame, side: str | None = None) -> pd.DataFrame:
    """One value per reporter, partner, year and flow for charts, with the reason it was chosen.

    Parameters
    ----------
    trade : pandas.DataFrame
        The frame from ``load_trade()``.
    side : str or None
        None for the documented rule (see the module docstring). ``"reporter"`` or ``"mirror"``
        keeps only that side for partner values (WLD always comes from the rule), to show how
        the picture differs by side; the IMF-estimate substitution is then off.

    Returns
    -------
    pandas.DataFrame
        ``reporter, partner, year, flow, value_usd_m, side, basis, flags, source_id,
    dataset, source_label, rule, n_alternatives, estimate, break_before`` sorted by key.
    """
    rows = candidate_rows(trade)
    rows = rows[~rows["excluded"]].copy()
    if side is not None:
        if side not in SIDE_PRIORITY:
            raise SeriesError(f"side must be one of {', '.join(SIDE_PRIORITY)}, not {side!r}")
        rows = rows[rows["partner"].eq("WLD") | rows["side"].eq(side)].copy()
    has_dots = rows["dataset"].eq(IMF_DOTS).groupby([rows[k] for k in KEY]).transform("any")
    rows = rows[~has_dots | rows["dataset"].eq(IMF_DOTS)].copy()
    dots = rows["dataset"].eq(IMF_DOTS)
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
    chosen["source_label"] = [source_label(d, s) for d, s in zip(chosen["dataset"], chosen["side"], strict=True)]
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
    if dataset == IMF_DOTS:
        if side == "mirror" and row.reporter_flagged and use_substitution:
            return "IMF DOTS: reporter value is an IMF estimate/fixed split/break, partners' mirror series used"
        if side == "mirror":
            return "IMF DOTS: no reporter value, mirror used"
        if row.substitute:
            return "IMF DOTS: reporter value is an IMF estimate and no mirror exists; kept and flagged"
        return "IMF DOTS: reporter side (default)"
    text = f"After IMF DOTS: {SIDE_WORDS.get(side, side)} chosen (own records, then partner records, then statements)"
    if row.n_alternatives:
        text += f"; {row.n_alternatives} other figure(s) listed with the conflicting figures"
    return text


def mark_breaks(series: pd.DataFrame) -> pd.Series:
    """True where the dataset or side differs from the previous observed year of the same line.

    The one line-break rule: series, shares and ratios call it again after dropping rows.
    """
    line = ["reporter", "partner", "flow"]
    ordered = series.sort_values([*line, "year"], kind="stable")
    label = records_key(ordered)
    previous = label.groupby([ordered[c] for c in line]).shift(1)
    changed = previous.notna() & previous.ne(label)
    return changed.reindex(series.index).astype(bool)


def conflicts(trade: pd.DataFrame, imf: bool = False, tolerance: float = 0.005) -> pd.DataFrame:
    """Every key (reporter, partner, year, flow) where US$ figures differ, side by side.

    Parameters
    ----------
    trade : pandas.DataFrame
        The frame from ``load_trade()``.
    imf : bool
        False (default): every figure outside IMF DOTS; True: IMF DOTS reporter vs mirror.
    tolerance : float
        Relative spread (max/min - 1) below which figures count as the same.

    Returns
    -------
    One row per figure with ``spread_pct`` (max/min - 1, in %) of its key and ``chosen`` (True
    for the figure :func:`select_series` uses), sorted by key and side priority.
    """
    rows = candidate_rows(trade)
    rows = rows[rows["dataset"].eq(IMF_DOTS) == imf]
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
