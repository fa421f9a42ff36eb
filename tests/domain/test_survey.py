"""The visitor survey and outcome indicators: figures, intervals, status, and reading files."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest

from audit.domain.scoring import FieldError, Observed, percent
from audit.domain.survey import (
    DEFAULT_TARGET,
    DEFAULT_TOLERANCE,
    MAX_COUNT,
    Direction,
    IndicatorStatus,
    PhaseTarget,
    RowProblem,
    SatisfactionTarget,
    SurveyCounts,
    SurveyEntry,
    SurveyFigures,
    TargetComparison,
    TargetStatus,
    YearFigures,
    check_counts,
    decode_text,
    format_value,
    indicator_years,
    parse_indicator_file,
    parse_survey_file,
    phase_status,
    pool,
    read_value,
)

OFFICES = {
    "kawasaki": "kawasaki",
    "川崎区役所": "kawasaki",
    "kawasaki ward office": "kawasaki",
    "daishi": "daishi",
    "saiwai": "saiwai",
}
THIS_YEAR = 2026
HEADER = "office,fiscal_year,yes,neutral,no,note\n"


def parse(text: str, encoding: str = "utf-8") -> tuple[list[SurveyEntry], list[RowProblem]]:
    return parse_survey_file(text.encode(encoding), OFFICES, THIS_YEAR)


def where(problems: list[RowProblem]) -> list[tuple[int, str | None]]:
    return [(p.row, p.column) for p in problems]


# --- the figures and their intervals ----------------------------------------------------


def test_defaults_are_the_citys_target_and_the_notes_tolerance():
    target = SatisfactionTarget()
    assert (target.rate, target.tolerance) == (Decimal("0.98"), Decimal("0.025"))
    assert target.threshold == Decimal("0.955")


def test_satisfaction_counts_neutral_answers_and_the_top_box_does_not():
    counts = SurveyCounts(yes=290, neutral=6, no=4)
    assert counts.answers == 300
    assert counts.satisfaction == Observed(296, 300)
    assert counts.top_box == Observed(290, 300)


@pytest.mark.parametrize("answers", [50, 300])
@pytest.mark.parametrize("measure", ["satisfaction", "top_box"])
def test_every_interval_at_the_surveys_sizes_agrees_with_scipy(answers, measure):
    """Every possible result of a branch office (50) and a ward office (300), 0 and n included."""
    for successes in range(answers + 1):
        if measure == "satisfaction":
            counts = SurveyCounts(yes=successes // 2, neutral=successes - successes // 2, no=0)
            counts = SurveyCounts(counts.yes, counts.neutral, answers - successes)
        else:
            counts = SurveyCounts(yes=successes, neutral=0, no=answers - successes)
        observed = getattr(counts, measure)
        assert (observed.successes, observed.trials) == (successes, answers)
        reference = binomtest(successes, answers).proportion_ci(method="wilson")
        assert float(observed.interval.low) == pytest.approx(reference.low, abs=1e-9)
        assert float(observed.interval.high) == pytest.approx(reference.high, abs=1e-9)
        if successes == 0:
            assert observed.interval.low == 0
        if successes == answers:
            assert observed.interval.high == 1


KNOWN = [
    # (はい, どちらでもない, いいえ, satisfaction, low, high) as shown (domain-notes §4.1)
    (290, 4, 6, "98.0%", "95.7%", "99.1%"),
    (285, 6, 9, "97.0%", "94.4%", "98.4%"),
    (300, 0, 0, "100.0%", "98.7%", "100.0%"),
    (48, 1, 1, "98.0%", "89.5%", "99.6%"),
    (50, 0, 0, "100.0%", "92.9%", "100.0%"),
]


@pytest.mark.parametrize(("yes", "neutral", "no", "rate", "low", "high"), KNOWN)
def test_known_intervals(yes, neutral, no, rate, low, high):
    satisfaction = SurveyCounts(yes, neutral, no).satisfaction
    shown = (percent(satisfaction.rate), percent(satisfaction.interval.low))
    assert shown == (rate, low)
    assert percent(satisfaction.interval.high) == high


# --- status against the target ----------------------------------------------------------

STATUSES = [
    # (satisfied, answers, tolerance, expected)
    (294, 300, DEFAULT_TOLERANCE, TargetStatus.MET),  # 98.0%: lower bound 95.7% ≥ 95.5%
    (293, 300, DEFAULT_TOLERANCE, TargetStatus.CONSISTENT),  # 97.7%: lower bound 95.3%
    (291, 300, DEFAULT_TOLERANCE, TargetStatus.CONSISTENT),  # 97.0%: 94.4–98.4% holds 98%
    (285, 300, DEFAULT_TOLERANCE, TargetStatus.BELOW),  # 95.0%: 92.0–97.0%, all under 98%
    (50, 50, DEFAULT_TOLERANCE, TargetStatus.CONSISTENT),  # a branch cannot show more alone
    (49, 50, DEFAULT_TOLERANCE, TargetStatus.CONSISTENT),
    (44, 50, DEFAULT_TOLERANCE, TargetStatus.BELOW),  # 88%: 76.2–94.4%
    (147, 150, DEFAULT_TOLERANCE, TargetStatus.CONSISTENT),  # three pooled years of a branch
    # a big sample at 97%: 96.3–97.6%, inside the tolerance yet wholly under the target
    (2910, 3000, DEFAULT_TOLERANCE, TargetStatus.BELOW),
    # without a tolerance 98% of 300 is not met; only a lower bound at 98% is
    (294, 300, Decimal(0), TargetStatus.CONSISTENT),
    (300, 300, Decimal(0), TargetStatus.MET),
]


@pytest.mark.parametrize(("satisfied", "answers", "tolerance", "expected"), STATUSES)
def test_status_against_the_target(satisfied, answers, tolerance, expected):
    target = SatisfactionTarget(DEFAULT_TARGET, tolerance)
    assert target.status_of(Observed(satisfied, answers)) == expected


COMPARISONS = [
    # (satisfied, answers, plainly against 98%, for reference only)
    (49, 49, TargetComparison.AT_OR_ABOVE, True),  # 100%, though its interval is wide
    (297, 300, TargetComparison.AT_OR_ABOVE, False),  # 99.0%
    (294, 300, TargetComparison.AT_OR_ABOVE, False),  # exactly 98.0%
    (293, 300, TargetComparison.BELOW, False),
    (48, 50, TargetComparison.BELOW, True),  # 96%
    (81, 81, TargetComparison.AT_OR_ABOVE, True),  # lower bound 95.5% just under 95.5%
    (82, 82, TargetComparison.AT_OR_ABOVE, False),  # the fewest answers that could show it
]


@pytest.mark.parametrize(("satisfied", "answers", "comparison", "reference"), COMPARISONS)
def test_the_plain_comparison_leads_and_few_answers_are_for_reference(
    satisfied, answers, comparison, reference
):
    figures = SurveyFigures("x", 2022, SurveyCounts(satisfied, 0, answers - satisfied))
    assert (figures.comparison, figures.is_for_reference) == (comparison, reference)


def test_all_satisfied_of_49_is_not_below_99_percent_of_300():
    """The verdict of the interval ranks 49/49 under 297/300; the plain comparison must not."""
    few, many = (SurveyFigures("x", 2022, SurveyCounts(*c)) for c in ((49, 0, 0), (297, 0, 3)))
    assert (few.status, many.status) == (TargetStatus.CONSISTENT, TargetStatus.MET)
    assert few.comparison == many.comparison == TargetComparison.AT_OR_ABOVE


def test_a_survey_not_conducted_has_no_comparison():
    figures = SurveyFigures("x", 2020, None, "not conducted")
    assert (figures.comparison, figures.is_for_reference) == (None, False)


@st.composite
def samples(draw) -> tuple[int, int]:
    answers = draw(st.integers(1, 3000))
    return draw(st.integers(0, answers)), answers


@settings(deadline=None)
@given(
    samples(),
    st.decimals(min_value="0.5", max_value="1", places=3),
    st.decimals(min_value="0", max_value="0.1", places=3),
)
def test_status_follows_the_interval(sample, rate, tolerance):
    observed = Observed(*sample)
    target = SatisfactionTarget(rate, tolerance)
    status = target.status_of(observed)
    interval = observed.interval
    assert (status == TargetStatus.BELOW) == (interval.high < rate)
    if status == TargetStatus.MET:
        assert interval.low >= rate - tolerance
    if status == TargetStatus.CONSISTENT:
        assert interval.low < rate - tolerance <= rate <= interval.high


# --- missing is not zero ----------------------------------------------------------------


def test_a_survey_not_conducted_has_no_figures_and_no_status():
    figures = SurveyFigures("kawasaki", 2020, None, "新型コロナウイルス感染症のため未実施")
    assert not figures.is_conducted
    assert (figures.satisfaction, figures.top_box, figures.status) == (None, None, None)


def test_pooling_adds_answers_and_leaves_out_surveys_not_conducted():
    pooled = pool([SurveyCounts(290, 6, 4), None, SurveyCounts(48, 1, 1)])
    assert pooled == SurveyCounts(338, 7, 5)
    assert pooled.satisfaction == Observed(345, 350)


@pytest.mark.parametrize("counts", [[], [None], [None, None]])
def test_pooling_nothing_conducted_is_no_figure_not_zero(counts):
    assert pool(counts) is None


# --- the counts as entered --------------------------------------------------------------

COUNTS = [
    # (yes, neutral, no, note, counts, fields with a problem)
    ("290", "6", "4", "", SurveyCounts(290, 6, 4), []),
    (" 290 ", "０", "4", "", SurveyCounts(290, 0, 4), []),  # blanks and full-width digits
    ("0", "0", "5", "", SurveyCounts(0, 0, 5), []),  # everyone said いいえ: 0%, a real zero
    ("", "", "", "新型コロナウイルス感染症のため未実施", None, []),  # not conducted
    ("", "", "", "", None, ["note"]),  # not conducted needs its reason
    ("", "", "", "  ", None, ["note"]),
    ("290", "", "4", "", None, ["neutral"]),
    ("290", "", "", "note", None, ["neutral", "no"]),
    ("-1", "6", "4", "", None, ["yes"]),
    ("12.5", "6", "4", "", None, ["yes"]),
    ("abc", "x", "4", "", None, ["yes", "neutral"]),
    ("1e3", "6", "4", "", None, ["yes"]),
    ("290", "6", str(MAX_COUNT + 1), "", None, ["no"]),
    ("0", "0", "0", "", None, ["yes, neutral, no"]),  # zero answers: not conducted, not 0%
]


@pytest.mark.parametrize(("yes", "neutral", "no", "note", "counts", "fields"), COUNTS)
def test_check_counts(yes, neutral, no, note, counts, fields):
    result, errors = check_counts(yes, neutral, no, note)
    assert result == counts
    assert [e.field for e in errors] == fields
    assert all(isinstance(e, FieldError) and e.message for e in errors)


# --- survey files -----------------------------------------------------------------------


def test_a_good_file_in_every_spelling_of_office_and_year():
    entries, problems = parse(
        HEADER
        + "kawasaki,2022,290,6,4,\n"
        + "川崎区役所,R3,291,5,4,\n"
        + "Kawasaki Ward Office,令和2年度,,,,新型コロナウイルス感染症のため未実施\n"
        + "daishi,令和元年度,48,1,1,一部の日のみ\n"
    )
    assert problems == []
    assert entries == [
        SurveyEntry(2, "kawasaki", 2022, SurveyCounts(290, 6, 4)),
        SurveyEntry(3, "kawasaki", 2021, SurveyCounts(291, 5, 4)),
        SurveyEntry(4, "kawasaki", 2020, None, "新型コロナウイルス感染症のため未実施"),
        SurveyEntry(5, "daishi", 2019, SurveyCounts(48, 1, 1), "一部の日のみ"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        (HEADER + "川崎区役所,令和4年度,290,6,4,備考\n").encode("utf-8"),
        (HEADER + "川崎区役所,令和4年度,290,6,4,備考\n").encode("utf-8-sig"),
        (HEADER + "川崎区役所,令和4年度,290,6,4,備考\n").encode("cp932"),
        (HEADER + "川崎区役所,令和4年度,290,6,4,備考\n").replace("\n", "\r\n").encode("cp932"),
    ],
    ids=["utf-8", "utf-8 with BOM", "cp932", "cp932 with CRLF"],
)
def test_encodings(data):
    entries, problems = parse_survey_file(data, OFFICES, THIS_YEAR)
    assert problems == []
    assert entries == [SurveyEntry(2, "kawasaki", 2022, SurveyCounts(290, 6, 4), "備考")]


def test_the_note_column_is_optional_and_columns_may_come_in_any_order():
    entries, problems = parse("NO, Yes ,office,neutral,fiscal_year\n4,290,kawasaki,6,2022\n")
    assert problems == []
    assert entries == [SurveyEntry(2, "kawasaki", 2022, SurveyCounts(290, 6, 4))]


ROW_ERRORS = [
    # (rows after the header, the problems as (row, column))
    ("nowhere,2022,290,6,4,\n", [(2, "office")]),
    (",2022,290,6,4,\n", [(2, "office")]),
    ("kawasaki,2022,-3,6,4,\n", [(2, "yes")]),
    ("kawasaki,2022,290,6.5,4,\n", [(2, "neutral")]),
    ("kawasaki,2022,290,6,four,\n", [(2, "no")]),
    ("kawasaki,2022,0,0,0,\n", [(2, "yes, neutral, no")]),
    ("kawasaki,2022,,,,\n", [(2, "note")]),
    ("kawasaki,2022,290,,4,\n", [(2, "neutral")]),
    ("kawasaki,FY22,290,6,4,\n", [(2, "fiscal_year")]),
    ("kawasaki,,290,6,4,\n", [(2, "fiscal_year")]),
    ("kawasaki,2030,290,6,4,\n", [(2, "fiscal_year")]),  # has not begun
    ("kawasaki,1988,290,6,4,\n", [(2, "fiscal_year")]),
    ("kawasaki,2022,290,6,4,\nkawasaki,R4,1,2,3,\n", [(3, "office")]),  # the same year twice
    ("kawasaki,2022,290,6,4,,extra\n", [(2, None)]),
    # every bad row of a file, each with its column
    (
        "kawasaki,2022,290,6,4,\n"
        "nowhere,2022,-1,6,4,\n"
        "saiwai,2022,0,0,0,\n"
        "daishi,R9,1,2,,\n"
        "kawasaki,令和4年度,290,6,4,\n",
        [
            (3, "office"),
            (3, "yes"),
            (4, "yes, neutral, no"),
            (5, "fiscal_year"),
            (5, "no"),
            (6, "office"),
        ],
    ),
]


@pytest.mark.parametrize(("rows", "expected"), ROW_ERRORS)
def test_every_bad_row_is_reported_with_its_row_and_column(rows, expected):
    entries, problems = parse(HEADER + rows)
    assert where(problems) == expected
    bad_rows = {row for row, _column in expected}
    assert all(entry.row not in bad_rows for entry in entries)


def test_blank_rows_are_skipped_but_keep_the_numbering():
    entries, problems = parse(HEADER + "\n,,,,,\nkawasaki,2022,290,6,-4,\n")
    assert entries == []
    assert where(problems) == [(4, "no")]


def test_messages_name_the_value_and_read_in_english():
    _entries, problems = parse(HEADER + "kawasaki,2022,-3,6,4,\nnowhere,2022,1,1,1,\n")
    assert [str(p) for p in problems] == [
        "row 2, column yes: must be 0 or more, not -3",
        "row 3, column office: unknown office nowhere",
    ]


def test_a_duplicate_names_the_first_row():
    _entries, problems = parse(HEADER + "kawasaki,2022,1,1,1,\nkawasaki,R4,1,1,1,\n")
    assert str(problems[0]) == "row 3, column office: kawasaki, FY2022 appears twice: also in row 2"


FILE_ERRORS = [
    # (file, the problems as (row, column))
    ("", [(1, None)]),
    ("\n\n", [(1, None)]),
    (HEADER, [(2, None)]),  # a header and nothing else
    ("office,fiscal_year,yes,no\nkawasaki,2022,1,1\n", [(1, "neutral")]),
    (HEADER.replace("note", "remarks"), [(1, "remarks")]),
    (HEADER.replace("note", "office"), [(1, "office")]),
    (HEADER + 'kawasaki,2022,"290,6,4,\n', [(2, None)]),  # an unclosed quote
]


@pytest.mark.parametrize(("text", "expected"), FILE_ERRORS)
def test_a_file_that_cannot_be_read_says_where(text, expected):
    entries, problems = parse(text)
    assert entries == []
    assert where(problems) == expected


def test_a_file_in_another_encoding_is_refused():
    data = (HEADER + "川崎区役所,2022,1,1,1,\n").encode("utf-16")
    assert decode_text(data) is None
    entries, problems = parse_survey_file(data, OFFICES, THIS_YEAR)
    assert entries == []
    assert str(problems[0]) == "row 1: the file is neither UTF-8 nor Shift_JIS (cp932) text"


@settings(deadline=None, max_examples=50)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["kawasaki", "daishi", "saiwai", "nowhere"]),
            st.integers(2015, 2030),
            st.integers(-2, 400),
            st.integers(-2, 40),
            st.integers(-2, 40),
        ),
        max_size=12,
    )
)
def test_a_file_either_reads_whole_or_names_the_rows_that_do_not(rows):
    text = HEADER + "".join(f"{o},{y},{a},{b},{c},\n" for o, y, a, b, c in rows)
    entries, problems = parse(text)
    assert len(entries) + len({p.row for p in problems}) == len(rows) or not rows
    for entry in entries:
        office, year, yes, neutral, no = rows[entry.row - 2]
        assert (entry.office, entry.fiscal_year) == (office, year)
        assert entry.counts == SurveyCounts(yes, neutral, no)


# --- outcome indicators -----------------------------------------------------------------

YEAR_STATUSES = [
    # (target, actual, note, phase target, direction, expected)
    ("98", "98.2", "", None, Direction.HIGHER, IndicatorStatus.ACHIEVED),
    ("98", "98", "", None, Direction.HIGHER, IndicatorStatus.ACHIEVED),  # on the target
    ("98", "97.9", "", None, Direction.HIGHER, IndicatorStatus.NOT_ACHIEVED),
    ("30", "25", "", None, Direction.LOWER, IndicatorStatus.ACHIEVED),
    ("30", "31", "", None, Direction.LOWER, IndicatorStatus.NOT_ACHIEVED),
    (None, "97.1", "第1期策定時", None, Direction.HIGHER, IndicatorStatus.NO_TARGET),
    ("98", None, "未実施", None, Direction.HIGHER, IndicatorStatus.NOT_MEASURED),
    ("98", None, "", None, Direction.HIGHER, IndicatorStatus.NO_FIGURE),
    # the phase target counts where the year has none of its own
    (None, "48.0", "", "20", Direction.HIGHER, IndicatorStatus.ACHIEVED),
    (None, "6", "", "7", Direction.HIGHER, IndicatorStatus.NOT_ACHIEVED),
    # the year's own target rules its year
    ("14", "16.5", "", "85", Direction.HIGHER, IndicatorStatus.ACHIEVED),
]


@pytest.mark.parametrize(
    ("target", "actual", "note", "phase", "direction", "expected"), YEAR_STATUSES
)
def test_year_status(target, actual, note, phase, direction, expected):
    year = YearFigures(
        2021,
        Decimal(target) if target else None,
        Decimal(actual) if actual else None,
        note,
        PhaseTarget(2, 2021, Decimal(phase)) if phase else None,
    )
    assert year.status(direction) == expected


def test_a_phase_is_judged_against_its_own_target():
    year = YearFigures(2021, Decimal(20), Decimal("19.5"))
    assert year.status(Direction.HIGHER) == IndicatorStatus.NOT_ACHIEVED
    phase = PhaseTarget(2, 2021, Decimal(19))
    assert phase_status(phase, year, Direction.HIGHER) == IndicatorStatus.ACHIEVED
    assert phase_status(phase, YearFigures(2021), Direction.HIGHER) == IndicatorStatus.NO_FIGURE


def test_phase_targets_take_their_place_among_the_years():
    phases = [PhaseTarget(1, 2017, Decimal(7)), PhaseTarget(2, 2021, Decimal(20))]
    years = indicator_years(
        [YearFigures(2021, Decimal(20), Decimal(48)), YearFigures(2018, Decimal(14))], phases
    )
    assert [y.fiscal_year for y in years] == [2017, 2018, 2021]
    assert years[0] == YearFigures(2017, phase_target=phases[0])
    assert years[2].phase_target == phases[1]
    assert years[2].actual == Decimal(48)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16.5", Decimal("16.5")),
        ("98%", Decimal(98)),
        (" 48.0 ", Decimal("48.0")),
        ("-2.125", Decimal("-2.125")),
        ("1.2345", "decimal places"),
        ("abc", "must be a number"),
        ("1,000", "must be a number"),
        ("1000000", "less than"),
    ],
)
def test_read_value(text, expected):
    value = read_value(text.strip(), "actual")
    if isinstance(expected, Decimal):
        assert value == expected
    else:
        assert isinstance(value, FieldError)
        assert expected in value.message


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal(48), 1, "48.0"),
        (Decimal("99.05"), 1, "99.1"),
        (Decimal("1E+2"), 0, "100"),
        (None, 1, "—"),
    ],
)
def test_format_value(value, places, shown):
    assert format_value(value, places) == shown


INDICATORS = {
    "satisfaction": "satisfaction",
    "mynumber": "mynumber",
    "マイナンバーカード交付率": "mynumber",
}
INDICATOR_HEADER = "indicator,fiscal_year,target,actual,note\n"


def test_an_indicator_file():
    entries, problems = parse_indicator_file(
        (
            INDICATOR_HEADER
            + "mynumber,H30,14,16.5,\n"
            + "satisfaction,R2,98,,新型コロナウイルス感染症のため未実施\n"
            + "マイナンバーカード交付率,2030,85,,\n"  # a target may lie ahead
        ).encode("cp932"),
        INDICATORS,
        THIS_YEAR,
    )
    assert problems == []
    assert [(e.indicator, e.fiscal_year, e.target, e.actual) for e in entries] == [
        ("mynumber", 2018, Decimal(14), Decimal("16.5")),
        ("satisfaction", 2020, Decimal(98), None),
        ("mynumber", 2030, Decimal(85), None),
    ]
    assert entries[1].is_not_measured
    assert not entries[2].is_not_measured


def test_every_bad_row_of_an_indicator_file():
    entries, problems = parse_indicator_file(
        (
            INDICATOR_HEADER
            + "nothing,2021,1,1,\n"
            + "mynumber,2021,x,48.0001,\n"
            + "mynumber,2030,,50,\n"  # an actual for a year that has not begun
            + "mynumber,2019,,,\n"
            + "mynumber,2020,18,30.9,\n"
            + "mynumber,R2,,31,\n"
        ).encode(),
        INDICATORS,
        THIS_YEAR,
    )
    assert [e.row for e in entries] == [6]
    assert where(problems) == [
        (2, "indicator"),
        (3, "target"),
        (3, "actual"),
        (4, "actual"),
        (5, "target"),
        (7, "indicator"),
    ]
