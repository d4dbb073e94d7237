"""The analyst's toolkit: a new question in a few lines, in plain codes, with one answer each.

``from helpers import c5``, then ask by state, partner, flow, years and **records**:

- ``"chosen"`` (default): the documented series rule, what the notebooks chart
  (:mod:`helpers.compute.series`).
- ``"own"``: the state's own records. Its statistics agency's table where it covers the year,
  else the IMF's copy of the state's reports (IMF DOTS, reporter side). This is the ONE own-records
  route. The two differ where both exist: China's share of Uzbekistan's 2019 imports is 21.0 % in
  the agency's table (goods and services, its trade turnover) and 23.1 % in IMF DOTS (goods only),
  which ``select_series(side="reporter")`` takes up to 2020 for continuity with earlier years; here
  the originator's own table wins, as in the agency charts of notebook 03.
- ``"partner"``: what each partner records of its trade with the state (mirror statistics).
- ``"both"``: own and partner records side by side (a ``records`` column tells them apart).

A share divides a value by the world total from the same records only; a missing value stays
missing. A bad code raises :class:`helpers.codes.UnknownCodeError`, naming it and the valid ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import pandas as pd
import plotly.graph_objects as go

from helpers.codes import (
    FLOW_WORDS,
    FLOWS,
    PARTNERS,
    STATES,
    WORLD,
    UnknownCodeError,
    check_code,
    check_state,
    country_name,
    partner_name,
)
from helpers.compute import deals as deal_rules
from helpers.compute import follow_through
from helpers.compute import scenarios as scenario_rules
from helpers.compute.records import dataset_series
from helpers.compute.rules import SUMMIT
from helpers.compute.series import KEY, mark_breaks, select_series
from helpers.compute.shares import partner_shares
from helpers.compute.snapshots import latest_comparable, share_snapshot, share_source_ids
from helpers.data import (
    data_dir,
    load_boundaries,
    load_deal_checks,
    load_deal_events,
    load_deals,
    load_sources,
    load_trade,
)
from helpers.figures import maps
from helpers.figures.grid import LineStyle, finish_grid, grid_table, line_grid
from helpers.figures.theme import MUTED_COLOUR, source_line
from helpers.figures.trade_charts import partner_styles
from helpers.text import plotly_text

RECORDS = ("chosen", "own", "partner", "both")
RECORDS_WORDS = {"chosen": "the series rule", "own": "the state's own records", "partner": "the partners' records"}
MEASURES = ("shares", "values")
COLUMNS = ["state", "partner", "year", "flow", "records", "value_usd_m", "source", "estimate", "break_before"]


# ---------------------------------------------------------------------------
# Data, loaded once per kernel (reloaded when a file in the data folder changes)


@cache
def _tables(stamp: tuple) -> dict[str, pd.DataFrame]:
    return {"trade": load_trade(), "deals": load_deals(), "sources": load_sources()}


def tables() -> dict[str, pd.DataFrame]:
    """The trade, deal and source tables of the data folder, loaded once per kernel.

    >>> sorted(tables())
    ['deals', 'sources', 'trade']
    """
    folder = data_dir()
    stamp = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*") if p.is_file()))
    return _tables((str(folder), stamp))


# ---------------------------------------------------------------------------
# Checking what the analyst asked for


def _listed(value: str | Iterable[str] | None, default: Sequence[str]) -> list[str]:
    if value is None:
        return list(default)
    return [value] if isinstance(value, str) else list(value)


def _years(years: int | Iterable[int] | None, frame: pd.DataFrame) -> list[int] | None:
    if years is None:
        return None
    wanted = [years] if isinstance(years, int) else list(years)
    first, last = int(frame["year"].min()), int(frame["year"].max())
    for year in wanted:
        if isinstance(year, bool) or not isinstance(year, int) or not first <= year <= last:
            raise UnknownCodeError("year", year, [f"{first}-{last}"])
    return wanted


def _check(states: Sequence[str], partners: Sequence[str], flow: str, records: str, valid_records=RECORDS) -> None:
    for state in states:
        check_state(state)
    for partner in partners:
        check_code("partner", partner, (*PARTNERS, WORLD))
    check_code("flow", flow, FLOWS)
    check_code("records choice", records, valid_records)


# ---------------------------------------------------------------------------
# Series by records


def records_series(records: str = "chosen", trade: pd.DataFrame | None = None) -> pd.DataFrame:
    """One value per state, partner, year and flow from the chosen records (see the module docstring).

    >>> own = records_series("own")
    >>> sorted(set(own["side"]))
    ['reporter']
    """
    check_code("records choice", records, RECORDS[:3])
    trade = tables()["trade"] if trade is None else trade
    if records == "chosen":
        return select_series(trade)
    if records == "partner":
        return select_series(trade[trade["side"].eq("mirror")])
    agency = dataset_series(trade)
    imf = select_series(trade[trade["side"].eq("reporter") & ~trade["dataset"].eq("national_statistics")])
    imf = imf.merge(agency[KEY], on=KEY, how="left", indicator=True)
    imf = imf[imf["_merge"].eq("left_only")].drop(columns="_merge")
    out = pd.concat([agency, imf], ignore_index=True).sort_values(KEY, kind="stable").reset_index(drop=True)
    out["break_before"] = mark_breaks(out)
    return out


def _by_records(records: str, make) -> pd.DataFrame:
    chosen = ("own", "partner") if records == "both" else (records,)
    return pd.concat([make(r).assign(records=r) for r in chosen], ignore_index=True)


def _select(frame: pd.DataFrame, states, partners, flow, years) -> pd.DataFrame:
    keep = frame["reporter"].isin(states) & frame["partner"].isin(partners) & frame["flow"].eq(flow)
    if years is not None:
        keep &= frame["year"].isin(years)
    return frame[keep].rename(columns={"reporter": "state", "source_label": "source"}).reset_index(drop=True)


def trade(
    state: str | Sequence[str],
    partners: str | Sequence[str] | None = None,
    flow: str = "total",
    records: str = "chosen",
    years: int | Iterable[int] | None = None,
) -> pd.DataFrame:
    """Trade values (US$ m) of a state with its partners, by year, from the records asked for.

    ``partners`` default: the five partners; ``"WLD"`` is the world total.

    >>> t = trade("KAZ", ["RUS", "CHN"], records="both", years=[2019])
    >>> t[["partner", "records"]].values.tolist()
    [['CHN', 'own'], ['RUS', 'own'], ['CHN', 'partner'], ['RUS', 'partner']]
    """
    states, partners = _listed(state, ()), _listed(partners, PARTNERS)
    _check(states, partners, flow, records)
    years = _years(years, tables()["trade"])
    out = _by_records(records, lambda r: _select(records_series(r), states, partners, flow, years))
    return out[COLUMNS].sort_values(["records", "state", "partner", "year"], kind="stable").reset_index(drop=True)


def shares(
    state: str | Sequence[str],
    partners: str | Sequence[str] | None = None,
    flow: str = "total",
    records: str = "chosen",
    years: int | Iterable[int] | None = None,
) -> pd.DataFrame:
    """Each partner's share (%) of the state's trade, value and world total from the same records.

    The one route for shares: ``records="own"`` is the state's own records as defined in the
    module docstring (its statistics agency first), so the answer does not depend on the helper.

    >>> s = shares("UZB", "CHN", flow="imports", records="own", years=range(2019, 2024))
    >>> s["share_pct"].round(1).tolist()
    [21.0, 21.3, 19.3, 20.9, 29.3]
    """
    states, partners = _listed(state, ()), _listed(partners, PARTNERS)
    _check(states, partners, flow, records)
    years = _years(years, tables()["trade"])
    out = _by_records(records, lambda r: _select(partner_shares(records_series(r)), states, partners, flow, years))
    columns = ["state", "partner", "year", "flow", "records", "share_pct", "value_usd_m", "world_usd_m", "source"]
    out = out[[*columns, "estimate", "break_before"]]
    return out.sort_values(["records", "state", "partner", "year"], kind="stable").reset_index(drop=True)


def latest_year(
    state: str, partners: str | Sequence[str] = ("RUS", "CHN"), flow: str = "total", records: str = "chosen"
) -> int | None:
    """The latest year in which every partner has a share of the state's trade on the same records.

    None when there is no such year (say, partners' records of a state with no world total).

    >>> latest_year("KAZ", ["RUS", "CHN"])
    2023
    """
    partners = _listed(partners, PARTNERS)
    _check([state], partners, flow, records, RECORDS[:3])
    table = latest_comparable(partner_shares(records_series(records)), partners, flow)
    years = table.loc[table["reporter"].eq(state), "year"]
    return int(years.max()) if len(years) else None


# ---------------------------------------------------------------------------
# Charts and maps


def _hover(frame: pd.DataFrame, value: str, unit: str) -> list[str]:
    return [
        f"<b>{plotly_text(country_name(r.state))}: {plotly_text(partner_name(r.partner))}</b>"
        f"<br>{int(r.year)}: {getattr(r, value):,.1f}{unit}<br>Records: {plotly_text(str(r.source))}"
        for r in frame.itertuples(index=False)
    ]


def chart(
    state: str | Sequence[str],
    partners: str | Sequence[str] | None = None,
    measure: str = "shares",
    flow: str = "total",
    records: str = "chosen",
    years: int | Iterable[int] | None = None,
    title: str | None = None,
) -> go.Figure:
    """A finished line chart of trade values (US$ bn) or shares (%): one panel per state (or per
    records with ``records="both"``), one line per partner, event marks, lines broken where the
    records change.

    >>> fig = chart("KAZ", ["CHN", "USA"], measure="values", years=range(2015, 2024))
    >>> sorted({trace.name for trace in fig.data})
    ['China', 'United States']
    """
    check_code("measure", measure, MEASURES)
    if records == "both" and len(_listed(state, ())) > 1:
        raise ValueError("records='both' draws one state (own and partner records side by side); pass one state")
    get = shares if measure == "shares" else trade
    frame = get(state, partners, flow=flow, records=records, years=years)
    value, unit = ("share_pct", " %") if measure == "shares" else ("value_bn", " US$ bn")
    frame = frame.assign(value_bn=frame["value_usd_m"] / 1000)
    frame = frame.assign(hover=_hover(frame, value, unit))
    panel = "records" if records == "both" else "state"
    names = {"own": "Own records", "partner": "Partners' records"} if records == "both" else {}
    panels = {key: names.get(key) or country_name(key) for key in dict.fromkeys(frame[panel])}
    partner_list = _listed(partners, PARTNERS)
    styles = partner_styles([p for p in partner_list if p != WORLD])
    styles |= {WORLD: LineStyle(partner_name(WORLD), MUTED_COLOUR)} if WORLD in partner_list else {}
    fig, n_rows = line_grid(frame, panel=panel, trace="partner", value=value, panels=panels, styles=styles)
    measured = f"Share of {FLOW_WORDS[flow]}, %" if measure == "shares" else f"{FLOW_WORDS[flow].capitalize()}, US$ bn"
    words = ("Whose records" if records == "both" else "State", "Partner", measured)
    table = grid_table(
        frame.rename(columns={"source": "source_label"}), panel=panel, trace="partner", value=value, panels=panels,
        styles=styles, words=words,
    )  # fmt: skip
    names = ", ".join(map(country_name, _listed(state, ())))
    metric = f"share of {FLOW_WORDS[flow]}, %" if measure == "shares" else f"{FLOW_WORDS[flow]}, US$ bn"
    on = RECORDS_WORDS.get(records, "own and partner records side by side")
    return finish_grid(
        fig,
        title=title or f"{names}: trade with {', '.join(map(partner_name, partner_list))}",
        subtitle=f"{metric}, from {on}; dotted rule: records change",
        source=source_line(tables()["sources"], sorted(set(_source_ids(frame)))),
        y_title="%" if measure == "shares" else "US$ bn",
        n_rows=n_rows,
        table=table,
    )


def _source_ids(frame: pd.DataFrame) -> list[str]:
    keys = frame[["state", "partner", "year", "flow", "records"]]
    found = []
    for name in dict.fromkeys(keys["records"]):
        series = records_series(name).rename(columns={"reporter": "state"})
        hit = series.merge(keys[keys["records"].eq(name)], on=["state", "partner", "year", "flow"])
        found += hit["source_id"].dropna().tolist()
    return found


def share_map(partner: str = "CHN", year: int | None = None, flow: str = "total", title: str | None = None):
    """A map of one partner's share of each state's trade in ``year`` (default: each state's latest
    comparable year), from the series rule.

    >>> fig = share_map("CHN", year=2020)
    >>> "China: share of each state's total trade" in fig.layout.title.text
    True
    """
    check_code("partner", partner, PARTNERS)
    check_code("flow", flow, FLOWS)
    if year is not None:
        _years([year], tables()["trade"])
    snapshot = share_snapshot(tables()["trade"], partners=(partner,), year=year, flow=flow, question=PARTNERS)
    label = str(year) if year is not None else "Latest comparable year"
    ids = share_source_ids(tables()["trade"], [snapshot], flow=flow)
    source = source_line(tables()["sources"], [*ids, "natural-earth-admin0"])
    heading = title or f"{partner_name(partner)}: share of each state's {FLOW_WORDS[flow]}, {label.lower()}"
    return maps.share_map([(label, snapshot)], partner, load_boundaries(), source, heading)


# ---------------------------------------------------------------------------
# Deals


def deals_by_stage(state: str | None = None) -> pd.DataFrame:
    """Deal value by stage, least to most binding, each deal counted once (amounts as text in the unit that fits).

    >>> table = deals_by_stage("KAZ")
    >>> table.columns[0]
    'Stage (most binding reached)'
    """
    rows = tables()["deals"]
    if state is not None:
        rows = rows[rows["country"].eq(check_state(state))]
    return deal_rules.totals_table(rows, "stage")


def moved_since(date: str = SUMMIT, state: str | None = None) -> pd.DataFrame:
    """Deals that became binding (definitive agreement or further) after ``date``: their stage at that
    date and now, when they moved (``known_by``: True when only a later source's date is known).

    >>> moved = moved_since("2025-11-06")
    >>> list(moved.columns)[:4]
    ['country', 'title', 'stage_then', 'stage_now']
    """
    try:
        when = str(pd.Timestamp(date).date())
    except ValueError:
        raise UnknownCodeError("date", date, ["YYYY-MM-DD"]) from None
    deals = tables()["deals"]
    if state is not None:
        deals = deals[deals["country"].eq(check_state(state))]
    status = follow_through.deal_status(deals, load_deal_events(), load_deal_checks(), when)
    moved = status[status["deal_id"].isin(follow_through.moved_after(status, when))]
    names = {"stage_at_summit": "stage_then", "moved_by": "known_by"}
    columns = ["country", "title", "stage_then", "stage_now", "moved_on", "known_by", "value_usd_m", "deal_id"]
    return moved.rename(columns=names)[columns].reset_index(drop=True)


def scenario(deal_id: str, rates: Sequence[float] = (0.25, 0.5, 1.0)) -> pd.DataFrame:
    """What one deal alone could do to the US share of its state's total trade, per realisation rate
    and default delivery period (years).

    >>> table = scenario("tjk-somon-boeing")
    >>> sorted(set(table["rate"])), bool(table["change_pp"].gt(0).all())
    ([0.25, 0.5, 1.0], True)
    >>> scenario("kaz-air-astana-787")["reason"].iloc[0]
    'left out of the scenario: no value stated'
    """
    deals = tables()["deals"]
    check_code("deal id", deal_id, tuple(deals["deal_id"]))
    one = deals[deals["deal_id"].eq(deal_id)]
    state = str(one["country"].iloc[0])
    out = scenario_rules.scenarios(tables()["trade"], one, rates=rates, instruments=None, states=[state])
    left_out = scenario_rules.excluded_deals(one, None)
    if len(left_out):
        out["reason"] = "left out of the scenario: " + left_out["why_excluded"].iloc[0]
    columns = ["reporter", "rate", "default_period", "baseline_year", "baseline_share_pct", "scenario_share_pct"]
    return out[[*columns, "change_pp", "reason"]].rename(columns={"reporter": "state"})


__all__ = [
    "PARTNERS", "RECORDS", "STATES", "UnknownCodeError", "chart", "deals_by_stage", "latest_year", "moved_since",
    "records_series", "scenario", "share_map", "shares", "tables", "trade",
]
