"""Demo users, audits, visitor surveys and indicators, so that ``make run`` shows a living product.

The audits are made up but plausible: each office has its own steady quality, measurable
standards get counts drawn from it, and the ratings follow the counts. The surveys are made up
office by office but add up to the city's published figures, and the indicators carry the
source document's published figures. A fixed seed makes every run the same.
"""

import random
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, selectinload

from audit.domain import survey as domain_survey
from audit.domain.catalog import OfficeKind, Origin
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
    Level,
    LevelInForce,
    Office,
    Response,
    Role,
    Standard,
    SurveyResult,
    User,
    utc_now,
)
from audit.services import audits, catalog, indicators
from audit.services.indicators import IndicatorDefinition
from audit.services.users import Person, create_user

#: every demo user's password is DEMO_PASSWORD. Listed in the README. The names are invented.
DEMO_USERS = (
    ("admin", Person(Role.ADMIN, None, "市民 花子", "担当係長", "市民文化局 区政推進課")),
    ("head", Person(Role.HEAD, None, "区政 一郎", "区政推進課長", "市民文化局 区政推進課")),
    (
        "head-kawasaki",
        Person(Role.HEAD, "kawasaki", "川崎 太郎", "区民サービス部長", "川崎区役所 区民サービス部"),
    ),
    (
        "head-nakahara",
        Person(Role.HEAD, "nakahara", "中原 次郎", "区民サービス部長", "中原区役所 区民サービス部"),
    ),
    ("auditor", Person(Role.AUDITOR, None, "外部 評子", "外部評価委員", "")),
    (
        "kawasaki",
        Person(Role.COMMITTEE, "kawasaki", "大師 三郎", "企画課長", "川崎区役所 まちづくり推進部"),
    ),
    (
        "nakahara",
        Person(Role.COMMITTEE, "nakahara", "小杉 四郎", "企画課長", "中原区役所 まちづくり推進部"),
    ),
)
DEMO_PASSWORD = "demo-password-2025"
#: accepted audits for these many fiscal years before the current one
DEMO_YEARS = 3

_EVIDENCE = (
    "{month}月に窓口で観察し、記録しました。",
    "テストコールと来庁者の観察による（{month}月実施）。",
    "点検表と業務記録で確認しました（{month}月）。",
)
_NA_REASON = "当該業務を取り扱っていないため。"
_ACTIONS = (
    ("朝礼で応対の基本を再確認し、月1回の相互点検を行う", "区民課長"),
    ("案内表示を見直し、多言語表記を追加する", "総務課"),
    ("繁忙期の応援体制を事前に決め、待ち時間の目安を掲示する", "区民課"),
)


class Scale(StrEnum):
    """How much history the demo makes (the benchmarks' data sets; see tests/benchmarks)."""

    DEMO = "demo"  # three accepted years and a draft: what ``make run`` shows
    CITY = "city"  # the catalog's city, SCALE_YEARS years of accepted audits
    NATIONAL = "national"  # and OTHER_CITIES more cities of OFFICES_PER_CITY offices each


#: fiscal years of accepted audits at city and national scale
SCALE_YEARS = 20
OTHER_CITIES = 19
#: each other city's offices: 5 ward offices, 2 branch offices of the first, 2 sub-offices
OFFICES_PER_CITY = ("ward",) * 5 + ("branch",) * 2 + ("sub",) * 2
#: standards shared by every office at national scale, on top of the catalog's citywide ones,
#: so that each office is held to about 60
NATIONAL_STANDARDS = 26
#: rows per INSERT statement
BATCH = 5000


def create_demo_data(session: Session, *, today: date, scale: Scale = Scale.DEMO) -> list[str]:
    """Create the demo users and audits that do not exist yet; return what was created.

    The audits are accepted for the DEMO_YEARS (or SCALE_YEARS) fiscal years before ``today``'s,
    with a draft in ``today``'s; the surveys run up to last year.
    """
    existing = set(session.scalars(select(User.username)))
    created = []
    for username, person in DEMO_USERS:
        if username not in existing:
            create_user(session, username, DEMO_PASSWORD, person)
            created.append(username)
    this_year = fiscal_year_of(today)
    if session.scalar(select(Audit.id).limit(1)) is None:
        if scale == Scale.DEMO:
            created.extend(_create_demo_audits(session, this_year))
        else:
            created.extend(_create_scale_audits(session, this_year, scale))
    rates: dict[int, Decimal] = {}
    if session.scalar(select(SurveyResult.id).limit(1)) is None:
        rates = _create_demo_surveys(session, this_year)
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


