"""Checks of the descriptor's field constraints before any row is read with them.

frictionless skips a constraint written as ``null`` (a ``"minimum": null`` silently checks
nothing), raises ``re.error`` on a pattern that does not compile, and runs patterns with
Python's ``re``, which has no timeout: ``^([a-z0-9-]+)+$`` takes minutes on one long cell. So
each constraint must be well-formed for its field's type, and each pattern must compile and stay
in a safe subset: no repeat inside a repeat, no alternatives inside a repeat, at most one
unbounded repeat (``*``, ``+``, ``{n,}``), bounded repeats of at most :data:`MAX_REPEAT`.
frictionless anchors a pattern at the start, so such a pattern matches in time linear in the cell.
"""

from __future__ import annotations

import math
import re
from datetime import date
from pathlib import Path
from typing import Any

from helpers.data.errors import Problem

try:  # Python 3.11+
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parser  # type: ignore[no-redef]

MAX_PATTERN_CHARS = 500
MAX_REPEAT = 1000
_REPEATS = {_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT, getattr(_sre_constants, "POSSESSIVE_REPEAT", None)}
_UNBOUNDED = _sre_constants.MAXREPEAT
_BOOLEAN = ("required", "unique")
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_LENGTHS = ("minLength", "maxLength")


def pattern_problem(pattern: object) -> str | None:
    """Why ``pattern`` may not be used as a constraint (None if it may).

    >>> pattern_problem("^[a-z0-9][a-z0-9._-]*$") is None
    True
    >>> pattern_problem("^([a-z0-9-]+)+$")
    'pattern ^([a-z0-9-]+)+$ repeats a repeat (slow on long text): write it without nesting'
    >>> pattern_problem("(")
    'pattern ( does not compile: missing ), unterminated subpattern at position 0'
    """
    if not isinstance(pattern, str):
        return f"pattern must be text, not {pattern!r}"
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"pattern is {len(pattern)} characters, over the limit of {MAX_PATTERN_CHARS}"
    try:
        parsed = _sre_parser.parse(pattern)
        re.compile(f"^{pattern}$")
    except (re.error, RecursionError, OverflowError) as err:
        return f"pattern {pattern} does not compile: {err}"
    unbounded: list[int] = []
    problem = _walk(parsed, inside_repeat=False, unbounded=unbounded)
    if problem:
        return f"pattern {pattern} {problem}"
    if len(unbounded) > 1:
        return f"pattern {pattern} has more than one unbounded repeat (* + {{n,}}): slow on long text"
    return None


def _walk(items: Any, inside_repeat: bool, unbounded: list[int]) -> str | None:
    """What makes a parsed (sub)pattern unsafe, or None."""
    for op, argument in items:
        children: list[Any] = []
        repeat = inside_repeat
        if op in _REPEATS:
            _low, high, body = argument
            if high == _UNBOUNDED:
                unbounded.append(1)
            elif high > MAX_REPEAT:
                return f"repeats more than {MAX_REPEAT} times"
            if high > 1 and inside_repeat:
                return "repeats a repeat (slow on long text): write it without nesting"
            repeat = inside_repeat or high > 1
            children = [body]
        elif op is _sre_constants.BRANCH:
            if inside_repeat:
                return "has alternatives inside a repeat (slow on long text)"
            children = list(argument[1])
        elif op is _sre_constants.SUBPATTERN:
            children = [argument[-1]]
        elif op in (_sre_constants.ASSERT, _sre_constants.ASSERT_NOT):
            children = [argument[1]]
        elif op is _sre_constants.GROUPREF or op is getattr(_sre_constants, "GROUPREF_EXISTS", None):
            return "refers back to a group"
        elif op is getattr(_sre_constants, "ATOMIC_GROUP", None):
            children = [argument]
        for child in children:
            found = _walk(child, repeat, unbounded)
            if found:
                return found
    return None


def _bound_problem(name: str, value: object, kind: str) -> str | None:
    if kind in ("number", "integer", "year"):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return f"{name} must be a number for a {kind} field, not {value!r}"
        if kind != "number" and not float(value).is_integer():
            return f"{name} must be a whole number for a {kind} field, not {value!r}"
        return None
    if kind == "date":
        try:
            date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else date.fromisoformat("")
        except (TypeError, ValueError):
            return f"{name} must be a YYYY-MM-DD date for a date field, not {value!r}"
        return None
    return f"{name} does not apply to a {kind} field"


def field_problems(field: dict[str, Any]) -> list[str]:
    """What is wrong with one field's constraints (empty if nothing)."""
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        return [f"constraints must be an object, not {constraints!r}"]
    kind = field.get("type", "string")
    problems = []
    for name, value in constraints.items():
        if name in _BOOLEAN and not isinstance(value, bool):
            problems.append(f"{name} must be true or false, not {value!r}")
        elif name in _BOUNDS:
            found = _bound_problem(name, value, kind)
            problems += [found] if found else []
        elif name in _LENGTHS and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            problems.append(f"{name} must be a whole number of at least 0, not {value!r}")
        elif name == "enum" and (
            not isinstance(value, list) or not value or not all(isinstance(v, str | int | float) for v in value)
        ):
            problems.append(f"enum must be a non-empty list of values, not {value!r}")
        elif name == "pattern":
            found = pattern_problem(value)
            problems += [found] if found else []
    low, high = constraints.get("minimum"), constraints.get("maximum")
    if not problems and low is not None and high is not None and low > high:
        problems.append(f"minimum {low!r} is above maximum {high!r}")
    return problems


def constraint_problems(path: Path, parsed: dict[str, Any]) -> list[Problem]:
    """Every malformed constraint in a parsed descriptor, named by resource and field."""
    problems = []
    resources = parsed.get("resources", [])
    for resource in resources if isinstance(resources, list) else []:
        schema = resource.get("schema") if isinstance(resource, dict) else None
        fields = schema.get("fields", []) if isinstance(schema, dict) else []
        for field in fields if isinstance(fields, list) else []:
            if isinstance(field, dict):
                where = f"{resource.get('name')}.{field.get('name')}"
                problems += [Problem(path, None, None, f"{where}: {p}") for p in field_problems(field)]
    return problems
