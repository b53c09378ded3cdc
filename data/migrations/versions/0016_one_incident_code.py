"""one incident code format: HQ + Beijing day + "-" + id everywhere

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-03 18:40:00

The synthetic world wrote HQ2026120300555 (a 5-digit number within the day) while the API
writes HQ20261203-290141: two formats for one thing. Codes of the world's form are rewritten
to the API's (the day is already in them); any other code (a file imported from another
system) is left as it came.
"""
from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(r"""
        update incidents set code = 'HQ' || substr(code, 3, 8) || '-' || id
        where code ~ '^HQ[0-9]{13}$'
    """)


def downgrade() -> None:
    # The old per-day numbers are not kept anywhere: the new codes stay (they are unique).
    pass
