"""The shipped datasets: complete where they claim to be, sourced, and mappable."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import shape

import helpers
from helpers.data import REPO_DATA_DIR, descriptor

C5 = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
PARTNERS = ["RUS", "CHN", "USA", "EU27", "TUR"]
IMF_YEARS = range(1992, 2021)


@pytest.fixture(autouse=True)
def repo_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("C5_DATA_DIR", raising=False)


@pytest.fixture(scope="module")
def trade() -> pd.DataFrame:
    return helpers.load_trade(REPO_DATA_DIR / "trade.csv")


@pytest.fixture(scope="module")
def deals() -> pd.DataFrame:
    return helpers.load_deals(REPO_DATA_DIR / "deals.csv")


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    return helpers.load_sources(REPO_DATA_DIR / "sources.csv")


def csv_rows(name: str) -> int:
    return len(pd.read_csv(REPO_DATA_DIR / name, dtype=str, keep_default_na=False))


@pytest.mark.parametrize("name", ["sources.csv", "deals.csv", "brief_claims.csv", "trade.csv"])
def test_every_row_of_every_table_loads(name: str) -> None:
    loader = {
        "sources.csv": helpers.load_sources,
        "deals.csv": helpers.load_deals,
        "brief_claims.csv": helpers.load_brief_claims,
        "trade.csv": helpers.load_trade,
    }[name]
    assert len(loader()) == csv_rows(name)


def test_descriptor_lists_every_table_in_data() -> None:
    described = {r["path"] for r in descriptor()["resources"]}
    on_disk = {p.name for p in REPO_DATA_DIR.glob("*.csv")}
    assert on_disk == described - {"boundaries/central_asia.geojson"}


def test_every_source_is_used_and_every_used_source_is_registered(
    sources: pd.DataFrame, deals: pd.DataFrame, trade: pd.DataFrame
) -> None:
    claims = helpers.load_brief_claims()
    used = set(deals["source_id"]) | set(trade["source_id"]) | set(claims["source_id"])
    used |= {s for ids in deals["other_source_ids"] for s in ids}
    used |= set(helpers.load_deal_events()["source_id"])
    used |= {s for s in helpers.load_deal_checks()["source_id"] if isinstance(s, str)}
    used.add("natural-earth-admin0")
    assert used == set(sources["source_id"])


def test_all_five_states_have_deals(deals: pd.DataFrame) -> None:
    assert sorted(deals["country"].unique()) == C5


RESEARCH_NOTES = Path(__file__).resolve().parent / "fixtures" / "research" / "deals.md"


def test_deal_table_holds_the_research_rows_and_the_brief_claim(deals: pd.DataFrame) -> None:
    # The notes are vendored into the repository: a missing file fails here, it is never skipped.
    ids = {
        line.split("|")[1].strip()
        for line in RESEARCH_NOTES.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and line.split("|")[2].strip() in C5
    }
    assert len(ids) == 44
    assert ids <= set(deals["deal_id"])
    claim = deals.set_index("deal_id").loc["kaz-ai-chips-openai-nvidia-claim"]
    assert claim["confirmation"] == "unconfirmed"
    assert "OpenAI" in claim["us_party"]
    assert not pd.isna(claim["overlaps_deal_id"])


@pytest.mark.parametrize(
    ("company", "countries"),
    [("Boeing", ["KAZ", "TJK", "UZB"]), ("John Deere", ["KAZ", "UZB"]), ("NVIDIA", ["KAZ"])],
)
def test_brief_claims_have_deal_rows(deals: pd.DataFrame, company: str, countries: list[str]) -> None:
    parties = deals["us_party"].str.upper()
    found = set(deals.loc[parties.str.contains(company.upper()), "country"])
    assert set(countries) <= found


def test_every_brief_claim_is_checked() -> None:
    claims = helpers.load_brief_claims()
    pairs = set(zip(claims["country"], claims["claim"].str.contains("Boeing"), strict=True))
    assert {("KAZ", True), ("TJK", True), ("UZB", True)} <= pairs
    ai = claims[claims["claim"].str.contains("OpenAI")]
    assert list(ai["verdict"]) == ["unconfirmed"]


def _copy_with(tmp_path: Path, name: str, change) -> Path:
    """A copy of data/ in which one table's first data row is edited by hand (csv module, no loader)."""
    folder = tmp_path / "data"
    shutil.copytree(REPO_DATA_DIR, folder)
    path = folder / name
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_valued_deal_without_a_value_basis_is_refused(tmp_path: Path) -> None:
    def drop_basis(rows: list[dict]) -> None:
        row = next(r for r in rows if r["value_usd_m"])
        row["value_basis"] = "none"

    with pytest.raises(helpers.DataValidationError):
        helpers.load_deals(_copy_with(tmp_path, "deals.csv", drop_basis))


def test_a_deal_without_a_stage_is_refused(tmp_path: Path) -> None:
    def drop_stage(rows: list[dict]) -> None:
        rows[0]["stage"] = ""

    with pytest.raises(helpers.DataValidationError):
        helpers.load_deals(_copy_with(tmp_path, "deals.csv", drop_stage))


@pytest.mark.parametrize("side", ["reporter", "mirror"])
@pytest.mark.parametrize("flow", ["exports", "imports"])
def test_imf_coverage_both_sides(trade: pd.DataFrame, side: str, flow: str) -> None:
    partners = [*PARTNERS, "WLD"] if side == "reporter" else PARTNERS
    rows = trade[(trade["side"] == side) & (trade["flow"] == flow) & (trade["source_id"] == "imf-dots")]
    have = set(zip(rows["reporter"], rows["partner"], rows["year"], strict=True))
    want = {(r, p, y) for r in C5 for p in partners for y in IMF_YEARS}
    missing = sorted(want - have)
    assert len(missing) <= len(want) * 0.05, f"{len(missing)} IMF cells missing, e.g. {missing[:10]}"


