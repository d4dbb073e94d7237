"""Unit tests of the report builder (package ``reporting``): no notebook runs, no browser."""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
import re
from datetime import date
from pathlib import Path

import nbformat
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.offline import get_plotlyjs

from helpers.figures.theme import TABLE_META, finish
from reporting.briefing import Report, Stamp, index_body, readable_date
from reporting.bundle import (
    BUNDLE_FILES,
    PLOTLY_VERSION,
    VENDOR,
    bundle_for,
    figures_payload,
    pack,
    page,
)
from reporting.chart_text import BUTTONS_MARGIN, HINT_META, chart_text, without_text
from reporting.images import NARROW_BREAKPOINT, NARROW_WIDTH, figure_size, picture
from reporting.output import MANIFEST, STAGING_PREFIX, OutputError, check_out, publish, read_manifest
from reporting.page import (
    NARROW,
    NOTEBOOK_ONLY,
    check_offline,
    figure_markup,
    fill_images,
    prepare,
    render_report,
    summary_of,
    title_of,
)
from reporting.plan import PROFILE_COUNTRIES, PROFILE_TEMPLATE, Job, ReportBuildError, plan

PAYLOAD = "<img src=x onerror=alert(1)>"
# The plotted table every chart carries (helpers.figures.theme.finish), for figures made by hand here.
A_TABLE = {TABLE_META: 'State,"Share, %"\nKazakhstan,18.8\n'}
STAMP = Stamp("2025-12-05", 2025, date(2026, 1, 2), {"package version": "1", "deals.csv": "abc"})


def test_plan_runs_the_profile_template_once_per_state(tmp_path: Path) -> None:
    for name in ("01_alpha.ipynb", PROFILE_TEMPLATE, "05_omega.ipynb", "scratch.ipynb"):
        (tmp_path / name).write_text("{}")
    jobs = plan(tmp_path)
    stem = PROFILE_TEMPLATE.removesuffix(".ipynb")
    assert [j.name for j in jobs] == ["01_alpha", *(f"{stem}_{c}" for c in sorted(PROFILE_COUNTRIES)), "05_omega"]
    assert [j.parameters for j in jobs if j.parameters] == [{"country": c} for c in ("KAZ", "KGZ", "TJK", "TKM", "UZB")]


def test_pack_is_gzip_base64_and_reproducible() -> None:
    data = b"plotly" * 1000
    assert gzip.decompress(base64.b64decode(pack(data))) == data
    assert pack(data) == pack(data)


def test_vendored_bundles_match_the_plotly_js_of_the_python_package() -> None:
    full_version = re.search(r"plotly\.js v([0-9.]+)", get_plotlyjs())[1]
    assert full_version == PLOTLY_VERSION
    for name, (file, traces) in BUNDLE_FILES.items():
        code = gzip.decompress((VENDOR / file).read_bytes()).decode("utf-8")
        assert f"plotly.js ({name} - minified) v{PLOTLY_VERSION}" in code[:200]
        held = set(re.findall(r'moduleType:"trace",name:"(\w+)"', code))
        assert traces <= held, f"{file} lacks {traces - held}"


@pytest.mark.parametrize(
    ("types", "bundle"),
    [
        (["scatter"], "basic"),
        (["bar", "scatter"], "basic"),
        (["choropleth", "scattergeo"], "geo"),
        (["bar", "choropleth"], "full"),
        (["heatmap"], "full"),
    ],
)
def test_each_chart_gets_the_smallest_bundle_that_draws_it(types: list[str], bundle: str) -> None:
    assert bundle_for({"data": [{"type": t} for t in types]}) == bundle


