"""How enum values and error codes are named on screen, in the current language."""

import re
from datetime import date
from typing import Any

from flask import Flask
from flask_babel import format_datetime, get_locale

from audit.domain import scoring
from audit.domain.catalog import ChangeKind, OfficeKind, Origin
from audit.domain.ratchet import ProposalKind, ProposalStatus
from audit.domain.review import ResultState
from audit.domain.scoring import Missing, Rating
from audit.domain.survey import (
    Direction,
    IndicatorStatus,
    SurveyFigures,
    TargetComparison,
    TargetStatus,
    format_value,
)
from audit.i18n import _, _l, fiscal_year_label, localized
from audit.models import ActionStatus, AuditKind, AuditStatus, DecisionOutcome, Role

ROLE_LABELS = {
    Role.COMMITTEE: _l("Committee member"),
    Role.HEAD: _l("Division head"),
    Role.AUDITOR: _l("Auditor"),
    Role.ADMIN: _l("Administrator"),
}
OFFICE_KIND_LABELS = {
    OfficeKind.WARD: _l("Ward office"),
    OfficeKind.BRANCH: _l("Branch office"),
    OfficeKind.SUB: _l("Sub-office"),
}
ORIGIN_LABELS = {
    Origin.SOURCE: _l("From the source document"),
    Origin.SOURCE_PARTIAL: _l("Partly from the source document, completed"),
    Origin.MODELLED: _l("Modelled (an illustration, not the city's official text)"),
}
CHANGE_LABELS = {
    ChangeKind.ADDED: _l("Added"),
    ChangeKind.CHANGED: _l("Changed"),
    ChangeKind.RETIRED: _l("Retired"),
    ChangeKind.RESTORED: _l("Restored"),
}
RATING_LABELS = {
    Rating.EXCEEDS: _l("Exceeds"),
    Rating.MET: _l("Met"),
    Rating.PARTIAL: _l("Partly met"),
    Rating.NOT_MET: _l("Not met"),
    Rating.NA: _l("Not applicable"),
}
AUDIT_KIND_LABELS = {
    AuditKind.SELF: _l("Self-audit"),
    AuditKind.EXTERNAL: _l("External evaluation"),
}
AUDIT_STATUS_LABELS = {
    AuditStatus.DRAFT: _l("Draft"),
    AuditStatus.SUBMITTED: _l("Submitted"),
    AuditStatus.ACCEPTED: _l("Accepted (locked)"),
}
ACTION_STATUS_LABELS = {
    ActionStatus.OPEN: _l("Open"),
    ActionStatus.IN_PROGRESS: _l("In progress"),
    ActionStatus.DONE: _l("Done"),
    ActionStatus.VERIFIED: _l("Verified"),
}
DECISION_LABELS = {
    DecisionOutcome.APPROVED: _l("Approve"),
    DecisionOutcome.DEFERRED: _l("Defer"),
    DecisionOutcome.REJECTED: _l("Reject"),
}
DECIDED_LABELS = {
    DecisionOutcome.APPROVED: _l("Approved"),
    DecisionOutcome.DEFERRED: _l("Deferred"),
    DecisionOutcome.REJECTED: _l("Rejected"),
}
PROPOSAL_KIND_LABELS = {
    ProposalKind.STEP_UP: _l("Step-up"),
    ProposalKind.PROMOTION: _l("Promotion to a citywide standard"),
}
PROPOSAL_STATUS_LABELS = {
    ProposalStatus.PROPOSED: _l("Proposed"),
    ProposalStatus.INSUFFICIENT_EVIDENCE: _l("Not yet: evidence insufficient"),
}
#: the 95% interval's verdict, shown beside the plain comparison (TARGET_COMPARISON_LABELS)
TARGET_STATUS_LABELS = {
    TargetStatus.MET: _l("Interval: met"),
    TargetStatus.CONSISTENT: _l("Interval: includes the target"),
    TargetStatus.BELOW: _l("Interval: wholly below the target"),
}
TARGET_COMPARISON_LABELS = {
    TargetComparison.AT_OR_ABOVE: _l("At or above the target"),
    TargetComparison.BELOW: _l("Below the target"),
}
#: beside a verdict drawn from too few answers to ever show the target met with confidence
FOR_REFERENCE_LABEL = _l("Few answers: for reference")
RESULT_STATE_LABELS = {
    ResultState.ACCEPTED: _l("Accepted"),
    ResultState.SUBMITTED: _l("Submitted, not yet accepted"),
    ResultState.RETURNED: _l("Returned to the office"),
    ResultState.DRAFT: _l("Being prepared"),
    ResultState.NOT_STARTED: _l("Not started"),
    ResultState.NO_RECORD: _l("No record"),
    ResultState.NOT_ASSESSED: _l("Not assessed"),
    ResultState.FILTERED_OUT: _l("Not shown (filtered out)"),
}
INDICATOR_STATUS_LABELS = {
    IndicatorStatus.ACHIEVED: _l("Achieved"),
    IndicatorStatus.NOT_ACHIEVED: _l("Not achieved"),
    IndicatorStatus.NO_TARGET: _l("No target that year"),
    IndicatorStatus.NOT_MEASURED: _l("Not measured"),
    IndicatorStatus.NO_FIGURE: _l("No figure yet"),
}
DIRECTION_LABELS = {
    Direction.HIGHER: _l("Higher is better"),
    Direction.LOWER: _l("Lower is better"),
}
MISSING_LABELS = {
    Missing.RATING: _l("no rating"),
    Missing.EVIDENCE: _l("no evidence"),
    Missing.NA_REASON: _l("no reason why it does not apply"),
    Missing.ACTION: _l("no improvement action for △ or ×"),
    Missing.OBSERVATIONS: _l("fewer observations than the level requires"),
}
FIELD_LABELS = {
    "rating": _l("Rating"),
    "successes": _l("Successes"),
    "trials": _l("Observations"),
    "evidence": _l("Evidence"),
    "na_reason": _l("Why it does not apply"),
    "actions": _l("Improvement action"),
    "comment": _l("Comment"),
    "reason": _l("Reason"),
}
#: what the audit trail records, by its action code
TRAIL_ACTION_LABELS = {
    "audit.created": _l("Audit created"),
    "audit.submitted": _l("Audit submitted"),
    "audit.accepted": _l("Audit accepted"),
    "audit.returned": _l("Audit returned to the office"),
    "audit.reopened": _l("Audit reopened"),
    "response.saved": _l("Result saved"),
    "action.created": _l("Improvement action planned"),
    "action.status": _l("Improvement action's status changed"),
    "document.printed": _l("Document printed"),
}
#: the fields the audit trail records, beyond those of a response (FIELD_LABELS)
TRAIL_FIELD_LABELS = {
    **FIELD_LABELS,
    "status": _l("Status"),
    "office": _l("Office"),
    "fiscal_year": _l("Fiscal year"),
    "kind": _l("Kind"),
    "standards": _l("Standards"),
    "from_previous": _l("Carried over from the year before"),
    "what": _l("Action"),
    "owner": _l("Who"),
    "due": _l("Due"),
    "document": _l("Document"),
}
DOCUMENT_LABELS = {
    "scorecard": _l("Scorecard"),
    "checklist": _l("Blank checklist"),
    "action_plan": _l("Action plan"),
    "review_pack": _l("Review pack"),
}
#: a catalog entry's fields as ``audit.domain.catalog.describe`` names them
CATALOG_FIELD_LABELS = {
    "kind": _l("Kind of office"),
    "parent": _l("Parent office"),
    "name": _l("Name of the office or principle"),
    "origin": _l("Origin of the text"),
    "description": _l("Description"),
    "principle": _l("Principle"),
    "title": _l("Title"),
    "method": _l("How it is measured"),
    "since": _l("In force since (fiscal year)"),
    "source": _l("Checklist file"),
    "office": _l("Office"),
    "applies_to": _l("Applies to"),
    "area": _l("Area"),
    "start_level": _l("Starting level"),
    "criterion": _l("Criterion"),
    "target": _l("Target"),
    "min_observations": _l("Fewest observations"),
    "sustain_years": _l("Years sustained before a step-up"),
    "coverage": _l("Share of offices that must meet it"),
    "support_share": _l("Share of offices failing that calls for support"),
}
_LEVEL_FIELD = re.compile(r"^level (?P<number>\d+) (?P<name>\w+)$")
#: the April list's columns, as the import names them (the Japanese headers it accepts)
USER_COLUMN_LABELS = {
    "username": _l("User name"),
    "name": _l("Name (氏名)"),
    "title": _l("Job title (職名)"),
    "section": _l("Section (所属)"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "ward": _l("Ward"),
    "member_from": _l("Member from"),
    "member_until": _l("Member until"),
    "active": _l("Enabled"),
}
USER_CHANGE_LABELS = {
    "added": _l("Added"),
    "changed": _l("Changed"),
    "disabled": _l("Disabled"),
    "enabled": _l("Enabled again"),
}
ERROR_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please log in"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("What was sent is too large"),
}
ERROR_TEXTS = {
    400: _l("The form may have expired. Go back, reload the page and try again."),
    401: _l("Log in to continue."),
    403: _l("Your role does not allow this. Ask an administrator if you need access."),
    404: _l("The page does not exist, or it is not one you can see."),
    405: _l("Use the buttons on the page instead of typing the address."),
    413: _l(
        "A file or a form may carry up to %(megabytes)s MB. Choose a smaller file or shorten "
        "the text, then try again."
    ),
}


