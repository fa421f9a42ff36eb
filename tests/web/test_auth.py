"""Logging in and out, throttling, sessions, the account page, CSRF, the cookie, the language."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from audit import create_app
from audit.db import db
from audit.models import User
from audit.services.demo import DEMO_PASSWORD


def test_login_page_is_japanese(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="ja">' in page
    assert "ログイン" in page


@pytest.mark.parametrize("username", ["admin", "kawasaki", "head", "auditor", "nakahara"])
def test_demo_users_can_log_in(client, auth, username):
    response = auth.login(username)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("username", "password"), [("admin", "wrong-password"), ("nobody", "wrong-password")]
)
def test_failed_login_does_not_say_which_part_was_wrong(client, auth, username, password):
    page = auth.login(username, password).get_data(as_text=True)
    assert "ユーザー名またはパスワードが正しくありません" in page
    assert client.get("/").status_code == 302  # still logged out


def test_logout_ends_the_session(client, auth):
    auth.login()
    assert auth.logout().status_code == 302
    assert client.get("/catalog/").headers["Location"].startswith("/login")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_login_never_redirects_off_site(client, target):
    response = client.post(
        "/login", data={"username": "admin", "password": DEMO_PASSWORD, "next": target}
    )
    assert response.headers["Location"] == "/"


def test_login_returns_to_the_page_asked_for(client):
    response = client.post(
        "/login", data={"username": "admin", "password": DEMO_PASSWORD, "next": "/catalog/offices"}
    )
    assert response.headers["Location"] == "/catalog/offices"


def test_post_without_csrf_token_is_refused(app_factory):
    client = app_factory(WTF_CSRF_ENABLED=True).test_client()
    assert (
        client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD}).status_code
        == 400
    )
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    response = client.post(
        "/login", data={"username": "admin", "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_session_cookie_flags(client, auth):
    cookie = auth.login().headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_language_choice_is_remembered_per_user(app, client, auth):
    auth.login("kawasaki")
    client.post("/language", data={"locale": "en", "next": "/catalog/"})
    assert "Principles and standards" in client.get("/catalog/").get_data(as_text=True)
    auth.logout()
    client.post("/language", data={"locale": "ja", "next": "/"})  # this browser: Japanese
    other = app.test_client()
    other.post("/login", data={"username": "kawasaki", "password": DEMO_PASSWORD})
    page = other.get("/catalog/").get_data(as_text=True)
    assert '<html lang="en">' in page


def test_language_chosen_before_login_carries_over(client):
    client.post("/language", data={"locale": "en", "next": "/login"})
    assert "Log in" in client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "head", "password": DEMO_PASSWORD})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


# --- Throttling: repeated failures, per user name and per address, kept in the database ---

LOCKED_OUT = "ログインの失敗が多すぎます"


def notices(response):
    """The flashed messages of a page, in order."""
    return re.findall(
        r'<div class="notice[^"]*"[^>]*>([^<]*)</div>', response.get_data(as_text=True)
    )


def post_login(client, username, password="wrong-password", address="10.0.0.1"):
    return client.post(
        "/login",
        data={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.mark.parametrize("username", ["admin", "nobody"])
def test_an_account_is_throttled_after_repeated_failures(app_factory, username):
    client = app_factory(LOGIN_MAX_FAILURES_PER_ACCOUNT=3).test_client()
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert post_login(client, username, address=address).status_code == 200
    response = post_login(client, username, DEMO_PASSWORD, address="10.0.0.4")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "900"
    assert LOCKED_OUT in notices(response)[0]
    assert client.get("/").status_code == 302  # the right password did not log in


def test_an_address_is_throttled_across_user_names(app_factory):
    client = app_factory(LOGIN_MAX_FAILURES_PER_ADDRESS=3).test_client()
    for username in ("admin", "head", "nobody"):
        post_login(client, username, address="10.0.0.7")
    assert post_login(client, "auditor", DEMO_PASSWORD, address="10.0.0.7").status_code == 429
    assert post_login(client, "auditor", DEMO_PASSWORD, address="10.0.0.8").status_code == 302


def test_the_throttle_holds_across_workers(app_factory):
    """Two apps on one database, like two gunicorn workers: failures on one count on the other."""
    first = app_factory(LOGIN_MAX_FAILURES_PER_ACCOUNT=2)
    second = create_app(dict(first.config))
    try:
        post_login(first.test_client(), "admin")
        post_login(second.test_client(), "admin")
        assert post_login(first.test_client(), "admin", DEMO_PASSWORD).status_code == 429
        assert post_login(second.test_client(), "admin", DEMO_PASSWORD).status_code == 429
    finally:
        with second.app_context():
            db.engine.dispose()


def test_a_success_clears_the_accounts_failures(app_factory):
    app = app_factory(LOGIN_MAX_FAILURES_PER_ACCOUNT=2)
    post_login(app.test_client(), "admin")
    assert post_login(app.test_client(), "admin", DEMO_PASSWORD).status_code == 302
    post_login(app.test_client(), "admin")
    assert post_login(app.test_client(), "admin", DEMO_PASSWORD).status_code == 302


def test_behind_a_proxy_the_forwarded_address_is_counted(app_factory):
    client = app_factory(LOGIN_MAX_FAILURES_PER_ADDRESS=2, TRUSTED_PROXIES=1).test_client()

    def attempt(username, forwarded, password="wrong-password"):
        return client.post(
            "/login",
            data={"username": username, "password": password},
            headers={"X-Forwarded-For": forwarded},
        )

    attempt("admin", "192.0.2.1")
    attempt("head", "192.0.2.1")
    assert attempt("auditor", "192.0.2.1", DEMO_PASSWORD).status_code == 429
    assert attempt("auditor", "192.0.2.2", DEMO_PASSWORD).status_code == 302


# --- Not telling whether a user exists ---


@pytest.mark.parametrize("limit", [None, 1])
def test_unknown_user_and_wrong_password_get_the_same_answer(app_factory, limit):
    """The same status and words, before and after the throttle locks (timing: see the service)."""
    answers = []
    for username in ("admin", "nobody"):
        client = app_factory(LOGIN_MAX_FAILURES_PER_ACCOUNT=limit).test_client()
        post_login(client, username)
        response = post_login(client, username)
        answers.append((response.status_code, notices(response)))
    assert answers[0] == answers[1]
    assert answers[0][0] == (200 if limit is None else 429)


# --- Sessions: logging out and changing the password end the user's other sessions ---


def log_in_client(app, username="kawasaki", password=DEMO_PASSWORD):
    client = app.test_client()
    assert post_login(client, username, password).status_code == 302
    return client


def test_logging_out_ends_the_users_other_sessions(app):
    here, elsewhere, other_user = log_in_client(app), log_in_client(app), log_in_client(app, "head")
    here.post("/logout")
    assert elsewhere.get("/").status_code == 302
    assert other_user.get("/").status_code == 200


def test_a_session_with_an_old_or_forged_id_is_not_logged_in(app, client):
    for session_id in ("1", "1:", "1:not-the-token", "x:y"):
        with client.session_transaction() as session:
            session["_user_id"] = session_id
        assert client.get("/").status_code == 302


@pytest.mark.parametrize("username", ["admin", "head", "auditor", "kawasaki"])
def test_every_role_has_an_account_page(app, username):
    page = log_in_client(app, username).get("/account").get_data(as_text=True)
    assert "パスワードの変更" in page
    assert username in page


def change_password(client, current=DEMO_PASSWORD, new="a-new-password-2031", again=None):
    return client.post(
        "/account",
        data={
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


def test_changing_the_password_keeps_this_session_and_ends_the_others(app):
    here, elsewhere = log_in_client(app), log_in_client(app)
    response = change_password(here)
    assert response.headers["Location"] == "/account"
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert post_login(app.test_client(), "kawasaki", DEMO_PASSWORD).status_code == 200
    log_in_client(app, "kawasaki", "a-new-password-2031")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"current": "wrong-password"}, "現在のパスワードが正しくありません"),
        ({"new": "too-short"}, "12"),
        ({"again": "something-else-2031"}, "新しいパスワードが一致しません"),
    ],
)
def test_a_refused_password_change_changes_nothing(app, fields, error):
    here, elsewhere = log_in_client(app), log_in_client(app)
    response = change_password(here, **fields)
    assert response.status_code == 200
    assert error in response.get_data(as_text=True)
    assert elsewhere.get("/").status_code == 200
    log_in_client(app, "kawasaki", DEMO_PASSWORD)


def test_guessing_the_current_password_is_throttled_like_a_log_in(app_factory):
    app = app_factory(LOGIN_MAX_FAILURES_PER_ACCOUNT=3)
    here = log_in_client(app)
    for _attempt in range(3):
        assert change_password(here, current="wrong-password").status_code == 200

    refused = change_password(here)  # the right password, too late

    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert "ログインの失敗が多すぎます" in refused.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "kawasaki"))
        assert check_password_hash(user.password_hash, DEMO_PASSWORD)
    assert post_login(app.test_client(), "kawasaki", DEMO_PASSWORD).status_code == 429


def test_password_change_needs_a_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    client.post(
        "/login", data={"username": "kawasaki", "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert change_password(client).status_code == 400
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "kawasaki"))
        assert check_password_hash(user.password_hash, DEMO_PASSWORD)


# --- Idle timeout ---


def test_an_idle_session_is_logged_out_with_a_message(app_factory):
    client = app_factory(IDLE_TIMEOUT=timedelta(minutes=5)).test_client()
    post_login(client, "head", DEMO_PASSWORD)
    assert client.get("/catalog/").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] -= 4 * 60  # four minutes ago: still logged in
    assert client.get("/catalog/").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] -= 5 * 60 + 1
    response = client.get("/catalog/?x=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/catalog/?x%3D1"
    page = client.get(response.headers["Location"])
    assert "一定時間操作がなかったため" in notices(page)[0]
    assert client.get("/").status_code == 302


def test_no_idle_timeout_when_it_is_none(app_factory):
    client = app_factory(IDLE_TIMEOUT=None).test_client()
    post_login(client, "head", DEMO_PASSWORD)
    client.get("/")
    with client.session_transaction() as session:
        session["seen_at"] -= 24 * 60 * 60
    assert client.get("/").status_code == 200
