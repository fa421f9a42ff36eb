"""The one style sheet of every printed document: page, colours, type sizes, table rules.

Documents take every style from here and make none of their own (pdfdocument's
``generate_style``). Every paragraph style wraps Japanese with ``wordWrap='CJK'``, which keeps
closing brackets and commas off the start of a line. Colours are those of the web pages'
design tokens, and every colour has a symbol or a word beside it: pages are often printed in
black and white.
"""

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from audit.pdf.fonts import BOLD, REGULAR

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 14 * mm
#: room below the frame for the footer
FOOTER_SPACE = 10 * mm

INK = colors.HexColor("#1a1a1c")
MUTED = colors.HexColor("#595959")
RULE = colors.HexColor("#949494")
HEADER_FILL = colors.HexColor("#e6e6e6")
GROUP_FILL = colors.HexColor("#f2f2f2")
#: a cell where the standard does not apply to the office
VOID_FILL = colors.HexColor("#d9d9d9")
ACCENT = colors.HexColor("#0031d8")  # the design tokens' blue-900: bars of this year
PREVIOUS = colors.HexColor("#9db7f9")  # blue-300: bars of the previous year
WARNING = colors.HexColor("#a10000")  # for "overdue" and "below the target", always with words
RATING_FILLS = {
    "exceeds": colors.HexColor("#c5d7fb"),
    "met": colors.HexColor("#e8f1fe"),
    "partial": colors.HexColor("#fff0b3"),
    "not_met": colors.HexColor("#fdd1d1"),
}


def _style(name: str, size: float, *, bold: bool = False, **more: object) -> ParagraphStyle:
    settings: dict[str, object] = {
        "fontName": BOLD if bold else REGULAR,
        "fontSize": size,
        "leading": round(size * 1.45, 1),
        "textColor": INK,
        "wordWrap": "CJK",
        **more,
    }
    return ParagraphStyle(name, **settings)


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    headline: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    muted: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_center: ParagraphStyle
    cell_right: ParagraphStyle
    cell_small: ParagraphStyle
    cell_warning: ParagraphStyle
    header: ParagraphStyle
    symbol: ParagraphStyle
    matrix: ParagraphStyle
    matrix_header: ParagraphStyle
    matrix_note: ParagraphStyle
    cover_title: ParagraphStyle
    cover_line: ParagraphStyle


STYLES = Styles(
    title=_style("title", 15, bold=True, spaceAfter=2 * mm),
    headline=_style("headline", 9, leading=22),
    heading=_style("heading", 11.5, bold=True, spaceBefore=5 * mm, spaceAfter=2 * mm),
    subheading=_style("subheading", 9.5, bold=True, spaceBefore=3 * mm, spaceAfter=1.5 * mm),
    body=_style("body", 9),
    muted=_style("muted", 7.5, textColor=MUTED),
    cell=_style("cell", 8),
    cell_bold=_style("cell_bold", 8, bold=True),
    cell_center=_style("cell_center", 8, alignment=TA_CENTER),
    cell_right=_style("cell_right", 8, alignment=TA_RIGHT),
    cell_small=_style("cell_small", 6.8, textColor=MUTED),
    cell_warning=_style("cell_warning", 8, bold=True, textColor=WARNING),
    header=_style("header", 7.5, bold=True),
    symbol=_style("symbol", 11, bold=True, alignment=TA_CENTER),
    matrix=_style("matrix", 8, alignment=TA_CENTER, leading=9.5),
    matrix_header=_style("matrix_header", 6.8, bold=True, alignment=TA_CENTER, leading=8.2),
    matrix_note=_style("matrix_note", 6.8, alignment=TA_CENTER, leading=8.2),
    cover_title=_style("cover_title", 22, bold=True, spaceAfter=6 * mm, leading=30),
    cover_line=_style("cover_line", 12, spaceAfter=2 * mm),
)

#: the layout-only tables' rules: a plain-string cell, even an empty one, is set in this font
#: (reportlab's default is Helvetica, which has no Japanese)
LAYOUT_RULES = [
    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
]
#: the rules every table starts from: thin grid, grey header row, text at the top of the cell
TABLE_RULES = [
    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
    ("GRID", (0, 0), (-1, -1), 0.4, RULE),
    ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]
#: the matrix is dense: less padding, symbols in the middle
MATRIX_RULES = [
    *TABLE_RULES,
    ("VALIGN", (1, 1), (-1, -1), "MIDDLE"),
    ("LEFTPADDING", (1, 0), (-1, -1), 1),
    ("RIGHTPADDING", (1, 0), (-1, -1), 1),
]

#: chart type sizes
CHART_FONT_SIZE = 7.5
CHART_SMALL_FONT_SIZE = 6.5
