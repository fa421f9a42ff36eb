"""The review pack: A4 landscape, the matrix split across pages with its header repeated."""

from decimal import Decimal

from audit.domain.review import ResultState
from audit.domain.survey import SatisfactionTarget, SurveyCounts, SurveyFigures
from audit.pdf.pack import render_pack
from audit.pdf.values import SurveyTable

from .conftest import OFFICES, PRINTED


def test_every_page_is_a4_landscape(make_pack, pdf_pages):
    pages = pdf_pages(render_pack(make_pack(), PRINTED))
    assert len(pages) >= 6
    assert all(width > height for width, height in pages)
    assert {(round(width), round(height)) for width, height in pages} == {(842, 595)}


def test_the_matrix_header_repeats_on_every_page_it_spans(make_pack, pdf_text):
    data = render_pack(make_pack(standards=54), PRINTED)
    pages = pdf_text(data).count("\f")
    matrix_pages = [
        page
        for page in range(2, pages + 1)
        if any(f"S{i:02} " in pdf_text(data, page) for i in range(54))
        and "Pooled" not in pdf_text(data, page)
    ]
    assert len(matrix_pages) >= 3
    for page in matrix_pages:
        text = pdf_text(data, page)
        header = next(line for line in text.splitlines() if "Standard" in line)
        assert "Level" in header
        assert "川崎区役所" in text
        assert "生田出張所" in text


def test_what_it_prints(make_pack, pdf_text):
    text = pdf_text(render_pack(make_pack(), PRINTED))
    for expected in (
        "令和7年度",
        "FY2025",
        "S00",
        "S53",
        "◎",
        "○",
        "—",  # a result missing, its office's state not given
        "Achievement by principle",
        "Not conducted: 新型コロナウイルス感染症のため未実施",
        "Citywide",
        "C02",  # a pending proposal
        "30/31",  # its evidence
        "780 / 806",  # pooled
        "Deferred",  # the decision taken
        "来年度に再検討する",
        "11 of 13 offices failed",
        "Printed by head on 2026-05-01 09:30 JST",
    ):
        assert expected in text, expected
    pages = text.count("\f")
    assert f"Page {pages} / {pages}" in text


def test_an_empty_year_still_prints(make_pack, pdf_text):
    pack = make_pack(standards=0, pending=(), decisions=(), support=(), survey=None)
    text = pdf_text(render_pack(pack, PRINTED))
    assert "No survey result is recorded for this year." in text
    assert "None." in text


def test_an_office_without_an_accepted_audit_says_its_state(make_pack, pdf_text):
    states = [ResultState.ACCEPTED] * len(OFFICES)
    states[5] = ResultState.SUBMITTED  # the fixture's office without results (多摩区役所)
    text = pdf_text(render_pack(make_pack(office_states=tuple(states)), PRINTED), layout=False)
    words = "".join(text.split())
    assert "Submitted,notyetaccepted" in words  # in its cells, its total and its charts
    assert "多摩区役所:Submitted,notyetaccepted" in words
    assert "Notassessed" in words  # a missing cell of an accepted audit
    assert "missing" not in text.lower()


def test_a_target_of_99_99_percent_keeps_its_places(make_pack, pdf_text):
    target = SatisfactionTarget(Decimal("0.9999"), Decimal("0.0005"))
    survey = SurveyTable(
        target,
        ((OFFICES[0], SurveyFigures("kawasaki", 2025, SurveyCounts(9998, 0, 2), target=target)),),
        None,
    )
    text = pdf_text(render_pack(make_pack(standards=3, survey=survey), PRINTED))
    row = next(line for line in text.splitlines() if "川崎区役所" in line and "9998" in line)
    assert "99.98%" in row
    assert "99.93%–99.99%" in row
    assert "100.0%" not in row
    assert "target of 99.99%" in text


def test_the_survey_leads_with_the_plain_comparison(make_pack, pdf_text):
    """49 of 49 satisfied is at or above the target like 297 of 300; its interval is wider."""
    target = SatisfactionTarget()
    offices = tuple(
        (office, SurveyFigures(office.code, 2025, SurveyCounts(*counts)))
        for office, counts in zip(OFFICES[7:9], ((49, 0, 0), (297, 0, 3)), strict=True)
    )
    survey = SurveyTable(target, offices, None)
    text = pdf_text(render_pack(make_pack(standards=3, survey=survey), PRINTED), layout=False)
    words = "".join(text.split())
    assert "Atorabovethetarget·Interval:includesthetarget·Fewanswers:forreference" in words
    assert "Atorabovethetarget·Interval:met" in words
    assert "Belowthetarget" not in words


def test_people_are_named_by_role_and_office_not_user_name(make_pack, pdf_text):
    text = pdf_text(render_pack(make_pack(), PRINTED))
    assert "Division head" in text  # who decided
