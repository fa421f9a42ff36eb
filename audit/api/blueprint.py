"""The API's blueprint and its error bodies."""

from typing import Any, NoReturn

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import HTTPException, default_exceptions

from audit import csrf
from audit.domain.text import refused_characters

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies here: every call carries a bearer token


def fail(code: int, message: str, **payload: Any) -> NoReturn:
    """Stop with an HTTP error whose JSON body carries ``payload`` beside the message."""
    error = default_exceptions[code](description=message)
    error.payload = payload  # type: ignore[attr-defined]
    raise error


def json_error(error: HTTPException) -> Any:
    """The API's error body: the status name, what went wrong, and any details."""
    body = {"error": error.name, "message": error.description}
    body.update(getattr(error, "payload", {}) or {})
    return jsonify(body), error.code


def refused_fields(value: Any, field: str = "") -> list[dict[str, str]]:
    """Every string in a JSON value (keys too) carrying characters no one can see or store,
    named by its path in the body: ``evidence``, ``actions[0].what``."""
    if isinstance(value, dict):
        return [
            problem
            for key, item in value.items()
            for problem in refused_fields(key, field)
            + refused_fields(item, f"{field}.{key}" if field else str(key))
        ]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in refused_fields(item, f"{field}[{i}]")]
    found = refused_characters(value) if isinstance(value, str) else []
    if not found:
        return []
    message = f"remove the invisible characters ({', '.join(found)})"
    return [{"field": field or "body", "message": message}]


@bp.before_request
def refuse_invisible_characters() -> None:
    """Refuse a JSON body with control characters or lone surrogates, naming each field."""
    errors = refused_fields(request.get_json(silent=True)) if request.is_json else []
    if errors:
        fail(422, "the body contains characters that cannot be stored", errors=errors)
