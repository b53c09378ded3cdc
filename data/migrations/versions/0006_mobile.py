"""mobile: phone page: photos, device sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 12:30:00

The grid worker's phone page (/m): long-lived sessions of signed-in phones (token stored
hashed, revocable) and the photos sent with reports and verifications (stored re-encoded,
in the same transaction as the incident they belong to).
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mobile_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=200), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['revoked_by'], ['users.id'], name=op.f('fk_mobile_sessions_revoked_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mobile_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mobile_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_mobile_sessions_token_hash'))
    )
    op.create_index(op.f('ix_mobile_sessions_user_id'), 'mobile_sessions', ['user_id'], unique=False)
    op.create_table('mobile_photos',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.BigInteger(), nullable=True),
    sa.Column('purpose', sa.String(length=12), server_default='report', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('byte_size', sa.BigInteger(), nullable=False),
    sa.Column('exif_lon', sa.Float(), nullable=True),
    sa.Column('exif_lat', sa.Float(), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint('byte_size > 0', name=op.f('ck_mobile_photos_size_positive')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_mobile_photos_incident_id_incidents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mobile_photos_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mobile_photos'))
    )
    op.create_index(op.f('ix_mobile_photos_incident_id'), 'mobile_photos', ['incident_id'], unique=False)
    op.create_index(op.f('ix_mobile_photos_user_id'), 'mobile_photos', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_mobile_photos_user_id'), table_name='mobile_photos')
    op.drop_index(op.f('ix_mobile_photos_incident_id'), table_name='mobile_photos')
    op.drop_table('mobile_photos')
    op.drop_index(op.f('ix_mobile_sessions_user_id'), table_name='mobile_sessions')
    op.drop_table('mobile_sessions')
