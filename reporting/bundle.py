"""The page shell: inline CSS, and plotly.js plus figure data shipped compressed.

plotly.js and the figure JSON travel gzip-compressed and base64-encoded inside
``<script type="application/octet-stream">`` blocks, which browsers do not run; the loader script
(templates/loader.js) unpacks them with ``DecompressionStream``. No single official plotly.js
bundle smaller than the full one (4.8 MB) holds every trace type the charts use, so each chart is
drawn by the smallest official bundle that has its traces (``basic``: scatter and bar; ``geo``:
the maps; vendored in reporting/vendor) and a page ships only the bundles its charts need.
The page's markup is templates/page.html.j2 (Jinja2, autoescaped), filled by :func:`render`.
"""

from __future__ import annotations

import base64
import gzip
import json
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from helpers.figures.theme import PLOTLY_CONFIG
from reporting.plan import ReportBuildError

TEMPLATES = Path(__file__).with_name("templates")
VENDOR = Path(__file__).with_name("vendor")
PLOTLY_VERSION = "4.1.1"
# Official plotly.js partial bundles (gzip), smallest first, with the trace types each holds.
BUNDLE_FILES = {
    "basic": (f"plotly-basic-{PLOTLY_VERSION}.min.js.gz", {"scatter", "bar", "pie"}),
    "geo": (f"plotly-geo-{PLOTLY_VERSION}.min.js.gz", {"scatter", "scattergeo", "choropleth"}),
}
# Markup is written only in templates/*.j2; every value a template shows is escaped unless it is
# markup made by another template or the notebook exporter (passed as Markup).
ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    trim_blocks=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)


def render(template: str, **context: object) -> str:
    """A template of templates/ filled in (values escaped unless they are :class:`Markup`)."""
    return ENVIRONMENT.get_template(template).render(**context)


def template_text(name: str) -> Markup:
    """A script or style sheet of templates/, to be inlined as it is (it must not close its element)."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    closing = "</style" if name.endswith(".css") else "</script"
    if closing in text.lower():
        raise ReportBuildError(f"templates/{name} must not contain {closing!r}")
    return Markup(text)


def pack(data: bytes) -> str:
    """gzip (level 9, no timestamp, so builds are reproducible) then base64."""
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")


@cache
def packed_bundle(name: str) -> str:
    """A plotly.js bundle, gzip + base64: a vendored partial bundle, or ``full`` (the plotly package's)."""
    if name in BUNDLE_FILES:
        return base64.b64encode((VENDOR / BUNDLE_FILES[name][0]).read_bytes()).decode("ascii")
    from plotly.offline import get_plotlyjs

    return pack(get_plotlyjs().encode("utf-8"))


def bundle_for(figure: dict) -> str:
    """The smallest plotly.js bundle that draws every trace of a figure."""
    types = {trace.get("type", "scatter") for trace in figure.get("data", [])}
    return next((name for name, (_, held) in BUNDLE_FILES.items() if types <= held), "full")


def figure_config(figure: dict) -> dict:
    """A figure's plotly config with the report settings (offline maps, no logo, no maths)."""
    return {**figure.get("config", {}), **PLOTLY_CONFIG}


def figures_payload(figures: dict[str, dict]) -> dict:
    """The figure data of a page, each map outline (GeoJSON) stored once and referenced."""
    shared: list[dict] = []
    index: dict[str, int] = {}
    packed: dict[str, dict] = {}
    for figure_id, figure in figures.items():
        traces = []
        for trace in figure.get("data", []):
            if isinstance(trace.get("geojson"), dict):
                key = json.dumps(trace["geojson"], sort_keys=True)
                if key not in index:
                    index[key] = len(shared)
                    shared.append(trace["geojson"])
                trace = {**trace, "geojson": {"c5Shared": index[key]}}
            traces.append(trace)
        packed[figure_id] = {
            "bundle": bundle_for(figure),
            "data": traces,
            "layout": figure.get("layout", {}),
            "config": figure_config(figure),
        }
    return {"shared": shared, "figures": packed}


def page(title: str, body: str, header: str, footer: str, figures: dict[str, dict]) -> str:
    """A whole HTML page (templates/page.html.j2): escaped title, inline CSS, header, body and footer
    (markup), the table script if the body has a table box, and the chart scripts if it has charts."""
    context: dict[str, object] = {"bundles": [], "figures": "", "loader": ""}
    if figures:
        payload = figures_payload(figures)
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        names = sorted({figure["bundle"] for figure in payload["figures"].values()})
        context |= {
            "bundles": [(name, packed_bundle(name)) for name in names],
            "figures": pack(data),
            "loader": template_text("loader.js"),
        }
    return render(
        "page.html.j2",
        title=title,
        css=template_text("report.css"),
        header=Markup(header),
        body=Markup(body),
        footer=Markup(footer),
        table_script=template_text("tables.js") if "c5-table-wrap" in body else "",
        **context,
    )
