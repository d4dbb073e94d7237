"""The one home of the project's codes: states, partners, flows, sides, datasets, stages, names.

Where ``data/datapackage.json`` declares a field's allowed values (``constraints.enum``), the code
list is read from there, so the descriptor and the analysis can never disagree; display names and
the orders used in charts live here too. Nothing else in the package lists these codes.
"""

from __future__ import annotations

from collections.abc import Sequence

import pycountry

from helpers.data import descriptor


class UnknownCodeError(ValueError):
    """A code (state, partner, flow, year, records choice...) that is not one of the valid ones.

    The message names the bad value and lists the valid ones; ``kind``, ``value`` and ``valid``
    hold them for code that wants to react.
    """

    def __init__(self, kind: str, value: object, valid: Sequence[object], hint: str = "") -> None:
        self.kind, self.value, self.valid = kind, value, tuple(valid)
        shown = ", ".join(map(str, self.valid))
        super().__init__(f"unknown {kind} {value!r}; valid: {shown}{hint}")


class UnknownStateError(UnknownCodeError):
    """A state code that is not one of the five Central Asian states."""


def field_enum(resource: str, field: str) -> tuple[str, ...]:
    """The allowed values of one descriptor field, in the descriptor's order (empty if none)."""
    for entry in descriptor()["resources"]:
        if entry["name"] != resource:
            continue
        for spec in entry.get("schema", {}).get("fields", []):
            if spec["name"] == field:
                return tuple(spec.get("constraints", {}).get("enum", ()))
    return ()


WORLD = "WLD"
OTHER = "OTHER"
COMBINED = "RUS+CHN"
WATCHED = ("RUS", "CHN", "USA")  # the realignment question: away from Russia and China, toward the US
STATES: tuple[str, ...] = field_enum("deals", "country")
PARTNERS: tuple[str, ...] = tuple(p for p in field_enum("trade", "partner") if p != WORLD)
FLOWS: tuple[str, ...] = field_enum("trade", "flow")
STAGES: tuple[str, ...] = field_enum("deals", "stage")
BINDING_STAGES = frozenset({"contract", "firm_order", "in_progress"})
# What a deal's number is (deals.value_measure): only these are a price of goods a state buys, so
# only these enter trade scenarios (project cost, financing, investment and package ceilings are not
# US exports; a contract that includes services or local assembly is not a price of US goods).
VALUE_MEASURES: tuple[str, ...] = field_enum("deals", "value_measure")
TRADE_MEASURES = frozenset({"contract_value", "official_estimate", "list_price"})
UNCONFIRMED = "unconfirmed"
IMF_DOTS = "imf_dots"  # the dataset of the IMF's Direction of Trade Statistics rows
# Without a ``dataset`` column, the dataset of a non-IMF row follows from its side.
DATASET_OF_SIDE = {"reporter": "national_statistics", "mirror": "partner_records", "statement": "statements"}

# The five states' names come from ISO 3166 (pycountry); the aggregates are the project's own.
COUNTRY_NAMES = {code: pycountry.countries.get(alpha_3=code).name for code in STATES}
COUNTRY_NAMES.update({"CA5": "Central Asia (5)", "CA4": "Central Asia (4, excl. TKM)"})
PARTNER_NAMES = {
    "RUS": "Russia",
    "CHN": "China",
    "USA": "United States",
    "EU27": "EU27",
    "TUR": "Türkiye",
    OTHER: "Rest of world",
    COMBINED: "Russia + China",
    WORLD: "World",
}
FLOW_WORDS = {"exports": "exports", "imports": "imports", "total": "total trade (exports + imports)"}
SIDE_WORDS = {
    "reporter": "the state's own records",
    "mirror": "the partner's records",
    "statement": "an official statement",
    "other": "another compilation",
}
# What the checked claims are (brief_claims.csv): a news summary of the summit's announcements.
ANNOUNCEMENTS = "the summit announcements as first reported"
DATASET_NAMES = {
    IMF_DOTS: "IMF DOTS",
    "national_statistics": "national statistics",
    "partner_records": "partner customs records",
    "statements": "official statements",
    "other": "other compilations",
}

