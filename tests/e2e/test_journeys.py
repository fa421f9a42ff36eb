"""The three users' journeys through a real browser, and what must hold on the way."""

import subprocess
from typing import Any

import pytest
from sqlalchemy import select

from audit.db import db
from audit.models import Audit, AuditKind, Office

from ..conftest import THIS_YEAR, TODAY
from .conftest import Browsing, LiveServer

EVIDENCE = "窓口で確認しました（ブラウザ試験）"


def audit_id(server: LiveServer, office: str, year: int = THIS_YEAR) -> int:
    with server.app.app_context():
        found = db.session.scalar(
            select(Audit.id)
            .join(Audit.office)
            .where(Office.code == office, Audit.fiscal_year == year, Audit.kind == AuditKind.SELF)
        )
    assert found is not None
    return found


def score_everything(page: Any) -> None:
    """Rate every standard of every section, the first one × with an action and the rest ○,
    then save them all with one button."""
    first = True
    for fieldset in page.locator("fieldset.standard").all():
        rating = "not_met" if first else "met"
        fieldset.locator(f"input[type=radio][value={rating}]").check()
        if fieldset.locator("input[name$='-trials']").count():
            fieldset.locator("input[name$='-successes']").fill("10000")
            fieldset.locator("input[name$='-trials']").fill("10000")
        fieldset.locator("textarea[name$='-evidence']").fill(EVIDENCE)
        if first:
            details = fieldset.locator("details.new-action")
            if details.get_attribute("open") is None:
                details.locator("summary").click()
            fieldset.locator("input[name$='-action_what']").fill("案内表示を見直す")
            fieldset.locator("input[name$='-action_owner']").fill("区民課")
            fieldset.locator("input[name$='-action_due']").fill(f"{THIS_YEAR + 1}-03-31")
            first = False
    page.locator(".sticky-save button").last.click()
    page.wait_for_load_state()
    notices = page.locator(".notice").all_inner_texts()
    assert page.locator(".notice--success").count() == 1, notices


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_committee_scores_submits_and_the_head_accepts(
    browsing: Browsing, live_server: LiveServer, javascript: bool
) -> None:
    page = browsing.page("kawasaki", java_script_enabled=javascript)
    page.goto("/")
    page.locator(".site-nav a[href='/audits/']").click()
    page.get_by_role("link", name="川崎区役所").first.click()
    assert f"/audits/{audit_id(live_server, 'kawasaki')}" in page.url
    assert page.locator(".status--draft").count() == 1

    # Submitting a half-done audit is refused with the list of what is missing.
    page.locator("form[action$='/submit'] button").click()
    assert page.locator(".notice--error").count() == 1
    assert page.locator("#missing + ul li").count() > 0

    page.locator(".actions-row a[href$='/edit']").click()
    score_everything(page)

    page.get_by_role("link", name="点検のページに戻る", exact=False).click()
    assert page.locator("#missing").count() == 0
    page.locator("form[action$='/submit'] button").click()
    assert page.locator(".notice--success").count() == 1
    assert page.locator("h1 + p .status--submitted").count() == 1

    head = browsing.page("head", java_script_enabled=javascript)
    head.goto(page.url)
    head.locator("form[action$='/accept'] button").click()
    assert head.locator(".notice--success").count() == 1
    assert head.locator("h1 + p .status--accepted").count() == 1
    page.reload()
    assert page.locator("h1 + p .status--accepted").count() == 1
    assert page.locator("a[href$='/edit']").count() == 0


