"""Session plumbing: each expensive thing once per run, shared safely between pytest-xdist workers.

- ``executed``: each product notebook (and each profile state) executed once with papermill, the
  way the report builder does it, into ``build/test-cache/<hash>/executed/`` where the hash covers
  the notebooks, helpers, data, the builder's execution code and the pinned environment. A file
  lock per notebook keeps two workers from executing the same one; a later run with the same
  inputs reuses the copies (strict nbval still executes every notebook on every run).
  ``executed_fixtures``: the same for the fixture notebooks on the fixture data.
- ``shared``: a folder made once per test session (report builds), whichever worker asks first.
- ``jupyter_lab``: one JupyterLab server for every Lab test.
- Work units for ``--dist loadgroup`` (``work_unit``): nbval cells of a notebook, the tests of one
  report page, the Lab tests, and each other module stay together on one worker. The longest
  units start first (``unit_seconds``: measured in the last run, kept in pytest's cache, or a
  first-run estimate), so the two workers finish together instead of one waiting on a long tail;
  units reading the real reports' build wait behind the others, except the one that makes it.
- The ``heavy`` mark (notebook execution, report builds, browsers): ``make check`` leaves them out.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "test-cache"
# What an executed notebook depends on: change any of these and the cache is not reused.
INPUTS = (
    "notebooks",
    "tests/fixtures/notebooks",
    "helpers",
    "data",
    "reporting/plan.py",
    "reporting/project.py",
    "requirements.lock",
)
FIXTURE_NOTEBOOKS = ROOT / "tests" / "fixtures" / "notebooks"
HEAVY_MODULES = {
    "test_reports.py",
    "test_jupyterlab.py",
    "test_text_in_jupyterlab.py",
    "test_notebook_04.py",
    "test_notebook_06.py",
    "test_notebooks_01_02.py",
    "test_notebooks_03_05.py",
}
LAB_MODULES = {"test_jupyterlab.py", "test_text_in_jupyterlab.py"}
JUPYTER = Path(sys.executable).with_name("jupyter")
LAB_STARTUP_SECONDS = 90


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "heavy: executes notebooks, builds reports or drives a browser")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the heavy tests (``make check`` deselects them); order the work units (``run_order``)."""
    for item in items:
        path = Path(str(item.fspath))
        if path.suffix == ".ipynb" or path.name in HEAVY_MODULES:
            item.add_marker(pytest.mark.heavy)
    readers: dict[str, bool] = {}
    for item in items:
        unit = work_unit(item.nodeid)
        readers[unit] = readers.get(unit, False) or reads_real_build(item)
    order = run_order(readers, unit_seconds(config))
    items.sort(key=lambda item: order[work_unit(item.nodeid)])  # stable: each unit keeps its order


# Fixtures that hold the real reports' build (tests/test_reports.py, tests/test_latest_in_reports.py).
REAL_BUILD_FIXTURES = ("built", "built_reports")


def reads_real_build(item: pytest.Item) -> bool:
    """Whether a test reads the reports built from the real notebooks (not the fixture notebooks)."""
    names = getattr(item, "fixturenames", ())
    return any(name in names for name in REAL_BUILD_FIXTURES) or ("builds" in names and "[notebooks/" in item.nodeid)


def run_order(readers: dict[str, bool], seconds: Callable[[str], float]) -> dict[str, int]:
    """Each work unit's place in the run: longest first, except that of the units reading the real
    build only the longest (which makes the build) starts early; the others wait behind every unit
    that does not need it, so no worker sits blocked on the build while other work is left."""
    first = max((unit for unit, reads in readers.items() if reads), key=seconds, default=None)
    ranked = sorted(readers, key=lambda unit: (readers[unit] and unit != first, -seconds(unit)))
    return {unit: place for place, unit in enumerate(ranked)}


# Report tests that read a page's shared visit of one kind (tests/test_reports.py ``desktop``...).
VISIT_OF = {
    "test_every_chart_draws_offline_when_shown": "desktop",
    "test_readers_see_words_not_code": "desktop",
    "test_every_chart_has_a_visible_title_and_one_csv_of_its_plotted_table": "desktop",
    "test_no_serious_accessibility_violations": "desktop",
    "test_chart_tools_are_reachable_by_keyboard": "desktop",
    "test_the_fixture_map_draws_its_own_shapes_without_the_cdn": "desktop",
    "test_on_a_phone_nothing_scrolls_sideways_and_every_chart_fits": "phone",
    "test_a_chart_in_a_narrow_window_draws_at_the_narrow_width": "phone",
    "test_on_a_phone_no_legend_title_or_label_overlaps_another": "phone",
    "test_on_a_phone_every_panel_of_a_grid_is_readable": "phone",
    "test_printed_on_a4_and_letter_every_chart_and_title_fits_the_page": "desktop",
    "test_printing_shows_images_that_fit_the_page": "desktop",
    "test_without_javascript_every_chart_is_an_image_with_alt_text": "no scripts",
    "test_the_deal_list_filters_as_you_type_and_sorts_by_value": "no scripts",
}
# The page of those without a page parameter.
PAGE_OF = {
    "test_the_fixture_map_draws_its_own_shapes_without_the_cdn": "02_fixture_map",
    "test_a_chart_in_a_narrow_window_draws_at_the_narrow_width": "c5-realignment-briefing",
    "test_chart_tools_are_reachable_by_keyboard": "01_deal_tracker",
    "test_the_deal_list_filters_as_you_type_and_sorts_by_value": "01_deal_tracker",
}
# Report tests that read the hostile-data build's visits: one work unit.
HOSTILE_TESTS = {
    "test_planted_markup_in_data_never_becomes_a_link_style_or_script",
    "test_planted_markup_reaches_a_chart_title_a_legend_a_hover_and_a_table",
    "test_planted_markup_is_shown_as_text",
    "test_markup_in_the_data_is_text_in_the_csv",
}


