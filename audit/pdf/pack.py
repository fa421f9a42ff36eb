"""The review pack for the division heads' meeting: A4 landscape.

A cover; the offices × standards matrix, split across pages with its header repeated; the
comparison per principle; the visitor survey against its target; the proposals still to be
decided with the evidence they rest on; the decisions taken; the standards that need support.
Every figure comes from accepted audits; an office without one is missing, which is neither
a pass nor a fail, and says the state its audit is in instead.
"""

import math
from functools import partial

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer, Table

from audit.domain.ratchet import Evidence, ProposalKind
from audit.domain.review import ResultState
from audit.domain.scoring import Achievement, Rating, percent
from audit.domain.survey import SurveyFigures, TargetComparison
from audit.i18n import _, fiscal_year_label
from audit.labels import (
    DECIDED_LABELS,
    PROPOSAL_KIND_LABELS,
    PROPOSAL_STATUS_LABELS,
    RATING_LABELS,
    RESULT_STATE_LABELS,
    target_verdict,
)
from audit.pdf import charts, styles
from audit.pdf.document import build, data_table, local, markup, person, text
from audit.pdf.styles import STYLES
from audit.pdf.values import Printed, ProposalItem, ReviewPack, SurveyTable

FRAME_WIDTH = styles.LANDSCAPE[0] - 2 * styles.MARGIN
FRAME_HEIGHT = styles.LANDSCAPE[1] - 2 * styles.MARGIN - styles.FOOTER_SPACE
#: the matrix's first two columns: the standard, its level
STANDARD_WIDTH, LEVEL_WIDTH = 68 * mm, 9 * mm


def render_pack(pack: ReviewPack, printed: Printed, *, invariant: bool = False) -> bytes:
    """The review pack's PDF."""
    title = _("Review pack: %(year)s", year=fiscal_year_label(pack.fiscal_year))
    return build(
        partial(_story, pack, printed),
        title=title,
        printed=printed,
        landscape=True,
        invariant=invariant,
    )


def _story(pack: ReviewPack, printed: Printed) -> list[Flowable]:
    return [
        *_cover(pack, printed),
        PageBreak(),
        *_matrix(pack),
        PageBreak(),
        *_comparison(pack),
        PageBreak(),
        *_survey(pack.survey),
        CondPageBreak(40 * mm),
        *_pending(pack),
        CondPageBreak(40 * mm),
        *_decisions(pack),
        CondPageBreak(30 * mm),
        *_support(pack),
    ]


def _cover(pack: ReviewPack, printed: Printed) -> list[Flowable]:
    facts = [
        (_("Offices"), str(len(pack.offices))),
        (_("Standards in force"), str(len(pack.matrix))),
        (_("Proposals to decide"), str(len(pack.pending))),
        (_("Decisions taken"), str(len(pack.decisions))),
        (_("Standards that need support"), str(len(pack.support))),
    ]
    contents = [
        _("Results: offices × standards"),
        _("Achievement by principle"),
        _("Visitor survey against the target"),
        _("Proposals to decide, with their evidence"),
        _("Decisions taken"),
        _("Standards that need support"),
    ]
    return [
        Spacer(0, 25 * mm),
        text(_("Division heads' meeting: review of the service standards"), STYLES.cover_title),
        text(fiscal_year_label(pack.fiscal_year), STYLES.cover_line),
        Spacer(0, 6 * mm),
        Table(
            [[text(label, STYLES.header), text(value, STYLES.body)] for label, value in facts],
            colWidths=[60 * mm, 30 * mm],
            style=[*styles.TABLE_RULES, ("BACKGROUND", (0, 0), (0, -1), styles.HEADER_FILL)],
            hAlign="LEFT",
        ),
        Spacer(0, 6 * mm),
        *[text(f"{number}. {line}", STYLES.body) for number, line in enumerate(contents, 1)],
        Spacer(0, 6 * mm),
        text(
            _(
                "Every result comes from accepted audits: the external evaluation's rating "
                "where there is one, else the self-audit's. An office without an accepted audit "
                "counts as neither a pass nor a fail, and its cells name the state its audit "
                "is in."
            ),
            STYLES.body,
        ),
        Spacer(0, 4 * mm),
        text(
            _("Prepared for the meeting by %(name)s.", name=printed.by),
            STYLES.muted,
        ),
    ]


# --- the matrix -------------------------------------------------------------------------


def _legend() -> str:
    rated = "　".join(
        f"{rating.symbol} {RATING_LABELS[rating]}" for rating in Rating if rating != Rating.NA
    )
    # gettext calls stay outside f-strings, where the message extractor cannot see them
    return "　".join(
        (
            rated,
            Rating.NA.symbol + ": " + _("rated not applicable"),
            _("in words: no accepted audit, and the state the office's audit is in"),
            _("grey: the standard does not apply to the office"),
        )
    )


