"""Audits: creating, scoring, submitting, accepting, returning and reopening them.

Who may do what is decided here, once, for the pages, the API and the CLI alike:

- a committee member edits their own office's self-audit;
- an auditor edits external evaluations of any office;
- a head or an auditor accepts or returns a submitted audit, never one they submitted;
- an administrator reopens an accepted audit, with a reason.

Every query for audits goes through :func:`scoped_audits`, so another office's audit is
simply not found.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from sqlalchemy import Row, Select, insert, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from audit.domain import scoring
from audit.domain.scoring import Achievement, FieldError, Missing, Rating, ResponseInput
from audit.models import (
    Action,
    ActionStatus,
    Audit,
    AuditKind,
    AuditLogEntry,
    AuditStatus,
    Level,
    Office,
    Principle,
    Response,
    Role,
    Standard,
    User,
    utc_now,
)
from audit.services import N_, ServiceError, catalog
from audit.services.audit_log import record_change
from audit.services.scope import is_in_own_ward, visible_office_ids

#: the fields of a response a person enters, compared for conflicts and recorded in the trail
RESPONSE_FIELDS = ("rating", "successes", "trials", "evidence", "na_reason")
REVIEWER_ROLES = (Role.HEAD, Role.AUDITOR)


class AuditForbidden(ServiceError):
    """The user's role does not allow this on this audit."""


class AuditConflict(ServiceError):
    """The audit is not in a state that allows this (locked, submitted, exists already)."""


class AuditIncomplete(ServiceError):
    """The audit cannot be submitted yet; ``missing`` lists every reason."""

    def __init__(self, missing: list[tuple[str, Missing]]) -> None:
        super().__init__(
            N_("the audit is not complete: %(count)s item(s) missing"), count=len(missing)
        )
        self.missing = missing


class ResponseInvalid(ServiceError):
    """What was entered for one standard cannot be saved; ``errors`` names each field."""

    def __init__(self, code: str, errors: list[FieldError]) -> None:
        super().__init__(N_("standard %(code)s cannot be saved"), code=code)
        self.code = code
        self.errors = errors


class ResponseStale(ServiceError):
    """Someone saved this standard since the form was opened; nothing was overwritten."""

    def __init__(self, response: Response, entered: ResponseInput) -> None:
        super().__init__(
            N_("standard %(code)s was changed by someone else"), code=response.standard_code
        )
        self.response = response
        self.entered = entered
        self.changes = [
            (name, getattr(response, name), getattr(entered, name))
            for name in RESPONSE_FIELDS
            if _normal(getattr(response, name)) != _normal(getattr(entered, name))
        ]


def _normal(value: object) -> object:
    """Texts compare without surrounding blanks; ratings (a str enum) as they are."""
    return value.strip() if type(value) is str else value


# --- finding audits ---------------------------------------------------------------------


def scoped_audits(user: User | None) -> Select[tuple[Audit]]:
    """All audits the user may see: every office's for citywide roles and the command line
    (``user`` None), else their own office's."""
    query = select(Audit)
    office_ids = visible_office_ids(user)
    if office_ids is not None:
        query = query.where(Audit.office_id.in_(office_ids))
    return query


def get_audit(
    session: Session, user: User | None, audit_id: int, *, with_responses: bool = True
) -> Audit | None:
    """The audit if the user may see it, else None (a 404, never a 403)."""
    query = scoped_audits(user).where(Audit.id == audit_id)
    if with_responses:
        query = query.options(selectinload(Audit.responses))
    return session.scalar(query)


#: what reading an audit shows of each response: the API's audit read takes these as plain
#: rows, which cost a fraction of ORM objects (the timestamps and ids are not shown)
SHOWN_RESPONSE_COLUMNS = (
    Response.standard_code,
    Response.principle_code,
    Response.level,
    Response.title_ja,
    Response.title_en,
    Response.criterion_ja,
    Response.criterion_en,
    Response.target_ppm,
    Response.min_observations,
    Response.rating,
    Response.successes,
    Response.trials,
    Response.evidence,
    Response.na_reason,
    Response.version,
)


