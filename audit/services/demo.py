"""Demo users and audits, so that a fresh ``make run`` shows a living product.

The audits are made up but plausible: each office has its own steady quality, measurable
standards get counts drawn from it, and the ratings follow the counts. A fixed seed makes
every run the same.
"""

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.domain.fiscal_year import fiscal_year_of
from audit.domain.scoring import Rating, suggest_rating
from audit.models import (
    Action,
    Audit,
    AuditKind,
    AuditStatus,
    Office,
    Role,
    User,
    utc_now,
)
from audit.services import audits, catalog
from audit.services.users import create_user

#: (user name, role, office); every demo user's password is DEMO_PASSWORD. Listed in the README.
DEMO_USERS = (
    ("admin", Role.ADMIN, None),
    ("head", Role.HEAD, None),
    ("auditor", Role.AUDITOR, None),
    ("kawasaki", Role.COMMITTEE, "kawasaki"),
    ("nakahara", Role.COMMITTEE, "nakahara"),
)
DEMO_PASSWORD = "demo-password-2025"
#: accepted audits for these many fiscal years before the current one
DEMO_YEARS = 3

_EVIDENCE = (
    "{month}月に窓口で観察し、記録しました。",
    "テストコールと来庁者の観察による（{month}月実施）。",
    "点検表と業務記録で確認しました（{month}月）。",
)
_ACTIONS = (
    ("朝礼で応対の基本を再確認し、月1回の相互点検を行う", "区民課長"),
    ("案内表示を見直し、多言語表記を追加する", "総務課"),
    ("繁忙期の応援体制を事前に決め、待ち時間の目安を掲示する", "区民課"),
)


def create_demo_data(session: Session, today: date | None = None) -> list[str]:
    """Create the demo users and audits that do not exist yet; return what was created."""
    existing = set(session.scalars(select(User.username)))
    created = []
    for username, role, office in DEMO_USERS:
        if username not in existing:
            create_user(session, username, DEMO_PASSWORD, role, office)
            created.append(username)
    if session.scalar(select(Audit.id).limit(1)) is None:
        created.extend(_create_demo_audits(session, fiscal_year_of(today or date.today())))
    return created


def _create_demo_audits(session: Session, this_year: int) -> list[str]:
    users = {u.username: u for u in session.scalars(select(User))}
    rng = random.Random(2022)
    offices = catalog.list_offices(session)
    quality = {o.code: rng.uniform(0.86, 0.97) for o in offices}
    made = []
    for year in range(this_year - DEMO_YEARS, this_year):
        for office in offices:
            for kind in AuditKind:
                audit = audits.build_audit(session, office, year, kind, None, from_previous=True)
                _score(session, rng, audit, office, quality[office.code], this_year)
                author = (
                    users["auditor"]
                    if kind == AuditKind.EXTERNAL
                    else users.get(office.code, users["admin"])
                )
                audit.status = AuditStatus.ACCEPTED
                audit.submitted_by_id, audit.accepted_by_id = author.id, users["head"].id
                audit.submitted_at = audit.accepted_at = utc_now()
        made.append(f"audits {year}")
    # This year's self-audit of Kawasaki, half done, for the committee member to carry on.
    kawasaki = next(o for o in offices if o.code == "kawasaki")
    draft = audits.build_audit(
        session, kawasaki, this_year, AuditKind.SELF, users["kawasaki"], from_previous=True
    )
    half = draft.responses[: len(draft.responses) // 2]
    _score(session, rng, draft, kawasaki, quality["kawasaki"], this_year, only=half)
    session.flush()
    made.append(f"draft {this_year}")
    return made


def _score(
    session: Session,
    rng: random.Random,
    audit: Audit,
    office: Office,
    quality: float,
    year: int,
    only: list | None = None,
) -> None:
    for response in only if only is not None else audit.responses:
        target = audits.target_of(response)
        if target is not None:
            trials = max(response.min_observations or 20, 20) + rng.randrange(0, 20)
            successes = sum(rng.random() < quality + 0.05 for _ in range(trials))
            rating = suggest_rating(successes, trials, target, response.min_observations)
            response.successes, response.trials = successes, trials
        else:
            rating = rng.choices(list(Rating)[:4], weights=(2, 12, 3, 1))[0]
        if rating is None or (rng.random() < 0.03 and office.kind != "ward"):
            response.rating, response.na_reason = Rating.NA, "当該業務を取り扱っていないため。"
            response.successes = response.trials = None
            continue
        response.rating = rating
        response.evidence = rng.choice(_EVIDENCE).format(month=rng.randrange(6, 12))
        if rating.needs_action:
            what, owner = rng.choice(_ACTIONS)
            due = date(year + 1, 3, 31) - timedelta(days=rng.randrange(0, 120))
            session.add(
                Action(
                    office_id=office.id,
                    standard_id=response.standard_id,
                    audit=audit,
                    what=what,
                    owner=owner,
                    due=due,
                )
            )
