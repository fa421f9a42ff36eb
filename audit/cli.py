"""Command-line interface: ``flask --app wsgi <command>``. Each command commits once."""

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale, to_user_timezone
from flask_migrate import upgrade

from audit.db import db
from audit.domain.fiscal_year import parse_fiscal_year
from audit.domain.scoring import percent
from audit.domain.survey import RowProblem, SurveyFigures, format_value
from audit.models import AuditKind, Role, utc_now
from audit.pdf.action_plan import render_action_plan
from audit.pdf.checklist import render_checklist
from audit.pdf.pack import render_pack
from audit.pdf.scorecard import render_scorecard
from audit.pdf.values import Printed
from audit.services import (
    audit_log,
    backup,
    catalog,
    demo,
    exports,
    indicators,
    printing,
    ratchet,
    review,
    surveys,
    users,
)
from audit.services.results import ResultSource
from audit.services.surveys import survey_target


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
@click.option(
    "--checklists",
    "folder",
    type=click.Path(file_okay=False),
    help="The catalog's folder (default: CHECKLISTS_DIR).",
)
@with_appcontext
def init_command(folder: str | None) -> None:
    """Create or upgrade the database schema and load the checklists folder."""
    folder = folder or current_app.config["CHECKLISTS_DIR"]
    if not Path(folder).is_dir():
        raise click.ClickException(
            f"No checklists folder at {folder}: pass --checklists FOLDER or set CHECKLISTS_DIR "
            "(an installed copy has no checkout around it)."
        )
    upgrade(directory=current_app.config["MIGRATIONS_DIR"])
    _load([folder])


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


def _user_error(error: users.UserError) -> NoReturn:
    db.session.rollback()
    raise click.ClickException(str(error)) from error


@users_group.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option(
    "--ward",
    "--office",
    "ward",
    help="The ward office's code (committee members; heads optionally). --office: its old name.",
)
@click.option("--name", default="", help="氏名, as pages and printed sign-offs show the person.")
@click.option("--title", default="", help="職名, e.g. 区民サービス部長.")
@click.option("--section", default="", help="所属.")
@click.option("--email", default="", help="E-mail address for reminders.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--one-time", is_flag=True, help="The password must be changed at the first log-in.")
def create_user_command(
    username: str,
    role: str,
    ward: str | None,
    name: str,
    title: str,
    section: str,
    email: str,
    password_stdin: bool,
    one_time: bool,
) -> None:
    """Create a user; the password is asked for, or read from standard input."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    person = users.Person(Role(role), ward, name, title, section, email)
    try:
        users.create_user(db.session, username, password, person, one_time=one_time)
    except users.UserError as error:
        _user_error(error)
    db.session.commit()
    click.echo(f"Created {role} {username}.")


def _set_active(username: str, active: bool) -> None:
    try:
        users.set_active(db.session, users.find_user(db.session, username), active, None)
    except users.UserError as error:
        _user_error(error)
    db.session.commit()
    click.echo(f"{'Enabled' if active else 'Disabled'} {username}.")


@users_group.command("disable")
@click.argument("username")
def disable_user_command(username: str) -> None:
    """Disable a user: their sessions and API tokens stop working at once."""
    _set_active(username, False)


@users_group.command("enable")
@click.argument("username")
def enable_user_command(username: str) -> None:
    """Enable a disabled user again (their old tokens stay revoked)."""
    _set_active(username, True)


@users_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
def import_users_command(file: str, dry_run: bool) -> None:
    """Apply the April list (CSV) whole, or refuse it with each row and column."""
    data = Path(file).read_bytes()
    try:
        if dry_run:
            changes = users.plan_import(db.session, data)
            result = users.UserImport(changes, {})
        else:
            result = users.apply_import(db.session, data, None)
    except users.UserImportRefused as refused:
        db.session.rollback()
        for problem in refused.problems:
            click.echo(f"{file}: {problem}", err=True)
        click.echo(f"Refused: {len(refused.problems)} problem(s); nothing was changed.", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for change in result.changes:
        details = "; ".join(f"{f}: {b or '-'} -> {a or '-'}" for f, b, a in change.fields)
        click.echo(f"  {change.change:<8} {change.username}  {details}".rstrip())
    for username, password in result.passwords.items():
        click.echo(f"  one-time password for {username}: {password}")
    verb = "would change" if dry_run else "changed"
    click.echo(f"{len(result.changes)} change(s) {verb}.")


@users_group.command("token")
@click.argument("username")
@click.option(
    "--expires",
    "days",
    type=int,
    default=users.TOKEN_DAYS,
    show_default=True,
    help="Days until the token expires.",
)
@click.option("--name", default="", help="What the token is for (the script that uses it).")
def token_command(username: str, days: int, name: str) -> None:
    """Print a new API bearer token for a user (shown once, stored hashed)."""
    try:
        token = users.issue_token(db.session, username, name, days)
    except users.UserError as error:
        _user_error(error)
    db.session.commit()
    click.echo(token)


@users_group.command("tokens")
@click.argument("username")
def tokens_command(username: str) -> None:
    """List a user's API tokens: id, name, created, expires, and whether still valid."""
    try:
        user = users.find_user(db.session, username)
    except users.UserError as error:
        _user_error(error)
    now = utc_now()
    for token in users.list_tokens(db.session, user):
        state = "revoked" if token.revoked_at else "valid" if token.is_valid_at(now) else "expired"
        expires = token.expires_at.date().isoformat() if token.expires_at else "never"
        created = token.created_at.date().isoformat()
        click.echo(f"{token.id}\t{state}\t{created}\t{expires}\t{token.name}")


