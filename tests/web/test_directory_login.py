"""Signing in with the city's directory (a real OpenLDAP server) next to the local users."""

import pytest
from sqlalchemy import func, select

from audit.db import db
from audit.models import LoginFailure, Role, User
from audit.services import users
from audit.services.demo import DEMO_PASSWORD

from ..ldap_server import (
    ACCOUNTS,
    GROUP_ROLES,
    SETUPS,
    free_port,
    slapd_fixture,  # noqa: F401 - the fixture ``slapd``, used by name
)

HANAKO = ACCOUNTS["hanako"]
WRONG = "ユーザー名またはパスワードが正しくありません"


def ldap_config(uri, setup="active-directory"):
    """The app's LDAP settings for one of the directory's setups."""
    return {
        "LDAP_URI": uri,
        "LDAP_GROUP_ROLES": GROUP_ROLES,
        "LDAP_TIMEOUT": 2,
        **{f"LDAP_{key.upper()}": value for key, value in SETUPS[setup].items()},
    }


@pytest.fixture
def app(app_factory, slapd):
    """The demo app signing in with the directory as Active Directory is read."""
    return app_factory(**ldap_config(slapd.uri))


def find_user(app, username):
    with app.app_context():
        return db.session.scalar(select(User).where(User.username == username))


@pytest.mark.parametrize("setup", SETUPS)
def test_a_first_sign_in_creates_the_user_the_directory_describes(app_factory, slapd, setup):
    app = app_factory(**ldap_config(slapd.uri, setup))
    client = app.test_client()
    response = client.post("/login", data={"username": "hanako", "password": HANAKO.password})
    assert response.headers["Location"] == "/"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "hanako"))
        assert (user.auth_source, user.password_hash) == ("directory", "")
        assert (user.name, user.title, user.section, user.email) == (
            "川崎 花子",
            "企画係長",
            "川崎区役所 まちづくり推進部",
            "kawasaki-h@city.example.jp",
        )
        assert (user.role, user.office.code) == (Role.COMMITTEE, "kawasaki")
    page = client.get("/audits/").get_data(as_text=True)
    assert "川崎区役所" in page
    assert "中原区役所" not in page  # a committee sees its own ward's audits only


def test_a_second_sign_in_is_the_same_user(app, client, auth):
    for _ in range(2):
        assert auth.login("hanako", HANAKO.password).status_code == 302
        auth.logout()
    with app.app_context():
        count = select(func.count()).select_from(User).where(User.username == "hanako")
        assert db.session.scalar(count) == 1


def test_a_wrong_directory_password_is_a_failed_log_in(app, auth):
    for _ in range(5):
        assert WRONG in auth.login("hanako", "wrong-password").get_data(as_text=True)
    assert auth.login("hanako", HANAKO.password).status_code == 429
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 5
    assert find_user(app, "hanako") is None


def test_someone_in_no_mapped_group_is_refused(app, auth):
    account = ACCOUNTS["jiro"]
    assert WRONG in auth.login(account.username, account.password).get_data(as_text=True)
    assert find_user(app, account.username) is None


def test_a_disabled_directory_user_is_refused_with_the_right_password(app, client, auth):
    auth.login("hanako", HANAKO.password)
    auth.logout()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "hanako"))
        users.set_active(db.session, user, False, actor=None)
        db.session.commit()
    assert WRONG in auth.login("hanako", HANAKO.password).get_data(as_text=True)
    assert client.get("/").status_code == 302  # still logged out


def test_the_local_admin_still_logs_in(client, auth):
    assert auth.login("admin").status_code == 302
    assert client.get("/").status_code == 200


def test_a_directory_that_is_down_refuses_only_its_users(app_factory):
    client = app_factory(**ldap_config(f"ldap://127.0.0.1:{free_port()}")).test_client()
    response = client.post("/login", data={"username": "hanako", "password": HANAKO.password})
    assert WRONG in response.get_data(as_text=True)
    response = client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_a_directory_user_may_type_their_name_in_capitals(app, auth):
    auth.login("hanako", HANAKO.password)
    auth.logout()
    assert auth.login("HANAKO", HANAKO.password).status_code == 302
