"""Results of accepted audits, office by office and standard by standard, for the review.

One query fetches every result of the years asked for; the domain picks the best available
(the external evaluation's where there is one) when asked to.
"""

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from audit.domain.ratchet import Result, Source, best_results
from audit.domain.scoring import Rating
from audit.models import Audit, AuditStatus, Office, Response


class ResultSource(StrEnum):
    SELF = "self"
    EXTERNAL = "external"
    BEST = "best"  # external where there is one, else self


#: stored values → members; looked up per row instead of through the columns' Enum types,
#: which at national scale (tens of thousands of rows) cost more than the query itself
_SOURCES = {source.value: source for source in Source}
_RATINGS: dict[str | None, Rating | None] = {None: None} | {r.value: r for r in Rating}


def load_results(
    session: Session,
    years: Iterable[int],
    source: ResultSource = ResultSource.BEST,
    *,
    city: str | None = None,
    office: str | None = None,
    standard: str | None = None,
) -> list[Result]:
    """The results of every accepted audit of the given fiscal years, of one city, office or
    standard if given."""
    kind = None if source == ResultSource.BEST else Source(source.value)
    return pick_results(
        read_results(session, years, kind, city=city, office=office, standard=standard), source
    )


def read_results(
    session: Session,
    years: Iterable[int],
    kind: Source | None = None,
    *,
    city: str | None = None,
    office: str | None = None,
    standard: str | None = None,
) -> list[Result]:
    """Every accepted audit's results of the given years, of one kind, city, office or standard
    if given (both kinds, unpicked, when no kind is given)."""
    # Table columns rather than ORM attributes: the rows come back as plain tuples, without
    # the ORM's per-row processing; enums are read as their stored strings (see _RATINGS).
    response, audit, place = Response.__table__.c, Audit.__table__.c, Office.__table__.c
    query = (
        select(
            response.standard_code,
            place.code,
            audit.fiscal_year,
            type_coerce(audit.kind, String),
            type_coerce(response.rating, String),
            response.level,
            response.successes,
            response.trials,
            audit.id,
        )
        .join_from(Response.__table__, Audit.__table__, response.audit_id == audit.id)
        .join(Office.__table__, audit.office_id == place.id)
        .where(audit.status == AuditStatus.ACCEPTED, audit.fiscal_year.in_(list(years)))
    )
    if kind is not None:
        query = query.where(audit.kind == kind.value)
    if city is not None:
        query = query.where(place.city == city)
    if office is not None:
        query = query.where(place.code == office)
    if standard is not None:
        query = query.where(response.standard_code == standard)
    sources, ratings = _SOURCES, _RATINGS
    return [
        Result(code, where, year, sources[source], ratings[rating], level, successes, trials, id_)
        for code, where, year, source, rating, level, successes, trials, id_ in session.execute(
            query
        ).all()
    ]


def pick_results(results: list[Result], source: ResultSource) -> list[Result]:
    """The results of one source, or the best available of each office, standard and year."""
    if source == ResultSource.BEST:
        return list(best_results(results).values())
    return [r for r in results if r.source == source.value]
