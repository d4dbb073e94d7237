"""Text from data is escaped wherever it reaches a notebook or report."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import text

PAYLOAD = "<img src=x onerror=alert(1)>"


def test_findings_and_lists_escape_html_and_dollars() -> None:
    shown = text.key_findings([f"US$1 bn and US$2 bn {PAYLOAD}"]).data
    assert "<img" not in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert r"US\$1 bn and US\$2 bn" in shown
    assert "<img" not in text.bullet_list([PAYLOAD]).data


def test_table_escapes_cells_and_caption() -> None:
    html = text.table(pd.DataFrame({"a": [PAYLOAD], "b": [1234.5]}), {"a": "A", "b": "B"}, caption=PAYLOAD).data
    assert "<img" not in html
    assert "1,234.5" in html


def test_sources_table_links_and_rejects_unknown_ids() -> None:
    sources = pd.DataFrame(
        {
            "source_id": ["a", "b"],
            "publisher": ["P", PAYLOAD],
            "title": ["T", "U"],
            "url": ["https://example.org/a?x=1&y=2", "https://example.org/b"],
            "published": ["2025", None],
        }
    )
    html = text.sources_table(sources, ["b", "a", "a"]).data
    assert html.count("<tr>") == 3
    assert 'href="https://example.org/a?x=1&amp;y=2"' in html
    assert "<img" not in html
    with pytest.raises(text.UnknownSourceError, match="zz"):
        text.sources_table(sources, ["zz"])
