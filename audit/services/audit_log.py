"""The audit trail: recording who changed what."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from audit.models import AuditLogEntry, User


def record_change(
    session: Session,
    actor: User | None,
    action: str,
    object_type: str,
    object_key: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    *,
    audit_id: int | None = None,
) -> AuditLogEntry:
    """Append one entry to the audit trail; ``actor`` None means the command line."""
    entry = AuditLogEntry(
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else "cli",
        action=action,
        object_type=object_type,
        object_key=object_key,
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        audit_id=audit_id,
    )
    session.add(entry)
    return entry
