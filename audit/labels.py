"""How enum values and error codes are named on screen, in the current language."""

from datetime import date
from typing import Any

from flask import Flask
from flask_babel import format_datetime, get_locale

from audit.domain import scoring
from audit.domain.catalog import ChangeKind, OfficeKind, Origin
from audit.domain.ratchet import ProposalKind, ProposalStatus
from audit.domain.scoring import Missing, Rating
from audit.domain.survey import Direction, IndicatorStatus, TargetStatus, format_value
from audit.i18n import _l
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
TARGET_STATUS_LABELS = {
    TargetStatus.MET: _l("Met"),
    TargetStatus.CONSISTENT: _l("Consistent with the target"),
    TargetStatus.BELOW: _l("Below the target"),
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
