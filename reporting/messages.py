"""The one line a failed build prints: what went wrong and what to do (never a traceback)."""

from __future__ import annotations

MAX_LINE = 600


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LINE else f"{text[: MAX_LINE - 30]}... ({len(text):,} characters)"


def one_line(err: BaseException) -> str:
    """A failure as one line for the reader.

    >>> one_line(FileNotFoundError(2, "No such file or directory", "x.html"))[:45]
    'No such file or directory: x.html. Check that'
    >>> one_line(MemoryError())
    'ran out of memory: close other programs or use smaller data files, then run the build again.'
    """
    problems = getattr(err, "problems", None)
    if isinstance(problems, list) and problems:  # helpers.DataValidationError
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        return _short(f"the data did not validate: {problems[0]}{more}. Fix the file and run the build again.")
    if isinstance(err, OSError):
        where = f": {err.filename}" if err.filename else ""
        reason = err.strerror or str(err) or type(err).__name__
        return _short(f"{reason}{where}. Check that it exists and can be read and written, then run the build again.")
    if isinstance(err, MemoryError):
        return "ran out of memory: close other programs or use smaller data files, then run the build again."
    if isinstance(err, RecursionError):
        return "an input is nested too deeply to read: check the data and notebook files, then run the build again."
    if isinstance(err, KeyboardInterrupt):
        return "interrupted: the previous reports are unchanged."
    known = type(err).__name__ in ("OutputError", "ReportBuildError", "ImageRenderError")
    if known:
        return _short(str(err))
    return _short(f"unexpected {type(err).__name__}: {err}. Please report this with the command you ran.")
