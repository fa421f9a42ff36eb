"""Shared practices (取組事例): what an office does to meet a standard, for the others to adopt."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from audit.access import ALL_ROLES, requires
from audit.db import db
from audit.forms import EmptyForm, PracticeForm
from audit.i18n import _, localized
from audit.models import Role
from audit.services import ServiceError, catalog, practices

bp = Blueprint("practices", __name__, url_prefix="/practices")


def render_index(form: PracticeForm | None) -> str:
    code = request.args.get("standard") or None
    return render_template(
        "practices/index.html",
        practices=practices.list_practices(db.session, code),
        standards=catalog.list_standards(db.session),
        code=code,
        form=form,
        button=EmptyForm(),
    )


def practice_form() -> PracticeForm:
    form = PracticeForm(standard=request.args.get("standard") or None)
    form.standard.choices = [
        SelectChoice(s.code, f"{s.code} {localized(s, 'title')}")
        for s in catalog.list_standards(db.session)
    ]
    return form


@bp.route("/")
@requires(*ALL_ROLES)
def index() -> Any:
    """Every office's practices; a committee member also gets the form to share one."""
    return render_index(practice_form() if current_user.role == Role.COMMITTEE else None)


@bp.route("/", methods=["POST"])
@requires(Role.COMMITTEE)
def share() -> Any:
    form = practice_form()
    if form.validate_on_submit():
        try:
            practices.share_practice(
                db.session,
                current_user,
                form.standard.data,
                form.what.data,
                form.since.data,
                form.effect.data,
            )
        except ServiceError as error:
            db.session.rollback()
            flash(_(error.message, **error.params), "error")
        else:
            db.session.commit()
            flash(_("The practice was shared."), "success")
            return redirect(url_for("practices.index", standard=form.standard.data))
    return render_index(form)


@bp.route("/<int:practice_id>/adopt", methods=["POST"])
@requires(Role.COMMITTEE)
def adopt(practice_id: int) -> Any:
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        practice = practices.adopt_practice(db.session, current_user, practice_id)
    except ServiceError as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
        return redirect(url_for("practices.index"))
    if practice is None:
        abort(404)
    db.session.commit()
    flash(_("Your office adopted this practice."), "success")
    return redirect(url_for("practices.index", standard=practice.standard.code))
