"""Load and validate the curated datasets in ``data/``.

Every loader reads one file, checks it against its schema in ``data/datapackage.json``
(required columns, types, allowed values, ranges, unique keys, source ids that resolve)
and returns every row, or raises :class:`DataValidationError` naming file, line and column.

The data folder is, in order: the ``path`` argument's folder, ``$C5_DATA_DIR``, the
repository's ``data/``. The schema always comes from the repository's descriptor.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DESCRIPTOR_PATH = REPO_DATA_DIR / "datapackage.json"
BOUNDARIES_FILE = Path("boundaries") / "central_asia.geojson"
MAX_REPORTED_ERRORS = 20


class DataValidationError(ValueError):
    """A data file broke its schema. ``problems`` lists every violation found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = problems[0]
        self.path, self.line, self.column = first.path, first.line, first.column
        shown = [str(p) for p in problems[:MAX_REPORTED_ERRORS]]
        if len(problems) > MAX_REPORTED_ERRORS:
            shown.append(f"... and {len(problems) - MAX_REPORTED_ERRORS} more problems")
        super().__init__("\n".join(shown))


@dataclass(frozen=True)
class Problem:
    """One violation: where it is and which rule it breaks."""

    path: Path
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [str(self.path)]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


def data_dir() -> Path:
    """The folder loaders read from: ``$C5_DATA_DIR`` if set, else the repository's data/."""
    override = os.environ.get("C5_DATA_DIR")
    return Path(override).expanduser().resolve() if override else REPO_DATA_DIR


@cache
def descriptor() -> dict[str, Any]:
    """The Frictionless data package descriptor shipped with the repository."""
    return json.loads(DESCRIPTOR_PATH.read_text(encoding="utf-8"))


def resource_schema(name: str) -> dict[str, Any]:
    """The descriptor entry of one resource (``sources``, ``deals``, ``trade``...)."""
    for resource in descriptor()["resources"]:
        if resource["name"] == name:
            return resource
    raise KeyError(f"no resource named {name!r} in {DESCRIPTOR_PATH}")


def _resolve(path: str | os.PathLike[str] | None, name: str) -> Path:
    if path is not None:
        return Path(path)
    return data_dir() / resource_schema(name)["path"]