@users_group.command("revoke")
@click.argument("username")
@click.argument("token_id", type=int, required=False)
def revoke_command(username: str, token_id: int | None) -> None:
    """Revoke one of a user's API tokens, or all of them."""
    try:
        count = users.revoke_tokens(db.session, users.find_user(db.session, username), token_id)
    except users.UserError as error:
        _user_error(error)
    db.session.commit()
    click.echo(f"Revoked {count} token(s) of {username}.")


@click.command("demo")
@click.option(
    "--scale",
    type=click.Choice([s.value for s in demo.Scale]),
    default=demo.Scale.DEMO.value,
    show_default=True,
    help="demo: three years; city: 20 years; national: 20 years of 20 cities (benchmarks).",
)
@with_appcontext
def demo_command(scale: str) -> None:
    """Create the demo users listed in the README and three years of demo audits."""
    created = demo.create_demo_data(db.session, today=date.today(), scale=demo.Scale(scale))
    db.session.commit()
    click.echo(f"Demo data created: {', '.join(created) or 'none (it exists)'}.")
    click.echo(f"Password for every demo user: {demo.DEMO_PASSWORD}")


ratchet_group = AppGroup("ratchet", help="The step-up review of the division heads' meeting.")


@ratchet_group.command("review")
@click.option("--year", required=True, type=int, help="The review year (fiscal year).")
@click.option("--json", "as_json", is_flag=True, help="Print the proposals as JSON.")
def ratchet_review_command(year: int, as_json: bool) -> None:
    """Print the year's step-up and promotion proposals with their evidence."""
    page = ratchet.review_year(db.session, year)
    rows = ratchet.proposals_json(page)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(f"FY{year}: no proposal.")
    for row, proposal in zip(rows, page.review.proposals, strict=True):
        decision = row["decision"]["outcome"] if row["decision"] else "undecided"
        click.echo(
            f"{row['id']}: {row['kind']} L{row['from_level']} -> L{row['to_level']} "
            f"[{row['status']}, {decision}]"
        )
        for e in proposal.evidence:
            counts = f" {e.successes}/{e.trials}" if e.trials else ""
            interval = f" (95% CI {e.interval.low:.3f}-{e.interval.high:.3f})" if e.interval else ""
            rating = e.rating.symbol if e.rating else "missing"
            click.echo(f"    FY{e.year} {e.office:<12} {rating}{counts}{interval}")
        if proposal.pooled:
            pooled, target = proposal.pooled, proposal.target
            click.echo(
                f"    pooled {pooled.successes}/{pooled.trials}, lower bound "
                f"{pooled.interval.low:.3f}" + (f" vs target {target}" if target else "")
            )
    for flag in page.review.flags:
        years = ", ".join(f"FY{y}: {f}/{a} failed" for y, f, a in flag.failing)
        click.echo(f"support: {flag.standard} L{flag.level} ({years})")


def _fiscal_year_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return parse_fiscal_year(value)
    except ValueError as error:
        raise click.BadParameter("write 2022, R4 or 令和4年度") from error


