"""Building a document: escaped text, tables that split across pages, the footer on every page.

reportlab's ``Paragraph`` reads its text as mini-XML, so everything people wrote goes through
:func:`text` (or :func:`markup`, whose values are escaped) and prints literally: an evidence
note with ``<b>&`` neither breaks the document nor changes its formatting.
"""

import threading
from collections.abc import Callable, Sequence
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from flask_babel import get_locale
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table

from audit.domain.catalog import Text
from audit.i18n import _
from audit.labels import person_label
from audit.pdf import styles
from audit.pdf.fonts import BOLD, REGULAR, register_fonts
from audit.pdf.styles import STYLES
from audit.pdf.values import PersonName, Printed

#: reportlab keeps state in module globals while it builds (font subsets among them): one
#: document at a time per process, so that a threaded server cannot mix two documents up
_build_lock = threading.Lock()


def locale() -> str:
    """The reader's language: the request's, the one forced by the command line, else ja."""
    return str(get_locale() or "ja")


def local(value: Text) -> str:
    """A bilingual text in the reader's language (English falls back to Japanese)."""
    return value.in_locale(locale())


def person(who: PersonName) -> str:
    """Someone as the reader names them: the name, else role and office in their language."""
    return person_label(who.role, local(who.office) if who.office else None, who.name)


def escape_text(value: object) -> str:
    """Text for a Paragraph: ``& < >`` escaped, line breaks kept."""
    return escape(str(value)).replace("\r\n", "\n").replace("\n", "<br/>")


#: while a document is built, what its paragraphs of the same text and style share: the parsed
#: text, and the lines it breaks into at a width. Most cells repeat (a scorecard's statuses,
#: levels, owners and due dates: six in ten paragraphs), and parsing the mini-XML and breaking
#: Japanese text, measured character by character, is most of the time a document takes.
#: Emptied after each document, so that it holds one document's texts at the most.
_shared: dict[tuple[Any, ...], Any] | None = None


class CellParagraph(Paragraph):
    """A paragraph that breaks its lines once per width, and shares them (see ``_shared``).

    A table wraps every cell to measure its rows, again to split them across pages and again
    to draw them, always at the column's width. The lines depend on the text, the style and
    the width alone; reportlab only reads them once broken.
    """

    #: (text, style) for a paragraph made by :func:`text` or :func:`markup` during a build;
    #: None for the halves reportlab makes when it splits one across pages
    _shared_key: tuple[str, Any] | None = None
    _wrapped_width: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        # (a split that found no room drops the lines: then they are broken again)
        if availWidth == self._wrapped_width and hasattr(self, "blPara"):
            return self.width, self.height
        shared = _shared if self._shared_key is not None else None
        key = (self._shared_key, availWidth)
        if shared is not None and key in shared:
            self._wrapWidths, self.blPara, self.width, self.height = shared[key]
            self._wrapped_width = availWidth
            return self.width, self.height
        width, height = super().wrap(availWidth, availHeight)
        # a width too narrow for any text is answered without lines: nothing to keep
        self._wrapped_width = availWidth if width == availWidth and width > 0 else None
        if shared is not None and self._wrapped_width is not None:
            shared[key] = (self._wrapWidths, self.blPara, width, height)
        return width, height


def _paragraph(source: str, style: Any) -> Paragraph:
    """A paragraph of our mini-XML, parsed once per document for each text and style."""
    if _shared is None:
        return CellParagraph(source, style)
    key = (source, style)
    parsed = _shared.get(key)
    if parsed is None:
        paragraph = CellParagraph(source, style)
        _shared[key] = (paragraph.text, paragraph.style, paragraph.frags)
    else:
        paragraph = CellParagraph(parsed[0], parsed[1], frags=parsed[2])
    paragraph._shared_key = key
    return paragraph


def text(value: object, style: Any = STYLES.cell) -> Paragraph:
    """A paragraph that prints ``value`` literally."""
    return _paragraph(escape_text(value), style)


def markup(template: str, style: Any = STYLES.cell, **values: object) -> Paragraph:
    """A paragraph from our own markup, with every value escaped: ``markup("<b>{x}</b>", x=…)``."""
    return _paragraph(template.format(**{k: escape_text(v) for k, v in values.items()}), style)


#: a row taller than what is left of a page is split inside (``splitInRow``) only when this much
#: of it fits there (about three lines): less would leave a heading alone with an empty cell
SPLIT_IN_ROW_MIN = 36
#: a group heading is kept with the row after it only when that row is shorter than this: a
#: taller one must be free to split across pages, or reportlab gives up (LayoutError)
KEEP_WITH_NEXT_LIMIT = 200.0


