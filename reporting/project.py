"""Everything the report builder takes from the analysis package ``helpers``, in one place.

Only public helpers functions are used: the data folder and its vintage, the loaders for the
index stamp, state names, and where a figure keeps its plotted table (``TABLE_META``). If
``helpers`` is reorganised, this is the one file to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from helpers import data_dir, data_vintage, load_sources, load_trade
from helpers.codes import country_name
from helpers.compute.snapshots import trade_coverage
from helpers.figures.theme import TABLE_META

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = REPO / "notebooks"
REPO_DATA_DIR = REPO / "data"

__all__ = [
    "NOTEBOOKS_DIR",
    "REPO",
    "REPO_DATA_DIR",
    "TABLE_META",
    "Appendix",
    "BottomLine",
    "appendix",
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
    table as escaped HTML, the latest-year rule in words, and each state's row of the table (escaped
    HTML, by ISO code) for its briefing section."""

    points: list
    table_html: str
    rule: str
    state_rows: dict[str, str] = field(default_factory=dict)


def bottom_line() -> BottomLine:
    """The bottom line of the current data (:mod:`helpers.narrative.bottom_line`)."""
    from helpers import load_deal_checks, load_deal_events, load_deals
    from helpers.compute.indicators import key_indicators
    from helpers.narrative import bottom_line as bl
    from helpers.text import table

    trade = load_trade()
    points, whole, rule = bl.bottom_line(trade, load_deals(), load_deal_events(), load_deal_checks())
    indicators = key_indicators(trade)
    rows = {
        state: table(bl.indicator_table(indicators[indicators["state"].eq(state)]), caption=bl.KEY_TABLE_CAPTION).data
        for state in indicators["state"]
    }
    return BottomLine(points, whole.data, rule, rows)


@dataclass(frozen=True)
class Appendix:
    """What the briefing's appendix shows: the conflicting figures in brief (escaped HTML) and their
    rule, the sources grouped by the institution that produced them, the data version, the glossary."""

    conflicts_html: str
    conflicts_rule: str
    sources: list[tuple[str, list[dict[str, str | None]]]]
    version: str
    glossary: list[tuple[str, str]]


CONFLICTS_RULE = (
    "Where sources give different figures for the same state, partner, year and flow, the figures stay side "
    "by side in the data and one documented rule picks the one a chart uses: IMF DOTS where it has the "
    "year (to 2020), else the state's own records first, then the partner's records, then official "
    "statements, then other compilations; never an average."
)


def appendix() -> Appendix:
    """The briefing's appendix from the current data: every registry source, grouped by originator."""
    from helpers.compute import series
    from helpers.narrative import bottom_line as bl
    from helpers.narrative.glossary import glossary
    from helpers.text import safe_url, table

    brief = bl.conflicts_in_brief(series.conflicts(load_trade()))
    conflicts = table(brief, caption="Conflicting figures after IMF DOTS, by state and partner").data
    registry = load_sources()
    who = registry["originator"].fillna("").where(registry["originator"].fillna("").ne(""), registry["publisher"])
    groups = []
    for originator, rows in registry.assign(who=who).sort_values(["who", "published", "title"]).groupby("who"):
        items = [
            {"title": str(r.title), "publisher": str(r.publisher), "published": str(r.published or ""),
             "url": safe_url(r.url)}
            for r in rows.itertuples()
        ]
        groups.append((str(originator), items))
    version = data_vintage().get("package version", "unknown")
    return Appendix(conflicts, CONFLICTS_RULE, groups, version, glossary())
