"""Outcome indicators through the API: targets by plan phase and by year, actuals, status."""

from decimal import Decimal
from typing import Any

from flask import jsonify

from audit.access import ALL_ROLES, requires
from audit.api.blueprint import bp
from audit.db import db
from audit.services import indicators
from audit.services.indicators import IndicatorSummary


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def indicator_json(summary: IndicatorSummary) -> dict[str, Any]:
    row = summary.indicator
    return {
        "code": row.code,
        "name": {"ja": row.name_ja, "en": row.name_en},
        "unit": row.unit,
        "direction": row.direction.value,
        "places": row.places,
        "definition": {"ja": row.definition_ja, "en": row.definition_en},
        "phase_targets": [
            {
                "phase": phase.phase,
                "fiscal_year": phase.fiscal_year,
                "target": _number(phase.target),
                "actual": _number(year.actual),
                "status": summary.phase_status(phase, year).value,
            }
            for phase, year in summary.phases
        ],
        "years": [
            {
                "fiscal_year": year.fiscal_year,
                "target": _number(year.target),
                "target_in_force": _number(year.target_in_force),
                "actual": _number(year.actual),
                "note": year.note,
                "status": summary.status(year).value,
            }
            for year in summary.years
        ],
    }


@bp.route("/indicators")
@requires(*ALL_ROLES)
def list_indicators() -> Any:
    rows = indicators.list_indicators(db.session)
    return jsonify([indicator_json(indicators.summarize(row)) for row in rows])
