"""Every deal row in plain words, as one HTML table (notebook 01's "All deals").

The words are made here; the markup is helpers/templates/deal_list.html.j2. The table has the class
``c5-deals``: the reports add a search box and sortable headers to it; without scripts it is a plain
table. Cells are text from data, escaped; value and date cells carry a ``data-sort`` key (number,
ISO date) so sorting is by value, not by the words shown.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
from IPython.display import HTML

from helpers.codes import country_name
from helpers.codes import words as code_words
from helpers.compute.rules import LIKELY_WITHIN
from helpers.text import date_words, render

BASIS_WORDS = {"up_to": "up to", "approximate": "about", "lower_bound": "at least", "range_max": "up to",
               "list_price": "list price"}  # fmt: skip
HEADERS = ("State", "Deal", "US party", "Sector", "Instrument, stage reached", "Value (US$ m)", "Announced",
           "Confirmed by", "Counted in totals?", "Source")  # fmt: skip


def words(field: str, code: object) -> str:
    """A code of the deals table in plain words (the codes module's words; a value basis as a prefix).

    >>> words("stage", "firm_order"), words("sector", "ai_semiconductors"), words("stage", None)
    ('firm order', 'AI and semiconductors', '')
    """
    if code is None or pd.isna(code):
        return ""
    if field == "value_basis":
        return BASIS_WORDS.get(str(code), "")
    return code_words(code)


def instrument_words(instrument: object, stage: object) -> str:
    """The instrument and the stage it reached, the stage left out when the words are the same.

    >>> instrument_words("purchase_order", "firm_order"), instrument_words("mou", "mou")
    ('purchase order, firm order', 'MoU')
    """
    first, second = words("instrument", instrument), words("stage", stage)
    return first if second in ("", first) else f"{first}, {second}" if first else second


def value_words(value: object, basis: object) -> str:
    """A value in US$ m with its basis, e.g. "up to 2,000"; "not stated" without a value.

    >>> value_words(2000.0, "up_to"), value_words(None, "none"), value_words(7.5, "stated")
    ('up to 2,000', 'not stated', '7.5')
    """
    if value is None or pd.isna(value):
        return "not stated"
    return f"{words('value_basis', basis)} {float(value):,.10g}".strip()


class DealCell(NamedTuple):
    """A cell of the deal list: its words, and the key it sorts by (None: by its words)."""

    text: object
    key: str | None = None


def _row(deal: pd.Series, titles: pd.Series, publishers: pd.Series) -> list[DealCell]:
    container = deal["overlaps_deal_id"]
    inside = not (container is None or pd.isna(container)) and deal.get("overlap_type") != LIKELY_WITHIN
    counted = f"no: inside {titles.get(container, 'another row')}" if inside else "yes"
    value, day = deal["value_usd_m"], deal["announced_date"]
    value_key = "" if pd.isna(value) else f"{float(value):.10g}"
    day_key = "" if pd.isna(day) or deal["date_precision"] == "unknown" else pd.Timestamp(day).date().isoformat()
    return [
        DealCell(country_name(deal["country"])),
        DealCell(deal["title"]),
        DealCell(deal["us_party"]),
        DealCell(words("sector", deal["sector"])),
        DealCell(instrument_words(deal["instrument"], deal["stage"])),
        DealCell(value_words(value, deal["value_basis"]), value_key),
        DealCell(date_words(day, deal["date_precision"]), day_key),
        DealCell(words("confirmation", deal["confirmation"])),
        DealCell(counted),
        DealCell(publishers.get(deal["source_id"], "")),
    ]


def deal_list(deals: pd.DataFrame, sources: pd.DataFrame) -> HTML:
    """Every row of the deals table in plain words (state, deal, party, ... source publisher)."""
    titles = deals.set_index("deal_id")["title"]
    publishers = sources.set_index("source_id")["publisher"]
    ordered = deals.sort_values(["country", "announced_date", "title"], kind="stable", na_position="last")
    rows = [_row(deal, titles, publishers) for _, deal in ordered.iterrows()]
    caption = f"All {len(deals)} deal rows, counted or not (values in US$ m as the sources state them)"
    return HTML(render("deal_list.html.j2", caption=caption, headers=HEADERS, rows=rows))
