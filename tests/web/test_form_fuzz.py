"""The forms, fuzzed: whatever is posted to any field, the answer is never a server error.

Each case opens a page as a user would, finds one form on it, and posts that form again and
again with some fields kept as the page filled them and others replaced by generated text:
empty, very long, control characters, full-width digits, emoji, markup.
"""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from audit.db import db
from audit.models import AuditKind, Office, User
from audit.services import audits

from ..conftest import LAST_YEAR, NEXT_YEAR

#: text people might paste, and text no one should be able to store
AWKWARD = st.sampled_from(
    [
        "",
        " ",
        "１２３",
        "-1",
        "99999999999999999999",
        "2025-13-45",
        "か\u3099👩🏽\u200d💼",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "\x00",
        "\x0b改行",
        "あ" * 5000,
    ]
)
#: a browser cannot send a lone surrogate (it is not UTF-8); the API tests send them
VALUES = st.one_of(AWKWARD, st.text(st.characters(exclude_categories=("Cs",)), max_size=40))


def draft_audit(app) -> int:
    """A fresh self-audit of Kawasaki for next year, to score."""
    with app.app_context():
        kawasaki = db.session.scalar(select(User).where(User.username == "kawasaki"))
        audit = audits.create_audit(
            db.session, kawasaki, "kawasaki", NEXT_YEAR, AuditKind.SELF, from_previous=False
        )
        db.session.commit()
        return audit.id


#: (who, the page, a pattern the form's action matches)
FORMS = [
    (None, "/login", r"/login"),
    ("kawasaki", "/audits/", r"/audits/"),
    ("kawasaki", "/audits/{draft}/edit", r"/audits/\d+/edit"),
    ("kawasaki", "/practices/", r"/practices/"),
    ("head", f"/ratchet/?year={LAST_YEAR}", r"/ratchet/proposals/[^/]+/decision"),
    ("auditor", "/surveys/entry", r"/surveys/entry"),
    ("admin", "/indicators/new", r"/indicators/new"),
    ("admin", "/users/", r"/users/"),
]


def form_fields(html: str, path: str, action: str) -> tuple[str, dict[str, str]]:
    """The action and the fields (name: value as filled) of the first posted form matching
    ``action``; a form without an action posts to its page's ``path``."""
    for match in re.finditer(r'<form([^>]*method="post"[^>]*)>(.*?)</form>', html, re.S):
        target = re.search(r'action="([^"]*)"', match[1])
        target = target[1] if target and target[1] else path
        if re.fullmatch(action, target.split("?")[0]):
            names = re.findall(r'<(?:input|textarea|select)[^>]*name="([^"]+)"', match[2])
            values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', match[2]))
            return target, {name: values.get(name, "") for name in names}
    raise AssertionError(f"no form for {action}")


@pytest.mark.parametrize(("username", "page", "action"), FORMS)
def test_no_post_to_a_form_is_a_server_error(app, client, auth, username, page, action):
    if username is not None:
        auth.login(username)
    if "{draft}" in page:
        page = page.format(draft=draft_audit(app))
    opened = client.get(page)
    assert opened.status_code == 200
    target, fields = form_fields(opened.get_data(as_text=True), page, action)
    assert fields, "the form has no fields"

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.fixed_dictionaries({name: st.one_of(st.just(v), VALUES) for name, v in fields.items()})
    )
    def post(data: dict[str, str]) -> None:
        response = client.post(target, data=data)
        assert response.status_code < 500, (target, data)

    post()
    with app.app_context():  # the database is still usable afterwards
        assert db.session.scalar(select(Office.id).limit(1)) is not None
