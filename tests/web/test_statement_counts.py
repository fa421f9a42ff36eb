"""Bounded by construction: no page or API call issues more SQL statements as the data grow.

Every page and API endpoint is requested on two databases, the demo's and the demo's with
four more years of audits, more offices of another city, improvement actions and trail
entries, and must issue the same number of statements on both. The audit read and a
response save have fixed ceilings besides (issue 9).
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event

from audit.db import db
from audit.domain.catalog import OfficeKind, Origin
from audit.domain.scoring import Rating
from audit.models import Audit, AuditKind, AuditStatus, Office
from audit.services import audits, catalog, users
from audit.services.audit_log import record_change
from audit.services.demo import DEMO_PASSWORD, DEMO_YEARS

from ..conftest import THIS_YEAR, make_app

#: the reviewed year of the demo data (accepted audits of every office)
YEAR = THIS_YEAR - 1
#: a draft a committee member saves, created by the test (the demo's own draft is this year's)
DRAFT_YEAR = THIS_YEAR + 1
AUDIT_READ_CEILING = 5
#: a response save's statements, of which a SAVEPOINT and its RELEASE (one per standard)
RESPONSE_SAVE_CEILING = 10

#: (who, path); {audit} is Kawasaki's self-audit of YEAR, {draft} a draft of Kawasaki's
PAGES = (
    ("head", "/"),
    ("head", "/audits/"),
    ("head", "/audits/{audit}"),
    ("kawasaki", "/audits/{draft}/edit"),
    ("head", "/audits/{audit}/scorecard.pdf"),
    ("kawasaki", "/actions/"),
    ("head", "/actions/plan.pdf?office=kawasaki"),
    ("head", "/catalog/"),
    ("head", "/catalog/offices"),
    ("head", "/catalog/offices/kawasaki"),
    ("head", "/catalog/standards/C01"),
    ("head", "/offices/kawasaki/checklist.pdf?year={year}"),
    ("head", "/review/?year={year}"),
    ("head", "/review/?year={year}&city="),
    ("head", "/review/offices/kawasaki?year={year}"),
    ("head", "/review/standards/C01?year={year}"),
    ("head", "/review/export.xlsx?year={year}"),
    ("head", "/review/export.csv?year={year}&view=responses"),
    ("head", "/review/pack.pdf?year={year}"),
    ("head", "/ratchet/?year={year}"),
    ("head", "/ratchet/minutes"),
    ("head", "/practices/"),
    ("head", "/surveys/"),
    ("head", "/surveys/offices/kawasaki"),
    ("head", "/indicators/"),
    ("admin", "/users/"),
)
API = (
    ("head", "/api/v1/audits/{audit}"),
    ("head", "/api/v1/audits/{audit}/responses/C01"),
    ("head", "/api/v1/audits?year={year}"),
    ("head", "/api/v1/offices"),
    ("head", "/api/v1/standards?year={year}&office=kawasaki"),
    ("head", "/api/v1/results?year={year}"),
    ("head", "/api/v1/ratchet/proposals?year={year}"),
    ("head", "/api/v1/surveys?year={year}"),
    ("head", "/api/v1/indicators"),
)


def grow(app: Flask) -> None:
    """More of everything: another city's offices, four more years, actions, trail entries."""
    with app.app_context():
        session = db.session
        for index, kind in enumerate(("ward", "ward", "branch", "sub")):
            session.add(
                Office(
                    code=f"c99-{index}",
                    kind=OfficeKind(kind),
                    name_ja=f"第99市 {index}",
                    origin=Origin.MODELLED,
                    position=100 + index,
                    city="c99",
                )
            )
        session.flush()
        offices = catalog.list_offices(session)
        new = [o for o in offices if o.city == "c99"]
        demo_years = range(THIS_YEAR - DEMO_YEARS, THIS_YEAR)
        plan = [(o, y) for o in offices for y in range(demo_years[0] - 4, demo_years[0])]
        plan += [(o, y) for o in new for y in demo_years]
        for office, year in plan:
            for kind in AuditKind:
                audit = audits.build_audit(session, office, year, kind, None, from_previous=False)
                for number, response in enumerate(audit.responses):
                    response.rating = Rating.PARTIAL if number % 5 == 0 else Rating.MET
                audit.status = AuditStatus.ACCEPTED
        kawasaki = session.scalar(
            audits.scoped_audits(None)
            .join(Audit.office)
            .where(Office.code == "kawasaki", Audit.fiscal_year == YEAR, Audit.kind == "self")
        )
        assert kawasaki is not None
        for number in range(30):
            record_change(session, None, "test.noted", "audit", str(number), audit_id=kawasaki.id)
        session.commit()


