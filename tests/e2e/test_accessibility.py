"""Accessibility in the browser: axe-core on every main page, the keyboard, colour, form errors."""

from typing import Any

import pytest

from .conftest import Browsing, LiveServer
from .test_journeys import audit_id

#: (who, page) for every main page; {audit} is 川崎区役所's audit of this year
MAIN_PAGES = [
    (None, "/login"),
    ("kawasaki", "/"),
    ("kawasaki", "/catalog/"),
    ("kawasaki", "/catalog/standards/C03"),
    ("kawasaki", "/catalog/offices"),
    ("kawasaki", "/audits/"),
    ("kawasaki", "/audits/{audit}"),
    ("kawasaki", "/audits/{audit}/edit"),
    ("kawasaki", "/actions/"),
    ("kawasaki", "/practices/"),
    ("head", "/review/"),
    ("head", "/review/offices/kawasaki"),
    ("head", "/ratchet/"),
    ("head", "/surveys/"),
    ("head", "/surveys/offices/kawasaki"),
    ("head", "/indicators/"),
    ("admin", "/users/"),
]
#: what axe may report and still pass: remarks, never a barrier (the pages have none today)
TOLERATED_IMPACTS = {"minor"}
#: elements whose colour tells something; each must say it in text or a symbol as well
COLOURED = (
    ".cell, .rating, .status, .target-status, .indicator-status, .decided, .proposal-status,"
    " .change, .overdue, .notice, .flag, .field__error"
)


def page_path(server: LiveServer, path: str) -> str:
    return path.format(audit=audit_id(server, "kawasaki")) if "{audit}" in path else path


def run_axe(page: Any, axe_source: str) -> list[str]:
    """The serious and critical violations on the page, one line each."""
    page.evaluate(axe_source)  # through the DevTools protocol: the page's CSP does not apply
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] not in TOLERATED_IMPACTS
    ]


@pytest.mark.parametrize(("user", "path"), MAIN_PAGES)
def test_main_pages_have_no_serious_barrier_and_fit_a_phone(
    looking: Browsing, shared_server: LiveServer, axe_source: str, user: str | None, path: str
) -> None:
    page = looking.page(user)
    response = page.goto(page_path(shared_server, path))
    assert response is not None
    assert response.ok
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").count() == 1
    assert page.title().strip()
    violations = run_axe(page, axe_source)
    assert not violations, "\n".join(violations)
    uncoloured = page.locator(COLOURED).evaluate_all(
        "els => els.filter(e => !e.textContent.trim()).map(e => e.outerHTML)"
    )
    assert uncoloured == [], "colour must not be the only signal"
    page.set_viewport_size({"width": 390, "height": 844})
    # Charts redraw for the new width a few frames later.
    page.wait_for_function("() => document.scrollingElement.scrollWidth <= window.innerWidth")


def tab_to(page: Any, selector: str, limit: int = 200) -> None:
    """Press Tab until the focus is on an element matching ``selector``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def focused(page: Any, expression: str) -> Any:
    return page.evaluate(f"(() => {{ const e = document.activeElement; return {expression}; }})()")


def test_a_section_can_be_scored_and_saved_with_the_keyboard_alone(
    browsing: Browsing, live_server: LiveServer
) -> None:
    page = browsing.page("kawasaki")
    page.goto(f"/audits/{audit_id(live_server, 'kawasaki')}/edit")
    section = page.locator("form.scoring-form section").first
    codes = [f.get_attribute("id")[2:] for f in section.locator("fieldset.standard").all()]
    page.keyboard.press("Tab")
    assert focused(page, "e.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    for code in codes:
        tab_to(page, f"input[name='{code}-rating']")
        if not focused(page, "e.checked"):
            page.keyboard.press("Space")
        for _ in range(5):  # arrows move along the group and choose as they go
            if focused(page, "e.value") == "met":
                break
            page.keyboard.press("ArrowRight")
        assert focused(page, "e.value") == "met"
        tab_to(page, f"textarea[name='{code}-evidence']")
        page.keyboard.press("Control+A")
        page.keyboard.type(f"{code}: キーボードだけで入力")
    tab_to(page, "form.scoring-form .sticky-save button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".notice--success").count() == 1
    for code in codes:
        assert page.locator(f"input[name='{code}-rating'][value=met]").is_checked()
        assert page.locator(f"textarea[name='{code}-evidence']").input_value() == (
            f"{code}: キーボードだけで入力"
        )


def errors_untied(page: Any) -> list[str]:
    """Error messages no field points at, and fields marked invalid without a message."""
    return page.evaluate(
        """() => {
        const problems = [];
        for (const error of document.querySelectorAll('.field__error')) {
          const owner = error.id && document.querySelector(
            `[aria-describedby~="${error.id}"][aria-invalid="true"]`);
          if (!owner) problems.push('no field for: ' + error.textContent.trim());
        }
        for (const field of document.querySelectorAll('[aria-invalid="true"]')) {
          const ids = (field.getAttribute('aria-describedby') || '').split(' ');
          const said = ids.some(id => {
            const e = id && document.getElementById(id);
            return e && e.classList.contains('field__error');
          });
          if (!said) problems.push('no message for: ' + (field.name || field.id));
        }
        return problems;
    }"""
    )


#: (who, form page, entries that the form refuses)
REFUSED_FORMS = [
    (None, "/login", {}),
    ("admin", "/users/", {"#username": "new-member", "#password": "short"}),
    ("auditor", "/audits/", {"#fiscal_year": ""}),
]


@pytest.mark.parametrize(("user", "path", "entries"), REFUSED_FORMS)
def test_form_errors_are_tied_to_their_fields(
    looking: Browsing, user: str | None, path: str, entries: dict[str, str]
) -> None:
    page = looking.page(user)
    page.goto(path)
    for selector, value in entries.items():
        page.locator(selector).fill(value)
    page.locator("main form[method=post] [type=submit]").click()
    assert page.locator(".field__error").count() >= 1
    assert errors_untied(page) == []


def test_scoring_and_decision_errors_are_tied_to_their_fields(
    browsing: Browsing, live_server: LiveServer
) -> None:
    page = browsing.page("kawasaki")
    page.goto(f"/audits/{audit_id(live_server, 'kawasaki')}/edit")
    counted = page.locator("fieldset.standard:has(input[name$='-trials'])").first
    counted.locator("input[name$='-successes']").fill("5")
    counted.locator("input[name$='-trials']").fill("")
    counted.locator("xpath=ancestor::section//div[@class='sticky-save']/button").click()
    assert page.locator(".field__error").count() == 1
    assert errors_untied(page) == []

    failing = page.locator(
        "fieldset.standard:not(:has(input[name$='-trials'])):not(:has(.open-actions))"
    ).first
    failing.locator("input[type=radio][value=not_met]").check()
    failing.locator("xpath=ancestor::section//div[@class='sticky-save']/button").click()
    assert page.locator(".field__error").count() == 2  # the first one is still refused
    assert errors_untied(page) == []

    head = browsing.page("head")
    head.goto("/ratchet/")
    decision = head.locator("form.decision-form").first
    decision.locator("input[value=deferred]").check()
    decision.locator("[type=submit]").click()
    assert head.locator(".field__error").count() >= 1
    assert errors_untied(head) == []
