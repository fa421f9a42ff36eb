"""Logging in and out."""

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from audit.access import ALL_ROLES, public, requires
from audit.db import db
from audit.forms import LoginForm
from audit.i18n import _
from audit.services import users

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site, never another host (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = users.authenticate(db.session, form.username.data, form.password.data)
        if user is None:
            # Same words whether the name or the password was wrong.
            flash(_("The user name or password is not correct."), "error")
        else:
            locale = session.get("locale")
            session.clear()
            login_user(user)
            session.permanent = True
            if user.locale is None and locale:
                users.set_locale(user, locale)
                db.session.commit()
            return redirect(safe_next(form.next.data))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@requires(*ALL_ROLES)
def logout() -> Any:
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
