"""Who may do what: log-in, roles, and the office a committee member is scoped to.

Every view carries exactly one access rule, set by :func:`requires` or :func:`public`;
``tests/web/test_access.py`` fails when a route has none. Queries for office-scoped data go
through :func:`visible_office_ids`, so that another office's objects are simply not found.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, request
from flask_login import LoginManager, current_user
from sqlalchemy import select

from audit.db import db
from audit.i18n import _l
from audit.models import ApiToken, Role, User
from audit.services.users import hash_token

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"

View = TypeVar("View", bound=Callable[..., Any])
ALL_ROLES = tuple(Role)
#: the roles that read every office's data
CITYWIDE_ROLES = (Role.HEAD, Role.AUDITOR, Role.ADMIN)


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


def visible_office_ids(user: User | None) -> list[int] | None:
    """The offices whose data the user may see: None for all, else a committee member's own.

    ``user`` None is the command line, which sees every office.
    """
    if user is None or user.role in CITYWIDE_ROLES:
        return None
    return [user.office_id] if user.office_id is not None else []


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user; never for the API, which takes bearer tokens only."""
    if request.path.startswith("/api/"):
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


@login_manager.request_loader
def load_user_from_token(req: Any) -> User | None:
    """Authenticate API calls by ``Authorization: Bearer <token>``; only under /api/."""
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(header.removeprefix("Bearer ")))
    )
    return token.user if token is not None and token.user.is_active else None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
