"""Logging in and out, CSRF, the session cookie and the language."""

import re

import pytest

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
