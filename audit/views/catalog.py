"""The catalog: principles and standards, levels by fiscal year, offices, and file uploads."""

from datetime import date
from itertools import groupby
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from audit.access import ALL_ROLES, requires
from audit.db import db
from audit.domain.catalog import CatalogFile
from audit.domain.fiscal_year import fiscal_year_of
from audit.forms import ChecklistApplyForm, ChecklistUploadForm
from audit.i18n import _
from audit.models import Role
from audit.services import catalog, ratchet

bp = Blueprint("catalog", __name__, url_prefix="/catalog")


@bp.route("/")
@requires(*ALL_ROLES)
def principles() -> Any:
    standards = catalog.list_standards(db.session)
    by_principle = {
        key: list(group)
        for key, group in groupby(
            sorted(standards, key=lambda s: s.principle_id), key=lambda s: s.principle_id
        )
    }
    return render_template(
        "catalog/principles.html",
        principles=catalog.list_principles(db.session),
        by_principle=by_principle,
    )


@bp.route("/standards/<code>")
@requires(*ALL_ROLES)
def standard(code: str) -> Any:
    row = catalog.get_standard(db.session, code)
    if row is None:
        abort(404)
    this_year = fiscal_year_of(date.today())
    years = range(min(row.since, this_year), this_year + 2)
    return render_template(
        "catalog/standard.html",
        standard=row,
        this_year=this_year,
        levels_by_year=catalog.levels_by_year(row, reversed(years)),
        decisions=ratchet.decision_history(db.session, row.id),
    )


@bp.route("/offices")
@requires(*ALL_ROLES)
def offices() -> Any:
    return render_template("catalog/offices.html", offices=catalog.list_offices(db.session))


@bp.route("/offices/<code>")
@requires(*ALL_ROLES)
def office(code: str) -> Any:
    row = catalog.get_office(db.session, code)
    if row is None:
        abort(404)
    return render_template(
        "catalog/office.html", office=row, standards=catalog.standards_for_office(db.session, row)
    )


@bp.route("/upload", methods=["GET", "POST"])
@requires(Role.ADMIN)
def upload() -> Any:
    """Check an uploaded file and show what it would change; nothing is applied yet."""
    form = ChecklistUploadForm()
    if form.validate_on_submit():
        name = form.file.data.filename or "upload.toml"
        data = form.file.data.read()
        try:
            plan = catalog.check_files(db.session, [CatalogFile(name, data)])
        except catalog.CatalogRefused as refused:
            return render_template("catalog/upload.html", form=form, problems=refused.problems)
        finally:
            db.session.rollback()
        confirm = ChecklistApplyForm(file_name=name, content=data.decode("utf-8-sig"))
        return render_template("catalog/upload.html", form=form, plan=plan, confirm=confirm)
    return render_template("catalog/upload.html", form=form)


@bp.route("/upload/apply", methods=["POST"])
@requires(Role.ADMIN)
def apply_upload() -> Any:
    """Apply a file checked before; it is checked again, as the catalog may have changed."""
    form = ChecklistApplyForm()
    if not form.validate_on_submit():
        abort(400)
    file = CatalogFile(form.file_name.data, form.content.data.encode())
    try:
        plan = catalog.load_files(db.session, [file], actor=current_user)
    except catalog.CatalogRefused as refused:
        db.session.rollback()
        return render_template(
            "catalog/upload.html", form=ChecklistUploadForm(), problems=refused.problems
        )
    db.session.commit()
    flash(
        _("%(name)s was applied: %(count)s change(s).", name=file.name, count=len(plan.changes)),
        "success",
    )
    return redirect(url_for("catalog.principles"))