def read_audit(
    session: Session, user: User | None, audit_id: int
) -> tuple[Audit, Sequence[Row[Any]]] | None:
    """The audit if the user may see it, with its responses as read-only rows in order."""
    audit = get_audit(session, user, audit_id, with_responses=False)
    if audit is None:
        return None
    rows = session.execute(
        select(*SHOWN_RESPONSE_COLUMNS)
        .where(Response.audit_id == audit_id)
        .order_by(Response.position)
    ).all()
    return audit, rows


def list_audits(
    session: Session,
    user: User | None,
    *,
    year: int | None = None,
    office: str | None = None,
    kind: AuditKind | None = None,
) -> list[Audit]:
    query = scoped_audits(user).join(Audit.office)
    if year is not None:
        query = query.where(Audit.fiscal_year == year)
    if office:
        query = query.where(Office.code == office)
    if kind is not None:
        query = query.where(Audit.kind == kind)
    query = query.order_by(Audit.fiscal_year.desc(), Office.position, Audit.kind.desc())
    return list(session.scalars(query))


# --- who may do what --------------------------------------------------------------------


def may_edit(user: User, audit: Audit) -> bool:
    """May the user change the audit's responses (while it is a draft)?"""
    if audit.kind == AuditKind.SELF:
        return user.role == Role.COMMITTEE and is_in_own_ward(user, audit.office)
    return user.role == Role.AUDITOR


def may_review(user: User, audit: Audit) -> bool:
    """May the user accept or return the audit? Never the person who submitted it, nor a head
    of the audited office's ward."""
    return (
        user.role in REVIEWER_ROLES
        and user.id != audit.submitted_by_id
        and not is_in_own_ward(user, audit.office)
    )


def _require_draft_editor(user: User, audit: Audit) -> None:
    if not may_edit(user, audit):
        raise AuditForbidden(N_("your role cannot change this audit"))
    if audit.status == AuditStatus.ACCEPTED:
        raise AuditConflict(N_("the audit is accepted and locked"))
    if audit.status == AuditStatus.SUBMITTED:
        raise AuditConflict(N_("the audit is submitted: it must be returned before it changes"))


# --- creating ---------------------------------------------------------------------------


def create_audit(
    session: Session,
    user: User,
    office_code: str,
    fiscal_year: int,
    kind: AuditKind,
    *,
    from_previous: bool = True,
) -> Audit:
    """Create an audit with one empty response per applicable standard, at its level in force.

    With ``from_previous``, evidence and reasons are carried over from last year's audit of
    the same kind (ratings and counts are not); open improvement actions carry over anyway.
    """
    office = catalog.get_office(session, office_code)
    office_ids = visible_office_ids(user)
    if office is None or (office_ids is not None and office.id not in office_ids):
        raise AuditForbidden(N_("unknown office %(code)s"), code=office_code)
    probe = Audit(office_id=office.id, office=office, kind=kind, fiscal_year=fiscal_year)
    if not may_edit(user, probe):
        raise AuditForbidden(N_("your role cannot create this audit"))
    if session.scalar(
        select(Audit.id).where(
            Audit.office_id == office.id, Audit.fiscal_year == fiscal_year, Audit.kind == kind
        )
    ):
        raise AuditConflict(N_("this office already has this audit for that fiscal year"))
    audit = build_audit(session, office, fiscal_year, kind, user, from_previous=from_previous)
    record_change(
        session,
        user,
        "audit.created",
        "audit",
        str(audit.id),
        after={
            "office": office.code,
            "fiscal_year": fiscal_year,
            "kind": kind.value,
            "standards": len(audit.responses),
            "from_previous": from_previous,
        },
        audit_id=audit.id,
    )
    return audit


def snapshot_row(
    audit_id: int, position: int, standard: Standard, level: Level, principle_code: str
) -> dict[str, Any]:
    """A new response's columns: the standard's text and its level copied in, as scored."""
    return {
        "audit_id": audit_id,
        "standard_id": standard.id,
        "level": level.number,
        "position": position,
        "principle_code": principle_code,
        "standard_code": standard.code,
        "title_ja": standard.title_ja,
        "title_en": standard.title_en,
        "criterion_ja": level.criterion_ja,
        "criterion_en": level.criterion_en,
        "target_ppm": level.target_ppm,
        "min_observations": level.min_observations,
    }


