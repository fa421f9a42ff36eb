"""`flask --app wsgi audit-log verify`: OK with the count, or the first broken link and exit 1."""

import re

import pytest
from sqlalchemy import select

from audit.db import db
from audit.models import AuditLogEntry


def test_an_intact_trail(app, runner):
    with app.app_context():
        newest = db.session.scalars(select(AuditLogEntry).order_by(AuditLogEntry.id)).all()[-1]
    result = runner.invoke(args=["audit-log", "verify"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        rf"OK: \d+ entries, every hash and link intact; the newest is entry {newest.id}, "
        rf"hash {newest.hash}\.\n",
        result.output,
    )


def test_an_empty_trail(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["audit-log", "verify"])
    assert result.exit_code == 0
    assert result.output == "OK: the audit trail is empty.\n"


# (what is done, the statement, the report)
TAMPERING = [
    (
        "an edited entry",
        "UPDATE audit_log_entry SET actor_name = 'mallory' WHERE id = :id",
        "BROKEN: entry {3} was altered (its contents hash to ",
    ),
    (
        "a deleted entry",
        "DELETE FROM audit_log_entry WHERE id = :id",
        "BROKEN: entry {4} does not follow entry {2}: entries between them were deleted or "
        "inserted, or entry {2} was rewritten",
    ),
]


@pytest.mark.parametrize(
    ("statement", "report"), [row[1:] for row in TAMPERING], ids=[row[0] for row in TAMPERING]
)
def test_a_tampered_trail(app, runner, tamper_trail, statement, report):
    with app.app_context():
        ids = list(db.session.scalars(select(AuditLogEntry.id).order_by(AuditLogEntry.id)))
        tamper_trail(statement, id=ids[3])
    result = runner.invoke(args=["audit-log", "verify"])
    assert result.exit_code == 1
    assert result.output.startswith(report.format(*ids))
    assert result.output.endswith("; the 3 entries before it are intact.\n")
