"""Security headers: a Content-Security-Policy without inline scripts, no framing, no sniffing."""

import pytest

from ..conftest import LAST_YEAR


@pytest.mark.parametrize("path", ["/login", "/api/v1/openapi.json", "/static/css/app.css"])
def test_security_headers_on_every_answer(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers  # only under HTTPS
    response.close()


def test_hsts_under_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/audits/",
        f"/review/?year={LAST_YEAR}",
        f"/ratchet/?year={LAST_YEAR}",
        "/surveys/",
        "/catalog/",
    ],
)
def test_no_page_has_an_inline_script(client, auth, path):
    auth.login("head")
    page = client.get(path).get_data(as_text=True)
    assert "<script>" not in page
    assert " onclick=" not in page
    assert "javascript:" not in page
