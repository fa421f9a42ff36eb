"""Shared practices (取組事例) and their adoption by other offices."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from audit.models import Adoption, Practice, Role, Standard, User
from audit.services import N_, ServiceError
from audit.services.audit_log import record_change


class PracticeRefused(ServiceError):
    """The practice cannot be shared or adopted; the message says why."""


def list_practices(session: Session, standard_code: str | None = None) -> list[Practice]:
    query = (
        select(Practice)
        .join(Practice.standard)
        .options(selectinload(Practice.standard), selectinload(Practice.adoptions))
        .order_by(Standard.code, Practice.since.desc())
    )
    if standard_code:
        query = query.where(Standard.code == standard_code)
    return list(session.scalars(query))


def share_practice(
    session: Session, user: User, standard_code: str, what: str, since: date, effect: str
) -> Practice:
    """A committee member records what their office does to meet a standard."""
    if user.role != Role.COMMITTEE or user.office_id is None:
        raise PracticeRefused(N_("practices are shared by an office's committee members"))
    standard = session.scalar(select(Standard).where(Standard.code == standard_code))
    if standard is None:
        raise PracticeRefused(N_("unknown standard %(code)s"), code=standard_code)
    practice = Practice(
        office_id=user.office_id,
        standard_id=standard.id,
        what=what.strip(),
        since=since,
        effect=(effect or "").strip(),
        created_by_id=user.id,
    )
    session.add(practice)
    session.flush()
    record_change(
        session,
        user,
        "practice.shared",
        "standard",
        standard_code,
        after={"what": practice.what, "since": since.isoformat()},
    )
    return practice


def adopt_practice(session: Session, user: User, practice_id: int) -> Practice | None:
    """Mark another office's practice as adopted by the user's office; None if unknown."""
    practice = session.scalar(
        select(Practice)
        .where(Practice.id == practice_id)
        .options(selectinload(Practice.standard), selectinload(Practice.adoptions))
    )
    if practice is None:
        return None
    if user.office_id is None or practice.office_id == user.office_id:
        raise PracticeRefused(N_("an office adopts other offices' practices, not its own"))
    if all(a.office_id != user.office_id for a in practice.adoptions):
        practice.adoptions.append(Adoption(office_id=user.office_id))
        record_change(
            session,
            user,
            "practice.adopted",
            "standard",
            practice.standard.code,
            after={"practice": practice.id},
        )
        session.flush()
    return practice
