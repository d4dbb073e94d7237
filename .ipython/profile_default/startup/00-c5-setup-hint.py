"""C5 notebooks (IPython startup file; `make lab` points IPYTHONDIR here, see README).

A cell run before the notebook's setup cell fails with a NameError; this adds what to run. It is
kept free of project imports so a kernel starts as fast as without it.
"""

import sys

from IPython import get_ipython

SETUP_HINT = (
    "\nIf this name comes from an earlier cell, run that first: Run > Run All Cells, or run the setup cell "
    "(the code cell after the parameters) and then this one. Cookbook recipes each run on their own."
)


def _setup_hint(shell, etype, value, tb, tb_offset=None):
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    print(SETUP_HINT, file=sys.stderr)


_shell = get_ipython()
if _shell is not None:
    _shell.set_custom_exc((NameError,), _setup_hint)
