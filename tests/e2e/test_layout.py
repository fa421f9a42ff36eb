"""Tablets and phones: the scoring form and the matrix fit the screen; screenshots for people."""

from pathlib import Path

import pytest

from .conftest import Browsing, LiveServer
from .test_accessibility import page_path

WIDTHS = [1280, 768, 390]
#: (name, who, page) photographed at every width
PAGES = [
    ("scoring-form", "kawasaki", "/audits/{audit}/edit"),
    ("audit", "kawasaki", "/audits/{audit}"),
    ("matrix", "head", "/review/"),
    ("survey", "head", "/surveys/"),
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "user", "path"), PAGES)
def test_pages_fit_the_screen(
    looking: Browsing,
    shared_server: LiveServer,
    artifacts: Path,
    name: str,
    user: str,
    path: str,
    width: int,
) -> None:
    page = looking.page(user, viewport={"width": width, "height": 900})
    page.goto(page_path(shared_server, path))
    page.screenshot(path=artifacts / f"{name}-{width}.png", full_page=True)
    sizes = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], "the page scrolls sideways"


@pytest.mark.parametrize("width", [768, 390])
def test_a_wide_matrix_scrolls_in_its_own_frame(looking: Browsing, width: int) -> None:
    page = looking.page("head", viewport={"width": width, "height": 900})
    page.goto("/review/")
    frame = page.locator(".matrix-frame")
    scroll_width, client_width = frame.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll_width > client_width
    frame.focus()  # a keyboard user scrolls it too
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.matrix-frame').scrollLeft > 0")
