"""Outcome indicators (成果指標): definitions, targets by plan phase and by year, yearly actuals.

Values are stored in thousandths of the indicator's unit (16.5% → 16500), so no float or
Numeric column is ever involved. A file of yearly figures is applied whole or not at all, and
a figure that is already recorded is only replaced when asked to; every change is recorded in
the audit trail.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from audit.domain import survey as domain
from audit.domain.catalog import ChangeKind
from audit.domain.fiscal_year import fiscal_year_of
from audit.domain.scoring import FieldError
from audit.domain.survey import (
    Direction,
    IndicatorEntry,
    IndicatorStatus,
    PhaseTarget,
    RowProblem,
    YearFigures,
)
from audit.models import Indicator, IndicatorPhaseTarget, IndicatorYear, User, utc_now
from audit.services import N_, ServiceError
from audit.services.audit_log import record_change

_CODE_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")
ALREADY_RECORDED = N_(
    "%(indicator)s already has another %(field)s for %(year)s: "
    "it is replaced only when you ask to replace it"
)


def to_milli(value: Decimal) -> int:
    """A value with at most three decimal places, in thousandths: 16.5 → 16500."""
    return int(value * 1000)


def from_milli(milli: int | None) -> Decimal | None:
    return Decimal(milli) / 1000 if milli is not None else None


def value_text(value: Decimal | None) -> str | None:
    """A value as the audit trail and comparisons hold it: 98.0 and 98 are both "98"."""
    return None if value is None else f"{value.normalize():f}"


class IndicatorRefused(Exception):
    """The file was not applied; ``problems`` says every reason, row by row."""

    def __init__(self, file_name: str, problems: Sequence[RowProblem]) -> None:
        self.file_name = file_name
        self.problems = sorted(problems, key=lambda p: p.row)
        super().__init__("\n".join(f"{file_name}: {p}" for p in self.problems))


class IndicatorInvalid(ServiceError):
    """What was entered in a form cannot be saved; ``errors`` names each field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(N_("the indicator cannot be saved"))
        self.errors = errors


# --- reading ----------------------------------------------------------------------------


def list_indicators(session: Session) -> list[Indicator]:
    return list(
        session.scalars(
            select(Indicator)
            .options(selectinload(Indicator.phase_targets), selectinload(Indicator.years))
            .order_by(Indicator.position, Indicator.id)
        )
    )


def get_indicator(session: Session, code: str) -> Indicator | None:
    return session.scalar(
        select(Indicator)
        .where(Indicator.code == code)
        .options(selectinload(Indicator.phase_targets), selectinload(Indicator.years))
    )


def phase_targets(indicator: Indicator) -> list[PhaseTarget]:
    return [
        PhaseTarget(p.phase, p.fiscal_year, Decimal(p.target_milli) / 1000)
        for p in indicator.phase_targets
    ]


def year_figures(row: IndicatorYear) -> YearFigures:
    return YearFigures(
        row.fiscal_year, from_milli(row.target_milli), from_milli(row.actual_milli), row.note
    )


@dataclass(frozen=True)
class IndicatorSummary:
    """An indicator as its page, the API and the CLI show it."""

    indicator: Indicator
    #: every year with a target or a figure, the phase targets placed in their years
    years: list[YearFigures]
    #: each plan phase's target with the figures of the year it is due
    phases: list[tuple[PhaseTarget, YearFigures]]

    def status(self, year: YearFigures) -> IndicatorStatus:
        return year.status(self.indicator.direction)

    @property
    def every_year(self) -> list[YearFigures]:
        """Every year from the first to the last, with empty ones where nothing is recorded."""
        by_year = {y.fiscal_year: y for y in self.years}
        if not by_year:
            return []
        return [by_year.get(y, YearFigures(y)) for y in range(min(by_year), max(by_year) + 1)]

    def phase_status(self, phase: PhaseTarget, year: YearFigures) -> IndicatorStatus:
        return domain.phase_status(phase, year, self.indicator.direction)


def summarize(indicator: Indicator) -> IndicatorSummary:
    phases = phase_targets(indicator)
    years = domain.indicator_years((year_figures(y) for y in indicator.years), phases)
    by_year = {y.fiscal_year: y for y in years}
    return IndicatorSummary(
        indicator, years, [(phase, by_year[phase.fiscal_year]) for phase in phases]
    )


