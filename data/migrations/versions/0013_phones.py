"""phones: fixes set aside with their reason, raw device times, clock offsets, device lifecycle

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-03 15:20:00

Traccar Client retries a refused fix forever, so a decodable fix from a known device is
always acknowledged: the doubtful ones (a jump, outside the district, a stale or future
time, inaccurate, mock, valid=false) go to ``set_aside_fixes`` with their reason instead of
``positions``, which then holds only fixes the wall, tracks and coverage may trust.
A phone whose clock is off has its fixes moved by the measured offset: ``positions.raw_time``
keeps what the phone said and ``devices.clock_offset_s`` what was measured. Devices can be
revoked (``revoked_at``) and replaced (``replaced_by``).
"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = '0013'
down_revision = "0012"
branch_labels = None
depends_on = None

REASONS = ("impossible_speed", "outside_district", "stale_timestamp", "future_timestamp",
           "inaccurate", "mock_location", "not_valid")


def upgrade() -> None:
    # Nullable, no default: adding it to the partitioned table touches no row.
    op.add_column('positions', sa.Column('raw_time', sa.DateTime(timezone=True), nullable=True))
    op.add_column('devices', sa.Column('clock_offset_s', sa.Float(), nullable=True))
    op.add_column('devices', sa.Column('clock_checked_at', sa.DateTime(timezone=True),
                                       nullable=True))
    op.add_column('devices', sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('devices', sa.Column('replaced_by', sa.Integer(), nullable=True))
    op.create_foreign_key(op.f('fk_devices_replaced_by_devices'), 'devices', 'devices',
                          ['replaced_by'], ['id'])
    listed = ", ".join(f"'{r}'" for r in REASONS)
    op.create_table(
        'set_aside_fixes',
        sa.Column('device_id', sa.Integer(), nullable=False),
        sa.Column('device_time', sa.DateTime(timezone=True), nullable=False),
        sa.Column('corrected_time', sa.DateTime(timezone=True), nullable=True),
        sa.Column('server_time', sa.DateTime(timezone=True), server_default=sa.text('now()'),
                  nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('district_code', sa.String(length=6), server_default='120106',
                  nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('speed_mps', sa.Float(), nullable=True),
        sa.Column('bearing', sa.Float(), nullable=True),
        sa.Column('altitude', sa.Float(), nullable=True),
        sa.Column('accuracy_m', sa.Float(), nullable=True),
        sa.Column('battery', sa.SmallInteger(), nullable=True),
        sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, spatial_index=False,
                                   from_text='ST_GeomFromEWKT', name='geometry'),
                  nullable=False),
        sa.CheckConstraint(f"reason in ({listed})", name=op.f('ck_set_aside_fixes_reason_valid')),
        sa.CheckConstraint('ST_X(geom) between -180 and 180 and ST_Y(geom) between -90 and 90',
                           name=op.f('ck_set_aside_fixes_geom_lonlat')),
        sa.ForeignKeyConstraint(['device_id'], ['devices.id'],
                                name=op.f('fk_set_aside_fixes_device_id_devices')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_set_aside_fixes_user_id_users')),
        sa.PrimaryKeyConstraint('device_id', 'device_time', name=op.f('pk_set_aside_fixes')),
    )
    op.create_index('ix_set_aside_fixes_server_time', 'set_aside_fixes', ['server_time'])


def downgrade() -> None:
    op.drop_index('ix_set_aside_fixes_server_time', table_name='set_aside_fixes')
    op.drop_table('set_aside_fixes')
    op.drop_constraint(op.f('fk_devices_replaced_by_devices'), 'devices', type_='foreignkey')
    for column in ('replaced_by', 'revoked_at', 'clock_checked_at', 'clock_offset_s'):
        op.drop_column('devices', column)
    op.drop_column('positions', 'raw_time')
