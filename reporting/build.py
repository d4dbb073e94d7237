"""The whole build, and the command line ``python -m reporting --out reports``.

1. Execute every notebook (two kernels at a time) in a temporary folder, honouring C5_DATA_DIR.
2. Turn each executed notebook into a page body; draw every chart as an image in Chromium.
3. Assemble the reports, ``index.html`` and the one-file briefing in memory; check sizes and that
   nothing would load from the network.
4. Write them all atomically (reporting.output): a failed or killed build changes nothing.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime
from multiprocessing import get_context
from pathlib import Path

import nbformat

from reporting import briefing as bf
from reporting.bundle import page
from reporting.images import NARROW_WIDTH, ImageFormat, ImageRenderError, PictureCache, picture, render_images
from reporting.messages import one_line
from reporting.output import OutputError, check_out, publish
from reporting.page import NARROW, Report, check_offline, fill_images, render_report
from reporting.plan import Job, ReportBuildError, execute, plan, set_environ
from reporting.project import (
    NOTEBOOKS_DIR,
    REPO,
    REPO_DATA_DIR,
    Appendix,
    BottomLine,
    appendix,
    bottom_line,
    data_dir,
    data_vintage,
    newest_source_date,
    trade_coverage_text,
)

BRIEFING_NAME = "c5-realignment-briefing.html"
MAX_REPORT_BYTES = 2_500_000
MAX_BRIEFING_BYTES = 4_000_000
IMAGE_FORMAT = ImageFormat("image/webp", 0.55)


def build_date() -> date:
    """Today (UTC), or the date of ``SOURCE_DATE_EPOCH`` for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), UTC).date() if epoch else datetime.now(UTC).date()


def reusable(jobs: list[Job], executed_dir: Path | None) -> dict[str, Path]:
    """Already-executed copies (``<report name>.ipynb`` in ``executed_dir``) that stand in for a fresh run."""
    if executed_dir is None:
        return {}
    copies = {job.name: executed_dir / f"{job.name}.ipynb" for job in jobs}
    return {name: path for name, path in copies.items() if path.is_file()}


def execute_all(notebooks_dir: Path, build_dir: Path, workers: int, executed_dir: Path | None = None) -> list[Report]:
    """Execute every planned notebook (unless ``executed_dir`` holds it executed) and render its page body."""
    jobs = plan(notebooks_dir)
    if not jobs:
        raise ReportBuildError(f"no notebooks named NN_*.ipynb in {notebooks_dir}")
    ready = reusable(jobs, executed_dir)
    todo = [job for job in jobs if job.name not in ready]
    # Kernels start in the notebooks' folder, so they get C5_DATA_DIR as an absolute path.
    env = {"C5_DATA_DIR": str(data_dir())} if os.environ.get("C5_DATA_DIR") else {}
    if todo:
        with ProcessPoolExecutor(
            max_workers=max(1, min(workers, len(todo))),
            mp_context=get_context("spawn"),
            initializer=_start_worker,
            initargs=(env, os.getpid()),
        ) as pool:
            ready.update(zip([job.name for job in todo], pool.map(execute, todo, [build_dir] * len(todo)), strict=True))
    return [render_report(nbformat.read(ready[job.name], as_version=4), job) for job in jobs]


def _start_worker(env: dict[str, str], parent: int) -> None:
    """Pool initializer: the worker dies with the build (even a SIGKILLed one), and its kernels with it.

    Linux sends the parent-death signal when the build process ends; a kernel polls its parent
    (``JPY_PARENT_PID``) and exits when the worker is gone. Elsewhere this is a no-op.
    """
    import logging

    for noisy in ("tornado", "asyncio"):  # a failing kernel's shutdown chatter; the failure itself is reported
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the build died before the signal was armed
            os._exit(1)
    set_environ(env)


def image_urls(
    reports: list[Report], image_format: ImageFormat, cache: PictureCache | None = None
) -> dict[str, dict[str, str]]:
    """Every chart drawn as pictures (wide, and narrow for phones; no buttons, see
    :func:`reporting.images.picture`), or taken from ``cache``: report name -> figure id (+ ``NARROW``)
    -> ``data:`` URL."""
    from reporting.bundle import figure_config

    keys, pictures = [], []
    for report in reports:
        for figure_id, figure in report.figures.items():
            drawable = {**figure, "config": figure_config(figure)}
            keys += [(report.job.name, figure_id), (report.job.name, f"{figure_id}{NARROW}")]
            pictures += [picture(drawable), picture(drawable, NARROW_WIDTH)]
    drawn = render_images(pictures, image_format, cache)
    urls: dict[str, dict[str, str]] = {r.job.name: {} for r in reports}
    for (name, key), image in zip(keys, drawn, strict=True):
        urls[name][key] = f"data:{image_format.mime};base64,{base64.b64encode(image).decode('ascii')}"
    return urls