# ---------------------------------------------------------------------------
# Reading the raw CSV


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Decode (UTF-8, optional BOM) and split a CSV into header and (line, cells) rows."""
    if not path.exists():
        raise DataValidationError([Problem(path, None, None, "file not found")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataValidationError(
            [Problem(path, line, None, f"not valid UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})")]
        ) from None
    if not text.strip():
        raise DataValidationError([Problem(path, None, None, "file is empty (no header row)")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        rows = [(reader.line_num, cells) for cells in reader if cells]
    except csv.Error as err:
        raise DataValidationError([Problem(path, reader.line_num, None, f"malformed CSV: {err}")]) from None
    return header, rows


def _check_header(path: Path, header: list[str], fields: list[dict[str, Any]]) -> list[Problem]:
    expected = [f["name"] for f in fields]
    if len(header) == 1 and len(expected) > 1:
        for delimiter in (";", "\t", "|"):
            if delimiter in header[0]:
                return [Problem(path, 1, None, f"wrong delimiter {delimiter!r}: this file must be comma-separated")]
    problems = []
    missing = [name for name in expected if name not in header]
    for name in missing:
        problems.append(Problem(path, 1, name, "required column is missing"))
    for name in header:
        if name not in expected:
            problems.append(Problem(path, 1, name, f"unexpected column (expected: {', '.join(expected)})"))
    if len(set(header)) != len(header):
        problems.append(Problem(path, 1, None, "duplicate column names in header"))
    return problems


# ---------------------------------------------------------------------------
# Cell parsing


def _parse_cell(value: str, field: dict[str, Any]) -> Any:
    """Convert one cell to its schema type; raise ValueError with the rule broken."""
    kind = field["type"]
    cons = field.get("constraints", {})
    if value == "":
        if cons.get("required"):
            raise ValueError("value is required")
        return [] if kind == "list" else None
    if value != value.strip():
        raise ValueError(f"{value!r} has leading or trailing spaces")
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise ValueError(f"{value!r} is not an integer")
        parsed: Any = int(value)
    elif kind == "number":
        try:
            parsed = float(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
        if parsed != parsed or parsed in (float("inf"), float("-inf")):
            raise ValueError(f"{value!r} is not a finite number")
    elif kind == "date":
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a real date in YYYY-MM-DD form") from None
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(f"{value!r} is not in YYYY-MM-DD form")
    elif kind == "list":
        items = [item.strip() for item in value.split(field.get("delimiter", ";"))]
        if any(item == "" for item in items):
            raise ValueError(f"{value!r} has an empty item")
        allowed = cons.get("enum")
        bad = [item for item in items if allowed and item not in allowed]
        if bad:
            raise ValueError(f"{', '.join(map(repr, bad))} not allowed (allowed: {', '.join(allowed)})")
        return items
    else:
        parsed = value
    if "enum" in cons and parsed not in cons["enum"]:
        raise ValueError(f"{value!r} is not one of: {', '.join(map(str, cons['enum']))}")
    if "pattern" in cons and not re.fullmatch(cons["pattern"], value):
        raise ValueError(f"{value!r} does not match the pattern {cons['pattern']}")
    for bound, fails in (("minimum", lambda v, b: v < b), ("maximum", lambda v, b: v > b)):
        if bound in cons:
            limit = cons[bound]
            if kind == "date":
                limit = date.fromisoformat(limit)
            if fails(parsed, limit):
                raise ValueError(
                    f"{value} is {'below the minimum' if bound == 'minimum' else 'above the maximum'} {limit}"
                )
    return parsed


def _to_frame(name: str, path: Path) -> tuple[pd.DataFrame, list[int], list[Problem]]:
    """Parse a resource file into a typed DataFrame, its file line numbers and problems."""
    fields = resource_schema(name)["schema"]["fields"]
    header, rows = _read_rows(path)
    problems = _check_header(path, header, fields)
    if problems:
        raise DataValidationError(problems)
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    by_name = {f["name"]: f for f in fields}
    for line, cells in rows:
        if len(cells) != len(header):
            problems.append(Problem(path, line, None, f"has {len(cells)} cells, the header has {len(header)}"))
            continue
        record = {}
        for column, cell in zip(header, cells, strict=True):
            try:
                record[column] = _parse_cell(cell, by_name[column])
            except ValueError as err:
                problems.append(Problem(path, line, column, str(err)))
        records.append(record)
        lines.append(line)
    if not rows:
        problems.append(Problem(path, None, None, "has a header but no data rows"))
    frame = pd.DataFrame.from_records(records, columns=[f["name"] for f in fields])
    frame = _apply_dtypes(frame, fields)
    problems.extend(_check_unique(path, frame, lines, resource_schema(name)["schema"]))
    return frame, lines, problems


def _apply_dtypes(frame: pd.DataFrame, fields: list[dict[str, Any]]) -> pd.DataFrame:
    for field in fields:
        column = field["name"]
        if column not in frame:
            continue
        if field["type"] == "integer":
            frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
        elif field["type"] == "number":
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        elif field["type"] == "date":
            frame[column] = pd.to_datetime(frame[column], errors="coerce")
    return frame


def _check_unique(path: Path, frame: pd.DataFrame, lines: list[int], schema: dict[str, Any]) -> list[Problem]:
    key = schema.get("primaryKey", [])
    if not key or frame.empty:
        return []
    dupes = frame.duplicated(subset=key, keep="first")
    problems = []
    for position in dupes[dupes].index:
        values = ", ".join(f"{k}={frame.at[position, k]}" for k in key)
        first = frame.index[(frame[key] == frame.loc[position, key]).all(axis=1)][0]
        problems.append(
            Problem(
                path,
                lines[position],
                key[0] if len(key) == 1 else None,
                f"duplicate key ({values}); first seen on line {lines[first]}",
            )
        )
    return problems


def _check_references(
    path: Path, frame: pd.DataFrame, lines: list[int], column: str, known: set[str], target: str
) -> list[Problem]:
    problems = []
    for position, value in frame[column].items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if not pd.isna(item) and item not in known:
                problems.append(Problem(path, lines[position], column, f"{item!r} does not resolve to a {target}"))
    return problems


def _finish(frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
    if problems:
        raise DataValidationError(problems)
    return frame.reset_index(drop=True)


def _source_ids(path: Path) -> set[str]:
    return set(load_sources(path.parent / resource_schema("sources")["path"])["source_id"])


# ---------------------------------------------------------------------------
# Public loaders


def load_sources(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load the source registry (``sources.csv``): one row per source."""
    file = _resolve(path, "sources")
    frame, _, problems = _to_frame("sources", file)
    return _finish(frame, problems)


