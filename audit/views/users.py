"""People, for administrators: create, edit, disable, reset a password, and the April list."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from audit.access import requires
from audit.db import db
from audit.domain.catalog import OfficeKind
from audit.domain.survey import decode_text
from audit.forms import (
    ConfirmForm,
    OneTimePasswordForm,
    PersonForm,
    UserForm,
    UserImportApplyForm,
    UserImportForm,
)
from audit.i18n import _, localized
from audit.models import Role, User, utc_now
from audit.services import catalog, users

bp = Blueprint("users", __name__, url_prefix="/users")


def ward_choices(form: PersonForm) -> None:
    wards = [o for o in catalog.list_offices(db.session) if o.kind == OfficeKind.WARD]
    form.ward.choices = [SelectChoice("", "—")] + [
        SelectChoice(o.code, localized(o, "name")) for o in wards
    ]


def person_from(form: PersonForm) -> users.Person:
    return users.Person(
        role=Role(form.role.data),
        ward=form.ward.data or None,
        name=form.name.data.strip(),
        title=form.title.data.strip(),
        section=form.section.data.strip(),
        email=form.email.data.strip(),
        member_from=form.member_from.data,
        member_until=form.member_until.data,
    )


@bp.route("/", methods=["GET", "POST"])
@requires(Role.ADMIN)
def index() -> Any:
    """Everyone, filtered by role, ward and whether enabled; the form to add a person."""
    form = UserForm()
    ward_choices(form)
    if form.validate_on_submit():
        try:
            users.create_user(
                db.session,
                form.username.data,
                form.password.data,
                person_from(form),
                actor=current_user,
                one_time=True,
            )
        except users.UserError as error:
            db.session.rollback()
            form.username.errors.append(_(error.message, **error.params))
        else:
            db.session.commit()
            flash(_("User %(name)s was created.", name=form.username.data), "success")
            return redirect(url_for("users.index"))
    role = request.args.get("role", "")
    ward = request.args.get("ward", "")
    state = request.args.get("state", "")
    query = select(User).order_by(User.username)
    if role in set(Role):
        query = query.where(User.role == Role(role))
    if ward:
        query = query.where(User.office.has(code=ward))
    if state in ("active", "disabled"):
        query = query.where(User.is_active.is_(state == "active"))
    rows = db.session.scalars(query).all()
    filters = {"role": role, "ward": ward, "state": state}
    return render_template("users/index.html", form=form, users=rows, filters=filters)


def find_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit(user_id: int) -> Any:
    user = find_user(user_id)
    form = PersonForm(obj=user if request.method == "GET" else None)
    ward_choices(form)
    if request.method == "GET":
        form.ward.data = user.office.code if user.office else ""
    if form.validate_on_submit():
        try:
            changed = users.update_user(db.session, user, person_from(form), current_user)
        except users.UserError as error:
            db.session.rollback()
            form.ward.errors.append(_(error.message, **error.params))
        else:
            db.session.commit()
            flash(
                _("%(name)s was saved.", name=user.display_name)
                if changed
                else _("Nothing was changed."),
                "success" if changed else "info",
            )
            return redirect(url_for("users.edit", user_id=user.id))
    return render_template(
        "users/edit.html",
        user=user,
        form=form,
        password_form=OneTimePasswordForm(),
        confirm=ConfirmForm(),
        tokens=users.list_tokens(db.session, user),
        now=utc_now(),
    )


@bp.route("/<int:user_id>/active", methods=["POST"])
@requires(Role.ADMIN)
def set_active(user_id: int) -> Any:
    """Disable the user (sessions and tokens end at once), or enable them again."""
    user = find_user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        users.set_active(db.session, user, not user.is_active, current_user)
    except users.UserError as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
    else:
        db.session.commit()
        message = (
            _("%(name)s can sign in again.")
            if user.is_active
            else _("%(name)s was disabled: their sessions and API tokens stopped working.")
        )
        flash(message % {"name": user.display_name}, "success")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.route("/<int:user_id>/password", methods=["POST"])
@requires(Role.ADMIN)
def reset_password(user_id: int) -> Any:
    """Set a one-time password; the user must change it at the next log-in."""
    user = find_user(user_id)
    form = OneTimePasswordForm()
    if form.validate_on_submit():
        try:
            users.set_one_time_password(db.session, user, form.password.data, current_user)
        except users.UserError as error:
            db.session.rollback()
            flash(_(error.message, **error.params), "error")
        else:
            db.session.commit()
            flash(
                _(
                    "A one-time password was set for %(name)s: hand it over in person; "
                    "it must be changed at the next log-in.",
                    name=user.display_name,
                ),
                "success",
            )
    else:
        for error in form.password.errors:
            flash(error, "error")
    return redirect(url_for("users.edit", user_id=user.id))


@bp.route("/import", methods=["GET", "POST"])
@requires(Role.ADMIN)
def import_list() -> Any:
    """Check the April list and show what it would change; nothing is applied yet."""
    form = UserImportForm()
    if form.validate_on_submit():
        data = form.file.data.read()
        try:
            changes = users.plan_import(db.session, data)
        except users.UserImportRefused as refused:
            return render_template("users/import.html", form=form, problems=refused.problems)
        finally:
            db.session.rollback()
        # checked, so it is UTF-8 or cp932 text; it goes back as UTF-8
        confirm = UserImportApplyForm(content=decode_text(data))
        return render_template("users/import.html", form=form, changes=changes, confirm=confirm)
    return render_template("users/import.html", form=form)


@bp.route("/import/apply", methods=["POST"])
@requires(Role.ADMIN)
def apply_import() -> Any:
    """Apply a list checked before; it is checked again, as users may have changed since."""
    form = UserImportApplyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = users.apply_import(db.session, form.content.data.encode(), current_user)
    except users.UserImportRefused as refused:
        db.session.rollback()
        return render_template(
            "users/import.html", form=UserImportForm(), problems=refused.problems
        )
    db.session.commit()
    flash(_("The list was applied: %(count)s change(s).", count=len(result.changes)), "success")
    return render_template("users/imported.html", result=result)
