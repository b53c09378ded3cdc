"""patrol supervision: daily patrol sheets, exceptions as events, leave days

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-03 18:20:00

A worker's day is summed once (``patrol_sheets``: km, minutes on and off the beat, share of
the beat covered, stops, reports, fixes set aside, and a simplified track that outlives the
raw fixes); rules broken during a shift are events with a start and an end that an operator
acknowledges (``patrol_exceptions``); ``leave_days`` lets attendance tell leave from absence.
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

KINDS = ("off_beat", "no_fix", "idle", "low_battery")


def upgrade() -> None:
    op.create_table(
        "patrol_sheets",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("first_fix", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_fix", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fixes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("km", sa.Float(), server_default="0", nullable=False),
        sa.Column("minutes_on_beat", sa.Float(), server_default="0", nullable=False),
        sa.Column("minutes_off_beat", sa.Float(), server_default="0", nullable=False),
        sa.Column("beat_covered", sa.Float(), server_default="0", nullable=False),
        sa.Column("stops", sa.Integer(), server_default="0", nullable=False),
        sa.Column("reports", sa.Integer(), server_default="0", nullable=False),
        sa.Column("set_aside", sa.Integer(), server_default="0", nullable=False),
        sa.Column("track", sa.Text(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_patrol_sheets_user_id_users")),
        sa.PrimaryKeyConstraint("day", "user_id", name=op.f("pk_patrol_sheets")),
    )
    op.create_index("ix_patrol_sheets_day_street", "patrol_sheets", ["day", "street_id"])
    listed = ", ".join(f"'{k}'" for k in KINDS)
    op.create_table(
        "patrol_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.CheckConstraint(f"kind in ({listed})", name=op.f("ck_patrol_exceptions_kind_valid")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_patrol_exceptions_user_id_users")),
        sa.ForeignKeyConstraint(["acknowledged_by"], ["users.id"],
                                name=op.f("fk_patrol_exceptions_acknowledged_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_exceptions")),
        sa.UniqueConstraint("user_id", "kind", "started_at", name="uq_patrol_exceptions_event"),
    )
    op.create_index("ix_patrol_exceptions_day_street", "patrol_exceptions", ["day", "street_id"])
    op.create_table(
        "leave_days",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_leave_days_user_id_users")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"],
                                name=op.f("fk_leave_days_recorded_by_users")),
        sa.PrimaryKeyConstraint("user_id", "day", name=op.f("pk_leave_days")),
    )


def downgrade() -> None:
    op.drop_table("leave_days")
    op.drop_index("ix_patrol_exceptions_day_street", table_name="patrol_exceptions")
    op.drop_table("patrol_exceptions")
    op.drop_index("ix_patrol_sheets_day_street", table_name="patrol_sheets")
    op.drop_table("patrol_sheets")
