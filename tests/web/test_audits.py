"""Audit pages as people use them: who may do what, scoring by section, conflicts, the workflow.

The demo data gives every office accepted audits for the three fiscal years before the current
one, and Kawasaki a half-done self-audit for the current year. Fresh audits for later years are
made through the service where a test needs a clean draft, and filled through the pages where
filling them is what is tested.
"""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from audit.db import db
from audit.domain.scoring import Rating, ResponseInput, percent, wilson_interval
from audit.models import (
    Action,
    ActionStatus,
    Audit,
    AuditKind,
    AuditLogEntry,
    AuditStatus,
    Office,
    Response,
    User,
)
from audit.services import audits
from audit.services.demo import DEMO_PASSWORD

from ..conftest import NEXT_YEAR, THIS_YEAR, TODAY

USERS = ("kawasaki", "nakahara", "head", "auditor", "admin")


# --- reading pages as a browser does -----------------------------------------------------


class FormReader(HTMLParser):
    """The fields a browser would post, per form (keyed by its action): checked radios only."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, dict[str, str]] = {}
        self._fields: dict[str, str] | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: list[str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._fields = self.forms.setdefault(a.get("action") or "", {})
        elif self._fields is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type") or "text"
            if kind in ("submit", "button", "file") or (
                kind in ("radio", "checkbox") and "checked" not in a
            ):
                return
            self._fields[a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._textarea = (a["name"], [])
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            if self._select[1] is None:
                self._select[1] = a.get("value") or ""
            if "selected" in a:
                self._select[2] = a.get("value") or ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "textarea" and self._textarea is not None and self._fields is not None:
            name, parts = self._textarea
            # Browsers drop the one newline that follows <textarea>.
            self._fields[name] = re.sub(r"^\r?\n", "", "".join(parts))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._fields is not None:
            name, first, chosen = self._select
            self._fields[str(name)] = chosen if chosen is not None else first or ""
            self._select = None


def forms_of(html: str) -> dict[str, dict[str, str]]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def edit_form(client: FlaskClient, audit_id: int) -> dict[str, str]:
    """What the edit page's one form (every section) would post, untouched."""
    page = client.get(f"/audits/{audit_id}/edit")
    assert page.status_code == 200
    return forms_of(page.get_data(as_text=True))[f"/audits/{audit_id}/edit"]


def part(html: str, anchor: str, end: str) -> str:
    """The part of a page from the element with this id to the next ``end`` tag."""
    start = html.index(f'id="{anchor}"')
    return html[start : html.index(end, start)]


def row(html: str, code: str) -> str:
    """A standard's row on the audit page."""
    return part(html, f"r-{code}", "</tr>")


def fieldset(html: str, code: str) -> str:
    """A standard's fields on the edit page."""
    return part(html, f"r-{code}", "</fieldset>")


def section(html: str, anchor: str) -> str:
    """A section of the audit page: "missing", "actions", "trail"."""
    return part(html, anchor, "</section>")


def flashes(html: str) -> list[str]:
    return re.findall(r'<div class="notice notice--\w+" role="\w+">(.*?)</div>', html)


def log_in(client: FlaskClient, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302


# --- the database ------------------------------------------------------------------------


def user(name: str) -> User:
    return db.session.scalar(select(User).where(User.username == name))


def audit_id_of(app, office: str, year: int, kind: AuditKind = AuditKind.SELF) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Audit.id)
            .join(Audit.office)
            .where(Office.code == office, Audit.fiscal_year == year, Audit.kind == kind)
        )


def new_audit(app, username: str, office: str, year: int, kind: AuditKind) -> int:
    """A new, empty audit made through the service, as its author."""
    with app.app_context():
        audit = audits.create_audit(
            db.session, user(username), office, year, kind, from_previous=False
        )
        db.session.commit()
        return audit.id


def fill(app, audit_id: int, username: str) -> None:
    """Rate every unrated standard ○ with evidence, through the service: a complete draft."""
    with app.app_context():
        editor = user(username)
        audit = audits.get_audit(db.session, editor, audit_id)
        for r in audit.responses:
            if r.rating is None:
                entry = ResponseInput(rating=Rating.MET, evidence=r.evidence or "窓口で確認した。")
                audits.save_response(db.session, editor, audit, r.standard_code, entry, r.version)
        db.session.commit()


def submit(app, audit_id: int, username: str) -> None:
    with app.app_context():
        submitter = user(username)
        audits.submit_audit(
            db.session, submitter, audits.get_audit(db.session, submitter, audit_id)
        )
        db.session.commit()


def saved(app, audit_id: int) -> dict[str, dict[str, object]]:
    """Each standard's saved response, by code."""
    with app.app_context():
        return {
            r.standard_code: {
                "rating": r.rating,
                "successes": r.successes,
                "trials": r.trials,
                "evidence": r.evidence,
                "na_reason": r.na_reason,
                "version": r.version,
            }
            for r in db.session.scalars(select(Response).where(Response.audit_id == audit_id))
        }


def status_of(app, audit_id: int) -> AuditStatus:
    with app.app_context():
        return db.session.get(Audit, audit_id).status


def audit_row(app, audit_id: int) -> Audit:
    with app.app_context():
        audit = db.session.get(Audit, audit_id)
        db.session.expunge(audit)
        return audit


def trail(app, audit_id: int) -> list[tuple[str, str, str, dict | None]]:
    with app.app_context():
        return [
            (e.actor_name, e.action, e.object_key, e.after)
            for e in db.session.scalars(
                select(AuditLogEntry)
                .where(AuditLogEntry.audit_id == audit_id)
                .order_by(AuditLogEntry.id)
            )
        ]


def section_data(app, audit_id: int, principle: str) -> dict[str, str]:
    """What the edit page would post for a section, from the database (for any role)."""
    with app.app_context():
        responses = db.session.scalars(
            select(Response).where(
                Response.audit_id == audit_id, Response.principle_code == principle
            )
        )
        return {
            f"{r.standard_code}-{name}": value
            for r in responses
            for name, value in (
                ("rating", r.rating.value if r.rating else ""),
                ("successes", "" if r.successes is None else str(r.successes)),
                ("trials", "" if r.trials is None else str(r.trials)),
                ("evidence", r.evidence),
                ("na_reason", r.na_reason),
                ("version", str(r.version)),
            )
        }


# --- 1. who may do what --------------------------------------------------------------------