def test_figure_data_cannot_close_the_script_and_shares_map_outlines() -> None:
    hostile = "<!--<script></script><script>alert(1)</script>"
    geojson = {"type": "FeatureCollection", "features": [{"id": "KAZ"}]}
    figures = {
        "f1": {"data": [{"type": "bar", "x": [hostile], "y": [1]}], "layout": {}},
        "f2": {"data": [{"type": "choropleth", "geojson": geojson}], "layout": {}},
        "f3": {"data": [{"type": "choropleth", "geojson": dict(geojson)}], "layout": {}},
    }
    html_text = page("t", "<p>b</p>", "<header></header>", "<footer></footer>", figures)
    assert html_text.lower().count("</script") == html_text.lower().count("<script")
    blob = re.search(r'id="c5-figures">([^<]*)<', html_text)[1]
    payload = json.loads(gzip.decompress(base64.b64decode(blob)))
    assert payload["figures"]["f1"]["data"][0]["x"] == [hostile]  # the text survives as text
    assert payload["shared"] == [geojson]
    assert payload["figures"]["f3"]["data"][0]["geojson"] == {"c5Shared": 0}
    config = payload["figures"]["f1"]["config"]
    assert (
        config["displaylogo"] is False and config["typesetMath"] is False and config["topojsonURL"].startswith("data:")
    )
    assert figures_payload(figures)["figures"]["f2"]["bundle"] == "geo"


def test_alt_text_is_the_title_and_finding_escaped() -> None:
    escaped = "&lt;img src=x onerror=alert(1)&gt;"  # data text in a plotly title arrives escaped
    figure = {
        "layout": {
            "title": {"text": f"China leads {escaped}", "subtitle": {"text": "Share of trade, %"}},
            "meta": A_TABLE,
        }
    }
    assert chart_text(figure).alt() == f"China leads {PAYLOAD}. Share of trade, %"
    markup = figure_markup(figure, "c5-figure-1")
    assert PAYLOAD not in markup and 'alt="China leads &lt;img src=x onerror=alert(1)&gt;. Share of trade, %"' in markup
    assert figure_markup({"layout": {"meta": A_TABLE}}, "c5-figure-2").count('alt="Chart"') == 1


def _notebook(markdown: str, *outputs: str) -> nbformat.NotebookNode:
    """A small executed notebook: one markdown cell, then one code cell per Markdown output."""
    cells = [nbformat.v4.new_markdown_cell(markdown)]
    for text in outputs:
        cell = nbformat.v4.new_code_cell("shown()")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": text})]
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


def test_title_and_summary_come_from_the_notebook() -> None:
    nb = _notebook(
        "# Is trade *shifting*?\n\nA first paragraph.",
        "> **Key findings**\n>\n> - China&#x27;s share rose to 30 % (US\\$5 bn).\n> - Second.\n",
    )
    assert title_of(nb, Job(Path("03_shift.ipynb"), "03_shift")) == "Is trade shifting?"
    assert summary_of(nb) == "China's share rose to 30 % (US$5 bn)."
    profile = Job(Path("04_country_profile.ipynb"), "04_country_profile_TJK", {"country": "TJK"})
    assert title_of(nb, profile) == "Tajikistan: Is trade shifting?"


def test_summary_falls_back_to_the_first_paragraph() -> None:
    nb = _notebook("# Title\n\n## Overview\n\nWhat the [IMF](https://www.imf.org) data show.\n\nMore.")
    assert summary_of(nb) == "What the IMF data show."


def test_prepare_turns_plotly_outputs_into_figures_and_drops_stderr() -> None:
    cell = nbformat.v4.new_code_cell("fig")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="warning"),
        nbformat.v4.new_output(
            "display_data", data={"application/vnd.plotly.v1+json": {"data": [], "layout": {"meta": A_TABLE}}}
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=[cell])
    figures = prepare(nb)
    assert list(figures) == ["c5-figure-1"]
    assert [o.output_type for o in nb.cells[0].outputs] == ["display_data"]
    assert 'class="c5-chart"' in nb.cells[0].outputs[0].data["text/html"]


