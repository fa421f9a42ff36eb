"""Which offices a user may see and work on: the one rule every page, API call, PDF and export
follows, so that another ward's objects are simply not found.

The city sets up one service-improvement committee per ward (各区に設置), working for the ward
office and its branch and sub-offices; division heads, auditors and administrators read every
office.
"""

from audit.models import Office, Role, User

#: the roles that read every office's data
CITYWIDE_ROLES = (Role.HEAD, Role.AUDITOR, Role.ADMIN)


def visible_office_ids(user: User | None) -> list[int] | None:
    """The offices whose data the user may see: None for all, else a committee's ward's.

    ``user`` None is the command line, which sees every office.
    """
    if user is None or user.role in CITYWIDE_ROLES:
        return None
    if user.office is None:
        return []
    return [user.office.id, *(branch.id for branch in user.office.branches)]


def is_in_own_ward(user: User, office: Office) -> bool:
    """Whether the office belongs to the ward the user serves (nobody reviews their own ward)."""
    return user.office_id is not None and office.ward_id == user.office_id
