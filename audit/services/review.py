"""The cross-ward review: offices × standards for a fiscal year, per principle, calibration.

Every figure comes from accepted audits; an office without one is *missing*, which counts
as neither a pass nor a fail, and is shown in the state its audit is in (submitted, returned,
being prepared, not started; no record before any audit was recorded).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit.domain import catalog as domain_catalog
from audit.domain import scoring
from audit.domain.catalog import OfficeKind
from audit.domain.ratchet import Result, Source
from audit.domain.review import Calibration, Change, ResultState, calibrate, compare, result_state
from audit.domain.scoring import Achievement, Observed, Rating
from audit.models import Audit, Office, Principle, Standard
from audit.services import catalog
from audit.services.results import ResultSource, load_results, pick_results, read_results

#: a matrix entry for a standard that does not apply to the office (None is a missing result)
DOES_NOT_APPLY = False


@dataclass(frozen=True)
class Matrix:
    """One fiscal year's results: rows are offices, columns standards, cells results."""

    year: int
    source: ResultSource
    offices: list[Office]
    standards: list[Standard]
    principles: list[Principle]
    #: (office code, standard code) → the result; absent means missing
    cells: dict[tuple[str, str], Result] = field(default_factory=dict)
    #: (office code, standard code) pairs where the standard applies
    applicable: set[tuple[str, str]] = field(default_factory=set)
    #: the city the matrix is limited to (``Office.city``), None for every office
    city: str | None = None
    #: self-audit against external evaluation over the standards shown, for each office shown
    #: that has both that year; empty unless asked for
    calibrations: list[tuple[Office, Calibration]] = field(default_factory=list)
    #: office code → the state of its audit of the year (of the source shown)
    states: dict[str, ResultState] = field(default_factory=dict)
    #: the one principle shown, None for every principle
    principle: str | None = None

    def cell(self, office: str, standard: str) -> Result | None:
        return self.cells.get((office, standard))

    def state(self, office: str) -> ResultState:
        """The state of an office's audit of the year: accepted, or why there are no results."""
        return self.states.get(office, ResultState.NOT_STARTED)

    def missing_state(self, office: str) -> ResultState:
        """What a missing cell of the office says: its audit's state, or, when that audit is
        accepted, that it does not assess the standard."""
        state = self.state(office)
        return ResultState.NOT_ASSESSED if state == ResultState.ACCEPTED else state

    def principle_state(self, office: str, principle: str) -> ResultState | None:
        """Why an office has no achievement for a principle; None when its accepted audit has
        none because no standard of the principle applies."""
        if self.principle is not None and principle != self.principle:
            return ResultState.FILTERED_OUT
        state = self.state(office)
        return None if state == ResultState.ACCEPTED else state

    @cached_property
    def rows(self) -> list[tuple[Office, list[tuple[Standard, Result | None | bool]]]]:
        """Each office with, per standard, its result: None when missing, DOES_NOT_APPLY when
        the standard does not apply; worked out once for pages with thousands of cells."""
        cells, applicable = self.cells, self.applicable
        return [
            (
                office,
                [
                    (
                        standard,
                        cells.get((office.code, standard.code))
                        if (office.code, standard.code) in applicable
                        else DOES_NOT_APPLY,
                    )
                    for standard in self.standards
                ],
            )
            for office in self.offices
        ]

    def achievement(self, office: str, principle: str | None = None) -> Achievement | None:
        """(◎+○)/applicable over an office's results, or None when it has no accepted audit."""
        ratings = [
            rating
            for code, rating in self._ratings.get(office, [])
            if principle is None or code == principle
        ]
        return scoring.achievement(ratings) if ratings else None

    @cached_property
    def _ratings(self) -> dict[str, list[tuple[str, Rating | None]]]:
        """Each office's ratings with their principle, grouped once for every call."""
        principle_of = {s.code: s.principle.code for s in self.standards}
        grouped: dict[str, list[tuple[str, Rating | None]]] = {}
        for (office, standard), result in self.cells.items():
            grouped.setdefault(office, []).append((principle_of[standard], result.rating))
        return grouped