def _missing(pack: ReviewPack, index: int, *, cell: bool = False) -> str | None:
    """Why the office at ``index`` has no result: the state of its audit; for a cell of an
    accepted audit, that it does not assess the standard. None when nothing needs saying."""
    if index >= len(pack.office_states):
        return None
    state = pack.office_states[index]
    if state == ResultState.ACCEPTED:
        state = ResultState.NOT_ASSESSED if cell else state
    return None if state == ResultState.ACCEPTED else str(RESULT_STATE_LABELS[state])


def _office_widths(pack: ReviewPack) -> tuple[float, list[float]]:
    each = (FRAME_WIDTH - STANDARD_WIDTH - LEVEL_WIDTH) / max(len(pack.offices), 1)
    return each, [STANDARD_WIDTH, LEVEL_WIDTH] + [each] * len(pack.offices)


def _matrix(pack: ReviewPack) -> list[Flowable]:
    _each, widths = _office_widths(pack)
    header = [
        text(_("Standard"), STYLES.header),
        text(_("Level"), STYLES.matrix_header),
        *[text(local(office.name), STYLES.matrix_header) for office in pack.offices],
    ]
    rows: list[list[object]] = [header]
    rules: list[tuple[object, ...]] = [("VALIGN", (1, 0), (-1, 0), "MIDDLE")]
    headings: list[int] = []
    names = {p.principle.code: local(p.principle.name) for p in pack.principles}
    current = None
    for row in pack.matrix:
        if row.principle != current:
            current = row.principle
            headings.append(len(rows))
            rows.append([text(f"{current} {names.get(current, '')}", STYLES.cell_bold)])
        here = len(rows)
        cells: list[object] = []
        for column, cell in enumerate(row.cells, start=2):
            if not cell.applies:
                rules.append(("BACKGROUND", (column, here), (column, here), styles.VOID_FILL))
                cells.append("")
            elif cell.rating is None:
                cells.append(text(_missing(pack, column - 2, cell=True) or "—", STYLES.matrix_note))
            else:
                fill = styles.RATING_FILLS.get(cell.rating)
                if fill is not None:
                    rules.append(("BACKGROUND", (column, here), (column, here), fill))
                style = STYLES.matrix_note if cell.rating == Rating.NA else STYLES.matrix
                cells.append(text(cell.rating.symbol, style))
        rows.append(
            [
                markup("<b>{code}</b> {title}", code=row.code, title=local(row.title)),
                text(f"L{row.level}", STYLES.matrix),
                *cells,
            ]
        )
    here = len(rows)
    rules += [
        ("SPAN", (0, here), (1, here)),
        ("BACKGROUND", (0, here), (-1, here), styles.HEADER_FILL),
        ("LINEABOVE", (0, here), (-1, here), 1, styles.INK),
    ]
    rows.append(
        [
            text(_("Achievement (◎ + ○) / applicable"), STYLES.cell_bold),
            "",
            *[
                _total_cell(total, _missing(pack, index))
                for index, total in enumerate(pack.office_totals)
            ],
        ]
    )
    return [
        text(_("Results: offices × standards"), STYLES.heading),
        text(_legend(), STYLES.muted),
        Spacer(0, 1.5 * mm),
        data_table(rows, widths, rules, base=styles.MATRIX_RULES, headings=headings),
    ]


def _total_cell(total: Achievement | None, missing: str | None) -> list[Flowable] | Flowable:
    if total is None or not total.applicable:
        return text(missing or "—", STYLES.matrix_note)
    return [
        text(f"{total.passed}/{total.applicable}", STYLES.matrix_header),
        text(percent(total.rate), STYLES.matrix_header),
    ]


# --- per principle ----------------------------------------------------------------------


def _comparison(pack: ReviewPack) -> list[Flowable]:
    columns = 3
    width = FRAME_WIDTH / columns - 2 * mm
    panels = [(_("All standards"), pack.office_totals)] + [
        (f"{p.principle.code} {local(p.principle.name)}", p.achievements) for p in pack.principles
    ]
    grid_rows = math.ceil(len(panels) / columns)
    height = min((FRAME_HEIGHT - 24 * mm) / grid_rows - 2, 70 * mm)
    names = [local(office.name) for office in pack.offices]
    drawings = [
        charts.achievement_bars(
            [
                (_label(name, value, _missing(pack, index)), [value])
                for index, (name, value) in enumerate(zip(names, values, strict=True))
            ],
            [fiscal_year_label(pack.fiscal_year)],
            width=width,
            height=height,
            title=title,
            font_size=styles.CHART_SMALL_FONT_SIZE,
        )
        for title, values in panels
    ]
    padded: list[object] = [*drawings, *[""] * (grid_rows * columns - len(drawings))]
    cells = [padded[start : start + columns] for start in range(0, len(padded), columns)]
    return [
        text(_("Achievement by principle"), STYLES.heading),
        text(
            _("(◎ + ○) / applicable standards per office; bars are labelled with the counts."),
            STYLES.muted,
        ),
        Table(
            cells,
            colWidths=[FRAME_WIDTH / columns] * columns,
            style=styles.LAYOUT_RULES,
            hAlign="LEFT",
        ),
    ]


