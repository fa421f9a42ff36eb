"""Who may do what: log-in, roles, and the office a committee member is scoped to.

Every view carries exactly one access rule, set by :func:`requires` or :func:`public`;
``tests/web/test_access.py`` fails when a route has none. Queries for office-scoped data go
through :func:`audit.services.scope.visible_office_ids`, so that another ward's objects are simply
not found.
"""

import hmac
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.middleware.proxy_fix import ProxyFix

from audit.db import db
from audit.i18n import _, _l, city_today
from audit.models import ApiToken, Office, Role, User, utc_now
from audit.services.scope import CITYWIDE_ROLES, visible_office_ids
from audit.services.users import hash_token

#: the views' one place for access: the rule decorators, and the scope the services apply
__all__ = ["ALL_ROLES", "CITYWIDE_ROLES", "public", "requires", "visible_office_ids"]

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"

View = TypeVar("View", bound=Callable[..., Any])
ALL_ROLES = tuple(Role)


def requires(*roles: Role) -> Callable[[View], View]:
    """Let a logged-in user with one of ``roles`` through; others get 403, anonymous a log-in."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.blueprint == "api":
                    abort(401)
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.access_rule = tuple(roles)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def public(view: View) -> View:
    """Mark a view as open to everyone (the log-in page, static files)."""
    view.access_rule = "public"  # type: ignore[attr-defined]
    return view


#: a user with their ward's offices, in the one statement that loads them for a request
WITH_WARD = joinedload(User.office).joinedload(Office.branches)


def may_sign_in(user: User | None) -> bool:
    """An enabled user within their membership (an account past its end date is shut)."""
    return user is not None and user.is_active and user.is_member_on(city_today())


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The session's user, while its token is current; never for the API (bearer tokens only).

    ``session_id`` is ``User.get_id()``, "id:token": a new token ends every older session.
    """
    if request.path.startswith("/api/"):
        return None
    user_id, _sep, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    query = select(User).options(WITH_WARD).where(User.id == int(user_id))
    user = db.session.scalars(query).unique().one_or_none()
    if user is None or not may_sign_in(user):
        return None
    return user if hmac.compare_digest(user.session_token, token) else None


@login_manager.request_loader
def load_user_from_token(req: Any) -> User | None:
    """Authenticate API calls by ``Authorization: Bearer <token>``; only under /api/.

    A token counts until it expires or is revoked, and only while its user may sign in.
    """
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    query = (
        select(ApiToken)
        .options(joinedload(ApiToken.user).options(WITH_WARD))
        .where(ApiToken.token_hash == hash_token(header.removeprefix("Bearer ")))
    )
    token = db.session.scalars(query).unique().one_or_none()
    if token is None or not token.is_valid_at(utc_now()) or not may_sign_in(token.user):
        return None
    return token.user


#: the session key holding when the logged-in user last made a request (Unix seconds)
SEEN_AT = "seen_at"


def end_idle_session() -> Any:
    """Log a browser out after IDLE_TIMEOUT without a request, else note this request's time.

    Flask already refuses a session cookie older than PERMANENT_SESSION_LIFETIME, but silently
    and with the language and CSRF token; this ends only the log-in, and says why.
    """
    if request.path.startswith("/api/") or request.endpoint == "static":
        return None
    if not current_user.is_authenticated:
        return None
    timeout = current_app.config["IDLE_TIMEOUT"]
    now = int(time.time())
    seen_at = session.get(SEEN_AT)
    if timeout is None or seen_at is None or now - seen_at <= timeout.total_seconds():
        session[SEEN_AT] = now
        return None
    logout_user()
    session.pop(SEEN_AT)
    flash(_("You were logged out after a time without activity. Please log in again."), "info")
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "access_rule", None) == "public":
        return None
    target = request.full_path if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))


#: where a user with a one-time password may go before changing it
ONE_TIME_PASSWORD_ENDPOINTS = {"auth.account", "auth.logout", "main.language", "static"}


def require_new_password() -> Any:
    """A one-time password set by an administrator is changed before anything else is done."""
    if (
        request.path.startswith("/api/")
        or not current_user.is_authenticated
        or not current_user.must_change_password
        or request.endpoint in ONE_TIME_PASSWORD_ENDPOINTS
    ):
        return None
    flash(_("Your password is a one-time password: choose your own to continue."), "info")
    return redirect(url_for("auth.account"))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(end_idle_session)
    app.before_request(require_new_password)
    if app.config["TRUSTED_PROXIES"]:
        # The client's address (log-in throttling) and scheme (HSTS) come from the proxies'
        # X-Forwarded-For and X-Forwarded-Proto, trusting only as many hops as are ours.
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
