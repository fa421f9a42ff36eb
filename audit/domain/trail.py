"""The audit trail's hash chain: each entry's hash covers its fields and the previous hash.

An entry's hash is SHA-256 over a canonical JSON text of its fields and the hash of the entry
before it, so editing an entry changes its hash, and deleting or inserting one breaks the next
entry's link. The text must come out the same whichever database stored the entry: keys are
sorted, timestamps are UTC with microseconds, and the ``before``/``after`` values are taken as
they come back from a JSON column (tuples are lists, keys are strings).

A chain without a secret proves nothing against someone who rewrites every later hash too;
its last hash, noted outside the database, is what such a rewrite cannot match.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

#: the previous hash of the first entry
GENESIS = "0" * 64


@dataclass(frozen=True)
class TrailEntry:
    """The fields of an audit-trail entry that its hash covers (all of them but the id)."""

    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_key: str
    audit_id: int | None
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None

    @classmethod
    def of(cls, row: Any) -> "TrailEntry":
        """The hashed fields of anything that has them as attributes: an ORM or a result row."""
        return cls(**{field.name: getattr(row, field.name) for field in fields(cls)})


@dataclass(frozen=True)
class Link:
    """A stored entry: its id, its fields, and the two hashes it was stored with."""

    id: int
    entry: TrailEntry
    prev_hash: str
    hash: str


class BreakKind(StrEnum):
    #: the entry's fields no longer give its hash: it was edited
    ALTERED = "altered"
    #: the entry does not point at the one before it: entries were deleted or inserted
    UNLINKED = "unlinked"


@dataclass(frozen=True)
class Break:
    """The first broken link of a chain."""

    id: int
    kind: BreakKind
    #: the id of the entry before, None for the first
    previous_id: int | None
    expected: str
    found: str

    def __str__(self) -> str:
        if self.kind is BreakKind.ALTERED:
            return (
                f"entry {self.id} was altered (its contents hash to {self.expected}, "
                f"it was stored with {self.found})"
            )
        if self.previous_id is None:
            return (
                f"entry {self.id} is the first but points at {self.found}: "
                "the entries before it were deleted"
            )
        return (
            f"entry {self.id} does not follow entry {self.previous_id}: entries between them "
            f"were deleted or inserted, or entry {self.previous_id} was rewritten "
            f"(it points at {self.found}, entry {self.previous_id}'s hash is {self.expected})"
        )


@dataclass(frozen=True)
class ChainCheck:
    """What walking a chain found: the entries checked, the last good one, the first break."""

    #: entries checked, up to and including a broken one
    count: int
    #: the last entry found intact
    head: Link | None
    broken: Break | None

    @property
    def is_intact(self) -> bool:
        return self.broken is None


def canonical_time(at: datetime) -> str:
    """A timestamp as UTC ISO 8601 with microseconds; a naive one is taken as UTC.

    SQLite hands back naive UTC datetimes, PostgreSQL aware ones in the session's zone.
    """
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return aware.isoformat(timespec="microseconds")


def _as_stored(value: Mapping[str, Any] | None) -> Any:
    """A ``before``/``after`` value as a JSON column gives it back."""
    return None if value is None else json.loads(json.dumps(value))


def entry_hash(entry: TrailEntry, prev_hash: str) -> str:
    """The SHA-256 hex digest that chains ``entry`` after the entry hashed ``prev_hash``."""
    fields = {
        "prev_hash": prev_hash,
        "at": canonical_time(entry.at),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_key": entry.object_key,
        "audit_id": entry.audit_id,
        "before": _as_stored(entry.before),
        "after": _as_stored(entry.after),
    }
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_chain(links: Iterable[Link]) -> ChainCheck:
    """Walk stored entries in id order and report the first that breaks the chain."""
    count, previous = 0, None
    for link in links:
        count += 1
        expected_prev = previous.hash if previous else GENESIS
        previous_id = previous.id if previous else None
        if link.prev_hash != expected_prev:
            return ChainCheck(
                count,
                previous,
                Break(link.id, BreakKind.UNLINKED, previous_id, expected_prev, link.prev_hash),
            )
        recomputed = entry_hash(link.entry, link.prev_hash)
        if link.hash != recomputed:
            return ChainCheck(
                count,
                previous,
                Break(link.id, BreakKind.ALTERED, previous_id, recomputed, link.hash),
            )
        previous = link
    return ChainCheck(count, previous, None)