@pytest.fixture(scope="module")
def counts(
    tmp_path_factory: pytest.TempPathFactory, databases
) -> Iterator[dict[tuple[str, str], tuple[int, int]]]:
    """(label, path) → the statements issued on the small and on the large database."""
    folder: Path = tmp_path_factory.mktemp("counts")
    found: dict[tuple[str, str], list[int]] = {}
    apps = []
    for size in ("small", "large"):
        app = make_app(databases.create("loaded", folder / f"{size}.sqlite"))
        apps.append(app)
        if size == "large":
            grow(app)
        for label, count in measure(app).items():
            found.setdefault(label, []).append(count)
    yield {label: (pair[0], pair[1]) for label, pair in found.items()}
    for app in apps:
        with app.app_context():
            db.engine.dispose()
        databases.drop(app.config["SQLALCHEMY_DATABASE_URI"])


def measure(app: Flask) -> dict[tuple[str, str], int]:
    """Statements issued by each page and API call, on one database."""
    with app.app_context():
        audit = db.session.scalar(
            audits.scoped_audits(None)
            .join(Audit.office)
            .where(Office.code == "kawasaki", Audit.fiscal_year == YEAR, Audit.kind == "self")
        )
        assert audit is not None
        ids = {"audit": audit.id, "year": YEAR}
        tokens = {name: users.issue_token(db.session, name) for name in ("head", "kawasaki")}
        db.session.commit()
        engine = db.engine
    issued = [0]

    def count(*_args: object) -> None:
        issued[0] += 1

    def counted(call: Callable[[], object]) -> int:
        event.listen(engine, "before_cursor_execute", count)
        try:
            issued[0] = 0
            call()
            return issued[0]
        finally:
            event.remove(engine, "before_cursor_execute", count)

    found: dict[tuple[str, str], int] = {}
    api = app.test_client()

    def bearer(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[name]}"}

    created = api.post(
        "/api/v1/audits",
        json={"office": "kawasaki", "fiscal_year": DRAFT_YEAR, "kind": "self"},
        headers=bearer("kawasaki"),
    )
    assert created.status_code == 201
    ids["draft"] = created.get_json()["id"]

    def create() -> None:
        answer = api.post(
            "/api/v1/audits",
            json={"office": "kawasaki", "fiscal_year": DRAFT_YEAR + 1, "kind": "self"},
            headers=bearer("kawasaki"),
        )
        assert answer.status_code == 201

    found[("POST", "/api/v1/audits")] = counted(create)
    for number in range(2):  # the first save of a response, and a later one
        path = f"/api/v1/audits/{ids['draft']}/responses/C01"
        version = api.get(path, headers=bearer("kawasaki")).get_json()["version"]

        def save(number: int = number, path: str = path, version: int = version) -> None:
            answer = api.put(
                path,
                json={"rating": "met", "successes": 20 + number, "trials": 25, "evidence": "e"},
                headers={**bearer("kawasaki"), "If-Match": f'"{version}"'},
            )
            assert answer.status_code == 200, answer.get_data(as_text=True)

        found[("PUT", f"/api/v1/audits/<draft>/responses/C01 #{number + 1}")] = counted(save)

    for name, path in API:
        url = path.format(**ids)
        found[("GET", path)] = counted(
            lambda url=url, name=name: _ok(api.get(url, headers=bearer(name)))
        )
    for name in ("head", "kawasaki", "admin"):
        client = app.test_client()
        client.post("/login", data={"username": name, "password": DEMO_PASSWORD})
        for who, path in PAGES:
            if who == name:
                url = path.format(**ids)
                found[("GET", path)] = counted(lambda url=url, c=client: _ok(c.get(url)))
    return found


def _ok(answer: object) -> None:
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]  # type: ignore[attr-defined]


LABELS = (
    [("POST", "/api/v1/audits")]
    + [("PUT", f"/api/v1/audits/<draft>/responses/C01 #{n}") for n in (1, 2)]
    + [("GET", path) for _name, path in API + PAGES]
)


@pytest.mark.parametrize("label", LABELS, ids=[" ".join(label) for label in LABELS])
def test_statements_do_not_grow_with_the_data(counts, label):
    small, large = counts[label]
    assert small == large, f"{small} statements on the demo data, {large} on more data"


def test_the_audit_read_and_a_save_have_ceilings(counts):
    small, large = counts[("GET", "/api/v1/audits/{audit}")]
    assert max(small, large) <= AUDIT_READ_CEILING
    for number in (1, 2):
        small, large = counts[("PUT", f"/api/v1/audits/<draft>/responses/C01 #{number}")]
        assert max(small, large) <= RESPONSE_SAVE_CEILING
