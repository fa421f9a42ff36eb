"""The access matrix: every route and API endpoint × each role × own and other ward's offices.

The expected answers are written out here, independently of the decorators in the code, so a
route whose rule is widened (or a new route nobody thought about) fails this file. Each case
runs every principal against the objects of the committee's own ward — the ward office
(川崎区役所) and one of its branch offices (大師支所) — and of other wards: another ward office
(中原区役所) and another ward's sub-office (日吉出張所):

- ``ok``: the handler ran (a page, a redirect after a form, or a validation answer);
- ``login``: sent to the log-in page (pages) or 401 (API);
- ``denied``: 403, the role may not do this;
- ``hidden``: 404, another ward's object is simply not found.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask_login import FlaskLoginClient
from sqlalchemy import select

from audit.db import db
from audit.models import Action, ApiToken, Audit, AuditKind, Indicator, Office, Principle, User
from audit.services import audits, practices, ratchet, users

from ..conftest import LAST_YEAR

COMMITTEE, HEAD, AUDITOR, ADMIN = "kawasaki", "head", "auditor", "admin"
EVERYONE = frozenset({COMMITTEE, HEAD, AUDITOR, ADMIN})
CITYWIDE = frozenset({HEAD, AUDITOR, ADMIN})
PUBLIC = frozenset({None, *EVERYONE})
PRINCIPALS = (None, COMMITTEE, HEAD, AUDITOR, ADMIN)
OWN, OWN_BRANCH, OTHER, OTHER_SUB = "kawasaki", "daishi", "nakahara", "hiyoshi"
OFFICES = (OWN, OWN_BRANCH, OTHER, OTHER_SUB)
#: the offices 川崎区's committee works for
OWN_WARD = (OWN, OWN_BRANCH)
#: the fiscal year of the drafts the matrix works on
YEAR = 2039


@dataclass(frozen=True)
class Case:
    method: str
    #: the path, with {audit}, {action}, {office}, {proposal}, {practice}, {indicator} filled in
    path: str
    #: the principals whose request reaches the handler (None: anonymous)
    ok: frozenset[str | None]
    #: the object belongs to an office: another ward's is 404 for a committee member
    scoped: bool = False
    #: the form (pages) or JSON (API) posted
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    #: what the logged-in principals not in ``ok`` get: 403, or 404 for another's own object
    refused: str = "denied"


def only(*roles: str) -> frozenset[str | None]:
    return frozenset(roles)


CASES: dict[str, list[Case]] = {
    "main.index": [Case("GET", "/", EVERYONE)],
    "main.language": [Case("POST", "/language", PUBLIC)],
    "auth.login": [Case("GET", "/login", PUBLIC), Case("POST", "/login", PUBLIC)],
    "auth.logout": [Case("POST", "/logout", EVERYONE)],
    "auth.account": [Case("GET", "/account", EVERYONE), Case("POST", "/account", EVERYONE)],
    "catalog.principles": [Case("GET", "/catalog/", EVERYONE)],
    "catalog.standard": [Case("GET", "/catalog/standards/C01", EVERYONE)],
    "catalog.offices": [Case("GET", "/catalog/offices", EVERYONE)],
    "catalog.office": [Case("GET", "/catalog/offices/{office}", EVERYONE)],
    "catalog.upload": [
        Case("GET", "/catalog/upload", only(ADMIN)),
        Case("POST", "/catalog/upload", only(ADMIN)),
    ],
    "catalog.apply_upload": [Case("POST", "/catalog/upload/apply", only(ADMIN))],
    "users.index": [Case("GET", "/users/", only(ADMIN)), Case("POST", "/users/", only(ADMIN))],
    "users.edit": [
        Case("GET", "/users/{user}", only(ADMIN)),
        Case("POST", "/users/{user}", only(ADMIN)),
    ],
    "users.set_active": [Case("POST", "/users/{user}/active", only(ADMIN))],
    "users.reset_password": [Case("POST", "/users/{user}/password", only(ADMIN))],
    "users.import_list": [
        Case("GET", "/users/import", only(ADMIN)),
        Case("POST", "/users/import", only(ADMIN)),
    ],
    "users.apply_import": [Case("POST", "/users/import/apply", only(ADMIN))],
    # one's own token only: the head's token is not found by anyone else
    "auth.revoke_token": [
        Case("POST", "/account/tokens/{token}/revoke", only(HEAD), refused="hidden")
    ],
    "audits.index": [Case("GET", "/audits/", EVERYONE), Case("POST", "/audits/", EVERYONE)],
    "audits.show": [Case("GET", "/audits/{audit}", EVERYONE, scoped=True)],
    "audits.edit": [Case("GET", "/audits/{audit}/edit", only(COMMITTEE), scoped=True)],
    # An auditor scores external evaluations: on a self-audit the service refuses with a
    # message (the audit-by-audit table is in test_audits.py), so the handler is reached.
    "audits.save": [Case("POST", "/audits/{audit}/edit", only(COMMITTEE, AUDITOR), scoped=True)],
    "audits.save_section": [
        Case("POST", "/audits/{audit}/sections/{principle}", only(COMMITTEE, AUDITOR), scoped=True)
    ],
    "audits.submit": [
        Case("POST", "/audits/{audit}/submit", only(COMMITTEE, AUDITOR), scoped=True)
    ],
    "audits.accept": [Case("POST", "/audits/{audit}/accept", only(HEAD, AUDITOR), scoped=True)],
    "audits.return_": [Case("POST", "/audits/{audit}/return", only(HEAD, AUDITOR), scoped=True)],
    "audits.reopen": [Case("POST", "/audits/{audit}/reopen", only(ADMIN), scoped=True)],
    "actions.index": [Case("GET", "/actions/", EVERYONE)],
    "actions.set_status": [
        Case(
            "POST",
            "/actions/{action}/status",
            only(COMMITTEE, HEAD, AUDITOR),
            scoped=True,
            body={"status": "in_progress"},
        )
    ],
    "practices.index": [Case("GET", "/practices/", EVERYONE)],
    "practices.share": [Case("POST", "/practices/", only(COMMITTEE))],
    "practices.adopt": [Case("POST", "/practices/{practice}/adopt", only(COMMITTEE))],
    "review.index": [Case("GET", "/review/", CITYWIDE)],
    "review.trend": [
        Case("GET", "/review/offices/{office}", CITYWIDE),
        Case("GET", "/review/standards/C01", CITYWIDE),
    ],
    "review.export": [
        Case("GET", "/review/export.csv", CITYWIDE),
        Case("GET", "/review/export.xlsx", CITYWIDE),
    ],
    "ratchet.index": [Case("GET", "/ratchet/", CITYWIDE)],
    "ratchet.minutes": [Case("GET", "/ratchet/minutes", CITYWIDE)],
    "ratchet.decide": [Case("POST", "/ratchet/proposals/{proposal}/decision", only(HEAD))],
    "surveys.index": [Case("GET", "/surveys/", EVERYONE)],
    "surveys.office": [Case("GET", "/surveys/offices/{office}", EVERYONE, scoped=True)],
    "surveys.entry": [
        Case("GET", "/surveys/entry", only(AUDITOR, ADMIN)),
        Case("POST", "/surveys/entry", only(AUDITOR, ADMIN)),
    ],
    "surveys.upload": [
        Case("GET", "/surveys/import", only(AUDITOR, ADMIN)),
        Case("POST", "/surveys/import", only(AUDITOR, ADMIN)),
    ],
    "surveys.apply_upload": [Case("POST", "/surveys/import/apply", only(AUDITOR, ADMIN))],
    "indicators.index": [Case("GET", "/indicators/", EVERYONE)],
    "indicators.new": [
        Case("GET", "/indicators/new", only(ADMIN)),
        Case("POST", "/indicators/new", only(ADMIN)),
    ],
    "indicators.edit": [
        Case("GET", "/indicators/{indicator}/edit", only(ADMIN)),
        Case("POST", "/indicators/{indicator}/edit", only(ADMIN)),
    ],
    "indicators.save_year": [Case("POST", "/indicators/{indicator}/years", only(ADMIN))],
    "printing.scorecard": [Case("GET", "/audits/{audit}/scorecard.pdf", EVERYONE, scoped=True)],
    "printing.review_pack": [Case("GET", "/review/pack.pdf", CITYWIDE)],
    "printing.action_plan": [Case("GET", "/actions/plan.pdf", EVERYONE)],
    "printing.checklist": [Case("GET", "/offices/{office}/checklist.pdf", EVERYONE, scoped=True)],
    "api.openapi": [Case("GET", "/api/v1/openapi.json", PUBLIC)],
    "api.offices": [Case("GET", "/api/v1/offices", EVERYONE)],
    "api.standards": [Case("GET", "/api/v1/standards", EVERYONE)],
    "api.list_audits": [Case("GET", "/api/v1/audits", EVERYONE)],
    "api.create_audit": [
        Case(
            "POST",
            "/api/v1/audits",
            only(COMMITTEE, AUDITOR),
            body={"office": "{office}", "fiscal_year": YEAR + 1, "kind": "self"},
        )
    ],
    "api.get_audit": [Case("GET", "/api/v1/audits/{audit}", EVERYONE, scoped=True)],
    "api.get_response": [
        Case("GET", "/api/v1/audits/{audit}/responses/C01", EVERYONE, scoped=True)
    ],
    "api.put_response": [
        Case(
            "PUT",
            "/api/v1/audits/{audit}/responses/C01",
            only(COMMITTEE),
            scoped=True,
            body={"rating": "met"},
        )
    ],
    "api.submit_audit": [
        Case("POST", "/api/v1/audits/{audit}/submit", only(COMMITTEE), scoped=True)
    ],
    "api.accept_audit": [
        Case("POST", "/api/v1/audits/{audit}/accept", only(HEAD, AUDITOR), scoped=True)
    ],
    "api.return_audit": [
        Case("POST", "/api/v1/audits/{audit}/return", only(HEAD, AUDITOR), scoped=True)
    ],
    "api.results": [Case("GET", "/api/v1/results", CITYWIDE)],
    "api.list_surveys": [Case("GET", "/api/v1/surveys", EVERYONE)],
    "api.list_indicators": [Case("GET", "/api/v1/indicators", EVERYONE)],
    "api.proposals": [Case("GET", "/api/v1/ratchet/proposals", CITYWIDE)],
    "api.decide": [
        Case(
            "POST",
            "/api/v1/ratchet/proposals/{proposal}/decision",
            only(HEAD),
            body={"outcome": "defer"},
        )
    ],
}

#: endpoints that are the framework's, not ours
FRAMEWORK_ENDPOINTS = {"static"}


def test_every_route_and_method_is_in_the_matrix(app: Flask) -> None:
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in FRAMEWORK_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(endpoint, case.method) for endpoint, cases in CASES.items() for case in cases}
    assert routes - covered == set(), "routes missing from the access matrix"
    assert covered - routes == set(), "the matrix lists routes that do not exist"


def outcome(response: Any) -> str:
    if response.status_code == 401 or (
        response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    ):
        return "login"
    if response.status_code >= 500:
        return f"error {response.status_code}"
    return {403: "denied", 404: "hidden"}.get(response.status_code, "ok")


def expected(case: Case, principal: str | None, office: str) -> str:
    if principal in case.ok:
        return (
            "hidden" if case.scoped and principal == COMMITTEE and office not in OWN_WARD else "ok"
        )
    return "login" if principal is None else case.refused


def world(app: Flask) -> dict[str, dict[str, str]]:
    """The objects each case is filled in with, for each office of the matrix."""
    with app.app_context():
        session = db.session
        proposals = ratchet.review_year(session, LAST_YEAR).review.proposals
        nakahara = session.scalar(select(User).where(User.username == "nakahara"))
        practice = practices.share_practice(
            session, nakahara, "C01", "番号札で呼び出す", date(2024, 4, 1), ""
        )
        users.issue_token(session, HEAD)
        token_id = str(session.scalar(select(ApiToken.id).order_by(ApiToken.id.desc())))
        values: dict[str, dict[str, str]] = {}
        for code in OFFICES:
            office = session.scalar(select(Office).where(Office.code == code))
            draft = session.scalar(
                select(Audit).where(
                    Audit.office_id == office.id,
                    Audit.fiscal_year == YEAR,
                    Audit.kind == AuditKind.SELF,
                )
            ) or audits.build_audit(
                session, office, YEAR, AuditKind.SELF, None, from_previous=False
            )
            session.flush()
            values[code] = {
                "office": code,
                "audit": str(draft.id),
                "action": str(
                    session.scalar(select(Action.id).where(Action.office_id == office.id).limit(1))
                ),
                "principle": session.scalar(select(Principle.code).order_by(Principle.id)),
                "proposal": ratchet.proposal_id(LAST_YEAR, proposals[0]),
                "practice": str(practice.id),
                "indicator": session.scalar(select(Indicator.code).order_by(Indicator.id)),
                "user": str(nakahara.id),
                "token": token_id,
            }
        session.commit()
        return values


def request(app: Flask, case: Case, principal: str | None, filled: dict[str, str]) -> Any:
    path = case.path.format(**filled)
    body = (
        {key: str(value).format(**filled) for key, value in case.body.items()}
        if case.body is not None
        else None
    )
    if path.startswith("/api/"):
        headers = dict(case.headers)
        if principal is not None:
            with app.app_context():
                token = users.issue_token(db.session, principal)
                db.session.commit()
            headers["Authorization"] = f"Bearer {token}"
        if case.method == "PUT":
            headers.setdefault("If-Match", '"0"')
        return app.test_client().open(path, method=case.method, json=body, headers=headers)
    if principal is None:
        return app.test_client().open(path, method=case.method)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == principal))
    app.test_client_class = FlaskLoginClient
    return app.test_client(user=user).open(path, method=case.method, data=body)


@pytest.mark.parametrize(
    "case",
    [case for cases in CASES.values() for case in cases],
    ids=lambda case: f"{case.method} {case.path}",
)
def test_access(app_factory: Any, case: Case) -> None:
    app = app_factory()
    filled = world(app)
    seen, wanted = {}, {}
    for principal in PRINCIPALS:
        for office in OFFICES:
            key = f"{principal or 'anonymous'} → {office}"
            seen[key] = outcome(request(app, case, principal, filled[office]))
            wanted[key] = expected(case, principal, office)
    assert seen == wanted


WRITES = [case for cases in CASES.values() for case in cases if case.method != "GET"]


def someone_allowed(case: Case) -> str | None:
    """A principal the case lets through, preferring a logged-in one."""
    return min(case.ok, key=lambda principal: (principal is None, principal or ""))


@pytest.mark.parametrize(
    "case",
    [case for case in WRITES if not case.path.startswith("/api/")],
    ids=lambda case: f"{case.method} {case.path}",
)
def test_every_form_post_without_the_csrf_token_is_400(app_factory: Any, case: Case) -> None:
    app = app_factory(WTF_CSRF_ENABLED=True)
    response = request(app, case, someone_allowed(case), world(app)[OWN])
    assert response.status_code == 400


@pytest.mark.parametrize(
    "case",
    [case for case in WRITES if case.path.startswith("/api/")],
    ids=lambda case: f"{case.method} {case.path}",
)
def test_api_writes_ignore_the_session_cookie(app_factory: Any, case: Case) -> None:
    app = app_factory()
    filled = world(app)[OWN]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == someone_allowed(case)))
    app.test_client_class = FlaskLoginClient
    path = case.path.format(**filled)
    response = app.test_client(user=user).open(path, method=case.method, json=case.body)
    assert response.status_code == 401
