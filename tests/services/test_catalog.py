"""Loading checklist files into the database: whole or not at all, history kept."""

import pytest
from sqlalchemy import func, select

from audit.db import db
from audit.domain.catalog import CatalogFile
from audit.models import AuditLogEntry, Level, LevelInForce, Office, Standard
from audit.services import catalog

OFFICES = b"""
[[office]]
code = "naka"
kind = "ward"
name = { ja = "\xe4\xb8\xad\xe5\x8c\xba\xe5\xbd\xb9\xe6\x89\x80", en = "Naka Ward Office" }
origin = "modelled"

[[principle]]
code = "P1"
name = { ja = "\xe7\x90\x86\xe5\xbf\xb5", en = "Principle" }
description = { ja = "\xe8\xaa\xac\xe6\x98\x8e", en = "Description" }
origin = "modelled"
"""


def standards_file(*codes: str, title: str = "\u57fa\u6e96", levels: int = 2) -> CatalogFile:
    parts = []
    for code in codes:
        parts.append(f'''
[[standard]]
code = "{code}"
principle = "P1"
title = {{ ja = "{title}", en = "A standard" }}
method = {{ ja = "\u6e2c\u5b9a", en = "Measured" }}
since = 2020
origin = "modelled"
''')
        for number in range(1, levels + 1):
            parts.append(f"""
[[standard.level]]
level = {number}
criterion = {{ ja = "L{number}", en = "L{number}" }}
target = 0.{number + 7}
min_observations = 20
""")
    return CatalogFile("standards/test.toml", "".join(parts).encode())


def load(*files: CatalogFile) -> catalog.CatalogPlan:
    plan = catalog.load_files(db.session, list(files), actor=None)
    db.session.commit()
    return plan


def snapshot() -> dict[str, object]:
    """What a refused load must leave exactly as it was."""
    return {
        "offices": db.session.scalars(select(Office.code).order_by(Office.code)).all(),
        "standards": db.session.execute(
            select(Standard.code, Standard.title_ja, Standard.is_retired).order_by(Standard.code)
        ).all(),
        "levels": db.session.execute(
            select(Level.standard_id, Level.number, Level.criterion_ja, Level.target_ppm).order_by(
                Level.standard_id, Level.number
            )
        ).all(),
        "history": db.session.execute(select(LevelInForce.standard_id, LevelInForce.level)).all(),
        "log": db.session.scalar(select(func.count()).select_from(AuditLogEntry)),
    }


@pytest.fixture
def session(empty_app):
    with empty_app.app_context():
        yield db.session


def test_load_creates_the_catalog_with_history_and_trail(session):
    plan = load(CatalogFile("base.toml", OFFICES), standards_file("A-1", "A-2"))
    assert [(c.code, c.change) for c in plan.changes] == [
        ("naka", "added"),
        ("P1", "added"),
        ("A-1", "added"),
        ("A-2", "added"),
    ]
    standard = catalog.get_standard(session, "A-1")
    assert [(lv.number, lv.target_ppm) for lv in standard.levels] == [(1, 800000), (2, 900000)]
    assert [(h.level, h.from_year) for h in standard.history] == [(1, 2020)]
    assert session.scalar(select(func.count()).select_from(AuditLogEntry)) == 4


def test_second_load_changes_nothing(session):
    load(CatalogFile("base.toml", OFFICES), standards_file("A-1"))
    before = snapshot()
    plan = load(CatalogFile("base.toml", OFFICES), standards_file("A-1"))
    assert plan.changes == []
    assert snapshot() == before


def test_edited_text_updates_and_is_recorded(session):
    load(CatalogFile("base.toml", OFFICES), standards_file("A-1"))
    plan = load(standards_file("A-1", title="\u65b0\u3057\u3044"))
    assert [(c.code, c.change) for c in plan.changes] == [("A-1", "changed")]
    assert catalog.get_standard(session, "A-1").title_ja == "\u65b0\u3057\u3044"
    entry = session.scalars(select(AuditLogEntry).order_by(AuditLogEntry.id.desc())).first()
    assert entry.action == "catalog.changed"
    assert entry.before == {"title (ja)": "\u57fa\u6e96"}
    assert entry.after == {"title (ja)": "\u65b0\u3057\u3044"}


def test_standard_taken_out_is_retired_then_restored(session):
    load(CatalogFile("base.toml", OFFICES), standards_file("A-1", "A-2"))
    plan = load(standards_file("A-1"))
    assert [(c.code, c.change) for c in plan.changes] == [("A-2", "retired")]
    retired = catalog.get_standard(session, "A-2")
    assert retired.is_retired
    assert len(retired.levels) == 2  # kept, with its history, for past audits
    assert [s.code for s in catalog.list_standards(session)] == ["A-1"]
    plan = load(standards_file("A-1", "A-2"))
    assert [(c.code, c.change) for c in plan.changes] == [("A-2", "restored")]
    assert not catalog.get_standard(session, "A-2").is_retired


def test_other_files_standards_are_not_retired(session):
    load(CatalogFile("base.toml", OFFICES), standards_file("A-1"))
    other = CatalogFile("other.toml", standards_file("B-1").data)
    plan = load(other)
    assert [(c.code, c.change) for c in plan.changes] == [("B-1", "added")]
    assert not catalog.get_standard(session, "A-1").is_retired


def test_level_that_has_been_in_force_cannot_be_removed(session):
    load(CatalogFile("base.toml", OFFICES), standards_file("A-1", levels=2))
    standard = catalog.get_standard(session, "A-1")
    session.add(LevelInForce(standard_id=standard.id, level=2, from_year=2023, reason="decision"))
    session.commit()
    before = snapshot()
    with pytest.raises(catalog.CatalogRefused) as refused:
        load(standards_file("A-1", levels=1))
    session.rollback()
    assert [str(p) for p in refused.value.problems] == [
        "test.toml:A-1: standard A-1: level 2 has been in force and cannot be removed"
    ]
    assert snapshot() == before


def test_refused_load_changes_nothing(session):
    load(CatalogFile("base.toml", OFFICES), standards_file("A-1"))
    before = snapshot()
    broken = CatalogFile("broken.toml", standards_file("A-1").data.replace(b'"P1"', b'"P9"'))
    with pytest.raises(catalog.CatalogRefused) as refused:
        load(standards_file("A-1", title="\u5909\u66f4"), broken)
    session.rollback()
    assert sorted(str(p) for p in refused.value.problems) == [
        "broken.toml:2: duplicate standard code A-1 (first at standards/test.toml:2)",
        "broken.toml:2: standard A-1: unknown principle P9",
    ]
    assert snapshot() == before


def test_the_real_catalog_loads(session, checklists_dir):
    plan = load(*catalog.read_files([checklists_dir]))
    assert not [c for c in plan.changes if c.change != "added"]
    assert session.scalar(select(func.count()).select_from(Office)) == 13
    kawasaki = catalog.get_office(session, "kawasaki")
    daishi = catalog.get_office(session, "daishi")
    assert daishi.parent.code == "kawasaki"
    own = {s.code for s in catalog.standards_for_office(session, kawasaki) if s.office}
    assert own
    assert all(code.startswith("KAW-") for code in own)
    # A branch office gets none of its ward's own standards.
    assert not own & {s.code for s in catalog.standards_for_office(session, daishi)}
