"""Printed documents: a PDF is a function from values to bytes (DESIGN.md §6, STYLE.md habit 8).

``services/printing.py`` loads the rows and builds the frozen values of :mod:`.values`; each
document module (:mod:`.scorecard`, :mod:`.pack`, :mod:`.checklist`, :mod:`.action_plan`)
turns them into bytes and never touches the database or the request. The look lives in
:mod:`.styles`, the embedded Japanese font in :mod:`.fonts`, the page and its footer in
:mod:`.document`.
"""

from flask import Flask

from audit.pdf import fonts


def init_app(app: Flask) -> None:
    """Say clearly at start-up when the font is missing: every document would fail to print."""
    missing = fonts.missing_files()
    if missing:
        app.logger.error(fonts.missing_message(missing))
