"""Users, passwords and API tokens."""

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from audit.models import ApiToken, LoginFailure, Office, Role, User, new_session_token, utc_now
from audit.services import N_, ServiceError
from audit.services.audit_log import record_change

MIN_PASSWORD_LENGTH = 12
# A hash to check against when the user does not exist, so both cases take as long.
_UNKNOWN_USER_HASH = generate_password_hash(secrets.token_hex(16))


def hash_token(token: str) -> str:
    """The SHA-256 a bearer token is stored and looked up by."""
    return hashlib.sha256(token.encode()).hexdigest()


class UserError(ServiceError):
    """A user cannot be created or changed as asked; the message says why."""


class LoginThrottled(ServiceError):
    """Too many recent failed log-ins for the user name or from the address."""


@dataclass(frozen=True)
class Throttle:
    """How many failures within ``window`` lock out a user name, or an address (None: no limit)."""

    per_account: int | None
    per_address: int | None
    window: timedelta


def check_password_length(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            N_("the password must have at least %(count)s characters"), count=MIN_PASSWORD_LENGTH
        )


def create_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    office_code: str | None = None,
    actor: User | None = None,
) -> User:
    """Create a user; committee members belong to one office, the other roles to none."""
    username = username.strip()
    if not username:
        raise UserError(N_("the user name is empty"))
    if session.scalar(select(User).where(User.username == username)):
        raise UserError(N_("user %(name)s already exists"), name=username)
    check_password_length(password)
    office = None
    if role == Role.COMMITTEE:
        if not office_code:
            raise UserError(N_("a committee member needs an office (--office CODE)"))
        office = session.scalar(select(Office).where(Office.code == office_code))
        if office is None:
            raise UserError(N_("unknown office %(code)s"), code=office_code)
    elif office_code:
        raise UserError(
            N_("only committee members belong to an office, not the %(role)s role"), role=role.value
        )
    user = User(
        username=username,
        password_hash=generate_password_hash(password),
        role=role,
        office_id=office.id if office else None,
    )
    session.add(user)
    session.flush()
    record_change(
        session,
        actor,
        "user.created",
        "user",
        username,
        after={"role": role.value, "office": office_code},
    )
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, else None (taking as long either way)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.is_active:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def throttle_key(username: str) -> str:
    """The user name failures are counted under: ``Ｋａｗａｓａｋｉ `` and ``kawasaki`` are one."""
    return unicodedata.normalize("NFKC", username).strip().casefold()[:64]


def log_in(
    session: Session,
    username: str,
    password: str,
    address: str,
    throttle: Throttle,
    now: datetime | None = None,
) -> User | None:
    """The user if the name and password are right, else None, with the failure recorded.

    Raises :class:`LoginThrottled`, before the password is checked, while the user name or the
    address has too many failures within the window. Both are counted whether or not the user
    exists, so the answer never tells. A success clears the user name's failures.
    """
    now = now or utc_now()
    key, address = throttle_key(username), address[:64]
    check_throttle(session, key, address, throttle, now)
    user = authenticate(session, username, password)
    if user is None:
        record_failure(session, key, address, throttle, now)
    else:
        session.execute(delete(LoginFailure).where(LoginFailure.username == key))
    session.flush()
    return user


def check_throttle(
    session: Session, key: str, address: str, throttle: Throttle, now: datetime
) -> None:
    """Raise :class:`LoginThrottled` while the user name or the address has too many
    failures within the window."""
    for column, value, limit in (
        (LoginFailure.username, key, throttle.per_account),
        (LoginFailure.address, address, throttle.per_address),
    ):
        if limit is not None:
            count = session.scalar(
                select(func.count())
                .select_from(LoginFailure)
                .where(column == value, LoginFailure.at >= now - throttle.window)
            )
            if count is not None and count >= limit:
                raise LoginThrottled(N_("too many failed log-ins"))


def record_failure(
    session: Session, key: str, address: str, throttle: Throttle, now: datetime
) -> None:
    """Count a wrong password against the user name and the address; forget expired ones."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < now - throttle.window))
    session.add(LoginFailure(username=key, address=address, at=now))


def end_sessions(user: User) -> None:
    """Log the user out everywhere: every session carries the old token (see ``User.get_id``)."""
    user.session_token = new_session_token()


def change_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    address: str,
    throttle: Throttle,
    now: datetime | None = None,
) -> None:
    """Change one's own password, given the current one; the user's other sessions end.

    A wrong current password counts as a failed log-in (someone at an unlocked screen must not
    be able to guess it), and the same limits refuse further tries with
    :class:`LoginThrottled`. Every refusal comes before anything else is changed.
    """
    now = now or utc_now()
    key, address = throttle_key(user.username), address[:64]
    check_throttle(session, key, address, throttle, now)
    if not check_password_hash(user.password_hash, current):
        record_failure(session, key, address, throttle, now)
        session.flush()
        raise UserError(N_("the current password is not correct"))
    check_password_length(new)
    user.password_hash = generate_password_hash(new)
    end_sessions(user)
    record_change(session, user, "user.password_changed", "user", user.username)
    session.flush()


def issue_token(session: Session, username: str) -> str:
    """Create a new API bearer token for a user and return it; only its hash is kept."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UserError(N_("unknown user %(name)s"), name=username)
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token)))
    record_change(session, None, "token.issued", "user", username)
    session.flush()
    return token


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
