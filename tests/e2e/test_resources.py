"""No outside resources, and everything works under the app's Content-Security-Policy.

Every browser context the tests open already fails on a request to another origin, a console
error or a CSP violation (conftest.Watch); this test walks the pages with scripts on purpose.
"""

import pytest

from .conftest import Browsing

#: (who, page, charts drawn by static/js/charts.js)
SCRIPTED_PAGES = [
    ("head", "/review/", 1),
    ("head", "/review/offices/kawasaki", 1),
    ("head", "/review/standards/C03", 1),
    ("kawasaki", "/", 0),
    ("kawasaki", "/surveys/", 0),
    ("kawasaki", "/indicators/", 0),
]


@pytest.mark.parametrize(("user", "path", "charts"), SCRIPTED_PAGES)
def test_pages_load_only_from_the_app_and_run_under_its_policy(
    looking: Browsing, user: str, path: str, charts: int
) -> None:
    page = looking.page(user)
    response = page.goto(path)
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    drawn = page.evaluate(
        "[...document.querySelectorAll('canvas[data-chart]')]"
        ".filter(c => window.Chart && window.Chart.getChart(c)).length"
    )
    assert drawn == charts
    watch = looking.watches[-1]
    assert any(url.endswith(".css") for url in watch.requests)
    assert watch.foreign_requests() == []
    assert watch.problems == []


def test_the_watch_sees_an_inline_script_refused(looking: Browsing) -> None:
    """The net the other tests rely on holds: an inline script is blocked and reported."""
    page = looking.page("kawasaki")
    page.goto("/")
    page.evaluate(
        "document.body.append(Object.assign(document.createElement('script'),"
        " {textContent: 'window.ran = true'}))"
    )
    watch = looking.watches[-1]
    for _ in range(50):  # the report comes back from the browser a moment later
        if any("CSP violation: script-src" in problem for problem in watch.problems):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.ran") is None
    assert any("CSP violation: script-src" in problem for problem in watch.problems)
    watch.problems.clear()
