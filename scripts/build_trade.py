"""Rebuild ``data/trade.csv`` from the raw files in ``data/raw`` (nothing outside the repository).

Inputs (all vendored, with sha256 in the folders' MANIFEST.md):

- ``data/raw/national_statistics/``: the agencies' own partner tables: Kazakhstan 2018-2023
  (stat.gov.kz .xls), Kyrgyzstan 1994-2023 (stat.kg .xlsx), Uzbekistan 2010-2023 (stat.uz SDMX csv).
  Dataset ``national_statistics``, side ``reporter``; thousand US$ converted to US$ m.
- ``data/raw/research/trade_reference_1992_2025.csv``: IMF DOTS 1992-2020 (both sides; dataset
  ``imf_dots``) and page-quoted figures.
- ``data/raw/research/trade_2021_2025.md`` section 1: page-quoted figures 2021-2025.
- ``data/raw/partner_records/``: partner-side figures (China customs, Eurostat, Türkiye) quoted by
  pages, written by a research session; reviewed on the way in (duplicates folded, statements
  reclassified).
- ``data/raw/agency_releases/``: 2024-2025 figures of the agencies' own releases quoted by pages
  (no agency table covers those years yet); ``national_statistics`` / ``reporter``, preliminary.

A figure whose only carrier is a propaganda outlet, an aggregator, a reprint or content-farm site,
a bare IP, a test host or an ad/tracking URL is dropped on the way in (``DENIED_HOSTS``); every source
row names its ``originator`` (the institution that produced the figures) and ``source_type``.

Every page row gets a ``dataset`` from its side (reporter -> national_statistics, mirror ->
partner_records, statement -> statements, other -> other); IMF rows are ``imf_dots``. Figures
worked back from a share are removed; page rows that repeat an agency figure are dropped.

Outputs, each written atomically (temporary file + ``os.replace``) and only after every input was
read and checked: ``data/trade.csv``, the trade rows of ``data/sources.csv`` (rows other tables use
are kept as they are) and the generated coverage table in ``data/README.md``. A second run gives
byte-identical files. Any unexpected raw input stops the build with an error naming file, sheet
and row, and nothing is written.

The steps live in the ``pipeline`` package (one module per source, the name mapping, the clean-up
rules and one combine step; see docs/architecture.md); this script is its command line.

Usage: ``python scripts/build_trade.py [--raw DIR] [--out FILE] [--sources FILE] [--readme FILE]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # this checkout's pipeline, whatever the environment points at

from pipeline.combine import build, format_trade  # noqa: E402
from pipeline.coverage import readme_text  # noqa: E402
from pipeline.names import NAMES  # noqa: E402
from pipeline.registry import sources_text  # noqa: E402
from pipeline.schema import RawDataError  # noqa: E402

DATA = REPO / "data"


def write_atomically(files: dict[Path, str]) -> None:
    """Write every file through a temporary file in its folder and os.replace (all texts are ready first)."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            staged.append((temp, path))
        for temp, path in staged:
            os.replace(temp, path)
    finally:
        for temp, _ in staged:
            if os.path.exists(temp):
                os.remove(temp)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; paths default to the repository layout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=DATA / "raw", help="folder with national_statistics/ and research/")
    parser.add_argument("--out", type=Path, default=DATA / "trade.csv")
    parser.add_argument("--sources", type=Path, default=DATA / "sources.csv", help="source registry to update")
    parser.add_argument("--readme", type=Path, default=DATA / "README.md", help="README whose coverage block to update")
    parser.add_argument("--quiet", action="store_true", help="do not print the clean-up log")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Rebuild trade.csv, its source rows and the README coverage table; print the log."""
    args = parse_args(argv)
    try:
        frame, generated, log = build(args.raw)
        files = {
            args.out: format_trade(frame),
            args.sources: sources_text(args.sources, frame, generated, args.sources.parent),
            args.readme: readme_text(args.readme, frame),
        }
    except RawDataError as err:
        print(f"build_trade: {err}", file=sys.stderr)
        return 1
    write_atomically(files)
    if not args.quiet:
        for line in log:
            print(line)
        print(
            f"names: {len(NAMES.by_pycountry)} resolved by pycountry, {len(NAMES.by_table)} by the table, "
            f"{len(NAMES.aggregates)} aggregates; listed twice: {sorted(NAMES.twice)}"
        )
    counts = frame["dataset"].value_counts().sort_index().to_dict()
    print(f"wrote {len(frame)} rows to {args.out} {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
