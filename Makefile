# Two commands from a fresh clone (see README.md):
#   make reports   build the HTML reports into reports/ (creates .venv on first use)
#   make test      lint, then every test: helpers, data, notebooks (strict nbval), reports in a browser
#   make check     the fast loop: lint, helpers, data and descriptor tests (no notebook run, no browser)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: reports test check lint lab benchmark clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# uv (pinned in the lock) installs the locked wheels and compiles their bytecode in parallel: about 20 s on
	# a fresh machine, against 60 s for pip, which stays the fallback. --no-deps: the lock is the whole
	# environment (pip check below proves it consistent). Bytecode is compiled up front because a process
	# run with PYTHONDONTWRITEBYTECODE (set on CI machines) would otherwise compile every module it
	# imports, every time: 3 s instead of 1 s to import pandas, plotly and Jupyter, in each kernel and build.
	$(PY) -m pip install --quiet --disable-pip-version-check "$$(grep -o '^uv==[^ ]*' requirements.lock)"
	$(PY) -m uv pip install --quiet --python $(PY) --no-deps --compile-bytecode -r requirements.lock \
		|| $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(PY) -m pip check --disable-pip-version-check
	$(PY) -c 'import pathlib, site; pathlib.Path(site.getsitepackages()[0], "c5_realignment.pth").write_text(str(pathlib.Path.cwd()) + "\n")'
	touch $(STAMP)

# build/picture-cache keeps the chart images: a chart unchanged since the last build is not drawn again.
reports: $(STAMP)
	$(PY) -m reporting --out reports --picture-cache build/picture-cache

# Rebuild data/trade.csv, its rows of data/sources.csv and the coverage table of data/README.md from
# data/raw alone (the pipeline/ package; a second run gives identical files).
.PHONY: data
data: $(STAMP)
	$(PY) scripts/build_trade.py

lint: $(STAMP)
	$(PY) -m ruff check .

# Across every core (pytest-xdist); tests/conftest.py keeps what shares a notebook run, a report
# page or the JupyterLab server on one worker. The slowest 15 tests are listed at the end.
XDIST := -n logical --dist loadgroup

test: lint
	$(PY) -m pytest --nbval $(XDIST)

# Tests marked heavy (tests/conftest.py: notebook execution, report builds, browsers) are left out.
check: lint
	$(PY) -m pytest -m "not heavy" $(XDIST)

lab: $(STAMP)
	IPYTHONDIR=$(CURDIR)/.ipython $(VENV)/bin/jupyter lab notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

benchmark: $(STAMP)
	$(PY) scripts/benchmark.py

clean:
	rm -rf reports build .pytest_cache
