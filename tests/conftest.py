"""Fixtures: an app on a fresh database per test, made quickly from migrated templates."""

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from audit import create_app
from audit.db import db
from audit.domain.fiscal_year import fiscal_year_of
from audit.services import catalog, demo

ROOT = Path(__file__).resolve().parent.parent
CHECKLISTS = ROOT / "checklists"


#: a PostgreSQL server to run the suite on as well (``make test`` sets it); else SQLite only
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")

#: the day the suite runs on: AUDIT_TEST_TODAY=YYYY-MM-DD moves the clock there for the whole
#: session (pytest_configure), so that the suite can be run on any day of any fiscal year;
#: else the real date. Tests take their years from here, never from a year written down.
TODAY = date.fromisoformat(os.environ.get("AUDIT_TEST_TODAY") or date.today().isoformat())
#: the fiscal year of TODAY, which has the demo data's draft audit
THIS_YEAR = fiscal_year_of(TODAY)
#: the last of the DEMO_YEARS fiscal years of the demo data's accepted audits: the one reviewed
LAST_YEAR = THIS_YEAR - 1
#: the fiscal year after TODAY's, which has not begun: the demo data have no audit in it
NEXT_YEAR = THIS_YEAR + 1
#: noon in Japan, when the day is the same in Tokyo and in UTC for twelve hours of ticking
TEST_CLOCK_START = datetime.combine(TODAY, time(12), tzinfo=ZoneInfo("Asia/Tokyo"))
_TEST_CLOCK = pytest.StashKey[time_machine.travel]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: behaviour only SQLite has (a file to copy)")
    config.addinivalue_line("markers", "postgresql_only: behaviour only PostgreSQL has")
    if os.environ.get("AUDIT_TEST_TODAY"):
        # Started before any test module is imported or template database is built; the
        # browser tests' server runs in a thread of this process, so it sees the moved clock too.
        clock = config.stash[_TEST_CLOCK] = time_machine.travel(TEST_CLOCK_START, tick=True)
        clock.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    if clock := config.stash.get(_TEST_CLOCK, None):
        clock.stop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the tests of the other database: they are run in that database's pass."""
    other = "sqlite_only" if POSTGRES_URL else "postgresql_only"
    left_out = [item for item in items if item.get_closest_marker(other)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not item.get_closest_marker(other)]


def make_app(database: str, **config: object) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": database,
            "WTF_CSRF_ENABLED": False,
            **config,
        }
    )


def build_template(database: str, *, loaded: bool) -> None:
    """Migrate a database; with ``loaded``, also load the real catalog and the demo users."""
    with make_app(database).app_context():
        upgrade()
        if loaded:
            catalog.load_files(db.session, catalog.read_files([CHECKLISTS]), actor=None)
            demo.create_demo_data(db.session, today=TODAY)
            db.session.commit()
        db.engine.dispose()


class SqliteDatabases:
    """Template files, copied for each test."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        for name in ("empty", "loaded"):
            build_template(f"sqlite:///{folder / name}.sqlite", loaded=name == "loaded")

    def create(self, template: str, target: Path) -> str:
        shutil.copy(self.folder / f"{template}.sqlite", target)
        return f"sqlite:///{target}"

    def drop(self, url: str) -> None:
        Path(make_url(url).database or "").unlink(missing_ok=True)


class PostgresDatabases:
    """Template databases, cloned for each test with CREATE DATABASE … TEMPLATE."""

    def __init__(self, server: str) -> None:
        self.server = make_url(server)
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        self.count = 0
        for name in ("empty", "loaded"):
            self._execute(f"DROP DATABASE IF EXISTS audit_template_{name}")
            self._execute(f"CREATE DATABASE audit_template_{name}")
            build_template(self._url(f"audit_template_{name}"), loaded=name == "loaded")

    def _url(self, name: str) -> str:
        return self.server.set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(statement))

    def create(self, template: str, _target: Path) -> str:
        self.count += 1
        name = f"audit_test_{os.getpid()}_{self.count}"
        self._execute(f"DROP DATABASE IF EXISTS {name}")
        self._execute(f"CREATE DATABASE {name} TEMPLATE audit_template_{template}")
        return self._url(name)

    def drop(self, url: str) -> None:
        self._execute(f"DROP DATABASE IF EXISTS {make_url(url).database}")

    def close(self) -> None:
        for name in ("empty", "loaded"):
            self._execute(f"DROP DATABASE IF EXISTS audit_template_{name}")
        self.admin.dispose()


@pytest.fixture(scope="session")
def databases(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SqliteDatabases | PostgresDatabases]:
    """Migrated template databases, built once: "empty", and "loaded" with catalog and users."""
    if POSTGRES_URL:
        postgres = PostgresDatabases(POSTGRES_URL)
        yield postgres
        postgres.close()
    else:
        yield SqliteDatabases(tmp_path_factory.mktemp("templates"))


@pytest.fixture
def app_factory(
    tmp_path: Path, databases: SqliteDatabases | PostgresDatabases
) -> Iterator[Callable[..., Flask]]:
    """Make an app on a fresh copy of a template database ("loaded" or "empty")."""
    apps: list[Flask] = []

    def make(template: str = "loaded", **config: object) -> Flask:
        url = databases.create(template, tmp_path / f"{template}-{len(apps)}.sqlite")
        app = make_app(url, **config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()
        databases.drop(app.config["SQLALCHEMY_DATABASE_URI"])


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


#: the two fiscal years ``accepted`` fills, the second of which is reviewed
RATCHET_YEARS = (2040, 2041)


@pytest.fixture
def accepted(app: Flask) -> Callable[..., None]:
    """Make accepted self-audits of every office for RATCHET_YEARS, rated as
    ``rate(office, code, year)`` says: (rating, successes, trials), ○ 195/200 by default."""
    from audit.domain.scoring import Rating
    from audit.models import AuditKind, AuditStatus
    from audit.services import audits

    def make(
        rate: Callable[[str, str, int], tuple[Rating, int, int]] = (
            lambda office, code, year: (Rating.MET, 195, 200)
        ),
    ) -> None:
        with app.app_context():
            for year in RATCHET_YEARS:
                for office in catalog.list_offices(db.session):
                    audit = audits.build_audit(
                        db.session, office, year, AuditKind.SELF, None, from_previous=False
                    )
                    for response in audit.responses:
                        response.rating, response.successes, response.trials = rate(
                            office.code, response.standard_code, year
                        )
                    audit.status = AuditStatus.ACCEPTED
            db.session.commit()

    return make


#: the triggers that keep the audit trail append-only (migration 6b2f1d8e0c32), by database
TRAIL_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_log_entry_no_update",
        "DROP TRIGGER IF EXISTS audit_log_entry_no_delete",
    ],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_log_entry_no_change ON audit_log_entry"],
}


@pytest.fixture
def tamper_trail() -> Callable[..., None]:
    """Rewrite the audit trail as someone with the database's owner rights could: drop the
    triggers that refuse it, then run ``statement``. Call it inside an app context."""

    def tamper(statement: str, **params: object) -> None:
        for drop in TRAIL_TRIGGERS[db.engine.dialect.name]:
            db.session.execute(text(drop))
        db.session.execute(text(statement), params)
        db.session.commit()

    return tamper
