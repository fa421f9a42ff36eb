"""The blank checklist and the action plan."""

import re
from dataclasses import replace

from audit.pdf.action_plan import render_action_plan
from audit.pdf.checklist import render_checklist

from .conftest import OFFICES, PRINTED


def test_the_checklist_has_every_standard_with_boxes_and_lines(make_checklist, pdf_text):
    data = render_checklist(make_checklist(items=30), PRINTED)
    text = pdf_text(data)
    assert data.startswith(b"%PDF-")
    for code in (f"C{i:02}" for i in range(30)):
        assert code in text
    for symbol in ("◎", "○", "△", "×", "対象外"):
        assert len(re.findall(rf"□\s*{symbol}", text)) == 30
    assert "川崎区役所" in text
    assert "令和4年度" in text
    assert "target 90%, at least 20 observations" in text
    assert "How it is measured: テストコールで確認する" in text
    pages = text.count("\f")
    assert pages >= 3
    assert f"Page {pages} / {pages}" in text


def test_the_action_plan_gives_each_office_its_own_pages(make_action_plan, pdf_text):
    data = render_action_plan(make_action_plan(offices=3), PRINTED)
    for page, office in enumerate(OFFICES[:3], start=1):
        text = pdf_text(data, page)
        assert office.name.ja in text
        assert f"Page {page} / 3" in text
    first = pdf_text(data, 1)
    assert first.index("C05") < first.index("T01")  # by due date
    assert "overdue" in first.split("T01")[0]  # 2026-03-31 is before the day it was printed
    assert "overdue" not in first.split("T01")[1].split("Page")[0]


def test_an_office_without_open_actions(make_action_plan, pdf_text):
    plan = make_action_plan(offices=1)
    plan = replace(plan, offices=(replace(plan.offices[0], actions=()),))
    text = pdf_text(render_action_plan(plan, PRINTED))
    assert "川崎区役所 (0)" in text
    assert "None." in text