#: the audits of Kawasaki the access table works on
SETUPS = {
    "self_draft": ("kawasaki", AuditKind.SELF, NEXT_YEAR, None),
    "external_draft": ("auditor", AuditKind.EXTERNAL, NEXT_YEAR, None),
    "self_submitted": ("kawasaki", AuditKind.SELF, NEXT_YEAR, "submit"),
    "external_submitted": ("auditor", AuditKind.EXTERNAL, NEXT_YEAR, "submit"),
}


def kawasaki_audit(app, name: str) -> int:
    """A complete draft, a submitted audit, or last year's accepted self-audit of Kawasaki."""
    if name == "self_accepted":
        return audit_id_of(app, "kawasaki", THIS_YEAR - 1)
    author, kind, year, step = SETUPS[name]
    audit_id = new_audit(app, author, "kawasaki", year, kind)
    fill(app, audit_id, author)
    if step == "submit":
        submit(app, audit_id, author)
    return audit_id


EDITED = "区民課で30件を観察して確認した。"


def make_request(client: FlaskClient, app, request: str, audit_id: int):
    base = f"/audits/{audit_id}"
    if request == "show":
        return client.get(base)
    if request == "edit":
        return client.get(f"{base}/edit")
    if request == "save":
        data = section_data(app, audit_id, "P3") | {"C01-evidence": EDITED}
        return client.post(f"{base}/sections/P3", data=data)
    comment = {"return": "C01の根拠を補ってください。", "reopen": "集計誤りの訂正のため。"}
    return client.post(f"{base}/{request}", data={"comment": comment.get(request, "")})


def effect_seen(app, request: str, audit_id: int) -> bool:
    """Did the request change what it asks to change?"""
    if request == "save":
        return saved(app, audit_id)["C01"]["evidence"] == EDITED
    target = {
        "submit": AuditStatus.SUBMITTED,
        "accept": AuditStatus.ACCEPTED,
        "return": AuditStatus.DRAFT,
        "reopen": AuditStatus.DRAFT,
    }[request]
    return status_of(app, audit_id) == target


# DONE: redirected, and the change is made. REFUSED: sent back to the audit page with the
# reason, and nothing changes. A number: that status, and nothing changes.
DONE, REFUSED = "done", "refused"
# fmt: off
ACCESS = [
    # request   audit                 kawasaki  nakahara  head     auditor  admin
    ("show",   "self_draft",         (200,     404,      200,     200,     200)),
    ("show",   "external_draft",     (200,     404,      200,     200,     200)),
    ("show",   "self_accepted",      (200,     404,      200,     200,     200)),
    ("edit",   "self_draft",         (200,     404,      403,     403,     403)),
    ("edit",   "external_draft",     (403,     404,      403,     200,     403)),
    ("save",   "self_draft",         (DONE,    404,      403,     REFUSED, 403)),
    ("save",   "external_draft",     (REFUSED, 404,      403,     DONE,    403)),
    ("save",   "self_submitted",     (REFUSED, 404,      403,     REFUSED, 403)),
    ("submit", "self_draft",         (DONE,    404,      403,     REFUSED, 403)),
    ("submit", "external_draft",     (REFUSED, 404,      403,     DONE,    403)),
    ("accept", "self_submitted",     (403,     403,      DONE,    DONE,    403)),
    ("accept", "external_submitted", (403,     403,      DONE,    REFUSED, 403)),  # 4 eyes
    ("accept", "self_draft",         (403,     403,      REFUSED, REFUSED, 403)),
    ("return", "self_submitted",     (403,     403,      DONE,    DONE,    403)),
    ("return", "external_submitted", (403,     403,      DONE,    REFUSED, 403)),  # 4 eyes
    ("return", "self_accepted",      (403,     403,      REFUSED, REFUSED, 403)),
    ("reopen", "self_accepted",      (403,     403,      403,     403,     DONE)),
    ("reopen", "self_submitted",     (403,     403,      403,     403,     REFUSED)),
]
# fmt: on
ACCESS_CASES = [
    pytest.param(request, setup, username, expected, id=f"{request}-{setup}-{username}")
    for request, setup, row in ACCESS
    for username, expected in zip(USERS, row, strict=True)
]


@pytest.mark.parametrize(("request_name", "setup", "username", "expected"), ACCESS_CASES)
def test_access_table(app, client, auth, request_name, setup, username, expected):
    audit_id = kawasaki_audit(app, setup)
    status_before = status_of(app, audit_id)
    auth.login(username)

    response = make_request(client, app, request_name, audit_id)

    if expected in (DONE, REFUSED):
        assert response.status_code == 302
        if request_name == "save" and expected == DONE:
            assert response.headers["Location"] == f"/audits/{audit_id}/edit?saved=P3#section-P3"
        else:
            assert response.headers["Location"] == f"/audits/{audit_id}"
        assert effect_seen(app, request_name, audit_id) is (expected == DONE)
    else:
        assert response.status_code == expected
        if request_name not in ("show", "edit"):
            assert not effect_seen(app, request_name, audit_id)
    if expected != DONE:
        assert status_of(app, audit_id) == status_before


REQUESTS = ("show", "edit", "save", "submit", "accept", "return", "reopen")


@pytest.mark.parametrize("request_name", REQUESTS)
def test_another_offices_audit_answers_as_if_it_did_not_exist(app, client, auth, request_name):
    """A committee member learns nothing from trying: the same answer as for no audit at all."""
    kawasaki_draft = audit_id_of(app, "kawasaki", THIS_YEAR)
    with app.app_context():
        missing = db.session.scalar(select(func.max(Audit.id))) + 1000
    auth.login("nakahara")

    other = make_request(client, app, request_name, kawasaki_draft)
    nothing = client.post(f"/audits/{missing}/{request_name}", data={"comment": "x"})
    if request_name in ("show", "edit"):
        nothing = client.get(f"/audits/{missing}" + ("/edit" if request_name == "edit" else ""))
    elif request_name == "save":
        nothing = client.post(f"/audits/{missing}/sections/P3", data={})

    assert other.status_code == nothing.status_code
    assert other.status_code in (403, 404)
    assert other.status_code != 403 or request_name in ("accept", "return", "reopen")


def test_a_section_the_audit_does_not_have_is_404(app, client, auth):
    audit_id = audit_id_of(app, "kawasaki", THIS_YEAR)
    auth.login("kawasaki")
    assert client.post(f"/audits/{audit_id}/sections/P99", data={}).status_code == 404


def listed_audit_ids(client: FlaskClient, query: str = "") -> set[int]:
    page = client.get(f"/audits/{query}")
    assert page.status_code == 200
    return {int(i) for i in re.findall(r'href="/audits/(\d+)"', page.get_data(as_text=True))}