def build_audit(
    session: Session,
    office: Office,
    fiscal_year: int,
    kind: AuditKind,
    created_by: User | None,
    *,
    from_previous: bool,
) -> Audit:
    """Write a new audit and its responses; the caller has checked who may.

    The responses go in as one multi-row insert and are read back once: the ORM would insert
    them one statement at a time, as SQLite cannot say which new id belongs to which row.
    """
    carried: dict[int, Row[Any]] = {}
    if from_previous:
        carried = {
            row.standard_id: row
            for row in session.execute(
                select(Response.standard_id, Response.evidence, Response.na_reason)
                .join(Response.audit)
                .where(
                    Audit.office_id == office.id,
                    Audit.kind == kind,
                    Audit.fiscal_year == fiscal_year - 1,
                )
            )
        }
    audit = Audit(
        office=office,
        fiscal_year=fiscal_year,
        kind=kind,
        created_by_id=created_by.id if created_by else None,
    )
    session.add(audit)
    session.flush()
    rows = []
    for position, (standard, level_number) in enumerate(
        standards_in_force(session, office, fiscal_year)
    ):
        level = standard.levels[level_number - 1]
        previous = carried.get(standard.id)
        rows.append(
            snapshot_row(audit.id, position, standard, level, standard.principle.code)
            | {
                "evidence": previous.evidence if previous else "",
                "na_reason": previous.na_reason if previous else "",
            }
        )
    if rows:
        # with the NULLs written out every row has the same columns: one executemany
        session.execute(insert(Response).execution_options(render_nulls=True), rows)
    responses = session.scalars(
        select(Response).where(Response.audit_id == audit.id).order_by(Response.position)
    ).all()
    set_committed_value(audit, "responses", list(responses))
    return audit


def standards_in_force(
    session: Session, office: Office, fiscal_year: int
) -> list[tuple[Standard, int]]:
    """The standards an office is scored on in a fiscal year, each with its level in force.

    An own standard adopted citywide is scored as the citywide one from then on.
    """
    adopted = set(
        session.scalars(
            select(Standard.promoted_from_id).where(
                Standard.promoted_from_id.is_not(None), Standard.since <= fiscal_year
            )
        )
    )
    in_force = []
    for standard in catalog.standards_for_office(session, office):
        level = catalog.level_in_force(standard, fiscal_year)
        if level is not None and standard.id not in adopted:
            in_force.append((standard, level))
    return in_force


# --- scoring ----------------------------------------------------------------------------


def open_action_standards(session: Session, office_id: int) -> set[int]:
    """The standards of an office that have an open improvement action, from any year."""
    return set(
        session.scalars(
            select(Action.standard_id).where(
                Action.office_id == office_id,
                Action.status.in_((ActionStatus.OPEN, ActionStatus.IN_PROGRESS)),
            )
        )
    )


def save_response(
    session: Session, user: User, audit: Audit, code: str, entry: ResponseInput, version: int
) -> Response:
    """Save what was entered for one standard, unless someone saved it since ``version``.

    :raises ResponseStale: the response changed since ``version`` and the entry differs from
        it; nothing is written and the exception carries both sides.
    :raises ResponseInvalid: naming each field that is wrong.
    """
    _require_draft_editor(user, audit)
    response = _response_of(audit, code)
    open_standards = open_action_standards(session, audit.office_id)
    _save(session, user, audit, response, entry, version, open_standards)
    return response


@dataclass(frozen=True)
class ResponsesSaved:
    """What became of each standard of one save: written, refused as stale, or invalid."""

    saved: list[str]
    stale: dict[str, ResponseStale]
    invalid: dict[str, ResponseInvalid]


def save_responses(
    session: Session,
    user: User,
    audit: Audit,
    entries: Mapping[str, tuple[ResponseInput, int]],
) -> ResponsesSaved:
    """Save several standards, each entry with the version it was started from.

    Each standard is saved or refused on its own: a stale or invalid one leaves the others
    saved. Only entries that differ from what is stored (or add an action) are written.

    :raises AuditForbidden, AuditConflict: the user may not change the audit now.
    """
    _require_draft_editor(user, audit)
    open_standards = open_action_standards(session, audit.office_id) if entries else set()
    saved, stale, invalid = [], {}, {}
    for code, (entry, version) in entries.items():
        try:
            if _save(
                session, user, audit, _response_of(audit, code), entry, version, open_standards
            ):
                saved.append(code)
        except ResponseStale as refused:
            stale[code] = refused
        except ResponseInvalid as refused:
            invalid[code] = refused
    return ResponsesSaved(saved, stale, invalid)


