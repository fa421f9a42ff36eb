"""Printing from the command line: the file is written, the printing recorded; else exit 1."""

import pytest
from sqlalchemy import select

from audit.db import db
from audit.models import AuditLogEntry

from ..conftest import LAST_YEAR as YEAR


@pytest.mark.parametrize(
    ("args", "document"),
    [
        (["scorecard", "--office", "kawasaki", "--year", str(YEAR)], "scorecard"),
        (
            ["scorecard", "--office", "daishi", "--year", str(YEAR), "--kind", "external"],
            "scorecard",
        ),
        (["scorecard", "--office", "kawasaki", "--year", f"FY{YEAR}", "--lang", "en"], "scorecard"),
        (["pack", "--year", str(YEAR)], "review_pack"),
        (["checklist", "--office", "kawasaki", "--year", str(YEAR + 1)], "checklist"),
        (["action-plan", "--office", "nakahara"], "action_plan"),
        (["action-plan"], "action_plan"),
    ],
)
def test_writes_the_pdf_and_records_it(app, runner, tmp_path, args, document):
    out = tmp_path / "out.pdf"
    result = runner.invoke(args=[*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {out}")
    assert out.read_bytes().startswith(b"%PDF-")
    with app.app_context():
        entry = db.session.scalar(
            select(AuditLogEntry).where(AuditLogEntry.action == "document.printed")
        )
    assert entry.actor_name == "cli"
    assert entry.after["document"] == document


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["scorecard", "--office", "nowhere", "--year", str(YEAR)], 1, "unknown office nowhere"),
        (["scorecard", "--office", "kawasaki", "--year", "2090"], 1, "no self audit for FY2090"),
        (["scorecard", "--office", "kawasaki", "--year", "someday"], 2, "write 2022, R4"),
        (["pack", "--year", "2090"], 1, "FY2090 has no accepted audit"),
        (["checklist", "--office", "nowhere", "--year", str(YEAR)], 1, "unknown office nowhere"),
        (["checklist", "--office", "kawasaki", "--year", "1990"], 1, "no standard is in force"),
        (["action-plan", "--office", "nowhere"], 1, "unknown office nowhere"),
    ],
)
def test_refuses_what_does_not_exist(app, runner, tmp_path, args, code, message):
    """Exit 1 for what does not exist, 2 (a usage error) for what is not a fiscal year."""
    out = tmp_path / "out.pdf"
    result = runner.invoke(args=[*args, "--out", str(out)])
    assert result.exit_code == code
    assert message in result.output
    assert not out.exists()
    with app.app_context():
        assert (
            db.session.scalar(
                select(AuditLogEntry.id).where(AuditLogEntry.action == "document.printed")
            )
            is None
        )
