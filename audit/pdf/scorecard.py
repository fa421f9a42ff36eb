"""The scorecard of one audit (DESIGN.md §6): A4 portrait, for the office and the auditors.

Office, fiscal year (和暦 and western), kind, status and the sign-off block; the headline
achievement with its counts; bars per principle beside the year before; one row per standard
with the level, rating, counts and interval it was scored with; the open improvement actions;
and the office's visitor survey of the year.
"""

from datetime import date
from decimal import Decimal
from functools import partial

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from audit.domain.scoring import Achievement, Observed, Rating, percent
from audit.domain.survey import SurveyFigures
from audit.i18n import _, fiscal_year_label
from audit.labels import (
    ACTION_STATUS_LABELS,
    AUDIT_KIND_LABELS,
    AUDIT_STATUS_LABELS,
    RATING_LABELS,
    target_verdict,
)
from audit.models import AuditStatus
from audit.pdf import charts, styles
from audit.pdf.document import build, data_table, local, markup, person, text
from audit.pdf.styles import STYLES
from audit.pdf.values import ActionItem, PrincipleResult, Printed, Scorecard, StandardResult

FRAME_WIDTH = styles.PORTRAIT[0] - 2 * styles.MARGIN


def render_scorecard(card: Scorecard, printed: Printed, *, invariant: bool = False) -> bytes:
    """The scorecard's PDF."""
    title = _(
        "Scorecard: %(office)s, %(year)s",
        office=local(card.office.name),
        year=fiscal_year_label(card.fiscal_year),
    )
    return build(partial(_story, card, printed), title=title, printed=printed, invariant=invariant)


def _story(card: Scorecard, printed: Printed) -> list[Flowable]:
    story: list[Flowable] = [
        text(_("Service standards scorecard"), STYLES.title),
        _heading_block(card),
        Spacer(0, 3 * mm),
        *_achievement(card),
        text(_("Results by standard"), STYLES.heading),
        standards_table(card.standards, {p.principle.code: p for p in card.principles}),
        text(
            _("Open improvement actions of this office") + f" ({len(card.open_actions)})",
            STYLES.heading,
        ),
        (
            actions_table(card.open_actions, today=printed.at.date())
            if card.open_actions
            else text(_("None."))
        ),
        *_survey(card.survey),
    ]
    return story


# --- the head: who, what, when, and who signed it off ---------------------------------


def _heading_block(card: Scorecard) -> Table:
    status = AUDIT_STATUS_LABELS[card.status]
    if card.status != AuditStatus.ACCEPTED:
        status = _("%(status)s: not yet accepted, the results may still change", status=status)
    facts = [
        (_("Office"), f"{local(card.office.name)} ({card.office.code})"),
        (_("Fiscal year"), fiscal_year_label(card.fiscal_year)),
        (_("Kind"), str(AUDIT_KIND_LABELS[card.kind])),
        (_("Status"), str(status)),
    ]
    left = Table(
        [[text(label, STYLES.header), text(value, STYLES.body)] for label, value in facts],
        colWidths=[22 * mm, 78 * mm],
        style=[
            *styles.TABLE_RULES,
            ("BACKGROUND", (0, 0), (0, -1), styles.HEADER_FILL),
            ("BACKGROUND", (1, 0), (1, -1), None),
        ],
    )
    sign = card.sign_off
    blank = "　"
    right = Table(
        [
            ["", text(_("Prepared by"), STYLES.header), text(_("Confirmed by"), STYLES.header)],
            [
                text(_("Name"), STYLES.header),
                text(person(sign.prepared_by) if sign.prepared_by else blank),
                text(person(sign.confirmed_by) if sign.confirmed_by else blank),
            ],
            [
                text(_("Date"), STYLES.header),
                text(sign.prepared_on.isoformat() if sign.prepared_on else blank),
                text(sign.confirmed_on.isoformat() if sign.confirmed_on else blank),
            ],
            [text(_("Signature"), STYLES.header), "", ""],
        ],
        colWidths=[18 * mm, 30 * mm, 30 * mm],
        rowHeights=[None, None, None, 13 * mm],
        style=[*styles.TABLE_RULES, ("BACKGROUND", (0, 0), (0, -1), styles.HEADER_FILL)],
    )
    return Table(
        [[left, right]],
        colWidths=[FRAME_WIDTH - 80 * mm, 80 * mm],
        style=styles.LAYOUT_RULES,
        hAlign="LEFT",
    )