def _response_of(audit: Audit, code: str) -> Response:
    response = next((r for r in audit.responses if r.standard_code == code), None)
    if response is None:
        raise AuditConflict(N_("standard %(code)s is not part of this audit"), code=code)
    return response


def _changed_fields(response: Response, entry: ResponseInput) -> set[str]:
    return {
        name
        for name in RESPONSE_FIELDS
        if _normal(getattr(response, name)) != _normal(getattr(entry, name))
    }


def _save(
    session: Session,
    user: User,
    audit: Audit,
    response: Response,
    entry: ResponseInput,
    version: int,
    open_standards: set[int],
) -> bool:
    """Write one standard's entry in a savepoint of its own; False if nothing differed.

    The caller owns the transaction: a standard another process saved between our read and
    our write (``StaleDataError``) rolls back its own savepoint only, never its neighbours.
    """
    changed = _changed_fields(response, entry)
    if not changed and not entry.actions:
        return False
    if response.version != version:
        raise ResponseStale(response, entry)
    errors = scoring.check_response(entry, has_open_action=response.standard_id in open_standards)
    if errors:
        raise ResponseInvalid(response.standard_code, errors)
    try:
        with session.begin_nested():
            _write(session, user, audit, response, entry, changed)
    except StaleDataError:
        session.refresh(response)  # what the other process saved
        if not _changed_fields(response, entry) and not entry.actions:
            return False
        raise ResponseStale(response, entry) from None
    return True


def _write(
    session: Session,
    user: User,
    audit: Audit,
    response: Response,
    entry: ResponseInput,
    changed: set[str],
) -> None:
    """Set the changed fields, add the entry's actions, record both in the trail; flush."""
    code = response.standard_code
    before = {name: _json(getattr(response, name)) for name in sorted(changed)}
    after = {name: _json(_normal(getattr(entry, name))) for name in sorted(changed)}
    for name in changed:
        value = _normal(getattr(entry, name))
        setattr(
            response, name, "" if value is None and name in ("evidence", "na_reason") else value
        )
    response.updated_at, response.updated_by_id = utc_now(), user.id
    for action in entry.actions:
        if action.what.strip() and action.due is not None:
            session.add(
                Action(
                    office_id=audit.office_id,
                    standard_id=response.standard_id,
                    audit_id=audit.id,
                    what=action.what.strip(),
                    owner=action.owner.strip(),
                    due=action.due,
                )
            )
            record_change(
                session,
                user,
                "action.created",
                "action",
                code,
                after={
                    "what": action.what.strip(),
                    "owner": action.owner.strip(),
                    "due": action.due.isoformat(),
                },
                audit_id=audit.id,
            )
    if changed:
        record_change(
            session,
            user,
            "response.saved",
            "response",
            code,
            before=before,
            after=after,
            audit_id=audit.id,
        )
    session.flush()


def _json(value: object) -> Any:
    return value.value if isinstance(value, Rating) else value


def response_states(audit: Audit, open_standards: set[int]) -> list[scoring.ResponseState]:
    return [
        scoring.ResponseState(
            code=r.standard_code,
            rating=r.rating,
            evidence=r.evidence,
            na_reason=r.na_reason,
            trials=r.trials,
            min_observations=r.min_observations,
            has_open_action=r.standard_id in open_standards,
        )
        for r in audit.responses
    ]


# --- the workflow -----------------------------------------------------------------------


def _set_status(
    session: Session, user: User, audit: Audit, status: AuditStatus, action: str, **extra: Any
) -> None:
    before = {"status": audit.status.value}
    audit.status = status
    record_change(
        session,
        user,
        action,
        "audit",
        str(audit.id),
        before=before,
        after={"status": status.value, **extra},
        audit_id=audit.id,
    )
    session.flush()


def submit_audit(session: Session, user: User, audit: Audit) -> None:
    """Submit a complete draft for review.

    :raises AuditIncomplete: listing everything missing.
    """
    _require_draft_editor(user, audit)
    missing = scoring.missing_items(
        response_states(audit, open_action_standards(session, audit.office_id))
    )
    if missing:
        raise AuditIncomplete(missing)
    audit.submitted_at, audit.submitted_by_id = utc_now(), user.id
    _set_status(session, user, audit, AuditStatus.SUBMITTED, "audit.submitted")


