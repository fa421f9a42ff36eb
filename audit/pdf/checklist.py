"""The blank checklist: every standard that applies to an office in a year, to score on paper.

Each standard at the level in force that year, with its criterion, how it is measured and its
target; boxes for ◎ ○ △ × 対象外; lines for the counts and the evidence.
"""

from functools import partial

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from audit.domain.scoring import Rating, percent
from audit.i18n import _, fiscal_year_label
from audit.labels import AUDIT_KIND_LABELS, RATING_LABELS
from audit.models import AuditKind
from audit.pdf import styles
from audit.pdf.document import WritingLines, build, data_table, local, markup, text
from audit.pdf.styles import STYLES
from audit.pdf.values import BlankChecklist, ChecklistItem, Printed

FRAME_WIDTH = styles.PORTRAIT[0] - 2 * styles.MARGIN
BOX = "□"


def render_checklist(sheet: BlankChecklist, printed: Printed, *, invariant: bool = False) -> bytes:
    """The blank checklist's PDF."""
    title = _(
        "Checklist: %(office)s, %(year)s",
        office=local(sheet.office.name),
        year=fiscal_year_label(sheet.fiscal_year),
    )
    return build(partial(_story, sheet), title=title, printed=printed, invariant=invariant)


def _story(sheet: BlankChecklist) -> list[Flowable]:
    kinds = "　".join(f"{BOX} {AUDIT_KIND_LABELS[kind]}" for kind in AuditKind)
    facts = [
        (_("Office"), f"{local(sheet.office.name)} ({sheet.office.code})"),
        (_("Fiscal year"), fiscal_year_label(sheet.fiscal_year)),
        (_("Kind"), kinds),
        (_("Checked by"), ""),
        (_("Date"), ""),
    ]
    head = Table(
        [[text(label, STYLES.header), text(value, STYLES.body)] for label, value in facts],
        colWidths=[28 * mm, 100 * mm],
        rowHeights=[None, None, None, 8 * mm, 8 * mm],
        style=[*styles.TABLE_RULES, ("BACKGROUND", (0, 0), (0, -1), styles.HEADER_FILL)],
        hAlign="LEFT",
    )
    legend = "　".join(
        f"{rating.symbol} {RATING_LABELS[rating]}" if rating != Rating.NA else rating.symbol
        for rating in Rating
    )
    return [
        text(_("Service standards checklist"), STYLES.title),
        head,
        Spacer(0, 2 * mm),
        text(legend, STYLES.body),
        text(
            _(
                "Tick one box per standard. Where the level has a target, count the successes "
                "and the observations. △ and × need an improvement action: what, who, and by when."
            ),
            STYLES.muted,
        ),
        Spacer(0, 2 * mm),
        _items_table(sheet),
    ]


def _standard_cell(item: ChecklistItem) -> list[Flowable]:
    cell = [
        markup("<b>{code}</b> {title}", code=item.code, title=local(item.title)),
        markup(
            "<b>L{level}</b> {criterion}",
            STYLES.cell_small,
            level=item.level,
            criterion=local(item.criterion),
        ),
    ]
    method = local(item.method)
    if method:
        cell.append(text(_("How it is measured:") + " " + method, STYLES.cell_small))
    if item.target is not None:
        cell.append(
            text(
                _(
                    "target %(target)s, at least %(n)s observations",
                    target=percent(item.target, 0, target=item.target),
                    n=item.min_observations or 1,
                ),
                STYLES.cell_small,
            )
        )
    return cell


def _items_table(sheet: BlankChecklist) -> Table:
    widths = [74 * mm, 19 * mm, 26 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    rows: list[list[object]] = [
        [
            text(_("Standard"), STYLES.header),
            text(_("Rating"), STYLES.header),
            text(_("Counts"), STYLES.header),
            text(_("Evidence, reason it does not apply, or improvement action"), STYLES.header),
        ]
    ]
    headings: list[int] = []
    names = {p.code: local(p.name) for p in sheet.principles}
    current = None
    for item in sheet.items:
        if item.principle != current:
            current = item.principle
            headings.append(len(rows))
            rows.append([text(f"{current} {names.get(current, '')}", STYLES.cell_bold)])
        boxes = [text(f"{BOX} {rating.symbol}", STYLES.body) for rating in Rating]
        counts = [
            text("____ / ____", STYLES.body),
            text(_("successes / observations"), STYLES.cell_small),
        ]
        rows.append([_standard_cell(item), boxes, counts, WritingLines(4)])
    return data_table(rows, widths, headings=headings)
