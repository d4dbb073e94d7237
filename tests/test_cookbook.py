"""The analyst's toolkit (helpers.c5) and the cookbook: runnable examples, one clear error for every
bad code, the same numbers as the notebooks' own routes, short recipes, and room for the analyst's
own notebooks (never collected, linted or published)."""

from __future__ import annotations

import csv
import doctest
import inspect
import subprocess
import sys
import uuid
from pathlib import Path

import nbformat
import numpy as np
import pytest

from helpers import c5, load_deal_checks, load_deal_events, load_deals, load_trade
from helpers.codes import UnknownCodeError
from helpers.compute import follow_through
from helpers.compute.records import dataset_shares
from reporting.plan import COOKBOOK, plan

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
PUBLIC = [getattr(c5, name) for name in c5.__all__ if inspect.isfunction(getattr(c5, name))]


@pytest.mark.parametrize("function", PUBLIC, ids=lambda f: f.__name__)
def test_every_public_function_has_a_runnable_example(function) -> None:
    tests = doctest.DocTestFinder().find(function, globs=vars(c5))
    assert tests and tests[0].examples, f"{function.__name__} has no example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.failures == 0


BAD_CODES = [
    (c5.trade, {"state": "KZ"}, "KZ"),
    (c5.trade, {"state": "KAZ", "partners": "CHINA"}, "CHINA"),
    (c5.trade, {"state": "KAZ", "flow": "import"}, "import"),
    (c5.trade, {"state": "KAZ", "records": "mine"}, "mine"),
    (c5.trade, {"state": "KAZ", "years": [2031]}, "2031"),
    (c5.shares, {"state": "Uzbekistan"}, "Uzbekistan"),
    (c5.shares, {"state": "UZB", "partners": ["CHN", "RU"]}, "RU"),
    (c5.shares, {"state": "UZB", "flow": "Imports"}, "Imports"),
    (c5.shares, {"state": "UZB", "records": "agency"}, "agency"),
    (c5.shares, {"state": "UZB", "years": range(1980, 1990)}, "1980"),
    (c5.latest_year, {"state": "RUS"}, "RUS"),
    (c5.latest_year, {"state": "KAZ", "partners": ["RUS", "XXX"]}, "XXX"),
    (c5.latest_year, {"state": "KAZ", "flow": "both"}, "both"),
    (c5.latest_year, {"state": "KAZ", "records": "both"}, "both"),
    (c5.chart, {"state": "KAZ", "measure": "value"}, "value"),
    (c5.chart, {"state": "TJIK"}, "TJIK"),
    (c5.share_map, {"partner": "China"}, "China"),
    (c5.share_map, {"partner": "CHN", "flow": "trade"}, "trade"),
    (c5.share_map, {"partner": "CHN", "year": 2099}, "2099"),
    (c5.deals_by_stage, {"state": "kaz"}, "kaz"),
    (c5.moved_since, {"date": "after the summit"}, "after the summit"),
    (c5.moved_since, {"state": "AFG"}, "AFG"),
    (c5.scenario, {"deal_id": "no-such-deal"}, "no-such-deal"),
    (c5.records_series, {"records": "mirror"}, "mirror"),
]


@pytest.mark.parametrize(("function", "arguments", "bad"), BAD_CODES, ids=lambda v: getattr(v, "__name__", None))
def test_a_bad_code_raises_the_one_error_naming_it_and_the_valid_ones(function, arguments, bad) -> None:
    with pytest.raises(UnknownCodeError) as raised:
        function(**arguments)
    message = str(raised.value)
    assert repr(raised.value.value) in message and bad in message
    assert raised.value.valid and "valid: " in message
    assert isinstance(raised.value, ValueError)


def test_every_public_function_is_fed_a_bad_code() -> None:
    fed = {function.__name__ for function, _, _ in BAD_CODES}
    assert fed == {f.__name__ for f in PUBLIC} - {"tables"}


def test_a_name_given_for_a_code_gets_the_code_suggested() -> None:
    with pytest.raises(UnknownCodeError, match=r"\(China is 'CHN'\)"):
        c5.shares("UZB", "CHINA")


def _csv_share(reporter: str, partner: str, year: int, flow: str, dataset: str) -> float:
    with (ROOT / "data" / "trade.csv").open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["dataset"] == dataset and "superseded" not in r["flags"]]
    pick = {
        r["partner"]: float(r["value_usd_m"])
        for r in rows
        if (r["reporter"], r["year"], r["flow"]) == (reporter, str(year), flow) and r["partner"] in (partner, "WLD")
    }
    return 100 * pick[partner] / pick["WLD"]


def test_own_records_give_one_answer_the_agency_table_as_in_notebook_03() -> None:
    own = c5.shares("UZB", "CHN", flow="imports", records="own", years=range(2019, 2024))
    assert own["year"].tolist() == [2019, 2020, 2021, 2022, 2023]
    assert own["share_pct"].iloc[0] == pytest.approx(_csv_share("UZB", "CHN", 2019, "imports", "national_statistics"))
    agency = dataset_shares(load_trade())  # notebook 03's agency-table route
    agency = agency[agency["reporter"].eq("UZB") & agency["partner"].eq("CHN") & agency["flow"].eq("imports")]
    expected = agency.set_index("year")["share_pct"].reindex(own["year"]).to_numpy()
    np.testing.assert_allclose(own["share_pct"].to_numpy(), expected)


def test_own_records_fall_back_to_the_imf_copy_before_the_agency_table() -> None:
    own = c5.shares("UZB", "CHN", flow="imports", records="own", years=[2005])
    assert own["share_pct"].iloc[0] == pytest.approx(_csv_share("UZB", "CHN", 2005, "imports", "imf_dots"))


