"""`flask --app wsgi ratchet review`: the proposals with their evidence, as text or JSON."""

import json


def test_review_json(accepted, runner):
    accepted()
    result = runner.invoke(args=["ratchet", "review", "--year", "2041", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    c03 = next(r for r in rows if r["standard"] == "C03" and r["kind"] == "step_up")
    assert (c03["from_level"], c03["to_level"], c03["status"]) == (1, 2, "proposed")
    assert len(c03["evidence"]["offices"]) == 26


def test_review_text_shows_evidence(accepted, runner):
    accepted()
    output = runner.invoke(args=["ratchet", "review", "--year", "2041"]).output
    assert "2041-C03-step_up: step_up L1 -> L2 [proposed, undecided]" in output
    assert "FY2041 kawasaki" in output
    assert "195/200 (95% CI 0.943-0.989)" in output


def test_no_proposal_without_evidence(runner):
    result = runner.invoke(args=["ratchet", "review", "--year", "2050"])
    assert result.exit_code == 0
    assert result.output.strip() == "FY2050: no proposal."
