"""Shares on one set of records only, e.g. the states' own statistics agencies, year after year.

Analysts ask for a state's own records with ``helpers.c5.shares(records="own")``: the agency's table
from here where it covers the year, else the IMF's copy of the state's reports. The IMF's copy can
differ (China's share of Uzbekistan's 2019 imports: 21.0 % here, goods and services; 23.1 % in IMF
DOTS, goods only, which ``select_series(side="reporter")`` prefers up to 2020).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from helpers.codes import WORLD
from helpers.compute.rules import dataset_of
from helpers.compute.series import flag_list, select_series
from helpers.compute.shares import partner_shares

NATIONAL_STATISTICS = "national_statistics"


def dataset_series(trade: pd.DataFrame, dataset: str = NATIONAL_STATISTICS) -> pd.DataFrame:
    """The series rule applied to the rows of one dataset only (superseded page figures left out).

    The rule then only ranks figures within that dataset, so every value, and every share made
    of them, comes from the same records.
    """
    rows = trade[dataset_of(trade).eq(dataset)]
    rows = rows[~rows["flags"].map(lambda f: "superseded" in flag_list(f))]
    return select_series(rows)


def dataset_shares(trade: pd.DataFrame, dataset: str = NATIONAL_STATISTICS) -> pd.DataFrame:
    """Partner shares computed only from rows of one dataset (see :func:`dataset_series`)."""
    return partner_shares(dataset_series(trade, dataset))


def covered_states(series: pd.DataFrame, states: Sequence[str], years: Sequence[int], flow: str = "total") -> list[str]:
    """The states with a world total in every one of ``years`` (e.g. every year an agency table covers).

    >>> series = pd.DataFrame({"reporter": ["KAZ"] * 2 + ["TJK"], "partner": ["WLD"] * 3,
    ...     "year": [2019, 2020, 2020], "flow": ["total"] * 3})
    >>> covered_states(series, ["KAZ", "TJK"], [2019, 2020])
    ['KAZ']
    """
    world = series[series["partner"].eq(WORLD) & series["flow"].eq(flow)]
    years_of = world.groupby("reporter")["year"].agg(set)
    return [s for s in states if s in years_of.index and set(years) <= years_of[s]]
