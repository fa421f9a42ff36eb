"""Audits through the API: the same rules as the pages, versions through ETag/If-Match."""

import pytest
from sqlalchemy import select

from audit.db import db
from audit.models import Audit, AuditKind, AuditStatus

from ..conftest import NEXT_YEAR


@pytest.fixture
def tokens(runner):
    return {
        name: runner.invoke(args=["users", "token", name]).output.strip()
        for name in ("kawasaki", "nakahara", "head", "auditor", "admin")
    }


@pytest.fixture
def call(client, tokens):
    def call(method, path, user="kawasaki", **kwargs):
        headers = {"Authorization": f"Bearer {tokens[user]}", **kwargs.pop("headers", {})}
        return client.open(path, method=method, headers=headers, **kwargs)

    return call


@pytest.fixture
def draft(call):
    response = call(
        "POST",
        "/api/v1/audits",
        json={"office": "kawasaki", "fiscal_year": NEXT_YEAR, "kind": "self"},
    )
    assert response.status_code == 201
    return response.get_json()


def test_create_gives_one_entry_per_applicable_standard(draft, call):
    assert draft["status"] == "draft"
    codes = {r["standard_code"] for r in draft["responses"]}
    applicable = {
        s["code"]
        for s in call("GET", f"/api/v1/standards?year={NEXT_YEAR}&office=kawasaki").get_json()
    }
    assert codes == applicable
    assert all(r["rating"] is None for r in draft["responses"])
    assert {
        "standard_code",
        "level",
        "rating",
        "successes",
        "trials",
        "evidence",
        "version",
    } <= set(draft["responses"][0])


def put(call, audit_id, code, body, version, user="kawasaki"):
    return call(
        "PUT",
        f"/api/v1/audits/{audit_id}/responses/{code}",
        user=user,
        json=body,
        headers={"If-Match": f'"{version}"'},
    )


def test_get_then_put_with_if_match(draft, call):
    path = f"/api/v1/audits/{draft['id']}/responses/T01"
    got = call("GET", path)
    assert got.headers["ETag"] == '"1"'
    saved = put(
        call,
        draft["id"],
        "T01",
        {"rating": "met", "successes": 27, "trials": 30, "evidence": "テストコール30件"},
        1,
    )
    assert saved.status_code == 200
    body = saved.get_json()
    assert body["version"] == 2
    assert saved.headers["ETag"] == '"2"'
    assert body["interval"]["low"] == pytest.approx(0.744, abs=0.001)
    assert body["suggested_rating"] in ("met", "partial")


def test_stale_version_is_412_and_keeps_the_first_save(draft, call):
    first = put(call, draft["id"], "C01", {"rating": "met", "evidence": "A"}, 1)
    assert first.status_code == 200
    stale = put(call, draft["id"], "C01", {"rating": "exceeds", "evidence": "B"}, 1)
    assert stale.status_code == 412
    body = stale.get_json()
    assert body["current"]["evidence"] == "A"
    assert set(body["changes"]) == {"rating", "evidence"}
    assert call("GET", f"/api/v1/audits/{draft['id']}/responses/C01").get_json()["evidence"] == "A"


def test_put_without_if_match_is_428(draft, call):
    response = call("PUT", f"/api/v1/audits/{draft['id']}/responses/C01", json={"rating": "met"})
    assert response.status_code == 428


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": "partial", "evidence": "x"}, "actions"),
        (
            {"rating": "not_met", "evidence": "x", "actions": [{"what": "a", "owner": "b"}]},
            "actions[0]",
        ),
        ({"rating": "na"}, "na_reason"),
        ({"rating": "good"}, "rating"),
        ({"rating": "met", "successes": 5}, "trials"),
        ({"rating": "met", "successes": 31, "trials": 30}, "successes"),
        ({"rating": "met", "trials": "many", "successes": 1}, "trials"),
        (
            {"rating": "partial", "actions": [{"what": "a", "owner": "b", "due": "soon"}]},
            "actions[0].due",
        ),
        ({"rating": "met", "evidence": "NUL\u0000"}, "evidence"),
        ({"rating": "met", "evidence": "lone \ud800 surrogate"}, "evidence"),
        (
            {
                "rating": "partial",
                "actions": [{"what": "a\x1b[31m", "owner": "b", "due": f"{NEXT_YEAR + 1}-03-31"}],
            },
            "actions[0].what",
        ),
    ],
)
def test_invalid_put_is_422_naming_the_field(draft, call, body, field):
    response = put(call, draft["id"], "C01", body, 1)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.get_json()["errors"]]


