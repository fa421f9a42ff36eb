"""Users, passwords and API tokens."""

import hashlib
import logging
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from audit.domain.catalog import OfficeKind
from audit.domain.survey import RowProblem
from audit.domain.users import UserRow, parse_user_file
from audit.models import ApiToken, LoginFailure, Office, Role, User, new_session_token, utc_now
from audit.services import N_, ServiceError
from audit.services.audit_log import record_change

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
#: how long an API token lasts unless asked otherwise
TOKEN_DAYS = 90
#: the roles that belong to a ward: committees always, division heads when the city says so
WARD_ROLES = (Role.COMMITTEE, Role.HEAD)


@dataclass(frozen=True)
class Person:
    """Who a user is and where they work: what an administrator edits and the April list sets."""

    role: Role
    #: the ward office's code (committees: required; heads: optional; others: none)
    ward: str | None = None
    name: str = ""
    title: str = ""
    section: str = ""
    email: str = ""
    member_from: date | None = None
    member_until: date | None = None


def person_of(user: User) -> Person:
    return Person(
        role=user.role,
        ward=user.office.code if user.office else None,
        name=user.name,
        title=user.title,
        section=user.section,
        email=user.email,
        member_from=user.member_from,
        member_until=user.member_until,
    )


def _trail_values(person: Person) -> dict[str, object]:
    return {
        key: value.isoformat() if isinstance(value, date) else value
        for key, value in asdict(person).items()
    }


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


def find_ward(session: Session, person: Person) -> Office | None:
    """The ward office the person belongs to, checked against their role."""
    if person.role not in WARD_ROLES:
        if person.ward:
            raise UserError(
                N_("only committees and division heads belong to a ward, not the %(role)s role"),
                role=person.role.value,
            )
        return None
    if not person.ward:
        if person.role == Role.COMMITTEE:
            raise UserError(N_("a committee member needs a ward (--ward CODE)"))
        return None
    office = session.scalar(select(Office).where(Office.code == person.ward))
    if office is None:
        raise UserError(N_("unknown office %(code)s"), code=person.ward)
    if office.kind != OfficeKind.WARD:
        raise UserError(
            N_("%(code)s is not a ward office: committees are set up per ward, give its ward"),
            code=person.ward,
        )
    if person.member_from and person.member_until and person.member_until < person.member_from:
        raise UserError(N_("the membership ends before it starts"))
    return office


def create_user(
    session: Session,
    username: str,
    password: str | None,
    person: Person,
    actor: User | None = None,
    *,
    one_time: bool = False,
) -> User:
    """Create a user; ``password`` None is a user who signs in through the city's directory.

    With ``one_time`` the password must be changed at the first log-in.
    """
    username = username.strip()
    if not username:
        raise UserError(N_("the user name is empty"))
    if session.scalar(select(User).where(User.username == username)):
        raise UserError(N_("user %(name)s already exists"), name=username)
    if password is not None:
        check_password_length(password)
    office = find_ward(session, person)
    user = User(
        username=username,
        password_hash=generate_password_hash(password) if password is not None else "",
        auth_source="local" if password is not None else "directory",
        must_change_password=one_time,
    )
    _apply(user, person, office)
    session.add(user)
    session.flush()
    record_change(session, actor, "user.created", "user", username, after=_trail_values(person))
    return user


def _apply(user: User, person: Person, office: Office | None) -> None:
    user.role, user.office_id, user.office = person.role, office.id if office else None, office
    user.name, user.title, user.section = person.name, person.title, person.section
    user.email, user.member_from, user.member_until = (
        person.email,
        person.member_from,
        person.member_until,
    )


def update_user(session: Session, user: User, person: Person, actor: User | None) -> bool:
    """Change who a user is and where they work; False when nothing changed (nothing written).

    A change of role or ward ends the user's sessions: what they may see changed under them.
    """
    before = person_of(user)
    if person == before:
        return False
    office = find_ward(session, person)
    if (person.role, person.ward) != (before.role, before.ward):
        end_sessions(user)
    _apply(user, person, office)
    record_change(
        session,
        actor,
        "user.changed",
        "user",
        user.username,
        before=_trail_values(before),
        after=_trail_values(person),
    )
    session.flush()
    return True


