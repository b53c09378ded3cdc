"""Notices of a new kind: the reporter of a merged duplicate is told its parent closed.

Revision ID: 0020
Revises: 0019
"""
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

BEFORE = ("dispatched", "due_soon", "overdue", "whistle_blown", "meeting_reminder",
          "second_whistle", "whistle_completed", "verify_fix", "open311_status")
AFTER = BEFORE + ("parent_closed",)


def _kinds(values) -> str:
    return "kind in (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade() -> None:
    op.drop_constraint(op.f("ck_notices_kind_valid"), "notices", type_="check")
    op.create_check_constraint(op.f("ck_notices_kind_valid"), "notices", _kinds(AFTER))


def downgrade() -> None:
    op.execute("delete from notices where kind = 'parent_closed'")
    op.drop_constraint(op.f("ck_notices_kind_valid"), "notices", type_="check")
    op.create_check_constraint(op.f("ck_notices_kind_valid"), "notices", _kinds(BEFORE))
