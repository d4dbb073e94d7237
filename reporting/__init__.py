"""Email-ready HTML reports and the one-file briefing, built from the executed notebooks.

``python -m reporting --out reports`` executes every ``notebooks/NN_*.ipynb`` in a temporary folder
(the country-profile template once per state), and writes one small self-contained page per
report, ``index.html`` and ``c5-realignment-briefing.html`` (every report in one file). Modules:

- :mod:`reporting.plan`: which notebooks become which reports, and their execution.
- :mod:`reporting.page`: one executed notebook to one page body (figures, title, summary).
- :mod:`reporting.bundle`: the compressed plotly.js and figure data, and the page shell.
- :mod:`reporting.images`: static chart images drawn in headless Chromium.
- :mod:`reporting.briefing`: the index and the one-file briefing.
- :mod:`reporting.output`: the ``--out`` checks and atomic writes with a manifest.
- :mod:`reporting.build`: the whole build, and the command line.

- :mod:`reporting.messages`: the one line a failed build prints.

Names are imported when first used, so ``python -m reporting`` checks ``--out`` before the
build's heavy imports (Jupyter, pandas, frictionless).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "BRIEFING_NAME": "reporting.build",
    "build": "reporting.build",
    "main": "reporting.__main__",
    "OutputError": "reporting.output",
    "ReportBuildError": "reporting.plan",
    "plan": "reporting.plan",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'reporting' has no attribute {name!r}")
