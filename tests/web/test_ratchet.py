"""The meeting's page: proposals with evidence, decisions in the browser, minutes, history."""

import pytest
from sqlalchemy import select

from audit.db import db
from audit.models import Decision, DecisionOutcome

PROPOSAL = "2041-C03-step_up"


@pytest.fixture
def review(accepted):
    accepted()


@pytest.mark.parametrize(
    ("username", "status"), [("head", 200), ("auditor", 200), ("admin", 200), ("kawasaki", 403)]
)
def test_who_sees_the_review(client, auth, review, username, status):
    auth.login(username)
    assert client.get("/ratchet/?year=2041").status_code == status


def test_the_review_shows_the_proposal_with_its_evidence(client, auth, review):
    auth.login("head")
    page = client.get("/ratchet/?year=2041").get_data(as_text=True)
    assert f'id="p-{PROPOSAL}"' in page
    assert "L1 → L2" in page
    assert "川崎区役所" in page
    assert "多摩区役所" in page
    assert "195 / 200" in page
    assert "95%信頼区間" in page


def decide(client, outcome, rationale="", meeting="2041-10-01"):
    return client.post(
        f"/ratchet/proposals/{PROPOSAL}/decision",
        data={
            f"{PROPOSAL}-outcome": outcome,
            f"{PROPOSAL}-rationale": rationale,
            f"{PROPOSAL}-meeting_date": meeting,
        },
    )


def test_a_head_approves_in_the_browser_and_the_level_steps_up_next_year(app, client, auth, review):
    auth.login("head")
    response = decide(client, "approved", "全区で達成")
    assert response.status_code == 302
    with app.app_context():
        decision = db.session.scalar(select(Decision))
        assert decision.outcome == DecisionOutcome.APPROVED
        assert decision.effective_year == 2042
        assert decision.evidence["pooled"]["trials"] == 13 * 2 * 200
    page = client.get("/ratchet/?year=2041").get_data(as_text=True)
    assert "decided--approved" in page
    standard = client.get("/catalog/standards/C03").get_data(as_text=True)
    assert "令和24年度 (FY2042)" in standard
    assert "全区で達成" in standard  # the decision behind the step
    minutes = client.get("/ratchet/minutes?date=2041-10-01").get_data(as_text=True)
    assert "C03" in minutes


def test_a_rejection_without_a_reason_is_refused(app, client, auth, review):
    auth.login("head")
    response = decide(client, "rejected")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(Decision)) is None
    page = response.get_data(as_text=True)
    assert "notice--error" in page


@pytest.mark.parametrize("username", ["auditor", "kawasaki", "admin"])
def test_only_heads_decide(app, client, auth, review, username):
    auth.login(username)
    assert decide(client, "approved").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Decision)) is None


def test_an_unknown_proposal_is_404(client, auth, review):
    auth.login("head")
    assert client.post("/ratchet/proposals/nonsense/decision").status_code == 404
