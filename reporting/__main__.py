"""``python -m reporting --out reports``: build the reports and the briefing.

``--out`` is checked first, with the standard library only (a refusal takes a fraction of a
second, before pandas, frictionless or Jupyter are imported). Every failure after that, whatever
its kind, is one line on stderr and a non-zero exit: 2 for a refused ``--out``, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reporting.messages import one_line
from reporting.output import OutputError, check_out, protected_folders

REPO = Path(__file__).resolve().parent.parent


def refused_out(argv: list[str]) -> str | None:
    """Why ``--out`` in ``argv`` is refused (None if it is usable or not given)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--out")
    early.add_argument("--notebooks", type=Path, default=REPO / "notebooks")
    known, _ = early.parse_known_args(argv)
    if known.out is None:
        return None  # the full parser says what is missing
    try:
        check_out(known.out, protected_folders(REPO, known.notebooks), repository=REPO)
    except OutputError as err:
        return str(err)
    return None


def main(argv: list[str] | None = None) -> int:
    """Check ``--out``, then run the build; one line on stderr for any failure."""
    argv = sys.argv[1:] if argv is None else argv
    refusal = refused_out(argv)
    if refusal:
        print(f"Report build refused: {refusal}", file=sys.stderr)
        return 2
    try:
        from reporting.build import main as build_main

        return build_main(argv)
    except KeyboardInterrupt as err:
        print(f"Report build stopped: {one_line(err)}", file=sys.stderr)
        return 130
    except Exception as err:
        print(f"Report build failed: {one_line(err)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