def build_matrix(
    session: Session,
    year: int,
    source: ResultSource = ResultSource.BEST,
    *,
    principle: str | None = None,
    office_kind: OfficeKind | None = None,
    city: str | None = None,
    with_calibrations: bool = False,
) -> Matrix:
    """The matrix of a fiscal year, filtered by principle, office kind and city, in fixed
    queries; with the calibrations of the offices and standards shown if asked (from the
    same read: they compare the two sources, so they read both whatever the source)."""
    both = source == ResultSource.BEST or with_calibrations
    kind = None if source == ResultSource.BEST else Source(source.value)
    read = read_results(session, [year], None if both else kind, city=city)
    results = pick_results(read, source)
    every_office = catalog.list_offices(session)
    offices = [
        o
        for o in every_office
        if (office_kind is None or o.kind == office_kind) and (city is None or o.city == city)
    ]
    scored = {r.standard for r in results}
    standards = [
        s
        for s in catalog.list_standards(session, include_retired=True)
        if (not s.is_retired or s.code in scored)
        and catalog.level_in_force(s, year) is not None
        and (principle is None or s.principle.code == principle)
    ]
    office_codes = {o.code for o in offices}
    standard_codes = {s.code for s in standards}
    # Each standard's scope once, rather than per office and standard (thousands of pairs).
    scopes = [
        (s.code, s.office.code if s.office else None, catalog.applies_to_kinds(s))
        for s in standards
    ]
    applicable = {
        (o.code, code)
        for o in offices
        for code, owner, kinds in scopes
        if domain_catalog.applies_to_office(owner, kinds, o.code, o.kind)
    }
    cells = {
        (r.office, r.standard): r
        for r in results
        if r.office in office_codes and r.standard in standard_codes
    }
    audits, first_year = audit_states(session, [year], kind, city=city)
    return Matrix(
        year,
        source,
        offices,
        standards,
        catalog.list_principles(session),
        cells,
        applicable,
        city,
        _calibrations(read, offices, standard_codes) if with_calibrations else [],
        {o.code: result_state(audits.get((o.code, year), []), year, first_year) for o in offices},
        principle,
    )


def _calibrations(
    results: list[Result], offices: list[Office], standards: set[str]
) -> list[tuple[Office, Calibration]]:
    """Self-audit against external evaluation over the given standards, for each of the
    offices that has both."""
    own = {(r.office, r.standard): r for r in pick_results(results, ResultSource.SELF)}
    pairs: dict[str, list[tuple[str, Rating, Rating]]] = {}
    for result in pick_results(results, ResultSource.EXTERNAL):
        if result.standard not in standards:
            continue
        mine = own.get((result.office, result.standard))
        if mine and mine.rating and result.rating:
            pairs.setdefault(result.office, []).append(
                (result.standard, mine.rating, result.rating)
            )
    return [(o, calibrate(pairs[o.code])) for o in offices if o.code in pairs]


#: (office code, fiscal year) → (status, is_returned) of each of the office's audits that year
AuditStates = dict[tuple[str, int], list[tuple[str, bool]]]


def audit_states(
    session: Session,
    years: Iterable[int],
    kind: Source | None = None,
    *,
    city: str | None = None,
    office: str | None = None,
) -> tuple[AuditStates, int | None]:
    """The status of every audit of the years (of one kind, city or office if given), and the
    first fiscal year any audit of the city was recorded for (None when none was)."""
    query = (
        select(Office.code, Audit.fiscal_year, Audit.status, Audit.return_comment.is_not(None))
        .join_from(Audit, Office, Audit.office_id == Office.id)
        .where(Audit.fiscal_year.in_(list(years)))
    )
    first = select(func.min(Audit.fiscal_year)).join_from(
        Audit, Office, Audit.office_id == Office.id
    )
    if kind is not None:
        query = query.where(Audit.kind == kind.value)
    if city is not None:
        query, first = query.where(Office.city == city), first.where(Office.city == city)
    if office is not None:
        query = query.where(Office.code == office)
    states: AuditStates = {}
    for code, year, status, returned in session.execute(query):
        states.setdefault((code, year), []).append((str(status), bool(returned)))
    return states, session.scalar(first)


@dataclass(frozen=True)
class TrendPoint:
    year: int
    achievement: Achievement | None
    #: against the year before, where both have results
    change: Change | None
    #: accepted when there are results; else why there are none
    state: ResultState = ResultState.ACCEPTED


def office_trend(session: Session, office: str, years: range) -> list[TrendPoint]:
    """An office's achievement year by year (best available), with changes beyond noise."""
    states, first_year = audit_states(session, years, office=office)
    return _trend(load_results(session, years, office=office), years, states, first_year)


def standard_trend(session: Session, standard: str, years: range) -> list[TrendPoint]:
    """A standard's pass rate across offices year by year, with changes beyond noise; a year
    without results is in the state of the most advanced audit of any office."""
    states, first_year = audit_states(session, years)
    return _trend(load_results(session, years, standard=standard), years, states, first_year)


def _trend(
    results: list[Result], years: range, states: AuditStates, first_year: int | None
) -> list[TrendPoint]:
    by_year: dict[int, list[tuple[str, bool]]] = {}
    for (_office, year), audits in states.items():
        by_year.setdefault(year, []).extend(audits)
    points: list[TrendPoint] = []
    previous: Achievement | None = None
    for year in years:
        ratings = [r.rating for r in results if r.year == year]
        now = scoring.achievement(ratings) if ratings else None
        change = None
        if now and previous and now.applicable and previous.applicable:
            change = compare(
                Observed(previous.passed, previous.applicable), Observed(now.passed, now.applicable)
            )
        state = ResultState.ACCEPTED
        if now is None:
            state = result_state(by_year.get(year, []), year, first_year)
            if state == ResultState.ACCEPTED:  # accepted audits, none of which assess it
                state = ResultState.NOT_ASSESSED
        points.append(TrendPoint(year, now, change, state))
        previous = now or previous
    return points
