"""The ratchet with real audits: proposals from accepted results, decisions, levels by year."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from audit.db import db
from audit.domain.ratchet import ProposalKind, ProposalStatus
from audit.domain.scoring import Rating
from audit.models import AuditKind, DecisionOutcome, LevelInForce, User
from audit.services import audits, catalog, ratchet

YEARS = (2040, 2041)  # as RATCHET_YEARS in conftest
REVIEW = 2041
DURING_REVIEW = date(2041, 10, 1)  # the meeting sits during the review year


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session


def user(session, name):
    return session.scalar(select(User).where(User.username == name))


def find(page, code, kind=ProposalKind.STEP_UP):
    return next((p for p in page.review.proposals if p.standard == code and p.kind == kind), None)


def test_every_office_meeting_a_standard_for_two_years_proposes_the_next_level(session, accepted):
    accepted()
    proposal = find(ratchet.review_year(session, REVIEW), "C03")
    assert proposal is not None
    assert (proposal.from_level, proposal.to_level) == (1, 2)
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.years == YEARS
    assert len(proposal.evidence) == 13 * 2  # every office, every year
    assert proposal.pooled.trials == 13 * 2 * 200


def test_one_office_failing_blocks_the_proposal(session, accepted):
    accepted(
        lambda office, code, year: (
            (Rating.NOT_MET, 150, 200)
            if (office, code, year) == ("tama", "C03", 2040)
            else (Rating.MET, 195, 200)
        )
    )
    assert find(ratchet.review_year(session, REVIEW), "C03") is None


def test_weak_pooled_evidence_is_shown_as_insufficient(session, accepted):
    # Every office ○, but 18 of 20 each time: the pooled lower bound stays below L2's 90%.
    accepted(lambda office, code, year: (Rating.MET, 18, 20))
    proposal = find(ratchet.review_year(session, REVIEW), "C01")
    assert proposal.target == Decimal("0.9")
    assert proposal.status == ProposalStatus.INSUFFICIENT_EVIDENCE
    assert proposal.pooled.interval.low < proposal.target


def test_an_approved_step_up_applies_from_the_next_year_only(session, accepted):
    accepted()
    head = user(session, "head")
    ratchet.decide(
        session,
        head,
        REVIEW,
        "C03",
        ProposalKind.STEP_UP,
        DecisionOutcome.APPROVED,
        "全区で2年連続達成",
        date(2041, 10, 1),
        DURING_REVIEW,
    )
    c03 = catalog.get_standard(session, "C03")
    assert catalog.level_in_force(c03, REVIEW) == 1
    assert catalog.level_in_force(c03, REVIEW + 1) == 2
    kawasaki = user(session, "kawasaki")
    this_year = next(a for a in audits.list_audits(session, kawasaki, year=REVIEW))
    next_year = audits.create_audit(session, kawasaki, "kawasaki", REVIEW + 1, AuditKind.SELF)
    old = next(
        r
        for r in audits.get_audit(session, kawasaki, this_year.id).responses
        if r.standard_code == "C03"
    )
    new = next(r for r in next_year.responses if r.standard_code == "C03")
    assert (old.level, new.level) == (1, 2)
    assert old.criterion_ja == c03.levels[0].criterion_ja
    assert new.criterion_ja == c03.levels[1].criterion_ja
    # Once approved the proposal is not offered again for the new level's first years.
    assert find(ratchet.review_year(session, REVIEW + 1), "C03") is None


def test_a_decision_can_be_revised_until_its_year_begins(session, accepted):
    accepted()
    head = user(session, "head")
    args = (session, head, REVIEW, "C03", ProposalKind.STEP_UP)
    ratchet.decide(*args, DecisionOutcome.APPROVED, "", date(2041, 10, 1), DURING_REVIEW)
    ratchet.decide(
        *args, DecisionOutcome.DEFERRED, "もう1年様子を見る", date(2041, 11, 1), DURING_REVIEW
    )
    c03 = catalog.get_standard(session, "C03")
    session.refresh(c03)
    assert catalog.level_in_force(c03, REVIEW + 1) == 1
    with pytest.raises(ratchet.DecisionRefused):
        ratchet.decide(*args, DecisionOutcome.APPROVED, "", date(2042, 4, 2), date(2042, 4, 2))


@pytest.mark.parametrize(
    ("username", "outcome", "rationale"),
    [
        ("kawasaki", DecisionOutcome.APPROVED, ""),
        ("auditor", DecisionOutcome.APPROVED, ""),
        ("head", DecisionOutcome.REJECTED, ""),  # a rejection needs its reason
        ("head", DecisionOutcome.DEFERRED, "  "),
    ],
)
def test_refused_decisions(session, accepted, username, outcome, rationale):
    accepted()
    with pytest.raises(ratchet.DecisionRefused):
        ratchet.decide(
            session,
            user(session, username),
            REVIEW,
            "C03",
            ProposalKind.STEP_UP,
            outcome,
            rationale,
            date(2041, 10, 1),
            DURING_REVIEW,
        )


def test_no_decision_without_a_proposal(session, accepted):
    accepted(lambda office, code, year: (Rating.NOT_MET, 100, 200))
    with pytest.raises(ratchet.DecisionRefused):
        ratchet.decide(
            session,
            user(session, "head"),
            REVIEW,
            "C03",
            ProposalKind.STEP_UP,
            DecisionOutcome.APPROVED,
            "",
            date(2041, 10, 1),
            DURING_REVIEW,
        )


def test_an_approved_promotion_creates_a_citywide_standard_with_its_lineage(session, accepted):
    accepted()
    page = ratchet.review_year(session, REVIEW)
    assert find(page, "KAW-01", ProposalKind.PROMOTION) is not None
    decision = ratchet.decide(
        session,
        user(session, "head"),
        REVIEW,
        "KAW-01",
        ProposalKind.PROMOTION,
        DecisionOutcome.APPROVED,
        "好事例",
        date(2041, 10, 1),
        DURING_REVIEW,
    )
    adopted = catalog.get_standard(session, "C-KAW-01")
    assert adopted.id == decision.created_standard_id
    origin = catalog.get_standard(session, "KAW-01")
    assert adopted.code == "C-KAW-01"
    assert adopted.promoted_from_id == origin.id
    assert adopted.office_id is None
    assert catalog.level_in_force(adopted, REVIEW + 1) == 1
    assert catalog.level_in_force(adopted, REVIEW) is None
    saiwai = audits.create_audit(
        session, user(session, "auditor"), "saiwai", REVIEW + 1, AuditKind.EXTERNAL
    )
    assert "C-KAW-01" in {r.standard_code for r in saiwai.responses}
    kawasaki = audits.create_audit(
        session, user(session, "kawasaki"), "kawasaki", REVIEW + 1, AuditKind.SELF
    )
    codes = {r.standard_code for r in kawasaki.responses}
    assert "C-KAW-01" in codes
    assert "KAW-01" not in codes  # scored once, as the citywide standard


def test_minutes_list_the_decisions_of_a_meeting(session, accepted):
    accepted()
    head = user(session, "head")
    for code in ("C03", "C04"):
        ratchet.decide(
            session,
            head,
            REVIEW,
            code,
            ProposalKind.STEP_UP,
            DecisionOutcome.APPROVED,
            "",
            date(2041, 10, 1),
            DURING_REVIEW,
        )
    assert {d.standard.code for d in ratchet.decisions_on(session, date(2041, 10, 1))} == {
        "C03",
        "C04",
    }
    assert ratchet.decisions_on(session, date(2041, 10, 2)) == []


def test_the_decision_applies_from_the_year_after_the_meeting(session, accepted):
    accepted()
    decision = ratchet.decide(
        session,
        user(session, "head"),
        REVIEW,
        "C03",
        ProposalKind.STEP_UP,
        DecisionOutcome.APPROVED,
        "",
        date(2042, 6, 1),
        date(2042, 6, 1),
    )  # the meeting sits in FY2042
    assert decision.effective_year == 2043
    c03 = catalog.get_standard(session, "C03")
    assert catalog.level_in_force(c03, 2042) == 1
    assert catalog.level_in_force(c03, 2043) == 2
    with pytest.raises(ratchet.DecisionRefused):
        ratchet.decide(
            session,
            user(session, "head"),
            REVIEW,
            "C04",
            ProposalKind.STEP_UP,
            DecisionOutcome.APPROVED,
            "",
            date(2040, 6, 1),
            DURING_REVIEW,
        )


def test_a_level_already_decided_is_not_proposed_again(session, accepted):
    accepted()
    c03 = catalog.get_standard(session, "C03")
    # As if an earlier meeting had already raised C03 to L2 from FY2043.
    c03.history.append(LevelInForce(level=2, from_year=2043, reason="decision"))
    session.flush()
    page = ratchet.review_year(session, REVIEW)
    assert find(page, "C03") is None
    assert find(page, "C04") is not None
