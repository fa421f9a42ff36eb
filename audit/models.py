"""The tables: catalog, levels in force, users, API tokens and the audit trail."""

import secrets
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit.db import db
from audit.domain.catalog import OfficeKind, Origin
from audit.domain.ratchet import ProposalKind
from audit.domain.scoring import Rating
from audit.domain.survey import Direction

#: every timestamp is stored in UTC with its zone, whatever the database
UtcDateTime = DateTime(timezone=True)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_session_token() -> str:
    return secrets.token_hex(16)


def _enum(enum: type[StrEnum]) -> SqlEnum:
    """Store an enum as its value in a plain string column, on SQLite and PostgreSQL alike."""
    return SqlEnum(
        enum,
        native_enum=False,
        length=16,
        values_callable=lambda e: [member.value for member in e],
        validate_strings=True,
    )


class Role(StrEnum):
    COMMITTEE = "committee"  # 区役所サービス向上委員会: their own office only
    HEAD = "head"  # 区民サービス部長会議: reads everything, decides step-ups
    AUDITOR = "auditor"  # 外部評価: reads everything, external evaluations
    ADMIN = "admin"  # 市民文化局: users and catalog


class AuditKind(StrEnum):
    SELF = "self"  # 自己評価, by the office's committee
    EXTERNAL = "external"  # 外部評価, by auditors


class AuditStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"  # locked


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    VERIFIED = "verified"


class DecisionOutcome(StrEnum):
    APPROVED = "approved"
    DEFERRED = "deferred"
    REJECTED = "rejected"


