"""log-in throttling and sessions

Revision ID: 5a1e0c7d9b21
Revises: 457e185c01c6
Create Date: 2026-11-26 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a1e0c7d9b21'
down_revision = '457e185c01c6'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
