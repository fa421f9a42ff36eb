"""Catalog pages, and loading a checklist file in the browser."""

import io

from sqlalchemy import func, select

from audit.db import db
from audit.models import AuditLogEntry, Standard


def test_principles_page_lists_standards_in_japanese(client, auth):
    auth.login("kawasaki")
    page = client.get("/catalog/").get_data(as_text=True)
    assert "基本的な使命" in page  # P1
    assert "C01" in page
    assert "来庁された市民" in page
    assert "全市統一" in page


def test_standard_page_shows_levels_and_level_by_fiscal_year(client, auth):
    auth.login("head")
    page = client.get("/catalog/standards/C01").get_data(as_text=True)
    assert "L1" in page
    assert "L2" in page
    assert "令和4年度 (FY2022)" in page
    assert "令和元年度 (FY2019)" in page
    assert "平成30年度 (FY2018)" in page


def test_office_page_lists_what_applies(client, auth):
    auth.login("head")
    page = client.get("/catalog/offices/kawasaki").get_data(as_text=True)
    assert "KAW-01" in page
    assert "C01" in page
    assert "SAI-01" not in page


def test_pages_in_english(client, auth):
    auth.login("head")
    client.post("/language", data={"locale": "en"})
    page = client.get("/catalog/standards/C01").get_data(as_text=True)
    assert "FY2022 (Reiwa 4)" in page
    assert "Level in force by fiscal year" in page


def upload(client, name: str, content: bytes):
    return client.post(
        "/catalog/upload",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def standards_and_log(app) -> tuple[list[tuple[str, str, bool]], int]:
    with app.app_context():
        rows = db.session.execute(
            select(Standard.code, Standard.title_ja, Standard.is_retired).order_by(Standard.code)
        ).all()
        return [tuple(r) for r in rows], db.session.scalar(
            select(func.count()).select_from(AuditLogEntry)
        )


def test_upload_shows_changes_then_applies_them(app, client, auth, checklists_dir):
    auth.login("admin")
    text = (checklists_dir / "standards" / "asao.toml").read_text(encoding="utf-8")
    edited = text.replace('title = { ja = "', 'title = { ja = "【改】', 1).encode()
    before = standards_and_log(app)
    preview = upload(client, "asao.toml", edited)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "ASA-01" in page
    assert "【改】" in page
    assert standards_and_log(app) == before  # nothing applied yet
    applied = client.post(
        "/catalog/upload/apply", data={"file_name": "asao.toml", "content": edited.decode()}
    )
    assert applied.status_code == 302
    rows, log = standards_and_log(app)
    assert dict((c, t) for c, t, _r in rows)["ASA-01"].startswith("【改】")
    assert log == before[1] + 1


def test_upload_of_a_broken_file_is_refused_with_its_line(app, client, auth):
    auth.login("admin")
    before = standards_and_log(app)
    page = upload(
        client, "bad.toml", b'[[standard]]\ncode = "Z-1"\nprinciple = "P1"\nsince = "2020"\n'
    ).get_data(as_text=True)
    assert "bad.toml:4</span> since は 1989 から 2100 までの整数で記述してください。" in page
    assert "bad.toml:1</span> title がありません。" in page
    assert standards_and_log(app) == before


def test_upload_needs_a_toml_file(client, auth):
    auth.login("admin")
    page = upload(client, "notes.txt", b"hello").get_data(as_text=True)
    assert "field__error" in page


def test_committee_cannot_apply_a_file(client, auth):
    auth.login("kawasaki")
    response = client.post("/catalog/upload/apply", data={"file_name": "x.toml", "content": "x"})
    assert response.status_code == 403
