"""The API's blueprint and its error bodies."""

from typing import Any

from flask import Blueprint, jsonify
from werkzeug.exceptions import HTTPException

from audit import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # no cookies here: every call carries a bearer token


def json_error(error: HTTPException) -> Any:
    """The API's error body: the status name, what went wrong, and any details."""
    body = {"error": error.name, "message": error.description}
    body.update(getattr(error, "payload", {}) or {})
    return jsonify(body), error.code
