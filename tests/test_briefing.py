"""The briefing's shape, from small notebooks built here: no notebook runs, no browser.

The printed briefing (pages, page starts, reading time) is checked in the browser in tests/test_reports.py.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import plotly.graph_objects as go
import pytest

from helpers.figures.theme import finish
from helpers.narrative.bottom_line import Point
from helpers.narrative.glossary import ABBREVIATIONS, glossary, spelled_out
from reporting.briefing import Stamp, briefing_body, footer, reading_minutes
from reporting.page import NARROW, PLOTLY_MIMETYPE, render_report
from reporting.plan import PROFILE_TEMPLATE, Job, ReportBuildError
from reporting.project import Appendix, BottomLine

STAMP = Stamp("2025-12-03", 2023, date(2026, 12, 5), {"package version": "2026.12.0", "deals.csv": "34d44d0a1b2c"})
IMAGE = "data:image/webp;base64,QUJD"
PAYLOAD = "<img src=x onerror=alert(1)>"


def _cell(kind: str, source: str = "", tags: tuple[str, ...] = (), outputs: list | None = None, **meta: object):
    cell = nbformat.v4.new_markdown_cell(source) if kind == "md" else nbformat.v4.new_code_cell(source)
    cell.metadata.update({"tags": list(tags), **meta} if tags else meta)
    if outputs is not None:
        cell.outputs = outputs
    return cell


def _markdown_output(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data={"text/markdown": text, "text/plain": "x"})


def _chart(title: str) -> nbformat.NotebookNode:
    table = pd.DataFrame({"Partner": ["China", "China"], "Year": [2021, 2022], "Trade, US$ bn": [1.0, 2.0]})
    figure = finish(
        go.Figure(go.Scatter(x=[2021, 2022], y=[1.0, 2.0], name="China")), title=title, source="Test", table=table
    )
    return nbformat.v4.new_output("display_data", data={PLOTLY_MIMETYPE: figure.to_plotly_json()})


def _report(name: str, cells: list, parameters: dict | None = None, notebook: str | None = None):
    job = Job(Path(notebook or f"{name}.ipynb"), name, parameters or {})
    nb = nbformat.v4.new_notebook(cells=[_cell("md", f"# Title of {name}?"), *cells])
    report = render_report(nb, job)
    return report, {name: dict.fromkeys([*report.figures, *(f + NARROW for f in report.figures)], IMAGE)}


def _body(*built: tuple, bottom: BottomLine | None = None, appendix: Appendix | None = None) -> tuple[str, dict]:
    reports = [r for r, _ in built]
    images = {k: v for _, i in built for k, v in i.items()}
    return briefing_body(reports, STAMP, images, bottom, appendix)


def test_only_tagged_cells_go_in_with_headings_one_level_down_and_ids_of_their_section() -> None:
    report, images = _report(
        "06_deal_follow_through",
        [
            _cell("md", "## Key findings", ("briefing",)),
            _cell("code", outputs=[_markdown_output("- Six deals moved up.")], tags=("briefing",)),
            _cell("md", "## Left out of the briefing"),
            _cell("code", outputs=[_chart("Not chosen")]),
            _cell("md", "## Which deals moved?", ("briefing",)),
            _cell("code", outputs=[_chart("Chosen chart")], tags=("briefing",)),
        ],
    )
    body, figures = _body((report, images))
    assert len(re.findall(r"<h1[\s>]", body)) == 1
    assert '<h2 id="s-06_deal_follow_through-title">The deals a year on</h2>' in body
    assert '<h3 id="s-06_deal_follow_through-h1">Key findings</h3>' in body
    assert '<h3 id="s-06_deal_follow_through-h2">Which deals moved?</h3>' in body
    assert "Six deals moved up." in body and "Left out" not in body and "Not chosen" not in body
    assert list(figures) == ["s-06_deal_follow_through-c5-figure-2"]  # the report's second chart, its id kept
    assert body.count(f'src="{IMAGE}"') == 1 and 'data-figure="s-06_deal_follow_through-c5-figure-2"' in body
    full = "Full report, in the reports folder sent with this briefing: <cite>Title of 06_deal_follow_through?</cite>"
    assert full in body
    assert ".html" not in body, "the briefing may be emailed alone: no link to another file"


def test_briefing_outputs_choose_among_a_cells_outputs() -> None:
    charts = [_chart("Total trade"), _chart("Exports"), _chart("Imports")]
    cell = _cell("code", outputs=charts, tags=("briefing",), briefing_outputs=[0])
    report, images = _report("03_dependency_shift", [cell])
    body, figures = _body((report, images))
    assert list(figures) == ["s-03_dependency_shift-c5-figure-1"]
    assert "Total trade" in body and "Exports" not in body and "Imports" not in body


def test_sections_follow_the_briefing_order_and_each_state_has_its_own_with_its_key_row() -> None:
    tagged = [_cell("md", "## Key findings", ("briefing",))]
    scenarios = _report("05_deal_scenarios", tagged)
    kaz = _report("04_country_profile_KAZ", tagged, {"country": "KAZ"}, PROFILE_TEMPLATE)
    trade = _report("03_dependency_shift", tagged)
    deals = _report("06_deal_follow_through", tagged)
    untagged = _report("01_deal_tracker", [_cell("md", "## Not in the briefing")])
    bottom = BottomLine([Point("Trade moved.", ("03_dependency_shift",))], "<table></table>", "rule",
                        {"KAZ": '<table class="kaz-row"></table>'})  # fmt: skip
    body, _ = _body(scenarios, kaz, untagged, trade, deals, bottom=bottom)
    order = [body.index(f'id="s-{name}"') for name in ("06_deal_follow_through", "03_dependency_shift",
                                                          "04_country_profile_KAZ", "05_deal_scenarios")]  # fmt: skip
    assert order == sorted(order)
    state = body[body.index('id="s-04_country_profile_KAZ"') - 80 :]
    assert "c5-state-section" in state[:120] and ">Kazakhstan</h2>" in state and 'class="kaz-row"' in state
    assert 'id="s-01_deal_tracker"' not in body and "Also in the reports folder" in body
    assert "<cite>Title of 01_deal_tracker?</cite>" in body and ".html" not in body
    assert body.index('id="bottom-line"') < body.index('id="contents"')
    assert 'href="#s-03_dependency_shift"' in body  # the bottom line's evidence leads to its section


def test_a_link_to_a_report_with_a_section_leads_to_that_section() -> None:
    deals = _report("06_deal_follow_through", [_cell("md", "## K", ("briefing",))])
    text = "See the [follow-through](06_deal_follow_through.ipynb) and [tracker](01_deal_tracker.ipynb)."
    scenarios = _report("05_deal_scenarios", [_cell("md", text, ("briefing",))])
    body, _ = _body(deals, scenarios)
    assert 'href="#s-06_deal_follow_through"' in body
    assert "and tracker." in body and ".html" not in body, "a report without a section is named, not linked"


def test_titles_and_data_words_are_text_never_markup() -> None:
    report, images = _report("05_deal_scenarios", [_cell("md", "## K", ("briefing",))])
    report.title = f"Scenarios {PAYLOAD}"
    appendix = Appendix(
        "<table></table>", f"rule {PAYLOAD}", [(f"Agency {PAYLOAD}", [{"title": PAYLOAD, "publisher": "P",
                                                                          "published": "2025-11-06", "url": None}])],
        "2026.12.0", [("MoU", PAYLOAD)],
    )  # fmt: skip
    body, _ = _body((report, images), appendix=appendix)
    assert PAYLOAD not in body and body.count("&lt;img src=x onerror=alert(1)&gt;") == 5
    assert "6 Nov 2025" in body


def test_the_appendix_spells_out_every_abbreviation_and_states_the_data_version_in_words() -> None:
    report, images = _report("05_deal_scenarios", [_cell("md", "## K", ("briefing",))])
    body, _ = _body((report, images), appendix=Appendix("<table></table>", "rule", [], "2026.12.0", glossary()))
    for abbreviation, meaning in ABBREVIATIONS.items():
        assert f"<dt>{abbreviation}</dt><dd>{meaning}</dd>" in body.replace("&#39;", "'")
    assert "dataset version 2026.12.0, newest source of 3 Dec 2025, built on 5 Dec 2026" in body
    assert "34d44d" not in body + footer(STAMP) and "hash" not in footer(STAMP)


@pytest.mark.parametrize("abbreviation", ["MoU", "LoI", "DFC", "EXIM", "PPP", "JV", "KTZ", "EU27", "UNGA", "pp"])
def test_the_glossary_holds_the_abbreviations_readers_meet(abbreviation: str) -> None:
    assert len(spelled_out(abbreviation).split()) >= 2 or abbreviation == "JV"


def test_an_unknown_abbreviation_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="'XYZ' is not in the glossary; known: C5\\+1, CSV, DFC"):
        spelled_out("XYZ")


def test_reading_time_counts_words_charts_and_tables_before_the_appendix() -> None:
    assert reading_minutes("<p>" + "word " * 265 + "</p>") == 1
    words = "<p>" + "word " * 530 + "</p><b>x</b>"  # 2.0 minutes and a word, and 5 pictures at 0.2
    assert reading_minutes(words + "<figure></figure>" * 3 + "<table></table>" * 2) == 4
    appendix = '<section id="appendix"><p>' + "word " * 2650 + "</p><table></table></section>"
    assert reading_minutes("<p>tiny</p>" + appendix) == 1


def test_a_tagged_output_the_briefing_cannot_show_is_an_error_naming_the_cell() -> None:
    printed = nbformat.v4.new_output("stream", name="stdout", text="12 rows")
    report, images = _report("05_deal_scenarios", [_cell("code", outputs=[printed], tags=("briefing",))])
    with pytest.raises(ReportBuildError, match=r"05_deal_scenarios.ipynb: output 1 of cell 2 is tagged"):
        _body((report, images))
