"""The scoring form in a browser: one save for every section, the leave-page warning and the
marks of unsaved changes, and the error summary a refused save opens with."""

from typing import Any

import pytest

from .conftest import Browsing, LiveServer
from .test_journeys import audit_id

UNSAVED = "未保存の変更があります"


def open_form(browsing: Browsing, live_server: LiveServer, **options: Any) -> Any:
    page = browsing.page("kawasaki", **options)
    page.goto(f"/audits/{audit_id(live_server, 'kawasaki')}/edit")
    return page


def evidence(page: Any, section: str, index: int = 0) -> Any:
    """The evidence field of a standard of a section (P1 … P8)."""
    return page.locator(f"#section-{section} fieldset.standard").nth(index).locator("textarea")


def type_into(field: Any, text: str) -> None:
    """Type as a person does: a click first (the page then counts as used), then the keys."""
    field.click()
    field.press("Control+A")
    field.press_sequentially(text)


def is_in_view(page: Any, selector: str) -> bool:
    return page.locator(selector).evaluate(
        "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }"
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_one_button_saves_every_section_and_the_message_is_where_the_person_is(
    browsing: Browsing, live_server: LiveServer, javascript: bool
) -> None:
    page = open_form(browsing, live_server, java_script_enabled=javascript)
    evidence(page, "P1").fill("P1の根拠（ブラウザ）")
    evidence(page, "P8").fill("P8の根拠（ブラウザ）")

    page.locator("#section-P8 .sticky-save button").click()

    page.wait_for_load_state()
    assert page.url.endswith("?saved=P8#section-P8")
    notice = "#section-P8 .notice--success"
    assert page.locator(notice).inner_text() == "保存しました。"
    assert page.locator(".notice").count() == 1  # there, and not at the top
    assert is_in_view(page, notice)
    page.reload()
    assert evidence(page, "P1").input_value() == "P1の根拠（ブラウザ）"
    assert evidence(page, "P8").input_value() == "P8の根拠（ブラウザ）"


def test_unsaved_changes_are_marked_and_leaving_asks_first_until_they_are_saved(
    browsing: Browsing, live_server: LiveServer
) -> None:
    page = open_form(browsing, live_server)
    asked: list[str] = []

    def stay(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    standard = page.locator("#section-P3 fieldset.standard").first
    as_loaded = standard.locator("textarea").evaluate("e => e.defaultValue")
    assert page.get_by_text(UNSAVED).count() == 0

    type_into(standard.locator("textarea"), "まだ保存していない根拠")

    assert standard.locator("legend .unsaved").inner_text() == UNSAVED
    assert page.locator("#section-P3 h2 .unsaved").inner_text() == UNSAVED
    assert page.locator(".unsaved").count() == 2  # the standard and its section, no other
    back = page.get_by_role("link", name="点検のページに戻る", exact=False)
    edit = page.url
    back.click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url == edit  # stayed, with the entry
    assert standard.locator("textarea").input_value() == "まだ保存していない根拠"

    standard.locator("textarea").fill(as_loaded)
    assert page.locator(".unsaved").count() == 0  # back as it was: nothing to lose
    type_into(standard.locator("textarea"), "保存する根拠")
    page.locator("#section-P3 .sticky-save button").click()
    page.wait_for_load_state()
    assert page.locator("#section-P3 .notice--success").count() == 1

    page.get_by_role("link", name="点検のページに戻る", exact=False).click()
    page.wait_for_url(lambda url: not url.split("?")[0].endswith("/edit"))
    assert asked == ["beforeunload"]  # not asked again: everything was saved


@pytest.mark.parametrize("width", [390, 768])
def test_a_refused_save_opens_with_the_focus_on_the_error_summary(
    browsing: Browsing, live_server: LiveServer, width: int
) -> None:
    page = open_form(browsing, live_server, viewport={"width": width, "height": 844})
    refused = page.locator("#section-P8 fieldset.standard").first
    code = refused.get_attribute("id").removeprefix("r-")
    refused.locator("input[type=radio][value=na]").check()  # without saying why
    evidence(page, "P1").fill("一緒に保存される根拠")

    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.locator("#section-P8 .sticky-save button").click()

    assert answer.value.status == 422
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert summary.get_attribute("role") == "alert"
    assert "ほかの 1 件の基準の変更は保存しました。" in summary.inner_text()
    link = summary.get_by_role("link")
    assert link.count() == 1
    assert link.get_attribute("href") == f"#{code}-na_reason"
    assert refused.locator("legend .unsaved").inner_text() == UNSAVED
    sizes = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], "the page scrolls sideways"

    link.click()
    assert page.evaluate("document.activeElement.id") == f"{code}-na_reason"
    assert is_in_view(page, f"label[for='{code}-na_reason']")
