"""street_ratings: the 下考上 rating rounds, each street rating the departments it worked with

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-03 18:40:00

Until now a department's street evaluation came only from the ratings of whistles, so in a
month without whistles the "ranking" was an on-time ranking. Streets rate each department
they dispatched to or summoned, per month or quarter; both kinds count.
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'street_ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('street_id', sa.Integer(), nullable=False),
        sa.Column('department_id', sa.Integer(), nullable=False),
        sa.Column('period_from', sa.Date(), nullable=False),
        sa.Column('period_to', sa.Date(), nullable=False),
        sa.Column('timeliness', sa.SmallInteger(), nullable=False),
        sa.Column('quality', sa.SmallInteger(), nullable=False),
        sa.Column('attitude', sa.SmallInteger(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('rated_by_id', sa.Integer(), nullable=True),
        sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('period_to > period_from', name=op.f('ck_street_ratings_period_order')),
        sa.CheckConstraint('timeliness between 0 and 100',
                           name=op.f('ck_street_ratings_timeliness_range')),
        sa.CheckConstraint('quality between 0 and 100',
                           name=op.f('ck_street_ratings_quality_range')),
        sa.CheckConstraint('attitude between 0 and 100',
                           name=op.f('ck_street_ratings_attitude_range')),
        sa.ForeignKeyConstraint(['street_id'], ['streets.id'],
                                name=op.f('fk_street_ratings_street_id_streets')),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name=op.f('fk_street_ratings_department_id_departments')),
        sa.ForeignKeyConstraint(['rated_by_id'], ['users.id'],
                                name=op.f('fk_street_ratings_rated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_street_ratings')),
        sa.UniqueConstraint('street_id', 'department_id', 'period_from', 'period_to',
                            name=op.f('uq_street_ratings_street_id')),
    )
    op.create_index('ix_street_ratings_street_id', 'street_ratings', ['street_id'])
    op.create_index('ix_street_ratings_department_id', 'street_ratings', ['department_id'])
    op.create_index('ix_street_ratings_rated_at', 'street_ratings', ['rated_at'])


def downgrade() -> None:
    op.drop_table('street_ratings')
