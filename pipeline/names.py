"""The name mapping: a partner name or code of an agency's table to an ISO 3166 alpha-3 code or an aggregate."""

# ruff: noqa: RUF001, RUF002  (Russian names and en dashes in the agencies' tables are meant)
from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

import pycountry

# The 27 current EU members (since 1 Feb 2020): the one definition of EU27 used by the build.
EU27_MEMBERS = (
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL",
    "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE",
)  # fmt: skip
DIRECT_PARTNERS = ("RUS", "CHN", "USA", "TUR")
WORLD = "WLD"
OTHER = "other"  # a residual the agency could not allocate to a country (part of the world total)

# Rows that are not one country. "total" is the world total; "group" a region or bloc (a subtotal
# of country rows); OTHER a residual that belongs to the world total but to no country.
AGGREGATES: dict[str, str] = {
    "всего": "total",
    "всего в том числе": "total",
    "страны снг": "group",
    "снг": "group",
    "страны еаэс": "group",
    "еаэс": "group",
    "страны вне еаэс": "group",
    "остальные страны мира": "group",
    "европа": "group",
    "страны ес": "group",
    "ес": "group",
    "страны вне ес": "group",
    "азия": "group",
    "америка": "group",
    "африка": "group",
    "австралия и океания": "group",
    "шос": "group",
    "неопределенная страна": OTHER,
    "европейский союз (ес)": OTHER,  # EU, member not stated (KGZ imports)
    "оон": OTHER,  # United Nations as a counterpart (KGZ imports)
    "нормандские острова": OTHER,  # Jersey + Guernsey: no single ISO code
}
# Country names pycountry cannot resolve (older names, short forms, misspellings in the files).
NAME_VARIANTS: dict[str, str] = {
    "россия": "RUS",
    "кыргызстан": "KGZ",
    "великобритания": "GBR",
    "молдова": "MDA",
    "македония": "MKD",
    "республика македония": "MKD",
    "китай (сар гонконг)": "HKG",
    "корея (кндр)": "PRK",
    "лаосская народно-демократическая республика": "LAO",
    "ливийская арабская джамахирия": "LBY",
    "свазиленд": "SWZ",
    "заир": "COD",
    "цар": "CAF",
    "юар": "ZAF",
    "котд ивуар": "CIV",
    "котд'ивуар": "CIV",
    "боствана": "BWA",
    "буркино фасо": "BFA",
    "бруней": "BRN",
    "буве": "BVT",
    "восточное самоа": "ASM",
    "кокосовые осторова": "CCK",
    "ирак, республика ирак": "IRQ",
    "сен-бартелеми": "BLM",
    "нидерландские антильские острова": "ANT",
    "малые тихоокеан. отдаленные остроа сша": "UMI",
    "малые тихоокеан. отдален. острова сша": "UMI",
    "малые тихоокеан.отдален.ост-ва с.ш.": "UMI",
    "южн.джорджия и южн.сандвич.острова": "SGS",
    "французкие южные территории": "ATF",
    "тайвань. китайская провинция": "TWN",
    "республика латвия": "LVA",
    "корея, народно демократическая республика": "PRK",
    "коморские острова": "COM",
    "тимор лесте": "TLS",
    "майотта": "MYT",
    "остров святой елены": "SHN",
    "британская территория в индийском океане": "IOT",
    "острова теркс и кайкос": "TCA",
    "уоллис и футуна": "WLF",
    "северные марианские острова": "MNP",
    "американское самоа": "ASM",
    "кокосовые (килинг) острова": "CCK",
    "черногория (монтенегро)": "MNE",
    "питкерн": "PCN",
    "микронезия, федеративные штаты": "FSM",
    "фолклендские острова (мальвинские)": "FLK",
    "макао (макао)": "MAC",
    "ангилья": "AIA",
    "ангилья (брит.)": "AIA",
    "виргинские острова (брит.)": "VGB",
    "британско-виргинские острова": "VGB",
}
# ISO numeric codes withdrawn from ISO 3166-1 that the Uzbek tables still use.
NUMERIC_VARIANTS: dict[str, str] = {"736": "SDN", "530": "ANT"}  # Sudan before 2011, Netherlands Antilles
# Parenthesised notes that name the owning state of a territory, e.g. "Гибралтар (Брит.)".
OWNER_NOTES = re.compile(r"\s*\((брит\.|сша|н\.зел\.|китай)\)$")


@dataclass
class NameLog:
    """How each distinct partner name was resolved (for the build report)."""

    by_pycountry: set[str] = field(default_factory=set)
    by_table: set[str] = field(default_factory=set)
    aggregates: set[str] = field(default_factory=set)
    twice: set[str] = field(default_factory=set)  # minor partners listed twice (their rows are added)


NAMES = NameLog()


def normalise(name: str) -> str:
    """Lower case, no accents or NBSP, ё -> е, single spaces."""
    text = unicodedata.normalize("NFD", name.replace("\xa0", " ")).replace("\u0301", "")  # stress marks
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    text = re.sub(r"\s*[-–—]\s*", " ", text)  # "Бруней-Даруссалам" = "Бруней Даруссалам"
    return re.sub(r"\s+", " ", text).strip()


@cache
def russian_names() -> dict[str, str]:
    """pycountry's Russian country names (name, official and common name) -> ISO3."""
    translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            english = getattr(country, attr, None)
            if english:
                index.setdefault(normalise(translation.gettext(english)), country.alpha_3)
    for country in pycountry.historic_countries:  # e.g. Netherlands Antilles
        index.setdefault(normalise(translation.gettext(country.name)), country.alpha_3)
    return index


def _pycountry_iso3(russian: str, english: str | None) -> str | None:
    """ISO3 via pycountry: the Russian name (as is, owner note removed, 'A, B' turned round), then English."""
    names = russian_names()
    key = normalise(russian)
    candidates = [key, OWNER_NOTES.sub("", key)]
    if "," in key:
        head, tail = (p.strip() for p in key.split(",", 1))
        candidates += [f"{tail} {head}", f"{head} ({tail})", head]
    inner = re.fullmatch(r".*\((.+)\)", key)
    if inner and not OWNER_NOTES.search(key):
        candidates.append(inner.group(1))
    for candidate in candidates:
        if candidate in names:
            return names[candidate]
    if english:
        try:
            return pycountry.countries.lookup(english.strip()).alpha_3
        except LookupError:
            return None
    return None


@cache
def classify(russian: str, english: str | None = None) -> tuple[str, str]:
    """(kind, code) of a partner name: ('country', ISO3), ('total'|'group'|OTHER, name) or ('unknown', name)."""
    key = normalise(russian)
    aggregates = {normalise(k): v for k, v in AGGREGATES.items()}
    variants = {normalise(k): v for k, v in NAME_VARIANTS.items()}
    if key in aggregates:
        NAMES.aggregates.add(russian.strip())
        return aggregates[key], key
    found = _pycountry_iso3(russian, english)
    if found:
        NAMES.by_pycountry.add(russian.strip())
        return "country", found
    if key in variants:
        NAMES.by_table.add(russian.strip())
        return "country", variants[key]
    return "unknown", key
