"""Safe output: ``--out`` checks, and atomic writes that never touch a file the builder did not write.

All files of a build are first written (and flushed to disk) into a staging folder inside the
target; only when every file is complete are they moved in with ``os.replace``, which swaps each
file atomically. A build that fails or is killed before that leaves the previous set as it was.
The builder keeps a manifest of the files it wrote; a later build deletes only files listed
there (a report whose notebook was removed), never anything else in the folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

MANIFEST = ".c5-reports-manifest.json"
STAGING_PREFIX = ".c5-reports-staging-"
_OUR_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*\.html$")


class OutputError(RuntimeError):
    """The output folder is unsafe or unwritable, or writing the reports failed."""


def check_out(out: str, protected: dict[str, Path]) -> Path:
    """Return ``out`` as a usable folder (created if missing), or raise a clear OutputError.

    ``protected`` maps a description ("the repository root") to a folder reports must not go into.
    Refused: an empty value, an existing file, a protected folder (or one inside it, or one that
    holds notebooks or a data package), a folder that cannot be created or written.
    """
    if not out.strip():
        raise OutputError("--out is empty: name a folder for the reports, for example --out reports")
    path = Path(out).expanduser()
    if path.exists() and not path.is_dir():
        raise OutputError(f"--out {out} is an existing file, not a folder: choose a folder for the reports")
    resolved = path.resolve()
    for what, folder in protected.items():
        folder = folder.resolve()
        if resolved == folder or (what != "the repository root" and folder in resolved.parents):
            raise OutputError(f"--out {out} is {what} ({folder}): choose a separate folder such as reports/")
    if resolved.is_dir() and (any(resolved.glob("*.ipynb")) or (resolved / "datapackage.json").exists()):
        raise OutputError(f"--out {out} holds notebooks or a data package: choose a separate folder such as reports/")
    try:
        resolved.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=resolved, prefix=STAGING_PREFIX, delete=True)  # noqa: SIM115
        probe.close()
    except OSError as err:
        raise OutputError(f"--out {out} cannot be written: {err.strerror or err}") from None
    return resolved


def read_manifest(out: Path) -> set[str]:
    """The report files a previous build wrote into ``out`` (plain ``*.html`` names only)."""
    try:
        names = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    if not isinstance(names, list):
        return set()
    return {name for name in names if isinstance(name, str) and _OUR_NAME.match(name)}


def _remove_stale_staging(out: Path) -> None:
    """Remove staging folders left by a killed build (only ones holding nothing but flat files)."""
    for folder in out.glob(f"{STAGING_PREFIX}*"):
        if folder.is_dir() and not folder.is_symlink() and all(p.is_file() for p in folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)


def _write(path: Path, data: bytes) -> None:
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def publish(out: Path, files: dict[str, bytes]) -> list[Path]:
    """Write ``files`` (name -> bytes) into ``out`` atomically; return the written paths.

    Files listed in the previous manifest but not built now are deleted; nothing else is.
    """
    bad = [name for name in files if not _OUR_NAME.match(name)]
    if bad:
        raise OutputError(f"refusing to write report files with unsafe names: {bad}")
    _remove_stale_staging(out)
    previous = read_manifest(out)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    try:
        for name, data in files.items():
            _write(staging / name, data)
        manifest = {"written_by": "python -m reporting", "files": sorted(files)}
        _write(staging / MANIFEST, (json.dumps(manifest, indent=1) + "\n").encode("utf-8"))
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(
            f"could not write the reports into {out} ({err.strerror or err}; is the disk full?). "
            "The previous reports there are unchanged."
        ) from None
    for name in files:
        os.replace(staging / name, out / name)
    os.replace(staging / MANIFEST, out / MANIFEST)
    staging.rmdir()
    for stale in sorted(previous - set(files)):
        (out / stale).unlink(missing_ok=True)
    return [out / name for name in files]
