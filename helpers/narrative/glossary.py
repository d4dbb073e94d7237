"""The abbreviations readers meet in the reports, each spelled out: one home for the briefing's
glossary (and for any notebook that spells an abbreviation out at first use).

>>> spelled_out("DFC")
'US International Development Finance Corporation'
"""

from __future__ import annotations

# Abbreviation -> what it stands for, in the order the glossary shows them (alphabetical).
ABBREVIATIONS: dict[str, str] = {
    "C5+1": "the diplomatic format of the five Central Asian states plus the United States",
    "CSV": "comma-separated values (a table file that opens in any spreadsheet)",
    "DFC": "US International Development Finance Corporation",
    "DOTS": "Direction of Trade Statistics (the IMF's partner trade tables)",
    "EU27": "the European Union's 27 member states",
    "EXIM": "Export-Import Bank of the United States",
    "HHI": "Herfindahl-Hirschman index (a measure of how concentrated trade is among partners)",
    "IMF": "International Monetary Fund",
    "JV": "joint venture",
    "KTZ": "Kazakhstan Temir Zholy (Kazakhstan's state railway company)",
    "LoI": "letter of interest (a lender's or buyer's statement that it may take part, not a commitment)",
    "MoU": "memorandum of understanding (a statement of intent, not a binding contract)",
    "pp": "percentage points (the difference between two percentages)",
    "PPP": "public-private partnership",
    "UNGA": "United Nations General Assembly",
    "US": "United States",
    "US$ bn / US$ m": "billions / millions of US dollars",
}


def spelled_out(abbreviation: str) -> str:
    """What an abbreviation stands for; a ``KeyError`` naming the known ones if it is not listed."""
    try:
        return ABBREVIATIONS[abbreviation]
    except KeyError:
        raise KeyError(f"{abbreviation!r} is not in the glossary; known: {', '.join(ABBREVIATIONS)}") from None


def glossary() -> list[tuple[str, str]]:
    """The glossary as (abbreviation, meaning) pairs, in reading order.

    >>> glossary()[0][0]
    'C5+1'
    """
    return list(ABBREVIATIONS.items())