def _lookup(labels: dict[Any, Any]) -> Any:
    return lambda value: labels.get(value, value)


def person_label(role: Role, office: str | None = None, name: str = "") -> str:
    """Who did something, where a person's name belongs: the name (氏名), never the log-in
    name; for a user whose name is not recorded, the role and the office of a member of one."""
    if name.strip():
        return name.strip()
    label = str(ROLE_LABELS[role])
    return _("%(role)s (%(office)s)", role=label, office=office) if office else label


def user_label(user: Any) -> str:
    """A user where a person's name belongs (see person_label)."""
    office = localized(user.office, "name") if user.office else None
    return person_label(user.role, office, user.name)


def target_verdict(figures: SurveyFigures) -> str:
    """A survey against its target in words: the plain comparison first, then the interval's
    verdict and, for few answers, that it is for reference; a dash without counts."""
    if figures.comparison is None or figures.status is None:
        return "—"
    words = [TARGET_COMPARISON_LABELS[figures.comparison], TARGET_STATUS_LABELS[figures.status]]
    if figures.is_for_reference:
        words.append(FOR_REFERENCE_LABEL)
    return " · ".join(str(word) for word in words)


def trail_action_label(action: str) -> str:
    """What an audit-trail entry records, in words; an unknown code as it is."""
    return str(TRAIL_ACTION_LABELS.get(action, action))


