"""close times by category: an index on incidents (category_code, reported_at)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 10:40:00

Exact median and p90 per category sorted the whole selection by category first (~400,000
rows for a quarter at 10x). With this index each category's range is read on its own,
already grouped; it carries the filter columns so the reads never visit the table.
"""
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_incidents_category_time', 'incidents', ['category_code', 'reported_at'],
                    postgresql_include=['grid_id', 'street_id', 'community_id', 'source',
                                        'status', 'department_id', 'closed_at'])


def downgrade() -> None:
    op.drop_index('ix_incidents_category_time', table_name='incidents')
