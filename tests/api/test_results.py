"""`GET /api/v1/results`: the matrix as JSON, the same numbers as the page."""

import pytest

from ..conftest import LAST_YEAR, THIS_YEAR


@pytest.fixture
def get(client, runner):
    token = runner.invoke(args=["users", "token", "head"]).output.strip()

    def get(path):
        return client.get(path, headers={"Authorization": f"Bearer {token}"})

    return get


def test_results_match_the_matrix(app, get):
    from audit.db import db
    from audit.services import review

    body = get(f"/api/v1/results?year={LAST_YEAR}").get_json()
    with app.app_context():
        matrix = review.build_matrix(db.session, LAST_YEAR)
        expected = {(o, s): r.rating.value for (o, s), r in matrix.cells.items()}
    got = {(c["office"], c["standard"]): c["rating"] for c in body["results"] if not c["missing"]}
    assert got == expected
    assert len(body["offices"]) == 13


@pytest.mark.parametrize("source", ["self", "external", "best"])
def test_sources(get, source):
    body = get(f"/api/v1/results?year={LAST_YEAR}&source={source}").get_json()
    sources = {c["source"] for c in body["results"] if not c["missing"]}
    assert sources == ({"external"} if source in ("external", "best") else {"self"})


def test_missing_cells_are_marked(get):
    body = get(f"/api/v1/results?year={THIS_YEAR}").get_json()  # only a draft this year
    assert body["results"]
    assert all(c["missing"] and c["rating"] is None for c in body["results"])


@pytest.mark.parametrize("query", ["", "?year=1900", "?year=2025&source=worst"])
def test_bad_queries_are_422(get, query):
    assert get(f"/api/v1/results{query}").status_code == 422