def _refuse(file: str, problems: list[RowProblem], already_recorded: str) -> NoReturn:
    """Print every problem of a refused file with its row and column, and exit 1."""
    db.session.rollback()
    for problem in problems:
        click.echo(f"{file}: {problem}", err=True)
    click.echo(f"Refused: {len(problems)} problem(s); nothing was changed.", err=True)
    if any(problem.message == already_recorded for problem in problems):
        click.echo("Use --replace to replace what is already recorded.", err=True)
    sys.exit(1)


def _counts_text(figures: SurveyFigures | None) -> str:
    if figures is None:
        return "no result"
    if figures.counts is None or figures.satisfaction is None:
        return f"not conducted: {figures.note}"
    counts, rate = figures.counts, figures.satisfaction
    return (
        f"{counts.yes}/{counts.neutral}/{counts.no}  "
        f"{percent(rate.rate)} ({percent(rate.interval.low)}-{percent(rate.interval.high)})  "
        f"top box {percent(counts.top_box.rate)}  {figures.status}"
    )


surveys_group = AppGroup("surveys", help="The visitor interview survey (聞き取り調査).")


@surveys_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Replace results already recorded for an office.")
def survey_import_command(file: str, replace: bool) -> None:
    """Import survey results from a CSV file: every row, or none if any row is wrong.

    Columns office,fiscal_year,yes,neutral,no and an optional note; blank counts with a note
    record a survey that was not conducted.
    """
    try:
        plan = surveys.import_file(db.session, None, file, Path(file).read_bytes(), replace=replace)
    except surveys.SurveyRefused as refused:
        _refuse(file, refused.problems, surveys.ALREADY_RECORDED)
    db.session.commit()
    for change in plan.changes:
        entry = change.entry
        after = SurveyFigures(entry.office, entry.fiscal_year, entry.counts, entry.note)
        click.echo(
            f"  {change.kind:<8} {entry.office:<12} FY{entry.fiscal_year}  " + _counts_text(after)
        )
    click.echo(f"{len(plan.changes)} change(s), {plan.unchanged} unchanged.")


@surveys_group.command("show")
@click.option("--year", callback=_fiscal_year_option, help="Fiscal year; default: the latest.")
def survey_show_command(year: int | None) -> None:
    """Print each office's result of a year against the target, and the citywide figure."""
    target = survey_target(current_app.config)
    years = surveys.survey_years(db.session)
    year = year or (years[0] if years else None)
    if year is None:
        click.echo("No survey results yet.")
        return
    page = surveys.survey_year(db.session, None, year, target)
    click.echo(
        f"FY{year}: satisfaction (yes + neutral) against {percent(target.rate)}, met when the "
        f"95% interval's lower bound is at least {percent(target.threshold)}"
    )
    for office, figures in page.offices:
        click.echo(f"  {office.code:<12} {_counts_text(figures)}")
    click.echo(f"  {'citywide':<12} {_counts_text(page.citywide)}")


indicators_group = AppGroup("indicators", help="Outcome indicators (成果指標).")


@indicators_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--replace", is_flag=True, help="Replace targets or actuals already recorded.")
def indicator_import_command(file: str, replace: bool) -> None:
    """Import yearly targets and actuals from a CSV file: every row, or none.

    Columns indicator,fiscal_year and any of target, actual, note; a blank actual with a note
    records a year that was not measured.
    """
    try:
        plan = indicators.import_file(
            db.session, None, file, Path(file).read_bytes(), replace=replace
        )
    except indicators.IndicatorRefused as refused:
        _refuse(file, refused.problems, indicators.ALREADY_RECORDED)
    db.session.commit()
    for change in plan.changes:
        entry, after = change.entry, change.after
        click.echo(
            f"  {change.kind:<8} {entry.indicator:<14} FY{entry.fiscal_year}  "
            f"target {after['target'] or '-'}  actual {after['actual'] or '-'}"
        )
    click.echo(f"{len(plan.changes)} change(s), {plan.unchanged} unchanged.")


@indicators_group.command("show")
def indicator_show_command() -> None:
    """Print every indicator: phase targets, and each year's target, actual and status."""
    for row in indicators.list_indicators(db.session):
        summary = indicators.summarize(row)
        click.echo(f"{row.code}: {row.name_ja} ({row.unit}, {row.direction} is better)")
        for phase, year in summary.phases:
            click.echo(
                f"  phase {phase.phase} (FY{phase.fiscal_year}): target "
                f"{format_value(phase.target, row.places)}, "
                f"actual {format_value(year.actual, row.places)}  "
                f"{summary.phase_status(phase, year)}"
            )
        for year in summary.years:
            click.echo(
                f"  FY{year.fiscal_year}  target {format_value(year.target_in_force, row.places)}"
                f"  actual {format_value(year.actual, row.places)}  {summary.status(year)}"
                + (f"  ({year.note})" if year.note else "")
            )


