"""IMF Direction of Trade Statistics 1992-2020 (both sides), read from the vendored research extract."""

from __future__ import annotations

import re

import pandas as pd

from pipeline.schema import extract_key, join_flags

IMF_SOURCE = {
    "source_id": "imf-dots",
    "publisher": "International Monetary Fund",
    "title": "Direction of Trade Statistics (DOTS)",
    "url": "https://data.imf.org/?sk=9D6028D4-F14A-464C-A2F2-59B2CD424B85",
    "published": "",
    "accessed": "",
    "licence": "IMF terms of use (data); MIT for the GitHub extraction",
    "notes": (
        "Annual DOTS, US$ millions, data to 2020; retrieved via GitHub SamLeBlanc/Direction-of-Trade-Map@a0b40af "
        "data/DOTS/DOTS_<n>.xlsx (downloaded 2022-02; reporters DOTS_103 KAZ, 109 KGZ, 192 TJK, 201 TKM, 210 UZB; "
        "mirror workbooks 162 RUS, 40 CHN mainland, 208 USA, 200 TUR, 230 EU). Read via the vendored extract "
        "data/raw/research/trade_reference_1992_2025.csv, which carries 0.1 m precision (bn to 4 decimals). "
        "Mirror exports = partner's Imports CIF, mirror imports = partner's Exports FOB. EU27 = current members "
        "back-cast. The extract's computed totals are dropped."
    ),
}


def flow_part(note: str, flow: str) -> str:
    """The part of a per-(reporter, partner, year) note that concerns one flow (X: exports, M: imports)."""
    prefix = "X:" if flow == "exports" else "M:"
    return " ".join(p.strip() for p in note.split(";") if p.strip().startswith(prefix))


def imf_factor_note(value: float, partner_value: float | None, factor: str, flow: str) -> str:
    """Say how an IMF estimate relates to the partner's figure: exports = partner / f, imports = partner x f."""
    f = float(factor)
    # without the partner's figure, the CIF/FOB convention: exports FOB = partner's imports CIF / f
    divided = abs(value - partner_value / f) <= abs(value - partner_value * f) if partner_value else flow == "exports"
    operation = f"/ {factor}" if divided else f"x {factor}"
    return f"equals partner-reported value {operation} (IMF estimate from partner data)"


def imf_rows(ref: pd.DataFrame) -> pd.DataFrame:
    """IMF DOTS exports/imports rows (computed totals dropped), with flags from the note column."""
    imf = ref[ref["dataset"].str.startswith("IMF_DOTS") & ref["flow"].isin(["exports", "imports"])].copy()
    mirror = imf[imf["side"].str.startswith("mirror")]
    partner_value = {
        (r.reporter_iso3, r.partner, int(r.year), r.flow): float(r.value_usd_bn) for r in mirror.itertuples()
    }
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
            factor = re.search(r"x(1\.\d\d)", part)
            if factor:  # an exact partner / f or x f equality is an IMF estimate wherever it occurs
                flags.add("imf_derived")
                key = (r.reporter_iso3, r.partner, int(r.year), r.flow)
                notes.append(imf_factor_note(float(r.value_usd_bn), partner_value.get(key), factor.group(1), r.flow))
            if "near-constant shares" in note:
                flags.add("imf_fixed_split")
                notes.append("UZB 2000-2015 partner split = fixed shares of World (IMF allocation); use mirror")
            if r.reporter_iso3 == "UZB" and r.partner == "WLD" and 2000 <= r.year <= 2015:
                flags.add("estimate")
                notes.append(
                    "IMF estimate: Uzbekistan published no trade statistics for 2000-2015; "
                    "its partner rows are fixed shares of this total"
                )
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
                **extract_key(r),
                "value_usd_m": round(float(r.value_usd_bn) * 1000, 1),
                "value_eur_m": None,
                "dataset": "imf_dots",
                "side": side,
                "basis": "goods",
                "flags": join_flags(flags),
                "source_id": "imf-dots",
                "note": "; ".join(notes),
            }
        )
    return pd.DataFrame(rows)
