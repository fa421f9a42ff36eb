"""The improvement actions page: one office's actions, filtered; status changes by role.

The demo data gives every office open actions from its accepted audits. Tests set a few of
Kawasaki's to known statuses and due dates first, so that each filter and each overdue mark
has something to find and something to leave out.
"""

import re
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from audit.db import db
from audit.models import Action, ActionStatus, Audit, AuditKind, AuditLogEntry, Office
from audit.services.demo import DEMO_PASSWORD

from ..conftest import THIS_YEAR, TODAY

OPEN, IN_PROGRESS, DONE, VERIFIED = (
    ActionStatus.OPEN,
    ActionStatus.IN_PROGRESS,
    ActionStatus.DONE,
    ActionStatus.VERIFIED,
)
#: the arranged actions of Kawasaki: status and due date
ARRANGED = {
    "overdue_open": (OPEN, TODAY - timedelta(days=1)),
    "overdue_in_progress": (IN_PROGRESS, TODAY - timedelta(days=10)),
    "done_late": (DONE, TODAY - timedelta(days=1)),
    "verified_late": (VERIFIED, TODAY - timedelta(days=30)),
    "in_progress_later": (IN_PROGRESS, TODAY + timedelta(days=400)),
    "due_today": (OPEN, TODAY),
}


def office_actions(app, office: str) -> dict[int, tuple[ActionStatus, date]]:
    """Every action of an office in the database: id → (status, due)."""
    with app.app_context():
        rows = db.session.execute(
            select(Action.id, Action.status, Action.due)
            .join(Office, Action.office_id == Office.id)
            .where(Office.code == office)
        ).all()
    return {action_id: (status, due) for action_id, status, due in rows}


def arrange(app, office: str, wanted: dict[str, tuple[ActionStatus, date]]) -> dict[str, int]:
    """Give the first few actions of an office these statuses and due dates; return their ids."""
    ids = sorted(office_actions(app, office))
    assert len(ids) > len(wanted)
    named = dict(zip(wanted, ids, strict=False))
    with app.app_context():
        for name, action_id in named.items():
            action = db.session.get(Action, action_id)
            action.status, action.due = wanted[name]
        db.session.commit()
    return named


@pytest.fixture
def kawasaki(app) -> dict[str, int]:
    return arrange(app, "kawasaki", ARRANGED)


