"""append-only audit trail with a hash chain

Revision ID: 6b2f1d8e0c32
Revises: 5a1e0c7d9b21
Create Date: 2026-11-26 18:00:01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6b2f1d8e0c32'
down_revision = '5a1e0c7d9b21'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
