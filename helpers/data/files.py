"""Bounded, typed reads of data files: a regular file, at most a size limit, JSON of limited depth.

Every data file (the CSV tables, the GeoJSON, the descriptor) is read here. A FIFO, a device
(``/dev/zero``), a folder or a socket is refused without blocking on it; a file over its limit
is refused from its size before anything is read; JSON nested deeper than :data:`MAX_JSON_DEPTH`
or holding ``NaN``/``Infinity`` is refused. Each refusal is a :class:`DataValidationError`.
"""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path
from typing import Any

from helpers.data.errors import fail

MAX_TABLE_BYTES = 50_000_000
MAX_JSON_BYTES = 50_000_000
MAX_JSON_DEPTH = 64
_MB = 1_000_000


def read_bytes(path: Path, limit: int = MAX_TABLE_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else a clear error.

    Opened non-blocking (a FIFO does not wait for a writer) and checked with ``fstat`` before
    reading; the read itself stops at ``limit + 1`` bytes, so a file that grows is refused too.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise fail(path, "file not found") from None
    except IsADirectoryError:
        raise fail(path, "is a folder, not a file") from None
    except OSError as err:
        raise fail(path, f"cannot be read: {err.strerror or err}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise fail(path, "is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise fail(path, "is not a regular file (a pipe, device or socket): copy the data into a plain file")
        if info.st_size > limit:
            raise fail(path, f"is {info.st_size / _MB:,.1f} MB, over the {limit / _MB:,.0f} MB limit for a data file")
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        raise fail(path, f"cannot be read: {err.strerror or err}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise fail(path, f"is over the {limit / _MB:,.0f} MB limit for a data file")
    return b"".join(chunks)


def decode(path: Path, raw: bytes) -> str:
    """``raw`` decoded as UTF-8 (optional BOM), or an error naming the first bad byte and its line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise fail(path, f"not valid UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start})", line=line) from None


def read_text(path: Path, limit: int = MAX_TABLE_BYTES) -> str:
    """The file decoded as UTF-8 (optional BOM), not empty, or a DataValidationError saying why not."""
    text = decode(path, read_bytes(path, limit))
    if not text.strip():
        raise fail(path, "file is empty (no header row)")
    return text


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large for a number")
    if value == 0 and any(c in "123456789" for c in text.lower().split("e")[0]):
        raise ValueError(f"{text} is too small for a number (it would be stored as 0)")
    return value


def json_depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (a scalar is 0), without recursion.

    >>> json_depth({"a": [1, [2]]})
    3
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def read_json(path: Path, what: str = "JSON", limit: int = MAX_JSON_BYTES) -> Any:
    """Parse a JSON file (bounded read, finite numbers, at most :data:`MAX_JSON_DEPTH` levels)."""
    text = decode(path, read_bytes(path, limit))
    try:
        parsed = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as err:
        raise fail(path, f"not valid {what}: {err.msg}", line=err.lineno) from None
    except ValueError as err:
        raise fail(path, f"not valid {what}: {err}") from None
    except RecursionError:
        raise fail(path, f"not valid {what}: nested more than {MAX_JSON_DEPTH} levels deep") from None
    if json_depth(parsed) > MAX_JSON_DEPTH:
        raise fail(path, f"not valid {what}: nested more than {MAX_JSON_DEPTH} levels deep")
    return parsed
