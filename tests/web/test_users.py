"""People and wards in the browser: a ward's committee works for its branch offices, heads never
review their own ward, administrators manage people and apply the April list."""

import io
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from audit.db import db
from audit.models import ApiToken, Audit, AuditKind, AuditLogEntry, AuditStatus, User, utc_now
from audit.services import users

from ..conftest import NEXT_YEAR
from .test_audits import fill, log_in, new_audit, submit

#: the April list: 小杉 moves from 中原区 to 川崎区 with a new title; a new committee member
#: joins 幸区; 外部 leaves at the end of March (written the way a clerk's sheet is)
APRIL_LIST = (
    "ユーザー名,氏名,職名,所属,メール,役割,区,開始日,終了日,有効\n"
    "nakahara,小杉 四郎,企画係長,川崎区役所 企画課,kosugi@example.jp,委員,川崎区,2027-04-01,,はい\n"
    "saiwai-1,日吉 五郎,主査,幸区役所 企画課,,委員,saiwai,2027-04-01,,はい\n"
    "auditor,外部 評子,外部評価委員,,,評価者,,,2027-03-31,はい\n"
)


def person(app: Flask, username: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        db.session.expunge(user)
        return user


def trail_count(app: Flask) -> int:
    with app.app_context():
        return len(db.session.scalars(select(AuditLogEntry.id)).all())


def test_a_wards_committee_completes_its_branch_office_audit_and_not_another_wards(
    app: Flask, client: FlaskClient
) -> None:
    log_in(client, "kawasaki")
    page = client.get("/audits/").get_data(as_text=True)
    assert "大師支所" in page
    created = client.post(
        "/audits/", data={"office": "daishi", "fiscal_year": str(NEXT_YEAR), "kind": "self"}
    )
    assert created.status_code == 302
    daishi = int(created.headers["Location"].rstrip("/").split("/")[-2])
    assert client.get(f"/audits/{daishi}/edit").status_code == 200
    fill(app, daishi, "kawasaki")
    assert client.post(f"/audits/{daishi}/submit").status_code == 302
    with app.app_context():
        assert db.session.get(Audit, daishi).status == AuditStatus.SUBMITTED

    other = new_audit(app, "auditor", "hiyoshi", NEXT_YEAR, AuditKind.EXTERNAL)
    assert client.get(f"/audits/{other}").status_code == 404
    refused = client.post(
        "/audits/", data={"office": "hiyoshi", "fiscal_year": str(NEXT_YEAR), "kind": "self"}
    )
    assert refused.status_code == 200  # the form again: 日吉 is not among the choices
    assert "日吉出張所" not in client.get("/audits/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("office", "author", "may_accept"),
    [
        ("kawasaki", "kawasaki", False),
        ("daishi", "kawasaki", False),
        ("nakahara", "nakahara", True),
    ],
)
def test_a_head_never_accepts_an_audit_of_their_own_ward(
    app: Flask, client: FlaskClient, office: str, author: str, may_accept: bool
) -> None:
    audit_id = new_audit(app, author, office, NEXT_YEAR, AuditKind.SELF)
    fill(app, audit_id, author)
    submit(app, audit_id, author)
    log_in(client, "head-kawasaki")
    page = client.get(f"/audits/{audit_id}").get_data(as_text=True)
    assert (f'action="/audits/{audit_id}/accept"' in page) is may_accept
    client.post(f"/audits/{audit_id}/accept")
    with app.app_context():
        status = db.session.get(Audit, audit_id).status
    assert status == (AuditStatus.ACCEPTED if may_accept else AuditStatus.SUBMITTED)


def test_the_admin_edits_a_person_and_a_moved_member_sees_the_new_ward(
    app: Flask, client: FlaskClient
) -> None:
    member = app.test_client()
    log_in(member, "nakahara")
    assert member.get("/audits/").status_code == 200
    log_in(client, "admin")
    nakahara = person(app, "nakahara")
    page = client.get(f"/users/{nakahara.id}").get_data(as_text=True)
    assert "小杉 四郎" in page
    response = client.post(
        f"/users/{nakahara.id}",
        data={
            "name": "小杉 四郎",
            "title": "企画係長",
            "section": "川崎区役所 企画課",
            "email": "kosugi@example.jp",
            "role": "committee",
            "ward": "kawasaki",
        },
    )
    assert response.status_code == 302
    moved = person(app, "nakahara")
    assert (moved.title, moved.office_id) == ("企画係長", person(app, "kawasaki").office_id)
    # a change of ward ends the member's sessions; after logging in again, 川崎区's work
    assert member.get("/audits/").status_code == 302
    log_in(member, "nakahara")
    listed = member.get("/audits/").get_data(as_text=True)
    assert "川崎区役所" in listed
    assert "中原区役所" not in listed
    # the list of people shows 氏名, filtered by ward
    listing = client.get("/users/?ward=kawasaki").get_data(as_text=True)
    assert "小杉 四郎" in listing
    assert "中原 次郎" not in listing


def test_a_disabled_user_and_their_tokens_are_refused_at_once(
    app: Flask, client: FlaskClient
) -> None:
    member = app.test_client()
    log_in(member, "kawasaki")
    with app.app_context():
        token = users.issue_token(db.session, "kawasaki", "集計")
        db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    assert member.get("/api/v1/audits", headers=bearer).status_code == 200
    log_in(client, "admin")
    kawasaki = person(app, "kawasaki")
    assert client.post(f"/users/{kawasaki.id}/active").status_code == 302
    assert member.get("/audits/").status_code == 302  # sent to log in
    assert member.get("/api/v1/audits", headers=bearer).status_code == 401
    refused = app.test_client().post(
        "/login", data={"username": "kawasaki", "password": "demo-password-2025"}
    )
    assert refused.status_code == 200  # the log-in form again
    assert client.post(f"/users/{kawasaki.id}/active").status_code == 302  # enabled again
    log_in(app.test_client(), "kawasaki")
    assert member.get("/api/v1/audits", headers=bearer).status_code == 401  # stays revoked


def test_a_one_time_password_must_be_changed_first(app: Flask, client: FlaskClient) -> None:
    log_in(client, "admin")
    auditor = person(app, "auditor")
    client.post(f"/users/{auditor.id}/password", data={"password": "one-time-pass-123"})
    member = app.test_client()
    response = member.post("/login", data={"username": "auditor", "password": "one-time-pass-123"})
    assert response.status_code == 302
    assert member.get("/audits/").headers["Location"] == "/account"
    changed = member.post(
        "/account",
        data={
            "current_password": "one-time-pass-123",
            "new_password": "my-own-password-456",
            "new_password_again": "my-own-password-456",
        },
    )
    assert changed.status_code == 302
    assert member.get("/audits/").status_code == 200


def test_the_owner_lists_and_revokes_a_token_on_the_account_page(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        token = users.issue_token(db.session, "head", "月次集計", days=30)
        mine = db.session.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()))
        users.issue_token(db.session, "auditor")
        theirs = db.session.scalar(select(ApiToken.id).order_by(ApiToken.id.desc()))
        db.session.commit()
    log_in(client, "head")
    page = client.get("/account").get_data(as_text=True)
    assert "月次集計" in page
    assert client.post(f"/account/tokens/{theirs}/revoke").status_code == 404
    assert client.post(f"/account/tokens/{mine}/revoke").status_code == 302
    assert (
        app.test_client()
        .get("/api/v1/audits", headers={"Authorization": f"Bearer {token}"})
        .status_code
        == 401
    )
    with app.app_context():
        assert db.session.get(ApiToken, theirs).revoked_at is None