# --- defining an indicator --------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorDefinition:
    """What a person enters to define an indicator; values are texts as typed."""

    code: str
    name_ja: str
    name_en: str = ""
    unit: str = ""
    direction: Direction = Direction.HIGHER
    #: decimal places the values are shown with
    places: int = 1
    definition_ja: str = ""
    definition_en: str = ""
    #: the target text entered for each plan phase; blank for none
    phase_targets: Mapping[int, str] = field(default_factory=dict)


def definition_values(row: Indicator) -> dict[str, Any]:
    """An indicator's definition as the audit trail records it and its form shows it."""
    return {
        "name_ja": row.name_ja,
        "name_en": row.name_en,
        "unit": row.unit,
        "direction": row.direction.value,
        "places": row.places,
        "definition_ja": row.definition_ja,
        "definition_en": row.definition_en,
        **{f"phase_{p.phase}": value_text(from_milli(p.target_milli)) for p in row.phase_targets},
    }


def save_indicator(
    session: Session, actor: User | None, definition: IndicatorDefinition
) -> Indicator:
    """Create an indicator, or change the one with the same code; the caller commits.

    :raises IndicatorInvalid: naming every field that is wrong.
    """
    errors = []
    code = definition.code.strip()
    if not code or len(code) > 32 or not set(code) <= _CODE_CHARACTERS:
        errors.append(
            FieldError("code", N_("use lower-case letters, digits, - and _ (at most 32)"))
        )
    if not 0 <= definition.places <= domain.VALUE_PLACES:
        errors.append(FieldError("places", N_("from 0 to %(max)s"), {"max": domain.VALUE_PLACES}))
    if not definition.name_ja.strip():
        errors.append(FieldError("name_ja", N_("a Japanese name is required")))
    targets: dict[int, Decimal] = {}
    for phase in domain.PLAN_PHASES:
        text = definition.phase_targets.get(phase, "").strip()
        if not text:
            continue
        value = domain.read_value(text, f"phase_{phase}")
        if isinstance(value, FieldError):
            errors.append(value)
        else:
            targets[phase] = value
    if errors:
        raise IndicatorInvalid(errors)
    row = get_indicator(session, code)
    before = definition_values(row) if row is not None else None
    if row is None:
        position = len(list_indicators(session))
        row = Indicator(code=code, position=position, phase_targets=[], years=[])
        session.add(row)
    row.name_ja, row.name_en = definition.name_ja.strip(), definition.name_en.strip()
    row.unit, row.direction = definition.unit.strip(), definition.direction
    row.places = definition.places
    row.definition_ja = definition.definition_ja.strip()
    row.definition_en = definition.definition_en.strip()
    existing = {p.phase: p for p in row.phase_targets}
    row.phase_targets = [
        existing.get(phase)
        or IndicatorPhaseTarget(phase=phase, fiscal_year=domain.PLAN_PHASES[phase])
        for phase in sorted(targets)
    ]
    for target in row.phase_targets:
        target.target_milli = to_milli(targets[target.phase])
    after = definition_values(row)
    if after != before:
        record_change(
            session,
            actor,
            "indicator.added" if before is None else "indicator.changed",
            "indicator",
            code,
            before,
            after,
        )
    session.flush()
    return row


# --- yearly figures ---------------------------------------------------------------------


def _year_values(row: IndicatorYear | None) -> dict[str, Any]:
    if row is None:
        return {"target": None, "actual": None, "note": ""}
    return {
        "target": value_text(from_milli(row.target_milli)),
        "actual": value_text(from_milli(row.actual_milli)),
        "note": row.note,
    }


def _write_year(
    session: Session,
    actor: User | None,
    indicator: Indicator,
    row: IndicatorYear | None,
    year: int,
    values: dict[str, Any],
) -> None:
    before = _year_values(row)
    if row is None:
        row = IndicatorYear(indicator_id=indicator.id, fiscal_year=year)
        indicator.years.append(row)
        session.add(row)
    row.target_milli = to_milli(Decimal(values["target"])) if values["target"] else None
    row.actual_milli = to_milli(Decimal(values["actual"])) if values["actual"] else None
    row.note = values["note"]
    row.updated_at, row.updated_by_id = utc_now(), actor.id if actor else None
    record_change(
        session,
        actor,
        "indicator.year",
        "indicator",
        f"{indicator.code} FY{year}",
        before,
        values,
    )


def _entry_values(entry: IndicatorEntry, row: IndicatorYear | None) -> dict[str, Any]:
    """The year's values once the row is applied: blanks leave what is stored."""
    values = _year_values(row)
    if entry.target is not None:
        values["target"] = value_text(entry.target)
    if entry.actual is not None:
        values["actual"] = value_text(entry.actual)
    elif entry.is_not_measured:
        values["actual"] = None
    if entry.note:
        values["note"] = entry.note
    return values