def set_active(session: Session, user: User, active: bool, actor: User | None) -> None:
    """Disable or re-enable a user; disabling ends their sessions and revokes their tokens."""
    if user.is_active == active:
        return
    if not active and actor is not None and actor.id == user.id:
        raise UserError(N_("you cannot disable yourself"))
    user.is_active = active
    if not active:
        end_sessions(user)
        revoke_tokens(session, user, actor=actor)
    record_change(
        session, actor, "user.enabled" if active else "user.disabled", "user", user.username
    )
    session.flush()


def set_one_time_password(session: Session, user: User, password: str, actor: User | None) -> None:
    """An administrator's reset: a password that must be changed at the next log-in."""
    check_password_length(password)
    user.password_hash = generate_password_hash(password)
    user.auth_source, user.must_change_password = "local", True
    end_sessions(user)
    revoke_tokens(session, user, actor=actor)
    record_change(session, actor, "user.password_reset", "user", user.username)
    session.flush()


#: the city's directory: (user name, password) → the person it knows, or None (see directory.py)
Directory = Callable[[str, str], "DirectoryPerson | None"]


@dataclass(frozen=True)
class DirectoryPerson:
    """What the city's directory says of someone who signed in with it."""

    username: str
    person: Person


def authenticate(
    session: Session,
    username: str,
    password: str,
    directory: Directory | None = None,
    today: date | None = None,
) -> User | None:
    """The user with this name and password who may sign in today, else None.

    Users kept here are checked here (taking as long whether or not they exist); with a
    directory, anyone else is checked there, and a first sign-in creates the user from what the
    directory says (氏名, 所属, e-mail, and the role and ward its groups map to).
    """
    today = today or date.today()
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is not None and user.auth_source == "local":
        if not user.is_active or not user.is_member_on(today):
            check_password_hash(_UNKNOWN_USER_HASH, password)
            return None
        return user if check_password_hash(user.password_hash, password) else None
    if directory is None or not password:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return None
    found = directory(username.strip(), password)
    if found is None:
        return None
    # the directory's spelling of the name, not what was typed (HANAKO signs in as hanako)
    user = session.scalar(select(User).where(User.username == found.username))
    try:
        if user is None:
            return create_user(session, found.username, None, found.person)
        if user.auth_source != "directory" or not user.is_active:
            return None
        # the directory is the source of who the person is (a new group, ward or name applies
        # at the next sign-in); the membership period is the administrator's
        person = replace(found.person, member_from=user.member_from, member_until=user.member_until)
        update_user(session, user, person, None)
    except UserError as error:
        # e.g. LDAP_GROUP_ROLES names a ward that does not exist: the city's setting is wrong
        logger.warning("directory user %s refused: %s", found.username, error)
        return None
    return user if user.is_member_on(today) else None


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
    directory: Directory | None = None,
    today: date | None = None,
) -> User | None:
    """The user if the name and password are right, else None, with the failure recorded.

    Raises :class:`LoginThrottled`, before the password is checked, while the user name or the
    address has too many failures within the window. Both are counted whether or not the user
    exists, so the answer never tells. A success clears the user name's failures.
    """
    now = now or utc_now()
    key, address = throttle_key(username), address[:64]
    check_throttle(session, key, address, throttle, now)
    user = authenticate(session, username, password, directory, today or now.date())
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
    if check_password_hash(user.password_hash, new):
        raise UserError(N_("the new password must differ from the current one"))
    user.password_hash = generate_password_hash(new)
    user.must_change_password = False
    end_sessions(user)
    revoke_tokens(session, user, now=now)
    record_change(session, user, "user.password_changed", "user", user.username)
    session.flush()


def find_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UserError(N_("unknown user %(name)s"), name=username)
    return user


def issue_token(
    session: Session,
    username: str,
    name: str = "",
    days: int | None = TOKEN_DAYS,
    now: datetime | None = None,
) -> str:
    """Create a new API bearer token for a user and return it; only its hash is kept.

    It expires after ``days`` (None: never, for a system account the city renews by hand).
    """
    user = find_user(session, username)
    if not user.is_active:
        raise UserError(N_("user %(name)s is disabled"), name=username)
    if days is not None and not 1 <= days <= 3650:
        raise UserError(N_("a token lasts from 1 to 3650 days"))
    now = now or utc_now()
    token = secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        name=name.strip(),
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=days) if days is not None else None,
    )
    session.add(row)
    session.flush()
    record_change(
        session,
        None,
        "token.issued",
        "user",
        username,
        after={"token": row.id, "name": row.name, "expires_at": _moment(row.expires_at)},
    )
    return token


