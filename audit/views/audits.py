"""Audits: the list, the audit page, the scoring form section by section, and the workflow."""

import hashlib
import json
from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from audit.access import ALL_ROLES, requires
from audit.db import db
from audit.domain.fiscal_year import fiscal_year_of
from audit.domain.scoring import ActionInput, Rating, ResponseInput
from audit.forms import AuditCreateForm, CommentForm, EmptyForm, ResponseForm
from audit.i18n import _, localized
from audit.labels import AUDIT_STATUS_LABELS
from audit.models import Audit, AuditKind, AuditStatus, Response, Role
from audit.services import ServiceError, audits, catalog

bp = Blueprint("audits", __name__, url_prefix="/audits")
EDITOR_ROLES = (Role.COMMITTEE, Role.AUDITOR)


def load_audit(audit_id: int) -> Audit:
    """The audit if the current user may see it; another office's audit is a 404."""
    audit = audits.get_audit(db.session, current_user, audit_id)
    if audit is None:
        abort(404)
    return audit


def flash_error(error: ServiceError) -> None:
    flash(_(error.message, **error.params), "error")


def create_form() -> AuditCreateForm:
    form = AuditCreateForm(fiscal_year=fiscal_year_of(date.today()))
    offices = catalog.list_offices(db.session)
    if current_user.role == Role.COMMITTEE:
        offices = [o for o in offices if o.id == current_user.office_id]
        form.kind.choices = [SelectChoice(AuditKind.SELF.value, _("Self-audit"))]
    elif current_user.role == Role.AUDITOR:
        form.kind.choices = [SelectChoice(AuditKind.EXTERNAL.value, _("External evaluation"))]
    form.office.choices = [SelectChoice(o.code, localized(o, "name")) for o in offices]
    return form


@bp.route("/", methods=["GET", "POST"])
@requires(*ALL_ROLES)
def index() -> Any:
    form = create_form() if current_user.role in EDITOR_ROLES else None
    if form is not None and form.validate_on_submit():
        try:
            audit = audits.create_audit(
                db.session,
                current_user,
                form.office.data,
                form.fiscal_year.data,
                AuditKind(form.kind.data),
                from_previous=form.from_previous.data,
            )
        except ServiceError as error:
            db.session.rollback()
            flash_error(error)
        else:
            db.session.commit()
            flash(_("The audit was created."), "success")
            return redirect(url_for("audits.edit", audit_id=audit.id))
    year = request.args.get("year", type=int)
    rows = audits.list_audits(
        db.session, current_user, year=year, office=request.args.get("office") or None
    )
    return render_template("audits/index.html", audits=rows, form=form, year=year)


@bp.route("/<int:audit_id>")
@requires(*ALL_ROLES)
def show(audit_id: int) -> Any:
    audit = load_audit(audit_id)
    summary = audits.summarize_audit(db.session, current_user, audit)
    return render_template(
        "audits/show.html",
        summary=summary,
        audit=audit,
        grouped=audits.by_principle(audit.responses),
        may_edit=audits.may_edit(current_user, audit) and audit.status == AuditStatus.DRAFT,
        may_review=audits.may_review(current_user, audit) and audit.status == AuditStatus.SUBMITTED,
        button=EmptyForm(),
        comment_form=CommentForm(),
        suggested=audits.suggested_rating,
        target_of=audits.target_of,
        rating_cells=rating_cells(),
    )


def rating_cells() -> dict[Rating | None, str]:
    """The ``rating`` macro's cell for each rating, made once: a page shows the same few."""
    cell = get_template_attribute("_macros.html", "rating")
    return {value: cell(value) for value in (None, *Rating)}