def test_an_expired_token_is_refused(app: Flask) -> None:
    with app.app_context():
        token = users.issue_token(db.session, "head", days=1, now=utc_now() - timedelta(days=2))
        db.session.commit()
    response = app.test_client().get("/api/v1/audits", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_the_april_list_is_previewed_then_applied(app: Flask, client: FlaskClient) -> None:
    log_in(client, "admin")
    before = trail_count(app)
    preview = client.post(
        "/users/import",
        data={"file": (io.BytesIO(APRIL_LIST.encode("cp932")), "april.csv")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "saiwai-1" in page
    assert "企画係長" in page
    assert trail_count(app) == before  # nothing applied yet
    applied = client.post("/users/import/apply", data={"content": APRIL_LIST})
    result = applied.get_data(as_text=True)
    assert applied.status_code == 200
    assert "saiwai-1" in result  # with its one-time password, shown once
    moved = person(app, "nakahara")
    assert moved.office_id == person(app, "kawasaki").office_id
    assert moved.title == "企画係長"
    newcomer = person(app, "saiwai-1")
    assert newcomer.must_change_password
    assert str(person(app, "auditor").member_until) == "2027-03-31"


def test_a_wrong_april_list_is_refused_whole_with_its_rows(app: Flask, client: FlaskClient) -> None:
    log_in(client, "admin")
    broken = APRIL_LIST + "daishi-1,大師,,,,委員,daishi,,,\nx,,,,not-an-address,部長,,4/1,,たぶん\n"
    before = trail_count(app)
    response = client.post(
        "/users/import",
        data={"file": (io.BytesIO(broken.encode()), "april.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "5行目" in page
    assert "daishi" in page
    assert "6行目" in page
    refused = client.post("/users/import/apply", data={"content": broken})
    assert refused.status_code == 200
    assert trail_count(app) == before
    assert person(app, "nakahara").title == "企画課長"
