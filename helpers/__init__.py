"""C5 Realignment helpers, by layer (see docs/architecture.md).

``data`` (loading, validation) and ``codes`` -> ``compute`` (rules, series, shares, deals, scenarios,
geometry) -> ``figures`` (theme, grid builder, charts, maps) -> ``narrative`` (titles and findings)
-> ``text`` (rendering). The loaders are re-exported here.
"""

from helpers.data import (
    DataValidationError,
    data_dir,
    data_vintage,
    load_boundaries,
    load_brief_claims,
    load_deal_checks,
    load_deal_events,
    load_deals,
    load_sources,
    load_trade,
)

__all__ = [  # the loaders, re-exported
    "DataValidationError", "data_dir", "data_vintage", "load_boundaries", "load_brief_claims",
    "load_deal_checks", "load_deal_events", "load_deals", "load_sources", "load_trade",
]
