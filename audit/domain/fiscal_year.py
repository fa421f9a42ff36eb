"""Japanese fiscal years (年度, April to March) and their era labels (和暦)."""

import re
from datetime import date

# (first fiscal year of the era, era name in Japanese, in romaji, one-letter abbreviation).
# A fiscal year takes the era in force on its first day, with one exception the national
# government made: FY2019 began under Heisei (April 2019) but is called 令和元年度.
ERAS = (
    (2019, "令和", "Reiwa", "R"),
    (1989, "平成", "Heisei", "H"),
    (1926, "昭和", "Showa", "S"),
)
#: the last year of each closed era that may be written: some offices kept 平成31年度 for FY2019
_LAST_ERA_YEAR = {"平成": 31, "昭和": 63}

_ERA_BY_KEY = {key: (first, ja) for first, ja, _en, abbr in ERAS for key in (ja, abbr.lower())}
_YEAR_PATTERN = re.compile(
    r"^\s*(?:FY)?\s*(?P<western>\d{4})\s*(?:年度)?\s*$"
    r"|^\s*(?P<era>令和|平成|昭和|[RHSrhs])\s*(?P<n>\d{1,2}|元)\s*(?:年度)?\s*$",
)


def fiscal_year_of(day: date) -> int:
    """Return the fiscal year a day belongs to: 1 April 2022 to 31 March 2023 is FY2022."""
    return day.year if day.month >= 4 else day.year - 1


def era_of(fiscal_year: int) -> tuple[str, str, int]:
    """Return (era in Japanese, era in romaji, year of the era) for a fiscal year."""
    for first, ja, en, _abbr in ERAS:
        if fiscal_year >= first:
            return ja, en, fiscal_year - first + 1
    raise ValueError(f"fiscal year {fiscal_year} is before the Showa era")


def wareki_label(fiscal_year: int) -> str:
    """Return the Japanese label: 2022 → 令和4年度, 2019 → 令和元年度, 2018 → 平成30年度."""
    era, _en, n = era_of(fiscal_year)
    return f"{era}{'元' if n == 1 else n}年度"


def short_label(fiscal_year: int) -> str:
    """Return the era abbreviation, as charts and tables use it: 2021 → R3, 2018 → H30."""
    _ja, en, n = era_of(fiscal_year)
    abbreviation = next(abbr for _first, _ja, name, abbr in ERAS if name == en)
    return f"{abbreviation}{n}"


def english_label(fiscal_year: int) -> str:
    """Return the English label: 2022 → FY2022 (Reiwa 4)."""
    _ja, era, n = era_of(fiscal_year)
    return f"FY{fiscal_year} ({era} {n})"


def label(fiscal_year: int, locale: str) -> str:
    """Return how a fiscal year is shown: 令和4年度 (FY2022), or FY2022 (Reiwa 4) in English."""
    if locale == "en":
        return english_label(fiscal_year)
    return f"{wareki_label(fiscal_year)} (FY{fiscal_year})"


def parse_fiscal_year(text: str) -> int:
    """Read a fiscal year written as 2022, FY2022, R4, 令和4年度 or 令和元年度.

    :raises ValueError: when the text is none of those.
    """
    match = _YEAR_PATTERN.match(text)
    if match is None:
        raise ValueError(f"not a fiscal year: {text!r}")
    if match["western"]:
        return int(match["western"])
    first, era = _ERA_BY_KEY[match["era"].lower()]
    n = 1 if match["n"] == "元" else int(match["n"])
    if not 1 <= n <= _LAST_ERA_YEAR.get(era, 99):
        raise ValueError(f"not a fiscal year: {text!r}")
    return first + n - 1