def _moment(value: datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value else None


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked and expired ones included (they say so)."""
    query = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    return list(session.scalars(query))


def revoke_tokens(
    session: Session,
    user: User,
    token_id: int | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> int:
    """Revoke one of the user's tokens, or all; how many were still valid.

    Another user's token is not found: the id is looked up among the user's own.
    """
    now = now or utc_now()
    query = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if token_id is not None:
        if (
            session.scalar(
                select(ApiToken.id).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
            )
            is None
        ):
            raise UserError(
                N_("%(name)s has no token %(token)s"), name=user.username, token=token_id
            )
        query = query.where(ApiToken.id == token_id)
    revoked = session.execute(
        query.values(revoked_at=now).execution_options(synchronize_session="fetch")
    ).rowcount
    if revoked:
        record_change(
            session, actor, "token.revoked", "user", user.username, after={"token": token_id}
        )
    return revoked


def set_locale(user: User, locale: str) -> None:
    user.locale = locale


# --- the April list ------------------------------------------------------------------------


class UserImportRefused(ServiceError):
    """The list has problems; nothing was changed."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(N_("the file was refused: %(count)s problem(s)"), count=len(problems))
        self.problems = problems


@dataclass(frozen=True)
class UserChange:
    """What applying the list does to one user: added, changed, disabled or enabled."""

    username: str
    change: str
    #: (field, before, after) for each field that changes
    fields: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class UserImport:
    changes: list[UserChange]
    #: the one-time passwords of the local users the list added, to hand out once
    passwords: dict[str, str]


def _ward_names(session: Session) -> dict[str, str]:
    """Every way a ward may be written in the list: its code, its names, 川崎区 for 川崎区役所."""
    names: dict[str, str] = {}
    for office in session.scalars(select(Office).where(Office.kind == OfficeKind.WARD)):
        for name in (
            office.code,
            office.name_ja,
            office.name_ja.removesuffix("役所"),
            office.name_en,
        ):
            if name:
                names[name] = names[name.lower()] = office.code
    return names


def _field_text(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def _row_person(row: UserRow) -> Person:
    return Person(
        role=Role(row.role),
        ward=row.ward,
        name=row.name,
        title=row.title,
        section=row.section,
        email=row.email,
        member_from=row.member_from,
        member_until=row.member_until,
    )


def plan_import(session: Session, data: bytes) -> list[UserChange]:
    """What the list would change, user by user; raises :class:`UserImportRefused` whole.

    Users the list does not name are left as they are: a person who leaves is a row with an
    end date, or ``active`` no.
    """
    rows, problems = parse_user_file(data, _ward_names(session))
    existing = {u.username: u for u in session.scalars(select(User))}
    for row in rows:
        try:
            find_ward(session, _row_person(row))
        except UserError as error:
            problems.append(RowProblem(row.row, "ward", error.message, error.params))
    if problems:
        raise UserImportRefused(sorted(problems, key=lambda p: p.row))
    changes = []
    for row in rows:
        person = _row_person(row)
        user = existing.get(row.username)
        if user is None:
            fields = tuple(
                (name, "", _field_text(value))
                for name, value in asdict(person).items()
                if _field_text(value)
            )
            changes.append(UserChange(row.username, "added", fields))
            continue
        before = asdict(person_of(user))
        fields = tuple(
            (name, _field_text(before[name]), _field_text(value))
            for name, value in asdict(person).items()
            if before[name] != value
        )
        if fields:
            changes.append(UserChange(row.username, "changed", fields))
        if user.is_active != row.is_active:
            changes.append(UserChange(row.username, "enabled" if row.is_active else "disabled"))
    return changes


def apply_import(session: Session, data: bytes, actor: User | None) -> UserImport:
    """Apply the list whole (checked again: users may have changed since the preview)."""
    changes = plan_import(session, data)
    rows, _problems = parse_user_file(data, _ward_names(session))
    by_name = {row.username: row for row in rows}
    passwords = {}
    for change in changes:
        row = by_name[change.username]
        if change.change == "added":
            password = secrets.token_urlsafe(12)
            user = create_user(
                session, row.username, password, _row_person(row), actor, one_time=True
            )
            passwords[row.username] = password
            if not row.is_active:
                set_active(session, user, False, actor)
        elif change.change == "changed":
            update_user(session, find_user(session, row.username), _row_person(row), actor)
        else:
            set_active(session, find_user(session, row.username), row.is_active, actor)
    return UserImport(changes, passwords)
