"""Printing: what each document prints, for the people who may see it, and the record of it.

Each ``print_*`` function loads the rows, turns them into the frozen values of
:mod:`audit.pdf.values` and appends "document.printed" to the audit trail (who printed which
document, when); the caller renders the values and commits once the PDF is made. ``actor``
None is the command line, which sees every office.
"""

from datetime import UTC, date, datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.domain.catalog import Text
from audit.domain.ratchet import ProposalKind
from audit.domain.survey import SatisfactionTarget
from audit.models import Action, Audit, AuditKind, Office, Principle, User
from audit.pdf.values import (
    ActionItem,
    ActionPlan,
    BlankChecklist,
    ChecklistItem,
    DecisionItem,
    MatrixCell,
    MatrixRow,
    Named,
    OfficeActions,
    PersonName,
    PrincipleComparison,
    PrincipleResult,
    ProposalItem,
    ReviewPack,
    Scorecard,
    SignOff,
    StandardResult,
    SupportItem,
    SurveyTable,
)
from audit.services import audits, catalog, ratchet, review, surveys
from audit.services.audit_log import record_change
from audit.services.scope import visible_office_ids

#: the action the audit trail records for every document printed
PRINTED = "document.printed"


def record_printed(
    session: Session,
    actor: User | None,
    document: str,
    object_type: str,
    object_key: str,
    *,
    audit_id: int | None = None,
    **details: Any,
) -> None:
    """Append "document.printed" to the audit trail: which document, of what, by whom."""
    record_change(
        session,
        actor,
        PRINTED,
        object_type,
        object_key,
        after={"document": document, **details},
        audit_id=audit_id,
    )


def _named(row: Office | Principle) -> Named:
    return Named(row.code, Text(row.name_ja, row.name_en))


def _person(user: User) -> PersonName:
    office = Text(user.office.name_ja, user.office.name_en) if user.office else None
    return PersonName(user.role, office, user.name)


def _local_day(moment: datetime | None, zone: tzinfo) -> date | None:
    """The day a stored moment fell on where the city is (SQLite returns UTC without a zone)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).date()


def _action_item(action: Action) -> ActionItem:
    return ActionItem(
        standard=action.standard.code,
        standard_title=Text(action.standard.title_ja, action.standard.title_en),
        what=action.what,
        owner=action.owner,
        due=action.due,
        status=action.status,
        planned_in=action.audit.fiscal_year,
    )


def visible_office(session: Session, actor: User | None, code: str) -> Office | None:
    """The office if the actor may see its data, else None (a 404, never a 403)."""
    office = catalog.get_office(session, code)
    office_ids = visible_office_ids(actor)
    if office is None or (office_ids is not None and office.id not in office_ids):
        return None
    return office


# --- the scorecard ----------------------------------------------------------------------


def find_audit(
    session: Session, actor: User | None, office_code: str, fiscal_year: int, kind: AuditKind
) -> Audit | None:
    """An office's audit of a year and kind, with its responses, if the actor may see it."""
    found = audits.list_audits(session, actor, year=fiscal_year, office=office_code, kind=kind)
    return audits.get_audit(session, actor, found[0].id) if found else None


def print_scorecard(
    session: Session,
    actor: User | None,
    audit: Audit,
    *,
    target: SatisfactionTarget,
    zone: tzinfo,
) -> Scorecard:
    """The scorecard of an audit the actor may see (loaded with its responses).

    :param zone: where the sign-off dates are counted (the city's time zone).
    """
    summary = audits.summarize_audit(session, actor, audit)
    people = {
        user.id: _person(user)
        for user in session.scalars(
            select(User).where(User.id.in_([audit.submitted_by_id, audit.accepted_by_id]))
        )
    }
    grouped = audits.by_principle(audit.responses)
    standards = tuple(
        StandardResult(
            code=r.standard_code,
            principle=r.principle_code,
            title=Text(r.title_ja, r.title_en),
            level=r.level,
            criterion=Text(r.criterion_ja, r.criterion_en),
            rating=r.rating,
            successes=r.successes,
            trials=r.trials,
            evidence=r.evidence,
            na_reason=r.na_reason,
            target=audits.target_of(r),
        )
        for score in summary.principles
        for r in grouped[score.principle.code]
    )
    card = Scorecard(
        office=_named(audit.office),
        fiscal_year=audit.fiscal_year,
        kind=audit.kind,
        status=audit.status,
        sign_off=SignOff(
            prepared_by=people.get(audit.submitted_by_id or 0),
            prepared_on=_local_day(audit.submitted_at, zone),
            confirmed_by=people.get(audit.accepted_by_id or 0),
            confirmed_on=_local_day(audit.accepted_at, zone),
        ),
        overall=summary.overall,
        principles=tuple(
            PrincipleResult(_named(s.principle), s.achievement, s.previous)
            for s in summary.principles
        ),
        standards=standards,
        open_actions=tuple(_action_item(a) for a in summary.open_actions),
        previous_year=summary.previous.fiscal_year if summary.previous else None,
        previous_overall=summary.previous_overall,
        survey=surveys.survey_for(session, audit.office_id, audit.fiscal_year, target),
    )
    record_printed(
        session,
        actor,
        "scorecard",
        "audit",
        str(audit.id),
        audit_id=audit.id,
        office=audit.office.code,
        fiscal_year=audit.fiscal_year,
        kind=audit.kind.value,
    )
    return card


# --- the blank checklist and the action plan --------------------------------------------


