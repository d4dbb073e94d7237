"""The list of every deal (notebook 01's "All deals"): every row, plain words, text escaped."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

from helpers import data_dir, load_deals, load_sources
from helpers.narrative.deal_list import deal_list

PAYLOAD = "<img src=x onerror=alert(1)>"


class _Cells(HTMLParser):
    """The text of each body row's cells, and whether any tag but the table's own was made."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self.tags: set[str] = set()
        self.keys: list[str] = []
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._in_body |= tag == "tbody"
        if self._in_body and tag == "tr":
            self.rows.append([])
        if self._in_body and tag == "td":
            self.rows[-1].append("")
            self.keys += [value or "" for name, value in attrs if name == "data-sort"]

    def handle_data(self, data: str) -> None:
        if self._in_body and self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def _shown(deals: object, sources: object) -> list[list[str]]:
    parser = _Cells()
    parser.feed(deal_list(deals, sources).data)
    assert parser.tags <= {"div", "table", "caption", "thead", "tbody", "tr", "th", "td", "span"}, parser.tags
    return parser.rows


def test_every_deal_row_is_listed_in_plain_words() -> None:
    with (data_dir() / "deals.csv").open(newline="", encoding="utf-8") as handle:
        raw = list(csv.DictReader(handle))
    rows = _shown(load_deals(), load_sources())
    assert len(rows) == len(raw) and all(len(r) == 10 for r in rows)
    assert sorted(r[1] for r in rows) == sorted(d["title"] for d in raw)
    ids = {d["deal_id"] for d in raw}
    for row in rows:
        assert not ids & set(re.split(r"[\s:]+", " ".join(row))), f"an id is shown: {row}"
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", " ".join(row[3:9])), f"a code is shown: {row}"
    by_title = {d["title"]: d for d in raw}
    titles = {d["deal_id"]: d["title"] for d in raw}
    for row in rows:
        deal = by_title[row[1]]
        inside = deal["overlaps_deal_id"] and deal["overlap_type"] != "likely_within"  # likely_within: counted
        counted = f"no: inside {titles[deal['overlaps_deal_id']]}" if inside else "yes"
        assert row[8] == counted
        assert (
            row[5] == "not stated"
            if not deal["value_usd_m"]
            else row[5].endswith(f"{float(deal['value_usd_m']):,.10g}")
        )


def test_text_from_the_data_stays_text() -> None:
    deals = load_deals().head(3).copy()
    deals["title"] = deals["title"] + " " + PAYLOAD
    deals["us_party"] = "=cmd " + PAYLOAD
    deals["overlaps_deal_id"] = None
    rows = _shown(deals, load_sources())
    assert all(r[1].endswith(PAYLOAD) and r[2] == f"=cmd {PAYLOAD}" for r in rows)


def test_sort_keys_are_numbers_or_dates() -> None:
    # the template prints a key as it is (autoescaped): it must be a number or an ISO date made by the code
    parser = _Cells()
    parser.feed(deal_list(load_deals(), load_sources()).data)
    assert len(parser.keys) == 2 * len(parser.rows)
    number_or_date = re.compile(r"-?\d+(\.\d+)?(e[+-]\d+)?|\d{4}-\d{2}-\d{2}|")
    assert all(number_or_date.fullmatch(key) for key in parser.keys), parser.keys
    assert any("-" in key for key in parser.keys) and any("." in key for key in parser.keys)