def rows_of(html: str) -> dict[int, str]:
    """The table's rows by action id (from each row's status form)."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    rows = {}
    for row in body.split("<tr")[1:]:
        found = re.search(r'action="/actions/(\d+)/status"', row)
        assert found, row
        rows[int(found[1])] = row
    return rows


def listed(client: FlaskClient, query: str) -> dict[int, str]:
    page = client.get(f"/actions/{query}")
    assert page.status_code == 200
    return rows_of(page.get_data(as_text=True))


def flashes(html: str) -> list[str]:
    return re.findall(r'<div class="notice notice--\w+" role="\w+">(.*?)</div>', html)


# --- filters -------------------------------------------------------------------------------


def is_open(status: ActionStatus) -> bool:
    return status in (OPEN, IN_PROGRESS)


FILTERS = [
    # query, which actions it keeps, whether it leaves some out
    pytest.param("", lambda s, d: True, False, id="all"),
    pytest.param("&status=open", lambda s, d: s == OPEN, True, id="open"),
    pytest.param("&status=in_progress", lambda s, d: s == IN_PROGRESS, True, id="in-progress"),
    pytest.param("&status=done", lambda s, d: s == DONE, True, id="done"),
    pytest.param("&status=verified", lambda s, d: s == VERIFIED, True, id="verified"),
    pytest.param("&status=open_all", lambda s, d: is_open(s), True, id="open-or-in-progress"),
    pytest.param("&status=bogus", lambda s, d: True, False, id="unknown-status-is-all"),
    pytest.param(f"&due={TODAY.isoformat()}", lambda s, d: d <= TODAY, True, id="due-by-today"),
    pytest.param(
        f"&status=open_all&due={TODAY.isoformat()}",
        lambda s, d: is_open(s) and d <= TODAY,
        True,
        id="open-and-due-by-today",
    ),
    pytest.param("&due=not-a-date", lambda s, d: True, False, id="bad-date-is-ignored"),
]


@pytest.mark.parametrize(("query", "keep", "narrows"), FILTERS)
def test_filter_by_status_and_due_date(app, client, auth, kawasaki, query, keep, narrows):
    everything = office_actions(app, "kawasaki")
    expected = {i for i, (status, due) in everything.items() if keep(status, due)}
    assert expected  # each filter has something to find …
    assert (expected != set(everything)) is narrows  # … and, if it filters, something to leave
    auth.login("kawasaki")

    assert set(listed(client, f"?office=kawasaki{query}")) == expected


def test_a_filter_that_matches_nothing_says_so(app, client, auth, kawasaki):
    auth.login("kawasaki")
    page = client.get("/actions/?office=kawasaki&due=2000-01-01").get_data(as_text=True)
    assert "条件に一致する改善策はありません。" in page
    assert "/status" not in page  # no action, so no status form


def test_the_due_date_filter_includes_the_day_itself(app, client, auth, kawasaki):
    auth.login("head")
    due_today = kawasaki["due_today"]
    yesterday = (TODAY - timedelta(days=1)).isoformat()

    assert due_today in listed(client, f"?office=kawasaki&due={TODAY.isoformat()}")
    assert due_today not in listed(client, f"?office=kawasaki&due={yesterday}")


def overdue(app, office: str) -> set[int]:
    """The office's actions still open after their due date, from the database."""
    actions = office_actions(app, office)
    return {i for i, (status, due) in actions.items() if is_open(status) and due < TODAY}


def test_open_actions_past_their_due_date_are_marked_overdue(app, client, auth, kawasaki):
    expected = overdue(app, "kawasaki")
    assert {kawasaki["overdue_open"], kawasaki["overdue_in_progress"]} <= expected
    auth.login("kawasaki")

    rows = listed(client, "?office=kawasaki")

    marked = {i for i, row in rows.items() if 'class="is-overdue"' in row}
    assert marked == expected
    assert {i for i, row in rows.items() if "期限超過" in row} == expected
    # Closed ones are not overdue, however late; nor is one due today.
    for name in ("done_late", "verified_late", "due_today", "in_progress_later"):
        assert kawasaki[name] not in marked


def test_the_audit_page_marks_overdue_actions_too(app, client, auth, kawasaki):
    with app.app_context():
        audit_id = db.session.scalar(
            select(Audit.id)
            .join(Audit.office)
            .where(
                Office.code == "kawasaki",
                Audit.kind == AuditKind.SELF,
                Audit.fiscal_year == THIS_YEAR,
            )
        )
    auth.login("kawasaki")
    page = client.get(f"/audits/{audit_id}").get_data(as_text=True)
    actions = page[
        page.index('id="actions"') : page.index("</section>", page.index('id="actions"'))
    ]
    assert len(overdue(app, "kawasaki")) >= 2  # the overdue open one, and the one in progress
    assert actions.count('<tr class="is-overdue">') == len(overdue(app, "kawasaki"))
    assert actions.count("期限超過") == len(overdue(app, "kawasaki"))


# --- who sees which office -----------------------------------------------------------------


VISIBLE = [
    pytest.param("kawasaki", "", 200, "kawasaki", id="committee-default-is-own-office"),
    pytest.param("kawasaki", "?office=kawasaki", 200, "kawasaki", id="committee-own-office"),
    pytest.param("kawasaki", "?office=saiwai", 404, None, id="committee-other-office"),
    pytest.param("nakahara", "?office=kawasaki", 404, None, id="other-committee-kawasaki"),
    pytest.param("nakahara", "", 200, "nakahara", id="other-committee-default"),
    pytest.param("head", "?office=saiwai", 200, "saiwai", id="head-any-office"),
    pytest.param("auditor", "?office=nakahara", 200, "nakahara", id="auditor-any-office"),
    pytest.param("admin", "?office=tama", 200, "tama", id="admin-reads-any-office"),
    pytest.param("head", "?office=nowhere", 404, None, id="unknown-office"),
]


