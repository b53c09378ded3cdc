"""Closed days' replay tracks per worker-day, stored once, so replay reads one row a worker.

Revision ID: 0026
Revises: 0024
"""
import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The district leads the key so it stays within one shard (docs/scaling.md).
    op.create_table(
        "patrol_tracks",
        sa.Column("district_code", sa.String(6), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("step_s", sa.Integer(), nullable=False),
        sa.Column("track", sa.Text(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_patrol_tracks_user_id_users")),
        sa.PrimaryKeyConstraint("district_code", "day", "user_id", "step_s",
                                name=op.f("pk_patrol_tracks")),
    )


def downgrade() -> None:
    op.drop_table("patrol_tracks")
