"""Users, passwords and API tokens."""

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from audit.models import ApiToken, Office, Role, User
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
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            N_("the password must have at least %(count)s characters"), count=MIN_PASSWORD_LENGTH
        )
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
