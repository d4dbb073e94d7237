"""Safe output: ``--out`` checks, one build at a time per folder, and a set that switches as one.

Layout of an output folder after a build::

    reports/index.html                -> .c5-reports-sets/current/index.html   (one link per file)
    reports/.c5-reports-manifest.json -> .c5-reports-sets/current/.c5-reports-manifest.json
    reports/.c5-reports-sets/current  -> v00001733...-abcd1234                (the one switch)
    reports/.c5-reports-sets/v00001733...-abcd1234/  the files of one build

A build writes (and flushes) every file into a staging folder ``.c5-reports-staging-*`` inside
the target, renames it into ``.c5-reports-sets/``, then replaces the ``current`` link with
``os.replace``: a reader sees the whole previous set or the whole new one, never a mix. A build
that fails or is killed before that leaves the previous set as it was. Builds into one folder
take an exclusive ``flock`` on ``.c5-reports.lock`` while they publish, so they run one after
the other. The builder never overwrites a file it did not write (a user's own ``index.html`` is
refused by name) and deletes only what it wrote: files its manifest lists, and staging or set
folders that hold its marker file and nothing but flat files.

Where the file system has no symbolic links, each file is replaced on its own (``os.replace``).
This module imports only the standard library, so ``--out`` is checked before anything heavy.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, builds are not serialised
    fcntl = None  # type: ignore[assignment]

MANIFEST = ".c5-reports-manifest.json"
STAGING_PREFIX = ".c5-reports-staging-"
SETS = ".c5-reports-sets"
CURRENT = "current"
LOCK = ".c5-reports.lock"
MARKER = ".c5-reports-set"  # inside every staging and set folder the builder made
_OUR_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.html$")
_VERSION = re.compile(r"^v\d{20}-[A-Za-z0-9_]{8}$")
_STAGING = re.compile(rf"^{re.escape(STAGING_PREFIX)}[A-Za-z0-9_]{{8}}$")

# Folders of the operating system: reports never go into them (nor into a top-level folder
# such as /home or /tmp itself), except into the temporary folders.
SYSTEM_FOLDERS = (
    "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc", "/run",
    "/sbin", "/snap", "/srv", "/sys", "/usr", "/var", "/System", "/Library", "/Applications",
    "/private/etc", "/private/var",
)  # fmt: skip
# The repository's own folders (source, tests, data, history): never an output folder.
SOURCE_FOLDERS = (".git", ".github", ".venv", "data", "docs", "helpers", "notebooks", "reporting", "scripts", "tests")


class OutputError(RuntimeError):
    """The output folder is unsafe or unwritable, or writing the reports failed."""


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _temporary_folders() -> list[Path]:
    return [Path(tempfile.gettempdir()).resolve(), Path("/var/tmp").resolve()]


def _symlink_problem(out: str, absolute: Path) -> str | None:
    """A refusal if ``--out`` is a symbolic link, or a link on its way leads nowhere (mkdir would create it)."""
    if absolute.is_symlink():
        target = os.readlink(absolute)
        return f"--out {out} is a symbolic link (to {target}): name the folder itself"
    for folder in [absolute, *absolute.parents]:
        if folder.is_symlink() and not folder.exists():
            return f"--out {out} goes through a symbolic link that leads nowhere ({folder} -> {os.readlink(folder)})"
    return None


def _system_problem(out: str, resolved: Path) -> str | None:
    """A refusal if ``resolved`` is a system folder, a top-level folder or the home folder."""
    if any(_inside(resolved, t) and resolved != t for t in _temporary_folders()):
        return None
    home = Path.home().resolve()
    if resolved == home:
        return f"--out {out} is your home folder ({home}): choose a folder for the reports such as {home}/reports"
    if resolved == Path(resolved.anchor) or resolved.parent == Path(resolved.anchor):
        return f"--out {out} is a top-level system folder ({resolved}): choose a folder such as ./reports"
    for folder in SYSTEM_FOLDERS:
        if _inside(resolved, Path(folder)):
            return f"--out {out} is inside the system folder {folder}: choose a folder such as ./reports"
    return None


def _repository_problem(out: str, resolved: Path, repository: Path | None) -> str | None:
    """A refusal if ``resolved`` is a ``.git`` folder or one of the repository's own folders."""
    if ".git" in resolved.parts:
        return f"--out {out} is inside a .git folder: choose a folder such as reports/"
    if repository is None:
        return None
    repository = repository.resolve()
    for name in SOURCE_FOLDERS:
        if _inside(resolved, repository / name):
            return f"--out {out} is inside the repository's {name}/ folder: choose a separate folder such as reports/"
    return None


