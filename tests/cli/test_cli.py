"""The command line: init, checklists validate/load, users, demo."""

import pytest
from sqlalchemy import func, select

from audit.db import db
from audit.models import ApiToken, AuditLogEntry, Role, Standard, User
from audit.services.demo import DEMO_USERS

BROKEN = """\
[[standard]]
code = "X-1"
principle = "P9"
titel = { ja = "x" }
"""


@pytest.fixture
def empty_runner(empty_app):
    return empty_app.test_cli_runner()


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_init_loads_the_catalog_and_a_second_run_changes_nothing(empty_app, empty_runner):
    first = empty_runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    standards, log = count(empty_app, Standard), count(empty_app, AuditLogEntry)
    assert standards >= 50
    second = empty_runner.invoke(args=["init"])
    assert second.exit_code == 0
    assert "nothing to change" in second.output
    assert (count(empty_app, Standard), count(empty_app, AuditLogEntry)) == (standards, log)


def test_validate_the_real_catalog(runner, checklists_dir):
    result = runner.invoke(args=["checklists", "validate", str(checklists_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 10 file(s)")


def test_validate_reports_every_problem_with_file_and_line(runner, tmp_path):
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(BROKEN, encoding="utf-8")
    second.write_text("[[office]\n", encoding="utf-8")
    result = runner.invoke(args=["checklists", "validate", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{first}:4: unknown key titel in standard" in lines
    assert f"{first}:1: title is missing" in lines
    assert any(line.startswith(f"{second}:1: TOML syntax error") for line in lines)


def test_load_refuses_a_broken_file_and_changes_nothing(app, runner, tmp_path, checklists_dir):
    good = (checklists_dir / "standards" / "asao.toml").read_text(encoding="utf-8")
    edited = tmp_path / "asao.toml"
    edited.write_text(good.replace("[[standard]]", "[[standard]]\nbogus = 1", 1), encoding="utf-8")
    before = (count(app, Standard), count(app, AuditLogEntry))
    result = runner.invoke(args=["checklists", "load", str(edited)])
    assert result.exit_code == 1
    assert f"{edited}:" in result.output
    assert "unknown key bogus" in result.output
    assert "nothing was changed" in result.output
    assert (count(app, Standard), count(app, AuditLogEntry)) == before


def test_load_an_edited_file_updates_and_retires(app, runner, tmp_path, checklists_dir):
    text = (checklists_dir / "standards" / "asao.toml").read_text(encoding="utf-8")
    # Keep only the first standard of the file: the others are retired.
    first_only = "[[standard]]".join(text.split("[[standard]]")[:2])
    edited = tmp_path / "asao.toml"
    edited.write_text(first_only, encoding="utf-8")
    result = runner.invoke(args=["checklists", "load", str(edited)])
    assert result.exit_code == 0, result.output
    assert "retired" in result.output
    with app.app_context():
        retired = db.session.scalars(select(Standard.code).where(Standard.is_retired)).all()
    assert retired
    assert all(code.startswith("ASA-") for code in retired)


@pytest.mark.parametrize(
    ("args", "stdin", "exit_code", "message"),
    [
        (
            ["new-head", "--role", "head", "--password-stdin"],
            "a-long-password\n",
            0,
            "Created head new-head.",
        ),
        (
            ["m1", "--role", "committee", "--office", "saiwai", "--password-stdin"],
            "a-long-password\n",
            0,
            "Created committee m1.",
        ),
        (
            ["m2", "--role", "committee", "--password-stdin"],
            "a-long-password\n",
            1,
            "needs a ward",
        ),
        (
            ["m4", "--role", "committee", "--ward", "daishi", "--password-stdin"],
            "a-long-password\n",
            1,
            "daishi is not a ward office",
        ),
        (
            ["m3", "--role", "committee", "--office", "nowhere", "--password-stdin"],
            "a-long-password\n",
            1,
            "unknown office nowhere",
        ),
        (
            ["h2", "--role", "head", "--ward", "saiwai", "--password-stdin"],
            "a-long-password\n",
            0,
            "Created head h2.",
        ),
        (
            ["a2", "--role", "auditor", "--ward", "saiwai", "--password-stdin"],
            "a-long-password\n",
            1,
            "only committees and division heads belong to a ward",
        ),
        (["short", "--role", "head", "--password-stdin"], "short\n", 1, "at least 12"),
        (
            ["admin", "--role", "admin", "--password-stdin"],
            "a-long-password\n",
            1,
            "already exists",
        ),
    ],
)
def test_users_create(app, runner, args, stdin, exit_code, message):
    result = runner.invoke(args=["users", "create", *args], input=stdin)
    assert result.exit_code == exit_code
    assert message in result.output


def test_users_create_prompts_for_the_password(app, runner):
    result = runner.invoke(
        args=["users", "create", "clerk", "--role", "auditor"],
        input="a-long-password\na-long-password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "clerk"))
        assert user.role == Role.AUDITOR
        assert "a-long-password" not in user.password_hash


def test_users_token_prints_a_token_kept_only_as_a_hash(app, runner):
    result = runner.invoke(args=["users", "token", "head"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert len(token) >= 40
    with app.app_context():
        hashes = db.session.scalars(select(ApiToken.token_hash)).all()
    assert hashes
    assert token not in hashes
    assert runner.invoke(args=["users", "token", "nobody"]).exit_code == 1


def test_users_create_records_the_person(app, runner):
    args = ["users", "create", "k2", "--role", "committee", "--ward", "kawasaki"]
    args += ["--name", "川崎 花子", "--title", "企画係長", "--section", "企画課"]
    args += ["--email", "k2@example.jp", "--password-stdin", "--one-time"]
    assert runner.invoke(args=args, input="a-long-password\n").exit_code == 0
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "k2"))
        assert (user.name, user.title, user.section, user.email) == (
            "川崎 花子",
            "企画係長",
            "企画課",
            "k2@example.jp",
        )
        assert user.office.code == "kawasaki"
        assert user.must_change_password


def test_disable_and_enable(app, runner):
    token = runner.invoke(args=["users", "token", "nakahara"]).output.strip()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/audits", headers=headers).status_code == 200
    assert runner.invoke(args=["users", "disable", "nakahara"]).exit_code == 0
    assert client.get("/api/v1/audits", headers=headers).status_code == 401
    assert runner.invoke(args=["users", "enable", "nakahara"]).exit_code == 0
    # re-enabling does not bring a revoked token back
    assert client.get("/api/v1/audits", headers=headers).status_code == 401
    assert runner.invoke(args=["users", "disable", "nobody"]).exit_code == 1


def test_tokens_expire_list_and_revoke(app, runner):
    first = runner.invoke(
        args=["users", "token", "head", "--name", "集計スクリプト"]
    ).output.strip()
    second = runner.invoke(args=["users", "token", "head", "--expires", "7"]).output.strip()
    listed = runner.invoke(args=["users", "tokens", "head"]).output.splitlines()
    assert len(listed) == 2
    assert all("\tvalid\t" in line for line in listed)
    assert listed[1].endswith("集計スクリプト")
    second_id = listed[0].split("\t")[0]
    assert runner.invoke(args=["users", "revoke", "head", second_id]).exit_code == 0
    client = app.test_client()
    assert (
        client.get("/api/v1/audits", headers={"Authorization": f"Bearer {second}"}).status_code
        == 401
    )
    assert (
        client.get("/api/v1/audits", headers={"Authorization": f"Bearer {first}"}).status_code
        == 200
    )
    assert "\trevoked\t" in runner.invoke(args=["users", "tokens", "head"]).output
    # another user's token is not found through this user
    assert runner.invoke(args=["users", "revoke", "auditor", second_id]).exit_code == 1
    assert runner.invoke(args=["users", "revoke", "head"]).output.startswith("Revoked 1 token")
    assert (
        client.get("/api/v1/audits", headers={"Authorization": f"Bearer {first}"}).status_code
        == 401
    )


def test_demo_creates_the_users_once(empty_app, empty_runner):
    assert empty_runner.invoke(args=["init"]).exit_code == 0
    first = empty_runner.invoke(args=["demo"])
    assert first.exit_code == 0
    assert count(empty_app, User) == len(DEMO_USERS)
    assert empty_runner.invoke(args=["demo"]).exit_code == 0
    assert count(empty_app, User) == len(DEMO_USERS)
