"""open311: Open311: api keys and requests

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 12:30:00

Reserved in the chain so the work on each view can add its own tables without
conflicting heads; empty until that work needs schema.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
