"""people, wards and named tokens

Users get 氏名, 職名, 所属, e-mail, a membership period, a one-time password flag and where they
sign in (here or the city's directory); API tokens get a name, an expiry and a revocation.
A committee member's office becomes their ward: one on a branch or sub-office moves to the
ward office above it.

Revision ID: 7c4e2a9d1f60
Revises: 1ed12ee94a2b
Create Date: 2026-12-02 18:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c4e2a9d1f60'
down_revision = '1ed12ee94a2b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('title', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('section', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('email', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('member_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('member_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('auth_source', sa.String(length=16), server_default='local', nullable=False))

    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))

    # Committees are set up per ward: a member recorded on a branch or sub-office now belongs to
    # the ward office above it (and so keeps seeing that office).
    office = sa.table('office', sa.column('id', sa.Integer), sa.column('parent_id', sa.Integer))
    user = sa.table('user', sa.column('office_id', sa.Integer))
    parent = sa.select(office.c.parent_id).where(office.c.id == user.c.office_id).scalar_subquery()
    op.get_bind().execute(
        user.update()
        .where(user.c.office_id.in_(sa.select(office.c.id).where(office.c.parent_id.is_not(None))))
        .values(office_id=parent)
    )


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('name')

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('auth_source')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('member_until')
        batch_op.drop_column('member_from')
        batch_op.drop_column('email')
        batch_op.drop_column('section')
        batch_op.drop_column('title')
        batch_op.drop_column('name')
