"""Build ``data/trade.csv`` (and its source rows) from the research notes in ``../shared``.

One-time derivation tool: the product reads only ``data/trade.csv``. Inputs:

- ``<shared>/data/trade_reference_1992_2025.csv``: IMF DOTS extract 1992-2020 (both sides) plus
  page-sourced rows (``dataset == pages``);
- ``<shared>/research/trade_2021_2025.md`` section 1: the 2021-2025 long table (it already carries
  the page rows of ``trade.md`` section 2c, marked ``[carried]``);
- ``scripts/trade_additions.csv``: extra curated rows (same columns as trade.csv plus source_url,
  publisher, title, published).

Usage: ``python scripts/build_trade.py [SHARED_DIR] [--out data/trade.csv] [--sources-out FILE]``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
ADDITIONS = Path(__file__).resolve().parent / "trade_additions.csv"

COLUMNS = [
    "reporter", "partner", "year", "flow", "value_usd_m", "value_eur_m", "side", "basis", "flags", "source_id", "note",
]  # fmt: skip
KEY = ["reporter", "partner", "year", "flow", "side", "source_id"]
SOURCE_COLUMNS = ["source_id", "publisher", "title", "url", "published", "accessed", "licence", "notes"]
FLAGS = {
    "estimate", "imf_derived", "imf_fixed_split", "derived", "lower_bound", "approximate",
    "preliminary", "break", "partial_coverage", "converted",
}  # fmt: skip
PAGE_LICENCE = "publisher copyright; figures quoted"
HOST_PUBLISHER = {
    "en.trend.az": "Trend",
    "www.beltandroad.news": "Belt and Road News",
    "turkmenportal.com": "Turkmenportal",
    "www.yuzhongnet.com": "Yuzhong News (China Daily content)",
    "news.novyny.live": "Novyny.live (The Telegraph analysis)",
    "quotedbusiness.com": "Quoted Business",
    "ec.europa.eu": "European Commission (DG Trade)",
    "menafn.com": "MENAFN (Trend)",
}

IMF_SOURCE = {
    "source_id": "imf-dots",
    "publisher": "International Monetary Fund",
    "title": "Direction of Trade Statistics (DOTS)",
    "url": "https://data.imf.org/?sk=9D6028D4-F14A-464C-A2F2-59B2CD424B85",
    "published": "",
    "accessed": "2022-02",
    "licence": "IMF terms of use (data); MIT for the GitHub extraction",
    "notes": (
        "Annual DOTS, US$ millions, data to 2020; retrieved via GitHub SamLeBlanc/Direction-of-Trade-Map@a0b40af "
        "data/DOTS/DOTS_<n>.xlsx (downloaded 2022-02; reporters DOTS_103 KAZ, 109 KGZ, 192 TJK, 201 TKM, 210 UZB; "
        "mirror workbooks 162 RUS, 40 CHN mainland, 208 USA, 200 TUR, 230 EU). Read via "
        "shared/data/trade_reference_1992_2025.csv, which carries 0.1 m precision (bn to 4 decimals). "
        "Mirror exports = partner's Imports CIF, mirror imports = partner's Exports FOB. EU27 = current members "
        "back-cast. The extract's computed totals are dropped. 'accessed' = month of the GitHub download."
    ),
}

# Flag fixes after reading each note of trade_2021_2025.md section 1 (keyword rules misfire on
# wording quoted from *other* sources in the same note). Key: (reporter, partner, year, flow, value bn, side).
FLAG_ADD: dict[tuple[str, str, int, str, float, str], set[str]] = {
    ("KAZ", "WLD", 2024, "total", 142.9, "statement"): {"approximate"},  # "neared $50bn"
    ("KAZ", "RUS", 2023, "total", 28.5, "statement"): {"approximate"},  # "nearly $28.5 billion"
    ("KAZ", "RUS", 2023, "total", 28.0, "statement"): {"approximate"},  # "$28 billion mark"
    ("CA5", "CHN", 2021, "total", 49.5, "mirror-GACC"): {"lower_bound"},  # "just over $49.5bn" (reference note)
    ("TJK", "RUS", 2021, "imports", 1.3, "reporter"): {"approximate"},  # 约13亿美元
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


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; paths default to the repo layout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=REPO.parent / "shared", help="the shared/ folder")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "trade.csv")
    parser.add_argument("--sources-out", type=Path, default=None, help="also write the source rows here")
    parser.add_argument("--additions", type=Path, default=ADDITIONS)
    return parser.parse_args(argv)


# ---------------------------------------------------------------- helpers


def join_flags(flags: Iterable[str]) -> str:
    """Sorted, de-duplicated, ';'-joined flags (checked against the vocabulary)."""
    unique = sorted(set(flags))
    unknown = set(unique) - FLAGS
    if unknown:
        raise ValueError(f"unknown flags: {unknown}")
    return ";".join(unique)


def slug(text: str, limit: int = 60) -> str:
    """Lower-case ASCII slug."""
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return text[:limit].strip("-")


def published_from_url(url: str) -> str:
    """A publication date read from the URL path, when it carries one (else empty)."""
    path = urlparse(url).path + "?" + urlparse(url).query
    for pattern, fmt in (
        (r"/(20\d\d)/(\d\d)/(\d\d)/", "{0}-{1}-{2}"),
        (r"/(20\d\d)-(\d\d)-(\d\d)[/-]", "{0}-{1}-{2}"),
        (r"/(20\d\d)(\d\d)(\d\d)/", "{0}-{1}-{2}"),
        (r"/(20\d\d)/(\d\d)(\d\d)/", "{0}-{1}-{2}"),
        (r"/(20\d\d)-(\d\d)/(\d\d)/", "{0}-{1}-{2}"),
        (r"/(20\d\d)(\d\d)/(\d\d)/", "{0}-{1}-{2}"),
        (r"/(20\d\d)-(\d\d)/", "{0}-{1}"),
        (r"/(20\d\d)(\d\d)/", "{0}-{1}"),
        (r"/(20\d\d)/(\d\d)/", "{0}-{1}"),
    ):
        match = re.search(pattern, path)
        if match and 1 <= int(match.group(2)) <= 12:
            return fmt.format(*match.groups())
    return ""


def source_id_for(url: str, taken: dict[str, str]) -> str:
    """A readable, unique slug for a page URL: host + date (if any) + last informative path part."""
    if url in taken:
        return taken[url]
    parts = urlparse(url)
    host = parts.netloc.lower().rstrip(".").removeprefix("www.").removeprefix("m.").removeprefix("en.")
    host = re.sub(r"\.(com|net|org|ru|kz|az|uz|kg|tj|tm|info|today|press|media|biz|pk|cn|it|news|su|ge|tr)$", "", host)
    host = re.sub(r"\.(com|co|org)$", "", host)
    segments = [s for s in re.split(r"[/?=&]", parts.path + "?" + parts.query) if s and not s.startswith("amp")]
    tail = ""
    for seg in reversed(segments):
        seg = re.sub(r"\.(html?|php|shtml)$", "", seg)
        if re.fullmatch(r"20\d\d|\d\d|0\d\d\d|p|news|en|ru|uz|it|article|material|view", seg):
            continue
        if "%" in seg:  # percent-encoded Cyrillic
            continue
        tail = seg
        break
    date = published_from_url(url)
    pieces = [host, date, tail] if date and date not in tail else [host, tail]
    base = slug("-".join(p for p in pieces if p), 70) or slug(host)
    candidate, n = base, 2
    while candidate in taken.values():
        candidate, n = f"{base}-{n}", n + 1
    taken[url] = candidate
    return candidate


# ---------------------------------------------------------------- IMF DOTS


def flow_part(note: str, flow: str) -> str:
    """The part of a per-(reporter, partner, year) note that concerns one flow (X: exports, M: imports)."""
    prefix = "X:" if flow == "exports" else "M:"
    return " ".join(p.strip() for p in note.split(";") if p.strip().startswith(prefix))


def imf_rows(ref: pd.DataFrame) -> pd.DataFrame:
    """IMF DOTS exports/imports rows (computed totals dropped), with flags from the note column."""
    imf = ref[ref["dataset"].str.startswith("IMF_DOTS") & ref["flow"].isin(["exports", "imports"])].copy()
    rows = []
    for r in imf.itertuples(index=False):
        note = r.note if isinstance(r.note, str) else ""
        side = "reporter" if r.side.startswith("reporter") else "mirror"
        flags: set[str] = set()
        notes: list[str] = []
        part = flow_part(note, r.flow)
        if side == "reporter":
            if "'e'" in note:
                flags.add("estimate")
                notes.append("IMF 'e' flag in this reporter-partner-year (the extract does not say which flow)")
            if "x1.06" in part and r.reporter_iso3 == "TKM" and 2004 <= r.year <= 2020:
                flags.add("imf_derived")
                notes.append("equals partner-reported value x1.06 (IMF estimate from partner data)")
            elif "x1.10" in part and r.reporter_iso3 == "UZB" and 1995 <= r.year <= 1999:
                flags.add("imf_derived")
                notes.append("equals partner-reported value x1.10 (IMF estimate from partner data)")
            elif part:
                # An exact partner x1.06 / x1.10 equality is an IMF estimate wherever it occurs.
                ratio = "x1.06" if "x1.06" in part else "x1.10"
                flags.add("imf_derived")
                notes.append(f"equals partner-reported value {ratio} (IMF estimate from partner data)")
            if "near-constant shares" in note:
                flags.add("imf_fixed_split")
                notes.append("UZB 2000-2015 partner split = fixed shares of World (IMF allocation); use mirror")
            if "Customs Union" in note:
                flags.add("break")
                notes.append("Customs Union start (Jul 2010): KAZ-reported value ~half of the Russian mirror")
        if "EU27 = current 27 members" in note:
            notes.append("EU27 = current 27 members, back-cast")
        mirror_of = re.search(r"mirror \(partner-reported by (\w+)\)", r.side)
        if mirror_of:
            notes.insert(0, f"{mirror_of.group(1)}-reported")
        rows.append(
            {
                "reporter": r.reporter_iso3,
                "partner": r.partner,
                "year": int(r.year),
                "flow": r.flow,
                "value_usd_m": round(float(r.value_usd_bn) * 1000, 1),
                "value_eur_m": None,
                "side": side,
                "basis": "goods",
                "flags": join_flags(flags),
                "source_id": "imf-dots",
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- pages


def read_md_table(md: Path) -> pd.DataFrame:
    """The long table of trade_2021_2025.md section 1, as strings."""
    text = md.read_text(encoding="utf-8")
    section = text.split("## 1. Long-format table", 1)[1].split("\n## ", 1)[0]
    lines = [ln for ln in section.splitlines() if ln.startswith("| ")]
    header = [c.strip() for c in lines[0].strip("|").split(" | ")]
    body = [[c.strip() for c in ln.strip().strip("|").split(" | ")] for ln in lines[2:]]
    if any(len(b) != len(header) for b in body):
        raise ValueError("malformed row in the section 1 table")
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
                "reporter": r.reporter_iso3,
                "partner": r.partner,
                "year": year,
                "flow": r.flow,
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
                "reporter": r.reporter_iso3,
                "partner": r.partner,
                "year": int(r.year),
                "flow": r.flow,
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


def addition_rows(path: Path, taken: dict[str, str], meta: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Curated extra rows from scripts/trade_additions.csv (empty frame if the file has no rows)."""
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    add = pd.read_csv(path, dtype=str, keep_default_na=False)
    for r in add.itertuples(index=False):
        taken.setdefault(r.source_url, r.source_id)
        meta.setdefault(
            r.source_id,
            {"url": r.source_url, "outlet": r.publisher, "title": r.title, "published": r.published},
        )
    out = add[COLUMNS].copy()
    out["year"] = out["year"].astype(int)
    for col in ("value_usd_m", "value_eur_m"):
        out[col] = pd.to_numeric(out[col].replace("", None))
    for flags in out["flags"]:
        join_flags([f for f in flags.split(";") if f])
    return out