def counts_text(achievement: Achievement | None) -> str:
    """27 / 30 (90.0%), or a dash when nothing applies."""
    if achievement is None or not achievement.applicable:
        return "—"
    return f"{achievement.passed} / {achievement.applicable} ({percent(achievement.rate)})"


def _achievement(card: Scorecard) -> list[Flowable]:
    overall = card.overall
    lines: list[Flowable] = [
        text(_("Achievement"), STYLES.heading),
        markup(
            "<font size=16><b>{counts}</b></font>　{what}",
            STYLES.headline,
            counts=counts_text(overall),
            what=_("standards met or exceeded, of those that apply"),
        ),
        Spacer(0, 1.5 * mm),
    ]
    notes = []
    if overall.applicable:
        notes.append(
            _("Weighted score (△ counts half): %(score)s", score=percent(overall.weighted))
        )
    if card.previous_year is not None:
        notes.append(
            _("%(year)s:", year=fiscal_year_label(card.previous_year))
            + " "
            + counts_text(card.previous_overall)
        )
    if notes:
        lines.append(text(" · ".join(notes), STYLES.muted))
    if card.principles:
        series = [fiscal_year_label(card.fiscal_year)]
        if card.previous_year is not None:
            series.append(fiscal_year_label(card.previous_year))
        rows = [
            (
                f"{p.principle.code} {local(p.principle.name)}",
                [p.achievement, p.previous][: len(series)],
            )
            for p in card.principles
        ]
        lines.append(
            charts.achievement_bars(
                rows,
                series,
                width=FRAME_WIDTH,
                height=30 + len(rows) * (9 * len(series) + 5),
                title=_("By principle"),
                missing=_("no audit"),
            )
        )
    return lines


# --- one row per standard ---------------------------------------------------------------


def rating_cell(rating: Rating | None) -> list[Paragraph]:
    """The symbol, large, with its name under it (the symbol alone may not print clearly)."""
    if rating is None:
        return [text(_("Not rated"), STYLES.cell_center)]
    if rating == Rating.NA:
        return [text(rating.symbol, STYLES.cell_center)]
    return [text(rating.symbol, STYLES.symbol), text(RATING_LABELS[rating], STYLES.cell_center)]


def observed_lines(observed: Observed | None, target: Decimal | None = None) -> tuple[str, str]:
    """k / n = 95.0%, and its Wilson interval; the rate is never shown bare below 20. Held to
    a target, with as many places as the target has."""
    if observed is None:
        return "—", ""
    interval = observed.interval
    counts = f"{observed.successes} / {observed.trials}"
    if not observed.is_small:
        counts += f" = {percent(observed.rate, target=target)}"
    ci = _(
        "95%% CI %(low)s–%(high)s",
        low=percent(interval.low, target=target),
        high=percent(interval.high, target=target),
    )
    return counts, ci


