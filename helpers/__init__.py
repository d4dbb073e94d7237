"""C5 Realignment helpers: data loading and validation, metrics, chart theme, maps, reports."""

from helpers.data import (
    DataValidationError,
    data_dir,
    data_vintage,
    load_boundaries,
    load_brief_claims,
    load_deals,
    load_sources,
    load_trade,
)

__all__ = [
    "DataValidationError",
    "data_dir",
    "data_vintage",
    "load_boundaries",
    "load_brief_claims",
    "load_deals",
    "load_sources",
    "load_trade",
]
