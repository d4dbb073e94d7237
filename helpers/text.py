"""Safe text for notebooks and reports: data strings are escaped, never rendered as HTML."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import pandas as pd
from IPython.display import HTML, Markdown


def escape(text: object) -> str:
    """HTML-escape any value so that text from data files shows as text."""
    return html.escape(str(text), quote=True)


def key_findings(findings: Iterable[str], heading: str = "Key findings") -> Markdown:
    """A Markdown box of findings; each finding is escaped (numbers come from code)."""
    items = "\n".join(f"> - {escape(line)}" for line in findings)
    return Markdown(f"> **{escape(heading)}**\n>\n{items}\n")


def bullet_list(items: Iterable[str]) -> Markdown:
    """An escaped Markdown bullet list."""
    return Markdown("\n".join(f"- {escape(item)}" for item in items) + "\n")


def table(frame: pd.DataFrame, columns: Mapping[str, str] | None = None, caption: str | None = None) -> HTML:
    """An escaped HTML table with readable column names and thousands separators."""
    shown = frame.rename(columns=dict(columns)) if columns else frame
    if columns:
        shown = shown[list(columns.values())]
    body = shown.to_html(
        index=False,
        escape=True,
        na_rep="-",
        border=0,
        classes="c5-table",
        float_format=lambda v: f"{v:,.1f}",
    )
    if caption:
        body = f"<p class='c5-caption'><b>{escape(caption)}</b></p>" + body
    return HTML(body)
