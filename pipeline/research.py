"""The research extracts' page-quoted figures: the 2021-2025 Markdown table and the reference CSV's page rows."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pipeline.registry import source_id_for
from pipeline.schema import RawDataError, extract_key, join_flags

# Flag fixes after reading each note of trade_2021_2025.md section 1 (keyword rules misfire on
# wording quoted from *other* sources in the same note). Key: (reporter, partner, year, flow, value bn, side).
FLAG_ADD: dict[tuple[str, str, int, str, float, str], set[str]] = {
    ("KAZ", "WLD", 2024, "total", 142.9, "statement"): {"approximate"},  # "neared $50bn"
    ("KAZ", "RUS", 2023, "total", 28.5, "statement"): {"approximate"},  # "nearly $28.5 billion"
    ("KAZ", "RUS", 2023, "total", 28.0, "statement"): {"approximate"},  # "$28 billion mark"
    ("CA5", "CHN", 2021, "total", 49.5, "mirror-GACC"): {"lower_bound"},  # "just over $49.5bn" (reference note)
    ("TJK", "RUS", 2021, "imports", 1.3, "reporter"): {"approximate"},  # 约13亿美元
    ("CA5", "TUR", 2022, "total", 12.33, "mirror-TurkStat"): {"estimate"},  # the page's extrapolation of 11 months
    ("TKM", "WLD", 2022, "total", 20.0, "other"): {"estimate"},  # "ESTIMATE": Turkmenistan publishes no statistics
}
FLAG_DROP: dict[tuple[str, str, int, str, float, str], set[str]] = {
    # notes quote another outlet's rounded wording; the row's own figure is exact
    ("KAZ", "RUS", 2022, "total", 26.1, "reporter"): {"lower_bound", "approximate"},
    ("KAZ", "CHN", 2022, "exports", 13.2, "reporter"): {"lower_bound"},  # "more than a third" is the growth rate
    ("KAZ", "RUS", 2023, "total", 28.0, "statement"): {"lower_bound"},
    ("TKM", "TUR", 2023, "total", 2.6, "statement"): {"lower_bound"},  # ">2.5" is another outlet's wording
    ("KAZ", "CHN", 2022, "total", 24.1, "reporter"): {"lower_bound"},
    ("KAZ", "USA", 2022, "total", 3.1, "reporter"): {"lower_bound", "approximate"},
    ("KAZ", "EU27", 2022, "total", 39.9, "reporter"): {"lower_bound"},
    ("KAZ", "EU27", 2022, "total", 40.0, "reporter"): {"lower_bound", "approximate"},
    ("KAZ", "TUR", 2023, "total", 6.0, "reporter"): {"approximate"},
    ("KGZ", "CHN", 2025, "imports", 22.0, "mirror-GACC"): {"lower_bound"},
    ("UZB", "RUS", 2023, "total", 9.9, "reporter"): {"approximate"},
    ("UZB", "CHN", 2022, "total", 9.0, "reporter"): {"lower_bound"},
    ("UZB", "CHN", 2025, "total", 17.2, "reporter"): {"approximate", "lower_bound"},
    ("UZB", "WLD", 2023, "total", 62.6, "reporter"): {"approximate"},
    ("UZB", "TUR", 2021, "total", 3.645, "statement"): {"lower_bound"},
    ("CA5", "CHN", 2022, "total", 70.2, "mirror-GACC"): {"approximate"},
    ("CA5", "CHN", 2025, "total", 106.3, "mirror-GACC"): {"lower_bound"},
    ("KAZ", "CHN", 2023, "total", 41.02, "mirror-GACC"): {"approximate"},
    ("TJK", "CHN", 2023, "total", 3.926, "mirror-GACC"): {"approximate"},
    ("TJK", "WLD", 2023, "total", 8.33, "reporter"): {"lower_bound"},
    ("KAZ", "CHN", 2025, "total", 48.7, "mirror-GACC"): {"lower_bound"},
    ("UZB", "EU27", 2022, "total", 4.61, "mirror-Eurostat"): {"approximate"},
}
# Reference-CSV page rows (<= 2020): extra flags by (reporter, partner, year, flow).
REF_FLAGS: dict[tuple[str, str, int, str], set[str]] = {
    ("CA5", "CHN", 2013, "total"): {"converted"},  # yuan converted by the source
    ("KAZ", "RUS", 2020, "total"): set(),
    ("KGZ", "CHN", 2018, "total"): {"lower_bound"},  # "more than $2bn"
}


def read_md_table(md: Path) -> pd.DataFrame:
    """The long table of trade_2021_2025.md section 1 (every data row, the first one included), as strings."""
    lines = md.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("## 1. Long-format table")]
    if not starts:
        raise RawDataError(md, None, None, "no section '## 1. Long-format table'")
    table: list[tuple[int, str]] = []
    for number in range(starts[0] + 1, len(lines)):
        if lines[number].startswith("## "):
            break
        if lines[number].startswith("|"):
            table.append((number + 1, lines[number].strip()))
    rule = re.compile(r"^\|[\s:|-]+\|?$")  # the |---|---| line under the header

    def cells(line: str) -> list[str]:
        return [c.strip() for c in line.strip("|").split(" | ")]

    header = cells(table[0][1])
    body = []
    for number, line in table[1:]:
        if rule.match(line):
            continue
        row = cells(line)
        if len(row) != len(header):
            raise RawDataError(md, "section 1", number, f"{len(row)} cells, the header has {len(header)}")
        body.append(row)
    return pd.DataFrame(body, columns=header)


LOWER = re.compile(
    r"lower bound|more than|\bover (US)?\$|\">|>\s*\$?\d|\bexceed(s|ed|ing)?\b|surpass|превы|突破|first time >",
    re.IGNORECASE,
)
APPROX = re.compile(
    r"\babout\b|\balmost\b|~|≈|\bnearly\b|approximate|approach|\bneared\b|\bclose to\b|约", re.IGNORECASE
)
PARTIAL = re.compile(r"gas only|not include|excl\. gas|excluding gas", re.IGNORECASE)
CONVERTED = re.compile(r"roubles|conversion|converted", re.IGNORECASE)


def page_flags(note: str, year: int, key: tuple[str, str, int, str, float, str]) -> set[str]:
    """Flags for a section-1 row: keyword rules on the note, then the reviewed fixes above."""
    flags: set[str] = set()
    if note.startswith("DERIVED") or "DERIVED" in note.split(":")[0]:
        flags.add("derived")
    if LOWER.search(note):
        flags.add("lower_bound")
    if APPROX.search(note.replace("DERIVED", "")) and "derived" not in flags:
        flags.add("approximate")
    if PARTIAL.search(note):
        flags.add("partial_coverage")
    if CONVERTED.search(note):
        flags.add("converted")
    if year >= 2024:
        flags.add("preliminary")
    flags |= FLAG_ADD.get(key, set())
    flags -= FLAG_DROP.get(key, set())
    return flags


def side_of(raw: str) -> str:
    """Schema side from the brief's side label."""
    if raw.startswith("mirror"):
        return "mirror"
    if raw in {"reporter", "statement", "other"}:
        return raw
    raise ValueError(f"unknown side {raw!r}")


