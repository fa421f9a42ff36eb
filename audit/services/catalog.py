"""Loading the catalog from checklist files into the database, and reading it back."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, selectinload

from audit.domain import catalog as domain
from audit.domain.catalog import N_, Catalog, CatalogFile, Change, ChangeKind, Problem
from audit.models import Level, LevelInForce, Office, Principle, Standard, User
from audit.services.audit_log import record_change


class CatalogRefused(Exception):
    """The files were not applied; ``problems`` says every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class CatalogPlan:
    """Checked files and what applying them would change."""

    catalog: Catalog
    changes: list[Change]
    file_names: list[str]


def read_files(paths: Iterable[str | Path]) -> list[CatalogFile]:
    """Read checklist files, and every ``*.toml`` below each folder, in a stable order."""
    files = []
    for path in map(Path, paths):
        found = sorted(path.rglob("*.toml")) if path.is_dir() else [path]
        files.extend(CatalogFile(str(p), p.read_bytes()) for p in found)
    return files


def check_files(session: Session, files: Sequence[CatalogFile]) -> CatalogPlan:
    """Validate files against each other and the catalog in the database; list the changes.

    :raises CatalogRefused: with every problem in every file.
    """
    current, retired = current_catalog(session)
    parsed, problems = domain.parse_catalog(
        files,
        known_offices={o.code: o.kind for o in current.offices},
        known_principles=[p.code for p in current.principles],
    )
    if not files:
        problems.append(Problem("-", N_("no checklist files were given")))
    problems.extend(_level_history_problems(session, parsed))
    if problems:
        raise CatalogRefused(problems)
    file_names = [f.base_name for f in files]
    changes = domain.diff_catalog(current, parsed, retired=retired, replaced_files=file_names)
    return CatalogPlan(parsed, changes, file_names)


def load_files(session: Session, files: Sequence[CatalogFile], actor: User | None) -> CatalogPlan:
    """Check the files and apply them whole; the caller commits.

    :raises CatalogRefused: when any file has a problem; nothing is written then.
    """
    plan = check_files(session, files)
    _apply(session, plan, actor)
    session.flush()
    return plan


def current_catalog(session: Session) -> tuple[Catalog, set[str]]:
    """The catalog as it is in the database, and the codes of its retired standards."""
    if not inspect(session.connection()).has_table("standard"):
        return Catalog(), set()
    offices = session.scalars(select(Office).order_by(Office.position)).all()
    parents = {o.id: o.code for o in offices}
    principles = session.scalars(select(Principle).order_by(Principle.position)).all()
    standards = session.scalars(
        select(Standard)
        .options(selectinload(Standard.levels), selectinload(Standard.principle))
        .order_by(Standard.position)
    ).all()
    catalog = Catalog(
        offices=tuple(_office_value(o, parents) for o in offices),
        principles=tuple(_principle_value(p) for p in principles),
        standards=tuple(_standard_value(s, parents) for s in standards),
    )
    return catalog, {s.code for s in standards if s.is_retired}


def _office_value(row: Office, codes: dict[int, str]) -> domain.Office:
    parent = codes.get(row.parent_id) if row.parent_id else None
    return domain.Office(
        row.code, row.kind, domain.Text(row.name_ja, row.name_en), row.origin, parent
    )


def _principle_value(row: Principle) -> domain.Principle:
    return domain.Principle(
        row.code,
        domain.Text(row.name_ja, row.name_en),
        domain.Text(row.description_ja, row.description_en),
        row.origin,
    )


def _standard_value(row: Standard, office_codes: dict[int, str]) -> domain.Standard:
    return domain.Standard(
        code=row.code,
        principle=row.principle.code,
        title=domain.Text(row.title_ja, row.title_en),
        method=domain.Text(row.method_ja, row.method_en),
        since=row.since,
        origin=row.origin,
        levels=tuple(level_value(level) for level in row.levels),
        source=row.source,
        office=office_codes.get(row.office_id) if row.office_id else None,
        applies_to=applies_to_kinds(row),
        area=row.area,
        start_level=row.start_level,
        rule=rule_value(row.rule),
    )


def level_value(row: Level) -> domain.Level:
    target = Decimal(row.target_ppm) / 1000000 if row.target_ppm is not None else None
    return domain.Level(
        row.number, domain.Text(row.criterion_ja, row.criterion_en), target, row.min_observations
    )


def rule_value(stored: dict[str, object]) -> domain.RuleSettings:
    defaults = domain.RuleSettings()
    return domain.RuleSettings(
        sustain_years=int(str(stored.get("sustain_years", defaults.sustain_years))),
        coverage=Decimal(str(stored.get("coverage", defaults.coverage))),
        support_share=Decimal(str(stored.get("support_share", defaults.support_share))),
    )


def _level_history_problems(session: Session, parsed: Catalog) -> list[Problem]:
    """A level that has been in force cannot be taken out of a file: audits were scored on it."""
    codes = [s.code for s in parsed.standards]
    if not codes or not inspect(session.connection()).has_table("level_in_force"):
        return []
    rows = session.execute(
        select(Standard.code, Standard.source, LevelInForce.level)
        .join(LevelInForce, LevelInForce.standard_id == Standard.id)
        .where(Standard.code.in_(codes))
    ).all()
    highest: dict[str, tuple[str, int]] = {}
    for code, source, level in rows:
        highest[code] = (source, max(level, highest.get(code, (source, 0))[1]))
    problems = []
    for standard in parsed.standards:
        source, level = highest.get(standard.code, ("", 0))
        if level > len(standard.levels):
            problems.append(
                Problem(
                    standard.source,
                    N_(
                        "standard %(code)s: level %(level)s has been in force and cannot be removed"
                    ),
                    {"code": standard.code, "level": level},
                    code=standard.code,
                )
            )
    return problems


