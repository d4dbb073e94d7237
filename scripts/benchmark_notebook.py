"""How long a notebook's Run All takes (issue 20's goal: 03 in 10 s or less).

``.venv/bin/python scripts/benchmark_notebook.py [NOTEBOOK ...] [--runs N]`` executes each notebook
the way ``jupyter nbconvert --execute`` does (fresh kernel, cwd = notebooks/) and prints the wall
time and the CPU time of the kernel and converter. Not a test: the machine's load inflates wall
time, CPU time much less.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JUPYTER = Path(sys.executable).with_name("jupyter")


def run_all(notebook: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one Run All of ``notebook`` (outputs discarded)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [str(JUPYTER), "nbconvert", "--to", "notebook", "--execute", "--stdout", str(notebook)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", default=["notebooks/03_dependency_shift.ipynb"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print("notebook | run | wall (s) | CPU (s)")
    for name in args.notebooks:
        for run in range(1, args.runs + 1):
            wall, cpu = run_all(ROOT / name)
            print(f"{Path(name).name} | {run} | {wall:.1f} | {cpu:.1f}")


if __name__ == "__main__":
    main()
