"""The audit trail in the database: chained at flush, append-only, checked by verify_trail."""

import threading

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DatabaseError, IntegrityError

from audit.db import db
from audit.domain.trail import GENESIS, BreakKind, TrailEntry, entry_hash
from audit.models import AuditLogEntry, User
from audit.services.audit_log import record_change, verify_trail

#: the revision before the hash chain
BEFORE_CHAIN = "5a1e0c7d9b21"


def entries(session) -> list[AuditLogEntry]:
    return list(session.scalars(select(AuditLogEntry).order_by(AuditLogEntry.id)))


def test_entries_are_chained_in_the_order_they_were_added(empty_app):
    with empty_app.app_context():
        for number in range(3):
            record_change(db.session, None, "test.first", "test", str(number), after={"n": number})
        db.session.commit()
        record_change(db.session, None, "test.second", "test", "3", before={"n": 2})
        db.session.flush()
        record_change(db.session, None, "test.second", "test", "4", before={"n": 3})
        db.session.commit()
        rows = entries(db.session)
        assert [row.object_key for row in rows] == ["0", "1", "2", "3", "4"]
        assert rows[0].prev_hash == GENESIS
        for previous, row in zip(rows, rows[1:], strict=False):
            assert row.prev_hash == previous.hash
        for row in rows:
            assert row.hash == entry_hash(TrailEntry.of(row), row.prev_hash)
        check = verify_trail(db.session)
        assert check.is_intact
        assert (check.count, check.head.id) == (5, rows[-1].id)


def test_the_hash_recomputes_from_what_the_database_gives_back(app):
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        entry = record_change(
            db.session,
            admin,
            "test.unicode",
            "test",
            "川崎",
            before={"z": 1, "a": ("x", 1.5)},
            after={"note": "𠮷野家 ①"},
        )
        db.session.commit()
        stored_hash, entry_id = entry.hash, entry.id
        db.session.expire_all()  # read back: naive or zoned time, lists, JSON as stored
        row = db.session.get(AuditLogEntry, entry_id)
        assert row.before == {"a": ["x", 1.5], "z": 1}
        assert entry_hash(TrailEntry.of(row), row.prev_hash) == stored_hash


def test_the_demo_trail_is_intact(app):
    with app.app_context():
        check = verify_trail(db.session)
        assert check.is_intact
        assert check.count == db.session.scalar(select(func.count()).select_from(AuditLogEntry))
        assert check.count > 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log_entry SET actor_name = 'mallory'",
        "UPDATE audit_log_entry SET hash = prev_hash "
        "WHERE id = (SELECT max(id) FROM audit_log_entry)",
        "DELETE FROM audit_log_entry WHERE id = (SELECT max(id) FROM audit_log_entry)",
        "DELETE FROM audit_log_entry",
    ],
)
def test_the_database_refuses_to_change_the_trail(app, statement):
    with app.app_context():
        with pytest.raises(DatabaseError, match="audit_log_entry is append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
        assert verify_trail(db.session).is_intact


def test_the_orm_cannot_change_an_entry_either(app):
    with app.app_context():
        entry = db.session.scalars(select(AuditLogEntry).limit(1)).one()
        entry.actor_name = "mallory"
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.commit()


@pytest.mark.postgresql_only  # SQLite has no TRUNCATE
def test_postgresql_refuses_truncate(app):
    with app.app_context(), pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"):
        db.session.execute(text("TRUNCATE audit_log_entry"))


def test_two_entries_cannot_follow_the_same_one(empty_app):
    """A fork is refused by the database even if the lock were bypassed."""
    with empty_app.app_context():
        first = record_change(db.session, None, "test", "test", "1")
        db.session.commit()
        row = {
            "at": first.at,
            "actor_name": "cli",
            "action": "test.fork",
            "object_type": "test",
            "object_key": "fork",
            "prev_hash": first.hash,
            "hash": "f" * 64,
        }
        db.session.execute(insert(AuditLogEntry), [row])
        with pytest.raises(IntegrityError):
            db.session.execute(insert(AuditLogEntry), [{**row, "hash": "e" * 64}])


def test_writers_appending_at_once_do_not_fork_the_chain(empty_app):
    """Four threads, each with its own connection, each committing entries one by one."""
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            with empty_app.app_context():
                for number in range(10):
                    record_change(db.session, None, "test.race", "test", f"{worker}:{number}")
                    record_change(db.session, None, "test.race", "test", f"{worker}:{number}b")
                    db.session.commit()
        except BaseException as error:  # reported below, on the test's thread
            errors.append(error)

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with empty_app.app_context():
        check = verify_trail(db.session)
        assert check.is_intact
        assert check.count == 4 * 10 * 2
        # each transaction's two entries stayed next to each other
        keys = [row.object_key for row in entries(db.session)]
        assert all(b == f"{a}b" for a, b in zip(keys[::2], keys[1::2], strict=True))


# (what is done, the statement, the entry reported, what is reported)
TAMPERING = [
    (
        "an edited entry",
        "UPDATE audit_log_entry SET after = :after WHERE id = :id",
        lambda ids: ids[3],
        BreakKind.ALTERED,
    ),
    (
        "a deleted entry",
        "DELETE FROM audit_log_entry WHERE id = :id",
        lambda ids: ids[4],
        BreakKind.UNLINKED,
    ),
]


@pytest.mark.parametrize(
    ("statement", "reported", "kind"),
    [row[1:] for row in TAMPERING],
    ids=[row[0] for row in TAMPERING],
)
def test_verify_finds_an_edited_or_deleted_entry(app, tamper_trail, statement, reported, kind):
    with app.app_context():
        ids = [row.id for row in entries(db.session)]
        tamper_trail(statement, id=ids[3], after='{"rating": "met"}')
        check = verify_trail(db.session)
        assert not check.is_intact
        assert (check.broken.id, check.broken.kind) == (reported(ids), kind)
        assert check.head.id == ids[2]


def test_the_migration_chains_the_entries_stored_before_it(empty_app):
    with empty_app.app_context():
        downgrade(revision=BEFORE_CHAIN)
        for number, at in enumerate(["2024-04-01 09:00:00.000000", "2024-04-01 09:00:00.250001"]):
            db.session.execute(
                text(
                    "INSERT INTO audit_log_entry (at, actor_name, action, object_type, "
                    "object_key, before, after) VALUES (:at, 'cli', 'old.entry', 'test', :key, "
                    "NULL, :after)"
                ),
                {"at": at, "key": str(number), "after": '{"b": [1, 2], "a": "旧"}'},
            )
        db.session.commit()
        upgrade()
        rows = entries(db.session)
        assert [row.object_key for row in rows] == ["0", "1"]
        assert rows[0].prev_hash == GENESIS
        assert rows[1].prev_hash == rows[0].hash
        assert verify_trail(db.session).is_intact
        # new entries carry on the chain the migration started
        record_change(db.session, None, "new.entry", "test", "2")
        db.session.commit()
        check = verify_trail(db.session)
        assert check.is_intact
        assert check.count == 3
