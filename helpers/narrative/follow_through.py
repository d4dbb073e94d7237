"""Titles and findings of the deal monitoring notebook (06), every number computed from the data."""

from __future__ import annotations

import re

import pandas as pd

from helpers.codes import ANNOUNCEMENTS, country_name, words
from helpers.compute import follow_through as ft
from helpers.compute.rules import SUMMIT
from helpers.figures.follow_through_charts import EVENT_WORDS
from helpers.text import capital, date_words, day, money


def answer(status: pd.DataFrame, summit: str = SUMMIT) -> str:
    """The one-line answer: what moved up a stage since the summit, what was binding when signed, what is silent.

    >>> frame = pd.DataFrame({"deal_id": ["a", "b", "c"], "counted": [True] * 3, "confirmation": ["x"] * 3,
    ...     "movement": [ft.MOVED, ft.BINDING, ft.SILENT], "value_usd_m": [9.0, 8500.0, 3000.0],
    ...     "stage_at_summit": ["announced", "definitive agreement", "announced"], "moved_by": [False] * 3,
    ...     "became_binding_after": [True, False, False], "flag": [""] * 3, "n_after_summit": [1, 0, 0],
    ...     "announced_after_summit": [False] * 3})
    >>> first, binding, silent = answer(frame).split("; ")
    >>> first
    'Since the summit on 6 Nov 2025, 1 deal worth US$9 m moved up a stage (1 to a binding stage)'
    >>> binding, silent
    ('US$8.5 bn in 1 deal was binding when signed', '1 deal worth US$3.0 bn has had no public news')
    """
    h = ft.headline(status)
    return (
        f"Since the summit on {day(summit)}, {deals(h['n_moved'])} worth {money(h['moved_usd_m'])} moved up a "
        f"stage ({h['n_became_binding']} to a binding stage{_known_by(h['n_moved_by'])}); "
        f"{money(h['binding_at_signing_usd_m'])} in "
        f"{deals(h['n_binding_at_signing'])} was binding when signed; {deals(h['n_silent'])} worth "
        f"{money(h['silent_usd_m'])} {'has' if h['n_silent'] == 1 else 'have'} had no public news"
    )


def _known_by(n: int) -> str:
    """The clause saying how many moves are dated only by a later source (empty when none).

    >>> _known_by(0), _known_by(3)
    ('', "; 3 of the moves known only by a later source's date")
    """
    return f"; {n} of the moves known only by a later source's date" if n else ""


def deals(n: int) -> str:
    """A count of deals in words.

    >>> deals(1), deals(3)
    ('1 deal', '3 deals')
    """
    return f"{n} deal" if n == 1 else f"{n} deals"


def status_title(status: pd.DataFrame) -> str:
    """Title of the movement chart: its bars' classes (binding when signed and no step up since, which
    is less than the answer's "binding when signed" when some of those deals moved further)."""
    h = ft.headline(status)
    return (
        f"Since the summit: {money(h['moved_usd_m'])} moved up, {money(h['binding_usd_m'])} binding, no step "
        f"since, {money(h['silent_usd_m'])} no news"
    )


def timeline_title(status: pd.DataFrame) -> str:
    """Title of the event timeline: how many deals show news or a step after the summit."""
    h = ft.headline(status)
    return f"{h['n_after_summit']} of {len(status)} deals show dated news or a step after the summit"


def new_since_line(events: pd.DataFrame, checks: pd.DataFrame, deals_frame: pd.DataFrame) -> str:
    """One sentence: what was recorded since the previous check."""
    latest, previous = ft.check_dates(checks)
    if previous is None:
        return f"The deals were first checked on {day(latest)}; nothing to compare with yet."
    new = ft.new_since_last_check(events, checks, deals_frame)
    added = set(checks["deal_id"]) - set(checks.loc[checks["checked_on"].le(previous), "deal_id"])
    return (
        f"New since the last check ({day(previous)}; this check {day(latest)}): {len(new)} events recorded or "
        f"corrected for {new['deal_id'].nunique()} deals, {len(added)} of them deals not tracked before"
    )


