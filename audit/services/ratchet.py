"""The ratchet review for a fiscal year, and the division heads' meeting's decisions on it."""

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from audit.domain import catalog as domain_catalog
from audit.domain import ratchet
from audit.domain.fiscal_year import fiscal_year_of
from audit.domain.ratchet import Proposal, ProposalKind, Review
from audit.models import (
    Decision,
    DecisionOutcome,
    Level,
    LevelInForce,
    Practice,
    Response,
    Role,
    Standard,
    User,
)
from audit.services import N_, ServiceError, catalog
from audit.services.audit_log import record_change
from audit.services.results import read_results

#: where standards created by the meeting's decisions are kept (no checklist file)
DECISIONS_SOURCE = "decisions"


class DecisionRefused(ServiceError):
    """The decision cannot be taken or revised; the message says why."""

    def __init__(self, message: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(message, **params)
        #: the decision form's field the refusal is about, to show it beside that field
        self.field = field


def proposal_id(year: int, proposal: Proposal) -> str:
    """A stable name for a proposal: ``2025-C01-step_up``."""
    return f"{year}-{proposal.standard}-{proposal.kind.value}"


def parse_proposal_id(value: str) -> tuple[int, str, ProposalKind] | None:
    year, _, rest = value.partition("-")
    code, _, kind = rest.rpartition("-")
    if not year.isdigit() or not code or kind not in tuple(ProposalKind):
        return None
    return int(year), code, ProposalKind(kind)


@dataclass(frozen=True)
class ReviewPage:
    """A review with the meeting's decisions on its proposals and the standards' rows."""

    review: Review
    decisions: dict[tuple[str, ProposalKind], Decision]
    standards: dict[str, Standard]
    practices: dict[str, list[Practice]]

    def decision_for(self, proposal: Proposal) -> Decision | None:
        return self.decisions.get((proposal.standard, proposal.kind))


def standard_states(
    session: Session, year: int
) -> tuple[list[ratchet.StandardState], dict[str, Standard]]:
    """Every active standard in force in the review year, with the offices it applies to."""
    offices = catalog.list_offices(session)
    rows = catalog.list_standards(session)
    states = []
    for row in rows:
        level = catalog.level_in_force(row, year)
        if level is None:
            continue
        owner = row.office.code if row.office else None
        kinds = catalog.applies_to_kinds(row)
        applicable = frozenset(
            o.code
            for o in offices
            if domain_catalog.applies_to_office(owner, kinds, o.code, o.kind)
        )
        states.append(
            ratchet.StandardState(
                code=row.code,
                levels=tuple(catalog.level_value(lv) for lv in row.levels),
                level=level,
                offices=applicable,
                rule=catalog.rule_value(row.rule),
                owner=owner,
            )
        )
    return states, {row.code: row for row in rows}


def review_year(session: Session, year: int) -> ReviewPage:
    """The review of a fiscal year with its decisions, in a fixed number of queries."""
    states, standards = standard_states(session, year)
    longest = max((s.rule.sustain_years for s in states), default=2)
    window = range(year - max(longest, ratchet.SUPPORT_YEARS) + 1, year + 1)
    # Both sources as read: the rule picks the best result of each office and year itself.
    review = ratchet.review(year, states, read_results(session, window))
    decisions = {
        (d.standard.code, d.kind): d
        for d in session.scalars(
            select(Decision)
            .where(Decision.review_year == year)
            .options(selectinload(Decision.standard), selectinload(Decision.decided_by))
        )
    }
    review = _without_settled(review, standards, decisions)
    promoted = [p.standard for p in review.proposals if p.kind == ProposalKind.PROMOTION]
    practices: dict[str, list[Practice]] = {}
    if promoted:
        for practice in session.scalars(
            select(Practice)
            .join(Practice.standard)
            .where(Standard.code.in_(promoted))
            .options(selectinload(Practice.standard))
        ):
            practices.setdefault(practice.standard.code, []).append(practice)
    return ReviewPage(review, decisions, standards, practices)


def _without_settled(
    review: Review,
    standards: dict[str, Standard],
    decisions: dict[tuple[str, ProposalKind], Decision],
) -> Review:
    """Leave out what an earlier review's approval already settled.

    A standard whose next level is already decided (in force from a later year), or an own
    standard already adopted citywide, is not proposed again, unless this review's own
    decision is about it.
    """
    adopted = {s.promoted_from_id for s in standards.values() if s.promoted_from_id}

    def is_settled(proposal: Proposal) -> bool:
        if (proposal.standard, proposal.kind) in decisions:
            return False
        standard = standards[proposal.standard]
        if proposal.kind == ProposalKind.PROMOTION:
            return standard.id in adopted
        return any(step.level >= proposal.to_level for step in standard.history)

    return replace(review, proposals=tuple(p for p in review.proposals if not is_settled(p)))


def evidence_json(proposal: Proposal) -> dict[str, Any]:
    """The evidence a proposal rests on, as plain values (for the API and the decision row)."""
    pooled = proposal.pooled
    return {
        "years": list(proposal.years),
        "offices": [
            {
                "office": e.office,
                "year": e.year,
                "rating": e.rating.value if e.rating else None,
                "level": e.level,
                "source": e.source.value if e.source else None,
                "successes": e.successes,
                "trials": e.trials,
                "interval": (
                    {"low": float(e.interval.low), "high": float(e.interval.high)}
                    if e.interval
                    else None
                ),
            }
            for e in proposal.evidence
        ],
        "pooled": (
            {
                "successes": pooled.successes,
                "trials": pooled.trials,
                "low": float(pooled.interval.low),
                "high": float(pooled.interval.high),
            }
            if pooled
            else None
        ),
        "target": float(proposal.target) if proposal.target is not None else None,
        "min_observations": proposal.min_observations,
    }


def decide(
    session: Session,
    user: User,
    year: int,
    code: str,
    kind: ProposalKind,
    outcome: DecisionOutcome,
    rationale: str,
    meeting_date: date,
    today: date,
) -> Decision:
    """Record (or revise) the meeting's decision on a proposal of a review year.

    An approval adds the next level from the fiscal year after the meeting's, or, for a
    promotion, a citywide standard at L1 from then. A decision can be revised until that
    year begins.
    """
    if user.role != Role.HEAD:
        raise DecisionRefused(N_("only a division head records the meeting's decisions"))
    if outcome != DecisionOutcome.APPROVED and not rationale.strip():
        raise DecisionRefused(N_("a deferral or a rejection needs its reason"), field="rationale")
    meeting_year, this_year = fiscal_year_of(meeting_date), fiscal_year_of(today)
    if meeting_year < year:
        raise DecisionRefused(
            N_("the meeting cannot sit before the year it reviews"), field="meeting_date"
        )
    effective = meeting_year + 1
    page = review_year(session, year)
    proposal = next(
        (p for p in page.review.proposals if p.standard == code and p.kind == kind), None
    )
    decision = page.decisions.get((code, kind))
    if proposal is None and decision is None:
        raise DecisionRefused(N_("there is no such proposal in the %(year)s review"), year=year)
    for applies_from in (effective, decision.effective_year if decision else effective):
        if this_year >= applies_from:
            raise DecisionRefused(
                N_(
                    "a decision that applies from %(year)s can no longer be taken or revised: "
                    "that fiscal year has begun"
                ),
                year=applies_from,
            )
    standard = page.standards[code]
    before = _decision_values(decision) if decision else None
    if decision is None:
        assert proposal is not None
        decision = Decision(
            review_year=year,
            standard_id=standard.id,
            kind=kind,
            from_level=proposal.from_level,
            to_level=proposal.to_level,
            evidence=evidence_json(proposal),
        )
        session.add(decision)
    elif decision.outcome == DecisionOutcome.APPROVED:
        _undo_approval(session, decision)
    decision.outcome, decision.rationale = outcome, rationale.strip()
    decision.meeting_date, decision.effective_year = meeting_date, effective
    decision.decided_by_id = user.id
    session.flush()
    if outcome == DecisionOutcome.APPROVED:
        _apply_approval(session, decision, standard)
    record_change(
        session,
        user,
        f"decision.{outcome.value}",
        "standard",
        code,
        before=before,
        after=_decision_values(decision),
    )
    session.flush()
    return decision


def may_decide(decision: Decision | None, today: date) -> bool:
    """Can the meeting still take, or revise, this decision today?"""
    return decision is None or fiscal_year_of(today) < decision.effective_year


def _decision_values(decision: Decision) -> dict[str, Any]:
    return {
        "review_year": decision.review_year,
        "kind": decision.kind.value,
        "from_level": decision.from_level,
        "to_level": decision.to_level,
        "outcome": decision.outcome.value,
        "rationale": decision.rationale,
        "meeting_date": decision.meeting_date.isoformat(),
    }


def _apply_approval(session: Session, decision: Decision, standard: Standard) -> None:
    effective = decision.effective_year
    if decision.kind == ProposalKind.STEP_UP:
        session.add(
            LevelInForce(
                standard_id=standard.id,
                level=decision.to_level,
                from_year=effective,
                reason="decision",
                decision_id=decision.id,
            )
        )
        return
    levels = session.scalars(
        select(Level).where(Level.standard_id == standard.id).order_by(Level.number)
    ).all()
    adopted = Standard(
        code=f"C-{standard.code}",
        principle_id=standard.principle_id,
        office_id=None,
        applies_to="ward,branch,sub",
        area=standard.area,
        title_ja=standard.title_ja,
        title_en=standard.title_en,
        method_ja=standard.method_ja,
        method_en=standard.method_en,
        since=effective,
        start_level=1,
        origin=standard.origin,
        rule=standard.rule,
        source=DECISIONS_SOURCE,
        promoted_from_id=standard.id,
        position=standard.position,
        levels=[
            Level(
                number=lv.number,
                criterion_ja=lv.criterion_ja,
                criterion_en=lv.criterion_en,
                target_ppm=lv.target_ppm,
                min_observations=lv.min_observations,
            )
            for lv in levels
        ],
        history=[
            LevelInForce(level=1, from_year=effective, reason="decision", decision_id=decision.id)
        ],
    )
    session.add(adopted)
    session.flush()
    decision.created_standard_id = adopted.id


def _undo_approval(session: Session, decision: Decision) -> None:
    """Take back an approval whose year has not begun, unless an audit already uses it."""
    steps = session.scalars(
        select(LevelInForce).where(LevelInForce.decision_id == decision.id)
    ).all()
    affected = [step.standard_id for step in steps]
    used = session.scalar(
        select(Response.id)
        .join(Response.audit)
        .where(
            Response.standard_id.in_(affected),
            Response.audit.has(fiscal_year=decision.effective_year),
        )
        .limit(1)
    )
    if used is not None:
        raise DecisionRefused(
            N_("audits of %(year)s already use this decision; it cannot be taken back"),
            year=decision.effective_year,
        )
    for step in steps:
        session.delete(step)
    if decision.created_standard_id is not None:
        created = session.get(Standard, decision.created_standard_id)
        decision.created_standard_id = None
        session.flush()
        if created is not None:
            session.delete(created)
    session.flush()


def decisions_on(session: Session, meeting_date: date) -> list[Decision]:
    """The minutes of a meeting: every decision recorded with that meeting date."""
    return list(
        session.scalars(
            select(Decision)
            .where(Decision.meeting_date == meeting_date)
            .options(selectinload(Decision.standard), selectinload(Decision.decided_by))
            .order_by(Decision.review_year, Decision.id)
        )
    )


def decision_history(session: Session, standard_id: int) -> dict[int, Decision]:
    """The decisions behind a standard's level steps, by decision id."""
    return {
        d.id: d
        for d in session.scalars(
            select(Decision)
            .where(
                Decision.id.in_(
                    select(LevelInForce.decision_id).where(LevelInForce.standard_id == standard_id)
                )
            )
            .options(selectinload(Decision.decided_by))
        )
    }


def decision_json(decision: Decision) -> dict[str, Any]:
    return {
        **_decision_values(decision),
        "id": decision.id,
        "effective_year": decision.effective_year,
    }


def proposals_json(page: ReviewPage) -> list[dict[str, Any]]:
    """The review's proposals as plain values: what the CLI's --json and the API return."""
    rows = []
    for proposal in page.review.proposals:
        decision = page.decision_for(proposal)
        rows.append(
            {
                "id": proposal_id(page.review.year, proposal),
                "standard": proposal.standard,
                "kind": proposal.kind.value,
                "from_level": proposal.from_level,
                "to_level": proposal.to_level,
                "status": proposal.status.value,
                "evidence": evidence_json(proposal),
                "decision": decision_json(decision) if decision else None,
            }
        )
    return rows