def test_deals_moved_since_the_summit_are_notebook_06s() -> None:
    moved = c5.moved_since("2025-11-06")
    status = follow_through.deal_status(load_deals(), load_deal_events(), load_deal_checks(), "2025-11-06")
    assert sorted(moved["deal_id"]) == follow_through.moved_after(status, "2025-11-06")
    binding = set(follow_through.LADDER[follow_through.BINDING_RUNG :])
    assert len(moved) and set(moved["stage_now"]) <= binding and not set(moved["stage_then"]) & binding


def test_the_trade_chart_plots_the_values_marks_events_and_breaks() -> None:
    values = c5.trade("KAZ", "CHN", years=range(2015, 2024))
    fig = c5.chart("KAZ", "CHN", measure="values", years=range(2015, 2024))
    (line,) = fig.data
    points = {x: y for x, y in zip(line.x, line.y, strict=True) if y is not None and float(x).is_integer()}
    assert points == pytest.approx(dict(zip(values["year"], (values["value_usd_m"] / 1000).round(2), strict=True)))
    notes = [a.text for a in fig.layout.annotations]
    assert "invasion, sanctions" in notes and "records change" in notes  # IMF DOTS ends in 2020


# ---------------------------------------------------------------------------
# The cookbook and the analyst's own notebooks


def test_cookbook_recipes_are_short_and_it_is_not_published() -> None:
    nb = nbformat.read(NOTEBOOKS / f"{COOKBOOK}.ipynb", as_version=4)
    recipes = [c for c in nb.cells if c.cell_type == "code"]
    assert 6 <= len(recipes) <= 10
    assert all(len([x for x in c.source.splitlines() if x.strip()]) <= 10 for c in recipes)
    assert all(c.source.startswith("from helpers import c5") for c in recipes)  # each runs on its own
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert COOKBOOK not in {job.notebook.stem for job in plan(NOTEBOOKS)}


@pytest.fixture
def analyst_notebooks():
    """An unfinished analyst notebook in notebooks/ and one in notebooks/scratch/ (removed afterwards)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os, sys\nundefined_name + 1")])
    tag = uuid.uuid4().hex[:8]
    scratch = NOTEBOOKS / "scratch"
    made_scratch = not scratch.exists()
    scratch.mkdir(exist_ok=True)
    paths = [NOTEBOOKS / f"my_question_{tag}.ipynb", scratch / f"draft_{tag}.ipynb"]
    for path in paths:
        nbformat.write(nb, path)
    yield paths
    for path in paths:
        path.unlink()
    if made_scratch and not any(scratch.iterdir()):
        scratch.rmdir()


def test_an_analyst_notebook_is_not_collected_linted_or_published(analyst_notebooks) -> None:
    names = {p.name for p in analyst_notebooks}
    assert not names & {job.notebook.name for job in plan(NOTEBOOKS)}
    collect = [sys.executable, "-m", "pytest", "--collect-only", "-q", "--nbval", "-p", "no:cacheprovider", "notebooks"]
    listed = subprocess.run(collect, cwd=ROOT, capture_output=True, text=True, timeout=300).stdout
    assert f"{COOKBOOK}.ipynb::Cell 0" in listed and "01_deal_tracker.ipynb::Cell 0" in listed
    assert not any(name in listed for name in names)
    ruff = [sys.executable, "-m", "ruff", "check", "notebooks"]
    lint = subprocess.run(ruff, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert lint.returncode == 0, lint.stdout


# ---------------------------------------------------------------------------
# The same error from the lower-level helpers the notebooks call (before: empty results or KeyError)


def test_lower_level_helpers_raise_the_one_error_for_a_bad_code() -> None:
    from helpers import load_boundaries
    from helpers.compute import context, snapshots
    from helpers.compute.series import select_series
    from helpers.compute.shares import partner_shares
    from helpers.figures import maps, trade_charts

    trade = load_trade()
    shares = partner_shares(select_series(trade))
    small = trade_charts.share_small_multiples
    good = {"flow": "total", "reporters": ["KAZ"], "partners": ["CHN"], "title": "t", "source": "s"}
    calls = [
        (lambda: snapshots.share_snapshot(trade, partners=("CHINA",)), "CHINA"),
        (lambda: snapshots.share_snapshot(trade, reporters=("KZ",)), "KZ"),
        (lambda: context.trade_context(trade, ["KZ"]), "KZ"),
        (lambda: context.world_trade(select_series(trade), "Kazakhstan"), "Kazakhstan"),
        (lambda: small(shares, **{**good, "flow": "import"}), "import"),
        (lambda: small(shares, **{**good, "reporters": ["KZ"]}), "KZ"),
        (lambda: small(shares, **{**good, "partners": ["CN"]}), "CN"),
        (lambda: maps.share_map([], "CHINA", load_boundaries(), "s", "t"), "CHINA"),
    ]
    for call, bad in calls:
        with pytest.raises(UnknownCodeError, match=f"unknown .*'{bad}'; valid: "):
            call()


def test_trade_values_are_the_profiles_world_table() -> None:
    from helpers.compute.context import world_trade
    from helpers.compute.series import select_series

    table = world_trade(select_series(load_trade()), "KAZ").set_index("year")  # notebook 04's table
    ours = c5.trade("KAZ", "WLD", years=range(2015, 2024)).set_index("year")["value_usd_m"]
    np.testing.assert_allclose((ours / 1000).round(2), table.loc[ours.index, "total"])
