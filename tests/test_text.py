"""Text from data reaches readers as text: no markup, no maths, no link but a checked http(s) URL.

Each output context has its own escaping function; the rendering tests run generated Markdown
through nbconvert's own Markdown parser (mistune with its maths rules) and then apply the rule
by which MathJax finds TeX in a page (delimiters within one run of text between elements), the
rule that made "US$153.8 bn ... US$144.4 bn" italic TeX in JupyterLab 4.6.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from notebook_runs import plain_text

from helpers import text

PAYLOAD = "<img src=x onerror=alert(1)>"
HOSTILE = [
    "[x](javascript:alert(1))",
    "![img](https://evil.example/p.png)",
    "<https://evil.example>",
    "www.evil.example and mail@evil.example and https://evil.example/x",
    "**bold** _under_ ~~gone~~ `code`",
    "# Heading\n---\n| a | b |\n|---|---|\n| 1 | 2 |",
    "> quote\n\n1. list\n- item",
    '<a href="https://evil.example">x</a><span style="color:red">red</span>',
    "US$153.8 bn; deduplicated US$144.4 bn (95% of it); 4%",
    r"\(x\) \[y\] $$z$$ \begin{align}a\end{align}",
    "[ref]: javascript:alert(1)\n[ref]",
    "<script>alert(1)</script>&amp; &#36; &lt;",
    "    indented code",
    "1) x\n\n     y",
]
MATH_START = re.compile(r"\$|\\\(|\\\[|\\begin\{")


class Runs(HTMLParser):
    """Text runs as MathJax reads a page: a new run at every element except br/wbr; hrefs kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs, self.hrefs, self.tags, self._current = [], [], [], ""

    def _push(self) -> None:
        self.runs.append(self._current)
        self._current = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "src")]
        if tag not in ("br", "wbr"):
            self._push()

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("br", "wbr"):
            self._push()

    def handle_data(self, data: str) -> None:
        self._current += data

    def close(self) -> None:
        super().close()
        self._push()


def page_of(html: str) -> Runs:
    parsed = Runs()
    parsed.feed(html)
    parsed.close()
    return parsed


def tex_in_page(html: str) -> list[str]:
    """Runs in which MathJax (inline $...$, \\(...\\), \\[...\\], $$, environments) would find TeX."""
    found = []
    for run in page_of(html).runs:
        starts = MATH_START.findall(run)
        if run.count("$") >= 2 or any(s != "$" for s in starts):
            found.append(run)
    return found


class MathRecorder(IPythonRenderer):
    """nbconvert's renderer, recording every maths span its parser found."""

    def __init__(self) -> None:
        super().__init__(escape=False)
        self.maths: list[str] = []

    def inline_math(self, body: str) -> str:
        self.maths.append(body)
        return super().inline_math(body)

    def block_math(self, body: str) -> str:
        self.maths.append(body)
        return super().block_math(body)

    def multiline_math(self, text: str) -> str:
        self.maths.append(text)
        return super().multiline_math(text)

    def latex_environment(self, name: str, body: str) -> str:
        self.maths.append(body)
        return super().latex_environment(name, body)


def render(markdown: str) -> tuple[str, list[str]]:
    """HTML and maths spans of ``markdown`` as nbconvert renders it."""
    renderer = MathRecorder()
    html = MarkdownWithMath(renderer=renderer).render(markdown)
    return html, renderer.maths


def visible(html: str) -> str:
    return " ".join("".join(page_of(html).runs).split())


def shown(value: str) -> str:
    """What a reader should see: the string without bidirectional controls (they could reorder what
    is shown), whitespace collapsed (as HTML shows it)."""
    value = re.sub("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", value)
    return " ".join(re.split(r"[ \t\r\n\f\v\u2028\u2029]+", value)).strip(" ")


# ---------------------------------------------------------------------------
# The checks can fail: what JupyterLab typeset before is caught.


def test_checks_catch_the_old_escaping() -> None:
    finding = "Naive sum US$153.8 bn; deduplicated US$144.4 bn"
    for broken in (finding.replace("$", r"\$"), finding.replace("$", "&#36;")):
        html, _ = render(broken)
        assert tex_in_page(html), broken
    _, maths = render(finding)
    assert maths
    assert page_of(render("[x](javascript:alert(1))")[0]).hrefs == ["javascript:alert(1)"]


# ---------------------------------------------------------------------------
# Markdown


@pytest.mark.parametrize("hostile", HOSTILE)
def test_markdown_text_renders_as_the_same_text(hostile: str) -> None:
    html, maths = render(f"> - {text.markdown_text(hostile)}\n")
    page = page_of(html)
    assert maths == []
    assert tex_in_page(html) == []
    assert page.hrefs == []
    assert set(page.tags) <= {"blockquote", "ul", "li", "span", "p"}
    assert visible(html) == " ".join(hostile.split())