class Office(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[OfficeKind] = mapped_column(_enum(OfficeKind))
    #: the ward office a branch or sub-office belongs to
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    origin: Mapped[Origin] = mapped_column(_enum(Origin))
    #: order in the checklist file, for listings
    position: Mapped[int] = mapped_column(default=0)
    #: the city the office belongs to: "" for the city the checklist files describe; the
    #: national-scale demo adds offices of other cities (``demo --scale national``)
    city: Mapped[str] = mapped_column(String(32), default="", server_default="", index=True)

    parent: Mapped["Office | None"] = relationship(
        remote_side=[id], lazy="raise_on_sql", back_populates="branches"
    )
    #: a ward office's branch and sub-offices (loaded with the logged-in user's ward)
    branches: Mapped[list["Office"]] = relationship(back_populates="parent")

    @property
    def ward_id(self) -> int:
        """The ward office this office belongs to: its parent, or itself for a ward office."""
        return self.parent_id if self.parent_id is not None else self.id


class Principle(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description_ja: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text, default="")
    origin: Mapped[Origin] = mapped_column(_enum(Origin))
    position: Mapped[int] = mapped_column(default=0)


class Standard(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    principle_id: Mapped[int] = mapped_column(ForeignKey("principle.id"))
    #: None for a citywide standard (全市統一基準), else the one office it belongs to (区独自基準)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    #: office kinds a citywide standard applies to, comma-separated ("ward,branch,sub")
    applies_to: Mapped[str] = mapped_column(String(32))
    area: Mapped[str | None] = mapped_column(String(32))
    title_ja: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text, default="")
    method_ja: Mapped[str] = mapped_column(Text)
    method_en: Mapped[str] = mapped_column(Text, default="")
    #: first fiscal year in force
    since: Mapped[int]
    start_level: Mapped[int] = mapped_column(default=1)
    origin: Mapped[Origin] = mapped_column(_enum(Origin))
    #: overrides of the step-up rule, as written in the checklist file
    rule: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: base name of the checklist file the standard is kept in
    source: Mapped[str] = mapped_column(String(200))
    #: taken out of its file: kept for history, left off new audits
    is_retired: Mapped[bool] = mapped_column(default=False)
    #: for a citywide standard adopted from an office's own: the standard it came from
    promoted_from_id: Mapped[int | None] = mapped_column(ForeignKey("standard.id"))
    position: Mapped[int] = mapped_column(default=0)

    principle: Mapped[Principle] = relationship(lazy="raise_on_sql")
    office: Mapped[Office | None] = relationship(lazy="raise_on_sql")
    levels: Mapped[list["Level"]] = relationship(
        back_populates="standard",
        order_by="Level.number",
        cascade="all, delete-orphan",
        lazy="raise_on_sql",
    )
    history: Mapped[list["LevelInForce"]] = relationship(
        order_by="LevelInForce.from_year", lazy="raise_on_sql", cascade="all"
    )


class Level(db.Model):
    __table_args__ = (UniqueConstraint("standard_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standard.id"))
    number: Mapped[int]
    criterion_ja: Mapped[str] = mapped_column(Text)
    criterion_en: Mapped[str] = mapped_column(Text, default="")
    #: share of observations that must succeed, in parts per million (900000 = 90%);
    #: None for a qualitative level
    target_ppm: Mapped[int | None]
    min_observations: Mapped[int | None]

    standard: Mapped[Standard] = relationship(back_populates="levels", lazy="raise_on_sql")


class LevelInForce(db.Model):
    """One step of a standard's history: level ``level`` is in force from ``from_year`` on."""

    __table_args__ = (UniqueConstraint("standard_id", "from_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standard.id"))
    level: Mapped[int]
    from_year: Mapped[int]
    #: why: "catalog" for the level a standard starts at, else the meeting's decision
    reason: Mapped[str] = mapped_column(String(32), default="catalog")
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the log-in name; people see ``name`` instead
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: empty for a user who signs in through the city's directory (LDAP)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role))
    #: the ward office a committee member works for (with its branch and sub-offices), or the
    #: ward a division head serves; None for auditors, administrators and citywide heads
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    #: 氏名, as pages and printed sign-off blocks show the person
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: 職名 (e.g. 区民サービス部長)
    title: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: 所属 (the section)
    section: Mapped[str] = mapped_column(String(100), default="", server_default="")
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    #: the membership: from this day (usually 1 April) until ``member_until`` (None: open)
    member_from: Mapped[date | None]
    member_until: Mapped[date | None]
    #: a one-time password set by an administrator: the next log-in must change it
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: "local" (a password kept here) or "directory" (signs in through LDAP)
    auth_source: Mapped[str] = mapped_column(String(16), default="local", server_default="local")
    #: chosen UI language; None follows the browser, then Japanese
    locale: Mapped[str | None] = mapped_column(String(8))
    #: False once an administrator disabled the user: sessions and tokens stop at once
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    #: part of every session's id (see get_id); a new value ends all the user's sessions
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)

    office: Mapped[Office | None] = relationship(lazy="joined")

    def get_id(self) -> str:
        """What the session stores: the id and the session token, so rotating the token logs out."""
        return f"{self.id}:{self.session_token}"

    @property
    def display_name(self) -> str:
        """How people see the user: the 氏名, or the log-in name while none is recorded."""
        return self.name or self.username

    def is_member_on(self, day: date) -> bool:
        """Whether the membership covers ``day`` (an account past its end date is shut)."""
        return (self.member_from is None or self.member_from <= day) and (
            self.member_until is None or day <= self.member_until
        )


