"""What the documents print: frozen values, built by ``services/printing.py`` from the rows.

A document is a function of these values: it never sees a session, a row or a request. Texts
kept in both languages (office and standard names, criteria) are :class:`Text` pairs and
print in the reader's language; what people wrote (evidence, actions) prints as written.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from audit.domain.catalog import Text
from audit.domain.ratchet import Evidence, ProposalKind, ProposalStatus
from audit.domain.review import ResultState
from audit.domain.scoring import Achievement, Observed, Rating
from audit.domain.survey import SatisfactionTarget, SurveyFigures
from audit.models import ActionStatus, AuditKind, AuditStatus, DecisionOutcome, Role


@dataclass(frozen=True)
class Printed:
    """Who printed the document, and when (local time, with its zone): every footer says so."""

    by: str
    at: datetime


@dataclass(frozen=True)
class PersonName:
    """Someone who signed or decided, as a document names them: their name (氏名), or where
    none is recorded their role and, for a member of an office, the office."""

    role: Role
    office: Text | None = None
    name: str = ""


@dataclass(frozen=True)
class Named:
    """Something with a code and a bilingual name: an office, a principle."""

    code: str
    name: Text


@dataclass(frozen=True)
class ActionItem:
    """An improvement action as printed in a scorecard or an action plan."""

    standard: str
    standard_title: Text
    what: str
    owner: str
    due: date
    status: ActionStatus
    #: the fiscal year of the audit it was planned in
    planned_in: int


# --- the scorecard ----------------------------------------------------------------------


@dataclass(frozen=True)
class SignOff:
    """Who prepared (submitted) and who confirmed (accepted) the audit, and when."""

    prepared_by: PersonName | None = None
    prepared_on: date | None = None
    confirmed_by: PersonName | None = None
    confirmed_on: date | None = None


@dataclass(frozen=True)
class StandardResult:
    """One standard of an audit, with the text and level it was scored against."""

    code: str
    principle: str
    title: Text
    level: int
    criterion: Text
    rating: Rating | None
    successes: int | None = None
    trials: int | None = None
    evidence: str = ""
    na_reason: str = ""
    #: the level's numeric target, if it has one
    target: Decimal | None = None

    @property
    def observed(self) -> Observed | None:
        if not self.trials or self.successes is None:
            return None
        return Observed(self.successes, self.trials)


@dataclass(frozen=True)
class PrincipleResult:
    principle: Named
    achievement: Achievement
    #: the same audit's a year before, where there is one
    previous: Achievement | None = None


@dataclass(frozen=True)
class Scorecard:
    office: Named
    fiscal_year: int
    kind: AuditKind
    status: AuditStatus
    sign_off: SignOff
    overall: Achievement
    principles: tuple[PrincipleResult, ...]
    standards: tuple[StandardResult, ...]
    #: the office's open improvement actions, from any year
    open_actions: tuple[ActionItem, ...] = ()
    #: the same audit a year before: its fiscal year and achievement
    previous_year: int | None = None
    previous_overall: Achievement | None = None
    #: the office's visitor survey of the year; None when no result is recorded
    survey: SurveyFigures | None = None


# --- the blank checklist and the action plan --------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    """One standard to score on paper, at the level in force in the year."""

    code: str
    principle: str
    title: Text
    level: int
    criterion: Text
    method: Text
    target: Decimal | None = None
    min_observations: int | None = None


@dataclass(frozen=True)
class BlankChecklist:
    office: Named
    fiscal_year: int
    principles: tuple[Named, ...]
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True)
class OfficeActions:
    office: Named
    actions: tuple[ActionItem, ...]


@dataclass(frozen=True)
class ActionPlan:
    """Open improvement actions, office by office, by due date."""

    offices: tuple[OfficeActions, ...]


# --- the review pack --------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    """One office's result for one standard; ``applies`` False: the standard is not theirs.

    An applicable cell without a rating is missing: the office has no accepted audit rating it.
    """

    applies: bool
    rating: Rating | None = None


@dataclass(frozen=True)
class MatrixRow:
    code: str
    principle: str
    title: Text
    level: int
    #: one cell per office, in the order of :attr:`ReviewPack.offices`
    cells: tuple[MatrixCell, ...]


@dataclass(frozen=True)
class PrincipleComparison:
    principle: Named
    #: one per office, in the order of :attr:`ReviewPack.offices`; None: missing
    achievements: tuple[Achievement | None, ...]


@dataclass(frozen=True)
class SurveyTable:
    target: SatisfactionTarget
    #: every office with its figures; None when no result is recorded for it
    offices: tuple[tuple[Named, SurveyFigures | None], ...]
    citywide: SurveyFigures | None


@dataclass(frozen=True)
class ProposalItem:
    standard: str
    title: Text
    kind: ProposalKind
    from_level: int
    to_level: int
    status: ProposalStatus
    #: the criterion of the level proposed, for a step-up
    next_criterion: Text | None
    years: tuple[int, ...]
    evidence: tuple[Evidence, ...]
    pooled: Observed | None = None
    target: Decimal | None = None


@dataclass(frozen=True)
class DecisionItem:
    standard: str
    title: Text
    kind: ProposalKind
    from_level: int
    to_level: int
    outcome: DecisionOutcome
    rationale: str
    meeting_date: date
    decided_by: PersonName
    effective_year: int


@dataclass(frozen=True)
class SupportItem:
    """A standard many offices failed: per year (fiscal year, offices failing, assessed)."""

    standard: str
    title: Text
    level: int
    failing: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True)
class ReviewPack:
    fiscal_year: int
    offices: tuple[Named, ...]
    matrix: tuple[MatrixRow, ...]
    #: each office's (◎ + ○) / applicable over all standards; None when it has no accepted audit
    office_totals: tuple[Achievement | None, ...]
    principles: tuple[PrincipleComparison, ...]
    survey: SurveyTable | None
    #: proposals the meeting has not decided yet
    pending: tuple[ProposalItem, ...] = ()
    decisions: tuple[DecisionItem, ...] = ()
    support: tuple[SupportItem, ...] = ()
    #: the state of each office's audit, in the order of ``offices``: accepted, or why an
    #: office has no results (submitted, returned, being prepared, not started, no record)
    office_states: tuple[ResultState, ...] = ()