def standards_table(
    standards: tuple[StandardResult, ...], principles: dict[str, PrincipleResult]
) -> Table:
    """One row per standard, under its principle's heading with the principle's counts."""
    widths = [54 * mm, 10 * mm, 17 * mm, 40 * mm]
    widths.append(FRAME_WIDTH - sum(widths))
    rows: list[list[object]] = [
        [
            text(_("Standard"), STYLES.header),
            text(_("Level"), STYLES.header),
            text(_("Rating"), STYLES.header),
            text(_("Counts"), STYLES.header),
            text(_("Evidence"), STYLES.header),
        ]
    ]
    rules: list[tuple[object, ...]] = []
    headings: list[int] = []
    current = None
    for result in standards:
        if result.principle != current:
            current = result.principle
            principle = principles.get(current)
            heading = (
                f"{current} {local(principle.principle.name)}　{counts_text(principle.achievement)}"
                if principle
                else current
            )
            headings.append(len(rows))
            rows.append([text(heading, STYLES.cell_bold)])
        if result.rating in styles.RATING_FILLS:
            fill = styles.RATING_FILLS[result.rating]
            rules.append(("BACKGROUND", (2, len(rows)), (2, len(rows)), fill))
        counts, interval = observed_lines(result.observed, result.target)
        counts_cell = [text(counts)]
        if interval:
            counts_cell.append(text(interval, STYLES.cell_small))
        if result.target is not None:
            target = _("target %(target)s", target=percent(result.target, 0, target=result.target))
            counts_cell.append(text(target, STYLES.cell_small))
        evidence = result.na_reason if result.rating == Rating.NA else result.evidence
        rows.append(
            [
                [
                    markup("<b>{code}</b> {title}", code=result.code, title=local(result.title)),
                    text(local(result.criterion), STYLES.cell_small),
                ],
                text(f"L{result.level}", STYLES.cell_center),
                rating_cell(result.rating),
                counts_cell,
                text(evidence or "—"),
            ]
        )
    return data_table(rows, widths, rules, headings=headings)


# --- improvement actions and the survey -------------------------------------------------


def actions_table(
    actions: tuple[ActionItem, ...], today: date, width: float = FRAME_WIDTH
) -> Table:
    """Actions with their standard, who, due date and status; overdue ones (by ``today``)
    marked in words."""
    widths = [34 * mm, 0.0, 30 * mm, 22 * mm, 20 * mm]
    widths[1] = width - sum(widths)
    rows: list[list[object]] = [
        [
            text(_("Standard"), STYLES.header),
            text(_("Action"), STYLES.header),
            text(_("Who"), STYLES.header),
            text(_("Due"), STYLES.header),
            text(_("Status"), STYLES.header),
        ]
    ]
    for action in actions:
        due = [text(action.due.isoformat())]
        if action.due < today:
            due.append(text("※ " + _("overdue"), STYLES.cell_warning))
        rows.append(
            [
                [
                    markup("<b>{code}</b>", code=action.standard),
                    text(local(action.standard_title), STYLES.cell_small),
                ],
                [
                    text(action.what),
                    text(
                        _("Planned in %(year)s", year=fiscal_year_label(action.planned_in)),
                        STYLES.cell_small,
                    ),
                ],
                text(action.owner),
                due,
                text(ACTION_STATUS_LABELS[action.status]),
            ]
        )
    return data_table(rows, widths)


def survey_text(figures: SurveyFigures) -> list[tuple[str, str]]:
    """The survey's figures as (label, value) lines."""
    if figures.counts is None or figures.satisfaction is None:
        return [(_("Not conducted"), figures.note or "—")]
    counts, rate, target = figures.counts, figures.satisfaction, figures.target.rate
    interval = rate.interval
    return [
        (_("Answers"), f"{counts.answers}"),
        (
            " / ".join((_("Yes (はい)"), _("Neither (どちらでもない)"), _("No (いいえ)"))),
            f"{counts.yes} / {counts.neutral} / {counts.no}",
        ),
        (
            _("Satisfaction"),
            f"{percent(rate.rate, target=target)} "
            + _(
                "(95%% CI %(low)s–%(high)s)",
                low=percent(interval.low, target=target),
                high=percent(interval.high, target=target),
            ),
        ),
        (_("Top box"), percent(counts.top_box.rate, target=target)),
        (
            _("Against the target of %(target)s", target=percent(target, target=target)),
            target_verdict(figures),
        ),
    ]


def _survey(figures: SurveyFigures | None) -> list[Flowable]:
    heading = text(_("Visitor survey"), STYLES.heading)
    if figures is None:
        return [heading, text(_("No survey result is recorded for this office and year."))]
    rows = [
        [text(label, STYLES.header), text(value, STYLES.body)]
        for label, value in survey_text(figures)
    ]
    table = Table(
        rows,
        colWidths=[55 * mm, 80 * mm],
        style=[*styles.TABLE_RULES, ("BACKGROUND", (0, 0), (0, -1), styles.HEADER_FILL)],
        hAlign="LEFT",
    )
    return [KeepTogether([heading, table])]