def _create_scale_audits(session: Session, this_year: int, scale: Scale) -> list[str]:
    """Twenty years of accepted audits, written with bulk inserts, and this year's draft.

    A benchmark data set, not history: every standard is taken to be in force at its start
    level from the first generated year, whatever its ``since``. No audit trail is written
    for the generated audits (as for the small demo's).
    """
    first_year = this_year - SCALE_YEARS
    made = []
    if scale == Scale.NATIONAL:
        _create_other_cities(session)
        _create_national_standards(session, first_year)
        made.append(f"{OTHER_CITIES} more cities")
    # Backdate every standard's first level to the first generated year.
    for standard in session.scalars(select(Standard).options(selectinload(Standard.history))):
        standard.since = first_year
        if standard.history:
            standard.history[0].from_year = min(standard.history[0].from_year, first_year)
    session.flush()
    session.expire_all()

    users = {u.username: u.id for u in session.scalars(select(User))}
    rng = random.Random(2022)
    offices = catalog.list_offices(session)
    quality = {o.code: rng.uniform(0.88, 0.97) for o in offices}
    standards = catalog.list_standards(session)
    principle_of = {s.id: s.principle.code for s in standards}
    held_to = {o.id: [s for s in standards if catalog.applies(s, o)] for o in offices}
    moment = utc_now()
    for year in range(first_year, this_year):
        audit_rows = [
            {
                "office_id": office.id,
                "fiscal_year": year,
                "kind": kind,
                "status": AuditStatus.ACCEPTED,
                "created_at": moment,
                "submitted_at": moment,
                "submitted_by_id": users["auditor"]
                if kind == AuditKind.EXTERNAL
                else users.get(office.code, users["admin"]),
                "accepted_at": moment,
                "accepted_by_id": users["head"],
            }
            for office in offices
            for kind in AuditKind
        ]
        session.execute(insert(Audit), audit_rows)
        ids = {
            (office_id, kind): audit_id
            for audit_id, office_id, kind in session.execute(
                select(Audit.id, Audit.office_id, Audit.kind).where(Audit.fiscal_year == year)
            )
        }
        responses: list[dict[str, Any]] = []
        actions: list[dict[str, Any]] = []
        for office in offices:
            for kind in AuditKind:
                audit_id = ids[(office.id, kind)]
                for position, standard in enumerate(held_to[office.id]):
                    # every standard is in force: backdated above
                    in_force = catalog.level_in_force(standard, year) or standard.start_level
                    level = standard.levels[in_force - 1]
                    drawn = _draw(
                        rng,
                        (standard.code, level.target_ppm, level.min_observations),
                        office.kind,
                        quality[office.code],
                        (year, this_year),
                    )
                    responses.append(
                        audits.snapshot_row(
                            audit_id, position, standard, level, principle_of[standard.id]
                        )
                        | {
                            "rating": drawn.rating,
                            "successes": drawn.counts[0],
                            "trials": drawn.counts[1],
                            "evidence": drawn.evidence or "",
                            "na_reason": drawn.na_reason or "",
                            "version": 1,
                        }
                    )
                    if drawn.action is not None:
                        what, owner, due, status = drawn.action
                        actions.append(
                            {
                                "office_id": office.id,
                                "standard_id": standard.id,
                                "audit_id": audit_id,
                                "what": what,
                                "owner": owner,
                                "due": due,
                                "status": status,
                                "created_at": moment,
                            }
                        )
        for rows, model in ((responses, Response), (actions, Action)):
            for start in range(0, len(rows), BATCH):
                session.execute(insert(model), rows[start : start + BATCH])
        made.append(f"audits {year}")
    # This year's self-audit of Kawasaki, half done, as in the small demo.
    kawasaki = next(o for o in offices if o.code == "kawasaki")
    author = session.get(User, users["kawasaki"])
    draft = audits.build_audit(
        session, kawasaki, this_year, AuditKind.SELF, author, from_previous=True
    )
    half = draft.responses[: len(draft.responses) // 2]
    _score(session, rng, draft, kawasaki, quality["kawasaki"], this_year, only=half)
    session.flush()
    made.append(f"draft {this_year}")
    return made


def _create_other_cities(session: Session) -> None:
    """OTHER_CITIES cities of made-up offices, each with its own city code."""
    position = len(catalog.list_offices(session))
    for number in range(1, OTHER_CITIES + 1):
        city = f"c{number:02d}"
        wards: list[Office] = []
        for index, kind in enumerate(OFFICES_PER_CITY, start=1):
            label = {"ward": "区役所", "branch": "支所", "sub": "出張所"}[kind]
            office = Office(
                code=f"{city}-{kind}{index}",
                kind=OfficeKind(kind),
                name_ja=f"第{number}市 第{index}{label}",
                name_en=f"City {number} {kind} office {index}",
                origin=Origin.MODELLED,
                position=position,
                city=city,
                parent=None if kind == "ward" else wards[0 if kind == "branch" else 1],
            )
            if kind == "ward":
                wards.append(office)
            session.add(office)
            position += 1
    session.flush()


def _create_national_standards(session: Session, first_year: int) -> None:
    """Made-up standards every office is held to, so that each has about 60."""
    principles = catalog.list_principles(session)
    position = session.scalar(select(func.max(Standard.position))) or 0
    for number in range(1, NATIONAL_STANDARDS + 1):
        target = 800000 + 50000 * (number % 3)
        session.add(
            Standard(
                code=f"N{number:02d}",
                principle_id=principles[number % len(principles)].id,
                applies_to="ward,branch,sub",
                area="counter",
                title_ja=f"全国規模の試験用基準 {number}",
                title_en=f"National-scale test standard {number}",
                method_ja="観察（20件以上）",
                method_en="Observation (at least 20)",
                since=first_year,
                origin=Origin.MODELLED,
                source="national-demo",
                position=position + number,
                levels=[
                    Level(
                        number=level,
                        criterion_ja=f"達成率が{(target + 50000 * (level - 1)) // 10000}%以上",
                        criterion_en=f"At least {(target + 50000 * (level - 1)) // 10000}%",
                        target_ppm=target + 50000 * (level - 1),
                        min_observations=20,
                    )
                    for level in (1, 2, 3)
                ],
                history=[LevelInForce(level=1, from_year=first_year)],
            )
        )
    session.flush()


def _score(
    session: Session,
    rng: random.Random,
    audit: Audit,
    office: Office,
    quality: float,
    this_year: int,
    only: list | None = None,
) -> None:
    for response in only if only is not None else audit.responses:
        drawn = _draw(
            rng,
            (response.standard_code, response.target_ppm, response.min_observations),
            office.kind,
            quality,
            (audit.fiscal_year, this_year),
        )
        response.rating, response.successes, response.trials = drawn.rating, *drawn.counts
        if drawn.evidence is not None:
            response.evidence = drawn.evidence
        if drawn.na_reason is not None:
            response.na_reason = drawn.na_reason
        if drawn.action is not None:
            what, owner, due, status = drawn.action
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


class _Drawn(NamedTuple):
    """One made-up result: rating, counts, texts (None: left as they are), and the action."""

    rating: Rating
    counts: tuple[int | None, int | None]
    evidence: str | None
    na_reason: str | None
    action: tuple[str, str, date, ActionStatus] | None


def _draw(
    rng: random.Random,
    standard: tuple[str, int | None, int | None],
    kind: str,
    quality: float,
    years: tuple[int, int],
) -> _Drawn:
    """A plausible result for one standard (code, target in ppm, fewest observations)."""
    code, target_ppm, min_observations = standard
    year, this_year = years
    # Some standards are harder than others, the same in every office.
    chance = quality + 0.06 - _difficulty(code)
    counts: tuple[int | None, int | None] = (None, None)
    if target_ppm is not None:
        trials = max(min_observations or 20, 20) + rng.randrange(0, 20)
        successes = sum(rng.random() < chance for _ in range(trials))
        rating = suggest_rating(
            successes, trials, Decimal(target_ppm) / 1_000_000, min_observations
        )
        counts = (successes, trials)
    else:
        weights = (2, 12, 3 + 40 * _difficulty(code), 1)
        rating = rng.choices(list(Rating)[:4], weights=weights)[0]
    if rating is None or (rng.random() < 0.03 and kind != "ward"):
        return _Drawn(Rating.NA, (None, None), None, _NA_REASON, None)
    evidence = rng.choice(_EVIDENCE).format(month=rng.randrange(6, 12))
    action = None
    if rating.needs_action:
        what, owner = rng.choice(_ACTIONS)
        due = date(year + 1, 3, 31) - timedelta(days=rng.randrange(0, 120))
        # Older actions are mostly finished; last year's are still being worked on.
        finished = rng.random() < (0.9 if year < this_year - 1 else 0.2)
        action = (what, owner, due, ActionStatus.VERIFIED if finished else ActionStatus.IN_PROGRESS)
    return _Drawn(rating, counts, evidence, None, action)


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
    everywhere = catalog.list_offices(session)
    # The published figures are the catalog's city's; other cities' (national scale) are made up.
    offices = [o for o in everywhere if not o.city]
    others = [o for o in everywhere if o.city]
    steady = {o.code: rng.uniform(0.4, 1.6) for o in offices}
    rates: dict[int, Decimal] = {}
    years = sorted({*PUBLISHED_SATISFACTION, *NOT_CONDUCTED, *range(2022, this_year)})
    for year in years:
        if year in NOT_CONDUCTED:
            for office in everywhere:
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
        for office in others:
            size = SURVEY_SIZES[office.kind]
            no_count, neutral_count = (
                rng.randrange(0, size // 50 + 2),
                rng.randrange(0, size // 30 + 2),
            )
            session.add(
                SurveyResult(
                    office_id=office.id,
                    fiscal_year=year,
                    yes=size - no_count - neutral_count,
                    neutral=neutral_count,
                    no=no_count,
                    source="demo",
                )
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
