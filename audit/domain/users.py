"""The April list (4月の人事異動): a city's users in one CSV file, read and checked row by row.

Each row says who a person is on the list's date: their log-in name, 氏名, 職名, 所属, e-mail,
role, ward and membership. Every problem is reported with its row and column; a file with any
problem is refused whole by the service that applies it.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from audit.domain.catalog import N_
from audit.domain.scoring import FieldError
from audit.domain.survey import RowProblem, read_table
from audit.domain.text import refused_characters

REQUIRED_COLUMNS = ("username", "role")
OPTIONAL_COLUMNS = (
    "name",
    "title",
    "section",
    "email",
    "ward",
    "member_from",
    "member_until",
    "active",
)
#: the headers a clerk's own sheet uses, beside the column names
JAPANESE_HEADERS = {
    "ユーザー名": "username",
    "ログイン名": "username",
    "氏名": "name",
    "職名": "title",
    "所属": "section",
    "メールアドレス": "email",
    "メール": "email",
    "役割": "role",
    "区": "ward",
    "開始日": "member_from",
    "終了日": "member_until",
    "有効": "active",
}
#: how a role may be written: its code, or the Japanese the city uses
ROLE_WORDS = {
    "committee": "committee",
    "委員": "committee",
    "区役所サービス向上委員会": "committee",
    "head": "head",
    "部長": "head",
    "区民サービス部長": "head",
    "auditor": "auditor",
    "評価者": "auditor",
    "外部評価": "auditor",
    "admin": "admin",
    "管理者": "admin",
}
YES_WORDS = {"", "yes", "true", "1", "はい", "有効", "○"}
NO_WORDS = {"no", "false", "0", "いいえ", "無効", "×"}
#: limits shared with the forms (the columns' sizes)
MAX_LENGTHS = {"username": 64, "name": 100, "title": 100, "section": 100, "email": 254}
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
#: an address with one @ and no blanks: what a mail relay needs, no more (no nested quantifier)
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"
_EMAIL = re.compile(EMAIL_PATTERN)


@dataclass(frozen=True)
class UserRow:
    """One checked row of the April list."""

    row: int
    username: str
    role: str
    ward: str | None
    name: str
    title: str
    section: str
    email: str
    member_from: date | None
    member_until: date | None
    is_active: bool


def read_date(text: str, column: str) -> date | None | FieldError:
    """A day written 2027-04-01 or 2027/4/1; blank is none."""
    if not text:
        return None
    match = _DATE.match(text)
    try:
        if match is None:
            raise ValueError
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return FieldError(column, N_("not a date: %(value)s (write 2027-04-01)"), {"value": text})


def check_row(
    number: int, cells: Mapping[str, str], wards: Mapping[str, str]
) -> UserRow | list[FieldError]:
    """A row as a :class:`UserRow`, or everything wrong with it."""
    errors: list[FieldError] = []
    for column, value in cells.items():
        if refused_characters(value):
            errors.append(FieldError(column, N_("the cell holds control characters")))
        if len(value) > MAX_LENGTHS.get(column, 100):
            errors.append(
                FieldError(
                    column,
                    N_("at most %(count)s characters"),
                    {"count": MAX_LENGTHS.get(column, 100)},
                )
            )
    if not cells["username"]:
        errors.append(FieldError("username", N_("the user name is empty")))
    role = ROLE_WORDS.get(cells["role"].lower())
    if role is None:
        errors.append(
            FieldError("role", N_("unknown role %(value)s"), {"value": cells["role"] or "—"})
        )
    ward = None
    if cells["ward"]:
        ward = wards.get(cells["ward"]) or wards.get(cells["ward"].lower())
        if ward is None:
            errors.append(
                FieldError("ward", N_("unknown ward %(value)s"), {"value": cells["ward"]})
            )
    if cells["email"] and not _EMAIL.match(cells["email"]):
        errors.append(
            FieldError("email", N_("not an e-mail address: %(value)s"), {"value": cells["email"]})
        )
    member_from = read_date(cells["member_from"], "member_from")
    member_until = read_date(cells["member_until"], "member_until")
    for value in (member_from, member_until):
        if isinstance(value, FieldError):
            errors.append(value)
    if (
        isinstance(member_from, date)
        and isinstance(member_until, date)
        and member_until < member_from
    ):
        errors.append(FieldError("member_until", N_("the membership ends before it starts")))
    active = cells["active"].lower()
    if active not in YES_WORDS | NO_WORDS:
        errors.append(
            FieldError("active", N_("write yes or no: %(value)s"), {"value": cells["active"]})
        )
    if errors or role is None:
        return errors
    return UserRow(
        row=number,
        username=cells["username"],
        role=role,
        ward=ward,
        name=cells["name"],
        title=cells["title"],
        section=cells["section"],
        email=cells["email"],
        member_from=member_from if isinstance(member_from, date) else None,
        member_until=member_until if isinstance(member_until, date) else None,
        is_active=active in YES_WORDS,
    )


def parse_user_file(
    data: bytes, wards: Mapping[str, str]
) -> tuple[list[UserRow], list[RowProblem]]:
    """Read the April list; every problem in it is returned, with its row and column.

    :param wards: ward office code for every accepted spelling (the code, the names).
    """
    rows, problems = read_table(data, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, JAPANESE_HEADERS)
    entries: list[UserRow] = []
    first_row: dict[str, int] = {}
    for number, cells in rows:
        checked = check_row(number, cells, wards)
        if isinstance(checked, list):
            problems.extend(RowProblem(number, e.field, e.message, e.params) for e in checked)
            continue
        if checked.username in first_row:
            problems.append(
                RowProblem(
                    number,
                    "username",
                    N_("%(value)s appears twice: also in row %(row)s"),
                    {"value": checked.username, "row": first_row[checked.username]},
                )
            )
            continue
        first_row[checked.username] = number
        entries.append(checked)
    if not rows and not problems:
        problems.append(RowProblem(2, None, N_("there are no rows after the header")))
    return entries, problems
