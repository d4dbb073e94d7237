"""Benchmark the report pipeline: build time, strict nbval time, report sizes vs plotly.js.

Run with ``make benchmark`` (= ``.venv/bin/python scripts/benchmark.py``). Not a test: it prints
a table. Uses the real notebooks/ and data/ (or ``C5_DATA_DIR``) and builds into a temp folder.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from plotly.offline import get_plotlyjs

ROOT = Path(__file__).resolve().parent.parent


def timed(command: list[str]) -> tuple[float, int, str]:
    """Run a command in the repository; return seconds taken, exit code and the output tail."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, result.returncode, (result.stdout + result.stderr)[-2000:]


def main() -> int:
    """Time the build and strict nbval, then print one row per report."""
    plotly_bytes = len(get_plotlyjs().encode("utf-8"))
    with tempfile.TemporaryDirectory(prefix="c5-benchmark-") as tmp:
        out = Path(tmp) / "reports"
        build_s, build_rc, build_log = timed([sys.executable, "-m", "helpers.reports", "--out", str(out)])
        nbval_s, nbval_rc, nbval_log = timed(
            [sys.executable, "-m", "pytest", "--nbval", "notebooks", "-p", "no:cacheprovider", "-q"]
        )
        reports = sorted(out.glob("*.html"))
        print(f"{'step':<40} {'seconds':>10} {'status':>8}")
        print(f"{'build all reports (helpers.reports)':<40} {build_s:>10.1f} {'ok' if build_rc == 0 else 'FAILED':>8}")
        print(f"{'strict nbval over notebooks/':<40} {nbval_s:>10.1f} {'ok' if nbval_rc == 0 else 'FAILED':>8}")
        print()
        print(f"{'report':<40} {'bytes':>12} {'x plotly.js':>12}")
        for report in reports:
            size = report.stat().st_size
            print(f"{report.name:<40} {size:>12,} {size / plotly_bytes:>12.2f}")
        print(f"{'plotly.js (one inline copy per report)':<40} {plotly_bytes:>12,} {1:>12.2f}")
        for name, rc, log in (("build", build_rc, build_log), ("nbval", nbval_rc, nbval_log)):
            if rc != 0:
                print(f"\n{name} failed:\n{log}", file=sys.stderr)
    return 0 if build_rc == nbval_rc == 0 else 1


# ---------------------------------------------------------------------------
# Loader timing: ``scripts/benchmark.py --loaders`` (data loading and validation)


def loader_timings() -> int:
    """Time trade.csv: cold (fresh interpreter, imports included), warm, and pasted ten times."""
    import shutil
    import statistics

    sys.path.insert(0, str(ROOT))
    import helpers
    from helpers import DataValidationError

    cold = "import time; t = time.perf_counter(); import helpers; helpers.load_trade(); print(time.perf_counter() - t)"
    cold_s = float(subprocess.run([sys.executable, "-c", cold], cwd=ROOT, capture_output=True, text=True).stdout)
    helpers.load_trade()
    warm = []
    for _ in range(3):
        start = time.perf_counter()
        rows = len(helpers.load_trade())
        warm.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory(prefix="c5-benchmark-") as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(helpers.data.REPO_DATA_DIR, folder)
        header, *lines = (folder / "trade.csv").read_text(encoding="utf-8").splitlines(keepends=True)
        (folder / "trade.csv").write_text(header + "".join(lines * 10), encoding="utf-8")
        start = time.perf_counter()
        try:
            helpers.load_trade(folder / "trade.csv")
            first = "NOT REJECTED"
        except DataValidationError as error:
            first = str(error.problems[0]).replace(str(folder) + "/", "")
        pasted_s = time.perf_counter() - start
    print(f"{'loading (helpers.load_trade)':<52} {'seconds':>8}")
    print(f"{f'trade.csv, {rows:,} rows, fresh interpreter + imports':<52} {cold_s:>8.2f}")
    print(f"{'trade.csv, warm (median of 3)':<52} {statistics.median(warm):>8.2f}")
    print(f"{f'trade.csv pasted 10 times ({10 * rows:,} rows), rejected':<52} {pasted_s:>8.2f}")
    print(f"  first problem: {first[:160]}")
    return 0 if first != "NOT REJECTED" and pasted_s <= 3 else 1


if __name__ == "__main__":
    sys.exit(loader_timings() if sys.argv[1:] == ["--loaders"] else main())
