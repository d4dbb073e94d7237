"""Which notebooks become which reports, and their fresh execution with papermill."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from helpers.codes import STATES as PROFILE_COUNTRIES

PROFILE_TEMPLATE = "04_country_profile.ipynb"
# The report set, explicit: only these notebooks of notebooks/ are published. The cookbook is checked
# like them (nbval, structure, lint) but never published; any other notebook an analyst saves in
# notebooks/, or anything in notebooks/scratch/, is neither checked nor published.
REPORTS = (
    "01_deal_tracker",
    "02_regional_map",
    "03_dependency_shift",
    "04_country_profile",
    "05_deal_scenarios",
    "06_deal_follow_through",
)
COOKBOOK = "00_cookbook"
CHECKED_NOTEBOOKS = (COOKBOOK, *REPORTS)
SCRATCH = "scratch"


class ReportBuildError(RuntimeError):
    """A notebook failed to execute, or a report broke a rule (network load, size)."""


@dataclass(frozen=True)
class Job:
    """One report: the notebook to execute, the output name and papermill parameters."""

    notebook: Path
    name: str
    parameters: dict[str, str] = field(default_factory=dict)


def report_notebooks(notebooks_dir: Path) -> list[Path]:
    """The notebooks to publish: :data:`REPORTS` from the project's notebooks/ (each must exist); from
    another folder (a test's fixture set), its ``NN_*.ipynb`` notebooks."""
    from reporting.project import NOTEBOOKS_DIR

    if notebooks_dir.resolve() != NOTEBOOKS_DIR.resolve():
        return sorted(p for p in notebooks_dir.glob("[0-9][0-9]_*.ipynb") if p.stem != COOKBOOK)
    missing = [name for name in REPORTS if not (notebooks_dir / f"{name}.ipynb").exists()]
    if missing:
        raise ReportBuildError(f"report notebooks missing from {notebooks_dir}: {', '.join(missing)}")
    return [notebooks_dir / f"{name}.ipynb" for name in REPORTS]


def plan(notebooks_dir: Path) -> list[Job]:
    """The reports to build: each of :func:`report_notebooks`, the profile template once per state."""
    jobs: list[Job] = []
    for notebook in report_notebooks(notebooks_dir):
        if notebook.name == PROFILE_TEMPLATE:
            jobs += [Job(notebook, f"{notebook.stem}_{code}", {"country": code}) for code in PROFILE_COUNTRIES]
        else:
            jobs.append(Job(notebook, notebook.stem))
    return jobs


# A kernel can die before it answers when another process took one of the ports it was handed
# (jupyter_client picks free TCP ports, then the kernel binds them: a race between processes).
# No cell has run then, so starting again is safe; a cell's error is never retried.
KERNEL_START_RETRIES = 1
KERNEL_DID_NOT_START = "Kernel died before replying to kernel_info"


def kernel_did_not_start(err: BaseException) -> bool:
    """Whether an execution failed because its kernel never came up (nothing ran)."""
    return KERNEL_DID_NOT_START in str(err)


def execute(job: Job, build_dir: Path) -> Path:
    """Execute a notebook with papermill (cwd = its folder) into ``build_dir``; return the copy."""
    import papermill

    target = build_dir / f"{job.name}.ipynb"
    try:
        for attempt in range(1 + KERNEL_START_RETRIES):
            try:
                papermill.execute_notebook(
                    str(job.notebook),
                    str(target),
                    parameters=job.parameters or None,
                    kernel_name="python3",
                    cwd=str(job.notebook.parent),
                    progress_bar=False,
                    log_output=False,
                    extra_arguments=["--IPKernelApp.log_level=CRITICAL"],  # kernel chatter; cell errors still fail
                )
                break
            except RuntimeError as err:
                if not kernel_did_not_start(err) or attempt == KERNEL_START_RETRIES:
                    raise
    except Exception as err:  # papermill raises its own and kernel errors; re-raise one picklable type
        where = f"{job.notebook.name} with {job.parameters}" if job.parameters else job.notebook.name
        if hasattr(err, "ename"):  # PapermillExecutionError: name the cell and the error, not the traceback
            reason = f"cell {err.exec_count}: {err.ename}: {err.evalue}"
        else:
            reason = f"{type(err).__name__}: {err}"
        raise ReportBuildError(f"notebook {where} failed to execute ({reason})") from None
    return target


def set_environ(values: dict[str, str]) -> None:
    """Process-pool initializer: environment variables for the kernels a worker starts."""
    os.environ.update(values)