def check_out(out: str, protected: dict[str, Path], repository: Path | None = None) -> Path:
    """Return ``out`` as a usable folder (created if missing), or raise a clear OutputError.

    ``protected`` maps a description ("the repository root") to a folder reports must not go into
    (the repository root itself; the others with every folder inside them). Refused too: an empty
    value, a symbolic link (or a path through a dangling one), system folders, the home folder,
    a ``.git`` folder, the ``repository``'s own folders (:data:`SOURCE_FOLDERS`), an existing
    file, a folder that holds notebooks, Python files or a data package, a folder that cannot be
    created or written. Nothing is created unless every check passes.
    """
    if not out.strip():
        raise OutputError("--out is empty: name a folder for the reports, for example --out reports")
    absolute = Path(os.path.abspath(Path(out).expanduser()))
    problem = _symlink_problem(out, absolute)
    resolved = absolute.resolve()
    problem = problem or _system_problem(out, resolved) or _repository_problem(out, resolved, repository)
    if problem:
        raise OutputError(problem)
    if resolved.exists() and not resolved.is_dir():
        raise OutputError(f"--out {out} is an existing file, not a folder: choose a folder for the reports")
    for what, folder in protected.items():
        folder = folder.resolve()
        if resolved == folder or (what != "the repository root" and folder in resolved.parents):
            raise OutputError(f"--out {out} is {what} ({folder}): choose a separate folder such as reports/")
    if resolved.is_dir() and any(
        any(resolved.glob(pattern)) for pattern in ("*.ipynb", "*.py", "datapackage.json", ".git")
    ):
        raise OutputError(
            f"--out {out} holds notebooks, code or a data package: choose a separate folder such as reports/"
        )
    try:
        resolved.mkdir(parents=True, exist_ok=True)
        os.close(_open_lock(resolved))
    except OSError as err:
        raise OutputError(f"--out {out} cannot be written: {err.strerror or err}") from None
    return resolved


def _read_small(path: Path, limit: int = 1_000_000) -> bytes:
    """A regular file of at most ``limit`` bytes (a FIFO or device is an OSError, never a hang)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            raise OSError(errno.EINVAL, "not a small regular file", str(path))
        return os.read(fd, limit)
    finally:
        os.close(fd)


def _open_lock(out: Path) -> int:
    """The lock file's descriptor (created if missing); a FIFO or device in its place is an OSError."""
    fd = os.open(out / LOCK, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "the lock file is not a regular file", str(out / LOCK))
    return fd


