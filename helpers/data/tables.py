"""Read one CSV table and validate it against its schema in ``datapackage.json``.

Three passes, each linear in the rows:

1. the file itself (hand-written, cheap): a regular file of at most 50 MB (``files.py``),
   UTF-8, no NUL, control or bidirectional-override characters, comma-separated, the header of
   the schema, the same number of cells in every row, cells of at most
   :data:`MAX_CELL_CHARS` characters, no stray spaces, dates written ``YYYY-MM-DD``, numbers in
   ASCII digits that are finite and do not round to 0;
2. frictionless checks every row against the schema: types, required, enums, patterns,
   minimum/maximum, unique fields and the primary key; it stops after
   :data:`MAX_REPORTED_ERRORS` problems, so a file pasted ten times is rejected at once with
   its first duplicates named;
3. foreign keys exactly as the descriptor declares them (also for list fields such as
   ``other_source_ids``, which frictionless cannot look up), with pandas.

Every problem names file, line and column; the caller adds the table's domain rules.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.data.errors import MAX_REPORTED_ERRORS, DataValidationError, Problem, fail
from helpers.data.files import read_text
from helpers.data.package import descriptor_path, frictionless, package, resource_schema

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional embeddings, overrides and isolates reorder the text around them on a page.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Numbers as a reader writes them: ASCII digits, one point, an exponent; no "1_000", "NaN",
# "inf", "0x10" or digits of other scripts, which Python's float() would all accept.
NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?", re.ASCII)
INTEGER_TEXT = re.compile(r"[+-]?\d{1,18}", re.ASCII)
MAX_CELL_CHARS = 20_000
POSITION = re.compile(r"position (\d+)")
CONSTRAINT = re.compile(r'constraint "(\w+)"')


class Table:
    """A validated table: its frame (one row per data row) and the file line of each row."""

    def __init__(self, path: Path, frame: pd.DataFrame, lines: list[int]):
        self.path, self.frame, self.lines = path, frame, lines

    def problem(self, position: int, column: str | None, message: str) -> Problem:
        """A problem located at the row in ``position`` (0-based, as in ``frame``)."""
        return Problem(self.path, self.lines[position], column, message)


# ---------------------------------------------------------------------------
# Pass 1: the file


def _records(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """Split CSV text into (first line, cells) records, header included, blank rows kept."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, start = [], 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as err:
        raise fail(path, f"malformed CSV: {err}", line=reader.line_num) from None
    return records


def _check_header(path: Path, header: list[str], expected: list[str]) -> list[Problem]:
    if len(header) == 1 and len(expected) > 1:
        for delimiter in (";", "\t", "|"):
            if delimiter in header[0]:
                return [Problem(path, 1, None, f"wrong delimiter {delimiter!r}: this file must be comma-separated")]
    problems = [Problem(path, 1, name, "required column is missing") for name in expected if name not in header]
    problems += [
        Problem(path, 1, name, f"unexpected column (expected: {', '.join(expected)})")
        for name in header
        if name not in expected
    ]
    if len(set(header)) != len(header):
        problems.append(Problem(path, 1, None, "duplicate column names in header"))
    if not problems and header != expected:
        problems.append(Problem(path, 1, None, f"columns must be in this order: {', '.join(expected)}"))
    return problems


def number_problem(cell: str, kind: str) -> str | None:
    """What is wrong with ``cell`` as a value of field type ``kind`` (None if fine or not numeric).

    >>> number_problem("1_700", "number")
    "'1_700' is not a number (write digits 0-9, a point and an optional exponent)"
    >>> number_problem("1e-400", "number")
    "'1e-400' is too small to store (it would become 0)"
    >>> number_problem("-2.5e3", "number") is None
    True
    """
    if kind == "integer" and not INTEGER_TEXT.fullmatch(cell):
        return f"{cell!r} is not an integer (write digits 0-9)"
    if kind != "number":
        return None
    if not NUMBER_TEXT.fullmatch(cell):
        return f"{cell!r} is not a number (write digits 0-9, a point and an optional exponent)"
    value = float(cell)
    if not math.isfinite(value):
        return f"{cell!r} is too large to store"
    if value == 0 and any(c in "123456789" for c in cell.lower().split("e")[0]):
        return f"{cell!r} is too small to store (it would become 0)"
    return None


def _cell_problem(cell: str, kind: str | None, clean: bool) -> str | None:
    """What is wrong with one cell; ``clean`` says the whole file has no control or bidi character."""
    if len(cell) > MAX_CELL_CHARS:
        return f"is {len(cell):,} characters long, over the limit of {MAX_CELL_CHARS:,}"
    if not clean and CONTROL_CHARACTERS.search(cell):
        return "contains a NUL or control character"
    if not clean and BIDI_CONTROLS.search(cell):
        return "contains a bidirectional override or isolate character (U+202A-202E, U+2066-2069): remove it"
    if cell != cell.strip():
        return f"{cell!r} has leading or trailing spaces"
    if kind == "date" and cell and not ISO_DATE.fullmatch(cell):
        return f"{cell!r} is not in YYYY-MM-DD form"
    return None


