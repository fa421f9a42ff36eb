"""The visitor survey in the service layer: imports whole or not at all, replacing, figures."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from audit.db import db
from audit.domain.catalog import ChangeKind
from audit.domain.scoring import percent
from audit.domain.survey import SatisfactionTarget, SurveyCounts, TargetStatus
from audit.models import AuditLogEntry, Office, SurveyResult, User
from audit.services import catalog, demo, surveys
from audit.services.demo import NOT_CONDUCTED, PUBLISHED_SATISFACTION, SURVEY_SIZES

from ..conftest import TODAY

HEADER = "office,fiscal_year,yes,neutral,no,note\n"
#: a year before the demo data's first (FY2015), so no test meets them
YEAR = 2012
TARGET = SatisfactionTarget()


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session


def user(session, name):
    return session.scalar(select(User).where(User.username == name))


def office_id(session, code):
    return session.scalar(select(Office.id).where(Office.code == code))


def results_of(session, year=YEAR):
    rows = session.scalars(select(SurveyResult).where(SurveyResult.fiscal_year == year))
    return {r.office.code: (r.yes, r.neutral, r.no, r.note) for r in rows}


def trail(session, action=None):
    query = select(AuditLogEntry).where(AuditLogEntry.object_type == "survey")
    if action:
        query = query.where(AuditLogEntry.action == action)
    return list(session.scalars(query.order_by(AuditLogEntry.id)))


def load(session, text, **options):
    plan = surveys.import_file(session, None, "surveys.csv", text.encode(), **options)
    session.commit()
    return plan


def test_import_adds_results_and_records_each(session):
    plan = load(
        session,
        HEADER + f"kawasaki,{YEAR},290,6,4,\nsaiwai,H24,,,,台風で中止\ndaishi,{YEAR},48,1,1,\n",
    )
    assert [c.kind for c in plan.changes] == [ChangeKind.ADDED] * 3
    assert results_of(session) == {
        "kawasaki": (290, 6, 4, ""),
        "saiwai": (None, None, None, "台風で中止"),
        "daishi": (48, 1, 1, ""),
    }
    added = trail(session, "survey.added")
    assert [e.object_key for e in added] == ["kawasaki FY2012", "saiwai FY2012", "daishi FY2012"]
    assert added[0].before is None
    assert added[0].after == {"yes": 290, "neutral": 6, "no": 4, "note": ""}


def test_a_file_with_one_bad_row_changes_nothing(session):
    before = len(trail(session))
    with pytest.raises(surveys.SurveyRefused) as refused:
        load(session, HEADER + f"kawasaki,{YEAR},290,6,4,\nsaiwai,{YEAR},-1,6,4,\n")
    session.rollback()
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "yes")]
    assert results_of(session) == {}
    assert len(trail(session)) == before


def test_results_already_recorded_are_replaced_only_when_asked(session):
    load(session, HEADER + f"kawasaki,{YEAR},290,6,4,\n")
    changed = HEADER + f"daishi,{YEAR},48,1,1,\nkawasaki,{YEAR},280,10,10,\n"
    with pytest.raises(surveys.SurveyRefused) as refused:
        load(session, changed)
    session.rollback()
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "office")]
    assert results_of(session) == {"kawasaki": (290, 6, 4, "")}  # daishi was not added either

    plan = load(session, changed, replace=True)
    assert [(c.entry.office, c.kind) for c in plan.changes] == [
        ("daishi", ChangeKind.ADDED),
        ("kawasaki", ChangeKind.CHANGED),
    ]
    assert results_of(session)["kawasaki"] == (280, 10, 10, "")
    [replaced] = trail(session, "survey.replaced")
    assert replaced.object_key == "kawasaki FY2012"
    assert replaced.before == {"yes": 290, "neutral": 6, "no": 4, "note": ""}
    assert replaced.after == {"yes": 280, "neutral": 10, "no": 10, "note": ""}


def test_the_same_file_twice_changes_nothing_the_second_time(session):
    text = HEADER + f"kawasaki,{YEAR},290,6,4,\n"
    load(session, text)
    entries = len(trail(session))
    plan = load(session, text)
    assert (plan.changes, plan.unchanged) == ([], 1)
    assert len(trail(session)) == entries


def test_results_for_a_year_that_has_not_begun_are_refused(session):
    with pytest.raises(surveys.SurveyRefused):
        surveys.check_file(
            session,
            "f.csv",
            (HEADER + "kawasaki,2031,1,1,1,\n").encode(),
            replace=False,
            today=date(2030, 5, 1),
        )


def test_missing_is_none_and_not_conducted_has_no_figure(session):
    assert surveys.survey_for(session, office_id(session, "kawasaki"), YEAR) is None
    covid = surveys.survey_for(session, office_id(session, "kawasaki"), 2020)
    assert covid is not None
    assert not covid.is_conducted
    assert (covid.satisfaction, covid.status) == (None, None)
    assert "新型コロナウイルス" in covid.note


def test_survey_for_gives_the_figures_a_scorecard_needs(session):
    load(session, HEADER + f"kawasaki,{YEAR},290,4,6,\n")
    kawasaki = office_id(session, "kawasaki")
    figures = surveys.survey_for(session, kawasaki, YEAR, TARGET)
    assert figures.counts == SurveyCounts(290, 4, 6)
    assert percent(figures.satisfaction.rate) == "98.0%"
    assert percent(figures.satisfaction.interval.low) == "95.7%"
    assert figures.status == TargetStatus.MET
    strict = SatisfactionTarget(tolerance=0)
    assert surveys.survey_for(session, kawasaki, YEAR, strict).status == TargetStatus.CONSISTENT


def test_the_citywide_figure_pools_every_office_that_was_surveyed(session):
    load(
        session,
        HEADER + f"kawasaki,{YEAR},290,6,4,\nsaiwai,{YEAR},,,,中止\ndaishi,{YEAR},48,1,1,\n",
    )
    page = surveys.survey_year(session, None, YEAR, TARGET)
    assert page.citywide.counts == SurveyCounts(338, 7, 5)
    assert (page.pooled_offices, page.all_offices) == (2, 13)
    by_code = {o.code: f for o, f in page.offices}
    assert len(by_code) == len(catalog.list_offices(session))
    assert by_code["nakahara"] is None  # no result: missing, not zero
    assert not by_code["saiwai"].is_conducted


def test_a_year_no_office_conducted_is_a_gap_citywide(session):
    page = surveys.survey_year(session, None, 2020, TARGET)
    assert not page.citywide.is_conducted
    assert page.citywide.note == NOT_CONDUCTED[2020]


def test_a_committee_member_sees_their_wards_offices_and_the_citys_figure(session):
    load(session, HEADER + f"kawasaki,{YEAR},290,6,4,\nsaiwai,{YEAR},100,0,0,\n")
    page = surveys.survey_year(session, user(session, "kawasaki"), YEAR, TARGET)
    assert [o.code for o, _f in page.offices] == ["kawasaki", "daishi", "tajima"]
    assert page.citywide.counts == SurveyCounts(390, 6, 4)


def test_an_office_trend_keeps_gaps_and_pools_the_last_three_surveys(session):
    daishi = catalog.get_office(session, "daishi")
    trend = surveys.office_trend(session, daishi, TARGET)
    years = dict(trend.years)
    assert list(years) == list(range(min(years), max(years) + 1))
    assert years[2017] is None  # no result that year
    assert not years[2020].is_conducted
    conducted = [y for y, f in trend.years if f and f.is_conducted]
    assert trend.pooled_years == conducted[-3:]
    assert trend.pooled.counts == SurveyCounts(
        *(
            sum(getattr(years[y].counts, n) for y in conducted[-3:])
            for n in ("yes", "neutral", "no")
        )
    )


def test_the_demo_survey_adds_up_to_the_published_figures(session):
    for year, published in PUBLISHED_SATISFACTION.items():
        city = surveys.survey_year(session, None, year, TARGET).citywide
        assert percent(city.satisfaction.rate) == f"{published}%", year
    city = surveys.survey_year(session, None, 2021, TARGET).citywide
    assert percent(city.top_box.rate) == "97.8%"
    assert percent(Decimal(city.counts.neutral) / city.counts.answers) == "1.6%"


def test_the_demo_survey_has_every_office_and_was_not_held_in_2020(session):
    offices = catalog.list_offices(session)
    for year in [*PUBLISHED_SATISFACTION, 2020]:
        page = surveys.survey_year(session, None, year, TARGET)
        assert all(f is not None for _o, f in page.offices)
        for office, figures in page.offices:
            if year == 2020:
                assert not figures.is_conducted
                continue
            assert abs(figures.counts.answers - SURVEY_SIZES[office.kind]) <= 8
    total = session.scalar(
        select(func.count()).select_from(SurveyResult).where(SurveyResult.fiscal_year == 2021)
    )
    assert total == len(offices)


# --- the form ---------------------------------------------------------------------------

CELLS = {"yes": "290", "neutral": "6", "no": "4", "note": ""}


def save(session, name="auditor", year=str(YEAR), cells=CELLS, **options):
    result = surveys.save_result(session, user(session, name), "kawasaki", year, cells, **options)
    session.commit()
    return result


@pytest.mark.parametrize(
    ("year", "cells", "fields"),
    [
        ("R99", CELLS, ["fiscal_year"]),
        (str(YEAR), {**CELLS, "no": ""}, ["no"]),
        (str(YEAR), {"yes": "", "neutral": "", "no": "", "note": ""}, ["note"]),
        (str(YEAR), {**CELLS, "yes": "-1", "neutral": "x"}, ["yes", "neutral"]),
    ],
)
def test_the_form_names_every_wrong_field(session, year, cells, fields):
    with pytest.raises(surveys.SurveyInvalid) as invalid:
        save(session, year=year, cells=cells)
    assert [e.field for e in invalid.value.errors] == fields


def test_the_form_replaces_only_when_asked_and_records_it(session):
    assert save(session) == ChangeKind.ADDED
    assert save(session) is None  # the same again: nothing to do
    not_held = {"yes": "", "neutral": "", "no": "", "note": "庁舎改修のため未実施"}
    with pytest.raises(surveys.SurveyExists):
        save(session, cells=not_held)
    session.rollback()
    assert save(session, cells=not_held, replace=True) == ChangeKind.CHANGED
    assert results_of(session) == {"kawasaki": (None, None, None, "庁舎改修のため未実施")}
    [replaced] = trail(session, "survey.replaced")
    assert replaced.actor_name == "auditor"
    assert replaced.after["yes"] is None


def test_the_demo_adds_surveys_and_indicators_once(session):
    rows = session.scalar(select(func.count()).select_from(SurveyResult))
    assert demo.create_demo_data(session, today=TODAY) == []
    assert session.scalar(select(func.count()).select_from(SurveyResult)) == rows
