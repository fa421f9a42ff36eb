"""The scorecard: Japanese embedded and extractable, long cells split, text printed literally."""

from dataclasses import replace
from decimal import Decimal

import pytest

from audit.models import AuditStatus, Role
from audit.pdf.scorecard import render_scorecard
from audit.pdf.values import PersonName

from .conftest import OFFICES, PRINTED


def test_a_pdf_with_the_font_embedded_and_nothing_else(make_scorecard, pdf_fonts):
    data = render_scorecard(make_scorecard(), PRINTED)
    assert data.startswith(b"%PDF-")
    fonts = pdf_fonts(data)
    assert {f["name"].split("+")[-1] for f in fonts} == {
        "BIZUDPGothic-Regular",
        "BIZUDPGothic-Bold",
    }
    assert all(f["type"] == "TrueType" and f["emb"] == "yes" for f in fonts)
    assert all(f["uni"] == "yes" for f in fonts)  # text can be searched and copied
    assert b"/FontFile2" in data


def test_what_it_prints(make_scorecard, pdf_text):
    text = pdf_text(render_scorecard(make_scorecard(), PRINTED))
    for expected in (
        "川崎区役所",
        "令和4年度",
        "FY2022",
        "C00",
        "C11",
        "◎",
        "○",
        "△",
        "×",
        "対象外",
        "9 / 12 (75.0%)",  # the headline with its counts
        "27 / 30 = 90.0%",
        "95% CI 74.4%–96.5%",
        "朝礼で応対の基本を再確認する",  # an open action
        "290 / 6 / 3",  # the survey
        "2023-03-01",  # confirmed on
    ):
        assert expected in text, expected


def test_every_page_has_its_number_and_who_printed_it(make_scorecard, pdf_text):
    data = render_scorecard(make_scorecard(standards=40), PRINTED)
    text = pdf_text(data)
    pages = text.count("\f")
    assert pages >= 2
    for page in range(1, pages + 1):
        page_text = pdf_text(data, page)
        assert f"Page {page} / {pages}" in page_text
        assert "Printed by head on 2026-05-01 09:30 JST" in page_text


def test_text_people_wrote_is_printed_literally(make_scorecard, pdf_text):
    card = make_scorecard()
    tricky = "<b>& 太字 <font size=40>x</font><br/>"
    card = replace(card, standards=(replace(card.standards[0], evidence=tricky),))
    text = pdf_text(render_scorecard(card, PRINTED), layout=False)
    # as written, wherever the cell wraps it
    assert "".join(tricky.split()) in "".join(text.split())


def test_a_huge_evidence_text_splits_across_pages(make_scorecard, pdf_text):
    card = make_scorecard(standards=3)
    short = render_scorecard(card, PRINTED)
    long_text = "窓口の様子を詳しく観察し、記録しました。" * 800 + "最後の一文。"
    card = replace(card, standards=(replace(card.standards[1], evidence=long_text),))
    long = render_scorecard(card, PRINTED)  # no LayoutError
    assert pdf_text(long).count("\f") >= pdf_text(short).count("\f") + 3
    assert "最後の一文。" in pdf_text(long)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"status": AuditStatus.DRAFT}, "not yet accepted"),
        ({"survey": None}, "No survey result is recorded"),
        ({"previous_year": None, "previous_overall": None}, "By principle"),
    ],
)
def test_drafts_missing_surveys_and_first_years(make_scorecard, pdf_text, changes, expected):
    assert expected in pdf_text(render_scorecard(make_scorecard(**changes), PRINTED))


def test_the_same_values_give_the_same_bytes(make_scorecard):
    card = make_scorecard()
    assert render_scorecard(card, PRINTED, invariant=True) == render_scorecard(
        card, PRINTED, invariant=True
    )


@pytest.mark.parametrize("standards", [30, 56, 78])  # each left a heading alone before
def test_no_page_ends_with_a_principle_s_heading(make_scorecard, pdf_text, standards):
    data = render_scorecard(make_scorecard(standards=standards), PRINTED)
    pages = pdf_text(data).count("\f")
    assert pages >= 2
    for page in range(1, pages):
        lines = [line for line in pdf_text(data, page).splitlines() if line.strip()]
        last_row = lines[-3]  # above the footer's two lines
        assert not last_row.strip().startswith("P"), (page, last_row)


def test_a_target_of_99_99_percent_keeps_its_places(make_scorecard, pdf_text):
    card = make_scorecard(standards=3)
    counted = replace(card.standards[0], successes=9998, trials=10000, target=Decimal("0.9999"))
    text = pdf_text(render_scorecard(replace(card, standards=(counted,)), PRINTED), layout=False)
    results = "".join(text.split("Results by standard")[1].split("Open improvement")[0].split())
    assert "9998/10000=99.98%" in results
    assert "95%CI99.93%–99.99%" in results
    assert "target99.99%" in results
    assert "100.0%" not in results


def test_the_sign_off_names_people_not_their_log_in(make_scorecard, pdf_text):
    """By name (氏名); by role and office where no name is recorded."""
    card = make_scorecard()
    sign_off = replace(card.sign_off, prepared_by=PersonName(Role.COMMITTEE, OFFICES[0].name))
    for value, prepared in ((card, "大師三郎"), (replace(card, sign_off=sign_off), None)):
        words = "".join(pdf_text(render_scorecard(value, PRINTED), layout=False).split())
        assert (prepared or "Committeemember(川崎区役所)") in words
        assert "Divisionhead" in words  # confirmed by a head without a recorded name
