"""An imported incident keeps its old system's code in source_code; its code is the product's.

Revision ID: 0024
Revises: 0022
"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("incidents", sa.Column("source_system", sa.String(40), nullable=True))
    op.add_column("incidents", sa.Column("source_code", sa.String(40), nullable=True))
    # Cases made here have neither (nulls are distinct, so they never collide); an imported
    # case is one per old system and its code there, which is what a re-import matches on.
    # The district leads so the key stays within one shard (docs/scaling.md).
    op.create_unique_constraint(op.f("uq_incidents_district_source_ref"), "incidents",
                                ["district_code", "source_system", "source_code"])
    op.create_check_constraint(op.f("ck_incidents_source_ref_whole"), "incidents",
                               "(source_system is null) = (source_code is null)")


def downgrade() -> None:
    op.drop_constraint(op.f("ck_incidents_source_ref_whole"), "incidents", type_="check")
    op.drop_constraint(op.f("uq_incidents_district_source_ref"), "incidents", type_="unique")
    op.drop_column("incidents", "source_code")
    op.drop_column("incidents", "source_system")
