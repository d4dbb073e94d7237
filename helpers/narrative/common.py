"""Small formatting shared by the narrative modules, and the data-version lines every notebook shows."""

from __future__ import annotations

import pandas as pd


def pct(value: float) -> str:
    """A share for a sentence: one decimal and a per cent sign, or "no value".

    >>> pct(12.345)
    '12.3%'
    >>> pct(float("nan"))
    'no value'
    """
    return "no value" if pd.isna(value) else f"{value:.1f}%"


def money(value_usd_m: float) -> str:
    """US$ m for a sentence: billions from US$ 100 m up, else millions; "no value" when missing.

    >>> money(13577.0), money(9.0), money(float("nan"))
    ('US$13.6 bn', 'US$9 m', 'no value')
    """
    if pd.isna(value_usd_m):
        return "no value"
    return f"US${value_usd_m / 1000:,.1f} bn" if abs(value_usd_m) >= 100 else f"US${value_usd_m:,.0f} m"


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