def _require_reviewer(user: User, audit: Audit) -> None:
    if user.role not in REVIEWER_ROLES:
        raise AuditForbidden(N_("only a division head or an auditor can review an audit"))
    if audit.status != AuditStatus.SUBMITTED:
        raise AuditConflict(N_("only a submitted audit can be accepted or returned"))
    if not may_review(user, audit):
        raise AuditForbidden(N_("an audit is reviewed by someone other than its submitter"))


def accept_audit(session: Session, user: User, audit: Audit) -> None:
    """Accept a submitted audit; it is locked from then on."""
    _require_reviewer(user, audit)
    audit.accepted_at, audit.accepted_by_id = utc_now(), user.id
    audit.return_comment = None
    _set_status(session, user, audit, AuditStatus.ACCEPTED, "audit.accepted")


def return_audit(session: Session, user: User, audit: Audit, comment: str) -> None:
    """Send a submitted audit back to draft, saying why."""
    _require_reviewer(user, audit)
    if not comment.strip():
        raise ResponseInvalid("comment", [FieldError("comment", N_("say why it is returned"))])
    audit.return_comment = comment.strip()
    _set_status(session, user, audit, AuditStatus.DRAFT, "audit.returned", comment=comment.strip())


def reopen_audit(session: Session, user: User, audit: Audit, reason: str) -> None:
    """An administrator reopens an accepted audit, with a reason that is recorded."""
    if user.role != Role.ADMIN:
        raise AuditForbidden(N_("only an administrator can reopen an accepted audit"))
    if audit.status != AuditStatus.ACCEPTED:
        raise AuditConflict(N_("only an accepted audit can be reopened"))
    if not reason.strip():
        raise ResponseInvalid("reason", [FieldError("reason", N_("say why it is reopened"))])
    audit.return_comment = reason.strip()
    audit.accepted_at = audit.accepted_by_id = None
    _set_status(session, user, audit, AuditStatus.DRAFT, "audit.reopened", reason=reason.strip())


# --- what the audit page shows ----------------------------------------------------------


@dataclass(frozen=True)
class PrincipleScore:
    principle: Principle
    achievement: Achievement
    previous: Achievement | None


@dataclass(frozen=True)
class AuditSummary:
    audit: Audit
    overall: Achievement
    principles: list[PrincipleScore]
    previous: Audit | None
    previous_overall: Achievement | None
    open_actions: list[Action]
    missing: list[tuple[str, Missing]]
    trail: list[AuditLogEntry] = field(default_factory=list)


#: a response as an ORM object or as a row of some of its columns
AnyResponse = TypeVar("AnyResponse", Response, Row[Any])


def by_principle(responses: Iterable[AnyResponse]) -> dict[str, list[AnyResponse]]:
    grouped: dict[str, list[AnyResponse]] = {}
    for response in responses:
        grouped.setdefault(response.principle_code, []).append(response)
    return grouped


def summarize_audit(session: Session, user: User | None, audit: Audit) -> AuditSummary:
    """Everything the audit page shows, in a fixed number of queries."""
    principles = catalog.list_principles(session)
    previous = session.scalar(
        scoped_audits(user).where(
            Audit.office_id == audit.office_id,
            Audit.kind == audit.kind,
            Audit.fiscal_year == audit.fiscal_year - 1,
        )
    )
    # of last year's audit only the ratings count, by principle: rows, not objects
    previous_ratings = (
        session.execute(
            select(Response.principle_code, Response.rating).where(Response.audit_id == previous.id)
        ).all()
        if previous
        else []
    )
    grouped = by_principle(audit.responses)
    previous_grouped = by_principle(previous_ratings)
    scores = [
        PrincipleScore(
            principle=p,
            achievement=scoring.achievement(r.rating for r in grouped.get(p.code, [])),
            previous=(
                scoring.achievement(r.rating for r in previous_grouped[p.code])
                if p.code in previous_grouped
                else None
            ),
        )
        for p in principles
        if p.code in grouped
    ]
    actions = office_actions(session, audit.office_id, open_only=True)
    open_standards = {a.standard_id for a in actions}
    trail = list(
        session.scalars(
            select(AuditLogEntry)
            .where(AuditLogEntry.audit_id == audit.id)
            .order_by(AuditLogEntry.id.desc())
        )
    )
    return AuditSummary(
        audit=audit,
        overall=scoring.achievement(r.rating for r in audit.responses),
        principles=scores,
        previous=previous,
        previous_overall=(
            scoring.achievement(r.rating for r in previous_ratings) if previous else None
        ),
        open_actions=actions,
        missing=scoring.missing_items(response_states(audit, open_standards)),
        trail=trail,
    )


