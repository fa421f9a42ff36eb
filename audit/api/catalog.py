"""The catalog through the API: offices, and standards with the level in force."""

from datetime import date
from typing import Any

from flask import abort, jsonify, request

from audit.access import ALL_ROLES, public, requires
from audit.api.blueprint import bp
from audit.api.openapi import OPENAPI
from audit.db import db
from audit.domain.fiscal_year import fiscal_year_of
from audit.models import Level, Office, Standard
from audit.services import catalog


@bp.route("/openapi.json")
@public
def openapi() -> Any:
    return jsonify(OPENAPI)


@bp.route("/offices")
@requires(*ALL_ROLES)
def offices() -> Any:
    return jsonify([office_json(o) for o in catalog.list_offices(db.session)])


@bp.route("/standards")
@requires(*ALL_ROLES)
def standards() -> Any:
    year = request.args.get("year", type=int) or fiscal_year_of(date.today())
    if not 1989 <= year <= 2100:
        abort(422, description="year must be a fiscal year from 1989 to 2100")
    rows = catalog.list_standards(db.session)
    if office_code := request.args.get("office"):
        office = catalog.get_office(db.session, office_code)
        if office is None:
            abort(404, description=f"unknown office {office_code}")
        rows = catalog.standards_for_office(db.session, office)
    in_force = [(row, catalog.level_in_force(row, year)) for row in rows]
    return jsonify([standard_json(row, level) for row, level in in_force if level is not None])


def office_json(office: Office) -> dict[str, Any]:
    return {
        "code": office.code,
        "kind": office.kind.value,
        "parent": office.parent.code if office.parent else None,
        "name": {"ja": office.name_ja, "en": office.name_en},
    }


def level_json(level: Level) -> dict[str, Any]:
    return {
        "level": level.number,
        "criterion": {"ja": level.criterion_ja, "en": level.criterion_en},
        "target": level.target_ppm / 1_000_000 if level.target_ppm is not None else None,
        "min_observations": level.min_observations,
    }


def standard_json(standard: Standard, level: int | None) -> dict[str, Any]:
    return {
        "code": standard.code,
        "principle": standard.principle.code,
        "office": standard.office.code if standard.office else None,
        "applies_to": standard.applies_to.split(","),
        "title": {"ja": standard.title_ja, "en": standard.title_en},
        "method": {"ja": standard.method_ja, "en": standard.method_en},
        "level": level,
        "levels": [level_json(lv) for lv in standard.levels],
    }