def key_findings(
    status: pd.DataFrame, events: pd.DataFrame, checks: pd.DataFrame, deals_frame: pd.DataFrame,
    claims: pd.DataFrame, effect: pd.DataFrame, summit: str = SUMMIT,
) -> list[str]:  # fmt: skip
    """Findings for notebook 06: the answer first, then what moved, what is overdue, what is silent."""
    h = ft.headline(status)
    latest, _ = ft.check_dates(checks)
    lines = [
        f"{answer(status, summit)}. {new_since_line(events, checks, deals_frame)}.",
        f"Counted once and leaving out unconfirmed figures, {money(h['announced_usd_m'])} was announced in "
        f"{deals(h['n_deals'])}; {money(h['news_usd_m'])} in {deals(h['n_news'])} has news but no step up, and "
        f"{money(h['new_usd_m'])} in {deals(h['n_new'])} was announced after the summit.",
    ]
    moved = ft.counted_confirmed(status)
    moved = moved[moved["movement"].eq(ft.MOVED)].sort_values(["moved_on", "deal_id"])
    if len(moved):
        lines.append(
            "Moved up since the summit: "
            + "; ".join(
                f"{r.title} ({r.stage_at_summit} to {r.stage_now}, {'known by' if r.moved_by else 'on'} "
                f"{day(r.moved_on)})"
                for r in moved.itertuples()
            )
            + "."
        )
    late = status[status["flag"].eq(ft.OVERDUE)]
    if len(late):
        lines.append(
            "Overdue (a date the parties set has passed without the step): "
            + "; ".join(f"{r.title}: {r.target}" for r in late.itertuples())
            + "."
        )
    lines.append(
        f"{h['n_after_summit']} deal rows show dated news or a step after the summit ({h['n_announced_after']} "
        f"of them announced after it). No public news found for {deals(h['n_silent'])} counted "
        f"({money(h['silent_usd_m'])}), searched on {day(latest)}; silence is not called a stall."
    )
    lines.append(
        f"How far the sources reach: the latest development found with a date of its own is from "
        f"{day(ft.sources_reach(events))}; later silence may be missing coverage, not inaction."
    )
    claims_today = ft.claim_status(claims, status)
    firm = claims_today["status_today"].isin(ft.LADDER[ft.BINDING_RUNG :])
    lines.append(
        f"Of the {len(claims_today)} claims about deals in {ANNOUNCEMENTS}, {int(firm.sum())} rest on a deal "
        "at a definitive agreement or "
        "further today; the others on deals at: "
        + ", ".join(sorted(set(claims_today.loc[~firm, "status_today"])) or ["none"])
        + "."
    )
    known = effect.dropna(subset=["change_pp"])
    if len(known):
        top = known.sort_values(["change_pp", "reporter"], ascending=[False, True]).iloc[0]
        lines.append(
            f"Scheduled deliveries of firm purchases would add at most {top['change_pp']:.1f} percentage points "
            f"to the US share of {country_name(top['reporter'])}'s trade (in {int(top['year'])}, over its "
            f"{int(top['baseline_year'])} trade)."
        )
    return lines


def new_since_table(events: pd.DataFrame, checks: pd.DataFrame, deals_frame: pd.DataFrame) -> pd.DataFrame:
    """The events recorded since the previous check, in reader words (state, deal, what, when, value)."""
    new = ft.new_since_last_check(events, checks, deals_frame)
    return pd.DataFrame(
        {
            "state": new["country"].map(country_name),
            "deal": new["title"],
            "what": new["event"].map(EVENT_WORDS),
            "when": [date_words(d, p) for d, p in zip(new["event_date"], new["date_precision"], strict=True)],
            "value_usd_m": new["value_usd_m"],
        }
    )


