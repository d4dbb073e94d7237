"""Benchmark the report pipeline against the targets of issue 12, and strict nbval time.

Run with ``make benchmark`` (= ``.venv/bin/python scripts/benchmark.py``). Not a test: it prints
tables. Uses the real notebooks/ and data/ (or ``C5_DATA_DIR``) and builds into a temp folder.
Opening each page in Chromium counts its network requests and the charts visible without
JavaScript (as images with alt text). ``--skip-nbval`` leaves out the nbval timing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from plotly.offline import get_plotlyjs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reporting.build import BRIEFING_NAME, MAX_BRIEFING_BYTES, MAX_REPORT_BYTES  # noqa: E402
from reporting.images import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

BUILD_TARGET_S = 90


def timed(command: list[str]) -> tuple[float, int, str]:
    """Run a command in the repository; return seconds taken, exit code and the output tail."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, result.returncode, (result.stdout + result.stderr)[-2000:]


def _local_only(route: object, blocked: list[str]) -> None:
    """Let file: requests through; abort and record any other."""
    if route.request.url.startswith("file:"):
        route.continue_()
    else:
        blocked.append(route.request.url)
        route.abort()


def open_offline(pages: list[Path]) -> dict[str, tuple[int, int, int]]:
    """Per page: requests other than file: (JS on), charts, and charts shown as images with alt (JS off)."""
    from playwright.sync_api import sync_playwright

    found: dict[str, tuple[int, int, int]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in pages:
            requests: list[str] = []
            context = browser.new_context()
            context.route("**/*", lambda route, seen=requests: _local_only(route, seen))
            page = context.new_page()
            page.goto(path.as_uri(), wait_until="load")
            charts = page.locator("figure.c5-chart")
            chart_count = charts.count()
            for number in range(chart_count):
                charts.nth(number).scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            context.close()
            context = browser.new_context(java_script_enabled=False)
            page = context.new_page()
            page.goto(path.as_uri(), wait_until="load")
            images = page.locator("figure.c5-chart img")
            shown = 0
            for number in range(images.count()):
                image = images.nth(number)
                image.scroll_into_view_if_needed()
                shown += bool(image.is_visible() and (image.get_attribute("alt") or "").strip()
                              and image.evaluate("i => i.complete && i.naturalWidth > 0"))  # fmt: skip
            found[path.name] = (len(requests), chart_count, shown)
            context.close()
        browser.close()
    return found


def main() -> int:
    """Time the build (and strict nbval), then print the issue-12 target table and one row per file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-nbval", action="store_true", help="do not time strict nbval")
    args = parser.parse_args()
    plotly_bytes = len(get_plotlyjs().encode("utf-8"))
    with tempfile.TemporaryDirectory(prefix="c5-benchmark-") as tmp:
        out = Path(tmp) / "reports"
        build_s, build_rc, build_log = timed([sys.executable, "-m", "reporting", "--out", str(out)])
        if build_rc != 0:
            print(f"build failed:\n{build_log}", file=sys.stderr)
            return 1
        pages = sorted(out.glob("*.html"))
        reports = [p for p in pages if p.name not in ("index.html", BRIEFING_NAME)]
        opened = open_offline(pages)
        sizes = {p.name: p.stat().st_size for p in pages}
        report_sizes = [sizes[p.name] for p in reports]
        requests = sum(r for r, _, _ in opened.values())
        charts = sum(c for name, (_, c, _) in opened.items() if name != BRIEFING_NAME)
        as_images = sum(s for name, (_, _, s) in opened.items() if name != BRIEFING_NAME)
        b_charts, b_images = opened[BRIEFING_NAME][1:]

        def ok(good: bool) -> str:
            return "met" if good else "MISSED"

        rows = [
            ("briefing file, all reports included", f"{sizes[BRIEFING_NAME] / 1e6:.2f} MB", "<= 4.0 MB",
             ok(sizes[BRIEFING_NAME] <= MAX_BRIEFING_BYTES)),
            ("each single report", f"{min(report_sizes) / 1e6:.2f}-{max(report_sizes) / 1e6:.2f} MB", "<= 2.5 MB",
             ok(max(report_sizes) <= MAX_REPORT_BYTES)),
            ("report bytes / plotly.js bytes (4.82 MB)",
             f"{min(report_sizes) / plotly_bytes:.2f}-{max(report_sizes) / plotly_bytes:.2f}; "
             f"briefing {sizes[BRIEFING_NAME] / plotly_bytes:.2f}", "<= 0.52 each; briefing <= 0.85",
             ok(max(report_sizes) / plotly_bytes <= 0.52 and sizes[BRIEFING_NAME] / plotly_bytes <= 0.85)),
            ("network requests when opened from disk", str(requests), "0", ok(requests == 0)),
            ("charts visible with JavaScript disabled", f"{as_images} of {charts} (briefing {b_images} of {b_charts})",
             "all", ok(as_images == charts and b_images == b_charts)),
            (f"whole build, all reports + briefing, {os.cpu_count()} cores", f"{build_s:.1f} s",
             f"<= {BUILD_TARGET_S} s", ok(build_s <= BUILD_TARGET_S)),
        ]  # fmt: skip
        print(f"{'measure':<44} {'measured':<34} {'target':<32} status")
        for row in rows:
            print(f"{row[0]:<44} {row[1]:<34} {row[2]:<32} {row[3]}")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"(load average at the end of the build: {load:.1f}; other work on the machine slows the build)")
        print()
        print(f"{'file':<40} {'bytes':>12} {'x plotly.js':>12} {'charts':>7} {'requests':>9}")
        for page in pages:
            count, charts_in, size = opened[page.name][0], opened[page.name][1], sizes[page.name]
            print(f"{page.name:<40} {size:>12,} {size / plotly_bytes:>12.2f} {charts_in:>7} {count:>9}")
        print(f"{'plotly.js, full bundle (not shipped)':<40} {plotly_bytes:>12,} {1:>12.2f}")
    if not args.skip_nbval:
        nbval_s, nbval_rc, nbval_log = timed(
            [sys.executable, "-m", "pytest", "--nbval", "notebooks", "-p", "no:cacheprovider", "-q"]
        )
        print(f"\nstrict nbval over notebooks/: {nbval_s:.1f} s {'ok' if nbval_rc == 0 else 'FAILED'}")
        if nbval_rc != 0:
            print(nbval_log, file=sys.stderr)
            return 1
    return 0


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