def test_imf_estimates_are_flagged(trade: pd.DataFrame) -> None:
    imf = trade[trade["dataset"] == "imf_dots"]
    tkm = imf[
        (imf["reporter"] == "TKM")
        & (imf["side"] == "reporter")
        & imf["partner"].isin(["RUS", "CHN", "TUR", "USA"])
        & imf["year"].between(2004, 2019)
    ]
    assert len(tkm) > 0
    assert tkm["flags"].map(lambda f: "imf_derived" in f).all()
    uzb = imf[(imf["reporter"] == "UZB") & (imf["side"] == "reporter") & imf["year"].between(2000, 2015)]
    split = uzb[uzb["partner"] != "WLD"]
    assert split["flags"].map(lambda f: "imf_fixed_split" in f).all()
    world = uzb[uzb["partner"] == "WLD"]
    assert len(world) == 32
    assert world["flags"].map(lambda f: "estimate" in f).all()


def test_post_2020_figures_exist_for_every_state(trade: pd.DataFrame) -> None:
    recent = trade[trade["year"] >= 2021]
    assert set(C5) <= set(recent["reporter"])


def test_totals_stored_only_where_no_split_was_published(trade: pd.DataFrame) -> None:
    imf_totals = trade[(trade["source_id"] == "imf-dots") & (trade["flow"] == "total")]
    assert imf_totals.empty


def test_no_total_sits_beside_a_split_of_the_same_records(trade: pd.DataFrame) -> None:
    """A plain sum of the rows a chart may use (not superseded) never counts the same trade twice."""
    live = trade[~trade["flags"].map(lambda flags: "superseded" in flags)]
    group = ["reporter", "partner", "year", "dataset", "side"]
    flows = live.groupby(group)["flow"].apply(set)
    both = flows[flows.map(lambda f: {"exports", "imports", "total"} <= f)]
    assert list(both.index) == []


@pytest.mark.parametrize(
    ("reporter", "partner", "year", "dataset"),
    [
        ("TJK", "RUS", 2023, "national_statistics"),
        ("UZB", "EU27", 2022, "partner_records"),
        ("UZB", "EU27", 2023, "partner_records"),
        ("CA5", "CHN", 2025, "partner_records"),
        ("KAZ", "CHN", 2023, "partner_records"),
    ],
)
def test_the_audits_totals_beside_splits_are_notes_now(
    trade: pd.DataFrame, reporter: str, partner: str, year: int, dataset: str
) -> None:
    rows = trade[
        (trade["reporter"] == reporter) & (trade["partner"] == partner) & (trade["year"] == year)
        & (trade["dataset"] == dataset)
    ]  # fmt: skip
    assert {"exports", "imports"} <= set(rows["flow"])
    assert "total" not in set(rows["flow"])


@pytest.mark.parametrize(
    ("reporter", "partner", "year"),
    [("CA5", "TUR", 2022), ("TKM", "WLD", 2022)],  # an 11-month extrapolation; an observer's "ESTIMATE"
)
def test_the_audits_estimates_are_flagged(trade: pd.DataFrame, reporter: str, partner: str, year: int) -> None:
    rows = trade[(trade["reporter"] == reporter) & (trade["partner"] == partner) & (trade["year"] == year)]
    assert len(rows) == 1
    assert "estimate" in rows.iloc[0]["flags"]


@pytest.mark.parametrize(("usd", "eur"), [("1.0", "1.0"), ("", "")])
def test_a_row_with_both_currencies_or_none_is_refused(tmp_path: Path, usd: str, eur: str) -> None:
    def mix(rows: list[dict]) -> None:
        rows[0]["value_usd_m"], rows[0]["value_eur_m"] = usd, eur

    with pytest.raises(helpers.DataValidationError):
        helpers.load_trade(_copy_with(tmp_path, "trade.csv", mix))


def test_shipped_rows_carry_exactly_one_currency() -> None:
    rows = pd.read_csv(REPO_DATA_DIR / "trade.csv", dtype=str, keep_default_na=False)
    assert ((rows["value_usd_m"] != "") ^ (rows["value_eur_m"] != "")).all()


# ---------------------------------------------------------------------------
# Boundaries

BOUNDARIES = REPO_DATA_DIR / "boundaries" / "central_asia.geojson"


def test_boundaries_small_and_complete() -> None:
    assert BOUNDARIES.stat().st_size <= 250 * 1024
    frame = helpers.load_boundaries()
    codes = set(frame["iso3"])
    assert set(C5) <= codes
    assert {"RUS", "CHN", "AFG", "IRN", "PAK", "MNG", "AZE"} <= codes
    assert set(frame.loc[frame["role"] == "focus", "iso3"]) == set(C5)
    assert frame.geometry.is_valid.all()


def test_exterior_rings_are_clockwise_for_plotly() -> None:
    features = json.loads(BOUNDARIES.read_text())["features"]
    for feature in features:
        geom = shape(feature["geometry"])
        polygons = getattr(geom, "geoms", [geom])
        for polygon in polygons:
            assert not polygon.exterior.is_ccw, feature["properties"]["iso3"]


def test_focus_states_do_not_overlap() -> None:
    frame = helpers.load_boundaries().to_crs("+proj=laea +lat_0=45 +lon_0=65")
    focus = frame[frame["role"] == "focus"].reset_index(drop=True)
    for i in range(len(focus)):
        for j in range(i + 1, len(focus)):
            shared = focus.geometry[i].intersection(focus.geometry[j]).area
            assert shared < 1e6, (focus["iso3"][i], focus["iso3"][j], shared)  # < 1 km2
