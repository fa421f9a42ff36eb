"""Improvement actions: a list per office, filtered by status and due date; status changes."""

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_login import current_user

from audit.access import ALL_ROLES, requires, visible_office_ids
from audit.db import db
from audit.forms import ActionStatusForm
from audit.i18n import _
from audit.models import ActionStatus, Role
from audit.services import ServiceError, audits, catalog
from audit.views.auth import safe_next

bp = Blueprint("actions", __name__, url_prefix="/actions")


@bp.route("/")
@requires(*ALL_ROLES)
def index() -> Any:
    offices = catalog.list_offices(db.session)
    office_ids = visible_office_ids(current_user)
    if office_ids is not None:
        offices = [o for o in offices if o.id in office_ids]
    code = request.args.get("office") or (offices[0].code if offices else None)
    office = next((o for o in offices if o.code == code), None)
    if office is None:
        abort(404)
    status = request.args.get("status")
    due = request.args.get("due", type=date.fromisoformat)
    rows = audits.office_actions(
        db.session,
        office.id,
        open_only=status == "open_all",
        status=ActionStatus(status) if status in tuple(ActionStatus) else None,
        due_before=due,
    )
    return render_template(
        "actions/index.html",
        offices=offices,
        office=office,
        actions=rows,
        status=status,
        due=due,
        today=date.today(),
        form=ActionStatusForm(),
        allowed=audits.ACTION_STATUSES_BY_ROLE[current_user.role],
    )


@bp.route("/<int:action_id>/status", methods=["POST"])
@requires(Role.COMMITTEE, Role.HEAD, Role.AUDITOR)
def set_status(action_id: int) -> Any:
    form = ActionStatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        action = audits.set_action_status(
            db.session, current_user, action_id, ActionStatus(form.status.data)
        )
    except ServiceError as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
        return redirect(safe_next(request.form.get("next")))
    if action is None:
        abort(404)
    db.session.commit()
    flash(_("The action's status was changed."), "success")
    return redirect(safe_next(request.form.get("next")))
