"""The public loaders: one per table, each = schema checks (tables.py) + foreign keys + domain rules.

Domain rules are what a schema cannot say: deal value rules and overlap cycles, a stored total
beside a published split, a partner's value above the world total, dates that exist.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from helpers.data.errors import DataValidationError, Problem
from helpers.data.package import data_dir, resource_schema
from helpers.data.tables import Table, check_foreign_keys, load_table


def resolve_path(path: str | os.PathLike[str] | None, name: str) -> Path:
    """The file to load: ``path`` if given, else resource ``name`` in the data folder."""
    if path is not None:
        return Path(path)
    return data_dir() / resource_schema(name)["path"]


def sibling_path(table: Table, name: str) -> Path:
    """The file of resource ``name`` in the same folder as ``table``."""
    return table.path.parent / resource_schema(name)["path"]


def _finish(table: Table, problems: list[Problem]) -> pd.DataFrame:
    if problems:
        raise DataValidationError(problems)
    return table.frame.reset_index(drop=True)


# ---------------------------------------------------------------------------
# sources


def load_sources(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the source registry (``sources.csv``): one row per source."""
    table = load_table("sources", resolve_path(path, "sources"))
    return _finish(table, _source_dates(table))


EARLIEST_YEAR = 1990


def latest_date() -> date:
    """The last date a source can be published or accessed on: today (UTC), the day of the build.

    Not ``SOURCE_DATE_EPOCH``: that fixes the date printed on reproducible reports, often in
    the past, while a source accessed since then is still a real one.
    """
    return datetime.now(UTC).date()


def _source_dates(table: Table) -> list[Problem]:
    """``published`` (YYYY, YYYY-MM or YYYY-MM-DD) and ``accessed``: real dates, from 1990, not after the build."""
    problems = []
    today = latest_date()
    for column in ("published", "accessed"):
        if column not in table.frame:
            continue
        for position, value in table.frame[column].items():
            if value is None or pd.isna(value):
                continue
            text = value.date().isoformat() if isinstance(value, pd.Timestamp) else str(value)
            try:
                if not text.isascii():
                    raise ValueError(text)
                start = date.fromisoformat(text) if len(text) == 10 else date(int(text[:4]), int(text[5:7] or 1), 1)
            except ValueError:
                problems.append(table.problem(position, column, f"{text!r} is not a date that exists"))
                continue
            if start.year < EARLIEST_YEAR:
                problems.append(table.problem(position, column, f"{text!r} is before {EARLIEST_YEAR}"))
            elif start > today:
                problems.append(table.problem(position, column, f"{text!r} is after today ({today.isoformat()})"))
    return problems


# ---------------------------------------------------------------------------
# deals


