"""Who produced each figure: the institution behind a trade row (agency, customs service, government), by source."""

from __future__ import annotations

import re

import pandas as pd

from pipeline.schema import RawDataError

KAZ_AGENCY = "Bureau of National Statistics of the Republic of Kazakhstan"
KGZ_AGENCY = "National Statistical Committee of the Kyrgyz Republic"
UZB_AGENCY = "Statistics Agency under the President of the Republic of Uzbekistan"
AGENCY_NAME = {  # the agencies' own names, as their publications' source rows give them
    "KAZ": KAZ_AGENCY,
    "KGZ": KGZ_AGENCY,
    "UZB": UZB_AGENCY,
    "TJK": "Agency on Statistics under the President of Tajikistan",
    "TKM": "State Committee of Turkmenistan on Statistics",
    "CA5": "Statistics agencies of the Central Asian states",
}
IMF_NAME = "International Monetary Fund"
PARTNER_ORIGINATORS = (
    (re.compile(r"GACC|China customs"), "General Administration of Customs of China", "official_statistics"),
    (re.compile(r"Eurostat|European Commission|EU statistics"), "Eurostat", "official_statistics"),
    (re.compile(r"US ?Census"), "US Census Bureau", "official_statistics"),
    (re.compile(r"TurkStat"), "TurkStat", "official_statistics"),
    (re.compile(r"Turkish Ministry of Trade"), "Ministry of Trade of Türkiye", "government"),
    (re.compile(r"TİM"), "Turkish Exporters Assembly (TİM)", "other"),
    (re.compile(r"Russian FCS"), "Federal Customs Service of Russia", "government"),
)
RUSSIA = ("Government of Russia", "government")
# Statements and compilations: who made the figure (from the research notes' outlet column).
STATED_BY: dict[str, tuple[str, str]] = {
    "qazinform-eu-invested-usd-200-bln-in-kazakhstan-over-past-20-years-2a0": (
        "Office of the President of Kazakhstan",
        "government",
    ),
    "caliber-russia-kazakhstan-bilateral-trade-grows-amid-west-s-sanctions": RUSSIA,
    "trend-3976018": ("Office of the President of Kazakhstan", "government"),
    "vestikavkaza-171966": RUSSIA,
    "ru-trend-4101832": ("Office of the President of Kazakhstan", "government"),
    "ru-trend-4101821": RUSSIA,
    "lite-mir24-tv-16583545": ("Government of Kazakhstan", "government"),
    "lite-mir24-tv-tovarooborot-mezhdu-rossiei-i-tadzhikistanom-v-2023-godu": RUSSIA,
    "1prime-2025-08-30-tokai-861478551": ("Office of the President of Kazakhstan", "government"),
    "1prime-2025-12-03-uzbekistan-865162050": ("Government of Uzbekistan", "government"),
    "timesca-china-central-asia-trade-nearly-triples-since-2020": ("Eurasian Development Bank", "intergovernmental"),
    "24-304858-akylbek-japarov-kyrgyzstan-and-russia-plan-to-increase-trade": (
        "Cabinet of Ministers of the Kyrgyz Republic",
        "government",
    ),
    "gazeta-2025-11-26-27270655": RUSSIA,
    "report-erdogan-turciya-i-kyrgyzstan-hotyat-dovesti-obem-tovarooborota": ("Presidency of Türkiye", "government"),
    "newscentralasia-2023-08-02-trapeznikov-turkmenistans-foreign-trade-vol": (
        "Independent observer (V. Trapeznikov)",
        "other",
    ),
    "business-turkmenistan-exports-114-billion-in-products": ("Office of the President of Turkmenistan", "government"),
    "daryo-2023-05-25-rossia-namerena-ukreplat-strategiceskoe-partnerstvo-s": RUSSIA,
    "bm-tovarooborot-mezdu-turkmenistanom-i-turciei-prevysil-15-mlrd-posol": (
        "Embassy of Türkiye in Turkmenistan",
        "government",
    ),
    "de-turkishnewsworld-der-handelsumsatz-zwischen-turkmenistan-und-der-tu": (
        "Embassy of Türkiye in Turkmenistan",
        "government",
    ),
    "nationalinterest-silk-road-rivalries": ("The National Interest (opinion piece; data source not stated)", "press"),
    "novini-bg-711481": ("Embassy of Türkiye in Uzbekistan", "government"),
    "daryo-2024-07-23-uzbekistan-trkiye-trade-turnover-drops-177-from-2022": (
        "Daryo (data source not stated)",
        "press",
    ),
    "uz-kursiv-2023-04-25-rossiya-va-markaziy-osiyo-davlatlari-o-rtasidagi": RUSSIA,
    "russiaspivottoasia-721": RUSSIA,
    "menafn-uzbekistans-trade-turnover-with-eu-continues-to-increase": ("Government of Uzbekistan", "government"),
    "thefederalnewswire-blinken-kazakhstan-economic-partnership": ("US Department of State", "government"),
}


def row_originator(row: pd.Series) -> tuple[str, str]:
    """The institution that produced a trade row's figure, and its kind."""
    if row["dataset"] == "imf_dots":
        return IMF_NAME, "intergovernmental"
    if row["dataset"] == "national_statistics":
        return AGENCY_NAME[row["reporter"]], "official_statistics"
    if row["dataset"] == "partner_records":
        for pattern, name, kind in PARTNER_ORIGINATORS:
            if pattern.search(row["note"]):
                return name, kind
    if row["source_id"] in STATED_BY:
        return STATED_BY[row["source_id"]]
    raise RawDataError(
        "trade.csv", None, None,
        f"no originator for {row['reporter']} {row['partner']} {row['year']} {row['flow']} ({row['source_id']}): "
        "name the institution in PARTNER_ORIGINATORS or STATED_BY",
    )  # fmt: skip


def originators(trade: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Per source: its originators ('; '-joined, most rows first) and the kind of the main one."""
    pairs = trade.apply(row_originator, axis=1, result_type="reduce")
    table = pd.DataFrame({"source_id": trade["source_id"], "pair": pairs})
    out: dict[str, tuple[str, str]] = {}
    for sid, grp in table.groupby("source_id", sort=True):
        counts = grp["pair"].value_counts()
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        names = list(dict.fromkeys(name for (name, _), _ in ranked))
        out[sid] = ("; ".join(names), ranked[0][0][1])
    return out
