"""The visitor survey through the API: each office's figures for a year, as fractions."""

from typing import Any

from flask import current_app, jsonify, request
from flask_login import current_user

from audit.access import ALL_ROLES, requires
from audit.api.blueprint import bp, fail
from audit.db import db
from audit.domain.fiscal_year import parse_fiscal_year
from audit.domain.survey import SurveyFigures
from audit.services import surveys


def survey_json(office: str, year: int, figures: SurveyFigures | None) -> dict[str, Any]:
    """One office's result; ``conducted`` is null when none is recorded, false with the note
    when the survey was not conducted: missing is never a zero."""
    body: dict[str, Any] = {"office": office, "fiscal_year": year}
    if figures is None:
        return {**body, "conducted": None, "note": None}
    if figures.counts is None or figures.satisfaction is None or figures.top_box is None:
        return {**body, "conducted": False, "note": figures.note}
    counts, satisfaction, top_box = figures.counts, figures.satisfaction, figures.top_box
    return {
        **body,
        "conducted": True,
        "yes": counts.yes,
        "neutral": counts.neutral,
        "no": counts.no,
        "answers": counts.answers,
        "satisfaction": float(satisfaction.rate),
        "satisfaction_low": float(satisfaction.interval.low),
        "satisfaction_high": float(satisfaction.interval.high),
        "top_box": float(top_box.rate),
        "top_box_low": float(top_box.interval.low),
        "top_box_high": float(top_box.interval.high),
        "status": figures.status.value if figures.status else None,
        "note": figures.note,
    }


@bp.route("/surveys")
@requires(*ALL_ROLES)
def list_surveys() -> Any:
    text = request.args.get("year")
    if text:
        try:
            year: int | None = parse_fiscal_year(text)
        except ValueError:
            fail(422, "year must be a fiscal year: 2022, R4 or 令和4年度")
    else:
        years = surveys.survey_years(db.session)
        year = years[0] if years else None
    target = surveys.survey_target(current_app.config)
    body: dict[str, Any] = {
        "fiscal_year": year,
        "target": float(target.rate),
        "tolerance": float(target.tolerance),
        "offices": [],
        "citywide": None,
    }
    if year is not None:
        page = surveys.survey_year(db.session, current_user, year, target)
        body["offices"] = [survey_json(o.code, year, f) for o, f in page.offices]
        body["citywide"] = survey_json("citywide", year, page.citywide)
    return jsonify(body)