def _label(name: str, value: Achievement | None, missing: str | None) -> str:
    """An office's row in a chart; without a bar, with why there is none."""
    if value is not None or missing is None:
        return name
    return _("%(name)s: %(state)s", name=name, state=missing)


# --- the survey -------------------------------------------------------------------------


def _survey_cells(figures: SurveyFigures | None, columns: int) -> list[object]:
    if figures is None:
        return [text(_("No result recorded"), STYLES.cell_small)] + [""] * (columns - 1)
    if figures.counts is None or figures.satisfaction is None:
        note = _("Not conducted") + (f": {figures.note}" if figures.note else "")
        return [text(note, STYLES.cell_small)] + [""] * (columns - 1)
    counts, rate, target = figures.counts, figures.satisfaction, figures.target.rate
    interval = rate.interval
    low, high = percent(interval.low, target=target), percent(interval.high, target=target)
    return [
        text(str(counts.yes), STYLES.cell_right),
        text(str(counts.neutral), STYLES.cell_right),
        text(str(counts.no), STYLES.cell_right),
        text(str(counts.answers), STYLES.cell_right),
        text(percent(rate.rate, target=target), STYLES.cell_right),
        text(f"{low}–{high}", STYLES.cell_right),
        text(percent(counts.top_box.rate, target=target), STYLES.cell_right),
        text(
            target_verdict(figures),
            STYLES.cell_warning if figures.comparison == TargetComparison.BELOW else STYLES.cell,
        ),
    ]


