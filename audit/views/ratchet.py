"""The division heads' meeting: the year's proposals with their evidence, decisions, minutes."""

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from audit.access import CITYWIDE_ROLES, requires
from audit.db import db
from audit.domain.fiscal_year import fiscal_year_of
from audit.forms import DecisionForm
from audit.i18n import _
from audit.models import DecisionOutcome, Role
from audit.services import catalog, ratchet

bp = Blueprint("ratchet", __name__, url_prefix="/ratchet")


def review_year_arg() -> int:
    """The review year asked for; by default last fiscal year, whose audits are done."""
    return request.args.get("year", type=int) or fiscal_year_of(date.today()) - 1


@bp.route("/")
@requires(*CITYWIDE_ROLES)
def index() -> Any:
    return render_review(review_year_arg())


def render_review(
    year: int, posted: dict[str, DecisionForm] | None = None, status: int = 200
) -> Any:
    """The review page; a decision form that was posted and refused keeps its entries and errors."""
    page = ratchet.review_year(db.session, year)
    forms = {
        ratchet.proposal_id(year, p): DecisionForm(
            prefix=ratchet.proposal_id(year, p),
            formdata=None,
            meeting_date=date.today(),
            outcome=(page.decision_for(p).outcome.value if page.decision_for(p) else None),
            rationale=(page.decision_for(p).rationale if page.decision_for(p) else ""),
        )
        for p in page.review.proposals
    } | (posted or {})
    return render_template(
        "ratchet/index.html",
        year=year,
        page=page,
        forms=forms,
        proposal_id=ratchet.proposal_id,
        offices={o.code: o for o in catalog.list_offices(db.session)},
        is_head=current_user.role == Role.HEAD,
        may_decide=ratchet.may_decide,
        today=date.today(),
        this_year=fiscal_year_of(date.today()),
    ), status


@bp.route("/proposals/<proposal>/decision", methods=["POST"])
@requires(Role.HEAD)
def decide(proposal: str) -> Any:
    parsed = ratchet.parse_proposal_id(proposal)
    if parsed is None:
        abort(404)
    year, code, kind = parsed
    form = DecisionForm(prefix=proposal)
    if not form.validate_on_submit():
        flash(_("Choose a decision and give the meeting date."), "error")
        return render_review(year, {proposal: form}, 422)
    try:
        ratchet.decide(
            db.session,
            current_user,
            year,
            code,
            kind,
            DecisionOutcome(form.outcome.data),
            form.rationale.data or "",
            form.meeting_date.data,
            date.today(),
        )
    except ratchet.DecisionRefused as error:
        db.session.rollback()
        flash(_(error.message, **error.params), "error")
        if error.field is None:
            return redirect(url_for("ratchet.index", year=year, _anchor=f"p-{proposal}"))
        # A refusal about one field is also shown beside it, with the entries kept.
        getattr(form, error.field).errors = [_(error.message, **error.params)]
        return render_review(year, {proposal: form}, 422)
    db.session.commit()
    flash(_("The decision on %(code)s was recorded.", code=code), "success")
    return redirect(url_for("ratchet.index", year=year, _anchor=f"p-{proposal}"))


@bp.route("/minutes")
@requires(*CITYWIDE_ROLES)
def minutes() -> Any:
    day = request.args.get("date", type=date.fromisoformat) or date.today()
    return render_template(
        "ratchet/minutes.html", day=day, decisions=ratchet.decisions_on(db.session, day)
    )
