"""Exports of the review: the matrix and the raw responses, as CSV or XLSX.

CSV is UTF-8 with a byte order mark by default, which Excel on Japanese Windows opens
correctly; cp932 is offered for older systems, and a character cp932 cannot hold is replaced
by 〓 (geta, the customary mark for a missing character). Text that a spreadsheet would run
as a formula (starting with =, +, -, @, tab or carriage return) is prefixed with '.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.domain.fiscal_year import wareki_label
from audit.models import Audit, AuditStatus, Office, Response
from audit.services.review import Matrix

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MISSING_CHARACTER = "〓"
Row = Sequence[object]


def neutralise(value: object) -> object:
    """Keep text from being run as a formula by a spreadsheet."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def matrix_table(matrix: Matrix) -> tuple[list[str], list[Row]]:
    """The matrix as a header and rows: one row per office, one column per standard."""
    header = [
        "office",
        "office_name",
        "fiscal_year",
        "fiscal_year_ja",
        *[s.code for s in matrix.standards],
    ]
    rows: list[Row] = []
    for office in matrix.offices:
        cells = []
        for standard in matrix.standards:
            result = matrix.cell(office.code, standard.code)
            if (office.code, standard.code) not in matrix.applicable:
                cells.append("")
            elif result is None or result.rating is None:
                cells.append("missing")
            else:
                cells.append(result.rating.value)
        rows.append([office.code, office.name_ja, matrix.year, wareki_label(matrix.year), *cells])
    return header, rows


RESPONSE_HEADER = [
    "office",
    "office_name",
    "fiscal_year",
    "fiscal_year_ja",
    "kind",
    "status",
    "standard",
    "level",
    "rating",
    "successes",
    "trials",
    "evidence",
    "na_reason",
]


def response_table(
    session: Session, year: int, city: str | None = None
) -> tuple[list[str], list[Row]]:
    """Every response of the year's accepted audits (of one city if given), one per row."""
    query = (
        select(
            Office.code,
            Office.name_ja,
            Audit.fiscal_year,
            Audit.kind,
            Audit.status,
            Response.standard_code,
            Response.level,
            Response.rating,
            Response.successes,
            Response.trials,
            Response.evidence,
            Response.na_reason,
        )
        .join(Response.audit)
        .join(Audit.office)
        .where(Audit.fiscal_year == year, Audit.status == AuditStatus.ACCEPTED)
        .order_by(Office.position, Audit.kind, Response.position)
    )
    if city is not None:
        query = query.where(Office.city == city)
    rows: list[Row] = []
    for row in session.execute(query):
        code, name, fy, kind, status, standard, level, rating, *counts, evidence, na_reason = row
        rows.append(
            [
                code,
                name,
                fy,
                wareki_label(fy),
                kind.value,
                status.value,
                standard,
                level,
                rating.value if rating else "",
                *counts,
                evidence,
                na_reason,
            ]
        )
    return RESPONSE_HEADER, rows


def to_csv(header: Sequence[str], rows: Iterable[Row], encoding: str = "utf-8") -> bytes:
    """CSV bytes: UTF-8 with BOM, or cp932 with 〓 for what it cannot hold."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([neutralise(v) for v in row] for row in rows)
    if encoding == "cp932":
        return "".join(
            char if _fits_cp932(char) else MISSING_CHARACTER for char in text.getvalue()
        ).encode("cp932")
    return text.getvalue().encode("utf-8-sig")


def _fits_cp932(char: str) -> bool:
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def to_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Row]]]) -> bytes:
    """An XLSX workbook, one sheet per view: bold frozen header, widths, text kept as text.

    Written in openpyxl's write-only mode, which streams rows instead of keeping a cell
    object for each: a year's responses at national scale are tens of thousands of cells.
    """
    book = Workbook(write_only=True)
    header_fill = PatternFill("solid", fgColor="E8F1FE")
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        table = list(rows)
        widths = [len(str(h)) for h in header]
        for row in table:
            for index, value in enumerate(row):
                widths[index] = max(widths[index], min(len(str(value or "")) * 2, 60))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(8, width + 2)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(table) + 1}"
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font, cell.fill = Font(bold=True), header_fill
            cells.append(cell)
        sheet.append(cells)
        for row in table:
            sheet.append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def review_workbook(session: Session, matrix: Matrix) -> bytes:
    """The review as XLSX: the matrix and the raw responses, one sheet each."""
    return to_xlsx(
        [
            ("matrix", *matrix_table(matrix)),
            ("responses", *response_table(session, matrix.year, matrix.city)),
        ]
    )


def review_csv(session: Session, matrix: Matrix, view: str, encoding: str) -> bytes:
    """One view of the review as CSV: "matrix", or "responses" for the raw responses."""
    header, rows = (
        response_table(session, matrix.year, matrix.city)
        if view == "responses"
        else matrix_table(matrix)
    )
    return to_csv(header, rows, encoding)
