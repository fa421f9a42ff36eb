"""Audits in the service layer: what is copied, carried over, recorded and locked."""

from datetime import date

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from audit.db import db
from audit.domain.catalog import CatalogFile
from audit.domain.scoring import ActionInput, Rating, ResponseInput
from audit.models import Action, Audit, AuditKind, AuditLogEntry, AuditStatus, User
from audit.services import audits, catalog
from audit.services.audit_log import verify_trail

from ..conftest import NEXT_YEAR


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session


def user(session, name):
    return session.scalar(select(User).where(User.username == name))


def response(audit, code):
    return next(r for r in audit.responses if r.standard_code == code)


def test_an_audit_keeps_the_text_it_was_scored_against(session, checklists_dir):
    kawasaki = user(session, "kawasaki")
    audit = audits.create_audit(session, kawasaki, "kawasaki", NEXT_YEAR, AuditKind.SELF)
    original = response(audit, "C01").title_ja
    session.commit()
    path = checklists_dir / "standards" / "citywide.toml"
    edited = path.read_text(encoding="utf-8").replace(original, "【改訂】" + original, 1)
    catalog.load_files(session, [CatalogFile(str(path), edited.encode())], actor=None)
    session.commit()
    assert catalog.get_standard(session, "C01").title_ja.startswith("【改訂】")
    reread = audits.get_audit(session, kawasaki, audit.id)
    assert response(reread, "C01").title_ja == original


def test_level_in_force_is_the_one_scored(session):
    audit = audits.create_audit(
        session, user(session, "auditor"), "saiwai", NEXT_YEAR, AuditKind.EXTERNAL
    )
    c01 = catalog.get_standard(session, "C01")
    assert response(audit, "C01").level == catalog.level_in_force(c01, NEXT_YEAR)
    assert response(audit, "C01").criterion_ja == c01.levels[0].criterion_ja


def test_branch_office_gets_no_ward_only_standards(session):
    audit = audits.create_audit(
        session, user(session, "auditor"), "daishi", NEXT_YEAR, AuditKind.EXTERNAL
    )
    codes = {r.standard_code for r in audit.responses}
    ward_only = {
        s.code
        for s in catalog.list_standards(session)
        if s.office is None and "branch" not in s.applies_to
    }
    assert ward_only
    assert not codes & ward_only
    assert "DAI-01" in codes
    assert not {c for c in codes if c.startswith("KAW-")}


def test_next_year_starts_from_last_year(session):
    kawasaki = user(session, "kawasaki")
    first = audits.create_audit(session, kawasaki, "kawasaki", NEXT_YEAR, AuditKind.SELF)
    audits.save_response(
        session, kawasaki, first, "C01", ResponseInput(Rating.MET, 25, 30, evidence="窓口観察"), 1
    )
    second = audits.create_audit(session, kawasaki, "kawasaki", NEXT_YEAR + 1, AuditKind.SELF)
    carried = response(second, "C01")
    assert carried.evidence == "窓口観察"
    assert (carried.rating, carried.successes, carried.trials) == (None, None, None)
    fresh = audits.create_audit(
        session,
        user(session, "auditor"),
        "kawasaki",
        NEXT_YEAR + 1,
        AuditKind.EXTERNAL,
        from_previous=False,
    )
    assert response(fresh, "C01").evidence == ""


def test_open_actions_carry_into_the_next_audit(session):
    kawasaki = user(session, "kawasaki")
    first = audits.create_audit(session, kawasaki, "kawasaki", NEXT_YEAR, AuditKind.SELF)
    action = ActionInput("研修", "課長", date(NEXT_YEAR + 1, 3, 31))
    audits.save_response(
        session,
        kawasaki,
        first,
        "C02",
        ResponseInput(Rating.PARTIAL, evidence="一部", actions=(action,)),
        1,
    )
    second = audits.create_audit(session, kawasaki, "kawasaki", NEXT_YEAR + 1, AuditKind.SELF)
    summary = audits.summarize_audit(session, kawasaki, second)
    assert "研修" in [a.what for a in summary.open_actions]
    # With the action open, △ needs no new one next year.
    audits.save_response(
        session, kawasaki, second, "C02", ResponseInput(Rating.PARTIAL, evidence="継続"), 1
    )


def test_every_change_is_in_the_trail(session):
    kawasaki, head = user(session, "kawasaki"), user(session, "head")
    audit = audits.create_audit(session, kawasaki, "kawasaki", NEXT_YEAR, AuditKind.SELF)
    for r in list(audit.responses):
        audits.save_response(
            session,
            kawasaki,
            audit,
            r.standard_code,
            ResponseInput(Rating.MET, evidence="確認"),
            r.version,
        )
    audits.submit_audit(session, kawasaki, audit)
    audits.accept_audit(session, head, audit)
    audits.reopen_audit(session, user(session, "admin"), audit, "誤記の訂正")
    actions = session.scalars(
        select(AuditLogEntry.action)
        .where(AuditLogEntry.audit_id == audit.id)
        .order_by(AuditLogEntry.id)
    ).all()
    assert actions[0] == "audit.created"
    assert actions.count("response.saved") == len(audit.responses)
    assert actions[-3:] == ["audit.submitted", "audit.accepted", "audit.reopened"]
    entry = session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "audit.reopened"))
    assert entry.after == {"status": "draft", "reason": "誤記の訂正"}
    assert entry.actor_name == "admin"