def _report(name: str, title: str, summary: str, body: str = "<h1 id='T'>T</h1>") -> Report:
    return Report(Job(Path(f"{name}.ipynb"), name), title, summary, body, {})


def test_index_escapes_titles_and_summaries_and_shows_the_stamp() -> None:
    page = index_body([_report("01_a", "<b>Deals</b>", PAYLOAD)], STAMP, "briefing.html")
    assert PAYLOAD not in page and "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;b&gt;Deals" in page
    assert "Data as of 5 Dec 2025; trade to 2025; built 2 Jan 2026" in page


@pytest.mark.parametrize(
    ("iso", "shown"),
    [("2025-12-03", "3 Dec 2025"), ("2025-12", "Dec 2025"), ("2025", "2025"), ("2025-99", "2025-99")],
)
def test_dates_read_as_words(iso: str, shown: str) -> None:
    assert readable_date(iso) == shown


@pytest.mark.parametrize(
    "snippet",
    [
        '<script src="https://cdn.example.org/require.js"></script>',
        "<link rel='stylesheet' href='//fonts.example.org/a.css'>",
        '<img src="http://example.org/x.png">',
        "<style>body{background:url(https://example.org/bg.png)}</style>",
        '<style>@import "https://fonts.example.org/font.css";</style>',
    ],
)
def test_offline_check_rejects_remote_loads(snippet: str) -> None:
    with pytest.raises(ReportBuildError, match="remote resource"):
        check_offline(f"<html><body>{snippet}</body></html>", "demo")


def test_offline_check_allows_links_to_sources_and_urls_as_text() -> None:
    check_offline('<p>See <a href="https://www.imf.org/en/Data">IMF</a>.</p>', "demo")
    check_offline('<img src="data:image/webp;base64,AA" alt="&lt;a href=\'https://example.org\'&gt;">', "demo")
    check_offline("<p>src=https://example.org/x.png is text</p>", "demo")


# --- output safety ----------------------------------------------------------------------------


def test_publish_replaces_its_own_files_and_deletes_only_those(tmp_path: Path) -> None:
    (tmp_path / "01_my_notes.html").write_text("mine")
    publish(tmp_path, {"01_a.html": b"one", "02_b.html": b"two"})
    assert read_manifest(tmp_path) == {"01_a.html", "02_b.html"}
    publish(tmp_path, {"01_a.html": b"new"})
    assert (tmp_path / "01_a.html").read_bytes() == b"new" and not (tmp_path / "02_b.html").exists()
    assert (tmp_path / "01_my_notes.html").read_text() == "mine"
    assert not list(tmp_path.glob(f"{STAGING_PREFIX}*"))


def test_a_tampered_manifest_cannot_delete_other_files(tmp_path: Path) -> None:
    outside = tmp_path / "outside.html"
    outside.write_text("keep")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".hidden.html").write_text("keep")
    (out / MANIFEST).write_text(json.dumps({"files": ["../outside.html", ".hidden.html", "/etc/passwd"]}))
    publish(out, {"01_a.html": b"x"})
    assert outside.read_text() == "keep" and (out / ".hidden.html").read_text() == "keep"


def test_publish_refuses_names_outside_the_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="unsafe names"):
        publish(tmp_path, {"../escape.html": b"x"})


def test_check_out_creates_a_missing_folder_and_refuses_protected_ones(tmp_path: Path) -> None:
    assert check_out(str(tmp_path / "new" / "reports"), {}) == (tmp_path / "new" / "reports").resolve()
    with pytest.raises(OutputError, match="the data folder"):
        check_out(str(tmp_path / "data" / "sub"), {"the data folder": tmp_path / "data"})
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "01_a.ipynb").write_text("{}")
    with pytest.raises(OutputError, match="holds notebooks"):
        check_out(str(tmp_path / "nb"), {})


# --- the reader's words ---------------------------------------------------------------------