# ---------------------------------------------------------------- clean-up passes


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


def source_rows(meta: dict[str, dict[str, str]]) -> pd.DataFrame:
    """One source row per source_id."""
    rows = [IMF_SOURCE]
    for sid, m in sorted(meta.items()):
        if sid == "imf-dots":
            continue
        outlet = m.get("outlet", "")
        host = urlparse(m["url"]).netloc
        publisher = outlet.split(" (")[0].strip() if outlet else HOST_PUBLISHER.get(host, host.removeprefix("www."))
        cited = outlet[len(publisher) :].strip(" ()") if outlet else ""
        title = m.get("title") or _title_from_url(m["url"], publisher)
        notes = f"Figures read from the stored page excerpt (research notes); cites {cited}" if cited else ""
        notes = notes or "Figures read from the stored page excerpt (research notes)"
        published = m.get("published") or published_from_url(m["url"])
        if published and not m.get("published"):
            notes += "; published date read from the URL"
        rows.append(
            {
                "source_id": sid,
                "publisher": publisher,
                "title": title,
                "url": m["url"],
                "published": published,
                "accessed": "",
                "licence": PAGE_LICENCE,
                "notes": notes,
            }
        )
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def _title_from_url(url: str, publisher: str) -> str:
    """A faithful short description when the page title is not recorded."""
    from urllib.parse import unquote

    path = unquote(urlparse(url).path)
    words = [s for s in re.split(r"[/]", path) if re.search(r"[^\W\d]+[-_][^\W\d]+", s)]
    if words:
        text = re.sub(r"\.(html?|php|shtml)$", "", words[-1]).replace("_", " ").replace("-", " ").strip()
        return text[:1].upper() + text[1:]
    return f"{publisher} page (title not recorded)"


