"""positions: no spatial index on the fixes

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 15:10:00

No query reads positions by place: the wall, coverage, tracks and replay select by time and
device, and each fix's grid is recorded when it is written. The GiST index cost every
insert (a million fixes a day at Hongqiao) and five seconds of every world load.
"""
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("drop index if exists idx_positions_geom")


def downgrade() -> None:
    op.execute("create index if not exists idx_positions_geom on positions using gist (geom)")
