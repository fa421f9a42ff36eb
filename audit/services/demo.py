"""Demo users, so that a fresh ``make run`` shows a living product."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.models import Role, User
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


def create_demo_data(session: Session) -> list[str]:
    """Create the demo users that do not exist yet; return the names created."""
    existing = set(session.scalars(select(User.username)))
    created = []
    for username, role, office in DEMO_USERS:
        if username not in existing:
            create_user(session, username, DEMO_PASSWORD, role, office)
            created.append(username)
    return created
