"""Deal computations, charts and sentences on hand-made fixtures (computed by hand) and hypothesis properties."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.compute import deals as dl
from helpers.figures import deal_charts as dc
from helpers.narrative import deals as nd

NAN = float("nan")
COLUMNS = [
    "deal_id",
    "country",
    "title",
    "us_party",
    "sector",
    "instrument",
    "stage",
    "value_usd_m",
    "value_low_usd_m",
    "announced_date",
    "date_precision",
    "overlaps_deal_id",
    "overlap_type",
    "confirmation",
    "source_id",
    "other_source_ids",
]


def deal(
    deal_id: str,
    country: str,
    value: float,
    stage: str = "agreement",
    overlaps: str | None = None,
    confirmation: str = "single_source",
    sector: str = "energy",
    low: float = NAN,
    date: str | None = "2025-11-06",
    precision: str = "day",
    party: str = "Acme",
    instrument: str = "agreement",
) -> dict:
    return {
        "deal_id": deal_id,
        "country": country,
        "title": f"Deal {deal_id}",
        "us_party": party,
        "sector": sector,
        "instrument": instrument,
        "stage": stage,
        "value_usd_m": value,
        "value_low_usd_m": low,
        "announced_date": pd.Timestamp(date) if date else pd.NaT,
        "date_precision": precision if date else "unknown",
        "overlaps_deal_id": overlaps,
        "overlap_type": "part_of_umbrella" if overlaps else None,
        "confirmation": confirmation,
        "source_id": "src-a",
        "other_source_ids": [],
    }


def frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=COLUMNS)


@pytest.fixture
def deals() -> pd.DataFrame:
    """Six rows; B is inside A, F is inside C; D is an unconfirmed headline; E has no value."""
    return frame(
        [
            deal("a", "KAZ", 1000, stage="firm_order", sector="aviation", party="Boeing", instrument="purchase_order"),
            deal("b", "KAZ", 400, stage="loi", overlaps="a", sector="finance", party="EXIM", date="2025-11-07"),
            deal("c", "UZB", 3000, stage="agreement", low=2000, date="2025-09-22", instrument="framework"),
            deal("d", "UZB", 10000, stage="announced", confirmation="unconfirmed", sector="other"),
            deal("e", "TKM", NAN, stage="intent", date=None),
            deal("f", "UZB", 200, stage="mou", overlaps="c", date="2025-10-01", precision="month"),
        ]
    )


def test_deduplicated_keeps_only_rows_without_overlap(deals: pd.DataFrame) -> None:
    assert list(dl.deduplicated(deals)["deal_id"]) == ["a", "c", "d", "e"]


def test_empty_string_overlap_counts_as_empty(deals: pd.DataFrame) -> None:
    deals.loc[deals["deal_id"].eq("a"), "overlaps_deal_id"] = ""
    assert "a" in set(dl.deduplicated(deals)["deal_id"])


def test_headline_totals_by_hand(deals: pd.DataFrame) -> None:
    h = dl.headline(deals)
    assert h["n_rows"] == 6
    assert h["n_counted"] == 4
    assert h["n_overlapping"] == 2
    assert h["n_no_value"] == 1
    assert h["naive_usd_m"] == 1000 + 400 + 3000 + 10000 + 200
    assert h["dedup_usd_m"] == 1000 + 3000 + 10000
    assert h["dedup_confirmed_usd_m"] == 1000 + 3000
    assert h["unconfirmed_usd_m"] == 10000
    assert h["dedup_low_usd_m"] == 1000 + 2000 + 10000


def test_totals_by_country_by_hand(deals: pd.DataFrame) -> None:
    out = dl.totals_by(deals, "country").set_index("country")
    assert out.at["KAZ", "dedup_usd_m"] == 1000
    assert out.at["KAZ", "naive_usd_m"] == 1400
    assert out.at["UZB", "dedup_usd_m"] == 13000
    assert out.at["UZB", "dedup_confirmed_usd_m"] == 3000
    assert out.at["UZB", "unconfirmed_usd_m"] == 10000
    assert out.at["UZB", "n_deals"] == 3
    assert out.at["UZB", "n_counted"] == 2
    # Turkmenistan's only deal states no value: a blank total, never 0.
    assert math.isnan(out.at["TKM", "dedup_usd_m"])
    assert out.at["TKM", "n_no_value"] == 1
    assert list(out.index) == ["UZB", "KAZ", "TKM"]


def test_group_whose_money_sits_elsewhere_is_blank(deals: pd.DataFrame) -> None:
    out = dl.totals_by(deals, "sector").set_index("sector")
    assert math.isnan(out.at["finance", "dedup_usd_m"])
    assert out.at["finance", "naive_usd_m"] == 400


def test_totals_by_stage_follows_stage_order(deals: pd.DataFrame) -> None:
    stages = list(dl.totals_by(deals, "stage")["stage"])
    assert stages == ["intent", "announced", "mou", "loi", "agreement", "firm_order"]


def test_totals_by_rejects_unknown_dimension(deals: pd.DataFrame) -> None:
    with pytest.raises(dl.DealsError, match="by must be one of"):
        dl.totals_by(deals, "colour")


def test_binding_class_by_hand(deals: pd.DataFrame) -> None:
    classes = dict(zip(deals["deal_id"], dl.binding_class(deals), strict=True))
    assert classes == {
        "a": "binding",
        "b": "non-binding",
        "c": "non-binding",
        "d": "non-binding",
        "e": "no value stated",
        "f": "non-binding",
    }


def test_binding_summary_by_hand(deals: pd.DataFrame) -> None:
    s = dl.binding_summary(deals).set_index("binding_class")
    assert s.at["binding", "dedup_confirmed_usd_m"] == 1000
    assert s.at["non-binding", "dedup_confirmed_usd_m"] == 3000
    assert s.at["non-binding", "dedup_usd_m"] == 13000
    assert s.at["binding", "share_confirmed_pct"] == pytest.approx(25.0)
    assert s.at["no value stated", "n_counted"] == 1
    assert math.isnan(s.at["no value stated", "dedup_usd_m"])


def test_overlap_table_names_containers(deals: pd.DataFrame) -> None:
    out = dl.overlap_table(deals)
    assert list(zip(out["deal_id"], out["overlaps_deal_id"], strict=True)) == [("b", "a"), ("f", "c")]
    assert out.loc[0, "container_title"] == "Deal a"


def test_overlap_table_rejects_dangling_overlap(deals: pd.DataFrame) -> None:
    deals.loc[deals["deal_id"].eq("b"), "overlaps_deal_id"] = "zz"
    with pytest.raises(dl.DealsError, match="zz"):
        dl.overlap_table(deals)


def test_timeline_sorts_by_date_and_keeps_precision(deals: pd.DataFrame) -> None:
    out = dl.timeline(deals)
    assert list(out["deal_id"]) == ["c", "f", "a", "d", "b", "e"]
    labels = dict(zip(out["deal_id"], out["date_label"], strict=True))
    assert labels["f"] == "Oct 2025"
    assert labels["e"] == "undated"
    assert labels["a"] == "6 Nov 2025"


def test_period_totals_by_hand(deals: pd.DataFrame) -> None:
    out = dl.period_totals(deals, events=(("2025-09-23", "UNGA"), ("2025-11-06", "Summit")))
    by = out.set_index("period")
    # c (3000, 2025-09-22) is within 3 days of UNGA; a (1000) at the summit; d is unconfirmed, e undated.
    assert by.at["UNGA (23 Sep 2025, within 3 days)", "dedup_confirmed_usd_m"] == 3000
    assert by.at["Summit (6 Nov 2025, within 3 days)", "dedup_confirmed_usd_m"] == 1000
    assert by.at["undated", "n_deals"] == 1
    assert math.isnan(by.at["undated", "dedup_confirmed_usd_m"])


def test_claim_checks(deals: pd.DataFrame) -> None:
    claims = pd.DataFrame(
        {
            "claim_id": ["c1"],
            "claim": ["KAZ buys jets"],
            "country": ["KAZ"],
            "deal_ids": [["a", "b"]],
            "verdict": ["confirmed"],
            "explanation": ["signed"],
            "source_id": ["src-b"],
        }
    )
    sources = pd.DataFrame({"source_id": ["src-a", "src-b"], "publisher": ["Outlet A", "Brief B"]})
    out = dl.claim_checks(claims, deals, sources)
    assert out.loc[0, "verdict"] == "confirmed"
    assert "Deal a [firm order, US$1.0 bn, one source]" in out.loc[0, "evidence"]
    assert out.loc[0, "sources"] == "Outlet A; Brief B"
    claims.at[0, "deal_ids"] = ["missing"]
    with pytest.raises(dl.DealsError, match="missing"):
        dl.claim_checks(claims, deals, sources)


def test_key_findings_state_the_dedup_numbers(deals: pd.DataFrame) -> None:
    claims = pd.DataFrame({"verdict": ["confirmed", "unconfirmed"]})
    text = " ".join(nd.key_findings(deals, claims))
    assert "Naive sum US$14.6 bn" in text
    assert "deduplicated US$14.0 bn" in text
    assert "without unconfirmed rows: US$4.0 bn" in text
    assert "1 confirmed, 0 differs, 1 unconfirmed" in text


def test_charts_are_finished(deals: pd.DataFrame) -> None:
    for fig in (
        dc.totals_chart(deals, "country", "Test source", nd.totals_title(deals, "country")),
        dc.binding_chart(deals, "Test source", nd.binding_title(deals)),
        dc.timeline_chart(deals, "Test source", nd.timeline_title(deals)),
    ):
        assert "<b>" not in fig.layout.title.text and fig.layout.title.subtitle.text  # plotly's own subtitle
        assert any("Test source" in (a.text or "") for a in fig.layout.annotations)
    assert nd.totals_title(deals, "country") == "Uzbekistan leads with US$3.0 bn of confirmed deduplicated deal value"
    bars = dc.totals_chart(deals, "country", "s", "t")
    # Confirmed bars: UZB 3.0 bn non-binding, KAZ 1.0 bn binding; the unconfirmed 10 bn is a note, not a bar.
    drawn = sum(float(np.nansum(t.x)) for t in bars.data)
    assert drawn == pytest.approx(4.0)
    assert any("US$10.0 bn unconfirmed" in (a.text or "") for a in bars.layout.annotations)
    # The downloadable table: the same bars (a group without a part is 0) and the unconfirmed note, by hand.
    table = pd.read_csv(io.StringIO(bars.layout.meta["c5Table"]))
    assert list(table.columns) == ["State", "Legal status", "Deduplicated deal value, US$ bn"]
    assert sorted(table.itertuples(index=False, name=None)) == [
        ("Kazakhstan", "binding", 1.0),
        ("Kazakhstan", "non-binding", 0.0),
        ("Uzbekistan", "binding", 0.0),
        ("Uzbekistan", "non-binding", 3.0),
        ("Uzbekistan", "unconfirmed (not in the bars)", 10.0),
    ]


# ---------------------------------------------------------------------------
# Properties

values = st.one_of(st.just(NAN), st.floats(min_value=0, max_value=1e5, allow_nan=False))


@st.composite
def deal_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=12))
    rows = []
    for i in range(n):
        target = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=i - 1))) if i else None
        rows.append(
            deal(
                f"d{i}",
                draw(st.sampled_from(["KAZ", "KGZ", "TJK", "TKM", "UZB"])),
                draw(values),
                stage=draw(st.sampled_from(["mou", "agreement", "contract", "firm_order"])),
                overlaps=None if target is None else f"d{target}",
                confirmation=draw(st.sampled_from(["multi_source", "single_source", "unconfirmed"])),
            )
        )
    return frame(rows)


@settings(max_examples=150, deadline=None)
@given(deal_frames())
def test_dedup_total_never_exceeds_naive_sum(deals: pd.DataFrame) -> None:
    h = dl.headline(deals)
    assert h["dedup_usd_m"] <= h["naive_usd_m"] + 1e-6
    assert h["dedup_confirmed_usd_m"] + h["unconfirmed_usd_m"] == pytest.approx(h["dedup_usd_m"])


@settings(max_examples=150, deadline=None)
@given(deal_frames(), values, st.data())
def test_adding_an_overlapping_row_never_changes_totals(deals: pd.DataFrame, value: float, data: st.DataObject) -> None:
    target = data.draw(st.sampled_from(list(deals["deal_id"])))
    extra = frame([deal("extra", "KAZ", value, overlaps=target)])
    bigger = pd.concat([deals, extra], ignore_index=True)
    assert dl.headline(bigger)["dedup_usd_m"] == pytest.approx(dl.headline(deals)["dedup_usd_m"])
    before = dl.totals_by(deals, "country").set_index("country")["dedup_usd_m"]
    after = dl.totals_by(bigger, "country").set_index("country")["dedup_usd_m"].reindex(before.index)
    pd.testing.assert_series_equal(before, after)


@settings(max_examples=150, deadline=None)
@given(deal_frames(), st.floats(min_value=0, max_value=1e5, allow_nan=False))
def test_adding_a_standalone_row_adds_its_value(deals: pd.DataFrame, value: float) -> None:
    extra = frame([deal("extra", "KGZ", value)])
    bigger = pd.concat([deals, extra], ignore_index=True)
    assert dl.headline(bigger)["dedup_usd_m"] == pytest.approx(dl.headline(deals)["dedup_usd_m"] + value)


@settings(max_examples=150, deadline=None)
@given(deal_frames(), st.sampled_from(dl.DIMENSIONS))
def test_group_totals_add_up_to_the_headline(deals: pd.DataFrame, by: str) -> None:
    out = dl.totals_by(deals, by)
    h = dl.headline(deals)
    assert out["dedup_usd_m"].sum() == pytest.approx(h["dedup_usd_m"])
    assert out["dedup_confirmed_usd_m"].sum() == pytest.approx(h["dedup_confirmed_usd_m"])
    assert out["n_deals"].sum() == len(deals)


def test_reader_labels_are_words_in_sentence_case(deals: pd.DataFrame) -> None:
    assert dl.totals_table(deals, "stage").iloc[:, 0].tolist() == [
        "Intent", "Announced", "MoU", "LoI", "Agreement", "Firm order"
    ]  # fmt: skip
    assert set(dl.totals_table(deals, "us_party").iloc[:, 0]) == {"Boeing", "EXIM", "Acme"}
    assert nd.totals_title(deals.assign(sector="ai_semiconductors"), "sector").startswith("AI and semiconductors leads")
    assert "Intent, MoU" not in " ".join(nd.notes(deals, "stage"))  # mid-sentence: lower case, MoU kept
    assert "intent, MoU" in " ".join(nd.notes(deals, "stage"))


def test_no_binding_money_is_said_in_words_not_as_zero_per_cent(deals: pd.DataFrame) -> None:
    unbound = deals[deals["deal_id"].isin(["c", "f"])]
    assert nd.binding_title(unbound) == "None of the confirmed deduplicated headline money is binding"
    assert nd.binding_title(deals) == "Only 25% of the confirmed deduplicated headline money is binding"
