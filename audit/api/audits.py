"""Audits through the API: the same services and rules as the pages.

Saving a response needs ``If-Match`` with the version it was read at (its ``ETag``): a stale
version is refused with 412 and the current response, so no one's work is overwritten.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any, NoReturn

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import Row

from audit.access import ALL_ROLES, requires
from audit.api.blueprint import bp, fail
from audit.db import db
from audit.domain import scoring
from audit.domain.scoring import ActionInput, Rating, ResponseInput
from audit.models import Audit, AuditKind, Response, Role
from audit.services import ServiceError, audits

EDITOR_ROLES = (Role.COMMITTEE, Role.AUDITOR)


def load_audit(audit_id: int) -> Audit:
    audit = audits.get_audit(db.session, current_user, audit_id)
    if audit is None:
        fail(404, "no such audit")
    return audit


def raise_service_error(error: ServiceError) -> NoReturn:
    db.session.rollback()
    message = str(error)
    if isinstance(error, audits.AuditIncomplete):
        fail(
            409,
            message,
            missing=[
                {"standard_code": code, "missing": what.value} for code, what in error.missing
            ],
        )
    if isinstance(error, audits.ResponseInvalid):
        fail(
            422,
            message,
            errors=[{"field": e.field, "message": e.message % e.params} for e in error.errors],
        )
    if isinstance(error, audits.AuditForbidden):
        fail(403, message)
    fail(409, message)


def response_json(response: Response | Row[Any]) -> dict[str, Any]:
    """A response, from its ORM object or from a row of ``audits.SHOWN_RESPONSE_COLUMNS``."""
    interval = None
    if response.trials:
        counts = audits.counts_interval(response.successes or 0, response.trials)
        interval = {"low": float(counts.low), "high": float(counts.high)}
    suggested = audits.suggested_rating(response)
    target = audits.target_of(response)
    return {
        "standard_code": response.standard_code,
        "principle": response.principle_code,
        "level": response.level,
        "title": {"ja": response.title_ja, "en": response.title_en},
        "criterion": {"ja": response.criterion_ja, "en": response.criterion_en},
        "target": float(target) if target is not None else None,
        "min_observations": response.min_observations,
        "rating": response.rating.value if response.rating else None,
        "successes": response.successes,
        "trials": response.trials,
        "interval": interval,
        "suggested_rating": suggested.value if suggested else None,
        "evidence": response.evidence,
        "na_reason": response.na_reason,
        "version": response.version,
    }


def audit_json(
    audit: Audit, responses: Sequence[Response | Row[Any]] | None = None
) -> dict[str, Any]:
    """The audit; with ``responses`` (its own, in order), their achievement and each of them."""
    body: dict[str, Any] = {
        "id": audit.id,
        "office": audit.office.code,
        "fiscal_year": audit.fiscal_year,
        "kind": audit.kind.value,
        "status": audit.status.value,
        "return_comment": audit.return_comment,
    }
    if responses is not None:
        achievement = scoring.achievement(r.rating for r in responses)
        body["achievement"] = {
            "passed": achievement.passed,
            "applicable": achievement.applicable,
            "rate": float(achievement.rate) if achievement.rate is not None else None,
        }
        body["responses"] = [response_json(r) for r in responses]
    return body


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        fail(
            422,
            "the body must be a JSON object",
            errors=[{"field": "body", "message": "expected a JSON object"}],
        )
    return body


@bp.route("/audits", methods=["GET"])
@requires(*ALL_ROLES)
def list_audits() -> Any:
    year = request.args.get("year", type=int)
    if year is not None and not 2000 <= year <= 2100:
        fail(422, "year must be a fiscal year from 2000 to 2100")
    kind = request.args.get("kind")
    if kind is not None and kind not in tuple(AuditKind):
        fail(422, "kind must be self or external")
    rows = audits.list_audits(
        db.session,
        current_user,
        year=year,
        office=request.args.get("office") or None,
        kind=AuditKind(kind) if kind else None,
    )
    return jsonify([audit_json(a) for a in rows])


@bp.route("/audits", methods=["POST"])
@requires(*EDITOR_ROLES)
def create_audit() -> Any:
    body = _json_body()
    office, year, kind = body.get("office"), body.get("fiscal_year"), body.get("kind")
    errors = []
    if not isinstance(office, str):
        errors.append({"field": "office", "message": "an office code is required"})
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        errors.append({"field": "fiscal_year", "message": "a fiscal year from 2000 to 2100"})
    if kind not in tuple(AuditKind):
        errors.append({"field": "kind", "message": "self or external"})
    if errors:
        fail(422, "the audit cannot be created", errors=errors)
    try:
        audit = audits.create_audit(
            db.session,
            current_user,
            office,
            year,
            AuditKind(kind),
            from_previous=bool(body.get("from_previous", True)),
        )
    except ServiceError as error:
        raise_service_error(error)
    # Answer from the rows just written: after the commit they would be expired and read again.
    reply = jsonify(audit_json(audit, audit.responses))
    db.session.commit()
    return reply, 201


@bp.route("/audits/<int:audit_id>")
@requires(*ALL_ROLES)
def get_audit(audit_id: int) -> Any:
    found = audits.read_audit(db.session, current_user, audit_id)
    if found is None:
        fail(404, "no such audit")
    return jsonify(audit_json(*found))


def load_response(audit: Audit, code: str) -> Response:
    response = next((r for r in audit.responses if r.standard_code == code), None)
    if response is None:
        fail(404, f"standard {code} is not part of this audit")
    return response


def with_etag(response: Response, status: int = 200) -> Any:
    reply = jsonify(response_json(response))
    reply.status_code = status
    reply.set_etag(str(response.version))
    return reply


@bp.route("/audits/<int:audit_id>/responses/<standard_code>", methods=["GET"])
@requires(*ALL_ROLES)
def get_response(audit_id: int, standard_code: str) -> Any:
    return with_etag(load_response(load_audit(audit_id), standard_code))


def _int_field(body: dict[str, Any], name: str, errors: list[dict[str, str]]) -> int | None:
    value = body.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        errors.append({"field": name, "message": "must be a whole number or null"})
        return None
    return value


def response_input(body: dict[str, Any]) -> ResponseInput:
    """Check the JSON's shape; the rules (what △ needs, and so on) are the service's."""
    errors: list[dict[str, str]] = []
    rating = body.get("rating")
    if rating is not None and rating not in tuple(Rating):
        errors.append({"field": "rating", "message": "one of " + ", ".join(Rating)})
    texts = {}
    for name in ("evidence", "na_reason"):
        texts[name] = body.get(name) or ""
        if not isinstance(texts[name], str):
            errors.append({"field": name, "message": "must be a text"})
    actions = []
    raw_actions = body.get("actions") or []
    if not isinstance(raw_actions, list):
        errors.append({"field": "actions", "message": "must be a list"})
        raw_actions = []
    for index, raw in enumerate(raw_actions):
        field = f"actions[{index}]"
        if not isinstance(raw, dict):
            errors.append({"field": field, "message": "must be an object"})
            continue
        try:
            due = date.fromisoformat(raw["due"]) if raw.get("due") else None
        except (TypeError, ValueError):
            errors.append({"field": f"{field}.due", "message": "a date as YYYY-MM-DD"})
            continue
        what, owner = raw.get("what") or "", raw.get("owner") or ""
        if not isinstance(what, str) or not isinstance(owner, str):
            errors.append({"field": field, "message": "what and owner must be texts"})
            continue
        actions.append(ActionInput(what, owner, due))
    successes = _int_field(body, "successes", errors)
    trials = _int_field(body, "trials", errors)
    if errors:
        fail(422, "the response cannot be saved", errors=errors)
    return ResponseInput(
        rating=Rating(rating) if rating else None,
        successes=successes,
        trials=trials,
        evidence=texts["evidence"],
        na_reason=texts["na_reason"],
        actions=tuple(actions),
    )


@bp.route("/audits/<int:audit_id>/responses/<standard_code>", methods=["PUT"])
@requires(*EDITOR_ROLES)
def put_response(audit_id: int, standard_code: str) -> Any:
    audit = load_audit(audit_id)
    code = standard_code
    response = load_response(audit, code)
    match = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if not match.isdigit():
        fail(428, "If-Match with the response's version (its ETag) is required")
    entry = response_input(_json_body())
    try:
        audits.save_response(db.session, current_user, audit, code, entry, int(match))
    except audits.ResponseStale as stale:
        db.session.rollback()
        fail(
            412,
            str(stale),
            current=response_json(stale.response),
            changes=[name for name, _theirs, _yours in stale.changes],
        )
    except ServiceError as error:
        raise_service_error(error)
    # Answer from the flushed row: after the commit it would be expired and read again.
    reply = with_etag(response)
    db.session.commit()
    return reply


def _transition(audit_id: int, change: Any) -> Any:
    audit = load_audit(audit_id)
    try:
        change(audit)
    except ServiceError as error:
        raise_service_error(error)
    db.session.commit()
    return jsonify(audit_json(audit))


@bp.route("/audits/<int:audit_id>/submit", methods=["POST"])
@requires(*EDITOR_ROLES)
def submit_audit(audit_id: int) -> Any:
    return _transition(audit_id, lambda a: audits.submit_audit(db.session, current_user, a))


@bp.route("/audits/<int:audit_id>/accept", methods=["POST"])
@requires(Role.HEAD, Role.AUDITOR)
def accept_audit(audit_id: int) -> Any:
    return _transition(audit_id, lambda a: audits.accept_audit(db.session, current_user, a))


@bp.route("/audits/<int:audit_id>/return", methods=["POST"])
@requires(Role.HEAD, Role.AUDITOR)
def return_audit(audit_id: int) -> Any:
    comment = (request.get_json(silent=True) or {}).get("comment")
    if not isinstance(comment, str):
        comment = ""
    return _transition(
        audit_id, lambda a: audits.return_audit(db.session, current_user, a, comment)
    )
