"""The demo data: their years follow the day they are made for, never the machine's clock."""

from datetime import date

import pytest
from sqlalchemy import func, select

from audit.db import db
from audit.domain.fiscal_year import fiscal_year_of
from audit.models import Audit, AuditStatus, SurveyResult, utc_now
from audit.services import catalog, demo

from ..conftest import THIS_YEAR


def audit_years(session) -> dict[AuditStatus, set[int]]:
    years: dict[AuditStatus, set[int]] = {}
    for status, year in session.execute(select(Audit.status, Audit.fiscal_year)):
        years.setdefault(status, set()).add(year)
    return years


@pytest.mark.parametrize(
    ("today", "accepted", "draft"),
    [
        (date(2027, 5, 1), {2024, 2025, 2026}, 2027),
        (date(2027, 3, 31), {2023, 2024, 2025}, 2026),  # the last day of FY2026
        (date(2030, 4, 1), {2027, 2028, 2029}, 2030),  # the first day of FY2030
    ],
)
def test_the_demo_years_follow_the_day_given(empty_app, checklists_dir, today, accepted, draft):
    with empty_app.app_context():
        session = db.session
        catalog.load_files(session, catalog.read_files([checklists_dir]), actor=None)
        demo.create_demo_data(session, today=today)
        assert audit_years(session) == {AuditStatus.ACCEPTED: accepted, AuditStatus.DRAFT: {draft}}
        # The surveys run up to the last accepted year, none in the year that is still going.
        assert session.scalar(select(func.max(SurveyResult.fiscal_year))) == draft - 1


def test_the_app_and_its_demo_data_run_on_the_test_clock(app):
    """AUDIT_TEST_TODAY moves the clock that the app reads, before the demo data are made."""
    assert fiscal_year_of(date.today()) == THIS_YEAR
    assert fiscal_year_of(utc_now().date()) == THIS_YEAR
    with app.app_context():
        years = audit_years(db.session)
    assert years[AuditStatus.DRAFT] == {THIS_YEAR}
    assert max(years[AuditStatus.ACCEPTED]) == THIS_YEAR - 1
