"""Load and validate the curated datasets in ``data/``.

Every loader reads one file, checks it against its schema in ``data/datapackage.json`` with
frictionless (types, required values, allowed values, ranges, unique and primary keys), checks
the foreign keys the descriptor declares and the table's domain rules, and returns every row,
or raises :class:`DataValidationError` naming file, line and column. Nothing else is raised
for bad data.

The data folder is, in order: the ``path`` argument's folder, ``$C5_DATA_DIR`` (a relative
value is taken from the folder the command was typed in), the repository's ``data/``. The
schema always comes from the repository's descriptor.

Modules: ``errors`` (the error), ``files`` (bounded reads of regular files, JSON depth),
``patterns`` (descriptor constraints and safe patterns), ``package`` (data folder and
descriptor), ``tables`` (CSV checks with frictionless, foreign keys), ``loaders`` (one loader
per table and its domain rules), ``events`` (the deal follow-through tables), ``boundaries``
(the GeoJSON).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from helpers.data.boundaries import BOUNDARIES_FILE, load_boundaries
from helpers.data.errors import MAX_REPORTED_ERRORS, DataValidationError, Problem
from helpers.data.events import load_deal_checks, load_deal_events
from helpers.data.files import read_bytes
from helpers.data.loaders import load_brief_claims, load_deals, load_sources, load_trade
from helpers.data.package import DESCRIPTOR_PATH, REPO_DATA_DIR, data_dir, descriptor, resource_schema

__all__ = [
    "BOUNDARIES_FILE",
    "DESCRIPTOR_PATH",
    "MAX_REPORTED_ERRORS",
    "REPO_DATA_DIR",
    "DataValidationError",
    "Problem",
    "data_dir",
    "data_vintage",
    "descriptor",
    "load_boundaries",
    "load_brief_claims",
    "load_deal_checks",
    "load_deal_events",
    "load_deals",
    "load_sources",
    "load_trade",
    "resource_schema",
]


def data_vintage(folder: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Dataset version and a short content hash per file: what a report was built from."""
    base = Path(folder) if folder is not None else data_dir()
    vintage = {"package version": str(descriptor().get("version", "unknown"))}
    for resource in descriptor().get("resources", []):
        file = base / resource["path"]
        try:
            vintage[resource["path"]] = hashlib.sha256(read_bytes(file)).hexdigest()[:12]
        except DataValidationError:  # missing, not a regular file, or over the size limit
            vintage[resource["path"]] = "missing"
    return vintage
