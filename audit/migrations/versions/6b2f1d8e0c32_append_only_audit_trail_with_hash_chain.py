"""append-only audit trail with a hash chain

Every entry gets ``prev_hash`` and ``hash`` (``audit.domain.trail``), computed here for the
entries already stored, in id order; then triggers refuse UPDATE and DELETE (and TRUNCATE on
PostgreSQL) on the table.

On SQLite, a later migration that alters ``audit_log_entry`` in batch mode rebuilds the table
and so drops its triggers: it must create them again (``create_triggers`` below).
tests/services/test_audit_log.py checks that the migrated schema refuses changes.

Revision ID: 6b2f1d8e0c32
Revises: 5a1e0c7d9b21
Create Date: 2026-11-26 18:00:01

"""
from alembic import op
import sqlalchemy as sa

from audit.domain.trail import GENESIS, TrailEntry, entry_hash


# revision identifiers, used by Alembic.
revision = '6b2f1d8e0c32'
down_revision = '5a1e0c7d9b21'
branch_labels = None
depends_on = None

REFUSED = "audit_log_entry is append-only"

SQLITE_TRIGGERS = {
    "audit_log_entry_no_update": "UPDATE",
    "audit_log_entry_no_delete": "DELETE",
}

POSTGRES_FUNCTION = f"""
CREATE FUNCTION audit_log_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{REFUSED}: % refused', TG_OP;
END
$$
"""
POSTGRES_TRIGGERS = {
    "audit_log_entry_no_change": "BEFORE UPDATE OR DELETE ON audit_log_entry FOR EACH ROW",
    "audit_log_entry_no_truncate": "BEFORE TRUNCATE ON audit_log_entry FOR EACH STATEMENT",
}


def create_triggers():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for name, when in POSTGRES_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION audit_log_entry_append_only()"
            )
    else:
        for name, statement in SQLITE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {statement} ON audit_log_entry "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: {statement} refused'); END"
            )


def drop_triggers():
    if op.get_bind().dialect.name == "postgresql":
        for name in POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON audit_log_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_log_entry_append_only()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def backfill_hashes():
    """Chain the entries already stored, oldest first."""
    entries = sa.table(
        'audit_log_entry',
        sa.column('id', sa.Integer()),
        sa.column('at', sa.DateTime(timezone=True)),
        sa.column('actor_id', sa.Integer()),
        sa.column('actor_name', sa.String()),
        sa.column('action', sa.String()),
        sa.column('object_type', sa.String()),
        sa.column('object_key', sa.String()),
        sa.column('audit_id', sa.Integer()),
        sa.column('before', sa.JSON()),
        sa.column('after', sa.JSON()),
        sa.column('prev_hash', sa.String()),
        sa.column('hash', sa.String()),
    )
    connection = op.get_bind()
    prev_hash = GENESIS
    for row in connection.execute(sa.select(entries).order_by(entries.c.id)).all():
        hash_ = entry_hash(TrailEntry.of(row), prev_hash)
        connection.execute(
            entries.update()
            .where(entries.c.id == row.id)
            .values(prev_hash=prev_hash, hash=hash_)
        )
        prev_hash = hash_


def upgrade():
    with op.batch_alter_table('audit_log_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    backfill_hashes()
    with op.batch_alter_table('audit_log_entry', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            batch_op.f('uq_audit_log_entry_prev_hash'), ['prev_hash']
        )
    create_triggers()


def downgrade():
    drop_triggers()
    with op.batch_alter_table('audit_log_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_log_entry_prev_hash'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
