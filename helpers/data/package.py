"""Where the data lives and what it must look like: the data folder and ``datapackage.json``.

The descriptor (a Frictionless Data Package) is read once per process, checked with
frictionless, and turned into one frictionless ``Schema`` per table. A missing or corrupt
descriptor is a :class:`DataValidationError` naming ``datapackage.json``.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from helpers.data.errors import DataValidationError, Problem, fail


def _import_frictionless():  # -> module frictionless
    """Import frictionless, keeping jsonschema from building its optional IRI grammar.

    frictionless checks descriptors with jsonschema, and jsonschema imports ``rfc3987_syntax``
    when it is installed (Jupyter pulls it in), which compiles 38 lark grammars at import:
    2-6 s on this project's machines, for an ``iri`` format check nobody here uses. Hiding
    that optional module while jsonschema is first imported cuts the cost to ~0.2 s.
    """
    if "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # "not installed"
        try:
            import jsonschema  # noqa: F401
        finally:
            del sys.modules["rfc3987_syntax"]
    import frictionless

    return frictionless


frictionless = _import_frictionless()

REPO_DATA_DIR = Path(__file__).resolve().parent.parent.parent / "data"
DESCRIPTOR_PATH = REPO_DATA_DIR / "datapackage.json"


def data_dir() -> Path:
    """The folder loaders read from: ``$C5_DATA_DIR`` if set, else the repository's ``data/``.

    A relative ``C5_DATA_DIR`` is taken relative to the folder the user typed the command in
    (``$PWD``, which Jupyter kernels inherit from the shell that started the server), not the
    kernel's own folder; without ``$PWD`` the current directory is used.
    """
    override = os.environ.get("C5_DATA_DIR")
    if not override:
        return REPO_DATA_DIR
    folder = Path(override).expanduser()
    if not folder.is_absolute():
        shell_dir = os.environ.get("PWD", "")
        folder = (Path(shell_dir) if os.path.isabs(shell_dir) else Path.cwd()) / folder
    folder = folder.resolve()
    if not folder.is_dir():
        raise fail(folder, f"C5_DATA_DIR={override!r} is not an existing folder")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise fail(folder, f"C5_DATA_DIR={override!r} is not readable")
    return folder


@dataclass(frozen=True)
class Package:
    """The parsed descriptor and one frictionless schema per tabular resource."""

    descriptor: dict[str, Any]
    schemas: dict[str, frictionless.Schema]


def _read_json(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(path, "descriptor not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise fail(path, f"descriptor not readable: {err}") from None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as err:
        raise fail(path, f"not valid JSON: {err.msg}", line=err.lineno) from None
    if not isinstance(parsed, dict):
        raise fail(path, "must be a JSON object")
    return parsed


@cache
def package() -> Package:
    """Read and check ``data/datapackage.json`` with frictionless (cached per process)."""
    path = DESCRIPTOR_PATH
    parsed = _read_json(path)
    try:
        frictionless.Package.from_descriptor(json.loads(json.dumps(parsed)), basepath=str(path.parent))
    except frictionless.FrictionlessException as err:
        reasons = err.reasons or [err.error]
        raise DataValidationError(
            [Problem(path, None, None, f"invalid descriptor: {r.message}") for r in reasons]
        ) from None
    # Row checks per table; foreign keys are checked by helpers.data.tables (frictionless
    # needs the whole package open for them and cannot look up list fields).
    schemas = {
        r["name"]: frictionless.Schema.from_descriptor({k: v for k, v in r["schema"].items() if k != "foreignKeys"})
        for r in parsed.get("resources", [])
        if isinstance(r, dict) and isinstance(r.get("schema"), dict)
    }
    return Package(parsed, schemas)


def descriptor() -> dict[str, Any]:
    """The Frictionless data package descriptor shipped with the repository."""
    return package().descriptor


def resource_schema(name: str) -> dict[str, Any]:
    """The descriptor entry of one resource (``sources``, ``deals``, ``trade``...)."""
    for resource in descriptor().get("resources", []):
        if isinstance(resource, dict) and resource.get("name") == name:
            return resource
    raise fail(DESCRIPTOR_PATH, f"no resource named {name!r}")