def test_an_accepted_audit_cannot_change(session):
    kawasaki = user(session, "kawasaki")
    audit = audits.create_audit(session, kawasaki, "kawasaki", NEXT_YEAR, AuditKind.SELF)
    for r in list(audit.responses):
        audits.save_response(
            session,
            kawasaki,
            audit,
            r.standard_code,
            ResponseInput(Rating.MET, evidence="確認"),
            r.version,
        )
    audits.submit_audit(session, kawasaki, audit)
    audits.accept_audit(session, user(session, "auditor"), audit)
    assert audit.status == AuditStatus.ACCEPTED
    c01 = response(audit, "C01")
    with pytest.raises(audits.AuditConflict):
        audits.save_response(
            session,
            kawasaki,
            audit,
            "C01",
            ResponseInput(Rating.NOT_MET, evidence="x"),
            c01.version,
        )
    with pytest.raises(audits.AuditConflict):
        audits.submit_audit(session, kawasaki, audit)
    with pytest.raises(audits.AuditForbidden):
        audits.reopen_audit(session, user(session, "head"), audit, "理由")
    assert c01.rating == Rating.MET


def test_demo_data_has_accepted_audits_and_open_actions(session):
    head = user(session, "head")
    listed = audits.list_audits(session, head)
    assert {a.status for a in listed} == {AuditStatus.ACCEPTED, AuditStatus.DRAFT}
    assert session.scalar(select(Action.id).limit(1)) is not None


def test_a_standard_saved_by_another_process_meanwhile_is_refused_alone(app):
    """Two processes on one database: the first reads the audit; as its writing transaction
    begins, the second saves the middle one of three standards and commits. The first's write
    of that standard matches no row (StaleDataError): its savepoint is rolled back, the two
    around it are saved in the same transaction, and the standard shows the second's values.
    """
    with app.app_context():
        engine = db.engine
        member = user(db.session, "kawasaki")
        year = db.session.scalar(select(func.max(Audit.fiscal_year))) + 1
        audit_id = audits.create_audit(db.session, member, "kawasaki", year, AuditKind.SELF).id
        db.session.commit()
    with Session(engine, expire_on_commit=False) as first:
        audit = audits.get_audit(first, user(first, "kawasaki"), audit_id)
        codes = [r.standard_code for r in audit.responses[:3]]
        first.commit()  # what it read stays in memory; SQLite lets no one write in a transaction
        armed = [True]

        def second_saves_meanwhile(*_args: object) -> None:
            if armed[0]:
                armed[0] = False
                with Session(engine) as second:
                    other = user(second, "kawasaki")
                    theirs = audits.get_audit(second, other, audit_id)
                    entry = ResponseInput(Rating.EXCEEDS, evidence="二つ目の処理")
                    audits.save_response(second, other, theirs, codes[1], entry, 1)
                    second.commit()

        # as the first's writing transaction is created, before it takes a connection
        event.listen(first, "after_transaction_create", second_saves_meanwhile)
        try:
            entries = {
                code: (ResponseInput(Rating.MET, evidence=f"{code} 一つ目"), 1) for code in codes
            }
            result = audits.save_responses(first, user(first, "kawasaki"), audit, entries)
            first.commit()
        finally:
            event.remove(first, "after_transaction_create", second_saves_meanwhile)

    assert not armed[0]
    assert result.saved == [codes[0], codes[2]]
    assert set(result.stale) == {codes[1]}
    stale = result.stale[codes[1]]
    assert (stale.response.evidence, stale.response.version) == ("二つ目の処理", 2)
    assert ("evidence", "二つ目の処理", f"{codes[1]} 一つ目") in stale.changes
    with app.app_context():
        stored = {
            r.standard_code: (r.rating, r.evidence, r.version)
            for r in audits.get_audit(db.session, None, audit_id).responses[:3]
        }
        assert stored == {
            codes[0]: (Rating.MET, f"{codes[0]} 一つ目", 2),
            codes[1]: (Rating.EXCEEDS, "二つ目の処理", 2),
            codes[2]: (Rating.MET, f"{codes[2]} 一つ目", 2),
        }
        saves = db.session.scalars(
            select(AuditLogEntry.object_key)
            .where(AuditLogEntry.audit_id == audit_id, AuditLogEntry.action == "response.saved")
            .order_by(AuditLogEntry.id)
        ).all()
        assert saves == [codes[1], codes[0], codes[2]]  # the refused write left no entry
        assert verify_trail(db.session).is_intact
