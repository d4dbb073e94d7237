"""Shares on one set of records only, e.g. the states' own statistics agencies, year after year."""

from __future__ import annotations

import pandas as pd

from helpers.compute.rules import dataset_of
from helpers.compute.series import flag_list, select_series
from helpers.compute.shares import partner_shares

NATIONAL_STATISTICS = "national_statistics"


def dataset_shares(trade: pd.DataFrame, dataset: str = NATIONAL_STATISTICS) -> pd.DataFrame:
    """Partner shares computed only from rows of one dataset (superseded page figures left out).

    The series rule then only ranks figures within that dataset, so a share's partner value and
    world total, and every point of a line, come from the same records.
    """
    rows = trade[dataset_of(trade).eq(dataset)]
    rows = rows[~rows["flags"].map(lambda f: "superseded" in flag_list(f))]
    return partner_shares(select_series(rows))
