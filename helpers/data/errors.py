"""The one error every loader raises for bad data, and the problems it lists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_REPORTED_ERRORS = 20
MAX_MESSAGE_CHARS = 300  # a problem quoting a huge cell (a file of NUL bytes) stays one short line


@dataclass(frozen=True)
class Problem:
    """One violation: where it is (file, line, column) and which rule it breaks."""

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
        message = self.message
        if len(message) > MAX_MESSAGE_CHARS:
            message = f"{message[: MAX_MESSAGE_CHARS - 40]}... ({len(message):,} characters in all)"
        return f"{', '.join(where)}: {message}"


class DataValidationError(ValueError):
    """A data file broke its schema. ``problems`` lists the violations found (first ones first)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = problems[0]
        self.path, self.line, self.column = first.path, first.line, first.column
        shown = [str(p) for p in problems[:MAX_REPORTED_ERRORS]]
        if len(problems) > MAX_REPORTED_ERRORS:
            shown.append(f"... and {len(problems) - MAX_REPORTED_ERRORS} more problems")
        super().__init__("\n".join(shown))


def fail(path: Path, message: str, line: int | None = None, column: str | None = None) -> DataValidationError:
    """A :class:`DataValidationError` with a single problem (to ``raise``)."""
    return DataValidationError([Problem(path, line, column, message)])
