"""Hostile inputs (issue 23): every one ends in the one clear error, at once, in a few lines.

Each case breaks a copy of the valid fixture (or the descriptor) the way the issue found, then
calls the loader. The loader must raise :class:`DataValidationError` naming the file, within
:data:`HANG_LIMIT` seconds (an alarm turns a hang into a failure) and with a message far under
100 KB. The first round's corpus (``test_data_validation.CASES``) runs under the same guard.
Property tests (hypothesis) fuzz the number rule, the CSV neutraliser, the bidi filter and the
overlap-cycle check against simple reference versions.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_data_validation import CASES as FIRST_ROUND

import helpers
from helpers import DataValidationError
from helpers.data import package
from helpers.data.loaders import _cycle_entries
from helpers.data.tables import number_problem
from helpers.text import html_text, markdown_text, plotly_text
from reporting.chart_data import safe_cell

VALID = Path(__file__).parent / "fixtures" / "valid"
HANG_LIMIT = 5
MAX_MESSAGE = 100_000
DEEP = 150_000
FUZZ = settings(max_examples=200, derandomize=True, deadline=None)


@contextmanager
def within(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging) if the block takes longer than ``seconds``."""

    def alarm(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A writable copy of the valid fixture, selected through C5_DATA_DIR; the descriptor reset after."""
    target = tmp_path / "data"
    shutil.copytree(VALID, target)
    monkeypatch.setenv("C5_DATA_DIR", str(target))
    yield target
    package.package.cache_clear()


def edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        text = (folder / name).read_text(encoding="utf-8")
        assert old in text, f"fixture lacks {old!r}"
        (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")

    return apply


def trade_value(value: str) -> Callable[[Path], None]:
    return edit("trade.csv", "KAZ,CHN,2020,exports,100.0", f"KAZ,CHN,2020,exports,{value}")


def link_trade_to(target: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        (folder / "trade.csv").unlink()
        (folder / "trade.csv").symlink_to(target)

    return apply


def fifo_trade(folder: Path) -> None:
    (folder / "trade.csv").unlink()
    os.mkfifo(folder / "trade.csv")


def sparse_trade(folder: Path) -> None:
    with (folder / "trade.csv").open("r+b") as handle:
        handle.truncate(1_000_000_000)  # 1 GB, mostly NUL bytes, no disk used


def nested(text_of_level: str, close: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        (folder / "boundaries" / "central_asia.geojson").write_text(text_of_level * DEEP + close * DEEP)

    return apply


def string_coordinates(folder: Path) -> None:
    file = folder / "boundaries" / "central_asia.geojson"
    collection = json.loads(file.read_text())
    ring = collection["features"][0]["geometry"]["coordinates"][0]
    collection["features"][0]["geometry"]["coordinates"][0] = [[str(x), str(y)] for x, y in ring]
    file.write_text(json.dumps(collection))


@dataclass(frozen=True)
class Hostile:
    name: str
    break_it: Callable[[Path], None]
    loader: str
    file: str
    words: tuple[str, ...]


DATA_CASES = [
    Hostile("sNaN trade value", trade_value("sNaN"), "load_trade", "trade.csv", ("'sNaN' is not a number",)),
    Hostile("NaN trade value", trade_value("NaN"), "load_trade", "trade.csv", ("not a number",)),
    Hostile("infinite trade value", trade_value("1e400"), "load_trade", "trade.csv", ("too large",)),
    Hostile("underflowing trade value", trade_value("1e-400"), "load_trade", "trade.csv", ("would become 0",)),
    Hostile("underscore in a number", trade_value("1_700"), "load_trade", "trade.csv", ("'1_700'",)),
    Hostile("full-width digits", trade_value("\uff11\uff10\uff10"), "load_trade", "trade.csv", ("not a number",)),
    Hostile("Arabic-Indic digits", trade_value("\u0661\u0660\u0660"), "load_trade", "trade.csv", ("not a number",)),
    Hostile("hex number", trade_value("0x10"), "load_trade", "trade.csv", ("not a number",)),
    Hostile(
        "full-width year",
        edit("trade.csv", "KAZ,CHN,2020,exports", "KAZ,CHN,\uff12\uff10\uff12\uff10,exports"),
        "load_trade",
        "trade.csv",
        ("not an integer",),
    ),
    Hostile(
        "published in the year 3000",
        edit("sources.csv", "2025-11-07,2026-11-27", "3000-01-01,2026-11-27"),
        "load_sources",
        "sources.csv",
        ("3000-01-01", "after today"),
    ),
    Hostile(
        "published in 1800",
        edit("sources.csv", ",2022-02,", ",1800,"),
        "load_sources",
        "sources.csv",
        ("'1800' is before 1990",),
    ),
    Hostile(
        "accessed in the future",
        edit("sources.csv", "2025-11-07,2026-11-27", "2025-11-07,2030-12-30"),
        "load_sources",
        "sources.csv",
        ("accessed", "after today"),
    ),
    Hostile(
        "right-to-left override in a title",
        edit("deals.csv", "Airline buys jets", "Airline \u202ebuys jets"),
        "load_deals",
        "deals.csv",
        ("bidirectional",),
    ),
    Hostile(
        "a 30,000-character cell",
        edit("deals.csv", "Airline buys jets", "x" * 30_000),
        "load_deals",
        "deals.csv",
        ("over the limit of 20,000",),
    ),
    Hostile("trade.csv linked to /dev/zero", link_trade_to("/dev/zero"), "load_trade", "trade.csv", ("regular file",)),
    Hostile(
        "trade.csv linked to nowhere", link_trade_to("/nonexistent/x.csv"), "load_trade", "trade.csv", ("not found",)
    ),
    Hostile("trade.csv as a FIFO", fifo_trade, "load_trade", "trade.csv", ("regular file",)),
    Hostile("1 GB sparse trade.csv", sparse_trade, "load_trade", "trade.csv", ("50 MB limit",)),
    Hostile(
        "GeoJSON nested 150,000 levels",
        nested("[", "]"),
        "load_boundaries",
        "central_asia.geojson",
        ("nested more than 64 levels",),
    ),
    Hostile(
        "GeoJSON objects nested 150,000 levels",
        nested('{"a":', "}"),
        "load_boundaries",
        "central_asia.geojson",
        ("nested more than 64 levels",),
    ),
    Hostile(
        "GeoJSON coordinates as strings",
        string_coordinates,
        "load_boundaries",
        "central_asia.geojson",
        ("coordinates that are not numbers",),
    ),
    Hostile(
        "GeoJSON with NaN",
        edit("boundaries/central_asia.geojson", "40,", "NaN,"),
        "load_boundaries",
        "central_asia.geojson",
        ("NaN is not a number JSON allows",),
    ),
]


@pytest.mark.parametrize("case", DATA_CASES, ids=[c.name for c in DATA_CASES])
def test_a_hostile_data_file_gets_the_one_clear_error(case: Hostile, data: Path) -> None:
    case.break_it(data)
    with within(HANG_LIMIT), pytest.raises(DataValidationError) as caught:
        getattr(helpers, case.loader)()
    message = str(caught.value)
    assert caught.value.path.name == case.file, message
    assert len(message) < MAX_MESSAGE
    for word in case.words:
        assert word in message


# --- the descriptor ---------------------------------------------------------------------------


def descriptor_with(change: Callable[[dict], None]) -> str:
    parsed = json.loads(package.DESCRIPTOR_PATH.read_text(encoding="utf-8"))
    change(parsed)
    return json.dumps(parsed)


def field(parsed: dict, resource: str, name: str) -> dict:
    table = next(r for r in parsed["resources"] if r["name"] == resource)
    return next(f for f in table["schema"]["fields"] if f["name"] == name)


def constraint(resource: str, name: str, key: str, value: object) -> Callable[[dict], None]:
    return lambda parsed: field(parsed, resource, name).setdefault("constraints", {}).__setitem__(key, value)


DESCRIPTOR_CASES = {
    "pattern that does not compile": (constraint("deals", "deal_id", "pattern", "("), "does not compile"),
    "backtracking pattern": (constraint("deals", "deal_id", "pattern", "^([a-z0-9-]+)+$"), "repeats a repeat"),
    "alternatives in a repeat": (constraint("deals", "deal_id", "pattern", "^(a|a)*$"), "alternatives"),
    "two unbounded repeats": (constraint("deals", "deal_id", "pattern", "^a*a*b$"), "more than one unbounded"),
    "back-reference": (constraint("deals", "deal_id", "pattern", r"^(a)\1$"), "refers back"),
    "null minimum": (constraint("trade", "value_usd_m", "minimum", None), "minimum must be a number"),
    "text maximum on a number": (constraint("trade", "year", "maximum", "2025"), "maximum must be a number"),
    "minimum above maximum": (constraint("trade", "year", "minimum", 3000), "above maximum"),
    "null enum": (constraint("trade", "flow", "enum", None), "enum must be a non-empty list"),
    "required as text": (constraint("trade", "flow", "required", "yes"), "required must be true or false"),
    "date bound not a date": (constraint("deals", "announced_date", "minimum", "soon"), "YYYY-MM-DD date"),
    "nested 150,000 levels": (None, "nested more than 64 levels"),
}


@pytest.mark.parametrize("name", list(DESCRIPTOR_CASES))
def test_a_hostile_descriptor_gets_the_one_clear_error(
    name: str, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    change, words = DESCRIPTOR_CASES[name]
    fake = tmp_path / "datapackage.json"
    fake.write_text('{"a":' * DEEP + "1" + "}" * DEEP if change is None else descriptor_with(change))
    monkeypatch.setattr(package, "DESCRIPTOR_PATH", fake)
    package.package.cache_clear()
    with within(HANG_LIMIT), pytest.raises(DataValidationError) as caught:
        helpers.load_deals()
    assert caught.value.path == fake
    assert words in str(caught.value) and len(str(caught.value)) < MAX_MESSAGE


def test_the_shipped_descriptor_passes_its_own_checks() -> None:
    from helpers.data.patterns import constraint_problems

    parsed = json.loads(package.DESCRIPTOR_PATH.read_text(encoding="utf-8"))
    assert constraint_problems(package.DESCRIPTOR_PATH, parsed) == []


# --- the first round, under the same guard ------------------------------------------------------


@pytest.mark.parametrize("case", FIRST_ROUND, ids=[c.name for c in FIRST_ROUND])
def test_first_round_inputs_still_fail_at_once_and_briefly(case, data: Path) -> None:
    file = data / case.file
    if case.raw is not None:
        file.write_bytes(case.raw)
    else:
        file.write_text(case.edit(file.read_text(encoding="utf-8")), encoding="utf-8")
    with within(HANG_LIMIT), pytest.raises(DataValidationError) as caught:
        getattr(helpers, case.loader)()
    assert case.file in str(caught.value) and len(str(caught.value)) < MAX_MESSAGE


# --- the report command: one line, no traceback ---------------------------------------------------


@pytest.mark.parametrize(
    ("break_it", "words"),
    [(trade_value("sNaN"), "'sNaN' is not a number"), (sparse_trade, "50 MB limit")],
    ids=["sNaN", "sparse 1 GB"],
)
def test_the_report_command_prints_one_line_for_bad_data(
    break_it: Callable[[Path], None], words: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reporting.__main__ import main

    break_it(data)
    notebooks = Path(__file__).parent / "fixtures" / "notebooks"
    with within(30):  # the data is read before any notebook runs
        code = main(["--out", str(tmp_path / "reports"), "--notebooks", str(notebooks)])
    err = capsys.readouterr().err
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and words in err and "Traceback" not in err, err
    assert len(err) < MAX_MESSAGE


@pytest.mark.parametrize(
    "failure",
    [
        FileNotFoundError(2, "No such file or directory", "/tmp/gone/index.html"),
        PermissionError(13, "Permission denied"),
        RecursionError("maximum recursion depth exceeded"),
        ArithmeticError("[<class 'decimal.InvalidOperation'>]"),
        MemoryError(),
        KeyError("surprise"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_any_failure_of_the_build_is_one_line(
    failure: BaseException, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import reporting.build
    from reporting.__main__ import main

    def fail(*args: object, **kwargs: object) -> None:
        raise failure

    monkeypatch.setattr(reporting.build, "build", fail)
    code = main(["--out", str(tmp_path / "reports")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("Report build failed: ") and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


# --- properties --------------------------------------------------------------------------------

NUMBERISH = st.one_of(
    st.text(alphabet="0123456789.eE+-_ ,\uff10\u0660xXnaifNAIF", max_size=12),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=8),
)


@FUZZ
@given(NUMBERISH)
def test_a_number_cell_is_accepted_only_as_ascii_finite_digits(text: str) -> None:
    problem = number_problem(text, "number")
    if problem is None:
        value = float(text)
        assert text.isascii() and "_" not in text and value == value and abs(value) != float("inf")
        assert value != 0 or not re.search(r"[1-9]", text.lower().split("e")[0])


SEPARATORS = ",;|\t\r\n"


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("=+-@ ab1.;,|\t\r\n'")), max_size=20))
def test_no_part_of_a_csv_cell_starts_a_formula(text: str) -> None:
    cell = safe_cell(text)
    for part in re.split(f"[{re.escape(SEPARATORS)}]", str(cell)):
        stripped = part.lstrip(" ")
        if stripped[:1] in ("=", "+", "-", "@"):
            assert re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", stripped), (text, cell)


BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@FUZZ
@given(st.text(alphabet=st.sampled_from(list(BIDI + "ab <$&"))))
def test_no_bidi_control_reaches_a_page(text: str) -> None:
    for escaped in (html_text(text), markdown_text(text), plotly_text(text)):
        assert not any(c in BIDI for c in escaped)


def cycle_entries_by_walking(links: dict[str, str]) -> dict[str, str]:
    """The former check: walk from every deal until a deal repeats (quadratic, but plainly right)."""
    found = {}
    for start in links:
        seen, current = {start}, links[start]
        while current in links:
            if current in seen:
                found[start] = current
                break
            seen.add(current)
            current = links[current]
    return found


@FUZZ
@given(st.dictionaries(st.sampled_from("abcdefgh"), st.sampled_from("abcdefghij"), max_size=8))
def test_the_linear_cycle_check_agrees_with_walking_every_chain(links: dict[str, str]) -> None:
    assert _cycle_entries(links) == cycle_entries_by_walking(links)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    from helpers.data.files import read_bytes

    os.mkfifo(tmp_path / "pipe")
    assert stat.S_ISFIFO(os.stat(tmp_path / "pipe").st_mode)
    with within(HANG_LIMIT), pytest.raises(DataValidationError, match="not a regular file"):
        read_bytes(tmp_path / "pipe")


def test_the_data_version_never_reads_a_device_or_a_pipe(data: Path) -> None:
    link_trade_to("/dev/zero")(data)
    os.unlink(data / "deals.csv")
    os.mkfifo(data / "deals.csv")
    with within(HANG_LIMIT):
        vintage = helpers.data_vintage(data)
    assert vintage["trade.csv"] == "missing" and vintage["deals.csv"] == "missing"