def load_deals(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load ``deals.csv``, checking sources, overlap links and value rules.

    Examples
    --------
    >>> deals = load_deals()
    >>> deals.loc[deals["overlaps_deal_id"].isna(), "value_usd_m"].sum()  # deduplicated  # doctest: +SKIP
    """
    file = _resolve(path, "deals")
    frame, lines, problems = _to_frame("deals", file)
    known_sources = _source_ids(file)
    problems += _check_references(file, frame, lines, "source_id", known_sources, "source_id in sources.csv")
    problems += _check_references(file, frame, lines, "other_source_ids", known_sources, "source_id in sources.csv")
    problems += _check_references(file, frame, lines, "overlaps_deal_id", set(frame["deal_id"]), "deal_id in this file")
    problems += _deal_rules(file, frame, lines)
    return _finish(frame, problems)


def _deal_rules(path: Path, frame: pd.DataFrame, lines: list[int]) -> list[Problem]:
    problems = []
    links = {d: o for d, o in zip(frame["deal_id"], frame["overlaps_deal_id"], strict=True) if not pd.isna(o)}
    for pos, row in frame.iterrows():
        line = lines[pos]
        has_value = not pd.isna(row["value_usd_m"])
        if has_value == (row["value_basis"] == "none"):
            problems.append(Problem(path, line, "value_basis", "must be 'none' exactly when value_usd_m is empty"))
        low = row["value_low_usd_m"]
        if not pd.isna(low) and (not has_value or low > row["value_usd_m"]):
            problems.append(Problem(path, line, "value_low_usd_m", "must not exceed value_usd_m (and needs it)"))
        linked = None if pd.isna(row["overlaps_deal_id"]) else row["overlaps_deal_id"]
        if (linked is None) != pd.isna(row["overlap_type"]):
            problems.append(Problem(path, line, "overlap_type", "overlaps_deal_id and overlap_type go together"))
        if linked == row["deal_id"]:
            problems.append(Problem(path, line, "overlaps_deal_id", "a deal cannot overlap itself"))
        start, end = row["delivery_start_year"], row["delivery_end_year"]
        if not pd.isna(start) and not pd.isna(end) and end < start:
            problems.append(Problem(path, line, "delivery_end_year", f"{end} is before delivery_start_year {start}"))
        if pd.isna(row["announced_date"]) != (row["date_precision"] == "unknown"):
            problems.append(
                Problem(path, line, "date_precision", "must be 'unknown' exactly when announced_date is empty")
            )
        seen, current = {row["deal_id"]}, linked
        while current is not None and current in links:
            if current in seen:
                problems.append(
                    Problem(path, line, "overlaps_deal_id", f"overlap links form a cycle through {current!r}")
                )
                break
            seen.add(current)
            current = links[current]
    return problems


def load_brief_claims(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load ``brief_claims.csv``: the product brief's claims and their verdicts."""
    file = _resolve(path, "brief_claims")
    frame, lines, problems = _to_frame("brief_claims", file)
    problems += _check_references(file, frame, lines, "source_id", _source_ids(file), "source_id in sources.csv")
    deal_ids = set(load_deals(file.parent / resource_schema("deals")["path"])["deal_id"])
    problems += _check_references(file, frame, lines, "deal_ids", deal_ids, "deal_id in deals.csv")
    return _finish(frame, problems)


def load_trade(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Load ``trade.csv`` (long form, US$ m or EUR m), checking sources and value rules."""
    file = _resolve(path, "trade")
    frame, lines, problems = _to_frame("trade", file)
    problems += _check_references(file, frame, lines, "source_id", _source_ids(file), "source_id in sources.csv")
    both = frame["value_usd_m"].notna() == frame["value_eur_m"].notna()
    for pos in both[both].index:
        problems.append(
            Problem(file, lines[pos], "value_usd_m", "exactly one of value_usd_m and value_eur_m must be filled")
        )
    problems += _stored_totals_with_split(file, frame, lines)
    return _finish(frame, problems)


def _stored_totals_with_split(path: Path, frame: pd.DataFrame, lines: list[int]) -> list[Problem]:
    """A total is derived in code where the same source gives exports and imports."""
    group = ["reporter", "partner", "year", "side", "source_id"]
    flows = frame.groupby(group)["flow"].agg(set)
    split = {key for key, found in flows.items() if {"exports", "imports"} <= found}
    problems = []
    for pos, row in frame[frame["flow"] == "total"].iterrows():
        if tuple(row[group]) in split:
            problems.append(
                Problem(path, lines[pos], "flow", "stored total where exports and imports exist: derive it")
            )
    return problems


def load_boundaries(path: str | os.PathLike[str] | None = None):  # -> geopandas.GeoDataFrame
    """Load the boundary GeoJSON (EPSG:4326) with ``iso3``, ``name``, ``role`` per feature."""
    import geopandas as gpd

    file = Path(path) if path is not None else data_dir() / BOUNDARIES_FILE
    if not file.exists():
        raise DataValidationError([Problem(file, None, None, "file not found")])
    try:
        frame = gpd.read_file(file)
    except Exception as err:  # pyogrio raises several types for unreadable files
        raise DataValidationError([Problem(file, None, None, f"not readable as GeoJSON: {err}")]) from None
    problems = [
        Problem(file, None, c, "required property is missing") for c in ("iso3", "name", "role") if c not in frame
    ]
    if problems:
        raise DataValidationError(problems)
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        problems.append(Problem(file, None, None, f"CRS must be EPSG:4326, found {frame.crs}"))
    for pos, row in frame.iterrows():
        feature = f"feature {pos}"
        if not isinstance(row["iso3"], str) or not re.fullmatch(r"[A-Z]{3}", row["iso3"]):
            problems.append(Problem(file, None, "iso3", f"{feature}: {row['iso3']!r} is not an ISO3 code"))
        if row["role"] not in ("focus", "neighbour"):
            problems.append(Problem(file, None, "role", f"{feature}: {row['role']!r} is not 'focus' or 'neighbour'"))
        geom = row.geometry
        if geom is None or geom.is_empty or not geom.is_valid:
            problems.append(Problem(file, None, "geometry", f"{feature} ({row['iso3']}): geometry is empty or invalid"))
    dupes = frame["iso3"][frame["iso3"].duplicated()]
    problems += [Problem(file, None, "iso3", f"duplicate feature for {code}") for code in dupes]
    return _finish(frame, problems)


def data_vintage(folder: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Dataset version and a short content hash per file: what a report was built from."""
    base = Path(folder) if folder is not None else data_dir()
    vintage = {"package version": descriptor()["version"]}
    files = [resource_schema(r["name"])["path"] for r in descriptor()["resources"] if "schema" in r]
    for name in [*files, str(BOUNDARIES_FILE)]:
        file = base / name
        digest = hashlib.sha256(file.read_bytes()).hexdigest()[:12] if file.exists() else "missing"
        vintage[name] = digest
    return vintage
