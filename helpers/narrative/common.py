"""Small formatting shared by the narrative modules, and the data-version lines every notebook shows.

Money, shares and dates are formatted by :mod:`helpers.text`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd
from IPython.display import HTML

from helpers.codes import country_name, field_enum, label, partner_name, words
from helpers.compute.context import partner_records_after
from helpers.compute.rules import IMF_LAST_YEAR, OLD_AFTER, REFERENCE_YEAR
from helpers.text import money, table
from helpers.text import pct as pct  # bottom_line imports it from here


def number_word(n: int) -> str:
    """Small whole numbers in words, as a sentence reads them.

    >>> number_word(3), number_word(12)
    ('three', '12')
    """
    return {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}.get(
        n, str(n)
    )


def top_row(frame: pd.DataFrame, column: str) -> pd.Series:
    """The row with the largest ``column`` (ties: the first reporter alphabetically).

    >>> top_row(pd.DataFrame({"reporter": ["KGZ", "KAZ"], "v": [1, 1]}), "v")["reporter"]
    'KAZ'
    """
    return frame.sort_values([column, "reporter"], ascending=[False, True]).iloc[0]


def vintage_lines(vintage: dict[str, str]) -> list[str]:
    """One line per data file: its name and version (hash), in a stable order.

    >>> vintage_lines({"trade.csv": "abc", "deals.csv": "def"})
    ['Data version of deals.csv: def', 'Data version of trade.csv: abc']
    """
    return [
        f"Data package version: {digest}" if name == "package version" else f"Data version of {name}: {digest}"
        for name, digest in sorted(vintage.items())
    ]


# Columns holding codes, and how each reads in a table cell.
_NAMED = {"country": country_name, "reporter": country_name, "partner": partner_name}
CODE_COLUMNS = ("sector", "instrument", "stage", "value_basis", "confirmation", "overlap_type", "dataset", "flow",
                "event", "basis", "date_precision", "verdict", "status", "status_today", "binding", "binding_class",
                "period")  # fmt: skip
# Event codes the data's free text may quote ("recorded as loi_issued"): read as words there too.
EVENT_CODE = re.compile(r"\b(" + "|".join(c for c in field_enum("deal_events", "event") if "_" in c) + r")\b")


def _cell_words(column: str, value: object) -> object:
    if not isinstance(value, str):
        return value
    if column == "finding":
        return EVENT_CODE.sub(lambda m: f"'{words(m[1])}'", value)
    if column in _NAMED:
        return _NAMED[column](value)
    if column == "flags":
        return ", ".join(words(flag.strip()) for flag in value.split(","))
    return label(value)


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for readers: state and partner codes as names, other codes as words, True/False as yes/no.

    >>> readable(pd.DataFrame({"reporter": ["KAZ"], "stage": ["firm_order"], "ok": [True]})).iloc[0].tolist()
    ['Kazakhstan', 'Firm order', 'yes']
    """
    out = frame.copy()
    for column in out.columns:
        if column == "rate":  # realisation rates are fractions; readers read per cent
            out[column] = out[column].map(lambda v: f"{v:.0%}" if isinstance(v, float) and v == v else v)
        elif column in _NAMED or column in CODE_COLUMNS or column in ("flags", "finding"):
            out[column] = out[column].map(lambda v, c=column: _cell_words(c, v))
        elif out[column].dtype == bool or isinstance(out[column].dtype, pd.BooleanDtype):
            out[column] = out[column].map({True: "yes", False: "no"}, na_action="ignore")
    return out


def reader_table(frame: pd.DataFrame, columns: Mapping[str, str] | None = None, caption: str | None = None) -> HTML:
    """:func:`helpers.text.table` of :func:`readable`: the table a report reader gets."""
    return table(readable(frame), columns, caption)


def own_records_note(iso3: str, latest: pd.DataFrame, partner_rows: pd.DataFrame) -> str | None:
    """A sentence for a state whose own records with every partner stop long ago, else None.

    ``latest`` is :func:`helpers.compute.rules.latest_years` output, ``partner_rows``
    :func:`helpers.compute.context.partner_records_after` for the state after that year.
    """
    row = latest[latest["reporter"].eq(iso3)]
    name = country_name(iso3)
    if row.empty:
        text = f"{name}: no year in which its own records cover every partner on one set of records."
    else:
        r = row.iloc[0]
        if not r["old"]:
            return None
        year = int(r["year"])
        text = f"{name}'s own records cover every partner only up to {year}"
        if r["current"]:
            text += f", more than {number_word(OLD_AFTER)} years before {REFERENCE_YEAR}: its shares are for {year}."
        else:
            text += ": no share is shown as latest."
    if partner_rows.empty:
        return text + " No partner's record of later trade is in the data."
    last = partner_rows.sort_values("year", ascending=False, kind="stable").groupby("partner", sort=True).head(1)
    parts = [
        f"{partner_name(p.partner)} {money(p.value_usd_m)} in {p.year}{' (estimate)' if p.estimate else ''}"
        for p in last.sort_values(["year", "partner"], ascending=[False, True]).itertuples()
    ]
    return text + " What the partners recorded since (their own records, values not shares): " + "; ".join(parts) + "."


def own_records_notes(trade: pd.DataFrame, latest: pd.DataFrame, states: Sequence[str]) -> list[str]:
    """:func:`own_records_note` for every state that needs one (own records stop long ago), in order."""
    years = latest.set_index("reporter")["year"]
    notes = [
        own_records_note(s, latest, partner_records_after(trade, s, int(years.get(s, IMF_LAST_YEAR))))
        for s in states
    ]
    return [n for n in notes if n]
