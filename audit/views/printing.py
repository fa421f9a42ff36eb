"""Printed documents: an audit's scorecard, a blank checklist, an action plan, the review pack.

Each view loads the values for who is asking, renders them, commits the audit-trail entry
that records the printing, and sends the PDF to be opened in the browser.
"""

from datetime import date
from io import BytesIO
from typing import Any

from flask import Blueprint, abort, current_app, request, send_file
from flask_babel import to_user_timezone
from flask_login import current_user

from audit.access import ALL_ROLES, CITYWIDE_ROLES, requires
from audit.db import db
from audit.domain.fiscal_year import fiscal_year_of, parse_fiscal_year
from audit.labels import user_label
from audit.models import utc_now
from audit.pdf.action_plan import render_action_plan
from audit.pdf.checklist import render_checklist
from audit.pdf.pack import render_pack
from audit.pdf.scorecard import render_scorecard
from audit.pdf.values import Printed
from audit.services import printing, surveys
from audit.views.audits import load_audit

bp = Blueprint("printing", __name__)


def printed_now() -> Printed:
    """The footer's "printed by whom, when", in the city's time zone: whom by role and office,
    as users have no name (氏名) yet; the audit trail keeps the user."""
    return Printed(user_label(current_user), to_user_timezone(utc_now()))


def send_pdf(data: bytes, name: str) -> Any:
    return send_file(BytesIO(data), mimetype="application/pdf", download_name=name)


def year_arg(default: int) -> int:
    """The fiscal year asked for (2022, R4 or 令和4年度), else ``default``."""
    text = request.args.get("year")
    if not text:
        return default
    try:
        return parse_fiscal_year(text)
    except ValueError:
        abort(404)


@bp.route("/audits/<int:audit_id>/scorecard.pdf")
@requires(*ALL_ROLES)
def scorecard(audit_id: int) -> Any:
    audit = load_audit(audit_id)
    name = f"scorecard-{audit.office.code}-{audit.fiscal_year}-{audit.kind.value}.pdf"
    stamp = printed_now()
    card = printing.print_scorecard(
        db.session,
        current_user,
        audit,
        target=surveys.survey_target(current_app.config),
        zone=stamp.at.tzinfo,
    )
    data = render_scorecard(card, stamp)
    db.session.commit()
    return send_pdf(data, name)


@bp.route("/offices/<code>/checklist.pdf")
@requires(*ALL_ROLES)
def checklist(code: str) -> Any:
    office = printing.visible_office(db.session, current_user, code)
    if office is None:
        abort(404)
    year = year_arg(fiscal_year_of(date.today()))
    sheet = printing.print_checklist(db.session, current_user, office, year)
    data = render_checklist(sheet, printed_now())
    db.session.commit()
    return send_pdf(data, f"checklist-{code}-{year}.pdf")


@bp.route("/actions/plan.pdf")
@requires(*ALL_ROLES)
def action_plan() -> Any:
    """One office's plan (``?office=CODE``); without it, every office the user may see."""
    code = request.args.get("office") or None
    if code is not None:
        office = printing.visible_office(db.session, current_user, code)
        if office is None:
            abort(404)
        offices = [office]
    else:
        offices = printing.visible_offices(db.session, current_user)
    if not offices:
        abort(404)
    plan = printing.print_action_plan(db.session, current_user, offices)
    data = render_action_plan(plan, printed_now())
    db.session.commit()
    return send_pdf(data, f"action-plan-{code or 'all'}.pdf")


@bp.route("/review/pack.pdf")
@requires(*CITYWIDE_ROLES)
def review_pack() -> Any:
    """The meeting's pack; by default for last fiscal year, whose audits are done."""
    year = year_arg(fiscal_year_of(date.today()) - 1)
    pack = printing.print_review_pack(
        db.session,
        current_user,
        year,
        target=surveys.survey_target(current_app.config),
        city=request.args.get("city"),
    )
    data = render_pack(pack, printed_now())
    db.session.commit()
    return send_pdf(data, f"review-pack-{year}.pdf")
