"""The app factory: configuration sources, secrets, and the database settings."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from audit import create_app
from audit.db import db


def test_test_config_is_used(app):
    assert app.testing
    assert app.config["BABEL_DEFAULT_LOCALE"] == "ja"


def test_default_secret_key_refused_outside_debug_and_tests(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite")


def test_session_cookie_is_httponly_and_lax(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    # A two-hour scoring session must not lose its CSRF token after one hour.
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("journal_mode", "wal"), ("foreign_keys", 1), ("busy_timeout", 10000)],
)
def test_sqlite_pragmas(tmp_path, pragma, expected):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"}
    )
    with app.app_context():
        assert db.session.execute(text(f"PRAGMA {pragma}")).scalar() == expected


# Read-modify-write a counter, as a request saving a form would, in a process of its own.
INCREMENT = """
import sys
from sqlalchemy import text
from audit import create_app
from audit.db import db

app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
with app.app_context():
    for _ in range(int(sys.argv[2])):
        value = db.session.execute(text("SELECT n FROM counter")).scalar()
        db.session.execute(text("UPDATE counter SET n = :n"), {"n": value + 1})
        db.session.commit()
"""


def test_concurrent_writers_lose_no_update(tmp_path: Path):
    """BEGIN IMMEDIATE: four processes incrementing one row lose nothing."""
    database = f"sqlite:///{tmp_path / 'counter.sqlite'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        db.session.execute(text("CREATE TABLE counter (n INTEGER)"))
        db.session.execute(text("INSERT INTO counter VALUES (0)"))
        db.session.commit()
    workers = [
        subprocess.Popen([sys.executable, "-c", INCREMENT, database, "50"]) for _ in range(4)
    ]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0, 0, 0]
    with app.app_context():
        assert db.session.execute(text("SELECT n FROM counter")).scalar() == 200


def test_the_app_refuses_to_start_without_the_default_language_catalog(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="The ja message catalog is missing"):
        create_app({"TESTING": True, "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path)})
