"""A survey against its target: the plain comparison leads, the interval's verdict and a
small-sample caveat beside it, and every percentage with as many places as the target."""

import re
from decimal import Decimal

import pytest

from ..conftest import AuthActions
from .test_surveys import text

#: a fiscal year of the survey's history without a recorded result (平成24年度)
YEAR = 2012


def enter(client, office: str, yes: int, no: int) -> None:
    response = client.post(
        "/surveys/entry",
        data={"office": office, "fiscal_year": str(YEAR), "yes": yes, "neutral": 0, "no": no},
    )
    assert response.status_code == 302


def office_row(page: str, code: str) -> str:
    begin = page.index(f'href="/surveys/offices/{code}"')
    return page[begin : page.index("</tr>", begin)]


def test_49_of_49_is_not_shown_below_99_percent(client, auth):
    auth.login("auditor")
    enter(client, "daishi", 49, 0)
    enter(client, "kawasaki", 297, 3)
    page = client.get(f"/surveys/?year={YEAR}").get_data(as_text=True)
    few, many = office_row(page, "daishi"), office_row(page, "kawasaki")
    for row in (few, many):
        headline = re.search(r'class="target-comparison target-comparison--(\w+)"', row)[1]
        assert headline == "at_or_above"
        assert "目標以上" in text(row)
    assert "信頼区間：目標を含む" in text(few)  # the interval of 49 answers is wide
    assert "件数が少ないため参考値" in text(few)
    assert "信頼区間：達成" in text(many)
    assert "件数が少ないため参考値" not in text(many)


@pytest.fixture
def strict(app_factory):
    """The app with a target of 99.99% (and a tolerance of 0.05 points)."""
    return app_factory(SURVEY_TARGET=Decimal("0.9999"), SURVEY_TOLERANCE=Decimal("0.0005"))


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja", ["目標：満足度 99.99%", "99.98% (9998 / 10000)", "95%信頼区間 99.93%–99.99%"]),
        ("en", ["Target: satisfaction of 99.99%", "99.98% (9998 / 10000)", "95% CI 99.93%–99.99%"]),
    ],
)
def test_a_99_99_percent_target_keeps_its_places(strict, locale, words):
    client = strict.test_client()
    AuthActions(client).login("auditor")
    client.post("/language", data={"locale": locale})
    enter(client, "kawasaki", 9998, 2)
    page = client.get(f"/surveys/?year={YEAR}").get_data(as_text=True)
    row = text(office_row(page, "kawasaki"))
    for word in words[1:]:
        assert word in row, word
    assert "100.0%" not in row
    assert words[0] in text(page)