@pytest.mark.parametrize(("username", "query", "status", "office"), VISIBLE)
def test_who_sees_which_offices_actions(app, client, auth, username, query, status, office):
    auth.login(username)

    response = client.get(f"/actions/{query}")

    assert response.status_code == status
    if office is not None:
        page = response.get_data(as_text=True)
        shown = set(map(int, re.findall(r'href="/audits/(\d+)"', page.split("<tbody>")[1])))
        with app.app_context():
            audits_of_office = set(
                db.session.scalars(
                    select(Action.audit_id)
                    .join(Office, Action.office_id == Office.id)
                    .where(Office.code == office)
                )
            )
        assert shown == audits_of_office  # each action links to the audit it was planned in
        assert f'<option value="{office}" selected>' in page


def test_a_committee_member_is_offered_only_their_wards_offices(client, auth):
    auth.login("kawasaki")
    page = client.get("/actions/").get_data(as_text=True)
    offices = page[page.index('<select id="office"') : page.index("</select>")]
    assert re.findall(r'<option value="([^"]+)"', offices) == ["kawasaki", "daishi", "tajima"]


@pytest.mark.parametrize(
    ("username", "offered"),
    [
        ("kawasaki", ["open", "in_progress", "done"]),
        ("head", ["open", "in_progress", "done", "verified"]),
        ("auditor", ["open", "in_progress", "done", "verified"]),
        ("admin", []),
    ],
)
def test_the_statuses_each_role_is_offered(app, client, auth, kawasaki, username, offered):
    auth.login(username)
    page = client.get("/actions/?office=kawasaki").get_data(as_text=True)
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    forms = re.findall(r'<form method="post" action="/actions/(\d+)/status".*?</form>', body, re.S)
    if not offered:
        assert forms == []
        assert "確認済み" in body  # the status is shown, without a way to change it
        return
    form = re.search(
        rf'action="/actions/{kawasaki["verified_late"]}/status".*?</form>', body, re.S
    )[0]
    assert re.findall(r'<option value="(\w+)"', form) == offered
    if "verified" not in offered:  # shown as it is, but cannot be chosen
        assert "<option selected disabled>確認済み</option>" in form


# --- changing a status ---------------------------------------------------------------------


def change(client: FlaskClient, action_id: int, status: str, next_page: str = "/actions/"):
    return client.post(f"/actions/{action_id}/status", data={"status": status, "next": next_page})


def status_of(app, action_id: int) -> ActionStatus:
    with app.app_context():
        return db.session.get(Action, action_id).status


def status_trail(app, action_id: int) -> list[tuple[str, dict | None, dict | None]]:
    with app.app_context():
        return [
            (e.actor_name, e.before, e.after)
            for e in db.session.scalars(
                select(AuditLogEntry)
                .where(AuditLogEntry.action == "action.status")
                .where(AuditLogEntry.object_key == str(action_id))
                .order_by(AuditLogEntry.id)
            )
        ]


def test_a_committee_member_works_an_action_through_to_done(app, client, auth, kawasaki):
    action_id = kawasaki["due_today"]
    auth.login("kawasaki")
    page = client.get("/actions/?office=kawasaki&status=open_all").get_data(as_text=True)
    form = rows_of(page)[action_id]
    next_page = re.search(r'name="next" value="([^"]+)"', form)[1].replace("&amp;", "&")
    assert next_page == "/actions/?office=kawasaki&status=open_all"

    for step in ("in_progress", "done"):
        response = change(client, action_id, step, next_page)
        assert response.status_code == 302
        assert response.headers["Location"] == next_page
        assert status_of(app, action_id) == step

    assert "改善策のステータスを変更しました。" in flashes(
        client.get(next_page).get_data(as_text=True)
    )
    assert status_trail(app, action_id) == [
        ("kawasaki", {"status": "open"}, {"status": "in_progress"}),
        ("kawasaki", {"status": "in_progress"}, {"status": "done"}),
    ]
    # Done: it no longer shows among the open ones.
    assert action_id not in listed(client, "?office=kawasaki&status=open_all")


