"""Sources a reader can trust: every figure names its originator, and none rests on a denied carrier.

The deny-list below is this test's own (kept apart from the build's list on purpose): kinds of
carrier a figure must never cite, whatever table it sits in.

One narrow exception: the product brief's own news summary (:data:`BRIEF_SUMMARY`, an aggregator
page) may be cited only by the rows that record what the brief claimed (every row of
``brief_claims.csv`` and the deal rows with ``overlap_type`` ``claim_of``): those rows are the claims
under check, never summed or charted as figures, and each points at the deal that checks it.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlparse

import pandas as pd
import pytest

import helpers
from helpers import text
from helpers.data import REPO_DATA_DIR
from helpers.figures.theme import source_line
from pipeline.carriers import denied_carrier

# host (and its subdomains) -> the kind of carrier
DENIED_HOSTS = {
    # propaganda outlets (EU-sanctioned or state propaganda)
    "news-front.su": "propaganda",
    "rt.com": "propaganda",
    "sputniknews.com": "propaganda",
    "tsargrad.tv": "propaganda",
    # aggregators and reprints
    "finance-rambler.ru": "aggregator",
    "news.rambler.ru": "aggregator",
    "theworldnews.net": "aggregator",
    "urdupoint.com": "aggregator",
    "trends.glance.com": "aggregator",
    "novyny.live": "reprint",
    "yktworld.com": "reprint",
    "whysw.org": "reprint",
    "ohiominer.com": "reprint",
    "standom.org": "reprint",
    "kokshetau.asia": "reprint",
    "turkmenistannewsgazette.com": "reprint",
    "ria24.today": "imitation of a news agency",
    # content farms
    "666dongdong.cn": "content farm",
    "pricecafe.net": "content farm",
    "zykjszfw.com": "content farm",
    "incomein.biz": "content farm",
    "eximtutor.com": "content farm",
    "tradeleads.ru": "content farm",
    "californiainsider.com": "content farm",
    "perplexityaimagazine.com": "content farm",
}
STAGING = re.compile(r"^(img)?(test|staging|stage|dev|beta)\d*\.")
TRACKING = re.compile(r"com_banners|task=click|[?&]utm_[a-z]+=|[?&](fbclid|gclid)=", re.IGNORECASE)
URL_IN_TEXT = re.compile(r"https?://[^\s;,)\"'|]+")
SOURCE_TYPES = {"official_statistics", "government", "intergovernmental", "company", "news_agency", "press", "other"}


def carrier_kind(url: str) -> str:
    """The denied kind of a URL's carrier, or '' when it is not denied."""
    parts = urlparse(url)
    host = (parts.hostname or "").lower()
    for denied, kind in DENIED_HOSTS.items():
        if host == denied or host.endswith("." + denied):
            return kind
    try:
        ipaddress.ip_address(host)
        return "bare IP address"
    except ValueError:
        pass
    if STAGING.match(host):
        return "test or staging host"
    if TRACKING.search(url):
        return "ad-click or tracking URL"
    return ""


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    return helpers.load_sources(REPO_DATA_DIR / "sources.csv")


@pytest.fixture(scope="module")
def trade() -> pd.DataFrame:
    return helpers.load_trade(REPO_DATA_DIR / "trade.csv")


def cited_ids(table: pd.DataFrame) -> set[str]:
    """Every source id a table cites, list fields item by item."""
    ids: set[str] = set()
    for column in ("source_id", "other_source_ids", "latest_source_id"):
        if column in table.columns:
            for cell in table[column].dropna().astype(str):
                ids.update(i.strip() for i in cell.split(";") if i.strip())
    return ids


def offenders(table: pd.DataFrame, sources: pd.DataFrame) -> dict[str, str]:
    """Denied carriers a table cites: by source id, and by URL written into any text cell."""
    url_of = sources.set_index("source_id")["url"]
    found = {sid: carrier_kind(url_of[sid]) for sid in cited_ids(table) if sid in url_of.index}
    found = {sid: kind for sid, kind in found.items() if kind}
    for column in table.columns:
        if table[column].dtype == object:
            for cell in table[column].dropna().astype(str):
                for url in URL_IN_TEXT.findall(cell):
                    if carrier_kind(url):
                        found[url] = carrier_kind(url)
    return found


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://en.news-front.su/2024/03/16/x", "propaganda"),
        ("http://211.88.39.37/article/gb/tjsj/202212/644851.html", "bare IP address"),
        ("https://imgtest.mir24.tv/news/1", "test or staging host"),
        ("https://timesca.com/page/57/?id=34&option=com_banners&task=click", "ad-click or tracking URL"),
        ("https://example.org/a?utm_source=x", "ad-click or tracking URL"),
        ("https://tass.com/economy/1739823", ""),
        ("https://lite.mir24.tv/news/1", ""),
    ],
)
def test_the_deny_list_tells_kinds_apart(url: str, kind: str) -> None:
    assert carrier_kind(url) == kind


@pytest.mark.parametrize(
    "url",
    [
        "https://en.news-front.su/2024/03/16/x",
        "https://finance-rambler.ru/economics/1/",
        "http://211.88.39.37/article/1.html",
        "https://imgtest.mir24.tv/news/1",
        "https://example.org/?option=com_banners&task=click",
        "https://example.org/a?utm_medium=x",
    ],
)
def test_the_build_refuses_what_the_test_denies(url: str) -> None:
    assert denied_carrier(url)
    assert not denied_carrier("https://astanatimes.com/2025/01/kazakhstan-ranks-first/")


