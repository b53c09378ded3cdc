"""mobile: phone page: photos, device sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 12:30:00

Reserved in the chain so the work on each view can add its own tables without
conflicting heads; empty until that work needs schema.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