def test_a_profile_title_leads_with_its_state_and_reads_as_a_sentence() -> None:
    nb = _notebook("# Who does this Central Asian state trade with, and what did it agree with US partners?")
    profile = Job(Path(PROFILE_TEMPLATE), "04_country_profile_KAZ", {"country": "KAZ"})
    expected = "Kazakhstan: who does it trade with, and what did it agree with US partners?"
    assert title_of(nb, profile) == expected
    report = render_report(nb, profile)
    assert report.title == expected
    assert re.search(
        r"<h1[^>]*>Kazakhstan: who does it trade with, and what did it agree with US partners\?", report.body
    )
    named = _notebook("# What did Kyrgyzstan agree?")
    assert title_of(named, Job(Path(PROFILE_TEMPLATE), "04_p_KGZ", {"country": "KGZ"})) == "What did Kyrgyzstan agree?"


def test_links_to_notebooks_lead_to_reports_and_this_notebook_is_this_report() -> None:
    markdown = (
        "See the [deal tracker](01_deal_tracker.ipynb), its [totals](01_deal_tracker.ipynb#totals) and the "
        "[profiles](04_country_profile.ipynb). This notebook counts; so does this notebook. "
        "[source](https://example.org/01_deal_tracker.ipynb) and notebooks in general"
    )
    body = render_report(_notebook("# Title?", markdown), Job(Path("05_x.ipynb"), "05_x")).body
    assert 'href="01_deal_tracker.html"' in body and 'href="01_deal_tracker.html#totals"' in body
    assert 'href="index.html"' in body and 'href="https://example.org/01_deal_tracker.ipynb"' in body
    assert "This report counts; so does this report." in body and "notebooks in general" in body
    assert "notebook counts" not in body


def test_notebook_only_cells_never_reach_the_report() -> None:
    note = nbformat.v4.new_markdown_cell("Set `country` in the parameters cell (papermill).")
    note.metadata["tags"] = [NOTEBOOK_ONLY]
    hidden = nbformat.v4.new_code_cell("versions()")
    hidden.metadata["tags"] = [NOTEBOOK_ONLY]
    hidden.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": "deals.csv abc123"})]
    shown = nbformat.v4.new_code_cell("findings()")
    shown.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": "See [it](05_x.ipynb)."})]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Title?"), note, hidden, shown])
    report = render_report(nb, Job(Path("05_x.ipynb"), "05_x"))
    assert "papermill" not in report.body and "abc123" not in report.body and 'href="05_x.html"' in report.body
    assert report.summary == "See it.", "the summary is read after the notebook-only cells are gone"


def test_text_from_data_stays_text_in_titles_summaries_and_figures() -> None:
    nb = _notebook(f"# Is &lt;b&gt; \\<i>x</i> shifting?\n\n{PAYLOAD.replace('<', '&lt;')} trade.")
    assert title_of(nb, Job(Path("03_x.ipynb"), "03_x")) == "Is <b> <i>x shifting?", "escaped markup is text"
    assert summary_of(nb) == f"{PAYLOAD} trade."
    figure = {"layout": {"title": {"text": "A &lt;script&gt;"}, "annotations": [], "meta": A_TABLE}}
    markup = figure_markup(figure, "c5-figure-1")
    assert "<script" not in markup and "A &lt;script&gt;" in markup


# --- chart words as page text, and the CSV of each chart -------------------------------------


def _finished_figure(name: str = "China", hint: str | None = None) -> dict:
    """A figure as helpers.figures.theme.finish leaves it (title, subtitle, source line, plotted table), as JSON.

    500 px high: a 90 px top margin (with a subtitle) and 150 px under the plot; ``name`` is a series in the table.
    """
    states = ["Kazakhstan", "Kyrgyzstan", "Tajikistan"]
    figure = go.Figure(go.Bar(x=[1.5, -2.0, 3.0], y=states, orientation="h", name=name))
    table = pd.DataFrame({"Series": [name] * 3, "State": states, "Trade, US$ bn": [1.5, -2.0, 3.0]})
    finish(
        figure,
        title="China leads &lt;img src=x onerror=alert(1)&gt;",
        subtitle="Share, %",
        source="IMF &amp; <i>UN</i>",
        table=table,
        x_title="US&#36; bn",
        height=500,
        hint=hint,
    )
    figure.add_annotation(text="kept mark", x=1, y="Kazakhstan", showarrow=False)
    return json.loads(pio.to_json(figure))


