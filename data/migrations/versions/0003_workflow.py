"""workflow: idempotency for whistles, lookups the workbench and the ticker need

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-26 09:00:00

Whistles get an Idempotency-Key column like incidents have, so a retried "blow" never
summons departments twice. Incidents are found from their whistles and whistles from their
incidents, and the ticker asks "was this already escalated?": those need indexes.
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('whistles', sa.Column('idempotency_key', sa.String(length=80), nullable=True))
    op.create_unique_constraint(op.f('uq_whistles_idempotency_key'), 'whistles',
                                ['idempotency_key'])
    op.create_index(op.f('ix_whistle_incidents_incident_id'), 'whistle_incidents',
                    ['incident_id'], unique=False)
    op.create_index(op.f('ix_whistles_parent_id'), 'whistles', ['parent_id'], unique=False)
    op.create_index('ix_incident_events_escalations', 'incident_events', ['incident_id', 'at'],
                    unique=False, postgresql_where="action = 'escalate'")
    op.create_index('ix_whistle_events_overdue', 'whistle_events', ['whistle_id'],
                    unique=False, postgresql_where="action = 'overdue'")


def downgrade() -> None:
    op.drop_index('ix_whistle_events_overdue', table_name='whistle_events')
    op.drop_index('ix_incident_events_escalations', table_name='incident_events')
    op.drop_index(op.f('ix_whistles_parent_id'), table_name='whistles')
    op.drop_index(op.f('ix_whistle_incidents_incident_id'), table_name='whistle_incidents')
    op.drop_constraint(op.f('uq_whistles_idempotency_key'), 'whistles', type_='unique')
    op.drop_column('whistles', 'idempotency_key')
