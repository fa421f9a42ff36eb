"""The review pack: A4 landscape, the matrix split across pages with its header repeated."""

from audit.pdf.pack import render_pack

from .conftest import PRINTED


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
        "—",  # missing
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