@pytest.mark.parametrize(
    ("username", "offices"),
    [
        ("kawasaki", {"kawasaki", "daishi", "tajima"}),  # the ward: its branch offices too
        ("nakahara", {"nakahara"}),
        ("head", None),
        ("auditor", None),
        ("admin", None),
    ],
)
def test_audit_list_shows_a_committee_member_only_their_wards_offices(
    app, client, auth, username, offices
):
    with app.app_context():
        rows = db.session.execute(select(Audit.id, Office.code).join(Audit.office)).all()
    expected = {audit_id for audit_id, code in rows if offices is None or code in offices}
    auth.login(username)

    assert listed_audit_ids(client) == expected
    # Asking for another office by name does not widen the list.
    saiwai = {audit_id for audit_id, code in rows if code == "saiwai"}
    assert listed_audit_ids(client, "?office=saiwai") == (saiwai if offices is None else set())


# --- 2. saving a section -------------------------------------------------------------------


@pytest.fixture
def draft(app) -> int:
    """A clean self-audit of Nakahara for next year: nothing rated, every version 1.

    Nakahara's earlier improvement actions are closed, so △ and × need new ones here.
    """
    with app.app_context():
        office = db.session.scalar(select(Office).where(Office.code == "nakahara"))
        db.session.execute(
            update(Action).where(Action.office_id == office.id).values(status=ActionStatus.VERIFIED)
        )
        db.session.commit()
    return new_audit(app, "nakahara", "nakahara", NEXT_YEAR, AuditKind.SELF)


def test_saving_a_section_saves_and_shows_ratings_counts_and_interval(app, client, auth, draft):
    auth.login("nakahara")
    form = edit_form(client, draft)
    assert {form["C01-version"], form["C02-version"], form["C05-version"]} == {"1"}
    form |= {
        "C01-rating": "met",
        "C01-successes": "27",
        "C01-trials": "30",
        "C01-evidence": "6月に窓口で30件を観察した。",
        "C02-rating": "exceeds",
        "C02-successes": "30",
        "C02-trials": "30",
        "C02-evidence": "テストコールで確認した。",
    }

    response = client.post(f"/audits/{draft}/edit", data=form)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/audits/{draft}/edit?saved=P3#section-P3"
    after = saved(app, draft)
    assert after["C01"] == {
        "rating": Rating.MET,
        "successes": 27,
        "trials": 30,
        "evidence": "6月に窓口で30件を観察した。",
        "na_reason": "",
        "version": 2,
    }
    assert (after["C02"]["rating"], after["C02"]["version"]) == (Rating.EXCEEDS, 2)
    assert (after["C05"]["rating"], after["C05"]["version"]) == (None, 1)  # left as it was
    assert "保存しました。" in flashes(
        client.get(response.headers["Location"]).get_data(as_text=True)
    )

    page = client.get(f"/audits/{draft}").get_data(as_text=True)
    c01, c02 = row(page, "C01"), row(page, "C02")
    interval = wilson_interval(27, 30)
    assert "○" in c01
    assert "27 / 30" in c01
    assert "95%信頼区間" in c01  # the Wilson 95% interval, labelled in Japanese
    assert f"{percent(interval.low)}–{percent(interval.high)}" in c01
    assert "6月に窓口で30件を観察した。" in c01
    assert "◎" in c02
    assert "30 / 30" in c02
    history = section(page, "trail")
    assert '評価を保存 <span class="code">C01</span>' in history  # the trail in words
    assert '評価を保存 <span class="code">C02</span>' in history
    assert ("nakahara", "response.saved", "C01") in [t[:3] for t in trail(app, draft)]


def test_the_edit_form_shows_what_is_saved(app, client, auth, draft):
    auth.login("nakahara")
    form = edit_form(client, draft) | {
        "C01-rating": "met",
        "C01-successes": "27",
        "C01-trials": "30",
        "C01-evidence": "一行目\r\n二行目",
    }
    client.post(f"/audits/{draft}/edit", data=form)

    reloaded = edit_form(client, draft)

    assert {k: reloaded[k] for k in form if k.startswith("C01-") and k != "C01-loaded"} == {
        "C01-rating": "met",
        "C01-successes": "27",
        "C01-trials": "30",
        "C01-evidence": "一行目\r\n二行目",
        "C01-na_reason": "",
        "C01-version": "2",
        "C01-action_what": "",
        "C01-action_owner": "",
        "C01-action_due": "",
    }


DUE = (TODAY + timedelta(days=90)).isoformat()
NEEDS_ACTION = "△ と × の評価には、改善策（内容・担当・期限）を入力してください。"
ACTION_PARTS = "改善策には、内容・担当・期限をすべて入力してください。"
REFUSED_ENTRIES = [
    # what is typed for C05, the field the error is shown by, the error (None: WTForms' own)
    pytest.param({"C05-rating": "partial"}, "action_what", NEEDS_ACTION, id="partial-no-action"),
    pytest.param({"C05-rating": "not_met"}, "action_what", NEEDS_ACTION, id="not-met-no-action"),
    pytest.param(
        {"C05-rating": "partial", "C05-action_what": "掲示を見直す", "C05-action_due": DUE},
        "action_what",
        ACTION_PARTS,
        id="action-without-owner",
    ),
    pytest.param(
        {"C05-rating": "partial", "C05-action_what": "掲示を見直す", "C05-action_owner": "区民課"},
        "action_what",
        ACTION_PARTS,
        id="action-without-due",
    ),
    pytest.param(
        {"C05-rating": "na"},
        "na_reason",
        "この基準を対象外とする理由を入力してください。",
        id="na-without-reason",
    ),
    pytest.param(
        {"C05-successes": "31", "C05-trials": "30"},
        "successes",
        "観察件数以下の数を入力してください。",
        id="more-successes-than-observations",
    ),
    pytest.param(
        {"C05-successes": "12"},
        "trials",
        "達成件数と観察件数の両方を入力してください。",
        id="successes-without-observations",
    ),
    pytest.param({"C05-trials": "abc"}, "trials", None, id="not-a-number"),
    # A vertical tab is what a line break in an Excel cell pastes as.
    pytest.param(
        {"C05-evidence": "窓口で確認\x0bした。"}, "evidence", "U+000B", id="invisible-character"
    ),
    pytest.param(
        {"C05-rating": "partial", "C05-action_what": "掲示\x00を見直す", "C05-action_due": DUE},
        "action_what",
        "U+0000",
        id="nul-in-action",
    ),
]


