"""Indicator pages: the source document's two indicators with their targets; admin forms."""

import re

import pytest
from sqlalchemy import select

from audit.db import db
from audit.models import Indicator, IndicatorYear
from audit.services.demo import DEMO_USERS

ROLES = {username: person.role for username, person in DEMO_USERS}


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("username", sorted(ROLES))
@pytest.mark.parametrize(
    ("path", "admin_only"),
    [("/indicators/", False), ("/indicators/new", True), ("/indicators/mynumber/edit", True)],
)
def test_who_may_see_what(client, auth, username, path, admin_only):
    auth.login(username)
    allowed = not admin_only or ROLES[username] == "admin"
    assert client.get(path).status_code == (200 if allowed else 403)


def test_the_indicators_page_shows_both_indicators_with_their_targets(client, auth):
    auth.login("kawasaki")
    page = text(client.get("/indicators/").get_data(as_text=True))
    assert "区役所利用者のサービス満足度" in page
    assert "マイナンバーカード(個人番号カード)交付率" in page
    # phase targets: 第1期 FY2017, 第2期 FY2021, 第3期 FY2025
    assert "第1期（平成29年度 (FY2017) まで） 7.0%" in page
    assert "第2期（令和3年度 (FY2021) まで） 20.0% 48.0% ✓ 達成" in page
    assert "第3期（令和7年度 (FY2025) まで） 85.0%" in page
    # yearly targets and actuals
    for target, actual in (("14.0", "16.5"), ("16.0", "19.7"), ("18.0", "30.9"), ("20.0", "48.0")):
        assert f"{target}% {actual}% ✓ 達成" in page
    for year, actual in (
        ("平成30年度 (FY2018)", "98.2"),
        ("令和元年度 (FY2019)", "99.0"),
        ("令和3年度 (FY2021)", "99.4"),
    ):
        assert f"{year} 98.0% {actual}% ✓ 達成" in page
    assert "令和2年度 (FY2020) 98.0% — 未実施 新型コロナウイルス" in page
    assert "平成27年度 (FY2015) — 97.1% 当該年度の目標なし 第1期策定時" in page


def test_the_chart_shows_not_measured_as_a_gap(client, auth):
    auth.login("head")
    html = client.get("/indicators/").get_data(as_text=True)
    first = html[html.index('<svg class="chart chart--indicator"') :]
    chart = first[: first.index("</svg>")]
    assert "未実施" in chart
    assert ">0.0<" not in chart
    # one dot per year with an actual: 97.1, 96.9, 98.2, 99.0, 99.4 and the demo years
    assert chart.count("<circle") >= 5


def test_an_admin_enters_a_year(app, client, auth):
    auth.login("admin")
    response = client.post(
        "/indicators/mynumber/years",
        data={"fiscal_year": "R4", "target": "22", "actual": "55.1", "note": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(
            select(IndicatorYear)
            .join(Indicator)
            .where(Indicator.code == "mynumber", IndicatorYear.fiscal_year == 2022)
        )
        assert (row.target_milli, row.actual_milli) == (22000, 55100)
    page = text(client.get("/indicators/").get_data(as_text=True))
    assert "令和4年度 (FY2022) 22.0% 55.1% ✓ 達成" in page


def test_a_wrong_year_is_shown_with_its_errors(client, auth):
    auth.login("admin")
    response = client.post(
        "/indicators/mynumber/years",
        data={"fiscal_year": "someday", "target": "x", "actual": "1", "note": ""},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "年度として読めません: someday" in page
    assert "数値で入力してください（x は不可）" in page


def test_an_admin_defines_an_indicator(app, client, auth):
    auth.login("admin")
    response = client.post(
        "/indicators/new",
        data={
            "code": "waiting",
            "name_ja": "繁忙期の平均待ち時間",
            "unit": "分",
            "direction": "lower",
            "places": "0",
            "phase_3": "30",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/indicators/waiting/edit")
    page = text(client.get("/indicators/").get_data(as_text=True))
    assert "繁忙期の平均待ち時間" in page
    assert "低いほど良い" in page
    assert "第3期（令和7年度 (FY2025) まで） 30分" in page
    again = client.post(
        "/indicators/new", data={"code": "waiting", "name_ja": "x", "direction": "higher"}
    )
    assert "このコードの成果指標は既にあります。" in again.get_data(as_text=True)


def test_the_code_of_an_indicator_does_not_change(app, client, auth):
    auth.login("admin")
    response = client.post(
        "/indicators/mynumber/edit",
        data={"code": "other", "name_ja": "交付率", "direction": "higher", "places": "1"},
    )
    assert response.status_code == 302
    with app.app_context():
        codes = set(db.session.scalars(select(Indicator.code)))
    assert codes == {"satisfaction", "mynumber"}
