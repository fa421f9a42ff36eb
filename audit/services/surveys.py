"""The visitor survey: importing and entering results, and the figures pages, PDFs and the API show.

A file is applied whole or not at all. An office-year that already has other results is only
replaced when asked to, and every addition or replacement is recorded in the audit trail.
Missing is not zero: an office with no result, or a survey not conducted, has no figure.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.domain import survey as domain
from audit.domain.catalog import ChangeKind
from audit.domain.fiscal_year import fiscal_year_of
from audit.domain.scoring import FieldError
from audit.domain.survey import (
    RowProblem,
    SatisfactionTarget,
    SurveyCounts,
    SurveyEntry,
    SurveyFigures,
)
from audit.models import Office, SurveyResult, User, utc_now
from audit.services import N_, ServiceError, catalog
from audit.services.audit_log import record_change
from audit.services.scope import visible_office_ids

#: how many conducted years an office's pooled figure takes (domain-notes §4.3: branch offices)
POOLED_YEARS = 3
ALREADY_RECORDED = N_(
    "%(office)s already has other results for %(year)s: "
    "they are replaced only when you ask to replace them"
)


class SurveyRefused(Exception):
    """The file was not applied; ``problems`` says every reason, row by row."""

    def __init__(self, file_name: str, problems: Sequence[RowProblem]) -> None:
        self.file_name = file_name
        self.problems = sorted(problems, key=lambda p: p.row)
        super().__init__("\n".join(f"{file_name}: {p}" for p in self.problems))


class SurveyInvalid(ServiceError):
    """What was entered in the form cannot be saved; ``errors`` names each field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(N_("the survey result cannot be saved"))
        self.errors = errors


class SurveyExists(ServiceError):
    """The office already has other results for the year, and replacing was not asked for."""


@dataclass(frozen=True)
class SurveyChange:
    """What applying one row of a file would do to the office-year's stored result."""

    entry: SurveyEntry
    kind: ChangeKind
    before: dict[str, Any] | None = None

    @property
    def after(self) -> dict[str, Any]:
        return _values(self.entry.counts, self.entry.note)


@dataclass(frozen=True)
class SurveyPlan:
    """A checked file and what applying it would change."""

    file_name: str
    changes: list[SurveyChange] = field(default_factory=list)
    unchanged: int = 0


def _values(counts: SurveyCounts | None, note: str) -> dict[str, Any]:
    """A result as the audit trail records it."""
    return {
        "yes": counts.yes if counts else None,
        "neutral": counts.neutral if counts else None,
        "no": counts.no if counts else None,
        "note": note,
    }


def _row_values(row: SurveyResult) -> dict[str, Any]:
    return {"yes": row.yes, "neutral": row.neutral, "no": row.no, "note": row.note}


def counts_of(row: SurveyResult) -> SurveyCounts | None:
    if row.yes is None or row.neutral is None or row.no is None:
        return None
    return SurveyCounts(row.yes, row.neutral, row.no)


def office_names(session: Session) -> dict[str, str]:
    """Every spelling of an office a file may use: its code, its Japanese and English names."""
    names = {}
    for office in catalog.list_offices(session):
        names.update({office.name_ja: office.code, office.name_en.lower(): office.code})
        names[office.code] = office.code
    names.pop("", None)
    return names