class Scored(Protocol):
    """A response as a row or an ORM object: what its counts and level's target are read from."""

    @property
    def target_ppm(self) -> int | None: ...
    @property
    def min_observations(self) -> int | None: ...
    @property
    def successes(self) -> int | None: ...
    @property
    def trials(self) -> int | None: ...


def target_of(response: Scored) -> Decimal | None:
    return _target(response.target_ppm)


def _target(target_ppm: int | None) -> Decimal | None:
    return Decimal(target_ppm) / 1_000_000 if target_ppm is not None else None


def suggested_rating(response: Scored) -> Rating | None:
    """The rating the counts suggest against the level's target, if there are enough."""
    if response.target_ppm is None or response.trials is None or response.successes is None:
        return None
    return _suggest(
        response.successes, response.trials, response.target_ppm, response.min_observations
    )


# The same few counts and targets recur across responses and requests, and the Decimal
# arithmetic of the Wilson interval is most of the cost of showing them: computed once each.
# Bounded, so that a process serving for months holds at most a few megabytes.


@lru_cache(maxsize=4096)
def _suggest(
    successes: int, trials: int, target_ppm: int, min_observations: int | None
) -> Rating | None:
    target = Decimal(target_ppm) / 1_000_000
    return scoring.suggest_rating(successes, trials, target, min_observations)


@lru_cache(maxsize=4096)
def counts_interval(successes: int, trials: int) -> scoring.Interval:
    """The Wilson interval of ``successes`` of ``trials`` (trials > 0)."""
    return scoring.wilson_interval(successes, trials)


# --- improvement actions ----------------------------------------------------------------


def office_actions(
    session: Session,
    office_id: int,
    *,
    open_only: bool = False,
    status: ActionStatus | None = None,
    due_before: date | None = None,
) -> list[Action]:
    query = (
        select(Action)
        .where(Action.office_id == office_id)
        .options(
            joinedload(Action.standard, innerjoin=True), joinedload(Action.audit, innerjoin=True)
        )
        .order_by(Action.due, Action.id)
    )
    if open_only:
        query = query.where(Action.status.in_((ActionStatus.OPEN, ActionStatus.IN_PROGRESS)))
    if status is not None:
        query = query.where(Action.status == status)
    if due_before is not None:
        query = query.where(Action.due <= due_before)
    return list(session.scalars(query))


#: the statuses each role may set: committees work on their actions, reviewers verify them
ACTION_STATUSES_BY_ROLE = {
    Role.COMMITTEE: (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.DONE),
    Role.HEAD: tuple(ActionStatus),
    Role.AUDITOR: tuple(ActionStatus),
    Role.ADMIN: (),
}


def set_action_status(
    session: Session, user: User, action_id: int, status: ActionStatus
) -> Action | None:
    """Move an action along open → in progress → done → verified; None if not visible."""
    query = select(Action).where(Action.id == action_id)
    office_ids = visible_office_ids(user)
    if office_ids is not None:
        query = query.where(Action.office_id.in_(office_ids))
    action = session.scalar(query)
    if action is None:
        return None
    allowed = ACTION_STATUSES_BY_ROLE[user.role]
    # A verified action stays verified unless a reviewer, who may verify, says otherwise.
    if status not in allowed or ActionStatus.VERIFIED not in allowed and action.is_verified:
        raise AuditForbidden(N_("your role cannot set this status"))
    if action.status != status:
        record_change(
            session,
            user,
            "action.status",
            "action",
            str(action.id),
            before={"status": action.status.value},
            after={"status": status.value},
            audit_id=action.audit_id,
        )
        action.status, action.updated_at = status, utc_now()
        session.flush()
    return action