def test_trade_figures_cite_no_denied_carrier(trade: pd.DataFrame, sources: pd.DataFrame) -> None:
    assert offenders(trade, sources) == {}


BRIEF_SUMMARY = "glance-c51-brief-summary"


def test_no_table_cites_a_denied_carrier(sources: pd.DataFrame) -> None:
    """Every table, every cited id and every URL in a text cell (the brief's claims: see the module docstring)."""
    deals = helpers.load_deals()
    claims = deals["overlap_type"].eq("claim_of")
    assert not deals.loc[~claims, ["source_id", "other_source_ids"]].astype(str).apply(
        lambda column: column.str.contains(BRIEF_SUMMARY)
    ).any().any(), "only claim rows may cite the brief's own summary"
    brief = sources[sources["source_id"].ne(BRIEF_SUMMARY)]
    found = {"brief_claims.csv": offenders(helpers.load_brief_claims(), brief)}
    tables = {
        "trade.csv": helpers.load_trade(),
        "deals.csv": deals[~claims],
        "deal_events.csv": helpers.load_deal_events(),
        "deal_checks.csv": helpers.load_deal_checks(),
    }
    found |= {name: offenders(table, sources) for name, table in tables.items()}
    found["deals.csv (claim rows)"] = offenders(deals[claims], brief)
    assert {name: hits for name, hits in found.items() if hits} == {}


def test_every_source_names_its_originator_and_type(sources: pd.DataFrame) -> None:
    assert sources["originator"].fillna("").str.strip().ne("").all()
    assert set(sources["source_type"]) <= SOURCE_TYPES
    assert not (sources["originator"] == sources["source_id"]).any()


def test_agency_and_customs_figures_name_the_institution(trade: pd.DataFrame, sources: pd.DataFrame) -> None:
    by_id = sources.set_index("source_id")
    agency = {"KAZ": "Kazakhstan", "KGZ": "Kyrgyz", "UZB": "Uzbekistan", "TJK": "Tajikistan"}
    national = trade[(trade["dataset"] == "national_statistics") & trade["reporter"].isin(list(agency))]
    for row in national.itertuples():
        originator = by_id.at[row.source_id, "originator"]
        assert agency[row.reporter] in originator, (row.source_id, originator)
        assert "Statistic" in originator or "Bureau" in originator, (row.source_id, originator)
    customs = trade[(trade["dataset"] == "partner_records") & trade["note"].str.contains("GACC", na=False)]
    assert len(customs) > 0
    for row in customs.itertuples():
        assert "General Administration of Customs of China" in by_id.at[row.source_id, "originator"]
    assert by_id.at["imf-dots", "originator"] == "International Monetary Fund"
    assert by_id.at["imf-dots", "source_type"] == "intergovernmental"


def registry(originator: bool = True) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "source_id": ["imf", "page", "page2", "page3", "press"],
            "publisher": ["IMF", "Trend", "Astana Times", "24.kg", "Daily"],
            "title": ["DOTS", "Release", "Story", "Story 2", "Op-ed"],
            "url": [
                "https://imf.org",
                "https://trend.az/1",
                "https://astanatimes.com/1",
                "https://24.kg/1",
                "https://d.x/1",
            ],
            "published": ["", "2025", "2025", "2025", "2025"],
            "originator": [
                "IMF",
                "Statistics Agency of Uzbekistan",
                "Customs of China; IMF",
                "Customs of China",
                "Daily",
            ],
            "source_type": ["intergovernmental", *["official_statistics"] * 3, "press"],
        }
    )
    return frame if originator else frame.drop(columns=["originator", "source_type"])


def test_chart_source_line_names_originators_before_carriers() -> None:
    line = source_line(registry(), ["page", "page", "imf", "page2"])
    assert line.startswith("Statistics Agency of Uzbekistan; IMF; Customs of China")  # most used first
    assert line.index("Customs of China") < line.index("via Trend, Astana Times")
    assert "IMF (via" not in line  # a publisher that is its own originator is not a carrier
    assert source_line(registry(originator=False), ["page", "imf"]) == "Trend; IMF"


def test_chart_source_line_names_statistics_before_the_press() -> None:
    line = source_line(registry(), ["press", "press", "press", "imf"])
    assert line == "IMF; Daily"  # the press is named last however often it is cited


def test_chart_source_line_counts_what_it_leaves_out() -> None:
    line = source_line(registry(), ["page", "page2", "page3", "imf"], limit=2)
    assert line.startswith("Customs of China; IMF (via Trend, Astana Times and 1 more)")
    assert line.endswith("; and 1 more (see Sources)")


def test_sources_section_groups_by_originator() -> None:
    html = text.sources_table(registry(), ["page3", "page", "imf", "page2"]).data
    assert "<th>Produced by</th>" in html
    cells = re.findall(r"<tr><td>([^<]*)</td>", html)
    assert cells == sorted(cells)
    assert cells == ["Customs of China", "Customs of China; IMF", "IMF", "Statistics Agency of Uzbekistan"]
