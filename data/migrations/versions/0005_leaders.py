"""leaders: leaders view

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 12:30:00

Reserved in the chain so the work on each view can add its own tables without
conflicting heads; empty until that work needs schema.
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
