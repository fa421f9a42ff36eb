"""The visitor interview survey (聞き取り調査) and the outcome indicators (成果指標).

A survey result is three counts of answers to 「本日は気持ちよく利用できましたか」: はい,
どちらでもない and いいえ. Satisfaction is (はい + どちらでもない) / answers and the top box is
はい / answers, each with its Wilson 95% interval. An office is judged against the target with
a visible tolerance (domain-notes §4.3): a ward's 300 answers cannot show 98% with confidence
without one. A survey that was not conducted has no counts and a note: a gap, never a zero.

An outcome indicator has targets by plan phase and by year, and yearly actuals; a year with a
note and no actual was not measured, which is neither achieved nor missed.

Files of results and of indicator figures are CSV. Every problem in a file is reported at once
with its row, numbered as a spreadsheet numbers it (the header is row 1), and its column.
"""

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from audit.domain.catalog import N_
from audit.domain.fiscal_year import parse_fiscal_year
from audit.domain.scoring import FieldError, Observed, wilson_interval

#: the satisfaction rate the city aims at (区役所利用者のサービス満足度: 98.0%以上)
DEFAULT_TARGET = Decimal("0.98")
#: how far below the target an interval's lower bound may reach and still count as met:
#: an observed 98% of 300 has a lower bound of 95.7%, so anything under 2.3 points could
#: never be met at a ward office (domain-notes §4.3)
DEFAULT_TOLERANCE = Decimal("0.025")
#: the plan phases (実施計画 第1期〜第3期) and the fiscal year each phase's target is for
PLAN_PHASES = {1: 2017, 2: 2021, 3: 2025}
#: the first fiscal year a result may be recorded for (平成元年度)
FIRST_YEAR = 1989
#: more answers than this at one office in one year is a typing mistake
MAX_COUNT = 100_000
#: an indicator value's absolute size and decimal places (stored in thousandths)
MAX_VALUE = Decimal(1_000_000)
VALUE_PLACES = 3
#: how many years ahead an indicator's target may be set (a plan phase runs four years)
TARGET_HORIZON = 10
#: the pooled figure's name where an office code would be
CITYWIDE = "citywide"

_WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d+(?:\.(?P<places>\d+))?$")


# --- reading CSV files ------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in a CSV file: its row (the header is row 1), column and message."""

    row: int
    column: str | None
    message: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message % self.params}"


