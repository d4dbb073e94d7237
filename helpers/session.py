"""A parameterised notebook's setup, bound to the parameters it was built with.

In a live kernel an analyst can change a parameter (``country = "TJK"``) and re-run a later cell
without re-running the setup cell: the cell would then mix the old state's tables with the new
state's name. :func:`bound` wraps the setup's result; every use of it checks that the notebook's
parameters still hold the values the setup ran with, and stops with :class:`StaleStateError`
(saying which cell to run) when they do not. Outside a kernel there is nothing to check.
"""

from __future__ import annotations

from typing import Any

from helpers.codes import COUNTRY_NAMES

_UNSET = object()


class StaleStateError(RuntimeError):
    """A cell would show results of one parameter value under another (re-run the setup cell)."""


def kernel_value(name: str) -> Any:
    """The current value of ``name`` in the notebook's namespace (a marker object outside a kernel).

    >>> kernel_value("country") is kernel_value("anything")  # no kernel in a doctest
    True
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the notebooks
        return _UNSET
    shell = get_ipython()
    return _UNSET if shell is None else shell.user_ns.get(name, _UNSET)


def _shown(value: object) -> str:
    name = COUNTRY_NAMES.get(value) if isinstance(value, str) else None
    return f"{value!r} ({name})" if name else repr(value)


class Bound:
    """A setup result that checks the notebook's parameters on every attribute read."""

    def __init__(self, target: object, parameters: dict[str, object]) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_parameters", dict(parameters))

    @property
    def parameters(self) -> dict[str, object]:
        """The parameter values the setup ran with."""
        return dict(self._parameters)

    def check(self) -> None:
        """Raise :class:`StaleStateError` if a parameter changed since the setup cell ran."""
        for name, value in self._parameters.items():
            now = kernel_value(name)
            if now is not _UNSET and now != value:
                raise StaleStateError(
                    f"The setup cell ran with {name} = {_shown(value)}, but {name} is now {_shown(now)}: "
                    "this cell would show one run's numbers under the other's heading. Run the setup cell "
                    "again (or Run All) first."
                )

    def __getattr__(self, attribute: str) -> Any:
        self.check()
        return getattr(self._target, attribute)

    def __setattr__(self, attribute: str, value: object) -> None:
        raise AttributeError("a bound setup result is read-only")


def bound(target: object, **parameters: object) -> Bound:
    """Wrap a setup result so that reading it checks ``parameters`` against the notebook's values.

    >>> from types import SimpleNamespace
    >>> ctx = bound(SimpleNamespace(shares=[1, 2]), country="KAZ")
    >>> ctx.shares, ctx.parameters
    ([1, 2], {'country': 'KAZ'})
    """
    return Bound(target, parameters)
