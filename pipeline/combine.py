"""The combine step: every source's rows into one trade table, cleaned up, sorted and checked, then formatted."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from pipeline.agency_releases import agency_release_rows
from pipeline.carriers import drop_denied
from pipeline.cleanup import (
    drop_redundant_totals,
    drop_share_derived,
    fold_split_totals,
    resolve_collisions,
    supersede_pages,
)
from pipeline.imf_dots import IMF_SOURCE, imf_rows
from pipeline.national import agency_source_rows, national_cells, national_rows
from pipeline.partner_records import partner_record_rows, partner_record_sources
from pipeline.registry import source_rows
from pipeline.research import md_rows, merge_later_reference_pages, read_md_table, ref_page_rows
from pipeline.schema import COLUMNS, KEY, RESEARCH, RawDataError

PAGE_DATASET = {
    "reporter": "national_statistics",
    "mirror": "partner_records",
    "statement": "statements",
    "other": "other",
}


def format_trade(frame: pd.DataFrame) -> str:
    """trade.csv text: agency figures to the thousand US$ (3 decimals), the rest to 0.1 m."""
    out = frame.copy()
    digits = out["dataset"].map(lambda d: 3 if d == "national_statistics" else 1)
    for column in ("value_usd_m", "value_eur_m"):
        out[column] = ["" if pd.isna(v) else f"{float(v):.{n}f}" for v, n in zip(out[column], digits, strict=True)]
    # a page quoting the agency keeps the precision it was quoted with
    pages = (out["dataset"] == "national_statistics") & ~out["source_id"].str.startswith("stat-")
    for column in ("value_usd_m", "value_eur_m"):
        out.loc[pages, column] = ["" if pd.isna(v) else f"{float(v):.1f}" for v in frame.loc[pages, column]]
    buffer = io.StringIO()
    out[COLUMNS].to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def build(raw: Path) -> tuple[pd.DataFrame, list[dict[str, str]], list[str]]:
    """Assemble the trade rows, the generated source rows and a log of every clean-up decision."""
    national = national_rows(national_cells(raw))
    ref = pd.read_csv(raw / RESEARCH / "trade_reference_1992_2025.csv")
    table, log_denied = drop_denied(read_md_table(raw / RESEARCH / "trade_2021_2025.md"), "source_url", "notes")
    is_page = ref["dataset"] == "pages"
    ref_pages, log_ref = drop_denied(ref[is_page], "source_url", "reference csv")
    ref = pd.concat([ref[~is_page], ref_pages]).sort_index()
    log_denied += log_ref
    taken: dict[str, str] = {}
    meta: dict[str, dict[str, str]] = {}
    pages = pd.concat(
        [
            md_rows(table, taken, meta),
            ref_page_rows(ref[(ref["dataset"] == "pages") & (ref["year"] <= 2020)], taken, meta),
        ],
        ignore_index=True,
    )
    pages["note"] = pages["note"].fillna("")
    pages, log0 = drop_share_derived(pages)
    partner_sources, partner_urls = partner_record_sources(raw)
    taken.update({url: sid for sid, url in partner_urls.items()})
    records, log_records = partner_record_rows(raw, pages, partner_urls)
    releases, release_sources, release_urls = agency_release_rows(raw)
    taken.update({url: sid for sid, url in release_urls.items()})
    pages = pd.concat([pages, records.drop(columns="dataset"), releases.drop(columns="dataset")], ignore_index=True)
    log0 += log_records
    pages, log1 = drop_redundant_totals(pages)
    pages, log2 = merge_later_reference_pages(pages.reset_index(drop=True), ref, taken, meta)
    pages, log3 = resolve_collisions(pages)
    pages, log4 = drop_share_derived(pages)  # reference rows merged in above get the same rule
    pages["dataset"] = pages["side"].map(PAGE_DATASET)
    pages, national, log5 = supersede_pages(pages, national, {sid: url for url, sid in taken.items()})
    pages, log6 = fold_split_totals(pages, {sid: url for url, sid in taken.items()})
    frame = pd.concat([imf_rows(ref), national, pages], ignore_index=True)
    frame["note"] = frame["note"].fillna("")
    frame = frame.sort_values(["reporter", "partner", "year", "flow", "dataset", "side", "source_id"], kind="mergesort")
    frame = frame.reset_index(drop=True)[COLUMNS]
    duplicated = frame.duplicated(KEY, keep=False)
    if duplicated.any():
        raise RawDataError(
            "trade.csv", None, None, f"duplicate keys: {frame[duplicated][KEY].head().to_dict('records')}"
        )
    generated = [
        IMF_SOURCE, *agency_source_rows(raw), *partner_sources, *release_sources, *source_rows(meta).to_dict("records")
    ]  # fmt: skip
    return frame, generated, log_denied + log0 + log1 + log2 + log3 + log4 + log5 + log6
