"""The home page and the language switch."""

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, session
from flask_login import current_user

from audit.access import ALL_ROLES, public, requires
from audit.db import db
from audit.forms import LanguageForm
from audit.services import users
from audit.views.auth import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
@requires(*ALL_ROLES)
def index() -> Any:
    return render_template("main/index.html")


@bp.route("/language", methods=["POST"])
@public
def language() -> Any:
    """Switch the language; remembered on the user, or for this browser before logging in."""
    form = LanguageForm()
    if form.validate_on_submit() and form.locale.data in current_app.config["LANGUAGES"]:
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            users.set_locale(current_user, form.locale.data)
            db.session.commit()
    return redirect(safe_next(form.next.data))