@pytest.mark.parametrize("current", ["done_late", "overdue_open"])
def test_a_committee_member_cannot_verify(app, client, auth, kawasaki, current):
    action_id = kawasaki[current]
    before = status_of(app, action_id)
    auth.login("kawasaki")

    response = change(client, action_id, "verified", "/actions/?office=kawasaki")

    assert response.status_code == 302
    assert status_of(app, action_id) == before
    assert status_trail(app, action_id) == []
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "あなたの役割では、このステータスに変更できません。" in flashes(page)


@pytest.mark.parametrize("username", ["head", "auditor"])
def test_a_reviewer_verifies_a_done_action(app, client, auth, kawasaki, username):
    action_id = kawasaki["done_late"]
    auth.login(username)

    response = change(client, action_id, "verified")

    assert response.status_code == 302
    assert status_of(app, action_id) == VERIFIED
    assert status_trail(app, action_id) == [(username, {"status": "done"}, {"status": "verified"})]
    # Verified and late, it is not overdue.
    assert 'class="is-overdue"' not in listed(client, "?office=kawasaki")[action_id]


CHANGES = [
    pytest.param("nakahara", "open", 404, id="other-office-committee"),
    pytest.param("nakahara", "verified", 404, id="other-office-committee-any-status"),
    pytest.param("admin", "verified", 403, id="admin"),
    pytest.param("head", "closed", 400, id="unknown-status"),
    pytest.param("head", "", 400, id="no-status"),
]


@pytest.mark.parametrize(("username", "status", "expected"), CHANGES)
def test_status_changes_that_are_refused_outright(
    app, client, auth, kawasaki, username, status, expected
):
    action_id = kawasaki["overdue_in_progress"]
    auth.login(username)

    response = change(client, action_id, status)

    assert response.status_code == expected
    assert status_of(app, action_id) == IN_PROGRESS
    assert status_trail(app, action_id) == []


def test_an_action_that_does_not_exist_is_404(app, client, auth):
    with app.app_context():
        missing = max(db.session.scalars(select(Action.id))) + 1000
    auth.login("head")
    assert change(client, missing, "done").status_code == 404


@pytest.mark.parametrize(
    ("next_page", "location"),
    [
        ("/actions/?office=kawasaki&status=done", "/actions/?office=kawasaki&status=done"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("", "/"),
    ],
)
def test_after_a_change_back_to_the_page_never_another_site(
    app, client, auth, kawasaki, next_page, location
):
    auth.login("kawasaki")
    response = change(client, kawasaki["overdue_open"], "in_progress", next_page)
    assert response.status_code == 302
    assert response.headers["Location"] == location
    assert status_of(app, kawasaki["overdue_open"]) == IN_PROGRESS


def test_a_status_change_needs_the_csrf_token(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
    login = {"username": "head", "password": DEMO_PASSWORD}
    login["csrf_token"] = token.search(client.get("/login").get_data(as_text=True))[1]
    assert client.post("/login", data=login).status_code == 302
    page = client.get("/actions/?office=kawasaki").get_data(as_text=True)
    action_id = min(
        i for i, (status, _due) in office_actions(app, "kawasaki").items() if status != DONE
    )
    before = status_of(app, action_id)
    form = {"status": "done", "next": "/actions/"}

    refused = client.post(f"/actions/{action_id}/status", data=form)
    assert refused.status_code == 400
    assert status_of(app, action_id) == before

    accepted = client.post(
        f"/actions/{action_id}/status", data=form | {"csrf_token": token.search(page)[1]}
    )
    assert accepted.status_code == 302
    assert status_of(app, action_id) == DONE
