"""Outcome indicators: targets by plan phase and by year, yearly actuals, achieved or not."""

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from audit.access import ALL_ROLES, requires
from audit.db import db
from audit.domain.scoring import FieldError
from audit.domain.survey import PLAN_PHASES, Direction
from audit.forms import IndicatorForm, IndicatorYearForm
from audit.i18n import _
from audit.labels import DIRECTION_LABELS
from audit.models import Indicator, Role
from audit.services import indicators
from audit.services.indicators import IndicatorDefinition

bp = Blueprint("indicators", __name__, url_prefix="/indicators")


@bp.route("/")
@requires(*ALL_ROLES)
def index() -> Any:
    summaries = [indicators.summarize(row) for row in indicators.list_indicators(db.session)]
    return render_template(
        "indicators/index.html",
        summaries=summaries,
        scales={s.indicator.code: chart_scale(s) for s in summaries},
        phases=PLAN_PHASES,
    )


def chart_scale(summary: indicators.IndicatorSummary) -> list[Decimal]:
    """The ticks of a chart's value axis: round steps (1, 2 or 5 × 10ⁿ) around every value.

    A dot chart need not start at zero, so a satisfaction rate between 97% and 99% is not
    flattened; a scale for values that are never negative does not go below zero.
    """
    values = [v for y in summary.years for v in (y.actual, y.target_in_force) if v is not None]
    if not values:
        return [Decimal(0), Decimal(1)]
    low, high = min(values), max(values)
    span = (high - low) or abs(high) or Decimal(1)
    step = next(
        candidate
        for exponent in range(-3, 8)
        for digit in (1, 2, 5)
        if (candidate := Decimal(digit).scaleb(exponent)) * 4 >= span
    )
    bottom = ((low - span / 10) / step).to_integral_value(rounding=ROUND_FLOOR) * step
    top = ((high + span / 10) / step).to_integral_value(rounding=ROUND_CEILING) * step
    if low >= 0:
        bottom = max(bottom, Decimal(0))
    count = int((top - bottom) / step)
    return [bottom + step * i for i in range(count + 1)]


def show_errors(form: Any, errors: list[FieldError]) -> None:
    for error in errors:
        field = getattr(form, error.field, None)
        message = _(error.message, **error.params)
        (field.errors if field is not None else form.form_errors).append(message)


def definition_form(row: Indicator | None) -> IndicatorForm:
    form = IndicatorForm()
    form.direction.choices = [SelectChoice(d.value, label) for d, label in DIRECTION_LABELS.items()]
    for phase, year in PLAN_PHASES.items():
        getattr(form, f"phase_{phase}").label.text = _(
            "Target of phase %(phase)s (FY%(year)s)", phase=phase, year=year
        )
    if row is not None and not form.is_submitted():
        form.process(data={"code": row.code, **indicators.definition_values(row)})
    return form


def save_definition(form: IndicatorForm) -> Indicator | None:
    definition = IndicatorDefinition(
        code=form.code.data.strip(),
        name_ja=form.name_ja.data or "",
        name_en=form.name_en.data or "",
        unit=form.unit.data or "",
        direction=Direction(form.direction.data),
        places=form.places.data if form.places.data is not None else 1,
        definition_ja=form.definition_ja.data or "",
        definition_en=form.definition_en.data or "",
        phase_targets={p: getattr(form, f"phase_{p}").data or "" for p in PLAN_PHASES},
    )
    try:
        row = indicators.save_indicator(db.session, current_user, definition)
    except indicators.IndicatorInvalid as invalid:
        db.session.rollback()
        show_errors(form, invalid.errors)
        return None
    db.session.commit()
    return row


@bp.route("/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new() -> Any:
    form = definition_form(None)
    if form.validate_on_submit():
        if indicators.get_indicator(db.session, form.code.data.strip()) is not None:
            form.code.errors.append(_("An indicator with this code exists already."))
        elif (row := save_definition(form)) is not None:
            flash(_("The indicator was saved."), "success")
            return redirect(url_for("indicators.edit", code=row.code))
    return render_template("indicators/edit.html", form=form, summary=None, year_form=None)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit(code: str) -> Any:
    row = indicators.get_indicator(db.session, code)
    if row is None:
        abort(404)
    form = definition_form(row)
    form.code.data = row.code  # the code names the indicator in files: it does not change
    if form.validate_on_submit() and save_definition(form) is not None:
        flash(_("The indicator was saved."), "success")
        return redirect(url_for("indicators.edit", code=row.code))
    return render_template(
        "indicators/edit.html",
        form=form,
        summary=indicators.summarize(row),
        year_form=IndicatorYearForm(),
    )


@bp.route("/<code>/years", methods=["POST"])
@requires(Role.ADMIN)
def save_year(code: str) -> Any:
    """Set one year's target and actual; a note without an actual records 'not measured'."""
    row = indicators.get_indicator(db.session, code)
    if row is None:
        abort(404)
    form = IndicatorYearForm()
    if form.validate_on_submit():
        try:
            changed = indicators.save_year(
                db.session,
                current_user,
                code,
                form.fiscal_year.data,
                form.target.data or "",
                form.actual.data or "",
                form.note.data or "",
            )
        except indicators.IndicatorInvalid as invalid:
            db.session.rollback()
            show_errors(form, invalid.errors)
        else:
            db.session.commit()
            if changed:
                flash(_("The year was saved."), "success")
            else:
                flash(_("Nothing changed: the year was already recorded so."), "info")
            return redirect(url_for("indicators.edit", code=code))
    return render_template(
        "indicators/edit.html",
        form=definition_form(row),
        summary=indicators.summarize(row),
        year_form=form,
    )
