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

from audit.access import ALL_ROLES, requires, visible_office_ids
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
        ward = visible_office_ids(current_user) or []
        offices = [o for o in offices if o.id in ward]
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
    refusals: list[str] | None = None,
) -> Any:
    """The scoring form; after a refused save, ``refusals`` head the error summary."""
    conflicts = conflicts or {}
    refused = set(forms)  # shown as posted, not saved
    actions = audits.office_actions(db.session, audit.office_id, open_only=True)
    actions_by_standard: dict[int, list[Any]] = {}
    for action in actions:
        actions_by_standard.setdefault(action.standard_id, []).append(action)
    for response in audit.responses:
        forms.setdefault(response.standard_code, response_form(response))
    principles = catalog.list_principles(db.session)
    grouped = audits.by_principle(audit.responses)
    in_page_order = [r for p in principles for r in grouped.get(p.code, [])]
    saved = request.args.get("saved")  # the section whose save brought the person here
    return render_template(
        "audits/edit.html",
        audit=audit,
        forms=forms,
        conflicts=conflicts,
        refusals=refusals or [],
        problems=problems(in_page_order, forms, conflicts),
        refused=refused,
        saved_section=saved if request.method == "GET" and saved in grouped else None,
        grouped=grouped,
        principles=principles,
        actions_by_standard=actions_by_standard,
        suggested=audits.suggested_rating,
        target_of=audits.target_of,
        button=EmptyForm(),
    ), status


def field_anchor(form: ResponseForm, name: str) -> str:
    """The id of the element a link to this field goes to: a rating's first choice."""
    field = form[name]
    return f"{field.id}-0" if name == "rating" else field.id


def problems(
    responses: list[Response],
    forms: dict[str, ResponseForm],
    conflicts: dict[str, audits.ResponseStale],
) -> list[tuple[str, str]]:
    """The error summary's lines in page order: (the id of the field to go to, the problem)."""
    found = []
    for response in responses:
        code, form = response.standard_code, forms[response.standard_code]
        if code in conflicts:
            changes = conflicts[code].changes
            found.append(
                (
                    field_anchor(form, changes[0][0] if changes else "rating"),
                    _(
                        "%(code)s: someone else saved this standard after you opened the form. "
                        "Compare the two values, then save again.",
                        code=code,
                    ),
                )
            )
        for field in form:
            found.extend(
                (
                    field_anchor(form, field.short_name),
                    _(
                        "%(code)s %(field)s: %(error)s",
                        code=code,
                        field=field.label.text,
                        error=error,
                    ),
                )
                for error in field.errors
            )
    return found


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


@bp.route("/<int:audit_id>/edit", methods=["POST"])
@requires(*EDITOR_ROLES)
def save(audit_id: int) -> Any:
    """Save every standard changed on the page; each is saved or refused on its own."""
    return save_changes(load_audit(audit_id), request.form.get("section"))


@bp.route("/<int:audit_id>/sections/<principle>", methods=["POST"])
@requires(*EDITOR_ROLES)
def save_section(audit_id: int, principle: str) -> Any:
    """The address each section's form once had: it saves everything posted, like ``save``."""
    audit = load_audit(audit_id)
    if not any(r.principle_code == principle for r in audit.responses):
        abort(404)
    return save_changes(audit, principle)


def save_changes(audit: Audit, section: str | None) -> Any:
    """Save the standards posted and changed, then go back to the section the person was in.

    Only the entries shown again as posted are kept: with errors or conflicts. Any other
    standard, saved or untouched, is shown as saved now (render_edit) and never written back.
    """
    forms: dict[str, ResponseForm] = {}
    entries: dict[str, tuple[ResponseInput, int]] = {}
    for response in audit.responses:
        code = response.standard_code
        if f"{code}-version" not in request.form:
            continue  # not on the page that was posted
        form = response_form(response, request.form)
        if not (form.version.data or "").isdigit():
            abort(400)
        if is_untouched(form):
            continue
        forms[code] = form
        if form.validate():
            entries[code] = (response_input(form), int(form.version.data))
    try:
        result = audits.save_responses(db.session, current_user, audit, entries)
    except (audits.AuditForbidden, audits.AuditConflict) as error:
        db.session.rollback()
        flash_error(error)
        return redirect(url_for("audits.show", audit_id=audit.id))
    for code, stale in result.stale.items():
        forms[code].version.data = stale.response.version  # saving again overwrites, knowingly
    for code, invalid in result.invalid.items():
        for error in invalid.errors:
            field = getattr(forms[code], error.field, None) or forms[code].action_what
            field.errors = [*field.errors, _(error.message, **error.params)]
    refused = {
        code: form
        for code, form in forms.items()
        if code not in entries or code in result.stale or code in result.invalid
    }
    # before the commit expires the user, whose language they are in
    refusals = refusal_texts(result, has_errors=len(refused) > len(result.stale))
    done = _("Saved.") if result.saved else _("Nothing was changed, so nothing was saved.")
    db.session.commit()
    if refused:
        return render_edit(audit, refused, 409 if result.stale else 422, result.stale, refusals)
    flash(done, "success")
    section = landing_section(audit, result.saved, section)
    return redirect(
        url_for("audits.edit", audit_id=audit.id, saved=section, _anchor=f"section-{section}")
        if section
        else url_for("audits.edit", audit_id=audit.id)
    )


def refusal_texts(result: audits.ResponsesSaved, *, has_errors: bool) -> list[str]:
    """What heads the error summary: why standards were refused, and what was saved."""
    texts = []
    if result.stale:
        texts.append(
            _(
                "Someone else saved some of these standards since you opened the form. "
                "Your entries are kept below: compare, then save again."
            )
        )
    if has_errors:
        texts.append(_("Some entries could not be saved: see the messages by each standard."))
    if result.saved:
        texts.append(
            _(
                "Your changes to the other %(count)s standard(s) were saved.",
                count=len(result.saved),
            )
        )
    return texts


def landing_section(audit: Audit, saved: list[str], section: str | None) -> str | None:
    """Where the saved message goes: the section whose button was pressed if something in it
    was saved (or nothing was saved at all), else the first section something was saved in.
    (Enter in a field presses the page's first button, whichever section the field is in.)"""
    saved_in = {r.principle_code for r in audit.responses if r.standard_code in saved}
    if section in (saved_in or {r.principle_code for r in audit.responses}):
        return section
    in_page_order = [p.code for p in catalog.list_principles(db.session) if p.code in saved_in]
    return in_page_order[0] if in_page_order else None


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
