"""Demo users, audits, visitor surveys and indicators, so that ``make run`` shows a living product.

The audits are made up but plausible: each office has its own steady quality, measurable
standards get counts drawn from it, and the ratings follow the counts. The surveys are made up
office by office but add up to the city's published figures, and the indicators carry the
source document's published figures. A fixed seed makes every run the same.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.domain import survey as domain_survey
from audit.domain.fiscal_year import fiscal_year_of
from audit.domain.scoring import Rating, suggest_rating
from audit.models import (
    Action,
    ActionStatus,
    Audit,
    AuditKind,
    AuditStatus,
    Indicator,
    IndicatorYear,
    Office,
    Role,
    SurveyResult,
    User,
    utc_now,
)
from audit.services import audits, catalog, indicators
from audit.services.indicators import IndicatorDefinition
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
    rates: dict[int, Decimal] = {}
    if session.scalar(select(SurveyResult.id).limit(1)) is None:
        rates = _create_demo_surveys(session, fiscal_year_of(today or date.today()))
        created.append("surveys")
    if session.scalar(select(Indicator.id).limit(1)) is None:
        _create_demo_indicators(session, rates)
        created.append("indicators")
    return created


def _create_demo_audits(session: Session, this_year: int) -> list[str]:
    users = {u.username: u for u in session.scalars(select(User))}
    rng = random.Random(2022)
    offices = catalog.list_offices(session)
    quality = {o.code: rng.uniform(0.88, 0.97) for o in offices}
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
    this_year: int,
    only: list | None = None,
) -> None:
    year = audit.fiscal_year
    for response in only if only is not None else audit.responses:
        # Some standards are harder than others, the same in every office.
        chance = quality + 0.06 - _difficulty(response.standard_code)
        target = audits.target_of(response)
        if target is not None:
            trials = max(response.min_observations or 20, 20) + rng.randrange(0, 20)
            successes = sum(rng.random() < chance for _ in range(trials))
            rating = suggest_rating(successes, trials, target, response.min_observations)
            response.successes, response.trials = successes, trials
        else:
            weights = (2, 12, 3 + 40 * _difficulty(response.standard_code), 1)
            rating = rng.choices(list(Rating)[:4], weights=weights)[0]
        if rating is None or (rng.random() < 0.03 and office.kind != "ward"):
            response.rating, response.na_reason = Rating.NA, "当該業務を取り扱っていないため。"
            response.successes = response.trials = None
            continue
        response.rating = rating
        response.evidence = rng.choice(_EVIDENCE).format(month=rng.randrange(6, 12))
        if rating.needs_action:
            what, owner = rng.choice(_ACTIONS)
            due = date(year + 1, 3, 31) - timedelta(days=rng.randrange(0, 120))
            # Older actions are mostly finished; last year's are still being worked on.
            finished = rng.random() < (0.9 if year < this_year - 1 else 0.2)
            status = ActionStatus.VERIFIED if finished else ActionStatus.IN_PROGRESS
            session.add(
                Action(
                    office_id=office.id,
                    standard_id=response.standard_id,
                    audit=audit,
                    what=what,
                    owner=owner,
                    due=due,
                    status=status,
                )
            )


def _difficulty(code: str) -> float:
    """A steady difficulty for each standard, from 0 to 0.1, the same on every run."""
    return random.Random(code).uniform(0, 0.1)


# --- the visitor survey and the outcome indicators --------------------------------------

#: the city's published citywide satisfaction (%), from the source document (令和3年度 施策評価);
#: FY2016's 96.9% is quoted there in the reasoning behind the second phase's target
PUBLISHED_SATISFACTION = {2015: "97.1", 2016: "96.9", 2018: "98.2", 2019: "99.0", 2021: "99.4"}
#: FY2021's published share of はい (97.8%); どちらでもない was 1.6%
PUBLISHED_TOP_BOX = {2021: "97.8"}
#: the survey was not held in FY2020, and why (the source document's note)
NOT_CONDUCTED = {
    2020: "新型コロナウイルス感染症の感染状況を踏まえ、接触機会の低減等を図るため未実施",
}
#: interviews per office and year (about 300 at a ward office, about 50 elsewhere)
SURVEY_SIZES = {"ward": 300, "branch": 50, "sub": 50}
_FROM_SURVEY = "デモ：聞き取り調査の全市集計から"

#: the source document's two outcome indicators: definition, phase targets and yearly figures
#: as (fiscal year, target, actual, note); None where the document gives none
DEMO_INDICATORS = (
    (
        IndicatorDefinition(
            code="satisfaction",
            name_ja="区役所利用者のサービス満足度",
            name_en="Ward office users' satisfaction with the service",
            unit="%",
            definition_ja=(
                "各区役所利用者への聞き取り調査(年1回実施、1回に各区300人程度)の質問"
                "(「本日は気持ちよく利用できましたか」)に対して「はい」、「どちらでもない」と"
                "否定的ではない回答をした人の割合"
            ),
            definition_en=(
                "Share of visitors who answered 'yes' or 'neither' (not negatively) to "
                "'Did you have a pleasant visit today?' in the yearly interview survey at each "
                "ward office (about 300 a ward)"
            ),
            phase_targets={1: "98.0", 2: "98.0", 3: "98.0"},
        ),
        (
            (2015, None, "97.1", "第1期策定時"),
            (2016, None, "96.9", "第2期目標の考え方より（H28実績）"),
            (2018, "98", "98.2", ""),
            (2019, "98", "99.0", ""),
            (2020, "98", None, NOT_CONDUCTED[2020]),
            (2021, "98", "99.4", ""),
        ),
    ),
    (
        IndicatorDefinition(
            code="mynumber",
            name_ja="マイナンバーカード(個人番号カード)交付率",
            name_en="My Number card issuance rate",
            unit="%",
            definition_ja=(
                "市内で交付されたマイナンバーカードの累計枚数/住民基本台帳人口×100(%)。"
                "第3期目標は国の方針及び市の施策を踏まえ、26%以上から85%以上に変更"
            ),
            definition_en=(
                "Cards issued in the city to date / registered population × 100 (%). The third "
                "phase's target was raised from 26% to 85% after national policy"
            ),
            phase_targets={1: "7", 2: "20", 3: "85"},
        ),
        (
            (2016, None, "10", "第2期目標の考え方より（H28実績）"),
            (2018, "14", "16.5", ""),
            (2019, "16", "19.7", ""),
            (2020, "18", "30.9", ""),
            (2021, "20", "48.0", ""),
        ),
    ),
)


def _create_demo_surveys(session: Session, this_year: int) -> dict[int, Decimal]:
    """Every office's survey for the published years and the demo years up to last year.

    Each year's answers add up citywide to the published satisfaction (and, for FY2021, the
    published top box); offices differ steadily. Returns the citywide rate (%) of each year.
    """
    rng = random.Random(2015)
    offices = catalog.list_offices(session)
    steady = {o.code: rng.uniform(0.4, 1.6) for o in offices}
    rates: dict[int, Decimal] = {}
    years = sorted({*PUBLISHED_SATISFACTION, *NOT_CONDUCTED, *range(2022, this_year)})
    for year in years:
        if year in NOT_CONDUCTED:
            for office in offices:
                session.add(
                    SurveyResult(
                        office_id=office.id,
                        fiscal_year=year,
                        note=NOT_CONDUCTED[year],
                        source="demo",
                    )
                )
            continue
        satisfaction = Decimal(PUBLISHED_SATISFACTION.get(year) or f"{rng.uniform(98.8, 99.5):.1f}")
        top_box = Decimal(
            PUBLISHED_TOP_BOX.get(year) or f"{satisfaction - Decimal(rng.uniform(1.0, 2.5)):.1f}"
        )
        sizes = {
            o.code: SURVEY_SIZES[o.kind] + rng.randint(-8, 8) // (1 + 2 * (o.kind != "ward"))
            for o in offices
        }
        total = sum(sizes.values())
        satisfied = round(total * satisfaction / 100)
        yes_total = min(round(total * top_box / 100), satisfied)
        noise = {code: weight * rng.uniform(0.7, 1.3) for code, weight in steady.items()}
        no = _allocate(total - satisfied, {c: sizes[c] * noise[c] for c in sizes})
        neutral = _allocate(
            satisfied - yes_total, {c: sizes[c] * rng.uniform(0.5, 1.5) for c in sizes}
        )
        for office in offices:
            code = office.code
            session.add(
                SurveyResult(
                    office_id=office.id,
                    fiscal_year=year,
                    yes=sizes[code] - no[code] - neutral[code],
                    neutral=neutral[code],
                    no=no[code],
                    source="demo",
                )
            )
        rates[year] = satisfaction
    session.flush()
    return rates


def _allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Share a whole number out in proportion to weights, largest remainders first."""
    whole = sum(weights.values())
    shares = {code: total * weight / whole for code, weight in weights.items()}
    counts = {code: int(share) for code, share in shares.items()}
    by_remainder = sorted(shares, key=lambda code: shares[code] - counts[code], reverse=True)
    for code in by_remainder[: total - sum(counts.values())]:
        counts[code] += 1
    return counts


def _create_demo_indicators(session: Session, survey_rates: dict[int, Decimal]) -> None:
    """The source document's two indicators with their published figures.

    The satisfaction indicator also gets the demo survey's citywide figure for the years after
    the document, so that the two pages agree.
    """
    for definition, published in DEMO_INDICATORS:
        row = indicators.save_indicator(session, None, definition)
        figures = {year: (target, actual, note) for year, target, actual, note in published}
        if definition.code == "satisfaction":
            for year, rate in survey_rates.items():
                target = "98" if year <= domain_survey.PLAN_PHASES[3] else None
                figures.setdefault(year, (target, str(rate), _FROM_SURVEY))
        for year, (target, actual, note) in sorted(figures.items()):
            session.add(
                IndicatorYear(
                    indicator_id=row.id,
                    fiscal_year=year,
                    target_milli=indicators.to_milli(Decimal(target)) if target else None,
                    actual_milli=indicators.to_milli(Decimal(actual)) if actual else None,
                    note=note,
                )
            )
    session.flush()
