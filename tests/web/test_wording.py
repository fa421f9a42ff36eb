"""Words where people read: the audit trail, the action buttons, the upload previews, in both
languages, from the label tables, never the codes the data store."""

import io
import re

import pytest
from sqlalchemy import select

from audit.db import db
from audit.models import Audit, AuditStatus, User
from audit.services.audit_log import record_change

from .test_printing import pdf_text
from .test_surveys import text


@pytest.fixture
def draft(app) -> int:
    """Kawasaki's draft, with a rating saved in its trail as the form records one."""
    with app.app_context():
        audit = db.session.scalar(select(Audit).where(Audit.status == AuditStatus.DRAFT))
        kawasaki = db.session.scalar(select(User).where(User.username == "kawasaki"))
        record_change(
            db.session,
            kawasaki,
            "response.saved",
            "response",
            "C01",
            before={"rating": None, "successes": None},
            after={"rating": "met", "successes": 27},
            audit_id=audit.id,
        )
        db.session.commit()
        return audit.id


def trail_of(client, audit_id: int) -> str:
    page = client.get(f"/audits/{audit_id}").get_data(as_text=True)
    begin = page.index('class="trail"')
    return text(page[begin : page.index("</table>", begin)])


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja", ["評価を保存", "C01", "評価", "— → ○ 達成", "帳票を印刷", "評価結果表", "変更内容"]),
        (
            "en",
            [
                "Result saved",
                "C01",
                "Rating",
                "— → ○ Met",
                "Document printed",
                "Scorecard",
                "What changed",
            ],
        ),
    ],
)
def test_the_audit_trail_reads_in_words(client, auth, draft, locale, words):
    auth.login("kawasaki")
    client.post("/language", data={"locale": locale})
    assert client.get(f"/audits/{draft}/scorecard.pdf").status_code == 200  # printed: recorded
    trail = trail_of(client, draft)
    for word in words:
        assert word in trail, word
    for code in ("response.saved", "document.printed", "scorecard", "rating", "successes"):
        assert code not in trail
    assert not re.search(r"\bmet\b", trail)


@pytest.mark.parametrize(("locale", "label"), [("ja", "状況を更新"), ("en", "Update the status")])
def test_an_improvement_action_s_button_says_what_it_does(client, auth, locale, label):
    auth.login("kawasaki")
    client.post("/language", data={"locale": locale})
    page = client.get("/actions/?office=kawasaki").get_data(as_text=True)
    buttons = re.findall(r'<button class="button button--small button--secondary">([^<]*)<', page)
    assert buttons
    assert set(buttons) == {label}


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("ja", ["段階1：達成要件（日本語）", "標題（日本語）"]),
        ("en", ["Level 1: Criterion (Japanese)", "Title (Japanese)"]),
    ],
)
def test_the_catalog_preview_names_fields_in_words(client, auth, checklists_dir, locale, words):
    auth.login("admin")
    client.post("/language", data={"locale": locale})
    original = (checklists_dir / "standards" / "asao.toml").read_text(encoding="utf-8")
    edited = original.replace('title = { ja = "', 'title = { ja = "【改】', 1)
    edited = edited.replace('criterion = { ja = "', 'criterion = { ja = "【改】', 1)
    page = client.post(
        "/catalog/upload",
        data={"file": (io.BytesIO(edited.encode()), "asao.toml")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    for word in words:
        assert word in page, word
    assert "criterion (ja)" not in page
    assert "title (ja)" not in page


@pytest.mark.parametrize(("locale", "names"), [("ja", ["川崎区役所", "大師支所"]), ("en", None)])
def test_the_survey_preview_names_offices(app, client, auth, locale, names):
    auth.login("auditor")
    client.post("/language", data={"locale": locale})
    csv = "office,fiscal_year,yes,neutral,no,note\nkawasaki,H24,290,6,4,\ndaishi,H24,,,,中止\n"
    page = client.post(
        "/surveys/import",
        data={"file": (io.BytesIO(csv.encode()), "surveys.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    table = text(page[page.index('id="changes"') : page.index("</table>")])
    with app.app_context():
        from audit.services import catalog

        offices = {o.code: o for o in catalog.list_offices(db.session)}
    expected = names or [offices[code].name_en for code in ("kawasaki", "daishi")]
    for name in expected:
        assert name in table, name
    assert not re.search(r"\b(kawasaki|daishi)\b", table)


def test_a_printed_document_names_the_person_not_the_log_in(app, client, auth, tmp_path):
    with app.app_context():
        kawasaki = db.session.scalar(select(User).where(User.username == "kawasaki"))
        audit = db.session.scalar(select(Audit.id).where(Audit.office_id == kawasaki.office_id))
        # its name (氏名) where one is recorded, else its role and office
        expected = kawasaki.name or "区役所サービス向上委員会の委員（川崎区役所）"
    auth.login("kawasaki")
    data = client.get(f"/audits/{audit}/scorecard.pdf").data
    footer = " ".join(pdf_text(data, tmp_path).split())
    assert f"{expected} が出力" in footer
    assert "kawasaki が出力" not in footer