def print_checklist(
    session: Session, actor: User | None, office: Office, fiscal_year: int
) -> BlankChecklist:
    """Every standard that applies to an office in a year, at the level in force then.

    The same standards a new audit of that year would hold: an own standard adopted
    citywide is scored as the citywide one from then on.
    """
    principles = catalog.list_principles(session)
    order = {p.code: index for index, p in enumerate(principles)}
    items = []
    for standard, number in audits.standards_in_force(session, office, fiscal_year):
        level = catalog.level_value(standard.levels[number - 1])
        items.append(
            ChecklistItem(
                code=standard.code,
                principle=standard.principle.code,
                title=Text(standard.title_ja, standard.title_en),
                level=number,
                criterion=level.criterion,
                method=Text(standard.method_ja, standard.method_en),
                target=level.target,
                min_observations=level.min_observations,
            )
        )
    items.sort(key=lambda item: order.get(item.principle, len(order)))
    record_printed(
        session,
        actor,
        "checklist",
        "office",
        office.code,
        fiscal_year=fiscal_year,
        standards=len(items),
    )
    return BlankChecklist(
        _named(office), fiscal_year, tuple(_named(p) for p in principles), tuple(items)
    )


def print_action_plan(session: Session, actor: User | None, offices: list[Office]) -> ActionPlan:
    """The open improvement actions of each office, by due date."""
    plan = ActionPlan(
        tuple(
            OfficeActions(
                _named(office),
                tuple(
                    _action_item(a)
                    for a in audits.office_actions(session, office.id, open_only=True)
                ),
            )
            for office in offices
        )
    )
    record_printed(
        session,
        actor,
        "action_plan",
        "office",
        offices[0].code if len(offices) == 1 else "all",
        offices=[office.code for office in offices],
        actions=sum(len(o.actions) for o in plan.offices),
    )
    return plan


def visible_offices(session: Session, actor: User | None) -> list[Office]:
    """Every office the actor may see, in catalog order."""
    office_ids = visible_office_ids(actor)
    return [o for o in catalog.list_offices(session) if office_ids is None or o.id in office_ids]


# --- the review pack --------------------------------------------------------------------


def print_review_pack(
    session: Session,
    actor: User | None,
    fiscal_year: int,
    *,
    target: SatisfactionTarget,
    city: str | None = None,
) -> ReviewPack:
    """The meeting's pack for a review year: every office (of one city, if given), so only for
    citywide roles."""
    matrix = review.build_matrix(session, fiscal_year, city=city)
    offices = matrix.offices
    order = {p.code: index for index, p in enumerate(matrix.principles)}
    standards = sorted(matrix.standards, key=lambda s: order.get(s.principle.code, len(order)))
    rows = []
    for standard in standards:
        cells = []
        for office in offices:
            result = matrix.cell(office.code, standard.code)
            applies = (office.code, standard.code) in matrix.applicable or result is not None
            cells.append(MatrixCell(applies, result.rating if result else None))
        rows.append(
            MatrixRow(
                code=standard.code,
                principle=standard.principle.code,
                title=Text(standard.title_ja, standard.title_en),
                level=catalog.level_in_force(standard, fiscal_year) or standard.start_level,
                cells=tuple(cells),
            )
        )
    used = {standard.principle.code for standard in standards}
    comparison = tuple(
        PrincipleComparison(_named(p), tuple(matrix.achievement(o.code, p.code) for o in offices))
        for p in matrix.principles
        if p.code in used
    )
    year = surveys.survey_year(session, None, fiscal_year, target)
    survey = None
    if year.citywide is not None or any(figures for _office, figures in year.offices):
        survey = SurveyTable(
            target,
            tuple((_named(o), f) for o, f in year.offices if city is None or o.city == city),
            year.citywide,
        )
    page = ratchet.review_year(session, fiscal_year)

    def title(code: str) -> Text:
        row = page.standards[code]
        return Text(row.title_ja, row.title_en)

    pending = []
    for proposal in page.review.proposals:
        if page.decision_for(proposal) is not None:
            continue
        following = None
        if proposal.kind == ProposalKind.STEP_UP:
            level = page.standards[proposal.standard].levels[proposal.to_level - 1]
            following = Text(level.criterion_ja, level.criterion_en)
        pending.append(
            ProposalItem(
                standard=proposal.standard,
                title=title(proposal.standard),
                kind=proposal.kind,
                from_level=proposal.from_level,
                to_level=proposal.to_level,
                status=proposal.status,
                next_criterion=following,
                years=proposal.years,
                evidence=proposal.evidence,
                pooled=proposal.pooled,
                target=proposal.target,
            )
        )
    decisions = tuple(
        DecisionItem(
            standard=d.standard.code,
            title=Text(d.standard.title_ja, d.standard.title_en),
            kind=d.kind,
            from_level=d.from_level,
            to_level=d.to_level,
            outcome=d.outcome,
            rationale=d.rationale,
            meeting_date=d.meeting_date,
            decided_by=_person(d.decided_by),
            effective_year=d.effective_year,
        )
        for d in sorted(page.decisions.values(), key=lambda d: (d.standard.code, d.kind))
    )
    support = tuple(
        SupportItem(flag.standard, title(flag.standard), flag.level, flag.failing)
        for flag in page.review.flags
    )
    record_printed(
        session, actor, "review_pack", "review", str(fiscal_year), fiscal_year=fiscal_year
    )
    return ReviewPack(
        fiscal_year=fiscal_year,
        offices=tuple(_named(o) for o in offices),
        matrix=tuple(rows),
        office_totals=tuple(matrix.achievement(o.code) for o in offices),
        principles=comparison,
        survey=survey,
        pending=tuple(pending),
        decisions=decisions,
        support=support,
        office_states=tuple(matrix.state(o.code) for o in offices),
    )