def test_text_is_stored_and_answered_as_written(draft, call):
    written = "窓口１２３番・ＡＢＣ　か\u3099 👩🏽\u200d💼 ｶﾅ 髙﨑 𠮷野家\t行\r\n次の行"
    assert (
        put(call, draft["id"], "C01", {"rating": "met", "evidence": written}, 1).status_code == 200
    )
    got = call("GET", f"/api/v1/audits/{draft['id']}/responses/C01").get_json()
    assert got["evidence"] == written


def test_partial_with_an_action_saves_and_opens_the_action(draft, call):
    body = {
        "rating": "partial",
        "evidence": "一部",
        "actions": [{"what": "研修を行う", "owner": "区民課", "due": f"{NEXT_YEAR + 1}-03-31"}],
    }
    assert put(call, draft["id"], "C02", body, 1).status_code == 200
    # The open action now covers C02 in this and later audits: △ again needs no new one.
    assert (
        put(call, draft["id"], "C02", {"rating": "not_met", "evidence": "未"}, 2).status_code == 200
    )


def fill_everything(call, audit_id, user="kawasaki"):
    audit = call("GET", f"/api/v1/audits/{audit_id}", user=user).get_json()
    for r in audit["responses"]:
        assert (
            put(
                call,
                audit_id,
                r["standard_code"],
                {"rating": "met", "evidence": "確認済み"},
                r["version"],
                user=user,
            ).status_code
            == 200
        )


def test_workflow_submit_accept_lock(draft, call, app):
    incomplete = call("POST", f"/api/v1/audits/{draft['id']}/submit")
    assert incomplete.status_code == 409
    missing = incomplete.get_json()["missing"]
    assert {m["standard_code"] for m in missing} == {r["standard_code"] for r in draft["responses"]}
    fill_everything(call, draft["id"])
    assert call("POST", f"/api/v1/audits/{draft['id']}/submit").get_json()["status"] == "submitted"
    # Submitted: no more changes until it is returned.
    assert (
        put(call, draft["id"], "C01", {"rating": "exceeds", "evidence": "x"}, 2).status_code == 409
    )
    assert call("POST", f"/api/v1/audits/{draft['id']}/accept", user="kawasaki").status_code == 403
    accepted = call("POST", f"/api/v1/audits/{draft['id']}/accept", user="head")
    assert accepted.get_json()["status"] == "accepted"
    locked = put(call, draft["id"], "C01", {"rating": "exceeds", "evidence": "x"}, 2)
    assert locked.status_code == 409
    assert (
        call(
            "POST", f"/api/v1/audits/{draft['id']}/return", user="head", json={"comment": "x"}
        ).status_code
        == 409
    )
    with app.app_context():
        assert db.session.get(Audit, draft["id"]).status == AuditStatus.ACCEPTED


def test_return_needs_a_comment(draft, call):
    fill_everything(call, draft["id"])
    call("POST", f"/api/v1/audits/{draft['id']}/submit")
    no_comment = call("POST", f"/api/v1/audits/{draft['id']}/return", user="auditor", json={})
    assert no_comment.status_code == 422
    returned = call(
        "POST",
        f"/api/v1/audits/{draft['id']}/return",
        user="auditor",
        json={"comment": "根拠を補ってください"},
    )
    assert returned.get_json()["status"] == "draft"
    assert returned.get_json()["return_comment"] == "根拠を補ってください"


