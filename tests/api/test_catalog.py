"""The catalog through the API: bearer tokens only."""

import re

import pytest


@pytest.fixture
def token(runner):
    return runner.invoke(args=["users", "token", "kawasaki"]).output.strip()


def get(client, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(path, headers=headers)


def test_offices(client, token):
    response = get(client, "/api/v1/offices", token)
    assert response.status_code == 200
    offices = {o["code"]: o for o in response.get_json()}
    assert len(offices) == 13
    assert offices["daishi"] == {
        "code": "daishi",
        "kind": "branch",
        "parent": "kawasaki",
        "name": {"ja": "大師支所", "en": "Daishi Branch Office"},
    }


def test_standards_for_an_office_with_the_level_in_force(client, token):
    response = get(client, "/api/v1/standards?year=2022&office=kawasaki", token)
    assert response.status_code == 200
    standards = {s["code"]: s for s in response.get_json()}
    assert "KAW-01" in standards
    assert "SAI-01" not in standards
    assert standards["C01"]["level"] == 1
    assert [lv["level"] for lv in standards["C01"]["levels"]] == [1, 2, 3]


def test_standards_not_yet_in_force_are_left_out(client, token):
    codes = {s["code"] for s in get(client, "/api/v1/standards?year=2018", token).get_json()}
    assert "C01" in codes
    assert "C06" not in codes  # in force from FY2021


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/standards?office=nowhere", 404),
        ("/api/v1/standards?year=1900", 422),
    ],
)
def test_bad_queries(client, token, path, status):
    response = get(client, path, token)
    assert response.status_code == status
    assert response.get_json()["error"]


@pytest.mark.parametrize("token_value", [None, "not-a-token"])
def test_without_a_valid_token_401(client, token_value):
    response = get(client, "/api/v1/offices", token_value)
    assert response.status_code == 401
    assert response.is_json


def test_a_session_cookie_does_not_open_the_api(client, auth):
    auth.login("admin")
    assert client.get("/api/v1/offices").status_code == 401


def test_openapi_describes_every_api_route_and_method(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1")), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert routes == documented
