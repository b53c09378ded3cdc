"""Accounts belong to a district; a city leader (no district) sees every district.

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

BEFORE = ("district_leader", "operator", "analyst", "street_chief", "community_chief",
          "dept_officer", "supervisor", "grid_worker", "wall", "admin")
AFTER = BEFORE + ("city_leader",)


def _roles(values) -> str:
    return "role in (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade() -> None:
    # Every existing account is Hongqiao's: the server default fills them in one pass.
    op.add_column("users", sa.Column("district_code", sa.String(6), nullable=True,
                                     server_default="120106"))
    op.create_index(op.f("ix_users_district_code"), "users", ["district_code"])
    op.drop_constraint(op.f("ck_users_role_valid"), "users", type_="check")
    op.create_check_constraint(op.f("ck_users_role_valid"), "users", _roles(AFTER))
    op.create_check_constraint(op.f("ck_users_district_scope"), "users",
                               "(role = 'city_leader') = (district_code is null)")


def downgrade() -> None:
    op.execute("delete from users where role = 'city_leader'")
    op.drop_constraint(op.f("ck_users_district_scope"), "users", type_="check")
    op.drop_constraint(op.f("ck_users_role_valid"), "users", type_="check")
    op.create_check_constraint(op.f("ck_users_role_valid"), "users", _roles(BEFORE))
    op.drop_index(op.f("ix_users_district_code"), table_name="users")
    op.drop_column("users", "district_code")
