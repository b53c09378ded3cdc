"""notices: the outbox written with each event, its delivery log, and channel routes

Revision ID: 0018
Revises: 0013
Create Date: 2026-12-03 18:45:00

notices: one row per notice per recipient per channel, written in the transaction of the
event that causes it; ``key`` is unique, so a notice is written (and delivered) once.
In-app (``inbox``) rows are delivered when written; outside channels are ``pending`` until
the delivery worker sends them, with attempts, back-off and a log (notice_deliveries).
notice_routes: which department or person also gets notices on WeCom, DingTalk, SMS or email.
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

CHANNELS = ("inbox", "wecom", "dingtalk", "sms", "email")
KINDS = ("dispatched", "due_soon", "overdue", "whistle_blown", "meeting_reminder",
         "second_whistle", "whistle_completed", "verify_fix", "open311_status")


def _listed(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    op.create_table(
        'notice_routes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=True),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('channel', sa.String(length=12), nullable=False),
        sa.Column('address', sa.String(length=500), nullable=False),
        sa.Column('secret', sa.String(length=200), server_default='', nullable=False),
        sa.Column('active', sa.Boolean(), server_default='true', nullable=False),
        sa.CheckConstraint(f"channel in ({_listed(CHANNELS[1:])})",
                           name=op.f('ck_notice_routes_channel_valid')),
        sa.CheckConstraint('(department_id is null) <> (user_id is null)',
                           name=op.f('ck_notice_routes_one_party')),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'], ondelete='CASCADE',
                                name=op.f('fk_notice_routes_department_id_departments')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_notice_routes_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_routes')),
    )
    op.create_index(op.f('ix_notice_routes_department_id'), 'notice_routes', ['department_id'])
    op.create_index(op.f('ix_notice_routes_user_id'), 'notice_routes', ['user_id'])
    op.create_table(
        'notices',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('channel', sa.String(length=12), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('route_id', sa.Integer(), nullable=True),
        sa.Column('address', sa.String(length=500), server_default='', nullable=False),
        sa.Column('incident_id', sa.BigInteger(), nullable=True),
        sa.Column('whistle_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('title_en', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('urgent', sa.Boolean(), server_default='false', nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('attempts', sa.SmallInteger(), server_default='0', nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=300), server_default='', nullable=False),
        sa.CheckConstraint(f"channel in ({_listed(CHANNELS)})",
                           name=op.f('ck_notices_channel_valid')),
        sa.CheckConstraint("status in ('pending', 'sent', 'dead')",
                           name=op.f('ck_notices_status_valid')),
        sa.CheckConstraint(f"kind in ({_listed(KINDS)})", name=op.f('ck_notices_kind_valid')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_notices_user_id_users')),
        sa.ForeignKeyConstraint(['route_id'], ['notice_routes.id'], ondelete='SET NULL',
                                name=op.f('fk_notices_route_id_notice_routes')),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE',
                                name=op.f('fk_notices_incident_id_incidents')),
        sa.ForeignKeyConstraint(['whistle_id'], ['whistles.id'], ondelete='CASCADE',
                                name=op.f('fk_notices_whistle_id_whistles')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
        sa.UniqueConstraint('key', name=op.f('uq_notices_key')),
    )
    op.create_index(op.f('ix_notices_incident_id'), 'notices', ['incident_id'])
    op.create_index(op.f('ix_notices_whistle_id'), 'notices', ['whistle_id'])
    op.create_index('ix_notices_due', 'notices', ['next_attempt_at'],
                    postgresql_where=sa.text("status = 'pending'"))
    op.create_index('ix_notices_inbox', 'notices', ['user_id', 'created_at'],
                    postgresql_where=sa.text("channel = 'inbox'"))
    op.create_table(
        'notice_deliveries',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('notice_id', sa.BigInteger(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempt', sa.SmallInteger(), nullable=False),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.Column('detail', sa.String(length=300), server_default='', nullable=False),
        sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], ondelete='CASCADE',
                                name=op.f('fk_notice_deliveries_notice_id_notices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_deliveries')),
    )
    op.create_index(op.f('ix_notice_deliveries_notice_id'), 'notice_deliveries', ['notice_id'])


def downgrade() -> None:
    op.drop_table('notice_deliveries')
    op.drop_index('ix_notices_inbox', table_name='notices')
    op.drop_index('ix_notices_due', table_name='notices')
    op.drop_table('notices')
    op.drop_table('notice_routes')
