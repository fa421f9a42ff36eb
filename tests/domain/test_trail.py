"""The audit trail's hash chain: canonical hashing, and finding the first broken link."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from audit.domain.trail import (
    GENESIS,
    BreakKind,
    Link,
    TrailEntry,
    canonical_time,
    check_chain,
    entry_hash,
)

AT = datetime(2026, 4, 1, 0, 30, 15, 123456, tzinfo=UTC)
JST = timezone(timedelta(hours=9))


def entry(number: int = 1, **changes: object) -> TrailEntry:
    fields = {
        "at": AT + timedelta(seconds=number),
        "actor_id": 3,
        "actor_name": "kawasaki",
        "action": "response.saved",
        "object_type": "response",
        "object_key": f"{number}:C01",
        "audit_id": 7,
        "before": {"rating": None, "evidence": ""},
        "after": {"rating": "met", "evidence": f"窓口で確認 {number}", "counts": [27, 30]},
    }
    return TrailEntry(**{**fields, **changes})  # type: ignore[arg-type]


def chain(count: int) -> list[Link]:
    """``count`` stored entries, correctly chained, with ids 1…count."""
    links, prev_hash = [], GENESIS
    for number in range(1, count + 1):
        fields = entry(number)
        hash_ = entry_hash(fields, prev_hash)
        links.append(Link(number, fields, prev_hash, hash_))
        prev_hash = hash_
    return links


# --- hashing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "at",
    [
        AT,
        AT.astimezone(JST),  # PostgreSQL hands back the session's zone
        AT.replace(tzinfo=None),  # SQLite hands back naive UTC
    ],
)
def test_one_instant_is_one_text_whatever_the_zone(at):
    assert canonical_time(at) == "2026-04-01T00:30:15.123456+00:00"


def test_whole_seconds_keep_their_microseconds():
    assert canonical_time(AT.replace(microsecond=0)) == "2026-04-01T00:30:15.000000+00:00"


def test_the_hash_is_sha256_hex_and_stable():
    digest = entry_hash(entry(), GENESIS)
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert digest == entry_hash(entry(), GENESIS)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("at", AT + timedelta(microseconds=1)),
        ("actor_id", None),
        ("actor_name", "cli"),
        ("action", "response.deleted"),
        ("object_type", "audit"),
        ("object_key", "2:C01"),
        ("audit_id", None),
        ("before", None),
        ("after", {"rating": "not_met", "evidence": "窓口で確認 1", "counts": [27, 30]}),
        ("after", {"rating": "met", "evidence": "窓口で確認 1", "counts": [30, 27]}),
    ],
)
def test_every_field_is_covered(field, value):
    assert entry_hash(replace(entry(), **{field: value}), GENESIS) != entry_hash(entry(), GENESIS)


def test_the_previous_hash_is_covered():
    assert entry_hash(entry(), GENESIS) != entry_hash(entry(), "f" * 64)


@pytest.mark.parametrize(
    ("written", "read_back"),
    [
        ({"b": 1, "a": 2}, {"a": 2, "b": 1}),  # key order
        ({"counts": (27, 30)}, {"counts": [27, 30]}),  # a tuple comes back a list
        ({"n": {1: "x"}}, {"n": {"1": "x"}}),  # a number key comes back a string
        ({"share": 0.1}, {"share": 0.1}),
    ],
)
def test_values_hash_as_a_json_column_gives_them_back(written, read_back):
    assert entry_hash(entry(after=written), GENESIS) == entry_hash(entry(after=read_back), GENESIS)


# --- the chain ----------------------------------------------------------------------------


def test_an_intact_chain():
    links = chain(5)
    check = check_chain(links)
    assert check.is_intact
    assert (check.count, check.head) == (5, links[-1])


def test_an_empty_chain_is_intact():
    check = check_chain([])
    assert check.is_intact
    assert (check.count, check.head) == (0, None)


def edited(links: list[Link]) -> list[Link]:
    links[2] = replace(links[2], entry=replace(links[2].entry, actor_name="mallory"))
    return links


def edited_and_rehashed(links: list[Link]) -> list[Link]:
    forged = replace(links[2].entry, actor_name="mallory")
    links[2] = replace(links[2], entry=forged, hash=entry_hash(forged, links[2].prev_hash))
    return links


def swapped(links: list[Link]) -> list[Link]:
    links[2], links[3] = replace(links[3], id=3), replace(links[2], id=4)
    return links


def inserted(links: list[Link]) -> list[Link]:
    forged = entry(99)
    links.insert(2, Link(99, forged, links[1].hash, entry_hash(forged, links[1].hash)))
    return links


# (what was done, how the chain is changed, the id reported, what is reported, the entry before)
TAMPERING = [
    ("an edited entry", edited, 3, BreakKind.ALTERED, 2),
    ("an edited entry with its hash redone", edited_and_rehashed, 4, BreakKind.UNLINKED, 3),
    ("a deleted entry", lambda links: links[:2] + links[3:], 4, BreakKind.UNLINKED, 2),
    ("the first entry deleted", lambda links: links[1:], 2, BreakKind.UNLINKED, None),
    ("two entries swapped", swapped, 3, BreakKind.UNLINKED, 2),
    ("an entry inserted", inserted, 3, BreakKind.UNLINKED, 99),
]


@pytest.mark.parametrize(
    ("tampering", "found_id", "kind", "previous_id"),
    [row[1:] for row in TAMPERING],
    ids=[row[0] for row in TAMPERING],
)
def test_the_first_broken_link_is_found(tampering, found_id, kind, previous_id):
    check = check_chain(tampering(chain(6)))
    assert not check.is_intact
    assert (check.broken.id, check.broken.kind, check.broken.previous_id) == (
        found_id,
        kind,
        previous_id,
    )
    assert check.head is None or check.head.id == previous_id


def test_only_the_first_break_is_reported():
    links = chain(6)
    links[1] = replace(links[1], hash="0" * 64)
    links[4] = replace(links[4], entry=entry(40))
    assert check_chain(links).broken.id == 2


def test_deleting_the_newest_entries_leaves_a_shorter_intact_chain_with_another_head():
    """What the chain cannot show by itself: the head noted elsewhere shows it."""
    links = chain(6)
    check = check_chain(links[:4])
    assert check.is_intact
    assert check.head.hash != links[-1].hash


def test_the_report_names_the_entries():
    altered = check_chain(edited(chain(4))).broken
    assert str(altered).startswith("entry 3 was altered (its contents hash to ")
    unlinked = check_chain(chain(4)[:1] + chain(4)[2:]).broken
    assert str(unlinked).startswith(
        "entry 3 does not follow entry 1: entries between them were deleted or inserted, "
        "or entry 1 was rewritten"
    )
    first = check_chain(chain(4)[1:]).broken
    assert str(first).startswith("entry 2 is the first but points at ")


def test_an_entry_is_read_from_any_row_with_its_fields():
    class Row:
        id = 12
        hash = "not a field"

    row = Row()
    for name, value in vars(entry()).items():
        setattr(row, name, value)
    assert TrailEntry.of(row) == entry()
