"""security: security: audit and rate limits

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 12:30:00

The access audit: one row per view of a resident's record (who, when, from where).
Rate limits keep their counters in process memory, so they need no table.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'access_audit',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), server_default=sa.text('now()'),
                  nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_role', sa.String(length=20), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('subject_type', sa.String(length=20), nullable=False),
        sa.Column('subject_id', sa.BigInteger(), nullable=False),
        sa.Column('ip', sa.String(length=45), nullable=True),
        sa.Column('path', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_access_audit_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_audit')),
    )
    op.create_index(op.f('ix_access_audit_at'), 'access_audit', ['at'])
    op.create_index(op.f('ix_access_audit_actor_id'), 'access_audit', ['actor_id'])
    op.create_index('ix_access_audit_subject', 'access_audit', ['subject_type', 'subject_id'])


def downgrade() -> None:
    op.drop_index('ix_access_audit_subject', table_name='access_audit')
    op.drop_index(op.f('ix_access_audit_actor_id'), table_name='access_audit')
    op.drop_index(op.f('ix_access_audit_at'), table_name='access_audit')
    op.drop_table('access_audit')