def fingerprint(
    rating: object, successes: object, trials: object, evidence: object, na_reason: object
) -> str:
    """What a standard's fields held, in a few characters, to see whether they were changed."""
    values = [v.value if isinstance(v, Rating) else v for v in (rating, successes, trials)]
    text = [str(v or "").strip() for v in (evidence, na_reason)]
    shown = json.dumps([None if v in (None, "") else str(v) for v in values] + text)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def is_untouched(form: ResponseForm) -> bool:
    """The person changed nothing in this standard and added no action."""
    posted = fingerprint(
        form.rating.data,
        form.successes.data,
        form.trials.data,
        form.evidence.data,
        form.na_reason.data,
    )
    has_action = form.action_what.data or form.action_owner.data or form.action_due.data
    return posted == form.loaded.data and not has_action


def response_form(response: Response, formdata: MultiDict[str, str] | None = None) -> ResponseForm:
    """The form for one standard: from what was posted, else from the saved response."""
    if formdata is not None:
        return ResponseForm(formdata, prefix=response.standard_code)
    return ResponseForm(
        prefix=response.standard_code,
        data={
            "loaded": fingerprint(
                response.rating,
                response.successes,
                response.trials,
                response.evidence,
                response.na_reason,
            ),
            "rating": response.rating.value if response.rating else None,
            "successes": response.successes,
            "trials": response.trials,
            "evidence": response.evidence,
            "na_reason": response.na_reason,
            "version": response.version,
        },
    )


def render_edit(
    audit: Audit,
    forms: dict[str, ResponseForm],
    status: int = 200,
    conflicts: dict[str, audits.ResponseStale] | None = None,
) -> Any:
    actions = audits.office_actions(db.session, audit.office_id, open_only=True)
    actions_by_standard: dict[int, list[Any]] = {}
    for action in actions:
        actions_by_standard.setdefault(action.standard_id, []).append(action)
    for response in audit.responses:
        forms.setdefault(response.standard_code, response_form(response))
    return render_template(
        "audits/edit.html",
        audit=audit,
        forms=forms,
        conflicts=conflicts or {},
        grouped=audits.by_principle(audit.responses),
        principles=catalog.list_principles(db.session),
        actions_by_standard=actions_by_standard,
        suggested=audits.suggested_rating,
        target_of=audits.target_of,
        button=EmptyForm(),
    ), status


@bp.route("/<int:audit_id>/edit")
@requires(*EDITOR_ROLES)
def edit(audit_id: int) -> Any:
    audit = load_audit(audit_id)
    if not audits.may_edit(current_user, audit):
        abort(403)
    if audit.status != AuditStatus.DRAFT:
        flash(
            _(
                "This audit cannot be changed now: it is %(status)s.",
                status=AUDIT_STATUS_LABELS[audit.status],
            ),
            "info",
        )
        return redirect(url_for("audits.show", audit_id=audit.id))
    return render_edit(audit, {})


def response_input(form: ResponseForm) -> ResponseInput:
    actions = []
    if form.action_what.data or form.action_owner.data or form.action_due.data:
        actions.append(
            ActionInput(
                form.action_what.data or "", form.action_owner.data or "", form.action_due.data
            )
        )
    return ResponseInput(
        rating=Rating(form.rating.data) if form.rating.data else None,
        successes=form.successes.data,
        trials=form.trials.data,
        evidence=form.evidence.data or "",
        na_reason=form.na_reason.data or "",
        actions=tuple(actions),
    )


