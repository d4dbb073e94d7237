"""The rules on page rows: duplicates folded, totals beside a split, share-derived figures, agency repeats."""

# ruff: noqa: RUF001  (Russian names, en dashes and signs in the agencies' tables and notes are meant)
from __future__ import annotations

import re

import pandas as pd

from pipeline.schema import KEY, join_flags


def drop_redundant_totals(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Drop a `total` where the same source and side also give exports and imports (totals are derived in code)."""
    log: list[str] = []
    group = ["reporter", "partner", "year", "side", "source_id"]
    flows = frame.groupby(group)["flow"].agg(set)
    drop = []
    for idx, r in frame[frame["flow"] == "total"].iterrows():
        key = tuple(r[c] for c in group)
        if {"exports", "imports"} <= flows[key]:
            value = r["value_usd_m"] if pd.notna(r["value_usd_m"]) else r["value_eur_m"]
            unit = "US$ m" if pd.notna(r["value_usd_m"]) else "EUR m"
            same = (frame[group] == pd.Series(key, index=group)).all(axis=1)
            mask = same & frame["flow"].isin(["exports", "imports"])
            frame.loc[mask, "note"] = frame.loc[mask, "note"].map(
                lambda n, v=value, u=unit: f"{n}; source also states total {v:g} {u}".strip("; ")
            )
            drop.append(idx)
            log.append(f"dropped total {' '.join(map(str, key))} = {value:g} {unit} (exports+imports kept)")
    return frame.drop(index=drop), log


FLAG_WORDS = {"lower_bound": "a lower bound", "approximate": "approximate", "preliminary": "preliminary"}


def fold_split_totals(frame: pd.DataFrame, urls: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """A total beside an exports + imports split of the same records (dataset and side), from another source,
    moves into the split's notes: a plain sum of the rows never counts the trade twice.

    Rows flagged ``superseded`` are left alone (charts never use them; the agency's split is the figure).
    """
    log: list[str] = []
    frame = frame.reset_index(drop=True)
    live = ~frame["flags"].fillna("").str.contains("superseded")
    group = ["reporter", "partner", "year", "dataset", "side"]
    flows = frame[live].groupby(group)["flow"].agg(set)
    drop = []
    for idx, r in frame[live & (frame["flow"] == "total")].iterrows():
        key = tuple(r[c] for c in group)
        if not {"exports", "imports"} <= flows[key]:
            continue
        value, unit = (r["value_usd_m"], "US$ m") if pd.notna(r["value_usd_m"]) else (r["value_eur_m"], "EUR m")
        words = [FLAG_WORDS.get(f, f) for f in filter(None, str(r["flags"]).split(";"))]
        flags = f" ({', '.join(words)})" if words else ""
        where = urls.get(r["source_id"], r["source_id"])
        text = f"{where} states a total of {value:g} {unit}{flags}, not stored beside this split (would double-count)"
        same = (frame[group] == pd.Series(key, index=group)).all(axis=1)
        mask = live & same & frame["flow"].isin(["exports", "imports"])
        frame.loc[mask, "note"] = frame.loc[mask, "note"].map(lambda n, t=text: f"{n}; {t}".strip("; "))
        drop.append(idx)
        log.append(f"folded total beside a split: {' '.join(map(str, key))} {value:g} {unit} ({r['source_id']})")
    return frame.drop(index=drop), log


def resolve_collisions(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Keep one row per key; a second figure for the same key goes into the kept row's note."""
    log: list[str] = []
    dup = frame.duplicated(KEY, keep=False)
    if not dup.any():
        return frame, log
    keep_idx = []
    for key, grp in frame[dup].groupby(KEY):
        first, rest = grp.iloc[0], grp.iloc[1:]
        others = "; ".join(
            f"same source also gives {r.value_usd_m or r.value_eur_m:g} ({r.note})" for r in rest.itertuples()
        )
        frame.loc[grp.index[0], "note"] = f"{first['note']}; {others}".strip("; ")
        keep_idx.append(grp.index[0])
        log.append(f"collision {key}: kept {first['value_usd_m']}, folded {len(rest)} other row(s) into note")
    return pd.concat([frame[~dup], frame.loc[keep_idx]]), log


# A derivation that divides by, or multiplies with, a share ("17.6 = 43% of imports -> 17.6/0.43").
SHARE_ARITHMETIC = re.compile(r"\d\s*%\s*(of\b|×|x\b)|/\s*0\.\d|\bconstitutes \d+%|share\b", re.IGNORECASE)
# Figures computed from figures that were worked back from shares.
FROM_SHARE_DERIVED = {("KAZ", "WLD", 2022, "total", 134800.0)}  # "sum of the two rows above" (13.2/0.156 + 11.0/0.219)


def derivation(note: str) -> str:
    """The researcher's DERIVED clause of a note (its first sentence), or '' if the figure is not derived."""
    start = note.find("DERIVED")
    if start < 0:
        return ""
    return re.split(r"\.\s", note[start:], maxsplit=1)[0]


def drop_share_derived(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Remove every figure worked back from a share (nothing is derived from a share)."""
    keys = zip(frame["reporter"], frame["partner"], frame["year"], frame["flow"], frame["value_usd_m"], strict=True)
    from_share = frame["note"].map(lambda n: bool(SHARE_ARITHMETIC.search(derivation(n))))
    listed = pd.Series([k in FROM_SHARE_DERIVED for k in keys], index=frame.index)
    drop = from_share | listed
    log = [
        f"removed (worked back from a share): {r.reporter} {r.partner} {r.year} {r.flow} {r.value_usd_m:g} US$ m "
        f"[{r.source_id}] {derivation(r.note)[:90]}"
        for r in frame[drop].itertuples()
    ]
    return frame[~drop], log


def same_figure(page: pd.Series, agency: float) -> bool:
    """Does a page figure repeat the agency's figure (up to the page's rounding or its stated bound)?"""
    value = float(page["value_usd_m"])
    flags = set(filter(None, str(page["flags"]).split(";")))
    if "lower_bound" in flags:
        return value <= agency <= value * 1.1
    tolerance = max(50.0, 0.03 * agency) if "approximate" in flags else 50.0  # 0.05 bn: a figure rounded to 0.1 bn
    return abs(value - agency) <= tolerance


def supersede_pages(
    frame: pd.DataFrame, national: pd.DataFrame, page_urls: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Page rows quoting an agency whose table is now in the repository.

    A derived page figure, or one that repeats the table's figure, is dropped (the table row's note
    says so); a different figure is a different publication (an earlier release, another basis) and
    stays, flagged ``superseded``, with the table's figure in its note.
    """
    agency = national.set_index(["reporter", "partner", "year", "flow"])["value_usd_m"]
    agency_source = national.set_index(["reporter", "partner", "year", "flow"])["source_id"]
    national = national.copy()
    log: list[str] = []
    drop = []
    for idx, row in frame[frame["dataset"] == "national_statistics"].iterrows():
        base = (row["reporter"], row["partner"], row["year"])
        flows = ["exports", "imports"] if row["flow"] == "total" else [row["flow"]]
        keys = [(*base, f) for f in flows]
        if not all(k in agency.index for k in keys) or pd.isna(row["value_usd_m"]):
            continue
        figure = float(sum(agency[k] for k in keys))
        sources = ", ".join(sorted({agency_source[k] for k in keys}))
        label = " ".join(str(row[c]) for c in ["reporter", "partner", "year", "flow", "value_usd_m", "source_id"])
        if "derived" in str(row["flags"]) or same_figure(row, figure):
            why = "derived" if "derived" in str(row["flags"]) else "same figure"
            drop.append(idx)
            log.append(f"dropped page row ({why} as the agency's table {figure:.1f}): {label}")
            mask = (
                (national["reporter"] == base[0]) & (national["partner"] == base[1]) & (national["year"] == base[2])
                & national["flow"].isin(flows)
            )  # fmt: skip
            quoted = "a figure derived from other figures" if why == "derived" else "the same figure"
            text = f"{page_urls.get(row['source_id'], row['source_id'])} quoted {quoted} (page row dropped)"
            national.loc[mask, "note"] = national.loc[mask, "note"].map(lambda n, t=text: f"{n}; {t}".strip("; "))
        else:
            frame.loc[idx, "note"] = f"{row['note']}; agency's table ({sources}) gives {figure:.1f}".strip("; ")
            frame.loc[idx, "flags"] = join_flags([*filter(None, str(row["flags"]).split(";")), "superseded"])
            log.append(f"kept page row (differs from the agency's table {figure:.1f}): {label}")
    return frame.drop(index=drop), national, log