def decode_text(data: bytes) -> str | None:
    """The text of a file in UTF-8 (with or without BOM) or cp932 (Excel's Shift_JIS).

    None for anything else. cp932 decodes almost any bytes, so a NUL byte, which no text in
    either has, is what gives away UTF-16 (Excel's "Unicode text").
    """
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read_table(
    data: bytes,
    required: Sequence[str],
    optional: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
) -> tuple[list[tuple[int, dict[str, str]]], list[RowProblem]]:
    """Read a CSV file with a header row into (row number, cells by column name) pairs.

    Column names are matched without case or surrounding blanks, and through ``aliases``
    (another spelling → the column's name: the Japanese headers a clerk writes); rows whose
    cells are all blank are skipped; a missing cell at the end of a row is blank.
    """
    text = decode_text(data)
    if text is None:
        return [], [RowProblem(1, None, N_("the file is neither UTF-8 nor Shift_JIS (cp932) text"))]
    records: list[list[str]] = []
    try:
        records.extend(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        return [], [
            RowProblem(len(records) + 1, None, N_("not CSV: %(error)s"), {"error": str(error)})
        ]
    if not records or not any(cell.strip() for cell in records[0]):
        return [], [
            RowProblem(
                1,
                None,
                N_("the first row must name the columns: %(columns)s"),
                {"columns": ",".join(required)},
            )
        ]
    header = [cell.strip().lower() for cell in records[0]]
    header = [(aliases or {}).get(name, name) for name in header]
    problems = [
        RowProblem(1, name, N_("the column is missing")) for name in required if name not in header
    ]
    known = set(required) | set(optional)
    for index, name in enumerate(header):
        if name and name not in known:
            problems.append(RowProblem(1, name, N_("unknown column")))
        elif name and name in header[:index]:
            problems.append(RowProblem(1, name, N_("the column appears twice")))
    if problems:
        return [], problems
    rows = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if any(cell.strip() for cell in cells[len(header) :]):
            problems.append(
                RowProblem(number, None, N_("the row has more cells than the header has columns"))
            )
            continue
        padded = cells + [""] * (len(header) - len(cells))
        row = {name: value.strip() for name, value in zip(header, padded, strict=False) if name}
        rows.append((number, {name: row.get(name, "") for name in (*required, *optional)}))
    return rows, problems


def read_fiscal_year(text: str, last_year: int, column: str = "fiscal_year") -> int | FieldError:
    """A fiscal year written as 2022, R4 or 令和4年度, from 平成元年度 up to ``last_year``."""
    try:
        year = parse_fiscal_year(text)
    except ValueError:
        return FieldError(
            column,
            N_("not a fiscal year: %(value)s (write 2022, R4 or 令和4年度)"),
            {"value": text or "—"},
        )
    if not FIRST_YEAR <= year <= last_year:
        return FieldError(
            column,
            N_("%(value)s is outside %(first)s to %(last)s"),
            {"value": text, "first": f"FY{FIRST_YEAR}", "last": f"FY{last_year}"},
        )
    return year


def _lookup(text: str, names: Mapping[str, str]) -> str | None:
    return names.get(text) or names.get(text.lower())


# --- survey counts and what they say ----------------------------------------------------


@dataclass(frozen=True)
class SurveyCounts:
    """The answers of one survey: はい, どちらでもない, いいえ."""

    yes: int
    neutral: int
    no: int

    @property
    def answers(self) -> int:
        return self.yes + self.neutral + self.no

    @property
    def satisfaction(self) -> Observed:
        """(はい + どちらでもない) / answers: the city's indicator counts neutral as satisfied."""
        return Observed(self.yes + self.neutral, self.answers)

    @property
    def top_box(self) -> Observed:
        """はい / answers: still moves once satisfaction is near 100%."""
        return Observed(self.yes, self.answers)

    def __add__(self, other: "SurveyCounts") -> "SurveyCounts":
        return SurveyCounts(self.yes + other.yes, self.neutral + other.neutral, self.no + other.no)


def pool(counts: Iterable[SurveyCounts | None]) -> SurveyCounts | None:
    """The answers of several surveys together; surveys not conducted add nothing.

    None when none was conducted: a year without surveys has no figure, not 0%.
    """
    conducted = [c for c in counts if c is not None]
    if not conducted:
        return None
    total = conducted[0]
    for more in conducted[1:]:
        total = total + more
    return total


class TargetStatus(StrEnum):
    """The 95% interval's verdict on the target: how sure the comparison is."""

    MET = "met"  # the interval's lower bound is within the tolerance of the target
    CONSISTENT = "consistent"  # the interval holds the target
    BELOW = "below"  # the whole interval lies below the target


class TargetComparison(StrEnum):
    """The observed rate against the target, plainly: what a headline says first."""

    AT_OR_ABOVE = "at_or_above"  # 目標以上
    BELOW = "below"  # 目標未満


@dataclass(frozen=True)
class SatisfactionTarget:
    """The target rate and the tolerance that says how an interval is judged against it."""

    rate: Decimal = DEFAULT_TARGET
    tolerance: Decimal = DEFAULT_TOLERANCE

    @property
    def threshold(self) -> Decimal:
        """The lowest lower bound that still counts as met."""
        return self.rate - self.tolerance

    def status_of(self, observed: Observed) -> TargetStatus:
        """Below when the whole interval lies under the target (whatever the tolerance);
        met when its lower bound reaches target − tolerance; else consistent with it."""
        interval = observed.interval
        if interval.high < self.rate:
            return TargetStatus.BELOW
        if interval.low >= self.threshold:
            return TargetStatus.MET
        return TargetStatus.CONSISTENT

    def compare(self, observed: Observed) -> TargetComparison:
        """At or above the target when the observed rate reaches it, else below."""
        return (
            TargetComparison.AT_OR_ABOVE if observed.rate >= self.rate else TargetComparison.BELOW
        )

    def is_for_reference(self, observed: Observed) -> bool:
        """Too few answers for the interval ever to show the target met: even all of them
        satisfied would leave the lower bound under target − tolerance (at 98% and 2.5
        points, fewer than 82), so the interval's verdict is for reference only."""
        trials = observed.trials
        return wilson_interval(trials, trials).low < self.threshold


@dataclass(frozen=True)
class SurveyFigures:
    """One office's survey in one fiscal year (or the city's, pooled), judged against a target.

    ``counts`` is None when the survey was not conducted; ``note`` then says why.
    """

    office: str
    fiscal_year: int
    counts: SurveyCounts | None
    note: str = ""
    target: SatisfactionTarget = SatisfactionTarget()

    @property
    def is_conducted(self) -> bool:
        return self.counts is not None

    @property
    def satisfaction(self) -> Observed | None:
        return self.counts.satisfaction if self.counts else None

    @property
    def top_box(self) -> Observed | None:
        return self.counts.top_box if self.counts else None

    @property
    def status(self) -> TargetStatus | None:
        return self.target.status_of(self.counts.satisfaction) if self.counts else None

    @property
    def comparison(self) -> TargetComparison | None:
        return self.target.compare(self.counts.satisfaction) if self.counts else None

    @property
    def is_for_reference(self) -> bool:
        return self.counts is not None and self.target.is_for_reference(self.counts.satisfaction)


def read_count(text: str, column: str) -> int | FieldError:
    """A count of answers: a whole number from 0 to MAX_COUNT."""
    if not _WHOLE_NUMBER.match(text):
        return FieldError(column, N_("must be a whole number, not %(value)s"), {"value": text})
    value = int(text)
    if value < 0:
        return FieldError(column, N_("must be 0 or more, not %(value)s"), {"value": text})
    if value > MAX_COUNT:
        return FieldError(column, N_("must be at most %(max)s"), {"max": MAX_COUNT})
    return value


def check_counts(
    yes: str, neutral: str, no: str, note: str
) -> tuple[SurveyCounts | None, list[FieldError]]:
    """Read the three counts as entered; all three blank with a note means not conducted.

    :returns: the counts (None when not conducted) and every problem, each naming its field.
    """
    cells = {"yes": yes.strip(), "neutral": neutral.strip(), "no": no.strip()}
    blank = [name for name, text in cells.items() if not text]
    if len(blank) == len(cells):
        if note.strip():
            return None, []
        return None, [
            FieldError(
                "note",
                N_("no counts: if the survey was not conducted, say why in the note"),
            )
        ]
    errors = [
        FieldError(
            name,
            N_("give all three counts, or none of them and a note if the survey was not conducted"),
        )
        for name in blank
    ]
    values = {}
    for name, text in cells.items():
        if text:
            value = read_count(text, name)
            if isinstance(value, FieldError):
                errors.append(value)
            else:
                values[name] = value
    if errors:
        return None, errors
    counts = SurveyCounts(**values)
    if counts.answers == 0:
        return None, [
            FieldError(
                "yes, neutral, no",
                N_(
                    "the answers add up to 0: a survey without answers was not conducted; "
                    "leave the counts blank and say why in the note"
                ),
            )
        ]
    return counts, []


# --- survey files -----------------------------------------------------------------------

SURVEY_COLUMNS = ("office", "fiscal_year", "yes", "neutral", "no")
SURVEY_OPTIONAL_COLUMNS = ("note",)


@dataclass(frozen=True)
class SurveyEntry:
    """One row of a survey file, checked: an office's result for a year, or why there is none."""

    row: int
    office: str
    fiscal_year: int
    counts: SurveyCounts | None
    note: str = ""


def parse_survey_file(
    data: bytes, offices: Mapping[str, str], last_year: int
) -> tuple[list[SurveyEntry], list[RowProblem]]:
    """Read a survey file; every problem in it is returned, with its row and column.

    :param offices: office code for every accepted spelling (the code, the names).
    :param last_year: the latest fiscal year a result may be for (the current one).
    """
    rows, problems = read_table(data, SURVEY_COLUMNS, SURVEY_OPTIONAL_COLUMNS)
    entries = []
    first_row: dict[tuple[str, int], int] = {}
    for number, cells in rows:
        errors: list[FieldError] = []
        office = _lookup(cells["office"], offices)
        if office is None:
            errors.append(
                FieldError("office", N_("unknown office %(value)s"), {"value": cells["office"]})
            )
        year = read_fiscal_year(cells["fiscal_year"], last_year)
        if isinstance(year, FieldError):
            errors.append(year)
        counts, count_errors = check_counts(
            cells["yes"], cells["neutral"], cells["no"], cells["note"]
        )
        errors.extend(count_errors)
        if office is not None and isinstance(year, int):
            if (office, year) in first_row:
                errors.append(
                    FieldError(
                        "office",
                        N_("%(office)s, %(year)s appears twice: also in row %(row)s"),
                        {"office": office, "year": f"FY{year}", "row": first_row[(office, year)]},
                    )
                )
            else:
                first_row[(office, year)] = number
        problems.extend(RowProblem(number, e.field, e.message, e.params) for e in errors)
        if not errors and office is not None and isinstance(year, int):
            entries.append(SurveyEntry(number, office, year, counts, cells["note"]))
    if not rows and not problems:
        problems.append(RowProblem(2, None, N_("there are no rows after the header")))
    return entries, problems


# --- outcome indicators -----------------------------------------------------------------


class Direction(StrEnum):
    HIGHER = "higher"  # the higher the better: the target is a floor
    LOWER = "lower"  # the lower the better: the target is a ceiling


class IndicatorStatus(StrEnum):
    ACHIEVED = "achieved"
    NOT_ACHIEVED = "not_achieved"
    NO_TARGET = "no_target"  # an actual, but no target for that year
    NOT_MEASURED = "not_measured"  # no actual, and a note saying why
    NO_FIGURE = "no_figure"  # nothing recorded yet


def format_value(value: Decimal | None, places: int = 1) -> str:
    """An indicator value for people, with a fixed number of places: 48 → '48.0'; None → '—'."""
    if value is None:
        return "—"
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"


def is_achieved(actual: Decimal, target: Decimal, direction: Direction) -> bool:
    return actual >= target if direction == Direction.HIGHER else actual <= target


@dataclass(frozen=True)
class PhaseTarget:
    """The target of one plan phase (第n期), for the phase's last fiscal year."""

    phase: int
    fiscal_year: int
    target: Decimal


@dataclass(frozen=True)
class YearFigures:
    """One year of an indicator: its own target, the phase target due that year, the actual."""

    fiscal_year: int
    target: Decimal | None = None
    actual: Decimal | None = None
    note: str = ""
    phase_target: PhaseTarget | None = None

    @property
    def target_in_force(self) -> Decimal | None:
        """The year's own target, else the target of the plan phase that ends that year."""
        if self.target is not None:
            return self.target
        return self.phase_target.target if self.phase_target else None

    def status(self, direction: Direction) -> IndicatorStatus:
        if self.actual is None:
            return IndicatorStatus.NOT_MEASURED if self.note.strip() else IndicatorStatus.NO_FIGURE
        target = self.target_in_force
        if target is None:
            return IndicatorStatus.NO_TARGET
        if is_achieved(self.actual, target, direction):
            return IndicatorStatus.ACHIEVED
        return IndicatorStatus.NOT_ACHIEVED


def phase_status(phase: PhaseTarget, year: YearFigures, direction: Direction) -> IndicatorStatus:
    """A plan phase's target against the actual of the year it is due."""
    return YearFigures(year.fiscal_year, phase.target, year.actual, year.note).status(direction)


def indicator_years(
    years: Iterable[YearFigures], phases: Iterable[PhaseTarget]
) -> list[YearFigures]:
    """Every year with a figure or a target, the phase targets placed in their years, in order."""
    by_year = {y.fiscal_year: y for y in years}
    for phase in phases:
        year = by_year.get(phase.fiscal_year, YearFigures(phase.fiscal_year))
        by_year[phase.fiscal_year] = YearFigures(
            year.fiscal_year, year.target, year.actual, year.note, phase
        )
    return [by_year[y] for y in sorted(by_year)]


def read_value(text: str, column: str) -> Decimal | FieldError:
    """An indicator value: a number with at most three decimal places; a trailing % is allowed."""
    number = text.removesuffix("%").strip()
    match = _DECIMAL.match(number)
    if match is None:
        return FieldError(column, N_("must be a number, not %(value)s"), {"value": text})
    value = Decimal(number)
    if len(match["places"] or "") > VALUE_PLACES:
        return FieldError(
            column,
            N_("at most %(places)s decimal places, not %(value)s"),
            {"places": VALUE_PLACES, "value": text},
        )
    if abs(value) >= MAX_VALUE:
        return FieldError(column, N_("must be less than %(max)s"), {"max": MAX_VALUE})
    return value


INDICATOR_COLUMNS = ("indicator", "fiscal_year")
INDICATOR_OPTIONAL_COLUMNS = ("target", "actual", "note")


@dataclass(frozen=True)
class IndicatorEntry:
    """One row of an indicator file: what to set for one indicator in one year.

    A blank target leaves the year's target as it is; a blank actual with a note records that
    the indicator was not measured; a blank actual without a note leaves the actual as it is.
    """

    row: int
    indicator: str
    fiscal_year: int
    target: Decimal | None
    actual: Decimal | None
    note: str = ""

    @property
    def is_not_measured(self) -> bool:
        return self.actual is None and bool(self.note)


def parse_indicator_file(
    data: bytes, indicators: Mapping[str, str], last_year: int
) -> tuple[list[IndicatorEntry], list[RowProblem]]:
    """Read a file of yearly indicator figures; every problem is returned with row and column.

    :param indicators: indicator code for every accepted spelling (the code, the names).
    :param last_year: the latest fiscal year an actual may be for; targets may lie ahead.
    """
    rows, problems = read_table(data, INDICATOR_COLUMNS, INDICATOR_OPTIONAL_COLUMNS)
    entries = []
    first_row: dict[tuple[str, int], int] = {}
    for number, cells in rows:
        errors: list[FieldError] = []
        code = _lookup(cells["indicator"], indicators)
        if code is None:
            errors.append(
                FieldError(
                    "indicator", N_("unknown indicator %(value)s"), {"value": cells["indicator"]}
                )
            )
        # Targets are set years ahead; actuals only for years that have begun.
        year = read_fiscal_year(cells["fiscal_year"], last_year + TARGET_HORIZON)
        if isinstance(year, FieldError):
            errors.append(year)
        elif cells["actual"] and year > last_year:
            errors.append(FieldError("actual", N_("%(year)s has not begun"), {"year": f"FY{year}"}))
        values: dict[str, Decimal | None] = {}
        for name in ("target", "actual"):
            value = read_value(cells[name], name) if cells[name] else None
            if isinstance(value, FieldError):
                errors.append(value)
            else:
                values[name] = value
        if not (cells["target"] or cells["actual"] or cells["note"]):
            errors.append(
                FieldError("target", N_("nothing to record: give a target, an actual or a note"))
            )
        if code is not None and isinstance(year, int):
            if (code, year) in first_row:
                errors.append(
                    FieldError(
                        "indicator",
                        N_("%(indicator)s, %(year)s appears twice: also in row %(row)s"),
                        {"indicator": code, "year": f"FY{year}", "row": first_row[(code, year)]},
                    )
                )
            else:
                first_row[(code, year)] = number
        problems.extend(RowProblem(number, e.field, e.message, e.params) for e in errors)
        if not errors and code is not None and isinstance(year, int):
            entries.append(
                IndicatorEntry(
                    number, code, year, values["target"], values["actual"], cells["note"]
                )
            )
    if not rows and not problems:
        problems.append(RowProblem(2, None, N_("there are no rows after the header")))
    return entries, problems