def build(shared: Path, additions: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Assemble trade rows and source rows; return them with a log of the clean-up decisions."""
    ref = pd.read_csv(shared / "data" / "trade_reference_1992_2025.csv")
    table = read_md_table(shared / "research" / "trade_2021_2025.md")
    taken: dict[str, str] = {}
    meta: dict[str, dict[str, str]] = {}
    parts = [
        imf_rows(ref),
        addition_rows(additions, taken, meta),
        md_rows(table, taken, meta),
        ref_page_rows(ref[(ref["dataset"] == "pages") & (ref["year"] <= 2020)], taken, meta),
    ]
    frame = pd.concat([p for p in parts if not p.empty], ignore_index=True)
    frame["note"] = frame["note"].fillna("")
    frame, log1 = drop_redundant_totals(frame)
    frame, log3 = merge_later_reference_pages(frame.reset_index(drop=True), ref, taken, meta)
    frame, log2 = resolve_collisions(frame)
    frame = frame.sort_values(KEY, kind="mergesort").reset_index(drop=True)[COLUMNS]
    used = set(frame["source_id"])
    sources = source_rows({k: v for k, v in meta.items() if k in used})
    return frame, sources, log1 + log3 + log2


def main(argv: list[str] | None = None) -> int:
    """Write trade.csv (and optionally the source rows); print the clean-up log."""
    args = parse_args(argv)
    frame, sources, log = build(args.shared, args.additions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(args.out, index=False, float_format="%.1f", lineterminator="\n")
    if args.sources_out:
        sources.to_csv(args.sources_out, index=False, lineterminator="\n")
    for line in log:
        print(line)
    print(f"wrote {len(frame)} rows to {args.out}; {len(sources)} sources", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
