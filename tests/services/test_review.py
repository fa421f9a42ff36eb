"""The review's matrix in the service layer: the state of each office's audit, and the
calibration following the matrix's filters."""

import pytest
from sqlalchemy import func, select

from audit.db import db
from audit.domain.catalog import OfficeKind
from audit.domain.review import ResultState
from audit.models import Audit, AuditStatus
from audit.services import review


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session


@pytest.fixture
def reviewed(session) -> int:
    """The demo's last year of accepted audits (the year after has Kawasaki's draft)."""
    return session.scalar(
        select(func.max(Audit.fiscal_year)).where(Audit.status == AuditStatus.ACCEPTED)
    )


@pytest.mark.parametrize(
    ("status", "comment", "state"),
    [
        (AuditStatus.DRAFT, None, ResultState.DRAFT),
        (AuditStatus.DRAFT, "証拠の記載が不足しています", ResultState.RETURNED),
        (AuditStatus.SUBMITTED, None, ResultState.SUBMITTED),
    ],
)
def test_an_office_without_an_accepted_audit_is_in_its_audit_s_state(
    session, reviewed, status, comment, state
):
    draft = session.scalar(select(Audit).where(Audit.fiscal_year == reviewed + 1))
    draft.status, draft.return_comment = status, comment
    session.flush()
    matrix = review.build_matrix(session, reviewed + 1)
    assert matrix.state(draft.office.code) == state
    assert matrix.missing_state(draft.office.code) == state
    others = {matrix.state(o.code) for o in matrix.offices if o.id != draft.office_id}
    assert others == {ResultState.NOT_STARTED}
    assert not matrix.cells  # still nothing counted


def test_years_before_any_audit_have_no_record_and_accepted_years_their_results(session, reviewed):
    first = session.scalar(select(func.min(Audit.fiscal_year)))
    before = review.build_matrix(session, first - 1)
    assert {before.state(o.code) for o in before.offices} == {ResultState.NO_RECORD}
    accepted = review.build_matrix(session, reviewed)
    assert {accepted.state(o.code) for o in accepted.offices} == {ResultState.ACCEPTED}


def test_a_principle_filtered_out_is_said_so(session, reviewed):
    matrix = review.build_matrix(session, reviewed, principle="P2")
    assert matrix.principle_state("kawasaki", "P1") == ResultState.FILTERED_OUT
    assert matrix.principle_state("kawasaki", "P2") is None  # shown: it has results


def test_the_calibration_follows_the_kind_of_office(session, reviewed):
    matrix = review.build_matrix(
        session, reviewed, office_kind=OfficeKind.BRANCH, with_calibrations=True
    )
    calibrated = {office.code for office, _calibration in matrix.calibrations}
    assert calibrated == {o.code for o in matrix.offices} == {"daishi", "tajima"}


def test_the_calibration_follows_the_principle(session, reviewed):
    """Split by principle, each office's pairs add up to its pairs over every standard."""
    every = review.build_matrix(session, reviewed, with_calibrations=True)
    total = {office.code: c.pairs for office, c in every.calibrations}
    added = dict.fromkeys(total, 0)
    for principle in every.principles:
        matrix = review.build_matrix(
            session, reviewed, principle=principle.code, with_calibrations=True
        )
        shown = {s.code for s in matrix.standards}
        for office, calibration in matrix.calibrations:
            assert set(calibration.overrated) <= shown
            added[office.code] += calibration.pairs
    assert added == total
    assert all(pairs > 0 for pairs in total.values())
