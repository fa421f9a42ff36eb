"""Printing from the pages: who may print what, in which language, and the audit trail."""

import shutil
import subprocess

import pytest
from sqlalchemy import select, update

from audit.db import db
from audit.models import Audit, AuditKind, AuditLogEntry, Office, User

from ..conftest import LAST_YEAR as YEAR


def pdf_text(data: bytes, tmp_path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install poppler-utils (make test does)")
    path = tmp_path / "printed.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, "-layout", path, "-"], capture_output=True, text=True).stdout


def audit_id(app, office: str, kind: AuditKind = AuditKind.SELF, year: int = YEAR) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Audit.id)
            .join(Audit.office)
            .where(Office.code == office, Audit.fiscal_year == year, Audit.kind == kind)
        )


def printed_entries(app) -> list[AuditLogEntry]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditLogEntry).where(AuditLogEntry.action == "document.printed")
            )
        )


def test_the_scorecard_of_an_office_s_audit(app, client, auth, tmp_path):
    auth.login("kawasaki")
    audit = audit_id(app, "kawasaki")
    response = client.get(f"/audits/{audit}/scorecard.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert f"scorecard-kawasaki-{YEAR}-self.pdf" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF-")
    text = pdf_text(response.data, tmp_path)
    for expected in (
        "区役所サービス基準 評価結果表",
        "川崎区役所",
        f"FY{YEAR}",
        "C01",
        "が出力",  # by whom: the person, not the log-in (test_wording.py)
    ):
        assert expected in text
    (entry,) = printed_entries(app)
    assert (entry.actor_name, entry.object_type, entry.object_key, entry.audit_id) == (
        "kawasaki",
        "audit",
        str(audit),
        audit,
    )
    assert entry.after["document"] == "scorecard"
    page = client.get(f"/audits/{audit}").get_data(as_text=True)
    assert "帳票を印刷" in page  # the audit's own trail shows it, in words


def test_printed_in_the_reader_s_language(app, client, auth, tmp_path):
    with app.app_context():
        db.session.execute(update(User).where(User.username == "head").values(locale="en"))
        db.session.commit()
    auth.login("head")
    data = client.get(f"/audits/{audit_id(app, 'nakahara')}/scorecard.pdf").data
    text = pdf_text(data, tmp_path)
    assert "Service standards scorecard" in text
    assert "Nakahara" in text
    assert f"FY{YEAR} (Reiwa" in text


@pytest.mark.parametrize(
    ("username", "office", "status"),
    [
        ("kawasaki", "kawasaki", 200),
        ("kawasaki", "nakahara", 404),  # another office's audit is not found
        ("nakahara", "kawasaki", 404),
        ("head", "kawasaki", 200),
        ("auditor", "nakahara", 200),
        ("admin", "nakahara", 200),
    ],
)
def test_who_may_print_a_scorecard(app, client, auth, username, office, status):
    auth.login(username)
    response = client.get(f"/audits/{audit_id(app, office)}/scorecard.pdf")
    assert response.status_code == status
    assert len(printed_entries(app)) == (status == 200)


def test_anonymous_is_sent_to_log_in(app, client):
    response = client.get(f"/audits/{audit_id(app, 'kawasaki')}/scorecard.pdf")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_audit_page_offers_the_scorecard_and_the_checklist(app, client, auth):
    auth.login("kawasaki")
    audit = audit_id(app, "kawasaki")
    page = client.get(f"/audits/{audit}").get_data(as_text=True)
    assert f'href="/audits/{audit}/scorecard.pdf"' in page
    assert f'href="/offices/kawasaki/checklist.pdf?year={YEAR}"' in page
    actions = client.get("/actions/?office=kawasaki").get_data(as_text=True)
    assert 'href="/actions/plan.pdf?office=kawasaki"' in actions


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("kawasaki", f"/offices/kawasaki/checklist.pdf?year={YEAR}", 200),
        ("kawasaki", "/offices/kawasaki/checklist.pdf?year=R7", 200),
        ("kawasaki", "/offices/kawasaki/checklist.pdf", 200),  # this fiscal year
        ("kawasaki", "/offices/nakahara/checklist.pdf", 404),
        ("auditor", "/offices/nakahara/checklist.pdf", 200),
        ("head", "/offices/nowhere/checklist.pdf", 404),
        ("head", "/offices/kawasaki/checklist.pdf?year=someday", 404),
        ("kawasaki", "/actions/plan.pdf?office=kawasaki", 200),
        ("kawasaki", "/actions/plan.pdf", 200),  # their own office
        ("kawasaki", "/actions/plan.pdf?office=nakahara", 404),
        ("head", "/actions/plan.pdf", 200),  # every office
        ("admin", "/actions/plan.pdf?office=nakahara", 200),
        ("head", f"/review/pack.pdf?year={YEAR}", 200),
        ("auditor", "/review/pack.pdf", 200),  # last fiscal year
        ("admin", f"/review/pack.pdf?year={YEAR}", 200),
        ("kawasaki", f"/review/pack.pdf?year={YEAR}", 403),
        ("head", "/review/pack.pdf?year=nope", 404),
    ],
)
def test_who_may_print_the_other_documents(client, auth, username, path, status):
    auth.login(username)
    response = client.get(path)
    assert response.status_code == status
    if status == 200:
        assert response.data.startswith(b"%PDF-")


def test_a_committee_member_s_action_plan_is_their_office_s(client, auth, tmp_path):
    auth.login("kawasaki")
    text = pdf_text(client.get("/actions/plan.pdf").data, tmp_path)
    assert "川崎区役所" in text
    assert "中原区役所" not in text
    auth.login("head")
    text = pdf_text(client.get("/actions/plan.pdf").data, tmp_path)
    assert "川崎区役所" in text
    assert "生田出張所" in text


def test_the_blank_checklist_holds_the_office_s_standards(client, auth, tmp_path):
    auth.login("kawasaki")
    text = pdf_text(client.get(f"/offices/kawasaki/checklist.pdf?year={YEAR}").data, tmp_path)
    assert "KAW-01" in text
    assert "C01" in text
    assert "NAK-01" not in text  # another office's own standard


def test_the_review_pack_and_its_trail_entry(app, client, auth, tmp_path):
    auth.login("head")
    response = client.get(f"/review/pack.pdf?year={YEAR}")
    text = pdf_text(response.data, tmp_path)
    assert "区民サービス部長会議資料" in text
    for office in ("川崎区役所", "生田出張所"):
        assert office in text
    (entry,) = printed_entries(app)
    assert (entry.actor_name, entry.object_type, entry.object_key) == ("head", "review", str(YEAR))
    assert entry.after == {"document": "review_pack", "fiscal_year": YEAR}