# Every other code a reader may meet (sectors, instruments, stages, value bases, overlaps,
# confirmation, events), as words; a code not listed reads with its underscores as spaces.
CODE_WORDS = {
    "ai_semiconductors": "AI and semiconductors",
    "mou": "MoU",
    "loi": "LoI",
    "letter_of_interest": "letter of interest (LoI)",
    "statement_of_intent": "statement of intent",
    "range_max": "top of a range",
    "none": "no value stated",
    "part_of_umbrella": "part of an umbrella package",
    "same_project": "the same project as",
    "claim_of": "a claim, as first reported, about",
    "option_within": "an option within",
    "multi_source": "several sources",
    "single_source": "one source",
    "mou_signed": "MoU signed",
    "contract_value": "contract value",
    "official_estimate": "official estimate",
    "project_cost": "project cost",
    "includes_services": "includes services or local production",
    "financing_amount": "financing amount",
    "package_ceiling": "package ceiling",
    "likely_within": "probably part of",
    "target_set": "target set",
    "talks_held": "talks held",
    "loi_issued": "LoI issued",
    "imf_dots": "IMF DOTS",
    "goods+services": "goods and services",
    **{code: name for code, name in DATASET_NAMES.items() if code != "other"},
}


def words(code: object) -> str:
    """A code as a reader reads it, in the case it would have mid-sentence.

    >>> words("critical_minerals"), words("mou"), words("ai_semiconductors")
    ('critical minerals', 'MoU', 'AI and semiconductors')
    """
    text = str(code)
    return CODE_WORDS.get(text, text.replace("_", " "))


def label(code: object) -> str:
    """A code as a label or table cell: :func:`words` with a capital first letter.

    >>> label("aviation"), label("in_progress"), label("mou")
    ('Aviation', 'In progress', 'MoU')
    """
    text = words(code)
    return text[:1].upper() + text[1:]


def partner_name(code: str) -> str:
    """Display name of a partner code.

    >>> partner_name("CHN")
    'China'
    """
    return PARTNER_NAMES.get(code, code)


def country_name(code: str) -> str:
    """Display name of a Central Asian state or aggregate code.

    >>> country_name("KGZ")
    'Kyrgyzstan'
    """
    return COUNTRY_NAMES.get(code, code)


def source_label(dataset: str, side: str) -> str:
    """Plain-words label of a dataset and statistics side, for legends and hover text.

    >>> source_label("imf_dots", "mirror")
    "IMF DOTS, the partner's records"
    """
    return f"{DATASET_NAMES.get(dataset, dataset)}, {SIDE_WORDS.get(side, side)}"


def check_state(iso3: str) -> str:
    """Return ``iso3`` if it is one of the five states, else raise :class:`UnknownStateError`.

    >>> check_state("TJK")
    'TJK'
    """
    if iso3 not in STATES:
        raise UnknownStateError("state", iso3, STATES, _name_hint(iso3, COUNTRY_NAMES))
    return iso3


def check_code(kind: str, value: object, valid: Sequence[object]) -> object:
    """Return ``value`` if it is in ``valid``, else raise :class:`UnknownCodeError` naming both.

    >>> check_code("flow", "imports", FLOWS)
    'imports'
    >>> check_code("partner", "CHINA", PARTNERS)
    Traceback (most recent call last):
    ...
    helpers.codes.UnknownCodeError: unknown partner 'CHINA'; valid: RUS, CHN, USA, EU27, TUR (China is 'CHN')
    """
    if kind == "state":
        return check_state(str(value))
    if value not in valid:
        names = {**COUNTRY_NAMES, **PARTNER_NAMES}
        raise UnknownCodeError(kind, value, valid, _name_hint(value, {c: names[c] for c in valid if c in names}))
    return value


def check_codes(kind: str, values: Sequence[object], valid: Sequence[object]) -> list[object]:
    """Each of ``values`` checked by :func:`check_code`; the list back.

    >>> check_codes("partner", ["RUS", "CHN"], PARTNERS)
    ['RUS', 'CHN']
    """
    return [check_code(kind, value, valid) for value in values]


def _name_hint(value: object, names: dict) -> str:
    """`` (China is 'CHN')`` when ``value`` is a name rather than a code (any case), else ``""``."""
    text = str(value).strip().casefold()
    hits = [(name, code) for code, name in names.items() if name.casefold() == text or code.casefold() == text]
    return f" ({hits[0][0]} is {hits[0][1]!r})" if hits else ""