@bp.route("/<int:audit_id>/sections/<principle>", methods=["POST"])
@requires(*EDITOR_ROLES)
def save_section(audit_id: int, principle: str) -> Any:
    """Save one principle's standards; each is saved or refused on its own, none is lost."""
    audit = load_audit(audit_id)
    section = [r for r in audit.responses if r.principle_code == principle]
    if not section:
        abort(404)
    # Only the entries shown again as posted are kept: with errors or conflicts. Any other
    # standard, saved or untouched, is shown as saved now (render_edit) and never written back.
    forms: dict[str, ResponseForm] = {}
    conflicts: dict[str, audits.ResponseStale] = {}
    has_errors = False
    for response in section:
        form = response_form(response, request.form)
        if not (form.version.data or "").isdigit():
            abort(400)
        if is_untouched(form):
            continue
        if not form.validate():
            forms[response.standard_code] = form
            has_errors = True
            continue
        try:
            audits.save_response(
                db.session,
                current_user,
                audit,
                response.standard_code,
                response_input(form),
                int(form.version.data),
            )
        except audits.ResponseStale as stale:
            forms[response.standard_code] = form
            conflicts[response.standard_code] = stale
            form.version.data = stale.response.version  # saving again overwrites, knowingly
        except audits.ResponseInvalid as invalid:
            forms[response.standard_code] = form
            has_errors = True
            for error in invalid.errors:
                field = getattr(form, error.field, None) or form.action_what
                field.errors = [*field.errors, _(error.message, **error.params)]
        except (audits.AuditForbidden, audits.AuditConflict) as error:
            db.session.rollback()
            flash_error(error)
            return redirect(url_for("audits.show", audit_id=audit.id))
    saved = _("Saved.")  # before the commit expires the user, whose language it is in
    db.session.commit()
    if conflicts or has_errors:
        if conflicts:
            flash(
                _(
                    "Someone else saved some of these standards since you opened the form. "
                    "Your entries are kept below: compare, then save again."
                ),
                "error",
            )
        if has_errors:
            flash(_("Some entries could not be saved: see the messages by each standard."), "error")
        return render_edit(audit, forms, 409 if conflicts else 422, conflicts)
    flash(saved, "success")
    return redirect(url_for("audits.edit", audit_id=audit_id, _anchor=principle))


@bp.route("/<int:audit_id>/submit", methods=["POST"])
@requires(*EDITOR_ROLES)
def submit(audit_id: int) -> Any:
    audit = load_audit(audit_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        audits.submit_audit(db.session, current_user, audit)
    except audits.AuditIncomplete as incomplete:
        db.session.rollback()
        flash(
            _(
                "The audit cannot be submitted yet: %(count)s item(s) are missing. "
                "They are listed on this page.",
                count=len(incomplete.missing),
            ),
            "error",
        )
        return redirect(url_for("audits.show", audit_id=audit.id, _anchor="missing"))
    except ServiceError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(url_for("audits.show", audit_id=audit.id))
    db.session.commit()
    flash(_("The audit was submitted for review."), "success")
    return redirect(url_for("audits.show", audit_id=audit.id))


def _transition(audit_id: int, form: Any, change: Any, done: str) -> Any:
    """Run one workflow step from a button; flash what happened; back to the audit page."""
    audit = load_audit(audit_id)
    if not form.validate_on_submit():
        flash(_("Write a comment to say why."), "error")
        return redirect(url_for("audits.show", audit_id=audit.id))
    try:
        change(audit)
    except ServiceError as error:
        db.session.rollback()
        flash_error(error)
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("audits.show", audit_id=audit.id))


@bp.route("/<int:audit_id>/accept", methods=["POST"])
@requires(Role.HEAD, Role.AUDITOR)
def accept(audit_id: int) -> Any:
    return _transition(
        audit_id,
        EmptyForm(),
        lambda a: audits.accept_audit(db.session, current_user, a),
        _("The audit was accepted and is now locked."),
    )


@bp.route("/<int:audit_id>/return", methods=["POST"])
@requires(Role.HEAD, Role.AUDITOR)
def return_(audit_id: int) -> Any:
    form = CommentForm()
    return _transition(
        audit_id,
        form,
        lambda a: audits.return_audit(db.session, current_user, a, form.comment.data),
        _("The audit was returned to its authors as a draft."),
    )


@bp.route("/<int:audit_id>/reopen", methods=["POST"])
@requires(Role.ADMIN)
def reopen(audit_id: int) -> Any:
    form = CommentForm()
    return _transition(
        audit_id,
        form,
        lambda a: audits.reopen_audit(db.session, current_user, a, form.comment.data),
        _("The audit was reopened as a draft; the reason is recorded."),
    )
