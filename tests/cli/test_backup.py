"""`flask --app wsgi backup --out FILE` and `restore FILE`: SQLite's online backup, both ways.

PostgreSQL is backed up with pg_dump; there the commands refuse and say so.
"""

import sqlite3
from datetime import date

import pytest
from sqlalchemy import select

from audit.db import db
from audit.domain.ratchet import ProposalKind
from audit.models import Audit, AuditLogEntry, Decision, DecisionOutcome, Response, User
from audit.services import ratchet

POSTGRES_REFUSED = "the database is PostgreSQL: back it up with pg_dump -Fc"
#: what a restore must bring back whole
KEPT = (Audit, Response, Decision, AuditLogEntry)


def is_postgres(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of the tables a restore must bring back, in id order."""
    with app.app_context():
        return {
            model.__tablename__: [
                tuple(row) for row in db.session.execute(select(model.__table__).order_by("id"))
            ]
            for model in KEPT
        }


@pytest.fixture
def decided(app, accepted):
    """Accepted audits of two years and the heads' approval of one step-up."""
    accepted()
    with app.app_context():
        head = db.session.scalar(select(User).where(User.username == "head"))
        ratchet.decide(
            db.session,
            head,
            2041,
            "C03",
            ProposalKind.STEP_UP,
            DecisionOutcome.APPROVED,
            "全区で2年連続達成",
            date(2041, 10, 1),
            date(2041, 10, 1),
        )
        db.session.commit()
    return app


@pytest.fixture
def backup_file(decided, tmp_path):
    """A backup of ``decided`` (SQLite only: PostgreSQL is backed up with pg_dump)."""
    out = tmp_path / "backup.sqlite"
    result = decided.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out}: revision ")
    return out


@pytest.mark.sqlite_only
def test_restore_into_a_fresh_instance_brings_everything_back(decided, backup_file, app_factory):
    before = snapshot(decided)
    assert all(before.values())
    assert len(before["decision"]) == 1
    # the backup is one file, readable on its own
    assert not backup_file.with_name(backup_file.name + "-wal").exists()

    fresh = app_factory("empty")
    assert not any(snapshot(fresh).values())
    runner = fresh.test_cli_runner()
    result = runner.invoke(args=["restore", str(backup_file)], input="y\n")
    assert result.exit_code == 0, result.output
    assert f"Restored {backup_file}: revision " in result.output
    assert f"{len(before['audit_log_entry'])} entries, every hash and link intact" in result.output

    assert snapshot(fresh) == before
    verify = runner.invoke(args=["audit-log", "verify"])
    assert verify.exit_code == 0
    assert verify.output.startswith(f"OK: {len(before['audit_log_entry'])} entries")


@pytest.mark.sqlite_only
def test_the_backup_is_taken_while_the_app_holds_a_connection(decided, backup_file, tmp_path):
    """The online backup needs no one to stop: a second backup with a session open matches."""
    with decided.app_context():
        db.session.execute(select(Audit).limit(1)).all()  # a connection checked out
        out = tmp_path / "again.sqlite"
        result = decided.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(out) as copy, sqlite3.connect(backup_file) as first:
        query = "SELECT count(*), max(hash) FROM audit_log_entry"
        assert copy.execute(query).fetchone() == first.execute(query).fetchone()


@pytest.mark.sqlite_only
def test_restore_asks_first(decided, backup_file):
    before = snapshot(decided)
    result = decided.test_cli_runner().invoke(args=["restore", str(backup_file)], input="n\n")
    assert result.exit_code == 1
    assert "Replace everything in the database with" in result.output
    assert snapshot(decided) == before


def not_a_database(path):
    path.write_text("office,fiscal_year\nkawasaki,2024\n")


def another_apps_database(path):
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.execute("INSERT INTO alembic_version VALUES ('0123456789ab')")
        connection.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY)")


def this_apps_tables(path, revision):
    """A database with this app's table names (and nothing else of it) at ``revision``."""
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
        for model in KEPT:
            connection.execute(f"CREATE TABLE {model.__tablename__} (id INTEGER PRIMARY KEY, x)")
        connection.executemany("INSERT INTO audit_log_entry (x) VALUES (?)", [("x" * 200,)] * 200)


def a_newer_version(path):
    this_apps_tables(path, "ffffffffffff")


def a_damaged_file(path):
    this_apps_tables(path, "6b2f1d8e0c32")
    data = bytearray(path.read_bytes())
    data[4096 * 6 + 100 : 4096 * 6 + 400] = b"\xff" * 300  # inside the trail's pages
    path.write_bytes(bytes(data))


# (the file, what the refusal says)
REFUSED = [
    (not_a_database, "is not a readable SQLite database (file is not a database)"),
    (lambda path: path.write_bytes(b""), "is a SQLite database, but not one of this app"),
    (another_apps_database, "is a SQLite database, but not one of this app"),
    (a_newer_version, "is at schema revision ffffffffffff, which this version of the app"),
    (a_damaged_file, "is damaged (integrity check: *** in database main ***"),
]


@pytest.mark.parametrize(
    ("make", "refusal"),
    REFUSED,
    ids=["text", "empty", "another app's", "a newer version's", "damaged"],
)
def test_restore_refuses_and_changes_nothing(app, tmp_path, make, refusal):
    """On PostgreSQL every restore is refused before the file is read."""
    runner = app.test_cli_runner()
    candidate = tmp_path / "candidate"
    make(candidate)
    before = snapshot(app)
    result = runner.invoke(args=["restore", str(candidate), "--yes"])
    assert result.exit_code == 1
    expected = POSTGRES_REFUSED if is_postgres(app) else refusal
    assert expected in result.output
    assert result.output.rstrip().endswith("nothing was changed")
    assert snapshot(app) == before
    assert runner.invoke(args=["audit-log", "verify"]).exit_code == 0


@pytest.mark.sqlite_only  # PostgreSQL has no database file
def test_restore_refuses_the_database_itself(app):
    database = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    result = app.test_cli_runner().invoke(args=["restore", database, "--yes"])
    assert result.exit_code == 1
    assert "is the database itself; nothing was changed" in result.output


@pytest.mark.postgresql_only  # SQLite is backed up by the command itself: see above
def test_postgresql_points_to_pg_dump(app, tmp_path):
    out = tmp_path / "backup.sqlite"
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(out)])
    assert result.exit_code == 1
    assert POSTGRES_REFUSED in result.output
    assert "pg_restore" in result.output
    assert not out.exists()
