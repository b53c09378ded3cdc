"""intake: merged duplicates (incidents.parent_id), suggested duplicates, field tasks

Revision ID: 0019
Revises: 0013
Create Date: 2026-12-03 19:00:00

A case merged into a parent keeps its row (its reporter, photos and Open311 id still
answer) but is closed with ``parent_id`` set, and every count leaves it out: the analyst's
rollup triggers are rebuilt to skip rows with a parent, so merging one subtracts it, and the
raw queries filter ``parent_id is null``. ``duplicate_suggestions`` holds the pairs the
background pass found, until an operator confirms or dismisses them. ``field_tasks`` holds
on-site checks (核实 before dispatch, 核查 after the fix) offered to the nearest worker.
"""
import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def _analyst():
    """Migration 0004, whose trigger bodies are rebuilt here with one more condition."""
    path = Path(__file__).with_name("0004_analyst.py")
    spec = importlib.util.spec_from_file_location("hq_migration_0004", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rollup_triggers(only_unmerged: bool) -> None:
    m = _analyst()
    if only_unmerged:
        m.DELTA = m.DELTA + " where parent_id is null"
    for name, (new, old) in m.TABLES.items():
        op.execute(m.FUNCTION.format(name=name, apply=m._apply(new, old)))


def upgrade() -> None:
    op.add_column('incidents', sa.Column('parent_id', sa.BigInteger(), nullable=True))
    op.create_foreign_key(op.f('fk_incidents_parent_id_incidents'), 'incidents', 'incidents',
                          ['parent_id'], ['id'])
    op.create_index('ix_incidents_parent', 'incidents', ['parent_id'],
                    postgresql_where=sa.text('parent_id is not null'))
    op.create_check_constraint(op.f('ck_incidents_merged_closed'), 'incidents',
                               "parent_id is null or status = 'closed'")
    op.create_table(
        'duplicate_suggestions',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('incident_id', sa.BigInteger(), nullable=False),
        sa.Column('parent_id', sa.BigInteger(), nullable=False),
        sa.Column('distance_m', sa.Float(), nullable=False),
        sa.Column('gap_s', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), server_default='open', nullable=False),
        sa.Column('found_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.CheckConstraint("status in ('open', 'confirmed', 'dismissed')",
                           name=op.f('ck_duplicate_suggestions_status_valid')),
        sa.CheckConstraint('incident_id <> parent_id',
                           name=op.f('ck_duplicate_suggestions_not_self')),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE',
                                name=op.f('fk_duplicate_suggestions_incident_id_incidents')),
        sa.ForeignKeyConstraint(['parent_id'], ['incidents.id'], ondelete='CASCADE',
                                name=op.f('fk_duplicate_suggestions_parent_id_incidents')),
        sa.ForeignKeyConstraint(['decided_by'], ['users.id'],
                                name=op.f('fk_duplicate_suggestions_decided_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_suggestions')),
        sa.UniqueConstraint('incident_id', 'parent_id', name='duplicate_pair'),
    )
    op.create_index(op.f('ix_duplicate_suggestions_incident_id'), 'duplicate_suggestions',
                    ['incident_id'])
    op.create_index(op.f('ix_duplicate_suggestions_parent_id'), 'duplicate_suggestions',
                    ['parent_id'])
    op.create_index('ix_duplicate_suggestions_open', 'duplicate_suggestions', ['found_at'],
                    postgresql_where=sa.text("status = 'open'"))
    op.create_table(
        'field_tasks',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('incident_id', sa.BigInteger(), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('offered_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('accept_by', sa.DateTime(timezone=True), nullable=True),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('passed', postgresql.ARRAY(sa.Integer()), server_default='{}', nullable=False),
        sa.Column('offers', sa.SmallInteger(), server_default='0', nullable=False),
        sa.Column('outcome', sa.String(length=12), nullable=True),
        sa.Column('note', sa.Text(), server_default='', nullable=False),
        sa.Column('photo_url', sa.String(length=300), nullable=True),
        sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, spatial_index=False),
                  nullable=True),
        sa.CheckConstraint("kind in ('verify', 'check')", name=op.f('ck_field_tasks_kind_valid')),
        sa.CheckConstraint("status in ('offered', 'accepted', 'done', 'unassigned', 'cancelled')",
                           name=op.f('ck_field_tasks_status_valid')),
        sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE',
                                name=op.f('fk_field_tasks_incident_id_incidents')),
        sa.ForeignKeyConstraint(['assignee_id'], ['users.id'],
                                name=op.f('fk_field_tasks_assignee_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_field_tasks')),
    )
    op.create_index(op.f('ix_field_tasks_incident_id'), 'field_tasks', ['incident_id'])
    op.create_index('idx_field_tasks_geom', 'field_tasks', ['geom'], postgresql_using='gist')
    op.create_index('ix_field_tasks_live', 'field_tasks', ['assignee_id', 'status'],
                    postgresql_where=sa.text("status in ('offered', 'accepted')"))
    op.create_index('uq_field_tasks_live_kind', 'field_tasks', ['incident_id', 'kind'],
                    unique=True,
                    postgresql_where=sa.text("status in ('offered', 'accepted', 'unassigned')"))
    _rollup_triggers(only_unmerged=True)


def downgrade() -> None:
    _rollup_triggers(only_unmerged=False)
    op.drop_table('field_tasks')
    op.drop_table('duplicate_suggestions')
    op.drop_constraint(op.f('ck_incidents_merged_closed'), 'incidents', type_='check')
    op.drop_index('ix_incidents_parent', table_name='incidents')
    op.drop_constraint(op.f('fk_incidents_parent_id_incidents'), 'incidents', type_='foreignkey')
    op.drop_column('incidents', 'parent_id')