def test_head_filters_the_matrix_drills_into_a_ward_and_decides_a_step_up(
    browsing: Browsing,
) -> None:
    page = browsing.page("head")
    page.goto("/")
    page.locator(".site-nav a[href='/review/']").click()
    offices = page.locator("table.matrix tbody th")
    standards = page.locator("table.matrix thead th a.code")
    assert offices.count() == 13
    every_standard = standards.count()
    page.locator("#kind").select_option("ward")
    page.locator("#principle").select_option("P1")
    page.locator("form.filters button").click()
    assert "kind=ward" in page.url
    assert offices.count() == 7
    assert 0 < standards.count() < every_standard
    page.locator("table.matrix tbody th a", has_text="中原区役所").click()
    assert page.locator("h1").inner_text().startswith("区役所等の推移")
    assert page.locator("table tbody tr").count() >= 3

    page.locator(".site-nav a[href='/ratchet/']").click()
    proposal = page.locator("section.proposal:has(form.decision-form)").first
    heading = proposal.locator("h3").inner_text()
    proposal.locator("input[value=approved]").check()
    proposal.locator("textarea").fill("全区で3年続けて達成")
    proposal.locator("input[type=date]").fill(TODAY.isoformat())
    proposal.locator("form.decision-form button, form.decision-form input[type=submit]").click()
    assert page.locator(".notice--success").count() == 1
    decided = page.locator("section.proposal", has=page.locator("h3", has_text=heading))
    assert decided.locator(".decided--approved").count() == 1


def test_auditor_creates_an_external_evaluation_and_prints_its_scorecard(
    browsing: Browsing,
) -> None:
    page = browsing.page("auditor")
    page.goto("/audits/")
    page.locator("#office").select_option(label="中原区役所")
    page.locator("#fiscal_year").fill(str(THIS_YEAR))
    page.locator("form[method=post] [type=submit]").click()
    assert "/edit" in page.url
    assert "外部評価" in page.locator("h1").inner_text()

    page.get_by_role("link", name="点検のページに戻る", exact=False).click()
    # Chromium would show the PDF in its viewer (an extension); fetch it with the page's cookies.
    href = page.locator("a[href$='/scorecard.pdf']").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.body(), capture_output=True, check=True
    ).stdout.decode()
    assert "中原区役所" in text


def test_the_language_switch_keeps_the_page(browsing: Browsing) -> None:
    page = browsing.page("head")  # the choice is kept on the user: a server of its own
    page.goto("/catalog/")
    assert page.locator("html").get_attribute("lang") == "ja"
    page.get_by_role("button", name="English").click()
    assert page.url.endswith("/catalog/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Principles and standards"
    page.get_by_role("button", name="日本語").click()
    assert page.locator("html").get_attribute("lang") == "ja"


def test_another_wards_audit_is_not_found(looking: Browsing, shared_server: LiveServer) -> None:
    page = looking.page("nakahara")
    response = page.goto(f"/audits/{audit_id(shared_server, 'kawasaki')}")
    assert response is not None
    assert response.status == 404
    edit = page.goto(f"/audits/{audit_id(shared_server, 'kawasaki')}/edit")
    assert edit is not None
    assert edit.status == 404


def test_a_stale_save_shows_both_values_and_keeps_the_entry(
    browsing: Browsing, live_server: LiveServer
) -> None:
    edit = f"/audits/{audit_id(live_server, 'kawasaki')}/edit"
    first, second = browsing.page("kawasaki"), browsing.page("kawasaki")
    for page in (first, second):
        page.goto(edit)
    standard = first.locator("fieldset.standard").first.get_attribute("id")
    evidence = f"#{standard} textarea[name$='-evidence']"

    first.locator(evidence).fill("一人目の記録")
    first.locator(f"section:has(#{standard}) .sticky-save button").click()
    assert first.locator(".notice--success").count() == 1

    second.locator(evidence).fill("二人目の記録")
    with second.expect_response(lambda r: r.request.method == "POST") as answer:
        second.locator(f"section:has(#{standard}) .sticky-save button").click()
    assert answer.value.status == 409
    conflict = second.locator(f"#{standard}.standard--conflict .notice--error")
    assert "一人目の記録" in conflict.inner_text()
    assert "二人目の記録" in conflict.inner_text()
    assert second.locator(evidence).input_value() == "二人目の記録"

    second.locator(f"section:has(#{standard}) .sticky-save button").click()
    assert second.locator(".notice--success").count() == 1
    first.reload()
    assert first.locator(evidence).input_value() == "二人目の記録"
