"""The review's matrix through the API: per office and standard the rating, level and counts."""

from typing import Any

from flask import jsonify, request

from audit.access import CITYWIDE_ROLES, requires
from audit.api.blueprint import bp, fail
from audit.db import db
from audit.services import review
from audit.services.results import ResultSource


@bp.route("/results")
@requires(*CITYWIDE_ROLES)
def results() -> Any:
    year = request.args.get("year", type=int)
    source = request.args.get("source", "best")
    if year is None or not 2000 <= year <= 2100:
        fail(422, "year must be a fiscal year from 2000 to 2100")
    if source not in tuple(ResultSource):
        fail(422, "source must be self, external or best")
    matrix = review.build_matrix(
        db.session, year, ResultSource(source), city=request.args.get("city")
    )
    cells = [
        {
            "office": office.code,
            "standard": standard.code,
            "missing": result is None,
            "rating": result.rating.value if result and result.rating else None,
            "level": result.level if result else None,
            "source": result.source.value if result else None,
            "successes": result.successes if result else None,
            "trials": result.trials if result else None,
        }
        for office, row in matrix.rows
        for standard, result in row
        if result is not review.DOES_NOT_APPLY
    ]
    return jsonify(
        {
            "year": year,
            "source": source,
            "offices": [o.code for o in matrix.offices],
            "standards": [s.code for s in matrix.standards],
            "results": cells,
        }
    )