@click.command("export")
@click.option("--year", required=True, type=int, help="The fiscal year.")
@click.option("--format", "fmt", required=True, type=click.Choice(["csv", "xlsx"]))
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option(
    "--source",
    default="best",
    type=click.Choice([s.value for s in ResultSource]),
    help="Whose results: the self-audits, the external evaluations, or the best.",
)
@click.option(
    "--view",
    default="matrix",
    type=click.Choice(["matrix", "responses"]),
    help="For CSV: the matrix, or the raw responses (XLSX holds both).",
)
@click.option(
    "--encoding",
    default="utf-8",
    type=click.Choice(["utf-8", "cp932"]),
    help="For CSV: UTF-8 with BOM, or cp932 (〓 for what it cannot hold).",
)
@with_appcontext
def export_command(year: int, fmt: str, out: str, source: str, view: str, encoding: str) -> None:
    """Export a fiscal year's review: the offices × standards matrix and the responses."""
    matrix = review.build_matrix(db.session, year, ResultSource(source))
    if fmt == "xlsx":
        data = exports.review_workbook(db.session, matrix)
    else:
        data = exports.review_csv(db.session, matrix, view, encoding)
    Path(out).write_bytes(data)
    click.echo(
        f"Wrote {out}: {len(matrix.offices)} offices, {len(matrix.standards)} "
        f"standards, {len(matrix.cells)} results."
    )


# --- printed documents ------------------------------------------------------------------

_lang_option = click.option(
    "--lang", default="ja", type=click.Choice(["ja", "en"]), help="The document's language."
)
_out_option = click.option(
    "--out", required=True, type=click.Path(dir_okay=False, writable=True), help="The PDF file."
)
_year_option = click.option(
    "--year",
    required=True,
    callback=_fiscal_year_option,
    help="Fiscal year: 2022, R4 or 令和4年度.",
)


def _printed() -> Printed:
    """The footer's "printed by": the command line, as the audit trail names it."""
    return Printed("cli", to_user_timezone(utc_now()))


def _office(code: str) -> Any:
    office = printing.visible_office(db.session, None, code)
    if office is None:
        raise click.ClickException(f"unknown office {code}")
    return office


def _write_pdf(out: str, data: bytes, what: str) -> None:
    """Write the file, then commit the audit-trail entry: a failed write records nothing."""
    Path(out).write_bytes(data)
    db.session.commit()
    click.echo(f"Wrote {out}: {what} ({len(data):,} bytes).")


@click.command("scorecard")
@click.option("--office", "office_code", required=True, help="The office's code, e.g. kawasaki.")
@_year_option
@click.option("--kind", default="self", type=click.Choice([k.value for k in AuditKind]))
@_out_option
@_lang_option
@with_appcontext
def scorecard_command(office_code: str, year: int, kind: str, out: str, lang: str) -> None:
    """Print an audit's scorecard to a PDF file."""
    _office(office_code)
    with force_locale(lang):
        audit = printing.find_audit(db.session, None, office_code, year, AuditKind(kind))
        if audit is None:
            raise click.ClickException(f"{office_code} has no {kind} audit for FY{year}")
        stamp = _printed()
        card = printing.print_scorecard(
            db.session,
            None,
            audit,
            target=survey_target(current_app.config),
            zone=stamp.at.tzinfo,
        )
        data = render_scorecard(card, stamp)
    _write_pdf(out, data, f"scorecard of {office_code} FY{year} {kind}")


@click.command("pack")
@_year_option
@_out_option
@_lang_option
@with_appcontext
def pack_command(year: int, out: str, lang: str) -> None:
    """Print the review pack of a fiscal year for the division heads' meeting."""
    with force_locale(lang):
        pack = printing.print_review_pack(
            db.session, None, year, target=survey_target(current_app.config)
        )
        if all(total is None for total in pack.office_totals):
            raise click.ClickException(f"FY{year} has no accepted audit: nothing to review")
        data = render_pack(pack, _printed())
    _write_pdf(
        out,
        data,
        f"review pack FY{year}, {len(pack.matrix)} standards, {len(pack.pending)} proposals",
    )