def trail_value(name: str, value: Any, office: Any = None) -> str:
    """A value the audit trail recorded, in words: ratings, statuses, kinds, documents and
    years by their labels; ``office`` (the audit's) by its name."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list | dict):
        return ", ".join(str(item) for item in value)
    words: dict[str, Any] = {
        "rating": RATING_LABELS,
        "status": {**AUDIT_STATUS_LABELS, **ACTION_STATUS_LABELS},
        "kind": AUDIT_KIND_LABELS,
        "document": DOCUMENT_LABELS,
    }.get(name, {})
    if name == "rating" and value in RATING_LABELS and value != Rating.NA:
        return f"{Rating(value).symbol} {RATING_LABELS[value]}"
    if name == "fiscal_year" and isinstance(value, int):
        return fiscal_year_label(value)
    if name == "office" and office is not None and value == office.code:
        return str(localized(office, "name"))
    return str(words.get(value, value))


def catalog_field_label(name: str) -> str:
    """A field of a catalog entry (as ``describe`` names it) in words: "level 1 criterion (ja)"
    reads 「段階1の達成要件（日本語）」; a name it does not know is returned as it is."""
    base, language = name, None
    for suffix, word in ((" (ja)", _l("Japanese")), (" (en)", _l("English"))):
        if name.endswith(suffix):
            base, language = name.removesuffix(suffix), word
    level = _LEVEL_FIELD.match(base)
    rule = base.removeprefix("rule ") if base.startswith("rule ") else None
    key = level["name"] if level else rule or base
    if key not in CATALOG_FIELD_LABELS:
        return name
    label = str(CATALOG_FIELD_LABELS[key])
    if level:
        label = _("Level %(number)s: %(field)s", number=level["number"], field=label)
    elif rule:
        label = _("Step-up rule: %(field)s", field=label)
    return _("%(field)s (%(language)s)", field=label, language=language) if language else label


def catalog_field_value(name: str, value: str) -> str:
    """A catalog field's value in words where it is a code: kinds of office and origins."""
    if name in ("kind", "applies_to") and value:
        return "、".join(str(OFFICE_KIND_LABELS.get(k.strip(), k)) for k in value.split(","))
    if name == "origin" and value:
        return str(ORIGIN_LABELS.get(value, value))
    return value


