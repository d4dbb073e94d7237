"""The output folder (issue 23): unsafe ``--out`` refused before any work, nothing of the user's
overwritten or deleted, one build at a time, a set that switches as one, no orphans after a kill.

Publishing is tested with small in-memory sets (``reporting.output.publish``); the one test that
builds runs the fixture notebooks (``tests/fixtures/notebooks``) and kills the build.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from report_browser import BUILD_ENV, build_command

import reporting.output
from reporting.__main__ import main
from reporting.output import CURRENT, LOCK, MANIFEST, MARKER, SETS, STAGING_PREFIX, OutputError, check_out, publish

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
NAMES = ("index.html", "01_a.html", "02_b.html")


def a_set(label: str) -> dict[str, bytes]:
    return {name: f"{name} from {label}\n".encode() for name in NAMES}


def labels(out: Path) -> set[str]:
    """Which publish each of the set's files comes from (one label = a consistent set)."""
    return {(out / name).read_text().splitlines()[0].split(" from ")[1] for name in NAMES}


# --- --out refused before any work --------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("", "--out is empty"),
        ("README.md", "existing file"),
        ("README.md/reports", "cannot be written"),
        ("/", "top-level system folder"),
        ("/etc", "top-level system folder"),
        ("/usr/bin", "inside the system folder /usr"),
        ("/proc/c5-reports", "inside the system folder /proc"),
        ("~", "home folder"),
        (".", "repository root"),
        (".git", ".git folder"),
        ("helpers/", "repository's helpers/ folder"),
        ("reporting/", "repository's reporting/ folder"),
        ("reporting/templates/out", "repository's reporting/ folder"),
        ("notebooks", "repository's notebooks/ folder"),
        ("data", "repository's data/ folder"),
        ("tests/fixtures/notebooks", "notebooks"),
    ],
)
def test_an_unsafe_out_folder_is_refused_with_a_clear_message(
    out: str, message: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["--out", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Report build refused: ") and message in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1


def test_a_symlinked_out_is_refused_and_a_dangling_one_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "dangling").symlink_to(tmp_path / "missing" / "target")
    (tmp_path / "dangling-parent").symlink_to(tmp_path / "gone")
    for out in ("link", "dangling", "dangling-parent/reports"):
        assert main(["--out", str(tmp_path / out)]) == 2
        assert "symbolic link" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists() and not (tmp_path / "gone").exists()
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_the_refusal_comes_before_the_heavy_imports() -> None:
    code = (
        "import sys; from reporting.__main__ import main; code = main(['--out', '/etc']);"
        "print(code, sorted(m for m in ('pandas', 'nbformat', 'frictionless', 'helpers') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.split() == ["2", "[]"], result


def test_a_good_out_is_created_with_only_the_lock_in_it(tmp_path: Path) -> None:
    out = check_out(str(tmp_path / "new" / "reports"), {})
    assert out == (tmp_path / "new" / "reports").resolve()
    assert [p.name for p in out.iterdir()] == [LOCK]


# --- never overwrite or delete what the build did not write -----------------------------------------


def test_a_users_own_index_html_survives(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("my own page")
    with pytest.raises(OutputError, match=r"index\.html was not written by a report build"):
        publish(tmp_path, a_set("one"))
    assert (tmp_path / "index.html").read_text() == "my own page"
    assert not (tmp_path / SETS).exists() and not list(tmp_path.glob(f"{STAGING_PREFIX}*"))


def test_a_users_folder_named_like_staging_is_kept(tmp_path: Path) -> None:
    mine = [tmp_path / f"{STAGING_PREFIX}mystuff", tmp_path / f"{STAGING_PREFIX}abcd1234"]
    for folder in mine:
        folder.mkdir()
        (folder / "notes.txt").write_text("mine")
    killed = tmp_path / f"{STAGING_PREFIX}zz99yy88"  # a killed build's staging: marker and flat files
    killed.mkdir()
    (killed / MARKER).write_text("written by python -m reporting\n")
    (killed / "index.html").write_text("half")
    publish(tmp_path, a_set("one"))
    assert all((folder / "notes.txt").read_text() == "mine" for folder in mine)
    assert not killed.exists()


def test_the_set_switches_with_one_link_and_old_sets_are_tidied(tmp_path: Path) -> None:
    for label in ("one", "two", "three"):
        publish(tmp_path, a_set(label))
    assert labels(tmp_path) == {"three"}
    for name in (*NAMES, MANIFEST):
        assert os.readlink(tmp_path / name) == f"{SETS}/{CURRENT}/{name}"
    versions = sorted(p.name for p in (tmp_path / SETS).iterdir() if p.name != CURRENT)
    assert len(versions) == 2, "the current set and the one before it (for readers in flight)"
    assert os.readlink(tmp_path / SETS / CURRENT) == versions[-1]


def test_a_set_from_the_old_layout_is_taken_over(tmp_path: Path) -> None:
    for name in NAMES:
        (tmp_path / name).write_text(f"{name} from old\n")
    (tmp_path / MANIFEST).write_text(json.dumps({"files": sorted(NAMES)}))
    publish(tmp_path, a_set("new"))
    assert labels(tmp_path) == {"new"} and all((tmp_path / n).is_symlink() for n in NAMES)


def test_a_report_no_longer_built_is_removed_and_nothing_else(tmp_path: Path) -> None:
    publish(tmp_path, {**a_set("one"), "03_old.html": b"old"})
    (tmp_path / "notes.html").write_text("mine")
    publish(tmp_path, a_set("two"))
    assert not os.path.lexists(tmp_path / "03_old.html")
    assert (tmp_path / "notes.html").read_text() == "mine"


# --- failures while writing ------------------------------------------------------------------


def test_an_out_folder_deleted_during_the_build_is_a_clear_error(tmp_path: Path) -> None:
    out = check_out(str(tmp_path / "reports"), {})
    (out / LOCK).unlink()
    out.rmdir()
    with pytest.raises(OutputError, match="deleted or moved during the build"):
        publish(out, a_set("one"))


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.EROFS, "read-only"), (errno.ENOSPC, "disk is full"), (errno.EACCES, "no permission")],
    ids=["read-only", "full", "permission"],
)
def test_a_failed_write_says_why_and_leaves_the_previous_set(
    code: int, words: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(tmp_path, a_set("one"))
    written = []

    def failing_write(path: Path, data: bytes) -> None:
        written.append(path)
        if len(written) > 2:
            raise OSError(code, os.strerror(code))
        path.write_bytes(data)

    monkeypatch.setattr(reporting.output, "_write", failing_write)
    with pytest.raises(OutputError, match=words) as caught:
        publish(tmp_path, a_set("two"))
    assert "previous reports there are unchanged" in str(caught.value)
    assert labels(tmp_path) == {"one"}
    assert not list(tmp_path.glob(f"{STAGING_PREFIX}*"))


def test_an_empty_staging_folder_of_a_killed_build_is_removed_but_a_foreign_one_is_kept(
    tmp_path: Path,
) -> None:
    publish(tmp_path, a_set("one"))
    empty = tmp_path / f"{STAGING_PREFIX}abcd1234"  # killed before it wrote its marker
    empty.mkdir()
    foreign = tmp_path / f"{STAGING_PREFIX}wxyz9876"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    publish(tmp_path, a_set("two"))
    assert not empty.exists()
    assert (foreign / "notes.txt").read_text() == "mine"


PUBLISH_FOREVER = """
import sys
from pathlib import Path
from reporting.output import publish
n = 0
while True:
    n += 1
    publish(Path(sys.argv[1]), {name: (name + " from " + str(n) + "\\n").encode() * 20000
                                for name in ("index.html", "01_a.html", "02_b.html")})
"""


def test_a_publish_killed_at_any_moment_leaves_one_whole_set(tmp_path: Path) -> None:
    publish(tmp_path, a_set("first"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_number in range(8):
        process = subprocess.Popen([sys.executable, "-c", PUBLISH_FOREVER, str(tmp_path)], env=env)
        time.sleep(0.3 + 0.07 * round_number)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert len(labels(tmp_path)) == 1, f"a mixed set after kill {round_number}"
    publish(tmp_path, a_set("last"))
    assert labels(tmp_path) == {"last"} and not list(tmp_path.glob(f"{STAGING_PREFIX}*"))


def _publish_one(out: str, number: int) -> str:
    try:
        publish(Path(out), a_set(str(number)))
    except Exception as err:
        return f"{type(err).__name__}: {err}"
    return ""


def test_concurrent_publishes_run_one_after_the_other(tmp_path: Path) -> None:
    """20 publishes from 4 processes (200 in scripts/benchmark_hostile.py)."""
    with ProcessPoolExecutor(4) as pool:
        errors = [e for e in pool.map(_publish_one, [str(tmp_path)] * 20, range(20)) if e]
    assert errors == []
    assert len(labels(tmp_path)) == 1
    assert json.loads((tmp_path / MANIFEST).read_text())["files"] == sorted(NAMES)


# --- no orphans -------------------------------------------------------------------------------


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc, Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_no_process_of_a_killed_build_outlives_it(tmp_path: Path) -> None:
    env = {**os.environ, **BUILD_ENV, "C5_DATA_DIR": str(FIXTURES / "data")}
    process = subprocess.Popen(
        build_command(tmp_path / "reports", FIXTURES), cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seen: set[int] = set()
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline and len(seen) < 4:  # tracker, 2 workers, kernel
        seen.update(_descendants(process.pid))
        time.sleep(0.2)
    assert process.poll() is None, "the build ended before it could be killed"
    seen.update(_descendants(process.pid))
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 30
    while any(_alive(pid) for pid in seen) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not [pid for pid in seen if _alive(pid)], "processes of the killed build are still running"


def test_a_copied_output_folder_can_be_built_into_again(tmp_path: Path) -> None:
    """A copy that followed the links (``cp -rL``, ``shutil.copytree``) holds plain files and folders."""
    (tmp_path / "first").mkdir()
    publish(tmp_path / "first", a_set("one"))
    copy = Path(shutil.copytree(tmp_path / "first", tmp_path / "copy"))
    assert not (copy / "index.html").is_symlink() and not (copy / SETS / CURRENT).is_symlink()
    publish(copy, a_set("two"))
    assert labels(copy) == {"two"} and (copy / SETS / CURRENT).is_symlink()


def test_a_pipe_in_place_of_the_lock_or_manifest_is_an_error_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / MANIFEST)
    with pytest.raises(OutputError, match="not written by a report build"):
        publish(tmp_path, a_set("one"))
    os.unlink(tmp_path / MANIFEST)
    os.unlink(tmp_path / LOCK)
    os.mkfifo(tmp_path / LOCK)
    with pytest.raises(OutputError, match="could not write"):
        publish(tmp_path, a_set("one"))
    with pytest.raises(OutputError, match="cannot be written"):
        check_out(str(tmp_path), {})


def test_without_symbolic_links_each_file_is_replaced_and_nothing_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reporting.output, "_symlinks_work", lambda out: False)
    publish(tmp_path, a_set("one"))
    publish(tmp_path, a_set("two"))
    assert labels(tmp_path) == {"two"} and not (tmp_path / "index.html").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*NAMES, MANIFEST, LOCK])
