"""The audit trail: recording who changed what, chaining the entries, and checking the chain.

Entries are chained when they are flushed, in the order they were added, after the hash of the
newest stored entry. On PostgreSQL a transaction-wide advisory lock is taken before reading
that hash, so two requests appending at once queue instead of both chaining after the same
entry; on SQLite every writing transaction already holds the database's write lock
(``BEGIN IMMEDIATE``, ``audit.db``). The unique ``prev_hash`` refuses a fork should either fail.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session, UOWTransaction

from audit.domain.trail import GENESIS, ChainCheck, Link, TrailEntry, check_chain, entry_hash
from audit.models import AuditLogEntry, User, utc_now

#: the PostgreSQL advisory lock held while appending to the trail (any fixed number will do,
#: as long as nothing else uses it)
TRAIL_LOCK = 0x6175_6469_7474  # "auditt"


def record_change(
    session: Session,
    actor: User | None,
    action: str,
    object_type: str,
    object_key: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    *,
    audit_id: int | None = None,
) -> AuditLogEntry:
    """Append one entry to the audit trail; ``actor`` None means the command line."""
    entry = AuditLogEntry(
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else "cli",
        action=action,
        object_type=object_type,
        object_key=object_key,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        audit_id=audit_id,
    )
    session.add(entry)
    return entry


@event.listens_for(Session, "before_flush")
def _chain_new_entries(session: Session, _context: UOWTransaction, _instances: object) -> None:
    """Give the entries about to be inserted their hashes, in the order they were added.

    The unit of work inserts a table's new rows in that same order, so their ids follow it.
    """
    entries = sorted(
        (obj for obj in session.new if isinstance(obj, AuditLogEntry)),
        key=lambda entry: inspect(entry).insert_order or 0,
    )
    if not entries:
        return
    prev_hash = _lock_chain_head(session)
    for entry in entries:
        if entry.at is None:
            entry.at = utc_now()
        entry.prev_hash = prev_hash
        entry.hash = prev_hash = entry_hash(TrailEntry.of(entry), prev_hash)


def _lock_chain_head(session: Session) -> str:
    """Hold the right to append until the transaction ends; return the newest hash."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": TRAIL_LOCK})
    newest = session.scalar(select(AuditLogEntry.hash).order_by(AuditLogEntry.id.desc()).limit(1))
    return newest or GENESIS


def verify_trail(session: Session) -> ChainCheck:
    """Walk the whole trail in id order, recompute every hash, and report the first break."""
    query = select(AuditLogEntry).order_by(AuditLogEntry.id).execution_options(yield_per=1000)
    # closed on leaving, so that a break found early does not leave PostgreSQL's cursor open
    with session.scalars(query) as rows:
        return check_chain(
            Link(row.id, TrailEntry.of(row), row.prev_hash, row.hash) for row in rows
        )