def _check_cells(
    path: Path, records: list[tuple[int, list[str]]], fields: list[dict[str, Any]], clean: bool = False
) -> list[Problem]:
    """Row shape and cell hygiene that the schema types do not cover."""
    names = [f["name"] for f in fields]
    kinds = [f.get("type") for f in fields]
    problems: list[Problem] = []
    for line, cells in records[1:]:
        if cells and len(cells) != len(names):
            problems.append(Problem(path, line, None, f"has {len(cells)} cells, the header has {len(names)}"))
        for index, cell in enumerate(cells[: len(names)]):
            found = _cell_problem(cell, kinds[index], clean)
            if found:
                problems.append(Problem(path, line, names[index], found))
        if len(problems) >= MAX_REPORTED_ERRORS:
            break
    return problems


def _check_numbers(path: Path, records: list[tuple[int, list[str]]], fields: list[dict[str, Any]]) -> list[Problem]:
    """Numbers and integers written as this project writes them (see :func:`number_problem`)."""
    numeric = [(i, f["name"], f["type"]) for i, f in enumerate(fields) if f.get("type") in ("number", "integer")]
    problems: list[Problem] = []
    for line, cells in records[1:]:
        for index, name, kind in numeric:
            found = number_problem(cells[index], kind) if index < len(cells) and cells[index] else None
            if found:
                problems.append(Problem(path, line, name, found))
        if len(problems) >= MAX_REPORTED_ERRORS:
            break
    return problems


def _merge(first: list[Problem], second: list[Problem]) -> list[Problem]:
    """Both lists in line order, a cell named in ``first`` not named again by ``second``."""
    named = {(p.line, p.column) for p in first}
    merged = first + [p for p in second if (p.line, p.column) not in named or p.column is None]
    return sorted(merged, key=lambda p: p.line if p.line is not None else math.inf)[:MAX_REPORTED_ERRORS]


# ---------------------------------------------------------------------------
# Pass 2: frictionless


def _describe(error: Any, field: dict[str, Any] | None, line_of: Callable[[int], int]) -> str:
    """A reader's sentence for one frictionless row error."""
    cell = getattr(error, "cell", None)
    if error.type == "type-error" and field is not None:
        kind = field["type"]
        expected = {
            "integer": "an integer",
            "number": "a number",
            "date": "a real date in YYYY-MM-DD form",
            "list": f"a {field.get('delimiter', ',')!r}-separated list",
        }.get(kind, f"of type {kind}")
        if kind == "string" and field.get("format"):
            pattern = field.get("constraints", {}).get("pattern")
            rule = f" (pattern {pattern})" if pattern else ""
            return f"{cell!r} is not a valid {field['format']}{rule}"
        return f"{cell!r} is not {expected}"
    if error.type == "constraint-error" and field is not None:
        name = (CONSTRAINT.search(error.note) or [None, ""])[1]
        limit = field.get("constraints", {}).get(name)
        if name == "required":
            return "value is required"
        if name == "enum":
            return f"{cell!r} is not one of: {', '.join(map(str, limit))}"
        if name == "minimum":
            return f"{cell} is below the minimum {limit}"
        if name == "maximum":
            return f"{cell} is above the maximum {limit}"
        if name == "pattern":
            return f"{cell!r} does not match the pattern {limit}"
        return f"{cell!r} breaks the constraint {error.note}"
    if error.type in ("primary-key", "unique-error"):
        first = POSITION.search(error.note)
        seen = f"; first seen on line {line_of(int(first[1]))}" if first else ""
        return f"duplicate key{seen}" if first else error.note
    if error.type == "blank-row":
        return "blank row (remove it)"
    return error.message


def _frictionless_rows(path: Path, name: str, text: str, line_of: Callable[[int], int]):
    """Typed rows from frictionless and the problems it found (at most MAX_REPORTED_ERRORS)."""
    schema = package().schemas[name]
    fields = {f["name"]: f for f in resource_schema(name)["schema"]["fields"]}
    key = resource_schema(name)["schema"].get("primaryKey", [])
    comma = frictionless.Dialect(controls=[frictionless.formats.CsvControl(delimiter=",")])  # never sniffed
    resource = frictionless.Resource(text.encode("utf-8"), format="csv", encoding="utf-8", schema=schema, dialect=comma)
    rows: list[dict[str, Any]] = []
    problems: list[Problem] = []
    try:
        with resource:
            for row in resource.row_stream:
                rows.append(row.to_dict())
                for error in row.errors:
                    column = getattr(error, "field_name", None) or None
                    if error.type == "unique-error" and [column] == key:
                        continue  # the primary-key error below says the same
                    message = _describe(error, fields.get(column) if column else None, line_of)
                    if error.type == "primary-key":
                        shown = ", ".join(f"{k}={row[k]}" for k in key)
                        message = message.replace("duplicate key", f"duplicate key ({shown})")
                        column = key[0] if len(key) == 1 else None
                    problems.append(Problem(path, line_of(row.row_number), column, message))
                if len(problems) >= MAX_REPORTED_ERRORS:
                    stop = Problem(path, None, None, "stopped checking here: fix these problems first")
                    problems = [*problems[: MAX_REPORTED_ERRORS - 1], stop]
                    break
    except frictionless.FrictionlessException as err:
        raise fail(path, f"not readable as a table: {err.error.message}") from None
    except ArithmeticError as err:  # e.g. decimal.InvalidOperation on "sNaN"
        raise fail(path, f"a number in it cannot be read ({type(err).__name__})") from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, re.error) as err:
        # frictionless accepts some descriptors it then cannot apply (e.g. a null minimum, a broken pattern)
        message = f"the schema of {name!r} cannot be applied to {path.name} ({type(err).__name__}: {err})"
        raise fail(descriptor_path(), message) from None
    return rows, problems