def work_unit(nodeid: str) -> str:
    """Tests that must share one worker: a notebook's nbval cells (one kernel), the Lab tests (one
    server), the tests reading one visit of a report page (desktop then printing, phone, no scripts) and
    each other module (its fixtures). Other report tests go alone: the builds they read are shared
    between workers through files, so a page's visits can run on both workers at once."""
    path, _, rest = nodeid.partition("::")
    module = Path(path).name
    if path.endswith(".ipynb") or (module != "test_reports.py" and module not in LAB_MODULES):
        return path
    if module in LAB_MODULES:
        return "jupyterlab"
    test, _, param = rest.partition("[")
    if test in HOSTILE_TESTS:
        return "hostile"
    if test not in VISIT_OF:
        return nodeid
    page = PAGE_OF.get(test) or param.removesuffix("]").rsplit("/", 1)[-1].removesuffix("-A4").removesuffix("-Letter")
    return f"page {'c5-realignment-briefing' if page == 'briefing' else page} {VISIT_OF[test]}"


UNIT_SECONDS_KEY = "c5/work-unit-seconds"
_measured: dict[str, float] = {}


def first_run_seconds(unit: str) -> float:
    """A work unit's rough length on the 2-core machine before any run was measured."""
    if unit in ("jupyterlab", "page c5-realignment-briefing desktop"):
        return 200.0  # the Lab server and every notebook opened; the real build, then axe on the briefing
    if unit == "hostile" or unit.startswith("page c5-realignment-briefing") or unit.endswith(".ipynb"):
        return 40.0  # a build and its visits, the briefing's other visits, a notebook run cell by cell
    if unit.startswith("page ") or "::" in unit or Path(unit).name in HEAVY_MODULES:
        return 30.0  # a page's visit, a report test with its own build, notebooks run on changed data
    return 5.0


