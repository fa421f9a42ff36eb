"""Command-line interface: ``flask --app wsgi <command>``. Each command commits once."""

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from audit.db import db
from audit.models import Role
from audit.services import catalog, demo, users


def _print_changes(plan: catalog.CatalogPlan) -> None:
    if not plan.changes:
        click.echo("The catalog is up to date: nothing to change.")
        return
    for change in plan.changes:
        click.echo(f"  {change.change:<8} {change.kind} {change.code}")
    click.echo(f"{len(plan.changes)} change(s).")


def _load(paths: list[str]) -> catalog.CatalogPlan:
    """Load checklist files, commit, and print the changes; exit 1 with every problem."""
    try:
        plan = catalog.load_files(db.session, catalog.read_files(paths), actor=None)
    except catalog.CatalogRefused as refused:
        db.session.rollback()
        for problem in refused.problems:
            click.echo(str(problem), err=True)
        click.echo(f"Refused: {len(refused.problems)} problem(s); nothing was changed.", err=True)
        sys.exit(1)
    db.session.commit()
    _print_changes(plan)
    return plan


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema and load the checklists folder."""
    upgrade(directory=current_app.config["MIGRATIONS_DIR"])
    _load([current_app.config["CHECKLISTS_DIR"]])


checklists_group = AppGroup("checklists", help="Check and load the catalog's checklist files.")


@checklists_group.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def validate_command(paths: tuple[str, ...]) -> None:
    """Check checklist files (or folders of them) without changing anything."""
    try:
        plan = catalog.check_files(db.session, catalog.read_files(paths))
    except catalog.CatalogRefused as refused:
        for problem in refused.problems:
            click.echo(str(problem))
        sys.exit(1)
    finally:
        db.session.rollback()
    count = len(plan.catalog.standards)
    click.echo(f"OK: {len(plan.file_names)} file(s), {count} standard(s).")


@checklists_group.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def load_command(paths: tuple[str, ...]) -> None:
    """Check checklist files, then apply all of them in one transaction, or none."""
    _load(list(paths))


users_group = AppGroup("users", help="Manage user accounts.")


@users_group.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--office", "office_code", help="Office code; required for committee members.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(
    username: str, role: str, office_code: str | None, password_stdin: bool
) -> None:
    """Create a user; the password is asked for, or read from standard input."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        users.create_user(db.session, username, password, Role(role), office_code)
    except users.UserError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {role} {username}.")


@users_group.command("token")
@click.argument("username")
def token_command(username: str) -> None:
    """Print a new API bearer token for a user (shown once, stored hashed)."""
    try:
        token = users.issue_token(db.session, username)
    except users.UserError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(token)


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create the demo users listed in the README and three years of demo audits."""
    created = demo.create_demo_data(db.session)
    db.session.commit()
    click.echo(f"Demo data created: {', '.join(created) or 'none (it exists)'}.")
    click.echo(f"Password for every demo user: {demo.DEMO_PASSWORD}")


def init_app(app: Flask) -> None:
    for command in (init_command, checklists_group, users_group, demo_command):
        app.cli.add_command(command)
