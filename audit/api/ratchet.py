"""The ratchet through the API: the year's proposals, and the meeting's decisions on them."""

from datetime import date
from typing import Any

from flask import jsonify, request
from flask_login import current_user

from audit.access import CITYWIDE_ROLES, requires
from audit.api.blueprint import bp, fail
from audit.db import db
from audit.models import DecisionOutcome, Role
from audit.services import ServiceError, ratchet


@bp.route("/ratchet/proposals")
@requires(*CITYWIDE_ROLES)
def proposals() -> Any:
    year = request.args.get("year", type=int)
    if year is None or not 2000 <= year <= 2100:
        fail(422, "year must be a fiscal year from 2000 to 2100")
    return jsonify(ratchet.proposals_json(ratchet.review_year(db.session, year)))


@bp.route("/ratchet/proposals/<proposal>/decision", methods=["POST"])
@requires(Role.HEAD)
def decide(proposal: str) -> Any:
    parsed = ratchet.parse_proposal_id(proposal)
    if parsed is None:
        fail(404, "no such proposal")
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    errors = []
    outcome = body.get("outcome")
    if outcome not in tuple(DecisionOutcome):
        errors.append({"field": "outcome", "message": "approved, deferred or rejected"})
    try:
        meeting = date.fromisoformat(body.get("meeting_date") or "")
    except (TypeError, ValueError):
        errors.append({"field": "meeting_date", "message": "a date as YYYY-MM-DD"})
    rationale = body.get("rationale") or ""
    if not isinstance(rationale, str):
        errors.append({"field": "rationale", "message": "must be a text"})
    if errors:
        fail(422, "the decision cannot be recorded", errors=errors)
    year, code, kind = parsed
    try:
        decision = ratchet.decide(
            db.session,
            current_user,
            year,
            code,
            kind,
            DecisionOutcome(outcome),
            rationale,
            meeting,
            date.today(),
        )
    except ServiceError as error:
        db.session.rollback()
        fail(409, str(error))
    db.session.commit()
    return jsonify(ratchet.decision_json(decision))
