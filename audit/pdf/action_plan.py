"""The action plan: open improvement actions, office by office, by due date."""

from functools import partial

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from audit.i18n import _
from audit.pdf.document import build, local, text
from audit.pdf.scorecard import actions_table
from audit.pdf.styles import STYLES
from audit.pdf.values import ActionPlan, Printed


def render_action_plan(plan: ActionPlan, printed: Printed, *, invariant: bool = False) -> bytes:
    """The action plan's PDF; overdue actions are marked against the day it is printed."""
    if len(plan.offices) == 1:
        title = _("Action plan: %(office)s", office=local(plan.offices[0].office.name))
    else:
        title = _("Action plan: every office")
    return build(partial(_story, plan, printed), title=title, printed=printed, invariant=invariant)


def _story(plan: ActionPlan, printed: Printed) -> list[Flowable]:
    story: list[Flowable] = [
        text(_("Improvement action plan"), STYLES.title),
        text(
            _(
                "Open and in-progress improvement actions by due date, as of %(date)s.",
                date=printed.at.date().isoformat(),
            ),
            STYLES.muted,
        ),
    ]
    for number, office in enumerate(plan.offices):
        if number:
            story.append(PageBreak())  # each office's plan on its own sheets, to hand out
        heading = text(f"{local(office.office.name)} ({len(office.actions)})", STYLES.heading)
        if not office.actions:
            story.append(KeepTogether([heading, text(_("None."))]))
            continue
        story += [heading, actions_table(office.actions, today=printed.at.date())]
    return story
