"""Blueprints: each module defines one ``bp``; this registers them and the error pages."""

from typing import Any

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import IntegerConverter

from audit import api
from audit.domain.text import refused_characters
from audit.views import (
    actions,
    audits,
    auth,
    catalog,
    indicators,
    main,
    practices,
    printing,
    ratchet,
    review,
    surveys,
    users,
)


class DatabaseInteger(IntegerConverter):
    """``<int:…>`` in a URL, no larger than a database id can be: a larger one is a 404."""

    def to_python(self, value: str) -> Any:
        number = super().to_python(value)
        if number > 2**31 - 1:  # the largest INTEGER on PostgreSQL
            raise NotFound()
        return number


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseInteger
    for module in (
        api,
        actions,
        audits,
        auth,
        catalog,
        indicators,
        main,
        practices,
        printing,
        ratchet,
        review,
        surveys,
        users,
    ):
        app.register_blueprint(module.bp)
    app.register_error_handler(HTTPException, render_error)
    app.before_request(refuse_invisible_addresses)


def refuse_invisible_addresses() -> None:
    """An address with characters no one can type or store names no page: 404, never a 500."""
    parts = [request.path, *request.args.keys(), *request.args.values()]
    if any(refused_characters(part) for part in parts):
        raise NotFound()


def render_error(error: HTTPException) -> Any:
    """A JSON body for the API, a page in the user's language for everyone else."""
    if request.path.startswith("/api/"):
        return api.json_error(error)
    return render_template("errors/error.html", error=error), error.code
