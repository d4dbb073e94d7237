"""Safe text for notebooks and reports: data strings are escaped, never rendered as HTML."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import pandas as pd
from IPython.display import HTML, Markdown


def escape(text: object) -> str:
    """HTML-escape any value so that text from data files shows as text."""
    return html.escape(str(text), quote=True)


def escape_markdown(text: object) -> str:
    """HTML-escape, and escape ``$`` so Jupyter does not read "US$1 ... US$2" as LaTeX."""
    return escape(text).replace("$", r"\$")


def key_findings(findings: Iterable[str], heading: str = "Key findings") -> Markdown:
    """A Markdown box of findings; each finding is escaped (numbers come from code)."""
    items = "\n".join(f"> - {escape_markdown(line)}" for line in findings)
    return Markdown(f"> **{escape_markdown(heading)}**\n>\n{items}\n")


def bullet_list(items: Iterable[str]) -> Markdown:
    """An escaped Markdown bullet list."""
    return Markdown("\n".join(f"- {escape_markdown(item)}" for item in items) + "\n")


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


class UnknownSourceError(KeyError):
    """A source id is cited that the source registry does not hold."""


def sources_table(sources: pd.DataFrame, source_ids: Iterable[str], caption: str = "Sources") -> HTML:
    """The registry rows for the cited ids: publisher, title, date and a link a reader can open."""
    wanted = sorted({s for s in source_ids if isinstance(s, str) and s})
    missing = sorted(set(wanted) - set(sources["source_id"]))
    if missing:
        raise UnknownSourceError(f"source ids not in sources.csv: {', '.join(missing)}")
    rows = sources[sources["source_id"].isin(wanted)].sort_values(["publisher", "title", "source_id"], kind="stable")
    body = "".join(
        f"<tr><td>{escape(r.publisher)}</td><td>{escape(r.title)}</td>"
        f"<td>{escape('' if pd.isna(r.published) else r.published)}</td>"
        f'<td><a href="{escape(r.url)}">{escape(r.url)}</a></td><td>{escape(r.source_id)}</td></tr>'
        for r in rows.itertuples()
    )
    head = "<tr><th>Publisher</th><th>Title</th><th>Published</th><th>Link</th><th>Id</th></tr>"
    return HTML(
        f"<p class='c5-caption'><b>{escape(caption)}</b> ({len(rows)})</p>"
        f"<table class='c5-table c5-sources'><thead>{head}</thead><tbody>{body}</tbody></table>"
    )