def init_app(app: Flask) -> None:
    """Make the labels available to every template."""
    helpers = {
        "role_label": _lookup(ROLE_LABELS),
        "office_kind_label": _lookup(
            {**OFFICE_KIND_LABELS, **{k.value: v for k, v in OFFICE_KIND_LABELS.items()}}
        ),
        "origin_label": _lookup(ORIGIN_LABELS),
        "change_label": _lookup(CHANGE_LABELS),
        "rating_label": _lookup(RATING_LABELS),
        "audit_kind_label": _lookup(AUDIT_KIND_LABELS),
        "audit_status_label": _lookup(AUDIT_STATUS_LABELS),
        "action_status_label": _lookup(ACTION_STATUS_LABELS),
        "missing_label": _lookup(MISSING_LABELS),
        "target_status_label": _lookup(TARGET_STATUS_LABELS),
        "indicator_status_label": _lookup(INDICATOR_STATUS_LABELS),
        "direction_label": _lookup(DIRECTION_LABELS),
        "decided_label": _lookup(DECIDED_LABELS),
        "proposal_kind_label": _lookup(PROPOSAL_KIND_LABELS),
        "proposal_status_label": _lookup(PROPOSAL_STATUS_LABELS),
        "result_state_label": _lookup(RESULT_STATE_LABELS),
        "target_comparison_label": _lookup(TARGET_COMPARISON_LABELS),
        "for_reference_label": FOR_REFERENCE_LABEL,
        "user_label": user_label,
        "trail_action_label": trail_action_label,
        "trail_field_label": lambda name: TRAIL_FIELD_LABELS.get(name, name),
        "trail_value": trail_value,
        "catalog_field_label": catalog_field_label,
        "catalog_field_value": catalog_field_value,
        "user_column_label": _lookup(USER_COLUMN_LABELS),
        "user_change_label": _lookup(USER_CHANGE_LABELS),
        "field_label": lambda name: FIELD_LABELS.get(name.split("[")[0], name),
        "error_title": lambda code: ERROR_TITLES.get(code, _l("Something went wrong")),
        "error_text": lambda code: (
            ERROR_TEXTS.get(code, "") % {"megabytes": app.config["MAX_CONTENT_LENGTH"] // 2**20}
        ),
    }
    app.jinja_env.globals.update(
        helpers,
        observed_value=scoring.Observed,
        rating_symbol=lambda value: Rating(value).symbol,
        today_date=date.today,
    )
    app.jinja_env.filters["percent"] = scoring.percent
    app.jinja_env.filters["indicator_value"] = format_value
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["office_kind_label"] = helpers["office_kind_label"]
    app.context_processor(lambda: {"current_locale": str(get_locale() or "ja")})