@pytest.mark.parametrize(("entries", "field", "error"), REFUSED_ENTRIES)
def test_a_refused_entry_is_422_and_nothing_typed_is_lost(
    app, client, auth, draft, entries, field, error
):
    auth.login("nakahara")
    typed = {"C05-evidence": "相談スペースの利用を記録した。", **entries}
    form = edit_form(client, draft) | typed
    form |= {"C01-rating": "met", "C01-evidence": "観察した。"}  # a valid standard beside it

    response = client.post(f"/audits/{draft}/edit", data=form)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        "保存できなかった項目があります。各基準に表示されたメッセージを確認してください。" in page
    )
    shown = re.search(rf'id="C05-{field}-error">(.*?)</p>', fieldset(page, "C05"))
    assert shown, f"no error by C05-{field}"
    if error is not None:
        assert error in shown[1]
    again = forms_of(page)[f"/audits/{draft}/edit"]
    assert {k: again.get(k) for k in typed} == typed  # nothing typed is lost
    after = saved(app, draft)
    assert after["C05"] == {
        "rating": None,
        "successes": None,
        "trials": None,
        "evidence": "",
        "na_reason": "",
        "version": 1,
    }
    # Each standard is saved on its own: the valid one beside it is saved, and its form
    # carries the new version so that saving the section again does not conflict with it.
    assert (after["C01"]["rating"], after["C01"]["version"]) == (Rating.MET, 2)
    assert again["C01-version"] == "2"


def test_a_partial_rating_with_an_action_saves_it_and_lists_the_action(app, client, auth, draft):
    auth.login("nakahara")
    form = edit_form(client, draft) | {
        "C05-rating": "partial",
        "C05-evidence": "相談スペースへの案内が漏れた例があった。",
    }
    refused = client.post(f"/audits/{draft}/edit", data=form)
    assert refused.status_code == 422
    again = forms_of(refused.get_data(as_text=True))[f"/audits/{draft}/edit"]
    again |= {
        "C05-action_what": "相談スペースへの案内を朝礼で確認する",
        "C05-action_owner": "区民課長",
        "C05-action_due": DUE,
    }

    response = client.post(f"/audits/{draft}/edit", data=again)

    assert response.status_code == 302
    assert saved(app, draft)["C05"]["rating"] == Rating.PARTIAL
    with app.app_context():
        actions = db.session.execute(
            select(Action.what, Action.owner, Action.due, Office.code, Action.audit_id)
            .join(Office, Action.office_id == Office.id)
            .where(Action.audit_id == draft)
        ).all()
    assert [tuple(a) for a in actions] == [
        (
            "相談スペースへの案内を朝礼で確認する",
            "区民課長",
            date.fromisoformat(DUE),
            "nakahara",
            draft,
        )
    ]
    listed = client.get("/actions/?office=nakahara").get_data(as_text=True)
    assert "相談スペースへの案内を朝礼で確認する" in listed
    shown = client.get(f"/audits/{draft}").get_data(as_text=True)
    assert "相談スペースへの案内を朝礼で確認する" in section(shown, "actions")
    assert ("nakahara", "action.created", "C05") in [t[:3] for t in trail(app, draft)]
    # The open action is enough for △: the standard is not listed as missing an action.
    assert 'href="#r-C05"' not in section(shown, "missing")


def test_what_is_typed_is_shown_escaped(app, client, auth, draft):
    auth.login("nakahara")
    form = edit_form(client, draft) | {
        "C01-rating": "met",
        "C01-evidence": "<script>alert(1)</script>",
    }
    client.post(f"/audits/{draft}/edit", data=form)

    page = client.get(f"/audits/{draft}").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row(page, "C01")


#: what people type that is kept exactly: full-width digits and letters, a combining mark
#: (か + ゙), emoji with a skin tone and a joiner, half-width kana, old and rare kanji, tabs
AS_WRITTEN = "窓口１２３番・ＡＢＣ　か\u3099 👩🏽\u200d💼 ｶﾅ 髙﨑 𠮷野家\t行\r\n次の行"


def test_what_is_typed_is_kept_and_shown_as_written(app, client, auth, draft):
    auth.login("nakahara")
    form = edit_form(client, draft) | {
        "C01-rating": "met",
        "C01-evidence": AS_WRITTEN,
        "C01-successes": "１９５",  # full-width digits are read as the number
        "C01-trials": "２００",
    }

    assert client.post(f"/audits/{draft}/edit", data=form).status_code == 302

    stored = saved(app, draft)["C01"]
    assert (stored["evidence"], stored["successes"], stored["trials"]) == (AS_WRITTEN, 195, 200)
    assert edit_form(client, draft)["C01-evidence"] == AS_WRITTEN
    assert "髙﨑 𠮷野家" in row(client.get(f"/audits/{draft}").get_data(as_text=True), "C01")


# --- 3. two people at once -----------------------------------------------------------------


@pytest.fixture
def second(app) -> FlaskClient:
    """A second browser, logged in as the same committee member."""
    other = app.test_client()
    log_in(other, "nakahara")
    return other


def test_a_stale_save_is_409_keeps_the_first_and_offers_the_second_to_save_again(
    app, client, auth, second, draft
):
    auth.login("nakahara")
    mine, theirs = edit_form(client, draft), edit_form(second, draft)
    first = client.post(
        f"/audits/{draft}/edit",
        data=mine | {"C01-rating": "met", "C01-evidence": "最初の人の根拠"},
    )
    assert first.status_code == 302

    stale = second.post(
        f"/audits/{draft}/edit",
        data=theirs | {"C01-rating": "exceeds", "C01-evidence": "二人目の根拠"},
    )

    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "フォームを開いた後に、ほかの人がこのページの一部の基準を保存しました。" in page
    notice = fieldset(page, "C01")
    assert "フォームを開いた後に、ほかの人がこの基準を保存しました。" in notice
    assert "«最初の人の根拠»" in notice
    assert "«二人目の根拠»" in notice
    assert "«○»" in notice  # their rating, as saved
    assert "«◎»" in notice  # mine, as typed
    after = saved(app, draft)["C01"]
    assert (after["rating"], after["evidence"], after["version"]) == (
        Rating.MET,
        "最初の人の根拠",
        2,
    )
    again = forms_of(page)[f"/audits/{draft}/edit"]
    assert again["C01-rating"] == "exceeds"
    assert again["C01-evidence"] == "二人目の根拠"
    assert again["C01-version"] == "2"  # saving again overwrites, knowingly

    overwrite = second.post(f"/audits/{draft}/edit", data=again)

    assert overwrite.status_code == 302
    after = saved(app, draft)["C01"]
    assert (after["rating"], after["evidence"], after["version"]) == (
        Rating.EXCEEDS,
        "二人目の根拠",
        3,
    )


