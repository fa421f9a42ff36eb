"""Backing up the SQLite database and restoring a backup; PostgreSQL has pg_dump for this.

Both directions use SQLite's online backup API: a backup is a consistent copy taken while the
app keeps serving (WAL readers do not block writers), and a restore writes through SQLite's own
locking, so other connections see the restored database at their next transaction rather than a
file swapped under them. A backup is a single self-contained file (rollback journal, no -wal).
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

#: the tables whose rows a backup summary counts
COUNTED = ("audit", "response", "decision", "audit_log_entry")

POSTGRES_REFUSED = (
    "the database is PostgreSQL: back it up with pg_dump -Fc and restore it with pg_restore "
    "(see the README: Backups and the audit trail)"
)


class BackupRefused(Exception):
    """A backup or restore that was not done; nothing was changed."""


@dataclass(frozen=True)
class BackupSummary:
    """A backup file's schema revision and the number of rows in the tables that matter."""

    revision: str
    counts: dict[str, int]

    def __str__(self) -> str:
        rows = ", ".join(f"{count} {table}" for table, count in self.counts.items())
        return f"revision {self.revision}: {rows}"


def _sqlite_file(engine: Engine) -> Path:
    """The configured SQLite file; refuse for PostgreSQL or an in-memory database."""
    if engine.dialect.name != "sqlite":
        raise BackupRefused(POSTGRES_REFUSED)
    if not engine.url.database or engine.url.database == ":memory:":
        raise BackupRefused("the database is in memory: there is no file to back up or restore")
    return Path(engine.url.database)


@contextmanager
def _raw_sqlite(engine: Engine) -> Iterator[sqlite3.Connection]:
    """The engine's own sqlite3 connection, outside any SQLAlchemy transaction."""
    pooled = engine.raw_connection()
    try:
        yield pooled.driver_connection  # type: ignore[misc]
    finally:
        pooled.close()


def back_up(engine: Engine, out: Path) -> BackupSummary:
    """Copy the live database into ``out`` (replaced only once the copy is complete)."""
    _sqlite_file(engine)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    with _raw_sqlite(engine) as source, closing(sqlite3.connect(partial)) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, readable without its -wal
    os.replace(partial, out)
    return summarize(out)


def known_revisions(migrations_dir: str) -> set[str]:
    """Every schema revision this version of the app can migrate from."""
    return {script.revision for script in ScriptDirectory(migrations_dir).walk_revisions()}


def summarize(path: Path) -> BackupSummary:
    """Read a database file's revision and row counts, without checking it."""
    with closing(_open_read_only(path)) as connection:
        return _summary(connection)


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _summary(connection: sqlite3.Connection) -> BackupSummary:
    (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    counts = {
        table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        for table in COUNTED
    }
    return BackupSummary(revision, counts)


def check_backup(path: Path, revisions: set[str]) -> BackupSummary:
    """Refuse a file that is not a sound SQLite database of this app at a known revision."""
    try:
        with closing(_open_read_only(path)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupRefused(
                    f"{path} is damaged (integrity check: {'; '.join(problems[:5])})"
                )
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables or not set(COUNTED) <= tables:
                raise BackupRefused(f"{path} is a SQLite database, but not one of this app")
            summary = _summary(connection)
            if summary.revision not in revisions:
                raise BackupRefused(
                    f"{path} is at schema revision {summary.revision}, which this version of "
                    "the app does not know (a backup from a newer version, or another app)"
                )
            if connection.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise BackupRefused(f"{path} has rows whose foreign keys point nowhere")
            return summary
    except sqlite3.DatabaseError as error:
        raise BackupRefused(f"{path} is not a readable SQLite database ({error})") from error


def check_restore(engine: Engine, source: Path, revisions: set[str]) -> BackupSummary:
    """Refuse to restore into PostgreSQL, from the database itself, or from an unsound file."""
    target = _sqlite_file(engine)
    if target.exists() and target.resolve() == source.resolve():
        raise BackupRefused(f"{source} is the database itself")
    return check_backup(source, revisions)


def restore(engine: Engine, source: Path, revisions: set[str]) -> BackupSummary:
    """Replace the whole configured database with the backup ``source``, once it is checked.

    The caller migrates the restored database to the current revision afterwards.
    """
    summary = check_restore(engine, source, revisions)
    with closing(_open_read_only(source)) as backup, _raw_sqlite(engine) as live:
        backup.backup(live)
    # Pooled connections hold the old schema's statements: start afresh.
    engine.dispose()
    return summary
