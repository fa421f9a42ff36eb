"""The cross-ward review for the division heads' meeting: the matrix, comparisons, calibration."""

import io
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_login import current_user

from audit.access import CITYWIDE_ROLES, requires
from audit.db import db
from audit.domain.catalog import OfficeKind
from audit.domain.fiscal_year import fiscal_year_of
from audit.i18n import fiscal_year_label, localized
from audit.services import catalog, exports, review, surveys
from audit.services.results import ResultSource

bp = Blueprint("review", __name__, url_prefix="/review")
#: how many fiscal years the trend tables cover
TREND_YEARS = 5


def filters() -> dict[str, Any]:
    """The matrix's filters from the query string, with defaults."""
    year = request.args.get("year", type=int) or fiscal_year_of(date.today()) - 1
    source = request.args.get("source", "best")
    kind = request.args.get("kind") or None
    return {
        "year": year,
        "source": ResultSource(source) if source in tuple(ResultSource) else ResultSource.BEST,
        "principle": request.args.get("principle") or None,
        "office_kind": OfficeKind(kind) if kind in tuple(OfficeKind) else None,
        # one city's offices (national-scale data); absent for every office
        "city": request.args.get("city"),
    }


@bp.route("/")
@requires(*CITYWIDE_ROLES)
def index() -> Any:
    chosen = filters()
    year = chosen["year"]
    matrix = review.build_matrix(
        db.session,
        year,
        chosen["source"],
        principle=chosen["principle"],
        office_kind=chosen["office_kind"],
        city=chosen["city"],
        with_calibrations=True,
    )
    survey = surveys.survey_year(
        db.session, current_user, year, surveys.survey_target(current_app.config)
    )
    return render_template(
        "review/index.html",
        matrix=matrix,
        chosen=chosen,
        calibrations=matrix.calibrations,
        survey={office.code: figures for office, figures in survey.offices},
        principle_chart=principle_chart(matrix),
    )


def principle_chart(matrix: review.Matrix) -> dict[str, Any]:
    """Achievement per principle per office, as the chart script reads it (percent)."""
    datasets = []
    for principle in matrix.principles:
        points = []
        for office in matrix.offices:
            achieved = matrix.achievement(office.code, principle.code)
            rate = achieved.rate if achieved else None
            points.append(round(float(rate) * 100, 1) if rate is not None else None)
        datasets.append(
            {"label": f"{principle.code} {localized(principle, 'name')}", "data": points}
        )
    return {
        "type": "bar",
        "labels": [localized(o, "name") for o in matrix.offices],
        "datasets": datasets,
    }


@bp.route("/<any(offices, standards):kind>/<code>")
@requires(*CITYWIDE_ROLES)
def trend(kind: str, code: str) -> Any:
    """An office's achievement, or a standard's pass rate across offices, over the years."""
    if kind == "offices":
        subject, load, name = catalog.get_office(db.session, code), review.office_trend, "name"
    else:
        subject, load, name = catalog.get_standard(db.session, code), review.standard_trend, "title"
    if subject is None:
        abort(404)
    year = request.args.get("year", type=int) or fiscal_year_of(date.today()) - 1
    years = range(year - TREND_YEARS + 1, year + 1)
    points = load(db.session, code, years)
    subject_name = localized(subject, name)
    chart = {
        "type": "line",
        "labels": [fiscal_year_label(p.year) for p in points],
        "datasets": [
            {
                "label": subject_name,
                "data": [
                    round(float(p.achievement.rate) * 100, 1)
                    if p.achievement and p.achievement.rate is not None
                    else None
                    for p in points
                ],
            }
        ],
    }
    return render_template(
        "review/trend.html",
        code=code,
        subject_name=subject_name,
        year=year,
        kind=kind.rstrip("s"),
        trend=points,
        chart=chart,
    )


@bp.route("/export.<fmt>")
@requires(*CITYWIDE_ROLES)
def export(fmt: str) -> Any:
    """The year's matrix and raw responses: XLSX (both sheets) or CSV (one view)."""
    chosen = filters()
    matrix = review.build_matrix(
        db.session,
        chosen["year"],
        chosen["source"],
        principle=chosen["principle"],
        office_kind=chosen["office_kind"],
        city=chosen["city"],
    )
    name = f"review-FY{chosen['year']}"
    if fmt == "xlsx":
        data = exports.review_workbook(db.session, matrix)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        view = request.args.get("view", "matrix")
        encoding = "cp932" if request.args.get("encoding") == "cp932" else "utf-8"
        data = exports.review_csv(db.session, matrix, view, encoding)
        mimetype, name = (
            f"text/csv; charset={'shift_jis' if encoding == 'cp932' else 'utf-8'}",
            (f"{name}-{view}"),
        )
    else:
        abort(404)
    return send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=f"{name}.{fmt}"
    )