def test_a_save_made_elsewhere_since_the_form_was_opened_is_a_conflict(app, client, auth, draft):
    auth.login("nakahara")
    form = edit_form(client, draft)
    with app.app_context():  # e.g. through the API, by another member of the committee
        member = user("nakahara")
        audit = audits.get_audit(db.session, member, draft)
        entry = ResponseInput(rating=Rating.MET, evidence="APIから保存した根拠")
        audits.save_response(db.session, member, audit, "C02", entry, 1)
        db.session.commit()

    response = client.post(
        f"/audits/{draft}/edit",
        data=form | {"C02-rating": "partial", "C02-evidence": "画面で入力した根拠"},
    )

    assert response.status_code == 409
    assert "«APIから保存した根拠»" in fieldset(response.get_data(as_text=True), "C02")
    assert saved(app, draft)["C02"]["evidence"] == "APIから保存した根拠"


def test_the_same_values_saved_twice_are_no_conflict(app, client, auth, second, draft):
    auth.login("nakahara")
    mine, theirs = edit_form(client, draft), edit_form(second, draft)
    same = {"C01-rating": "met", "C01-evidence": "同じ内容"}

    assert client.post(f"/audits/{draft}/edit", data=mine | same).status_code == 302
    assert second.post(f"/audits/{draft}/edit", data=theirs | same).status_code == 302
    assert saved(app, draft)["C01"]["version"] == 2


def test_two_people_saving_different_sections_both_succeed(app, client, auth, second, draft):
    auth.login("nakahara")
    p3, p2 = edit_form(client, draft), edit_form(second, draft)

    one = client.post(
        f"/audits/{draft}/edit", data=p3 | {"C01-rating": "met", "C01-evidence": "P3の根拠"}
    )
    two = second.post(
        f"/audits/{draft}/edit", data=p2 | {"C04-rating": "met", "C04-evidence": "P2の根拠"}
    )

    assert (one.status_code, two.status_code) == (302, 302)
    after = saved(app, draft)
    assert (after["C01"]["evidence"], after["C04"]["evidence"]) == ("P3の根拠", "P2の根拠")


def test_two_people_saving_different_standards_of_one_section_both_succeed(
    app, client, auth, second, draft
):
    """Each changed a different standard; neither touched the other's.

    BUG: the second save is a 409 "conflict" on the standard the second person never touched
    (their form still holds its old, empty values), and the notice invites them to "save
    again to keep yours" — which would wipe the first person's work.
    """
    auth.login("nakahara")
    mine, theirs = edit_form(client, draft), edit_form(second, draft)

    one = client.post(
        f"/audits/{draft}/edit", data=mine | {"C01-rating": "met", "C01-evidence": "一人目"}
    )
    two = second.post(
        f"/audits/{draft}/edit",
        data=theirs | {"C02-rating": "met", "C02-evidence": "二人目"},
    )

    assert after_both(app, draft) == ("一人目", "二人目")
    assert (one.status_code, two.status_code) == (302, 302)


