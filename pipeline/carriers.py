"""Who may carry a figure: denied hosts (propaganda, aggregators, reprints, bare IPs, test or tracking URLs)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pandas as pd

# Carriers a trade figure must not rest on (issue 18): propaganda outlets, aggregators, reprint and
# content-farm sites, bare IP hosts, test or staging hosts, ad-click and tracking URLs. A figure whose
# only carrier is one of these leaves the product (dropped at input, logged; data/README.md lists the gaps).
DENIED_HOSTS: dict[str, str] = {
    "news-front.su": "propaganda outlet under EU sanctions",
    "finance-rambler.ru": "news aggregator",
    "news.novyny.live": "reprint of another outlet's analysis",
    "theworldnews.net": "news aggregator",
    "urdupoint.com": "news aggregator",
    "666dongdong.cn": "content farm",
    "pricecafe.net": "content farm",
    "zykjszfw.com": "content farm",
    "incomein.biz": "content farm",
    "eximtutor.com": "content farm",
    "dianli.yktworld.com": "reprint site",
    "whysw.org": "reprint site",
    "ohiominer.com": "reprint site",
    "standom.org": "reprint site",
    "kokshetau.asia": "reprint site",
    "turkmenistannewsgazette.com": "reprint site",
    "tradeleads.ru": "trade-leads aggregator",
    "ria24.today": "site imitating RIA Novosti",
}
TEST_HOST = re.compile(r"^(img)?(test|staging|stage|dev|beta)\d*\.", re.IGNORECASE)
TRACKING = re.compile(r"com_banners|task=click|[?&](utm_[a-z]+|fbclid|gclid)=", re.IGNORECASE)


def denied_carrier(url: str) -> str:
    """Why a URL may not carry a figure ('' when it may)."""
    parts = urlparse(url)
    host = (parts.hostname or "").lower()
    for denied, why in DENIED_HOSTS.items():
        if host == denied or host.endswith("." + denied):
            return why
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host):
        return "bare IP address"
    if TEST_HOST.match(host):
        return "test or staging host"
    if TRACKING.search(parts.query) or TRACKING.search(url):
        return "ad-click or tracking URL"
    return ""


def drop_denied(frame: pd.DataFrame, url_column: str, where: str) -> tuple[pd.DataFrame, list[str]]:
    """Input rows whose carrier is denied, removed and logged (their figures leave the product)."""
    why = frame[url_column].map(denied_carrier)
    log = [
        f"dropped ({reason}) {where}: {r.get('reporter_iso3', r.get('reporter'))} {r['partner']} {r['year']} "
        f"{r['flow']} {r[url_column]}"
        for reason, (_, r) in zip(why[why != ""], frame[why != ""].iterrows(), strict=True)
    ]
    return frame[why == ""], log
