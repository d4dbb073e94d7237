"""Country-profile pieces: locator map, coverage gaps, the state's deals, findings."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import helpers
from helpers.codes import STATES, UnknownStateError, check_state, country_name
from helpers.compute import context
from helpers.compute import deals as dl
from helpers.figures import maps
from helpers.narrative import maps as nm
from helpers.narrative import profile as npf


@pytest.fixture(scope="module")
def boundaries():
    return helpers.load_boundaries()


def series_rows(rows: list[tuple[str, str, int, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["reporter", "partner", "year", "flow", "value_usd_m"]).assign(
        source_label="test"
    )


def test_unknown_state_is_rejected() -> None:
    with pytest.raises(UnknownStateError, match="KAZ, KGZ"):
        check_state("RUS")


@pytest.mark.parametrize("iso3", STATES)
def test_locator_map_highlights_the_state_only(boundaries, iso3: str) -> None:
    fig = maps.locator_map(boundaries, iso3, "Natural Earth", nm.locator_title(iso3))
    highlighted = [t for t in fig.data if t.type == "choropleth" and t.name == country_name(iso3)]
    assert len(highlighted) == 1
    assert list(highlighted[0].locations) == [iso3]
    others = next(t for t in fig.data if t.name == "other Central Asian states")
    assert sorted(others.locations) == sorted(set(STATES) - {iso3})
    assert "Source: Natural Earth" in fig.layout.annotations[0].text


def test_gaps_name_missing_world_totals_and_partners() -> None:
    rows = [("KGZ", "WLD", 2021, "exports", 1.0), ("KGZ", "CHN", 2021, "exports", 1.0)]
    rows += [("KGZ", p, y, "exports", 1.0) for p in ("RUS", "CHN", "EU27", "TUR", "WLD") for y in (2022, 2023)]
    lines = npf.gap_lines(series_rows(rows), "KGZ", years=[2021, 2022, 2023])
    assert not any("world total" in line for line in lines)
    assert any("United States after 2020" in line for line in lines)
    assert any("Russia in 2021" in line for line in lines)
    assert any("Türkiye in 2021" in line for line in lines)


def test_no_gaps_is_said_plainly() -> None:
    rows = [("UZB", p, 2024, "total", 1.0) for p in ("RUS", "CHN", "USA", "EU27", "TUR", "WLD")]
    assert npf.gap_lines(series_rows(rows), "UZB", years=[2024]) == [
        "Every partner and the world total have at least one figure in each year 2024-2024."
    ]


def test_world_trade_converts_to_billions() -> None:
    rows = [("TJK", "WLD", 2022, "exports", 2330.0), ("TJK", "WLD", 2022, "imports", 5182.9)]
    table = context.world_trade(series_rows(rows), "TJK")
    assert table.loc[0, "exports"] == pytest.approx(2.33)
    assert table.loc[0, "imports"] == pytest.approx(5.18)
    assert np.isnan(table.loc[0, "total"])


def test_state_deals_marks_contained_rows() -> None:
    deals = helpers.load_deals(helpers.data.REPO_DATA_DIR / "deals.csv")
    own = dl.state_deals(deals, "KAZ")
    assert set(own["country"]) == {"KAZ"}
    assert len(own) == (deals["country"] == "KAZ").sum()
    loan = own.set_index("deal_id").loc["kaz-ktz-citi-exim"]
    container = deals.set_index("deal_id").at["kaz-wabtec-locos", "title"]
    assert loan["counted"] == f"no: inside {container}"
    assert own.set_index("deal_id").loc["kaz-wabtec-locos", "counted"] == "yes"


def test_one_state_sentences_say_when_no_value_or_nothing_binding() -> None:
    deals = helpers.load_deals(helpers.data.REPO_DATA_DIR / "deals.csv")
    tkm = deals[deals["country"].eq("TKM")]
    assert tkm["value_usd_m"].isna().all()  # the data premise: Turkmenistan's commitments state no value
    line = npf.deal_line(tkm)
    assert line == f"{len(tkm)} deal rows with US partners; none states a confirmed value."
    kgz = deals[deals["country"].eq("KGZ")]
    assert "none of it binding yet" in npf.deal_line(kgz) and "US$0.0" not in npf.deal_line(kgz)
    assert npf.deal_line(deals.iloc[0:0]) == "No deal with US partners is recorded."


def test_one_state_titles_name_the_state_not_each_state() -> None:
    from helpers.narrative import trade as nt

    at_years = pd.DataFrame({"reporter": ["TKM"], "latest_pct": [37.4], "latest_year": [2003]})
    assert nt.combined_title(at_years) == "Russia and China together: 37% of Turkmenistan's total trade in 2003"
    shares = context.trade_context(helpers.load_trade(), ["KAZ"]).shares
    title = nt.top_partner_title(shares, "total", ["RUS", "CHN", "USA", "EU27", "TUR"][::-1])
    latest = shares[shares["reporter"].eq("KAZ") & shares["flow"].eq("total")]["year"].max()
    assert re.fullmatch(r"\S+ was Kazakhstan's largest named partner in total trade in (\d{4})", title)
    assert int(re.search(r"in (\d{4})$", title)[1]) <= latest