@pytest.mark.parametrize("version", ["abc", "1.0"])
def test_a_garbled_version_is_a_bad_request_not_a_crash(app, client, auth, draft, version):
    """BUG: ``int(form.version.data or 0)`` raises ValueError: a 500 instead of a 400."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production, not raise
    auth.login("nakahara")
    form = edit_form(client, draft) | {
        "C01-version": version,
        "C01-rating": "met",
        "C01-evidence": "改ざんされた版数",
    }

    response = client.post(f"/audits/{draft}/edit", data=form)

    assert saved(app, draft)["C01"]["version"] == 1
    assert response.status_code == 400


def after_both(app, audit_id: int) -> tuple[object, object]:
    after = saved(app, audit_id)
    return after["C01"]["evidence"], after["C02"]["evidence"]


def test_different_standards_saved_through_the_service_with_their_own_versions(app, draft):
    with app.app_context():
        member = user("nakahara")
        audit = audits.get_audit(db.session, member, draft)
        for code, text in (("C01", "一人目"), ("C02", "二人目")):
            entry = ResponseInput(rating=Rating.MET, evidence=text)
            audits.save_response(db.session, member, audit, code, entry, 1)
        db.session.commit()

    assert after_both(app, draft) == ("一人目", "二人目")


# --- 4. the workflow -----------------------------------------------------------------------


def test_submitting_an_incomplete_draft_lists_what_is_missing(app, client, auth):
    audit_id = audit_id_of(app, "kawasaki", THIS_YEAR)  # the demo's half-done draft
    unrated = {code for code, r in saved(app, audit_id).items() if r["rating"] is None}
    assert unrated
    auth.login("kawasaki")

    response = client.post(f"/audits/{audit_id}/submit")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/audits/{audit_id}#missing"
    assert status_of(app, audit_id) == AuditStatus.DRAFT
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert any(
        "この点検はまだ提出できません。" in m and f"{len(unrated)} 件" in m for m in flashes(page)
    )
    missing = section(page, "missing")
    assert set(re.findall(r'href="#r-([\w-]+)"', missing)) == unrated
    assert "評価が入力されていません。" in missing


def fill_through_the_page(client: FlaskClient, audit_id: int) -> None:
    """Rate every unrated standard ○ with evidence, in every section, and save once."""
    form = edit_form(client, audit_id)
    for name in [n for n in form if n.endswith("-version")]:
        code = name.removesuffix("-version")
        if not form.get(f"{code}-rating"):
            form[f"{code}-rating"] = "met"
            form[f"{code}-evidence"] = form[f"{code}-evidence"] or "観察して確認した。"
    response = client.post(f"/audits/{audit_id}/edit", data=form)
    assert response.status_code == 302


def test_a_draft_filled_in_one_save_is_submitted_then_locked(app, client, auth):
    audit_id = audit_id_of(app, "kawasaki", THIS_YEAR)
    with app.app_context():
        unrated_sections = set(
            db.session.scalars(
                select(Response.principle_code).where(
                    Response.audit_id == audit_id, Response.rating.is_(None)
                )
            )
        )
    assert len(unrated_sections) > 1
    auth.login("kawasaki")

    fill_through_the_page(client, audit_id)  # one save, every section
    assert None not in {r["rating"] for r in saved(app, audit_id).values()}
    response = client.post(f"/audits/{audit_id}/submit")

    assert response.status_code == 302
    assert status_of(app, audit_id) == AuditStatus.SUBMITTED
    page = client.get(f"/audits/{audit_id}").get_data(as_text=True)
    assert "点検を提出しました。" in flashes(page)
    assert 'id="missing"' not in page
    assert audit_row(app, audit_id).submitted_by_id == user_id(app, "kawasaki")
    # Submitted: the committee can no longer change it, nor submit it again.
    edit = client.get(f"/audits/{audit_id}/edit")
    assert edit.status_code == 302
    assert edit.headers["Location"] == f"/audits/{audit_id}"
    refused_page = client.get(edit.headers["Location"]).get_data(as_text=True)
    assert "この点検は「提出済み」のため、現在は変更できません。" in flashes(refused_page)
    before = saved(app, audit_id)
    data = section_data(app, audit_id, "P3") | {"C01-evidence": "提出後の変更"}
    assert client.post(f"/audits/{audit_id}/sections/P3", data=data).status_code == 302
    assert saved(app, audit_id) == before


def user_id(app, name: str) -> int:
    with app.app_context():
        return user(name).id


@pytest.fixture
def external(app, client) -> int:
    """An external evaluation of Saiwai, created on the list page, filled, and submitted."""
    log_in(client, "auditor")
    created = client.post(
        "/audits/",
        data={"office": "saiwai", "fiscal_year": str(NEXT_YEAR), "kind": "external"},
    )
    assert created.status_code == 302
    audit_id = audit_id_of(app, "saiwai", NEXT_YEAR, AuditKind.EXTERNAL)
    assert created.headers["Location"] == f"/audits/{audit_id}/edit"
    fill(app, audit_id, "auditor")
    assert client.post(f"/audits/{audit_id}/submit").status_code == 302
    assert status_of(app, audit_id) == AuditStatus.SUBMITTED
    return audit_id


@pytest.mark.parametrize("step", ["accept", "return"])
def test_the_submitter_cannot_review_their_own_audit(app, client, external, step):
    # The auditor who submitted it is still logged in.
    response = client.post(f"/audits/{external}/{step}", data={"comment": "自分で差し戻す"})

    assert response.status_code == 302
    assert status_of(app, external) == AuditStatus.SUBMITTED
    page = client.get(f"/audits/{external}").get_data(as_text=True)
    assert "点検を提出した本人は、その点検を審査できません。" in flashes(page)
    assert f'action="/audits/{external}/accept"' not in page  # no button offered either


def test_the_head_accepts_and_the_audit_is_locked(app, client, external):
    head = app.test_client()
    log_in(head, "head")
    assert f'action="/audits/{external}/accept"' in head.get(f"/audits/{external}").get_data(
        as_text=True
    )

    response = head.post(f"/audits/{external}/accept")

    assert response.status_code == 302
    audit = audit_row(app, external)
    assert audit.status == AuditStatus.ACCEPTED
    assert audit.accepted_by_id == user_id(app, "head")
    assert "点検を承認し、確定しました。" in flashes(
        head.get(f"/audits/{external}").get_data(as_text=True)
    )
    # Locked: the auditor can neither save, nor submit, nor open the form.
    before = saved(app, external)
    data = section_data(app, external, "P3") | {"C01-evidence": "承認後の変更"}
    assert client.post(f"/audits/{external}/sections/P3", data=data).status_code == 302
    page = client.get(f"/audits/{external}").get_data(as_text=True)
    assert "この点検は承認済みで、確定しています。" in flashes(page)
    assert client.post(f"/audits/{external}/submit").status_code == 302
    assert client.get(f"/audits/{external}/edit").headers["Location"] == f"/audits/{external}"
    assert saved(app, external) == before
    assert status_of(app, external) == AuditStatus.ACCEPTED
    # Accepting twice is refused too.
    head.post(f"/audits/{external}/accept")
    assert "承認または差し戻しができるのは、提出済みの点検だけです。" in flashes(
        head.get(f"/audits/{external}").get_data(as_text=True)
    )


def test_the_head_returns_a_submitted_audit_with_a_comment(app, client, auth):
    audit_id = kawasaki_audit(app, "self_submitted")
    auth.login("head")

    response = client.post(
        f"/audits/{audit_id}/return", data={"comment": "C01の根拠が不足しています。"}
    )

    assert response.status_code == 302
    audit = audit_row(app, audit_id)
    assert (audit.status, audit.return_comment) == (
        AuditStatus.DRAFT,
        "C01の根拠が不足しています。",
    )
    assert ("head", "audit.returned") in [t[:2] for t in trail(app, audit_id)]
    committee = app.test_client()
    log_in(committee, "kawasaki")
    page = committee.get(f"/audits/{audit_id}").get_data(as_text=True)
    assert "作成中に戻した理由：" in page
    assert "C01の根拠が不足しています。" in page
    assert committee.get(f"/audits/{audit_id}/edit").status_code == 200  # theirs to change again


@pytest.mark.parametrize("comment", ["", "   "])
def test_returning_without_a_comment_is_refused(app, client, auth, comment):
    audit_id = kawasaki_audit(app, "self_submitted")
    auth.login("head")

    response = client.post(f"/audits/{audit_id}/return", data={"comment": comment})

    assert response.status_code == 302
    assert status_of(app, audit_id) == AuditStatus.SUBMITTED
    page = client.get(f"/audits/{audit_id}").get_data(as_text=True)
    assert set(flashes(page)) & {
        "理由をコメントに入力してください。",
        "差し戻す理由を入力してください。",
    }


def test_the_admin_reopens_an_accepted_audit_with_a_reason(app, client, auth):
    audit_id = audit_id_of(app, "kawasaki", THIS_YEAR - 1)
    assert status_of(app, audit_id) == AuditStatus.ACCEPTED
    auth.login("admin")

    refused = client.post(f"/audits/{audit_id}/reopen", data={"comment": ""})
    assert refused.status_code == 302
    assert status_of(app, audit_id) == AuditStatus.ACCEPTED

    response = client.post(f"/audits/{audit_id}/reopen", data={"comment": "観察件数の転記誤り"})

    assert response.status_code == 302
    audit = audit_row(app, audit_id)
    assert (audit.status, audit.accepted_by_id) == (AuditStatus.DRAFT, None)
    assert (
        "admin",
        "audit.reopened",
        str(audit_id),
        {"status": "draft", "reason": "観察件数の転記誤り"},
    ) in trail(app, audit_id)
    page = client.get(f"/audits/{audit_id}").get_data(as_text=True)
    assert "点検を作成中に戻して再開しました。理由は変更履歴に記録しました。" in flashes(page)
    assert "点検を再開" in section(page, "trail")
    assert "観察件数の転記誤り" in section(page, "trail")
    committee = app.test_client()
    log_in(committee, "kawasaki")
    assert committee.get(f"/audits/{audit_id}/edit").status_code == 200


# --- 5. CSRF ------------------------------------------------------------------------------


CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def csrf_app(app_factory):
    return app_factory(WTF_CSRF_ENABLED=True)


def csrf_log_in(client: FlaskClient, username: str) -> None:
    token = CSRF_TOKEN.search(client.get("/login").get_data(as_text=True))[1]
    response = client.post(
        "/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("with_token", [False, True])
def test_a_section_save_needs_the_csrf_token(csrf_app, with_token):
    client = csrf_app.test_client()
    csrf_log_in(client, "kawasaki")
    audit_id = audit_id_of(csrf_app, "kawasaki", THIS_YEAR)
    form = edit_form(client, audit_id) | {"C02-evidence": "トークンの確認"}
    assert form["csrf_token"]
    if not with_token:
        del form["csrf_token"]

    response = client.post(f"/audits/{audit_id}/edit", data=form)

    assert response.status_code == (302 if with_token else 400)
    assert (saved(csrf_app, audit_id)["C02"]["evidence"] == "トークンの確認") is with_token


@pytest.mark.parametrize(("username", "step"), [("kawasaki", "submit"), ("head", "accept")])
def test_workflow_buttons_need_the_csrf_token(csrf_app, username, step):
    audit_id = kawasaki_audit(csrf_app, "self_draft" if step == "submit" else "self_submitted")
    before = status_of(csrf_app, audit_id)
    client = csrf_app.test_client()
    csrf_log_in(client, username)

    response = client.post(f"/audits/{audit_id}/{step}")

    assert response.status_code == 400
    assert status_of(csrf_app, audit_id) == before


# --- 6. creating audits --------------------------------------------------------------------


def audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Audit))


CREATE = [
    pytest.param("kawasaki", "kawasaki", NEXT_YEAR, "self", True, id="committee-own-office"),
    pytest.param("kawasaki", "nakahara", NEXT_YEAR, "self", False, id="committee-other-office"),
    pytest.param("kawasaki", "kawasaki", NEXT_YEAR, "external", False, id="committee-external"),
    pytest.param("kawasaki", "kawasaki", THIS_YEAR, "self", False, id="committee-duplicate"),
    pytest.param("auditor", "nakahara", NEXT_YEAR, "external", True, id="auditor-external"),
    pytest.param("auditor", "nakahara", NEXT_YEAR, "self", False, id="auditor-self"),
    pytest.param("auditor", "kawasaki", THIS_YEAR - 1, "external", False, id="auditor-duplicate"),
    pytest.param("head", "kawasaki", NEXT_YEAR, "self", False, id="head"),
    pytest.param("admin", "kawasaki", NEXT_YEAR, "external", False, id="admin"),
]


@pytest.mark.parametrize(("username", "office", "year", "kind", "created"), CREATE)
def test_creating_an_audit_from_the_list_page(
    app, client, auth, username, office, year, kind, created
):
    before = audit_count(app)
    auth.login(username)

    response = client.post(
        "/audits/", data={"office": office, "fiscal_year": str(year), "kind": kind}
    )

    assert audit_count(app) == before + created
    if created:
        audit_id = audit_id_of(app, office, year, AuditKind(kind))
        assert response.status_code == 302
        assert response.headers["Location"] == f"/audits/{audit_id}/edit"
        audit = audit_row(app, audit_id)
        assert (audit.status, audit.created_by_id) == (AuditStatus.DRAFT, user_id(app, username))
    else:
        assert response.status_code == 200  # the list again, with the reason


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("kawasaki", "この区役所等には、その年度の同じ種別の点検がすでにあります。"),
        ("nakahara", '<p class="field__error" id="office-error">選択肢が正しくありません。</p>'),
    ],
)
def test_a_refused_creation_says_why(app, client, auth, username, error):
    auth.login(username)
    page = client.post(
        "/audits/", data={"office": "kawasaki", "fiscal_year": str(THIS_YEAR), "kind": "self"}
    ).get_data(as_text=True)
    assert error in page


def test_the_create_form_offers_a_committee_only_its_wards_offices_and_self_audits(client, auth):
    auth.login("kawasaki")
    page = client.get("/audits/").get_data(as_text=True)
    form = page[page.index("<h2>") :]
    options = re.findall(r'<option[^>]*value="([^"]+)"', form)
    assert options == ["kawasaki", "daishi", "tajima", "self"]


@pytest.mark.parametrize("from_previous", [True, False])
def test_next_years_self_audit_starts_from_this_years_evidence(app, client, auth, from_previous):
    this_year = saved(app, audit_id_of(app, "kawasaki", THIS_YEAR))
    auth.login("kawasaki")
    data = {"office": "kawasaki", "fiscal_year": str(NEXT_YEAR), "kind": "self"}
    if from_previous:
        data["from_previous"] = "y"  # the box as a browser sends it when ticked

    response = client.post("/audits/", data=data)

    assert response.status_code == 302
    new = saved(app, audit_id_of(app, "kawasaki", NEXT_YEAR))
    assert set(new) == set(this_year)
    assert {(r["rating"], r["successes"], r["trials"]) for r in new.values()} == {
        (None, None, None)
    }
    carried = {code: r["evidence"] for code, r in new.items()}
    if from_previous:
        assert carried == {code: r["evidence"] for code, r in this_year.items()}
        assert all(carried.values())
    else:
        assert set(carried.values()) == {""}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "点検を作成しました。" in flashes(page)


# --- 7. one save for the whole page --------------------------------------------------------


def codes_in(app, audit_id: int, principle: str) -> list[str]:
    """The standards of one section, in page order."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(Response.standard_code)
                .where(Response.audit_id == audit_id, Response.principle_code == principle)
                .order_by(Response.position)
            )
        )


