# Two commands from a fresh clone (see README.md):
#   make reports   build the HTML reports into reports/ (creates .venv on first use)
#   make test      lint, then every test: helpers, data, notebooks (strict nbval), reports in a browser
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: reports test lint lab benchmark clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -c 'import pathlib, site; pathlib.Path(site.getsitepackages()[0], "c5_realignment.pth").write_text(str(pathlib.Path.cwd()) + "\n")'
	touch $(STAMP)

reports: $(STAMP)
	$(PY) -m reporting --out reports

lint: $(STAMP)
	$(PY) -m ruff check .

test: lint
	$(PY) -m pytest --nbval

lab: $(STAMP)
	IPYTHONDIR=$(CURDIR)/.ipython $(VENV)/bin/jupyter lab notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

benchmark: $(STAMP)
	$(PY) scripts/benchmark.py

clean:
	rm -rf reports build .pytest_cache
