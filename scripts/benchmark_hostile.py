"""Benchmarks for issue 23 (hostile inputs): the overlap-chain load and concurrent publishes.

    PYTHONPATH=. .venv/bin/python scripts/benchmark_hostile.py [--rows 8000] [--publishes 200]

1. deals.csv of the valid fixture plus ``--rows`` rows that form one overlap chain (each row
   inside the next): load time of ``load_deals`` (the check must visit each row once).
2. ``--publishes`` publishes of small sets into one folder from concurrent processes: every
   publish must succeed, and afterwards the folder must hold exactly one set (every file from
   the same publish).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VALID = ROOT / "tests" / "fixtures" / "valid"


def chain_deals(folder: Path, rows: int) -> Path:
    """A copy of the valid fixture whose deals.csv has ``rows`` extra rows in one overlap chain."""
    shutil.copytree(VALID, folder, dirs_exist_ok=True)
    file = folder / "deals.csv"
    with file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, first = reader.fieldnames, next(reader)
    assert fields is not None
    with file.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        for n in range(rows):
            row = {**first, "deal_id": f"chain-{n:06d}", "value_usd_m": "1", "value_low_usd_m": "",
                   "value_basis": "stated"}  # fmt: skip
            row["overlaps_deal_id"], row["overlap_type"] = (
                (f"chain-{n + 1:06d}", "part_of_umbrella") if n + 1 < rows else ("", "")
            )
            writer.writerow(row)
    return file


def overlap_chain(rows: int) -> float:
    """Seconds to load deals.csv with a ``rows``-long overlap chain."""
    import helpers

    with tempfile.TemporaryDirectory() as tmp:
        file = chain_deals(Path(tmp) / "data", rows)
        start = time.perf_counter()
        frame = helpers.load_deals(file)
        seconds = time.perf_counter() - start
    assert len(frame) >= rows
    return seconds


def _publish(out: str, number: int) -> str:
    from reporting.output import publish

    files = {name: f"{name} from publish {number}\n".encode() for name in ("index.html", "01_a.html", "02_b.html")}
    try:
        publish(Path(out), files)
    except Exception as err:
        return f"{type(err).__name__}: {err}"
    return ""


def concurrent_publishes(count: int, workers: int = 8) -> tuple[int, bool]:
    """(failed publishes, whether the folder ends with one consistent set)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "reports"
        out.mkdir()
        with ProcessPoolExecutor(workers) as pool:
            errors = [e for e in pool.map(_publish, [str(out)] * count, range(count)) if e]
        for error in sorted(set(errors))[:5]:
            print("  error:", error)
        texts = {(out / name).read_text().split(" from ")[1] for name in ("index.html", "01_a.html", "02_b.html")}
        manifest = json.loads((out / ".c5-reports-manifest.json").read_text())
        consistent = len(texts) == 1 and sorted(manifest["files"]) == ["01_a.html", "02_b.html", "index.html"]
    return len(errors), consistent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=8000)
    parser.add_argument("--publishes", type=int, default=200)
    parser.add_argument("--skip-publish", action="store_true")
    args = parser.parse_args()
    print(f"overlap chain of {args.rows:,} rows: load_deals in {overlap_chain(args.rows):.2f} s")
    if not args.skip_publish:
        start = time.perf_counter()
        failed, consistent = concurrent_publishes(args.publishes)
        print(f"{args.publishes} concurrent publishes: {failed} failed, consistent set: {consistent} "
              f"({time.perf_counter() - start:.1f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