@pytest.mark.parametrize(("legend_y", "shown"), [(-0.3, True), (-0.3, False), (-0.05, True)])
def test_no_empty_band_stays_under_the_legend_once_the_source_line_goes(legend_y: float, shown: bool) -> None:
    """finish reserves 150 px under the plot for axis, legend and source line; the page shows the
    source line, so the drawn figure keeps room for the axis and the legend's first row only."""
    figure = _finished_figure()
    figure["layout"]["legend"] = {"y": legend_y}
    figure["layout"]["showlegend"] = shown
    bottom = without_text(figure)["layout"]["margin"]["b"]
    legend_top = -legend_y * (500 - 90 - 150)  # px under the plot, where plotly puts the legend's top
    if shown and legend_top > 40:
        assert legend_top + 20 <= bottom <= legend_top + 40, "the legend's row fits, no empty band under it"
    else:
        assert 40 <= bottom <= 70, "tick labels and an axis title fit, nothing more"


def test_chart_words_become_escaped_page_text_and_leave_the_drawn_figure() -> None:
    figure = _finished_figure()
    text = chart_text(figure)
    assert (text.title, text.subtitle, text.notes) == (f"China leads {PAYLOAD}", "Share, %", ("Source: IMF & UN",))
    stripped = without_text(figure)
    assert "title" not in stripped["layout"] and "title" in figure["layout"]  # the notebook's figure is untouched
    assert [a["text"] for a in stripped["layout"]["annotations"]] == ["kept mark"]
    margin, height = stripped["layout"]["margin"], stripped["layout"]["height"]
    assert margin["t"] < 90 and margin["b"] < 150
    assert 500 - height == (90 - margin["t"]) + (150 - margin["b"]), "the plot area keeps its height"
    markup = figure_markup(figure, "c5-figure-3", level=4)
    assert PAYLOAD not in markup and "China leads &lt;img src=x onerror=alert(1)&gt;</h4>" in markup
    assert '<p class="c5-chart-subtitle">Share, %</p>' in markup
    assert re.search(r"<figcaption[^>]*>.*Source: IMF &amp; UN.*Download the data \(CSV\).*</figcaption>", markup)
    assert f'height="{height}"' in markup and markup.count('download="chart-3-china-leads') == 1


def _csv_rows(markup: str) -> list[list[str]]:
    payload = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]*)"', markup)[1]
    return list(csv.reader(io.StringIO(base64.b64decode(payload).decode("utf-8"))))


def test_the_csv_is_the_plotted_table_with_its_units_and_source() -> None:
    hostile = '=HYPERLINK("https://evil.example")'
    rows = _csv_rows(figure_markup(_finished_figure(hostile), "c5-figure-1"))
    blank = rows.index([])
    head = dict(r for r in rows[:blank] if len(r) == 2)
    assert head == {
        "Chart": f"China leads {PAYLOAD}",
        "Measure": "Share, %",
        "Units": "x: US$ bn",
        "Note": "Source: IMF & UN",
    }
    assert rows[blank + 1 :] == [
        ["Series", "State", "Trade, US$ bn"],
        ["'" + hostile, "Kazakhstan", "1.5"],  # a formula is neutralised, a negative number is not
        ["'" + hostile, "Kyrgyzstan", "-2.0"],
        ["'" + hostile, "Tajikistan", "3.0"],
    ]


