"""The trade data pipeline: ``data/trade.csv`` and its source rows rebuilt from ``data/raw`` alone.

One module per source, read in this order by :func:`pipeline.combine.build`:

- ``national`` (the agencies' own tables: ``kazakhstan``, ``kyrgyzstan``, ``uzbekistan``, sharing
  ``tables`` and the name mapping in ``names``),
- ``imf_dots`` and ``research`` (the vendored research extracts: IMF DOTS and page-quoted figures),
- ``partner_records`` and ``agency_releases`` (figures quoted by pages, reviewed on the way in),

then the rules of ``carriers`` (who may carry a figure), ``cleanup`` (duplicates, totals, shares)
and ``originators`` (who produced it); ``registry`` writes the source rows and ``coverage`` the
table in ``data/README.md``. ``schema`` holds the output's columns and the one error for bad input.
The command line is ``python scripts/build_trade.py``.
"""