def _existing(session: Session, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    wanted = set(keys)
    if not wanted:
        return {}
    rows = session.scalars(
        select(SurveyResult).where(SurveyResult.fiscal_year.in_({year for _o, year in wanted}))
    )
    return {
        (r.office.code, r.fiscal_year): r for r in rows if (r.office.code, r.fiscal_year) in wanted
    }


def check_file(
    session: Session, file_name: str, data: bytes, *, replace: bool, today: date | None = None
) -> SurveyPlan:
    """Check a survey file against the offices and the stored results; list the changes.

    :raises SurveyRefused: with every problem of every row.
    """
    last_year = fiscal_year_of(today or date.today())
    entries, problems = domain.parse_survey_file(data, office_names(session), last_year)
    existing = _existing(session, ((e.office, e.fiscal_year) for e in entries))
    changes, unchanged = [], 0
    for entry in entries:
        row = existing.get((entry.office, entry.fiscal_year))
        if row is None:
            changes.append(SurveyChange(entry, ChangeKind.ADDED))
            continue
        before = _row_values(row)
        if before == _values(entry.counts, entry.note):
            unchanged += 1
        elif replace:
            changes.append(SurveyChange(entry, ChangeKind.CHANGED, before))
        else:
            problems.append(
                RowProblem(
                    entry.row,
                    "office",
                    ALREADY_RECORDED,
                    {"office": entry.office, "year": f"FY{entry.fiscal_year}"},
                )
            )
    if problems:
        raise SurveyRefused(file_name, problems)
    return SurveyPlan(file_name, changes, unchanged)


def import_file(
    session: Session,
    actor: User | None,
    file_name: str,
    data: bytes,
    *,
    replace: bool = False,
    today: date | None = None,
) -> SurveyPlan:
    """Check a survey file and apply it whole; the caller commits.

    :raises SurveyRefused: when any row has a problem; nothing is written then.
    """
    plan = check_file(session, file_name, data, replace=replace, today=today)
    offices = {o.code: o for o in catalog.list_offices(session)}
    existing = _existing(session, ((c.entry.office, c.entry.fiscal_year) for c in plan.changes))
    for change in plan.changes:
        entry = change.entry
        _write(
            session,
            actor,
            offices[entry.office],
            entry.fiscal_year,
            entry.counts,
            entry.note,
            existing.get((entry.office, entry.fiscal_year)),
            source=file_name.replace("\\", "/").rsplit("/", 1)[-1][:200],
        )
    session.flush()
    return plan


def save_result(
    session: Session,
    actor: User,
    office_code: str,
    fiscal_year: str,
    cells: dict[str, str],
    *,
    replace: bool = False,
    today: date | None = None,
) -> ChangeKind | None:
    """Save one office-year entered in the form; return what changed (None: nothing).

    :param cells: the texts entered for yes, neutral, no and note.
    :raises SurveyInvalid: naming every field that is wrong.
    :raises SurveyExists: when the office-year has other results and ``replace`` is off.
    """
    errors = []
    office = catalog.get_office(session, office_code)
    if office is None:
        errors.append(FieldError("office", N_("unknown office %(value)s"), {"value": office_code}))
    year = domain.read_fiscal_year(fiscal_year.strip(), fiscal_year_of(today or date.today()))
    if isinstance(year, FieldError):
        errors.append(year)
    note = cells.get("note", "").strip()
    counts, count_errors = domain.check_counts(
        cells.get("yes", ""), cells.get("neutral", ""), cells.get("no", ""), note
    )
    errors.extend(count_errors)
    if errors or office is None or isinstance(year, FieldError):
        raise SurveyInvalid(errors)
    row = session.scalar(
        select(SurveyResult).where(
            SurveyResult.office_id == office.id, SurveyResult.fiscal_year == year
        )
    )
    if row is not None and _row_values(row) == _values(counts, note):
        return None
    if row is not None and not replace:
        raise SurveyExists(
            N_("%(office)s already has other results for %(year)s: tick Replace to replace them"),
            office=office.code,
            year=f"FY{year}",
        )
    _write(session, actor, office, year, counts, note, row, source="form")
    session.flush()
    return ChangeKind.ADDED if row is None else ChangeKind.CHANGED


def _write(
    session: Session,
    actor: User | None,
    office: Office,
    year: int,
    counts: SurveyCounts | None,
    note: str,
    row: SurveyResult | None,
    *,
    source: str,
) -> None:
    before = _row_values(row) if row is not None else None
    if row is None:
        row = SurveyResult(office_id=office.id, fiscal_year=year)
        session.add(row)
    row.yes, row.neutral, row.no = (
        (counts.yes, counts.neutral, counts.no) if counts else (None, None, None)
    )
    row.note, row.source = note, source
    row.updated_at, row.updated_by_id = utc_now(), actor.id if actor else None
    record_change(
        session,
        actor,
        "survey.added" if before is None else "survey.replaced",
        "survey",
        f"{office.code} FY{year}",
        before,
        _values(counts, note),
    )


# --- the figures ------------------------------------------------------------------------


def survey_target(config: Mapping[str, Any]) -> SatisfactionTarget:
    """The target and tolerance from the app's settings (SURVEY_TARGET, SURVEY_TOLERANCE)."""
    return SatisfactionTarget(
        Decimal(str(config.get("SURVEY_TARGET", domain.DEFAULT_TARGET))),
        Decimal(str(config.get("SURVEY_TOLERANCE", domain.DEFAULT_TOLERANCE))),
    )


def figures_of(row: SurveyResult, target: SatisfactionTarget) -> SurveyFigures:
    return SurveyFigures(row.office.code, row.fiscal_year, counts_of(row), row.note, target)


def survey_for(
    session: Session,
    office_id: int,
    fiscal_year: int,
    target: SatisfactionTarget | None = None,
) -> SurveyFigures | None:
    """One office's survey figures for a year, for a scorecard or a review; None when missing."""
    row = session.scalar(
        select(SurveyResult).where(
            SurveyResult.office_id == office_id, SurveyResult.fiscal_year == fiscal_year
        )
    )
    return figures_of(row, target or SatisfactionTarget()) if row is not None else None


def survey_years(session: Session) -> list[int]:
    """The fiscal years with any result (conducted or not), latest first."""
    years = session.scalars(select(SurveyResult.fiscal_year).distinct())
    return sorted(years, reverse=True)


def citywide(
    fiscal_year: int, rows: Sequence[SurveyResult], target: SatisfactionTarget
) -> SurveyFigures | None:
    """Every office's answers of a year pooled; not conducted (with the note) when none was."""
    if not rows:
        return None
    counts = domain.pool(counts_of(r) for r in rows)
    note = "" if counts else next((r.note for r in rows if r.note), "")
    return SurveyFigures(domain.CITYWIDE, fiscal_year, counts, note, target)


@dataclass(frozen=True)
class SurveyYear:
    """A year's page: every office the user may see, and the city's pooled figure."""

    fiscal_year: int
    target: SatisfactionTarget
    #: each office with its figures; None when no result is recorded for it
    offices: list[tuple[Office, SurveyFigures | None]]
    citywide: SurveyFigures | None
    #: how many offices' answers the citywide figure pools, of how many offices in all
    pooled_offices: int = 0
    all_offices: int = 0


def survey_year(
    session: Session, user: User | None, fiscal_year: int, target: SatisfactionTarget
) -> SurveyYear:
    """The year's results for the offices the user may see, and the citywide pooled figure.

    ``user`` None is the command line, which sees every office. The pooled figure takes every
    office's answers, whichever the user may see: it is the city's published figure.
    """
    rows = list(
        session.scalars(select(SurveyResult).where(SurveyResult.fiscal_year == fiscal_year))
    )
    by_office = {r.office_id: r for r in rows}
    visible = visible_office_ids(user)
    every_office = catalog.list_offices(session)
    offices = [
        (o, figures_of(by_office[o.id], target) if o.id in by_office else None)
        for o in every_office
        if visible is None or o.id in visible
    ]
    return SurveyYear(
        fiscal_year,
        target,
        offices,
        citywide(fiscal_year, rows, target),
        pooled_offices=sum(r.is_conducted for r in rows),
        all_offices=len(every_office),
    )


def citywide_trend(
    session: Session, target: SatisfactionTarget
) -> list[tuple[int, SurveyFigures | None]]:
    """The city's pooled figure for every year from the first result to the last, gaps kept."""
    rows = list(session.scalars(select(SurveyResult)))
    years = _year_range(r.fiscal_year for r in rows)
    by_year: dict[int, list[SurveyResult]] = {}
    for row in rows:
        by_year.setdefault(row.fiscal_year, []).append(row)
    return [(year, citywide(year, by_year.get(year, []), target)) for year in years]


@dataclass(frozen=True)
class OfficeTrend:
    office: Office
    target: SatisfactionTarget
    #: every year from the city's first result to its last; None where the office has none
    years: list[tuple[int, SurveyFigures | None]]
    #: the last POOLED_YEARS conducted surveys together, and which years they are
    pooled: SurveyFigures | None
    pooled_years: list[int]


def office_trend(session: Session, office: Office, target: SatisfactionTarget) -> OfficeTrend:
    """An office's results year by year, with gaps, and its last few surveys pooled."""
    rows = {
        r.fiscal_year: r
        for r in session.scalars(select(SurveyResult).where(SurveyResult.office_id == office.id))
    }
    all_years = session.scalars(select(SurveyResult.fiscal_year).distinct())
    years = [
        (year, figures_of(rows[year], target) if year in rows else None)
        for year in _year_range(all_years)
    ]
    conducted = [f for _y, f in reversed(years) if f is not None and f.is_conducted]
    recent = conducted[:POOLED_YEARS]
    counts = domain.pool(f.counts for f in recent)
    pooled = (
        SurveyFigures(office.code, recent[0].fiscal_year, counts, "", target) if counts else None
    )
    return OfficeTrend(office, target, years, pooled, sorted(f.fiscal_year for f in recent))


def _year_range(years: Iterable[int]) -> list[int]:
    found = set(years)
    return list(range(min(found), max(found) + 1)) if found else []
