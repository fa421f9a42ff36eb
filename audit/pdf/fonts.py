"""The Japanese font every document is set in: BIZ UDPGothic, regular and a real bold.

The TrueType files are vendored in ``audit/pdf/fonts/`` with their licence (SIL OFL 1.1), so a
fresh machine prints the same documents as any other, and every PDF embeds the subset it uses:
a reader needs no Japanese font of its own. Non-embedded CID fonts are not used: without the
reader's Asian font pack their text shows as boxes, or not at all.

The fonts are registered once per process, on the first document rendered (loading them takes
about 50 ms), never at import time.
"""

import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent / "fonts"
#: the names documents use; ``<b>`` in a paragraph switches to the bold face
REGULAR = "BIZUDPGothic"
BOLD = "BIZUDPGothic-Bold"
FILES = {REGULAR: FONT_DIR / "BIZUDPGothic-Regular.ttf", BOLD: FONT_DIR / "BIZUDPGothic-Bold.ttf"}

_registered = False
_lock = threading.Lock()


class FontMissing(RuntimeError):
    """A font file is missing: documents cannot be printed until it is restored."""


def missing_files() -> list[Path]:
    """The font files that are not where they should be."""
    return [path for path in FILES.values() if not path.is_file()]


def missing_message(missing: list[Path]) -> str:
    names = ", ".join(str(path) for path in missing)
    return (
        f"PDF font missing: {names}. Printing (scorecards, the review pack, checklists, action "
        "plans) will fail until the BIZ UDPGothic files are restored to audit/pdf/fonts/ "
        "(they are part of the repository; see README.md, Printing)."
    )


def register_fonts() -> None:
    """Register the regular and bold faces as one family, once per process.

    :raises FontMissing: when a font file is missing.
    """
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        missing = missing_files()
        if missing:
            raise FontMissing(missing_message(missing))
        for name, path in FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # Without the family, <b> would silently stay regular.
        pdfmetrics.registerFontFamily(
            REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
        )
        _registered = True
