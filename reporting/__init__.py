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
"""

from reporting.build import BRIEFING_NAME, build, main
from reporting.output import OutputError
from reporting.plan import ReportBuildError, plan

__all__ = ["BRIEFING_NAME", "OutputError", "ReportBuildError", "build", "main", "plan"]