def test_the_submitter_cannot_accept_their_own_evaluation(call):
    created = call(
        "POST",
        "/api/v1/audits",
        user="auditor",
        json={"office": "saiwai", "fiscal_year": NEXT_YEAR, "kind": "external"},
    )
    assert created.status_code == 201
    audit_id = created.get_json()["id"]
    fill_everything(call, audit_id, user="auditor")
    assert call("POST", f"/api/v1/audits/{audit_id}/submit", user="auditor").status_code == 200
    assert call("POST", f"/api/v1/audits/{audit_id}/accept", user="auditor").status_code == 403
    assert call("POST", f"/api/v1/audits/{audit_id}/accept", user="head").status_code == 200


@pytest.mark.parametrize(
    ("user", "method", "path_suffix", "status"),
    [
        # another office's audit does not exist for a committee member
        ("nakahara", "GET", "", 404),
        ("nakahara", "GET", "/responses/C01", 404),
        ("nakahara", "PUT", "/responses/C01", 404),
        ("nakahara", "POST", "/submit", 404),
        # citywide roles read it, but only its office's committee edits a self-audit
        ("head", "GET", "", 200),
        ("auditor", "GET", "", 200),
        ("admin", "GET", "", 200),
        ("head", "PUT", "/responses/C01", 403),
        ("auditor", "PUT", "/responses/C01", 403),
        ("admin", "PUT", "/responses/C01", 403),
        ("kawasaki", "PUT", "/responses/C01", 200),
    ],
)
def test_access_table(draft, call, user, method, path_suffix, status):
    kwargs = (
        {"json": {"rating": "met", "evidence": "x"}, "headers": {"If-Match": '"1"'}}
        if method == "PUT"
        else {}
    )
    response = call(method, f"/api/v1/audits/{draft['id']}{path_suffix}", user=user, **kwargs)
    assert response.status_code == status


@pytest.mark.parametrize(
    ("user", "body", "status"),
    [
        ("kawasaki", {"office": "kawasaki", "fiscal_year": NEXT_YEAR + 1, "kind": "self"}, 201),
        ("kawasaki", {"office": "saiwai", "fiscal_year": NEXT_YEAR + 1, "kind": "self"}, 403),
        ("kawasaki", {"office": "kawasaki", "fiscal_year": NEXT_YEAR + 1, "kind": "external"}, 403),
        ("auditor", {"office": "kawasaki", "fiscal_year": NEXT_YEAR + 1, "kind": "external"}, 201),
        ("auditor", {"office": "kawasaki", "fiscal_year": NEXT_YEAR + 1, "kind": "self"}, 403),
        ("head", {"office": "kawasaki", "fiscal_year": NEXT_YEAR + 1, "kind": "self"}, 403),
        (
            "kawasaki",
            {"office": "kawasaki", "fiscal_year": str(NEXT_YEAR + 1), "kind": "self"},
            422,
        ),
        ("kawasaki", {"office": "kawasaki", "kind": "yearly"}, 422),
    ],
)
def test_who_creates_what(call, user, body, status):
    assert call("POST", "/api/v1/audits", user=user, json=body).status_code == status


def test_duplicate_audit_is_409(draft, call):
    again = call(
        "POST",
        "/api/v1/audits",
        json={"office": "kawasaki", "fiscal_year": NEXT_YEAR, "kind": "self"},
    )
    assert again.status_code == 409


def test_list_is_scoped_to_the_committees_ward(call, app):
    # 川崎区's committee works for the ward office and its branch offices, 大師 and 田島
    listed = call("GET", "/api/v1/audits?kind=self").get_json()
    assert listed
    assert {a["office"] for a in listed} == {"kawasaki", "daishi", "tajima"}
    everyone = call("GET", "/api/v1/audits?kind=self", user="head").get_json()
    assert len({a["office"] for a in everyone}) == 13
    with app.app_context():
        total = len(db.session.scalars(select(Audit).where(Audit.kind == AuditKind.SELF)).all())
    assert len(everyone) == total