def _height(cell: Any, width: float) -> float:
    parts = cell if isinstance(cell, list | tuple) else [cell]
    return sum(part.wrap(width, 1e6)[1] for part in parts if isinstance(part, Flowable))


def data_table(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    rules: Sequence[tuple[Any, ...]] = (),
    *,
    header_rows: int = 1,
    base: Sequence[tuple[Any, ...]] = styles.TABLE_RULES,
    headings: Sequence[int] = (),
) -> Table:
    """A table whose header rows repeat on every page and whose tall rows split across pages.

    :param headings: rows that head a group (a principle), their text in the first cell: each
        spans the table, shaded, and stays on the page of the row after it, so that no page
        ends with a heading alone.
    """
    padding = 6  # the left and right padding of TABLE_RULES
    cells = [list(row) + [""] * (len(widths) - len(row)) for row in rows]
    grouped: list[tuple[Any, ...]] = []
    for index in headings:
        grouped += [
            ("SPAN", (0, index), (-1, index)),
            ("BACKGROUND", (0, index), (-1, index), styles.GROUP_FILL),
        ]
        following = cells[index + 1] if index + 1 < len(cells) else []
        heights = [_height(c, w - padding) for c, w in zip(following, widths, strict=True)]
        if heights and max(heights) < KEEP_WITH_NEXT_LIMIT:
            grouped.append(("NOSPLIT", (0, index), (-1, index + 1)))
    return Table(
        cells,
        colWidths=list(widths),
        repeatRows=header_rows,
        splitInRow=SPLIT_IN_ROW_MIN,
        style=[*base, *rules, *grouped],
        hAlign="LEFT",
    )


class WritingLines(Flowable):
    """Ruled lines to write on, for the blank checklist."""

    def __init__(self, lines: int, gap: float = 6.5 * mm) -> None:
        super().__init__()
        self.lines, self.gap = lines, gap

    def wrap(self, available_width: float, _available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.lines * self.gap

    def draw(self) -> None:
        self.canv.setStrokeColor(styles.RULE)
        self.canv.setLineWidth(0.4)
        self.canv.setDash(1, 2)
        for index in range(self.lines):
            y = index * self.gap
            self.canv.line(0, y, self.width, y)


def _footer_canvas(title: str, printed: Printed) -> type[Canvas]:
    """A canvas that holds its pages back until the end, to print "page x / y" on each."""
    stamp = _("Printed by %(name)s on %(when)s", name=printed.by, when=printed_at(printed))

    class FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, page in enumerate(self._pages, start=1):
                self.__dict__.update(page)
                self._draw_footer(number, total)
                super().showPage()
            super().save()

        def _draw_footer(self, number: int, total: int) -> None:
            width, _height = self._pagesize
            left, right = styles.MARGIN, width - styles.MARGIN
            top = styles.MARGIN - 1.5 * mm
            self.saveState()
            self.setStrokeColor(styles.RULE)
            self.setLineWidth(0.4)
            self.line(left, top, right, top)
            self.setFillColor(styles.MUTED)
            self.setFont(BOLD, 7.5)
            self.drawString(left, top - 3.5 * mm, title)
            self.drawRightString(
                right, top - 3.5 * mm, _("Page %(page)s / %(pages)s", page=number, pages=total)
            )
            self.setFont(REGULAR, 7)
            self.drawString(left, top - 7 * mm, stamp)
            self.restoreState()

    return FooterCanvas


def printed_at(printed: Printed) -> str:
    """2026-04-01 09:30 JST: the time as the reader's clock shows it, with its zone."""
    zone = printed.at.tzname() or ""
    return f"{printed.at:%Y-%m-%d %H:%M} {zone}".strip()


def build(
    story: Callable[[], list[Flowable]],
    *,
    title: str,
    printed: Printed,
    landscape: bool = False,
    invariant: bool = False,
) -> bytes:
    """Lay the story out on A4 pages with the footer and return the PDF's bytes.

    :param story: makes the flowables; called once the fonts are registered.
    :param invariant: the same values give the same bytes (no creation time, fixed ids).
    :raises FontMissing: when the font files are missing.
    """
    register_fonts()
    buffer = BytesIO()
    page = styles.LANDSCAPE if landscape else styles.PORTRAIT
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=styles.MARGIN,
        rightMargin=styles.MARGIN,
        topMargin=styles.MARGIN,
        bottomMargin=styles.MARGIN + styles.FOOTER_SPACE,
        title=title,
        author=printed.by,
        creator="ward-audit",
        lang=locale(),
        invariant=int(invariant),
        initialFontName=REGULAR,
    )
    global _shared
    with _build_lock:
        _shared = {}
        try:
            doc.build(story(), canvasmaker=_footer_canvas(title, printed))
        finally:
            _shared = None
    return buffer.getvalue()
