"""Logging in and out, and one's own account (the password)."""

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from audit.access import ALL_ROLES, public, requires
from audit.db import db
from audit.forms import ConfirmForm, LoginForm, PasswordForm
from audit.i18n import _, city_today
from audit.models import utc_now
from audit.services import directory, users

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site, never another host (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme:
            return target
    return url_for("main.index")


def login_throttle() -> users.Throttle:
    config = current_app.config
    return users.Throttle(
        per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        window=config["LOGIN_WINDOW"],
    )


def city_directory() -> users.Directory | None:
    """The city's directory users may sign in with, when LDAP_URI names one."""
    config = current_app.config
    if not config["LDAP_URI"]:
        return None
    return directory.ldap_directory(
        config["LDAP_URI"],
        user_dn=config["LDAP_USER_DN"],
        bind_dn=config["LDAP_BIND_DN"],
        bind_password=config["LDAP_BIND_PASSWORD"],
        search_base=config["LDAP_SEARCH_BASE"],
        user_filter=config["LDAP_USER_FILTER"],
        groups_base=config["LDAP_GROUPS_BASE"],
        group_roles=config["LDAP_GROUP_ROLES"],
        attributes=config["LDAP_ATTRIBUTES"],
        timeout=config["LDAP_TIMEOUT"],
        ca_file=config["LDAP_CA_FILE"],
    )


def retry_after() -> dict[str, str]:
    # The window is the longest wait: the oldest counted failure leaves it sooner.
    return {"Retry-After": str(int(current_app.config["LOGIN_WINDOW"].total_seconds()))}


def throttled_message() -> str:
    return _(
        "Too many failed log-ins with this user name or from this address. "
        "Try again in %(minutes)s minutes.",
        minutes=int(current_app.config["LOGIN_WINDOW"].total_seconds()) // 60,
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    form = LoginForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    try:
        user = users.log_in(
            db.session,
            form.username.data,
            form.password.data,
            request.remote_addr or "",
            login_throttle(),
            directory=city_directory(),
            today=city_today(),
        )
    except users.LoginThrottled:
        flash(throttled_message(), "error")
        return render_template("auth/login.html", form=form), 429, retry_after()
    locale = session.get("locale")
    if user is not None and user.locale is None and locale:
        users.set_locale(user, locale)
    db.session.commit()
    if user is None:
        # Same words whether the name or the password was wrong.
        flash(_("The user name or password is not correct."), "error")
        return render_template("auth/login.html", form=form)
    session.clear()  # no session fixation: nothing from before the log-in carries over
    login_user(user)
    session.permanent = True
    return redirect(safe_next(form.next.data))


@bp.route("/logout", methods=["POST"])
@requires(*ALL_ROLES)
def logout() -> Any:
    """Log out, here and in every other browser the user is logged in with."""
    users.end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@requires(*ALL_ROLES)
def account() -> Any:
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            users.change_password(
                db.session,
                current_user,
                form.current_password.data,
                form.new_password.data,
                request.remote_addr or "",
                login_throttle(),
            )
        except users.LoginThrottled:
            db.session.rollback()
            form.current_password.errors.append(throttled_message())
            return account_page(form), 429, retry_after()
        except users.UserError as error:
            db.session.commit()  # the failure is counted; nothing else was changed
            form.current_password.errors.append(_(error.message, **error.params))
        else:
            db.session.commit()
            login_user(
                current_user._get_current_object()
            )  # this session takes the new token; the others end
            flash(_("Your password was changed; you were logged out everywhere else."), "success")
            return redirect(url_for("auth.account"))
    return account_page(form)


def account_page(form: PasswordForm) -> Any:
    return render_template(
        "auth/account.html",
        form=form,
        tokens=users.list_tokens(db.session, current_user),
        now=utc_now(),
        confirm=ConfirmForm(),
        revoke_endpoint="auth.revoke_token",
    )


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@requires(*ALL_ROLES)
def revoke_token(token_id: int) -> Any:
    """Revoke one of one's own API tokens; another user's is not found."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        users.revoke_tokens(db.session, current_user, token_id, actor=current_user)
    except users.UserError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(_("The token was revoked: it no longer works."), "success")
    return redirect(url_for("auth.account"))
