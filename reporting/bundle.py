"""The page shell: inline CSS, and plotly.js plus figure data shipped compressed.

plotly.js and the figure JSON travel gzip-compressed and base64-encoded inside
``<script type="application/octet-stream">`` blocks, which browsers do not run; the loader script
(templates/loader.js) unpacks them with ``DecompressionStream``. No single official plotly.js
bundle smaller than the full one (4.8 MB) holds every trace type the charts use, so each chart is
drawn by the smallest official bundle that has its traces (``basic``: scatter and bar; ``geo``:
the maps; vendored in reporting/vendor) and a page ships only the bundles its charts need.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from functools import cache
from pathlib import Path
from urllib.parse import quote

from reporting.plan import ReportBuildError

TEMPLATES = Path(__file__).with_name("templates")
VENDOR = Path(__file__).with_name("vendor")
PLOTLY_VERSION = "4.1.1"
# Official plotly.js partial bundles (gzip), smallest first, with the trace types each holds.
BUNDLE_FILES = {
    "basic": (f"plotly-basic-{PLOTLY_VERSION}.min.js.gz", {"scatter", "bar", "pie"}),
    "geo": (f"plotly-geo-{PLOTLY_VERSION}.min.js.gz", {"scatter", "scattergeo", "choropleth"}),
}
EMPTY_TOPOLOGY = '{"type":"Topology","objects":{},"arcs":[]}'
# plotly.js requests ``topojsonURL + "/" + "<scope>_<resolution>m.json"``; after the ``#`` that
# suffix is a fragment, which a data: URL ignores, so every request resolves to the empty topology.
TOPOJSON_URL = "data:application/json," + quote(EMPTY_TOPOLOGY, safe="") + "#"
# typesetMath off: reports carry no MathJax, so "US$ 5 bn ... US$ 7 bn" must stay text (and not warn).
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "topojsonURL": TOPOJSON_URL, "typesetMath": False}


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


def scripts(figures: dict[str, dict]) -> str:
    """The compressed plotly.js bundles, figure data and the loader, or "" without figures."""
    if not figures:
        return ""
    payload = figures_payload(figures)
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    bundles = sorted({figure["bundle"] for figure in payload["figures"].values()})
    loader = (TEMPLATES / "loader.js").read_text(encoding="utf-8")
    if "</script" in loader.lower():
        raise ReportBuildError("templates/loader.js must not contain '</script'")
    return (
        "".join(
            f'<script type="application/octet-stream" class="c5-plotly" data-bundle="{name}">'
            f"{packed_bundle(name)}</script>\n"
            for name in bundles
        )
        + f'<script type="application/octet-stream" id="c5-figures">{pack(data)}</script>\n'
        + f"<script>\n{loader}</script>\n"
    )


def table_script(body: str) -> str:
    """The table script (templates/tables.js: deal search and sort, keyboard stops on scrolling
    tables) if the body has a table box, else ""."""
    if "c5-table-wrap" not in body:
        return ""
    code = (TEMPLATES / "tables.js").read_text(encoding="utf-8")
    if "</script" in code.lower():
        raise ReportBuildError("templates/tables.js must not contain '</script'")
    return f"<script>\n{code}</script>\n"


def page(title: str, body: str, header: str, footer: str, figures: dict[str, dict]) -> str:
    """A whole HTML page: escaped title, inline CSS, the body, the table and chart scripts if any."""
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{css}</style>\n</head>\n<body>\n"
        f"{header}\n<main>\n{body}\n</main>\n{footer}\n{table_script(body)}{scripts(figures)}</body>\n</html>\n"
    )