def summary_of(page: str) -> str:
    """The error summary at the top of a refused save's page."""
    assert page.count('class="error-summary"') == 1
    return part(page, "error-summary-title", "</ul>")


@pytest.mark.parametrize(
    ("pressed", "lands_in"),
    [("P8", "P8"), ("P1", "P1"), ("P3", "P1")],  # P3: nothing changed there, so the first
)
def test_one_save_stores_entries_of_every_section(app, client, auth, draft, pressed, lands_in):
    p1, p8 = codes_in(app, draft, "P1")[0], codes_in(app, draft, "P8")[-1]
    auth.login("nakahara")
    form = edit_form(client, draft) | {
        f"{p1}-rating": "met",
        f"{p1}-evidence": "P1で入力した根拠",
        f"{p8}-rating": "exceeds",
        f"{p8}-evidence": "P8で入力した根拠",
        "section": pressed,  # the button pressed: each section has one, and all save everything
    }

    response = client.post(f"/audits/{draft}/edit", data=form)

    assert response.status_code == 302
    assert (
        response.headers["Location"] == f"/audits/{draft}/edit?saved={lands_in}#section-{lands_in}"
    )
    after = saved(app, draft)
    assert (after[p1]["evidence"], after[p1]["version"]) == ("P1で入力した根拠", 2)
    assert (after[p8]["evidence"], after[p8]["version"]) == ("P8で入力した根拠", 2)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    # The message is in the section the person comes back to, not at the top of a long page.
    assert flashes(part(page, f"section-{lands_in}", "</fieldset>")) == ["保存しました。"]
    assert flashes(page[: page.index('id="section-')]) == []