def md_rows(table: pd.DataFrame, taken: dict[str, str], meta: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Schema rows for the 2021-2025 table."""
    rows = []
    for r in table.itertuples(index=False):
        value = float(r.value)
        year = int(r.year)
        key = (r.reporter_iso3, r.partner, year, r.flow, value, r.side)
        sid = source_id_for(r.source_url, taken)
        meta.setdefault(sid, {"url": r.source_url, "outlet": r.outlet})
        note = r.note
        if r.side.startswith("mirror-") and r.side != "mirror-GACC":
            note = f"{r.side.removeprefix('mirror-')} data; {note}".strip("; ")
        elif r.side == "mirror-GACC":
            note = f"China customs (GACC); {note}".strip("; ")
        rows.append(
            {
                **extract_key(r),
                "value_usd_m": round(value * 1000, 1) if r.unit == "USD bn" else None,
                "value_eur_m": round(value * 1000, 1) if r.unit == "EUR bn" else None,
                "side": side_of(r.side),
                "basis": r.basis,
                "flags": join_flags(page_flags(r.note, year, key)),
                "source_id": sid,
                "note": note,
            }
        )
    return pd.DataFrame(rows)


def ref_side(raw: str) -> str:
    """Schema side for the reference CSV's free-text page side labels."""
    if raw.startswith("reporter ("):
        return "reporter"
    if raw.startswith("mirror (") and "statement" not in raw:
        return "mirror"
    if "statement" in raw:
        return "statement"
    return "other"


def ref_page_rows(pages: pd.DataFrame, taken: dict[str, str], meta: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Schema rows for page-sourced rows of the reference CSV."""
    rows = []
    for r in pages.itertuples(index=False):
        side = ref_side(r.side)
        if side == "mirror":
            basis = "goods"
        elif side == "reporter":
            basis = "goods+services" if r.reporter_iso3 == "UZB" else "goods"
        else:
            basis = "unclear"
        value = float(r.value_native)
        note = r.note if isinstance(r.note, str) else ""
        flags = set(REF_FLAGS.get((r.reporter_iso3, r.partner, int(r.year), r.flow), set()))
        if r.year >= 2021:  # only rows not carried in the 2021-2025 table reach here
            flags |= {"lower_bound"} if LOWER.search(note) else set()
            flags |= {"approximate"} if APPROX.search(note) else set()
            flags |= {"preliminary"} if r.year >= 2024 else set()
        sid = source_id_for(r.source_url, taken)
        meta.setdefault(sid, {"url": r.source_url, "outlet": ""})
        eur = r.unit == "EUR bn"
        rows.append(
            {
                **extract_key(r),
                "value_usd_m": None if eur else round(value * 1000, 1),
                "value_eur_m": round(value * 1000, 1) if eur else None,
                "side": side,
                "basis": basis,
                "flags": join_flags(flags),
                "source_id": sid,
                "note": "; ".join(p for p in (r.side, note) if p),
            }
        )
    return pd.DataFrame(rows)


def merge_later_reference_pages(
    frame: pd.DataFrame, ref: pd.DataFrame, taken: dict[str, str], meta: dict[str, dict[str, str]]
) -> tuple[pd.DataFrame, list[str]]:
    """Reference page rows from 2021 on: most are carried in the 2021-2025 table (same URL and value).

    A row carried under another URL with the same figure (within 0.1 bn, or as the exports+imports sum
    for a total) is merged into that row's note as a documented duplicate; any other row is kept.
    """
    log: list[str] = []
    url_of = {sid: url for url, sid in taken.items()}
    urls = frame["source_id"].map(url_of)
    value = frame["value_usd_m"].astype(float).fillna(frame["value_eur_m"].astype(float))
    keep = []
    for r in ref[(ref["dataset"] == "pages") & (ref["year"] >= 2021)].itertuples(index=False):
        v = float(r.value_native) * 1000
        same = (
            (frame["reporter"] == r.reporter_iso3)
            & (frame["partner"] == r.partner)
            & (frame["year"] == r.year)
            & (frame["flow"] == r.flow)
        )
        if (same & (urls == r.source_url) & ((value - v).abs() < 0.6)).any():
            continue  # carried in the 2021-2025 table
        pair = (
            (frame["reporter"] == r.reporter_iso3)
            & (frame["partner"] == r.partner)
            & (frame["year"] == r.year)
            & frame["flow"].isin(["exports", "imports"])
        )
        pairs = [g for _, g in frame[pair].groupby(["side", "source_id"]) if set(g["flow"]) == {"exports", "imports"}]
        if r.flow == "total" and any(urls[g.index[0]] == r.source_url for g in pairs):
            continue  # a total dropped because the same page gives exports and imports (value in their note)
        diff = (value - v).abs()
        close = same & (diff <= 100.0 + 1e-6)
        target = frame.index[close]
        if len(target):
            target = [diff[target].idxmin()]
        elif r.flow == "total":
            for grp in pairs:
                if abs(value[grp.index].sum() - v) <= 100.0 + 1e-6:
                    target = list(grp.index)
                    break
        note = r.note if isinstance(r.note, str) else ""
        text = f"also reported as {r.value_native:g} bn by {r.source_url} ({r.side}; {note})"
        if len(target):
            frame.loc[target, "note"] = frame.loc[target, "note"].map(lambda n, t=text: f"{n}; {t}".strip("; "))
            log.append(
                f"merged duplicate: {r.reporter_iso3} {r.partner} {r.year} {r.flow} {r.value_native:g} bn "
                f"({r.source_url}) into {', '.join(frame.loc[target, 'source_id'].unique())}"
            )
        else:
            keep.append(r)
            log.append(
                f"kept uncarried reference row: {r.reporter_iso3} {r.partner} {r.year} {r.flow} {r.value_native:g}"
            )
    if keep:
        frame = pd.concat([frame, ref_page_rows(pd.DataFrame(keep), taken, meta)], ignore_index=True)
    return frame, log
