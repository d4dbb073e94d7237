"""Everything the report builder takes from the analysis package ``helpers``, in one place.

Only public helpers functions are used: the data folder and its vintage, the loaders for the
index stamp, and state names. If ``helpers`` is reorganised, this is the one file to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers import data_dir, data_vintage, load_sources, load_trade
from helpers.codes import country_name
from helpers.compute.snapshots import trade_coverage

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = REPO / "notebooks"
REPO_DATA_DIR = REPO / "data"

__all__ = [
    "NOTEBOOKS_DIR",
    "REPO",
    "REPO_DATA_DIR",
    "BottomLine",
    "bottom_line",
    "country_name",
    "data_dir",
    "data_vintage",
    "newest_source_date",
    "trade_coverage_text",
]


def newest_source_date() -> str:
    """The newest ``published`` date in the source registry (ISO text, possibly ``YYYY-MM``)."""
    published = load_sources()["published"].dropna().astype(str)
    published = published[published.str.match(r"^\d{4}(-\d{2}){0,2}$")]
    return max(published, default="")


def trade_coverage_text() -> str | None:
    """What "trade to" means on the stamp: "2023 on the states' own records (partners' records to 2025)"."""
    reach = trade_coverage(load_trade())
    if reach["own"] is None:
        return None if reach["partners"] is None else f"{reach['partners']} on partners' records only"
    text = f"{reach['own']} on the states' own records"
    if reach["partners"] is not None and reach["partners"] > reach["own"]:
        text += f" (partners' records to {reach['partners']})"
    return text


@dataclass(frozen=True)
class BottomLine:
    """The bottom line's sentences (each with the report holding its evidence), the key-indicator
    table as escaped HTML, and the latest-year rule in words."""

    points: list
    table_html: str
    rule: str


def bottom_line() -> BottomLine:
    """The bottom line of the current data (:mod:`helpers.narrative.bottom_line`)."""
    from helpers import load_deal_checks, load_deal_events, load_deals
    from helpers.narrative import bottom_line as bl

    points, table, rule = bl.bottom_line(load_trade(), load_deals(), load_deal_events(), load_deal_checks())
    return BottomLine(points, table.data, rule)