def unit_seconds(config: pytest.Config) -> Callable[[str], float]:
    """Each work unit's length: as measured in the last run (pytest's cache), else estimated."""
    cache = getattr(config, "cache", None)
    measured = cache.get(UNIT_SECONDS_KEY, {}) if cache else {}
    return lambda unit: measured.get(unit, first_run_seconds(unit))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up each work unit's time (with xdist, the controller sees every worker's reports)."""
    _measured[work_unit(report.nodeid)] = _measured.get(work_unit(report.nodeid), 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Keep the units' measured times for the next run's order (the controller's or a lone run's)."""
    cache = getattr(session.config, "cache", None)
    if cache and _measured and not os.environ.get("PYTEST_XDIST_WORKER"):
        cache.set(UNIT_SECONDS_KEY, {**cache.get(UNIT_SECONDS_KEY, {}), **_measured})


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadgroup`` with the work units above (pytest 9.2 ignores xdist_group marks:
    pytest-xdist 3.8 renames ``item._nodeid``, which pytest no longer reads), handed out in the
    collection's order: longest first (xdist would otherwise reorder them by their number of tests)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    config.option.loadscopereorder = False

    class WorkUnits(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return WorkUnits(config, log)


def _fingerprint() -> str:
    digest = hashlib.sha256(sys.executable.encode())
    for entry in INPUTS:
        path = ROOT / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts or ".ipynb_checkpoints" in file.parts:
                continue
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def locked(lock: Path, wait: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on a file (between processes); yield False if ``wait`` is off and it is taken."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Executed:
    """Notebooks executed once (per input hash), by whichever worker gets there first.

    The product notebooks on the repository's data (those run without parameters are their committed,
    executed copies; the profiles run once per state), or (``data`` given) another folder of notebooks
    on that data folder, every one executed.
    """

    def __init__(self, notebooks: Path = ROOT / "notebooks", data: Path | None = None, label: str = "") -> None:
        from reporting.plan import plan

        self.folder = CACHE / _fingerprint() / "-".join(filter(None, ("executed", label)))
        self.data = data
        self.jobs = {job.name: job for job in plan(notebooks)}

    def _make(self, name: str, wait: bool) -> bool:
        from reporting.plan import execute

        target = self.folder / f"{name}.ipynb"
        with locked(self.folder / f"{name}.lock", wait) as mine:
            if not mine:
                return False
            if not target.exists() and self.data is None and not self.jobs[name].parameters:
                # A product notebook run without parameters: its committed copy is its executed copy, as
                # strict nbval proves in the same session (it fails if re-executing changes any output).
                with tempfile.NamedTemporaryFile(dir=self.folder, suffix=".ipynb", delete=False) as copy:
                    copy.write(self.jobs[name].notebook.read_bytes())
                os.replace(copy.name, target)
            if not target.exists():
                saved = os.environ.pop("C5_DATA_DIR", None)  # the repository's data unless told
                if self.data is not None:
                    os.environ["C5_DATA_DIR"] = str(self.data)
                try:
                    with tempfile.TemporaryDirectory(prefix="c5-exec-", dir=self.folder) as tmp:
                        os.replace(execute(self.jobs[name], Path(tmp)), target)  # atomic: never half a notebook
                finally:
                    os.environ.pop("C5_DATA_DIR", None)
                    if saved is not None:
                        os.environ["C5_DATA_DIR"] = saved
        return True

    def __call__(self, name: str) -> Path:
        """The executed copy of one report's notebook (``04_country_profile_TJK``, ``06_deal_follow_through``)."""
        self._make(name, wait=True)
        return self.folder / f"{name}.ipynb"

    def all(self, names: Iterable[str] | None = None) -> Path:
        """Every report's notebook (or those of ``names``) executed; the folder (``python -m reporting --executed``)."""
        wanted = self.jobs if names is None else list(names)
        waiting = [name for name in wanted if not self._make(name, wait=False)]  # others' work: skip
        for name in waiting:
            self._make(name, wait=True)
        return self.folder


@pytest.fixture(scope="session")
def executed() -> Executed:
    """The product notebooks, each executed once and shared by every test that needs it."""
    return Executed()


@pytest.fixture(scope="session")
def executed_fixtures() -> Executed:
    """The fixture notebooks, each executed once on the fixture data (tests/fixtures/notebooks/data)."""
    return Executed(FIXTURE_NOTEBOOKS, FIXTURE_NOTEBOOKS / "data", "fixtures")


def _session_root(factory: pytest.TempPathFactory) -> Path:
    """The temporary folder all workers of this session share (the session's own without xdist)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Callable[[Path], None]], Path]:
    """``shared(name, make)``: the folder ``make`` fills, made once per session whichever worker asks."""
    root = _session_root(tmp_path_factory)

    def once(name: str, make: Callable[[Path], None]) -> Path:
        target, done = root / name, root / f"{name}.done"
        with locked(root / f"{name}.lock"):
            if not done.exists():
                if target.exists():  # a failed attempt of this session: ours to clear
                    shutil.rmtree(target)
                target.mkdir()
                make(target)
                done.touch()
        return target

    return once


@pytest.fixture(scope="session")
def picture_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Chart images kept for this session's fixture builds (``--picture-cache``): the first fixture
    build draws them; the fault tests' builds reuse them (the rebuild test draws its own)."""
    return _session_root(tmp_path_factory) / "picture-cache"


# --- one JupyterLab server -------------------------------------------------------------------


def free_port() -> int:
    """A currently free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lab_answers(port: int, token: str) -> bool:
    """Whether the server answers its contents API yet."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/contents", headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    """One JupyterLab server on the repository (port, token) for every Lab test; stopped at the end."""
    tmp = tmp_path_factory.mktemp("lab")
    port, token = free_port(), secrets.token_hex(16)
    command = [
        str(JUPYTER),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={ROOT}",
        # Opening a notebook must not write to it: autosave off makes any write the test's doing.
        "--LabApp.user_settings_dir=" + str(tmp / "settings"),
        "--LabApp.workspaces_dir=" + str(tmp / "workspaces"),
    ]
    if os.geteuid() == 0:  # containers and CI often run as root; jupyter refuses that without the flag
        command.append("--allow-root")
    log_path = tmp / "lab.log"
    log = log_path.open("w")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "JUPYTER_CONFIG_DIR": str(tmp / "config")}
    server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        up = False
        deadline = time.monotonic() + LAB_STARTUP_SECONDS
        while not up and time.monotonic() < deadline and server.poll() is None:
            up = lab_answers(port, token)
            time.sleep(0 if up else 0.5)
        assert server.poll() is None, f"jupyter lab exited early:\n{log_path.read_text()[-3000:]}"
        assert up, f"jupyter lab did not answer within {LAB_STARTUP_SECONDS} s:\n{log_path.read_text()[-3000:]}"
        yield port, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()