class LoginFailure(db.Model):
    """A failed log-in, kept for the throttling window (rows older than it are deleted)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the user name as typed, normalised, whether or not such a user exists
    username: Mapped[str] = mapped_column(String(64), index=True)
    #: the client's address as the app sees it (see TRUSTED_PROXIES)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    #: what the owner calls it (the script or system that uses it)
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: SHA-256 of the token; the token itself is shown once and never stored
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    #: refused from this moment; None never expires (tokens issued before expiries existed)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: set by a revocation, a password change or disabling the user
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship(lazy="joined")

    def is_valid_at(self, moment: datetime) -> bool:
        # SQLite hands the stored UTC moment back without its zone
        expires = self.expires_at
        if expires is not None and expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        return self.revoked_at is None and (expires is None or moment < expires)


class AuditLogEntry(db.Model):
    """The audit trail: who changed what, when, from what to what. Rows are only ever added.

    Database triggers refuse UPDATE and DELETE (migration 6b2f1d8e0c32), and each row's hash
    chains it to the row before (``audit.domain.trail``; set at flush by
    ``audit.services.audit_log``).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, index=True)
    #: None for changes made from the command line without a user
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    #: the actor's name as it was, or "cli"
    actor_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_key: Mapped[str] = mapped_column(String(64))
    #: the audit the change belongs to, so its page can show its history
    audit_id: Mapped[int | None] = mapped_column(ForeignKey("audit.id"), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: the hash of the entry before this one (64 zeros for the first); unique, so that two
    #: writers can never fork the chain even if they missed each other's lock
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: SHA-256 hex of this entry's fields and ``prev_hash``
    hash: Mapped[str] = mapped_column(String(64))


class Audit(db.Model):
    """One office's audit for one fiscal year: a self-audit or an external evaluation."""

    __table_args__ = (
        UniqueConstraint("office_id", "fiscal_year", "kind"),
        # the review reads a year's accepted audits of every office
        Index("ix_audit_fiscal_year_status", "fiscal_year", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    fiscal_year: Mapped[int]
    kind: Mapped[AuditKind] = mapped_column(_enum(AuditKind))
    status: Mapped[AuditStatus] = mapped_column(_enum(AuditStatus), default=AuditStatus.DRAFT)
    #: why the audit was last sent back to draft (returned, or reopened by an admin)
    return_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    office: Mapped[Office] = relationship(lazy="joined", innerjoin=True)
    responses: Mapped[list["Response"]] = relationship(
        back_populates="audit",
        lazy="raise_on_sql",
        cascade="all, delete-orphan",
        order_by="Response.position",
    )
    submitted_by: Mapped[User | None] = relationship(
        foreign_keys=[submitted_by_id], lazy="raise_on_sql"
    )
    accepted_by: Mapped[User | None] = relationship(
        foreign_keys=[accepted_by_id], lazy="raise_on_sql"
    )


class Response(db.Model):
    """One standard's result in an audit, with the text and level it is scored against.

    The standard's title and the level's criterion and target are copied in when the audit
    is created, so what was scored stays true when the catalog changes later.
    """

    __table_args__ = (
        UniqueConstraint("audit_id", "standard_id"),
        # every column the results reads need (matrix, results, exports, ratchet): on
        # PostgreSQL an index-only scan instead of reading every response
        Index(
            "ix_response_results",
            "audit_id",
            "standard_code",
            "rating",
            "level",
            "successes",
            "trials",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"))
    standard_id: Mapped[int] = mapped_column(ForeignKey("standard.id"))
    #: the level in force in the audit's fiscal year
    level: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)
    principle_code: Mapped[str] = mapped_column(String(32))
    standard_code: Mapped[str] = mapped_column(String(32))
    title_ja: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text, default="")
    criterion_ja: Mapped[str] = mapped_column(Text)
    criterion_en: Mapped[str] = mapped_column(Text, default="")
    target_ppm: Mapped[int | None]
    min_observations: Mapped[int | None]

    rating: Mapped[Rating | None] = mapped_column(_enum(Rating))
    successes: Mapped[int | None]
    trials: Mapped[int | None]
    evidence: Mapped[str] = mapped_column(Text, default="")
    na_reason: Mapped[str] = mapped_column(Text, default="")
    #: bumped on every change; a save must name the version it started from
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    audit: Mapped[Audit] = relationship(back_populates="responses", lazy="raise_on_sql")
    updated_by: Mapped[User | None] = relationship(lazy="raise_on_sql")

    __mapper_args__ = {"version_id_col": version}


class Action(db.Model):
    """An improvement action (改善策) for a standard an office did not fully meet."""

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standard.id"))
    #: the audit in which the action was planned
    audit_id: Mapped[int] = mapped_column(ForeignKey("audit.id"))
    what: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due: Mapped[date]
    status: Mapped[ActionStatus] = mapped_column(_enum(ActionStatus), default=ActionStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    standard: Mapped[Standard] = relationship(lazy="raise_on_sql")
    office: Mapped[Office] = relationship(lazy="raise_on_sql")
    audit: Mapped[Audit] = relationship(lazy="raise_on_sql")

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)

    @property
    def is_verified(self) -> bool:
        return self.status == ActionStatus.VERIFIED


class Decision(db.Model):
    """The division heads' meeting's decision on one proposal of one review year.

    An approved step-up or promotion takes effect from the fiscal year after the meeting's;
    until that year begins the decision can be revised.
    """

    __table_args__ = (UniqueConstraint("review_year", "standard_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the fiscal year whose results were reviewed
    review_year: Mapped[int]
    #: the year an approval applies from: the fiscal year after the meeting's
    effective_year: Mapped[int]
    standard_id: Mapped[int] = mapped_column(ForeignKey("standard.id"))
    kind: Mapped[ProposalKind] = mapped_column(_enum(ProposalKind))
    from_level: Mapped[int]
    to_level: Mapped[int]
    outcome: Mapped[DecisionOutcome] = mapped_column(_enum(DecisionOutcome))
    rationale: Mapped[str] = mapped_column(Text, default="")
    meeting_date: Mapped[date]
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    #: the proposal's evidence as it was shown when deciding
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: for an approved promotion: the citywide standard it created
    created_standard_id: Mapped[int | None] = mapped_column(ForeignKey("standard.id"))

    standard: Mapped[Standard] = relationship(foreign_keys=[standard_id], lazy="raise_on_sql")
    decided_by: Mapped[User] = relationship(lazy="raise_on_sql")


class Practice(db.Model):
    """A good practice (取組事例) an office uses to meet a standard, shared with the others."""

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    standard_id: Mapped[int] = mapped_column(ForeignKey("standard.id"), index=True)
    what: Mapped[str] = mapped_column(Text)
    #: since when the office does it
    since: Mapped[date]
    effect: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    office: Mapped[Office] = relationship(lazy="joined", innerjoin=True)
    standard: Mapped[Standard] = relationship(lazy="raise_on_sql")
    adoptions: Mapped[list["Adoption"]] = relationship(
        lazy="raise_on_sql", cascade="all, delete-orphan"
    )


class Adoption(db.Model):
    """An office has adopted another office's practice."""

    __table_args__ = (UniqueConstraint("practice_id", "office_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    adopted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    office: Mapped[Office] = relationship(lazy="joined", innerjoin=True)


class SurveyResult(db.Model):
    """One office's visitor interview survey (聞き取り調査) in one fiscal year, or why not.

    The three counts are the answers to 「本日は気持ちよく利用できましたか」. A survey that was not
    conducted has no counts and a note saying why: a gap, never a zero.
    """

    __table_args__ = (UniqueConstraint("office_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    fiscal_year: Mapped[int] = mapped_column(index=True)
    #: はい; None (with the other two) when the survey was not conducted
    yes: Mapped[int | None]
    #: どちらでもない
    neutral: Mapped[int | None]
    #: いいえ
    no: Mapped[int | None]
    #: why the survey was not conducted, or a remark on its results
    note: Mapped[str] = mapped_column(Text, default="")
    #: where the figures came from: an imported file's name, or "form"
    source: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    office: Mapped[Office] = relationship(lazy="joined", innerjoin=True)

    @property
    def is_conducted(self) -> bool:
        return self.yes is not None


class Indicator(db.Model):
    """An outcome indicator (成果指標), with targets by plan phase and yearly figures."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_ja: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    #: what the values are counted in, shown after them ("%")
    unit: Mapped[str] = mapped_column(String(16), default="")
    direction: Mapped[Direction] = mapped_column(_enum(Direction), default=Direction.HIGHER)
    #: decimal places the values are shown with (1: 48.0%)
    places: Mapped[int] = mapped_column(default=1)
    #: how the indicator is calculated (算出方法)
    definition_ja: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)

    phase_targets: Mapped[list["IndicatorPhaseTarget"]] = relationship(
        order_by="IndicatorPhaseTarget.phase", cascade="all, delete-orphan", lazy="raise_on_sql"
    )
    years: Mapped[list["IndicatorYear"]] = relationship(
        order_by="IndicatorYear.fiscal_year", cascade="all, delete-orphan", lazy="raise_on_sql"
    )


class IndicatorPhaseTarget(db.Model):
    """An indicator's target for one plan phase (第n期), due in the phase's last fiscal year."""

    __table_args__ = (UniqueConstraint("indicator_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    phase: Mapped[int]
    fiscal_year: Mapped[int]
    #: in thousandths of the indicator's unit (20% → 20000)
    target_milli: Mapped[int]


class IndicatorYear(db.Model):
    """One fiscal year of an indicator: the year's own target and the actual."""

    __table_args__ = (UniqueConstraint("indicator_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    fiscal_year: Mapped[int]
    #: in thousandths of the indicator's unit; None when the year has no target of its own
    target_milli: Mapped[int | None]
    #: in thousandths of the indicator's unit; None when not measured (the note says why)
    actual_milli: Mapped[int | None]
    #: why the indicator was not measured, or where the figure comes from
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
