"""The layout explains the architecture: one outline for every notebook, one home per code list,
no copy-paste, small modules, no private names across modules, layers and no import cycles, running doctests.

The module rules cover every package: helpers/, pipeline/, reporting/ and scripts/ (the list and the
layers are in scripts/architecture.py, which also writes the map in docs/architecture.md)."""

from __future__ import annotations

import ast
import doctest
import graphlib
import importlib
import os
import re
from pathlib import Path

import nbformat
import pytest

from helpers.codes import COUNTRY_NAMES, STATES
from reporting.plan import CHECKED_NOTEBOOKS, REPORTS, SCRATCH
from reporting.plan import COOKBOOK as COOKBOOK_NAME
from scripts import architecture  # lists the packages and their layers

ROOT = Path(__file__).resolve().parent.parent
# The reports follow the outline; the cookbook is checked too (kernel, figure config, copy-paste,
# short recipes); an analyst's own notebooks are not the project's (see conftest.py).
NOTEBOOKS = [ROOT / "notebooks" / f"{name}.ipynb" for name in REPORTS]
COOKBOOK = ROOT / "notebooks" / f"{COOKBOOK_NAME}.ipynb"
OUTLINE = [
    "## Overview",
    "## Prerequisites and time to read",
    "## Key findings",
    "## Data used",
    "## Caveats",
    "## Sources",
    "## What to read next",
]
GENERATED = ("## Key findings", "## Data used", "## Sources")
KERNEL = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


PACKAGES = architecture.PACKAGES
MAX_LINES = 450


