"""open311: Open311: api keys and requests

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 12:30:00

Open311 clients hold a hashed api key each; every incident filed through Open311 gets a
row with its client, its token, its idempotency identity, the service attributes and the
citizen's contact details (kept off the incident row, which has room for one contact).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'open311_clients',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('key_hint', sa.String(length=8), nullable=False),
        sa.Column('enabled', sa.Boolean(), server_default='true', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'),
                  nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('char_length(name) between 1 and 60',
                           name=op.f('ck_open311_clients_name_length')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_open311_clients')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_open311_clients_key_hash')),
        sa.UniqueConstraint('name', name=op.f('uq_open311_clients_name')),
    )
    op.create_table(
        'open311_requests',
        sa.Column('incident_id', sa.BigInteger(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=40), nullable=False),
        sa.Column('idempotency_key', sa.String(length=80), nullable=True),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('attributes', postgresql.JSONB(astext_type=sa.Text()), server_default='{}',
                  nullable=False),
        sa.Column('contact', postgresql.JSONB(astext_type=sa.Text()), server_default='{}',
                  nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'),
                  nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['open311_clients.id'],
                                name=op.f('fk_open311_requests_client_id_open311_clients')),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE',
                                name=op.f('fk_open311_requests_incident_id_incidents')),
        sa.PrimaryKeyConstraint('incident_id', name=op.f('pk_open311_requests')),
        sa.UniqueConstraint('client_id', 'idempotency_key', name='uq_open311_requests_client_key'),
        sa.UniqueConstraint('token', name=op.f('uq_open311_requests_token')),
    )
    op.create_index('ix_open311_requests_client_hash', 'open311_requests',
                    ['client_id', 'request_hash', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_open311_requests_client_hash', table_name='open311_requests')
    op.drop_table('open311_requests')
    op.drop_table('open311_clients')
