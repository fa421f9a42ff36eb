"""The service-standard audit tool for Japanese city ward offices."""

import gc
import os
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, database, languages, CSRF, headers, log-in, blueprints, CLI, PDF."""
    # An installed copy has no repository around it: AUDIT_INSTANCE_PATH says where its
    # instance folder (config.py, the SQLite file) is; Flask's default is <prefix>/var/.
    app = Flask(
        __name__,
        instance_path=os.environ.get("AUDIT_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    load_config(app, test_config)

    from audit import access, cli, db, headers, i18n, labels, pdf, views

    db.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
    csrf.init_app(app)
    headers.init_app(app)
    access.init_app(app)
    views.register_blueprints(app)
    cli.init_app(app)
    pdf.init_app(app)
    if not app.testing:
        # What a served app built at start (modules, mappers, routes) lives as long as the
        # process: left out of the cyclic collector's full passes, which otherwise walk those
        # 130,000 objects (70 ms of a request) every few dozen requests.
        gc.freeze()
    return app


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Defaults in code, then ``instance/config.py``, then the environment; tests pass a dict."""
    app.config.from_object("audit.config")
    app.config["MIGRATIONS_DIR"] = str(Path(__file__).parent / "migrations")
    app.config["CHECKLISTS_DIR"] = str(Path(app.root_path).parent / "checklists")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for name, key in (
            ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI"),
            ("SECRET_KEY", "SECRET_KEY"),
            ("CHECKLISTS_DIR", "CHECKLISTS_DIR"),
        ):
            if os.environ.get(name):
                app.config[key] = os.environ[name]
    else:
        app.config.from_mapping(test_config)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        path = Path(app.instance_path) / "audit.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not (app.debug or app.testing) and app.config["SECRET_KEY"] in ("dev", "", None):
        raise RuntimeError(
            "SECRET_KEY is missing or left at its default: set it in instance/config.py "
            "or the SECRET_KEY environment variable (make run creates one)."
        )
