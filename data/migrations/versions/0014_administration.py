"""administration: temporary passwords, the admin audit, worker-to-grid history, merged
departments, categories public on Open311

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 18:20:00

A district sets itself up (issue 26): accounts get a temporary password that must be changed
at the next sign-in (``users.must_change_password``); every administrative change is written
to ``admin_audit`` (append-only: a trigger refuses updates and deletes); a worker's move to
another grid closes a ``worker_grid_history`` row and opens one (filled here from the
current ``worker_grids``); a merged department stays, inactive, pointing at the one it
joined; ``categories.public`` says whether Open311 offers it (0501-0503 never).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0014'
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('users', sa.Column('must_change_password', sa.Boolean(),
                                     server_default='false', nullable=False))
    op.add_column('departments', sa.Column('active', sa.Boolean(), server_default='true',
                                           nullable=False))
    op.add_column('departments', sa.Column('merged_into_id', sa.Integer(), nullable=True))
    op.create_foreign_key(op.f('fk_departments_merged_into_id_departments'), 'departments',
                          'departments', ['merged_into_id'], ['id'])
    op.add_column('categories', sa.Column('public', sa.Boolean(), server_default='true',
                                          nullable=False))
    op.execute("update categories set public = false where code in ('0501', '0502', '0503')")
    op.create_table(
        'worker_grid_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('grid_id', sa.Integer(), nullable=False),
        sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
        sa.Column('valid_to', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('valid_to is null or valid_to >= valid_from',
                           name=op.f('ck_worker_grid_history_valid_order')),
        sa.ForeignKeyConstraint(['grid_id'], ['grids.id'],
                                name=op.f('fk_worker_grid_history_grid_id_grids')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_worker_grid_history_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_worker_grid_history')))
    op.create_index(op.f('ix_worker_grid_history_grid_id'), 'worker_grid_history', ['grid_id'])
    op.create_index(op.f('ix_worker_grid_history_user_id'), 'worker_grid_history', ['user_id'])
    op.execute("insert into worker_grid_history (user_id, grid_id, valid_from) "
               "select wg.user_id, wg.grid_id, u.created_at from worker_grids wg "
               "join users u on u.id = wg.user_id")
    op.create_table(
        'admin_audit',
        sa.Column('id', sa.BigInteger(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=60), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('subject_type', sa.String(length=20), nullable=False),
        sa.Column('subject_key', sa.String(length=60), nullable=False),
        sa.Column('before', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('after', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_admin_audit_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_audit')))
    op.create_index(op.f('ix_admin_audit_at'), 'admin_audit', ['at'])
    op.create_index(op.f('ix_admin_audit_actor_id'), 'admin_audit', ['actor_id'])
    op.create_index(op.f('ix_admin_audit_action'), 'admin_audit', ['action'])
    # Append-only, whatever the application does.
    op.execute("""
        create function admin_audit_append_only() returns trigger language plpgsql as $$
        begin raise exception 'admin_audit is append-only'; end $$""")
    op.execute("create trigger admin_audit_append_only before update or delete on admin_audit "
               "for each row execute function admin_audit_append_only()")


def downgrade() -> None:
    op.execute("drop trigger admin_audit_append_only on admin_audit")
    op.execute("drop function admin_audit_append_only()")
    op.drop_table('admin_audit')
    op.drop_table('worker_grid_history')
    op.drop_column('categories', 'public')
    op.drop_constraint(op.f('fk_departments_merged_into_id_departments'), 'departments',
                       type_='foreignkey')
    op.drop_column('departments', 'merged_into_id')
    op.drop_column('departments', 'active')
    op.drop_column('users', 'must_change_password')
