"""Access rules: every route has one, and each role gets what it should."""

import pytest

from audit.access import public
from audit.services.demo import DEMO_USERS

# Endpoints with no rule of ours: Flask's static files.
FRAMEWORK_ENDPOINTS = {"static"}


def test_every_route_has_an_access_rule(app):
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in FRAMEWORK_ENDPOINTS
        and not hasattr(app.view_functions[rule.endpoint], "access_rule")
    ]
    assert missing == []


def test_a_new_route_without_a_rule_is_caught(app_factory):
    app = app_factory()
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    app.add_url_rule("/open", "open", public(lambda: "hello"))
    missing = [
        r.endpoint
        for r in app.url_map.iter_rules()
        if r.endpoint not in FRAMEWORK_ENDPOINTS
        and not hasattr(app.view_functions[r.endpoint], "access_rule")
    ]
    assert missing == ["forgotten"]


ROLES = {username: person.role for username, person in DEMO_USERS}
READ_PAGES = [
    "/",
    "/catalog/",
    "/catalog/standards/C01",
    "/catalog/offices",
    "/catalog/offices/kawasaki",
]
ADMIN_PAGES = ["/catalog/upload", "/users/"]


@pytest.mark.parametrize("username", sorted(ROLES))
@pytest.mark.parametrize("path", READ_PAGES + ADMIN_PAGES)
def test_role_matrix(client, auth, username, path):
    auth.login(username)
    expected = 200 if path in READ_PAGES or ROLES[username] == "admin" else 403
    assert client.get(path).status_code == expected


@pytest.mark.parametrize("path", READ_PAGES + ADMIN_PAGES)
def test_anonymous_is_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/catalog/standards/NOPE", "/catalog/offices/nowhere"])
def test_unknown_objects_are_404(client, auth, path):
    auth.login("head")
    assert client.get(path).status_code == 404
