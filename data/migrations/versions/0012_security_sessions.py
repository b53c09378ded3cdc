"""security: desk sessions kept server-side, public notes, Open311 media links

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 16:00:00

web_sessions: one row per signed-in browser (the sha256 of its random id), so sign-out and
a password change revoke copies of the cookie too, and every session ends at a fixed time.
incident_events.public: only notes marked public reach Open311's status_notes.
open311_requests.media_url: a client's external photo link, kept off incidents.photo_url
(which holds only photos this server stored).
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'web_sessions',
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_web_sessions_user_id_users')),
        sa.PrimaryKeyConstraint('id_hash', name=op.f('pk_web_sessions')),
    )
    op.create_index(op.f('ix_web_sessions_user_id'), 'web_sessions', ['user_id'])
    op.add_column('incident_events', sa.Column('public', sa.Boolean(), nullable=False,
                                               server_default='false'))
    op.add_column('open311_requests', sa.Column('media_url', sa.String(length=300),
                                                nullable=True))
    # Open311 requests filed before this revision kept the client's link on the incident.
    op.execute("""update open311_requests r set media_url = i.photo_url
                  from incidents i where i.id = r.incident_id and i.photo_url is not null
                  and i.photo_url not like '/m/photos/%'""")
    op.execute("""update incidents set photo_url = null
                  where photo_url is not null and photo_url not like '/m/photos/%'""")


def downgrade() -> None:
    op.drop_column('open311_requests', 'media_url')
    op.drop_column('incident_events', 'public')
    op.drop_index(op.f('ix_web_sessions_user_id'), table_name='web_sessions')
    op.drop_table('web_sessions')
