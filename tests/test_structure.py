"""The layout explains the architecture: one outline for every notebook, one home per code list,
no copy-paste, small modules, no private names across modules, no import cycles, running doctests."""

from __future__ import annotations

import ast
import doctest
import importlib
import re
from pathlib import Path

import nbformat
import pytest

from reporting.plan import COOKBOOK as COOKBOOK_NAME
from reporting.plan import REPORTS

ROOT = Path(__file__).resolve().parent.parent
HELPERS = ROOT / "helpers"
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
# Data loading (helpers/data.py or the helpers/data/ package), rendering and the report builder are
# maintained apart and are outside these rules.
NOT_OURS = {"data.py", "text.py", "reports.py"}


def own_modules() -> list[Path]:
    return sorted(
        p for p in HELPERS.rglob("*.py") if p.name not in NOT_OURS and p.relative_to(HELPERS).parts[0] != "data"
    )


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
# One home per code list

STATE_LIST = re.compile(
    r"""["'](KAZ|KGZ|TJK|TKM|UZB)["']\s*,\s*["'](KAZ|KGZ|TJK|TKM|UZB)["']\s*,\s*["'](KAZ|KGZ|TJK|TKM|UZB)["']"""
)
PARTNER_LIST = re.compile(
    r"""["'](RUS|CHN|USA|EU27|TUR)["']\s*,\s*["'](RUS|CHN|USA|EU27|TUR)["']\s*,\s*["'](RUS|CHN|USA|EU27|TUR)["']"""
)


def code_texts() -> list[tuple[str, str]]:
    texts = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in own_modules()]
    for path in [*NOTEBOOKS, COOKBOOK]:
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        texts.append((path.name, code))
    return texts


def test_state_and_partner_lists_live_only_in_the_codes_module() -> None:
    strays = [
        name
        for name, text in code_texts()
        # The cookbook's recipes name the partners a question is about, as an analyst would.
        if name not in {"helpers/codes.py", COOKBOOK.name} and (STATE_LIST.search(text) or PARTNER_LIST.search(text))
    ]
    assert strays == []


def test_the_stray_list_check_can_fail() -> None:
    assert STATE_LIST.search('STATES = ("KAZ", "KGZ", "TJK", "TKM", "UZB")')
    assert PARTNER_LIST.search("partners = ['RUS', 'CHN', 'USA']")
    assert not STATE_LIST.search('{"KAZ": "Kazakhstan", "KGZ": "Kyrgyzstan"}')


def test_codes_follow_the_descriptor() -> None:
    from helpers.codes import FLOWS, PARTNERS, STATES, field_enum

    assert field_enum("deals", "country") == STATES and len(STATES) == 5
    assert set(PARTNERS) | {"WLD"} == set(field_enum("trade", "partner"))
    assert field_enum("trade", "flow") == FLOWS


# ---------------------------------------------------------------------------
# Copy-paste: no repeated block of six lines inside helpers/ or between notebooks' code cells

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


def test_no_copy_paste_in_helpers_or_between_notebooks() -> None:
    assert repeated_blocks(code_texts()) == []


def test_the_copy_paste_check_can_fail() -> None:
    block = "\n".join(f"x{i} = {i}" for i in range(WINDOW))
    assert repeated_blocks([("a.py", block), ("b.py", block)])


# ---------------------------------------------------------------------------
# Small modules, no private names across modules, no cycles


@pytest.mark.parametrize("path", own_modules(), ids=lambda p: str(p.relative_to(HELPERS)))
def test_module_is_small(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 450


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("helpers"):
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("helpers")]
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_private_name_is_imported_across_modules() -> None:
    private = [(p.name, m, n) for p in own_modules() for m, names in _imports(p) for n in names if n.startswith("_")]
    assert private == []
    for path in own_modules():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b[a-z]+\._[a-z]\w*\(", text), path


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


LAYERS = {"codes": 0, "compute": 1, "figures": 2, "narrative": 3}


def test_layers_only_import_downwards_and_there_is_no_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for path in own_modules():
        name = _module_name(path)
        targets = set()
        for module, names in _imports(path):
            candidates = [f"{module}.{n}" for n in names] + [module]
            targets |= {c for c in candidates if _is_module(c) and c != name}
        graph[name] = targets
        layer = LAYERS.get(name.split(".")[1]) if name.count(".") else None
        for target in targets:
            other = LAYERS.get(target.split(".")[1]) if target.count(".") else None
            if layer is not None and other is not None:
                assert other <= layer, f"{name} imports {target} from a higher layer"

    def visit(node: str, stack: tuple[str, ...]) -> None:
        assert node not in stack, f"import cycle: {' -> '.join((*stack, node))}"
        for nxt in graph.get(node, ()):
            visit(nxt, (*stack, node))

    for node in graph:
        visit(node, ())


# ---------------------------------------------------------------------------
# Doctests of the small pure functions run


@pytest.mark.parametrize("path", own_modules(), ids=lambda p: str(p.relative_to(HELPERS)))
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