def _replaces(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The fields a change would overwrite: ones that held another value."""
    return [
        name
        for name in ("target", "actual", "note")
        if before[name] not in (None, "") and before[name] != after[name]
    ]


@dataclass(frozen=True)
class IndicatorChange:
    entry: IndicatorEntry
    kind: ChangeKind
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True)
class IndicatorPlan:
    file_name: str
    changes: list[IndicatorChange] = field(default_factory=list)
    unchanged: int = 0


def indicator_names(session: Session) -> dict[str, str]:
    names = {}
    for row in list_indicators(session):
        names.update({row.name_ja: row.code, row.name_en.lower(): row.code, row.code: row.code})
    names.pop("", None)
    return names


def check_file(
    session: Session, file_name: str, data: bytes, *, replace: bool, today: date | None = None
) -> IndicatorPlan:
    """Check a file of yearly figures against the indicators; list the changes.

    :raises IndicatorRefused: with every problem of every row.
    """
    last_year = fiscal_year_of(today or date.today())
    entries, problems = domain.parse_indicator_file(data, indicator_names(session), last_year)
    rows = {(i.code, y.fiscal_year): y for i in list_indicators(session) for y in i.years}
    changes, unchanged = [], 0
    for entry in entries:
        row = rows.get((entry.indicator, entry.fiscal_year))
        before = _year_values(row)
        after = _entry_values(entry, row)
        overwritten = _replaces(before, after)
        if before == after:
            unchanged += 1
        elif overwritten and not replace:
            problems.extend(
                RowProblem(
                    entry.row,
                    name,
                    ALREADY_RECORDED,
                    {"indicator": entry.indicator, "field": name, "year": f"FY{entry.fiscal_year}"},
                )
                for name in overwritten
            )
        else:
            kind = ChangeKind.ADDED if row is None else ChangeKind.CHANGED
            changes.append(IndicatorChange(entry, kind, before, after))
    if problems:
        raise IndicatorRefused(file_name, problems)
    return IndicatorPlan(file_name, changes, unchanged)


def import_file(
    session: Session,
    actor: User | None,
    file_name: str,
    data: bytes,
    *,
    replace: bool = False,
    today: date | None = None,
) -> IndicatorPlan:
    """Check a file of yearly figures and apply it whole; the caller commits.

    :raises IndicatorRefused: when any row has a problem; nothing is written then.
    """
    plan = check_file(session, file_name, data, replace=replace, today=today)
    indicators = {i.code: i for i in list_indicators(session)}
    for change in plan.changes:
        indicator = indicators[change.entry.indicator]
        row = next((y for y in indicator.years if y.fiscal_year == change.entry.fiscal_year), None)
        _write_year(session, actor, indicator, row, change.entry.fiscal_year, change.after)
    session.flush()
    return plan


def save_year(
    session: Session,
    actor: User | None,
    code: str,
    fiscal_year: str,
    target: str,
    actual: str,
    note: str,
    *,
    today: date | None = None,
) -> bool:
    """Set one year's target, actual and note as entered in the form; return whether it changed.

    The form shows what is stored, so what is posted replaces it; a blank actual with a note
    records that the indicator was not measured.

    :raises IndicatorInvalid: naming every field that is wrong.
    """
    last_year = fiscal_year_of(today or date.today())
    errors: list[FieldError] = []
    indicator = get_indicator(session, code)
    if indicator is None:
        errors.append(FieldError("indicator", N_("unknown indicator %(value)s"), {"value": code}))
    year = domain.read_fiscal_year(fiscal_year.strip(), last_year + domain.TARGET_HORIZON)
    if isinstance(year, FieldError):
        errors.append(year)
    elif actual.strip() and year > last_year:
        errors.append(FieldError("actual", N_("%(year)s has not begun"), {"year": f"FY{year}"}))
    values: dict[str, Any] = {"note": note.strip()}
    for name, text in (("target", target.strip()), ("actual", actual.strip())):
        value = domain.read_value(text, name) if text else None
        if isinstance(value, FieldError):
            errors.append(value)
        else:
            values[name] = value_text(value)
    if errors or indicator is None or isinstance(year, FieldError):
        raise IndicatorInvalid(errors)
    row = next((y for y in indicator.years if y.fiscal_year == year), None)
    before = _year_values(row)
    if before == values:
        return False
    _write_year(session, actor, indicator, row, year, values)
    session.flush()
    return True
