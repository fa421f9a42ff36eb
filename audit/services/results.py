"""Results of accepted audits, office by office and standard by standard, for the review.

One query fetches every result of the years asked for; the domain picks the best available
(the external evaluation's where there is one) when asked to.
"""

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.domain.ratchet import Result, Source, best_results
from audit.models import Audit, AuditStatus, Office, Response


class ResultSource(StrEnum):
    SELF = "self"
    EXTERNAL = "external"
    BEST = "best"  # external where there is one, else self


def load_results(
    session: Session,
    years: Iterable[int],
    source: ResultSource = ResultSource.BEST,
    *,
    city: str | None = None,
) -> list[Result]:
    """The results of every accepted audit of the given fiscal years, of one city if given."""
    query = (
        select(
            Response.standard_code,
            Office.code,
            Audit.fiscal_year,
            Audit.kind,
            Response.rating,
            Response.level,
            Response.successes,
            Response.trials,
            Audit.id,
        )
        .join(Response.audit)
        .join(Audit.office)
        .where(Audit.status == AuditStatus.ACCEPTED, Audit.fiscal_year.in_(list(years)))
    )
    if source != ResultSource.BEST:
        query = query.where(Audit.kind == source.value)
    if city is not None:
        query = query.where(Office.city == city)
    results = [
        Result(code, office, year, Source(kind.value), rating, level, successes, trials, audit)
        for code, office, year, kind, rating, level, successes, trials, audit in session.execute(
            query
        )
    ]
    if source == ResultSource.BEST:
        return list(best_results(results).values())
    return results
