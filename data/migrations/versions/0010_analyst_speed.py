"""analyst speed: geometry in the analyst's covering index, department index on the month cube

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 15:00:00

ix_incidents_analyst (reported_at, including the filter columns) now includes geom too, so
the heat layer's bins are an index-only scan. incident_rollup_month gets (department_id,
month): a department filter over a long range read the whole month cube.
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

FILTER_COLUMNS = ['grid_id', 'street_id', 'community_id', 'category_code', 'source', 'status',
                  'department_id', 'closed_at']


def upgrade() -> None:
    op.drop_index('ix_incidents_analyst', table_name='incidents')
    op.create_index('ix_incidents_analyst', 'incidents', ['reported_at'],
                    postgresql_include=FILTER_COLUMNS + ['geom'])
    op.create_index('ix_incident_rollup_month_department', 'incident_rollup_month',
                    ['department_id', 'month'])


def downgrade() -> None:
    op.drop_index('ix_incident_rollup_month_department', table_name='incident_rollup_month')
    op.drop_index('ix_incidents_analyst', table_name='incidents')
    op.create_index('ix_incidents_analyst', 'incidents', ['reported_at'],
                    postgresql_include=FILTER_COLUMNS)