# ---------------------------------------------------------------------------
# Typed frame


def _to_frame(rows: list[dict[str, Any]], fields: list[dict[str, Any]]) -> pd.DataFrame:
    """Typed columns: Int64, float64, datetime64, lists (empty list when blank), str/None."""
    columns: dict[str, Any] = {}
    for field in fields:
        name, kind = field["name"], field.get("type")
        values = [row.get(name) for row in rows]
        if kind == "integer":
            columns[name] = pd.array(values, dtype="Int64")
        elif kind == "number":
            columns[name] = pd.array([float("nan") if v is None else float(v) for v in values], dtype="float64")
        elif kind == "date":
            columns[name] = pd.to_datetime(pd.Series(values, dtype="object"))
        elif kind == "list":
            columns[name] = pd.Series([list(v) if isinstance(v, list) else [] for v in values], dtype="object")
        else:
            columns[name] = pd.Series(values, dtype="object")
    return pd.DataFrame(columns)


def load_table(name: str, path: Path) -> Table:
    """Read ``path`` as resource ``name``: pass 1 and 2 above; raise on any problem."""
    fields = resource_schema(name)["schema"]["fields"]
    text = read_text(path)
    records = _records(path, text)
    header = records[0][1] if records else []
    problems = _check_header(path, header, [f["name"] for f in fields])
    if problems:
        raise DataValidationError(problems)
    if len(records) < 2:
        raise fail(path, "has a header but no data rows")
    clean = not (CONTROL_CHARACTERS.search(text) or BIDI_CONTROLS.search(text))
    problems = _check_cells(path, records, fields, clean)
    if problems:
        raise DataValidationError(problems)

    def line_of(row_number: int) -> int:  # frictionless counts records from 1 (the header)
        return records[row_number - 1][0] if 0 < row_number <= len(records) else row_number

    numbers = _check_numbers(path, records, fields)
    try:
        rows, problems = _frictionless_rows(path, name, text, line_of)
    except DataValidationError:
        if numbers:
            raise DataValidationError(numbers) from None
        raise
    problems = _merge(numbers, problems)
    if problems:
        raise DataValidationError(problems)
    lines = [line for line, cells in records[1:] if cells]
    table = Table(path, _to_frame(rows, fields), lines)
    problems = _check_list_items(table, fields)
    if problems:
        raise DataValidationError(problems)
    return table


def _check_list_items(table: Table, fields: list[dict[str, Any]]) -> list[Problem]:
    """Allowed values of list items (``itemEnum``), which frictionless does not check."""
    problems = []
    for field in fields:
        allowed = field.get("itemEnum")
        if field.get("type") != "list" or not allowed:
            continue
        items = table.frame[field["name"]].explode().dropna()
        for position, item in items[~items.isin(allowed)].items():
            problems.append(table.problem(position, field["name"], f"{item!r} is not one of: {', '.join(allowed)}"))
    return problems


# ---------------------------------------------------------------------------
# Pass 3: foreign keys from the descriptor


def _as_list(field: str | list[str]) -> list[str]:
    return [field] if isinstance(field, str) else list(field)


def check_foreign_keys(table: Table, name: str, targets: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every foreign key the descriptor declares for ``name``, list fields item by item.

    ``targets`` maps a referenced resource name to its loaded frame; a reference to ``""``
    (or to ``name``) is to the table itself.
    """
    problems: list[Problem] = []
    for key in resource_schema(name)["schema"].get("foreignKeys", []):
        columns = _as_list(key["fields"])
        reference = key["reference"]
        target_name = reference.get("resource") or name
        target = table.frame if target_name == name else targets.get(target_name)
        target_columns = _as_list(reference["fields"])
        if target is None or len(columns) != 1 or len(target_columns) != 1:
            raise fail(descriptor_path(), f"{name}: foreign key {columns} -> {target_name} is not supported")
        column, target_column = columns[0], target_columns[0]
        if column not in table.frame or target_column not in target:
            raise fail(
                descriptor_path(), f"{name}: foreign key {column} -> {target_name}.{target_column}: no such field"
            )
        known = set(target[target_column].explode().dropna())
        values = table.frame[column].explode().dropna()
        missing = values[~values.isin(known)]
        where = "this file" if target_name == name else f"{resource_schema(target_name)['path']}"
        for position, value in missing.items():
            problems.append(
                table.problem(position, column, f"{value!r} does not resolve to a {target_column} in {where}")
            )
    return problems
