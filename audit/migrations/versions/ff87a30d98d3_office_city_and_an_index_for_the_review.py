"""office city and an index for the review's yearly reads

Revision ID: ff87a30d98d3
Revises: 6b2f1d8e0c32
Create Date: 2026-11-26 17:58:24.422394

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ff87a30d98d3'
down_revision = '6b2f1d8e0c32'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.create_index('ix_audit_fiscal_year_status', ['fiscal_year', 'status'], unique=False)

    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.add_column(sa.Column('city', sa.String(length=32), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_office_city'), ['city'], unique=False)


def downgrade():
    with op.batch_alter_table('office', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_office_city'))
        batch_op.drop_column('city')

    with op.batch_alter_table('audit', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_fiscal_year_status')