def own_modules() -> list[Path]:
    """Every module of helpers/, pipeline/, reporting/ and scripts/."""
    return architecture.modules(ROOT)


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def headings(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            found += [(i, line.strip()) for line in cell.source.splitlines() if line.startswith("#")]
    return found


def test_every_report_notebook_is_checked() -> None:
    assert len(NOTEBOOKS) >= 5 and all(p.exists() for p in NOTEBOOKS)
    numbered = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert numbered == {*REPORTS, COOKBOOK_NAME}, "a numbered notebook is neither a report nor the cookbook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_outline(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    found = headings(nb)
    title = found[0][1]
    assert title.startswith("# ") and title.endswith("?"), f"title must be a question: {title}"
    seconds = [h for _, h in found if h.startswith("## ")]
    for name in OUTLINE:
        assert name in seconds, f"{path.name} lacks {name}"
    positions = [seconds.index(name) for name in OUTLINE]
    assert positions == sorted(positions), f"{path.name}: outline out of order"
    sections = seconds[seconds.index("## Data used") + 1 : seconds.index("## Caveats")]
    assert sections, f"{path.name} has no section between Data used and Caveats"
    assert seconds[-1] == "## What to read next"
    assert re.search(r"Time to read:\*\* about \d+ minutes", "\n".join(c.source for c in nb.cells))
    for index, heading in found:
        if heading in GENERATED:
            follower = nb.cells[index + 1]
            assert follower.cell_type == "code" and follower.get("outputs"), f"{path.name}: {heading} not generated"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_a_parameters_cell_and_the_installed_kernel(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    assert dict(nb.metadata["kernelspec"]) == KERNEL


@pytest.mark.parametrize("path", [*NOTEBOOKS, COOKBOOK], ids=lambda p: p.name)
def test_every_figure_carries_the_shared_config(path: Path) -> None:
    from helpers.figures.theme import PLOTLY_CONFIG

    nb = nbformat.read(path, as_version=4)
    configs = [
        o["data"]["application/vnd.plotly.v1+json"].get("config")
        for c in nb.cells
        for o in c.get("outputs", [])
        if "application/vnd.plotly.v1+json" in o.get("data", {})
    ]
    assert configs, f"{path.name} shows no figure"
    assert all(c == PLOTLY_CONFIG for c in configs)


# ---------------------------------------------------------------------------
# One home per code list: helpers/codes.py

PARTNER_LIST = re.compile(
    r"""["'](RUS|CHN|USA|EU27|TUR)["']\s*,\s*["'](RUS|CHN|USA|EU27|TUR)["']\s*,\s*["'](RUS|CHN|USA|EU27|TUR)["']"""
)
FIVE_STATES = (frozenset(STATES), frozenset(COUNTRY_NAMES[code] for code in STATES))
# Not searched for state lists: tests hold their own expectations (a test of the descriptor writes the
# five states itself rather than reading them from the code under test); the rest is not code of ours.
NOT_SEARCHED = {"tests", "build", "reports", "node_modules", "__pycache__"}


def code_texts() -> list[tuple[str, str]]:
    """(name, code) of every project module and of every checked notebook's code cells."""
    texts = [(relative(p), p.read_text(encoding="utf-8")) for p in own_modules()]
    for path in [*NOTEBOOKS, COOKBOOK]:
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        texts.append((path.name, code))
    return texts


def notebook_code(path: Path) -> str:
    """A notebook's code cells as one Python text (IPython magics and shell lines commented out)."""
    nb = nbformat.read(path, as_version=4)
    lines = [line for c in nb.cells if c.cell_type == "code" for line in c.source.splitlines()]
    return "\n".join(f"# {line}" if line.lstrip().startswith(("%", "!")) else line for line in lines)


def repository_code(root: Path = ROOT) -> list[tuple[str, str]]:
    """(path, code) of every Python file in the repository and of every checked notebook (the analysts'
    own notebooks and the scratch folder are theirs)."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in NOT_SEARCHED and (not d.startswith(".") or d == ".ipython"))
        here = Path(folder)
        for name in sorted(files):
            path = here / name
            if name.endswith(".py"):
                found.append((relative_to(path, root), path.read_text(encoding="utf-8")))
            elif name.endswith(".ipynb") and path.stem in CHECKED_NOTEBOOKS and SCRATCH not in path.parts:
                found.append((relative_to(path, root), notebook_code(path)))
    return found


def relative_to(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def literal_state_lists(name: str, code: str) -> list[str]:
    """Where ``code`` writes all five states (codes or names) as a literal list, tuple or set."""
    found = []
    for node in ast.walk(ast.parse(code, filename=name)):
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            values = {e.value for e in node.elts if isinstance(e, ast.Constant)}
            if any(five <= values for five in FIVE_STATES):
                found.append(f"{name}:{node.lineno}")
    return found


def test_the_five_states_are_listed_only_in_the_codes_module() -> None:
    code = [(name, text) for name, text in repository_code() if name != "helpers/codes.py"]
    strays = [where for name, text in code for where in literal_state_lists(name, text)]
    assert strays == [], "take the states from helpers.codes (STATES, COUNTRY_NAMES)"


def test_the_state_list_check_searches_the_whole_repository_and_can_fail() -> None:
    names = {name for name, _ in repository_code()}
    for place in ("pipeline/coverage.py", "reporting/plan.py", "scripts/build_trade.py", "conftest.py"):
        assert place in names
    assert {f"notebooks/{n}.ipynb" for n in CHECKED_NOTEBOOKS} <= names
    assert not any(name.startswith(("tests/", ".venv/")) for name in names)
    assert literal_state_lists("a.py", 'FOCUS = frozenset({"UZB", "KAZ", "KGZ",\n    "TJK", "TKM"})') == ["a.py:1"]
    five_names = "['Kazakhstan', 'Kyrgyzstan', 'Tajikistan', 'Turkmenistan', 'Uzbekistan']"
    assert literal_state_lists("b.py", f"x = 1\nfor n in {five_names}: pass") == ["b.py:2"]
    assert literal_state_lists("c.py", 'AGENCIES = ("KAZ", "KGZ", "UZB")') == []  # a subset is a choice, not the list


def test_partner_lists_live_only_in_the_codes_module() -> None:
    strays = [
        name
        for name, text in code_texts()
        # The cookbook's recipes name the partners a question is about, as an analyst would; the trade
        # build reads the partners the agencies' tables give (pipeline/names.py: DIRECT_PARTNERS).
        if name not in {"helpers/codes.py", COOKBOOK.name, "pipeline/names.py"} and PARTNER_LIST.search(text)
    ]
    assert strays == []


def test_the_partner_list_check_can_fail() -> None:
    assert PARTNER_LIST.search("partners = ['RUS', 'CHN', 'USA']")
    assert not PARTNER_LIST.search('{"RUS": "Russia", "CHN": "China"}')


def test_codes_follow_the_descriptor() -> None:
    from helpers.codes import FLOWS, PARTNERS, STATES, field_enum

    assert field_enum("deals", "country") == STATES and len(STATES) == 5
    assert set(PARTNERS) | {"WLD"} == set(field_enum("trade", "partner"))
    assert field_enum("trade", "flow") == FLOWS


# ---------------------------------------------------------------------------
# Copy-paste: no repeated block of six lines between modules or between notebooks' code cells

WINDOW = 6


def _normalised(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith(("import ", "from ")) or line in {")", "]", "}", "),"}:
            continue
        lines.append(re.sub(r"\s+", " ", line))
    return lines


def repeated_blocks(texts: list[tuple[str, str]], window: int = WINDOW) -> list[tuple[str, str, str]]:
    seen: dict[tuple[str, ...], str] = {}
    repeats = []
    for name, text in texts:
        lines = _normalised(text)
        own: set[tuple[str, ...]] = set()
        for i in range(len(lines) - window + 1):
            block = tuple(lines[i : i + window])
            if block in own:
                continue
            own.add(block)
            if block in seen and seen[block] != name:
                repeats.append((seen[block], name, block[0]))
            seen.setdefault(block, name)
    return repeats


def test_no_copy_paste_between_modules_or_notebooks() -> None:
    assert repeated_blocks(code_texts()) == []


def test_the_copy_paste_check_can_fail() -> None:
    block = "\n".join(f"x{i} = {i}" for i in range(WINDOW))
    assert repeated_blocks([("a.py", block), ("b.py", block)])


# ---------------------------------------------------------------------------
# Small modules, no private names across modules, no cycles


@pytest.mark.parametrize("path", own_modules(), ids=relative)
def test_module_is_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{relative(path)} has {lines} lines (at most {MAX_LINES}): split it by job"


def test_every_package_is_covered() -> None:
    covered = {relative(p).split("/")[0] for p in own_modules()}
    assert covered == {"helpers", "pipeline", "reporting", "scripts"}
    assert {"helpers/text.py", "helpers/data/loaders.py", "pipeline/combine.py", "scripts/build_trade.py"} <= {
        relative(p) for p in own_modules()
    }


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, imported names) of every import of a project package in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PACKAGES:
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.split(".")[0] in PACKAGES]
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_path(name: str) -> Path | None:
    """The file of a dotted module name of the project (None when it is not a module, e.g. a function)."""
    path = ROOT.joinpath(*name.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def test_no_private_name_is_imported_across_modules() -> None:
    private = [
        (relative(p), m, n) for p in own_modules() for m, names in _imports(p) for n in names if n.startswith("_")
    ]
    assert private == []
    for path in own_modules():
        calls = re.findall(r"\b([a-z]+)\._[a-z]\w*\(", path.read_text(encoding="utf-8"))
        # os._exit is the standard library's; self._x is a class's own method, not another module's name
        assert set(calls) <= {"os", "self"}, path


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports."""
    graph: dict[str, set[str]] = {}
    for path in own_modules():
        name = _module_name(path)
        targets = set()
        for module, names in _imports(path):
            candidates = [f"{module}.{n}" for n in names] + [module]
            targets |= {c for c in candidates if _module_path(c) is not None and c != name}
        graph[name] = targets
    return graph


def test_every_module_has_a_layer() -> None:
    missing = [relative(p) for p in own_modules() if architecture.layer_of(relative(p)) is None]
    assert missing == [], "give each a layer in scripts/architecture.py (LAYERS)"


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports from a higher layer than the importing module's (scripts/architecture.py: LAYERS)."""
    found = []
    for name, targets in graph.items():
        layer = architecture.layer_of(relative(_module_path(name)))
        for target in targets:
            other = architecture.layer_of(relative(_module_path(target)))
            if layer is not None and other is not None and other > layer:
                names = architecture.LAYERS[layer][0], architecture.LAYERS[other][0]
                found.append(f"{name} ({names[0]}) imports {target} ({names[1]})")
    return sorted(found)


def test_layers_only_import_downwards_and_there_is_no_cycle() -> None:
    graph = import_graph()
    assert upward_imports(graph) == []
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as err:
        raise AssertionError(f"import cycle: {' -> '.join(err.args[1])}") from None


def test_the_layer_check_can_fail() -> None:
    assert upward_imports({"helpers.codes": {"helpers.c5"}}) == [
        "helpers.codes (data, codes and safe text) imports helpers.c5 (analysts' face)"
    ]
    assert upward_imports({"pipeline.schema": {"pipeline.combine"}, "reporting.plan": {"helpers.codes"}}) == [
        "pipeline.schema (pipeline: shape, names and rules) imports pipeline.combine (pipeline: combine)"
    ]
    with pytest.raises(graphlib.CycleError):
        tuple(graphlib.TopologicalSorter({"a": {"b"}, "b": {"a"}}).static_order())


# ---------------------------------------------------------------------------
# Doctests of the small pure functions run


@pytest.mark.parametrize("path", own_modules(), ids=relative)
def test_doctests(path: Path) -> None:
    module = importlib.import_module(_module_name(path))
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_doctests_exist_for_the_small_pure_functions() -> None:
    total = 0
    for path in own_modules():
        module = importlib.import_module(_module_name(path))
        total += doctest.testmod(module).attempted
    assert total >= 10


# ---------------------------------------------------------------------------
# Markup is written only in templates (helpers/templates, reporting/templates): no string in the
# Python of helpers/ or reporting/ writes an HTML element, but plotly's label tags in the chart modules.

HTML_ELEMENTS = frozenset((
    "a", "abbr", "address", "area", "article", "aside", "audio", "b", "base", "bdi", "bdo", "blockquote", "body",
    "br", "button", "canvas", "caption", "cite", "code", "col", "colgroup", "data", "datalist", "dd", "del",
    "details", "dfn", "dialog", "div", "dl", "dt", "em", "embed", "fieldset", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "i", "iframe", "img",
    "input", "ins", "kbd", "label", "legend", "li", "link", "main", "map", "mark", "math", "menu", "meta", "meter",
    "nav", "noscript", "object", "ol", "optgroup", "option", "output", "p", "picture", "pre", "progress", "q", "rp",
    "rt", "ruby", "s", "samp", "script", "search", "section", "select", "slot", "small", "source", "span", "strong",
    "style", "sub", "summary", "sup", "svg", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead",
    "time", "title", "tr", "track", "u", "ul", "var", "video", "wbr"
))  # fmt: skip
# plotly's label format (https://plotly.com/chart-studio-help/adding-HTML-and-links-to-charts/), not page
# markup: bold, line break, italics, sub/superscript, a styled span, and a hovertemplate's <extra> box.
PLOTLY_LABEL_TAGS = frozenset({"b", "br", "i", "sub", "sup", "span", "extra"})
PLOTLY_LABEL_MODULES = ("helpers/figures/", "helpers/c5.py")
COMPUTED = "{}"  # an f-string's replacement field, as the check reads it: a tag named by a value is a tag too
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*|\{\})([^<>]*)")
# Strings that are not markup written for a page, each kept as it reads (an f-string's fields as {}):
ALLOWED_MARKUP = {
    # The escaper itself: "$" and "\" alone in an element, so MathJax cannot pair them (helpers/text.py).
    ("helpers/text.py", "<span>&#36;</span>"),
    ("helpers/text.py", "<span>&#92;</span>"),
    # Diagnostics: what a check searches for, and messages quoting a tag it found; never on a page.
    ("reporting/bundle.py", "</style"),
    ("reporting/bundle.py", "</script"),
    ("reporting/page.py", "<{} {}={}>"),
    ("reporting/page.py", "<{} style={}>"),
    ("reporting/page.py", "<style>{}"),
    # Readers of plotly's text: the pattern of the title markup theme.finish writes, and the plain-text
    # converter showing a tag plotly does not draw as it reads (its output is escaped text).
    ("reporting/chart_text.py", r"^\s*<b>(.*?)</b>\s*<br\s*/?>\s*<span[^<>]*>(.*)</span>\s*$"),
    ("reporting/chart_text.py", "</{}>"),
    # The blank document the headless browser draws the charts' still images in; no reader sees it.
    ("reporting/images.py", "<!DOCTYPE html><html><head></head><body></body></html>"),
}


def string_literals(code: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal but docstrings; an f-string reads with ``{}`` for each field."""
    tree = ast.parse(code)
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skipped |= {id(part) for part in node.values}
        elif isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(p.value if isinstance(p, ast.Constant) else COMPUTED for p in node.values)
            found.append((node.lineno, text))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            found.append((node.lineno, node.value))
    return sorted(found)


def _plotly_label(closing: str, tag: str, rest: str) -> bool:
    """A tag of plotly's label format (a span only with its style)."""
    if tag != "span" or closing:
        return tag in PLOTLY_LABEL_TAGS
    return rest.split("=")[0].strip() == "style"


def markup_written(name: str, code: str) -> list[str]:
    """Where module ``name`` writes an HTML element in a string: ``name:line: <tag``."""
    found = []
    for line, text in string_literals(code):
        if (name, text) in ALLOWED_MARKUP:
            continue
        for closing, tag, rest in TAG.findall(text):
            tag = tag.lower()
            if tag != COMPUTED and tag not in HTML_ELEMENTS | PLOTLY_LABEL_TAGS:
                continue  # "<partner>", "<report name>": a placeholder in words, not an element
            if name.startswith(PLOTLY_LABEL_MODULES) and _plotly_label(closing, tag, rest):
                continue
            found.append(f"{name}:{line}: <{closing}{tag}")
    return found


def test_markup_is_written_only_in_templates() -> None:
    modules = [p for p in own_modules() if relative(p).startswith(("helpers/", "reporting/"))]
    written = [w for p in modules for w in markup_written(relative(p), p.read_text(encoding="utf-8"))]
    assert written == [], "write markup in a template (helpers/templates, reporting/templates), not in Python"


def test_the_markup_check_can_fail() -> None:
    row = 'def row(key, text):\n    """A ``<td>`` (a docstring may name tags)."""\n'
    row += "    return f'<td data-sort=\"{key}\">' + text"
    assert markup_written("helpers/narrative/x.py", row) == ["helpers/narrative/x.py:3: <td"]
    assert markup_written("reporting/x.py", 'TAG = "</" "div>"\nX = f"<{tag} class=a>"') == [
        "reporting/x.py:1: </div",
        "reporting/x.py:2: <{}",
    ]
    hover = 'HOVER = "<b>%{x}</b><br>%{y}<extra></extra>"\nNOTE = f"<span style=\'color:{c}\'>{t}</span>"'
    assert markup_written("helpers/figures/x.py", hover) == []
    assert markup_written("helpers/narrative/x.py", hover) == [
        "helpers/narrative/x.py:1: <b",
        "helpers/narrative/x.py:1: </b",
        "helpers/narrative/x.py:1: <br",
        "helpers/narrative/x.py:1: <extra",
        "helpers/narrative/x.py:1: </extra",
        "helpers/narrative/x.py:2: <span",
        "helpers/narrative/x.py:2: </span",
    ]
    assert markup_written("helpers/figures/x.py", 'X = \'<span class="c5">a</span><a href="u">b</a>\'') == [
        "helpers/figures/x.py:1: <span",
        "helpers/figures/x.py:1: <a",
        "helpers/figures/x.py:1: </a",
    ]
    assert markup_written("helpers/x.py", 'HELP = "folder of <report name>.ipynb; a < b"') == []
    escaper = 'MATH = {"$": "<span>&#36;</span>"}'
    assert markup_written("helpers/text.py", escaper) == []
    assert markup_written("helpers/narrative/x.py", escaper) == [
        "helpers/narrative/x.py:1: <span",
        "helpers/narrative/x.py:1: </span",
    ]
