"""The visitor survey: every office against the target, an office's trend, import and entry."""

from decimal import ROUND_FLOOR, Decimal
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from audit.access import ALL_ROLES, requires, visible_office_ids
from audit.db import db
from audit.domain.fiscal_year import parse_fiscal_year
from audit.domain.survey import SatisfactionTarget, SurveyFigures, decode_text
from audit.forms import CsvApplyForm, CsvUploadForm, SurveyResultForm
from audit.i18n import _, localized
from audit.models import Role
from audit.services import catalog, surveys

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
EDITOR_ROLES = (Role.ADMIN, Role.AUDITOR)
#: the lowest the charts' scale goes: an n=50 interval reaches well below 90%
CHART_FLOOR = Decimal("0.80")


def survey_target() -> SatisfactionTarget:
    return surveys.survey_target(current_app.config)


def chart_low(figures: list[SurveyFigures | None], target: SatisfactionTarget) -> Decimal:
    """Where the charts' scale starts: 5 points under the lowest lower bound, in steps of 5."""
    lows = [f.satisfaction.interval.low for f in figures if f and f.satisfaction]
    lowest = min([*lows, target.threshold])
    return max(CHART_FLOOR, (lowest * 20).to_integral_value(rounding=ROUND_FLOOR) / 20)


def requested_year(years: list[int]) -> int | None:
    """The year asked for (2022, R4 or 令和4年度), else the latest with results."""
    text = request.args.get("year")
    if not text:
        return years[0] if years else None
    try:
        return parse_fiscal_year(text)
    except ValueError:
        abort(404)


@bp.route("/")
@requires(*ALL_ROLES)
def index() -> Any:
    target = survey_target()
    years = surveys.survey_years(db.session)
    year = requested_year(years)
    page = surveys.survey_year(db.session, current_user, year, target) if year else None
    trend = surveys.citywide_trend(db.session, target)
    shown = [f for _o, f in page.offices] + [f for _y, f in trend] if page else []
    return render_template(
        "surveys/index.html",
        years=years,
        year=year,
        page=page,
        trend=trend,
        target=target,
        low=chart_low(shown, target),
        may_edit=current_user.role in EDITOR_ROLES,
    )


@bp.route("/offices/<code>")
@requires(*ALL_ROLES)
def office(code: str) -> Any:
    row = catalog.get_office(db.session, code)
    visible = visible_office_ids(current_user)
    if row is None or (visible is not None and row.id not in visible):
        abort(404)
    target = survey_target()
    trend = surveys.office_trend(db.session, row, target)
    return render_template(
        "surveys/office.html",
        trend=trend,
        target=target,
        low=chart_low([f for _y, f in trend.years], target),
        may_edit=current_user.role in EDITOR_ROLES,
    )


def entry_form() -> SurveyResultForm:
    form = SurveyResultForm()
    form.office.choices = [
        SelectChoice(o.code, localized(o, "name")) for o in catalog.list_offices(db.session)
    ]
    return form


@bp.route("/entry", methods=["GET", "POST"])
@requires(*EDITOR_ROLES)
def entry() -> Any:
    """Enter one office's result for one year, or record that the survey was not conducted."""
    form = entry_form()
    if request.method == "GET" and request.args.get("office"):
        prefill(form, request.args["office"], request.args.get("year", ""))
    if form.validate_on_submit():
        cells = {name: getattr(form, name).data or "" for name in ("yes", "neutral", "no", "note")}
        try:
            changed = surveys.save_result(
                db.session,
                current_user,
                form.office.data,
                form.fiscal_year.data,
                cells,
                replace=form.replace.data,
            )
        except surveys.SurveyInvalid as invalid:
            db.session.rollback()
            for error in invalid.errors:
                field = getattr(form, error.field, None)
                message = _(error.message, **error.params)
                if field is None:
                    form.form_errors.append(message)
                else:
                    field.errors.append(message)
        except surveys.SurveyExists as exists:
            db.session.rollback()
            form.replace.errors.append(_(exists.message, **exists.params))
        else:
            db.session.commit()
            if changed is None:
                flash(_("Nothing changed: the result was already recorded."), "info")
            else:
                flash(_("The survey result was saved."), "success")
            year = parse_fiscal_year(form.fiscal_year.data)
            return redirect(url_for("surveys.index", year=year))
    return render_template("surveys/entry.html", form=form)


def prefill(form: SurveyResultForm, office_code: str, year_text: str) -> None:
    """Fill the form with what is recorded, to correct it."""
    office = catalog.get_office(db.session, office_code)
    try:
        year = parse_fiscal_year(year_text)
    except ValueError:
        return
    form.office.data, form.fiscal_year.data = office_code, str(year)
    figures = surveys.survey_for(db.session, office.id, year) if office else None
    if figures is not None:
        counts = figures.counts
        form.yes.data = str(counts.yes) if counts else ""
        form.neutral.data = str(counts.neutral) if counts else ""
        form.no.data = str(counts.no) if counts else ""
        form.note.data = figures.note
        form.replace.data = True


@bp.route("/import", methods=["GET", "POST"])
@requires(*EDITOR_ROLES)
def upload() -> Any:
    """Check an uploaded file and show what it would change; nothing is applied yet."""
    form = CsvUploadForm()
    if form.validate_on_submit():
        name = form.file.data.filename or "surveys.csv"
        data = form.file.data.read()
        try:
            plan = surveys.check_file(db.session, name, data, replace=form.replace.data)
        except surveys.SurveyRefused as refused:
            return render_template("surveys/upload.html", form=form, refused=refused)
        finally:
            db.session.rollback()
        confirm = CsvApplyForm(
            file_name=name,
            content=decode_text(data),
            replace="1" if form.replace.data else "",
        )
        return render_template(
            "surveys/upload.html",
            form=form,
            plan=plan,
            confirm=confirm,
            offices={o.code: o for o in catalog.list_offices(db.session)},
        )
    return render_template("surveys/upload.html", form=form)


@bp.route("/import/apply", methods=["POST"])
@requires(*EDITOR_ROLES)
def apply_upload() -> Any:
    """Apply a file checked before; it is checked again, as the results may have changed."""
    form = CsvApplyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        plan = surveys.import_file(
            db.session,
            current_user,
            form.file_name.data,
            form.content.data.encode(),
            replace=form.replace.data == "1",
        )
    except surveys.SurveyRefused as refused:
        db.session.rollback()
        return render_template("surveys/upload.html", form=CsvUploadForm(), refused=refused)
    db.session.commit()
    flash(
        _(
            "%(name)s was applied: %(count)s result(s) added or replaced.",
            name=form.file_name.data,
            count=len(plan.changes),
        ),
        "success",
    )
    years = sorted({c.entry.fiscal_year for c in plan.changes}, reverse=True)
    return redirect(url_for("surveys.index", year=years[0] if years else None))