def test_the_per_section_address_saves_everything_posted(app, client, auth, draft):
    p1, p8 = codes_in(app, draft, "P1")[0], codes_in(app, draft, "P8")[0]
    auth.login("nakahara")
    form = edit_form(client, draft) | {f"{p1}-evidence": "一", f"{p8}-evidence": "八"}

    response = client.post(f"/audits/{draft}/sections/P8", data=form)

    assert response.headers["Location"] == f"/audits/{draft}/edit?saved=P8#section-P8"
    after = saved(app, draft)
    assert (after[p1]["evidence"], after[p8]["evidence"]) == ("一", "八")


@pytest.mark.parametrize("sends_loaded", [True, False], ids=["browser", "no-fingerprint"])
def test_only_the_standards_changed_are_written(app, client, auth, draft, sends_loaded):
    """Unchanged standards get no new version and no trail entry, whether the post says what
    the form was shown with (a browser) or not (then what is stored decides)."""
    auth.login("nakahara")
    form = edit_form(client, draft) | {"C01-rating": "met", "C01-evidence": "変えたのはこれだけ"}
    if not sends_loaded:
        form = {k: v for k, v in form.items() if not k.endswith("-loaded")}
    before = saved(app, draft)

    assert client.post(f"/audits/{draft}/edit", data=form).status_code == 302

    after = saved(app, draft)
    assert {code for code in after if after[code] != before[code]} == {"C01"}
    assert after["C01"]["version"] == 2
    assert [t[2] for t in trail(app, draft) if t[1] == "response.saved"] == ["C01"]


def test_a_save_with_nothing_changed_writes_nothing_and_says_so(app, client, auth, draft):
    auth.login("nakahara")
    before, entries = saved(app, draft), len(trail(app, draft))

    response = client.post(
        f"/audits/{draft}/edit", data=edit_form(client, draft) | {"section": "P2"}
    )

    assert response.headers["Location"] == f"/audits/{draft}/edit?saved=P2#section-P2"
    assert (saved(app, draft), len(trail(app, draft))) == (before, entries)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert flashes(part(page, "section-P2", "</fieldset>")) == [
        "変更された項目がないため、保存していません。"
    ]


def test_a_stale_standard_is_refused_alone_and_the_others_are_kept(app, client, auth, draft):
    p8 = codes_in(app, draft, "P8")[0]
    auth.login("nakahara")
    form = edit_form(client, draft)
    with app.app_context():  # another member saves C02 meanwhile
        member = user("nakahara")
        audit = audits.get_audit(db.session, member, draft)
        entry = ResponseInput(rating=Rating.MET, evidence="別の人の根拠")
        audits.save_response(db.session, member, audit, "C02", entry, 1)
        db.session.commit()

    response = client.post(
        f"/audits/{draft}/edit",
        data=form
        | {
            "C01-rating": "met",
            "C01-evidence": "同じ区分の根拠",
            "C02-rating": "partial",
            "C02-evidence": "私の根拠",
            f"{p8}-rating": "met",
            f"{p8}-evidence": "別の区分の根拠",
        },
    )

    assert response.status_code == 409
    after = saved(app, draft)
    assert (after["C01"]["evidence"], after[p8]["evidence"]) == ("同じ区分の根拠", "別の区分の根拠")
    assert (after["C02"]["evidence"], after["C02"]["version"]) == ("別の人の根拠", 2)
    page = response.get_data(as_text=True)
    assert "«別の人の根拠»" in fieldset(page, "C02")
    assert "«私の根拠»" in fieldset(page, "C02")
    summary = summary_of(page)
    assert "ほかの 2 件の基準の変更は保存しました。" in summary
    assert re.findall(r'<a href="#([^"]+)">', summary) == ["C02-rating-0"]  # its first change
    again = forms_of(page)[f"/audits/{draft}/edit"]
    assert (again["C02-evidence"], again["C02-version"]) == ("私の根拠", "2")
    assert again["C01-version"] == "2"  # saved, and shown as saved
    assert "未保存の変更があります" in fieldset(page, "C02")
    assert "未保存の変更があります" not in fieldset(page, "C01")


def test_the_error_summary_links_to_each_field_in_page_order(app, client, auth, draft):
    p8 = codes_in(app, draft, "P8")[0]
    auth.login("nakahara")
    form = edit_form(client, draft) | {
        f"{p8}-rating": "na",  # without a reason
        "C05-successes": "31",
        "C05-trials": "30",
        "C01-rating": "met",
        "C01-evidence": "保存される",
    }

    response = client.post(f"/audits/{draft}/edit", data=form)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    head = page[: page.index('id="section-')]
    assert re.search(r'<div class="error-summary" role="alert" tabindex="-1"', head)
    summary = summary_of(page)
    links = re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary)
    assert [anchor for anchor, _ in links] == ["C05-successes", f"{p8}-na_reason"]
    for anchor, _text in links:
        tag = re.search(rf'<(?:input|textarea)[^>]*id="{re.escape(anchor)}"[^>]*>', page)
        assert tag, f"no field {anchor}"
        assert f'aria-describedby="{anchor}-error"' in tag[0]
        assert 'aria-invalid="true"' in tag[0]
        assert f'id="{anchor}-error"' in page
    assert links[0][1] == "C05 達成件数：観察件数以下の数を入力してください。"
    assert links[1][1] == f"{p8} 対象外とする理由：この基準を対象外とする理由を入力してください。"
    assert "ほかの 1 件の基準の変更は保存しました。" in summary
    # Japanese throughout: no English words, no code words such as "met" or "na_reason"
    text = re.sub(r"<[^>]+>", " ", summary[summary.index(">") + 1 :])
    assert re.findall(r"[A-Za-z]{2,}", text) == []
    assert flashes(page) == []  # the summary says it, once
