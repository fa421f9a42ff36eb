"""The ratchet through the API: the proposals' shape, and decisions by heads only."""

import pytest


@pytest.fixture
def call(client, runner):
    tokens = {}

    def call(method, path, user="head", **kwargs):
        if user not in tokens:
            tokens[user] = runner.invoke(args=["users", "token", user]).output.strip()
        return client.open(
            path, method=method, headers={"Authorization": f"Bearer {tokens[user]}"}, **kwargs
        )

    return call


def test_proposals_have_the_documented_shape(accepted, call):
    accepted()
    proposals = call("GET", "/api/v1/ratchet/proposals?year=2041").get_json()
    c03 = next(p for p in proposals if p["id"] == "2041-C03-step_up")
    assert {k: c03[k] for k in ("standard", "kind", "from_level", "to_level", "status")} == {
        "standard": "C03",
        "kind": "step_up",
        "from_level": 1,
        "to_level": 2,
        "status": "proposed",
    }
    assert len(c03["evidence"]["offices"]) == 26
    first = c03["evidence"]["offices"][0]
    assert {"office", "year", "rating", "successes", "trials", "interval"} <= set(first)
    assert c03["decision"] is None
    assert {p["kind"] for p in proposals} == {"step_up", "promotion"}


def test_a_head_decides_through_the_api(accepted, call):
    accepted()
    path = "/api/v1/ratchet/proposals/2041-C03-step_up/decision"
    body = {"outcome": "approved", "meeting_date": "2041-10-01", "rationale": "達成"}
    assert call("POST", path, user="auditor", json=body).status_code == 403
    decided = call("POST", path, json=body)
    assert decided.status_code == 200
    assert decided.get_json()["effective_year"] == 2042
    proposals = call("GET", "/api/v1/ratchet/proposals?year=2041").get_json()
    c03 = next(p for p in proposals if p["id"] == "2041-C03-step_up")
    assert c03["decision"]["outcome"] == "approved"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"outcome": "maybe", "meeting_date": "2041-10-01"}, 422),
        ({"outcome": "approved"}, 422),
        ({"outcome": "rejected", "meeting_date": "2041-10-01"}, 409),  # no reason
    ],
)
def test_bad_decisions(accepted, call, body, status):
    accepted()
    path = "/api/v1/ratchet/proposals/2041-C03-step_up/decision"
    assert call("POST", path, json=body).status_code == status


def test_committee_members_cannot_read_the_review(call):
    assert call("GET", "/api/v1/ratchet/proposals?year=2041", user="kawasaki").status_code == 403