@settings(max_examples=300, derandomize=True)
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
            st.sampled_from(list(" \t\n$\\[]()<>*_#|`!:.@-+~=&;'\"%{}^/0aw")),
        ),
        max_size=60,
    )
)
@example("\u202a")  # a bidirectional control is removed, never shown (found by this test)
@example("a \u202e b")
def test_any_text_is_shown_as_itself_in_markdown(value: str) -> None:
    html, maths = render(f"- {text.markdown_text(value)}\n")
    page = page_of(html)
    assert maths == []
    assert tex_in_page(html) == []
    assert page.hrefs == []
    assert set(page.tags) <= {"ul", "li", "span", "p"}
    assert visible(html) == " ".join(shown(value).split())


def test_findings_and_lists_show_text_only() -> None:
    shown = text.key_findings([f"US$1 bn and US$2 bn {PAYLOAD}", "[x](javascript:alert(1))"]).data
    html, maths = render(shown)
    assert maths == [] and tex_in_page(html) == [] and page_of(html).hrefs == []
    assert "US$1 bn and US$2 bn <img src=x onerror=alert(1)>" in visible(html)
    assert "Key findings" in visible(html)
    listed, maths = render(text.bullet_list([PAYLOAD, "50% of US$3 bn"]).data)
    assert "img" not in page_of(listed).tags and maths == []
    assert "50% of US$3 bn" in visible(listed)


def test_plain_text_recovers_the_string() -> None:
    for hostile in HOSTILE:
        assert plain_text(text.markdown_text(hostile)) == " ".join(hostile.split())
        assert plain_text(text.html_text(hostile)) == " ".join(hostile.split())


# ---------------------------------------------------------------------------
# HTML


@pytest.mark.parametrize("hostile", HOSTILE)
def test_html_text_is_text_in_a_page(hostile: str) -> None:
    html = f"<p>{text.html_text(hostile)}</p>"
    page = page_of(html)
    assert page.hrefs == []
    assert set(page.tags) <= {"p", "span"}
    assert tex_in_page(html) == []
    assert visible(html) == " ".join(hostile.split())


def test_html_attribute_cannot_leave_its_quotes() -> None:
    value = "\" onmouseover=alert(1) x='y' `z` <b>&"
    html = f'<p title="{text.html_attribute(value)}">t</p>'
    parser = HTMLParser()
    seen: list[tuple[str, str | None]] = []
    parser.handle_starttag = lambda tag, attrs: seen.extend(attrs)  # type: ignore[method-assign]
    parser.feed(html)
    assert seen == [("title", value)]


def test_table_cells_and_caption_are_text() -> None:
    frame = pd.DataFrame({"a": [PAYLOAD, "US$1 and US$2"], "b": [1234.5, None]})
    html = text.table(frame, {"a": "A <i>", "b": "B"}, caption=PAYLOAD).data
    page = page_of(html)
    assert "img" not in page.tags and "i" not in page.tags
    assert tex_in_page(html) == []
    assert "1,234.5" in visible(html) and "-" in visible(html)
    assert "tex2jax_ignore" in html and "mathjax_ignore" in html


def test_sources_table_links_only_http_urls() -> None:
    sources = pd.DataFrame(
        {
            "source_id": ["a", "b", "c"],
            "publisher": ["P", PAYLOAD, '<a href="https://evil.example">x</a>'],
            "title": ["T", "US$1 vs US$2", "V"],
            "url": ["https://example.org/a?x=1&y=2", "javascript:alert(1)", "data:text/html,hi"],
            "published": ["2025", None, float("nan")],
        }
    )
    html = text.sources_table(sources, ["b", "a", "a", "c"]).data
    page = page_of(html)
    assert html.count("<tr>") == 4
    assert page.hrefs == ["https://example.org/a?x=1&y=2"]
    assert "img" not in page.tags
    assert "javascript:alert(1)" in visible(html)
    assert tex_in_page(html) == []
    with pytest.raises(text.UnknownSourceError, match="zz"):
        text.sources_table(sources, ["zz"])


def test_table_keeps_the_layout_pandas_wrote() -> None:
    # The notebooks carry tables pandas' to_html wrote before the template; cells of several words
    # (no c5-whole span) and names without markup read the same through both.
    frame = pd.DataFrame({"State and year": ["Kazakhstan in 2024", "a b"], "Partner": ["China and Russia", "c d"]})
    wrap = '<div class="c5-table-wrap tex2jax_ignore mathjax_ignore">'
    assert text.table(frame).data == wrap + frame.to_html(index=False, border=0, classes="c5-table") + "</div>"
    empty = frame.head(0)
    assert text.table(empty).data == wrap + empty.to_html(index=False, border=0, classes="c5-table") + "</div>"


