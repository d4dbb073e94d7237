"""Compute once per kernel: a function's result cached on the content of its DataFrame arguments.

The series rule takes about a second and a notebook's setup asks for it several times (directly,
and through shares, snapshots, conflicts). :func:`cached_on_content` keys each call on a hash of
the frames' values, columns and dtypes plus the other arguments, so the same data gives the
cached result and changed data (another ``C5_DATA_DIR``, a test's edited frame) is computed
afresh. Each call returns a copy, so a caller that edits its result cannot change the next one.
"""

from __future__ import annotations

import functools
import hashlib
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

import pandas as pd

MAX_ENTRIES = 32
F = TypeVar("F", bound=Callable[..., pd.DataFrame])


def content_hash(frame: pd.DataFrame) -> str:
    """A hash of a frame's values, index, column names and dtypes (list cells hashed as text).

    >>> a = pd.DataFrame({"x": [1, 2], "flags": [["a"], []]})
    >>> content_hash(a) == content_hash(a.copy()), content_hash(a) == content_hash(a.assign(x=[1, 3]))
    (True, False)
    """
    digest = hashlib.sha256(repr((list(frame.columns), [str(t) for t in frame.dtypes])).encode())
    values = pd.util.hash_pandas_object(frame.astype(str), index=True).to_numpy()
    digest.update(values.tobytes())
    return digest.hexdigest()


def _key(args: tuple, kwargs: dict) -> tuple:
    def part(value: object) -> object:
        return ("frame", content_hash(value)) if isinstance(value, pd.DataFrame) else repr(value)

    return tuple(part(a) for a in args), tuple(sorted((k, part(v)) for k, v in kwargs.items()))


def cached_on_content(func: F) -> F:
    """Decorate ``func`` (DataFrame in, DataFrame out) to compute once per distinct content.

    >>> calls = []
    >>> @cached_on_content
    ... def double(frame):
    ...     calls.append(1)
    ...     return frame * 2
    >>> frame = pd.DataFrame({"x": [1, 2]})
    >>> double(frame).equals(double(frame.copy())), len(calls)
    (True, 1)
    """
    store: OrderedDict[tuple, pd.DataFrame] = OrderedDict()

    @functools.wraps(func)
    def wrapper(*args: object, **kwargs: object) -> pd.DataFrame:
        key = _key(args, kwargs)
        if key not in store:
            store[key] = func(*args, **kwargs)
            while len(store) > MAX_ENTRIES:
                store.popitem(last=False)
        store.move_to_end(key)
        return store[key].copy()

    wrapper.cache_clear = store.clear  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
