"""Bad input at the edge of the app: oversized requests and addresses no one could type."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/catalog/standards/C01%00",
        "/catalog/offices/%E2%80%8Ekawasaki%1B",
        "/review/?office=kawasaki%00",
        "/api/v1/audits?office=%00",
        "/api/v1/standards?year=2025%07",
    ],
)
def test_an_address_with_control_characters_is_404_not_a_crash(client, auth, path):
    auth.login("head")
    assert client.get(path).status_code == 404


def test_an_oversized_form_is_413_with_a_page_that_says_so(app, client, auth):
    auth.login("kawasaki")
    limit = app.config["MAX_CONTENT_LENGTH"]

    response = client.post("/practices/", data={"what": "あ" * limit})

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "送信された内容が大きすぎます" in page
    assert f"{limit // 2**20} MB" in page


def test_an_oversized_api_body_is_413_in_json(app, client, runner):
    token = runner.invoke(args=["users", "token", "kawasaki"]).output.strip()
    body = '{"evidence": "' + "x" * app.config["MAX_CONTENT_LENGTH"] + '"}'

    response = client.put(
        "/api/v1/audits/1/responses/C01",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}", "If-Match": '"1"'},
    )

    assert response.status_code == 413
    assert response.get_json()["error"] == "Request Entity Too Large"


def test_a_long_text_under_the_request_limit_reaches_the_form(app, client, auth):
    # Werkzeug's own limit for form text (500 kB) is less than a section of the scoring form
    # may carry; the app's limit applies instead, and the form says what is too long.
    auth.login("kawasaki")

    response = client.post("/practices/", data={"what": "あ" * 200_000})

    assert response.status_code == 200
    assert "4000" in response.get_data(as_text=True)