def overdue_table(status: pd.DataFrame, events: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Overdue deals: the target in words and who stated it (publisher and date)."""
    latest = status["checked_on"].max()
    late = ft.overdue(events, latest).drop_duplicates("deal_id", keep="last")
    info = status.set_index("deal_id")
    publisher = sources.set_index("source_id")["publisher"]
    return pd.DataFrame(
        {
            "state": late["deal_id"].map(info["country"]).map(country_name),
            "deal": late["deal_id"].map(info["title"]),
            "target": [
                f"{words(e)} by {day(d)}" for e, d in zip(late["target_event"], late["target_date"], strict=True)
            ],
            "stated": [
                f"{publisher.get(s, s)}, {day(d)}" for s, d in zip(late["source_id"], late["stated_on"], strict=True)
            ],
            "finding": late["deal_id"].map(info["finding"]),
        }
    )


def data_used(events: pd.DataFrame, checks: pd.DataFrame) -> list[str]:
    """Plain lines describing the monitoring tables (coverage from the data)."""
    later = events[events["event"].ne("announced")]
    latest, previous = ft.check_dates(checks)
    since = "" if previous is None else f" (previous check {day(previous)})"
    return [
        f"Events: {len(events)} dated events of {events['deal_id'].nunique()} deals, "
        f"{events['event_date'].min():%b %Y} to {events['event_date'].max():%b %Y}; {len(later)} of them come after "
        "an announcement. Each event cites a source; a step a source reports without a date is dated 'by' the "
        "source's date.",
        f"Checks: every one of {ft.latest_checks(checks)['deal_id'].nunique()} deals searched for news on "
        f"{day(latest)}{since}; silence is recorded as silence.",
        "Deals: counted once by the rule of the deal tracker; trade: the US share and world total the scheduled "
        "deliveries are added to.",
    ]


# Notes for the analyst inside a finding: what was searched, and what the source store lacks.
SEARCH_NOTE = re.compile(r"\s*\((?:searched:[^()]*|[^()]*\bnot found in the store)\)")


def finding_words(finding: object, titles: pd.Series) -> str:
    """A check's finding for readers: deal ids as the deals' titles, search and storage notes left out.

    >>> titles = pd.Series({"uzb-787": "Uzbekistan Airways: 787s"})
    >>> finding_words("No news (searched: Boeing 2026). Recorded on uzb-787 only.", titles)
    "No news. Recorded on 'Uzbekistan Airways: 787s' only."
    >>> finding_words("a deal (OilPrice page not found in the store); more", titles)
    'a deal; more'
    """
    text = SEARCH_NOTE.sub("", "" if finding is None or pd.isna(finding) else str(finding))
    if titles.empty:
        return text
    ids = sorted(titles.index, key=len, reverse=True)
    deal_id = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    return deal_id.sub(lambda m: f"'{titles[m[1]]}'", text)


def deal_table(status: pd.DataFrame) -> pd.DataFrame:
    """Every deal for readers: stage at the summit and now, what moved, flag, value and what it is, last check."""
    flag = [f"{f}: {t}" if t else f for f, t in zip(status["flag"], status["target"], strict=True)]
    titles = status.set_index("deal_id")["title"]
    return pd.DataFrame(
        {
            "country": status["country"],
            "deal": status["title"],
            "at_summit": status["stage_at_summit"].replace("", "(announced later)"),
            "now": status["stage_now"],
            "movement": status["movement"],
            "moved_on": [
                "" if pd.isna(d) else ("by " if b else "") + day(d)
                for d, b in zip(status["moved_on"], status["moved_by"], strict=True)
            ],
            "flag": flag,
            "value_usd_m": status["value_usd_m"],
            "value_is": status["value_measure"].map(lambda m: "" if m == "none" else words(m)),
            "latest_stated_usd_m": status["latest_stated_usd_m"],
            "checked": status["checked_on"].map(day),
            "finding": [finding_words(f, titles) for f in status["finding"]],
        }
    )


def basis_totals(status: pd.DataFrame) -> pd.DataFrame:
    """Counted, confirmed money by what the number is and what happened since the summit (US$ m), in words."""
    out = ft.status_totals(status, by="value_measure")
    out = out[out["value_measure"].ne("none")]
    return out.assign(value_measure=out["value_measure"].map(lambda m: capital(words(m)))).reset_index(drop=True)
