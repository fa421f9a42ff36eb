"""Outcome indicators in the service layer: the published figures, imports, forms, the trail."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from audit.db import db
from audit.domain.catalog import ChangeKind
from audit.domain.survey import Direction, IndicatorStatus
from audit.models import AuditLogEntry, User
from audit.services import indicators
from audit.services.indicators import IndicatorDefinition

from ..conftest import NEXT_YEAR

HEADER = "indicator,fiscal_year,target,actual,note\n"
A = IndicatorStatus.ACHIEVED


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session


def admin(session):
    return session.scalar(select(User).where(User.username == "admin"))


def summary(session, code):
    return indicators.summarize(indicators.get_indicator(session, code))


def by_year(session, code):
    s = summary(session, code)
    return {y.fiscal_year: (y.target_in_force, y.actual, s.status(y)) for y in s.years}


def trail(session):
    return list(
        session.scalars(
            select(AuditLogEntry)
            .where(AuditLogEntry.object_type == "indicator")
            .order_by(AuditLogEntry.id)
        )
    )


def test_the_published_satisfaction_figures(session):
    """The demo carries the source document's figures (令和3年度 施策評価)."""
    years = by_year(session, "satisfaction")
    assert years[2015] == (None, Decimal("97.1"), IndicatorStatus.NO_TARGET)
    assert years[2018] == (Decimal(98), Decimal("98.2"), A)
    assert years[2019] == (Decimal(98), Decimal("99.0"), A)
    assert years[2020] == (Decimal(98), None, IndicatorStatus.NOT_MEASURED)
    assert years[2021] == (Decimal(98), Decimal("99.4"), A)
    phases = [
        (p.phase, p.fiscal_year, p.target) for p, _y in summary(session, "satisfaction").phases
    ]
    assert phases == [(1, 2017, Decimal(98)), (2, 2021, Decimal(98)), (3, 2025, Decimal(98))]


def test_the_published_my_number_card_figures(session):
    years = by_year(session, "mynumber")
    assert {y: years[y] for y in (2018, 2019, 2020, 2021)} == {
        2018: (Decimal(14), Decimal("16.5"), A),
        2019: (Decimal(16), Decimal("19.7"), A),
        2020: (Decimal(18), Decimal("30.9"), A),
        2021: (Decimal(20), Decimal("48.0"), A),
    }
    s = summary(session, "mynumber")
    phases = [(p.phase, p.fiscal_year, p.target, s.phase_status(p, y)) for p, y in s.phases]
    assert phases == [
        (1, 2017, Decimal(7), IndicatorStatus.NO_FIGURE),
        (2, 2021, Decimal(20), A),
        (3, 2025, Decimal(85), IndicatorStatus.NO_FIGURE),
    ]
    assert s.indicator.direction == Direction.HIGHER
    assert s.indicator.unit == "%"


def load(session, text, **options):
    plan = indicators.import_file(session, None, "figures.csv", text.encode(), **options)
    session.commit()
    return plan


def test_import_adds_years_and_records_them(session):
    plan = load(session, HEADER + "mynumber,R4,22,55.1,\nmynumber,R5,,,集計中のため未公表\n")
    assert [c.kind for c in plan.changes] == [ChangeKind.ADDED, ChangeKind.ADDED]
    years = by_year(session, "mynumber")
    assert years[2022] == (Decimal(22), Decimal("55.1"), A)
    assert years[2023] == (None, None, IndicatorStatus.NOT_MEASURED)
    assert [e.object_key for e in trail(session)][-2:] == ["mynumber FY2022", "mynumber FY2023"]


def test_a_blank_target_keeps_the_target_and_fills_the_actual(session):
    load(session, HEADER + "mynumber,2017,,9.8,\n")  # phase 1's year: only a phase target
    assert by_year(session, "mynumber")[2017] == (Decimal(7), Decimal("9.8"), A)


def test_an_actual_already_recorded_is_replaced_only_when_asked(session):
    before = len(trail(session))
    with pytest.raises(indicators.IndicatorRefused) as refused:
        load(session, HEADER + "mynumber,R4,22,55.1,\nmynumber,R3,20,47.0,\n")
    session.rollback()
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "actual")]
    assert 2022 not in by_year(session, "mynumber")  # the good row was not applied either
    assert len(trail(session)) == before

    load(session, HEADER + "mynumber,R3,20,47.0,\n", replace=True)
    assert by_year(session, "mynumber")[2021][1] == Decimal(47)
    last = trail(session)[-1]
    assert (last.before["actual"], last.after["actual"]) == ("48", "47")


def test_the_same_figures_again_change_nothing(session):
    plan = load(session, HEADER + "mynumber,H30,14.0,16.50,\n")
    assert (plan.changes, plan.unchanged) == ([], 1)


def test_the_form_sets_a_year_as_shown(session):
    assert indicators.save_year(session, admin(session), "mynumber", "R3", "20", "", "再集計中")
    session.commit()
    assert by_year(session, "mynumber")[2021] == (
        Decimal(20),
        None,
        IndicatorStatus.NOT_MEASURED,
    )
    assert not indicators.save_year(
        session, admin(session), "mynumber", "2021", "20", "", "再集計中"
    )
    assert trail(session)[-1].actor_name == "admin"


@pytest.mark.parametrize(
    ("year", "target", "actual", "fields"),
    [
        ("R99", "1", "1", ["fiscal_year"]),
        ("2021", "x", "1.2345", ["target", "actual"]),
        (str(NEXT_YEAR), "90", "91", ["actual"]),  # an actual for a year that has not begun
    ],
)
def test_the_form_names_every_wrong_field(session, year, target, actual, fields):
    with pytest.raises(indicators.IndicatorInvalid) as invalid:
        indicators.save_year(session, admin(session), "mynumber", year, target, actual, "")
    assert [e.field for e in invalid.value.errors] == fields


def test_define_an_indicator_with_phase_targets(session):
    row = indicators.save_indicator(
        session,
        admin(session),
        IndicatorDefinition(
            code="waiting",
            name_ja="繁忙期の平均待ち時間",
            unit="分",
            direction=Direction.LOWER,
            places=0,
            phase_targets={2: "45", 3: "30"},
        ),
    )
    session.commit()
    s = summary(session, "waiting")
    assert [(p.phase, p.fiscal_year, p.target) for p, _y in s.phases] == [
        (2, 2021, Decimal(45)),
        (3, 2025, Decimal(30)),
    ]
    assert row.position == 2  # after the two of the source document
    load(session, HEADER + "waiting,R3,,40,\n")
    assert by_year(session, "waiting")[2021] == (Decimal(45), Decimal(40), A)
    assert trail(session)[-2].action == "indicator.added"


@pytest.mark.parametrize(
    ("definition", "fields"),
    [
        (IndicatorDefinition(code="Bad Code", name_ja="x"), ["code"]),
        (IndicatorDefinition(code="ok", name_ja=" "), ["name_ja"]),
        (IndicatorDefinition(code="ok", name_ja="x", places=5), ["places"]),
        (IndicatorDefinition(code="ok", name_ja="x", phase_targets={1: "abc"}), ["phase_1"]),
    ],
)
def test_a_definition_names_every_wrong_field(session, definition, fields):
    with pytest.raises(indicators.IndicatorInvalid) as invalid:
        indicators.save_indicator(session, None, definition)
    assert [e.field for e in invalid.value.errors] == fields
