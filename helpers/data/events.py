"""Loaders of the deal follow-through tables: dated events per deal, and the last check per deal.

Schema checks come from the descriptor (``tables.py``); the domain rules here are what a schema
cannot say: an event date that exists and matches its precision, per deal the events in date
order with the announcement first and only once, every deal announced (a row that is only a
claim about another deal is exempt) and checked.
"""

from __future__ import annotations

import os
from datetime import date
from itertools import pairwise

import pandas as pd

from helpers.data.errors import DataValidationError, Problem
from helpers.data.loaders import load_deals, load_sources, resolve_path, sibling_path
from helpers.data.tables import Table, check_foreign_keys, load_table

PRECISION_LENGTH = {"day": 10, "month": 7, "year": 4, "by": 10}
CLAIM = "claim_of"
TARGET = "target_set"
TARGET_FIELDS = ("target_event", "target_date")


def event_start(value: str) -> date:
    """The first day an event date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) can mean.

    >>> event_start("2026-02")
    datetime.date(2026, 2, 1)
    """
    parts = [int(part) for part in value.split("-")]
    return date(parts[0], *[*parts[1:], 1, 1][:2])


def load_deal_events(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load ``deal_events.csv``: dated events per deal; ``event_date`` becomes the first day it can mean.

    The text as written stays in ``event_date_text``.
    """
    table = load_table("deal_events", resolve_path(path, "deal_events"))
    deals = load_deals(sibling_path(table, "deals"))
    targets = {"sources": load_sources(sibling_path(table, "sources")), "deals": deals}
    problems = check_foreign_keys(table, "deal_events", targets)
    starts, date_problems = _event_dates(table)
    problems += date_problems + _targets(table)
    if not date_problems:
        problems += _order_and_announcement(table, starts, deals)
    if problems:
        raise DataValidationError(problems)
    frame = table.frame.assign(event_date_text=table.frame["event_date"], event_date=pd.to_datetime(starts))
    return frame.reset_index(drop=True)


def _event_dates(table: Table) -> tuple[list[date | None], list[Problem]]:
    starts: list[date | None] = []
    problems = []
    pairs = zip(table.frame["event_date"], table.frame["date_precision"], strict=True)
    for position, (text, precision) in enumerate(pairs):
        try:
            starts.append(event_start(text))
            if len(text) == 10:
                date.fromisoformat(text)
        except ValueError:
            starts.append(None)
            problems.append(table.problem(position, "event_date", f"{text!r} is not a date that exists"))
            continue
        if len(text) != PRECISION_LENGTH.get(precision, -1):
            problems.append(
                table.problem(position, "date_precision", f"{precision!r} does not match the date {text!r}")
            )
    return starts, problems


def _targets(table: Table) -> list[Problem]:
    """A ``target_set`` row names its step and date; no other row does."""
    problems = []
    for position, row in enumerate(table.frame.itertuples(index=False)):
        is_target = row.event == TARGET
        for field in TARGET_FIELDS:
            if pd.isna(getattr(row, field)) == is_target:
                rule = "is required for" if is_target else "is only for"
                problems.append(table.problem(position, field, f"{field} {rule} a target_set event"))
    return problems


def _order_and_announcement(table: Table, starts: list[date | None], deals: pd.DataFrame) -> list[Problem]:
    problems = []
    frame = table.frame.assign(_start=starts)
    for deal_id, own in frame.groupby("deal_id", sort=False):
        positions = list(own.index)
        for earlier, later in pairwise(positions):
            if frame.at[later, "_start"] < frame.at[earlier, "_start"]:
                problems.append(
                    table.problem(later, "event_date", f"{deal_id}: events must be in date order (see the row above)")
                )
        announced = [p for p in positions if frame.at[p, "event"] == "announced"]
        if len(announced) > 1:
            problems.append(table.problem(announced[1], "event", f"{deal_id} is announced more than once"))
        if announced and announced[0] != positions[0]:
            message = f"{deal_id}: its first event must be the announcement"
            problems.append(table.problem(positions[0], "event", message))
        if not announced:
            problems.append(table.problem(positions[0], "event", f"{deal_id} has events but no announcement"))
    claims = set(deals.loc[deals["overlap_type"].eq(CLAIM), "deal_id"])
    unannounced = sorted(set(deals["deal_id"]) - set(frame["deal_id"]) - claims)
    if unannounced:
        problems.append(
            Problem(table.path, None, "deal_id", f"deals without an announcement event: {', '.join(unannounced)}")
        )
    return problems


def load_deal_checks(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load ``deal_checks.csv``: each check of each deal for news and what was found (one row per check)."""
    table = load_table("deal_checks", resolve_path(path, "deal_checks"))
    deals = load_deals(sibling_path(table, "deals"))
    targets = {"sources": load_sources(sibling_path(table, "sources")), "deals": deals}
    problems = check_foreign_keys(table, "deal_checks", targets)
    unchecked = sorted(set(deals["deal_id"]) - set(table.frame["deal_id"]))
    if unchecked:
        problems.append(Problem(table.path, None, "deal_id", f"deals without a check: {', '.join(unchecked)}"))
    if problems:
        raise DataValidationError(problems)
    return table.frame.reset_index(drop=True)
