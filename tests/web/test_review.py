"""The cross-ward review: matrix, filters, missing cells, exports, and bounded queries."""

import csv
import io

import openpyxl
import pytest
from sqlalchemy import event

from audit.db import db

from ..conftest import LAST_YEAR, THIS_YEAR


@pytest.mark.parametrize(
    ("username", "status"), [("head", 200), ("auditor", 200), ("admin", 200), ("kawasaki", 403)]
)
def test_who_sees_the_review(client, auth, username, status):
    auth.login(username)
    assert client.get(f"/review/?year={LAST_YEAR}").status_code == status
    assert client.get(f"/review/export.xlsx?year={LAST_YEAR}").status_code == status


def test_the_matrix_shows_symbols_counts_and_links(client, auth):
    auth.login("head")
    page = client.get(f"/review/?year={LAST_YEAR}").get_data(as_text=True)
    assert 'class="cell cell--met"' in page
    assert "○" in page
    assert "/audits/" in page  # a cell opens the response
    assert page.count('<th scope="row"><a href="/review/offices/') == 13


def test_a_year_without_accepted_audits_is_missing_not_failed(client, auth):
    auth.login("head")
    page = client.get(f"/review/?year={THIS_YEAR}").get_data(as_text=True)  # only a draft this year
    matrix = page[
        page.index('class="matrix"') : page.index("</table>", page.index('class="matrix"'))
    ]
    assert "cell--missing" in matrix
    assert "cell--not_met" not in matrix
    assert "cell--met" not in matrix


@pytest.mark.parametrize(
    ("query", "offices", "absent"),
    [
        ("kind=branch", 2, "/review/offices/kawasaki"),
        ("kind=sub", 4, "/review/offices/daishi"),
    ],
)
def test_filter_by_kind_of_office(client, auth, query, offices, absent):
    auth.login("head")
    page = client.get(f"/review/?year={LAST_YEAR}&{query}").get_data(as_text=True)
    assert page.count('<th scope="row"><a href="/review/offices/') == offices
    matrix = page[
        page.index('class="matrix"') : page.index("</table>", page.index('class="matrix"'))
    ]
    assert absent not in matrix


def test_filter_by_principle_keeps_only_its_standards(client, auth):
    auth.login("head")
    page = client.get(f"/review/?year={LAST_YEAR}&principle=P6").get_data(as_text=True)
    matrix = page[
        page.index('class="matrix"') : page.index("</table>", page.index('class="matrix"'))
    ]
    assert ">E01<" in matrix
    assert ">C01<" not in matrix


def test_xlsx_export_has_both_views_frozen_and_safe(app, client, auth):
    auth.login("head")
    response = client.get(f"/review/export.xlsx?year={LAST_YEAR}")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["matrix", "responses"]
    assert book["matrix"].freeze_panes == "A2"
    assert book["matrix"].max_row == 14  # header + 13 offices
    assert book["responses"]["A1"].value == "office"


def test_csv_neutralises_formulas(app, client, auth):
    from sqlalchemy import update

    from audit.models import Response

    with app.app_context():
        db.session.execute(update(Response).values(evidence='=HYPERLINK("http://x")'))
        db.session.commit()
    auth.login("head")
    data = client.get(f"/review/export.csv?year={LAST_YEAR}&view=responses").data
    assert data.startswith("\ufeff".encode())  # UTF-8 with BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    evidence = rows[1][rows[0].index("evidence")]
    assert evidence.startswith("'=")


def test_cp932_csv_replaces_what_it_cannot_hold(app, client, auth):
    from sqlalchemy import update

    from audit.models import Response

    with app.app_context():
        db.session.execute(update(Response).values(evidence="𠮷野家—OK"))
        db.session.commit()
    auth.login("head")
    data = client.get(f"/review/export.csv?year={LAST_YEAR}&view=responses&encoding=cp932").data
    text = data.decode("cp932")
    assert "〓野家〓OK" in text
    assert "川崎区役所" in text


def count_statements(app, client, path):
    statements = []

    def count(*_args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize("path", ["/review/?year={year}", "/review/?year={year}&kind=ward"])
def test_the_matrix_issues_the_same_statements_whatever_the_data(app, client, auth, accepted, path):
    auth.login("head")
    small = count_statements(app, client, path.format(year=LAST_YEAR))
    accepted()  # two more years of accepted audits for every office
    larger = count_statements(app, client, path.format(year=2041))
    assert small == larger
    assert small < 25


def test_the_review_shows_each_offices_survey_against_the_target(client, auth):
    auth.login("head")
    page = client.get("/review/?year=2021").get_data(as_text=True)
    assert "来庁者満足度" in page
    assert page.count('class="survey-cell"') == 13
    assert "target-status--" in page
    assert "95%信頼区間" in page


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        (f"/review/offices/kawasaki?year={LAST_YEAR}", "区役所等の推移: 川崎区役所</h1>"),
        (f"/review/standards/C01?year={LAST_YEAR}", '基準の推移: <span class="code">C01</span> '),
    ],
)
def test_a_trend_is_headed_by_the_office_or_standard_it_shows(client, auth, path, heading):
    auth.login("head")
    assert heading in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize("path", ["/review/offices/nowhere", "/review/standards/NOPE"])
def test_the_trend_of_an_unknown_office_or_standard_is_404(client, auth, path):
    auth.login("head")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/review/?year={LAST_YEAR}",
        f"/review/offices/kawasaki?year={LAST_YEAR}",
        f"/review/standards/C01?year={LAST_YEAR}",
    ],
)
def test_charts_come_from_the_app_with_a_table_beside_them(client, auth, path):
    auth.login("head")
    page = client.get(path).get_data(as_text=True)
    assert "<canvas data-chart='" in page
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js"></script>' in page
    assert "<script>" not in page  # no inline script: the data sit in an attribute
    assert "<table" in page
    assert "http" not in page.split("<script", 1)[1]  # no CDN
    script = client.get("/static/vendor/chartjs/chart.umd.min.js")
    assert script.status_code == 200
    script.close()
