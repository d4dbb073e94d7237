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


if __name__ == "__main__":
    sys.exit(main())
