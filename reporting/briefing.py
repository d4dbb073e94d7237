"""The index page and the one-file briefing, and the header, stamp and footer every page shares."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

from reporting.page import Report
from reporting.project import BottomLine

SITE_TITLE = "C5 Realignment: Central Asia's economic ties after the C5+1 summit"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip


@dataclass(frozen=True)
class Stamp:
    """What a page was built from: newest source date, how far trade reaches (year and records), build
    date, data vintage."""

    data_as_of: str
    trade_to: int | str | None
    built: date
    vintage: dict[str, str]

    def line(self) -> str:
        """"Data as of 3 December 2025; trade to 2023 on the states' own records (partners' records to
        2025); built 28 November 2026" (plain text)."""
        parts = [f"Data as of {readable_date(self.data_as_of) or 'unknown'}"]
        if self.trade_to is not None:
            parts.append(f"trade to {self.trade_to}")
        parts.append(f"built {readable_date(self.built.isoformat())}")
        return "; ".join(parts)

    def vintage_line(self) -> str:
        """The dataset version and each file's content hash, as plain text."""
        version = self.vintage.get("package version", "unknown")
        files = "; ".join(f"{name} {digest}" for name, digest in self.vintage.items() if name != "package version")
        return f"Data: C5 Realignment dataset version {version} (content hashes: {files})"


def readable_date(iso: str) -> str:
    """``2025-12-03`` -> ``3 December 2025``; ``2025-12`` -> ``December 2025``; else unchanged."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", iso or "")
    if not match or not (match[2] is None or 1 <= int(match[2]) <= 12):
        return iso
    year, month, day = match[1], match[2], match[3]
    words = [str(int(day))] if day else []
    words += [MONTHS[int(month) - 1]] if month else []
    return " ".join([*words, year])


def header(home: str, home_text: str, stamp: Stamp) -> str:
    """The top bar: a link home and the stamp."""
    return (
        f'<header class="c5-header"><a href="{html.escape(home)}">{html.escape(home_text)}</a>'
        f'<span class="c5-stamp">{html.escape(stamp.line())}</span></header>'
    )


def footer(stamp: Stamp) -> str:
    """The footer: data vintage and how the charts behave."""
    return (
        f'<footer class="c5-footer"><p>{html.escape(stamp.vintage_line())}</p>'
        "<p>Charts are interactive where scripts run: hover for values, drag to zoom, double-click to reset. "
        "Without scripts and on paper each chart shows as a picture.</p></footer>"
    )


def _entries(reports: list[Report], href: callable) -> str:
    return "\n".join(
        f'<li><a href="{html.escape(href(r))}">{html.escape(r.title)}</a>'
        f'<p class="c5-summary">{html.escape(r.summary)}</p></li>'
        for r in reports
    )


def bottom_line_html(bottom: BottomLine | None, reports: list[Report], href: callable) -> str:
    """The bottom line: its sentences, each with a link to the report that holds its evidence (when
    that report is in the set), then the key-indicator table."""
    if bottom is None or not bottom.points:
        return ""
    built = {r.job.name: r for r in reports}
    items = []
    for point in bottom.points:
        links = [
            f'<a href="{html.escape(href(built[name]))}">{html.escape(built[name].title)}</a>'
            for name in point.evidence
            if name in built
        ]
        evidence = f' <span class="c5-evidence">Evidence: {"; ".join(links)}</span>' if links else ""
        items.append(f"<li>{html.escape(point.text)}{evidence}</li>")
    return (
        '<section class="c5-bottom-line" aria-labelledby="bottom-line"><h2 id="bottom-line">The bottom line</h2>\n'
        f'<ul>{"".join(items)}</ul>\n{bottom.table_html}\n'
        f"<p class='c5-note'>{html.escape(bottom.rule)}</p></section>"
    )


def index_body(reports: list[Report], stamp: Stamp, briefing_name: str, bottom: BottomLine | None = None) -> str:
    """The index: the bottom line, one link and main finding per report, the stamp, and the briefing."""
    return (
        f"<h1>{html.escape(SITE_TITLE)}</h1>\n"
        f'<p class="c5-stamp-line">{html.escape(stamp.line())}</p>\n'
        f"{bottom_line_html(bottom, reports, lambda r: f'{r.job.name}.html')}\n"
        "<p>Each report opens in any web browser, offline. To send everything by email, attach the one file "
        f'<a href="{html.escape(briefing_name)}">{html.escape(briefing_name)}</a>: it holds every report.</p>\n'
        f'<ul class="c5-index">\n{_entries(reports, lambda r: f"{r.job.name}.html")}\n</ul>'
    )


def section_id(report: Report) -> str:
    """The briefing anchor of a report's section."""
    return f"s-{report.job.name}"


def _demote_headings(body: str) -> str:
    """h1 -> h2 ... h5 -> h6, so the briefing keeps one h1 and ordered headings."""
    body = re.sub(r"<h([1-5])(?=[\s>])", lambda m: f"<h{int(m[1]) + 1}", body)
    return re.sub(r"</h([1-5])>", lambda m: f"</h{int(m[1]) + 1}>", body)


def _localise(body: str, prefix: str, sections: dict[str, str]) -> str:
    """Prefix ids and in-page links with the section's id; turn links to other reports into anchors."""
    body = re.sub(r'\b(id|data-figure)="([^"]+)"', lambda m: f'{m[1]}="{prefix}-{m[2]}"', body)
    body = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m[1]}"', body)

    def other_report(match: re.Match) -> str:
        target = sections.get(match[1])
        return f'href="#{target}"' if target else match[0]

    return re.sub(r'href="([^"#/:]+\.html)(?:#[^"]*)?"', other_report, body)


def briefing_body(
    reports: list[Report], stamp: Stamp, bodies: dict[str, str], bottom: BottomLine | None = None
) -> tuple[str, dict[str, dict]]:
    """The briefing's body (index, then every report as a section) and its figures, ids prefixed.

    ``bodies`` maps a report name to its body with images filled in.
    """
    sections = {f"{r.job.name}.html": section_id(r) for r in reports} | {"index.html": "contents"}
    parts = [
        f'<h1 id="top">{html.escape(SITE_TITLE)}</h1>',
        f'<p class="c5-stamp-line">{html.escape(stamp.line())}</p>',
        bottom_line_html(bottom, reports, lambda r: "#" + section_id(r)),
        "<p>Every report of the C5 Realignment analysis in one file: findings, charts, tables and sources. "
        "It opens offline in any web browser; where scripts do not run, each chart shows as a picture.</p>",
        '<nav aria-labelledby="contents"><h2 id="contents">Contents and main findings</h2>',
        f'<ol class="c5-index">\n{_entries(reports, lambda r: "#" + section_id(r))}\n</ol></nav>',
    ]
    figures: dict[str, dict] = {}
    for report in reports:
        prefix = section_id(report)
        body = _localise(_demote_headings(bodies[report.job.name]), prefix, sections)
        parts.append(
            f'<section class="c5-section" id="{prefix}" aria-label="{html.escape(report.title)}">\n{body}\n'
            '<p class="c5-back"><a href="#contents">Back to contents</a></p></section>'
        )
        figures |= {f"{prefix}-{figure_id}": figure for figure_id, figure in report.figures.items()}
    return "\n".join(parts), figures