def _apply(session: Session, plan: CatalogPlan, actor: User | None) -> None:
    """Write the checked catalog: upsert what is in the files, retire what left them."""
    catalog = plan.catalog
    offices = {o.code: o for o in session.scalars(select(Office))}
    for position, value in enumerate(catalog.offices):
        row = offices.get(value.code) or Office(code=value.code)
        row.kind, row.origin, row.position = value.kind, value.origin, position
        row.name_ja, row.name_en = value.name.ja, value.name.en
        offices[value.code] = row
        session.add(row)
    session.flush()
    for value in catalog.offices:
        offices[value.code].parent_id = offices[value.parent].id if value.parent else None

    principles = {p.code: p for p in session.scalars(select(Principle))}
    for position, value in enumerate(catalog.principles):
        row = principles.get(value.code) or Principle(code=value.code)
        row.name_ja, row.name_en = value.name.ja, value.name.en
        row.description_ja, row.description_en = value.description.ja, value.description.en
        row.origin, row.position = value.origin, position
        principles[value.code] = row
        session.add(row)
    session.flush()

    standards = {
        s.code: s
        for s in session.scalars(
            select(Standard).options(selectinload(Standard.levels), selectinload(Standard.history))
        )
    }
    for position, value in enumerate(catalog.standards):
        row = standards.get(value.code) or Standard(code=value.code, levels=[], history=[])
        _write_standard(
            row,
            value,
            principles[value.principle].id,
            offices[value.office].id if value.office else None,
            position,
        )
        session.add(row)

    for change in plan.changes:
        if change.kind == "standard" and change.change == ChangeKind.RETIRED:
            standards[change.code].is_retired = True
        record_change(
            session,
            actor,
            f"catalog.{change.change}",
            change.kind,
            change.code,
            before={name: old for name, old, _new in change.fields} or None,
            after={name: new for name, _old, new in change.fields} or None,
        )


def _write_standard(
    row: Standard, value: domain.Standard, principle_id: int, office_id: int | None, position: int
) -> None:
    row.principle_id, row.office_id, row.position = principle_id, office_id, position
    row.applies_to = ",".join(k.value for k in domain.OfficeKind if k in value.applies_to)
    row.area, row.since, row.start_level, row.origin = (
        value.area,
        value.since,
        value.start_level,
        value.origin,
    )
    row.title_ja, row.title_en = value.title.ja, value.title.en
    row.method_ja, row.method_en = value.method.ja, value.method.en
    defaults = domain.RuleSettings()
    row.rule = {
        name: (str(setting) if isinstance(setting, Decimal) else setting)
        for name, setting in vars(value.rule).items()
        if setting != getattr(defaults, name)
    }
    row.source, row.is_retired = value.source, False
    existing = {level.number: level for level in row.levels}
    row.levels = [
        existing.get(level.number) or Level(number=level.number) for level in value.levels
    ]
    for level, spec in zip(row.levels, value.levels, strict=True):
        level.criterion_ja, level.criterion_en = spec.criterion.ja, spec.criterion.en
        level.target_ppm = int(spec.target * 1000000) if spec.target is not None else None
        level.min_observations = spec.min_observations
    if not row.history:
        row.history.append(LevelInForce(level=value.start_level, from_year=value.since))


# --- reading the catalog for pages ------------------------------------------------------


def list_principles(session: Session) -> list[Principle]:
    return list(session.scalars(select(Principle).order_by(Principle.position)))


def list_standards(session: Session, *, include_retired: bool = False) -> list[Standard]:
    """Every standard with its levels, history, principle and office, in catalog order."""
    query = (
        select(Standard)
        .options(
            selectinload(Standard.levels),
            selectinload(Standard.history),
            selectinload(Standard.principle),
            selectinload(Standard.office),
        )
        .order_by(Standard.office_id.is_not(None), Standard.position)
    )
    if not include_retired:
        query = query.where(Standard.is_retired.is_(False))
    return list(session.scalars(query))


def get_standard(session: Session, code: str) -> Standard | None:
    return session.scalar(
        select(Standard)
        .where(Standard.code == code)
        .options(
            selectinload(Standard.levels),
            selectinload(Standard.history),
            selectinload(Standard.principle),
            selectinload(Standard.office),
        )
    )


def list_offices(session: Session) -> list[Office]:
    return list(
        session.scalars(
            select(Office).options(selectinload(Office.parent)).order_by(Office.position)
        )
    )


def get_office(session: Session, code: str) -> Office | None:
    return session.scalar(
        select(Office).where(Office.code == code).options(selectinload(Office.parent))
    )


def standards_for_office(session: Session, office: Office) -> list[Standard]:
    """The active standards that apply to an office, in catalog order."""
    return [s for s in list_standards(session) if applies(s, office)]


def applies(standard: Standard, office: Office) -> bool:
    """Is an office held to a standard (its office and principle loaded)?"""
    return domain.applies_to_office(
        standard.office.code if standard.office else None,
        applies_to_kinds(standard),
        office.code,
        office.kind,
    )


def applies_to_kinds(row: Standard) -> frozenset[domain.OfficeKind]:
    return frozenset(domain.OfficeKind(k) for k in row.applies_to.split(","))


def level_in_force(standard: Standard, year: int) -> int | None:
    """The level of a standard in force in a fiscal year (its history must be loaded)."""
    return domain.level_in_force([(s.from_year, s.level) for s in standard.history], year)


def levels_by_year(standard: Standard, years: Iterable[int]) -> list[tuple[int, int | None]]:
    """The level of a standard in force in each of the given fiscal years."""
    return [(year, level_in_force(standard, year)) for year in years]
