"""The source registry: readable source ids for page URLs, page source rows, and data/sources.csv brought up to date."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from pipeline.imf_dots import IMF_SOURCE
from pipeline.originators import originators
from pipeline.schema import RawDataError

SOURCE_COLUMNS = [
    "source_id", "publisher", "title", "url", "published", "accessed", "licence", "notes", "originator", "source_type",
]  # fmt: skip
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


SOURCE_USERS = [
    "deals.csv",
    "brief_claims.csv",
    "deal_events.csv",
    "deal_checks.csv",
    "datapackage.json",
    "boundaries/README.md",
]


def sources_text(existing: Path, trade: pd.DataFrame, generated: list[dict[str, str]], data_dir: Path) -> str:
    """sources.csv with the trade rows brought up to date.

    Rows other tables cite are kept as they are; a trade source no longer used is removed; agency rows
    are regenerated; a page source not yet registered is added. Sorted by source_id.
    """
    with existing.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0].keys()) if rows else SOURCE_COLUMNS
    elsewhere = " ".join(
        (data_dir / name).read_text(encoding="utf-8") for name in SOURCE_USERS if (data_dir / name).exists()
    )
    used = set(trade["source_id"])
    regenerate = {g["source_id"]: g for g in generated if g["source_id"].startswith("stat-") or g is IMF_SOURCE}
    keep = {
        r["source_id"]: r
        for r in rows
        if r["source_id"] in used or re.search(rf"(?<![\w-]){re.escape(r['source_id'])}(?![\w-])", elsewhere)
    }
    for g in generated:
        if g["source_id"] in used and (g["source_id"] in regenerate or g["source_id"] not in keep):
            keep[g["source_id"]] = g
    missing = used - set(keep)
    if missing:
        raise RawDataError(existing, None, None, f"no source row for {sorted(missing)}")
    for sid, (originator, kind) in originators(trade).items():
        keep[sid] = {**keep[sid], "originator": originator, "source_type": kind}
    fields += [f for f in SOURCE_COLUMNS if f not in fields]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for sid in sorted(keep):
        writer.writerow({f: keep[sid].get(f, "") for f in fields})
    return out.getvalue()