def test_text_from_data_stays_text_in_the_csv_and_gaps_stay_empty() -> None:
    table = pd.DataFrame({"Deal": [PAYLOAD, "&amp; <b>"], "Value, US$ m": [None, -3]})
    figure = {"data": [], "layout": {"title": {"text": "T"}, "meta": {TABLE_META: table.to_csv(index=False)}}}
    rows = _csv_rows(figure_markup(figure, "c5-figure-1"))
    assert rows[rows.index([]) + 1 :] == [["Deal", "Value, US$ m"], [PAYLOAD, ""], ["&amp; <b>", "-3.0"]]


def test_a_chart_without_its_table_is_an_error_naming_the_notebook_and_the_chart() -> None:
    cells = []
    for layout in ({"title": {"text": "First"}, "meta": A_TABLE}, {"title": {"text": "Second"}}):
        cell = nbformat.v4.new_code_cell("fig")
        cell.outputs = [
            nbformat.v4.new_output("display_data", data={"application/vnd.plotly.v1+json": {"layout": layout}})
        ]
        cells.append(cell)
    with pytest.raises(ReportBuildError, match=r"03_x\.ipynb: chart 2 \('Second'\) carries no table"):
        prepare(nbformat.v4.new_notebook(cells=cells), "03_x.ipynb")
    ragged = {"layout": {"meta": {TABLE_META: "A,B\n1,2\n3\n"}}}
    with pytest.raises(ReportBuildError, match="row 2 of its plotted table"):
        figure_markup(ragged, "c5-figure-1", notebook="03_x.ipynb")


def test_the_drawn_figure_leaves_out_its_table_and_keeps_its_hint() -> None:
    figure = _finished_figure(hint="Double-click the chart.")
    assert figure["layout"]["meta"][TABLE_META].startswith('Series,State,"Trade, US$ bn"\nChina,Kazakhstan,1.5\n')
    drawn = without_text(figure)
    assert drawn["layout"]["meta"] == {HINT_META: "Double-click the chart."}
    assert "meta" not in without_text(_finished_figure())["layout"], "no empty meta is left behind"
    assert TABLE_META in figure["layout"]["meta"], "the notebook's figure is untouched"


