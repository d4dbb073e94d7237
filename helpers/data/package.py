"""Where the data lives and what it must look like: the data folder and ``datapackage.json``.

The descriptor (a Frictionless Data Package) is read once per process (bounded, see
``files.py``), its constraints checked (``patterns.py``: well-formed, patterns that compile and
cannot backtrack catastrophically), checked with frictionless, and turned into one frictionless
``Schema`` per table. A missing or corrupt descriptor is a :class:`DataValidationError` naming ``datapackage.json``.
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
from helpers.data.files import read_json
from helpers.data.patterns import constraint_problems


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
        parsed = read_json(path, "JSON")
    except DataValidationError as err:
        if "file not found" in str(err):
            raise fail(path, "descriptor not found") from None
        raise
    if not isinstance(parsed, dict):
        raise fail(path, "must be a JSON object")
    return parsed


# The field types the loaders' code relies on (domain rules, frame dtypes). The descriptor may
# add fields and constraints freely; changing one of these types is refused with a clear error.
CODE_CONTRACT: dict[str, dict[str, str]] = {
    "sources": {"source_id": "string", "url": "string", "published": "string"},
    "deals": {
        "deal_id": "string",
        "value_usd_m": "number",
        "value_low_usd_m": "number",
        "value_basis": "string",
        "overlaps_deal_id": "string",
        "overlap_type": "string",
        "delivery_start_year": "integer",
        "delivery_end_year": "integer",
        "announced_date": "date",
        "date_precision": "string",
    },
    "brief_claims": {"claim_id": "string"},
    "trade": {
        "reporter": "string",
        "partner": "string",
        "year": "integer",
        "flow": "string",
        "value_usd_m": "number",
        "value_eur_m": "number",
        "side": "string",
        "source_id": "string",
    },
}


def _contract_problems(path: Path, parsed: dict[str, Any]) -> list[Problem]:
    resources = {r.get("name"): r for r in parsed.get("resources", []) if isinstance(r, dict)}
    problems = []
    for name, columns in CODE_CONTRACT.items():
        schema = resources.get(name, {}).get("schema")
        if not isinstance(schema, dict) or not isinstance(resources[name].get("path"), str):
            problems.append(Problem(path, None, None, f"resource {name!r} with a path and a schema is required"))
            continue
        types = {f.get("name"): f.get("type", "string") for f in schema.get("fields", []) if isinstance(f, dict)}
        for column, kind in columns.items():
            if types.get(column) != kind:
                problems.append(Problem(path, None, None, f"{name}.{column} must be a field of type {kind!r}"))
    for name, resource in resources.items():
        fields = resource.get("schema", {}).get("fields", []) if isinstance(resource.get("schema"), dict) else []
        for field in fields:
            allowed = field.get("itemEnum", []) if isinstance(field, dict) else []
            if not isinstance(allowed, list) or not all(isinstance(v, str) for v in allowed):
                problems.append(Problem(path, None, None, f"{name}.{field.get('name')}: itemEnum must list strings"))
    boundaries = resources.get("boundaries", {})
    required = boundaries.get("x-c5-required-features", {})
    if not isinstance(boundaries.get("path"), str):
        problems.append(Problem(path, None, None, "resource 'boundaries' with a path is required"))
    if not isinstance(required, dict) or not all(
        isinstance(codes, list) and all(isinstance(c, str) for c in codes) for codes in required.values()
    ):
        problems.append(Problem(path, None, None, "x-c5-required-features must map roles to lists of ISO3 codes"))
    return problems


@cache
def package() -> Package:
    """Read and check ``data/datapackage.json`` with frictionless (cached per process)."""
    path = DESCRIPTOR_PATH
    parsed = _read_json(path)
    problems = constraint_problems(path, parsed)
    if problems:
        raise DataValidationError(problems)
    try:
        frictionless.Package.from_descriptor(json.loads(json.dumps(parsed)), basepath=str(path.parent))
        # Row checks per table; foreign keys are checked by helpers.data.tables (frictionless
        # needs the whole package open for them and cannot look up list fields).
        schemas = {
            r["name"]: frictionless.Schema.from_descriptor({k: v for k, v in r["schema"].items() if k != "foreignKeys"})
            for r in parsed.get("resources", [])
            if isinstance(r, dict) and isinstance(r.get("schema"), dict)
        }
    except frictionless.FrictionlessException as err:
        reasons = err.reasons or [err.error]
        raise DataValidationError(
            [Problem(path, None, None, f"invalid descriptor: {r.message}") for r in reasons]
        ) from None
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as err:
        # frictionless itself fails on some malformed descriptors (e.g. null in a field list)
        raise fail(path, f"invalid descriptor: frictionless cannot read it ({type(err).__name__}: {err})") from None
    problems = _contract_problems(path, parsed)
    if problems:
        raise DataValidationError(problems)
    return Package(parsed, schemas)


def descriptor_path() -> Path:
    """Where the descriptor is read from (the repository's ``data/datapackage.json``)."""
    return DESCRIPTOR_PATH


def descriptor() -> dict[str, Any]:
    """The Frictionless data package descriptor shipped with the repository."""
    return package().descriptor


def resource_schema(name: str) -> dict[str, Any]:
    """The descriptor entry of one resource (``sources``, ``deals``, ``trade``...)."""
    for resource in descriptor().get("resources", []):
        if isinstance(resource, dict) and resource.get("name") == name:
            schema = resource.get("schema")
            tabular = "schema" in resource or resource.get("profile") == "tabular-data-resource"
            if tabular and (not isinstance(schema, dict) or not isinstance(schema.get("fields"), list)):
                raise fail(DESCRIPTOR_PATH, f"resource {name!r} has no schema with a list of fields")
            return resource
    raise fail(DESCRIPTOR_PATH, f"no resource named {name!r}")