def load_deals(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load ``deals.csv``, checking sources, overlap links and value rules.

    Examples
    --------
    >>> deals = load_deals()
    >>> deals.loc[deals["overlaps_deal_id"].isna(), "value_usd_m"].sum()  # deduplicated  # doctest: +SKIP
    """
    table = load_table("deals", resolve_path(path, "deals"))
    sources = load_sources(sibling_path(table, "sources"))
    problems = check_foreign_keys(table, "deals", {"sources": sources})
    problems += _deal_rules(table)
    return _finish(table, problems)


def _deal_rules(table: Table) -> list[Problem]:
    frame = table.frame
    problems = []
    links = {d: o for d, o in zip(frame["deal_id"], frame["overlaps_deal_id"], strict=True) if isinstance(o, str)}
    through = _cycle_entries(links)
    for pos, row in enumerate(frame.itertuples(index=False)):
        has_value = not pd.isna(row.value_usd_m)
        if has_value == (row.value_basis == "none"):
            problems.append(table.problem(pos, "value_basis", "must be 'none' exactly when value_usd_m is empty"))
        if not pd.isna(row.value_low_usd_m) and (not has_value or row.value_low_usd_m > row.value_usd_m):
            problems.append(table.problem(pos, "value_low_usd_m", "must not exceed value_usd_m (and needs it)"))
        linked = row.overlaps_deal_id if isinstance(row.overlaps_deal_id, str) else None
        if (linked is None) != pd.isna(row.overlap_type):
            problems.append(table.problem(pos, "overlap_type", "overlaps_deal_id and overlap_type go together"))
        if linked == row.deal_id:
            problems.append(table.problem(pos, "overlaps_deal_id", "a deal cannot overlap itself"))
        start, end = row.delivery_start_year, row.delivery_end_year
        if not pd.isna(start) and not pd.isna(end) and end < start:
            problems.append(table.problem(pos, "delivery_end_year", f"{end} is before delivery_start_year {start}"))
        if pd.isna(row.announced_date) != (row.date_precision == "unknown"):
            problems.append(
                table.problem(pos, "date_precision", "must be 'unknown' exactly when announced_date is empty")
            )
        if row.deal_id in through:
            message = f"overlap links form a cycle through {through[row.deal_id]!r}"
            problems.append(table.problem(pos, "overlaps_deal_id", message))
    return problems


def _cycle_entries(links: dict[str, str]) -> dict[str, str]:
    """Each deal whose overlap links lead into a cycle -> the first deal its walk meets twice.

    Every deal is walked once: a walk stops at a deal already settled and takes its answer.

    >>> _cycle_entries({"a": "b", "b": "c", "c": "b", "d": "e"})
    {'b': 'b', 'c': 'c', 'a': 'b'}
    """
    settled: dict[str, str | None] = {}  # deal -> the deal its walk meets twice (None: no cycle)
    for start in links:
        path: list[str] = []
        on_path: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in settled and current not in on_path:
            on_path[current] = len(path)
            path.append(current)
            current = links.get(current)
        if current is not None and current in on_path:  # a new cycle: its members meet themselves
            cycle = path[on_path[current] :]
            settled.update({deal: deal for deal in cycle})
            path, answer = path[: on_path[current]], current
        elif current is None:
            answer = None
        else:  # reached a settled deal: a cycle member is met twice there, a tail passes its answer on
            answer = current if settled[current] == current else settled[current]
        settled.update({deal: answer for deal in path})
    return {deal: entry for deal, entry in settled.items() if entry is not None}


# ---------------------------------------------------------------------------
# brief claims


def load_brief_claims(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load ``brief_claims.csv``: claims about deals in the summit announcements as first reported, and verdicts."""
    table = load_table("brief_claims", resolve_path(path, "brief_claims"))
    sources, deals = load_sources(sibling_path(table, "sources")), load_deals(sibling_path(table, "deals"))
    targets = {"sources": sources, "deals": deals}
    return _finish(table, check_foreign_keys(table, "brief_claims", targets))


# ---------------------------------------------------------------------------
# trade

FLOW_KEY = ["reporter", "partner", "year", "side", "source_id"]
WORLD_KEY = ["reporter", "year", "flow", "side", "source_id"]


def load_trade(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load ``trade.csv`` (long form, US$ m or EUR m), checking sources and value rules."""
    table = load_table("trade", resolve_path(path, "trade"))
    problems = check_foreign_keys(table, "trade", {"sources": load_sources(sibling_path(table, "sources"))})
    frame = table.frame
    both = frame["value_usd_m"].notna() == frame["value_eur_m"].notna()
    problems += [
        table.problem(pos, "value_usd_m", "exactly one of value_usd_m and value_eur_m must be filled")
        for pos in both.to_numpy().nonzero()[0]
    ]
    problems += _stored_totals_with_split(table)
    problems += _partner_above_world(table)
    return _finish(table, problems)


def _stored_totals_with_split(table: Table) -> list[Problem]:
    """A total is derived in code where the same source gives exports and imports."""
    frame = table.frame.reset_index(names="position")
    flows = frame[frame["flow"] != "total"].groupby(FLOW_KEY)["flow"].nunique()
    split = flows[flows == 2].reset_index()[FLOW_KEY]
    totals = frame[frame["flow"] == "total"].merge(split, on=FLOW_KEY)
    return [
        table.problem(pos, "flow", "stored total where exports and imports exist: derive it")
        for pos in sorted(totals["position"])
    ]


def _partner_above_world(table: Table) -> list[Problem]:
    """A partner's value may not exceed the world total of the same reporter, year, flow, side and source."""
    problems = []
    frame = table.frame.reset_index(names="position")
    for column in ("value_usd_m", "value_eur_m"):
        valued = frame[frame[column].notna()]
        world = valued[valued["partner"] == "WLD"][[*WORLD_KEY, column]].rename(columns={column: "world"})
        partners = valued[valued["partner"] != "WLD"].merge(world, on=WORLD_KEY)
        above = partners[partners[column] > partners["world"] * (1 + 1e-9)]
        problems += [
            table.problem(
                int(r.position),
                column,
                f"{getattr(r, column):,.1f} for {r.partner} is above the world total {r.world:,.1f}",
            )
            for r in above.sort_values("position").itertuples()
        ]
    return problems
