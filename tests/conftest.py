"""Fixtures: an app on a fresh database per test, made quickly from migrated templates."""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade

from audit import create_app
from audit.db import db
from audit.services import catalog, demo

ROOT = Path(__file__).resolve().parent.parent
CHECKLISTS = ROOT / "checklists"


def make_app(database: Path, **config: object) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two migrated databases, built once: empty, and with the catalog and demo users."""
    folder = tmp_path_factory.mktemp("templates")
    empty, loaded = folder / "empty.sqlite", folder / "loaded.sqlite"
    with make_app(empty).app_context():
        upgrade()
        db.engine.dispose()
    shutil.copy(empty, loaded)
    with make_app(loaded).app_context():
        catalog.load_files(db.session, catalog.read_files([CHECKLISTS]), actor=None)
        demo.create_demo_data(db.session)
        db.session.commit()
        db.engine.dispose()
    return {"empty": empty, "loaded": loaded}


@pytest.fixture
def app_factory(
    tmp_path: Path, database_templates: dict[str, Path]
) -> Iterator[Callable[..., Flask]]:
    """Make an app on a copy of a template database ("loaded" or "empty")."""
    apps: list[Flask] = []

    def make(template: str = "loaded", **config: object) -> Flask:
        database = tmp_path / f"{template}-{len(apps)}.sqlite"
        shutil.copy(database_templates[template], database)
        app = make_app(database, **config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Flask:
    """The app with the real catalog and the demo users loaded."""
    return app_factory()


@pytest.fixture
def empty_app(app_factory: Callable[..., Flask]) -> Flask:
    """The app on a migrated database with nothing in it."""
    return app_factory("empty")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str = "admin", password: str = demo.DEMO_PASSWORD):  # noqa: ANN201
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):  # noqa: ANN201
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def checklists_dir() -> Path:
    """The real catalog folder of the repository."""
    return CHECKLISTS