def read_manifest(out: Path) -> set[str]:
    """The report files a previous build wrote into ``out`` (plain ``*.html`` names only)."""
    try:
        names = json.loads(_read_small(out / MANIFEST).decode("utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return set()
    if not isinstance(names, list):
        return set()
    return {name for name in names if isinstance(name, str) and _OUR_NAME.match(name)}


def _link_target(name: str) -> str:
    return f"{SETS}/{CURRENT}/{name}"


def _ours(out: Path, name: str, previous: set[str]) -> bool:
    """True if ``out/name`` is missing or was written by a build (our link, or listed in the manifest)."""
    path = out / name
    if path.is_symlink():
        return os.readlink(path) == _link_target(name) or name in previous
    if not path.exists():
        return True
    return path.is_file() and (name in previous or name == MANIFEST)


def _only_our_files(folder: Path) -> bool:
    """True for a folder the builder made: its marker inside, nothing but flat files."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return False
    return (folder / MARKER).is_file() and all(p.is_file() and not p.is_symlink() for p in entries)


def _remove_stale(out: Path, keep: set[str] | None = None) -> None:
    """Remove staging folders of killed builds and, given ``keep``, sets not in it (ours only, see above)."""
    candidates = [p for p in out.glob(f"{STAGING_PREFIX}*") if _STAGING.match(p.name)]
    sets = out / SETS
    if keep is not None and sets.is_dir() and not sets.is_symlink():
        candidates += [p for p in sets.iterdir() if _VERSION.match(p.name) and p.name not in keep]
    for folder in candidates:
        if folder.is_symlink() or not folder.is_dir():
            continue
        if _only_our_files(folder):
            shutil.rmtree(folder, ignore_errors=True)
        else:  # a build killed between creating its staging folder and writing the marker
            with contextlib.suppress(OSError):
                folder.rmdir()  # succeeds only on an empty folder: nothing of anyone's is lost


def _write(path: Path, data: bytes) -> None:
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold the output folder's lock: another build into ``out`` waits until this one is done."""
    fd = _open_lock(out)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _replace_link(link: Path, target: str) -> None:
    """Point ``link`` at ``target`` in one step (a new link renamed over the old one)."""
    temporary = link.with_name(f".{link.name}.{os.getpid()}.{time.time_ns()}.tmp")
    os.symlink(target, temporary)
    try:
        os.replace(temporary, link)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def _current_version(out: Path) -> str | None:
    try:
        return os.readlink(out / SETS / CURRENT)
    except OSError:
        return None


def _switch(out: Path, staging: Path, names: list[str]) -> None:
    """Move the complete staging folder in as the current set, and link each name to it."""
    sets = out / SETS
    sets.mkdir(exist_ok=True)
    current = sets / CURRENT
    if current.is_dir() and not current.is_symlink():  # a copy that followed the link (cp -rL, copytree)
        if not _only_our_files(current):
            raise OutputError(f"{current} is a folder the build did not write: move it away")
        shutil.rmtree(current)
    version = f"v{time.time_ns():020d}-{staging.name[-8:]}"
    os.rename(staging, sets / version)
    _fsync_folder(sets)
    _replace_link(sets / CURRENT, version)  # the one switch
    for name in names:
        if not ((out / name).is_symlink() and os.readlink(out / name) == _link_target(name)):
            _replace_link(out / name, _link_target(name))
    _fsync_folder(out)


def _switch_by_files(out: Path, staging: Path, names: list[str]) -> None:
    """Without symbolic links: replace each file on its own (the manifest last), then drop the staging."""
    for name in names:
        os.replace(staging / name, out / name)
    (staging / MARKER).unlink(missing_ok=True)
    staging.rmdir()


def _symlinks_work(out: Path) -> bool:
    probe = out / f".c5-reports-link-probe-{os.getpid()}"
    try:
        os.symlink(".", probe)
    except (OSError, NotImplementedError):
        return False
    probe.unlink()
    return True


def _write_error(out: Path, err: OSError, switched: bool) -> OutputError:
    """A reader's sentence for a failed write: why (full disk, read-only, folder gone) and what holds."""
    if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) or err.errno == errno.EFBIG:
        reason = "the disk is full or a file is over its size limit"
    elif err.errno == errno.EROFS:
        reason = "the folder is on a read-only disk"
    elif err.errno in (errno.EACCES, errno.EPERM):
        reason = "no permission to write there"
    elif not out.is_dir():
        reason = "the folder was deleted or moved during the build"
    else:
        reason = err.strerror or str(err)
    state = (
        "The new reports are in place; run the build again to finish tidying up."
        if switched
        else "The previous reports there are unchanged."
    )
    return OutputError(f"could not write the reports into {out} ({reason}). {state}")


def publish(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` (name -> bytes) into ``out`` as one set; return the written paths.

    Files listed in the previous manifest but not built now are deleted; nothing else is. A file
    in ``out`` with a built name that a build did not write is refused (OutputError naming it).
    """
    bad = [name for name in files if not _OUR_NAME.match(name)]
    if bad:
        raise OutputError(f"refusing to write report files with unsafe names: {bad}")
    switched = False
    try:
        with folder_lock(out):
            previous = read_manifest(out)
            foreign = sorted(name for name in [*files, MANIFEST] if not _ours(out, name, previous))
            if foreign:
                raise OutputError(
                    f"{out / foreign[0]} was not written by a report build: move it away (or choose "
                    f"another folder); the build never overwrites it"
                )
            current = _current_version(out)
            _remove_stale(out)  # a killed build's staging; sets are tidied only after a switch
            staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
            try:
                _write(staging / MARKER, b"written by python -m reporting\n")
                for name, data in files.items():
                    _write(staging / name, data)
                manifest = {"written_by": "python -m reporting", "files": sorted(files)}
                _write(staging / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode("utf-8"))
            except OSError:
                shutil.rmtree(staging, ignore_errors=True)
                raise
            names = [*sorted(files), MANIFEST]
            if _symlinks_work(out):
                _switch(out, staging, names)
            else:
                _switch_by_files(out, staging, names)
            switched = True
            for stale in sorted(previous - set(files)):
                if (out / stale).is_symlink() or (out / stale).is_file():
                    (out / stale).unlink()
            _remove_stale(out, {current or "", _current_version(out) or ""})
    except OSError as err:
        raise _write_error(out, err, switched) from None
    return [out / name for name in files]


def protected_folders(repository: Path, notebooks_dir: Path) -> dict[str, Path]:
    """Folders reports must never be written into (the data folder as ``C5_DATA_DIR`` names it).

    The data folder follows the rule of ``helpers.data_dir`` (a relative value is taken from
    ``$PWD``), computed here without importing ``helpers``, so ``--out`` is checked at once.
    """
    folders = {"the repository root": repository, "the notebooks folder": notebooks_dir}
    folders["the repository's data folder"] = repository / "data"
    override = os.environ.get("C5_DATA_DIR")
    if override:
        folder = Path(override).expanduser()
        shell = os.environ.get("PWD", "")
        folders["the data folder in use"] = folder if folder.is_absolute() else Path(shell or os.getcwd()) / folder
    return folders
