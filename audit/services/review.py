"""The cross-ward review: offices × standards for a fiscal year, per principle, calibration.

Every figure comes from accepted audits; an office without one is *missing*, which counts
as neither a pass nor a fail.
"""

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy.orm import Session

from audit.domain import catalog as domain_catalog
from audit.domain import scoring
from audit.domain.catalog import OfficeKind
from audit.domain.ratchet import Result, Source
from audit.domain.review import Calibration, Change, calibrate, compare
from audit.domain.scoring import Achievement, Observed, Rating
from audit.models import Office, Principle, Standard
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
    #: self-audit against external evaluation, for each office of the city (not only those
    #: of the kind shown) that has both that year; empty unless asked for
    calibrations: list[tuple[Office, Calibration]] = field(default_factory=list)

    def cell(self, office: str, standard: str) -> Result | None:
        return self.cells.get((office, standard))

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
    queries; with the calibrations of the city's offices if asked (from the same read)."""
    both = source == ResultSource.BEST or with_calibrations
    read = read_results(session, [year], None if both else Source(source.value), city=city)
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
    return Matrix(
        year,
        source,
        offices,
        standards,
        catalog.list_principles(session),
        cells,
        applicable,
        city,
        _calibrations(read, every_office) if with_calibrations else [],
    )


def _calibrations(results: list[Result], offices: list[Office]) -> list[tuple[Office, Calibration]]:
    """Self-audit against external evaluation, for each office that has both."""
    own = {(r.office, r.standard): r for r in pick_results(results, ResultSource.SELF)}
    pairs: dict[str, list[tuple[str, Rating, Rating]]] = {}
    for result in pick_results(results, ResultSource.EXTERNAL):
        mine = own.get((result.office, result.standard))
        if mine and mine.rating and result.rating:
            pairs.setdefault(result.office, []).append(
                (result.standard, mine.rating, result.rating)
            )
    return [(o, calibrate(pairs[o.code])) for o in offices if o.code in pairs]


@dataclass(frozen=True)
class TrendPoint:
    year: int
    achievement: Achievement | None
    #: against the year before, where both have results
    change: Change | None


def office_trend(session: Session, office: str, years: range) -> list[TrendPoint]:
    """An office's achievement year by year (best available), with changes beyond noise."""
    return _trend(load_results(session, years, office=office), years)


def standard_trend(session: Session, standard: str, years: range) -> list[TrendPoint]:
    """A standard's pass rate across offices year by year, with changes beyond noise."""
    return _trend(load_results(session, years, standard=standard), years)


def _trend(results: list[Result], years: range) -> list[TrendPoint]:
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
        points.append(TrendPoint(year, now, change))
        previous = now or previous
    return points