def _survey(table: SurveyTable | None) -> list[Flowable]:
    heading = text(_("Visitor survey against the target"), STYLES.heading)
    if table is None:
        return [heading, text(_("No survey result is recorded for this year."))]
    labels = [
        _("Office"),
        _("Yes (はい)"),
        _("Neither (どちらでもない)"),
        _("No (いいえ)"),
        _("Answers"),
        _("Satisfaction"),
        _("95%% CI") % {},  # a message without placeholders is not %-formatted by gettext
        _("Top box"),
        _("Against the target"),
    ]
    widths = [44 * mm, 20 * mm, 30 * mm, 20 * mm, 18 * mm, 22 * mm, 32 * mm, 22 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    rows: list[list[object]] = [[text(label, STYLES.header) for label in labels]]
    rules: list[tuple[object, ...]] = []
    for office, figures in (*table.offices, (None, table.citywide)):
        here = len(rows)
        cells = _survey_cells(figures, len(labels) - 1)
        if figures is None or figures.counts is None:
            rules.append(("SPAN", (1, here), (-1, here)))
        name = local(office.name) if office else _("Citywide (every office's answers pooled)")
        rows.append([text(name, STYLES.cell if office else STYLES.cell_bold), *cells])
    rules.append(("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 1, styles.INK))
    target = table.target
    return [
        heading,
        text(
            _(
                "Satisfaction = (はい + どちらでもない) / answers, compared first with the "
                "target of %(target)s; beside it, the 95%% interval's verdict (met when its "
                "lower bound is at least %(threshold)s) and, for too few answers ever to show "
                "the target met, that the figure is for reference.",
                target=percent(target.rate, target=target.rate),
                threshold=percent(target.threshold, target=target.rate),
            ),
            STYLES.muted,
        ),
        Spacer(0, 1.5 * mm),
        data_table(rows, widths, rules),
    ]


# --- proposals, decisions, support ------------------------------------------------------


def _evidence_cell(evidence: Evidence | None) -> Flowable:
    """The rating and the counts behind it; a dash where the office has no accepted audit."""
    if evidence is None or evidence.rating is None:
        return text("—", STYLES.matrix)
    counts = ""
    if evidence.trials and evidence.successes is not None:
        counts = f"{evidence.successes}/{evidence.trials}"
    return markup(
        "{symbol} <font size=6.8>{counts}</font>",
        STYLES.matrix,
        symbol=evidence.rating.symbol,
        counts=counts,
    )


def _proposal(proposal: ProposalItem, pack: ReviewPack) -> list[Flowable]:
    kind = PROPOSAL_KIND_LABELS[proposal.kind]
    if proposal.kind == ProposalKind.STEP_UP:
        kind = f"{kind} L{proposal.from_level} → L{proposal.to_level}"
    head = markup(
        "<b>{code}</b> {title}　<b>{kind}</b> · {status}",
        STYLES.body,
        code=proposal.standard,
        title=local(proposal.title),
        kind=kind,
        status=PROPOSAL_STATUS_LABELS[proposal.status],
    )
    parts: list[Flowable] = [head]
    if proposal.next_criterion is not None:
        parts.append(
            text(_("Next level:") + " " + local(proposal.next_criterion), STYLES.cell_small)
        )
    by_key = {(e.office, e.year): e for e in proposal.evidence}
    offices = [o for o in pack.offices if any(e.office == o.code for e in proposal.evidence)]
    each = min((FRAME_WIDTH - 30 * mm) / max(len(offices), 1), 40 * mm)
    rows: list[list[object]] = [
        [text(_("Fiscal year"), STYLES.matrix_header)]
        + [text(local(o.name), STYLES.matrix_header) for o in offices]
    ]
    for year in proposal.years:
        rows.append(
            [text(fiscal_year_label(year), STYLES.cell_small)]
            + [_evidence_cell(by_key.get((o.code, year))) for o in offices]
        )
    parts.append(data_table(rows, [30 * mm] + [each] * len(offices), base=styles.MATRIX_RULES))
    if proposal.pooled is not None:
        pooled = proposal.pooled
        line = _(
            "Pooled over the years: %(successes)s / %(trials)s, 95%% lower bound %(low)s",
            successes=pooled.successes,
            trials=pooled.trials,
            low=percent(pooled.interval.low, target=proposal.target),
        )
        if proposal.target is not None:
            target = percent(proposal.target, 0, target=proposal.target)
            line += " " + _("(target %(target)s)", target=target)
        parts.append(text(line, STYLES.cell_small))
    parts.append(Spacer(0, 3 * mm))
    return parts


def _pending(pack: ReviewPack) -> list[Flowable]:
    heading = text(
        _("Proposals to decide, with their evidence") + f" ({len(pack.pending)})", STYLES.heading
    )
    if not pack.pending:
        return [heading, text(_("None."))]
    first, *others = [KeepTogether(_proposal(p, pack)) for p in pack.pending]
    return [KeepTogether([heading, first]), *others]


def _decisions(pack: ReviewPack) -> list[Flowable]:
    heading = text(_("Decisions taken") + f" ({len(pack.decisions)})", STYLES.heading)
    if not pack.decisions:
        return [heading, text(_("None."))]
    labels = [
        _("Standard"),
        _("Proposal"),
        _("Decision"),
        _("Rationale"),
        _("Meeting"),
        _("Applies from"),
    ]
    widths = [70 * mm, 40 * mm, 24 * mm, 0.0, 28 * mm, 34 * mm]
    widths[3] = FRAME_WIDTH - sum(widths)
    rows: list[list[object]] = [[text(label, STYLES.header) for label in labels]]
    for decision in pack.decisions:
        kind = PROPOSAL_KIND_LABELS[decision.kind]
        if decision.kind == ProposalKind.STEP_UP:
            kind = f"{kind} L{decision.from_level} → L{decision.to_level}"
        rows.append(
            [
                markup(
                    "<b>{code}</b> {title}", code=decision.standard, title=local(decision.title)
                ),
                text(kind),
                text(DECIDED_LABELS[decision.outcome], STYLES.cell_bold),
                text(decision.rationale or "—"),
                [
                    text(decision.meeting_date.isoformat()),
                    text(person(decision.decided_by), STYLES.cell_small),
                ],
                text(fiscal_year_label(decision.effective_year)),
            ]
        )
    return [heading, data_table(rows, widths)]


def _support(pack: ReviewPack) -> list[Flowable]:
    heading = text(_("Standards that need support") + f" ({len(pack.support)})", STYLES.heading)
    if not pack.support:
        return [heading, text(_("None."))]
    years = [year for year, _failing, _assessed in pack.support[0].failing]
    widths = [110 * mm, 14 * mm]
    widths += [(FRAME_WIDTH - sum(widths)) / len(years)] * len(years)
    rows: list[list[object]] = [
        [text(_("Standard"), STYLES.header), text(_("Level"), STYLES.header)]
        + [text(fiscal_year_label(year), STYLES.header) for year in years]
    ]
    for item in pack.support:
        rows.append(
            [
                markup("<b>{code}</b> {title}", code=item.standard, title=local(item.title)),
                text(f"L{item.level}"),
                *[
                    text(
                        _(
                            "%(failing)s of %(assessed)s offices failed",
                            failing=failing,
                            assessed=assessed,
                        )
                    )
                    for _year, failing, assessed in item.failing
                ],
            ]
        )
    return [
        heading,
        text(
            _(
                "Standards that many offices failed in each of the last two years. They are "
                "never lowered; they call for help."
            ),
            STYLES.muted,
        ),
        Spacer(0, 1.5 * mm),
        data_table(rows, widths),
    ]
