"""User accounts, for administrators."""

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from audit.access import requires
from audit.db import db
from audit.forms import UserForm
from audit.i18n import _, localized
from audit.models import Role, User
from audit.services import catalog, users

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.route("/", methods=["GET", "POST"])
@requires(Role.ADMIN)
def index() -> Any:
    form = UserForm()
    offices = catalog.list_offices(db.session)
    form.office.choices = [SelectChoice("", "—")] + [
        SelectChoice(o.code, localized(o, "name")) for o in offices
    ]
    if form.validate_on_submit():
        try:
            users.create_user(
                db.session,
                form.username.data,
                form.password.data,
                Role(form.role.data),
                form.office.data or None,
                actor=current_user,
            )
        except users.UserError as error:
            db.session.rollback()
            form.username.errors.append(_(error.message, **error.params))
        else:
            db.session.commit()
            flash(_("User %(name)s was created.", name=form.username.data), "success")
            return redirect(url_for("users.index"))
    rows = db.session.scalars(select(User).order_by(User.username)).all()
    return render_template("users/index.html", form=form, users=rows)
