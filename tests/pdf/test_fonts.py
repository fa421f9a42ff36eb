"""The font: registered once with a real bold, and a clear error when its files are missing."""

import logging

import pytest
from reportlab.pdfbase import pdfmetrics

from audit import create_app
from audit.pdf import fonts
from audit.pdf.scorecard import render_scorecard

from .conftest import PRINTED


def test_registered_once_as_a_family_with_a_bold(make_scorecard):
    render_scorecard(make_scorecard(), PRINTED)
    regular = pdfmetrics.getFont(fonts.REGULAR)
    fonts.register_fonts()  # a second time changes nothing
    assert pdfmetrics.getFont(fonts.REGULAR) is regular
    assert pdfmetrics.getFont(fonts.BOLD).face.name != regular.face.name
    from reportlab.lib.fonts import tt2ps

    assert tt2ps(fonts.REGULAR, 1, 0) == fonts.BOLD  # <b> switches to the bold face


def test_the_licence_travels_with_the_fonts():
    licence = (fonts.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "Copyright 2022 The BIZ UDGothic Project Authors" in licence
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "DISCLAIMER" in licence


@pytest.fixture
def no_font(monkeypatch, tmp_path):
    """As if the font files had not been deployed, and nothing registered yet."""
    monkeypatch.setattr(fonts, "FILES", {fonts.REGULAR: tmp_path / "missing.ttf"})
    monkeypatch.setattr(fonts, "_registered", False)


@pytest.mark.usefixtures("no_font")
def test_rendering_without_the_font_says_what_is_missing(make_scorecard):
    with pytest.raises(fonts.FontMissing, match=r"PDF font missing: .*missing\.ttf"):
        render_scorecard(make_scorecard(), PRINTED)


@pytest.mark.usefixtures("no_font")
def test_the_app_says_so_at_start_up(caplog):
    with caplog.at_level(logging.ERROR):
        create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert any("PDF font missing" in r.getMessage() for r in caplog.records)


def test_the_app_is_quiet_when_the_font_is_there(caplog):
    with caplog.at_level(logging.ERROR):
        create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert not any("PDF font" in r.getMessage() for r in caplog.records)
