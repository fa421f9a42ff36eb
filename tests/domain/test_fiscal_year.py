"""Japanese fiscal years (年度, April to March): which year a day falls in, labels, parsing."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.domain.fiscal_year import (
    english_label,
    fiscal_year_of,
    label,
    parse_fiscal_year,
    wareki_label,
)

DAYS = [
    # a fiscal year runs from 1 April to 31 March
    (date(2022, 4, 1), 2022),
    (date(2022, 12, 31), 2022),
    (date(2023, 1, 1), 2022),
    (date(2023, 3, 31), 2022),
    (date(2023, 4, 1), 2023),
    (date(2022, 3, 31), 2021),
    # a leap day belongs to the fiscal year that began the April before
    (date(2024, 2, 29), 2023),
]


@pytest.mark.parametrize(("day", "expected"), DAYS)
def test_fiscal_year_of(day, expected):
    assert fiscal_year_of(day) == expected


WAREKI = [
    (2022, "令和4年度"),
    (2020, "令和2年度"),
    # FY2019 began under Heisei but is called 令和元年度
    (2019, "令和元年度"),
    (2018, "平成30年度"),
    (1990, "平成2年度"),
    (1989, "平成元年度"),
    (1988, "昭和63年度"),
    (1926, "昭和元年度"),
]


@pytest.mark.parametrize(("fiscal_year", "expected"), WAREKI)
def test_wareki_label(fiscal_year, expected):
    assert wareki_label(fiscal_year) == expected


ENGLISH = [
    (2022, "FY2022 (Reiwa 4)"),
    (2019, "FY2019 (Reiwa 1)"),
    (2018, "FY2018 (Heisei 30)"),
    (1988, "FY1988 (Showa 63)"),
]


@pytest.mark.parametrize(("fiscal_year", "expected"), ENGLISH)
def test_english_label(fiscal_year, expected):
    assert english_label(fiscal_year) == expected


LABELS = [
    (2022, "ja", "令和4年度 (FY2022)"),
    (2022, "en", "FY2022 (Reiwa 4)"),
    (2019, "ja", "令和元年度 (FY2019)"),
    # any locale but English shows the Japanese label
    (2018, "fr", "平成30年度 (FY2018)"),
]


@pytest.mark.parametrize(("fiscal_year", "locale", "expected"), LABELS)
def test_label(fiscal_year, locale, expected):
    assert label(fiscal_year, locale) == expected


def test_a_year_before_showa_has_no_label():
    with pytest.raises(ValueError, match="before the Showa era"):
        wareki_label(1925)


PARSED = [
    # western years
    ("2022", 2022),
    ("FY2022", 2022),
    (" FY 2022 ", 2022),
    ("2022年度", 2022),
    # era abbreviations, either case
    ("R4", 2022),
    ("r4", 2022),
    ("R1", 2019),
    ("H30", 2018),
    ("H31", 2019),  # some offices kept 平成31年度 for FY2019
    ("h1", 1989),
    ("S63", 1988),
    # era names, with 元 for the first year
    ("令和4年度", 2022),
    ("令和4", 2022),
    ("令和元年度", 2019),
    ("平成30年度", 2018),
    ("平成元年度", 1989),
    ("昭和63年度", 1988),
]


@pytest.mark.parametrize(("text", "expected"), PARSED)
def test_parse_fiscal_year(text, expected):
    assert parse_fiscal_year(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "R0",
        "令和0年度",
        "令和",
        "R",
        "abc",
        "22",
        "FY22",
        "",
        "2022-23",
        "T10",
        "R4年",
        "H32",
        "昭和64年度",
    ],
)
def test_parse_fiscal_year_refuses(text):
    with pytest.raises(ValueError, match="not a fiscal year"):
        parse_fiscal_year(text)


@given(st.integers(min_value=1926, max_value=2100))
def test_labels_and_years_read_back(fiscal_year):
    assert parse_fiscal_year(wareki_label(fiscal_year)) == fiscal_year
    assert parse_fiscal_year(str(fiscal_year)) == fiscal_year
    assert parse_fiscal_year(f"FY{fiscal_year}") == fiscal_year
