"""Log-in in the service layer: throttling per user name and per address, sessions, passwords."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from audit.db import db
from audit.models import LoginFailure, User
from audit.services import users
from audit.services.demo import DEMO_PASSWORD

THROTTLE = users.Throttle(per_account=3, per_address=5, window=timedelta(minutes=15))
T0 = datetime(2030, 4, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session


@pytest.fixture
def log_in(session):
    """``log_in(name, password, address="10.0.0.1", minutes=0)``: one attempt, committed."""

    def attempt(name, password, address="10.0.0.1", minutes=0, throttle=THROTTLE):
        try:
            return users.log_in(
                session, name, password, address, throttle, now=T0 + timedelta(minutes=minutes)
            )
        finally:
            session.commit()

    return attempt


def failures(session):
    return session.scalar(select(func.count()).select_from(LoginFailure))


@pytest.mark.parametrize("name", ["admin", "nobody"])
def test_account_is_locked_after_its_failures_whether_or_not_it_exists(log_in, name):
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert log_in(name, "wrong-password", address) is None
    with pytest.raises(users.LoginThrottled):
        log_in(name, DEMO_PASSWORD, "10.0.0.4")


def test_account_lock_counts_the_name_however_it_is_typed(log_in):
    for typed in ("admin", " ADMIN", "ａｄｍｉｎ"):
        log_in(typed, "wrong-password")
    with pytest.raises(users.LoginThrottled):
        log_in("admin", DEMO_PASSWORD, "10.9.9.9")


def test_account_lock_ends_with_the_window(log_in):
    for minute in range(3):
        log_in("admin", "wrong-password", minutes=minute)
    with pytest.raises(users.LoginThrottled):
        log_in("admin", DEMO_PASSWORD, minutes=15)
    assert log_in("admin", DEMO_PASSWORD, minutes=16).username == "admin"


def test_address_is_locked_after_its_failures_across_names(log_in):
    for name in ("admin", "head", "auditor", "kawasaki", "nobody"):
        log_in(name, "wrong-password", "10.0.0.9")
    with pytest.raises(users.LoginThrottled):
        log_in("nakahara", DEMO_PASSWORD, "10.0.0.9")
    assert log_in("nakahara", DEMO_PASSWORD, "10.0.0.10").username == "nakahara"


def test_success_clears_the_accounts_failures_but_not_the_addresss(session, log_in):
    log_in("admin", "wrong-password", "10.0.0.1")
    log_in("admin", "wrong-password", "10.0.0.2")
    log_in("head", "wrong-password", "10.0.0.2")
    assert log_in("admin", DEMO_PASSWORD, "10.0.0.3") is not None
    remaining = session.execute(select(LoginFailure.username, LoginFailure.address)).all()
    assert remaining == [("head", "10.0.0.2")]


def test_a_throttled_attempt_is_not_counted_and_old_failures_are_deleted(session, log_in):
    for _attempt in range(3):
        log_in("admin", "wrong-password")
    with pytest.raises(users.LoginThrottled):
        log_in("admin", "wrong-password")
    assert failures(session) == 3
    log_in("head", "wrong-password", minutes=30)
    assert failures(session) == 1


def test_no_limit_when_the_limits_are_none(log_in):
    unlimited = users.Throttle(per_account=None, per_address=None, window=timedelta(minutes=15))
    for _attempt in range(10):
        log_in("admin", "wrong-password", throttle=unlimited)
    assert log_in("admin", DEMO_PASSWORD, throttle=unlimited) is not None


def test_end_sessions_gives_a_new_token(session):
    admin = session.scalar(select(User).where(User.username == "admin"))
    before = admin.get_id()
    users.end_sessions(admin)
    assert admin.get_id() != before
    assert admin.get_id().startswith(f"{admin.id}:")


def test_change_password(session):
    admin = session.scalar(select(User).where(User.username == "admin"))
    token = admin.session_token
    users.change_password(
        session, admin, DEMO_PASSWORD, "a-new-password-2031", "10.0.0.1", THROTTLE
    )
    assert check_password_hash(admin.password_hash, "a-new-password-2031")
    assert admin.session_token != token


@pytest.mark.parametrize(
    ("current", "new", "message"),
    [
        ("wrong-password", "a-new-password-2031", "the current password is not correct"),
        (DEMO_PASSWORD, "short", "the password must have at least %(count)s characters"),
    ],
)
def test_change_password_refuses(session, current, new, message):
    admin = session.scalar(select(User).where(User.username == "admin"))
    with pytest.raises(users.UserError) as error:
        users.change_password(session, admin, current, new, "10.0.0.1", THROTTLE)
    assert error.value.message == message
    assert check_password_hash(admin.password_hash, DEMO_PASSWORD)


def test_wrong_current_passwords_count_as_failed_log_ins(session, log_in):
    admin = session.scalar(select(User).where(User.username == "admin"))
    for minutes in range(THROTTLE.per_account):
        with pytest.raises(users.UserError):
            users.change_password(
                session,
                admin,
                "wrong-password",
                "a-new-password-2031",
                "10.0.0.9",
                THROTTLE,
                now=T0 + timedelta(minutes=minutes),
            )
        session.commit()

    # Now even the right password is refused before it is checked, here and at the log-in.
    with pytest.raises(users.LoginThrottled):
        users.change_password(
            session,
            admin,
            DEMO_PASSWORD,
            "a-new-password-2031",
            "10.0.0.9",
            THROTTLE,
            now=T0 + timedelta(minutes=5),
        )
    with pytest.raises(users.LoginThrottled):
        log_in("admin", DEMO_PASSWORD, minutes=5)
    assert check_password_hash(admin.password_hash, DEMO_PASSWORD)