def test_templates_refuse_a_missing_value() -> None:
    import jinja2

    with pytest.raises(jinja2.UndefinedError, match="label"):
        text.render("link.html.j2", href=None)


def test_the_templates_ship_with_the_package() -> None:
    import tomllib
    from fnmatch import fnmatch
    from pathlib import Path

    root = Path(text.__file__).parent
    patterns = tomllib.loads((root.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = {p.relative_to(root).as_posix() for p in text.TEMPLATES.iterdir()}
    assert {f"templates/{name}.html.j2" for name in ("table", "sources", "link", "deal_list")} <= shipped
    assert all(any(fnmatch(name, pattern) for pattern in patterns["helpers"]) for name in shipped), shipped


# ---------------------------------------------------------------------------
# URLs and plotly


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a?x=1&y=2", True),
        ("http://example.org", True),
        ("HTTPS://EXAMPLE.ORG/", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("vbscript:x", False),
        ("//evil.example/x", False),
        ("https:\\\\evil.example", False),
        ("https://", False),
        ("https://exa mple.org", False),
        ('https://example.org/"onclick="x', False),
        ("ftp://example.org", False),
        ("", False),
        (None, False),
    ],
)
def test_safe_url_accepts_only_absolute_http(url: str | None, safe: bool) -> None:
    assert (text.safe_url(url) == url) if safe else text.safe_url(url) is None


def test_html_link_falls_back_to_text() -> None:
    assert page_of(text.html_link("javascript:alert(1)", "click")).hrefs == []
    assert page_of(text.html_link("https://example.org/?a=1&b=2")).hrefs == ["https://example.org/?a=1&b=2"]


PLOTLY_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")  # plotly.js svg_text_utils ENTITY_MATCH
PLOTLY_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}


def plotly_shows(value: str) -> str:
    """What plotly.js draws for a string without tags: its entity decoding."""

    def decode(match: re.Match[str]) -> str:
        code = match[1]
        if code.startswith("#x"):
            return chr(int(code[2:], 16))
        if code.startswith("#"):
            return chr(int(code[1:]))
        return PLOTLY_ENTITIES.get(code, match[0])

    return PLOTLY_ENTITY.sub(decode, value)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_plotly_text_has_no_tags_tex_or_template(hostile: str) -> None:
    drawn = text.plotly_text(hostile)
    assert "<" not in drawn and ">" not in drawn
    assert not re.search(r"[$]+[^$]*[$]+", drawn)  # plotly.js FIND_TEX
    assert "%{" not in drawn
    assert plotly_shows(drawn) == shown(hostile)


# ---------------------------------------------------------------------------
# The reader's words: no codes, booleans or ids in what readers see


def test_key_findings_without_its_own_heading_under_a_key_findings_cell() -> None:
    box = text.key_findings(["One.", "Two."], heading=None).data
    assert "Key findings" not in box
    assert [line for line in box.splitlines() if line] == ["> - One&#46;", "> - Two&#46;"]


def test_table_cells_show_yes_and_no_not_true_and_false() -> None:
    shown = visible(text.table(pd.DataFrame({"binding": [True, False], "n": [1, 2]})).data)
    assert "yes" in shown and "no" in shown
    assert "True" not in shown and "False" not in shown


def test_sources_table_has_no_id_column() -> None:
    sources = pd.DataFrame(
        {"source_id": ["kaz-gov-2025"], "publisher": ["P"], "title": ["T"], "url": ["https://e.org"], "published": [""]}
    )
    html = text.sources_table(sources, ["kaz-gov-2025"]).data
    assert "kaz-gov-2025" not in visible(html) and "<th>Id</th>" not in html


def test_reader_tables_turn_codes_into_words() -> None:
    from helpers.narrative.common import reader_table

    frame = pd.DataFrame(
        {
            "reporter": ["TJK"],
            "partner": ["CHN"],
            "stage": ["mou"],
            "confirmation": ["multi_source"],
            "sector": ["ai_semiconductors"],
            "dataset": ["imf_dots"],
            "flags": ["lower_bound, preliminary"],
            "rate": [0.25],
            "finding": ["Recorded as loi_issued on that date."],
            "counted": [True],
        }
    )
    shown = visible(reader_table(frame).data)
    for words in ("Tajikistan", "China", "MoU", "Several sources", "AI and semiconductors", "IMF DOTS",
                  "lower bound, preliminary", "25%", "'LoI issued'", "yes"):  # fmt: skip
        assert words in shown, words
    assert not re.search(r"\b(TJK|CHN|0\.2|True)\b|_", shown), shown
