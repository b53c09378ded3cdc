"""The discovery rate's (incident, worker) passes, kept from a day's fixes before retention
drops them, so the rate still answers for incidents older than the kept raw fixes.

Revision ID: 0027
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The district leads the key and the incident's key carries it (docs/scaling.md).
    op.create_table(
        "patrol_passes",
        sa.Column("district_code", sa.String(6), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_pass", sa.DateTime(timezone=True), nullable=False),
        sa.Column("metres", sa.Float(), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.ForeignKeyConstraint(["district_code", "incident_id"],
                                ["incidents.district_code", "incidents.id"], ondelete="CASCADE",
                                name="fk_patrol_passes_incident_id_incidents"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_patrol_passes_user_id_users")),
        sa.PrimaryKeyConstraint("district_code", "incident_id", "user_id",
                                name=op.f("pk_patrol_passes")),
    )


def downgrade() -> None:
    op.drop_table("patrol_passes")
