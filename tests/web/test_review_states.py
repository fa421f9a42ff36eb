"""The review says the state of an office's audit where it has no results, and its
calibration table follows the matrix's filters."""

import re

import pytest
from sqlalchemy import func, select

from audit.db import db
from audit.models import Audit, AuditStatus
from audit.services.demo import DEMO_YEARS
from audit.views.review import TREND_YEARS

from .test_surveys import text


@pytest.fixture
def reviewed(app) -> int:
    """The demo's last year of accepted audits (the year after has Kawasaki's draft)."""
    with app.app_context():
        return db.session.scalar(
            select(func.max(Audit.fiscal_year)).where(Audit.status == AuditStatus.ACCEPTED)
        )


@pytest.fixture
def submitted(app, reviewed) -> int:
    """Kawasaki's draft of the year after the reviewed one, submitted; its fiscal year."""
    with app.app_context():
        draft = db.session.scalar(select(Audit).where(Audit.fiscal_year == reviewed + 1))
        draft.status = AuditStatus.SUBMITTED
        db.session.commit()
    return reviewed + 1


def part(page: str, start: str, end: str = "</table>") -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def row(table: str, name: str) -> str:
    """One office's row of a table, as words."""
    begin = table.index(name)
    return text(table[begin : table.index("</tr>", begin)])


@pytest.mark.parametrize(
    ("locale", "submitted_word", "not_started_word"),
    [("ja", "提出済み（未承認）", "未作成"), ("en", "Submitted, not yet accepted", "Not started")],
)
def test_a_submitted_audit_is_not_called_missing(
    client, auth, submitted, locale, submitted_word, not_started_word
):
    auth.login("head")
    client.post("/language", data={"locale": locale})
    page = client.get(f"/review/?year={submitted}").get_data(as_text=True)
    matrix = part(page, 'class="matrix"')
    assert submitted_word in row(matrix, "/review/offices/kawasaki")
    assert not_started_word not in row(matrix, "/review/offices/kawasaki")
    assert 'class="cell cell--missing cell--submitted"' in matrix
    assert not_started_word in row(matrix, "/review/offices/saiwai")
    assert "未提出" not in page
    principles = part(page, 'class="principle-table"')
    assert submitted_word in row(principles, "川崎区役所" if locale == "ja" else "Kawasaki")


def test_principles_hidden_by_the_filter_say_so(client, auth, reviewed):
    auth.login("head")
    page = client.get(f"/review/?year={reviewed}&principle=P2").get_data(as_text=True)
    kawasaki = row(part(page, 'class="principle-table"'), "川崎区役所")
    assert kawasaki.count("表示対象外") == 7  # every principle but P2
    assert "未提出" not in page


def test_a_trend_tells_no_record_from_an_audit_being_prepared(client, auth, reviewed):
    auth.login("head")
    page = text(client.get(f"/review/offices/kawasaki?year={reviewed + 1}").get_data(as_text=True))
    first = reviewed + 2 - TREND_YEARS  # the first year the trend shows
    assert first < reviewed + 1 - DEMO_YEARS  # before the demo's first audits
    assert f"(FY{first}) 記録なし" in page
    assert f"(FY{reviewed + 1}) 作成中" in page
    assert "未提出" not in page


def test_the_trend_legend_names_the_office_not_its_code(client, auth, reviewed):
    auth.login("head")
    page = client.get(f"/review/offices/kawasaki?year={reviewed}").get_data(as_text=True)
    chart = part(page, "data-chart=", "</canvas>")
    assert '"label": "\\u5ddd\\u5d0e\\u533a\\u5f79\\u6240"' in chart  # 川崎区役所
    assert '"label": "kawasaki"' not in chart


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("kind=branch", ["大師支所", "田島支所"], ["川崎区役所", "日吉出張所"]),
        ("kind=sub", ["日吉出張所", "生田出張所"], ["川崎区役所", "大師支所"]),
    ],
)
def test_the_calibration_table_follows_the_kind_of_office(
    client, auth, reviewed, query, shown, hidden
):
    auth.login("head")
    page = client.get(f"/review/?year={reviewed}&{query}").get_data(as_text=True)
    calibration = text(part(page, 'class="calibration"'))
    assert all(name in calibration for name in shown)
    assert not any(name in calibration for name in hidden)


def test_the_calibration_table_follows_the_principle(client, auth, reviewed):
    auth.login("head")
    every = client.get(f"/review/?year={reviewed}").get_data(as_text=True)
    one = client.get(f"/review/?year={reviewed}&principle=P2").get_data(as_text=True)
    pairs = [
        int(re.search(r"\d+ / (\d+) \(", row(part(page, 'class="calibration"'), "川崎区役所"))[1])
        for page in (every, one)
    ]
    p2 = part(one, 'class="matrix"').count('<a class="code" href="/review/standards/')
    assert 0 < pairs[1] <= p2 < pairs[0]  # Kawasaki's pairs: of P2's standards only
