"""Everything the report builder takes from the analysis package ``helpers``, in one place.

Only public helpers functions are used: the data folder and its vintage, the loaders for the
index stamp, and state names. If ``helpers`` is reorganised, this is the one file to change.
"""

from __future__ import annotations

from pathlib import Path

from helpers import data_dir, data_vintage, load_sources, load_trade
from helpers.codes import country_name

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = REPO / "notebooks"
REPO_DATA_DIR = REPO / "data"

__all__ = [
    "NOTEBOOKS_DIR",
    "REPO",
    "REPO_DATA_DIR",
    "country_name",
    "data_dir",
    "data_vintage",
    "last_trade_year",
    "newest_source_date",
]


def newest_source_date() -> str:
    """The newest ``published`` date in the source registry (ISO text, possibly ``YYYY-MM``)."""
    published = load_sources()["published"].dropna().astype(str)
    published = published[published.str.match(r"^\d{4}(-\d{2}){0,2}$")]
    return max(published, default="")


def last_trade_year() -> int | None:
    """The latest year with a trade figure."""
    years = load_trade()["year"].dropna()
    return int(years.max()) if len(years) else None