@click.command("checklist")
@click.option("--office", "office_code", required=True, help="The office's code, e.g. kawasaki.")
@_year_option
@_out_option
@_lang_option
@with_appcontext
def checklist_command(office_code: str, year: int, out: str, lang: str) -> None:
    """Print a blank checklist of an office for a fiscal year, to score on paper."""
    office = _office(office_code)
    with force_locale(lang):
        sheet = printing.print_checklist(db.session, None, office, year)
        if not sheet.items:
            raise click.ClickException(f"no standard is in force for {office_code} in FY{year}")
        data = render_checklist(sheet, _printed())
    _write_pdf(out, data, f"checklist of {office_code} FY{year}, {len(sheet.items)} standards")


@click.command("action-plan")
@click.option("--office", "office_code", help="The office's code; default: every office.")
@_out_option
@_lang_option
@with_appcontext
def action_plan_command(office_code: str | None, out: str, lang: str) -> None:
    """Print the open improvement actions of an office, or of every office, by due date."""
    offices = [_office(office_code)] if office_code else printing.visible_offices(db.session, None)
    with force_locale(lang):
        plan = printing.print_action_plan(db.session, None, offices)
        data = render_action_plan(plan, _printed())
    count = sum(len(o.actions) for o in plan.offices)
    _write_pdf(out, data, f"action plan, {count} open actions")


# --- the audit trail, backups -------------------------------------------------------------

audit_log_group = AppGroup("audit-log", help="The audit trail.")


def _echo_trail_check() -> bool:
    """Verify the trail's hash chain and print the outcome; True when it is intact."""
    check = audit_log.verify_trail(db.session)
    db.session.rollback()
    if check.broken is not None:
        click.echo(
            f"BROKEN: {check.broken}; the {check.count - 1} entries before it are intact.",
            err=True,
        )
        return False
    if check.head is None:
        click.echo("OK: the audit trail is empty.")
    else:
        click.echo(
            f"OK: {check.count} entries, every hash and link intact; the newest is entry "
            f"{check.head.id}, hash {check.head.hash}."
        )
    return True


@audit_log_group.command("verify")
def audit_log_verify_command() -> None:
    """Check the audit trail's hash chain; exit 1 naming the first broken link.

    Note the newest hash it prints somewhere outside the database: deleting the newest
    entries leaves a shorter chain that is intact, but ends at another hash.
    """
    if not _echo_trail_check():
        sys.exit(1)


@click.command("backup")
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False, writable=True), help="The copy."
)
@with_appcontext
def backup_command(out: str) -> None:
    """Copy the SQLite database to a file while the app keeps running.

    For PostgreSQL use pg_dump -Fc (see the README).
    """
    try:
        summary = backup.back_up(db.engine, Path(out))
    except backup.BackupRefused as refused:
        raise click.ClickException(str(refused)) from refused
    click.echo(f"Wrote {out}: {summary}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(file: str, yes: bool) -> None:
    """Replace the whole SQLite database with the backup FILE, then migrate it.

    Stop the server first: a request running during the restore could write into the
    restored database what it read from the old one. FILE is checked first (a sound SQLite
    database of this app, at a schema revision this version knows); if it is refused,
    nothing changes. For PostgreSQL use pg_restore (see the README).
    """
    revisions = backup.known_revisions(current_app.config["MIGRATIONS_DIR"])
    try:
        summary = backup.check_restore(db.engine, Path(file), revisions)
        if not yes:
            click.confirm(
                f"Replace everything in the database with {file} ({summary})?", abort=True
            )
        backup.restore(db.engine, Path(file), revisions)
    except backup.BackupRefused as refused:
        raise click.ClickException(f"{refused}; nothing was changed") from refused
    upgrade(directory=current_app.config["MIGRATIONS_DIR"])
    click.echo(f"Restored {file}: {summary}.")
    if not _echo_trail_check():
        sys.exit(1)


def init_app(app: Flask) -> None:
    for command in (
        init_command,
        checklists_group,
        users_group,
        demo_command,
        ratchet_group,
        surveys_group,
        indicators_group,
        export_command,
        scorecard_command,
        pack_command,
        checklist_command,
        action_plan_command,
        audit_log_group,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)
