"""Survey pages: every office against the target, an office's trend, import and entry."""

import io
import re

import pytest
from sqlalchemy import func, select

from audit.db import db
from audit.models import AuditLogEntry, SurveyResult
from audit.services.demo import DEMO_USERS

HEADER = "office,fiscal_year,yes,neutral,no,note\n"
ROLES = {username: person.role for username, person in DEMO_USERS}


def state(app):
    with app.app_context():
        rows = db.session.execute(
            select(SurveyResult.fiscal_year, SurveyResult.yes, SurveyResult.note).order_by(
                SurveyResult.id
            )
        ).all()
        log = db.session.scalar(select(func.count()).select_from(AuditLogEntry))
        return [tuple(r) for r in rows], log


def text(html: str) -> str:
    """The page's words, without tags, as a person reads them."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("username", sorted(ROLES))
@pytest.mark.parametrize(
    ("path", "editors_only"),
    [
        ("/surveys/", False),
        ("/surveys/?year=R3", False),
        ("/surveys/offices/kawasaki", False),
        ("/surveys/import", True),
        ("/surveys/entry", True),
    ],
)
def test_who_may_see_what(client, auth, username, path, editors_only):
    auth.login(username)
    allowed = not editors_only or ROLES[username] in ("admin", "auditor")
    expected = 200 if allowed else 403
    if path.startswith("/surveys/offices/") and username == "nakahara":
        expected = 404  # another office's page is simply not there
    assert client.get(path).status_code == expected


@pytest.mark.parametrize("path", ["/surveys/", "/surveys/import", "/surveys/entry"])
def test_anonymous_is_sent_to_log_in(client, path):
    assert client.get(path).headers["Location"].startswith("/login?next=")


def test_a_year_shows_every_office_against_the_target_with_its_interval(client, auth):
    auth.login("head")
    page = text(client.get("/surveys/?year=2021").get_data(as_text=True))
    assert "目標：満足度 98.0% · 許容幅：2.5 ポイント" in page
    assert "95%信頼区間の下限が 95.5%（目標－許容幅）以上" in page
    for office in ("川崎区役所", "大師支所", "生田出張所"):
        assert office in page
    assert "99.4% (2346 / 2360)" in page  # the citywide figure, as published
    assert "97.8% (2308 / 2360)" in page  # and its top box
    assert "目標以上" in page
    assert "信頼区間：目標を含む" in page  # a branch office's 50 answers
    assert "件数が少ないため参考値" in page  # which could never show the target met
    assert "95%信頼区間 92.6%–100.0%" in page


def test_a_year_not_conducted_is_a_gap_never_zero(client, auth):
    auth.login("head")
    page = text(client.get("/surveys/?year=R2").get_data(as_text=True))
    assert "令和2年度 (FY2020) は未実施です。" in page
    assert "新型コロナウイルス感染症" in page
    assert "0.0%" not in page
    assert page.count("未実施") >= 13


def test_the_trend_chart_has_gaps_and_a_table_beside_it(client, auth):
    auth.login("head")
    html = client.get("/surveys/offices/daishi").get_data(as_text=True)
    chart = html[html.index('<svg class="chart chart--trend"') : html.index("</svg>")]
    assert "未実施" in chart  # FY2020
    assert "結果なし" in chart  # FY2017: no result at all
    assert chart.count("<circle") == len(re.findall(r"<tr>\s*<th scope=\"row\">", html))
    page = text(html)
    assert "直近 3 回の調査の合計" in page
    assert "平成29年度 (FY2017) — 結果なし" in page


def test_pages_in_english(client, auth):
    auth.login("head")
    client.post("/language", data={"locale": "en"})
    page = text(client.get("/surveys/?year=2021").get_data(as_text=True))
    assert "Target: satisfaction of 98.0% · tolerance: 2.5 points" in page
    assert "Interval: includes the target" in page
    assert "Few answers: for reference" in page


def test_a_committee_member_sees_their_office_and_the_citys_figure(client, auth):
    auth.login("kawasaki")
    page = text(client.get("/surveys/?year=2021").get_data(as_text=True))
    assert "川崎区役所" in page
    assert "中原区役所" not in page
    assert "99.4% (2346 / 2360)" in page
    assert client.get("/surveys/offices/nakahara").status_code == 404


def test_an_unreadable_year_is_404(client, auth):
    auth.login("head")
    assert client.get("/surveys/?year=someday").status_code == 404


def upload(client, content: bytes, replace: bool = False):
    data = {"file": (io.BytesIO(content), "surveys.csv")}
    if replace:
        data["replace"] = "y"
    return client.post("/surveys/import", data=data, content_type="multipart/form-data")


def test_import_shows_what_would_change_then_applies_it(app, client, auth):
    auth.login("auditor")
    content = (HEADER + "川崎区役所,H24,290,6,4,\n大師支所,H24,,,,中止\n").encode("cp932")
    before = state(app)
    preview = upload(client, content)
    page = text(preview.get_data(as_text=True))
    assert preview.status_code == 200
    assert "290 / 6 / 4" in page
    assert "未実施" in page
    assert state(app) == before  # nothing applied yet
    html = preview.get_data(as_text=True)
    posted = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
        or re.search(rf'value="([^"]*)"[^>]*name="{name}"', html)
        for name in ("file_name", "content", "replace")
    }
    applied = client.post(
        "/surveys/import/apply",
        data={n: m.group(1).replace("&#10;", "\n") if m else "" for n, m in posted.items()},
    )
    assert applied.status_code == 302
    assert applied.headers["Location"].endswith("/surveys/?year=2012")
    rows, log = state(app)
    assert rows[-2:] == [(2012, 290, ""), (2012, None, "中止")]
    assert log == before[1] + 2


def test_a_bad_file_is_refused_whole_with_its_rows(app, client, auth):
    auth.login("admin")
    before = state(app)
    response = upload(
        client,
        (HEADER + "kawasaki,2012,290,6,4,\nnowhere,2012,1,1,1,\nsaiwai,2012,,1,1,\n").encode(),
    )
    page = text(response.get_data(as_text=True))
    assert "surveys.csv は受け付けられませんでした：問題 2 件。何も変更されていません。" in page
    assert "3 office 不明な区役所等です: nowhere" in page
    assert "4 yes 3つの回答数をすべて入力してください" in page
    assert state(app) == before


def test_replacing_needs_the_box_ticked(app, client, auth):
    auth.login("admin")
    content = (HEADER + "kawasaki,2021,1,1,1,\n").encode()
    page = text(upload(client, content).get_data(as_text=True))
    assert "kawasaki の FY2021 には別の結果が記録されています" in page
    page = text(upload(client, content, replace=True).get_data(as_text=True))
    assert "変更" in page
    assert "1 / 1 / 1" in page


def test_enter_one_offices_result(app, client, auth):
    auth.login("auditor")
    response = client.post(
        "/surveys/entry",
        data={
            "office": "tama",
            "fiscal_year": "平成24年度",
            "yes": "299",
            "neutral": "1",
            "no": "0",
        },
    )
    assert response.status_code == 302
    rows, _log = state(app)
    assert rows[-1] == (2012, 299, "")


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"yes": "", "neutral": "", "no": "", "note": ""}, ["備考に理由を書いてください"]),
        ({"yes": "-1", "neutral": "0", "no": "0"}, ["0 以上で入力してください"]),
        ({"yes": "0", "neutral": "0", "no": "0"}, ["回答数の合計が0です"]),
        ({"yes": "290", "neutral": "6", "no": "4", "replace": ""}, ["置き換える場合は"]),
    ],
)
def test_the_entry_form_shows_every_error_and_saves_nothing(app, client, auth, data, errors):
    auth.login("admin")
    before = state(app)
    response = client.post(
        "/surveys/entry", data={"office": "kawasaki", "fiscal_year": "2021", **data}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for error in errors:
        assert error in page
    assert state(app) == before


def test_the_entry_form_is_prefilled_to_correct_a_result(client, auth):
    auth.login("admin")
    html = client.get("/surveys/entry?office=kawasaki&year=R2").get_data(as_text=True)
    assert "新型コロナウイルス感染症" in html
    checkbox = re.search(r'<input[^>]*id="replace"[^>]*>', html).group(0)
    assert "checked" in checkbox


def test_forms_need_their_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    client.post(
        "/login", data={"username": "admin", "password": "demo-password-2025", "csrf_token": token}
    )
    for path in ("/surveys/entry", "/surveys/import", "/surveys/import/apply"):
        assert client.post(path, data={"office": "kawasaki"}).status_code == 400, path
    assert 'name="csrf_token"' in client.get("/surveys/entry").get_data(as_text=True)