def test_a_chart_title_is_a_heading_one_level_below_the_heading_it_follows() -> None:
    figure = {"data": [], "layout": {"title": {"text": "T"}, "meta": A_TABLE}}
    cells = [nbformat.v4.new_markdown_cell("# Report\n\n## Section")]
    for _ in range(2):
        cell = nbformat.v4.new_code_cell("fig")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"application/vnd.plotly.v1+json": figure})]
        cells.append(cell)
    cells.insert(2, nbformat.v4.new_markdown_cell("### Subsection"))
    nb = nbformat.v4.new_notebook(cells=cells)
    drawn = prepare(nb)
    assert [f["layout"] for f in drawn.values()] == [{}, {}], "the figures drawn (chart and image) lose their title"
    shown = [o.data["text/html"] for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert '<h3 class="c5-chart-title"' in shown[0] and '<h4 class="c5-chart-title"' in shown[1]


def _page(body: str, figures: dict | None = None) -> str:
    return page("t", body, "<header></header>", "<footer></footer>", figures or {})


def test_the_table_script_ships_only_with_a_table() -> None:
    assert "<script" not in _page("<p>no table</p>")
    assert "scrollWidth" in _page('<div class="c5-table-wrap"><table class="c5-table"></table></div>')
    script = _page('<div class="c5-table-wrap c5-deals-wrap"><table class="c5-table c5-deals"></table></div>')
    assert "aria-sort" in script and script.lower().count("</script") == script.lower().count("<script") == 1


# --- pictures and templates -------------------------------------------------------------------


def _figure_with_buttons() -> dict:
    """A text-less figure with buttons above the plot and a slider, as without_text leaves it."""
    return {
        "data": [{"type": "scatter", "x": [1, 2], "y": [3, 4]}],
        "layout": {
            "height": 450,
            "margin": {"t": 90, "b": 130},
            "updatemenus": [{"type": "buttons", "y": 1.1, "yanchor": "bottom", "buttons": [{"label": "Partner"}]}],
            "sliders": [{"steps": [{"label": "2020"}]}],
        },
    }


def test_a_picture_has_no_buttons_or_sliders_and_loses_their_margin() -> None:
    figure = _figure_with_buttons()
    drawn = picture(figure)
    assert "updatemenus" not in drawn["layout"] and "sliders" not in drawn["layout"]
    assert drawn["layout"]["margin"]["t"] == 90 - BUTTONS_MARGIN and drawn["layout"]["height"] == 450 - BUTTONS_MARGIN
    assert figure["layout"]["updatemenus"], "the interactive figure keeps its buttons"
    assert figure_size(picture(figure, NARROW_WIDTH)) == (NARROW_WIDTH, 450 - BUTTONS_MARGIN)
    plain_figure = {"layout": {"height": 300, "margin": {"t": 40}}}
    assert picture(plain_figure) == plain_figure, "a figure without controls is drawn as it is"


def test_each_chart_has_a_phone_picture_and_its_slot_keeps_the_interactive_height() -> None:
    figure = _finished_figure()
    figure["layout"]["updatemenus"] = _figure_with_buttons()["layout"]["updatemenus"]
    markup = figure_markup(figure, "c5-figure-4")
    slot_height = figure_size(without_text(figure))[1]
    wide = figure_size(picture(without_text(figure)))
    assert f'<source media="(max-width: {NARROW_BREAKPOINT}px)" srcset="c5-image-c5-figure-4{NARROW}"' in markup
    assert 'src="c5-image-c5-figure-4" alt=' in markup and f'width="{wide[0]}" height="{wide[1]}"' in markup
    assert f'style="height:{slot_height}px"' in markup and slot_height == wide[1] + BUTTONS_MARGIN
    filled = fill_images(markup, {"c5-figure-4": "data:image/webp;base64,AAA", f"c5-figure-4{NARROW}": "data:N"})
    assert 'src="data:image/webp;base64,AAA"' in filled and 'srcset="data:N"' in filled and "c5-image" not in filled
    without_phone = fill_images(markup, {"c5-figure-4": "data:W", f"c5-figure-4{NARROW}": "data:N"}, phone=False)
    assert 'srcset=""' in without_phone and "data:N" not in without_phone


def test_templates_escape_text_from_data_and_write_one_valid_page() -> None:
    body = '<p>body</p><div class="c5-table-wrap"><table class="c5-table"><tr><td>1</td></tr></table></div>'
    text = page(PAYLOAD + " & 'quotes'", body, "<header>h</header>", "<footer>f</footer>", {})
    assert text.startswith("<!DOCTYPE html>\n<html lang=\"en\">") and text.endswith("</body>\n</html>\n")
    assert PAYLOAD not in text and "<title>&lt;img src=x onerror=alert(1)&gt; &amp; &#39;quotes&#39;</title>" in text
    assert "<main>\n" + body + "\n</main>" in text, "markup made by the exporter goes in as it is"
    assert "c5-figures" not in text and "c5-plotly" not in text, "no chart scripts without charts"
    assert text.count("<style>") == 1 and "c5-scroll-hint" in text


def test_alt_text_joins_title_and_subtitle_with_one_stop() -> None:
    why = {"layout": {"title": {"text": "Why?", "subtitle": {"text": "Share, %"}}}}
    assert chart_text(why).alt() == "Why? Share, %"
    assert chart_text({"layout": {"title": {"text": "Rise", "subtitle": {"text": "Share"}}}}).alt() == "Rise. Share"
    assert chart_text({"layout": {"title": {"subtitle": {"text": "Share"}}}}).alt() == "Share"
