"""Compatibility for ``helpers.reports`` (moved out of the analysis package on the reports branch).

Only ``country_name`` is re-exported; new code imports it from :mod:`helpers.codes`. Delete this
module once the report builder imports ``helpers.codes``.
"""

from helpers.codes import country_name

__all__ = ["country_name"]
