"""Blueprints: each module defines one ``bp``; this registers them and the error pages."""

from typing import Any

from flask import Flask, render_template

from audit.views import auth, catalog, main, users

ERROR_CODES = (400, 403, 404, 405, 413)


def register_blueprints(app: Flask) -> None:
    for module in (auth, catalog, main, users):
        app.register_blueprint(module.bp)
    for code in ERROR_CODES:
        app.register_error_handler(code, render_error)


def render_error(error: Any) -> tuple[str, int]:
    return render_template("errors/error.html", error=error), error.code