def _checked(name: str, html_text: str, limit: int) -> bytes:
    check_offline(html_text, name)
    data = html_text.encode("utf-8")
    if len(data) > limit:
        raise ReportBuildError(f"{name} is {len(data):,} bytes, over its limit of {limit:,}")
    return data


def assemble(
    reports: list[Report],
    images: dict[str, dict[str, str]],
    stamp: bf.Stamp,
    bottom: BottomLine | None = None,
    appendix: Appendix | None = None,
) -> dict[str, bytes]:
    """Every output file's bytes: the reports, the index and the briefing."""
    files: dict[str, bytes] = {}
    bodies = {r.job.name: fill_images(r.body, images[r.job.name]) for r in reports}
    head, foot = bf.header("index.html", "C5 Realignment reports", stamp), bf.footer(stamp)
    for report in reports:
        text = page(report.title, bodies[report.job.name], head, foot, report.figures)
        files[f"{report.job.name}.html"] = _checked(report.job.name, text, MAX_REPORT_BYTES)
    index = page("C5 Realignment reports", bf.index_body(reports, stamp, BRIEFING_NAME, bottom), head, foot, {})
    files["index.html"] = _checked("index", index, MAX_REPORT_BYTES)
    briefing_head = bf.header("#contents", "C5 Realignment briefing: contents", stamp)
    body, figures = bf.briefing_body(reports, stamp, images, bottom, appendix)
    text = page(f"{bf.SITE_TITLE} (briefing)", body, briefing_head, foot, figures)
    files[BRIEFING_NAME] = _checked("briefing", text, MAX_BRIEFING_BYTES)
    return files


def build(
    out: Path,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    workers: int = 2,
    executed_dir: Path | None = None,
    picture_cache: Path | None = None,
) -> list[Path]:
    """Build every report, the index and the briefing into ``out`` (already checked); return the files.

    ``picture_cache``: a folder keeping chart images between builds (an unchanged chart is not drawn again).
    """
    stamp = bf.Stamp(newest_source_date(), trade_coverage_text(), build_date(), data_vintage())
    with tempfile.TemporaryDirectory(prefix="c5-reports-") as tmp:
        reports = execute_all(notebooks_dir, Path(tmp), workers, executed_dir)
    cache = PictureCache(picture_cache) if picture_cache else None
    files = assemble(reports, image_urls(reports, IMAGE_FORMAT, cache), stamp, bottom_line(), appendix())
    return publish(out, files)


def protected_folders(notebooks_dir: Path) -> dict[str, Path]:
    """Folders reports must never be written into."""
    return {
        "the repository root": REPO,
        "the notebooks folder": notebooks_dir,
        "the repository's data folder": REPO_DATA_DIR,
        "the data folder in use": data_dir(),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line; errors are one clear message on stderr (exit 2 for a bad ``--out``, 1 otherwise)."""
    parser = argparse.ArgumentParser(prog="python -m reporting", description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for the HTML reports (created if missing)")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS_DIR, help="folder of NN_*.ipynb notebooks")
    parser.add_argument("--workers", type=int, default=2, help="notebooks executed at a time")
    parser.add_argument(
        "--executed",
        type=Path,
        help="folder of notebooks already executed on the same notebooks and data, named <report>.ipynb "
        "(04_country_profile_KAZ.ipynb, ...): reused instead of executing them again",
    )
    parser.add_argument(
        "--picture-cache",
        type=Path,
        help="folder keeping the chart images between builds: a chart whose picture would be the same "
        "(same figure, plotly.js and Chromium) is not drawn again",
    )
    args = parser.parse_args(argv)
    protected = protected_folders(args.notebooks)
    kept_elsewhere = [*protected.values(), Path(args.out)]
    if args.picture_cache and args.picture_cache.resolve() in {folder.resolve() for folder in kept_elsewhere}:
        refusal = f"--picture-cache {args.picture_cache} must be a folder of its own"
        print(f"Report build refused: {refusal}", file=sys.stderr)
        return 2
    try:
        out = check_out(args.out, protected)
    except OutputError as err:
        print(f"Report build refused: {err}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        files = build(out, args.notebooks, args.workers, args.executed, args.picture_cache)
    except (ReportBuildError, ImageRenderError, OutputError) as err:
        print(f"Report build failed: {err}", file=sys.stderr)
        return 1
    except ValueError as err:  # DataValidationError from the loaders (stamp): name file, row, column
        print(f"Report build failed: {one_line(err)}", file=sys.stderr)
        return 1
    for file in files:
        print(f"{file}  {file.stat().st_size:,} bytes")
    print(f"built {len(files)} files in {time.perf_counter() - start:.1f} s")
    return 0
